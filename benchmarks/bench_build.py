"""Benchmark: `zinekit build --format pdf` on a long issue against WeasyPrint alone.

Generates an issue of well over 200 A5 pages with a footnote in every paragraph (plus
editor's notes, headings and a table now and then), then times, in the same run:

- zinekit: the whole `build` command's work for the reading PDF (parse, resolve,
  template, lay out, check footnote placement, write), run in-process;
- WeasyPrint alone: rendering the equivalent HTML — the very HTML and stylesheets
  zinekit hands to WeasyPrint — to a PDF.

Prints both times and the ratio (the requirement is at most 1.5, the aim 1.2).

    python benchmarks/bench_build.py [--paragraphs 900] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("the night shift keeps its own counsel and nobody writes the minutes down because "
         "there is no room and no agreed hour only twelve minutes at the shelter behind bay "
         "nine where the news of the depot collects like weather").split()


def paragraph(n: int) -> str:
    words = [WORDS[(n * 7 + i) % len(WORDS)] for i in range(70 + n % 40)]
    words[0] = words[0].capitalize()
    text = " ".join(words)
    note = f"[^n{n}]"
    extra = f" [ed. – an editor's aside number {n}]" if n % 9 == 0 else ""
    return f"{text}{note}{extra} {' '.join(words[:25])}."


def make_issue(folder: Path, paragraphs: int) -> Path:
    parts = ["---\ntitle: The Long Night\nseries: Bench Press\nvolume: 1\n"
             "license: Anti-copyright\n---\n"]
    notes = []
    for n in range(1, paragraphs + 1):
        if n % 30 == 1:
            parts.append(f"## Section {n // 30 + 1}\n")
        if n % 150 == 0:
            parts.append("| shift | hours |\n|---|---|\n| nights | 10 |\n| lates | 8 |\n")
        parts.append(paragraph(n) + "\n")
        notes.append(f"[^n{n}]: A note for paragraph {n}, with a few words of its own "
                     f"{' '.join(WORDS[n % 20:n % 20 + 12])}.")
    path = folder / "long.md"
    path.write_text("\n".join(parts) + "\n" + "\n".join(notes) + "\n", encoding="utf-8")
    return path


def time_zinekit(source: Path, out: Path) -> tuple[float, int]:
    from click.testing import CliRunner

    from zinekit.cli import main

    started = time.perf_counter()
    result = CliRunner().invoke(main, ["build", str(source), "--format", "pdf", "--out", str(out),
                                       "-q"])
    elapsed = time.perf_counter() - started
    if result.exit_code != 0:
        sys.exit(f"zinekit build failed:\n{result.output}")
    from pypdf import PdfReader

    pages = len(PdfReader(str(next(out.rglob("*.pdf")))).pages)
    return elapsed, pages


def equivalent_html(source: Path) -> tuple[str, list[Path], Path]:
    """The HTML and stylesheets zinekit gives WeasyPrint for this issue."""
    from zinekit.pipeline.build import BuildOptions, prepare_issue
    from zinekit.errors import Diagnostics
    from zinekit.project import open_project
    from zinekit.render.document import render_issue_html

    project = open_project(source, Diagnostics())
    prepared = prepare_issue(source, project, BuildOptions(quiet=True))
    html = render_issue_html(prepared)
    return html, prepared.theme.stylesheets("print"), source.parent


def time_weasyprint(html: str, stylesheets: list[Path], base: Path, out: Path) -> float:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    started = time.perf_counter()
    fonts = FontConfiguration()
    css = [weasyprint.CSS(filename=str(p), font_config=fonts) for p in stylesheets]
    weasyprint.HTML(string=html, base_url=str(base) + "/").write_pdf(
        out, stylesheets=css, font_config=fonts)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=900)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = make_issue(folder, args.paragraphs)
        html, stylesheets, base = equivalent_html(source)
        zinekit_times, weasy_times, pages = [], [], 0
        for run in range(args.repeat):
            seconds, pages = time_zinekit(source, folder / f"out{run}")
            zinekit_times.append(seconds)
            weasy_times.append(time_weasyprint(html, stylesheets, base, folder / f"w{run}.pdf"))
        z, w = statistics.median(zinekit_times), statistics.median(weasy_times)
        print(f"issue: {args.paragraphs} paragraphs, {args.paragraphs} footnotes, {pages} A5 pages")
        print(f"zinekit build --format pdf : {z:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in zinekit_times)})")
        print(f"WeasyPrint alone           : {w:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in weasy_times)})")
        print(f"ratio zinekit / WeasyPrint : {z / w:6.2f}  (must be <= 1.5, aim 1.2)")


if __name__ == "__main__":
    main()
