"""Benchmark: ``zinekit impose --layout saddle`` against ``pdfimpose saddle``.

Generates a 1,024-page A5 PDF (text on every page in one shared embedded TrueType
font, and one shared embedded image), imposes it as a 2-up saddle-stitched booklet on
A4 with both tools in the same run, several times each, and prints the times, the
ratio zinekit/pdfimpose and both output sizes.

    python benchmarks/bench_impose.py [--pages 1024] [--repeat 5] [--keep DIR]

Both tools are run as Python calls in this process (no interpreter start-up counted),
each writing its output file to disk.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

A5 = (148 * 72 / 25.4, 210 * 72 / 25.4)
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
WORDS = ("the zine was folded by hand and stapled twice along the spine while the "
         "kettle boiled and the copier hummed in the back room of the shop").split()


def _font(writer: PdfWriter) -> DictionaryObject:
    """A simple TrueType font (WinAnsi) with the whole font file embedded once."""
    path = next((p for p in FONT_CANDIDATES if os.path.exists(p)), None)
    if path is None:  # no TrueType font on this machine: a standard font, not embedded
        return DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                 NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/Times-Roman")})
    from fontTools.ttLib import TTFont

    data = Path(path).read_bytes()
    tt = TTFont(path)
    scale = 1000 / tt["head"].unitsPerEm
    cmap, hmtx = tt.getBestCmap(), tt["hmtx"]
    widths = [NumberObject(round(hmtx[cmap[c]][0] * scale) if c in cmap else 0)
              for c in range(32, 127)]
    file_stream = StreamObject()
    file_stream.set_data(data)
    file_stream[NameObject("/Length1")] = NumberObject(len(data))
    file_stream = file_stream.flate_encode()
    descriptor = DictionaryObject({
        NameObject("/Type"): NameObject("/FontDescriptor"),
        NameObject("/FontName"): NameObject("/DejaVu"),
        NameObject("/Flags"): NumberObject(32),
        NameObject("/FontBBox"): ArrayObject([NumberObject(v) for v in (-1021, -463, 1793, 1232)]),
        NameObject("/ItalicAngle"): NumberObject(0), NameObject("/Ascent"): NumberObject(928),
        NameObject("/Descent"): NumberObject(-236), NameObject("/CapHeight"): NumberObject(729),
        NameObject("/StemV"): NumberObject(80),
        NameObject("/FontFile2"): writer._add_object(file_stream),
    })
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/TrueType"),
        NameObject("/BaseFont"): NameObject("/DejaVu"), NameObject("/FirstChar"): NumberObject(32),
        NameObject("/LastChar"): NumberObject(126), NameObject("/Widths"): ArrayObject(widths),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        NameObject("/FontDescriptor"): writer._add_object(descriptor),
    })


def _image(writer: PdfWriter, size: int = 192) -> StreamObject:
    """An RGB gradient image, Flate-compressed."""
    rows = bytearray()
    for y in range(size):
        for x in range(size):
            rows += bytes((x * 255 // size, y * 255 // size, (x ^ y) & 255))
    image = StreamObject()
    image._data = zlib.compress(bytes(rows), 6)
    image.update({NameObject("/Type"): NameObject("/XObject"),
                  NameObject("/Subtype"): NameObject("/Image"),
                  NameObject("/Width"): NumberObject(size), NameObject("/Height"): NumberObject(size),
                  NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
                  NameObject("/BitsPerComponent"): NumberObject(8),
                  NameObject("/Filter"): NameObject("/FlateDecode")})
    return writer._add_object(image)


def _page_text(number: int) -> bytes:
    lines = [b"q 60 400 300 150 re W n q 300 0 0 150 60 400 cm /Im1 Do Q Q",
             b"BT /F1 36 Tf 60 330 Td (%d) Tj ET" % number, b"BT /F1 10 Tf 13 TL 50 300 Td"]
    for line in range(18):
        words = [WORDS[(number * 7 + line * 3 + k) % len(WORDS)] for k in range(9)]
        lines.append(b"(" + " ".join(words).encode("ascii") + b") '")
    lines.append(b"ET")
    return b"\n".join(lines)


def make_source(path: Path, pages: int = 1024) -> Path:
    """Write a ``pages``-page A5 PDF sharing one embedded font and one image."""
    writer = PdfWriter()
    resources = writer._add_object(DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(_font(writer))}),
        NameObject("/XObject"): DictionaryObject({NameObject("/Im1"): _image(writer)}),
    }))
    for number in range(1, pages + 1):
        page = writer.add_blank_page(*A5)
        content = DecodedStreamObject()
        content.set_data(_page_text(number))
        page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
        page[NameObject("/Resources")] = resources
    writer.add_metadata({"/Title": "Benchmark source"})
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def run_zinekit(source: Path, output: Path) -> None:
    from zinekit.impose import impose_file

    impose_file(source, output, layout="saddle", sheet="A4")


A4_WIDTH = 210 * 72 / 25.4 * 297 / 210  # 841.89 pt


def run_pdfimpose(source: Path, output: Path) -> None:
    from pdfimpose.schema import Margins, saddle

    # Two source pages side by side on each side (signature 2×1), all sheets nested in
    # one booklet; its sheet is exactly two A5 wide, so 1.4 pt margins left and right
    # make it A4 landscape like zinekit's.
    side = (A4_WIDTH - 2 * A5[0]) / 2
    saddle.impose([str(source)], str(output), signature=(2, 1), omargin=Margins(side, side, 0, 0))


def _sheet(pdf: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    box = reader.pages[0].mediabox
    return f"{len(reader.pages)} pages of {float(box.width):.2f} × {float(box.height):.2f} pt"


def timed(function, source: Path, output: Path, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(source, output)
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="Keep the PDFs in this folder.")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-impose-"))
    folder.mkdir(parents=True, exist_ok=True)
    source = make_source(folder / "source.pdf", args.pages)
    ours, theirs = folder / "zinekit.pdf", folder / "pdfimpose.pdf"
    run_zinekit(source, ours)  # warm-up: imports, caches
    run_pdfimpose(source, theirs)
    zinekit_times = timed(run_zinekit, source, ours, args.repeat)
    pdfimpose_times = timed(run_pdfimpose, source, theirs, args.repeat)
    z, p = statistics.median(zinekit_times), statistics.median(pdfimpose_times)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"source: {args.pages} pages, {source.stat().st_size:,} bytes")
    print(f"zinekit saddle:   median {z:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in zinekit_times)})")
    print(f"pdfimpose saddle: median {p:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in pdfimpose_times)})")
    print(f"ratio zinekit/pdfimpose: {z / p:.2f}")
    print(f"output size: zinekit {ours.stat().st_size:,} bytes, pdfimpose {theirs.stat().st_size:,} bytes")
    print(f"sheets: zinekit {_sheet(ours)}, pdfimpose {_sheet(theirs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
