"""Coverage-guided fuzzing of the raw-HTML sanitiser.

    python benchmarks/fuzz/fuzz_sanitize.py -max_total_time=180 [corpus folder]

Every input is cleaned; the output may hold only the allow-list's elements and
attributes, every address and style safe, and cleaning it again must change nothing.
The report of what was removed must not raise either.  See docs/fuzzing.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["zinekit", "tinycss2"]):
    from theme_checks import sanitiser_input

MAX_INPUT = 4096


def test_one_input(data: bytes) -> None:
    if len(data) <= MAX_INPUT:
        sanitiser_input(data.decode("utf-8", errors="replace"))


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
