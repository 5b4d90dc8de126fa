"""``zinekit build --format cover``: the full-wrap cover of a perfect-bound copy.

    1. the print edition's page count, from the layout the press PDF is drawn from
       (render/press.py: no layout of its own); its first and last pages are the
       covers, the block between them makes the spine (paper.py, or the vendor's
       formula: preflight/vendors.py)
    2. one wide page drawn by the theme's ``cover-wrap.html``: back | spine | front
       (front | spine | back for a book bound on the right) with bleed all round —
       the front is the theme's cover design, the one the EPUB draws
       (epub/cover.py), or the ``cover:`` image to the bleed with the title on it;
       the back carries the blurb, licence and address, the vendor's barcode area
       left clear; the spine a band and lettering centred along it, when it is
       wide enough for them
    3. a second page, left blank: nothing prints inside the covers (one page for a
       vendor that takes only the outside)
    4. drawn in one-ink black and CMYK as the press PDF is, with the vendor's PDF/X
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from pathlib import Path

from zinekit.model import LaidOut, Prepared
from zinekit.reachins import rendering, weasyprint_log
from zinekit.render.paper import DEFAULT_CALIPER, Spine, binding_side, caliper_of, spine_direction

MM = 72 / 25.4
COVER_BLEED_MM = 3.0
MIN_SPINE_MM = 3.0  # thinner spines get no band and no lettering: a fold can wander 1-2 mm
SPINE_END_CLEARANCE_MM = 14.0  # lettering kept this far from head and foot


@dataclass(frozen=True)
class SpineLayout:
    """What the wrap's spine needs (lengths in mm)."""

    width: float
    height: float
    bleed: float
    angle: int
    lettered: bool
    font_size: float


@dataclass(frozen=True)
class WrapLayout:
    """Where the panels of the wrap are, in mm from the trim's top-left corner."""

    panel_width: float
    height: float
    spine: SpineLayout
    bleed: float
    front_left: float
    back_left: float
    spine_left: float
    barcode: tuple[float, float] | None  # width × height kept clear, mm
    barcode_margin: float

    @property
    def width(self) -> float:
        return 2 * self.panel_width + self.spine.width


def make_cover(prepared: Prepared, reading: LaidOut | None, out: Path) -> dict[Path, bytes]:
    """The format's maker: ``<slug>-cover.pdf``, and a note on the spine."""
    from zinekit.render.editions import preflight_press
    from zinekit.render.press import print_layout, vendor_of

    vendor = vendor_of(prepared)
    pages = print_layout(prepared, reading).pages
    caliper = caliper_of(prepared.settings, prepared.diagnostics)
    spine = spine_of(prepared, pages, caliper)
    layout = spine_layout(prepared, spine)
    prepared.notes.append(cover_note(prepared, spine, layout, caliper is None))
    if spine.width > 0 and not layout.lettered:
        prepared.diagnostics.warning(
            f"cover: the spine is {spine.width:.1f} mm wide: a spine under {MIN_SPINE_MM:g} mm gets "
            "neither its colour band nor lettering (a fold can wander that far)",
            str(prepared.issue.source_file), 0, 0)
    wrap = wrap_layout(prepared, layout, vendor)
    data = wrap_pdf(prepared, wrap, inside=vendor.name != "kdp")
    preflight_press(prepared, data, "cover", "cover")
    return {out / f"{prepared.issue.slug}-cover.pdf": data}


def spine_of(prepared: Prepared, pages: int, caliper: float | None) -> Spine:
    """The spine for the block between the covers (every page but the first and the
    last): the vendor's formula where it has one, else one caliper a leaf."""
    from zinekit.render.press import vendor_of

    block = max(pages - 2, 0)
    used = caliper or DEFAULT_CALIPER
    width = vendor_of(prepared).spine_mm(block, prepared.settings.typed.paper)
    if width is None:
        width = math.ceil(block / 2) * used
    return Spine(pages, block, used, width)


def spine_layout(prepared: Prepared, spine: Spine) -> SpineLayout:
    """The spine's size, lettering and turn: top-to-bottom lettering has its tops
    towards the front cover, bottom-to-top towards the back."""
    height = prepared.page.height_mm
    direction = spine_direction(prepared.settings, prepared.issue.language)
    front_right = binding_side(prepared.settings, prepared.issue.language) == "ltr"
    angle = 90 if (direction == "top-to-bottom") == front_right else -90
    lettered = spine.width >= MIN_SPINE_MM
    font_size = min(spine.width * 0.42, 5.0)  # mm: a third of an inch spine gets 14 pt
    return SpineLayout(spine.width, height, COVER_BLEED_MM, angle, lettered, font_size)


def wrap_layout(prepared: Prepared, spine: SpineLayout, vendor) -> WrapLayout:
    """The panels side by side as the binding wants them, with the vendor's bleed."""
    width = prepared.page.width_mm
    bleed = vendor.bleed_mm or COVER_BLEED_MM
    ltr = binding_side(prepared.settings, prepared.issue.language) == "ltr"
    back, front = (0.0, width + spine.width) if ltr else (width + spine.width, 0.0)
    spine = SpineLayout(spine.width, spine.height, bleed, spine.angle, spine.lettered, spine.font_size)
    return WrapLayout(width, spine.height, spine, bleed, front, back, width,
                      vendor.barcode_mm or (50.8, 30.5), 6.35)


def cover_note(prepared: Prepared, spine: Spine, layout: SpineLayout, assumed: bool) -> str:
    """What the build reports about the wrap, e.g. the spine and its paper."""
    from zinekit.render.press import vendor_of

    page = prepared.page
    vendor = vendor_of(prepared)
    trim_w = 2 * page.width_mm + spine.width
    leaves = f"{spine.leaves} lea{'f' if spine.leaves == 1 else 'ves'}"
    text = (f"cover: full wrap {trim_w:.1f} × {page.height_mm:.1f} mm with "
            f"{vendor.bleed_mm or COVER_BLEED_MM:g} mm bleed; spine {spine.width:.1f} mm for "
            f"{spine.block} pages between the covers")
    if vendor.spine_mm(spine.block, prepared.settings.typed.paper) is not None:
        text += f" ({vendor.title}'s spine formula)"
    else:
        text += f" ({leaves} of {spine.caliper:g} mm paper"
        text += ", assumed: set caliper in front matter or [build])" if assumed else ")"
    if not layout.lettered and spine.width > 0:
        text += f"; a spine under {MIN_SPINE_MM:g} mm is left plain"
    elif layout.lettered:
        direction = spine_direction(prepared.settings, prepared.issue.language)
        text += f"; title on the spine {direction.replace('-', ' ')}, centred"
    text += "; the inside of the cover left blank"
    return text


def front_art(prepared: Prepared) -> str | None:
    """The theme's cover design (the EPUB's) as a data address, or None when the
    issue has a ``cover:`` image of its own."""
    from zinekit.render.document import issue_context
    from zinekit.render.epub.cover import generated_cover

    if prepared.issue.meta.typed.cover:
        return None
    svg = generated_cover(prepared.theme, prepared.page, issue_context(prepared.issue))
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def wrap_pdf(prepared: Prepared, wrap: WrapLayout, inside: bool = True) -> bytes:
    """The wrap drawn by the theme's ``cover-wrap.html``, in press colour."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from zinekit.render.document import build_date, issue_context
    from zinekit.render.fetcher import ProjectFetcher
    from zinekit.render.pdf_write import pdf_bytes
    from zinekit.render.press import as_pdfx_1a, cmyk_drawing, cmyk_pdf, press_profile, vendor_of
    from zinekit.themes_loader import builtin_themes_folder

    theme, issue = prepared.theme, prepared.issue
    vendor = vendor_of(prepared)
    html = theme.jinja_env().get_template("cover-wrap.html").render(
        issue=issue_context(issue), wrap=wrap, spine=wrap.spine, front_art=front_art(prepared),
        download_url=prepared.resolved.download_url, inside=inside, flags={"print_edition": True},
        build_date=build_date(prepared.source_date))
    fetcher = ProjectFetcher([issue.root, *theme.folders, builtin_themes_folder()],
                             mounts=[issue.root, builtin_themes_folder()])
    fonts = FontConfiguration()  # the theme's @font-face rules need it
    css = [weasyprint.CSS(string=p.read_text(encoding="utf-8"), base_url=fetcher.url_for(p),
                          url_fetcher=fetcher, font_config=fonts) for p in theme.stylesheets("print")]
    base = fetcher.url_for(issue.source_file.parent) + "/"
    variant = "pdf/x-1a" if vendor.pdfx == "1a" else "pdf/x-4"
    limit = vendor.cover_ink_limit / 100
    with rendering(), weasyprint_log():  # one render at a time, as every other
        document = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher).render(
            stylesheets=css, font_config=fonts, pdf_variant=variant,
            output_intent="srgb" if variant == "pdf/x-4" else None)
        with cmyk_drawing(limit):
            data = pdf_bytes(document, html, variant)
    profile = press_profile(prepared)
    data, _ = cmyk_pdf(data, limit, profile)
    return as_pdfx_1a(data, keep_intent=profile is not None) if variant == "pdf/x-1a" else data
