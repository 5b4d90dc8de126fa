"""Benchmark: how soon the live preview shows a save, for a 40-page issue.

Generates a folder issue of eight articles (footnotes, editor's notes, headings,
cross-references within the issue, a pull quote) that lays out to about 40 A5 pages
with the default theme, then measures:

1. rebuild: ``prepare`` + ``render_issue_html(mode="screen")`` as the preview runs them
   (``IssuePreview.rebuild``: catalog, load, resolve, render, page head), after a
   change to one article;
2. save → served: a running ``PreviewServer`` (watchdog, settling time, rebuild), from
   the moment an article is written until ``/__zinekit/version`` has moved on and the
   page it serves holds the new text.

    python benchmarks/bench_preview.py [--articles 8] [--repeat 15] [--keep DIR]

Everything runs in this process; the first rebuild (imports, caches) is not counted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = ("the rota went up on the board by the kettle and nobody admitted to writing it "
         "but everyone knew whose handwriting it was and the night shift signed it anyway "
         "because a list that exists is better than a meeting that does not").split()


def sentence(seed: int, length: int = 18) -> str:
    words = [WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(length)]
    return " ".join(words).capitalize() + "."


def paragraph(seed: int, sentences: int = 6) -> str:
    return " ".join(sentence(seed * 13 + i) for i in range(sentences))


def article(number: int, sections: int = 4, paragraphs: int = 4) -> str:
    """About five A5 pages: headings, footnotes, an editor's note, a reference back."""
    lines = [f"---\ntitle: Report {number} from the Depot\nauthors: [Writer {number}]\n---\n"]
    notes = []
    for section in range(sections):
        lines.append(f"## Part {section + 1} of report {number} {{#r{number}-p{section + 1}}}\n")
        for p in range(paragraphs):
            seed = number * 100 + section * 10 + p
            text = paragraph(seed)
            if p == 1:
                label = f"n{section}"
                text += f"[^{label}]"
                notes.append(f"[^{label}]: {sentence(seed + 5)} {sentence(seed + 6)}")
            if p == 2:
                text += f" [ed. – {sentence(seed + 7, 10)}]"
            if p == 3 and (number, section) != (1, 0):
                text += " [see #r1-p1]"
            lines.append(text + "\n")
        if section == 1:
            lines.append(f"::: pullquote\n{sentence(number + section, 12)}\n:::\n")
    lines.append("\n".join(notes) + "\n")
    return "\n".join(lines)


def make_issue(folder: Path, articles: int) -> Path:
    issue = folder / "big"
    issue.mkdir(parents=True)
    names = [f"{n:02d}-report.md" for n in range(1, articles + 1)]
    listing = "\n".join(f"  - {name}" for name in names)
    (issue / "issue.md").write_text(
        "---\ntitle: Forty Pages of Night Shifts\nseries: Bench Notes\nvolume: 1\n"
        f"season: Winter 2026\narticles:\n{listing}\n---\n", encoding="utf-8")
    for number, name in enumerate(names, start=1):
        (issue / name).write_text(article(number), encoding="utf-8")
    return issue


def page_count(issue: Path) -> int:
    from zinekit.errors import Diagnostics
    from zinekit.render.pdf import render_pdf
    from zinekit.serve.preview import prepare

    _project, _session, prepared = prepare(issue, Diagnostics())
    return render_pdf(prepared, diagnostics=Diagnostics()).pages


def edit(path: Path, token: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, _, _ = text.partition("\n<!-- edit -->")
    path.write_text(f"{head}\n<!-- edit -->\nA new line: {token}.\n", encoding="utf-8")


def time_rebuilds(issue: Path, repeat: int) -> list[float]:
    from zinekit.errors import Diagnostics
    from zinekit.project import open_project
    from zinekit.serve.preview import IssuePreview

    preview = IssuePreview(issue, 0, open_project(issue, Diagnostics()).root)
    preview.rebuild()  # warm-up
    times = []
    for n in range(repeat):
        edit(sorted(issue.glob("*-report.md"))[len(list(issue.glob("*-report.md"))) // 2],
             f"rebuild {n}")
        started = time.perf_counter()
        preview.rebuild()
        times.append(time.perf_counter() - started)
        assert f"rebuild {n}" in preview.page(("pdf",), many=False)
    return times


def time_save_to_served(issue: Path, repeat: int) -> list[float]:
    from zinekit.serve import PreviewServer

    server = PreviewServer(issue, port=0, log=lambda message: None).start()
    host, port = server.httpd.server_address[:2]
    base = f"http://{host}:{port}"
    reports = sorted(issue.glob("*-report.md"))
    middle = reports[len(reports) // 2]  # the fifth of eight articles
    times = []
    try:
        for n in range(repeat):
            before = _get(base + "/__zinekit/version?issue=0")
            token = f"served {n}"
            started = time.perf_counter()
            edit(middle, token)
            while _get(base + "/__zinekit/version?issue=0") == before:
                time.sleep(0.002)
            page = _get(server.url)
            while token not in page:  # a rebuild that began before the write finished
                time.sleep(0.002)
                page = _get(server.url)
            times.append(time.perf_counter() - started)
            time.sleep(0.2)  # let the watcher settle between saves
    finally:
        server.stop()
    return times


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def summary(name: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    return (f"{name}: median {statistics.median(ms):.0f} ms, min {ms[0]:.0f} ms, "
            f"max {ms[-1]:.0f} ms ({len(ms)} runs)")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", type=Path, default=None, help="Keep the issue in DIR.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="zinekit-bench-preview-"))
    issue = make_issue(folder, args.articles)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in issue.glob("*.md"))
    print(f"machine: {platform.machine()}, {_cpu()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"issue: {args.articles} articles, {words} words, {page_count(issue)} A5 pages "
          "in the reading PDF")
    print(summary("rebuild (prepare + screen HTML)", time_rebuilds(issue, args.repeat)))
    print(summary("save -> new version served", time_save_to_served(issue, args.repeat)))


if __name__ == "__main__":
    main()
