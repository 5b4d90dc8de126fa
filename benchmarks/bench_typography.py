"""Benchmark: what typography costs the parse of a long text.

Generates the long issue of ``bench_build.py`` (every paragraph calls a footnote, an
editor's note every ninth) with quotations, apostrophes, dashes and ellipses in every
paragraph, then times ``parse_markdown`` on its body, alternately, with typography off
(the baseline), in English and in French (the language whose marks take narrow
no-break spaces), and splitting it into chapters (a book in one file).  Prints each
median and its ratio to the baseline.

    python benchmarks/bench_typography.py [--paragraphs 700] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_build import paragraph  # noqa: E402


def make_text(paragraphs: int) -> str:
    parts, notes = [], []
    for n in range(1, paragraphs + 1):
        if n % 30 == 1:
            parts.append(f"# Chapter {n // 30 + 1}\n")
        said = f"She said \"it's the {n}th 'shift' -- again...\" and left---as always."
        parts.append(f"{paragraph(n)} {said}\n")
        notes.append(f"[^n{n}]: A note for paragraph {n}, \"quoted\" in the '90s.")
    return "\n".join(parts) + "\n" + "\n".join(notes) + "\n"


def time_parse(text: str, typography: str | None, chapters: bool = False) -> float:
    from zinekit.markup import parse_markdown
    from zinekit.markup.chapters import split_chapters

    start = time.perf_counter()
    parsed = parse_markdown(text, "long.md", typography=typography)
    if chapters:
        split_chapters(parsed)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=700)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = make_text(args.paragraphs)
    cases = {"typography off (baseline)": (None, False), "typography, en": ("en", False),
             "typography, fr": ("fr", False), "typography, en, chapters": ("en", True)}
    times: dict[str, list[float]] = {name: [] for name in cases}
    time_parse(text, "en")  # warm the parser cache and the CLDR table
    for _ in range(args.repeat):
        for name, (language, chapters) in cases.items():
            times[name].append(time_parse(text, language, chapters))
    baseline = statistics.median(times["typography off (baseline)"])
    print(f"{args.paragraphs} paragraphs, {len(text) / 1000:.0f} kB of Markdown, "
          f"{args.repeat} runs each")
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"{name:28} median {median * 1000:7.0f} ms   ratio {median / baseline:.2f}   "
              f"runs {', '.join(f'{r * 1000:.0f}' for r in runs)}")


if __name__ == "__main__":
    main()
