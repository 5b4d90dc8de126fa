"""The ``.bib`` file of an issue: found inside the project, bounded, read with pybtex.

Every problem is located in the ``.bib`` (file, line, column), reading stays linear in
the file's size (lines are counted as a scan goes, diagnostics are de-duplicated with a
set), a file larger than :data:`MAX_BIB_BYTES` is refused before it is read, and an
entry whose ``crossref`` chain loops or runs too long loses its ``crossref`` with an
error (pybtex would follow it until Python's recursion limit).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pybtex is loaded when a .bib file is read
    from pybtex.database import BibliographyData, Entry

from zinekit.errors import Diagnostics
from zinekit.safety.limits import irregular_kind, not_regular
from zinekit.model import Issue

__all__ = ["Bibliography", "find_bibliography", "read_bibliography", "entry_lines",
           "DEFAULT_BIBLIOGRAPHY", "MAX_BIB_BYTES"]

#: pybtex reads about 0.3 MB a second: a larger .bib is refused before it is read.
MAX_BIB_BYTES = 16_000_000
DEFAULT_BIBLIOGRAPHY = "refs.bib"  # in the project folder, when the issue names none
ENTRY_HEAD = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s{}()]*)\s*,?")


@dataclass
class Bibliography:
    """A parsed ``.bib`` file and where each entry starts in it."""

    path: Path
    shown: str  # the file as named in messages: relative to the project folder
    data: BibliographyData
    lines: dict[str, list[int]] = field(default_factory=dict)  # key (casefolded) → lines

    def line_of(self, key: str, nth: int = 0) -> int:
        found = self.lines.get(key.casefold(), [])
        return found[min(nth, len(found) - 1)] if found else 0

    def get(self, key: str) -> Entry | None:
        return self.data.entries.get(key)


# --- 1. the bibliography file -----------------------------------------------------------


def find_bibliography(issue: Issue, diagnostics: Diagnostics) -> Path | None:
    """The issue's ``.bib`` file, or None (reported when the issue names one that is
    missing or lies outside the project folder)."""
    named = issue.meta.typed.bibliography
    if not named:
        default = issue.root / DEFAULT_BIBLIOGRAPHY
        if irregular_kind(default) is not None:
            diagnostics.error(str(not_regular(default, DEFAULT_BIBLIOGRAPHY)), str(default))
            return None
        if default.is_file() and not default.resolve().is_relative_to(issue.root.resolve()):
            diagnostics.error(f"{DEFAULT_BIBLIOGRAPHY} links to a file outside the project "
                              "folder; not read", str(default))
            return None
        return default if default.is_file() else None
    path = (issue.source_file.parent / str(named)).resolve()
    where = (issue.meta.path, issue.meta.line_of("bibliography"), 1)
    if not path.is_relative_to(issue.root.resolve()):
        diagnostics.error(f"bibliography '{named}' is outside the project folder", *where)
        return None
    if irregular_kind(path) is not None:
        diagnostics.error(f"bibliography '{named}' is {irregular_kind(path)}, not a regular "
                          "file; not read", *where)
        return None
    if not path.is_file():
        diagnostics.error(f"bibliography '{named}' not found", *where)
        return None
    return path


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


# --- 2. reading it ----------------------------------------------------------------------


def read_bibliography(path: Path, root: Path, diagnostics: Diagnostics) -> Bibliography:
    """Parse ``path`` with pybtex; report every problem with its line in the file."""
    import pybtex.errors
    from pybtex.database import BibliographyData
    from pybtex.database.input.bibtex import Parser
    from pybtex.exceptions import PybtexError

    shown = _shown(path, root)
    size = path.stat().st_size
    if size > MAX_BIB_BYTES:
        diagnostics.error(f"{shown} is {size / 1_000_000:.1f} MB; the limit for a .bib file is "
                          f"{MAX_BIB_BYTES / 1_000_000:g} MB (keep the works the series cites)",
                          str(path), 1, 1)
        return Bibliography(path, shown, BibliographyData())
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        diagnostics.error(f"{shown} is not valid UTF-8 text", str(path), line, col)
        text = raw.decode("utf-8", errors="replace")
    bib = Bibliography(path, shown, BibliographyData(), entry_lines(text))
    with pybtex.errors.capture() as problems:
        try:
            bib.data = Parser().parse_string(text)
        except PybtexError as exc:  # what capture() does not catch
            problems.append(exc)
    for problem in problems:
        _report_bib_problem(problem, text, bib, diagnostics)
    _break_crossref_loops(bib, diagnostics)
    return bib


#: How many ``crossref`` links one entry may follow (pybtex recurses once per link).
MAX_CROSSREF_CHAIN = 20


def _break_crossref_loops(bib: Bibliography, diagnostics: Diagnostics) -> None:
    """An entry whose ``crossref`` chain comes back to itself, or runs longer than
    :data:`MAX_CROSSREF_CHAIN` links, is reported and loses its ``crossref`` (pybtex
    would follow it until Python's recursion limit)."""
    entries = bib.data.entries
    for key, entry in entries.items():
        chain, current = [key], entry
        while "crossref" in current.fields and len(chain) <= MAX_CROSSREF_CHAIN:
            target = str(current.fields["crossref"])
            if target.casefold() in (k.casefold() for k in chain):
                _drop_crossref(bib, key, chain + [target], "comes back to itself", diagnostics)
                break
            if target not in entries:
                break
            chain.append(target)
            current = entries[target]
        else:
            if "crossref" in current.fields:
                _drop_crossref(bib, key, chain, f"is longer than {MAX_CROSSREF_CHAIN} links",
                               diagnostics)


def _drop_crossref(bib: Bibliography, key: str, chain: list[str], why: str,
                   diagnostics: Diagnostics) -> None:
    shown = " → ".join(chain[:6]) + (" → …" if len(chain) > 6 else "")
    diagnostics.error(f"entry '{key}': its crossref chain {why} ({shown}); the crossref is "
                      "ignored", str(bib.path), bib.line_of(key), 1)
    del bib.data.entries[key].fields["crossref"]


def entry_lines(text: str) -> dict[str, list[int]]:
    """Each entry key (casefolded) → the 1-based lines of its ``@type{key`` heads."""
    lines: dict[str, list[int]] = {}
    for key, line, _ in _entry_heads(text):
        lines.setdefault(key.casefold(), []).append(line)
    return lines


@lru_cache(maxsize=4)
def _entry_heads(text: str) -> list[tuple[str, int, int]]:
    """(key, 1-based line, offset) of every entry's ``@type{key`` head, in order, with
    the lines counted as the scan goes (counting from the start for each entry made a
    large .bib quadratic)."""
    heads, line, counted = [], 1, 0
    for m in ENTRY_HEAD.finditer(text):
        line += text.count("\n", counted, m.start())
        counted = m.start()
        if m.group(1).lower() not in ("string", "preamble", "comment"):
            heads.append((m.group(2), line, m.start()))
    return heads


def _report_bib_problem(problem: Exception, text: str, bib: Bibliography,
                        diagnostics: Diagnostics) -> None:
    message = re.sub(r"^syntax error in line \d+: ", "BibTeX syntax error: ", str(problem))
    message = re.sub(r" in line \d+(?=:)", "", message)
    line, col = _problem_position(problem, message, text, bib)
    if getattr(problem, "lineno", None):
        entry = _entry_before(text, _offset(text, line, col))
        if entry is not None and entry[0] and entry[1] != line:
            message += f" (in entry '{entry[0]}' that starts at line {entry[1]})"
    diagnostics.error(message, str(bib.path), line, col)


def _offset(text: str, line: int, col: int) -> int:
    """The 0-based offset in ``text`` of a 1-based line and column."""
    starts = _line_starts(text)
    if line - 1 >= len(starts):
        return len(text)
    return starts[max(line - 1, 0)] + col - 1


@lru_cache(maxsize=4)
def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _problem_position(problem: Exception, message: str, text: str,
                      bib: Bibliography) -> tuple[int, int]:
    """pybtex's line (and column) when it gives one, else the line the problem names."""
    lineno = getattr(problem, "lineno", None)
    if lineno:
        info = getattr(problem, "error_context_info", None)
        pos = info[2] if info and len(info) > 2 and isinstance(info[2], int) else None
        col = pos - text.rfind("\n", 0, pos) if pos is not None and 0 <= pos <= len(text) else 1
        return int(lineno), max(1, col)
    repeated = re.match(r"repeated bibliography entry: (.+)$", message)
    if repeated:
        return bib.line_of(repeated.group(1).strip(), nth=1), 1
    quoted = re.search(r"'(.+)'", message)
    if quoted and quoted.group(1) in text:
        offset = text.index(quoted.group(1))
        return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
    return 0, 0


def _entry_before(text: str, offset: int) -> tuple[str, int] | None:
    """The key and line of the last entry that starts before ``offset``."""
    heads = _entry_heads(text)
    index = bisect.bisect_left([start for _, _, start in heads], offset) - 1
    return (heads[index][0], heads[index][1]) if index >= 0 else None
