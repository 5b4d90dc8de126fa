"""Benchmark: time and peak memory of `zinekit import`, `check` and `preflight` as the
input grows (0.1, 1 and 10 MB by default), with the ratio from one size to the next
(linear growth is the ratio of the sizes, 10).

Each run is a child process limited to 2 GB of address space and ``--timeout`` seconds
(a run past either prints ``killed``); its peak memory is the child's own maximum
resident size.  The inputs are made here: a plain text, a saved web page, a Jekyll post
with liquid tags, a Muse text with notes, a Word document, Markdown with footnotes for
`check`, and a PDF for `preflight`.

    python benchmarks/bench_sizes.py [--sizes 0.1,1,10] [--only html,docx] [--timeout 600]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
LIMIT = 2 << 30
PARAGRAPH = ("The paper was folded twice and stapled by hand, and the words on it "
             "went from one reader to the next. ")


def _paragraphs(size: int) -> list[str]:
    return [f"{i}. {PARAGRAPH * 3}" for i in range(max(1, size // (len(PARAGRAPH) * 3 + 8)))]


def text(size: int) -> tuple[str, bytes]:
    return "in.txt", "\n\n".join(_paragraphs(size)).encode()


def html(size: int) -> tuple[str, bytes]:
    paras = _paragraphs(size)
    body = "".join(f'<p>{p}<sup><a href="#n{i}">{i}</a></sup></p>' for i, p in enumerate(paras))
    notes = "".join(f'<li id="n{i}">A note.</li>' for i in range(len(paras)))
    page = f"<html><body><article>{body}<ol class='footnotes'>{notes}</ol></article></body></html>"
    return "in.html", page.encode()


def jekyll(size: int) -> tuple[str, bytes]:
    paras = [p + " {% sidenote 's" + str(i) + "' 'A side note.' %}" for i, p in enumerate(_paragraphs(size))]
    return "in.md", ("---\ntitle: Post\n---\n\n" + "\n\n".join(paras)).encode()


def muse(size: int) -> tuple[str, bytes]:
    paras = _paragraphs(size)
    notes = "".join(f"[{i}] A note.\n\n" for i in range(1, len(paras) + 1))
    body = "".join(f"{p}[{i}]\n\n" for i, p in enumerate(paras, 1))
    return "in.muse", ("#title T\n\n" + body + notes).encode()


def docx(size: int) -> tuple[str, bytes]:
    import docx as python_docx

    document = python_docx.Document()
    for paragraph in _paragraphs(size):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return "in.docx", buffer.getvalue()


def markdown(size: int) -> tuple[str, bytes]:
    paras = _paragraphs(min(size, 3_000_000))
    return "issue.md", ("---\ntitle: Sizes\n---\n\n" + "\n\n".join(paras)).encode()


def pdf(size: int) -> tuple[str, bytes]:
    """Pages of their own content each (about 7 KB a page)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    for number in range(max(1, size // 7_000)):
        page = writer.add_blank_page(298, 420)
        content = DecodedStreamObject()
        content.set_data(b"\n".join(b"0 g %d %d 2 2 re f" % (i % 280, number % 400)
                                    for i in range(500)))
        page[NameObject("/Contents")] = writer._add_object(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return "in.pdf", buffer.getvalue()


FORMATS: dict[str, tuple[Callable[[int], tuple[str, bytes]], list[str]]] = {
    "text": (text, ["import", "{file}", "-o", "out.md", "--force"]),
    "html": (html, ["import", "{file}", "-o", "out.md", "--force"]),
    "jekyll": (jekyll, ["import", "{file}", "-o", "out.md", "--force"]),
    "muse": (muse, ["import", "{file}", "-o", "out.md", "--force"]),
    "docx": (docx, ["import", "{file}", "-o", "out.md", "--force"]),
    "preflight": (pdf, ["preflight", "{file}"]),
}


def measure(args: list[str], folder: Path, timeout: int) -> tuple[float, int, int]:
    """(seconds, peak KB, exit status) of ``python -m zinekit ARGS`` in ``folder``; the
    peak is the largest of the child and of what it ran (pandoc)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", "zinekit", *args], cwd=folder, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT)))
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            return time.monotonic() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status)
        if time.monotonic() - start > timeout:
            child.kill()
            os.wait4(child.pid, 0)
            return time.monotonic() - start, 0, -9
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0.1,1,10", help="megabytes, comma-separated")
    parser.add_argument("--only", help="formats, comma-separated: " + ", ".join(FORMATS))
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    print(f"{'format':<10} {'MB':>6} {'bytes':>11} {'seconds':>9} {'peak MB':>8} {'exit':>5} "
          f"{'time x':>7} {'mem x':>6}")
    for name, (make, command) in FORMATS.items():
        if args.only and name not in args.only.split(","):
            continue
        previous = None
        for megabytes in sizes:
            with tempfile.TemporaryDirectory(prefix="zk-sizes-") as folder:
                file, data = make(int(megabytes * 1_000_000))
                Path(folder, file).write_bytes(data)
                argv = [a.replace("{file}", file) for a in command]
                seconds, peak, status = measure(argv, Path(folder), args.timeout)
            grow = (f"{seconds / previous[0]:7.1f} {peak / max(previous[1], 1):6.1f}"
                    if previous else f"{'':>7} {'':>6}")
            print(f"{name:<10} {megabytes:>6g} {len(data):>11,} {seconds:>9.2f} "
                  f"{peak / 1024:>8.0f} {status:>5} {grow}", flush=True)
            previous = (seconds, peak)


if __name__ == "__main__":
    main()
