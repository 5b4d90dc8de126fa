"""Benchmark: a 1,000-page anthology built to PDF, booklet and EPUB — time and memory.

Generates a folder issue of about forty articles (headings with anchors, a footnote in
most paragraphs, inline and block editor's notes, a cross-reference within the issue,
tables, a few small PNG and SVG images, authors with Greek, Cyrillic and accented
Latin names) that lays out to about 1,000 A5 pages with the `pamphlet` theme, then runs
`zinekit build` in a fresh process once per format, and once for all three together,
and reports for each run its wall time and the peak resident memory of the process
(``ru_maxrss`` of that child, read with ``os.wait4``).

    python benchmarks/bench_anthology.py [--articles 40] [--paragraphs 100]
                                         [--formats pdf,booklet,epub,all] [--keep DIR]
                                         [--jobs 1,2]

With ``--jobs 1,2`` each run is made with ``--jobs 1`` and with ``--jobs 2`` (the
anthology laid out in parts on two processes, docs/performance.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from frozen_code import snapshot_code

WORDS = ("the allotment committee met in the back room of the launderette because it was "
         "warm and because the machines covered the sound of an argument about whose turn "
         "it was to water the plots along the railway fence during the long dry august "
         "when nobody could agree on anything except that the tomatoes came first").split()

AUTHORS = ["Ольга Сидоренко", "Νίκος Παππάς", "Zoë Ñúñez", "Łukasz Wróbel",
           "Thị Hương Nguyễn", "Søren Ødegård", "Ayşe Yılmaz", "Марія Коваль",
           "Έλενα Δημητρίου", "Dagný Þórsdóttir"]


def sentence(seed: int, length: int = 16) -> str:
    words = [WORDS[(seed * 7 + i * 5) % len(WORDS)] for i in range(length)]
    return " ".join(words).capitalize() + "."


def paragraph(seed: int) -> str:
    return " ".join(sentence(seed * 11 + i, 14 + (seed + i) % 9) for i in range(5))


def png(width: int, height: int, seed: int) -> bytes:
    """A small RGB gradient, written by hand (no imaging library needed)."""
    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in
                        ((x * 255 // width + seed * 40) % 256, y * 255 // height, (seed * 70) % 256))
        for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def svg(seed: int) -> str:
    bars = "".join(f'<rect x="{20 + i * 36}" y="{160 - (seed * 13 + i * 29) % 120}" width="28" '
                   f'height="{(seed * 13 + i * 29) % 120}" fill="#444"/>' for i in range(9))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="360" height="180" '
            f'viewBox="0 0 360 180"><title>Plot yields, chart {seed}</title>'
            f'<rect width="360" height="180" fill="none" stroke="#222"/>{bars}</svg>\n')


def article(number: int, paragraphs: int, image: str | None) -> str:
    author = AUTHORS[number % len(AUTHORS)]
    lines = [f"---\ntitle: Dispatch {number} from the Allotments\nauthors: [\"{author}\"]\n"
             f"source: the plot-holders' newsletter, issue {number}\n---\n"]
    notes = []
    for p in range(paragraphs):
        seed = number * 1000 + p
        if p % 12 == 0:
            lines.append(f"## Part {p // 12 + 1} of dispatch {number} {{#d{number}-p{p // 12 + 1}}}\n")
        text = paragraph(seed)
        if p % 2 == 0:
            notes.append(f"[^n{p}]: {sentence(seed + 3)}")
            text += f"[^n{p}]"
        if p % 7 == 3:
            text += f" [ed. – {sentence(seed + 5, 9)}]"
        if p % 25 == 10 and number > 1:
            text += f" [see #d{number - 1}-p1]"
        lines.append(text + "\n")
        if p % 30 == 15:
            lines.append("::: ed\n" + paragraph(seed + 9) + "\n:::\n")
        if p % 40 == 20:
            lines.append("| plot | beds | holder |\n|---|---|---|\n"
                         + "".join(f"| {n} | {n % 5 + 1} | {AUTHORS[(n + number) % 10]} |\n"
                                   for n in range(1, 7)))
        if p == paragraphs // 2 and image:
            lines.append(f"![Chart for dispatch {number}](images/{image})\n")
    lines.append("\n".join(notes) + "\n")
    return "\n".join(lines)


def make_anthology(folder: Path, articles: int, paragraphs: int) -> Path:
    issue = folder / "anthology"
    (issue / "images").mkdir(parents=True)
    names = [f"{n:02d}-dispatch.md" for n in range(1, articles + 1)]
    listing = "\n".join(f"  - {name}" for name in names)
    (issue / "issue.md").write_text(
        "---\ntitle: A Thousand Pages of Allotment Dispatches\nseries: Bench Anthology\n"
        f"volume: 1\nseason: Autumn 2026\nlicense: Anti-copyright\narticles:\n{listing}\n---\n\n"
        "[ed. – Collected from forty newsletters, unedited except for spelling.]\n",
        encoding="utf-8")
    for number, name in enumerate(names, start=1):
        image = None
        if number % 8 == 1:
            image = f"plot-{number}.png"
            (issue / "images" / image).write_bytes(png(96, 64, number))
        elif number % 8 == 5:
            image = f"chart-{number}.svg"
            (issue / "images" / image).write_text(svg(number), encoding="utf-8")
        (issue / name).write_text(article(number, paragraphs, image), encoding="utf-8")
    return issue


def timed_build(issue: Path, out: Path, formats: str,
                code: dict[str, str], jobs: int = 1) -> tuple[float, float, int, str]:
    """Wall time, CPU time, peak RSS (bytes) and messages of ``zinekit build`` in a fresh
    process."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600", **code)
    command = [sys.executable, "-m", "zinekit", "build", str(issue), "--out", str(out),
               "--format", formats, "--jobs", str(jobs)]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(command, stderr=log, stdout=log, env=env, cwd=issue.parent)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    if child.returncode != 0:
        sys.exit(f"zinekit build --format {formats} failed:\n{output}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, output


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--paragraphs", type=int, default=88, help="per article")
    parser.add_argument("--formats", default="pdf,booklet,epub,all",
                        help="runs to make, each in its own process ('all' = the three at once)")
    parser.add_argument("--keep", type=Path, default=None, help="generate into DIR and keep it")
    parser.add_argument("--jobs", default="1", help="comma-separated: a run with each "
                        "(--jobs 2: the issue laid out in parts on two processes)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="zinekit-anthology-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        issue = make_anthology(folder, args.articles, args.paragraphs)
        code = snapshot_code(folder)
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        for run, jobs in [(r, int(j)) for r in args.formats.split(",")
                          for j in args.jobs.split(",")]:
            formats = "pdf,booklet,epub" if run == "all" else run
            out = folder / f"out-{run}-{jobs}"
            seconds, cpu, peak, log = timed_build(issue, out, formats, code, jobs)
            sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB"
                              for p in sorted((out / "bench-anthology-vol-1").iterdir())
                              if p.suffix in (".pdf", ".epub"))
            warnings = sum(1 for line in log.splitlines() if ": warning: " in line)
            print(f"{run:8} --jobs {jobs} {seconds:7.1f} s (CPU {cpu:6.1f} s)   peak {peak / 2**20:5.0f} MiB   {sizes}"
                  f"   ({warnings} warnings)")
            reading = out / "bench-anthology-vol-1" / "bench-anthology-vol-1.pdf"
            if reading.exists():
                print(f"         reading PDF: {pdf_pages(reading)} pages")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
