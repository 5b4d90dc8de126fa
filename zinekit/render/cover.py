"""``zinekit build --format cover``: the full-wrap cover of a perfect-bound copy.

    1. lay out the print edition with 3 mm bleed; its first page is the front cover,
       its last the back cover, pages 2 and n-1 the insides of the cover
    2. the spine: as wide as the block of pages between them is thick (paper.py); the
       theme's spine.html sets the title and series along it, turned for the language
    3. one wide page, back | spine | front (front | spine | back for a book bound on the
       right), each part clipped at the folds and keeping its bleed at the outer edges;
       a second page with the insides when they carry anything
    4. TrimBox and BleedBox set: the trim is 2 × page width + spine wide

The front and back are the print edition's own pages, drawn unchanged, so the wrap
shows exactly what the booklet and the press PDF show.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from zinekit.model import LaidOut, Prepared
from zinekit.reachins import add_object, rendering, weasyprint_log
from zinekit.render.paper import DEFAULT_CALIPER, Spine, binding_side, caliper_of, spine_direction, spine_for

MM = 72 / 25.4
COVER_BLEED_MM = 3.0
MIN_LETTERED_SPINE_MM = 6.0  # thinner spines are left plain: no lettering fits
SPINE_END_CLEARANCE_MM = 14.0  # lettering kept this far from head and foot


@dataclass(frozen=True)
class SpineLayout:
    """What spine.html needs (lengths in mm)."""

    width: float
    height: float
    bleed: float
    angle: int
    lettered: bool
    font_size: float


def make_cover(prepared: Prepared, reading: LaidOut, out: Path) -> dict[Path, bytes]:
    """The format's maker: ``<slug>-cover.pdf``, and a note on the spine."""
    from zinekit.render.pdf import render_pdf

    bleed = f"{COVER_BLEED_MM:g}mm"
    paper = render_pdf(prepared, print_edition=True, bleed=bleed)
    caliper = caliper_of(prepared.settings, prepared.diagnostics)
    spine = spine_for(paper.pages, caliper or DEFAULT_CALIPER)
    layout = spine_layout(prepared, spine)
    prepared.notes.append(cover_note(prepared, spine, layout, caliper is None))
    data = wrap_pdf(paper.data, spine_pdf(prepared, layout), layout,
                    binding_side(prepared.settings, prepared.issue.language))
    return {out / f"{prepared.issue.slug}-cover.pdf": data}


def spine_layout(prepared: Prepared, spine: Spine) -> SpineLayout:
    """The spine's size, lettering and turn: top-to-bottom lettering has its tops
    towards the front cover, bottom-to-top towards the back."""
    height = prepared.page.height_mm
    direction = spine_direction(prepared.settings, prepared.issue.language)
    front_right = binding_side(prepared.settings, prepared.issue.language) == "ltr"
    angle = 90 if (direction == "top-to-bottom") == front_right else -90
    lettered = spine.width >= MIN_LETTERED_SPINE_MM
    font_size = min(spine.width * 0.42, 5.0)  # mm: a third of an inch spine gets 14 pt
    return SpineLayout(spine.width, height, COVER_BLEED_MM, angle, lettered, font_size)


def cover_note(prepared: Prepared, spine: Spine, layout: SpineLayout, assumed: bool) -> str:
    """What the build reports about the wrap, e.g. the spine and its paper."""
    page = prepared.page
    trim_w = 2 * page.width_mm + spine.width
    text = (f"cover: full wrap {trim_w:.1f} × {page.height_mm:.1f} mm with {COVER_BLEED_MM:g} mm "
            f"bleed; spine {spine.width:.1f} mm for {spine.block} pages between the covers "
            f"({spine.leaves} leaves of {spine.caliper:g} mm paper")
    text += ", assumed: set caliper in front matter or [build])" if assumed else ")"
    if not layout.lettered and spine.width > 0:
        text += (f"; a spine under {MIN_LETTERED_SPINE_MM:g} mm is too thin for lettering "
                 "and is left plain")
    elif layout.lettered:
        direction = spine_direction(prepared.settings, prepared.issue.language)
        text += f"; title on the spine {direction.replace('-', ' ')}"
    if spine.pages >= 3:
        inside = "page 2" if spine.pages == 3 else f"pages 2 and {spine.pages - 1}"
        text += f"; the insides of the cover ({inside}) on its second page"
    return text


def spine_pdf(prepared: Prepared, layout: SpineLayout) -> bytes | None:
    """The spine as a one-page PDF with bleed, from the theme's ``spine.html``."""
    if layout.width <= 0:
        return None
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from zinekit.render.document import issue_context
    from zinekit.render.fetcher import ProjectFetcher
    from zinekit.themes_loader import builtin_themes_folder

    theme, issue = prepared.theme, prepared.issue
    html = theme.jinja_env().get_template("spine.html").render(
        issue=issue_context(issue), spine=layout)
    fetcher = ProjectFetcher([issue.root, *theme.folders, builtin_themes_folder()])
    fonts = FontConfiguration()  # the theme's @font-face rules need it
    css = [weasyprint.CSS(filename=str(p), url_fetcher=fetcher, font_config=fonts)
           for p in theme.stylesheets("print")]
    with rendering(), weasyprint_log():  # one render at a time, as every other
        document = weasyprint.HTML(string=html, base_url=str(issue.source_file.parent) + "/",
                                   url_fetcher=fetcher).render(stylesheets=css, font_config=fonts)
        return document.write_pdf()


# --- the wrap: the pages placed side by side ----------------------------------------------


def wrap_pdf(paper: bytes, spine: bytes | None, layout: SpineLayout, binding: str) -> bytes:
    """Back, spine and front on one page (and the insides on a second one)."""
    from pypdf import PdfReader, PdfWriter

    pages = PdfReader(io.BytesIO(paper)).pages
    spine_page = PdfReader(io.BytesIO(spine)).pages[0] if spine else None
    writer = PdfWriter()
    last = len(pages) - 1
    outside = (pages[last], spine_page, pages[0])
    inside = (pages[1] if last >= 2 else None, None, pages[last - 1] if last >= 3 else None)
    for back, middle, front in (outside, inside):
        if back is None and front is None:
            continue
        left, right = (back, front) if binding == "ltr" else (front, back)
        _wrap_page(writer, (left, middle, right), layout)
    writer.add_metadata({"/Title": f"Cover: {_title(pages[0])}", "/Producer": "zinekit"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _title(page) -> str:
    info = page.pdf.metadata if page.pdf is not None else None
    return str(info.get("/Title", "")) if info else ""


def _wrap_page(writer, parts, layout: SpineLayout) -> None:
    """One side of the wrap: three parts placed at the trim, clipped at the folds."""
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    b, w, s, h = layout.bleed * MM, _trim_width(parts), layout.width * MM, layout.height * MM
    page = writer.add_blank_page(width=2 * w + s + 2 * b, height=h + 2 * b)
    xobjects, ops = DictionaryObject(), []
    # each part: where its trim starts on the wrap, and its clip in its own coordinates
    # (the back keeps its bleed on the left, the front on the right, the spine neither)
    slots = ((b, (-b, -b, w, h + b)), (b + w, (0, -b, s, h + b)), (b + w + s, (0, -b, w + b, h + b)))
    for index, (part, (x, clip)) in enumerate(zip(parts, slots)):
        if part is None or (index == 1 and s <= 0):
            continue
        name = f"/Part{index}"
        xobjects[NameObject(name)] = _form(writer, part, clip)
        ops.append(f"q 1 0 0 1 {x:.4f} {b:.4f} cm {name} Do Q")
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
    content = DecodedStreamObject()
    content.set_data("\n".join(ops).encode("ascii"))
    page[NameObject("/Contents")] = add_object(writer, content)
    page[NameObject("/TrimBox")] = _box((b, b, b + 2 * w + s, b + h))
    page[NameObject("/BleedBox")] = _box((0, 0, 2 * w + s + 2 * b, h + 2 * b))


def _box(values):
    from pypdf.generic import ArrayObject, FloatObject

    return ArrayObject([FloatObject(round(v, 4)) for v in values])


def _trim_width(parts) -> float:
    """The width of the cover pages' trim (their TrimBox), in points."""
    for part in (parts[0], parts[2]):
        if part is not None:
            return float(part.trimbox.width)
    raise ValueError("a wrap needs a front or a back")


def _form(writer, page, clip: tuple[float, float, float, float]):
    """``page`` as a Form XObject whose bounding box clips it to ``clip`` (its trim
    origin at 0, 0: WeasyPrint puts the bleed at negative coordinates)."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, FloatObject, NameObject

    origin_x, origin_y = float(page.trimbox.left), float(page.trimbox.bottom)
    form = DecodedStreamObject()
    contents = page.get_contents()
    form.set_data(contents.get_data() if contents is not None else b"")
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = _box((clip[0] + origin_x, clip[1] + origin_y,
                                      clip[2] + origin_x, clip[3] + origin_y))
    form[NameObject("/Matrix")] = ArrayObject([FloatObject(v) for v in (1, 0, 0, 1, -origin_x, -origin_y)])
    resources = page.get("/Resources")
    if resources is not None:
        form[NameObject("/Resources")] = resources.get_object().clone(writer)
    group = page.get("/Group")
    if group is not None:
        form[NameObject("/Group")] = group.get_object().clone(writer)
    return add_object(writer, form.flate_encode())
