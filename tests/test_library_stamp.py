"""An unchanged library is reported from its stamp, without loading an issue, exactly
as the issue-by-issue check reports it; any change takes the issue-by-issue way."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.test_scale import SERIES, SLUGS
from zinekit.cli import main


@pytest.fixture
def library(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "series"
    for name, text in {**SERIES, "vol3.md": SERIES["vol3.md"] + "\n![far](https://example.org/far.png)\n"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    monkeypatch.chdir(root)
    first = build()
    assert first.exit_code == 0, first.output
    return root


def build(*args: str):
    return CliRunner().invoke(main, ["build", "--format", "pdf", *args])


def no_loading(monkeypatch) -> None:
    """Fail the build if it opens the series (the stamp's way does not)."""
    def refuse(*args, **kwargs):
        raise AssertionError("the series was loaded")

    monkeypatch.setattr("zinekit.pipeline.build.Session.open", refuse)


def test_an_unchanged_library_reports_what_the_full_check_reports(library, tmp_path, monkeypatch):
    full = build()  # the stamp was written by the first build; this one uses it
    os.environ["XDG_CACHE_HOME"] = str(tmp_path / "empty-cache")
    slow = build()  # no stamp here: issue by issue
    os.environ["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    assert full.exit_code == slow.exit_code == 0
    assert full.output == slow.output
    assert "vol3.md:9:1: warning: not loaded: https://example.org/far.png" in full.output
    assert [line for line in full.output.splitlines() if line.endswith("up to date")] == \
        [f"{slug}: up to date" for slug in ("cinder-post-vol-1", "cinder-post-vol-3",
                                            "cinder-post-vol-2", "cinder-post-vol-4")]
    no_loading(monkeypatch)
    assert build().output == full.output


def test_a_touched_file_is_still_unchanged(library, monkeypatch):
    os.utime(library / "vol2.md")
    no_loading(monkeypatch)
    run = build()
    assert run.exit_code == 0, run.output
    assert run.output.count(": up to date") == 4


@pytest.mark.parametrize("change", ["edit", "lost output", "options"])
def test_a_change_takes_the_issue_by_issue_way(library, change):
    if change == "edit":
        (library / "vol3.md").write_text((library / "vol3.md").read_text() + "\nMore beans.\n")
    elif change == "lost output":
        (library / "dist" / SLUGS[0] / f"{SLUGS[0]}.pdf").unlink()
    run = build("--strict") if change == "options" else build()
    if change == "options":  # --strict makes the warning an error: the full check fails
        assert run.exit_code == 1 and "vol3.md:9:1: error: not loaded" in run.output
        return
    assert run.exit_code == 0, run.output
    assert (library / "dist" / SLUGS[0] / f"{SLUGS[0]}.pdf").is_file()
    assert run.output.count(": up to date") == (3 if change == "edit" else 4)
