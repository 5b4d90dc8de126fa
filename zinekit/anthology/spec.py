"""An anthology's list of texts: the spec ``reader.toml``, or an issue's ``include:``.

:func:`read_spec` reads the spec as an issue with no text of its own whose ``include``
list holds one entry per text or chapter (``source#chapter``, or a reference); every
value of the wrong type is a located error naming its key and the type it needs, so
nothing later meets a number where it expects a list.  :func:`entry_lines` gives the
line of each entry, in a spec or in front matter.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from zinekit.config import ISSUE_OPTIONS, IssueSettings, Settings, toml_key_line, validate
from zinekit.errors import Diagnostics
from zinekit.safety.limits import Problem, load_toml
from zinekit.load import issue_slug
from zinekit.markup.typography import typeset_settings, typography_for, typography_language
from zinekit.model import Issue

#: The most texts (entries, counting each chapter) one anthology includes.
MAX_ENTRIES = 1000
TEXTS_KEYS = ("source", "text", "chapters")
TEXTS_HEADER = re.compile(r"^\s*\[\[\s*texts\s*\]\]\s*(#.*)?$")
USAGE = ("each [[texts]] needs source = \"path\" (with chapters = [...] if wanted) or "
         "text = \"a reference\"")


def type_name(value: Any) -> str:
    """A TOML or YAML value's type as an editor calls it."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (datetime.date, datetime.time)):
        return "a date"
    names = {str: "text", int: "a whole number", float: "a number", list: "a list",
             dict: "a table"}
    return next((name for kind, name in names.items() if isinstance(value, kind)),
                type(value).__name__)


def read_spec(path: Path, root: Path, build: Settings, diagnostics: Diagnostics) -> Issue:
    """``reader.toml`` as an issue with no text of its own and an ``include`` list;
    every problem is reported with its line."""
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = load_toml(text)
    except Problem as problem:
        diagnostics.error(f"not valid TOML: {problem.message}", str(path), problem.line, problem.col)
        data = {}
    for key in data:
        if key not in ("anthology", "texts") and not key.startswith("x-"):
            diagnostics.error(f"unknown table or key {key!r} (an anthology has [anthology] and "
                              "[[texts]])", str(path), toml_key_line(text, key), 1)
    table = _anthology_table(data.get("anthology", {}), text, path, diagnostics)
    lines = {key: toml_key_line(text, key, table="anthology") for key in table}
    table = {k: v for k, v in table.items() if k != "include"}
    entries, entry_lines_ = _spec_entries(data.get("texts", []), text, path, diagnostics)
    meta = validate(table, ISSUE_OPTIONS, lines, str(path), diagnostics, "[anthology]")
    meta = typeset_settings(meta, typography_for(typography_language(IssueSettings(meta, build))))
    meta.values["include"] = entries
    meta.lines["include"] = entry_lines_[0] if entry_lines_ else 0
    meta.values["x-include-lines"] = entry_lines_
    if not entries and not diagnostics.errors:
        diagnostics.error("the anthology lists no [[texts]]", str(path), 1, 1)
    return Issue(path=path, source_file=path, root=root, meta=meta, build=build, articles=[],
                 slug=issue_slug(meta, path))


def _anthology_table(table: Any, text: str, path: Path, diagnostics: Diagnostics) -> dict:
    if isinstance(table, dict):
        return table
    diagnostics.error(f"'anthology' must be a table ([anthology]), not {type_name(table)}",
                      str(path), toml_key_line(text, "anthology"), 1)
    return {}


def _spec_entries(texts: Any, text: str, path: Path,
                  diagnostics: Diagnostics) -> tuple[list[str], list[int]]:
    """``[[texts]]`` as include entries (``source#chapter`` or a reference), each with
    the line of its table."""
    if not isinstance(texts, list):
        diagnostics.error(f"'texts' must be an array of tables ([[texts]]), not {type_name(texts)}",
                          str(path), toml_key_line(text, "texts"), 1)
        return [], []
    headers = [n for n, line in enumerate(text.split("\n"), 1) if TEXTS_HEADER.match(line)]
    entries: list[str] = []
    lines: list[int] = []
    for index, item in enumerate(texts):
        line = headers[index] if index < len(headers) else toml_key_line(text, "texts")
        for entry in _item_entries(item, str(path), line, diagnostics):
            entries.append(entry)
            lines.append(line)
    return entries, lines


def _item_entries(item: Any, path: str, line: int, diagnostics: Diagnostics) -> list[str]:
    """One ``[[texts]]`` table as its entries: one, or one per chapter; [] when wrong."""
    if not isinstance(item, dict):
        diagnostics.error(f"each entry of 'texts' must be a table ([[texts]]), not {type_name(item)}",
                          path, line, 1)
        return []
    problems = [f"unknown [[texts]] key {key!r} (it takes source, text and chapters)"
                for key in item if key not in TEXTS_KEYS and not str(key).startswith("x-")]
    problems += [f"[[texts]] key {key!r} must be text, not {type_name(item[key])}"
                 for key in ("source", "text") if key in item and not isinstance(item[key], str)]
    chapters = item.get("chapters", [])
    if not isinstance(chapters, list) or not all(isinstance(c, str) for c in chapters):
        wrong = chapters if not isinstance(chapters, list) else \
            next(c for c in chapters if not isinstance(c, str))
        problems.append(f"[[texts]] key 'chapters' must be a list of text, not "
                        f"{type_name(chapters) if wrong is chapters else 'a list holding ' + type_name(wrong)}")
    source, named = item.get("source"), item.get("text")
    if not problems and (source is None) == (named is None):
        problems.append(USAGE)
    elif not problems and named is not None and "chapters" in item:
        problems.append("[[texts]] key 'chapters' goes with source = \"path\"; a text named with "
                        "text = \"…\" is included as the reference names it")
    for problem in problems:
        diagnostics.error(problem, path, line, 1)
    if problems:
        return []
    return [f"{source}#{chapter.lstrip('#')}" for chapter in chapters] or [str(source or named)]


def entry_lines(issue: Issue) -> list[int]:
    """The line of each ``include`` entry (a block list in front matter: one a line)."""
    known = issue.meta.get("x-include-lines")
    if known is not None:
        return list(known)
    first, count = issue.meta.line_of("include"), len(issue.meta.typed.include)
    try:
        key_line = issue.source_file.read_text(encoding="utf-8").split("\n")[first - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        key_line = ""
    if not first or key_line.partition(":")[2].strip():  # include: [a, b] or include: a
        return [first] * count
    return [first + 1 + i for i in range(count)]
