"""Benchmark: what tagging (PDF/UA-1) costs the reading PDF's build.

Generates the long issue of ``bench_build.py`` (a footnote in every paragraph, editor's
notes, headings, tables), lays its reading PDF out as ``zinekit build`` does, then
writes it alternately:

- untagged (the baseline): the reading PDF as it was before it was tagged — WeasyPrint
  without a PDF variant, no structure finisher;
- tagged: WeasyPrint's ``pdf/ua-1`` variant and zinekit's finisher (notes, artifacts,
  languages, link descriptions, heading levels).

The variant changes only how the PDF is written, not the layout, so a build's cost is
the layout plus one write: the ratio printed is (layout + tagged write) / (layout +
untagged write), in CPU time (what other work on a shared machine disturbs least) and
in wall time.  It also times whole ``zinekit build --format pdf`` runs of each kind,
alternately.  The requirement: a tagged build at most 1.10 times the untagged one.

    python benchmarks/bench_tagging.py [--paragraphs 300] [--builds 2] [--layouts 2] [--writes 5]
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


def clock() -> tuple[float, float]:
    """(CPU seconds of this process, wall seconds): the machine may be shared, and CPU
    time is what other work on it disturbs least."""
    return time.process_time(), time.perf_counter()


def since(started: tuple[float, float]) -> tuple[float, float]:
    cpu, wall = clock()
    return cpu - started[0], wall - started[1]


def build(source: Path, out: Path, tagged: bool) -> tuple[float, float]:
    """One whole ``zinekit build --format pdf``, tagged or as the untagged baseline."""
    from click.testing import CliRunner

    from zinekit.cli import main
    from zinekit.render import pdf

    saved = pdf.READING_VARIANT
    pdf.READING_VARIANT = saved if tagged else None
    try:
        started = clock()
        result = CliRunner().invoke(main, ["build", str(source), "--format", "pdf", "--out",
                                           str(out), "-q", "--force", "--jobs", "1"])
        spent = since(started)
    finally:
        pdf.READING_VARIANT = saved
    if result.exit_code != 0:
        sys.exit(f"zinekit build failed:\n{result.output}")
    return spent


def lay_out(source: Path):
    """The issue laid out as ``zinekit build`` lays out its reading PDF, and its HTML."""
    from zinekit.pipeline.build import BuildOptions, prepare_issue
    from zinekit.errors import Diagnostics
    from zinekit.project import open_project
    from zinekit.render import pdf
    from zinekit.render.document import render_issue_html

    prepared = prepare_issue(source, open_project(source, Diagnostics()), BuildOptions())
    html = render_issue_html(prepared, mode="print")
    fetcher = pdf.ProjectFetcher([prepared.issue.root, *prepared.theme.folders,
                                  pdf.builtin_themes_folder()])
    return pdf.render_document(html, prepared.issue, prepared.theme.stylesheets("print"),
                               fetcher, Diagnostics()), html


def write(document, html: str, tagged: bool) -> tuple[float, float]:
    """Writing the laid-out reading PDF: WeasyPrint's writer, and the finisher."""
    from zinekit.render import pdf

    started = clock()
    pdf.pdf_bytes(document, html, pdf.READING_VARIANT if tagged else None)
    return since(started)


def median(pairs: list[tuple[float, float]], index: int) -> float:
    return statistics.median(p[index] for p in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--layouts", type=int, default=2)
    parser.add_argument("--writes", type=int, default=5)
    parser.add_argument("--builds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = make_issue(Path(tmp), args.paragraphs)
        builds: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
        for run in range(args.builds):
            for tagged in (False, True) if run % 2 == 0 else (True, False):
                builds[tagged].append(build(source, Path(tmp) / f"out-{run}-{tagged}", tagged))
        layouts = []
        for _ in range(args.layouts):
            started = clock()
            document, html = lay_out(source)
            layouts.append(since(started))
        writes: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
        for run in range(args.writes):
            for tagged in (False, True) if run % 2 == 0 else (True, False):
                writes[tagged].append(write(document, html, tagged))
        report(args.paragraphs, len(document.pages), layouts, writes, builds)


def report(paragraphs: int, pages: int, layouts: list, writes: dict, builds: dict) -> None:
    print(f"issue: {paragraphs} paragraphs and footnotes, {pages} A5 pages")
    print("                            CPU s    wall s")
    for label, pairs in (("build, untagged", builds[False]),
                         ("build, tagged PDF/UA-1", builds[True]),
                         ("lay out (both)", layouts), ("write, untagged", writes[False]),
                         ("write, tagged PDF/UA-1", writes[True])):
        print(f"{label:26}: {median(pairs, 0):7.2f}  {median(pairs, 1):7.2f}")
    for index, name in ((0, "CPU"), (1, "wall")):
        ratio = median(builds[True], index) / median(builds[False], index)
        print(f"ratio tagged / untagged, whole builds ({name}): {ratio:5.2f}  (must be <= 1.10)")
    for index, name in ((0, "CPU"), (1, "wall")):
        layout = median(layouts, index)
        untagged, tagged = median(writes[False], index), median(writes[True], index)
        print(f"ratio tagged / untagged, layout + write ({name}): "
              f"{(layout + tagged) / (layout + untagged):5.2f}"
              f"  (writing alone: {tagged / untagged:5.2f})")


if __name__ == "__main__":
    main()
