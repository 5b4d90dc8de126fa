"""Benchmark: what each build costs against one WeasyPrint layout, at several sizes.

For issues of about 8, 30, 60, 200 and 1,000 A5 pages (a footnote in every paragraph,
an editor's note every ninth, a heading every thirtieth: the issue of bench_build.py),
times in the same run, alternately, in this process (warm), CPU seconds:

- the floor: WeasyPrint alone laying out and writing the very HTML zinekit hands it,
  as the same PDF variant (tagged PDF/UA-1); and the same called with the room on
  Python's data stack zinekit gives its layout (``pdf.with_stack_room``), so that what
  that room saves is seen apart from the rest;
- ``zinekit build --format pdf``;
- ``zinekit build`` with the default formats (pdf, booklet, epub);
- ``zinekit build --format booklet``;
- ``zinekit build --format epub`` alone (after a PDF build: the printed page numbers
  come from the last layout's record), against pandoc making an EPUB of the same
  Markdown (its peer; ``pandoc`` from PATH, or pypandoc-binary's);

and prints each ratio (of the least CPU time of the runs, the estimate least disturbed
by what else the machine does), and how many WeasyPrint layouts each build made.

    python benchmarks/bench_layouts.py [--pages 8,30,60,200,1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from bench_build import equivalent_html, make_issue

PARAGRAPHS_PER_PAGE = 2.85  # this issue with the pamphlet theme on A5


def cpu(work: Callable[[], object]) -> float:
    gc.collect()  # not the garbage of the run before
    started = time.process_time()
    work()
    return time.process_time() - started


def layouts_counter() -> list[int]:
    import weasyprint

    made: list[int] = []
    render = weasyprint.HTML.render

    def counting(self, *args, **kwargs):
        document = render(self, *args, **kwargs)
        made.append(len(document.pages))
        return document

    weasyprint.HTML.render = counting  # type: ignore[method-assign]
    return made


def zinekit(source: Path, out: Path, formats: str) -> Callable[[], None]:
    from click.testing import CliRunner

    from zinekit.cli import main

    def run() -> None:
        args = ["build", str(source), "--out", str(out), "-q", "--format", formats, "--force"]
        result = CliRunner().invoke(main, args)
        if result.exit_code != 0:
            sys.exit(f"zinekit build failed:\n{result.output}")

    return run


def weasyprint_alone(source: Path, out: Path, room: bool = False) -> Callable[[], None]:
    """WeasyPrint laying out and writing the reading PDF's HTML as the same variant
    (tagged PDF/UA-1): the work zinekit cannot do without.  ``room``: called as zinekit
    calls its layout, with room on Python's data stack (``pdf.with_stack_room``)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from zinekit.render import pdf

    variant = getattr(pdf, "READING_VARIANT", None)  # (an older zinekit: none)
    html, stylesheets, base = equivalent_html(source)
    call = getattr(pdf, "with_stack_room", None) if room else None

    def write() -> None:
        fonts = FontConfiguration()
        css = [weasyprint.CSS(filename=str(p), font_config=fonts) for p in stylesheets]
        weasyprint.HTML(string=html, base_url=str(base) + "/").write_pdf(
            out / "alone.pdf", stylesheets=css, font_config=fonts, pdf_variant=variant)

    return (lambda: call(write)) if call is not None else write


def pandoc(source: Path, out: Path) -> Callable[[], None] | None:
    binary = shutil.which("pandoc")
    if binary is None:
        try:
            import pypandoc

            binary = pypandoc.get_pandoc_path()
        except (ImportError, OSError):
            return None

    def run() -> None:
        subprocess.run([binary, str(source), "-o", str(out / "pandoc.epub")], check=True)

    return run


def children_cpu(work: Callable[[], None]) -> float:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    work()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(pages: int, repeat: int, made: list[int]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="zinekit-bench-"))
    source = make_issue(folder, max(10, round(pages * PARAGRAPHS_PER_PAGE)))
    out = folder / "out"
    out.mkdir()
    runs: dict[str, Callable[[], None]] = {
        "floor": weasyprint_alone(source, out),
        "floor with room": weasyprint_alone(source, out, room=True),
        "pdf": zinekit(source, out, "pdf"),
        "default": zinekit(source, out, "pdf,booklet,epub"),
        "booklet": zinekit(source, out, "booklet"),
        "epub": zinekit(source, out, "epub"),
    }
    peer = pandoc(source, out)
    zinekit(source, out, "pdf")()  # warm up, and the layout record the EPUB alone uses
    times: dict[str, list[float]] = {name: [] for name in [*runs, "pandoc"]}
    counts: dict[str, int] = {}
    for _ in range(repeat):
        for name, run in runs.items():
            before = len(made)
            times[name].append(cpu(run))
            counts[name] = len(made) - before
        if peer is not None:
            times["pandoc"].append(children_cpu(peer))
    # the least of the runs: CPU time only grows with what else the machine does
    least = {name: min(t) for name, t in times.items() if t}
    laid = made[-1] if made else 0
    print(f"\n~{pages} pages asked, {laid} laid out ({source.stat().st_size // 1024} KB Markdown)")
    print(f"  WeasyPrint alone        {least['floor']:7.2f} s")
    print(f"  ... with stack room     {least['floor with room']:7.2f} s  (as zinekit calls it; "
          f"/ floor: {least['floor with room'] / least['floor']:.2f})")
    for name, floor, label in (("pdf", "floor", "--format pdf / floor"),
                               ("pdf", "floor with room", "--format pdf / floor with room"),
                               ("default", "floor", "default formats / floor"),
                               ("default", "floor with room", "default formats / floor with room"),
                               ("booklet", "pdf", "--format booklet / --format pdf")):
        print(f"  {name:<22}  {least[name]:7.2f} s  {label}: {least[name] / least[floor]:.2f}"
              f"  ({counts[name]} layout{'s' if counts[name] != 1 else ''})")
    if "pandoc" in least:
        print(f"  epub alone              {least['epub']:7.2f} s  / pandoc {least['pandoc']:.2f} s: "
              f"{least['epub'] / least['pandoc']:.2f}  ({counts['epub']} layouts)")
    shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", default="8,30,60,200,1000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    made = layouts_counter()
    for pages in (int(p) for p in args.pages.split(",")):
        measure(pages, args.repeat, made)


if __name__ == "__main__":
    main()
