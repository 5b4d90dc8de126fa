"""Every place zinekit reaches into the internals of another library, in one module.

Each reach-in below works with the versions named and is guarded by the test named;
``pyproject.toml`` admits only those versions, and the lowest-versions CI job
(``.ci/lowest``) runs the tests against the oldest of them.

target (versions it works with): why — the test that guards it (tests/test_reachins.py
unless named)

- WeasyPrint ``LayoutContext._update_footnote_area``, one line (66–70): a note that fits
  is judged too tall by a rounding difference and moves on —
  ``test_footnote_fixes_apply_inside_a_render_only``, ``test_footnote_fixes_apply_to_the_installed_weasyprint``
- WeasyPrint ``layout.block._linebox_layout``, one line (70; 69 too): the page's last note is
  traded for a paragraph's orphan line — ``test_footnote_fixes_apply_inside_a_render_only``
- WeasyPrint ``Page._page_box`` and ``AbsolutePlaceholder._box`` (70): the laid-out
  boxes, read for where notes, pages and tags fall — ``test_layout_tree_is_readable``
- WeasyPrint ``text.line_break.create_layout`` and ``line_size`` (69, 70): the width of
  a space in a line's font, for how far justification stretched it (``zinekit proof``)
  — ``tests/test_proof.py::test_a_stretched_line``
- WeasyPrint's ``weasyprint`` logger, its handlers and ``propagate`` (any): its warnings
  (an image not loaded) reported where they are written — ``test_world_as_before_after_threads``
- pydyf ``PDF.page_references``, a property swapped while a tagged PDF is written
  (0.11–0.13): rebuilt on every use, it makes tagging a 1,000-page PDF quadratic —
  ``test_world_as_before_after_threads``
- CPython ``gc.freeze`` (3.7+): the build's own objects left out of WeasyPrint's
  collections, 3–10 % of a build — ``test_world_as_before_after_threads``
- CPython frame ``co_stacksize`` (before 3.14): a layout crossing a data-stack chunk
  boundary is 10–20 % slower — ``test_stack_room_keeps_the_result``
- pypdf ``PdfWriter._add_object``, ``_root_object``, ``StreamObject._data`` (6.x, 7.x):
  add an object, set catalog entries, copy a page's encoded stream as it is —
  ``test_pypdf_internals_exist``
- zipfile ``ZipInfo._compresslevel`` and the member writer's ``_compressor``
  (3.10–3.13): a font deflated once per series and written into every EPUB —
  ``test_zipfile_internals_exist``
- ``ProcessPoolExecutor._processes`` (3.10–3.13): Ctrl-C stops the workers' renders —
  ``test_pool_processes_readable``

The WeasyPrint fixes are applied around a render, never at import
(:func:`rendering`): a render holds :data:`RENDER_LOCK`, applies the fixes, sets the
logger, pydyf's property and the collector's freeze aside, and puts everything back
when it ends, so a process that renders from several threads (the preview's ``/pdf``,
a Dask worker) sees the world as it was between renders.  A fix whose target code has
changed (a WeasyPrint not listed above) is not applied and is reported once per process.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import inspect
import logging
import sys
import textwrap
import threading
from dataclasses import dataclass, field
from types import FunctionType, ModuleType
from typing import Any, Callable, Iterator, TypeVar

#: One render at a time in a process: every reach-in below is process-wide.
RENDER_LOCK = threading.RLock()

# --- WeasyPrint's footnotes --------------------------------------------------------------

#: Rounding differences below this many CSS pixels are not an overflow.
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Fix:
    """One line of a WeasyPrint function changed, if the function is the one it was
    written against (a SHA-256 of its source in :attr:`digests`)."""

    name: str
    module: str  # the module whose namespace the function is compiled in
    owner: str  # "module" or a class name in that module
    attribute: str
    digests: frozenset[str]
    old: str
    new: str
    why: str

    def target(self) -> tuple[object, ModuleType]:
        module = sys.modules.get(self.module) or __import__(self.module, fromlist=["_"])
        owner = module if self.owner == "module" else getattr(module, self.owner)
        return owner, module


AREA_LINE = "overflow = last_child_bottom > footnote_area_bottom"
TRADE_LINE = "report = not context.in_column and can_break_now and not could_break_before"

FIXES = (
    # 1. WeasyPrint decides whether a page's notes overflow their area by comparing two
    #    sums of the same lengths added in a different order; when they differ only by
    #    rounding (1e-13 px) a note that fits moves to the next page and, with
    #    ``footnote-policy: line``, its line with it.  Compared with a tolerance.
    Fix("rounding", "weasyprint.layout", "LayoutContext", "_update_footnote_area",
        frozenset({"2e317e4b066fb80cb369a41cd6f054a127722f9961c18ef4d6e1eef93673c4c1"}),
        AREA_LINE, f"{AREA_LINE} + {TOLERANCE!r}",
        "a note that fits would move to the next page by a rounding difference"),
    # 2. When the line completing a paragraph's orphans does not fit at the foot of a
    #    page, WeasyPrint 69 and 70 move the page's last note on to make room, although
    #    moving the paragraph's start keeps every note with its call (as 68 did).
    Fix("no-trade", "weasyprint.layout.block", "module", "_linebox_layout",
        frozenset({
            "14d5b38c34e49f8089f80bf11176fba3054001790ccb9f281c524a7e7b3d3efb",  # 69
            "e07bbe000974787ee370be1f419a01a21b327a1a1e3025a65afd47589060883d",  # 70
        }),
        TRADE_LINE, "report = False",
        "a page's last note would be moved on to make room for an orphan line"),
)


def source_digest(function: Callable[..., Any]) -> str:
    return hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()


@dataclass
class _Fixes:
    """The fixed functions (compiled once) and the originals they stand in for."""

    fixed: dict[str, FunctionType] = field(default_factory=dict)
    original: dict[str, Any] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    reported: bool = False
    enabled: bool = True  # off only to measure WeasyPrint's own code (benchmarks)


_fixes = _Fixes()


@contextlib.contextmanager
def without_fixes() -> Iterator[None]:
    """Renders made meanwhile use WeasyPrint's own footnote code: the baseline a
    benchmark measures the fixes against."""
    with RENDER_LOCK:
        _fixes.enabled = False
        try:
            yield
        finally:
            _fixes.enabled = True


def _compiled(fix: Fix) -> FunctionType | None:
    """The fixed function, or None when the installed code is not the one it fits."""
    if fix.name in _fixes.fixed:
        return _fixes.fixed[fix.name]
    if fix.name in _fixes.missing:
        return None
    owner, module = fix.target()
    current = getattr(owner, fix.attribute)
    source = inspect.getsource(current)
    if source_digest(current) not in fix.digests or source.count(fix.old) != 1:
        _fixes.missing.add(fix.name)
        return None
    namespace = dict(vars(module))
    code = compile(textwrap.dedent(source).replace(fix.old, fix.new),
                   module.__file__ or "<weasyprint>", "exec")
    exec(code, namespace)  # noqa: S102 - WeasyPrint's own source, one line changed
    _fixes.original[fix.name] = current
    _fixes.fixed[fix.name] = namespace[fix.attribute]
    return _fixes.fixed[fix.name]


def applicable_fixes() -> set[str]:
    """The names of the fixes that fit the installed WeasyPrint."""
    return {fix.name for fix in FIXES if _compiled(fix) is not None}


@contextlib.contextmanager
def _footnote_fixes() -> Iterator[None]:
    applied = []
    for fix in FIXES if _fixes.enabled else ():
        fixed = _compiled(fix)
        if fixed is not None:
            owner, _ = fix.target()
            setattr(owner, fix.attribute, fixed)
            applied.append(fix)
    try:
        yield
    finally:
        for fix in applied:
            owner, _ = fix.target()
            setattr(owner, fix.attribute, _fixes.original[fix.name])


def unapplied_fixes_message() -> str | None:
    """Once per process: which fixes the installed WeasyPrint does not take, and what a
    reader will see because of it."""
    applicable_fixes()
    if _fixes.reported or not _fixes.missing:
        return None
    _fixes.reported = True
    import weasyprint

    missing = [fix for fix in FIXES if fix.name in _fixes.missing]
    said = "; ".join(f"{fix.name}: {fix.why}" for fix in missing)
    return (f"WeasyPrint {weasyprint.__version__} is not a version zinekit's footnote "
            f"fixes were written for, so they are not applied ({said})")


# --- the logger, pydyf and the collector ---------------------------------------------------


class Collector(logging.Handler):
    """Keeps WeasyPrint's log records so they can be reported once, with their place."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def weasyprint_log() -> Iterator[Collector]:
    """WeasyPrint's warnings kept from the console, collected for the caller."""
    logger = logging.getLogger("weasyprint")
    collector = Collector()
    logger.addHandler(collector)
    old_propagate, logger.propagate = logger.propagate, False
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.propagate = old_propagate


@contextlib.contextmanager
def page_references_kept() -> Iterator[None]:
    """While a tagged PDF is written, keep ``pydyf.PDF.page_references``.

    pydyf builds that tuple of every page's reference anew on each use, and WeasyPrint's
    tagger uses it once for every structure element: the cost grows with the square of
    the pages (half a millisecond a use at 1,000 pages, some 70,000 uses).  The tuple
    is kept until a page is added; the values are the same."""
    import pydyf

    original = pydyf.PDF.page_references

    def kept(pdf: Any) -> tuple[bytes, ...]:
        count = len(pdf.pages["Kids"])
        memo: tuple[int, tuple[bytes, ...]] | None = pdf.__dict__.get("_zinekit_page_references")
        if memo is None or memo[0] != count:
            memo = (count, tuple(original.fget(pdf)))
            pdf.__dict__["_zinekit_page_references"] = memo
        return memo[1]

    with RENDER_LOCK:
        pydyf.PDF.page_references = property(kept)
        try:
            yield
        finally:
            pydyf.PDF.page_references = original


@contextlib.contextmanager
def ours_left_unscanned() -> Iterator[None]:
    """While WeasyPrint lays out and writes, its millions of new objects start many
    garbage collections; each would also walk every object the build made before
    (tokens, templates, the catalog), which none of them can free.  Those are set aside
    for the time (``gc.freeze``): 3-10 % of a build's CPU time, see docs/performance.md."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


_depth = threading.local()


@contextlib.contextmanager
def rendering(report: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the process's one render and apply the WeasyPrint fixes for its time;
    ``report`` hears, once per process, of a fix the installed WeasyPrint does not take.
    Nested uses (a render that lays out again) share the outer one's state."""
    with RENDER_LOCK:
        outer = not getattr(_depth, "value", 0)
        _depth.value = getattr(_depth, "value", 0) + 1
        try:
            if not outer:
                yield
                return
            message = unapplied_fixes_message()
            if message and report is not None:
                report(message)
            with _footnote_fixes(), ours_left_unscanned():
                yield
        finally:
            _depth.value -= 1


@contextlib.contextmanager
def colours_drawn(convert: Callable[[Any], Any]) -> Iterator[None]:
    """While WeasyPrint draws, every colour it sets (text, rules, backgrounds, borders,
    SVG fills) passes through ``convert`` first: ``pdf.stream.Stream.set_color`` is its
    one way to set a colour (WeasyPrint 70).  The press edition and the cover draw in
    one-ink CMYK through it, a riso master in its ink (render/press.py, render/riso.py)."""
    from weasyprint.pdf.stream import Stream

    original = Stream.set_color

    def set_color(self: Any, color: Any, stroke: bool = False) -> Any:
        return original(self, convert(color), stroke)

    with RENDER_LOCK:
        Stream.set_color = set_color
        try:
            yield
        finally:
            Stream.set_color = original


def parsed_html(document: Any) -> Any:
    """The parsed HTML a ``weasyprint.Document`` was laid out from."""
    return document._html


# --- reading WeasyPrint's layout -----------------------------------------------------------


def page_box(page: Any) -> Any:
    """The root box of a laid-out ``weasyprint.Page``."""
    return page._page_box


def placed_box(box: Any) -> Any:
    """The box an ``AbsolutePlaceholder`` stands for (``box`` itself otherwise)."""
    from weasyprint.layout.absolute import AbsolutePlaceholder

    return box._box if isinstance(box, AbsolutePlaceholder) else box


def text_width(text: str, style: Any) -> float:
    """The width of ``text`` set on one line in ``style``'s font, in CSS pixels."""
    from weasyprint.text.line_break import create_layout, line_size

    layout = create_layout(text, style, None, None, 0)
    try:
        return float(line_size(layout.get_first_line()[0], style)[0])
    finally:
        layout.deactivate()


# --- CPython's data stack -------------------------------------------------------------------

T = TypeVar("T")

#: Slots of Python's data stack set aside below a layout (see :func:`with_stack_room`).
STACK_ROOM_SLOTS = 131_072  # 1 MiB of frame: its chunk leaves about 1 MiB free above it


def with_stack_room(work: Callable[..., T], *args: Any) -> T:
    """``work(*args)``, its calls made in one piece of Python's data stack.

    CPython before 3.14 keeps its frames in 16 KiB chunks and frees a chunk each time
    the call that opened it returns (its issue gh-142183; 3.14 keeps a chunk for the
    next call, and the change was carried back to late 3.13 releases, where the room
    set aside here is harmless).  WeasyPrint's layout and drawing call in and out of
    the same dozen functions for every line: where a chunk ends inside that range,
    each line allocates and frees a chunk, and the layout is 10-20 % slower, by the
    luck of how deep the build called it (docs/performance.md, "The depth a layout
    starts at").  The call is made from a frame of :data:`STACK_ROOM_SLOTS` slots,
    which opens a chunk of 2 MiB with about half of it left for ``work``'s frames: no
    chunk ends at any depth a layout reaches.  The memory is reserved, not touched
    beyond what the frames use."""
    return _roomy(work, args)


def _roomy(work: Callable[..., T], args: tuple[Any, ...]) -> T:
    return work(*args)


if sys.version_info < (3, 14):
    _roomy.__code__ = _roomy.__code__.replace(co_stacksize=STACK_ROOM_SLOTS)


# --- pypdf ------------------------------------------------------------------------------------


def add_object(writer: Any, obj: Any) -> Any:
    """``obj`` added to ``writer`` as an indirect object; its reference."""
    return writer._add_object(obj)


def writer_root(writer: Any) -> Any:
    """The catalog dictionary of a ``pypdf.PdfWriter``."""
    return writer._root_object


def encoded_data(stream: Any) -> bytes:
    """A pypdf stream's bytes as stored (still encoded)."""
    data: bytes = stream._data
    return data


def set_encoded_data(stream: Any, data: bytes) -> None:
    """Give a pypdf stream its stored (encoded) bytes without decoding them."""
    stream._data = data


# --- zipfile ------------------------------------------------------------------------------------


def write_predeflated(archive: Any, info: Any, data: bytes, deflated: bytes, level: int) -> None:
    """``archive.writestr(info, data)`` for a deflated member whose deflated bytes
    (raw deflate at ``level``) are known: zipfile computes the checksum and sizes as
    ever, and the file is byte-identical to one ``writestr`` writes."""
    info._compresslevel = level  # what writestr records for the level
    info.file_size = len(data)
    with archive.open(info, mode="w") as member:
        if hasattr(member, "_compressor"):  # zipfile's writer deflates through it
            member._compressor = _Deflated(deflated)
        member.write(data)


class _Deflated:
    """Stands in for the compressor of a zip member whose deflated bytes are known."""

    def __init__(self, deflated: bytes) -> None:
        self.deflated = deflated

    def compress(self, data: bytes) -> bytes:
        deflated, self.deflated = self.deflated, b""
        return deflated

    def flush(self) -> bytes:
        return b""


# --- concurrent.futures ---------------------------------------------------------------------------


def pool_processes(pool: Any) -> list[Any]:
    """The worker processes of a ``ProcessPoolExecutor`` (none once it has shut down)."""
    return list((getattr(pool, "_processes", None) or {}).values())
