"""Settings: front matter (issue and article level) and ``zinekit.toml``'s ``[build]``.

Each option is declared once with its type, default and a one-line description.
Validation collects every problem with its file and line, so a user sees all of them
at once.  Unknown keys are errors unless they start with ``x-``.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable

import yaml

from zinekit.errors import Diagnostics

from zinekit.impose.registry import BOOK_LAYOUTS
from zinekit.safety.limits import MAX_DIGITS, NotADate, Problem, load_toml, load_yaml, problem_text


@dataclass(frozen=True)
class Option:
    """One declared setting."""

    name: str
    kind: str  # "str", "int", "bool", "list", "date", "choice", "path", "number", "length"
    default: Any = None
    doc: str = ""
    choices: tuple[str, ...] = ()


def _opts(*options: Option) -> dict[str, Option]:
    return {o.name: o for o in options}


#: Settings written both in front matter and in ``[build]`` (or a theme's
#: ``[defaults]``): declared once, with the one default an issue falls back to.
SHARED_OPTIONS = _opts(
    Option("theme", "str", "pamphlet", "Theme name or folder."),
    Option("page_size", "str", "A5", "A5, A6, A4, half-letter, quarter-letter, or 'W H' with "
           "units (docs/configuration.md, Page sizes)."),
    Option("language", "str", "en", "Language of the text, a BCP 47 tag."),
    Option("notes_overflow", "choice", "next", "A footnote with no room under its call: 'next' "
           "(it starts on a later page, with a warning) or 'end' (printed at its article's "
           "end, decided from the layout).", ("next", "end")),
    Option("typography", "bool", True, "Curly quotes as the language writes them, dashes "
           "for -- and ---, … for ...; false prints them as typed."),
    Option("chapter_start", "choice", "page", "Where an article or chapter starts in print: "
           "on the next 'page' or the next 'right' (odd) page (a theme may set it).",
           ("page", "right")),
    Option("caliper", "str", None, "Paper thickness for the spine and creep: a length such as "
           "0.1mm, or a stock such as 80gsm-uncoated (docs/covers.md)."),
    Option("spine_text", "choice", None, "Direction of the title on the spine (default from "
           "the language).", ("top-to-bottom", "bottom-to-top")),
)
_S = SHARED_OPTIONS

ISSUE_OPTIONS = _opts(
    Option("title", "str", None, "Title of the issue."),
    Option("subtitle", "str", None, "Subtitle printed under the title."),
    Option("series", "str", None, "Series name (defaults to the catalog's series)."),
    Option("volume", "int", None, "Volume number."),
    Option("number", "int", None, "Issue number within the volume or series."),
    Option("chapter", "int", None, "Chapter number (for series published in chapters)."),
    Option("date", "date", None, "Publication date (YYYY-MM-DD or free text)."),
    Option("season", "str", None, "Season as printed, e.g. 'Winter 2020-2021'."),
    Option("authors", "list", [], "Authors of the issue."),
    Option("editors", "list", [], "Editors of the issue."),
    Option("topics", "list", [], "Topics of the issue: its shelves in the library's pages and catalogs."),
    _S["language"],
    Option("other_languages", "list", [], "Languages quoted in other scripts, e.g. [uk]: "
           "which one a run of that script is read in (default: its most written)."),
    Option("license", "str", None, "Licence line, e.g. 'Anti-copyright'."),
    Option("contact", "str", None, "Contact address printed on the title page."),
    Option("description", "str", None, "One-paragraph description (PDF subject, EPUB)."),
    Option("blurb", "str", None, "The back cover's text, when it is not the description."),
    Option("source", "str", None, "Where the text of a one-file issue first appeared."),
    Option("cover", "path", None, "Cover image."),
    _S["theme"],
    _S["page_size"],
    Option("bibliography", "path", None, "BibTeX file for citations."),
    Option("articles", "list", [], "Article files of a folder issue, in order."),
    Option("notes", "choice", "foot", "Default placement of notes.", ("foot", "side", "end")),
    _S["notes_overflow"],
    Option("further_reading", "bool", False, "Print the bibliography at the end."),
    Option("url", "str", None, "Where readers download this issue."),
    Option("binding", "choice", None, "Spine side of the booklet: 'ltr' (left) or 'rtl' (right); "
           "default from the language.", ("ltr", "rtl")),
    _S["typography"],
    _S["chapter_start"],
    _S["caliper"],
    _S["spine_text"],
    Option("inks", "list", [], "Risograph inks of --format riso, up to four standard ink "
           "names, the first printing all that the theme gives no other ink (docs/riso.md)."),
    Option("include", "list", [], "Texts of the library this issue collects, each 'path' or "
           "'path#chapter' (an anchor or a heading's title): an anthology (docs/anthology.md)."),
)

ARTICLE_OPTIONS = _opts(
    Option("title", "str", None, "Title of the article."),
    Option("subtitle", "str", None, "Subtitle of the article."),
    Option("authors", "list", [], "Authors of the article."),
    Option("date", "date", None, "Date of the article."),
    Option("source", "str", None, "Where the article first appeared."),
    Option("notes", "choice", None, "Placement of this article's notes (default: the "
           "issue's).", ("foot", "side", "end")),
    Option("notes_overflow", "choice", None, "This article's footnotes with no room under "
           "their call: 'next' or 'end' (default: the issue's).", ("next", "end")),
    Option("further_reading", "bool", False, "Print the bibliography after this article."),
)

BUILD_OPTIONS = _opts(
    _S["theme"],
    _S["page_size"],
    _S["language"],
    Option("formats", "list", ["pdf", "booklet", "epub"], "Formats `zinekit build` writes."),
    Option("out", "str", "dist", "Output folder, inside the project (an outside one only "
           "with --out on the command line)."),
    Option("allow_html", "bool", False, "Pass raw HTML in Markdown through (sanitised)."),
    Option("allow_network", "bool", False, "Let images and stylesheets load from the network."),
    Option("footnote_numbering", "choice", "article", "Number footnotes per 'issue' or "
           "'article'.", ("issue", "article")),
    _S["notes_overflow"],
    Option("booklet_sheet", "str", None, "Sheet for the booklet edition (default from page size)."),
    Option("booklet_layout", "choice", "saddle", "Imposition layout for the booklet edition.",
           BOOK_LAYOUTS),
    Option("booklet_signature", "str", None, "Signature size for the perfect layout."),
    Option("booklet_cover", "choice", "included", "The booklet's cover: 'included' (its "
           "outside pages) or 'separate' (a sheet of its own, for cover stock).",
           ("included", "separate")),
    Option("bleed", "length", None, "Bleed of the print editions, e.g. 3mm."),
    Option("vendor", "choice", None, "The printer the press PDF and cover are made for: "
           "'generic' (PDF/X-4), 'ingramspark', 'lulu', 'kdp' or 'copyshop' (docs/covers.md).",
           ("generic", "ingramspark", "lulu", "kdp", "copyshop")),
    Option("output_profile", "path", None, "The printer's CMYK ICC profile: the output intent "
           "of the press PDF and cover, and what their pictures are converted with "
           "(docs/covers.md)."),
    Option("paper", "choice", None, "The block's paper where the vendor's spine formula "
           "depends on it (KDP): 'white' or 'cream'.", ("white", "cream")),
    _S["caliper"],
    _S["spine_text"],
    Option("citation_style", "choice", "author-year", "How citations print.",
           ("author-year", "numeric")),
    Option("further_reading", "choice", "cited", "Works a further-reading list prints: the "
           "'cited' ones or 'all' of the bibliography.", ("cited", "all")),
    _S["typography"],
    _S["chapter_start"],
    Option("cluster", "str", None, "Not read from a project: a Dask scheduler's address is "
           "given with --cluster, ZINEKIT_CLUSTER or the user's own config.toml (docs/cluster.md)."),
)

#: What a theme's ``[defaults]`` may set: how an issue looks and is printed, never what
#: it is (its title, its language) nor what a build may do (raw HTML, the network, where
#: it writes).
THEME_OPTIONS = _opts(*(
    option for name, option in {**ISSUE_OPTIONS, **BUILD_OPTIONS}.items() if name in {
        "page_size", "notes", "notes_overflow", "footnote_numbering", "typography",
        "chapter_start", "booklet_sheet", "booklet_layout", "booklet_signature",
        "booklet_cover", "bleed", "caliper", "spine_text", "citation_style", "binding"}))

PROJECT_CLUSTER_REFUSED = (
    "[build] cluster is not read from a project: the Dask scheduler it names would run code "
    "on this machine, and a project may come from anyone; pass --cluster ADDRESS, or set "
    "ZINEKIT_CLUSTER or [build] cluster in ~/.config/zinekit/config.toml")

TOML_TABLES_OWNED_ELSEWHERE = {"series", "issues", "related", "serve"}


# --- measures, parsed once where they are written ------------------------------------

MM = 72 / 25.4  # points in a millimetre
#: The units a length may be written in, in points.
LENGTH_UNITS = {"mm": MM, "cm": 10 * MM, "in": 72.0, "pt": 1.0}
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-zA-Z]+)?\s*$")


@dataclass(frozen=True)
class Length:
    """A length as a setting writes it (``3mm``, ``0.125in``), parsed once: its points
    for arithmetic, its text as written for the CSS it goes into."""

    points: float
    text: str

    @property
    def mm(self) -> float:
        return self.points / MM

    @property
    def css(self) -> str:
        return self.text

    @classmethod
    def parse(cls, text: str) -> Length:
        """``3mm``, ``0.5 cm``, ``0.125in``, ``9pt``; ValueError with a message fit for a
        user (a bare number has no unit, so it is refused)."""
        match = _LENGTH.match(text)
        if not match:
            raise ValueError(f"is not a length such as 3mm, 0.125in or 9pt: {text!r}")
        number, unit = match.groups()
        if unit is None or unit.lower() not in LENGTH_UNITS:
            raise ValueError(f"needs a unit, mm, cm, in or pt: {text!r}")
        return cls(float(number) * LENGTH_UNITS[unit.lower()], text)


# --- located values ----------------------------------------------------------------


@dataclass
class Settings:
    """Validated settings: the values a file sets, the declared defaults of the keys it
    does not set, and the line of each key, for later located messages."""

    values: dict[str, Any]  # what the file sets
    lines: dict[str, int]
    path: str | None
    defaults: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.get(key)

    def get(self, key: str, default: Any = None) -> Any:
        """The value set, else the declared default, else ``default``."""
        value = self.values.get(key)
        if value is None:
            value = self.defaults.get(key)
        return default if value is None else value

    def explicit(self, key: str) -> Any:
        """The value the file sets, or None: declared defaults left out."""
        return self.values.get(key)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 0)

    @property
    def typed(self) -> SettingValues:
        """This level's values as attributes (a key it does not declare has the default
        of the level that does)."""
        further = self.get("further_reading")
        return typed_values(self.get, further if isinstance(further, bool) else False,
                            further if isinstance(further, str) else None,
                            declared=lambda key: key in self.defaults)


@dataclass
class IssueSettings:
    """One issue's settings, each from the most specific level that sets it:

    1. the command line (``--theme``);
    2. the issue's front matter;
    3. the series' ``[build]``, for what ``zinekit.toml`` actually sets;
    4. the theme's ``[defaults]``;
    5. zinekit's declared default (front matter's, else ``[build]``'s).
    """

    front_matter: Settings
    series: Settings
    theme: dict[str, Any] = field(default_factory=dict)
    command_line: dict[str, Any] = field(default_factory=dict)
    _typed: SettingValues | None = field(default=None, init=False, repr=False, compare=False)

    def get(self, key: str) -> Any:
        return self.lookup(key)[0]

    def lookup(self, key: str) -> tuple[Any, str | None, int]:
        """``(value, file, line)``: the value and where it was set (file None for a
        built-in default or the command line)."""
        if self.command_line.get(key) is not None:
            return self.command_line[key], None, 0
        for level in (self.front_matter, self.series):
            if level.explicit(key) is not None:
                return level.explicit(key), level.path, level.line_of(key)
        if self.theme.get(key) is not None:
            return self.theme[key], None, 0
        for level in (self.front_matter, self.series):
            if level.defaults.get(key) is not None:
                return level.defaults[key], None, 0
        return None, None, 0

    def with_theme(self, defaults: dict[str, Any]) -> IssueSettings:
        """The same settings once the theme is known."""
        return IssueSettings(self.front_matter, self.series, dict(defaults), self.command_line)

    @property
    def typed(self) -> SettingValues:
        """Each setting as the issue settles it, as attributes (``further_reading`` is
        the front matter's, ``further_reading_works`` the ``[build]`` one's).  Settled
        once: the levels are not changed once an issue's settings are put together."""
        if self._typed is None:
            self._typed = typed_values(self.get, bool(self.front_matter.get("further_reading")),
                                       self.series.get("further_reading"))
        return self._typed


@dataclass(frozen=True)
class SettingValues:
    """Every declared setting as a typed attribute, so a misspelt key is a type error
    rather than a None at run time.  Types follow the options' kinds and defaults come
    from the option tables above (never restated here); ``tests/test_config_schema.py``
    keeps the two in step."""

    title: str | None
    subtitle: str | None
    series: str | None
    volume: int | None
    number: int | None
    chapter: int | None
    date: str | None
    season: str | None
    authors: list[str]
    editors: list[str]
    topics: list[str]
    language: str
    other_languages: list[str]
    license: str | None
    contact: str | None
    description: str | None
    blurb: str | None
    source: str | None
    cover: str | None
    theme: str
    page_size: str
    bibliography: str | None
    articles: list[str]
    notes: str | None  # an article's is None when it leaves it to the issue
    notes_overflow: str | None  # likewise
    further_reading: bool  # front matter: print the bibliography at the end
    url: str | None
    binding: str | None
    typography: bool
    chapter_start: str
    caliper: str | None
    spine_text: str | None
    include: list[str]
    formats: list[str]
    out: str
    allow_html: bool
    allow_network: bool
    footnote_numbering: str
    booklet_sheet: str | None
    booklet_layout: str
    booklet_signature: str | None
    booklet_cover: str
    bleed: Length | None
    citation_style: str
    further_reading_works: str  # ``[build] further_reading``: 'cited' or 'all'
    cluster: str | None
    inks: list[str]
    vendor: str | None
    output_profile: str | None
    paper: str | None

    @property
    def numbering(self) -> tuple[int | None, int | None, int | None]:
        """Volume, number and chapter, in the order a designation prints them."""
        return (self.volume, self.number, self.chapter)


#: Every option by name, the front matter's first (where a key means two things,
#: ``further_reading``, the front matter's is :class:`SettingValues`' own).
ALL_OPTIONS: dict[str, Option] = {**BUILD_OPTIONS, **ARTICLE_OPTIONS, **ISSUE_OPTIONS}


def typed_values(get: Callable[[str], Any], further_reading: bool,
                 further_reading_works: str | None,
                 declared: Callable[[str], bool] = lambda key: False) -> SettingValues:
    """:class:`SettingValues` from ``get`` (a key's value, None when unset), each unset
    key at its declared default, except the keys ``declared`` by the level read, which
    keep their None (an article's ``notes`` left to its issue)."""
    values: dict[str, Any] = {}
    for name, default in _TYPED_DEFAULTS:
        value = get(name)
        if value is None and not declared(name):
            value = list(default) if isinstance(default, list) else default
        values[name] = value
    return SettingValues(further_reading=further_reading, further_reading_works=
                         further_reading_works or BUILD_OPTIONS["further_reading"].default,
                         **values)


#: Each attribute of :class:`SettingValues` read by its option's name, with its default.
_TYPED_DEFAULTS = tuple((f.name, ALL_OPTIONS[f.name].default) for f in fields(SettingValues)
                        if f.name not in ("further_reading", "further_reading_works"))


def _coerce(option: Option, value: Any) -> tuple[Any, str | None]:
    """Return (value, error) for one option's raw value."""
    checks: dict[str, Callable[[Any], tuple[Any, str | None]]] = {
        "str": _as_str, "path": _as_str, "int": _as_int, "bool": _as_bool,
        "list": _as_list, "date": _as_date, "choice": _as_str, "number": _as_number,
        "length": _as_length,
    }
    value, error = checks[option.kind](value)
    if error is None and option.kind == "choice" and value not in option.choices:
        error = f"must be one of {', '.join(option.choices)}, not {value!r}"
    return value, error


def _as_str(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value), None
    return None, f"must be text, not {_type_name(value)}"


#: The largest whole number a setting takes (a volume, a number, a chapter).
MAX_WHOLE_NUMBER = 999_999
_ASCII_DIGITS = re.compile(r"[0-9]{1,%d}" % MAX_DIGITS)


def _as_int(value: Any) -> tuple[Any, str | None]:
    """A whole number from 0 to :data:`MAX_WHOLE_NUMBER`, or text of ASCII digits
    (``"²"`` is a digit to ``str.isdigit`` but no number)."""
    if isinstance(value, str) and _ASCII_DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value <= MAX_WHOLE_NUMBER:
            return value, None
        shown = f"{value}" if value.bit_length() < 64 else "a longer number"
        return None, f"must be a whole number from 0 to {MAX_WHOLE_NUMBER}, not {shown}"
    return None, f"must be a whole number, not {_type_name(value)}"


def _as_length(value: Any) -> tuple[Any, str | None]:
    """A :class:`Length`, parsed here once: ``3mm``, ``0.125in``."""
    text, error = _as_str(value)
    if error is not None:
        return None, f"must be a length such as 3mm, not {_type_name(value)}"
    try:
        return Length.parse(text), None
    except ValueError as exc:
        return None, str(exc)


def _as_number(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value, None
    return None, f"must be a number, not {_type_name(value)}"


def _as_bool(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool):
        return value, None
    return None, f"must be true or false, not {_type_name(value)}"


def _as_list(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str):
        return [value], None
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return [str(v) for v in value], None
    return None, f"must be a list of text, not {_type_name(value)}"


ISO_DATE = re.compile(r"^\d{4}-\d{1,2}(?:-\d{1,2})?$")


def _as_date(value: Any) -> tuple[Any, str | None]:
    """A calendar date (``2026-03-21``, or ``2026-03`` for a month) or free text; what
    is written as a date must be a real one."""
    if isinstance(value, NotADate):
        return None, f"is not a real date: {value} ({value.reason})"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10], None
    text, error = _as_str(value)
    if error is None and ISO_DATE.match(text.strip()):
        year, month, *day = (int(part) for part in text.strip().split("-"))
        try:
            _dt.date(year, month, day[0] if day else 1)
        except ValueError as exc:
            return None, f"is not a real date: {text.strip()} ({exc})"
    return text, error


def _type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false", type(None): "empty"}.get(
        type(value), type(value).__name__
    )


def validate(raw: dict[str, Any], options: dict[str, Option], lines: dict[str, int],
             path: str | None, diagnostics: Diagnostics, where: str) -> Settings:
    """Check ``raw`` against ``options``; report every problem; return clean settings."""
    values: dict[str, Any] = {}
    unknown = []
    for key, value in raw.items():
        line = lines.get(key, 0)
        if str(key).startswith("x-"):
            values[key] = value
            continue
        option = options.get(key)
        if option is None:
            unknown.append((key, line))
            continue
        if value is None:
            continue
        clean, error = _coerce(option, value)
        if error:
            diagnostics.error(f"{where} key {key!r} {error}", path, line, 1)
        else:
            values[key] = clean
    report_unknown(unknown, f"{where} key", path, diagnostics,
                   lambda key: _close_match(str(key), options))
    defaults = {name: _copy_default(o.default) for name, o in options.items()}
    return Settings(values, lines, path, defaults)


#: Unknown keys named one by one; past these, one line counts the rest (a file of
#: 10,000 stray keys gave 10,000 lines).
MAX_UNKNOWN_SHOWN = 5


def report_unknown(unknown: list[tuple[Any, int]], what: str, path: str | None,
                   diagnostics: Diagnostics, hint: Callable[[Any], str] = lambda key: "") -> None:
    """An error for each of the first :data:`MAX_UNKNOWN_SHOWN` unknown ``(key, line)``,
    then one for all the others, at the first of them."""
    for key, line in unknown[:MAX_UNKNOWN_SHOWN]:
        diagnostics.error(f"unknown {what} {key!r}{hint(key)}", path, line, 1)
    rest = unknown[MAX_UNKNOWN_SHOWN:]
    if rest:
        named = ", ".join(repr(key) for key, _ in rest[:3])
        diagnostics.error(f"... and {len(rest):,} more unknown keys ({named}, …)", path,
                          rest[0][1], 1)


def _copy_default(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def _close_match(key: str, options: dict[str, Option]) -> str:
    import difflib

    match = difflib.get_close_matches(key, list(options), n=1)
    if match:
        return f" (did you mean {match[0]!r}?)"
    return " (prefix it with 'x-' to keep private data)"


# --- front matter ---------------------------------------------------------------------

FRONT_MATTER_FENCE = re.compile(r"^---[ \t]*$")


@dataclass
class FrontMatter:
    data: dict[str, Any]
    lines: dict[str, int]  # key -> 1-based line in the file
    body: str  # the Markdown after the front matter, front-matter lines blanked
    end_line: int  # number of lines the front matter took


def split_front_matter(text: str, path: str | None, diagnostics: Diagnostics) -> FrontMatter:
    """Separate YAML front matter from the Markdown body, keeping line numbers intact."""
    lines = text.split("\n")
    if not lines or not FRONT_MATTER_FENCE.match(lines[0].lstrip("\ufeff")):
        return FrontMatter({}, {}, text, 0)
    for end in range(1, len(lines)):
        if FRONT_MATTER_FENCE.match(lines[end]) or lines[end].rstrip() == "...":
            break
    else:
        diagnostics.error("front matter opened with '---' is never closed", path, 1, 1)
        return FrontMatter({}, {}, "", 0)
    yaml_text = "\n".join(lines[1:end])
    data, key_lines = parse_yaml_mapping(yaml_text, path, 1, diagnostics)
    body = "\n" * (end + 1) + "\n".join(lines[end + 1:])
    return FrontMatter(data, key_lines, body, end + 1)


def parse_yaml_mapping(text: str, path: str | None, first_line: int,
                       diagnostics: Diagnostics) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse YAML that must be a mapping; return it with each key's 1-based line."""
    try:
        data, node = load_yaml(text)
    except Problem as problem:
        diagnostics.error(f"front matter is refused: {problem.message}", path,
                          first_line + problem.line, problem.col)
        return {}, {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + 1 + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        reason = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        diagnostics.error(f"front matter is not valid YAML: {reason}", path, line, col)
        return {}, {}
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        diagnostics.error("front matter must be a mapping of 'key: value' lines", path,
                          first_line + 1, 1)
        return {}, {}
    key_lines = {
        str(k.value): first_line + 1 + k.start_mark.line
        for k, _ in node.value if isinstance(k, yaml.ScalarNode)
    }
    return {str(k): v for k, v in data.items()}, key_lines


# --- zinekit.toml ----------------------------------------------------------------------

PROJECT_FILE = "zinekit.toml"


@dataclass
class ProjectFile:
    """The parsed ``zinekit.toml``: raw data for the catalog, validated ``[build]``."""

    path: Path
    text: str
    data: dict[str, Any]
    build: Settings


def find_project_file(start: Path) -> Path | None:
    """The nearest ``zinekit.toml`` in ``start`` or a parent folder, as git finds its repo."""
    folder = start if start.is_dir() else start.parent
    for candidate in [folder, *folder.resolve().parents]:
        found = candidate / PROJECT_FILE
        if found.is_file():
            return found
    return None


def load_project_file(path: Path, diagnostics: Diagnostics) -> ProjectFile:
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = load_toml(text)
    except Problem as problem:
        diagnostics.error(f"{PROJECT_FILE} {problem_text(problem, 'TOML')}", str(path),
                          problem.line, problem.col)
        data = {}
    build_raw = data.get("build", {})
    if not isinstance(build_raw, dict):
        diagnostics.error("[build] must be a table", str(path), toml_key_line(text, "build"), 1)
        build_raw = {}
    lines = toml_key_lines(text, table="build")
    build = validate(build_raw, BUILD_OPTIONS, lines, str(path), diagnostics, "[build]")
    if "cluster" in build_raw:  # its scheduler would run code here (docs/security.md)
        diagnostics.error(PROJECT_CLUSTER_REFUSED, str(path), lines["cluster"], 1)
        build.values.pop("cluster", None)
    known = {"build"} | TOML_TABLES_OWNED_ELSEWHERE
    top_lines = toml_key_lines(text)
    unknown = [(key, top_lines.get(key, 0)) for key in data
               if key not in known and not key.startswith("x-")]
    report_unknown(unknown, "table or key", str(path), diagnostics,
                   lambda key: f" in {PROJECT_FILE}")
    return ProjectFile(path, text, data, build)


def toml_key_lines(text: str, table: str | None = None) -> dict[str, int]:
    """The 1-based line of every key and table name at the top (or in ``[table]``), read
    in one pass (looking each key up alone was quadratic in the number of keys)."""
    found: dict[str, int] = {}
    in_table = table is None
    key_re = re.compile(r"^\s*(?:\"([^\"]*)\"|([^\"=\s]+))\s*=")
    header_re = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
    for number, line in enumerate(text.split("\n"), start=1):
        header = header_re.match(line)
        if header:
            if table is None:
                found.setdefault(header.group(1), number)
            in_table = table is not None and header.group(1) == table
        elif in_table and (key := key_re.match(line)):
            found.setdefault(key.group(1) if key.group(1) is not None else key.group(2), number)
    return found


def toml_key_line(text: str, key: str, table: str | None = None) -> int:
    """Best-effort 1-based line of ``key`` (inside ``[table]`` if given); 0 if not found."""
    return toml_key_lines(text, table).get(key, 0)


def builtin_settings() -> Settings:
    """``[build]`` defaults for a project without ``zinekit.toml``."""
    return validate({}, BUILD_OPTIONS, {}, None, Diagnostics(), "[build]")


def options_reference() -> str:
    """A Markdown table of every option, for the docs."""
    rows = []
    for title, options in (("Issue front matter", ISSUE_OPTIONS),
                           ("Article front matter", ARTICLE_OPTIONS),
                           ("`zinekit.toml` [build]", BUILD_OPTIONS),
                           ("A theme's `theme.toml` [defaults]", THEME_OPTIONS)):
        rows.append(f"\n### {title}\n\n| key | type | default | meaning |\n|---|---|---|---|")
        for o in options.values():
            kind = "/".join(o.choices) if o.kind == "choice" else o.kind
            rows.append(f"| `{o.name}` | {kind} | {o.default!r} | {o.doc} |")
    return "\n".join(rows)
