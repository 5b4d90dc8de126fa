"""Imposition: lay the pages of any PDF out on sheets for printing, folding and binding.

    open the source → plan the page order (layouts.py) → choose the sheet (geometry.py)
    → place every page once as a Form XObject (sheets.py) → marks (marks.py) → write

:func:`impose_file` is what ``zinekit impose`` calls, with the options as strings;
:func:`impose_pdf` takes checked :class:`ImposeOptions` and a path, bytes, a binary
file or an open ``PdfReader``, for the build pipeline.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from pathlib import Path

from pypdf import PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from zinekit import __version__
from zinekit.impose import marks as mark_drawing
from zinekit.impose.geometry import (
    MARK_ROOM,
    SheetGeometry,
    cell_size,
    choose_sheet,
    creep_shift,
    default_sheet,
    mixed_sizes,
    repeat_grid,
)
from zinekit.impose.layouts import Grid, LayoutError, Plan, apply_flip, backs_need_turning, plan_layout
from zinekit.impose.options import ImposeOptions, Sheet
from zinekit.impose.report import ImposeReport, describe_blanks
from zinekit.impose.sheets import FormCache, add_sheets, side_labels
from zinekit.impose.source import READ_ERRORS, SourceLike, SourcePdf, open_source, page_labels, quiet_pypdf
from zinekit.output import atomic_path

__all__ = ["ImposeOptions", "ImposeReport", "impose_file", "impose_pdf"]

_KEPT_INFO = ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/CreationDate", "/ModDate")


def impose_file(source: Path, output: Path, *, layout: str = "saddle", signature: str | None = None,
                sheet: str | None = None, creep: str | None = None, bleed: str | None = None,
                marks: bool = False, flip: str = "short", cover: str = "included",
                blanks: str = "before-back") -> ImposeReport:
    """Impose the PDF at ``source`` into ``output``; options as the command line gives them."""
    options = ImposeOptions.parse(layout=layout, signature=signature, sheet=sheet, creep=creep,
                                  bleed=bleed, marks=marks, flip=flip, cover=cover, blanks=blanks,
                                  path=str(source))
    return impose_pdf(Path(source), Path(output), options)


def impose_pdf(source: SourceLike, output: Path, options: ImposeOptions | None = None,
               *, label: str | None = None) -> ImposeReport:
    """Impose ``source`` into ``output`` (written atomically: whole or not at all)."""
    options = options or ImposeOptions()
    output = Path(output)
    pdf = open_source(source, label)
    _refuse_overwriting_source(source, output, pdf)
    plan, geo = prepare(pdf, options)
    with quiet_pypdf():
        try:
            writer, labels = render(pdf, plan, geo, options)
            with atomic_path(output) as tmp, open(tmp, "wb") as handle:
                writer.write(handle)
        except (PyPdfError, zlib.error) as exc:
            raise pdf.fail(f"the PDF is damaged and cannot be imposed ({exc})") from None
    return build_report(pdf, plan, geo, options, output, labels, writer)


def _refuse_overwriting_source(source: SourceLike, output: Path, pdf: SourcePdf) -> None:
    if isinstance(source, (str, Path)) and output.exists():
        try:
            same = os.path.samefile(source, output)
        except OSError:
            same = False
        if same:
            raise pdf.fail("the output would overwrite the source PDF; choose another -o")


# ----------------------------------------------------------------------------- stages

def prepare(pdf: SourcePdf, options: ImposeOptions) -> tuple[Plan, SheetGeometry]:
    """Plan the page order and fit the layout's grid on the sheet."""
    cell = cell_size(pdf.boxes)
    try:
        if options.layout == "repeat":
            grid = _repeat_grid(cell, options)
            plan = plan_layout("repeat", len(pdf), repeat_grid=(grid.cols, grid.rows))
        else:
            plan = plan_layout(options.layout, len(pdf), sizes=options.signatures,
                               blanks=options.blanks, cover=options.cover)
    except LayoutError as exc:
        raise pdf.fail(str(exc)) from None
    geo = choose_sheet(plan.grid, cell, options.bleed, options.marks, options.sheet)
    landscape = geo.sheet.width >= geo.sheet.height
    return apply_flip(plan, plan.duplex and backs_need_turning(options.flip, landscape)), geo


def _repeat_grid(cell: tuple[float, float], options: ImposeOptions) -> Grid:
    """As many copies as fit on the sheet (the default sheet holds at least two)."""
    bleed, room = options.bleed, 2 * MARK_ROOM if options.marks else 0.0
    sheet = options.sheet or default_sheet((2 * cell[0] + 2 * bleed, cell[1]), bleed + room / 2, cell)
    best = (0, 1, 1)
    for candidate in (sheet, Sheet(sheet.name, sheet.height, sheet.width)):
        usable = Sheet(sheet.name, max(candidate.width - room, cell[0]), max(candidate.height - room, cell[1]))
        cols, rows = repeat_grid(usable, cell, bleed)
        best = max(best, (cols * rows, cols, rows))
    return Grid(best[1], best[2])


def render(pdf: SourcePdf, plan: Plan, geo: SheetGeometry, options: ImposeOptions):
    """The output document: sheets, page labels, metadata, printing preferences."""
    writer = PdfWriter()
    forms = FormCache(pdf, writer)
    add_sheets(writer, plan, geo, options, forms)
    labels = page_labels(pdf.reader)
    _set_page_labels(writer, side_labels(plan, labels))
    _set_metadata(writer, pdf, plan, options)
    writer._zinekit_flattened = forms.flattened  # type: ignore[attr-defined]
    return writer, labels


def _set_page_labels(writer: PdfWriter, names: list[str]) -> None:
    nums = ArrayObject()
    for index, name in enumerate(names):
        nums += [NumberObject(index), DictionaryObject({NameObject("/P"): TextStringObject(name)})]
    writer._root_object[NameObject("/PageLabels")] = DictionaryObject({NameObject("/Nums"): nums})


def _set_metadata(writer: PdfWriter, pdf: SourcePdf, plan: Plan, options: ImposeOptions) -> None:
    """Keep the document information and language; ask viewers for duplex at actual size."""
    info: dict[str, str] = {}
    try:
        source_info = pdf.reader.metadata
        if source_info is not None:
            info = {key: str(source_info[key]) for key in _KEPT_INFO if key in source_info}
        root = pdf.reader.root_object
        if "/Lang" in root:
            writer._root_object[NameObject("/Lang")] = TextStringObject(str(root["/Lang"]))
        for key in ("/OutputIntents", "/OCProperties"):  # colour profile; layers used by pages
            if key in root:
                writer._root_object[NameObject(key)] = root.raw_get(key).clone(writer)
    except READ_ERRORS:
        pass  # damaged metadata is not worth refusing the imposition for
    info["/Producer"] = f"zinekit {__version__} impose"
    writer.add_metadata(info)
    duplex = "/Simplex" if not plan.duplex else (
        "/DuplexFlipShortEdge" if options.flip == "short" else "/DuplexFlipLongEdge")
    writer._root_object[NameObject("/ViewerPreferences")] = DictionaryObject({
        NameObject("/Duplex"): NameObject(duplex), NameObject("/PrintScaling"): NameObject("/None"),
    })
    digest = hashlib.md5(repr((_source_id(pdf), options, len(pdf))).encode()).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])


def _source_id(pdf: SourcePdf) -> str:
    """The source's own file identifier, when it has one, for a reproducible output /ID."""
    try:
        return repr(pdf.reader.trailer.get("/ID"))
    except READ_ERRORS:
        return ""


# ----------------------------------------------------------------------------- report

def build_report(pdf: SourcePdf, plan: Plan, geo: SheetGeometry, options: ImposeOptions,
                 output: Path, labels: list[str], writer: PdfWriter) -> ImposeReport:
    covers = options.layout in ("saddle", "perfect", "topbound", "4up", "onepagezine")
    report = ImposeReport(
        output=output, layout=plan.layout, pages=len(pdf), sheets=len(plan.sheets),
        sides=sum(len(sheet.sides()) for sheet in plan.sheets), sheet_name=geo.sheet.name,
        sheet_size=(geo.sheet.width, geo.sheet.height), page_size=geo.cell,
        blanks=plan.blanks, blank_where=describe_blanks(plan.sequence, labels, covers and len(pdf) > 1),
        scale=geo.scale, mixed_sizes=mixed_sizes(pdf.boxes), signature_size=plan.signature_size,
        signatures=len({s.signature for s in plan.sheets if not s.cover}) if plan.signature_size else 0,
        copies=plan.grid.cols * plan.grid.rows if plan.layout == "repeat" else 1,
        duplex=plan.duplex, flip=options.flip, cover_separate=options.cover == "separate",
        creep=options.creep,
        max_shift=max((creep_shift(slot.depth, options.creep) for sheet in plan.sheets
                       for slot in sheet.front), default=0.0),
    )
    report.notes = _notes(pdf, geo, options, writer)
    return report


def _notes(pdf: SourcePdf, geo: SheetGeometry, options: ImposeOptions, writer: PdfWriter) -> list[str]:
    notes = []
    if options.bleed and all(box.bleed_limit == box.trim for box in pdf.boxes):
        notes.append("the source pages have no artwork outside their trim (no TrimBox inside a larger "
                     "BleedBox or MediaBox), so the bleed area stays white")
    elif options.bleed:
        kept = min(geo.bleed_x, geo.bleed_y) / geo.scale
        if kept + 0.01 < options.bleed:
            notes.append(f"bleed cut to {kept / (72 / 25.4):.1f} mm at the sheet edges (the sheet is too "
                         "small for more; choose a larger --sheet)")
        else:
            notes.append(f"{options.bleed / (72 / 25.4):g} mm bleed kept on the outer edges")
    if options.marks and not mark_drawing.has_room(geo):
        notes.append("no room for crop marks outside the bleed (choose a larger --sheet)")
    elif options.marks:
        folds = geo.grid.fold_cols or geo.grid.fold_rows
        notes.append(("crop and fold marks drawn" if folds else "crop marks drawn")
                     + (", collation marks on the spine of each signature" if options.layout == "perfect" else ""))
    flattened = getattr(writer, "_zinekit_flattened", 0)
    if flattened:
        notes.append(f"{flattened} printable annotation{'s' if flattened != 1 else ''} "
                     "(form fields, stamps) drawn into the pages")
    return notes
