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
import shutil
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests import validators
from tests.conftest import EXAMPLES, poppler_pages
from tests.render import a11y_tools as tools
from zinekit.cli import main
from zinekit.render.locale import format_issue_date

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


# --- the matrix: every key's shapes together, every format, every validator -----------

#: Text written for these tests, per language: a title, a subtitle, a paragraph, names.
WORDING = {
    "en": ("Harbour Lights", "a letter from the quay", "The lights went out at nine and "
           "the town kept talking in the dark.", ["Ann Author", "Bo Writer"]),
    "de": ("Hafenlichter", "ein Brief vom Kai", "Um neun gingen die Lichter aus, und die "
           "Stadt redete im Dunkeln weiter.", ["Jana Böhm", "Till Weiß"]),
    "fr": ("Feux du port", "une lettre du quai", "Les lumières se sont éteintes à neuf "
           "heures, et la ville a continué de parler dans le noir.", ["Zoé Lefèvre", "Élie Roy"]),
    "ar": ("أضواء الميناء", "رسالة من الرصيف", "انطفأت الأضواء في التاسعة، وظلت المدينة "
           "تتحدث في الظلام.", ["سلمى ناصر", "كريم حداد"]),
}
SEASONS = {"none": None, "two-years": "Winter 2020–2021", "one-year": "Spring 2023"}
AUTHORS = {"none": None, "string": 0, "list-of-one": 1, "list-of-two": 2}
VOLUMES = {"none": None, "number": "3", "string": "'3'"}
LICENCES = {"none": None, "words": "Anti-copyright", "cc": "CC BY-SA 4.0"}
SERIES = {"none": None, "plain": "Ember Tide", "ampersand": "Tide & Drift"}


@dataclass(frozen=True)
class Shapes:
    """One drawn front matter: the shape of each key (names of the tables above)."""

    language: str
    kind: str  # "one-file" or "folder" (an article with its own date and authors)
    date: str  # a DATE_SHAPES name or "none"
    article_date: str
    season: str
    authors: str
    volume: str
    subtitle: bool
    license: str
    series: str

    def names(self) -> list[str]:
        count = AUTHORS[self.authors]
        return [] if count is None else WORDING[self.language][3][:max(count, 1)]

    def front_matter(self) -> str:
        title, subtitle, _, names = WORDING[self.language]
        lines = [f"title: {title}", f"language: {self.language}"]
        optional = {
            "subtitle": subtitle if self.subtitle else None,
            "date": DATE_SHAPES[self.date].yaml if self.date != "none" else None,
            "season": SEASONS[self.season], "volume": VOLUMES[self.volume],
            "license": LICENCES[self.license],
            "series": f'"{SERIES[self.series]}"' if SERIES[self.series] else None,
            "authors": (names[0] if AUTHORS[self.authors] == 0 else f"[{', '.join(self.names())}]")
            if AUTHORS[self.authors] is not None else None,
        }
        lines += [f"{key}: {value}" for key, value in optional.items() if value is not None]
        return "---\n" + "\n".join(lines) + "\n"

    def printed_date(self) -> str | None:
        """What the title page prints under the title: the season, else the date."""
        if SEASONS[self.season]:
            return SEASONS[self.season]
        if self.date == "none":
            return None
        return format_issue_date(str(yaml.safe_load(DATE_SHAPES[self.date].yaml)), self.language)

    def machine_date(self) -> str | None:
        date = DATE_SHAPES[self.date].machine if self.date != "none" else None
        season = SEASONS[self.season]
        return date or ("2023" if season == "Spring 2023" else None)


def write_issue(folder: Path, shapes: Shapes) -> Path:
    """The drawn issue as a one-file issue or a folder issue; the path to build."""
    text = WORDING[shapes.language][2]
    body = f"{text}[^1]\n\n## {WORDING[shapes.language][1]}\n\n{text}\n\n[^1]: {text}\n"
    if shapes.kind == "one-file":
        return write(folder, {"zine.md": shapes.front_matter() + "---\n\n" + body}) / "zine.md"
    article = "---\ntitle: " + WORDING[shapes.language][1] + "\n"
    if shapes.article_date != "none":
        article += f"date: {DATE_SHAPES[shapes.article_date].yaml}\n"
    article += f"authors: {WORDING[shapes.language][3][1]}\n---\n\n{body}"
    issue = shapes.front_matter() + "articles: [one.md]\n---\n\n" + text + "\n"
    return write(folder, {"issue.md": issue, "one.md": article})


shapes_of_front_matter = st.builds(
    Shapes, language=st.sampled_from(sorted(WORDING)), kind=st.sampled_from(["one-file", "folder"]),
    date=st.sampled_from([*DATE_SHAPES, "none"]), article_date=st.sampled_from([*DATE_SHAPES, "none"]),
    season=st.sampled_from(sorted(SEASONS)), authors=st.sampled_from(sorted(AUTHORS)),
    volume=st.sampled_from(sorted(VOLUMES)), subtitle=st.booleans(),
    license=st.sampled_from(sorted(LICENCES)), series=st.sampled_from(sorted(SERIES)))


def check_pdfs(folder: Path, shapes: Shapes) -> None:
    """qpdf reads both PDFs cleanly; the reading PDF passes PDF/UA; its title page
    shows the title (checked where pdftotext reads the script back: not Arabic)."""
    reading = only(folder, "*.pdf")
    (booklet,) = folder.glob("*-booklet-*.pdf")
    assert validators.qpdf_problems(reading) + validators.qpdf_problems(booklet) == []
    findings = tools.pdfua_findings(reading)
    assert [f"{f['rule_id']}: {f['message']}" for f in findings
            if f["severity"] in ("error", "warning")] == []
    title_page = "".join(poppler_pages(reading)[0].split())
    if shapes.language != "ar":
        assert "".join(WORDING[shapes.language][0].split()) in title_page
        printed = shapes.printed_date()
        assert printed is None or "".join(printed.split()).lower() in title_page.lower(), title_page


def check_package(epub: Path, shapes: Shapes) -> None:
    """The EPUB's package document says what the front matter says."""
    (package,) = [text for name, text in epub_pages(epub).items() if name.endswith(".opf")]
    root = ET.fromstring(package)
    dc = {tag: [el.text for el in root.iter(f"{DC}{tag}")] for tag in
          ("language", "creator", "rights", "date")}
    assert dc["language"] == [shapes.language]
    assert dc["date"] == ([shapes.machine_date()] if shapes.machine_date() else [])
    assert dc["rights"] == ([LICENCES[shapes.license]] if LICENCES[shapes.license] else [])
    expected = shapes.names() or ([WORDING[shapes.language][3][1]] if shapes.kind == "folder" else [])
    assert dc["creator"] == expected
    spine = root.find("{http://www.idpf.org/2007/opf}spine")
    rtl = shapes.language == "ar"
    assert (spine.get("page-progression-direction") == "rtl") is rtl


def check_pages(folder: Path, shapes: Shapes) -> None:
    """Every <time> of the web edition and the EPUB holds a valid date; a language
    written right to left is marked so on every page."""
    pages = {"index.html": (folder / "index.html").read_text(encoding="utf-8")}
    pages.update(epub_pages(only(folder, "*.epub")))
    for where, text in pages.items():
        if where.endswith(".opf"):
            continue
        assert_machine_dates(text, where)
        html = re.search(r"<html\b[^>]*>", text).group(0)
        assert ('dir="rtl"' in html) is (shapes.language == "ar"), f"{where}: {html}"


@pytest.mark.slow
@settings(max_examples=8, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow])
@example(Shapes("ar", "folder", "year-string", "day", "one-year", "string", "string", True,
                "words", "ampersand"))
@example(Shapes("en", "one-file", "year", "none", "none", "list-of-two", "number", False,
                "cc", "plain"))
@given(shapes_of_front_matter)
def test_every_shape_of_front_matter_builds_valid_files_in_every_format(shapes):
    with tempfile.TemporaryDirectory(prefix="zk-matrix-") as scratch:
        root = Path(scratch)
        target = write_issue(root / "src", shapes)
        build(target, root / "out", "pdf,booklet,epub,html")
        (folder,) = [p for p in (root / "out").iterdir() if p.is_dir() and p.name[0] != "."]
        epub = only(folder, "*.epub")
        report = validators.epubcheck_reports({"issue": epub}, root)["issue"]
        assert validators.epubcheck_problems(report) == []
        check_package(epub, shapes)
        check_pages(folder, shapes)
        check_pdfs(folder, shapes)
        assert tools.ace_violations(tools.ace_report(epub, root / "ace")) == []


# --- the example series exercises these paths ------------------------------------------

@pytest.mark.slow
def test_the_example_series_builds_its_year_dated_leaflet_and_its_book(tmp_path):
    series = shutil.copytree(EXAMPLES / "ember-tide", tmp_path / "ember-tide",
                             ignore=shutil.ignore_patterns("dist"))
    output = build(series, tmp_path / "out", "pdf,epub,html")
    assert "[4/4] vol8/tide-clock.md" in output  # after vol.7, which it cites
    leaflet, book = tmp_path / "out" / "ember-tide-vol-4", tmp_path / "out" / "ember-tide-vol-8"
    epubs = {"leaflet": only(leaflet, "*.epub"), "book": only(book, "*.epub")}
    reports = validators.epubcheck_reports(epubs, tmp_path)
    assert [validators.epubcheck_problems(report) for report in reports.values()] == [[], []]
    assert dc_dates(epubs["leaflet"]) == ["2024"] and dc_dates(epubs["book"]) == ["2026-10"]
    title = epub_pages(epubs["leaflet"])["EPUB/text/title.xhtml"]
    assert time_elements(title) == [('<time datetime="2024">', "2024")]
    chapters = sorted(name for name in epub_pages(epubs["book"]) if "chapter-" in name)
    assert len(chapters) == 3
    pages = poppler_pages(only(book, "*.pdf"))
    assert "[see Seeds, Keys and Other Things We Share, Ember Tide vol.7, p.1]" in " ".join(pages)
    # each chapter opens a page, its first section under its title
    starts = [next(n for n, page in enumerate(pages) if f"{chapter} {section}" in page)
              for chapter, section in [("The clock", "What it is"), ("The arguments", "Summer time"),
                                       ("When it stopped", "Eleven days")]]
    assert starts == sorted(set(starts))
