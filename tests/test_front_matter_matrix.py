"""Every shape a front-matter value can take, built into every format and validated.

A date is a year (``2022``, or ``'2020'`` as ``zinekit import`` writes it), a month, a
day (a YAML date or a string), words ("Spring 2023", "Winter 2020–2021") or missing;
authors are one name or a list; a volume a number or a string; the language one written
left to right or right to left.  Whatever the shape, the EPUB passes epubcheck, a
``<time datetime>`` and the ``dc:date`` hold only a machine-readable date, and the
title page prints the date as the language writes it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests import validators
from tests.conftest import poppler_pages
from zinekit.cli import main

SOURCE_DATE_EPOCH = "1767225600"
DC = "{http://purl.org/dc/elements/1.1/}"
TIME = re.compile(r"<time\b[^>]*>")
DATETIME = re.compile(r'\bdatetime="([^"]*)"')


@dataclass(frozen=True)
class DateShape:
    """A ``date:`` as written in YAML, how the title page prints it (in English), and
    its machine-readable form (None: the printed date has none)."""

    yaml: str
    printed: str
    machine: str | None


DATE_SHAPES = {
    "year": DateShape("2022", "2022", "2022"),
    "year-string": DateShape("'2020'", "2020", "2020"),
    "month": DateShape("'2024-5'", "May 2024", "2024-05"),
    "day": DateShape("2024-05-17", "May 17, 2024", "2024-05-17"),
    "day-string": DateShape("'2024-05-17'", "May 17, 2024", "2024-05-17"),
    "season": DateShape("Spring 2023", "Spring 2023", "2023"),
    "two-years": DateShape("Winter 2020–2021", "Winter 2020–2021", None),
    "words": DateShape("the longest night", "the longest night", None),
}


def build(target: Path, out: Path, formats: str) -> str:
    """``zinekit build --strict``, as a user runs it; its output."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        result = CliRunner().invoke(main, ["build", str(target), "--out", str(out),
                                           "--format", formats, "--strict"])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def dated_issue(folder: Path, date_yaml: str) -> Path:
    """A folder issue dated ``date_yaml`` whose one article has the same date."""
    return write(folder, {
        "issue.md": f"---\ntitle: Tide Tables\ndate: {date_yaml}\narticles: [one.md]\n---\n",
        "one.md": f"---\ntitle: Low Water\ndate: {date_yaml}\n---\n\nThe sea went out.\n",
    })


def epub_pages(epub: Path) -> dict[str, str]:
    with zipfile.ZipFile(epub) as book:
        return {name: book.read(name).decode("utf-8") for name in book.namelist()
                if name.endswith((".xhtml", ".opf"))}


def dc_dates(epub: Path) -> list[str]:
    (package,) = [text for name, text in epub_pages(epub).items() if name.endswith(".opf")]
    return [el.text or "" for el in ET.fromstring(package).iter(f"{DC}date")]


def time_elements(text: str) -> list[tuple[str, str | None]]:
    """Each ``<time>`` of a page: its tag and its ``datetime`` (None when it has none)."""
    found = []
    for tag in TIME.findall(text):
        value = DATETIME.search(tag)
        found.append((tag, value.group(1) if value else None))
    return found


def assert_machine_dates(text: str, where: str) -> None:
    """Every ``<time>`` carries a valid machine-readable date (HTML §4.5.14)."""
    for tag, value in time_elements(text):
        assert value is not None and validators.MACHINE_DATE.match(value), f"{where}: {tag}"


@pytest.fixture(scope="module")
def dated(tmp_path_factory) -> dict[str, Path]:
    """Each date shape built as an EPUB and a web edition: the output folder."""
    folders = {}
    for name, shape in DATE_SHAPES.items():
        project = dated_issue(tmp_path_factory.mktemp(f"src-{name}"), shape.yaml)
        out = tmp_path_factory.mktemp(f"out-{name}")
        build(project, out, "epub,html")
        (folders[name],) = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return folders


def only(folder: Path, pattern: str) -> Path:
    (found,) = [p for p in folder.glob(pattern) if "booklet" not in p.name]
    return found


@pytest.mark.parametrize("name", DATE_SHAPES)
def test_a_date_of_any_shape_gives_time_elements_with_valid_dates(dated, name):
    shape = DATE_SHAPES[name]
    web = (dated[name] / "index.html").read_text(encoding="utf-8")
    pages = epub_pages(only(dated[name], "*.epub"))
    for where, text in [("index.html", web), *pages.items()]:
        assert "None" not in DATETIME.findall(text), where
        assert_machine_dates(text, where)
    title_page = pages["EPUB/text/title.xhtml"]
    times = time_elements(title_page) + time_elements(pages["EPUB/text/article-01.xhtml"])
    assert [value for _, value in times] == ([shape.machine] * 2 if shape.machine else [])
    assert shape.printed in title_page and shape.printed in web


@pytest.mark.parametrize("name", DATE_SHAPES)
def test_dc_date_is_w3cdtf_or_absent(dated, name):
    shape = DATE_SHAPES[name]
    assert dc_dates(only(dated[name], "*.epub")) == ([shape.machine] if shape.machine else [])


def test_a_season_alone_gives_dc_date_its_one_year(tmp_path):
    project = write(tmp_path / "src", {"zine.md": "---\ntitle: Thaw\nseason: Spring 2023\n---\n\nIce.\n"})
    build(project / "zine.md", tmp_path / "out", "epub")
    assert dc_dates(only(tmp_path / "out", "*/*.epub")) == ["2023"]


@pytest.fixture(scope="module")
def dated_epubcheck(dated, tmp_path_factory) -> dict[str, dict]:
    epubs = {name: only(folder, "*.epub") for name, folder in dated.items()}
    return validators.epubcheck_reports(epubs, tmp_path_factory.mktemp("epubcheck"))


@pytest.mark.parametrize("name", DATE_SHAPES)
def test_a_date_of_any_shape_passes_epubcheck(dated_epubcheck, name):
    assert validators.epubcheck_problems(dated_epubcheck[name]) == []


@pytest.mark.slow
def test_a_year_prints_on_the_title_page_of_the_pdf(tmp_path):
    project = dated_issue(tmp_path / "src", "2022")
    build(project, tmp_path / "out", "pdf")
    pdf = only(tmp_path / "out", "*/*.pdf")
    assert validators.qpdf_problems(pdf) == []
    title_page = poppler_pages(pdf)[0]  # the season's letter-spacing reads as spaces
    assert "".join(title_page.split()).startswith("TideTables2022"), title_page
