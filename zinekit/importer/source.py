"""Reading a source file as text, with located errors for what is not text."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from zinekit.errors import SourceError

#: A text bigger than this is refused before it is read (a book is about 1 MB).
MAX_IMPORT_BYTES = 50_000_000


def read_text(path: Path) -> str:
    """The file as NFC text with ``\\n`` line ends; SourceError if it is not UTF-8 text."""
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise SourceError(f"file is {size / 1_000_000:.0f} MB; the limit for one text to "
                              f"import is {MAX_IMPORT_BYTES // 1_000_000} MB", where, 1, 1)
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror or exc}", where) from exc
    if not data.strip():
        raise SourceError("file is empty: there is no text to import", where, 1, 1)
    if b"\0" in data[:8192]:
        raise SourceError("this is a binary file, not text (name its format with --from "
                          "if it is a .docx or .odt)", where, 1, 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError("file is not valid UTF-8 text", where, line, col) from exc
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
