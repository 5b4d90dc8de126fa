"""Benchmark: the print formats from one layout.

Times, as an editor runs them (a new ``python -m zinekit build`` process each, start-up
included), ``--format press`` alone (the baseline) and ``--format press,cover,riso``
on the same issue in the same run, alternately, and prints the ratio.  The cover wrap
and the riso masters are drawn from the layout the press PDF is drawn from
(zinekit/render/press.py), so the three together should cost at most 1.3 × the press
PDF alone.

    python benchmarks/bench_print.py [--repeat 3] [--pages essay|vol7]
    python benchmarks/bench_print.py --smoke      # ember-tide vol. 7 once each, < 20 s
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

LIMIT = 1.3


def build(source: Path, formats: str, out: Path, theme: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one whole ``zinekit build`` command.  The CPU
    time is what the ratio is taken on: on a machine whose cores other work shares,
    the wall clock measures the neighbours as much as the build."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "zinekit", "build", str(source), "--format", formats,
                    "--theme", theme, "--out", str(out), "--force", "-q"],
                   check=True, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def essay_issue(folder: Path) -> Path:
    from tests.render.long_texts import essay

    path = folder / "essay.md"
    path.write_text(essay(), encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", choices=("essay", "vol7"), default="essay")
    parser.add_argument("--theme", default="photocopy", help="a theme with two riso inks")
    parser.add_argument("--smoke", action="store_true", help="vol. 7 once each (CI)")
    args = parser.parse_args()
    repeat, pages = (1, "vol7") if args.smoke else (args.repeat, args.pages)
    with tempfile.TemporaryDirectory(prefix="zinekit-bench-print-") as folder:
        root = Path(folder)
        source = REPO / "examples" / "ember-tide" / "vol7" if pages == "vol7" else essay_issue(root)
        alone, together = [], []
        for run in range(repeat):
            alone.append(build(source, "press", root / f"a{run}", args.theme))
            together.append(build(source, "press,cover,riso", root / f"b{run}", args.theme))
    base, full = (statistics.median(t[1] for t in alone), statistics.median(t[1] for t in together))
    walls = (statistics.median(t[0] for t in alone), statistics.median(t[0] for t in together))
    ratio = full / base
    print(f"{pages} ({args.theme}), median of {repeat}: press alone {base:.2f} s CPU "
          f"({walls[0]:.2f} s wall); press, cover and riso {full:.2f} s CPU ({walls[1]:.2f} s wall); "
          f"ratio {ratio:.2f} (limit {LIMIT}; wall {walls[1] / walls[0]:.2f})")
    return 0 if ratio <= LIMIT or args.smoke else 1


if __name__ == "__main__":
    sys.exit(main())
