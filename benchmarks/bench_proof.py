"""Benchmark: what the proof's count costs a build (``proof: N findings``).

Runs ``zinekit build PATH --format pdf --force`` in a fresh process as an editor does,
with the count and without it (the same command, its ``zinekit.proof.count_note``
replaced by one that counts nothing), and prints the median wall time of each and
their ratio; the issue's promise is at most 1.10.  ``zinekit proof`` on the same issue
is timed too, against the build.

    python benchmarks/bench_proof.py [--smoke] [--runs 3] [PATH ...]

Without PATH: the bundled ember-tide vol6 (``--smoke``: only it, one run each) and,
when the shared seeds are there, seed 003 imported into a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = Path(os.environ.get("ZINEKIT_SEEDS") or REPO.parent / "shared" / "seeds")  # beside the checkout
#: The command line, run with the count of findings switched off.
WITHOUT_COUNT = ("import sys, zinekit.proof as p; p.count_note = lambda document: None; "
                 "from zinekit.cli import main; sys.argv[0] = 'zinekit'; main()")


def run(args: list[str], count: bool = True) -> tuple[float, float]:
    """Wall time and CPU time (user + system, of the process and its children) of one
    ``zinekit`` command in a fresh process.  On a shared machine the CPU time is the
    steadier figure."""
    command = [sys.executable, "-m", "zinekit", *args] if count else \
        [sys.executable, "-c", WITHOUT_COUNT, *args]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE,
                             env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if child.returncode not in (0, 1):
        raise SystemExit(f"zinekit {' '.join(args)} failed:\n{errors.decode()}")
    return elapsed, usage.ru_utime + usage.ru_stime


def samples(paths: list[Path], smoke: bool) -> list[Path]:
    if paths:
        return paths
    chosen = [REPO / "examples" / "ember-tide" / "vol6" / "issue.md"]
    seed = next(iter(sorted(SEEDS.glob("003_*.txt"))), None)
    if not smoke and seed is not None:
        folder = Path(tempfile.mkdtemp(prefix="bench-proof-"))
        subprocess.run([sys.executable, "-m", "zinekit", "import", str(seed), "-o",
                        str(folder / "seed-003.md")], cwd=REPO, check=True, capture_output=True,
                       env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
        chosen.append(folder / "seed-003.md")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--smoke", action="store_true", help="one small issue, one run each")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    runs = 1 if options.smoke else options.runs
    for path in samples(options.paths, options.smoke):
        with tempfile.TemporaryDirectory() as out:
            build = ["build", str(path), "--format", "pdf", "--force", "--quiet", "--out", out]
            with_count, without = [], []
            for _ in range(runs):  # interleaved, so a busy machine weighs on both alike
                without.append(run(build, count=False))
                with_count.append(run(build))
            proof = [] if options.smoke else [run(["proof", str(path)]) for _ in range(runs)]
        for kind, index in (("wall", 0), ("CPU", 1)):
            a, b = (statistics.median(t[index] for t in x) for x in (with_count, without))
            line = (f"{path.name} ({kind}): build {b:.2f} s, with the proof's count {a:.2f} s "
                    f"(ratio {a / b:.3f}, promised ≤ 1.10)")
            if proof:
                c = statistics.median(t[index] for t in proof)
                line += f"; zinekit proof {c:.2f} s ({c / b:.2f} × the build)"
            print(line)


if __name__ == "__main__":
    main()
