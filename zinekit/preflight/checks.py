"""The checks: what a press rejects, each turned into located findings.

Page checks listen to the painting events of ``walk.py`` (:class:`PageChecks`);
document checks read the boxes, the output intent and the fonts' dictionaries.  Every
finding has a check name, a severity, the page (1-based; 0 for the whole document) and
the position in page space (PDF points), turned into millimetres from the top-left
corner of the page when printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from zinekit.preflight.walk import Mark, Rect

MM = 72 / 25.4
HAIRLINE = 0.25  # pt
TRIM_SAFETY = 3 * MM
SMALLEST_IMAGE = 2  # pixels: a 1×1 or 2×2 image is a flat fill, not a picture


@dataclass(frozen=True)
class Options:
    """What the press wants: ``colour`` cmyk, grey or any (None: RGB is a warning);
    ``pdfx`` 1a, 3 or 4 (None: no PDF/X rules); ``min_ppi`` (errors below half of it);
    ``ink_limit`` and ``cover_ink_limit`` in per cent (None: not checked); ``vendor``
    the name of a row of :mod:`zinekit.preflight.vendors` whose rules are errors, worded
    as its rejections; ``safe_mm`` how far inside the trim text should stay; ``wrap``
    whether the file is a cover wrap (the cover's ink limit, the barcode area)."""

    colour: str | None = None
    pdfx: str | None = None
    min_ppi: int = 300
    ink_limit: int | None = 300
    cover_ink_limit: int | None = None
    vendor: str | None = None
    safe_mm: float = 3.0
    wrap: bool = False  # the file is a cover wrap (told from its pages: preflight_pdf)


@dataclass(frozen=True)
class Finding:
    severity: str  # error or warning
    check: str
    message: str
    page: int = 0
    at: tuple[float, float] | None = None  # page space, pt

    def sort_key(self) -> tuple:
        return (self.page, self.severity != "error", self.check, self.at or (0, 0), self.message)


@dataclass
class PageChecks:
    """Receives the painting events of one page and keeps what a press should hear about."""

    page: int
    options: Options
    findings: list[Finding] = field(default_factory=list)
    fonts: dict[int, Any] = field(default_factory=dict)  # id → (font dict, name, first position)
    ink: tuple[float, Rect | None] = (0.0, None)  # the heaviest ink painted, and where
    painted: list[Rect] = field(default_factory=list)  # images, for the barcode area
    _seen: set = field(default_factory=set)

    def __call__(self, mark: Mark) -> None:
        handler = getattr(self, f"_{mark.kind}", None)
        if handler is not None:
            handler(mark)
        if mark.kind in ("fill", "stroke", "text", "image", "shading"):
            self._colour(mark)
            if mark.state.transparent:
                self._transparent(mark, mark.state.transparent)
            if self.options.ink_limit is not None:
                self._ink(mark)

    def _ink(self, mark: Mark) -> None:
        from zinekit.preflight.ink import colour_ink, image_ink

        if mark.kind == "image":
            if mark.detail["mask"]:
                value = colour_ink(mark.state.fill)
            else:
                value = image_ink(mark.detail["xobject"], mark.detail["colour"])
            self.painted.append(mark.box)
        elif mark.kind == "stroke":
            value = colour_ink(mark.state.stroke)
        else:
            value = colour_ink(mark.state.fill)
        if value > self.ink[0] + 0.5:
            self.ink = (value, mark.box)

    def add(self, severity: str, check: str, message: str, at: tuple[float, float] | None,
            once: Any = None) -> None:
        """A finding; with ``once``, only the first of its kind on this page."""
        if once is not None:
            if once in self._seen:
                return
            self._seen.add(once)
        self.findings.append(Finding(severity, check, message, self.page, at))

    # -- events ----------------------------------------------------------------
    def _image(self, mark: Mark) -> None:
        d = mark.detail
        (width, height), (placed_w, placed_h) = d["pixels"], d["placed"]
        if d["mask"] or max(width, height) <= SMALLEST_IMAGE or placed_w < 0.5 or placed_h < 0.5:
            return
        ppi = min(width / (placed_w / 72), height / (placed_h / 72))
        if ppi >= self.options.min_ppi:
            return
        severity = "error" if ppi < self.options.min_ppi / 2 else "warning"
        self.add(severity, "image-resolution",
                 f"image of {width} × {height} pixels placed at {placed_w / MM:.0f} × {placed_h / MM:.0f} mm "
                 f"is {ppi:.0f} ppi (print wants {self.options.min_ppi}; below {self.options.min_ppi // 2} "
                 "it looks blocky)", _top_left(mark.box))
        if d["soft_mask"]:
            self._transparent(mark, "an image with a soft mask (SMask)")

    def _stroke(self, mark: Mark) -> None:
        width = mark.detail["width"]
        if width >= HAIRLINE:
            return
        what = "a zero-width line (the thinnest the device can draw)" if mark.detail["set"] == 0 \
            else f"a line {width:.2f} pt wide"
        self.add("warning", "hairline", f"{what}: lines thinner than {HAIRLINE} pt may not print",
                 _top_left(mark.box), once=("hairline", round(width, 2)))

    def _text(self, mark: Mark) -> None:
        font = mark.detail["font"]
        if isinstance(font, DictionaryObject) and id(font) not in self.fonts:
            self.fonts[id(font)] = (font, mark.detail["name"], (mark.box[0], mark.box[3]))

    def _group(self, mark: Mark) -> None:
        self._transparent(mark, "a transparency group")

    def _transparent(self, mark: Mark, why: str) -> None:
        if self.options.pdfx == "1a":
            self.add("error", "transparency", f"transparency ({why}): PDF/X-1a allows none; flatten it",
                     _top_left(mark.box), once=("transparency", why))

    def _colour(self, mark: Mark) -> None:
        state = mark.state
        colours = [state.stroke] if mark.kind == "stroke" else [state.fill]
        if mark.kind == "image":
            colours = [mark.detail["colour"]]
        for colour in colours:
            problem = colour_problem(colour.kind, colour.ink, self.options)
            if problem:
                severity, message = problem
                self.add(severity, "colour", f"{message} ({colour.name}, {mark.kind})", _top_left(mark.box),
                         once=("colour", colour.kind, mark.kind))


def colour_problem(kind: str, ink: str, options: Options) -> tuple[str, str] | None:
    """(severity, message) for painting in ``kind`` on the press ``options`` describe."""
    wants = "cmyk" if options.pdfx == "1a" and options.colour is None else options.colour
    if kind in ("rgb", "lab"):
        if wants in ("cmyk", "grey"):
            return "error", f"RGB colour where the press prints {'CMYK' if wants == 'cmyk' else 'grey'}"
        if wants is None:
            return "warning", "RGB colour: a press printing CMYK converts it, and colours may shift"
    if wants == "grey" and kind in ("cmyk", "spot") and ink == "colour":
        return "error", "colour where the press prints grey only"
    return None


def _top_left(box: Rect) -> tuple[float, float]:
    return (box[0], box[3])


# ---------------------------------------------------------------------- document

def font_problem(font: DictionaryObject) -> str | None:
    """Why a font is not fully in the file, or None when it is embedded."""
    subtype = str(font.get("/Subtype", ""))
    if subtype == "/Type3":
        return None  # its glyphs are drawn by content streams in the file
    if subtype == "/Type0":
        descendants = _get(font, "/DescendantFonts")
        descendant = _get_item(descendants, 0)
        if not isinstance(descendant, DictionaryObject):
            return "has no descendant font"
        font = descendant
    descriptor = _get(font, "/FontDescriptor")
    if not isinstance(descriptor, DictionaryObject):
        return "is not embedded"
    if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
        return "is not embedded"
    return None


def font_name(font: DictionaryObject, resource: str) -> str:
    base = str(font.get("/BaseFont", resource)).lstrip("/")
    return base.split("+", 1)[1] if len(base) > 7 and base[6] == "+" else base


def _get(obj: Any, key: str) -> Any:
    value = obj.get(key) if isinstance(obj, DictionaryObject) else None
    return value.get_object() if isinstance(value, IndirectObject) else value


def _get_item(array: Any, index: int) -> Any:
    if isinstance(array, ArrayObject) and len(array) > index:
        value = array[index]
        return value.get_object() if isinstance(value, IndirectObject) else value
    return None


def box_findings(index: int, media: Rect, trim: Rect | None, bleed: Rect | None,
                 options: Options) -> list[Finding]:
    """Missing or inconsistent TrimBox and BleedBox of page ``index`` (1-based)."""
    out = []
    strict = options.pdfx is not None

    def add(severity: str, message: str) -> None:
        out.append(Finding(severity, "boxes", message, index))

    if trim is None:
        add("error" if strict else "warning",
            "no TrimBox: the press cannot tell where the page is trimmed" + (" (PDF/X needs one)" if strict else ""))
        return out
    if not _inside(trim, media):
        add("error", f"the TrimBox {_mm_rect(trim)} reaches outside the MediaBox {_mm_rect(media)}")
    if bleed is None:
        if _larger(media, trim):
            add("warning", "no BleedBox: the press does not know how much of the artwork outside the "
                           "trim is bleed")
        return out
    if not _inside(trim, bleed):
        add("error", f"the BleedBox {_mm_rect(bleed)} does not contain the TrimBox {_mm_rect(trim)}")
    if not _inside(bleed, media):
        add("error", f"the BleedBox {_mm_rect(bleed)} reaches outside the MediaBox {_mm_rect(media)}")
    return out


def _inside(inner: Rect, outer: Rect, slack: float = 0.01) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def _larger(outer: Rect, inner: Rect) -> bool:
    return outer[0] < inner[0] - 0.5 or outer[1] < inner[1] - 0.5 or outer[2] > inner[2] + 0.5 or outer[3] > inner[3] + 0.5


def _mm_rect(rect: Rect) -> str:
    return f"[{', '.join(f'{v / MM:.1f}' for v in rect)}] mm"


def text_near_trim(index: int, rects: list[Rect], trim: Rect, safe_mm: float = 3.0) -> list[Finding]:
    """Text inside the trim but closer than ``safe_mm`` to one of its edges: one finding
    per edge."""
    safety = safe_mm * MM
    nearest: dict[str, tuple[float, Rect]] = {}
    count: dict[str, int] = {}
    for rect in rects:
        if rect[2] <= trim[0] or rect[0] >= trim[2] or rect[3] <= trim[1] or rect[1] >= trim[3]:
            continue  # outside the trimmed page (slug, marks)
        for edge, gap in (("left", rect[0] - trim[0]), ("right", trim[2] - rect[2]),
                          ("bottom", rect[1] - trim[1]), ("top", trim[3] - rect[3])):
            if gap < safety:
                count[edge] = count.get(edge, 0) + 1
                if edge not in nearest or gap < nearest[edge][0]:
                    nearest[edge] = (gap, rect)
    out = []
    for edge, (gap, rect) in sorted(nearest.items()):
        where = "crosses the trim and will be cut" if gap < 0 else f"is {gap / MM:.1f} mm from the trim"
        more = f" ({count[edge]} runs of text)" if count[edge] > 1 else ""
        out.append(Finding("warning", "text-near-trim",
                           f"text {where} on the {edge} edge{more}; keep text at least {safe_mm:g} mm "
                           "inside the trim",
                           index, (rect[0], rect[3])))
    return out
