"""Benchmark: the layouts an editor waits for, timed as whole commands.

In the same run, each as a fresh process (``python -m zinekit …``, process start
included), an output folder of its own each time:

1. **default formats against the PDF alone**, on an ordinary issue (title and author,
   a footnote per paragraph, no back cover): ``zinekit build`` against
   ``zinekit build --format pdf``.  One layout for both is a ratio near 1 (the booklet's
   imposition and the EPUB are the rest); a second layout for the print edition made it
   about 1.95.
2. **``--jobs 2`` against ``--jobs 1``** on a one-file book of 12 chapters (about 110 A5
   pages), ``--format pdf``: a first build (no layout recorded: the page numbers are
   found as the parts are laid out) and a build after an edit (a word changed, the same
   output folder: the last layout's page numbers are the guess); and the peak memory.
3. **the page view's freshness**: ``zinekit serve`` running, ``/pages`` open; the time
   from a save to the page view's next version, against ``zinekit build --format pdf``
   of the same issue (the goal: at most 1.2×).

    python benchmarks/bench_layout.py [--repeat 3] [--smoke] [--keep DIR]

``--smoke`` runs each measure once on small inputs (under 20 s): it checks that the
benchmark works, not the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

WORDS = ("the rota went up on the board by the kettle and nobody admitted to writing it "
         "but everyone knew whose handwriting it was and the night shift signed it anyway "
         "because a list that exists is better than a meeting that does not").split()


def paragraph(n: int, length: int = 60) -> str:
    words = [WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(length + n % 30)]
    return " ".join(words).capitalize() + "."


def ordinary_issue(folder: Path, paragraphs: int) -> Path:
    """Title and author, a footnote per paragraph, a heading every 20: no back cover."""
    lines = ["---\ntitle: Thirty Pages\nauthors: [A. Writer]\n---\n"]
    notes = []
    for n in range(1, paragraphs + 1):
        if n % 20 == 1:
            lines.append(f"## Part {n // 20 + 1}\n")
        lines.append(f"{paragraph(n)}[^n{n}]\n")
        notes.append(f"[^n{n}]: A note for paragraph {n}.")
    path = folder / "ordinary.md"
    path.write_text("\n".join(lines) + "\n" + "\n".join(notes) + "\n", encoding="utf-8")
    return path


def book(folder: Path, chapters: int, paragraphs: int) -> Path:
    """A one-file book: ``# Chapter n`` headings, each with sections and footnotes."""
    lines = ["---\ntitle: The Long Book\nauthors: [B. Writer]\n---\n"]
    notes = []
    for c in range(1, chapters + 1):
        lines.append(f"# Chapter {c}\n")
        for p in range(1, paragraphs + 1):
            n = c * 1000 + p
            if p % 12 == 1:
                lines.append(f"## Section {c}.{p // 12 + 1}\n")
            note = f"[^c{c}p{p}]" if p % 3 == 0 else ""
            lines.append(f"{paragraph(n, 70)}{note}\n")
            if note:
                notes.append(f"[^c{c}p{p}]: A note in chapter {c}, paragraph {p}.")
    path = folder / "book.md"
    path.write_text("\n".join(lines) + "\n" + "\n".join(notes) + "\n", encoding="utf-8")
    return path


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def zinekit(args: list[str], cwd: Path) -> tuple[float, float]:
    """Seconds for one whole ``zinekit`` command: wall clock, and CPU of its process
    and the processes it started (steadier than the wall clock on a shared machine)."""
    cpu = children_cpu()
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "zinekit", *args], cwd=cwd, env=environment(),
                         capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        sys.exit(f"zinekit {' '.join(args)} failed:\n{run.stdout}{run.stderr}")
    return elapsed, children_cpu() - cpu


class Counter:
    """Fresh output folders, so that no build reuses another's results."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.n, self.last = folder, 0, ""

    def next(self) -> str:
        self.n += 1
        self.last = str(self.folder / f"out{self.n}")
        return self.last


def build(source: Path, formats: str | None, out: Counter, jobs: int = 1) -> tuple[float, float]:
    args = ["build", source.name, "--out", out.next(), "-q", "--force", "--jobs", str(jobs)]
    if formats:
        args += ["--format", formats]
    return zinekit(args, source.parent)


def build_to(source: Path, folder: str, jobs: int) -> tuple[float, float]:
    return zinekit(["build", source.name, "--out", folder, "-q", "--force", "--jobs", str(jobs),
                    "--format", "pdf"], source.parent)


def edit_and_build(source: Path, folder: str) -> tuple[float, float]:
    """An editor's next build: a word added to (or taken from) the first chapter, the
    same output folder, ``--jobs 2``."""
    text = source.read_text(encoding="utf-8")
    marker = "kettle (again) "
    text = text.replace(marker, "", 1) if marker in text else text.replace("kettle ", marker, 1)
    source.write_text(text, encoding="utf-8")
    return build_to(source, folder, 2)


def peak_memory(args: list[str], cwd: Path) -> float:
    """The peak resident memory of a ``zinekit`` command, in MB: the largest of its
    process and the processes it waited for (``os.wait4``)."""
    process = subprocess.Popen([sys.executable, "-m", "zinekit", *args], cwd=cwd,
                               env=environment(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024


def pages_of(folder: str) -> int:
    from pypdf import PdfReader

    pdf = next(Path(folder).rglob("*.pdf"))
    return len(PdfReader(str(pdf)).pages)


def alternate(repeat: int, measures: dict) -> dict[str, list]:
    """Each measure ``repeat`` times, taking turns (the machine's load falls on both)."""
    times: dict[str, list] = {name: [] for name in measures}
    for _ in range(repeat):
        for name, measure in measures.items():
            times[name].append(measure())
    return times


def show(title: str, times: dict[str, list], baseline: str) -> float:
    """Medians and ratios to ``baseline``: wall clock, and CPU where it was measured
    (a value is seconds, or (wall, CPU) seconds)."""
    def wall(v) -> float:
        return v[0] if isinstance(v, tuple) else v

    base = statistics.median(wall(v) for v in times[baseline])
    cpus = {name: [v[1] for v in values if isinstance(v, tuple)] for name, values in times.items()}
    base_cpu = statistics.median(cpus[baseline]) if cpus[baseline] else 0.0
    print(f"\n{title}")
    ratio = 1.0
    for name, values in times.items():
        median = statistics.median(wall(v) for v in values)
        ratio = median / base
        shown = ", ".join(f"{wall(v):.2f}" for v in values)
        line = f"  {name:<28} median {median:6.2f} s  ({shown})  {ratio:.2f}× {baseline}"
        if cpus[name] and base_cpu:
            cpu = statistics.median(cpus[name])
            line += f"; CPU {cpu:.2f} s, {cpu / base_cpu:.2f}×"
        print(line)
    return ratio


# --- the page view -----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, target: str, timeout: float = 120) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", target)
        return connection.getresponse().read()
    finally:
        connection.close()


def page_view_freshness(source: Path, repeat: int) -> list[float]:
    """Seconds from a save to the page view's next good version, ``repeat`` saves."""
    port = free_port()
    log = source.parent / "serve.log"
    with open(log, "w", encoding="utf-8") as sink:
        server = subprocess.Popen([sys.executable, "-m", "zinekit", "serve", source.name,
                                   "--port", str(port)], cwd=source.parent, env=environment(),
                                  stdout=sink, stderr=sink)
    try:
        deadline = time.monotonic() + 120
        while "previewing at" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        get(port, "/pages")
        while json.loads(get(port, "/__zinekit/pages.json"))["pages"] is None:
            time.sleep(0.1)
        original = source.read_text(encoding="utf-8")
        times = []
        for n in range(repeat):
            state = json.loads(get(port, "/__zinekit/pages.json"))
            version = state["version"]
            source.write_text(original.replace("A note for paragraph 1.", f"A note, saved {n}."),
                              encoding="utf-8")
            saved = time.perf_counter()
            moved = version
            while moved == version:
                moved = int(get(port, f"/__zinekit/pages-version?known={version}"))
            times.append(time.perf_counter() - saved)
            state = json.loads(get(port, "/__zinekit/pages.json"))
            if state["problem"]:
                sys.exit(f"the page view did not lay out: {state['problem']}")
            time.sleep(0.5)
        return times
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="small inputs, once each (< 20 s)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument("--only", choices=("formats", "jobs", "pages"), action="append")
    args = parser.parse_args()
    repeat = 1 if args.smoke else args.repeat
    only = set(args.only or ("formats", "jobs", "pages"))
    with tempfile.TemporaryDirectory(prefix="zinekit-bench-layout-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        out = Counter(folder)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; whole commands, "
              f"{repeat} run(s) each, taking turns")
        pdf_times: list = []
        if "formats" in only:
            issue = ordinary_issue(folder, 12 if args.smoke else 130)
            times = alternate(repeat, {
                "build --format pdf": lambda: build(issue, "pdf", out),
                "build (default formats)": lambda: build(issue, None, out),
            })
            print(f"\nordinary issue: {pages_of(out.last)} pages")
            show("default formats (pdf, booklet, epub) against the PDF alone", times,
                 "build --format pdf")
            pdf_times = times["build --format pdf"]
        if "jobs" in only and not args.smoke:
            long_book = book(folder, 12, 40)
            edited = str(folder / "edited")
            build_to(long_book, edited, 2)  # the build before the edits
            times = alternate(repeat, {
                "build --format pdf --jobs 1": lambda: build(long_book, "pdf", out, jobs=1),
                "--jobs 2, first build": lambda: build(long_book, "pdf", out, jobs=2),
                "--jobs 2, after an edit": lambda: edit_and_build(long_book, edited),
            })
            print(f"\none-file book, 12 chapters: {pages_of(out.last)} pages")
            ratio = show("--jobs 2 against --jobs 1", times, "build --format pdf --jobs 1")
            print(f"  speed-up after an edit: {1 / ratio:.2f}×")
            for jobs in (1, 2):
                peak = peak_memory(["build", long_book.name, "--format", "pdf", "-q", "--force",
                                    "--out", out.next(), "--jobs", str(jobs)], long_book.parent)
                print(f"  peak memory, --jobs {jobs}: {peak:.0f} MB (the largest process)")
        if "pages" in only:
            small = folder / "served"
            small.mkdir(exist_ok=True)
            issue = ordinary_issue(small, 12 if args.smoke else 130)
            fresh = page_view_freshness(issue, repeat if args.smoke else max(repeat, 3))
            pdf = pdf_times if args.smoke and pdf_times else \
                [build(issue, "pdf", out) for _ in range(1 if args.smoke else repeat)]
            show("the page view after a save against a PDF build",
                 {"build --format pdf": pdf, "save → /pages up to date": fresh},
                 "build --format pdf")


if __name__ == "__main__":
    main()
