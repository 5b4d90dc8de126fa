"""Benchmark: the readers' library of a 1,000-issue series — OPDS 1.2 and 2.0 catalogs,
the Atom feed, the pages by author, topic and language, the Pagefind search index.

1. **library, first write**: 1,000 issues' records (authors, topics, languages, five
   files each) and their web editions (a few paragraphs each, the text the search
   indexes) are generated without laying out a page; the library writer
   (``zinekit.library.write_catalogs``) runs in a fresh process over them, as a series
   build runs it at its end.  Budget: 30 s.
2. **library, unchanged**: the same again, nothing changed (every file compared, none
   written; the search index kept).  Budget: 5 s.
3. **whole command**: ``zinekit build`` of a small series (4 issues, pdf, epub, html)
   in a fresh process, then again with nothing changed.  Budget for the second: 5 s.

Each line prints its time and its ratio to its budget (below 1.00 is within it).

    python benchmarks/bench_library.py [--issues 1000] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

WORDS = ("the yard gate was open from six and the first van came at twenty past with "
         "bread from the co-op and a crate of apples nobody had ordered and everyone ate "
         "before the meeting started in the loading bay under the one working light").split()
LANGUAGES = ("en", "fr", "de", "es", "ar")
BUDGET_FIRST, BUDGET_AGAIN = 30.0, 5.0


def sentence(seed: int, length: int = 14) -> str:
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(length)).capitalize() + "."


def make_records(dist: Path, count: int) -> list[dict]:
    """``count`` issues' records, and each one's web edition in ``dist/<slug>/``."""
    from zinekit.library.records import LibraryFile, LibraryIssue

    records = []
    for n in range(1, count + 1):
        slug = f"bench-vol-{n:04d}"
        folder = dist / slug
        folder.mkdir(parents=True, exist_ok=True)
        body = "\n".join(f"<p>{sentence(n * 10 + p)} Word{n}x.</p>" for p in range(6))
        (folder / "index.html").write_text(
            f'<!DOCTYPE html><html lang="{LANGUAGES[n % 5]}"><head><title>Yard {n}</title></head>'
            f"<body><main><h1>Yard {n}</h1>{body}</main></body></html>", encoding="utf-8")
        files = [LibraryFile("epub", f"{slug}/{slug}.epub", "application/epub+zip", 300_000 + n),
                 LibraryFile("pdf", f"{slug}/{slug}.pdf", "application/pdf", 90_000 + n),
                 LibraryFile("booklet", f"{slug}/{slug}-booklet-a4.pdf", "application/pdf",
                             80_000 + n, "A4"),
                 LibraryFile("press", f"{slug}/{slug}-press.pdf", "application/pdf", 120_000 + n),
                 LibraryFile("web", f"{slug}/index.html", "text/html", 9_000 + n)]
        issue = LibraryIssue(
            slug=slug, title=f"Notes from Yard {n}", language=LANGUAGES[n % 5],
            series="Bench Series", line=f"Bench Series · vol. {n}",
            authors=(f"Author {n % 150}", f"Author {(n * 7) % 150}"),
            topics=(f"topic {n % 40}", f"topic {(n * 3) % 40}"), summary=sentence(n),
            published=f"{1990 + n % 36}-{1 + n % 12:02d}", updated="2026-01-01T00:00:00Z",
            order=(float(n), 0.0, 0.0), contents=(f"Yard {n} by day", f"Yard {n} by night"),
            files=files, web=f"{slug}/index.html", cover=f"{slug}/{slug}-cover.png",
            cover_size=(360, 509), text_source=folder / "index.html")
        record = asdict(issue)
        record["text_source"] = str(issue.text_source)
        records.append(record)
    return records


def write_from_json(path: str, dist: str) -> None:
    """In the measured process: read the records, write the library."""
    from zinekit.library import write_catalogs
    from zinekit.library.records import LibraryFile, LibraryInfo, LibraryIssue

    issues = []
    for record in json.loads(Path(path).read_text(encoding="utf-8")):
        record["files"] = [LibraryFile(**f) for f in record["files"]]
        record["text_source"] = Path(record["text_source"])
        for key in ("authors", "topics", "order", "contents", "cover_size"):
            record[key] = tuple(record[key])
        issues.append(LibraryIssue(**record))
    info = LibraryInfo(title="Bench Series", identity="https://example.org/bench/")
    written, search = write_catalogs(issues, info, Path(dist), lambda m: print("note:", m))
    print(f"{len(written)} files written, search {'on' if search else 'off'}")


#: CPU seconds of each timed command (its processes'), printed beside the wall time: on a
#: machine shared with other work, the wall time measures the others too.
CPU: dict[str, float] = {}


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1767225600"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{run.stdout}{run.stderr}")
    said = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    CPU[said + str(seconds)] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, said


def library_runs(folder: Path, count: int) -> list[tuple[str, float, float, str]]:
    dist = folder / "dist"
    records = folder / "records.json"
    records.write_text(json.dumps(make_records(dist, count)), encoding="utf-8")
    script = ("import sys; sys.path.insert(0, %r); from bench_library import write_from_json; "
              "write_from_json(%r, %r)") % (str(Path(__file__).parent), str(records), str(dist))
    first, said = timed([sys.executable, "-c", script])
    again, said_again = timed([sys.executable, "-c", script])
    return [(f"library of {count} issues, first write", first, BUDGET_FIRST, said),
            (f"library of {count} issues, unchanged", again, BUDGET_AGAIN, said_again)]


def make_series(folder: Path, issues: int) -> Path:
    root = folder / "series"
    root.mkdir()
    entries = "".join(f'\n[[issues]]\nvolume = {n}\nsource = "vol{n}.md"\n' for n in range(1, issues + 1))
    (root / "zinekit.toml").write_text(f'[series]\nname = "Bench Series"\n{entries}', encoding="utf-8")
    for n in range(1, issues + 1):
        text = "\n\n".join(" ".join(sentence(n * 10 + p + i) for i in range(4)) for p in range(5))
        (root / f"vol{n}.md").write_text(
            f"---\ntitle: Yard {n}\nauthors: [Author {n % 2}]\ntopics: [yards]\n"
            f"language: {LANGUAGES[n % 5]}\n---\n\n{text}\n", encoding="utf-8")
    return root


def command_runs(folder: Path, issues: int, formats: str) -> list[tuple[str, float, float, str]]:
    root = make_series(folder, issues)
    command = [sys.executable, "-m", "zinekit", "build", "--format", formats, "--jobs", "2"]
    first, _ = timed(command, root)
    again, _ = timed(command, root)
    assert (root / "dist" / "opds.xml").is_file() and (root / "dist" / "pagefind").is_dir()
    return [(f"zinekit build, {issues} issues ({formats}), first", first, 0.0, ""),
            (f"zinekit build, {issues} issues, unchanged", again, BUDGET_AGAIN, "")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=1000)
    parser.add_argument("--smoke", action="store_true", help="a quick run (CI): 30 issues, "
                        "a 1-issue series in html only")
    args = parser.parse_args()
    count = 30 if args.smoke else args.issues
    print(f"zinekit library benchmark — Python {platform.python_version()}, "
          f"{os.cpu_count()} cores, {platform.machine()}")
    with tempfile.TemporaryDirectory(prefix="zk-bench-library-") as tmp:
        rows = library_runs(Path(tmp) / "a", count)
        (Path(tmp) / "b").mkdir()
        rows += command_runs(Path(tmp) / "b", 1 if args.smoke else 4,
                             "html" if args.smoke else "pdf,epub,html")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, seconds, budget, said in rows:
        cpu = CPU.get(said + str(seconds), 0.0)
        ratio = f"{seconds / budget:5.2f} of the {budget:.0f} s budget" if budget else " " * 26
        print(f"{name:46} {seconds:7.2f} s wall {cpu:7.2f} s CPU  {ratio}  {said}".rstrip())
    over = [name for name, seconds, budget, _ in rows if budget and seconds > budget]
    if over and not args.smoke:
        raise SystemExit(f"over budget: {', '.join(over)}")


if __name__ == "__main__":
    main()
