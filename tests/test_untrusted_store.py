"""A received project's output folder is untrusted: its build manifests, its result
store (``dist/.zinekit/store``) and its links are not believed, nothing is written or
removed through them, and what is published is what this build made.

Each case is a small project written here, with a folder of "the user's documents"
beside it; the documents are snapshot before and after every build.  The project's
sender is played by another signing key (:func:`zinekit.safety.trust.use_store_key`).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from tests.conftest import poppler_pages
from zinekit.safety import trust
from zinekit.safety.trust import signed

NOTES = "---\ntitle: Plain Notes\n---\n\nThe honest text of the issue.\n"
SENDER_KEY = bytes(range(32))
USER_KEY = bytes(range(32, 64))
HOUR_AGO = time.time() - 7200


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder`` (links not followed): its kind and content."""
    found: dict[str, tuple] = {}
    for place, folders, names in os.walk(folder):
        for name in folders + names:
            path = Path(place) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_file():
                found[rel] = ("file", path.read_bytes(), os.lstat(path).st_mtime_ns)
            else:
                found[rel] = ("folder",)
    return found


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def place(tmp_path, monkeypatch):
    """A project ``proj/`` with one issue, the user's documents ``docs/`` beside it,
    and the user's signing key."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project = tmp_path / "proj"
    project.mkdir()
    (project / "notes.md").write_text(NOTES, encoding="utf-8")
    docs = tmp_path / "docs"
    for name in ("letter.odt", "taxes.pdf", "diary.txt"):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(f"the user's own {name}\n", encoding="utf-8")
    shard = docs / "files" / "ab"  # shaped as a store, and old: what pruning would take
    shard.mkdir(parents=True)
    (shard / ("ab" + "0" * 62)).write_text("a kept scan\n", encoding="utf-8")
    (docs / "results" / "notes").mkdir(parents=True)
    (docs / "results" / "notes" / ("1" * 64 + ".json")).write_text("{}\n", encoding="utf-8")
    for path in docs.rglob("*"):
        os.utime(path, (HOUR_AGO, HOUR_AGO))
    trust.use_store_key(USER_KEY)
    yield project
    trust._key.clear()


def stderr_lines(run) -> list[str]:
    return run.stderr.splitlines()


def build(cli, project: Path, *args: str):
    return cli("build", "notes.md", *args, cwd=project)


# --- 1. links in the output folder -------------------------------------------------------------


def test_a_store_linked_out_of_the_project_is_neither_written_nor_pruned(cli, place):
    docs = place.parent / "docs"
    before = snapshot(docs)
    (place / "dist" / ".zinekit").mkdir(parents=True)
    (place / "dist" / ".zinekit" / "store").symlink_to(docs)
    run = build(cli, place, "--format", "pdf")
    assert run.exit_code == 0, run.stderr
    assert "dist/.zinekit/store: warning: the build's store is not used: it is a link (a received " \
        "output folder?); nothing is read, written or removed through it" in stderr_lines(run)
    assert snapshot(docs) == before
    assert "The honest text of the issue." in " ".join(poppler_pages(place / "dist/notes/notes.pdf"))


def test_a_linked_bookkeeping_folder_is_refused_before_anything_is_written(cli, place):
    docs = place.parent / "docs"
    before = snapshot(docs)
    (place / "dist").mkdir()
    (place / "dist" / ".zinekit").symlink_to(docs)
    run = build(cli, place, "--format", "pdf")
    assert run.exit_code == 1
    assert stderr_lines(run) == [
        f"error: not written: dist/.zinekit/notes.build.json: dist/.zinekit leads to {docs} "
        "through a link, outside the output folder dist"]
    assert snapshot(docs) == before
    assert sorted(p.name for p in (place / "dist").iterdir()) == [".zinekit"]


def test_pruning_removes_only_the_stores_own_files(cli, place):
    docs = place.parent / "docs"
    assert build(cli, place, "--format", "pdf").exit_code == 0
    store = place / "dist" / ".zinekit" / "store"
    strays = {
        store / "files" / "ab" / ("ab" + "f" * 62): docs / "letter.odt",  # a link named as a file
        store / "files" / "cd": docs / "files" / "ab",  # a link named as a shard
        store / "results" / "notes" / ("2" * 64 + ".json"): docs / "taxes.pdf",
        store / "results" / "elsewhere": docs / "results" / "notes",
    }
    for link, target in strays.items():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)
    (store / "files" / "ab" / "notes-to-self.txt").write_text("kept\n", encoding="utf-8")
    for path in [*strays, store / "files" / "ab" / "notes-to-self.txt"]:
        os.utime(path, (HOUR_AGO, HOUR_AGO), follow_symlinks=False)
    before = snapshot(docs)
    run = build(cli, place, "--format", "pdf", "--force")
    assert run.exit_code == 0, run.stderr
    assert snapshot(docs) == before
    for stray in [*strays, store / "files" / "ab" / "notes-to-self.txt"]:
        assert os.path.lexists(stray)
        shown = stray.relative_to(place).as_posix()
        assert f"{shown}: warning: left alone: not an entry of the build's store" in stderr_lines(run)


# --- 2. a shipped store and a forged output folder ----------------------------------------------


def sender_builds(cli, project: Path, *formats: str) -> None:
    trust.use_store_key(SENDER_KEY)
    run = build(cli, project, *[arg for f in formats for arg in ("--format", f)])
    assert run.exit_code == 0, run.stderr
    trust.use_store_key(USER_KEY)


def the_result(project: Path) -> Path:
    [result] = (project / "dist/.zinekit/store/results/notes").glob("*.json")
    return result


def rewrite(path: Path, change, key: bytes) -> None:
    """Change the JSON record at ``path`` and sign it again with ``key``."""
    trust.use_store_key(key)
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(signed(data), indent=1, sort_keys=True), encoding="utf-8")
    trust.use_store_key(USER_KEY)


FORGED_PAGE = b"<html><body><script>steal()</script>Forged.</body></html>\n"


def forge_web_edition(project: Path, key: bytes, consistent: bool) -> None:
    """Replace the stored web page: by a file named by its own hash (``consistent``), or
    by other bytes under the genuine page's name; then forget the outputs."""
    result = the_result(project)
    genuine = json.loads(result.read_text())["outputs"]["index.html"]
    blob = project / "dist/.zinekit/store/files" / genuine[:2] / genuine
    blob.unlink()
    if consistent:
        named = project / "dist/.zinekit/store/files" / digest(FORGED_PAGE)[:2] / digest(FORGED_PAGE)
        named.parent.mkdir(parents=True, exist_ok=True)
        named.write_bytes(FORGED_PAGE)
        rewrite(result, lambda d: d["outputs"].update({"index.html": digest(FORGED_PAGE)}), key)
    else:
        blob.write_bytes(FORGED_PAGE)
        rewrite(result, lambda d: None, key)
    (project / "dist/notes/index.html").unlink()
    (project / "dist/.zinekit/notes.build.json").unlink()


@pytest.mark.parametrize("consistent", [True, False], ids=["named by its hash", "misnamed"])
def test_a_shipped_store_does_not_publish_its_web_edition(cli, place, consistent):
    sender_builds(cli, place, "html")
    forge_web_edition(place, SENDER_KEY, consistent)
    run = build(cli, place, "--format", "html")
    assert run.exit_code == 0, run.stderr
    shown = the_result(place).relative_to(place).as_posix()
    assert f"{shown}: warning: ignored: not written by a build of yours (a received output " \
        "folder?); built again" in stderr_lines(run)
    assert "notes: up to date" not in run.stderr
    page = (place / "dist/notes/index.html").read_bytes()
    assert b"<script>steal()" not in page and b"The honest text of the issue." in page


def test_a_store_file_changed_after_the_users_build_is_not_published(cli, place):
    """The user's own result, its file replaced: the file's hash is checked on use."""
    sender_builds(cli, place, "html")
    forge_web_edition(place, USER_KEY, consistent=False)
    run = build(cli, place, "--format", "html")
    assert run.exit_code == 0, run.stderr
    genuine = json.loads(the_result(place).read_text())["outputs"]["index.html"]
    shown = f"dist/.zinekit/store/files/{genuine[:2]}/{genuine}"
    assert f"{shown}: warning: ignored: its content does not match its name (a file of the " \
        "build's store changed or forged); the issue is built" in stderr_lines(run)
    assert b"steal()" not in (place / "dist/notes/index.html").read_bytes()


@pytest.mark.parametrize("key", [SENDER_KEY, USER_KEY], ids=["sender's", "user's"])
@pytest.mark.parametrize("name", ["../../../escaped.txt", "/tmp/zinekit-escaped.txt",
                                  "..\\..\\escaped.txt", "notes/../../../escaped.txt"])
def test_a_stored_name_that_is_a_path_writes_nothing_outside(cli, place, key, name):
    sender_builds(cli, place, "pdf")
    outside = snapshot(place.parent / "docs")
    pdf = json.loads(the_result(place).read_text())["outputs"]["notes.pdf"]
    rewrite(the_result(place), lambda d: d["outputs"].update({name: pdf}), key)
    for path in (place / "dist/notes").iterdir():
        path.unlink()
    (place / "dist/.zinekit/notes.build.json").unlink()
    run = build(cli, place, "--format", "pdf")
    assert run.exit_code == 0, run.stderr
    assert "notes: 1 page in" in run.stderr or "notes: 2 pages in" in run.stderr  # built again
    assert not (place.parent / "escaped.txt").exists() and not Path("/tmp/zinekit-escaped.txt").exists()
    assert snapshot(place.parent / "docs") == outside
    assert {p.name for p in place.parent.iterdir()} <= {"cache", "docs", "proj"}


def test_a_forged_output_folder_is_not_reported_up_to_date(cli, place):
    sender_builds(cli, place, "pdf")
    forged = (place / "dist/notes/notes.pdf").read_bytes().replace(b"/Title", b"/Xitle")
    (place / "dist/notes/notes.pdf").write_bytes(forged)
    manifest = place / "dist/.zinekit/notes.build.json"
    rewrite(manifest, lambda d: d["outputs"].update({"notes.pdf": digest(forged)}), SENDER_KEY)
    run = build(cli, place, "--format", "pdf")
    assert run.exit_code == 0, run.stderr
    assert "dist/.zinekit/notes.build.json: warning: ignored: not written by a build of yours " \
        "(a received output folder?); built again" in stderr_lines(run)
    assert "notes: up to date" not in run.stderr
    assert b"/Xitle" not in (place / "dist/notes/notes.pdf").read_bytes()
    again = build(cli, place, "--format", "pdf")  # the user's own build is reused
    assert stderr_lines(again) == ["notes: up to date"]
