"""`zinekit import` on the command line: files written whole, never overwritten without
--force, a folder issue, located errors with exit 1, wrong usage with exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.importer.helpers import FIXTURES

TEXT = "Lamps\n\nThe lamps were lit early.¹ Nobody objected.\n\n¹ They always are.\n"


def test_import_writes_markdown_and_prints_the_report(cli, tmp_path):
    (tmp_path / "lamps.txt").write_text(TEXT, encoding="utf-8")
    run = cli("import", "lamps.txt", "-o", "lamps.md", cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    assert (tmp_path / "lamps.md").read_text(encoding="utf-8") == (
        "---\ntitle: Lamps\n---\n\nThe lamps were lit early.[^1] Nobody objected.\n\n"
        "[^1]: They always are.\n")
    assert "lamps.txt:1:1: note: first line read as the title: 'Lamps'" in run.stderr
    assert "imported lamps.txt → lamps.md: notes joined: 1" in run.output


def test_output_is_not_overwritten_without_force(cli, tmp_path):
    (tmp_path / "lamps.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "lamps.md").write_text("keep me", encoding="utf-8")
    run = cli("import", "lamps.txt", "-o", "lamps.md", cwd=tmp_path)
    assert run.exit_code == 1
    assert "lamps.md already exists; not overwritten (use --force" in run.stderr
    assert (tmp_path / "lamps.md").read_text(encoding="utf-8") == "keep me"
    assert cli("import", "lamps.txt", "-o", "lamps.md", "--force", cwd=tmp_path).exit_code == 0
    assert "[^1]" in (tmp_path / "lamps.md").read_text(encoding="utf-8")


def test_from_names_the_format(cli, tmp_path):
    (tmp_path / "page.dat").write_text((FIXTURES / "night-market.html").read_text(), encoding="utf-8")
    assert cli("import", "page.dat", "-o", "a.md", cwd=tmp_path).exit_code == 1
    assert cli("import", "page.dat", "-o", "a.md", "--from", "html", cwd=tmp_path).exit_code == 0
    assert "## Three rules" in (tmp_path / "a.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [("lamps.txt",), ("lamps.txt", "--into", "vol9"),
                                  ("lamps.txt", "-o", "x.md", "--from", "pdf")])
def test_wrong_usage_exits_2(cli, tmp_path, args):
    (tmp_path / "lamps.txt").write_text(TEXT, encoding="utf-8")
    assert cli("import", *args, cwd=tmp_path).exit_code == 2


@pytest.mark.parametrize("name, data, message", [
    ("empty.txt", b"\n\n", "empty.txt:1:1: error: file is empty: there is no text to import"),
    ("latin.txt", b"Caf\xe9 society\n", "latin.txt:1:4: error: file is not valid UTF-8 text"),
    ("bin.txt", b"\x7fELF\x00\x00binary", "bin.txt:1:1: error: this is a binary file, not text"),
    ("post.md", b"---\ntitle: [open\n---\n", "post.md:2:13: error: front matter is not valid YAML"),
])
def test_bad_input_is_a_located_error(cli, tmp_path, name, data, message):
    (tmp_path / name).write_bytes(data)
    run = cli("import", name, "-o", "out.md", cwd=tmp_path)
    assert run.exit_code == 1 and run.stderr.startswith(message), run.stderr
    assert not (tmp_path / "out.md").exists()


def test_a_folder_becomes_a_folder_issue(cli, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "02-night.muse").write_text((FIXTURES / "substations.muse").read_text(), encoding="utf-8")
    (inbox / "01 Lamps.txt").write_text(TEXT, encoding="utf-8")
    (inbox / "notes.pdf").write_bytes(b"%PDF-1.4")
    run = cli("import", "inbox", "--into", "vol9", cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    issue = (tmp_path / "vol9" / "issue.md").read_text(encoding="utf-8")
    assert "articles:\n- 01-lamps.md\n- 02-night.md\n" in issue
    night = (tmp_path / "vol9" / "02-night.md").read_text(encoding="utf-8")
    assert "\nsource: Ember Tide vol.2\n" in night  # an article's front matter has source
    built = cli("check", "vol9", cwd=tmp_path)
    assert built.exit_code == 0, built.stderr


def test_missing_extra_is_one_line(cli, tmp_path, monkeypatch):
    import importlib

    real_import = importlib.import_module

    def no_markdownify(name, *args, **kwargs):
        if name == "markdownify":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", no_markdownify)
    (tmp_path / "page.html").write_text((FIXTURES / "night-market.html").read_text(), encoding="utf-8")
    run = cli("import", "page.html", "-o", "page.md", cwd=tmp_path)
    assert run.exit_code == 1
    assert run.stderr == ("error: importing this format needs markdownify: "
                          "pip install 'zinekit[import]'\n")


def test_the_real_command_prints_no_traceback(tmp_path):
    (tmp_path / "latin.txt").write_bytes(b"Caf\xe9\n")
    proc = subprocess.run([sys.executable, "-m", "zinekit", "import", "latin.txt", "-o", "o.md"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr == "latin.txt:1:4: error: file is not valid UTF-8 text\n"


POST = ("---\nlayout: post\ntitle: \"Night Buses\"\ndate: 2021-04-05 05:23:00\n---\n\n"
        "## The last run\n\nThe depot closes at one.\n")


def test_a_post_saved_as_text_is_read_as_a_post(cli, tmp_path):
    (tmp_path / "post.txt").write_text(POST, encoding="utf-8")
    run = cli("import", "post.txt", "-o", "post.md", cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    written = (tmp_path / "post.md").read_text(encoding="utf-8")
    assert written.startswith("---\ntitle: Night Buses\ndate: '2021-04-05'\n")
    assert "\n## The last run\n\nThe depot closes at one.\n" in written
    assert ("post.txt:1:1: note: read as a Jekyll/Hugo post (what the file holds), not as "
            "plain text; --from text reads it as plain text") in run.stderr
    assert cli("build", "post.md", "--format", "epub", cwd=tmp_path).exit_code == 0


def test_a_saved_page_named_as_text_is_read_as_html(cli, tmp_path):
    page = ("<!DOCTYPE html>\n<html><head><title>Night Buses</title></head><body>"
            "<article><h1>Night Buses</h1><p>The depot closes at <em>one</em>.</p>"
            "</article></body></html>\n")
    (tmp_path / "page.txt").write_text(page, encoding="utf-8")
    run = cli("import", "page.txt", "-o", "page.md", cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    written = (tmp_path / "page.md").read_text(encoding="utf-8")
    assert "The depot closes at *one*." in written and "<" not in written
    assert "read as an HTML page (what the file holds)" in run.stderr


@pytest.mark.parametrize("text", [
    "---\n\nA rule first, then text.\n",  # a line of dashes, no front matter after it
    "---\nJust a line of prose between rules\n---\n\nMore prose.\n",  # no key: value
])
def test_text_that_only_looks_like_a_post_stays_text(cli, tmp_path, text):
    (tmp_path / "notes.txt").write_text(text, encoding="utf-8")
    run = cli("import", "notes.txt", "-o", "notes.md", cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    assert "read as" not in run.stderr


def test_from_text_reads_a_post_as_plain_text(cli, tmp_path):
    (tmp_path / "post.txt").write_text(POST, encoding="utf-8")
    run = cli("import", "post.txt", "-o", "post.md", "--from", "text", cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    assert "read as a Jekyll" not in run.stderr
    assert "layout: post" in (tmp_path / "post.md").read_text(encoding="utf-8")


SERIES = '[series]\nname = "Night Post"\n\n[[issues]]\nvolume = 3\nsource = "vol3.md"\n'


def test_a_text_imported_into_a_series_says_how_it_joins_it(cli, tmp_path):
    (tmp_path / "lamps.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "zinekit.toml").write_text(SERIES, encoding="utf-8")
    (tmp_path / "vol3.md").write_text("---\ntitle: Three\n---\n\nText.\n", encoding="utf-8")
    (tmp_path / "vol4").mkdir()
    run = cli("import", "lamps.txt", "-o", "vol4/lamps.md", cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    assert run.stderr.splitlines()[-1] == (
        'vol4/lamps.md:1:1: note: not listed in zinekit.toml, so a build of the series "Night '
        'Post" leaves it out; add [[issues]] with volume = 4 and source = "vol4/lamps.md" to '
        "build it")
    with open(tmp_path / "zinekit.toml", "a", encoding="utf-8") as toml:
        toml.write('\n[[issues]]\nvolume = 4\nsource = "vol4/lamps.md"\n')
    listed = cli("catalog", "--json", cwd=tmp_path)
    assert listed.exit_code == 0, listed.stderr
    lamps = [i for i in json.loads(listed.output)["issues"] if i["title"] == "Lamps"]
    assert [(i["series"], i["designation"]) for i in lamps] == [("Night Post", "vol.4")]
    again = cli("import", "lamps.txt", "-o", "vol4/lamps.md", "--force", cwd=tmp_path)
    assert again.exit_code == 0 and "not listed" not in again.stderr


def test_a_text_imported_outside_a_series_gets_no_note(cli, tmp_path):
    (tmp_path / "lamps.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "zinekit.toml").write_text("[build]\ntheme = \"pamphlet\"\n", encoding="utf-8")
    run = cli("import", "lamps.txt", "-o", "lamps.md", cwd=tmp_path)
    assert run.exit_code == 0 and "not listed" not in run.stderr
