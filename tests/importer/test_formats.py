"""HTML, Jekyll/Hugo, Muse, docx and odt: what each keeps, converts, drops and reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.importer.helpers import FIXTURES
from zinekit.importer import import_file


def test_html_article_kept_and_chrome_dropped():
    out = import_file(FIXTURES / "night-market.html")
    body = out.body
    assert out.meta["title"] == "What the Night Market Taught Us"
    assert out.meta["authors"] == ["Ines Marrow"] and out.meta["date"] == "2019-05-14"
    assert "## Three rules nobody wrote down" in body
    assert "3. Whoever arrives first" in body and "4. Prices are *said*" in body
    assert "> We kept the fire going" in body
    assert "![Paper lamps strung over the lane](images/lamps.jpg \"lamps\")" in body
    assert "[first issue](https://example.org/zine)" in body
    assert "decided it.[^1]" in body and "[^1]: Counted twice, once by each of us." in body
    assert "↩" not in body
    for chrome in ("min read", "claps", "Sign up", "More from Medium", "analytics", "About the"):
        assert chrome not in body
    assert "> The night market is back" in body
    assert "<https://twitter.com/porchlights/status/123>" in body
    assert "> Walking the lane at night" in body and "```" not in body and "<iframe" not in body
    dropped = " ".join(e.message for e in out.report.entries)
    assert "<script>" in dropped and "newsletter" in dropped and "<iframe>" in dropped


def test_jekyll_post_tufte_tags():
    out = import_file(FIXTURES / "porch-post.md")
    assert out.meta["title"] == "Porch Lights After Midnight" and out.meta["date"] == "2022-09-17"
    assert out.meta["authors"] == ["Tal Oduya"] and out.meta["notes"] == "side"
    assert out.meta["x-layout"] == "post" and out.meta["x-categories"] == ["nights", "neighbours"]
    body = out.body
    assert body.startswith("The porch light stays on after midnight")
    assert "can stop.[^porch]" in body and "[^porch]: The bulb is changed every second winter." in body
    assert "knock,[^knock]" in body and "[^knock]: Most do not." in body
    assert "> Leave the light on; someone is still out.\n>\n> — A neighbour, *Overheard*" in body
    assert "\n![The step where people sit](images/steps.jpg)\n" in body
    assert "{% include share-buttons.html %}" in body
    assert "{% raw %}{% sidenote 'x' 'inside code stays' %}{% endraw %}" in body
    assert "> The porch at night" in body
    assert [(e.line, e.col) for e in out.report.warnings] == [(17, 1)]  # the include


def test_jekyll_front_matter_errors_are_located(tmp_path):
    from zinekit.errors import SourceError

    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        import_file(bad)
    assert str(caught.value.diagnostic).startswith(f"{bad}:2:17: error: front matter is not valid YAML")


def test_hugo_toml_front_matter(tmp_path):
    post = tmp_path / "post.md"
    post.write_text('+++\ntitle = "Night Buses"\ndraft = true\n+++\n\nThe 2 a.m. bus.\n',
                    encoding="utf-8")
    out = import_file(post)
    assert out.meta == {"title": "Night Buses", "x-draft": True}
    assert out.body == "The 2 a.m. bus.\n"


def test_muse_notes_secondary_notes_and_structure():
    out = import_file(FIXTURES / "substations.muse")
    body = out.body
    assert out.meta["title"] == "The Quiet Substations" and out.meta["authors"] == ["Rowan Vell"]
    assert out.meta["source"] == "Ember Tide vol.2"
    assert "# The hum" in body and "## Further afield" in body
    assert "> We measured it once" in body
    assert "*Wires Under the Floor*" in body
    assert "by choice.[^1]" in body and "walls,[^2]" in body
    assert '[^1]: Estate agents call this "proximity to infrastructure".' in body
    assert "[^2]: ed. – The editors live next to one." in body
    assert "A note that nothing calls." in body
    assert [(e.line, "no call" in e.message) for e in out.report.warnings] == [(27, True)]


def pandoc_file(tmp_path: Path, suffix: str) -> Path:
    pypandoc = pytest.importorskip("pypandoc")
    source = ("---\ntitle: Folding Night\nauthor: [Ines Marrow, Tal Oduya]\n---\n\n"
              "# The table\n\nWe fold on Thursdays.[^1] The *long* table is best.\n\n"
              "## After\n\nTea, then sweeping.[^2]\n\n"
              "[^1]: Unless it rains.\n\n[^2]: ed. – The sweeping is optional.\n")
    target = tmp_path / f"folding{suffix}"
    pypandoc.convert_text(source, suffix[1:], format="markdown-smart", outputfile=str(target))
    return target


@pytest.mark.parametrize("suffix", [".docx", ".odt"])
def test_office_documents_with_footnotes_and_properties(tmp_path, suffix):
    out = import_file(pandoc_file(tmp_path, suffix))
    assert out.meta["title"] == "Folding Night"
    assert out.meta["authors"] == ["Ines Marrow", "Tal Oduya"]
    body = out.body
    assert "# The table" in body and "## After" in body
    assert "Thursdays.[^1] The *long* table is best." in body
    assert "[^1]: Unless it rains." in body and "[^2]: ed. – The sweeping is optional." in body
    assert "Folding Night" not in body and "<span" not in body


def test_word_document_made_with_python_docx(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.core_properties.title = "Minutes of the Binding Committee"
    document.core_properties.author = "Rowan Vell"
    document.add_heading("Attendance", level=1)
    document.add_paragraph("Four people and a dog.")
    path = tmp_path / "minutes.docx"
    document.save(str(path))
    out = import_file(path)
    assert out.meta["title"] == "Minutes of the Binding Committee"
    assert out.meta["authors"] == ["Rowan Vell"]
    assert "# Attendance" in out.body and "Four people and a dog." in out.body


def test_a_damaged_word_file_is_a_located_error(tmp_path):
    from zinekit.errors import SourceError

    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceError) as caught:
        import_file(bad)
    assert "error: not a Word document" in str(caught.value.diagnostic)
