"""A Jekyll or Hugo post (Markdown with front matter and liquid tags) → zinekit Markdown.

- front matter (YAML between ``---``, or Hugo's TOML between ``+++``): ``title``,
  ``date``, ``author``/``authors`` and ``subtitle`` are mapped; every other key is kept
  with an ``x-`` prefix;
- tufte liquid tags: ``sidenote`` and ``marginnote`` → footnotes printed in the margin
  (``notes: side``), ``newthought`` → its text, ``margin_figure``, ``maincolumn`` and
  ``fullwidth`` → figures, ``epigraph`` → a block quote with its attribution;
- any other liquid tag (``{% … %}``, ``{{ … }}``, Hugo's ``{{< … >}}``) is reported and
  kept as written; tags inside code are left alone;
- raw HTML blocks: embeds (tweets, frames) become quoted blocks, scripts and ``<br>`` are
  dropped, other HTML is converted to Markdown.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import yaml

from zinekit.errors import SourceError
from zinekit.importer.document import Imported
from zinekit.safety.limits import Problem, load_toml, load_yaml, problem_text
from zinekit.importer.liquid import convert_body
from zinekit.importer.report import Report

MAPPED = {"title": "title", "subtitle": "subtitle", "date": "date", "author": "authors",
          "authors": "authors"}


def import_jekyll(text: str, source: str) -> Imported:
    """Import one Jekyll or Hugo post."""
    report = Report(source)
    raw, body, offset = split_front(text, source)
    meta = map_front_matter(raw)
    body, side = convert_body(body, offset, report)
    if side:
        meta["notes"] = "side"
    return Imported(meta, body, report, "jekyll")


def split_front(text: str, source: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, number of lines before the body)."""
    lines = text.split("\n")
    fence = lines[0].strip() if lines else ""
    if fence not in ("---", "+++"):
        return {}, text, 0
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in (fence, "...")), None)
    if end is None:
        raise SourceError(f"front matter opened with '{fence}' is never closed", source, 1, 1)
    inner = "\n".join(lines[1:end])
    data = _toml(inner, source) if fence == "+++" else _yaml(inner, source)
    return data, "\n".join(lines[end + 1:]), end + 1


def _yaml(inner: str, source: str) -> dict[str, Any]:
    try:
        data = load_yaml(inner)[0] or {}
    except Problem as problem:
        raise SourceError(f"front matter is refused: {problem.message}", source,
                          problem.line + 1, problem.col) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 2, mark.column + 1) if mark else (2, 1)
        reason = getattr(exc, "problem", None) or str(exc)
        raise SourceError(f"front matter is not valid YAML: {reason}", source, line, col) from exc
    if not isinstance(data, dict):
        raise SourceError("front matter must be a mapping of keys to values", source, 2, 1)
    return data


def _toml(inner: str, source: str) -> dict[str, Any]:
    try:
        return load_toml(inner)
    except Problem as problem:
        raise SourceError(f"front matter {problem_text(problem, 'TOML')}", source,
                          problem.line + 1, problem.col) from None


def map_front_matter(raw: dict[str, Any]) -> dict[str, Any]:
    """zinekit keys for title, date and authors; ``x-`` for everything else."""
    meta: dict[str, Any] = {}
    for key, value in raw.items():
        name = MAPPED.get(str(key))
        if name == "authors":
            value = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        elif name == "date" and isinstance(value, (_dt.date, _dt.datetime)):
            value = value.isoformat()[:10]
        meta[name or f"x-{key}" if not str(key).startswith("x-") else key] = _plain(value)
    return meta


def _plain(value: Any) -> Any:
    """Dates inside lists and mappings as ISO text, so the YAML written back is plain."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)  # a date that names no real day is a str of its own kind
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value
