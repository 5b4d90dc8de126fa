"""Series builds at scale: issues side by side (--jobs), reuse of current outputs,
--force, failures in one issue, and byte-identical rebuilds."""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLES, REPO, pdf_pages_text
from zinekit.cli import main

# Four issues: vol.2 cites vol.1, vol.4 cites vol.2, vol.3 cites nothing.
# vol.1 is a folder issue with two articles.
SERIES = {
    "zinekit.toml": """
        [series]
        name = "Cinder Post"

        [[issues]]
        volume = 1
        source = "vol1"

        [[issues]]
        volume = 2
        source = "vol2.md"

        [[issues]]
        volume = 3
        source = "vol3.md"

        [[issues]]
        volume = 4
        source = "vol4.md"
        """,
    "vol1/issue.md": "---\ntitle: Ovens\nseries: Cinder Post\nvolume: 1\narticles:\n"
                     "  - 01-bread.md\n  - 02-rota.md\n---\n",
    "vol1/01-bread.md": "---\ntitle: Bread\n---\n\nDough rises overnight.\n\n"
                        "## The Night Bake {#bake}\n\nFour trays by dawn.\n",
    "vol1/02-rota.md": "---\ntitle: The Rota\n---\n\nNobody admits to writing it.\n",
    "vol2.md": "---\ntitle: Tenants\nseries: Cinder Post\nvolume: 2\n---\n\n"
               "## Tenants Rising\n\nAs before [see The Night Bake].\n",
    "vol3.md": "---\ntitle: Gardens\nseries: Cinder Post\nvolume: 3\n---\n\nBeans on the fence.\n",
    "vol4.md": "---\ntitle: Letters\nseries: Cinder Post\nvolume: 4\n---\n\n"
               "A reply [see Tenants Rising].\n",
}
SLUGS = ["cinder-post-vol-1", "cinder-post-vol-2", "cinder-post-vol-3", "cinder-post-vol-4"]


def files_under(folder: Path) -> dict[str, int]:
    """Every file with its modification time (ns)."""
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
            for p in sorted(folder.rglob("*")) if p.is_file()}


def rendered(output: str) -> set[str]:
    """Slugs whose PDFs the build rendered (``slug: N pages in Xs``)."""
    return set(re.findall(r"^(\S+): \d+ pages? in ", output, re.M))


def up_to_date(output: str) -> set[str]:
    return set(re.findall(r"^(\S+): up to date$", output, re.M))


def same_files(a: Path, b: Path) -> list[str]:
    """Names that differ between two folders (missing on one side, or other bytes)."""
    names = set(files_under(a)) | set(files_under(b))
    return sorted(n for n in names if not ((a / n).is_file() and (b / n).is_file()
                                           and filecmp.cmp(a / n, b / n, shallow=False)))


def test_levels_put_each_issue_after_those_it_cites(make_project):
    from zinekit.errors import Diagnostics
    from zinekit.project import issues_at, open_project
    from zinekit.pipeline.series import Session

    root = make_project(SERIES)
    project = open_project(root, Diagnostics())
    session = Session.open(project, root / "dist", Diagnostics())
    session.register_sources()
    levels = session.levels(issues_at(root, project))
    names = [[p.name for p in level] for level in levels]
    assert names == [["vol1", "vol3.md"], ["vol2.md"], ["vol4.md"]]


def test_jobs_2_builds_the_same_bytes_and_messages_as_jobs_1(cli, make_project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = make_project(SERIES)
    one = cli("build", "--jobs", "1", "--format", "pdf,epub", "--out", "one", cwd=root)
    two = cli("build", "--jobs", "2", "--format", "pdf,epub", "--out", "two", cwd=root)
    assert one.exit_code == 0, one.output
    assert two.exit_code == 0, two.output
    assert same_files(root / "one", root / "two") == []
    assert (root / "two" / "index.html").is_file()

    def shape(output: str) -> list[str]:
        return [re.sub(r" in \d+\.\ds$", "", line).replace("one/", "out/").replace("two/", "out/")
                for line in output.splitlines()]

    assert shape(one.output) == shape(two.output)
    assert [line for line in two.output.splitlines() if line.startswith("[")] == [
        "[1/4] vol1", "[2/4] vol3.md", "[3/4] vol2.md", "[4/4] vol4.md"]


@pytest.fixture(scope="module")
def built_series(tmp_path_factory) -> Path:
    """The four-issue series, built once (reading PDFs) for the tests below to copy."""
    root = tmp_path_factory.mktemp("built") / "series"
    for name, text in SERIES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    run = CliRunner().invoke(main, ["build", str(root), "--format", "pdf"])
    assert run.exit_code == 0, run.output
    assert rendered(run.output) == set(SLUGS)
    return root


@pytest.fixture
def series(built_series: Path, tmp_path: Path) -> Path:
    """A copy of the built series (contents and modification times)."""
    return Path(shutil.copytree(built_series, tmp_path / "series"))


def test_second_build_reuses_everything_and_writes_nothing(cli, series):
    before = files_under(series / "dist")
    run = cli("build", "--format", "pdf", cwd=series)
    assert run.exit_code == 0, run.output
    assert up_to_date(run.output) == set(SLUGS) and not rendered(run.output)
    assert "wrote" not in run.output
    assert files_under(series / "dist") == before
    manifest = json.loads((series / "dist" / ".zinekit" / f"{SLUGS[1]}.build.json").read_text())
    assert set(manifest["outputs"]) == {f"{SLUGS[1]}.pdf", f"{SLUGS[1]}.inventory.json"}


def test_editing_an_article_rebuilds_its_issue_and_the_issues_citing_it(cli, series):
    before = files_under(series / "dist")
    article = series / "vol1" / "01-bread.md"
    # the heading vol.2 cites moves to a later page: vol.2 must print the new page
    article.write_text(article.read_text().replace(
        "## The Night Bake", "\n\n".join(["Filler on the page. " * 40] * 6) + "\n\n## The Night Bake"))
    run = cli("build", "--format", "pdf", cwd=series)
    assert run.exit_code == 0, run.output
    assert rendered(run.output) == {"cinder-post-vol-1", "cinder-post-vol-2"}
    assert up_to_date(run.output) == {"cinder-post-vol-3", "cinder-post-vol-4"}
    after = files_under(series / "dist")
    for slug in SLUGS:
        name = f"{slug}/{slug}.pdf"
        assert (after[name] != before[name]) == (slug in rendered(run.output)), slug
    cited = re.search(r"The Night Bake, Cinder Post vol\.1, p\.(\d+)", " ".join(
        pdf_pages_text(series / "dist" / SLUGS[1] / f"{SLUGS[1]}.pdf")))
    vol1 = pdf_pages_text(series / "dist" / SLUGS[0] / f"{SLUGS[0]}.pdf")
    assert cited and int(cited.group(1)) > 2 and "The Night Bake" in vol1[int(cited.group(1)) - 1]


def test_inputs_are_compared_by_content_not_date(cli, series):
    os.utime(series / "vol3.md")  # touched, same bytes: nothing to do
    run = cli("build", "--format", "pdf", cwd=series)
    assert run.exit_code == 0, run.output
    assert rendered(run.output) == set()
    toml = series / "zinekit.toml"
    toml.write_text(toml.read_text() + "\n# a comment\n")
    run = cli("build", "--format", "pdf", cwd=series)
    assert rendered(run.output) == set(SLUGS)  # the series' settings feed every issue


def test_force_rebuilds_everything(cli, series):
    run = cli("build", "--format", "pdf", "--force", cwd=series)
    assert run.exit_code == 0, run.output
    assert rendered(run.output) == set(SLUGS) and not up_to_date(run.output)


def test_another_format_or_a_lost_output_is_rebuilt(cli, series):
    lost, changed = (series / "dist" / s / f"{s}.pdf" for s in SLUGS[2:])
    good = lost.read_bytes(), changed.read_bytes()
    lost.unlink()
    changed.write_bytes(b"%PDF-1.7 not this one")
    run = cli("build", "--format", "pdf", cwd=series)  # restored from the result store
    assert rendered(run.output) == set() and up_to_date(run.output) == set(SLUGS)
    assert (lost.read_bytes(), changed.read_bytes()) == good
    shutil.rmtree(series / "dist" / ".zinekit" / "store")
    lost.unlink()
    changed.write_bytes(b"%PDF-1.7 not this one")
    run = cli("build", "--format", "pdf", cwd=series)
    assert rendered(run.output) == {SLUGS[2], SLUGS[3]}
    run = cli("build", "vol3.md", "--format", "pdf,epub", cwd=series)
    assert rendered(run.output) == {SLUGS[2]}


def test_an_issue_with_errors_fails_the_build_and_skips_only_what_cites_it(cli, make_project):
    root = make_project(SERIES)
    (root / "vol2.md").write_text("---\ntitle: Tenants\nseries: Cinder Post\nvolume: 2\n"
                                  "colour: red\n---\n\n## Tenants Rising\n\nText.\n")
    run = cli("build", "--jobs", "2", "--format", "pdf", cwd=root)
    assert run.exit_code == 1
    assert "vol2.md:5:1: error: unknown front matter key 'colour'" in run.output
    assert "vol4.md: not built: it cites vol2.md, which has errors" in run.output
    assert rendered(run.output) == {"cinder-post-vol-1", "cinder-post-vol-3"}
    assert not (root / "dist" / SLUGS[1]).exists() and not (root / "dist" / SLUGS[3]).exists()


def test_the_example_series_builds_byte_identical_twice(tmp_path):
    """Two builds in separate processes (different hash seeds), same SOURCE_DATE_EPOCH:
    every file of every format is the same."""
    series = tmp_path / "ember-tide"
    shutil.copytree(EXAMPLES / "ember-tide", series, ignore=shutil.ignore_patterns("dist"))
    outputs, builds = [], []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600", PYTHONHASHSEED=seed,
                   PYTHONPATH=str(REPO))
        builds.append(subprocess.Popen(
            [sys.executable, "-m", "zinekit", "build", str(series), "--out", str(out),
             "--format", "pdf,booklet,press,epub,html", "--jobs", "1", "-q"],
            stderr=subprocess.PIPE, text=True, env=env))
        outputs.append(out)
    for build in builds:
        _, errors = build.communicate()
        assert build.returncode == 0, errors
    names = files_under(outputs[0])
    assert any(n.endswith("-press.pdf") for n in names) and any(n.endswith(".epub") for n in names)
    assert any(n.endswith("/index.html") for n in names) and "index.html" in names
    assert same_files(*outputs) == []


def test_a_reused_build_reports_the_render_warnings_again(cli, make_project):
    root = make_project({"notes.md": "---\ntitle: Notes\n---\n\nA picture from afar:\n\n"
                                     "![a far picture](https://example.org/far.png)\n"})
    first = cli("build", "notes.md", "--format", "pdf", cwd=root)
    assert first.exit_code == 0, first.output
    warning = "notes.md:7:1: warning: not loaded: https://example.org/far.png"
    assert warning in first.output
    second = cli("build", "notes.md", "--format", "pdf", cwd=root)
    assert "notes: up to date" in second.output and warning in second.output
    assert cli("build", "notes.md", "--format", "pdf", "--strict", cwd=root).exit_code == 1
