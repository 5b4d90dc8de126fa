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
from zinekit.impose.binding import binding_for_language
from zinekit.markup.renderer import PRINTED_ADDRESSES
from zinekit.model import Issue, Prepared

PRESS_BLEED = "3mm"
PRESS_VARIANT = "pdf/x-4"
#: The press edition is PDF/X-4: its output intent tells the press how to print its RGB,
#: so colour is not checked; everything else a press rejects is.
PRESS_PREFLIGHT = {"colour": "any", "pdfx": "4"}


def print_edition_differs(prepared: Prepared) -> bool:
    """Whether the print edition must be laid out on its own: it prints the address of
    an external link after its text, or it has bleed.  Otherwise it is the reading
    PDF's very pages (its links are lost in imposition, as paper loses them)."""
    if prepared.issue.build.get("bleed"):
        return True
    return any(link.startswith(PRINTED_ADDRESSES)
               for article in prepared.issue.articles for link in article.text.links)


@dataclass
class Booklet:
    filename: str
    data: bytes
    report: ImposeReport


def booklet_options(issue: Issue) -> ImposeOptions:
    """Imposition settings from ``[build]``: layout, sheet, signature, bleed; the binding
    from the front matter's ``binding``, else from the issue's language (right to left
    for Arabic, Hebrew, Persian …)."""
    build = issue.build
    bleed = build.get("bleed")
    binding = issue.meta.get("binding") or binding_for_language(issue.language)
    try:
        return ImposeOptions.parse(
            layout=build.get("booklet_layout", "saddle"),
            signature=build.get("booklet_signature"),
            sheet=build.get("booklet_sheet"),
            bleed=bleed,
            marks=bool(bleed),
            binding=binding,
            path=build.path,
        )
    except ImposeError as exc:
        line = build.line_of("booklet_layout") or build.line_of("booklet_sheet") or 1
        raise ImposeError(exc.diagnostic.message, build.path, line, 1) from None


def impose_booklet(issue: Issue, print_pdf: bytes, out: Path,
                   diagnostics: Diagnostics) -> Booklet | None:
    """Impose the print edition; the file is named after the sheet it is laid out on."""
    options = booklet_options(issue)
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
