"""Hostile and broken inputs shared by the bad-input, fault and fuzz tests: small PDFs
that are damaged, lie about themselves, or inflate to gigabytes."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    NameObject,
    NumberObject,
)

GIB = 1 << 30


def small_pdf(pages: int = 2, size: tuple[float, float] = (298.0, 420.0)) -> bytes:
    """A valid PDF of ``pages`` A6 pages, each with a little compressed content."""
    writer = PdfWriter()
    for number in range(1, pages + 1):
        page = writer.add_blank_page(*size)
        content = DecodedStreamObject()
        content.set_data(f"0 g 20 20 {40 + number} 60 re f".encode("ascii"))
        page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    return _written(writer)


def _written(writer: PdfWriter) -> bytes:
    import io

    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zeros_bomb(size: int, prefix: bytes = b"") -> bytes:
    """zlib data (with a correct checksum) that inflates to ``prefix`` and then about
    ``size`` zero bytes, at about 1000:1, made in milliseconds: after a full flush, each
    further 4 MiB of zeros compresses to the same bytes, so they are repeated."""
    chunk = bytes(1 << 22)
    deflater = zlib.compressobj(9)
    first = deflater.compress(prefix + chunk) + deflater.flush(zlib.Z_FULL_FLUSH)
    again = deflater.compress(chunk) + deflater.flush(zlib.Z_FULL_FLUSH)
    repeats = max(0, size // len(chunk) - 1)
    zeros = (repeats + 1) * len(chunk)
    a, b = 1, 0  # adler-32 of the prefix, then extended over the zeros
    for byte in prefix:
        a = (a + byte) % 65521
        b = (b + a) % 65521
    b = (b + a * zeros) % 65521
    empty_final_block = b"\x03\x00"
    return first + again * repeats + empty_final_block + ((b << 16) | a).to_bytes(4, "big")


def content_bomb_pdf(size: int = 4 * GIB, double: bool = False) -> bytes:
    """A two-page PDF whose first page's content inflates to ``size`` bytes of zeros;
    ``double`` compresses the bomb once more (two FlateDecode filters: a few KB)."""
    writer = PdfWriter()
    for _ in range(2):
        writer.add_blank_page(298, 420)
    stream = EncodedStreamObject()
    data = zeros_bomb(size)
    if double:
        stream._data = zlib.compress(data, 9)
        stream[NameObject("/Filter")] = ArrayObject([NameObject("/FlateDecode")] * 2)
    else:
        stream._data = data
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
    return _written(writer)


def object_stream_bomb_pdf(size: int = 4 * GIB) -> bytes:
    """A PDF whose page tree lives in an object stream that inflates to ``size`` bytes:
    the reader meets the bomb as soon as it counts the pages."""
    pages_dict = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    header = b"2 0 "
    objstm = zeros_bomb(size, prefix=header + pages_dict + b" ")
    body = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"]
    offsets: dict[int, int] = {}

    def add(number: int, data: bytes) -> None:
        offsets[number] = sum(len(part) for part in body)
        body.append(b"%d 0 obj\n" % number + data + b"\nendobj\n")

    add(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    add(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 298 420] >>")
    add(4, b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(objstm)) + objstm + b"\nendstream")
    xref_at = sum(len(part) for part in body)
    rows = [b"\x00\x00\x00\x00\x00\xff\xff", b"\x01" + offsets[1].to_bytes(4, "big") + b"\x00\x00",
            b"\x02" + (4).to_bytes(4, "big") + b"\x00\x00",
            b"\x01" + offsets[3].to_bytes(4, "big") + b"\x00\x00",
            b"\x01" + offsets[4].to_bytes(4, "big") + b"\x00\x00",
            b"\x01" + xref_at.to_bytes(4, "big") + b"\x00\x00"]
    xref = b"".join(rows)
    body.append(b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
                % len(xref) + xref + b"\nendstream\nendobj\n")
    body.append(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return b"".join(body)


def lying_count_pdf(count: int = 10**9) -> bytes:
    """A valid two-page PDF whose page tree claims ``count`` pages."""
    return re.sub(rb"/Count 2\b", b"/Count %d" % count, small_pdf(2))


def truncated_pdf() -> bytes:
    data = small_pdf(4)
    return data[: len(data) // 2]


def encrypted_pdf(password: str = "secret") -> bytes:
    import io

    writer = PdfWriter(clone_from=io.BytesIO(small_pdf(2)))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-128")
    return _written(writer)


def form_fanout_pdf(levels: int = 10, fan: int = 10) -> bytes:
    """A one-page PDF of a few KB whose page draws a form that draws the next form
    ``fan`` times, each shifted (so no two draws are alike), ``levels`` deep: the
    innermost rectangle is drawn ``fan ** levels`` times."""
    writer = PdfWriter()
    page = writer.add_blank_page(298, 420)
    inner = DecodedStreamObject()
    inner.set_data(b"0 g 0 0 1 1 re f")
    forms = [_form(writer, inner, {})]
    for _ in range(levels):
        body = b" ".join(b"q 1 0 0 1 %d 0 cm /F Do Q" % j for j in range(fan))
        stream = DecodedStreamObject()
        stream.set_data(body)
        forms.append(_form(writer, stream, {"/F": forms[-1]}))
    content = DecodedStreamObject()
    content.set_data(b"/F Do")
    page[NameObject("/Contents")] = writer._add_object(content)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/F"): forms[-1]})})
    return _written(writer)


def _form(writer: PdfWriter, stream: DecodedStreamObject, xobjects: dict) -> object:
    stream[NameObject("/Type")] = NameObject("/XObject")
    stream[NameObject("/Subtype")] = NameObject("/Form")
    stream[NameObject("/BBox")] = ArrayObject([NumberObject(0), NumberObject(0),
                                               NumberObject(298), NumberObject(420)])
    stream[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject(k): v for k, v in xobjects.items()})})
    return writer._add_object(stream)


def shared_content_pdf(pages: int = 2000, operators: int = 5000) -> bytes:
    """``pages`` pages that all point at one content stream of ``operators`` small
    rectangles (stored once: a few hundred KB that paint ten million rectangles)."""
    writer = PdfWriter()
    content = DecodedStreamObject()
    content.set_data(b"\n".join(b"%d 10 1 1 re f" % (i % 250) for i in range(operators)))
    shared = writer._add_object(content.flate_encode())
    for _ in range(pages):
        page = writer.add_blank_page(298, 420)
        page[NameObject("/Contents")] = shared
    return _written(writer)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- text shapes that were quadratic (or worse): the linear-time test and benchmark ---------

import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Callable  # noqa: E402


@dataclass(frozen=True)
class Shape:
    """A pathological input: ``make(unit, size)`` writes about ``size`` characters of it
    from one of its ``units``; ``run(text)`` is the zinekit step that reads it."""

    name: str
    units: tuple[str, ...]
    make: Callable[[str, int], str]
    run: Callable[[str], object]


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


def _parse(text: str) -> object:
    from zinekit.markup import parse_markdown

    return parse_markdown(text, "hostile.md")


def _parse_and_render(text: str) -> object:
    from zinekit.markup import RenderContext, parse_markdown, render_html

    parsed = parse_markdown(text, "hostile.md", allow_html=True)
    return render_html(parsed, RenderContext(mode="print", article_anchor="a"), allow_html=True)


def _footnotes(unit: str, size: int) -> str:
    count = max(1, size // (2 * len(unit) + 24))
    calls = "\n\n".join(f"{unit} {n}.[^n{n}]" for n in range(count))
    return calls + "\n\n" + "\n".join(f"[^n{n}]: {unit} {n}." for n in range(count))


def _targets(text: str) -> object:
    from zinekit.resolve.grammar import parse_targets

    return parse_targets(text)


def _theme_css(text: str) -> object:
    """The web edition's scans of a theme stylesheet: its assets and its fonts."""
    from zinekit.errors import ZinekitError
    from zinekit.render.web import font_faces, stylesheet_assets
    from zinekit.themes_loader import load_theme

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write(root / "theme" / "css" / "pamphlet.css", text.encode("utf-8"))
        theme = load_theme("pamphlet", root)
        try:
            return stylesheet_assets(root / "theme" / "css" / "pamphlet.css", theme), \
                font_faces(theme)
        except ZinekitError as refused:  # nested too deeply: refused, after one scan
            return refused


def _bib_entries(unit: str, size: int) -> str:
    entry = ("@book{key%d,\n  author = {Mark Fisk and Ann Other},\n  title = {" + unit +
             " %d},\n  year = {2009},\n}\n\n")
    return "".join(entry % (n, n) for n in range(max(1, size // (len(entry) + 8))))


def _bib(text: str) -> object:
    from zinekit.errors import Diagnostics

    try:
        from zinekit.resolve.bibfile import read_bibliography
    except ImportError:  # zinekit before the .bib reader had a module of its own
        from zinekit.resolve.bibliography import read_bibliography  # type: ignore[no-redef]

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "refs.bib"
        path.write_text(text, encoding="utf-8")
        return read_bibliography(path, Path(folder), Diagnostics())


def _sanitise(text: str) -> object:
    from zinekit.markup.sanitize import removed_parts, sanitize_html

    return sanitize_html(text), removed_parts(text)


def _liquid(text: str) -> object:
    from zinekit.importer.liquid import convert_body
    from zinekit.importer.report import Report

    return convert_body(text, 0, Report("post.md"))


def _muse_notes(text: str) -> object:
    """The Muse importer's own passes (pandoc's reader is measured in bench_sizes)."""
    from zinekit.importer.muse import check_notes, primary_notes
    from zinekit.importer.report import Report

    return primary_notes(check_notes(text, Report("text.muse")))


def _html_page(unit: str, size: int) -> str:
    return "<html><body><article><p>" + _repeat(unit, size) + "</p></article></body></html>"


def _html_notes(unit: str, size: int) -> str:
    count = max(1, size // (2 * len(unit) + 70))
    calls = "".join(f'<p>{unit}<sup><a href="#n{n}">{n}</a></sup></p>' for n in range(count))
    notes = "".join(f'<li id="n{n}">{unit}</li>' for n in range(count))
    return f"<html><body><article>{calls}<ol class='footnotes'>{notes}</ol></article></body></html>"


def _import_html(text: str) -> object:
    from zinekit.importer.html import import_html

    return import_html(text, "page.html")


SHAPES = (
    Shape("unclosed [ed.", ("[ed. ", "[ed. – ", "Text [Ed.— ", "[ed. [see "), _repeat, _parse),
    Shape("unclosed [see", ("[see ", "[see x ", "a [SEE "), _repeat, _parse),
    Shape("see clause of parentheses", ("x, (", ", (", "; (", " and ((", "vol.3; T; "),
          _repeat, _targets),
    Shape("nested brackets", ("[", "[ed. [", "[[^", "[@"), _repeat, _parse_and_render),
    Shape("theme CSS", ("url(x", "@font-face{src:url(x)}", "@font-face{", "url(\"x", "u\\72 l("),
          _repeat, _theme_css),
    Shape("footnotes", ("Para", "Text [ed. note]", "Line"), _footnotes, _parse_and_render),
    Shape(".bib", ("Capitalist Realism", "{Nested {Title}}"), _bib_entries, _bib),
    Shape("raw HTML", ("<b onclick=x>", "<span style=\"color: u\\72 l(x)\">", "<svg><set to=",
                       "<img srcset=\"a 1x, file:/x 2x\">"), _repeat, _sanitise),
    Shape("liquid tags", ("{% x ", "{{ x ", "{% sidenote 'a' 'b' %} ", "`{% x %}` "), _repeat,
          _liquid),
    Shape("Muse markers", ("<example x\n", "{{{ ", "w[1] ", "\n{1} n\n", "\n[7] n\n"), _repeat,
          _muse_notes),
    Shape("HTML page", ('w<sup><a href="#n">1</a></sup> <p id="n">n</p>', "<div>",
                        "<blockquote>", "<p>w</p>"), _html_page, _import_html),
    Shape("HTML footnotes", ("A note.", "1"), _html_notes, _import_html),
)


def seconds(run: Callable[[str], object], text: str, repeat: int = 1) -> float:
    """The shortest of ``repeat`` timings of ``run(text)``."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run(text)
        best = min(best, time.perf_counter() - started)
    return best
