"""The placement engine: lay the planned sheets out with pypdf.

Each source page becomes ONE Form XObject — its content stream copied as it is (still
compressed), its resources cloned once so fonts and images shared between pages stay
shared — and every sheet side refers to the forms it shows with a matrix and a clip.
Nothing is merged into the sheets' content, so the output is about the size of the
source plus a few hundred bytes per sheet.
"""

from __future__ import annotations

import zlib
from typing import Iterable, Sequence, cast

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from zinekit.impose import marks
from zinekit.impose.geometry import Matrix, Rect, SheetGeometry, place, transform_rect
from zinekit.impose.plan import Plan, SheetPlan, Slot
from zinekit.impose.options import ImposeOptions
from zinekit.impose.source import SourcePdf, content_streams
from zinekit.reachins import add_object, encoded_data, set_encoded_data

_HIDDEN, _PRINT = 2, 4
_UNPRINTED = ("/Link", "/Popup")


def _num(value: float) -> FloatObject | NumberObject:
    rounded = round(value, 4)
    return NumberObject(int(rounded)) if rounded == int(rounded) else FloatObject(rounded)


def _array(values: Iterable[float]) -> ArrayObject:
    return ArrayObject([_num(v) for v in values])


def _f(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


class FormCache:
    """Makes (once) and hands out the Form XObject standing for each source page."""

    def __init__(self, source: SourcePdf, writer: PdfWriter) -> None:
        self.source, self.writer = source, writer
        self.forms: dict[int, IndirectObject] = {}
        self.flattened = 0  # annotations drawn into pages

    def __getitem__(self, index: int) -> IndirectObject:
        if index not in self.forms:
            self.forms[index] = self._make(index)
        return self.forms[index]

    def _make(self, index: int) -> IndirectObject:
        page = self.source.reader.pages[index]
        box = self.source.boxes[index]
        form = _content_form(page, self.writer)
        form.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): _array(box.media),
            NameObject("/Resources"): self._clone(page.raw_get("/Resources") if "/Resources" in page else None),
        })
        if "/Group" in page:
            form[NameObject("/Group")] = page.raw_get("/Group").clone(self.writer)
        ref = add_object(self.writer, form).indirect_reference
        annotations = list(_printable_annotations(page))
        if not annotations:
            return ref
        self.flattened += len(annotations)
        return self._with_annotations(ref, box.media, annotations)

    def _clone(self, resources) -> DictionaryObject | IndirectObject:
        if resources is None:
            return DictionaryObject()
        return resources.clone(self.writer)

    def _with_annotations(self, page_form: IndirectObject, media: Rect, annotations) -> IndirectObject:
        """A form drawing the page, then each printable annotation's appearance over it."""
        xobjects = DictionaryObject({NameObject("/C"): page_form})
        ops = ["/C Do"]
        for n, (matrix, appearance) in enumerate(annotations):
            name = f"/A{n}"
            xobjects[NameObject(name)] = appearance.clone(self.writer)
            ops.append(f"q {' '.join(_f(v) for v in matrix)} cm {name} Do Q")
        wrapper = DecodedStreamObject()
        wrapper.set_data("\n".join(ops).encode("ascii"))
        wrapper.update({
            NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): _array(media),
            NameObject("/Resources"): DictionaryObject({NameObject("/XObject"): xobjects}),
        })
        return add_object(self.writer, wrapper).indirect_reference


def _content_form(page: DictionaryObject, writer: PdfWriter) -> StreamObject:
    """A stream holding the page's content: one stream copied still encoded, or several joined."""
    streams = content_streams(page)
    if len(streams) == 1 and "/Filter" in streams[0]:
        original = streams[0]
        form = EncodedStreamObject()
        set_encoded_data(form, encoded_data(original))
        for key in ("/Filter", "/DecodeParms"):
            if key in original:
                form[NameObject(key)] = original.raw_get(key).clone(writer)
        return form
    data = b"\n".join(stream.get_data() for stream in streams)
    form = EncodedStreamObject()
    set_encoded_data(form, zlib.compress(data, 6))
    form[NameObject("/Filter")] = NameObject("/FlateDecode")
    return form


def _printable_annotations(page: DictionaryObject):
    """(matrix, appearance stream) for each annotation printed with the page (§12.5.5)."""
    for annotation in page.get("/Annots", None) or ():
        annotation = annotation.get_object()
        if not isinstance(annotation, DictionaryObject) or annotation.get("/Subtype") in _UNPRINTED:
            continue
        flags = int(annotation.get("/F", 0))
        if flags & _HIDDEN or not flags & _PRINT:
            continue
        appearance = _normal_appearance(annotation)
        if appearance is None or "/Rect" not in annotation:
            continue
        yield _annotation_matrix(annotation, appearance.get_object()), appearance


def _normal_appearance(annotation: DictionaryObject):
    normal = (annotation.get("/AP") or {}).get("/N")
    if normal is None:
        return None
    raw = normal
    normal = normal.get_object()
    if isinstance(normal, StreamObject):
        return raw
    state = annotation.get("/AS")
    if isinstance(normal, DictionaryObject) and state in normal:
        return normal.raw_get(state) if isinstance(normal.raw_get(state), IndirectObject) else None
    return None


def _annotation_matrix(annotation: DictionaryObject, appearance: StreamObject) -> Matrix:
    """The matrix A taking the appearance's transformed BBox onto the annotation's Rect."""
    rect = [float(v) for v in cast(ArrayObject, annotation["/Rect"])]
    rx0, ry0, rx1, ry1 = min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])
    bbox = [float(v) for v in appearance.get("/BBox", [0, 0, 1, 1])]
    a, b, c, d, e, f = (float(v) for v in appearance.get("/Matrix", (1, 0, 0, 1, 0, 0)))
    bx0, by0, bx1, by1 = transform_rect((a, b, c, d, e, f), (bbox[0], bbox[1], bbox[2], bbox[3]))
    sx = (rx1 - rx0) / (bx1 - bx0) if bx1 > bx0 else 1.0
    sy = (ry1 - ry0) / (by1 - by0) if by1 > by0 else 1.0
    return (sx, 0.0, 0.0, sy, rx0 - sx * bx0, ry0 - sy * by0)


# ------------------------------------------------------------------------ sheet sides

def side_content(slots: Sequence[Slot], geo: SheetGeometry, options: ImposeOptions,
                 forms: FormCache) -> tuple[list[str], DictionaryObject]:
    """Content operators and /XObject resources for the pages on one side."""
    ops: list[str] = []
    xobjects = DictionaryObject()
    for slot in slots:
        if slot.page is None or forms.source.is_added(slot.page):
            continue
        matrix, clip = place(slot, forms.source.boxes[slot.page], geo, options.creep)
        if clip[2] - clip[0] <= 0 or clip[3] - clip[1] <= 0:
            continue
        name = f"/P{slot.page + 1}"
        xobjects[NameObject(name)] = forms[slot.page]
        ops.append(f"q {_f(clip[0])} {_f(clip[1])} {_f(clip[2] - clip[0])} {_f(clip[3] - clip[1])} re W n "
                   f"{' '.join(_f(v) for v in matrix)} cm {name} Do Q")
    return ops, xobjects


def add_side(writer: PdfWriter, slots: Sequence[Slot], geo: SheetGeometry, options: ImposeOptions,
             forms: FormCache, extra: Sequence[str] = ()) -> None:
    """Append one output page: the pages of one sheet side, then any marks."""
    ops, xobjects = side_content(slots, geo, options, forms)
    ops += [op for op in extra if op]
    resources = DictionaryObject({NameObject("/XObject"): xobjects})
    if any(marks.COLOUR_SPACE in op for op in extra):
        resources[NameObject("/ColorSpace")] = marks.colour_resources()
    content = DecodedStreamObject()
    content.set_data("\n".join(ops).encode("ascii"))
    page = writer.add_blank_page(geo.sheet.width, geo.sheet.height)
    page[NameObject("/Contents")] = add_object(writer, content.flate_encode())
    page[NameObject("/Resources")] = resources
    page[NameObject("/TrimBox")] = _array(geo.trim_rect())
    page[NameObject("/BleedBox")] = _array(geo.bleed_rect())


def add_sheets(writer: PdfWriter, plan: Plan, geo: SheetGeometry, options: ImposeOptions,
               forms: FormCache, part: str = "both") -> None:
    """The sheets of the plan in print order: ``both`` sides of each sheet, front then
    back; or only the ``fronts``; or only the ``backs``, last sheet first, a sheet with
    nothing on its back getting a blank side (manual duplex: see :func:`side_order`)."""
    drawn = marks.sheet_marks(geo) if options.marks else ""
    for sheet, side in side_order(plan, part):
        if side == "front":
            add_side(writer, sheet.front, geo, options, forms, [drawn, *_collation(plan, geo, sheet, options)])
        else:
            add_side(writer, sheet.back or (), geo, options, forms, [drawn])


def side_order(plan: Plan, part: str = "both") -> list[tuple[SheetPlan, str]]:
    """(sheet, "front" or "back") for every output page of ``part``."""
    if part == "fronts":
        return [(sheet, "front") for sheet in plan.sheets]
    if part == "backs":
        return [(sheet, "back") for sheet in reversed(plan.sheets)]
    return [(sheet, side) for sheet in plan.sheets
            for side in (("front",) if sheet.back is None else ("front", "back"))]


def _collation(plan: Plan, geo: SheetGeometry, sheet: SheetPlan, options: ImposeOptions) -> list[str]:
    """Collation marks on the outer sheet of each signature on this sheet (two with --up 2)."""
    if not (options.marks and plan.layout == "perfect" and sheet.outer and not sheet.cover):
        return []
    pairs = [sheet.front[i:i + 2] for i in range(0, len(sheet.front), 2)]
    return [marks.collation_mark(geo, sheet.signature + n, max(a.col, b.col), a.row)
            for n, (a, b) in enumerate(pairs)]


def side_labels(plan: Plan, labels: Sequence[str], part: str = "both") -> list[str]:
    """One page label per output page naming the sheet, its side and the pages on it."""
    names, number = {}, 0
    for sheet in plan.sheets:
        number += 0 if sheet.cover else 1
        names[id(sheet)] = "cover" if sheet.cover else f"sheet {number}"
    out = []
    for sheet, side in side_order(plan, part):
        slots = sheet.front if side == "front" else sheet.back or ()
        out.append(f"{names[id(sheet)]} {side}: {_side_pages(slots, labels)}")
    return out


def _side_pages(side: Sequence[Slot], labels: Sequence[str]) -> str:
    if not side:
        return "blank"
    pages = [labels[slot.page] if slot.page is not None else "blank" for slot in side]
    if len(set(pages)) == 1 and len(pages) > 1:
        return f"{pages[0]} ×{len(pages)}"
    return " ".join(pages)
