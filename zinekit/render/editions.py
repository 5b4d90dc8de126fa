"""The print editions: the booklet (imposed for copy shops and home duplex printers) and
the press PDF (single pages with bleed, PDF/X, for commercial printers).

Paper has no links: both are rendered as the *print edition* of the issue, where a
cross-reference keeps its printed locator and an external link's address is printed
beside it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from zinekit.errors import Diagnostics, ImposeError
from zinekit.impose import ImposeOptions, ImposeReport, impose_pdf
from zinekit.model import Issue

PRESS_BLEED = "3mm"
PRESS_VARIANT = "pdf/x-4"


@dataclass
class Booklet:
    filename: str
    data: bytes
    report: ImposeReport


FOLDED_LAYOUTS = ("saddle", "perfect", "topbound", "4up")


def booklet_options(issue: Issue, caliper_mm: float | None = None) -> ImposeOptions:
    """Imposition settings from ``[build]``: layout, sheet, signature, bleed, cover;
    the paper's thickness (``caliper``) is the creep of a folded layout."""
    build = issue.build
    bleed = build.get("bleed")
    layout = build.get("booklet_layout", "saddle")
    try:
        return ImposeOptions.parse(
            layout=layout,
            signature=build.get("booklet_signature"),
            sheet=build.get("booklet_sheet"),
            creep=f"{caliper_mm:g}mm" if caliper_mm and layout in FOLDED_LAYOUTS else None,
            bleed=bleed,
            marks=bool(bleed),
            cover=build.get("booklet_cover", "included"),
            path=build.path,
        )
    except ImposeError as exc:
        line = (build.line_of("booklet_layout") or build.line_of("booklet_sheet")
                or build.line_of("booklet_cover") or 1)
        raise ImposeError(exc.diagnostic.message, build.path, line, 1) from None


def impose_booklet(issue: Issue, print_pdf: bytes, out: Path, diagnostics: Diagnostics,
                   caliper_mm: float | None = None) -> Booklet | None:
    """Impose the print edition; the file is named after the sheet it is laid out on."""
    options = booklet_options(issue, caliper_mm)
    with tempfile.TemporaryDirectory(prefix="zinekit-booklet-") as folder:
        target = Path(folder) / "booklet.pdf"
        try:
            report = impose_pdf(print_pdf, target, options, label=f"{issue.slug}.pdf")
        except ImposeError as exc:
            diagnostics.error(f"booklet: {exc.diagnostic.message}", str(issue.source_file), 0, 0)
            return None
        data = target.read_bytes()
    sheet = report.sheet_name.lower().replace("×", "x")
    filename = f"{issue.slug}-booklet-{sheet}.pdf"
    report.output = out / filename
    return Booklet(filename, data, report)
