"""Time ``zinekit import`` of a large plain text (default 1 MB): library header,
superscript note calls with their notes after each section, paragraphs broken at page
ends, and a "Notes" section at the end.

    python benchmarks/bench_import.py [--megabytes 1] [--repeat 3] [--notes 1000,5000,20000]

Prints the size, each run's time and the median; the aim is under a second for 1 MB.
Then the size sweep: a text of N paragraphs each calling a note ``[n]``, the notes under
a "Notes" heading at the end, for each N of ``--notes``; the time must grow in
proportion to N (20,000 notes in a few seconds).
"""

from __future__ import annotations

import argparse
import statistics
import time

from zinekit.importer.plaintext import import_plaintext

SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
SENTENCE = ("The copy shop on the corner stays open until the last bus has gone, and the "
            "stapler is counted among the collective's most loyal members")


def make_text(megabytes: float) -> str:
    """A text of about ``megabytes`` MB written the way library pages print."""
    parts = ["The Anarchist Library (Mirror) Anti-Copyright",
             "Anonymous A Very Long Pamphlet 2024", "Retrieved on 1 May 2024",
             "A Very Long Pamphlet", "Anonymous", "2024"]
    size, section = 0, 0
    while size < megabytes * 1_000_000:
        section += 1
        parts.append(f"Part {section}")
        for n in range(1, 6):
            parts.append(f"{SENTENCE}{str(n).translate(SUP)}. " + SENTENCE + ", while the")
            parts.append(f"rest of the paragraph carries on after a page break [ed. – as "
                         f"printed] and ends here (see vol.{section % 9 + 1} p.{n}).")
        parts.extend(f"{str(n).translate(SUP)} Note {n} of part {section}: {SENTENCE}."
                     for n in range(1, 6))
        size = sum(len(p.encode()) + 2 for p in parts)
    return "\n\n".join(parts) + "\n"


def make_notes_text(count: int) -> str:
    """``count`` paragraphs, each calling its note ``[n]``; the notes at the end."""
    calls = "\n\n".join(f"Paragraph {n} of the sweep says one thing [{n}]."
                        for n in range(1, count + 1))
    notes = "\n\n".join(f"{n}. Note {n} of the sweep." for n in range(1, count + 1))
    return calls + "\n\nNotes\n\n" + notes + "\n"


def sweep(counts: list[int]) -> None:
    """Time the import of texts with more and more notes: linear time, every note joined."""
    for count in counts:
        text = make_notes_text(count)
        start = time.perf_counter()
        result = import_plaintext(text, "sweep.txt")
        seconds = time.perf_counter() - start
        joined = result.report.counts["notes joined"]
        print(f"{count:>6} notes: {seconds:.2f} s ({seconds / count * 1e6:.0f} µs a note), "
              f"{joined} joined")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--notes", default="1000,5000,20000",
                        help="note counts of the size sweep, comma-separated")
    args = parser.parse_args()
    text = make_text(args.megabytes)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = import_plaintext(text, "bench.txt")
        times.append(time.perf_counter() - start)
    print(f"{len(text.encode()) / 1e6:.2f} MB, {result.report.counts['notes joined']} notes "
          f"joined, {result.report.counts['paragraphs rejoined']} paragraphs rejoined")
    print("runs: " + ", ".join(f"{t:.2f} s" for t in times))
    print(f"median: {statistics.median(times):.2f} s")
    sweep([int(n) for n in args.notes.split(",") if n])


if __name__ == "__main__":
    main()
