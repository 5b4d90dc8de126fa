"""Benchmark: what tagging (PDF/UA-1) costs the reading PDF's build.

Generates the long issue of ``bench_build.py`` (a footnote in every paragraph, editor's
notes, headings, tables) and builds its reading PDF in-process, alternately:

- untagged (the baseline): the reading PDF as it was before it was tagged — WeasyPrint
  without a PDF variant, no structure finisher;
- tagged: WeasyPrint's ``pdf/ua-1`` variant and zinekit's finisher (notes, artifacts,
  languages, link descriptions, heading levels).

The layout is the same in both (the variant changes only how the PDF is written), so
it also times the writing alone.  Prints medians and the ratios (the requirement: the
build at most 1.10).

    python benchmarks/bench_tagging.py [--paragraphs 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import make_issue  # noqa: E402


def build_seconds(source: Path, out: Path, tagged: bool) -> float:
    """One ``zinekit build --format pdf``, tagged or as the untagged baseline."""
    from click.testing import CliRunner

    from zinekit.cli import main
    from zinekit.render import pdf

    saved = pdf.READING_VARIANT
    pdf.READING_VARIANT = saved if tagged else None
    try:
        started = time.perf_counter()
        result = CliRunner().invoke(main, ["build", str(source), "--format", "pdf", "--out",
                                           str(out), "-q", "--force"])
        elapsed = time.perf_counter() - started
    finally:
        pdf.READING_VARIANT = saved
    if result.exit_code != 0:
        sys.exit(f"zinekit build failed:\n{result.output}")
    return elapsed


def write_seconds(source: Path, tagged: bool) -> tuple[float, int]:
    """Writing the laid-out reading PDF alone (WeasyPrint's writer and the finisher)."""
    from zinekit.build import BuildOptions, prepare_issue
    from zinekit.errors import Diagnostics
    from zinekit.project import open_project
    from zinekit.render import pdf
    from zinekit.render.document import render_issue_html

    prepared = prepare_issue(source, open_project(source, Diagnostics()), BuildOptions())
    html = render_issue_html(prepared, mode="print")
    fetcher = pdf.ProjectFetcher([prepared.issue.root, *prepared.theme.folders,
                                  pdf.builtin_themes_folder()])
    document = pdf.render_document(html, prepared.issue, prepared.theme.stylesheets("print"),
                                   fetcher, Diagnostics())
    started = time.perf_counter()
    pdf.pdf_bytes(document, html, pdf.READING_VARIANT if tagged else None)
    return time.perf_counter() - started, len(document.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = make_issue(folder, args.paragraphs)
        builds: dict[bool, list[float]] = {False: [], True: []}
        writes: dict[bool, list[float]] = {False: [], True: []}
        pages = 0
        for run in range(args.repeat):
            for tagged in (False, True) if run % 2 == 0 else (True, False):
                builds[tagged].append(build_seconds(source, folder / f"out{run}{tagged}", tagged))
                seconds, pages = write_seconds(source, tagged)
                writes[tagged].append(seconds)
        print(f"issue: {args.paragraphs} paragraphs and footnotes, {pages} A5 pages")
        for label, times in (("build, untagged (baseline)", builds[False]),
                             ("build, tagged PDF/UA-1", builds[True]),
                             ("writing, untagged", writes[False]),
                             ("writing, tagged", writes[True])):
            runs = ", ".join(f"{t:.2f}" for t in times)
            print(f"{label:27}: {statistics.median(times):6.2f} s  (runs: {runs})")
        build_ratio = statistics.median(builds[True]) / statistics.median(builds[False])
        write_ratio = statistics.median(writes[True]) / statistics.median(writes[False])
        print(f"ratio tagged / untagged build : {build_ratio:5.2f}  (must be <= 1.10)")
        print(f"ratio tagged / untagged write : {write_ratio:5.2f}")


if __name__ == "__main__":
    main()
