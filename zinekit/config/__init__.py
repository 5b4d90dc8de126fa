"""Settings: front matter (issue and article level) and ``zinekit.toml``'s ``[build]``.

Each option is declared once with its type, default and a one-line description.
Validation collects every problem with its file and line, so a user sees all of them
at once.  Unknown keys are errors unless they start with ``x-``.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, fields
from typing import Any, Callable


from zinekit.errors import Diagnostics

from zinekit.safety.limits import MAX_DIGITS, NotADate
# the declared options, named here as every stage reads them
from zinekit.config.options import (
    Option as Option,
    SHARED_OPTIONS as SHARED_OPTIONS,
    ISSUE_OPTIONS as ISSUE_OPTIONS,
    ARTICLE_OPTIONS as ARTICLE_OPTIONS,
    BUILD_OPTIONS as BUILD_OPTIONS,
    THEME_OPTIONS as THEME_OPTIONS,
)

_S = SHARED_OPTIONS


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
