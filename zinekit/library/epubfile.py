"""Reading back a built EPUB: its package document, its cover image, its pages in
reading order — for the thumbnails and the search of issues found current."""

from __future__ import annotations

import zipfile

from lxml import etree

#: The largest member read back (bytes, uncompressed): a page, a cover image.
MAX_MEMBER_BYTES = 20_000_000
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def package(book: zipfile.ZipFile) -> tuple[str, etree._Element]:
    """The package document's name and root (``KeyError`` when there is none)."""
    container = etree.fromstring(book.read("META-INF/container.xml"), PARSER)
    rootfile = container.find(".//{*}rootfile")
    name = rootfile.get("full-path") if rootfile is not None else None
    if not name:
        raise KeyError("no package document")
    return name, etree.fromstring(book.read(name), PARSER)


def member(opf_name: str, href: str) -> str:
    """A manifest ``href`` as the name of its zip member."""
    folder = opf_name.rpartition("/")[0]
    return f"{folder}/{href}" if folder else href


def read_member(book: zipfile.ZipFile, name: str) -> bytes | None:
    """A member's bytes, or None when it is larger than :data:`MAX_MEMBER_BYTES`."""
    if book.getinfo(name).file_size > MAX_MEMBER_BYTES:
        return None
    return book.read(name)


def cover_image(book: zipfile.ZipFile) -> bytes | None:
    """The bytes of the item marked ``cover-image``."""
    opf_name, opf = package(book)
    item = opf.find(".//{*}manifest/{*}item[@properties='cover-image']")
    href = item.get("href") if item is not None else None
    return read_member(book, member(opf_name, href)) if href else None


def reading_order(book: zipfile.ZipFile) -> list[str]:
    """The pages of the spine, the navigation and the cover page left out."""
    opf_name, opf = package(book)
    items = {i.get("id"): i for i in opf.iterfind(".//{*}manifest/{*}item")}
    pages = []
    for ref in opf.iterfind(".//{*}spine/{*}itemref"):
        item = items.get(ref.get("idref"))
        if item is None:
            continue
        href = item.get("href") or ""
        if href and "nav" not in (item.get("properties") or "").split() \
                and not href.endswith("cover.xhtml"):
            pages.append(member(opf_name, href))
    return pages
