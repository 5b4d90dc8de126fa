"""Small PDFs made to order for the preflight tests: pages with given content, images,
fonts (embedded or not), graphics states, forms and boxes."""

from __future__ import annotations

import zlib
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

MM = 72 / 25.4
A6 = (105 * MM, 148 * MM)
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def names(**items) -> DictionaryObject:
    return DictionaryObject({NameObject(f"/{k}"): v for k, v in items.items()})


def box(*values: float) -> ArrayObject:
    return ArrayObject([FloatObject(round(v, 3)) for v in values])


def helvetica() -> DictionaryObject:
    """A standard font, not embedded: what a press rejects."""
    return names(Type=NameObject("/Font"), Subtype=NameObject("/Type1"), BaseFont=NameObject("/Helvetica"),
                 Encoding=NameObject("/WinAnsiEncoding"))


def embedded_font(writer: PdfWriter) -> DictionaryObject:
    """DejaVu Sans as a simple TrueType font with its file embedded."""
    data = DEJAVU.read_bytes()
    stream = StreamObject()
    stream._data = zlib.compress(data)
    stream.update({NameObject("/Filter"): NameObject("/FlateDecode"), NameObject("/Length1"): NumberObject(len(data))})
    descriptor = names(Type=NameObject("/FontDescriptor"), FontName=NameObject("/DejaVuSans"),
                       Flags=NumberObject(32), FontBBox=box(-1021, -463, 1793, 1232), ItalicAngle=NumberObject(0),
                       Ascent=NumberObject(928), Descent=NumberObject(-236), CapHeight=NumberObject(729),
                       StemV=NumberObject(80), FontFile2=writer._add_object(stream))
    return names(Type=NameObject("/Font"), Subtype=NameObject("/TrueType"), BaseFont=NameObject("/DejaVuSans"),
                 FirstChar=NumberObject(32), LastChar=NumberObject(126),
                 Widths=ArrayObject([NumberObject(600)] * 95), Encoding=NameObject("/WinAnsiEncoding"),
                 FontDescriptor=writer._add_object(descriptor))


def rgb_image(width: int, height: int, space: str = "/DeviceRGB", **extra) -> StreamObject:
    components = {"/DeviceRGB": 3, "/DeviceCMYK": 4, "/DeviceGray": 1}[space]
    image = StreamObject()
    image._data = zlib.compress(bytes((x * 7 + y * 3) % 256 for y in range(height) for x in range(width * components)))
    image.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                  NameObject("/Width"): NumberObject(width), NameObject("/Height"): NumberObject(height),
                  NameObject("/ColorSpace"): NameObject(space), NameObject("/BitsPerComponent"): NumberObject(8),
                  NameObject("/Filter"): NameObject("/FlateDecode"), **{NameObject(k): v for k, v in extra.items()}})
    return image


def form(writer: PdfWriter, content: str, resources: DictionaryObject, matrix=(1, 0, 0, 1, 0, 0),
         bbox=(0, 0, 1000, 1000)) -> object:
    stream = DecodedStreamObject()
    stream.set_data(content.encode("latin-1"))
    stream.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                   NameObject("/BBox"): box(*bbox), NameObject("/Matrix"): box(*matrix),
                   NameObject("/Resources"): resources})
    return writer._add_object(stream)


def make_pdf(path: Path, pages: list[tuple[str, DictionaryObject]], size: tuple[float, float] = A6, *,
             trim: tuple[float, float, float, float] | None = (0, 0, 0, 0), bleed=None,
             intent: bool = False, writer: PdfWriter | None = None) -> Path:
    """``pages``: (content, resources) each.  ``trim`` (0, 0, 0, 0) means the whole page."""
    writer = writer or PdfWriter()
    for content, resources in pages:
        page = writer.add_blank_page(*size)
        stream = DecodedStreamObject()
        stream.set_data(content.encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = resources
        if trim is not None:
            page[NameObject("/TrimBox")] = box(*trim) if any(trim) else box(0, 0, *size)
        if bleed is not None:
            page[NameObject("/BleedBox")] = box(*bleed)
    if intent:
        writer._root_object[NameObject("/OutputIntents")] = ArrayObject([names(
            Type=NameObject("/OutputIntent"), S=NameObject("/GTS_PDFX"),
            OutputConditionIdentifier=TextStringObject("FOGRA39"))])
    writer.write(path)
    return path
