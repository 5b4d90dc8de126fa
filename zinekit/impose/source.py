"""Opening the PDF to impose: every way it can be unusable becomes one clear ImposeError."""

from __future__ import annotations

import contextlib
import io
import logging
import re
import stat
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Union

from pypdf import PdfReader
from pypdf import PasswordType
from pypdf.errors import DependencyError, DeprecationError, LimitReachedError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

from zinekit.errors import ImposeError
from zinekit.impose.geometry import PageBox, Rect
from zinekit.impose.options import MAX_PAGES
from zinekit.reachins import encoded_data

SourceLike = Union[str, Path, bytes, BinaryIO, PdfReader]

#: Errors that mean "this file is broken" rather than "zinekit has a bug".
READ_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
               AssertionError, RecursionError, OverflowError, ZeroDivisionError, EOFError,
               NotImplementedError, DeprecationError)  # pypdf: "Unsupported filter /…", "/Fl is deprecated"

#: The most a page's content streams may inflate to, together.  Content is checked by
#: inflating it in pieces that are thrown away, so a small stream that inflates to
#: gigabytes (a decompression bomb) is refused at this limit without using the memory.
#: pypdf's own limit for one Flate stream is the same.
MAX_PAGE_CONTENT_BYTES = 75_000_000


class TooLarge(Exception):
    """Content that inflates beyond :data:`MAX_PAGE_CONTENT_BYTES`."""


@dataclass
class SourcePdf:
    """An opened, checked source PDF and the boxes of its pages."""

    reader: PdfReader
    label: str | None  # path shown in messages
    boxes: list[PageBox] = field(default_factory=list)
    inflated: dict[object, int] = field(default_factory=dict)  # stream → decoded length
    owned: bool = False  # zinekit opened the file the reader reads: close it when done
    added_from: int | None = None  # pages from here on are blank pages the imposition added

    def __len__(self) -> int:
        return len(self.boxes)

    def add_blank_page(self) -> None:
        """One more page at the end, blank, the size of the last: the back cover a
        print edition ends on when it has nothing to print there, added here rather
        than laid out (docs/performance.md, "One layout per build")."""
        if self.added_from is None:
            self.added_from = len(self.boxes)
        self.boxes.append(self.boxes[-1])

    def is_added(self, index: int) -> bool:
        """Whether page ``index`` is a blank page added by :meth:`add_blank_page`."""
        return self.added_from is not None and index >= self.added_from

    def fail(self, message: str) -> ImposeError:
        return ImposeError(message, path=self.label)

    def close(self) -> None:
        """Close the file the reader reads from, if zinekit opened it."""
        stream = getattr(self.reader, "stream", None)
        if self.owned and stream is not None:
            stream.close()


@contextlib.contextmanager
def quiet_pypdf() -> Iterator[None]:
    """pypdf logs a warning for every repaired object; the report says what matters."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def open_source(source: SourceLike, label: str | None = None) -> SourcePdf:
    """Open and check ``source``: a path, PDF bytes, a binary file or a ``PdfReader``.

    A path is read as it is needed, not all at once; :meth:`SourcePdf.close` (or the
    end of the process) closes it.
    """
    if label is None and isinstance(source, (str, Path)):
        label = str(source)

    def fail(message: str) -> ImposeError:
        return ImposeError(message, path=label)

    with quiet_pypdf():
        reader = source if isinstance(source, PdfReader) else read_pdf(source, fail)
        pdf = SourcePdf(reader, label, owned=isinstance(source, (str, Path)))
        try:
            unlock(reader, fail)
            count = _page_count(pdf)
            if count == 0:
                raise pdf.fail("the PDF has no pages")
            if count > MAX_PAGES:
                raise pdf.fail(f"the PDF has {count:,} pages; zinekit imposes at most {MAX_PAGES:,}")
            pdf.boxes = [_page_box(pdf, index) for index in range(count)]
        except BaseException:
            pdf.close()
            raise
    return pdf


def read_pdf(source: str | Path | bytes | BinaryIO, fail: Callable[[str], Exception]) -> PdfReader:
    """A reader for a PDF file, bytes or binary file, after checking the first bytes.

    A path must name a regular file (not a folder, a device such as /dev/zero, or a
    pipe), and only its first kilobyte is read before the ``%PDF-`` header is found.
    """
    if isinstance(source, (str, Path)):
        handle = _open_regular_file(Path(source), fail)
    elif isinstance(source, bytes):
        handle = io.BytesIO(source)
    else:
        handle = source
    head = handle.read(1024)
    if not head:
        raise fail("the file is empty, not a PDF")
    if b"%PDF-" not in head:
        raise fail("not a PDF file (it does not start with %PDF-)")
    handle.seek(0)
    try:
        return PdfReader(handle, strict=False)
    except LimitReachedError as exc:
        raise fail(f"the PDF is refused: it exceeds a safety limit of the PDF reader ({_limit(exc)})") from None
    except READ_ERRORS as exc:
        raise fail(f"the PDF is damaged and cannot be read ({_why(exc)})") from None


def _open_regular_file(path: Path, fail: Callable[[str], Exception]) -> BinaryIO:
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise fail("is a folder, not a PDF file")
        if not stat.S_ISREG(mode):
            raise fail("is not a regular file (a device, a pipe or a socket); give a PDF file")
        return open(path, "rb")
    except FileNotFoundError:
        raise fail("no such file") from None
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None


def unlock(reader: PdfReader, fail: Callable[[str], Exception]) -> None:
    """Open an encrypted PDF with the empty password (owner-locked files), or refuse it."""
    if not reader.is_encrypted:
        return
    try:
        result = reader.decrypt("")
    except DependencyError as exc:
        raise fail(f"the PDF is encrypted and cannot be decrypted here ({exc})") from None
    except READ_ERRORS as exc:
        raise fail(f"the PDF is encrypted and cannot be opened ({_why(exc)})") from None
    if result == PasswordType.NOT_DECRYPTED:
        raise fail("the PDF is encrypted with a password; decrypt it first, e.g. "
                   "qpdf --decrypt --password=PASSWORD in.pdf out.pdf")


def _page_count(pdf: SourcePdf) -> int:
    try:
        return len(pdf.reader.pages)
    except LimitReachedError as exc:
        raise pdf.fail(f"the PDF is refused: its page tree exceeds a safety limit of the PDF "
                       f"reader ({_limit(exc)})") from None
    except READ_ERRORS as exc:
        raise pdf.fail(f"the PDF is damaged: its page tree cannot be read ({_why(exc)})") from None


def _page_box(pdf: SourcePdf, index: int) -> PageBox:
    """The page's boxes, after checking that the page and its content can be read."""
    try:
        page = pdf.reader.pages[index]
        media = _rect(page.mediabox)
        crop = _clip(_rect(page.cropbox), media)
        trim = _clip(_rect(page.trimbox), crop) if "/TrimBox" in page else crop
        bleed = _clip(_rect(page.bleedbox), media) if "/BleedBox" in page else crop
        rotate = int(page.get("/Rotate", 0) or 0) % 360
        inflated = sum(_checked_length(pdf, stream) for stream in content_streams(page))
        if inflated > MAX_PAGE_CONTENT_BYTES:
            raise TooLarge
    except ImposeError:
        raise
    except TooLarge:
        raise pdf.fail(f"page {index + 1} is refused: its content inflates to more than "
                       f"{MAX_PAGE_CONTENT_BYTES // 1_000_000} MB, the limit for one page "
                       "(a decompression bomb?)") from None
    except LimitReachedError as exc:
        raise pdf.fail(f"page {index + 1} is refused: it exceeds a safety limit of the PDF "
                       f"reader ({_limit(exc)})") from None
    except READ_ERRORS as exc:
        raise pdf.fail(f"page {index + 1} is damaged and cannot be read ({_why(exc)})") from None
    if trim[2] - trim[0] < 1 or trim[3] - trim[1] < 1:
        raise pdf.fail(f"page {index + 1} has an empty page area (MediaBox {list(media)})")
    if rotate % 90:
        raise pdf.fail(f"page {index + 1} has an invalid /Rotate {rotate} (not a multiple of 90)")
    return PageBox(media, trim, bleed, rotate)


def _checked_length(pdf: SourcePdf, stream: StreamObject) -> int:
    """:func:`_check_stream` once per stream, however many pages share it."""
    ref = stream.indirect_reference
    key = (ref.idnum, ref.generation) if ref is not None else id(stream)
    if key not in pdf.inflated:
        pdf.inflated[key] = _check_stream(stream)
    return pdf.inflated[key]


def _check_stream(stream: StreamObject) -> int:
    """Decode a content stream once, so a truncated or corrupt one is refused here;
    return its decoded length.

    pypdf only logs a warning (and returns nothing) for bad Flate data, so Flate is
    checked with zlib directly, tolerating what viewers tolerate: a missing end.
    """
    filters = stream.get("/Filter")
    if filters == "/FlateDecode" and "/DecodeParms" not in stream:
        return _inflated_length(encoded_data(stream))
    return len(stream.get_data())


def _inflated_length(data: bytes) -> int:
    """The length of zlib ``data`` inflated, counted a megabyte at a time; raise
    :class:`TooLarge` past the limit instead of inflating the rest."""
    inflater = zlib.decompressobj()
    total = 0
    try:
        while data and not inflater.eof:
            total += len(inflater.decompress(data, 1 << 20))
            if total > MAX_PAGE_CONTENT_BYTES:
                raise TooLarge
            data = inflater.unconsumed_tail
    except zlib.error as exc:
        raise ValueError(f"its content stream is corrupt: {exc}") from None
    return total


def content_streams(page: DictionaryObject) -> list[StreamObject]:
    """The page's content streams (none, one, or an array of them)."""
    contents = page.get("/Contents")
    if contents is None:
        return []
    contents = contents.get_object()
    if isinstance(contents, ArrayObject):
        streams = [item.get_object() for item in contents]
    else:
        streams = [contents]
    for stream in streams:
        if not isinstance(stream, StreamObject):
            raise ValueError("/Contents is not a stream")
    return streams


def _rect(box) -> Rect:
    x0, y0, x1, y1 = (float(v) for v in box)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _clip(rect: Rect, within: Rect) -> Rect:
    x0, y0 = max(rect[0], within[0]), max(rect[1], within[1])
    x1, y1 = min(rect[2], within[2]), min(rect[3], within[3])
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else within


def _limit(exc: LimitReachedError) -> str:
    """pypdf's name for the limit, without the figures that follow it."""
    return _why(exc).split(". ")[0]


def why(exc: BaseException) -> str:
    """A reader's exception as a short reason for a message (no bytes, at most 160 characters)."""
    return _why(exc)


def _why(exc: BaseException) -> str:
    text = re.sub(r"\s*(starting with)?:? b['\"].*", "", str(exc)).strip().rstrip(".") or type(exc).__name__
    return text if len(text) < 160 else text[:157] + "..."


def source_labels(pdf: SourcePdf) -> list[str]:
    """The page labels of the source's pages, added blank pages numbered on from the last
    (a page a layout had printed would have carried the next number)."""
    labels = page_labels(pdf.reader)
    added = len(pdf) - len(labels)
    if added <= 0:
        return labels
    last = labels[-1] if labels else "0"
    start = int(last) + 1 if last.isdigit() else len(labels) + 1
    return labels + [str(n) for n in range(start, start + added)]


def page_labels(reader: PdfReader) -> list[str]:
    """The source's page labels (``i``, ``ii``, ``1`` …), or plain numbers when it has none."""
    count = len(reader.pages)
    with quiet_pypdf():
        try:
            if "/PageLabels" in reader.root_object:
                labels = list(reader.page_labels)
                if len(labels) == count:
                    return labels
        except READ_ERRORS:
            pass
    return [str(n) for n in range(1, count + 1)]
