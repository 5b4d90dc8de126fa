"""Benchmark: the footnote fixes and the full-wrap cover, in the same run.

1. Lays out a long essay (the test suite's: about 35 A5 pages, 30 notes) in each
   built-in theme twice, alternately: with WeasyPrint's own footnote code (the
   baseline) and with zinekit's two fixes (zinekit/reachins.py).  Prints
   the layout time, the pages and the notes moved off the page of their call.
2. Times `zinekit build --format pdf` and `--format pdf,cover` on the same essay
   (pamphlet) and prints the ratio: what the wrap adds.

    python benchmarks/bench_covers.py [--repeat 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib  # noqa: E402

from tests.render.layout_check import lay_out  # noqa: E402
from tests.render.long_texts import essay  # noqa: E402
from zinekit.reachins import without_fixes  # noqa: E402


def moved_notes(issue) -> int:
    return sum(1 for d in issue.diagnostics if "no room for it there" in d.message)


def time_layout(path: Path, theme: str, fixed: bool) -> tuple[float, int, int]:
    started = time.perf_counter()
    with contextlib.nullcontext() if fixed else without_fixes():
        issue = lay_out(path, theme)
    return time.perf_counter() - started, len(issue.pages), moved_notes(issue)


def time_build(path: Path, formats: str, out: Path) -> float:
    from click.testing import CliRunner

    from zinekit.cli import main

    started = time.perf_counter()
    result = CliRunner().invoke(main, ["build", str(path), "--format", formats, "--out", str(out),
                                       "--force", "-q"])
    assert result.exit_code == 0, result.output
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="one theme, a short text (CI)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "essay.md"
        path.write_text(essay(3, 2) if args.smoke else essay(), encoding="utf-8")
        print("theme      | WeasyPrint's code: time, pages, notes moved | with the fixes")
        for theme in ("pamphlet",) if args.smoke else ("pamphlet", "cutpaste", "photocopy"):
            runs = {False: [], True: []}
            for _ in range(args.repeat):
                for fixed in (False, True):
                    runs[fixed].append(time_layout(path, theme, fixed))
            cells = [f"{statistics.median(r[0] for r in runs[f]):.2f} s, {runs[f][0][1]} pages, "
                     f"{runs[f][0][2]} moved" for f in (False, True)]
            print(f"{theme:10} | {cells[0]:42} | {cells[1]}")
        pdf = [time_build(path, "pdf", Path(folder) / "a") for _ in range(args.repeat)]
        cover = [time_build(path, "pdf,cover", Path(folder) / "b") for _ in range(args.repeat)]
        print(f"build --format pdf: {statistics.median(pdf):.2f} s; pdf,cover: "
              f"{statistics.median(cover):.2f} s; ratio {statistics.median(cover) / statistics.median(pdf):.2f}")


if __name__ == "__main__":
    main()
