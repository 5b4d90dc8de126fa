"""Bounds on what zinekit reads, checked before the input is parsed.

A project may come from anyone, so a file is refused when it is not a regular file (a
named pipe would block the build for ever, a device would never end), and YAML and
TOML are checked before they are parsed: nesting that would exhaust the parser's
recursion, numbers too long for Python's integer conversion, and dates that do not
exist are each a located problem instead of an internal error.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

import yaml

from zinekit.errors import Severity, ZinekitError, display_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

#: Lists and mappings nested deeper than this in front matter or TOML are refused
#: (the parsers recurse once per level; a settings file needs three or four).
MAX_NESTING = 50
#: Digits in one number of front matter or TOML (Python refuses to convert more than
#: 4,300; no setting needs more than a handful).
MAX_DIGITS = 100
#: Parts of one dotted TOML key or table name (``a.b.c`` has three): tomllib keeps a
#: tuple for every prefix of a key, so memory grows with the square of its parts.
MAX_KEY_PARTS = 50
#: Keys (``=`` signs) in one TOML text: a catalog of a thousand issues has about ten
#: thousand; past this the reading and the checks of each key take too long.
MAX_TOML_KEYS = 100_000
#: Values of one YAML document once its aliases are expanded (``*name`` repeats what
#: ``&name`` marked): a few hundred make a text's front matter; nine levels of nine
#: aliases each ("billion laughs") make 387 million.
MAX_YAML_VALUES = 100_000


class Problem(Exception):
    """A problem at a place in a text: 1-based ``line`` and ``col`` (0 when unknown)."""

    def __init__(self, message: str, line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


class Bound(Problem):
    """Input beyond one of the bounds above: well formed, but refused."""


def problem_text(problem: Problem, kind: str) -> str:
    """"is refused: …" for a bound, "is not valid TOML: …" for a syntax error."""
    return f"is refused: {problem.message}" if isinstance(problem, Bound) else \
        f"is not valid {kind}: {problem.message}"


# --- files ----------------------------------------------------------------------------


def irregular_kind(path: str | os.PathLike[str], follow_links: bool = True) -> str | None:
    """What ``path`` is when it exists but is not a regular file ("a named pipe", "a
    device", "a socket", "a folder", and, with ``follow_links`` false, "a link"); None
    for a regular or a missing file."""
    try:
        mode = (os.stat if follow_links else os.lstat)(path).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a link"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a folder" if stat.S_ISDIR(mode) else "not a regular file"


def not_regular(path: str | os.PathLike[str], shown: str | None = None) -> str | None:
    """The message for a ``path`` that is not a regular file, or None."""
    kind = irregular_kind(path)
    if kind is None:
        return None
    return f"{shown or display_path(path)} is {kind}, not a regular file; not read"


def refuse_irregular(path: str | os.PathLike[str]) -> None:
    """Raise a :class:`ZinekitError` when ``path`` exists but is not a regular file."""
    message = not_regular(path)
    if message is not None:
        raise ZinekitError(f"error: {message}")


def image_size_problem(path: str | os.PathLike[str]) -> tuple[Severity, str] | None:
    """``(severity, why)`` when the image at ``path`` is larger than Pillow's safety
    limit (a warning past it, an error past twice it, when Pillow refuses to open it),
    read from the header only; None for any other image or file."""
    import warnings

    from PIL import Image

    limit = Image.MAX_IMAGE_PIXELS or 0
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
    except Image.DecompressionBombError as exc:
        pixels = re.search(r"\((\d+) pixels\)", str(exc))
        shown = f"{int(pixels.group(1)):,} pixels" if pixels else "too many pixels"
        return "error", (f"is refused: {shown}, more than {2 * limit:,} (a decompression "
                         "bomb?)")
    except Exception:  # noqa: BLE001 - not an image: the layout reports it
        return None
    if not any(issubclass(w.category, Image.DecompressionBombWarning) for w in caught):
        return None
    return "warning", (f"is {width} × {height} = {width * height:,} pixels, more than "
                       f"{limit:,}: slow to lay out (scale it down)")


# --- TOML -------------------------------------------------------------------------------

_TOML_STRING = re.compile(r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'',
                          re.DOTALL)
_TOML_SCAN = re.compile(r"(#[^\n]*)|([\[{])|([\]}])|(\d[\d_]{%d,})|(=)|"
                        r"((?:\.[^.=\n\[\]{},#]*){%d,})|\n" % (MAX_DIGITS, MAX_KEY_PARTS))


def check_toml(text: str) -> None:
    """Raise :class:`Problem` at nesting deeper than :data:`MAX_NESTING`, a number
    longer than :data:`MAX_DIGITS` digits, a key of more than :data:`MAX_KEY_PARTS`
    dotted parts or the key after :data:`MAX_TOML_KEYS` (strings and comments are
    skipped)."""
    blanked = _TOML_STRING.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    depth, keys, line, line_start = 0, 0, 1, 0
    for m in _TOML_SCAN.finditer(blanked):
        where = (line, m.start() - line_start + 1)
        if m.group(0) == "\n":
            line, line_start = line + 1, m.end()
        elif m.group(2):
            depth += 1
            if depth > MAX_NESTING:
                raise Bound(f"nested more than {MAX_NESTING} levels deep", *where)
        elif m.group(3):
            depth = max(depth - 1, 0)
        elif m.group(4):
            raise Bound(f"a number of {len(m.group(4))} digits (at most {MAX_DIGITS})", *where)
        elif m.group(5):
            keys += 1
            if keys > MAX_TOML_KEYS:
                raise Bound(f"more than {MAX_TOML_KEYS:,} keys", *where)
        elif m.group(6):
            raise Bound(f"a dotted key of more than {MAX_KEY_PARTS} parts", *where)


def load_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads`` after :func:`check_toml`; every problem is a :class:`Problem`."""
    check_toml(text)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\s*\(at line (\d+), column (\d+)\)", str(exc))
        message = str(exc)[:m.start()] + str(exc)[m.end():] if m else str(exc)
        raise Problem(message, int(m.group(1)) if m else 1, int(m.group(2)) if m else 1) from None
    except (ValueError, RecursionError) as exc:  # what check_toml should have caught
        raise Problem(str(exc) or type(exc).__name__, 1, 1) from None


def toml_loads(text: str, path: str | os.PathLike[str]) -> dict[str, Any]:
    """The TOML file ``path`` (its ``text``); a problem is a located :class:`ZinekitError`."""
    try:
        return load_toml(text)
    except Problem as problem:
        raise ZinekitError(f"{display_path(path)}:{problem.line}:{problem.col}: error: "
                           f"{Path(path).name} {problem_text(problem, 'TOML')}") from None


# --- CSS ------------------------------------------------------------------------------

#: Blocks and functions nested deeper than this in a stylesheet or a style attribute are
#: refused: WeasyPrint (and tinycss2's serializer) recurse once per level.
MAX_CSS_NESTING = 32


def css_depth_problem(tokens: list[Any]) -> Bound | None:
    """A :class:`Bound` at the first block or function nested deeper than
    :data:`MAX_CSS_NESTING` in tinycss2 component values (walked without recursion)."""
    stack = [iter(tokens)]
    while stack:
        token = next(stack[-1], None)
        if token is None:
            stack.pop()
            continue
        inner = token.arguments if token.type == "function" else \
            getattr(token, "content", None) if token.type.endswith("block") else None
        if inner is None:
            continue
        if len(stack) > MAX_CSS_NESTING:
            return Bound(f"nested more than {MAX_CSS_NESTING} levels deep", token.source_line,
                         token.source_column)
        stack.append(iter(inner))
    return None


def check_css_file(path: str | os.PathLike[str]) -> None:
    """Raise a located :class:`ZinekitError` when the stylesheet ``path`` is not a
    regular file or is nested too deeply for the CSS engines to read."""
    import tinycss2

    refuse_irregular(path)
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    problem = css_depth_problem(tinycss2.parse_component_value_list(text, skip_comments=True))
    if problem is not None:
        raise ZinekitError(f"{display_path(path)}:{problem.line}:{problem.col}: error: "
                           f"stylesheet is refused: {problem.message}")


# --- YAML -------------------------------------------------------------------------------


class NotADate(str):
    """A YAML timestamp that names no real day (``2026-02-30``), kept as its text;
    ``reason`` says why (front matter reports it where a date is wanted)."""

    reason: str = ""


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, but a timestamp naming no real day is a :class:`NotADate`
    instead of an exception."""


def _timestamp(loader: BoundedLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        value = NotADate(loader.construct_scalar(node))
        value.reason = str(exc)
        return value


BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


if getattr(yaml, "__with_libyaml__", False):
    class FastBoundedLoader(yaml.CSafeLoader):
        """:class:`BoundedLoader` on libyaml's parser: 7-15 times faster than PyYAML's
        own (a library's planning reads the front matter of every text)."""

    FastBoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
    YAML_LOADERS: tuple[type, ...] = (FastBoundedLoader, BoundedLoader)
else:  # PyYAML built without libyaml
    YAML_LOADERS = (BoundedLoader,)


def check_yaml(text: str, loader: type = BoundedLoader) -> None:
    """Raise :class:`Problem` at nesting deeper than :data:`MAX_NESTING`, a plain
    number longer than :data:`MAX_DIGITS` digits or an alias that takes the document
    past :data:`MAX_YAML_VALUES` values, reading YAML's events (the event parser keeps
    its own stack; composing a document recurses once per level)."""
    depth, values = 0, 0
    anchored: dict[str, int] = {}  # anchor → values it stands for, its aliases expanded
    starts: list[tuple[str | None, int]] = []
    for event in yaml.parse(text, Loader=loader):
        mark = event.start_mark
        where = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_NESTING:
                raise Bound(f"nested more than {MAX_NESTING} levels deep", *where)
            starts.append((event.anchor, values))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
            anchor, before = starts.pop()
            if anchor is not None:
                anchored[anchor] = values - before
        elif isinstance(event, yaml.AliasEvent):
            if any(anchor == event.anchor for anchor, _ in starts):
                raise Bound(f"*{event.anchor} is inside &{event.anchor}: a value that holds "
                            "itself", *where)
            values += anchored.get(event.anchor or "", 1)
        elif isinstance(event, yaml.ScalarEvent):
            _check_scalar(event, where)
            if event.anchor is not None:
                anchored[event.anchor] = 1
        values += isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent))
        if values > MAX_YAML_VALUES:
            raise Bound(f"its aliases expand to more than {MAX_YAML_VALUES:,} values "
                        "(a \"billion laughs\" document)", *where)


def _check_scalar(event: yaml.ScalarEvent, where: tuple[int, int]) -> None:
    if not event.style and _DECIMAL.fullmatch(event.value) and \
            _digits(event.value) > MAX_DIGITS:
        raise Bound(f"a number of {_digits(event.value)} digits (at most {MAX_DIGITS})",
                    *where)


_DECIMAL = re.compile(r"[-+]?[0-9][0-9_:.]*")  # what YAML reads as a base-10 number


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def load_yaml(text: str) -> tuple[Any, Any]:
    """``(data, node)`` of one YAML document, after :func:`check_yaml`.  YAML errors
    are raised as PyYAML's own parser raises them (with their marks and its wording: a
    document libyaml refuses is read again by it); bounds as :class:`Problem`."""
    if len(YAML_LOADERS) > 1:
        try:
            return _load_yaml(text, YAML_LOADERS[0])
        except yaml.YAMLError:
            pass  # read again below, for PyYAML's wording and marks
    return _load_yaml(text, YAML_LOADERS[-1])


def _load_yaml(text: str, loader_class: type) -> tuple[Any, Any]:
    check_yaml(text, loader_class)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return (None if node is None else loader.construct_document(node)), node
    finally:
        loader.dispose()


def is_date(value: Any) -> bool:
    return isinstance(value, (_dt.date, _dt.datetime))


# --- SVG --------------------------------------------------------------------------------

#: Elements an SVG image may draw once its references (``<use href="#a">``,
#: ``fill="url(#p)"``) are followed: nine groups each using the one before nine times
#: draw 387 million, which WeasyPrint lays out for hours; a detailed map draws 50,000.
MAX_SVG_ELEMENTS = 200_000
#: References followed through references: a symbol in a pattern in a group is three.
MAX_SVG_REFERENCE_DEPTH = 20
_SVG_REFERENCE = re.compile(r"url\(\s*['\"]?#([^)'\"\s]+)")
_HREF = ("href", "{http://www.w3.org/1999/xlink}href")


def svg_problem(path: str | os.PathLike[str]) -> Bound | None:
    """A :class:`Bound` when the SVG image at ``path`` declares entities or draws more
    than :data:`MAX_SVG_ELEMENTS` elements once its references are followed (or follows
    them more than :data:`MAX_SVG_REFERENCE_DEPTH` deep, or in a circle); None for a
    smaller one, and for a file that is not SVG (the layout reports that)."""
    from lxml import etree

    data = Path(path).read_bytes()
    if b"<!ENTITY" in data[:65536]:
        return Bound("it declares XML entities (an entity bomb?)", 1, 1)
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except (etree.XMLSyntaxError, ValueError):
        return None
    return _SvgCount(root).problem()


class _SvgCount:
    """How many elements each referenced element draws, its references followed."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
        self.drawn: dict[str, int] = {}
        self.open: list[str] = []

    def problem(self) -> Bound | None:
        try:
            self.count(self.root)
        except Bound as bound:
            return bound
        return None

    def count(self, element: Any) -> int:
        total = 0
        for el in element.iter():
            total += 1
            for target in self.references(el):
                total += self.target_count(target, el)
            if total > MAX_SVG_ELEMENTS:
                raise Bound(f"its references draw more than {MAX_SVG_ELEMENTS:,} elements "
                            "(an SVG bomb?)", el.sourceline or 1, 1)
        return total

    def references(self, el: Any) -> list[str]:
        found = [v[1:] for k in _HREF if (v := el.get(k) or "").startswith("#")]
        return found + [m.group(1) for v in el.values() for m in _SVG_REFERENCE.finditer(v)]

    def target_count(self, target: str, user: Any) -> int:
        if target in self.drawn:
            return self.drawn[target]
        element = self.by_id.get(target)
        if element is None:
            return 0
        where = (user.sourceline or 1, 1)
        if target in self.open:
            raise Bound(f"reference to #{target} leads back to itself", *where)
        if len(self.open) >= MAX_SVG_REFERENCE_DEPTH:
            raise Bound(f"references followed more than {MAX_SVG_REFERENCE_DEPTH} deep", *where)
        self.open.append(target)
        self.drawn[target] = self.count(element)
        self.open.pop()
        return self.drawn[target]
