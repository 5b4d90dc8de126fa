"""What an imposition did, in one paragraph for the person at the printer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from zinekit.errors import display_path
from zinekit.impose import marks as mark_drawing
from zinekit.impose.geometry import creep_shift, mixed_sizes, sheet_for
from zinekit.impose.options import MM, ImposeOptions
from zinekit.impose.plan import Plan
from zinekit.impose.registry import LAYOUTS

if TYPE_CHECKING:
    from zinekit.impose.arrange import Job
    from zinekit.impose.source import SourcePdf


def _mm(points: float) -> str:
    return f"{points / MM:.0f}" if abs(points / MM - round(points / MM)) < 0.05 else f"{points / MM:.1f}"


def _fine_mm(points: float) -> str:
    """A paper's thickness to the hundredth of a millimetre: 0.25, 0.1 (not 0.2, 0.10)."""
    return f"{points / MM:.2f}".rstrip("0").rstrip(".")


def size_text(width: float, height: float) -> str:
    return f"{_mm(width)} × {_mm(height)} mm"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass
class ImposeReport:
    """The facts of one imposition; ``str()`` is the summary printed to the user."""

    output: Path
    layout: str
    pages: int  # source pages imposed
    sheets: int
    sides: int  # output PDF pages (all files together)
    sheet_name: str
    sheet_size: tuple[float, float]
    page_size: tuple[float, float]  # the cell: largest trimmed page
    blanks: int = 0
    blank_where: str = ""
    scale: float = 1.0
    mixed_sizes: bool = False
    signature_size: int = 0
    signatures: int = 0
    copies: int = 1  # repeat: copies per side; cutstack, stab: pieces per side
    duplex: bool = True
    flip: str = "short"
    cover_separate: bool = False
    creep: float = 0.0
    max_shift: float = 0.0
    notes: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)  # two with --duplex manual
    source_pages: int = 0  # pages of the source (``pages`` when --pages chose them all)
    chosen: str = ""  # --pages as given
    binding: str = "ltr"
    flyleaves: int = 0
    needed: tuple[float, float] = (0.0, 0.0)  # sheet needed at 100 %
    empty_places: int = 0  # cut and stack: places left empty on the last sheets
    finish: str = ""

    def __str__(self) -> str:
        parts = [self._what(), self._paper(), self._pages()]
        if self.flyleaves:
            leaves = "1 flyleaf (a blank leaf)" if self.flyleaves == 1 else \
                f"{self.flyleaves} flyleaves (blank leaves)"
            parts.append(f"{leaves} inside the front cover and as many inside the back cover")
        if self.blanks:
            parts.append(f"{_plural(self.blanks, 'blank page')} added {self.blank_where}")
        if self.empty_places:
            parts.append(f"{_plural(self.empty_places, 'place')} left empty at the end of the last pile")
        parts += self.notes
        parts.append(self._printing())
        return "; ".join(p for p in parts if p) + "."

    def _what(self) -> str:
        names = " and ".join(display_path(p) for p in self.outputs or [self.output])
        text = f"Wrote {names}: {LAYOUTS[self.layout].scheme if self.layout in LAYOUTS else self.layout}"
        if self.signature_size:
            text += f" in {_plural(self.signatures, 'signature')} of {self.signature_size} pages"
        if self.binding == "rtl":
            text += ", bound on the right (right to left)"
        return text

    def _paper(self) -> str:
        w, h = self.sheet_size
        shape = "landscape" if w > h else "portrait"
        text = (f"{_plural(self.sheets, 'sheet')} of {self.sheet_name} {shape} ({size_text(w, h)}), "
                f"{_plural(self.sides, 'PDF page')}")
        if len(self.outputs) == 2:
            text += f" ({self.sides - self.sheets} in the fronts file, {self.sheets} in the backs file)"
        if self.cover_separate:
            text += " (PDF pages 1–2 are the cover sheet: print them on the cover stock)"
        return text

    def _pages(self) -> str:
        text = f"{_plural(self.pages, 'source page')} of {size_text(*self.page_size)}"
        if self.chosen:
            text = f"{_plural(self.pages, 'page')} of the source's {self.source_pages} ({self.chosen}), " \
                   f"of {size_text(*self.page_size)}"
        if self.mixed_sizes:
            text += " (the largest; the pages differ in size and each is centred in a space that size)"
        if self.copies > 1:
            piece = {"repeat": "copies", "cutstack": "cards", "stab": "leaves"}.get(self.layout, "pieces")
            text += f", {self.copies} {piece} per side"
        if self.scale < 0.9995:
            text += (f", SCALED DOWN to {self.scale * 100:.1f} % to fit the sheet (at 100 % they need "
                     f"{size_text(*self.needed)}: --sheet {sheet_for(self.needed)})")
        else:
            text += " at 100 %"
        return text

    def _printing(self) -> str:
        if len(self.outputs) == 2:
            how = _manual_duplex(self.outputs, self.flip)
        elif not self.duplex:
            how = "print single-sided"
        else:
            how = f"print double-sided, flipping on the {self.flip} edge"
        text = f"{how}, at actual size (no fit-to-page), then {self.finish}"
        if self.creep:
            text += (f"; creep of {_fine_mm(self.creep)} mm paper compensated "
                     f"(innermost pages moved {self.max_shift / MM:.2f} mm towards the spine)")
        return text


def _manual_duplex(outputs: Sequence[Path], flip: str) -> str:
    turn = ("like the page of a book, so the same edge goes into the printer first" if flip == "long"
            else "top over bottom, so the other edge goes into the printer first")
    return (f"print {display_path(outputs[0])} single-sided; take the printed stack without "
            f"reordering it, turn it over {turn}, put it back in the paper tray so that the blank "
            f"sides are printed, and print {display_path(outputs[1])} (it starts with the back of "
            "the last sheet)")


# ----------------------------------------------------------------------------- building

def build_report(pdf: SourcePdf, job: Job, options: ImposeOptions, outputs: list[Path],
                 labels: list[str], flattened: int) -> ImposeReport:
    """The report of an imposition from what was decided and written."""
    plan, geo, layout = job.plan, job.geo, job.layout
    body = [s for s in plan.sheets if not s.cover]
    report = ImposeReport(
        output=outputs[0], outputs=outputs if len(outputs) > 1 else [], layout=plan.layout,
        pages=len(job.selection), source_pages=len(pdf), chosen=_chosen(options),
        sheets=len(plan.sheets), sides=_sides(plan, len(outputs)), sheet_name=geo.sheet.name,
        sheet_size=(geo.sheet.width, geo.sheet.height), page_size=job.page,
        blanks=plan.blanks, blank_where=describe_blanks(plan, labels, layout.covers and len(job.selection) > 1),
        scale=geo.scale, mixed_sizes=mixed_sizes([pdf.boxes[i] for i in job.selection]),
        signature_size=plan.signature_size,
        signatures=len({s.signature for s in body} | _second_signatures(plan)) if plan.signature_size else 0,
        copies=plan.grid.cols * plan.grid.rows if layout.grid is None else 1,
        duplex=plan.duplex, flip=options.flip, cover_separate=options.cover == "separate",
        creep=options.creep, binding=options.binding, flyleaves=options.flyleaves, needed=geo.needed,
        max_shift=max((creep_shift(slot.depth, options.creep) for sheet in plan.sheets
                       for slot in sheet.front), default=0.0),
        empty_places=_empty_places(plan), finish=_finish(layout.finish, options),
    )
    report.notes = _notes(pdf, job, options, flattened)
    return report


def _chosen(options: ImposeOptions) -> str:
    return ",".join(f"{a}" if b == a else f"{a}-{'' if b is None else b}" for a, b in options.pages)


def _sides(plan: Plan, files: int) -> int:
    if files == 2:
        return 2 * len(plan.sheets)
    return sum(len(sheet.sides()) for sheet in plan.sheets)


def _second_signatures(plan: Plan) -> set[int]:
    """Signatures printed beside another (--up 2): sheet.signature names only the first."""
    if plan.grid.cols * plan.grid.rows <= 2:
        return set()
    return {s.signature + 1 for s in plan.sheets if not s.cover and len(s.front) > 2}


def _empty_places(plan: Plan) -> int:
    """Places on the sheets that no leaf or card fills (cut and stack's last piles)."""
    if plan.layout not in ("cutstack", "stab"):
        return 0
    pieces = len(plan.sequence) // (2 if plan.duplex else 1)
    return len(plan.sheets) * plan.grid.cols * plan.grid.rows - pieces


def _finish(finish: str, options: ImposeOptions) -> str:
    if options.up == 2:
        return "cut every sheet in two between its signatures; " + finish
    return finish


def _notes(pdf: SourcePdf, job: Job, options: ImposeOptions, flattened: int) -> list[str]:
    geo = job.geo
    notes = _bleed_notes(pdf, job, options)
    if options.marks and not mark_drawing.has_room(geo):
        notes.append("no room for crop marks outside the bleed (choose a larger --sheet)")
    elif options.marks:
        folds = geo.grid.fold_cols or geo.grid.fold_rows
        notes.append(("crop and fold marks drawn" if folds else "crop marks drawn")
                     + (", collation marks on the spine of each signature" if options.layout == "perfect" else ""))
    if options.up == 2:
        along = "long" if geo.sheet.height >= geo.sheet.width else "short"
        notes.append(f"two signatures {'side by side' if job.plan.grid.cols == 4 else 'one above the other'}"
                     f" on each sheet, folds along the sheet's {along} edge (for {along}-grain paper)")
    if options.layout == "stab":
        notes.append(_stab_note(options))
    if flattened:
        notes.append(f"{flattened} printable annotation{'s' if flattened != 1 else ''} "
                     "(form fields, stamps) drawn into the pages")
    return notes


def _bleed_notes(pdf: SourcePdf, job: Job, options: ImposeOptions) -> list[str]:
    if not options.bleed:
        return []
    if all(pdf.boxes[i].bleed_limit == pdf.boxes[i].trim for i in job.selection):
        return ["the source pages have no artwork outside their trim (no TrimBox inside a larger "
                "BleedBox or MediaBox), so the bleed area stays white"]
    kept = min(job.geo.bleed_x, job.geo.bleed_y) / job.geo.scale
    if kept + 0.01 < options.bleed:
        return [f"bleed cut to {kept / MM:.1f} mm at the sheet edges (the sheet is too small for "
                "more; choose a larger --sheet)"]
    return [f"{options.bleed / MM:g} mm bleed kept on the outer edges"]


def _stab_note(options: ImposeOptions) -> str:
    side = "right" if options.binding == "rtl" else "left"
    if options.binding_margin:
        return (f"a {_mm(options.binding_margin)} mm binding margin added on the stitched edge of every "
                f"leaf (the {side} edge of the fronts)")
    return (f"no binding margin added: the stitches go through the pages' own inner margin on the "
            f"{side} edge of the fronts (--binding-margin 10mm adds a strip)")


def describe_blanks(plan: Plan, labels: Sequence[str], covers: bool) -> str:
    """Where the padding went, e.g. ``between page 9 and page 10 (the back cover)``.

    Flyleaves are not padding: they are passed over, as pages are."""
    sequence = plan.sequence
    padding = [page is None and i not in plan.flyleaf_positions for i, page in enumerate(sequence)]
    runs, start = [], None
    for i, blank in enumerate(padding + [False]):
        if blank and start is None:
            start = i
        elif not blank and start is not None:
            runs.append((start, i))
            start = None
    pages = [p for p in sequence if p is not None]
    ends = (pages[0], pages[-1]) if pages else (None, None)
    return " and ".join(_run_text(sequence, labels, a, b, covers, ends) for a, b in runs)


def _run_text(sequence, labels, start: int, end: int, covers: bool, ends) -> str:
    before = next((p for p in reversed(sequence[:start]) if p is not None), None)
    after = next((p for p in sequence[end:] if p is not None), None)
    if before is None:
        return f"at the start, before page {labels[after]}"
    if after is None:
        return f"at the end, after page {labels[before]}"
    text = f"between page {labels[before]} and page {labels[after]}"
    if covers and after == ends[1]:
        text += " (the back cover)"
    elif covers and before == ends[0]:
        text += " (the front cover)"
    return text
