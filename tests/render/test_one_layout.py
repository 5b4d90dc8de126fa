"""The default formats lay an issue out once: a print edition that differs from the
reading PDF only by an empty back cover is the reading PDF's pages and a blank page the
imposition adds."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

import zinekit.render.pdf as pdf_module
from zinekit.render import editions
from zinekit.render.back_cover import empty_back_cover_is_blank

REPO = Path(__file__).resolve().parents[2]
THEMES = REPO / "themes"

TEXT = """\
---
title: Night Buses
authors: [T. Adeyemi]
{extra}---

{body}
"""


def body(paragraphs: int = 24) -> str:
    """Enough text for a dozen A5 pages, a footnote in every paragraph."""
    words = ("the last bus leaves the depot at ten past one and the driver waves at the "
             "cleaners who wave back with their mops held up like flags").split()
    parts, notes = [], []
    for n in range(1, paragraphs + 1):
        if n % 8 == 1:
            parts.append(f"## Stop {n // 8 + 1}\n")
        text = " ".join(words[(n + i) % len(words)] for i in range(90)).capitalize()
        parts.append(f"{text}.[^{n}]\n")
        notes.append(f"[^{n}]: Route {n}, the night timetable.")
    return "\n".join(parts) + "\n" + "\n".join(notes) + "\n"


def project(make_project, back_cover: bool, theme: str | None = None) -> Path:
    extra = "license: Anti-copyright\n" if back_cover else ""
    if theme:
        extra += f"theme: {theme}\n"
    return make_project({"bus.md": TEXT.format(extra=extra, body=body())})


@pytest.fixture
def layouts(monkeypatch) -> list[int]:
    """Counts WeasyPrint layouts (each call of ``render_pdf``'s one layout function)."""
    calls: list[int] = []
    real = pdf_module._render

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf_module, "_render", counted)
    return calls


def sheets_text(pdf: Path) -> list[str]:
    pages = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout.split("\f")
    return pages[:-1]


@pytest.mark.parametrize("back_cover", [False, True], ids=["no-back-cover", "back-cover"])
def test_default_formats_lay_the_issue_out_once(cli, make_project, layouts, back_cover):
    root = project(make_project, back_cover)
    run = cli("build", "bus.md", cwd=root)
    assert run.exit_code == 0, run.output
    assert len(layouts) == 1
    assert (root / "dist" / "bus" / "bus-booklet-a4.pdf").is_file()


def test_blank_back_cover_booklet_is_the_laid_out_one(cli, make_project, monkeypatch):
    """The booklet with an added blank back cover shows, sheet by sheet, what the print
    edition laid out on its own showed, and says the same about its blanks."""
    root = project(make_project, back_cover=False)
    run = cli("build", "bus.md", "--format", "pdf,booklet", "--out", "one", cwd=root)
    assert run.exit_code == 0, run.output
    monkeypatch.setattr(editions, "print_edition_source", lambda prepared: "own")
    laid = cli("build", "bus.md", "--format", "pdf,booklet", "--out", "two", cwd=root)
    assert laid.exit_code == 0, laid.output
    one, two = (root / name / "bus" / "bus-booklet-a4.pdf" for name in ("one", "two"))
    assert sheets_text(one) == sheets_text(two)
    reading = len(PdfReader(str(root / "one" / "bus" / "bus.pdf")).pages)
    first = sheets_text(one)[0]
    assert "Night Buses" in first  # the title page beside the (blank) back cover
    report = [line for line in run.output.splitlines() if "booklet-a4.pdf" in line]
    again = [line for line in laid.output.splitlines() if "booklet-a4.pdf" in line]
    assert [r.replace("one/", "") for r in report] == [r.replace("two/", "") for r in again]
    assert f"{reading + 1} source pages" in report[0]
    labels = [p.get("/PageLabels") for p in (PdfReader(str(one)).trailer["/Root"],
                                             PdfReader(str(two)).trailer["/Root"])]
    assert labels[0] == labels[1]


def test_a_theme_that_draws_on_an_empty_back_cover_is_laid_out(cli, make_project, layouts):
    root = project(make_project, back_cover=False, theme="photocopy")
    run = cli("build", "bus.md", "--format", "pdf,booklet", cwd=root)
    assert run.exit_code == 0, run.output
    assert len(layouts) >= 2  # the dot band on the back cover is on paper only


@pytest.mark.parametrize("css, blank", [
    ("", True),
    (".back-cover .blurb { border: 1pt solid; }", True),  # on what an empty cover lacks
    ("@page { @bottom-center { content: counter(page); } }", False),
    ("@page { @bottom-center { content: counter(page); } }\n"
     "@page back-cover { @bottom-center { content: none; } }", True),
    ("@page :left { @bottom-left { content: 'Night Buses'; } }", False),
    ("@page back-cover { background: #eee; }", False),
    (".back-cover::after { content: '❦'; }", False),
    (".back-cover { border-top: 2pt solid; }", False),
    ("@media print { .back-cover { background: black; } }", False),
    ("@page { @top-center { content: 'Page ' counter(page) ' of ' counter(pages); } }", False),
])
def test_which_stylesheets_leave_an_empty_back_cover_blank(tmp_path, css, blank):
    sheet = tmp_path / "theme.css"
    sheet.write_text(css, encoding="utf-8")
    assert empty_back_cover_is_blank([THEMES / "base" / "css" / "base-print.css", sheet]) is blank


@pytest.mark.parametrize("theme, blank", [("pamphlet", True), ("cutpaste", True), ("photocopy", False)])
def test_built_in_themes(theme, blank):
    sheets = sorted((THEMES / theme / "css").glob("*.css"))
    assert empty_back_cover_is_blank([THEMES / "base" / "css" / "base-print.css", *sheets]) is blank
