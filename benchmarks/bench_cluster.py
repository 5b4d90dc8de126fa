"""Benchmark: a library of 1,000 texts built on a Dask cluster, and on this machine.

Generates a library (`zinekit.toml` and one single-file text each, two A5 pages: two
headings, a footnote, an editor's note); from text 51 on, every text cites a section of
one of the first 50, and every 25th text also cites one of texts 51–100, so the
reference order has three levels.  Then, each build in a fresh process with
`SOURCE_DATE_EPOCH` set, on a frozen copy of the code, with a Dask scheduler and
`dask worker --nthreads 1 --no-nanny` processes started on loopback:

1. the first build on a cluster of 1 worker;
2. the first build on a cluster of 2 workers, to another folder (and the two compared
   file by file);
3. the second build of (2) with nothing changed: every text up to date;
4. one cited text edited (its cited section moves to a later page): the texts rendered
   again are that text and the texts that cite it;

and, with ``--compare-local``, the first build with ``--jobs N`` on the process pool
and with ``--cluster local`` (a Dask ``LocalCluster`` of N processes).

    python benchmarks/bench_cluster.py [--texts 1000] [--formats pdf] [--compare-local]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_series import differences, sentence
from frozen_code import snapshot_code

EPOCH = "1767225600"
ROOTS = 50  # texts citing nothing


def cited_by(number: int) -> list[int]:
    """The texts text ``number`` cites."""
    if number <= ROOTS:
        return []
    found = [(number * 7) % ROOTS + 1]
    if number % 25 == 0 and number > 2 * ROOTS:
        found.append(ROOTS + (number * 3) % ROOTS + 1)
    return found


def text(number: int, filler: int = 0) -> str:
    lines = [f"---\ntitle: Pamphlet {number}\nseries: Bench Library\nvolume: {number}\n"
             "license: Anti-copyright\n---\n"]
    for part, name in enumerate(("at the gate", "in the yard")):
        if part == 1:
            lines += [" ".join(sentence(number + i) for i in range(6)) + "\n"] * filler
        lines.append(f"## Pamphlet {number} {name} {{#p{number}-{part}}}\n")
        for p in range(3):
            seed = number * 10 + part * 3 + p
            body = " ".join(sentence(seed + i) for i in range(4))
            body += f"[^{part}]" if p == 0 else f" [ed. – {sentence(seed + 7, 8)}]" if p == 1 else ""
            lines.append(body + "\n")
        lines.append(f"[^{part}]: {sentence(number + part, 10)}\n")
    for other in cited_by(number):
        lines.append(f"As argued before [see Pamphlet {other} in the yard].\n")
    return "\n".join(lines)


def make_library(folder: Path, count: int) -> Path:
    root = folder / "library"
    (root / "texts").mkdir(parents=True)
    entries = "".join(f'\n[[issues]]\nvolume = {n}\nsource = "texts/t{n:05d}.md"\n'
                      for n in range(1, count + 1))
    (root / "zinekit.toml").write_text(
        f'[series]\nname = "Bench Library"\n{entries}\n[build]\ntheme = "pamphlet"\n', encoding="utf-8")
    for n in range(1, count + 1):
        (root / "texts" / f"t{n:05d}.md").write_text(text(n), encoding="utf-8")
    return root


class Cluster:
    """``dask scheduler`` and ``dask worker`` processes on loopback, stopped by id."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder, self.env = folder, env
        self.file = folder / "scheduler.json"
        self.file.unlink(missing_ok=True)
        self.processes = [self._start("scheduler", "--host", "127.0.0.1", "--port", "0",
                                      "--scheduler-file", str(self.file))]
        while not self.file.is_file():
            time.sleep(0.2)
        self.address = json.loads(self.file.read_text())["address"]

    def _start(self, role: str, *args: str) -> subprocess.Popen:
        log = open(self.folder / f"{role}.log", "ab")
        return subprocess.Popen([sys.executable, "-m", f"distributed.cli.dask_{role}", *args],
                                stdout=log, stderr=log, env=self.env, cwd=self.folder)

    def workers(self, count: int) -> None:
        for _ in range(count):
            self.processes.append(self._start(
                "worker", "--scheduler-file", str(self.file), "--nthreads", "1", "--no-nanny",
                "--host", "127.0.0.1"))

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.kill(process.pid, signal.SIGKILL)
                    process.wait()


def build(root: Path, out: Path, env: dict[str, str], *args: str) -> tuple[float, float, str]:
    """Wall time, CPU time of the zinekit process (and its children) and its messages."""
    command = [sys.executable, "-m", "zinekit", "build", str(root), "--out", str(out), *args]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(command, stdout=log, stderr=log, env=env, cwd=root.parent)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        log.seek(0)
        messages = log.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"zinekit build {' '.join(args)} failed:\n{messages[-3000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, messages


def rendered(messages: str) -> set[str]:
    return set(re.findall(r"^(\S+): \d+ pages? in ", messages, re.M))


def on_cluster(root: Path, folder: Path, env: dict[str, str], workers: int, out: Path,
               formats: str, *extra: str) -> tuple[float, float, str]:
    cluster = Cluster(folder, env)
    try:
        cluster.workers(workers)
        return build(root, out, env, "--cluster", cluster.address, "--format", formats, *extra)
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--formats", default="pdf")
    parser.add_argument("--compare-local", action="store_true",
                        help="also time --jobs 2 on the process pool and on --cluster local")
    parser.add_argument("--skip-one", action="store_true", help="no 1-worker build")
    parser.add_argument("--smoke", action="store_true", help="3 texts, one build on 1 worker (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.texts = 3
    folder = Path(tempfile.mkdtemp(prefix="zinekit-cluster-"))
    try:
        root = make_library(folder, args.texts)
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, **snapshot_code(folder))
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}; {args.texts} texts, formats {args.formats}", flush=True)
        if args.compare_local:
            for how in (("--jobs", "2"), ("--cluster", "local", "--jobs", "2")):
                wall, cpu, _ = build(root, folder / f"out-{how[1]}", env, "--format", args.formats, *how)
                print(f"first build, {' '.join(how):24}: {wall:7.1f} s (CPU here {cpu:6.1f} s)", flush=True)
        if args.smoke:
            wall, _, log = on_cluster(root, folder, env, 1, folder / "out1", args.formats)
            print(f"first build, 1 worker : {wall:7.1f} s; {len(rendered(log))} rendered")
            return
        one = None
        if not args.skip_one:
            one, cpu, _ = on_cluster(root, folder, env, 1, folder / "out1", args.formats)
            print(f"first build, 1 worker : {one:7.1f} s (CPU here {cpu:6.1f} s)", flush=True)
        two, cpu, _ = on_cluster(root, folder, env, 2, folder / "out2", args.formats)
        print(f"first build, 2 workers: {two:7.1f} s (CPU here {cpu:6.1f} s)"
              + (f"  speed-up {one / two:.2f}×" if one else ""), flush=True)
        if one:
            diff = differences(folder / "out1", folder / "out2")
            print("1 and 2 workers: " + ("byte-identical" if not diff else f"{len(diff)} files differ"))
        again, cpu, log = on_cluster(root, folder, env, 2, folder / "out2", args.formats)
        print(f"unchanged rebuild     : {again:7.1f} s (CPU here {cpu:6.1f} s); "
              f"{log.count(': up to date')}/{args.texts} up to date, {len(rendered(log))} rendered")
        edited = 7  # cited by the texts n with (n * 7) % 50 + 1 == 7
        (root / "texts" / f"t{edited:05d}.md").write_text(text(edited, filler=12), encoding="utf-8")
        wall, cpu, log = on_cluster(root, folder, env, 2, folder / "out2", args.formats)
        citing = {n for n in range(1, args.texts + 1) if edited in cited_by(n)}
        expected = {f"bench-library-vol-{n}" for n in citing | {edited}}
        print(f"one text edited       : {wall:7.1f} s; rendered {len(rendered(log))} "
              f"(expected {len(expected)}: it and the {len(citing)} citing it): "
              + ("as expected" if rendered(log) == expected else f"DIFFERENT {sorted(rendered(log) ^ expected)[:8]}"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
