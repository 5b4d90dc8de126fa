"""Faults: a build killed at any point, a full disk, two builds of one series at once.

Every output file that exists afterwards is whole (pypdf opens a PDF, an EPUB passes a
zip test) and is byte for byte either the previous good build's or the new build's; a
build stopped by SIGINT or SIGTERM leaves no temporary behind, and the temporaries of a
build killed outright are swept by the next build.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from zinekit.safety import output
from zinekit.cli import main

ALL_FORMATS = "pdf,booklet,press,epub,html"
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONUNBUFFERED": "1"}

SERIES = {
    "zinekit.toml": """
        [series]
        name = "Fault Lines"

        [[issues]]
        volume = 1
        source = "vol1.md"

        [[issues]]
        volume = 2
        source = "vol2.md"

        [[issues]]
        volume = 3
        source = "vol3.md"
        """,
    "vol1.md": """
        ---
        title: The First Crack
        volume: 1
        ---

        ## Tremors {#tremors}

        {text}[^1]

        [^1]: A note on the tremors.
        """,
    "vol2.md": """
        ---
        title: Aftershocks
        volume: 2
        ---

        As vol.1 put it [see Fault Lines vol.1 #tremors], {text}

        [ed. – An editor's note.]
        """,
    "vol3.md": """
        ---
        title: Subsidence
        volume: 3
        ---

        {text}
        """,
}

PARAGRAPH = "The ground moved under the allotments again and nobody was surprised. " * 12


def write_series(root: Path, version: str) -> None:
    for name, text in SERIES.items():
        body = textwrap.dedent(text).lstrip("\n").replace("{text}", f"{version} {PARAGRAPH}")
        (root / name).write_text(body, encoding="utf-8")


def zinekit(root: Path, *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "zinekit", *args], cwd=root, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def build(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zinekit", "build", ".", "--format", ALL_FORMATS,
                           "-q", *args], cwd=root, env=ENV, capture_output=True, text=True,
                          timeout=300)


def outputs(dist: Path, bookkeeping: bool = True) -> dict[str, bytes]:
    """Every file under ``dist`` but the temporaries and the result store (which keeps
    every build's results, each written whole: see test_a_killed_build…).  The search
    index is one output, ``pagefind/``: its files are named by their content, and the
    folder is replaced whole (the new one staged in a temporary folder)."""
    files: dict[str, bytes] = {}
    for p in sorted(dist.rglob("*")):
        name = p.relative_to(dist).as_posix()
        if not p.is_file() or name.startswith(".zinekit/store/") or \
                any(part.startswith(output.TEMP_PREFIX) for part in p.relative_to(dist).parts):
            continue
        if name.startswith("pagefind/"):
            files["pagefind/"] = files.get("pagefind/", b"") + name.encode() + b"\0" + p.read_bytes()
        else:
            files[name] = p.read_bytes()
    return {k: v for k, v in files.items() if bookkeeping or not k.startswith(BOOKKEEPING)}


def outputs_of(files: dict[str, bytes]) -> dict[str, bytes]:
    """The outputs a reader gets, without zinekit's record of its last build (which
    notes what the build found on disk)."""
    return {k: v for k, v in files.items() if not k.startswith(BOOKKEEPING)}


def temporaries(dist: Path) -> list[Path]:
    return sorted(dist.rglob(output.TEMP_PREFIX + "*"))


def assert_whole(name: str, data: bytes, tmp: Path) -> None:
    """The file opens as what its name says it is."""
    path = tmp / "check" / Path(name).name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    if name.endswith(".pdf"):
        assert len(PdfReader(path, strict=True).pages) > 0, name
    elif name.endswith(".epub"):
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None, name
    elif name.endswith(".json"):
        json.loads(data)


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """A three-issue series built once with every format (the previous good build), its
    sources then changed, and the bytes a complete build of the change writes."""
    root = tmp_path_factory.mktemp("faults")
    write_series(root, "Before.")
    assert build(root).returncode == 0
    previous = outputs(root / "dist")
    saved = tmp_path_factory.mktemp("saved") / "dist"
    shutil.copytree(root / "dist", saved)
    write_series(root, "After.")
    started = time.monotonic()
    assert build(root).returncode == 0
    seconds = time.monotonic() - started
    new = outputs(root / "dist")
    assert set(new) == set(previous) and all(new[n] != previous[n] for n in new if n.endswith(".pdf"))
    return root, saved, previous, new, seconds


def restore(root: Path, saved: Path) -> None:
    shutil.rmtree(root / "dist")
    shutil.copytree(saved, root / "dist")


def wait_for_a_new_output(dist: Path, previous: dict[str, bytes], proc: subprocess.Popen) -> None:
    """Until one output differs from the previous build's (the build is writing)."""
    first = dist / "fault-lines-vol-1" / "fault-lines-vol-1.inventory.json"
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            if first.read_bytes() != previous["fault-lines-vol-1/fault-lines-vol-1.inventory.json"]:
                return
        except OSError:
            pass
        time.sleep(0.002)


def wait_for_group(pgid: int, timeout: float = 60) -> None:
    """Until no process of the group (the build and its workers) is still running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _running_in_group(pgid):
            return
        time.sleep(0.05)
    os.killpg(pgid, signal.SIGKILL)
    raise AssertionError("the build's processes did not exit")


def _running_in_group(pgid: int) -> bool:
    """Whether a process of the group runs (zombies waiting to be reaped do not count)."""
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: ask the kernel, zombies included
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


# (signal, sent to the whole process group?, when: a fraction of a full build's time)
# ("writing": as soon as the first output of the build has been renamed into place)
KILLS = [(signal.SIGKILL, True, 0.15), (signal.SIGTERM, False, 0.4), (signal.SIGKILL, True, "writing"),
         (signal.SIGINT, True, "writing")]
BOOKKEEPING = ".zinekit/"  # what the last build read and wrote (zinekit/pipeline/reuse.py)


@pytest.mark.slow
def test_a_killed_build_leaves_every_file_whole(series, tmp_path):
    root, saved, previous, new, seconds = series
    seen_new = 0
    for sig, group, fraction in KILLS:
        restore(root, saved)
        proc = zinekit(root, "build", ".", "--format", ALL_FORMATS, "-q", "--force",
                       start_new_session=True)
        if fraction == "writing":
            wait_for_a_new_output(root / "dist", previous, proc)
        else:
            time.sleep(seconds * fraction)
        (os.killpg if group else os.kill)(proc.pid, sig)
        _, stderr = proc.communicate(timeout=120)
        wait_for_group(proc.pid)
        when = fraction if isinstance(fraction, str) else f"at {fraction:.0%} of the build"
        what = f"{signal.Signals(sig).name} {when}"
        assert "Traceback" not in stderr, what
        if sig != signal.SIGKILL and proc.returncode != 0:
            assert proc.returncode == 130, f"{what}: exit {proc.returncode}: {stderr}"
            assert "interrupted" in stderr
        left = outputs(root / "dist")
        assert set(left) <= set(previous), what
        for name, data in left.items():
            assert_whole(name, data, tmp_path)
            if name.startswith(BOOKKEEPING):
                continue  # records what the build found on disk, a mix of both builds
            assert data in (previous[name], new[name]), f"{what}: {name} is neither build's"
            seen_new += data == new[name] != previous[name]
        if sig != signal.SIGKILL:  # a killed build cannot remove its temporaries
            assert temporaries(root / "dist") == [], what
    assert seen_new, "no kill landed after the build had written something"
    # the next build sweeps what the killed ones left and writes the new outputs
    assert build(root).returncode == 0
    assert outputs(root / "dist", bookkeeping=False) == outputs_of(new)
    assert temporaries(root / "dist") == []


def test_the_next_build_sweeps_temporaries_of_dead_builds_only(series, tmp_path):
    root, saved, previous, new, _ = series
    folder = root / "dist" / "fault-lines-vol-3"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        tag = output.host_tag()
        names = {
            "dead": f"{output.TEMP_PREFIX}{dead.pid}-{tag}-x1.pdf",
            "alive": f"{output.TEMP_PREFIX}{alive.pid}-{tag}-x2.pdf",
            "other machine": f"{output.TEMP_PREFIX}{dead.pid}-00000000-x3.pdf",
            "old style": f"{output.TEMP_PREFIX}x4.pdf",
            "old style, two hours old": f"{output.TEMP_PREFIX}x5.pdf",
        }
        for name in names.values():
            (folder / name).write_bytes(b"%PDF-1.7 half a file")
        two_hours_ago = time.time() - 7200
        os.utime(folder / names["old style, two hours old"], (two_hours_ago, two_hours_ago))
        (root / "vol3.md").write_text((root / "vol3.md").read_text() + "\nOne more line.\n")
        assert build(root).returncode == 0
        left = {p.name for p in temporaries(root / "dist")}
        assert left == {names["alive"], names["other machine"], names["old style"]}
    finally:
        alive.kill()
        alive.wait()
        for path in temporaries(root / "dist"):
            path.unlink()
        (root / "vol3.md").write_text((root / "vol3.md").read_text().replace("\nOne more line.\n", ""))


# --- a full disk ----------------------------------------------------------------------------


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def fill_disk(monkeypatch, where: str, folder: Path) -> None:
    """Make writes into ``folder`` fail as on a full disk at ``where``: the write itself,
    the flush to disk before the rename, or the rename."""
    inside = lambda path: Path(path).resolve().is_relative_to(folder.resolve())  # noqa: E731
    real_open, real_flush, real_replace = open, output._flush_to_disk, os.replace

    class FillingFile:
        def __init__(self, path, mode="rb", *args, **kwargs) -> None:
            self.handle, self.full = real_open(path, mode, *args, **kwargs), inside(path)

        def write(self, data):
            if self.full:
                self.handle.write(data[: len(data) // 2])
                _no_space()
            return self.handle.write(data)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    def flush(path):
        _no_space() if inside(path) else real_flush(path)

    def replace(src, dst):
        _no_space() if inside(dst) else real_replace(src, dst)

    if where == "write":
        monkeypatch.setattr(output, "open", FillingFile, raising=False)
    elif where == "fsync":
        monkeypatch.setattr(output, "_flush_to_disk", flush)
    else:
        monkeypatch.setattr(output.os, "replace", replace)


@pytest.fixture
def single_issue(tmp_path, monkeypatch):
    (tmp_path / "notes.md").write_text("---\ntitle: Full Disk\n---\n\nSome text.[^1]\n\n"
                                       "[^1]: A note.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "notes.md", "-q"])
    assert result.exit_code == 0, result.output
    (tmp_path / "notes.md").write_text("---\ntitle: Full Disk, Again\n---\n\nOther text.\n")
    return tmp_path


@pytest.mark.parametrize("where", ["write", "fsync", "rename"])
def test_a_full_disk_is_a_clear_error(single_issue, monkeypatch, where):
    dist = single_issue / "dist"
    before = outputs(dist)
    fill_disk(monkeypatch, where, dist)
    result = CliRunner().invoke(main, ["build", "notes.md", "-q"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "internal error" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dist/notes/notes"), lines
    assert lines[0].endswith(": error: cannot write the file: No space left on device")
    assert outputs(dist) == before
    assert temporaries(dist) == []


def test_a_full_disk_midway_leaves_each_file_whole(single_issue, monkeypatch, tmp_path):
    """The disk fills up on the third file: the first two are the new build's, the rest
    the previous build's, every one of them whole."""
    dist = single_issue / "dist"
    before = outputs(dist)
    real_replace, count = os.replace, [0]

    def replace(src, dst):
        count[0] += Path(dst).resolve().is_relative_to(dist.resolve())
        if count[0] == 3:
            _no_space()
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", replace)
    result = CliRunner().invoke(main, ["build", "notes.md", "-q"])
    assert result.exit_code == 1
    assert result.stderr.endswith(": No space left on device\n")
    after = outputs(dist)
    assert set(after) == set(before)
    changed = [name for name in after if after[name] != before[name]]
    assert len(changed) == 2
    for name, data in after.items():
        assert_whole(name, data, tmp_path)
    assert temporaries(dist) == []


def test_an_unwritable_folder_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "notes.md").write_text("---\ntitle: A\n---\n\nText.\n", encoding="utf-8")
    (tmp_path / "dist").write_text("a file where the output folder should be")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "notes.md", "-q", "--format", "pdf"])
    assert result.exit_code == 1
    assert result.stderr == ("dist/notes/notes.inventory.json: error: cannot write in dist: "
                             "Not a directory\n")
    assert "Traceback" not in result.output


def test_impose_on_a_full_disk(tmp_path, monkeypatch):
    from tests.hostile import small_pdf, write

    write(tmp_path / "in.pdf", small_pdf(4))
    (tmp_path / "out.pdf").write_bytes(b"%PDF-1.7 previous")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(output.os, "replace", _no_space)
    result = CliRunner().invoke(main, ["impose", "in.pdf", "-o", "out.pdf"])
    assert result.exit_code == 1
    assert result.stderr == "out.pdf: error: cannot write the file: No space left on device\n"
    assert (tmp_path / "out.pdf").read_bytes() == b"%PDF-1.7 previous"
    assert temporaries(tmp_path) == []


# --- two builds at once ---------------------------------------------------------------------


@pytest.mark.slow
def test_two_builds_of_one_series_at_once(series, tmp_path):
    root, saved, previous, new, _ = series
    restore(root, saved)
    first = zinekit(root, "build", ".", "--format", ALL_FORMATS, "-q", "--force", "-j", "1")
    second = zinekit(root, "build", ".", "--format", ALL_FORMATS, "-q", "--force", "-j", "1")
    for proc in (first, second):
        _, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
    assert outputs(root / "dist", bookkeeping=False) == outputs_of(new)
    assert temporaries(root / "dist") == []
