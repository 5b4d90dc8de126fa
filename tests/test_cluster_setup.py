"""``--cluster``, ``ZINEKIT_CLUSTER`` and the user's ``config.toml`` when no cluster can
be had: one clear line and exit status 1, nothing written; a project's ``[build] cluster``
is refused before anything connects; a build without them never loads Dask."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import REPO
from zinekit.pipeline import cluster

NOTES = "---\ntitle: Notes\n---\n\nA line.\n"


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def series(make_project):
    return make_project({"zinekit.toml": '[series]\nname = "S"\n\n[[issues]]\nvolume = 1\n'
                                         'source = "notes.md"\n', "notes.md": NOTES})


def test_without_the_extra_the_message_says_what_to_install(cli, series, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    run = cli("build", "--cluster", "tcp://127.0.0.1:8786", cwd=series)
    assert run.exit_code == 1
    assert run.stderr == ("error: building on a cluster needs Dask distributed, which is not "
                          "installed: pip install 'zinekit[cluster]'\n")
    assert not (series / "dist").exists()


@pytest.fixture(autouse=True)
def no_user_cluster(tmp_path, monkeypatch):
    """The user running the tests chose no cluster for them."""
    monkeypatch.delenv("ZINEKIT_CLUSTER", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))


@pytest.mark.parametrize("where", ["option", "environment", "user config"])
def test_an_unreachable_scheduler_is_one_line(cli, series, monkeypatch, tmp_path, where):
    pytest.importorskip("distributed")
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 2)
    address = f"tcp://127.0.0.1:{closed_port()}"
    if where == "environment":
        monkeypatch.setenv("ZINEKIT_CLUSTER", address)
    elif where == "user config":
        (tmp_path / "user-config" / "zinekit").mkdir(parents=True)
        (tmp_path / "user-config" / "zinekit" / "config.toml").write_text(
            f'[build]\ncluster = "{address}"\n', encoding="utf-8")
    run = cli("build", *(["--cluster", address] if where == "option" else []), cwd=series)
    assert run.exit_code == 1
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot reach the Dask scheduler at {address}: ")
    assert lines[0].endswith("(is `dask scheduler` running there? see docs/cluster.md)")
    assert "Traceback" not in run.stderr and not (series / "dist").exists()


def test_a_projects_cluster_is_refused_before_anything_connects(cli, series, monkeypatch):
    """A received zinekit.toml naming a scheduler: its pickles would run code here."""
    monkeypatch.setattr(cluster.DaskWorkers, "connect", lambda *a: pytest.fail("connected"))
    toml = series / "zinekit.toml"
    toml.write_text(toml.read_text() + '\n[build]\ncluster = "tcp://collective.example:8786"\n')
    run = cli("build", cwd=series)
    assert run.exit_code == 1
    assert run.stderr.splitlines() == [
        "zinekit.toml:9:1: error: [build] cluster is not read from a project: the Dask "
        "scheduler it names would run code on this machine, and a project may come from "
        "anyone; pass --cluster ADDRESS, or set ZINEKIT_CLUSTER or [build] cluster in "
        "~/.config/zinekit/config.toml",
        "build failed: 1 error; nothing was written"]
    assert not (series / "dist").exists()


def test_a_bad_user_config_is_located(cli, series, tmp_path):
    (tmp_path / "user-config" / "zinekit").mkdir(parents=True)
    config = tmp_path / "user-config" / "zinekit" / "config.toml"
    config.write_text("[build]\ncluster = 8786\n", encoding="utf-8")
    run = cli("build", cwd=series)
    assert run.exit_code == 1
    assert run.stderr == (f"{config}:2:1: error: [build] cluster must be a scheduler's address "
                          '(tcp://host:8786) or "local"\n')


def test_a_build_without_a_cluster_does_not_load_dask(tmp_path):
    (tmp_path / "notes.md").write_text(NOTES, encoding="utf-8")
    code = textwrap.dedent("""
        import sys
        from zinekit.cli import main
        try:
            main(["build", "notes.md", "--format", "pdf", "-q"])
        except SystemExit as exit:
            assert not exit.code, exit.code
        print(sorted(m for m in ("dask", "distributed", "rich") if m in sys.modules))
        """)
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         timeout=300, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
