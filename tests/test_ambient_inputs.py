"""What a build reads of the process that starts it (``SOURCE_DATE_EPOCH``, the folder
messages name files from) is read once, where the command starts, and passed down: a
render in a worker or a thread neither reads the environment nor changes folder."""

from __future__ import annotations

import functools
import os
import threading
import zipfile
from pathlib import Path

from zinekit.errors import Diagnostics, display_path, displayed_from
from zinekit.pipeline.build import BuildOptions, plan_issue, render_plan
from zinekit.pipeline.options import started_here
from zinekit.pipeline.parallel import TaskContext, render_in_worker
from zinekit.pipeline.series import Session
from zinekit.project import open_project
from zinekit.reporter import Recorder

EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
TEXT = {"a.md": "---\ntitle: Quiet Hours\n---\n\nA short text.\n"}


def test_a_command_reads_the_epoch_and_its_folder_once(monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.chdir(tmp_path)
    options = started_here(quiet=True)
    assert (options.source_date_epoch, options.display_base) == (EPOCH, tmp_path)


def test_files_are_named_from_the_base_given_in_this_thread_only(tmp_path):
    seen: dict[str, str] = {}

    def render() -> None:
        with displayed_from(tmp_path):
            seen["inside"] = display_path(tmp_path / "vol1" / "issue.md")

    worker = threading.Thread(target=render)
    worker.start()
    worker.join()
    assert seen["inside"] == os.path.join("vol1", "issue.md")
    assert display_path(tmp_path / "vol1" / "issue.md") != seen["inside"]  # cwd is elsewhere


def plan(root: Path, options: BuildOptions):
    project = open_project(root / "a.md", Diagnostics())
    session = Session.open(project, options.out_dir, Diagnostics())
    session.register_sources()
    return plan_issue(root / "a.md", Recorder(), project=project, options=options,
                      session=session)


def test_a_worker_renders_from_its_options_alone(monkeypatch, make_project, tmp_path):
    """The epoch comes from the options (the environment has none), and the worker
    changes neither its environment nor its working folder."""
    root = make_project(TEXT)
    out = root / "out"
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(tmp_path.parent)

    def no_chdir(path: object) -> None:
        raise AssertionError(f"a render changed folder to {path}")

    options = BuildOptions(out_dir=out, formats=("epub",), quiet=True,
                           source_date_epoch=EPOCH, display_base=root)
    planned = plan(root, options)
    monkeypatch.setattr(os, "chdir", no_chdir)
    environment = dict(os.environ)
    outcome = render_in_worker(functools.partial(render_plan, options=options), planned,
                               TaskContext.here())
    assert outcome.error is None
    assert dict(os.environ) == environment
    epub = out / "a" / "a.epub"
    assert {info.date_time for info in zipfile.ZipFile(epub).infolist()} == {(2026, 1, 1, 0, 0, 0)}
    opf = zipfile.ZipFile(epub).read("EPUB/package.opf").decode("utf-8")
    assert '<meta property="dcterms:modified">2026-01-01T00:00:00Z</meta>' in opf
