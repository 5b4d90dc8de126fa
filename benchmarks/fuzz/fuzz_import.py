"""Coverage-guided fuzzing of `zinekit import`: HTML, Jekyll/Hugo, plain text, Muse,
and .docx/.odt packages.

    python benchmarks/fuzz/fuzz_import.py -max_total_time=180 [corpus folder]

The first byte of each input picks the format; the rest is the file (for docx and odt,
the rest is split at NUL bytes into the members of a zip package, each named after a
member office programs write).  Importing must end in an :class:`Imported` or in
zinekit's own :class:`ZinekitError`: any other exception is a crash.  See
docs/fuzzing.md.
"""

from __future__ import annotations

import io
import sys
import tempfile
import zipfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["zinekit", "markdownify", "trafilatura"]):
    from zinekit.errors import ZinekitError
    from zinekit.importer import import_file
    # the importers are imported when a format is first met: bring them in instrumented
    from zinekit.importer import html, jekyll, muse, office, plaintext  # noqa: F401

#: Longer inputs only make each run slower; size problems are tested in the test suite.
MAX_INPUT = 8192
FORMATS = ("html", "jekyll", "text", "muse", "docx", "odt")
ENDINGS = {"html": "html", "jekyll": "md", "text": "txt", "muse": "muse", "docx": "docx",
           "odt": "odt"}
MEMBERS = ("[Content_Types].xml", "word/document.xml", "_rels/.rels", "docProps/core.xml",
           "mimetype", "content.xml", "meta.xml", "styles.xml", "media/image1.png")


def package(data: bytes) -> bytes:
    """A zip package whose members are the NUL-separated parts of ``data``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, part in zip(MEMBERS, data.split(b"\0")):
            out.writestr(name, part)
    return buffer.getvalue()


def test_one_input(data: bytes) -> None:
    if len(data) < 2 or len(data) > MAX_INPUT:
        return
    fmt = FORMATS[data[0] % len(FORMATS)]
    body = package(data[1:]) if fmt in ("docx", "odt") else data[1:]
    with tempfile.TemporaryDirectory(prefix="zk-fuzz-import-") as folder:
        path = Path(folder) / f"in.{ENDINGS[fmt]}"
        path.write_bytes(body)
        try:
            import_file(path, fmt).markdown()
        except ZinekitError:
            pass


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
