"""Benchmark: what an editor waits for after an edit, timed as whole commands.

Each command runs as an editor runs it: a new process (``python -m zinekit …``), its
start and imports included, Python's bytecode cached as an installed package has it.
In the same run:

- ``zinekit check`` against ``zinekit build --format pdf`` on an ordinary issue of
  about 30 A5 pages (title and author, a footnote in every paragraph, no back cover):
  the check must take at most 0.25 of the build;
- ``zinekit check`` on a text of 10,000 notes: under 15 s;
- ``zinekit --help``;
- ``zinekit build --format epub`` against ``pandoc -o x.epub`` on the same Markdown:
  at most 1.5 times pandoc.

Each figure is the median of ``--repeat`` runs: wall-clock seconds, and the CPU
seconds the process used (on a busy machine, the fairer comparison).  The user's cache
folder is a fresh one, filled by a first check and a first EPUB as an editor's first
build fills it (what each font covers, the EPUB's drawn cover); the EPUB's time with
an empty cache is shown too.

    python benchmarks/bench_check.py [--repeat 3] [--paragraphs 120] [--notes 10000]
    python benchmarks/bench_check.py --smoke          # a small run, < 20 s
    PYTHONPATH=/path/to/old/zinekit python benchmarks/bench_check.py   # before
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

WORDS = ("the night shift keeps its own counsel and nobody writes the minutes down because "
         "there is no room and no agreed hour only twelve minutes at the shelter behind bay "
         "nine where the news of the depot collects like weather").split()


def make_issue(path: Path, paragraphs: int) -> Path:
    """An ordinary issue: a title and an author, a section heading every 30 paragraphs,
    a footnote in every paragraph (120 paragraphs fill about 30 A5 pages)."""
    parts = ["---\ntitle: The Long Night\nauthors: [Ana Field]\n---\n"]
    notes = []
    for n in range(1, paragraphs + 1):
        if n % 30 == 1:
            parts.append(f"## Section {n // 30 + 1}\n")
        words = [WORDS[(n * 7 + i) % len(WORDS)] for i in range(70 + n % 40)]
        words[0] = words[0].capitalize()
        parts.append(" ".join(words) + f".[^n{n}]\n")
        notes.append(f"[^n{n}]: A note for paragraph {n}.")
    path.write_text("\n".join(parts) + "\n" + "\n".join(notes) + "\n", encoding="utf-8")
    return path


def make_notes(path: Path, count: int) -> Path:
    """A text of ``count`` short paragraphs, each with its footnote."""
    parts = ["---\ntitle: Ten Thousand Notes\nauthors: [Ana Field]\n---\n"]
    notes = []
    for n in range(1, count + 1):
        if n % 100 == 1:
            parts.append(f"## Part {n // 100 + 1}\n")
        parts.append(f"A short line of the text, number {n}, with its note.[^n{n}]\n")
        notes.append(f"[^n{n}]: Note {n}.")
    path.write_text("\n".join(parts) + "\n" + "\n".join(notes) + "\n", encoding="utf-8")
    return path


@dataclass
class Timing:
    wall: float
    cpu: float
    status: int


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> Timing:
    """One whole command: wall-clock time and the CPU time of the process and its
    children (a build's worker processes too)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        status = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        return Timing(float("inf"), float("inf"), -1)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu, status)


def median(timings: list[Timing]) -> Timing:
    return Timing(statistics.median(t.wall for t in timings),
                  statistics.median(t.cpu for t in timings),
                  max(t.status for t in timings))


def pandoc() -> str | None:
    """pandoc on the PATH, else the one the pypandoc-binary wheel carries."""
    found = shutil.which("pandoc")
    if found:
        return found
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        return None


def shown(t: Timing) -> str:
    if t.wall == float("inf"):
        return "did not finish"
    failed = "" if t.status == 0 else f"  (exit {t.status})"
    return f"{t.wall:6.2f} s wall, {t.cpu:5.2f} s CPU{failed}"


def ratio(a: Timing, b: Timing) -> str:
    if a.wall == float("inf"):
        return "—"
    return f"{a.wall / b.wall:5.2f} wall, {a.cpu / b.cpu:5.2f} CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--paragraphs", type=int, default=120)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=150.0,
                        help="give up on one command after this many seconds")
    parser.add_argument("--smoke", action="store_true", help="a small run, for CI")
    args = parser.parse_args()
    if args.smoke:
        args.repeat, args.paragraphs, args.notes = 1, 8, 300
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")  # as an installed package
        env["XDG_CACHE_HOME"] = str(folder / "cache")
        issue = make_issue(folder / "issue.md", args.paragraphs)
        notes = make_notes(folder / "notes.md", args.notes)
        zinekit = [sys.executable, "-m", "zinekit"]
        run([*zinekit, "check", issue.name], folder, env, args.timeout)  # writes the bytecode
        cold = run([*zinekit, "build", issue.name, "--format", "epub", "--force", "-q",
                    "--out", "out-cold"], folder, env, args.timeout)  # fills the cache
        commands = {
            "help": [*zinekit, "--help"],
            "check": [*zinekit, "check", issue.name],
            "pdf": [*zinekit, "build", issue.name, "--format", "pdf", "--force", "-q",
                    "--out", "out-pdf"],
            "epub": [*zinekit, "build", issue.name, "--format", "epub", "--force", "-q",
                     "--out", "out-epub"],
        }
        pandoc_path = pandoc()
        if pandoc_path:
            commands["pandoc"] = [pandoc_path, issue.name, "-o", "pandoc.epub"]
        times: dict[str, list[Timing]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                times[name].append(run(command, folder, env, args.timeout))
        m = {name: median(found) for name, found in times.items()}
        big = run([*zinekit, "check", notes.name], folder, env, args.timeout)
        print(f"issue: {args.paragraphs} paragraphs, a footnote each; medians of {args.repeat} runs")
        print(f"zinekit --help                 : {shown(m['help'])}")
        print(f"zinekit check                  : {shown(m['check'])}")
        print(f"zinekit build --format pdf     : {shown(m['pdf'])}")
        print(f"ratio check / pdf build        : {ratio(m['check'], m['pdf'])}  (at most 0.25)")
        label = f"zinekit check, {args.notes:,} notes"
        print(f"{label:31}: {shown(big)}  (under 15 s)")
        print(f"zinekit build --format epub    : {shown(m['epub'])}")
        print(f"  the first, with an empty cache: {shown(cold)}")
        if pandoc_path:
            print(f"pandoc -o x.epub               : {shown(m['pandoc'])}")
            print(f"ratio epub / pandoc            : {ratio(m['epub'], m['pandoc'])}  (at most 1.5)")
        saved = m["pdf"].wall - m["check"].wall
        print(f"an editor's check after an edit, against building the PDF to see its problems: "
              f"{saved:.2f} s saved")


if __name__ == "__main__":
    main()
