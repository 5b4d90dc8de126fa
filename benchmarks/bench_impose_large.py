"""Benchmark: peak memory and time of ``zinekit impose`` on a large image-heavy PDF.

Generates a PDF of ``--pages`` A5 pages (default 1,000), each with its own full-page
JPEG of random noise (noise does not compress, so the file is as large as its images:
about 200 MB by default), then runs ``zinekit impose`` on it in a fresh process and
reports that process's peak resident memory (``VmHWM``) and wall time.

    python benchmarks/bench_impose_large.py [--pages 1000] [--image-kb 200]
        [--layout saddle] [--keep DIR] [--repeat 1] [--code DIR]

The PDF is written object by object straight to disk (a minimal PDF writer), so making
it takes little memory; only the imposition is measured.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
A5 = (419.53, 595.28)
DISTINCT_IMAGES = 16  # noise images made; each page still gets its own image object

# The peak is read from VmHWM, which starts again at exec (ru_maxrss keeps what the
# process had before exec, the benchmark's own memory).
MEASURE = """\
import re, sys, time
from zinekit.cli import main
start = time.perf_counter()
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
peak = int(re.search(r"VmHWM:\\s*(\\d+)", open("/proc/self/status").read()).group(1))
print("RESULT", code, time.perf_counter() - start, peak, file=sys.stderr)
"""


def noise_jpeg(kilobytes: int, seed: int) -> tuple[bytes, int, int]:
    """A JPEG of random RGB noise of about ``kilobytes`` KB: (data, width, height)."""
    from PIL import Image

    rng = random.Random(seed)
    side = 64
    while True:  # noise at quality 75 costs about 1.4 bytes a pixel
        pixels = bytes(rng.getrandbits(8) for _ in range(side * side * 3))
        buffer = io.BytesIO()
        Image.frombytes("RGB", (side, side), pixels).save(buffer, "JPEG", quality=75)
        if buffer.tell() >= kilobytes * 1000 or side > 4000:
            return buffer.getvalue(), side, side
        side = int(side * min(2.0, max(1.05, (kilobytes * 1000 / buffer.tell()) ** 0.5)))


class RawPdf:
    """Writes numbered objects straight to a file and the cross-reference table at the end."""

    def __init__(self, handle) -> None:
        self.handle, self.offsets = handle, {}
        handle.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def put(self, number: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[number] = self.handle.tell()
        self.handle.write(b"%d 0 obj\n" % number + body)
        if stream is not None:
            self.handle.write(b"\nstream\n" + stream + b"\nendstream")
        self.handle.write(b"\nendobj\n")

    def close(self, root: int) -> None:
        start = self.handle.tell()
        count = max(self.offsets) + 1
        self.handle.write(b"xref\n0 %d\n0000000000 65535 f \n" % count)
        for number in range(1, count):
            self.handle.write(b"%010d 00000 n \n" % self.offsets[number])
        self.handle.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                          % (count, root, start))


def make_source(path: Path, pages: int, image_kb: int) -> Path:
    """``pages`` A5 pages, each a full-page noise JPEG (its own object) and a page number."""
    images = [noise_jpeg(image_kb, seed) for seed in range(DISTINCT_IMAGES)]
    font = 3
    with open(path, "wb") as handle:
        pdf = RawPdf(handle)
        pdf.put(font, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        kids = []
        for index in range(pages):
            image, content, page = 4 + 3 * index, 5 + 3 * index, 6 + 3 * index
            data, width, height = images[index % DISTINCT_IMAGES]
            pdf.put(image, b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace "
                    b"/DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>"
                    % (width, height, len(data)), data)
            ops = (b"q %.2f 0 0 %.2f 0 0 cm /Im Do Q BT /F 60 Tf 150 280 Td (%d) Tj ET"
                   % (A5[0], A5[1], index + 1))
            pdf.put(content, b"<< /Length %d >>" % len(ops), ops)
            pdf.put(page, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R "
                    b"/Resources << /Font << /F %d 0 R >> /XObject << /Im %d 0 R >> >> >>"
                    % (A5[0], A5[1], content, font, image))
            kids.append(b"%d 0 R" % page)
        pdf.put(2, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(kids)))
        pdf.put(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        pdf.close(root=1)
    return path


def measure(source: Path, output: Path, layout: str, code: Path = REPO) -> tuple[float, int]:
    """(seconds, peak RSS in KiB) of ``zinekit impose`` in a fresh process, running the
    zinekit found in ``code`` (this checkout by default)."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    args = ["impose", str(source), "-o", str(output), "--layout", layout]
    proc = subprocess.run([sys.executable, "-c", MEASURE, *args], capture_output=True, text=True,
                          env=env, cwd=source.parent)
    line = next(ln for ln in proc.stderr.splitlines() if ln.startswith("RESULT"))
    _, code, seconds, peak = line.split()
    if code not in ("0", "None"):
        raise SystemExit(f"zinekit impose failed:\n{proc.stderr}")
    return float(seconds), int(peak)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--image-kb", type=int, default=200)
    parser.add_argument("--layout", default="saddle")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="Keep the PDFs in this folder.")
    parser.add_argument("--code", type=Path, default=REPO,
                        help="Folder holding the zinekit package to measure (e.g. an older version).")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-impose-large-"))
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "large.pdf"
    if not source.exists():
        make_source(source, args.pages, args.image_kb)
    runs = [measure(source, folder / "imposed.pdf", args.layout, args.code) for _ in range(args.repeat)]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"source: {args.pages} pages, {source.stat().st_size:,} bytes")
    print(f"output: {(folder / 'imposed.pdf').stat().st_size:,} bytes ({args.layout})")
    print(f"time: median {statistics.median(t for t, _ in runs):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t, _ in runs)})")
    print(f"peak memory: {max(p for _, p in runs) / 1024:.0f} MiB "
          f"(runs: {', '.join(f'{p / 1024:.0f}' for _, p in runs)})")
    if args.keep is None:
        for name in ("large.pdf", "imposed.pdf"):
            (folder / name).unlink(missing_ok=True)
        folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
