"""Benchmark: does zinekit's own work grow in proportion to hostile input?

Each shape of ``tests/hostile.py:SHAPES`` (unclosed ``[ed. `` and ``[see ``, a "see"
clause of empty parentheses, nested brackets, ``url(x`` in a theme's CSS, footnotes,
a ``.bib``, raw HTML for the sanitiser) is made at a small and a large size from each
of its units and timed in this process; the ratio of the two times is printed against
the ratio of the sizes, the baseline of linear growth (a quadratic step gives the square
of it).  A run past ``--timeout`` seconds is stopped and printed as ``> T s``.

    python benchmarks/bench_hostile.py [--small 10000] [--large 100000] [--timeout 120]

To measure another version of zinekit, put its source first on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH: another zinekit may go first

from tests.hostile import SHAPES, seconds  # noqa: E402


class _TooSlow(Exception):
    pass


def _stop(signum: int, frame: object) -> None:
    raise _TooSlow


def timed(run, text: str, timeout: int) -> float | None:
    """Seconds ``run(text)`` takes (best of two under a second), or None past ``timeout``."""
    signal.signal(signal.SIGALRM, _stop)
    signal.alarm(timeout)
    try:
        first = seconds(run, text)
        return min(first, seconds(run, text)) if first < 1 else first
    except _TooSlow:
        return None
    finally:
        signal.alarm(0)


def shown(value: float | None, timeout: int) -> str:
    return f"> {timeout} s" if value is None else f"{value:.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--shape", action="append", help="only these shapes (by name)")
    args = parser.parse_args()
    linear = args.large / args.small
    import zinekit

    print(f"zinekit from {Path(zinekit.__file__).parent}; sizes {args.small:,} and "
          f"{args.large:,} characters; linear growth is a ratio of {linear:g}, quadratic "
          f"{linear ** 2:g}")
    print(f"{'shape':<28} {'unit':<34} {'small':>10} {'large':>10} {'ratio':>7}")
    for shape in SHAPES:
        if args.shape and shape.name not in args.shape:
            continue
        for unit in shape.units:
            small = timed(shape.run, shape.make(unit, args.small), args.timeout)
            large = timed(shape.run, shape.make(unit, args.large), args.timeout) \
                if small is not None else None
            ratio = f"{large / max(small, 1e-3):7.1f}" if small and large else "      -"
            print(f"{shape.name:<28} {unit!r:<34} {shown(small, args.timeout):>10} "
                  f"{shown(large, args.timeout):>10} {ratio}", flush=True)


if __name__ == "__main__":
    main()
