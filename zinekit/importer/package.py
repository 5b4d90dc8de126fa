"""A .docx or .odt package checked from its zip directory, then copied member by member
so the readers after it (pandoc, python-docx, odfpy) see only what was checked.

A package of a few KB can unpack to gigabytes (a zip bomb), and each reader unpacks
every member whole.  So the number of members, their unpacked sizes and how much each
one inflates are read from the zip directory and bounded before any member is unpacked;
the copy then unpacks each member no further than the size its directory entry gives
(a member that holds more fails its checksum), and an XML member that declares a
DOCTYPE (where entity "laughs" live; no office program writes one) is refused.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from zinekit.errors import SourceError

#: Files in one package: a book with a hundred images holds a few hundred.
MAX_MEMBERS = 5_000
#: Bytes all members unpack to: pandoc holds the text's XML and every image in memory.
MAX_UNPACKED = 200_000_000
#: Bytes the XML members unpack to: pandoc and the steps after it take about a hundred
#: times the XML's size in memory at their peak (a 500-page book's XML is 2-5 MB).
MAX_XML = 8_000_000
#: How many times its packed size a member of more than a megabyte may unpack to:
#: office XML packs 5 to 50 times; a zip bomb 1,000 times.
MAX_RATIO = 200
_CHUNK = 1 << 20


@contextmanager
def checked_package(path: Path, what: str) -> Iterator[Path]:
    """A checked copy of the package ``path`` (``what`` names its kind in messages),
    removed afterwards; :class:`SourceError` for a package past the bounds above."""
    source = str(path)
    try:
        with zipfile.ZipFile(path) as package:
            check_directory(package.infolist(), what, source)
            with tempfile.TemporaryDirectory(prefix="zinekit-package-") as folder:
                copy = Path(folder) / path.name
                _copy_members(package, copy, what, source)
                yield copy
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
            ValueError, OSError) as exc:
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise SourceError(f"not {what} (a damaged zip package: {reason})", source) from exc


def check_directory(members: list[zipfile.ZipInfo], what: str, source: str) -> None:
    """Refuse a package whose zip directory promises more than the bounds allow."""
    refused = f"{what} is refused:"
    if len(members) > MAX_MEMBERS:
        raise SourceError(f"{refused} it holds {len(members):,} files (at most "
                          f"{MAX_MEMBERS:,})", source)
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED:
        raise SourceError(f"{refused} its files unpack to {_mb(total)} (at most "
                          f"{_mb(MAX_UNPACKED)})", source)
    xml = sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels")))
    if xml > MAX_XML:
        raise SourceError(f"{refused} its XML unpacks to {_mb(xml)} (at most "
                          f"{_mb(MAX_XML)})", source)
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _CHUNK and ratio > MAX_RATIO:
            raise SourceError(f"{refused} {member.filename} unpacks to {ratio:,.0f} times its "
                              f"packed size (at most {MAX_RATIO}: a zip bomb?)", source)


def _copy_members(package: zipfile.ZipFile, copy: Path, what: str, source: str) -> None:
    with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as out:
        for member in package.infolist():
            if member.is_dir():
                continue
            entry = zipfile.ZipInfo(member.filename, member.date_time)
            with package.open(member) as data, out.open(entry, "w") as target:
                first = data.read(_CHUNK)
                if member.filename.endswith((".xml", ".rels")) and _declares_doctype(first):
                    raise SourceError(f"{what} is refused: {member.filename} declares a "
                                      "DOCTYPE (entities), which no office program writes",
                                      source)
                target.write(first)
                shutil.copyfileobj(data, target, _CHUNK)


def _declares_doctype(head: bytes) -> bool:
    """A DOCTYPE in the first megabyte (XML allows one only before the first element)."""
    return b"<!DOCTYPE" in head or b"<!ENTITY" in head


def _mb(size: int) -> str:
    megabytes = size / 1_000_000
    return f"{megabytes:,.0f} MB" if megabytes >= 10 else f"{megabytes:.1f} MB"
