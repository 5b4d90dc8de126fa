"""What a build and a check tell their user: each file announced once, with what it is;
why the press PDF has a page more; every error of a check in one run; the commands'
help in whole phrases; and a download page offering only what the build made."""

from __future__ import annotations

import re

from pypdf import PdfReader

from tests.render.test_web import download_links

LONE = "---\ntitle: Two Pages\n---\n\nA short text.\n\n# Second part\n\nAnd its end.\n"


def test_help_gives_each_command_in_a_whole_phrase(cli):
    run = cli("--help")
    assert run.exit_code == 0
    commands = run.output.split("Commands:\n")[1].splitlines()
    assert [line.split(None, 1)[1] for line in commands if line.strip()] == [
        "Build one issue from chosen texts of the library.",
        "Build an issue, or every issue of a series.",
        "List the series: issues, articles, references.",
        "Report every problem, writing no files.",
        "Turn a text as received into Markdown.",
        "Impose any PDF for printing and folding.",
        "Scaffold a series with one example issue.",
        "Check any PDF for what a press rejects.",
        "Report what a designer would mark on the laid-out pages.",
        "Live preview in the browser, rebuilt on save.",
    ]
    assert "..." not in run.output.split("Commands:")[1]


def test_each_file_is_announced_once_and_the_press_pdf_says_why_it_has_a_page_more(
        cli, make_project):
    root = make_project({"notes.md": LONE})
    run = cli("build", "notes.md", "--format", "pdf,booklet,press", cwd=root)
    assert run.exit_code == 0, run.output
    out = root / "dist" / "notes"
    reading = len(PdfReader(str(out / "notes.pdf")).pages)
    press = len(PdfReader(str(out / "notes-press.pdf")).pages)
    assert press == reading + 1
    lines = run.output.splitlines()
    assert [line for line in lines if "notes-booklet-a4.pdf" in line] == [
        next(line for line in lines if line.startswith("wrote dist/notes/notes-booklet-a4.pdf ("))]
    booklet = next(line for line in lines if "notes-booklet-a4.pdf" in line)
    assert re.fullmatch(r"wrote dist/notes/notes-booklet-a4\.pdf \(\d+ KB\): saddle-stitched "
                        r"booklet; .*", booklet)
    assert not any(line.startswith("Wrote") for line in lines)
    assert [line for line in lines if "notes-press.pdf" in line] == [
        f"wrote dist/notes/notes-press.pdf ({(out / 'notes-press.pdf').stat().st_size // 1024} "
        f"KB): {press} pages where the reading PDF has {reading}: the print edition always "
        "ends on a back cover (the blurb and colophon, which the reading PDF has only when it "
        "has something to say) and prints the address of each link (docs/covers.md)"]


def test_check_reports_the_text_and_the_layout_errors_in_one_run(cli, make_project):
    root = make_project({
        "notes.md": "---\ntitle: Test\ncolour: red\n---\n\nSome text.\n\n![A map](map.png)\n",
        "map.png": "this is not a picture",
    })
    run = cli("check", "notes.md", cwd=root)
    assert run.exit_code == 1
    assert run.output.splitlines() == [
        "notes.md:3:1: error: unknown front matter key 'colour' (prefix it with 'x-' to keep "
        "private data)",
        "notes.md:8:1: error: image could not be loaded (not an image, or damaged): map.png",
        "check found 2 errors",
    ]


def test_check_of_a_series_checks_the_issues_citing_one_with_errors(cli, make_project):
    root = make_project({
        "zinekit.toml": '[series]\nname = "Small Hours"\n[[issues]]\nvolume = 1\n'
                        'source = "vol1.md"\n[[issues]]\nvolume = 2\nsource = "vol2.md"\n',
        "vol1.md": "---\ntitle: One\ncolour: red\n---\n\nThe first text.\n",
        "vol2.md": "---\ntitle: Two\nshade: blue\n---\n\nA reply [see Small Hours vol.1].\n",
    })
    run = cli("check", cwd=root)
    assert run.exit_code == 1
    assert "not built" not in run.output
    assert "vol1.md:3:1: error: unknown front matter key 'colour'" in run.output
    assert "vol2.md:3:1: error: unknown front matter key 'shade'" in run.output


def test_an_imported_texts_leftover_note_is_not_sent_back_to_import(cli, make_project):
    root = make_project({"notes.md": "---\ntitle: T\n---\n\nA claim¹ here.\n"})
    run = cli("check", "notes.md", cwd=root)
    assert run.output.splitlines()[0] == (
        "notes.md:5:8: warning: note call '¹' is a superscript number, not a footnote: write "
        "[^1] and its note, or drop the number (`zinekit import` converts only numbers that "
        "have both a call and a note)")


def test_the_download_page_offers_only_what_the_build_made(cli, make_project):
    root = make_project({
        "zinekit.toml": '[series]\nname = "Small Hours"\n[[issues]]\nvolume = 1\n'
                        'source = "vol1.md"\n[[issues]]\nvolume = 2\nsource = "vol2.md"\n',
        "vol1.md": "---\ntitle: One\n---\n\nThe first text.\n",
        "vol2.md": "---\ntitle: Two\n---\n\nThe second text.\n",
    })
    run = cli("build", "vol1.md", "--format", "press", cwd=root)  # a one-off press PDF
    assert run.exit_code == 0, run.output
    dist = root / "dist"
    (dist / "small-hours-vol-2").mkdir()
    (dist / "small-hours-vol-2" / "small-hours-vol-2-cover.pdf").write_bytes(b"%PDF-1.7 old")
    run = cli("build", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    assert (dist / "small-hours-vol-1" / "small-hours-vol-1-press.pdf").is_file()
    links = download_links((dist / "index.html").read_text(encoding="utf-8"))
    assert sorted(links) == ["small-hours-vol-1/small-hours-vol-1.pdf",
                             "small-hours-vol-2/small-hours-vol-2.pdf"]
    # an issue found up to date offers what its last build made
    run = cli("build", "--format", "pdf", "--force", cwd=root)
    (dist / "index.html").unlink()
    run = cli("build", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    links = download_links((dist / "index.html").read_text(encoding="utf-8"))
    assert sorted(links) == ["small-hours-vol-1/small-hours-vol-1.pdf",
                             "small-hours-vol-2/small-hours-vol-2.pdf"]
