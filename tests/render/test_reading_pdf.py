"""The reading PDF, read back as a reader sees it: text per page, notes, outline, links."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import EXAMPLES, built_pdf, pdf_pages_text


def build_example(tmp_path_factory, name: str) -> Path:
    from click.testing import CliRunner

    from zinekit.cli import main

    out = tmp_path_factory.mktemp(name)
    result = CliRunner().invoke(main, ["build", str(EXAMPLES / "ember-tide" / name),
                                       "--out", str(out), "--format", "pdf"])
    assert result.exit_code == 0, result.output
    return built_pdf(out)


@pytest.fixture(scope="module")
def vol6(tmp_path_factory) -> Path:
    return build_example(tmp_path_factory, "vol6")


@pytest.fixture(scope="module")
def vol7(tmp_path_factory) -> Path:
    return build_example(tmp_path_factory, "vol7")


def test_output_path_is_dist_slug(vol6: Path):
    assert vol6.name == "ember-tide-vol-6.pdf"
    assert vol6.parent.name == "ember-tide-vol-6"


def test_title_page(vol6: Path):
    first = pdf_pages_text(vol6)[0]
    for text in ("The Night Shift Keeps No Minutes", "notes on organising where the lights never go off",
                 "Winter 2025–2026", "Anonymous", "edited by the Ember Tide collective"):
        assert text in first, text
    assert "vol. 6" in first.lower()
    # the licence is the back cover's, not repeated on the title page (docs/covers.md)
    assert "Anti-copyright" not in first
    assert "Anti-copyright. Copy, share, reprint." in pdf_pages_text(vol6)[-1]


def test_running_heads_and_page_numbers(vol6: Path):
    pages = pdf_pages_text(vol6)
    # verso pages carry the page number and the series line, recto pages the title
    assert "4 Ember Tide · vol. 6" in pages[3]
    assert "The Night Shift Keeps No Minutes 3" in pages[2]
    # an article's opening page keeps its folio and drops the head
    assert pages[1].endswith(" 2") and "Ember Tide · vol. 6" not in pages[1]
    assert "Ember Tide" not in pages[0].split("Minutes")[0][:3]  # no running head on the title page


def test_bracket_literals_unchanged_in_print(vol6: Path):
    text = " ".join(pdf_pages_text(vol6))
    assert "[ed. – We have seen the memo." in text
    # a bare title gains the locator it lacked, from the series catalog
    assert "[see The Quiet Substations, Ember Tide vol.3, p.4]" in text


def test_editor_footnote_and_cyrillic(vol6: Path):
    text = " ".join(pdf_pages_text(vol6))
    assert "ed. – Ольга Сергеевна asked us to print her name" in text
    assert "Ζωή" in text


def test_outline_has_headings(vol6: Path, vol7: Path):
    reader = PdfReader(str(vol6))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == ["Three in the morning", "What the minutes are for", "The problem with rooms",
                      "Ζωή’s question"]
    reader7 = PdfReader(str(vol7))
    top = [item.title for item in reader7.outline if not isinstance(item, list)]
    assert top == ["The Seed Library in the Porch", "Mrs Adeyemi’s Key Box", "Letters"]


def test_metadata_and_language(vol6: Path):
    reader = PdfReader(str(vol6))
    info = reader.metadata
    assert info.title.startswith("The Night Shift Keeps No Minutes")
    assert "Anonymous" in info.author
    assert info.subject.startswith("A correspondent who worked three winters")
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_every_font_is_embedded(vol6: Path):
    reader = PdfReader(str(vol6))
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]


def test_contents_page_lists_articles_at_their_pages(vol7: Path):
    import re

    pages = pdf_pages_text(vol7)
    contents = pages[1]
    assert contents.startswith("Contents")
    reader = PdfReader(str(vol7))
    articles = [item for item in reader.outline if not isinstance(item, list)]
    assert len(articles) == 3
    for item in articles:
        page_number = reader.get_destination_page_number(item) + 1
        assert item.title in pages[page_number - 1]
        listed = re.search(re.escape(item.title) + r".*?(?: \.)+ (\d+)", contents)
        assert listed and int(listed.group(1)) == page_number, item.title


def test_contents_links_go_to_the_articles(vol7: Path):
    reader = PdfReader(str(vol7))
    annots = [a.get_object() for a in reader.pages[1].get("/Annots", [])]
    internal = [a for a in annots if a.get("/Subtype") == "/Link" and "/Dest" in a or
                ("/A" in a and a["/A"].get("/S") == "/GoTo")]
    assert len(internal) >= 3


def test_footnotes_restart_per_article(vol7: Path):
    pages = pdf_pages_text(vol7)
    text = " ".join(pages)
    assert "1. We tried counting once" in text
    assert "1. The key safe is still in the lobby" in text


def test_figure_caption(vol7: Path):
    text = " ".join(pdf_pages_text(vol7))
    assert "Envelopes in the seed box, drawn by a visitor to the spring swap" in text


def test_reproducible_with_source_date_epoch(tmp_path: Path, monkeypatch):
    from click.testing import CliRunner

    from zinekit.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    outputs = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = CliRunner().invoke(main, ["build", str(EXAMPLES / "ember-tide" / "vol6"),
                                           "--out", str(out), "--format", "pdf", "-q"])
        assert result.exit_code == 0, result.output
        outputs.append(built_pdf(out).read_bytes())
    assert outputs[0] == outputs[1]
    import io

    created = PdfReader(io.BytesIO(outputs[0])).metadata.creation_date
    assert created is not None and created.strftime("%Y-%m-%d") == "2026-01-01"


def test_file_identifier_derived_from_the_content(vol6: Path):
    """The trailer's /ID: the first part stays with the issue's HTML, the second is the
    file's own digest; every offset in the file still holds (qpdf reads it cleanly)."""
    import hashlib
    import shutil
    import subprocess

    data = vol6.read_bytes()
    first, second = PdfReader(str(vol6), strict=True).trailer["/ID"]
    assert len(first) == 32 and first != second
    without = data.replace(b"/ID [(" + first.encode() + b") (" + second.encode() + b")]", b"")
    assert len(without) < len(data)
    assert hashlib.md5(without).hexdigest() == second
    if shutil.which("qpdf"):
        check = subprocess.run(["qpdf", "--check", str(vol6)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("compress", [True, False], ids=["xref-stream", "classic-trailer"])
@pytest.mark.parametrize("own", [False, True], ids=["without-id", "with-its-own-id"])
def test_file_identifier_in_either_trailer(compress: bool, own: bool):
    """The identifier goes into either form of trailer; a file that has one keeps it
    (a PDF/X file gets its own from WeasyPrint) rather than getting a second."""
    import io

    import pydyf

    from zinekit.render.pdf_write import with_file_identifier

    pdf = pydyf.PDF()
    pdf.add_page(pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference,
                                   "MediaBox": pydyf.Array([0, 0, 200, 300])}))
    out = io.BytesIO()
    pdf.write(out, compress=compress, identifier=b"e" * 32 if own else False)
    data = with_file_identifier(out.getvalue(), b"f" * 32)
    reader = PdfReader(io.BytesIO(data), strict=True)  # strict: one /ID, offsets right
    assert reader.trailer["/ID"][0] == ("e" if own else "f") * 32
    assert data == out.getvalue() if own else len(data) > len(out.getvalue())
    assert len(reader.pages) == 1
