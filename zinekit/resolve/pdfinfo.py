"""What a back-issue PDF says about itself: page count, page labels and outline.

A back issue that exists only as a PDF is read with pypdf.  Reading is cached in memory
per file path, modification time and size, so a series built again (``zinekit serve``)
does not read unchanged PDFs twice.  A PDF that cannot be read raises
:class:`PdfProblem` with a message written for the user; pypdf's own exceptions never
escape this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    import pypdf


from zinekit.filecache import FileCache
__all__ = ["OutlineItem", "PdfInfo", "PdfProblem", "read_pdf_info", "clear_cache"]


@dataclass(frozen=True)
class OutlineItem:
    """One bookmark: its title, the 1-based physical page it opens, its nesting level."""

    title: str
    page_index: int | None
    level: int


@dataclass(frozen=True)
class PdfInfo:
    """The parts of a PDF the catalog needs."""

    pages: int
    page_labels: tuple[str, ...]
    has_page_labels: bool
    outline: tuple[OutlineItem, ...]


class PdfProblem(Exception):
    """A PDF that cannot be used; ``str()`` completes the sentence "the PDF …"."""


_cache: FileCache[PdfInfo] = FileCache(lambda path: _read(Path(path)))


def clear_cache() -> None:
    """Forget every PDF read so far (tests use it)."""
    _cache.clear()


def read_pdf_info(path: Path) -> PdfInfo:
    """Read ``path`` once per version of the file; raise :class:`PdfProblem` if unusable."""
    try:
        path.stat()
    except FileNotFoundError:
        raise PdfProblem("does not exist") from None
    except OSError as exc:
        raise PdfProblem(f"cannot be opened ({exc.strerror or exc})") from None
    if not path.is_file():
        raise PdfProblem("is not a file")
    return _cache.get(path)


def _read(path: Path) -> PdfInfo:
    with open(path, "rb") as handle:
        start = handle.read(1024)
    if not start:
        raise PdfProblem("is an empty file")
    if b"%PDF-" not in start:
        raise PdfProblem("is not a PDF file (it does not start with %PDF-)")
    import pypdf  # loaded only when a back issue's PDF is read
    import pypdf.errors

    from zinekit.impose.source import READ_ERRORS, quiet_pypdf, unlock, why

    with quiet_pypdf():
        try:
            reader = pypdf.PdfReader(str(path), strict=False)
            unlock(reader, lambda message: PdfProblem(message.removeprefix("the PDF ")))
            pages = len(reader.pages)
            if pages == 0:
                raise PdfProblem("has no pages")
            labels = tuple(str(label) for label in reader.page_labels)
            has_labels = "/PageLabels" in reader.root_object
            outline = tuple(_walk_outline(reader, _outline_of(reader), 1))
        except PdfProblem:
            raise
        except pypdf.errors.LimitReachedError as exc:  # a decompression bomb, say
            limit = why(exc).split(". ")[0]
            raise PdfProblem(f"is refused: it exceeds a safety limit of the PDF reader ({limit})") from exc
        except READ_ERRORS as exc:  # pypdf raises many kinds of exception on damaged files
            raise PdfProblem(f"cannot be read as a PDF ({why(exc)})") from exc
    return PdfInfo(pages, labels, has_labels, outline)


def _outline_of(reader: pypdf.PdfReader) -> list[Any]:
    try:
        return list(reader.outline)
    except Exception:  # a broken outline is as good as none: pages still resolve
        return []


def _walk_outline(reader: pypdf.PdfReader, items: list[Any], level: int) -> Iterator[OutlineItem]:
    """pypdf gives a flat list where a nested list holds the children of the item before it."""
    for item in items:
        if isinstance(item, list):
            yield from _walk_outline(reader, item, level + 1)
            continue
        title = " ".join(str(getattr(item, "title", "") or "").split())
        if title:
            yield OutlineItem(title, _page_of(reader, item), level)


def _page_of(reader: pypdf.PdfReader, destination: Any) -> int | None:
    try:
        number = reader.get_destination_page_number(destination)
    except Exception:
        return None
    if number is None or number < 0:
        return None
    return number + 1
