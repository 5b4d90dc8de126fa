"""Bad input to `build`, `check`, `catalog`, `impose` and `preflight`: each case prints its exact
located message, exits with status 1, prints no traceback and writes nothing (the
previous good outputs stay byte for byte, no temporary is left).

The expected messages are also the table in docs/errors.md; a test below fails when the
two drift apart.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Union

import pytest
from click.testing import CliRunner

from tests import hostile
from tests.conftest import REPO
from zinekit.cli import main

ERRORS_DOC = REPO / "docs" / "errors.md"

SERIES_TOML = """\
[series]
name = "Test Zine"

[[issues]]
volume = 1
pdf = "back/vol1.pdf"

[[issues]]
volume = 2
source = "notes.md"
"""

REFS_BIB = """\
@book{fisk2009,
  author = {Mark Fisk},
  title = {Capitalist Realism},
  year = {2009},
  publisher = {Zero Books},
}
"""

FRONT = "---\ntitle: A Small Pamphlet\nvolume: 2\n---\n"
BODY = "\nSome text with a note.[^1] As argued [@fisk2009], see [see Test Zine vol.1 pg2].\n\n[^1]: The note.\n"

class Fifo:
    """A named pipe in place of a file: reading it would block for ever."""


FIFO = Fifo()
Content = Union[str, bytes, Callable[[], bytes], Fifo]


@dataclass(frozen=True)
class Case:
    """One bad input: files replaced in the good project, and the lines it must print."""

    name: str
    files: dict[str, Content]
    errors: tuple[str, ...]
    args: tuple[str, ...] = ()
    commands: tuple[str, ...] = ("build", "check")
    summary: dict[str, str] = field(default_factory=dict)
    stops: bool = False  # the build stops at this error (no "build failed: …" line)

    def __str__(self) -> str:
        return self.name


def notes(body: str, front: str = FRONT) -> dict[str, Content]:
    return {"notes.md": front + body}


def ten_megabytes() -> bytes:
    return (FRONT + "word " * 2_040_000).encode("ascii")


def back_issue(data: Callable[[], bytes]) -> dict[str, Content]:
    return {"back/vol1.pdf": data}


def pamphlet_css(extra: str) -> Callable[[], bytes]:
    """The pamphlet theme's stylesheet overridden in the project, with ``extra`` before
    it (on line 1 and on, whatever the theme's stylesheet holds)."""
    sheet = REPO / "themes" / "pamphlet" / "css" / "pamphlet.css"
    return lambda: extra.encode("utf-8") + sheet.read_bytes()


def huge_png(side: int = 20_000) -> bytes:
    """A ``side`` × ``side`` one-bit PNG of 400 million pixels in a few kilobytes, written
    a row at a time (making it with Pillow would hold 50 MB in this process)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = bytes(1 + (side + 7) // 8)  # filter byte 0, then the row's bits
    deflater = zlib.compressobj(9)
    idat = b"".join(deflater.compress(row) for _ in range(side)) + deflater.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


SANDBOXED = ("refused by the template sandbox: access to attribute '__init__' of 'type' object "
             "is unsafe.")


NOTES_CASES = [
    Case("front matter never closed", notes(BODY, "---\ntitle: A Small Pamphlet\n"),
         ("notes.md:1:1: error: front matter opened with '---' is never closed",)),
    Case("front matter not YAML", notes(BODY, "---\ntitle: [unclosed\n---\n"),
         ("notes.md:2:17: error: front matter is not valid YAML: expected ',' or ']', but got "
          "'<stream end>'",)),
    Case("unknown front matter key", notes(BODY, FRONT.replace("volume", "colour: red\nvolume")),
         ("notes.md:3:1: error: unknown front matter key 'colour' (prefix it with 'x-' to keep "
          "private data)",)),
    Case("front matter value of the wrong type", notes(BODY, FRONT.replace("volume: 2", "volume: two")),
         ("notes.md:3:1: error: front matter key 'volume' must be a whole number, not str",)),
    Case("front matter date written as text that is no date",
         notes(BODY, FRONT.replace("volume: 2", "volume: 2\ndate: '2026-02-30'")),
         ("notes.md:4:1: error: front matter key 'date' is not a real date: 2026-02-30 (day is "
          "out of range for month)",)),
    Case("footnote called, never defined", notes("\nText.[^x]\n"),
         ("notes.md:6:6: error: footnote [^x] is called but never defined",)),
    Case("footnote defined, never called", notes("\nText.\n\n[^x]: A note.\n"),
         ("notes.md:8:1: error: footnote [^x] is defined but never called",)),
    Case("editor's note never closed", notes("\nText [ed. – never closed.\n"),
         ("notes.md:6:6: error: editor's note '[ed.' is never closed with a matching ']'",)),
    Case("container never closed", notes("\n::: pullquote\nPrinted large.\n"),
         ("notes.md:6:1: error: '::: pullquote' is never closed with ':::'",)),
    Case("image missing", notes("\n![a map](map.png)\n"),
         ("notes.md:6:1: error: image not found: map.png",)),
    Case("image without a description",
         {**notes("\n![](map.svg)\n"), "map.svg": '<svg xmlns="http://www.w3.org/2000/svg" '
                                                    'width="8" height="8"/>\n'},
         ('notes.md:6:1: error: image has no description: write what it shows, ![…](map.svg), '
          'or mark an ornament ![](map.svg "decorative")',), args=("--strict",)),
    Case("image that is not an image", {**notes("\n![a map](map.png)\n"), "map.png": "not a PNG\n"},
         ("notes.md:6:1: error: image could not be loaded (not an image, or damaged): map.png",)),
    Case(".bib that does not parse", {"refs.bib": "@book{fisk2009,\n  title = {Capitalist\n"},
         ("refs.bib:2:12: error: BibTeX syntax error: premature end of file (in entry "
          "'fisk2009' that starts at line 1)",)),
    Case("citation key not in the .bib", notes("\nAs argued [@nobody2001].\n"),
         ("notes.md:6:11: error: citation key 'nobody2001' is not in refs.bib",)),
    Case("reference to an issue not in the catalog", notes("\nSee [see Test Zine vol.9 pg5].\n"),
         ("notes.md:6:10: error: cross-reference 'see Test Zine vol.9 pg5' names no known text (no "
          "issue \"vol.9\" in series \"Test Zine\"); left as written",), args=("--strict",)),
    Case("page out of range", notes("\nSee [see Test Zine vol.1 pg50].\n"),
         ("notes.md:6:10: error: cross-reference 'see Test Zine vol.1 pg50': page 50 is outside "
          "Test Zine vol.1 (pages 1–4)",)),
    Case("back issue PDF missing", {"back/vol1.pdf": None},  # type: ignore[dict-item]
         ('zinekit.toml:6:1: error: pdf "back/vol1.pdf" does not exist',)),
    Case("back issue PDF encrypted", back_issue(hostile.encrypted_pdf),
         ('zinekit.toml:6:1: error: pdf "back/vol1.pdf" is encrypted with a password; decrypt it '
          "first, e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf",)),
    Case("back issue PDF truncated", back_issue(hostile.truncated_pdf),
         ('zinekit.toml:6:1: error: pdf "back/vol1.pdf" cannot be read as a PDF (Stream has ended '
          "unexpectedly)",)),
    Case("back issue PDF not a PDF", {"back/vol1.pdf": "a shopping list\n"},
         ('zinekit.toml:6:1: error: pdf "back/vol1.pdf" is not a PDF file (it does not start with '
          "%PDF-)",)),
    Case("back issue PDF empty", {"back/vol1.pdf": ""},
         ('zinekit.toml:6:1: error: pdf "back/vol1.pdf" is an empty file',)),
    Case("back issue PDF with a decompression bomb", back_issue(hostile.object_stream_bomb_pdf),
         ('zinekit.toml:6:1: error: pdf "back/vol1.pdf" is refused: it exceeds a safety limit of '
          "the PDF reader (Limit reached while decompressing)",)),
    Case("empty file", {"notes.md": ""},
         ("notes.md:1:1: error: file is empty: an issue or article needs front matter or text",)),
    Case("binary file", {"notes.md": b"\x7fELF\x02\x01\x01\x00\x00\x00binary"},
         ("notes.md:1:1: error: this is a binary file, not Markdown text",)),
    Case("not UTF-8", {"notes.md": FRONT.encode() + b"\ncaf\xe9\n"},
         ("notes.md:6:4: error: file is not valid UTF-8 text",)),
    Case("10 MB of Markdown", {"notes.md": ten_megabytes},
         ("notes.md:1:1: error: file is 10.2 MB; the limit for one Markdown file is 4 MB (split "
          "it into the articles of a folder issue)",)),
    Case("5,000 nested block quotes", notes("\n" + ">" * 5000 + " deep\n"),
         ("notes.md:6:21: error: nested more than 20 levels deep (block quotes, lists and "
          "containers together); the text from here to the end of the block is not printed",)),
    Case("5,000 nested lists", notes("\n" + "- " * 5000 + "deep\n"),
         ("notes.md:6:21: error: nested more than 20 levels deep (block quotes, lists and "
          "containers together); the text from here to the end of the block is not printed",)),
    Case("cover image missing", notes(BODY, FRONT.replace("volume: 2", "volume: 2\ncover: front.png")),
         ("notes.md:4:1: error: image not found: front.png",)),
    Case("paper thickness not a thickness", notes(BODY, FRONT.replace("volume: 2", "volume: 2\ncaliper: thick")),
         ("notes.md:4:1: error: caliper 'thick' is neither a thickness (e.g. 0.1mm, 100um, 0.004in) "
          "nor a paper stock (e.g. 80gsm-uncoated, 20lb-bond; finishes: uncoated, bond, offset, "
          "matt, silk, gloss)",)),
    Case("paper too thick", {"zinekit.toml": SERIES_TOML + "\n[build]\ncaliper = \"3mm\"\n"},
         ("zinekit.toml:13:1: error: caliper '3mm' is 3 mm: one sheet of paper is between 0.03 "
          "and 1 mm thick",)),
    Case("zinekit.toml not TOML", {"zinekit.toml": SERIES_TOML + "[build\n"},
         ("zinekit.toml:11:7: error: zinekit.toml is not valid TOML: Expected ']' at the end of "
          "a table declaration",)),
    Case("unknown [build] key", {"zinekit.toml": SERIES_TOML + "\n[build]\npage_sise = \"A5\"\n"},
         ("zinekit.toml:13:1: error: unknown [build] key 'page_sise' (did you mean 'page_size'?)",)),
    # --- hostile projects: bounds, special files, themes, outputs (issue 17) ---
    Case("front matter date that does not exist", notes(BODY, FRONT.replace("volume", "date: 2026-02-30\nvolume")),
         ("notes.md:3:1: error: front matter key 'date' is not a real date: 2026-02-30 (day is out "
          "of range for month)",)),
    Case("front matter number in superscript digits", notes(BODY, FRONT.replace("volume: 2", 'volume: "²"')),
         ("notes.md:3:1: error: front matter key 'volume' must be a whole number, not str",)),
    Case("front matter number of 5,000 digits", notes(BODY, FRONT.replace("volume: 2", "volume: " + "9" * 5000)),
         ("notes.md:3:9: error: front matter is refused: a number of 5000 digits (at most 100)",)),
    Case("front matter volume past 999,999", notes(BODY, FRONT.replace("volume: 2", "volume: 10000000")),
         ("notes.md:3:1: error: front matter key 'volume' must be a whole number from 0 to 999999, "
          "not 10000000",)),
    Case("front matter nested 20,000 deep", notes(BODY, FRONT.replace("volume: 2", "x-data: " + "[" * 20000)),
         ("notes.md:3:58: error: front matter is refused: nested more than 50 levels deep",)),
    Case("zinekit.toml number of 5,000 digits", {"zinekit.toml": SERIES_TOML.replace("volume = 1", "volume = " + "9" * 5000)},
         ("zinekit.toml:5:10: error: zinekit.toml is refused: a number of 5000 digits (at most 100)",)),
    Case("zinekit.toml nested 20,000 deep", {"zinekit.toml": SERIES_TOML + "\n[build]\nx-data = " + "[" * 20000 + "\n"},
         ("zinekit.toml:13:60: error: zinekit.toml is refused: nested more than 50 levels deep",)),
    Case("image that is a named pipe", {**notes("\n![a map](map.png)\n"), "map.png": FIFO},
         ("notes.md:6:1: error: image is a named pipe, not a regular file; not read: map.png",)),
    Case("image of 400 million pixels", {**notes("\n![a map](map.png)\n"), "map.png": huge_png},
         ("notes.md:6:1: error: image map.png is refused: 400,000,000 pixels, more than "
          "178,956,970 (a decompression bomb?)",)),
    Case(".bib that is a named pipe", {"refs.bib": FIFO},
         ("notes.md:6:38: error: citation key 'fisk2009' has no bibliography to look in: name a .bib "
          "file with 'bibliography:' in the issue's front matter, or add refs.bib to the project "
          "folder",
          "refs.bib: error: refs.bib is a named pipe, not a regular file; not read")),
    Case(".bib crossrefs in a loop", {"refs.bib": REFS_BIB.replace("year = {2009},", "year = {2009},\n  crossref = {fisk2010},")
                                      + "@book{fisk2010, title = {Ghosts}, crossref = {fisk2009}}\n"},
         ("refs.bib:1:1: error: entry 'fisk2009': its crossref chain comes back to itself "
          "(fisk2009 → fisk2010 → fisk2009); the crossref is ignored",)),
    Case("back issue PDF that is a named pipe", {"back/vol1.pdf": FIFO},
         ('zinekit.toml:6:1: error: pdf "back/vol1.pdf" is a named pipe, not a regular file; not '
          "read",)),
    Case("theme template escaping the sandbox",
         {"theme/templates/colophon.html": "{{ cycler.__init__.__globals__.os.system('id') }}\n"},
         (f"theme/templates/colophon.html:1: error: {SANDBOXED}",), stops=True),
    Case("theme template with a syntax error", {"theme/templates/colophon.html": "<p>\n{% if %}\n"},
         ("theme/templates/colophon.html:2: error: template syntax error: Expected an expression, "
          "got 'end of statement block'",), stops=True),
    Case("theme stylesheet nested 20,000 deep", {"theme/css/pamphlet.css": pamphlet_css("p { margin: " + "(" * 20000 + " }\n")},
         ("theme/css/pamphlet.css:1:44: error: stylesheet is refused: nested more than 32 levels deep",),
         stops=True),
    Case("image missing from the theme's stylesheet", {"theme/css/pamphlet.css": pamphlet_css("p {\n  background: url(../paper.png);\n}\n")},
         ("theme/css/pamphlet.css:2:15: error: image not found: ../paper.png",)),
    Case("output folder outside the project", {"zinekit.toml": SERIES_TOML + '\n[build]\nout = "../elsewhere"\n'},
         ("zinekit.toml:13:1: error: [build] out = '../elsewhere' is outside the project folder; "
          "nothing is written there (name an outside folder on the command line: --out DIR)",),
         stops=True),
    Case("include naming no text", notes(BODY, FRONT.replace("volume: 2", "volume: 2\ninclude:\n  - nowhere")),
         ("notes.md:5:1: error: include 'nowhere' names no text of the library (no article or issue "
          "titled \"nowhere\" in the catalog)",)),
    Case("include of a back issue PDF", notes(BODY, FRONT.replace("volume: 2", "volume: 2\ninclude: [Test Zine vol.1]")),
         ("notes.md:4:1: error: include 'Test Zine vol.1' names no text of the library (vol.1 exists "
          "only as a PDF; only texts zinekit builds can be included)",)),
]

# `zinekit catalog` reads every back issue, cited or not, and lays out the issues.
CATALOG_CASES = [
    *(c for c in NOTES_CASES if c.name.startswith(("back issue", "zinekit.toml", "unknown [build]"))),
    Case("uncited back issue PDF damaged", {**back_issue(hostile.truncated_pdf), **notes("\nText.\n")},
         ('zinekit.toml:6:1: error: pdf "back/vol1.pdf" cannot be read as a PDF (Stream has ended '
          "unexpectedly)",)),
    *(c for c in NOTES_CASES if c.name in ("front matter never closed", "page out of range",
                                          "5,000 nested block quotes", "empty file")),
]


# --- the good project, built once ----------------------------------------------------------


@pytest.fixture(scope="module")
def good_project(tmp_path_factory) -> Path:
    """The series, built with the default formats: the outputs every case must leave alone."""
    root = tmp_path_factory.mktemp("good")
    (root / "zinekit.toml").write_text(SERIES_TOML, encoding="utf-8")
    (root / "refs.bib").write_text(REFS_BIB, encoding="utf-8")
    (root / "notes.md").write_text(FRONT + BODY, encoding="utf-8")
    hostile.write(root / "back" / "vol1.pdf", hostile.small_pdf(4))
    result = invoke(root, "build", "notes.md")
    assert result.exit_code == 0, result.output
    assert len(snapshot(root / "dist")) >= 4
    return root


def project_with(good: Path, tmp_path: Path, files: dict[str, Content]) -> Path:
    root = tmp_path / "project"
    shutil.copytree(good, root)
    for name, content in files.items():
        path = root / name
        if content is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Fifo):
            path.unlink(missing_ok=True)
            os.mkfifo(path)
            continue
        content = content() if callable(content) else content
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def invoke(cwd: Path, *args: str):
    import os

    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=True)
    finally:
        os.chdir(old)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line or line.startswith("error: ")]


def assert_refused(result, case: Case, before: dict[str, bytes], dist: Path) -> None:
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        f"{case}: an exception escaped: {result.exception!r}"
    assert result.exit_code == 1, f"{case}: exit {result.exit_code}\n{result.output}"
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert error_lines(result.stderr) == list(case.errors), result.stderr
    assert snapshot(dist) == before, f"{case}: the previous outputs changed"
    assert not list(dist.rglob(".zinekit-tmp-*"))


# --- build, check, catalog -------------------------------------------------------------------


@pytest.mark.parametrize("case", [c for c in NOTES_CASES if "build" in c.commands], ids=str)
def test_build_refuses_bad_input(good_project, tmp_path, case):
    root = project_with(good_project, tmp_path, case.files)
    before = snapshot(root / "dist")
    result = invoke(root, "build", "notes.md", *case.args)
    assert_refused(result, case, before, root / "dist")
    assert case.stops or result.stderr.rstrip().endswith("nothing was written")


@pytest.mark.parametrize("case", [c for c in NOTES_CASES if "check" in c.commands], ids=str)
def test_check_reports_bad_input(good_project, tmp_path, case):
    root = project_with(good_project, tmp_path, case.files)
    before = snapshot(root / "dist")
    result = invoke(root, "check", "notes.md", *case.args)
    assert_refused(result, case, before, root / "dist")


@pytest.mark.parametrize("case", CATALOG_CASES, ids=str)
def test_catalog_reports_bad_input(good_project, tmp_path, case):
    root = project_with(good_project, tmp_path, case.files)
    before = snapshot(root / "dist")
    result = invoke(root, "catalog", ".")
    assert_refused(result, case, before, root / "dist")


# --- impose ----------------------------------------------------------------------------------

GOOD_OUTPUT = b"%PDF-1.7 a previous good output\n"

IMPOSE_CASES = [
    ("zero bytes", b"", "in.pdf: error: the file is empty, not a PDF"),
    ("not a PDF", b"these are my notes\n", "in.pdf: error: not a PDF file (it does not start with %PDF-)"),
    ("binary garbage after a PDF header", b"%PDF-1.7\n" + bytes(range(256)) * 4,
     "in.pdf: error: the PDF is damaged and cannot be read (Stream has ended unexpectedly)"),
    ("truncated", hostile.truncated_pdf,
     "in.pdf: error: the PDF is damaged and cannot be read (Stream has ended unexpectedly)"),
    ("encrypted", hostile.encrypted_pdf,
     "in.pdf: error: the PDF is encrypted with a password; decrypt it first, e.g. qpdf --decrypt "
     "--password=PASSWORD in.pdf out.pdf"),
    ("content inflating to 4 GB", hostile.content_bomb_pdf,
     "in.pdf: error: page 1 is refused: its content inflates to more than 75 MB, the limit for one "
     "page (a decompression bomb?)"),
    ("content inflating to 4 GB, compressed twice", lambda: hostile.content_bomb_pdf(double=True),
     "in.pdf: error: page 1 is refused: it exceeds a safety limit of the PDF reader (Limit reached "
     "while decompressing)"),
    ("page tree inflating to 4 GB", hostile.object_stream_bomb_pdf,
     "in.pdf: error: the PDF is refused: its page tree exceeds a safety limit of the PDF reader "
     "(Limit reached while decompressing)"),
]


@pytest.mark.parametrize("name, data, message", IMPOSE_CASES, ids=[c[0] for c in IMPOSE_CASES])
def test_impose_refuses_bad_input(tmp_path, name, data, message):
    hostile.write(tmp_path / "in.pdf", data() if callable(data) else data)
    (tmp_path / "out.pdf").write_bytes(GOOD_OUTPUT)
    result = invoke(tmp_path, "impose", "in.pdf", "-o", "out.pdf")
    assert result.exit_code == 1, result.output
    assert result.stderr == message + "\n"
    assert (tmp_path / "out.pdf").read_bytes() == GOOD_OUTPUT
    assert not list(tmp_path.glob(".zinekit-tmp-*"))


PREFLIGHT_CASES = [
    ("zero bytes", b"", "in.pdf: error: the file is empty, not a PDF"),
    ("not a PDF", b"these are my notes\n", "in.pdf: error: not a PDF file (it does not start with %PDF-)"),
    ("truncated", hostile.truncated_pdf,
     "in.pdf: error: the PDF is damaged and cannot be read (Stream has ended unexpectedly)"),
    ("encrypted", hostile.encrypted_pdf,
     "in.pdf: error: the PDF is encrypted with a password; decrypt it first, e.g. qpdf --decrypt "
     "--password=PASSWORD in.pdf out.pdf"),
]


@pytest.mark.parametrize("name, data, message", PREFLIGHT_CASES, ids=[c[0] for c in PREFLIGHT_CASES])
def test_preflight_refuses_bad_input(tmp_path, name, data, message):
    hostile.write(tmp_path / "in.pdf", data() if callable(data) else data)
    result = invoke(tmp_path, "preflight", "in.pdf")
    assert result.exit_code == 1, result.output
    assert result.stderr == message + "\n"
    assert result.stdout == ""


def test_impose_counts_pages_instead_of_believing_the_page_tree(tmp_path):
    """A /Count of 10^9 in the page tree: the real pages are counted and imposed."""
    hostile.write(tmp_path / "in.pdf", hostile.lying_count_pdf(10**9))
    result = invoke(tmp_path, "impose", "in.pdf", "-o", "out.pdf")
    assert result.exit_code == 0, result.output
    assert "2 source pages" in result.output


def test_a_bomb_is_refused_without_inflating_it(tmp_path):
    """The 4 GB content bomb is refused in well under the time and memory inflating it takes."""
    hostile.write(tmp_path / "in.pdf", hostile.content_bomb_pdf(4 * hostile.GIB))
    # The peak is the process's own (VmHWM, which starts again at exec); ru_maxrss would
    # keep the test runner's, which the child had before exec.
    code = ("import re, sys; from zinekit.cli import main; sys.argv[1:] = "
            "['impose', 'in.pdf', '-o', 'out.pdf']\ntry: main()\nexcept SystemExit as e: "
            "print(e.code, int(re.search(r'VmHWM:\\s*(\\d+)', "
            "open('/proc/self/status').read()).group(1)) // 1024)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    exit_code, peak_mb = proc.stdout.split()
    assert exit_code == "1"
    assert int(peak_mb) < 400, f"peak memory {peak_mb} MB"
    assert "decompression bomb" in proc.stderr


# --- import ----------------------------------------------------------------------------------

IMPORT_CASES = [
    ("empty text", "in.txt", b"\n\n", "in.txt:1:1: error: file is empty: there is no text to import"),
    ("text not UTF-8", "in.txt", b"Caf\xe9\n", "in.txt:1:4: error: file is not valid UTF-8 text"),
    ("binary file named .txt", "in.txt", b"\x7fELF\x00\x00",
     "in.txt:1:1: error: this is a binary file, not text (name its format with --from if it is a "
     ".docx or .odt)"),
    ("post with front matter not YAML", "in.md", b"---\ntitle: [open\n---\n",
     "in.md:2:13: error: front matter is not valid YAML: expected ',' or ']', but got '<stream end>'"),
    ("post with front matter never closed", "in.md", b"---\ntitle: Open\n",
     "in.md:1:1: error: front matter opened with '---' is never closed"),
    ("Word file that is not a zip", "in.docx", b"PK\x03\x04 nothing",
     "in.docx:1:1: error: not a Word document (it is not a zip package)"),
]


@pytest.mark.parametrize("name, filename, data, message", IMPORT_CASES, ids=[c[0] for c in IMPORT_CASES])
def test_import_refuses_bad_input(tmp_path, name, filename, data, message):
    (tmp_path / filename).write_bytes(data)
    (tmp_path / "out.md").write_bytes(b"a previous good output\n")
    result = invoke(tmp_path, "import", filename, "-o", "out.md", "--force")
    assert result.exit_code == 1, result.output
    assert result.stderr == message + "\n"
    assert (tmp_path / "out.md").read_bytes() == b"a previous good output\n"
    assert not list(tmp_path.glob(".zinekit-tmp-*"))


# --- the real command: no traceback reaches stderr -------------------------------------------


@pytest.mark.parametrize("command, case", [
    ("build", next(c for c in NOTES_CASES if c.name == "5,000 nested block quotes")),
    ("build", next(c for c in NOTES_CASES if c.name == "back issue PDF with a decompression bomb")),
    ("check", next(c for c in NOTES_CASES if c.name == "front matter not YAML")),
    ("catalog", next(c for c in NOTES_CASES if c.name == "back issue PDF truncated")),
], ids=lambda v: v if isinstance(v, str) else str(v))
def test_real_command_prints_no_traceback(good_project, tmp_path, command, case):
    root = project_with(good_project, tmp_path, case.files)
    before = snapshot(root / "dist")
    target = "." if command == "catalog" else "notes.md"
    proc = subprocess.run([sys.executable, "-m", "zinekit", command, target], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert error_lines(proc.stderr) == list(case.errors)
    assert snapshot(root / "dist") == before


def test_real_impose_prints_no_traceback(tmp_path):
    hostile.write(tmp_path / "in.pdf", hostile.object_stream_bomb_pdf())
    proc = subprocess.run([sys.executable, "-m", "zinekit", "impose", "in.pdf", "-o", "out.pdf"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr == IMPOSE_CASES[-1][2] + "\n"
    assert not (tmp_path / "out.pdf").exists()


# --- docs/errors.md stays in step with the cases above ---------------------------------------


def documented_rows() -> set[tuple[str, str, str]]:
    """(command, case, message) from the tables of docs/errors.md."""
    rows = set()
    for line in ERRORS_DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) == 3 and cells[2].startswith("`"):
            rows.add((cells[0].strip("`"), cells[1], cells[2].strip("`").replace("\\|", "|")))
    return rows


def expected_rows() -> list[tuple[str, str, str]]:
    """(command, case, message) for every case, in the order of the tables above."""
    rows = []
    for case in NOTES_CASES:
        commands = ["build", "check"] + (["catalog"] if case in CATALOG_CASES else [])
        shown = ", ".join(f"{c} {' '.join(case.args)}".strip() for c in commands)
        rows += [(shown, case.name, message) for message in case.errors]
    for case in CATALOG_CASES:
        if case not in NOTES_CASES:
            rows += [("catalog", case.name, message) for message in case.errors]
    rows += [("impose", name, message) for name, _, message in IMPOSE_CASES]
    rows += [("preflight", name, message) for name, _, message in PREFLIGHT_CASES]
    rows += [("import", name, message) for name, _, _, message in IMPORT_CASES]
    return rows


def test_docs_errors_table_matches_the_tests():
    documented, expected = documented_rows(), set(expected_rows())
    assert not expected - documented, "missing from docs/errors.md:\n" + "\n".join(
        map(str, sorted(expected - documented)))
    assert not documented - expected, "in docs/errors.md but not tested:\n" + "\n".join(
        map(str, sorted(documented - expected)))


def errors_table() -> str:
    """The table docs/errors.md holds, as :func:`documented_rows` reads it (to rewrite it:
    ``python -c 'from tests.test_bad_input_matrix import errors_table; print(errors_table())'``)."""
    lines = ["| command | case | message |", "| --- | --- | --- |"]
    for command, name, message in expected_rows():
        lines.append(f"| `{command}` | {name} | `{message.replace('|', chr(92) + '|')}` |")
    return "\n".join(lines)


def test_messages_have_a_location():
    for _, _, message in expected_rows():
        assert re.match(r"^[\w./-]+(:\d+(:\d+)?)?: error: ", message), message
