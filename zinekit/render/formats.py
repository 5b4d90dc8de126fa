"""The output formats of ``zinekit build``: one registry.

Each format is a name, what it is, the files it writes, whether it needs the issue laid
out, and a function that makes its files from the prepared issue and the reading PDF's
layout (``None`` for a format that needs none, when nothing else asked for one).  The command line's ``--format``
choices, the check of ``[build] formats``, the order files are written in and the
table in docs/configuration.md all come from :data:`FORMATS`; a new format is one
entry here and the function that makes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # naming the formats (the command line's help) loads no stage
    from zinekit.model import LaidOut, Prepared

# The makers import what they use when called: naming the formats (the command line's
# help, the docs) does not load WeasyPrint.

#: Makes a format's files: (prepared issue, reading PDF, the issue's output folder)
#: → {path: bytes}.  Reports (how to print a booklet) go to ``prepared.notes``.
Maker = Callable[["Prepared", "LaidOut | None", Path], "dict[Path, bytes]"]


@dataclass(frozen=True)
class OutputFormat:
    name: str
    help: str
    files: str  # what it writes in dist/<slug>/, for the docs
    default: bool  # built when no format is asked for
    make: Maker
    laid_out: bool = True  # needs the reading PDF laid out (its pages, not a record of them)


def _reading_pdf(prepared: Prepared, reading: LaidOut | None, out: Path) -> dict[Path, bytes]:
    assert reading is not None and reading.data
    return {out / f"{prepared.issue.slug}.pdf": reading.data}


def _booklet(prepared: Prepared, reading: LaidOut | None, out: Path) -> dict[Path, bytes]:
    """The print edition (no live links, addresses printed), imposed: the reading PDF's
    own pages when the print edition prints the same (with a blank page added for an
    empty back cover), else a layout of its own."""
    from zinekit.render.editions import impose_booklet, print_edition_source
    from zinekit.render.note_overflow import notes_at_end
    from zinekit.render.paper import caliper_of

    paper, source = reading, "own"
    if paper is not None and paper.data:
        source = print_edition_source(prepared)
    if source == "own":
        from zinekit.render.pdf import render_pdf

        from zinekit.model import Edition

        paper = render_pdf(prepared, edition=Edition(
            print_edition=True, bleed=prepared.issue.build.typed.bleed,
            end_notes=notes_at_end(reading)))
    assert paper is not None
    booklet = impose_booklet(prepared.issue, paper.data, out, prepared.diagnostics,
                             caliper_of(prepared.settings, prepared.diagnostics),
                             blank_back=source == "reading+back")
    if booklet is None:
        return {}
    prepared.notes.append(str(booklet.report))
    return {out / booklet.filename: booklet.data}


def _press(prepared: Prepared, reading: LaidOut | None, out: Path) -> dict[Path, bytes]:
    """The print edition as single pages with bleed, PDF/X, one-ink black in CMYK
    (zinekit/render/press.py), made for the ``vendor``."""
    from zinekit.render.editions import preflight_press
    from zinekit.render.press import press_pdf, press_report

    data, pages, converted = press_pdf(prepared, reading)
    preflight_press(prepared, data)
    path = out / f"{prepared.issue.slug}-press.pdf"
    report = press_report(prepared, converted)
    if report:
        prepared.notes.append(report)
    if reading is not None and pages != reading.pages:
        prepared.notes.append(press_note(path, pages, reading.pages))
    return {path: data}


def press_note(path: Path, pages: int, reading_pages: int) -> str:
    """Why the press PDF's page count is not the reading PDF's: paper always ends on a
    back cover, and prints the addresses of links."""
    from zinekit.errors import display_path

    return (f"Wrote {display_path(path)}: {pages} pages where the reading PDF has "
            f"{reading_pages}: the print edition always ends on a back cover (the blurb and "
            "colophon, which the reading PDF has only when it has something to say) and "
            "prints the address of each link (docs/covers.md)")


def _cover(prepared: Prepared, reading: LaidOut | None, out: Path) -> dict[Path, bytes]:
    from zinekit.render.cover import make_cover

    return make_cover(prepared, reading, out)


def _riso(prepared: Prepared, reading: LaidOut | None, out: Path) -> dict[Path, bytes]:
    from zinekit.render.riso import make_riso

    return make_riso(prepared, reading, out)


def _epub(prepared: Prepared, reading: LaidOut | None, out: Path) -> dict[Path, bytes]:
    from zinekit.render.epub import build_epub

    pages = reading.anchor_pages if reading is not None else None
    starts = reading.page_starts if reading is not None else None
    return {out / f"{prepared.issue.slug}.epub": build_epub(prepared, pages, starts)}


def _web(prepared: Prepared, reading: LaidOut | None, out: Path) -> dict[Path, bytes]:
    from zinekit.render.web import web_edition

    return {out / name: data for name, data in web_edition(prepared).items()}


FORMATS: dict[str, OutputFormat] = {f.name: f for f in (
    OutputFormat("pdf", "the reading PDF: contents, running heads, footnotes, bookmarks, links",
                 "<slug>.pdf", True, _reading_pdf),
    OutputFormat("booklet", "the print edition imposed for folding and stapling",
                 "<slug>-booklet-<sheet>.pdf", True, _booklet),
    OutputFormat("press", "single pages with 3 mm bleed, TrimBox and BleedBox, PDF/X-4",
                 "<slug>-press.pdf", False, _press),
    OutputFormat("cover", "the full-wrap cover of a perfect-bound copy: back, spine, front, "
                 "3 mm bleed", "<slug>-cover.pdf", False, _cover),
    OutputFormat("riso", "risograph masters: one greyscale PDF per ink with registration marks, "
                 "and a preview in the inks' colours", "<slug>-riso-<ink>.pdf, <slug>-riso-preview.pdf",
                 False, _riso),
    OutputFormat("epub", "EPUB 3 with pop-up footnotes", "<slug>.epub", True, _epub,
                 laid_out=False),
    OutputFormat("html", "the web edition", "index.html, assets/", False, _web, laid_out=False),
)}

DEFAULT_FORMATS = tuple(name for name, f in FORMATS.items() if f.default)


def needs_layout(formats: tuple[str, ...]) -> bool:
    """Whether any of ``formats`` needs the issue laid out now (an EPUB or a web
    edition alone takes the printed page numbers from the last layout's record)."""
    return any(FORMATS[name].laid_out for name in formats)


def needs_reading_bytes(formats: tuple[str, ...]) -> bool:
    """Whether the reading PDF's bytes are wanted: for itself, or as the booklet's
    pages when the print edition prints the same (writing the bytes costs about a sixth
    of the layout)."""
    return "pdf" in formats or "booklet" in formats


def unknown_formats(names: tuple[str, ...] | list[str]) -> list[str]:
    return [name for name in names if name not in FORMATS]


def in_order(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``names`` in the registry's order: the order formats are made and written."""
    return tuple(name for name in FORMATS if name in names)
