"""The print editions: the booklet (imposed for copy shops and home duplex printers) and
the press PDF (single pages with bleed, PDF/X, for commercial printers).

Paper has no links: both are rendered as the *print edition* of the issue, where a
cross-reference keeps its printed locator and an external link's address is printed
beside it.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from zinekit.errors import Diagnostics, ImposeError
from zinekit.impose import ImposeOptions, ImposeReport, impose_pdf
from zinekit.impose.binding import binding_for_language
from zinekit.impose.registry import FOLDED
from zinekit.model import Issue, Prepared
from zinekit.render.document import render_issue_html

PRESS_BLEED = "3mm"
PRESS_VARIANT = "pdf/x-4"
#: The press edition is PDF/X-4: its output intent tells the press how to print its RGB,
#: so colour is not checked; everything else a press rejects is.
PRESS_PREFLIGHT = {"colour": "any", "pdfx": "4"}


#: Link markup: the only thing the print edition may drop without printing differently
#: (a reference to another issue is a link on screen and plain text on paper).
LINK_MARKUP = re.compile(r"</?(?:a|span)\b[^>]*>")


def print_edition_differs(prepared: Prepared) -> bool:
    """Whether the print edition must be laid out on its own: what it prints differs
    from the reading edition once links are set aside — the address it prints after an
    external link, the back cover paper always has, bleed.  Otherwise the booklet is
    the reading PDF's very pages (imposition drops their links, as paper does)."""
    reading = render_issue_html(prepared, mode="print")
    paper = render_issue_html(prepared, mode="print", print_edition=True,
                              bleed=prepared.issue.build.get("bleed"))
    return LINK_MARKUP.sub("", reading) != LINK_MARKUP.sub("", paper)


@dataclass
class Booklet:
    filename: str
    data: bytes
    report: ImposeReport


def booklet_options(issue: Issue, caliper_mm: float | None = None,
                    layout: str | None = None) -> ImposeOptions:
    """Imposition settings from ``[build]``: layout, sheet, signature, bleed, cover; the
    paper's thickness (``caliper``) is the creep of a folded layout; the binding from the
    front matter's ``binding``, else from the issue's language (right to left for Arabic,
    Hebrew, Persian …).  ``layout``: the issue's settings' (a theme's default, such as
    minizine's one-page zine), else ``[build]``'s."""
    build = issue.build
    bleed = build.get("bleed")
    layout = layout or build.get("booklet_layout", "saddle")
    binding = issue.meta.get("binding") or binding_for_language(issue.language)
    try:
        return ImposeOptions.parse(
            layout=layout,
            signature=build.get("booklet_signature"),
            sheet=build.get("booklet_sheet"),
            creep=f"{caliper_mm:g}mm" if caliper_mm and layout in FOLDED else None,
            bleed=bleed,
            marks=bool(bleed),
            binding=binding,
            cover=build.get("booklet_cover", "included"),
            path=build.path,
        )
    except ImposeError as exc:
        line = (build.line_of("booklet_layout") or build.line_of("booklet_sheet")
                or build.line_of("booklet_cover") or 1)
        raise ImposeError(exc.diagnostic.message, build.path, line, 1) from None


def impose_booklet(issue: Issue, print_pdf: bytes, out: Path, diagnostics: Diagnostics,
                   caliper_mm: float | None = None, layout: str | None = None) -> Booklet | None:
    """Impose the print edition; the file is named after the sheet it is laid out on."""
    options = booklet_options(issue, caliper_mm, layout)
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


def preflight_press(issue: Issue, press_pdf: bytes, diagnostics: Diagnostics) -> None:
    """Check the press PDF as a press would; each finding becomes a build warning."""
    from zinekit.preflight import PreflightOptions, preflight_pdf

    report = preflight_pdf(press_pdf, PreflightOptions(**PRESS_PREFLIGHT), label=f"{issue.slug}-press.pdf")
    for finding in report.findings:
        located = report.located(finding)
        where = f"press PDF, {located}" if located else "press PDF"
        diagnostics.warning(f"{where}: {finding.message} (zinekit preflight)", str(issue.source_file), 0, 0)
