"""A blank back cover the imposition adds prints as a source that ends on a blank page
does: the same sheets, the same report, for every layout."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from zinekit.impose import ImposeOptions, impose_pdf
from zinekit.impose.registry import LAYOUTS


def with_blank_page(source: Path, target: Path) -> Path:
    writer = PdfWriter(clone_from=str(source))
    box = writer.pages[-1].mediabox
    writer.add_blank_page(float(box.width), float(box.height))
    writer.write(str(target))
    return target


def sides_text(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


CASES = [(name, {}) for name in LAYOUTS] + [
    ("saddle", {"cover": "separate"}), ("saddle", {"binding": "rtl"}),
    ("perfect", {"flyleaves": "1"}), ("saddle", {"blanks": "end"}),
]


@pytest.mark.parametrize("layout, extra", CASES, ids=[f"{n}-{'-'.join(e.values()) or 'plain'}"
                                                       for n, e in CASES])
@pytest.mark.parametrize("size", [0, 1])
def test_added_blank_back_is_a_blank_last_page(numbered_pdf, tmp_path, layout, extra, size):
    count = ((5, 7) if layout == "onepagezine" else (9, 14))[size]  # a one-page zine has 8
    source = numbered_pdf(count)
    laid = with_blank_page(source, tmp_path / "laid.pdf")
    options = ImposeOptions.parse(layout=layout, **{k: str(v) for k, v in extra.items()})
    one = impose_pdf(source, tmp_path / "one.pdf", replace(options, blank_back=True))
    two = impose_pdf(laid, tmp_path / "two.pdf", options)
    assert sides_text(tmp_path / "one.pdf") == sides_text(tmp_path / "two.pdf")
    assert str(one).replace("one.pdf", "") == str(two).replace("two.pdf", "")
    labels = [PdfReader(str(tmp_path / name)).trailer["/Root"]["/PageLabels"] for name in ("one.pdf", "two.pdf")]
    assert labels[0] == labels[1]
    assert one.pages == count + 1
