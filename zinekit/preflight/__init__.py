"""Preflight: check any PDF for what a press rejects, before it reaches the press.

    open (the imposition's checked reader) → the document: output intent
    → each page: boxes; walk its content (walk.py) for images, colour, transparency,
      lines and fonts; its text's position (pdfium) against the trim (checks.py)
    → a report: located findings, text or JSON (report.py)

``zinekit preflight FILE.pdf`` calls :func:`preflight_file`; the build calls
:func:`preflight_pdf` on the press PDF it has just made and reports the findings as
warnings.  See docs/preflight.md.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import BinaryIO, Union

from pypdf import PageObject, PdfReader
from pypdf.generic import IndirectObject

from zinekit.errors import SourceError
from zinekit.impose.source import READ_ERRORS, quiet_pypdf, read_pdf, unlock
from zinekit.impose.source import why as _why
from zinekit.preflight.checks import (
    Finding,
    Options,
    PageChecks,
    box_findings,
    font_name,
    font_problem,
    text_near_trim,
)
from zinekit.preflight.report import PreflightReport
from zinekit.preflight.text import text_rects
from zinekit.preflight.walk import MAX_OPERATIONS, Rect, TooMuchDrawing, Walker, too_much

__all__ = ["Finding", "PreflightError", "PreflightOptions", "PreflightReport", "preflight_file", "preflight_pdf"]

PreflightOptions = Options
Source = Union[str, Path, bytes, BinaryIO]


class PreflightError(SourceError):
    """A file that cannot be checked at all (not a PDF, damaged, locked)."""


def preflight_file(path: str | Path, options: Options | None = None) -> PreflightReport:
    """Check the PDF at ``path``."""
    return preflight_pdf(Path(path), options, label=str(path))


def preflight_pdf(source: Source, options: Options | None = None, label: str | None = None) -> PreflightReport:
    """Check a PDF (a path, bytes or a binary file) and return every finding (of the
    pages before one that takes the document past :data:`MAX_OPERATIONS`)."""
    options = options or Options()
    label = label or (str(source) if isinstance(source, (str, Path)) else "<pdf>")

    def fail(message: str) -> PreflightError:
        return PreflightError(message, path=label)

    with quiet_pypdf():
        reader = read_pdf(source, fail)
        try:
            unlock(reader, fail)
            pages = _pages(reader, fail)
            options = _told_apart(pages, options)
            report = PreflightReport(label, len(pages), options)
            report.findings += document_findings(reader, options)
            report.findings += _vendor_document(reader, options, source)
            walker = Walker(reader)
            checked = _drawable(walker, pages, report)
            keys = [_sameness(page) for page in pages[:checked]]
            first: dict[tuple, int] = {}  # pages drawing the same: read and checked once
            wanted = [i for i, key in enumerate(keys, 1) if key is None or first.setdefault(key, i) == i]
            rects = text_rects(source if not isinstance(source, BinaryIO) else _data(source), wanted)
            alike: dict[int, list[Finding]] = {}
            for index, page in enumerate(pages[:checked], start=1):
                report.corners[index] = _corner(page)
                key = keys[index - 1]
                like = index if key is None else first[key]
                try:
                    if like not in alike:
                        alike[like] = page_findings(walker, page, index, options, rects.get(like, []))
                    report.findings += [replace(f, page=index) for f in alike[like]]
                except TooMuchDrawing as exc:
                    report.findings.append(Finding("error", "content", str(exc), index))
                    break
        finally:
            if isinstance(source, (str, Path)):
                reader.stream.close()
    report.findings = _as_rejections(report.findings, options)
    report.findings.sort(key=Finding.sort_key)
    return report


def _vendor_document(reader: PdfReader, options: Options, source: Source) -> list[Finding]:
    """The vendor's rules for the whole file (its PDF/X version, its size)."""
    from zinekit.preflight.vendors import document_rules, vendor_named

    if options.vendor is None:
        return []
    try:
        info = dict(reader.metadata or {})
        metadata = reader.root_object.get("/Metadata")
        xmp = metadata.get_object().get_data() if metadata is not None else b""
    except READ_ERRORS:
        info, xmp = {}, b""
    size = len(source) if isinstance(source, bytes) else (
        Path(source).stat().st_size if isinstance(source, (str, Path)) else None)
    return document_rules(vendor_named(options.vendor), info, xmp, size)


def _as_rejections(findings: list[Finding], options: Options) -> list[Finding]:
    """With a vendor, each error is worded as the vendor's rejection."""
    from zinekit.preflight.vendors import vendor_named

    prefix = vendor_named(options.vendor).rejects() if options.vendor else ""
    if not prefix:
        return findings
    return [replace(f, message=f"{prefix} {f.message}") if f.severity == "error" else f
            for f in findings]


def _told_apart(pages: list[PageObject], options: Options) -> Options:
    """A file of one or two pages shaped as a cover wrap is a cover: its ink limit is
    the cover's, and a vendor's barcode area is looked at."""
    from zinekit.preflight.vendors import is_wrap

    if len(pages) <= 2 and all(is_wrap(_box(page, "/TrimBox") or _box(page, "/MediaBox")) for page in pages):
        return replace(options, wrap=True)
    return options


def _sameness(page: PageObject) -> tuple | None:
    """What makes two pages' findings the same (one content stream, one resources
    dictionary, the same boxes): None when it cannot be told cheaply."""
    contents, resources = page.get("/Contents"), page.get("/Resources")
    if not isinstance(contents, IndirectObject):
        return None
    if isinstance(resources, IndirectObject):
        shared = resources.idnum
    elif not resources:
        shared = 0
    else:
        return None
    boxes = tuple(str(page.get(k)) for k in ("/MediaBox", "/CropBox", "/TrimBox", "/BleedBox",
                                             "/ArtBox", "/Rotate", "/UserUnit"))
    return (contents.idnum, shared, boxes)


def _drawable(walker: Walker, pages: list[PageObject], report: PreflightReport) -> int:
    """How many pages, from the first, draw at most :data:`MAX_OPERATIONS` operators
    together (counted before any renderer walks them; pages that draw the same once);
    an error at the page past it."""
    total, seen = 0, set()
    for index, page in enumerate(pages, start=1):
        key = _sameness(page)
        if key is not None and key in seen:
            continue
        seen.add(key)
        try:
            total += walker.drawing(page)
        except (*READ_ERRORS, IndexError):
            continue  # the page's own check reports it
        if total > MAX_OPERATIONS:
            report.findings.append(Finding("error", "content", too_much(), index))
            return index - 1
    return len(pages)


def _pages(reader: PdfReader, fail) -> list[PageObject]:
    try:
        pages = list(reader.pages)
    except READ_ERRORS as exc:
        raise fail(f"the PDF is damaged: its page tree cannot be read ({_why(exc)})") from None
    if not pages:
        raise fail("the PDF has no pages")
    return pages


def _data(handle: BinaryIO) -> bytes:
    handle.seek(0)
    return handle.read()


def document_findings(reader: PdfReader, options: Options) -> list[Finding]:
    """What the whole file lacks: an output intent (the press's colour profile)."""
    try:
        intents = reader.root_object.get("/OutputIntents")
        intents = intents.get_object() if intents is not None else None
    except READ_ERRORS:
        intents = None
    if intents:
        return []
    severity = "error" if options.pdfx else "warning"
    rule = f" (PDF/X-{options.pdfx.upper()} needs one)" if options.pdfx else ""
    return [Finding(severity, "output-intent",
                    "no output intent: the file does not say which press condition (colour profile) "
                    f"it was made for{rule}")]


def page_findings(walker: Walker, page: PageObject, index: int, options: Options,
                  rects: list[Rect]) -> list[Finding]:
    """Every finding of one page: boxes, what its content paints, fonts, text at the trim."""
    media = _box(page, "/MediaBox") or (0.0, 0.0, 612.0, 792.0)
    trim, bleed = _box(page, "/TrimBox"), _box(page, "/BleedBox")
    findings = box_findings(index, media, trim, bleed, options)
    checks = PageChecks(index, options)
    try:
        walker.page(page, checks)
    except (*READ_ERRORS, IndexError) as exc:
        checks.add("error", "content", f"the page's content cannot be read ({_why(exc)})", None)
    findings += checks.findings
    findings += _ink_findings(checks, index, trim, options)
    if options.vendor is not None:
        from zinekit.preflight.vendors import page_rules, vendor_named

        findings += page_rules(vendor_named(options.vendor), index, media, trim, bleed,
                               checks.painted + rects, options.wrap)
    for font, resource, at in checks.fonts.values():
        problem = font_problem(font)
        if problem:
            findings.append(Finding("error", "fonts", f"font {font_name(font, resource)} {problem}: the press "
                                     "would set the text in another font", index, at))
    if trim is not None:
        findings += text_near_trim(index, rects, trim, options.safe_mm)
    return findings


def _ink_findings(checks: PageChecks, index: int, trim: Rect | None, options: Options) -> list[Finding]:
    """The page's heaviest ink over the limit (the cover's limit on a cover wrap)."""
    limit = options.ink_limit
    if options.wrap and options.cover_ink_limit is not None:
        limit = options.cover_ink_limit
    ink, _ = checks.ink
    if limit is None or ink <= limit + 0.5:
        return []
    severity = "error" if options.vendor else "warning"
    return [Finding(severity, "ink", f"total ink {ink:.0f} % (limit {limit} %)", index)]


def _box(page: PageObject, key: str) -> Rect | None:
    try:
        value = page.get(key) if key != "/MediaBox" else page.mediabox
        if value is None:
            return None
        x0, y0, x1, y1 = (float(v) for v in value)
    except (*READ_ERRORS, TypeError):
        return None
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _corner(page: PageObject) -> tuple[float, float]:
    """The top-left corner of the page as a viewer shows it (its CropBox)."""
    try:
        box = page.cropbox
        return (float(box.left), float(box.top))
    except READ_ERRORS:
        return (0.0, 0.0)
