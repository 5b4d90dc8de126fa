"""Builds on a real Dask cluster: a scheduler and two workers on loopback, each its own
process (stopped by its own process id).  The example series and a generated library
built through them are byte for byte what a local build writes; a worker killed in the
middle of a build loses nothing; an unchanged rebuild renders nothing; a text that
fails on a worker is reported where it is wrong and the others are built."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO
from tests.test_scale import same_files

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

EPOCH = "1767225600"


class Cluster:
    """A scheduler and workers started as processes; each stopped by its own id."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = dict(os.environ, PYTHONPATH=str(REPO), DASK_DISTRIBUTED__WORKER__DAEMON="False")
        self.file = folder / "scheduler.json"
        self.scheduler = self._start("scheduler", "--host", "127.0.0.1", "--port", "0",
                                     "--no-dashboard", "--scheduler-file", str(self.file))
        self.workers: list[subprocess.Popen] = []
        deadline = time.monotonic() + 60
        while not self.file.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        self.address = json.loads(self.file.read_text())["address"]

    def _start(self, role: str, *args: str) -> subprocess.Popen:
        log = open(self.folder / f"{role}-{time.monotonic_ns()}.log", "wb")
        return subprocess.Popen([sys.executable, "-m", f"distributed.cli.dask_{role}", *args],
                                stdout=log, stderr=log, env=self.env, cwd=self.folder)

    def add_worker(self) -> subprocess.Popen:
        worker = self._start("worker", "--scheduler-file", str(self.file), "--nthreads", "1",
                             "--no-nanny", "--no-dashboard", "--host", "127.0.0.1")
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(count, timeout=90)

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    running = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        running.add_worker()
        running.add_worker()
        running.wait_for_workers(2)
        yield running
    finally:
        running.stop()


def zinekit(*args: str, cwd: Path, background: bool = False):
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONPATH=str(REPO))
    command = [sys.executable, "-m", "zinekit", *args]
    if background:
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def rendered(output: str) -> set[str]:
    return set(re.findall(r"^(\S+): \d+ pages? in ", output, re.M))


# --- a generated library ---------------------------------------------------------------------


def library_text(number: int) -> str:
    """A short text of two sections; from the fifth on, each cites a section of an
    earlier one (so the reference order has several levels)."""
    words = ("the depot kept its own weather and nobody at the shelter trusted the rota "
             "or the clock above the loading bay").split()
    body = " ".join(words[(number + i) % len(words)] for i in range(120)).capitalize() + "."
    cites = f"\n\nAs before [see Leaflet {number - 4} later]." if number > 4 else ""
    return (f"---\ntitle: Leaflet {number}\nseries: Test Library\nvolume: {number}\n---\n\n"
            f"## Leaflet {number} first\n\n{body}[^1]\n\n## Leaflet {number} later\n\n{body}{cites}"
            f"\n\n[^1]: A note to leaflet {number}.\n")


def make_library(root: Path, count: int) -> Path:
    (root / "texts").mkdir(parents=True)
    entries = "".join(f'\n[[issues]]\nvolume = {n}\nsource = "texts/l{n:02d}.md"\n'
                      for n in range(1, count + 1))
    (root / "zinekit.toml").write_text(f'[series]\nname = "Test Library"\n{entries}', encoding="utf-8")
    for n in range(1, count + 1):
        (root / "texts" / f"l{n:02d}.md").write_text(library_text(n), encoding="utf-8")
    return root


# --- the tests -------------------------------------------------------------------------------


def test_the_example_series_is_the_same_built_on_the_cluster(cluster, tmp_path):
    series = Path(shutil.copytree(EXAMPLES / "ember-tide", tmp_path / "ember-tide",
                                  ignore=shutil.ignore_patterns("dist")))
    local = zinekit("build", ".", "--out", "local", "--jobs", "1", "--format", "pdf,epub", cwd=series)
    assert local.returncode == 0, local.stderr
    remote = zinekit("build", ".", "--out", "remote", "--cluster", cluster.address,
                     "--format", "pdf,epub", cwd=series)
    assert remote.returncode == 0, remote.stderr
    assert f"cluster: 2 workers at {cluster.address}" in remote.stderr
    assert same_files(series / "local", series / "remote") == []
    # the messages are the local build's, in the same order
    shown = [re.sub(r" in \d+\.\ds$", "", line).replace("remote/", "local/")
             for line in remote.stderr.splitlines() if not line.startswith("cluster:")]
    assert shown == [re.sub(r" in \d+\.\ds$", "", line) for line in local.stderr.splitlines()]


def test_a_library_survives_a_killed_worker_and_is_not_rebuilt(cluster, tmp_path):
    library = make_library(tmp_path / "library", 10)
    local = zinekit("build", ".", "--out", "local", "--jobs", "1", "--format", "pdf", cwd=library)
    assert local.returncode == 0, local.stderr
    build = zinekit("build", ".", "--out", "remote", "--cluster", cluster.address,
                    "--format", "pdf", cwd=library, background=True)
    manifests = library / "remote" / ".zinekit"
    while build.poll() is None and len(list(manifests.glob("*.build.json"))) < 2:
        time.sleep(0.05)
    victim = cluster.workers[0]
    os.kill(victim.pid, signal.SIGKILL)  # mid-build: its tasks go to the other worker
    victim.wait()
    out, errors = build.communicate(timeout=600)
    assert build.returncode == 0, errors
    assert len(list(manifests.glob("*.build.json"))) == 10
    assert same_files(library / "local", library / "remote") == []
    assert not list((library / "remote").rglob(".zinekit-tmp-*"))

    again = zinekit("build", ".", "--out", "remote", "--cluster", cluster.address,
                    "--format", "pdf", cwd=library)
    assert again.returncode == 0, again.stderr
    assert rendered(again.stderr) == set() and again.stderr.count(": up to date") == 10
    assert "wrote" not in again.stderr
    cluster.add_worker()  # for the tests after this one
    cluster.wait_for_workers(2)


def test_a_text_that_fails_on_a_worker_is_located_and_the_rest_are_built(cluster, tmp_path):
    library = make_library(tmp_path / "library", 3)
    (library / "texts" / "l02.md").write_text(library_text(2).replace(
        "## Leaflet 2 later", "![a map](map.png)\n\n## Leaflet 2 later"), encoding="utf-8")
    (library / "texts" / "map.png").write_text("not a PNG\n", encoding="utf-8")
    run = zinekit("build", ".", "--cluster", cluster.address, "--format", "pdf", cwd=library)
    assert run.returncode == 1
    assert "texts/l02.md:11:1: error: image could not be loaded (not an image, or damaged): " \
           "map.png" in run.stderr
    assert "Traceback" not in run.stderr
    assert rendered(run.stderr) == {"test-library-vol-1", "test-library-vol-3"}
    assert not (library / "dist" / "test-library-vol-2").exists()
