"""The print editions: the booklet (imposed for copy shops and home duplex printers) and
the press PDF (single pages with bleed, PDF/X, for commercial printers).

Paper has no links: both are rendered as the *print edition* of the issue, where a
cross-reference keeps its printed locator and an external link's address is printed
beside it.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from zinekit.errors import Diagnostics, ImposeError
from zinekit.impose.options import ImposeOptions
from zinekit.impose.binding import binding_for_language
from zinekit.impose.registry import FOLDED
from zinekit.config import Length
from zinekit.model import Edition, Issue, Prepared
from zinekit.render.document import render_issue_html

if TYPE_CHECKING:  # the imposition's PDF work (pypdf) is loaded when a booklet is made
    from zinekit.impose import ImposeReport

PRESS_BLEED = Length.parse("3mm")
PRESS_VARIANT = "pdf/x-4"


#: Link markup: the only thing the print edition may drop without printing differently
#: (a reference to another issue is a link on screen and plain text on paper).
LINK_MARKUP = re.compile(r"</?(?:a|span)\b[^>]*>")


def print_edition_source(prepared: Prepared) -> str:
    """How the booklet gets the print edition's pages: ``"reading"`` (the reading PDF's
    pages print the same), ``"reading+back"`` (they do, followed by a back cover that
    prints nothing: the imposition adds a blank page for it) or ``"own"`` (a layout of
    its own: an address printed after a link, a blurb only paper has, bleed, a theme
    that draws on an empty back cover)."""
    from zinekit.render.back_cover import empty_back_cover_is_blank, without_empty_back_cover

    reading = LINK_MARKUP.sub("", render_issue_html(prepared, mode="print"))
    paper = LINK_MARKUP.sub("", render_issue_html(prepared, mode="print", edition=Edition(
        print_edition=True, bleed=prepared.issue.build.typed.bleed)))
    if reading == paper:
        return "reading"
    if without_empty_back_cover(paper) == reading and \
            empty_back_cover_is_blank(prepared.theme.stylesheets("print")):
        return "reading+back"
    return "own"


@dataclass
class Booklet:
    filename: str
    data: bytes
    report: ImposeReport


def booklet_options(issue: Issue, caliper_mm: float | None = None) -> ImposeOptions:
    """Imposition settings from ``[build]``: layout, sheet, signature, bleed, cover; the
    paper's thickness (``caliper``) is the creep of a folded layout; the binding from the
    front matter's ``binding``, else from the issue's language (right to left for Arabic,
    Hebrew, Persian …)."""
    build = issue.build.typed
    bleed, layout = build.bleed, build.booklet_layout
    binding = issue.meta.typed.binding or binding_for_language(issue.language)
    try:
        return ImposeOptions.parse(
            layout=layout,
            signature=build.booklet_signature,
            sheet=build.booklet_sheet,
            creep=f"{caliper_mm:g}mm" if caliper_mm and layout in FOLDED else None,
            bleed=bleed.points if bleed is not None else None,
            marks=bleed is not None,
            binding=binding,
            cover=build.booklet_cover,
            path=issue.build.path,
        )
    except ImposeError as exc:
        lines = issue.build.line_of
        line = lines("booklet_layout") or lines("booklet_sheet") or lines("booklet_cover") or 1
        raise ImposeError(exc.diagnostic.message, issue.build.path, line, 1) from None


def impose_booklet(issue: Issue, print_pdf: bytes, out: Path, diagnostics: Diagnostics,
                   caliper_mm: float | None = None, blank_back: bool = False) -> Booklet | None:
    """Impose the print edition; the file is named after the sheet it is laid out on.
    ``blank_back``: the print edition is ``print_pdf`` and a blank back cover after it."""
    from zinekit.impose import impose_pdf

    options = booklet_options(issue, caliper_mm)
    if blank_back:
        options = replace(options, blank_back=True)
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


def preflight_press(prepared: Prepared, press_pdf: bytes, what: str = "press PDF",
                    suffix: str = "press") -> None:
    """Check the press PDF (or the cover wrap: ``what``, ``suffix``) as its vendor would
    (zinekit/preflight/vendors.py); each finding becomes a build warning."""
    from zinekit.preflight import preflight_pdf
    from zinekit.preflight.vendors import options_for

    issue, diagnostics = prepared.issue, prepared.diagnostics
    options = options_for(prepared.settings.typed.vendor or "generic")
    report = preflight_pdf(press_pdf, options, label=f"{issue.slug}-{suffix}.pdf")
    for finding in report.findings:
        located = report.located(finding)
        where = f"{what}, {located}" if located else what
        diagnostics.warning(f"{where}: {finding.message} (zinekit preflight)", str(issue.source_file), 0, 0)
