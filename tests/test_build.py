"""`zinekit build` and `zinekit check` end to end: outputs, failures, safety."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from pypdf import PdfReader

from tests.conftest import built_pdf, pdf_pages_text

SIMPLE = """
---
title: A Small Pamphlet
language: en
---

Some text with a note.[^1]

[^1]: The note.
"""


def test_single_file_builds_with_no_project_file(cli, make_project):
    root = make_project({"notes.md": SIMPLE})
    run = cli("build", "notes.md", cwd=root)
    assert run.exit_code == 0, run.output
    pdf = root / "dist" / "notes" / "notes.pdf"
    assert pdf.is_file()
    assert "A Small Pamphlet" in pdf_pages_text(pdf)[0]


def test_footnote_text_sits_on_the_page_of_its_call(cli, make_project):
    paragraphs = []
    notes = []
    for n in range(1, 31):
        filler = " ".join(["words that fill the page"] * (8 + n % 5))
        paragraphs.append(f"Paragraph {n} {filler} CALL{n:02d}MARK.[^n{n}] {filler}")
        notes.append(f"[^n{n}]: NOTE{n:02d}TEXT " + " ".join(["a longer note"] * (n % 7 + 1)))
    root = make_project({"long.md": "---\ntitle: Long\n---\n\n" + "\n\n".join(paragraphs)
                         + "\n\n" + "\n".join(notes) + "\n"})
    run = cli("build", "long.md", cwd=root)
    assert run.exit_code == 0, run.output
    pages = pdf_pages_text(built_pdf(root / "dist"))
    assert len(pages) > 5
    for n in range(1, 31):
        call = [i for i, text in enumerate(pages) if f"CALL{n:02d}MARK" in text]
        note = [i for i, text in enumerate(pages) if f"NOTE{n:02d}TEXT" in text]
        assert call and call == note, f"footnote {n}: call on {call}, text on {note}"


def test_failed_build_keeps_the_previous_good_file(cli, make_project):
    root = make_project({"notes.md": SIMPLE})
    assert cli("build", "notes.md", cwd=root).exit_code == 0
    pdf = root / "dist" / "notes" / "notes.pdf"
    good = pdf.read_bytes()
    (root / "notes.md").write_text("---\ntitle: A\nbogus: 1\n---\n[ed. – unclosed\n", encoding="utf-8")
    run = cli("build", "notes.md", cwd=root)
    assert run.exit_code == 1
    assert "notes.md:3:1: error: unknown front matter key 'bogus'" in run.output
    assert "notes.md:5:1: error: editor's note '[ed.' is never closed with a matching ']'" in run.output
    assert "build failed: 2 errors; nothing was written" in run.output
    assert pdf.read_bytes() == good
    assert sorted(p.name for p in pdf.parent.iterdir()) == [
        "notes-booklet-a4.pdf", "notes.epub", "notes.inventory.json", "notes.pdf"]


def test_check_writes_nothing_and_reports(cli, make_project):
    root = make_project({"notes.md": "---\ntitle: A\n---\nText [see Nowhere At All].[^x]\n"})
    run = cli("check", "notes.md", cwd=root)
    assert run.exit_code == 1
    assert ("notes.md:4:11: warning: cross-reference 'see Nowhere At All' names no known text "
            "(no article or issue titled \"Nowhere At All\" in the catalog); left as written") in run.output
    assert "notes.md:4:27: error: footnote [^x] is called but never defined" in run.output
    assert not (root / "dist").exists()


def test_strict_turns_unresolved_references_into_errors(cli, make_project):
    root = make_project({"notes.md": "---\ntitle: A\n---\nText [see Nowhere].\n"})
    assert cli("build", "notes.md", cwd=root).exit_code == 0
    run = cli("build", "notes.md", "--strict", cwd=root)
    assert run.exit_code == 1
    assert "notes.md:4:11: error: cross-reference 'see Nowhere' names no known text" in run.output


def test_unused_footnote_definition_is_an_error(cli, make_project):
    root = make_project({"notes.md": "---\ntitle: A\n---\nText.\n\n[^orphan]: Never called.\n"})
    run = cli("check", "notes.md", cwd=root)
    assert run.exit_code == 1
    assert "notes.md:6:1: error: footnote [^orphan] is defined but never called" in run.output


def test_wrong_usage_exits_2(cli, make_project):
    root = make_project({"notes.md": SIMPLE})
    run = cli("build", "notes.md", "--format", "gif", cwd=root)
    assert run.exit_code == 2
    assert "'gif' is not one of" in run.output


def test_not_markdown_is_a_clear_error(cli, make_project):
    root = make_project({"notes.txt.pdf": "%PDF-1.4 not markdown"})
    run = cli("build", "notes.txt.pdf", cwd=root)
    assert run.exit_code == 1
    assert "notes.txt.pdf: error: not a Markdown file" in run.output


def test_binary_file_is_refused(cli, tmp_path):
    (tmp_path / "bin.md").write_bytes(b"\x00\x01\x02binary")
    run = cli("build", "bin.md", cwd=tmp_path)
    assert run.exit_code == 1
    assert "bin.md:1:1: error: this is a binary file, not Markdown text" in run.output


def test_invalid_utf8_is_located(cli, tmp_path):
    (tmp_path / "latin.md").write_bytes(b"---\ntitle: A\n---\ncaf\xe9\n")
    run = cli("build", "latin.md", cwd=tmp_path)
    assert run.exit_code == 1
    assert "latin.md:4:4: error: file is not valid UTF-8 text" in run.output


def test_no_traceback_on_bad_input_from_the_real_command(make_project):
    root = make_project({"bad.md": "---\ntitle: [unclosed\n---\n"})
    proc = subprocess.run([sys.executable, "-m", "zinekit", "build", "bad.md"], cwd=root,
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("bad.md:")


def test_files_outside_the_project_are_not_read(cli, make_project, tmp_path):
    root = make_project({"issue/notes.md": """
        ---
        title: A
        ---
        ![secret](../../outside.png) and ![remote](https://example.org/x.png)
        """})
    run = cli("build", "issue/notes.md", cwd=root)
    assert run.exit_code == 0, run.output
    assert ("issue/notes.md:4:1: warning: not loaded: ../../outside.png "
            "(it is outside the project folder)") in run.output
    assert ("issue/notes.md:4:34: warning: not loaded: https://example.org/x.png "
            "(the network is off (set allow_network = true in [build]))") in run.output


def test_missing_image_is_a_located_error(cli, make_project):
    root = make_project({"notes.md": "---\ntitle: A\n---\n\nText.\n\n![a map](images/map.png)\n"})
    run = cli("build", "notes.md", cwd=root)
    assert run.exit_code == 1
    assert "notes.md:7:1: error: image not found: images/map.png" in run.output


def test_file_that_is_not_an_image(cli, make_project):
    root = make_project({"notes.md": "---\ntitle: A\n---\n\nSee ![chart](chart.png)\n",
                         "chart.png": "this is text, not a PNG"})
    run = cli("build", "notes.md", cwd=root)
    assert run.exit_code == 1
    assert ("notes.md:5:5: error: image could not be loaded (not an image, or damaged): chart.png"
            in run.output)


def test_uncovered_characters_are_reported(cli, make_project, monkeypatch):
    from zinekit.render import fonts

    # a machine whose fonts stop at Armenian: no CJK font installed
    monkeypatch.setattr(fonts, "system_coverage", lambda: frozenset(range(0x0530)))
    root = make_project({"notes.md": "---\ntitle: A\n---\n\nThe word 漢字 in a line.\n"})
    run = cli("build", "notes.md", cwd=root)
    assert run.exit_code == 0
    assert "notes.md:5:10: warning: no available font has '字漢'" in run.output or \
        "notes.md:5:10: warning: no available font has '漢字'" in run.output


@pytest.mark.parametrize("theme", ["pamphlet", "cutpaste"])
def test_both_themes_build(cli, make_project, theme):
    root = make_project({"notes.md": SIMPLE})
    run = cli("build", "notes.md", "--theme", theme, cwd=root)
    assert run.exit_code == 0, run.output
    fonts = set()
    reader = PdfReader(str(root / "dist" / "notes" / "notes.pdf"))
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    expected = {"pamphlet": "Linux-Libertine", "cutpaste": "Courier"}[theme]
    assert any(expected in f for f in fonts), fonts


def test_unknown_theme(cli, make_project):
    root = make_project({"notes.md": SIMPLE})
    run = cli("build", "notes.md", "--theme", "glitter", cwd=root)
    assert run.exit_code == 1
    assert "unknown theme 'glitter' (available: cutpaste, minizine, pamphlet" in run.output


def test_project_can_override_one_template(cli, make_project):
    root = make_project({
        "notes.md": SIMPLE,
        "theme/templates/colophon.html": "<p class='colophon'>PRINTED BY THE TEST COLLECTIVE</p>",
    })
    run = cli("build", "notes.md", cwd=root)
    assert run.exit_code == 0, run.output
    assert "PRINTED BY THE TEST COLLECTIVE" in " ".join(pdf_pages_text(root / "dist/notes/notes.pdf"))


def test_page_size_from_front_matter(cli, make_project):
    root = make_project({"notes.md": "---\ntitle: A\npage_size: A6\n---\nText.\n"})
    assert cli("build", "notes.md", cwd=root).exit_code == 0
    box = PdfReader(str(root / "dist/notes/notes.pdf")).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (298, 420)


def test_series_build_builds_every_source_issue(cli, tmp_path):
    assert cli("new", "zine", cwd=tmp_path).exit_code == 0
    root = tmp_path / "zine"
    run = cli("build", cwd=root)
    assert run.exit_code == 0, run.output
    assert (root / "dist" / "zine-vol-1" / "zine-vol-1.pdf").is_file()


def test_a_new_series_takes_the_page_size_of_the_theme_it_is_given(cli, tmp_path):
    """The scaffold leaves page_size to the theme: minizine's pages are A7, imposed on one
    A4 sheet at full size."""
    assert cli("new", "zine", cwd=tmp_path).exit_code == 0
    root = tmp_path / "zine"
    run = cli("build", "--theme", "minizine", "--format", "pdf,booklet", cwd=root)
    assert run.exit_code == 0, run.output
    assert "source pages of 74 × 105 mm at 100 %" in run.output
    width, height = PdfReader(root / "dist" / "zine-vol-1" / "zine-vol-1.pdf").pages[0].mediabox[2:]
    assert (round(float(width) * 25.4 / 72), round(float(height) * 25.4 / 72)) == (74, 105)


def test_new_refuses_to_overwrite(cli, tmp_path):
    assert cli("new", "zine", cwd=tmp_path).exit_code == 0
    (tmp_path / "zine" / "vol1" / "issue.md").write_text("mine", encoding="utf-8")
    run = cli("new", "zine", cwd=tmp_path)
    assert run.exit_code == 1
    assert "not overwriting existing files" in run.output
    assert (tmp_path / "zine" / "vol1" / "issue.md").read_text(encoding="utf-8") == "mine"


def test_html_edition(cli, make_project):
    root = make_project({"notes.md": SIMPLE})
    run = cli("build", "notes.md", "--format", "html", cwd=root)
    assert run.exit_code == 0, run.output
    assert re.search(r"^notes: built in \d+\.\ds$", run.output, re.M)  # no pages laid out
    html = (root / "dist" / "notes" / "index.html").read_text(encoding="utf-8")
    assert 'class="noteref"' in html and 'role="doc-footnote"' in html


def test_footnotes_numbered_through_the_issue_when_asked(cli, make_project):
    files = {
        "issue/issue.md": "---\ntitle: I\narticles: [a.md, b.md]\n---\n",
        "issue/a.md": "---\ntitle: A\n---\nOne.[^1] Two.[^2]\n\n[^1]: NOTEONE\n[^2]: NOTETWO\n",
        "issue/b.md": "---\ntitle: B\n---\nThree.[^1]\n\n[^1]: NOTETHREE\n",
    }
    root = make_project(files)
    assert cli("build", "issue", "--format", "pdf", cwd=root).exit_code == 0
    text = " ".join(pdf_pages_text(root / "issue" / "dist" / "issue" / "issue.pdf"))
    assert "1. NOTETHREE" in text  # per article by default (the theme's setting)
    (root / "issue" / "zinekit.toml").write_text('[build]\nfootnote_numbering = "issue"\n')
    assert cli("build", "issue", "--format", "pdf,html", cwd=root).exit_code == 0
    text = " ".join(pdf_pages_text(root / "issue" / "dist" / "issue" / "issue.pdf"))
    assert "3. NOTETHREE" in text and "2. NOTETWO" in text
    html = (root / "issue" / "dist" / "issue" / "index.html").read_text(encoding="utf-8")
    assert '<span class="note-number">3.</span>' in html


def test_endnotes_gather_an_articles_notes_at_its_end(cli, make_project):
    filler = "\n\n".join(["Words that take up a page of room. " * 14] * 6)
    root = make_project({"e.md": f"---\ntitle: E\nnotes: end\n---\nCall.[^1]\n\n{filler}\n\n"
                                 "Last words.\n\n[^1]: ENDNOTETEXT\n"})
    assert cli("build", "e.md", "--format", "pdf", cwd=root).exit_code == 0
    pages = pdf_pages_text(root / "dist" / "e" / "e.pdf")
    call = next(i for i, p in enumerate(pages) if "Call." in p)
    note = next(i for i, p in enumerate(pages) if "ENDNOTETEXT" in p)
    assert note > call
    assert "Notes 1. ENDNOTETEXT" in pages[note]


def test_side_notes_sit_in_the_margin_beside_their_call(cli, make_project):
    import subprocess

    root = make_project({"s.md": "---\ntitle: S\nnotes: side\n---\nA call here.[^1] Then text.\n\n"
                                 "[^1]: SIDENOTETEXT beside it.\n"})
    assert cli("build", "s.md", "--format", "pdf", cwd=root).exit_code == 0
    pdf = root / "dist" / "s" / "s.pdf"
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "2", "-l", "2", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    import re

    words = {m.group(3): float(m.group(1)) for m in
             re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]+)<', bbox)}
    assert words["SIDENOTETEXT"] > words["Then"] + 100  # in the right-hand margin
