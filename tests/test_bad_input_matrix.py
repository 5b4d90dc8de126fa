"""Bad input to `build`, `check`, `catalog` and `impose`: each case prints its exact
located message, exits with status 1, prints no traceback and writes nothing (the
previous good outputs stay byte for byte, no temporary is left).

The expected messages are also the table in docs/errors.md; a test below fails when the
two drift apart.
"""

from __future__ import annotations

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

Content = Union[str, bytes, Callable[[], bytes]]


@dataclass(frozen=True)
class Case:
    """One bad input: files replaced in the good project, and the lines it must print."""

    name: str
    files: dict[str, Content]
    errors: tuple[str, ...]
    args: tuple[str, ...] = ()
    commands: tuple[str, ...] = ("build", "check")
    summary: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.name


def notes(body: str, front: str = FRONT) -> dict[str, Content]:
    return {"notes.md": front + body}


def ten_megabytes() -> bytes:
    return (FRONT + "word " * 2_040_000).encode("ascii")


def back_issue(data: Callable[[], bytes]) -> dict[str, Content]:
    return {"back/vol1.pdf": data}


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
         ('zinekit.toml:6:1: error: pdf "back/vol1.pdf" is encrypted with a password; save an '
          "unencrypted copy",)),
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
    Case("zinekit.toml not TOML", {"zinekit.toml": SERIES_TOML + "[build\n"},
         ("zinekit.toml:11:7: error: zinekit.toml is not valid TOML: Expected ']' at the end of "
          "a table declaration",)),
    Case("unknown [build] key", {"zinekit.toml": SERIES_TOML + "\n[build]\npage_sise = \"A5\"\n"},
         ("zinekit.toml:13:1: error: unknown [build] key 'page_sise' (did you mean 'page_size'?)",)),
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
    assert result.stderr.rstrip().endswith("nothing was written")


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


def test_impose_counts_pages_instead_of_believing_the_page_tree(tmp_path):
    """A /Count of 10^9 in the page tree: the real pages are counted and imposed."""
    hostile.write(tmp_path / "in.pdf", hostile.lying_count_pdf(10**9))
    result = invoke(tmp_path, "impose", "in.pdf", "-o", "out.pdf")
    assert result.exit_code == 0, result.output
    assert "2 source pages" in result.output


def test_a_bomb_is_refused_without_inflating_it(tmp_path):
    """The 4 GB content bomb is refused in well under the time and memory inflating it takes."""
    hostile.write(tmp_path / "in.pdf", hostile.content_bomb_pdf(4 * hostile.GIB))
    code = ("import resource, sys; from zinekit.cli import main; sys.argv[1:] = "
            "['impose', 'in.pdf', '-o', 'out.pdf']\ntry: main()\nexcept SystemExit as e: "
            "print(e.code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    exit_code, peak_mb = proc.stdout.split()
    assert exit_code == "1"
    assert int(peak_mb) < 400, f"peak memory {peak_mb} MB"
    assert "decompression bomb" in proc.stderr


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
        assert re.match(r"^[\w./-]+(:\d+:\d+)?: error: ", message), message
