"""The catalog of a series: which issues exist, their articles and on which pages.

The catalog comes from three places (see ``docs/catalog.md``):

1. ``zinekit.toml``: ``[series]``, ``[[issues]]`` and ``[[related]]`` series, read and
   validated by :mod:`zinekit.resolve.catalog_toml`; other tables (``[build]``,
   ``[serve]`` ...) belong to other stages and are not looked at here;
2. back issues that exist only as PDFs: outline, page labels or a hand-written
   ``articles`` table, read on first use through :mod:`zinekit.resolve.pdfinfo`;
3. issues built by zinekit: the ``<slug>.inventory.json`` each build writes, read and
   checked here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, cast

from zinekit.errors import Diagnostic, Diagnostics, ResolveError
from zinekit.model import Inventory
from zinekit.resolve.grammar import normalize_name, roman_to_int

__all__ = [
    "Entry", "Series", "CatalogIssue", "Catalog", "Origin",
    "load_inventory", "validate_inventory", "INVENTORY_FORMAT", "INVENTORY_VERSION",
]

INVENTORY_FORMAT = "zinekit-inventory"
INVENTORY_VERSION = 1


@dataclass(frozen=True)
class Origin:
    """Where something was declared: a file, 1-based line and column (0: unknown)."""

    path: str | None = None
    line: int = 0
    col: int = 0


@dataclass(frozen=True)
class Entry:
    """An article or heading of an issue; ``page_index`` is the 1-based physical page."""

    title: str
    page_index: int | None = None
    page_label: str | None = None
    level: int = 1
    anchor: str | None = None
    authors: tuple[str, ...] = ()


@dataclass(eq=False)
class Series:
    """A series of issues, known by its name or any of its aliases."""

    name: str
    aliases: list[str] = field(default_factory=list)
    url: str | None = None
    issues: list[CatalogIssue] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    def is_named(self, text: str) -> bool:
        """True when ``text`` is the name or an alias (case, spaces and punctuation ignored:
        "E.T." is "ET")."""
        wanted = normalize_name(text)
        return bool(wanted) and any(normalize_name(n) == wanted for n in self.names)


class CatalogIssue:
    """One issue.  ``articles``, ``pages`` and ``page_labels`` of a back-issue PDF are
    read the first time one of them is used."""

    def __init__(
        self,
        series: str,
        volume: int | None = None,
        number: int | None = None,
        chapter: int | None = None,
        title: str | None = None,
        pdf: Path | None = None,
        url: str | None = None,
        source: Path | None = None,
        articles: list[Entry] | None = None,
        pages: int | None = None,
        page_labels: list[str] | None = None,
        *,
        page_offset: int = 0,
        origin: Origin | None = None,
        loader: Callable[[CatalogIssue], None] | None = None,
    ) -> None:
        self.series, self.volume, self.number, self.chapter = series, volume, number, chapter
        self.title, self.pdf, self.url, self.source = title, pdf, url, source
        self.page_offset = page_offset
        self.origin = origin or Origin()
        self.inventory: Mapping[str, Any] | None = None
        self._articles = list(articles or [])
        self._pages = pages
        self._page_labels = list(page_labels) if page_labels is not None else None
        self._loader = loader
        self._resolved_source: tuple[Path, Path] | None = None  # (source, resolved)
        self.problem: Diagnostic | None = None  # why its PDF could not be read
        self.version = 0  # changes whenever its articles do (resolving keeps an index)

    def _load(self) -> None:
        if self._loader is not None:
            loader, self._loader = self._loader, None
            loader(self)
            self._changed()

    @property
    def articles(self) -> list[Entry]:
        self._load()
        return self._articles

    @articles.setter
    def articles(self, value: list[Entry]) -> None:
        self._articles = list(value)
        self._changed()

    changes = 0  # of any issue's articles, in this process (resolving keeps an index)

    def _changed(self) -> None:
        self.version += 1
        CatalogIssue.changes += 1

    @property
    def pages(self) -> int | None:
        self._load()
        return self._pages

    @pages.setter
    def pages(self, value: int | None) -> None:
        self._pages = value

    @property
    def page_labels(self) -> list[str] | None:
        self._load()
        return self._page_labels

    @page_labels.setter
    def page_labels(self, value: list[str] | None) -> None:
        self._page_labels = list(value) if value is not None else None

    def designation(self, label: Callable[[str], str] | None = None) -> str:
        """How the issue is cited: "vol.6 chap.2", "no.3", else its title (``label``:
        the abbreviations in another language)."""
        numbers = (("vol.", self.volume), ("chap.", self.chapter), ("no.", self.number))
        parts = [f"{label(abbr) if label else abbr}{n}" for abbr, n in numbers if n is not None]
        return " ".join(parts) if parts else (self.title or "")

    def label_of(self, index: int | None) -> str | None:
        """The printed label of physical page ``index`` (1-based)."""
        labels = self.page_labels
        if index is None or index < 1 or (self.pages is not None and index > self.pages):
            return None
        if labels and index <= len(labels):
            return labels[index - 1]
        return str(index - self.page_offset) if index > self.page_offset else None

    def index_of(self, label: str) -> int | None:
        """The physical page (1-based) printed as ``label``, or None if there is none."""
        labels = self.page_labels
        if labels:
            for wanted in (label, label.casefold()):
                for i, have in enumerate(labels, 1):
                    if have == wanted or have.casefold() == wanted:
                        return i
            return None
        if not label.isdecimal() or int(label) < 1:
            return None
        index = int(label) + self.page_offset
        return index if self.pages is None or index <= self.pages else None

    def page_range_text(self) -> str:
        """ "pages 1–48" or "pages i–iv, 1–44": the pages a reader can cite."""
        labels = self.page_labels or ([str(i) for i in range(1, self.pages + 1)] if self.pages else [])
        return "pages " + ", ".join(_label_runs(labels)) if labels else "pages unknown"

    def __repr__(self) -> str:
        return f"CatalogIssue({self.series!r} {self.designation()!r})"


def _resolved(issue: CatalogIssue, source: Path) -> Path:
    """The issue's ``source`` resolved, once per catalog (a library's sources are looked
    up for every issue of it)."""
    found = issue._resolved_source
    if found is None or found[0] != source:
        found = issue._resolved_source = (source, Path(source).resolve())
    return found[1]


def _label_value(label: str) -> int | None:
    return int(label) if label.isdecimal() else roman_to_int(label)


def _label_runs(labels: list[str]) -> list[str]:
    """Consecutive labels folded into runs: ["i","ii","1","2","3"] → ["i–ii", "1–3"]."""
    runs: list[list[str]] = []
    for label in labels:
        previous = runs[-1][-1] if runs else None
        prev_value, value = (_label_value(previous) if previous else None), _label_value(label)
        same_kind = previous is not None and previous.isdecimal() == label.isdecimal()
        if same_kind and prev_value is not None and value == prev_value + 1:
            runs[-1].append(label)
        else:
            runs.append([label])
    return [run[0] if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs]


@dataclass(eq=False)
class Catalog:
    """Every series the home series cites, home first."""

    home: Series
    series: list[Series] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics, repr=False)

    @classmethod
    def empty(cls, name: str = "") -> Catalog:
        home = Series(name)
        return cls(home, [home])

    def find_series(self, name: str) -> Series | None:
        return next((s for s in self.series if s.is_named(name)), None)

    def series_of(self, issue: CatalogIssue) -> Series | None:
        return next((s for s in self.series if issue in s.issues), None)

    def issues(self) -> Iterator[CatalogIssue]:
        for series in self.series:
            yield from series.issues

    def find_issue(self, series: str | None = None, volume: int | None = None,
                   number: int | None = None, chapter: int | None = None) -> CatalogIssue | None:
        """The issue with exactly these numbers in ``series`` (default: the home series)."""
        owner = self.find_series(series) if series else self.home
        wanted = (volume, number, chapter)
        return next((i for i in (owner.issues if owner else []) if (i.volume, i.number, i.chapter) == wanted), None)

    def issue_for_source(self, source: Path) -> CatalogIssue | None:
        """The catalog issue declared with ``source =`` this file or folder (an issue
        folder and its ``issue.md`` count as the same)."""
        return self._sources().get(Path(source).resolve())

    def _sources(self) -> dict[Path, CatalogIssue]:
        """Each built-by-zinekit issue by its resolved source, its folder and its
        ``issue.md`` (the first issue declaring one wins), kept while the issues do."""
        issues = list(self.issues())
        key = (len(issues), *(id(i) for i in issues[:1] + issues[-1:]))  # issues are only added
        if getattr(self, "_source_key", None) != key:
            index: dict[Path, CatalogIssue] = {}
            for issue in issues:
                if issue.source is None:
                    continue
                declared = _resolved(issue, issue.source)
                alias = declared.parent if declared.name == "issue.md" else declared / "issue.md"
                index.setdefault(declared, issue)
                index.setdefault(alias, issue)
            self._source_key, self._source_index = key, index
        return self._source_index

    def read_all(self) -> None:
        """Read every back-issue PDF now, so that all their problems are reported."""
        for issue in self.issues():
            issue._load()

    def add_inventory(self, issue: CatalogIssue | None, inventory: Mapping[str, Any]) -> CatalogIssue:
        """Fill ``issue`` (or the issue the inventory names, added if new) from an inventory."""
        problems = validate_inventory(inventory)
        if problems:
            raise ResolveError(f"invalid inventory: {problems[0][1]}")
        if issue is None:
            issue = self._issue_named_by(inventory)
        _fill_from_inventory(issue, inventory)
        return issue

    def _issue_named_by(self, inventory: Mapping[str, Any]) -> CatalogIssue:
        name = inventory.get("series") or self.home.name
        numbers = (inventory.get("volume"), inventory.get("number"), inventory.get("chapter"))
        found = self.find_issue(name, *numbers)
        if found is not None:
            return found
        series = self.find_series(name) if name else self.home
        if series is None:
            series = Series(name)
            self.series.append(series)
        issue = CatalogIssue(series.name, *numbers, title=inventory.get("title"))
        series.issues.append(issue)
        return issue


def _fill_from_inventory(issue: CatalogIssue, inventory: Mapping[str, Any]) -> None:
    issue._loader = None
    issue.inventory = inventory
    issue.title = issue.title or inventory.get("title")
    issue.url = issue.url or inventory.get("url")
    issue.pages = inventory.get("pages")
    issue.page_labels = inventory.get("page_labels")
    entries: list[Entry] = []
    article_anchors = set()
    for a in inventory.get("articles", []):
        article_anchors.add(a.get("anchor"))
        authors = tuple(a.get("authors") or ())
        entries.append(Entry(a["title"], a.get("page"), a.get("page_label"), 1, a.get("anchor"), authors))
    for h in inventory.get("anchors", []):
        if h["id"] not in article_anchors:
            entries.append(Entry(h["title"], h.get("page"), h.get("page_label"), max(1, h.get("level", 1)), h["id"]))
    issue.articles = entries


# -- inventories ------------------------------------------------------------------------

_INT_OR_NONE = (int, type(None))
_STR_OR_NONE = (str, type(None))
_INVENTORY_FIELDS: dict[str, tuple[type, ...]] = {
    "title": _STR_OR_NONE, "series": _STR_OR_NONE, "volume": _INT_OR_NONE, "number": _INT_OR_NONE,
    "chapter": _INT_OR_NONE, "slug": (str,), "pdf": _STR_OR_NONE, "url": _STR_OR_NONE,
    "pages": _INT_OR_NONE, "page_labels": (list, type(None)), "articles": (list,), "anchors": (list,),
}
_ARTICLE_FIELDS: dict[str, tuple[type, ...]] = {
    "title": (str,), "authors": (list,), "anchor": _STR_OR_NONE, "page": _INT_OR_NONE, "page_label": _STR_OR_NONE,
}
_ANCHOR_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,), "title": (str,), "level": (int,), "page": _INT_OR_NONE, "page_label": _STR_OR_NONE,
    "article": _STR_OR_NONE,
}
_REQUIRED = {"title", "slug", "articles", "anchors", "id"}


def _type_problems(data: dict[str, Any], fields: dict[str, tuple[type, ...]], where: str) -> list[tuple[str, str]]:
    problems = []
    for key, types in fields.items():
        if key not in data:
            if key in _REQUIRED:
                problems.append((key, f'{where}"{key}" is missing'))
            continue
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, types):
            problems.append((key, f'{where}"{key}" must be {_kind(types)}, got {show_value(value)}'))
    return problems


def validate_inventory(data: Any) -> list[tuple[str, str]]:
    """Problems with an inventory as (JSON key to locate, message); empty when valid."""
    if not isinstance(data, dict) or data.get("format") != INVENTORY_FORMAT:
        return [("format", f'not a zinekit inventory (no "format": "{INVENTORY_FORMAT}")')]
    version = data.get("version")
    if version != INVENTORY_VERSION or isinstance(version, bool):
        message = f"inventory version {show_value(version)} is not supported (zinekit reads version {INVENTORY_VERSION})"
        return [("version", message)]
    problems = _type_problems(data, _INVENTORY_FIELDS, "")
    for name, fields in (("articles", _ARTICLE_FIELDS), ("anchors", _ANCHOR_FIELDS)):
        items = data.get(name)
        for i, item in enumerate(items if isinstance(items, list) else []):
            where = f'"{name}"[{i}]: '
            if not isinstance(item, dict):
                problems.append((name, f"{where}must be an object, got {show_value(item)}"))
            else:
                problems.extend(_type_problems(item, fields, where))
    labels, pages = data.get("page_labels"), data.get("pages")
    if isinstance(labels, list) and isinstance(pages, int) and len(labels) != pages:
        problems.append(("page_labels", f'"page_labels" has {len(labels)} labels for {pages} pages'))
    return problems


def load_inventory(path: Path, diagnostics: Diagnostics | None = None) -> Inventory | None:
    """Read and check ``<slug>.inventory.json``.

    A problem is a located error: recorded in ``diagnostics`` (and None returned) when
    given, else raised as :class:`~zinekit.errors.ResolveError`.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        problems = [(text, key, message) for key, message in validate_inventory(data)]
    except (OSError, UnicodeDecodeError) as exc:
        return _inventory_failed(diagnostics, f"cannot read inventory: {exc}", path, 0, 0)
    except json.JSONDecodeError as exc:
        return _inventory_failed(diagnostics, f"inventory is not valid JSON: {exc.msg}", path, exc.lineno, exc.colno)
    if not problems:
        return cast(Inventory, data)  # its fields' types are the ones just checked
    if diagnostics is None:
        text, key, message = problems[0]
        raise ResolveError(message, str(path), *_json_key_position(text, key))
    for text, key, message in problems:
        diagnostics.error(message, str(path), *_json_key_position(text, key))
    return None


def _inventory_failed(diagnostics: Diagnostics | None, message: str, path: Path, line: int,
                      col: int) -> Inventory | None:
    """None once the error is recorded (raised when there is no ``diagnostics``)."""
    if diagnostics is None:
        raise ResolveError(message, str(path), line, col)
    diagnostics.error(message, str(path), line, col)
    return None


def _json_key_position(text: str, key: str) -> tuple[int, int]:
    at = text.find(f'"{key}"')
    if at < 0:
        return (1, 1)
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def _kind(types: tuple[type, ...]) -> str:
    names = {int: "a whole number", str: "a string", list: "a list", dict: "a table", type(None): "null"}
    return " or ".join(names.get(t, t.__name__) for t in types)


def show_value(value: Any) -> str:
    """A value as a message quotes it: strings in quotes, tables and lists by kind."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "a table" if isinstance(value, dict) else "a list"
    return "nothing" if value is None else str(value)
