"""What each print-on-demand vendor (and a copy shop) takes: one row a vendor.

``zinekit build --vendor NAME`` makes the press PDF and the cover the vendor's way (its
PDF/X flavour, bleed, crop marks, spine formula, ink limit); ``zinekit preflight
--vendor NAME`` checks a file against the same row and words each finding as the
vendor's rejection.  The figures and where they come from are in docs/covers.md
("Vendors").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

IN = 25.4  # mm


@dataclass(frozen=True)
class Vendor:
    name: str
    title: str  # as the vendor spells itself
    pdfx: str | None  # "4", "1a", or None (no PDF/X wanted)
    colour: str | None  # preflight's --colour: "cmyk" where RGB is refused
    ink_limit: int  # % total area coverage, interior
    cover_ink_limit: int  # % on the cover
    bleed_mm: float
    safe_mm: float  # text kept this far inside the trim
    crop_marks: bool  # marks outside the bleed are welcome
    min_ppi: int
    max_file_mb: int | None
    barcode_mm: tuple[float, float] | None  # width × height kept clear, bottom right of the back
    spine_in_per_page: dict[str, float] | None = None  # paper → inches a page (KDP)
    spine_pages_per_in: float | None = None  # pages an inch, plus a constant (Lulu)
    spine_constant_in: float = 0.0
    sheets: bool = False  # the booklet on home sheets, not single pages with bleed

    def rejects(self) -> str:
        """How a finding begins when the vendor refuses the file for it ("" for a
        press in general)."""
        return "" if self.name == "generic" else f"{self.title} rejects the file:"

    def spine_mm(self, pages: int, paper: str | None) -> float | None:
        """The spine the vendor's own calculator gives for ``pages`` (all pages of the
        interior), or None when the vendor leaves it to the paper's caliper."""
        if self.spine_in_per_page:
            per_page = self.spine_in_per_page.get(paper or "white", self.spine_in_per_page["white"])
            return pages * per_page * IN
        if self.spine_pages_per_in:
            return (pages / self.spine_pages_per_in + self.spine_constant_in) * IN
        return None


VENDORS: dict[str, Vendor] = {v.name: v for v in (
    Vendor("generic", "a press", "4", None, 300, 300, 3.0, 3.0, True, 300, None, None),
    Vendor("ingramspark", "IngramSpark", "1a", "cmyk", 240, 300, 0.125 * IN, 0.25 * IN, True, 300,
           None, (2.0 * IN, 1.2 * IN)),
    Vendor("lulu", "Lulu", "4", None, 300, 300, 0.125 * IN, 0.5 * IN, True, 300, None, None,
           spine_pages_per_in=444, spine_constant_in=0.06),
    Vendor("kdp", "Amazon KDP", "4", None, 300, 300, 0.125 * IN, 0.25 * IN, False, 300, 650,
           (2.0 * IN, 1.2 * IN), spine_in_per_page={"white": 0.002252, "cream": 0.0025}),
    Vendor("copyshop", "The copy shop", None, None, 300, 300, 0.0, 3.0, False, 200, None, None,
           sheets=True),
)}

VENDOR_NAMES = tuple(VENDORS)


def vendor_named(name: str | None) -> Vendor:
    """The vendor called ``name`` (``generic`` for none); KeyError for an unknown one."""
    return VENDORS[name or "generic"]


# --- the vendor's own rules, as findings -------------------------------------------------

MM = 72 / 25.4


def options_for(name: str | None, **given):
    """Preflight options for vendor ``name``: its PDF/X, colour, resolution, ink limits
    and safe area; anything in ``given`` that is not None wins."""
    from zinekit.preflight.checks import Options

    if name is None:
        return Options(**{k: v for k, v in given.items() if v is not None})
    vendor = vendor_named(name)
    chosen: dict[str, Any] = {"pdfx": vendor.pdfx, "colour": vendor.colour, "min_ppi": vendor.min_ppi,
                              "ink_limit": vendor.ink_limit, "cover_ink_limit": vendor.cover_ink_limit,
                              "vendor": vendor.name, "safe_mm": vendor.safe_mm}
    chosen.update({k: v for k, v in given.items() if v is not None})
    if given.get("ink_limit") is not None and given.get("cover_ink_limit") is None:
        chosen["cover_ink_limit"] = given["ink_limit"]
    return Options(**chosen)


def is_wrap(trim) -> bool:
    """A page shaped as a cover wrap: back, spine and front side by side, wider than
    high by more than a landscape page of the A series (a landscape US letter page is
    1.29).  With at most two such pages, a file is taken for a cover (preflight_pdf)."""
    return trim is not None and (trim[2] - trim[0]) > 1.3 * (trim[3] - trim[1])


def barcode_area(trim, vendor: Vendor, rtl: bool = False):
    """Where the vendor prints its barcode on a wrap: the bottom corner of the back
    cover nearest the spine, 0.25 in from the spine's fold and the foot (the spine
    taken as the middle of the wrap)."""
    width, height = vendor.barcode_mm or (0.0, 0.0)
    middle, margin = (trim[0] + trim[2]) / 2, 0.25 * IN * MM
    if rtl:
        left = middle + margin
    else:
        left = middle - margin - width * MM
    return (left, trim[1] + margin, left + width * MM, trim[1] + margin + height * MM)


def page_rules(vendor: Vendor, index: int, media, trim, bleed, painted, wrap: bool = False) -> list:
    """The vendor's page rules: bleed as wide as it wants, no marks where it wants
    none, the barcode area of a cover left clear."""
    from zinekit.preflight.checks import Finding

    out: list = []
    if trim is None:
        return out
    if vendor.bleed_mm > 0:
        box = bleed or media
        least = min(trim[0] - box[0], trim[1] - box[1], box[2] - trim[2], box[3] - trim[3]) / MM
        if least < vendor.bleed_mm - 0.05:
            out.append(Finding("error", "bleed", f"bleed of {max(least, 0.0):.1f} mm where {vendor.title} wants "
                               f"{vendor.bleed_mm:.2f} mm on every side", index))
    if not vendor.crop_marks:
        outer = bleed or trim
        beyond = max(outer[0] - media[0], outer[1] - media[1], media[2] - outer[2], media[3] - outer[3]) / MM
        if beyond > 0.5:
            out.append(Finding("error", "marks", f"the page reaches {beyond:.1f} mm beyond the bleed "
                               f"(crop marks or a slug): {vendor.title} wants the page at trim size "
                               "plus bleed, without marks", index))
    if vendor.barcode_mm and wrap and index == 1:
        area = barcode_area(trim, vendor)
        hit = next((r for r in painted if _overlaps(r, area)), None)
        if hit is not None:
            out.append(Finding("error", "barcode", f"the barcode area ({vendor.barcode_mm[0]:.0f} × "
                               f"{vendor.barcode_mm[1]:.0f} mm, bottom right of the back cover) is "
                               "not clear: the vendor prints the ISBN barcode there", index,
                               (hit[0], hit[3])))
    return out


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def document_rules(vendor: Vendor, info: dict, metadata: bytes, size: int | None) -> list:
    """The vendor's document rules: its PDF/X version, its largest file."""
    from zinekit.preflight.checks import Finding

    out: list = []
    version = str(info.get("/GTS_PDFXVersion", ""))
    if not version and b"PDF/X-4" in metadata:
        version = "PDF/X-4"
    if vendor.pdfx == "1a" and not version.startswith("PDF/X-1a"):
        out.append(Finding("error", "pdfx", f"the file is {version or 'not PDF/X'}: {vendor.title} "
                           "takes PDF/X-1a:2001"))
    elif vendor.pdfx == "4" and not version:
        out.append(Finding("error", "pdfx", f"the file is not PDF/X: {vendor.title} takes PDF/X-4 "
                           "(or PDF/X-1a)"))
    if vendor.max_file_mb and size is not None and size > vendor.max_file_mb * 1_000_000:
        out.append(Finding("error", "file-size", f"the file is {size / 1_000_000:.0f} MB: "
                           f"{vendor.title} takes at most {vendor.max_file_mb} MB"))
    return out
