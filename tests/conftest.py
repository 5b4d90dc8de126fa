"""Shared fixtures: a project factory, the CLI, and readers for built PDFs."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from zinekit.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write ``{relative path: text}`` into a fresh folder and return the folder."""

    def make(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return tmp_path

    return make


class Run:
    def __init__(self, result) -> None:
        self.exit_code = result.exit_code
        self.output = result.output
        self.stderr = result.stderr if hasattr(result, "stderr") else ""
        self.exception = result.exception

    def __repr__(self) -> str:
        return f"<Run exit={self.exit_code} stderr={self.stderr!r}>"


@pytest.fixture
def cli(monkeypatch) -> Callable[..., Run]:
    """Run ``zinekit ARGS`` in-process from ``cwd``; returns exit code and output."""

    def run(*args: str, cwd: Path | None = None) -> Run:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        runner = CliRunner()
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=True)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result)

    return run


def pdf_pages_text(path: Path) -> list[str]:
    """The text of each page, whitespace folded."""
    reader = PdfReader(str(path))
    texts = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    # rejoin words hyphenated at line ends (WeasyPrint marks them with U+2010)
    return [re.sub("\u2010 ", "", text) for text in texts]


def poppler_pages(path: Path) -> list[str]:
    """The text of each page as poppler's ``pdftotext`` reads it, whitespace folded
    (pypdf misreads the CFF fonts WeasyPrint embeds)."""
    import subprocess

    pages = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                           capture_output=True, text=True).stdout.split("\f")
    return [" ".join(page.split()) for page in pages[:-1]]


def built_pdf(out: Path) -> Path:
    pdfs = sorted(out.rglob("*.pdf"))
    assert pdfs, f"no PDF under {out}"
    return pdfs[0]
