"""Coverage-guided fuzzing of the two PDF readers: the back-issue reader
(``zinekit.resolve.pdfinfo.read_pdf_info``) and the imposition source check
(``zinekit.impose.source.open_source``, which decodes every content stream).

    python benchmarks/fuzz/fuzz_pdf.py -max_total_time=180 [corpus folder]

A damaged PDF must raise ``PdfProblem`` or a ``ZinekitError``; any other exception is a
crash.  See docs/fuzzing.md.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["zinekit", "pypdf"]):
    from zinekit.errors import ZinekitError
    from zinekit.impose.source import open_source
    from zinekit.resolve.pdfinfo import PdfProblem, clear_cache, read_pdf_info

MAX_INPUT = 64 * 1024
FOLDER = Path(tempfile.mkdtemp(prefix="zinekit-fuzz-pdf-"))
PATH = FOLDER / "back.pdf"


def test_one_input(data: bytes) -> None:
    if len(data) > MAX_INPUT:
        return
    PATH.write_bytes(data)
    clear_cache()
    try:
        read_pdf_info(PATH)
    except PdfProblem:
        pass
    try:
        open_source(data, "in.pdf")
    except ZinekitError:
        pass


def main() -> None:
    logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
