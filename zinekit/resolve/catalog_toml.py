"""Reading the catalog out of ``zinekit.toml``: values checked, problems located.

tomllib gives values without positions, so :class:`TomlIndex` scans the text once for
the line and column of every table, key and inline table; each problem is then reported
as ``zinekit.toml:LINE:COL: error: ...``.  Back-issue PDFs named with ``pdf =`` are read
on first use, reconciled with the issue's ``articles`` table if it has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from zinekit.errors import Diagnostic, Diagnostics
from zinekit.safety.limits import irregular_kind
from zinekit.resolve.catalog import Catalog, CatalogIssue, Entry, Origin, Series, show_value
from zinekit.resolve.grammar import normalize_title
from zinekit.resolve.pdfinfo import PdfProblem, read_pdf_info

__all__ = ["TomlIndex", "load_catalog"]


# -- zinekit.toml: where things are -------------------------------------------------------

_KEY = re.compile(r"""\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")
_HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]")
_KEY_PART = re.compile(r""""([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+)""")


def _key_parts(text: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None) for m in _KEY_PART.finditer(text)]


@dataclass
class _ScanState:
    stack: list[str] = field(default_factory=list)
    string: str | None = None


class TomlIndex:
    """Line and column of the tables, keys and inline tables of a TOML text.

    tomllib keeps no positions, so this scans the text once.  A table is a path such as
    ``("issues", 2)`` (the third ``[[issues]]``) or ``("related", 0, "issues", 1)``.
    """

    def __init__(self, text: str = "") -> None:
        self.tables: dict[tuple[Any, ...], tuple[int, int]] = {}
        self.keys: dict[tuple[Any, ...], tuple[int, int]] = {}
        self.items: dict[tuple[Any, ...], list[tuple[int, int]]] = {}
        self._counts: dict[tuple[Any, ...], int] = {}
        table: tuple[Any, ...] = ()
        key_path: tuple[Any, ...] | None = None
        state = _ScanState()
        for number, line in enumerate(text.splitlines(), 1):
            start = 0
            if not state.stack and state.string is None:
                header = _HEADER.match(line)
                if header:
                    table = self._enter(header, number)
                    continue
                key = _KEY.match(line)
                if key is None:
                    continue
                key_path = (*table, *_key_parts(key.group(1)))
                self.keys.setdefault(key_path, (number, key.start(1) + 1))
                start = key.end()
            self._scan_value(line, start, number, key_path, state)

    def _enter(self, header: re.Match[str], number: int) -> tuple[Any, ...]:
        parts = _key_parts(header.group(2)) or [""]
        path: list[Any] = []
        for part in parts[:-1]:
            path.append(part)
            if tuple(path) in self._counts:
                path.append(self._counts[tuple(path)] - 1)
        path.append(parts[-1])
        if header.group(1) == "[[":
            count = self._counts.get(tuple(path), 0)
            self._counts[tuple(path)] = count + 1
            path.append(count)
        self.tables.setdefault(tuple(path), (number, header.start(1) + 1))
        return tuple(path)

    def _scan_value(self, line: str, i: int, number: int, key_path: tuple[Any, ...] | None, state: _ScanState) -> None:
        while i < len(line):
            c = line[i]
            if state.string:
                if c == "\\" and state.string[0] == '"':
                    i += 2
                    continue
                if line.startswith(state.string, i):
                    i, state.string = i + len(state.string), None
                    continue
            elif c == "#":
                break
            elif line.startswith(('"""', "'''"), i):
                state.string, i = line[i : i + 3], i + 3
                continue
            elif c in "\"'":
                state.string = c
            elif c in "[{":
                if c == "{" and state.stack == ["["] and key_path is not None:
                    self.items.setdefault(key_path, []).append((number, i + 1))
                state.stack.append(c)
            elif c in "]}" and state.stack:
                state.stack.pop()
            i += 1
        if state.string in ('"', "'"):
            state.string = None

    def position(self, table: tuple[Any, ...], key: str | None = None) -> tuple[int, int]:
        """(line, col) of ``key`` in ``table``, else of the table itself, else (0, 0)."""
        if key is not None and table + (key,) in self.keys:
            return self.keys[table + (key,)]
        if table in self.tables:
            return self.tables[table]
        if table and isinstance(table[-1], int) and table[:-1] in self.items:
            items = self.items[table[:-1]]
            if table[-1] < len(items):
                return items[table[-1]]
        if table in self.keys:
            return self.keys[table]
        return self.position(table[:-1]) if len(table) > 1 else (0, 0)


# -- zinekit.toml: what things are ----------------------------------------------------------

_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "string": (lambda v: isinstance(v, str), "a string"),
    "strings": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of strings"),
    "count": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "a whole number"),
    "offset": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number"),
    "page": (lambda v: (isinstance(v, int) and not isinstance(v, bool) and v >= 1)
             or (isinstance(v, str) and bool(v.strip())), "a page number or label"),
    "tables": (lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v), "a list of tables"),
}
_SERIES_KEYS = {"name": "string", "aliases": "strings", "url": "string"}
_RELATED_KEYS = {**_SERIES_KEYS, "issues": "tables"}
_ISSUE_KEYS = {
    "volume": "count", "number": "count", "chapter": "count", "title": "string", "pdf": "string",
    "url": "string", "source": "string", "articles": "tables", "page_offset": "offset",
}
_ARTICLE_KEYS = {"title": "string", "page": "page", "authors": "strings", "level": "count", "anchor": "string"}


@dataclass
class _Reader:
    """Validation of one zinekit.toml: values checked, problems located."""

    root: Path
    path: str | None
    index: TomlIndex
    diagnostics: Diagnostics

    def origin(self, table: tuple[Any, ...], key: str | None = None) -> Origin:
        return Origin(self.path, *self.index.position(table, key))

    def error(self, message: str, table: tuple[Any, ...], key: str | None = None) -> None:
        where = self.origin(table, key)
        self.diagnostics.error(message, where.path, where.line, where.col)

    def check(self, data: Any, schema: dict[str, str], label: str, table: tuple[Any, ...]) -> dict[str, Any] | None:
        """The valid values of a table; each unknown key or wrong type is an error."""
        if not isinstance(data, dict):
            self.error(f"{label} must be a table, got {show_value(data)}", table)
            return None
        good = {}
        for key, value in data.items():
            if key.startswith("x-"):
                continue
            if key not in schema:
                self.error(f'unknown key "{key}" in {label} (expected one of: {", ".join(sorted(schema))})', table, key)
            elif not _CHECKS[schema[key]][0](value):
                self.error(f'"{key}" in {label} must be {_CHECKS[schema[key]][1]}, got {show_value(value)}', table, key)
            else:
                good[key] = value
        return good

    def existing(self, value: str | None, table: tuple[Any, ...], key: str) -> Path | None:
        """``value`` as a path in the project, which must exist."""
        if value is None:
            return None
        path = (self.root / value).resolve()
        if not path.is_relative_to(self.root.resolve()):
            self.error(f'{key} "{value}" is outside the project folder', table, key)
        elif not path.exists():
            self.error(f'{key} "{value}" does not exist', table, key)
        elif key == "pdf" and not path.is_file():
            kind = irregular_kind(path) or "a special file"
            self.error(f'{key} "{value}" is {kind}, not a regular file; not read', table, key)
        else:
            return path
        return None


def load_catalog(data: dict[str, Any], root: Path, toml_path: Path | None, diagnostics: Diagnostics,
                 *, eager: bool = False) -> Catalog:
    """The catalog declared in a parsed ``zinekit.toml`` (``data``), with problems in
    ``diagnostics``.  Paths are relative to ``root``.  Back-issue PDFs are read on first
    use (all at once with ``eager=True``), their problems going to ``diagnostics`` then."""
    text = _read_text(toml_path)
    reader = _Reader(Path(root), str(toml_path) if toml_path else None, TomlIndex(text), diagnostics)
    home = _home_series(data, reader)
    catalog = Catalog(home, [home], diagnostics)
    related = data.get("related", [])
    if not _CHECKS["tables"][0](related):
        got = show_value(related)
        reader.error(f"related series are written [[related]] (a list of tables), got {got}", ("related",))
        related = []
    for j, table in enumerate(related):
        series = _series(table, ("related", j), "[[related]]", _RELATED_KEYS, reader)
        if series is not None:
            _add_series(catalog, series, ("related", j), reader)
    if eager:
        catalog.read_all()
    return catalog


def _read_text(path: Path | None) -> str:
    try:
        return Path(path).read_text(encoding="utf-8") if path else ""
    except (OSError, UnicodeDecodeError):
        return ""


def _home_series(data: dict[str, Any], reader: _Reader) -> Series:
    if "series" not in data:
        if data.get("issues"):
            reader.error('[[issues]] need a [series] table with the series "name"', ("issues", 0))
        series = Series("")
    else:
        series = _series(data["series"], ("series",), "[series]", _SERIES_KEYS, reader) or Series("")
    series.issues = _issues(data.get("issues", []), ("issues",), "[[issues]]", series.name, reader)
    return series


def _series(data: Any, table: tuple[Any, ...], label: str, schema: dict[str, str], reader: _Reader) -> Series | None:
    values = reader.check(data, schema, label, table)
    if values is None:
        return None
    if not values.get("name", "").strip():
        if "name" not in data:
            reader.error(f'{label} needs a "name"', table)
        return None
    aliases = [a.strip() for a in values.get("aliases", []) if a.strip()]
    series = Series(values["name"].strip(), aliases, values.get("url"))
    if "issues" in values:
        series.issues = _issues(values["issues"], (*table, "issues"), f"{label[:-2]}.issues]]", series.name, reader)
    return series


def _add_series(catalog: Catalog, series: Series, table: tuple[Any, ...], reader: _Reader) -> None:
    for name in series.names:
        taken = catalog.find_series(name)
        if taken is not None:
            key = "name" if name == series.name else "aliases"
            reader.error(f'series name "{name}" is already used by "{taken.name}"', table, key)
    catalog.series.append(series)


def _issues(data: Any, table: tuple[Any, ...], label: str, series: str, reader: _Reader) -> list[CatalogIssue]:
    if not _CHECKS["tables"][0](data):
        reader.error(f"issues are written {label} (a list of tables), got {show_value(data)}", table)
        return []
    issues: list[CatalogIssue] = []
    seen: dict[tuple[Any, ...], CatalogIssue] = {}
    for i, item in enumerate(data):
        issue = _issue(item, (*table, i), label, series, reader)
        if issue is None:
            continue
        numbers = (issue.volume, issue.number, issue.chapter)
        if numbers != (None, None, None) and numbers in seen:
            first = seen[numbers].origin.line
            message = f"{label} repeats {series} {issue.designation()} (first declared on line {first})"
            reader.error(message, (*table, i))
            continue
        seen.setdefault(numbers, issue)
        issues.append(issue)
    return issues


def _issue(data: Any, table: tuple[Any, ...], label: str, series: str, reader: _Reader) -> CatalogIssue | None:
    values = reader.check(data, _ISSUE_KEYS, label, table)
    if values is None:
        return None
    if not any(k in data for k in ("volume", "number", "chapter", "title")):
        reader.error(f"{label} needs a volume, number, chapter or title", table)
        return None
    if "pdf" in values and "source" in values:
        reader.error('give "pdf" (a back issue) or "source" (an issue zinekit builds), not both', table, "source")
    issue = CatalogIssue(
        series, values.get("volume"), values.get("number"), values.get("chapter"), values.get("title"),
        reader.existing(values.get("pdf"), table, "pdf"), values.get("url"),
        reader.existing(values.get("source"), table, "source"),
        page_offset=values.get("page_offset", 0), origin=reader.origin(table),
    )
    hand = _hand_table(values.get("articles", []), table, reader)
    if issue.pdf is not None:
        pdf_origin, written = reader.origin(table, "pdf"), values["pdf"]
        issue._loader = lambda it: _read_back_issue(it, hand, written, pdf_origin, reader)
    else:
        issue.articles = _hand_entries(issue, hand, None, reader)
    return issue


_HandArticle = tuple[Entry, Origin]


def _hand_table(data: list[Any], table: tuple[Any, ...], reader: _Reader) -> list[_HandArticle]:
    out = []
    for i, item in enumerate(data):
        where = (*table, "articles", i)
        values = reader.check(item, _ARTICLE_KEYS, "articles", where)
        if values is None:
            continue
        if "title" not in values or "page" not in values:
            if "title" in item and "page" in item:
                continue  # already reported: a wrong type
            reader.error('each entry of "articles" needs a title and a page', where)
            continue
        entry = Entry(values["title"].strip(), None, str(values["page"]).strip(), values.get("level", 1),
                      values.get("anchor"), tuple(values.get("authors", ())))
        out.append((entry, reader.origin(where)))
    return out


def _hand_entries(issue: CatalogIssue, hand: list[_HandArticle], pdf: str | None, reader: _Reader) -> list[Entry]:
    """Hand-table entries, printed page labels mapped to physical pages."""
    entries = []
    for entry, where in hand:
        index = issue.index_of(entry.page_label or "")
        if index is None and pdf is not None and issue.pages is not None:
            reader.diagnostics.error(
                f'"{entry.title}" is on page {entry.page_label}, which {pdf} does not have ({issue.page_range_text()})',
                where.path, where.line, where.col)
        entries.append(Entry(entry.title, index, entry.page_label, entry.level, entry.anchor, entry.authors))
    return entries


def _read_back_issue(issue: CatalogIssue, hand: list[_HandArticle], pdf: str, where: Origin, reader: _Reader) -> None:
    """Articles of a back issue: its outline, its articles table, or both reconciled."""
    assert issue.pdf is not None
    try:
        info = read_pdf_info(issue.pdf)
    except PdfProblem as problem:
        issue.problem = Diagnostic("error", f'pdf "{pdf}" {problem}', where.path, where.line, where.col)
        reader.diagnostics.add(issue.problem)
        issue._articles = _hand_entries(issue, hand, None, reader)
        return
    issue._pages, issue._page_labels = info.pages, list(info.page_labels)
    outline = [Entry(o.title, o.page_index, issue.label_of(o.page_index), o.level) for o in info.outline]
    issue._articles = _reconcile(outline, _hand_entries(issue, hand, pdf, reader), hand, pdf, reader)


def _reconcile(outline: list[Entry], entries: list[Entry], hand: list[_HandArticle], pdf: str,
               reader: _Reader) -> list[Entry]:
    """The articles table wins where it disagrees with the outline; each disagreement is a warning."""
    if not outline or not entries:
        return outline or entries
    merged = list(outline)
    placed = {normalize_title(e.title): e for e in reversed(outline)}
    for entry, (_, where) in zip(entries, hand):
        found = placed.get(normalize_title(entry.title))
        if found is None:
            message = (f'the outline of {pdf} has no "{entry.title}"; '
                       f"using page {entry.page_label} from the articles table")
            merged.append(entry)
        elif found.page_index != entry.page_index:
            message = (f'the articles table puts "{entry.title}" on page {entry.page_label} but the outline of {pdf} '
                       f"puts it on page {found.page_label}; using the articles table")
            merged[merged.index(found)] = entry
        else:
            continue
        reader.diagnostics.warning(message, where.path, where.line, where.col)
    return sorted(merged, key=lambda e: e.page_index if e.page_index is not None else 1 << 30)
