"""Benchmark: a series of 100 small issues, built on one core, on all cores, and again.

Generates a series (`zinekit.toml` and one Markdown file per issue, one or two A5 pages
each: headings, a footnote, an editor's note); every fourth issue cites a heading of an
issue three volumes back, and volumes 50 and 51 cite each other (settled by the second
pass).  Then, each `zinekit build` in a fresh process with `SOURCE_DATE_EPOCH` set:

1. the first build with ``--jobs 1``;
2. the first build with ``--jobs N`` (default: the number of cores), to another folder;
3. the second build of (2) with nothing changed: every issue reused;

and checks that (1) and (2) wrote the same files, byte for byte.

    python benchmarks/bench_series.py [--issues 100] [--jobs N] [--formats pdf,booklet,epub]
"""

from __future__ import annotations

import argparse
import filecmp
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from frozen_code import snapshot_code

WORDS = ("the yard gate was open from six and the first van came at twenty past with "
         "bread from the co-op and a crate of apples nobody had ordered and everyone ate "
         "before the meeting started in the loading bay under the one working light").split()


def sentence(seed: int, length: int = 15) -> str:
    return " ".join(WORDS[(seed * 5 + i * 3) % len(WORDS)] for i in range(length)).capitalize() + "."


def cites(number: int, issues: int) -> list[int]:
    """The volumes issue ``number`` cites."""
    found = []
    if number % 4 == 0 and number > 3:
        found.append(number - 3)
    if issues >= 51 and number in (50, 51):
        found.append(101 - number)  # 50 ↔ 51
    return found


def issue_text(number: int, issues: int) -> str:
    lines = [f"---\ntitle: Notes from Yard {number}\nseries: Bench Series\nvolume: {number}\n"
             "license: Anti-copyright\n---\n"]
    for part, name in enumerate(("by day", "by night")):
        lines.append(f"## Yard {number} {name} {{#y{number}-{part}}}\n")
        for p in range(3):
            seed = number * 10 + part * 3 + p
            text = " ".join(sentence(seed + i) for i in range(4))
            if p == 0:
                text += f"[^{part}]"
            if p == 1:
                text += f" [ed. – {sentence(seed + 7, 8)}]"
            lines.append(text + "\n")
        lines.append(f"[^{part}]: {sentence(number + part, 10)}\n")
    for other in cites(number, issues):
        lines.append(f"As the yard learned before [see Yard {other} by night].\n")
    return "\n".join(lines)


def make_series(folder: Path, issues: int) -> Path:
    root = folder / "series"
    (root / "issues").mkdir(parents=True)
    entries = "".join(f'\n[[issues]]\nvolume = {n}\nsource = "issues/vol{n:03d}.md"\n'
                      for n in range(1, issues + 1))
    (root / "zinekit.toml").write_text(
        f'[series]\nname = "Bench Series"\naliases = ["BS"]\n{entries}\n[build]\ntheme = "pamphlet"\n',
        encoding="utf-8")
    for n in range(1, issues + 1):
        (root / "issues" / f"vol{n:03d}.md").write_text(issue_text(n, issues), encoding="utf-8")
    return root


def build(root: Path, out: Path, jobs: int, formats: str,
          code: dict[str, str]) -> tuple[float, float, str]:
    """Wall time, CPU time (user + system, worker processes included) and messages."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600", **code)
    command = [sys.executable, "-m", "zinekit", "build", str(root), "--out", str(out),
               "--jobs", str(jobs), "--format", formats]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(command, stdout=log, stderr=log, env=env, cwd=root.parent)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        log.seek(0)
        messages = log.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"zinekit build --jobs {jobs} failed:\n{messages[-3000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, messages


def differences(a: Path, b: Path) -> list[str]:
    found = []
    names = sorted({p.relative_to(a) for p in a.rglob("*") if p.is_file()}
                   | {p.relative_to(b) for p in b.rglob("*") if p.is_file()})
    for name in names:
        if not (a / name).is_file() or not (b / name).is_file() \
                or not filecmp.cmp(a / name, b / name, shallow=False):
            found.append(str(name))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--issues", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--formats", default="pdf,booklet,epub")
    parser.add_argument("--skip-serial", action="store_true", help="no --jobs 1 build")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="zinekit-series-"))
    try:
        root = make_series(folder, args.issues)
        code = snapshot_code(folder)
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
              f"{args.issues} issues, formats {args.formats}")
        serial = None
        if not args.skip_serial:
            serial, cpu, _ = build(root, folder / "out1", 1, args.formats, code)
            print(f"first build,  --jobs 1 : {serial:7.1f} s  (CPU {cpu:6.1f} s)")
        first, cpu, _ = build(root, folder / "out2", args.jobs, args.formats, code)
        print(f"first build,  --jobs {args.jobs} : {first:7.1f} s  (CPU {cpu:6.1f} s)"
              + (f"  speed-up over --jobs 1: {serial / first:.2f}×" if serial else ""))
        second, cpu, log = build(root, folder / "out2", args.jobs, args.formats, code)
        reused = log.count(": up to date")
        print(f"second build, --jobs {args.jobs} : {second:7.1f} s  (CPU {cpu:6.1f} s)  "
              f"{reused}/{args.issues} issues up to date")
        print(f"second / first         : {second / first:7.3f}")
        if serial is not None:
            diff = differences(folder / "out1", folder / "out2")
            print("--jobs 1 and --jobs N outputs: "
                  + ("byte-identical" if not diff else f"{len(diff)} files differ: {diff[:5]}"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
