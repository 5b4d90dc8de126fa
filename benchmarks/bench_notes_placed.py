"""How many footnotes land on a later page than their call, with two versions of zinekit.

Builds the same inputs with each version's ``zinekit build --format pdf`` (each from a
copy of its code taken with ``git archive``, in a fresh process) and counts the notes it
reports as moved ("there was no room for it there") and the layouts it made:

- the bundled example series (``examples/ember-tide``);
- the seed texts of ``../shared/seeds`` (or ``--seeds``), imported once with the working
  tree's ``zinekit import`` (the older version may have no importer), their ``source``
  kept as private data (``x-source``), which both versions read alike;
- the benchmark issues: ``bench_build``'s issue at 30, 60 and 200 pages, and the test
  suite's long essay and dense-notes text in each theme both versions have.

    python benchmarks/bench_notes_placed.py --before 0d8a65a [--after HEAD]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))

from bench_build import make_issue  # noqa: E402
from bench_layouts import PARAGRAPHS_PER_PAGE  # noqa: E402

MOVED = re.compile(r"there was no room for it there")
COUNTER = """
import sys, weasyprint
made = []
render = weasyprint.HTML.render
def counting(self, *a, **k):
    document = render(self, *a, **k)
    made.append(len(document.pages))
    return document
weasyprint.HTML.render = counting
from zinekit.cli import main
try:
    main(sys.argv[1:])
finally:
    print(f"LAYOUTS {len(made)} PAGES {made[-1] if made else 0}", file=sys.stderr)
"""


def code_of(ref: str, folder: Path) -> dict[str, str]:
    """The environment that runs zinekit as it was at ``ref``."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "zinekit", "themes"],
                             check=True, capture_output=True).stdout
    target = folder / ref.replace("/", "_")
    if target.exists():  # the same version asked for twice
        return {**os.environ, "PYTHONPATH": str(target)}
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    (target / "themes").rename(target / "zinekit" / "themes")
    return {**os.environ, "PYTHONPATH": str(target)}


def themes_of(env: dict[str, str]) -> set[str]:
    return {p.name for p in (Path(env["PYTHONPATH"]) / "zinekit" / "themes").iterdir()
            if (p / "theme.toml").exists()}


def build(source: Path, env: dict[str, str], out: Path) -> tuple[int, int, int, str]:
    """Moved notes, layouts, pages of the last layout, and the exit code's text."""
    done = subprocess.run([sys.executable, "-c", COUNTER, "build", str(source), "--format",
                           "pdf", "--out", str(out), "--force"],
                          env=env, capture_output=True, text=True, cwd=out)
    stats = re.search(r"LAYOUTS (\d+) PAGES (\d+)", done.stderr)
    layouts, pages = (int(stats.group(1)), int(stats.group(2))) if stats else (0, 0)
    status = "ok" if done.returncode == 0 else f"exit {done.returncode}"
    return len(MOVED.findall(done.stdout + done.stderr)), layouts, pages, status


def inputs(folder: Path, seeds: Path, smoke: bool = False) -> list[tuple[str, Path, str | None]]:
    """(name, source, theme or None for the source's own); ``smoke``: the example only."""
    from tests.render.long_texts import dense_notes, essay

    found: list[tuple[str, Path, str | None]] = [
        ("example ember-tide", REPO / "examples/ember-tide", None)]
    if smoke:
        return found
    for seed in sorted(seeds.iterdir()):
        target = folder / "seeds" / f"{seed.stem}.md"
        target.parent.mkdir(exist_ok=True)
        done = subprocess.run([sys.executable, "-m", "zinekit", "import", str(seed), "-o",
                               str(target)], capture_output=True, text=True, cwd=REPO)
        if done.returncode == 0:  # (an older zinekit knows no ``source`` key)
            text = target.read_text(encoding="utf-8").replace("\nsource:", "\nx-source:", 1)
            target.write_text(text, encoding="utf-8")
            found.append((f"seed {seed.name}", target, None))
        else:
            print(f"(seed {seed.name} not imported: {done.stderr.strip()})", file=sys.stderr)
    for pages in (30, 60, 200):
        issue = folder / f"bench{pages}"
        issue.mkdir()
        source = make_issue(issue, round(pages * PARAGRAPHS_PER_PAGE))
        found.append((f"bench issue ~{pages} pages", source, None))
    for name, text in (("essay", essay()), ("dense notes", dense_notes())):
        for theme in ("pamphlet", "cutpaste", "photocopy"):
            path = folder / f"{name.replace(' ', '-')}-{theme}" / "text.md"
            path.parent.mkdir()
            path.write_text(text.replace("---\n", f"---\ntheme: {theme}\n", 1), encoding="utf-8")
            found.append((f"{name}, {theme}", path, theme))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", required=True, help="a git revision")
    parser.add_argument("--after", default="HEAD")
    parser.add_argument("--seeds", type=Path, default=REPO.parent / "shared" / "seeds")
    parser.add_argument("--smoke", action="store_true", help="the example series only (CI)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zinekit-notes-") as tmp:
        folder = Path(tmp)
        versions = {ref: code_of(ref, folder) for ref in (args.before, args.after)}
        print(f"| input | {args.before}: moved notes, layouts, pages "
              f"| {args.after}: moved notes, layouts, pages |")
        print("| --- | --- | --- |")
        sides = (args.before, args.after)  # the same revision twice is allowed (a smoke run)
        totals = [0, 0]
        for name, source, theme in inputs(folder, args.seeds, args.smoke):
            cells = []
            for side, ref in enumerate(sides):
                env = versions[ref]
                if theme is not None and theme not in themes_of(env):
                    cells.append("(no such theme)")
                    continue
                out = folder / "out" / f"{side}-{ref.replace('/', '_')}" / re.sub(r"\W+", "-", name)
                out.mkdir(parents=True)
                moved, layouts, pages, status = build(source, env, out)
                totals[side] += moved
                failed = "" if status == "ok" else f" ({status})"
                cells.append(f"{moved}, {layouts}, {pages}{failed}")
            print(f"| {name} | {cells[0]} | {cells[1]} |", flush=True)
        print(f"| **moved notes in all** | **{totals[0]}** | **{totals[1]}** |")


if __name__ == "__main__":
    main()
