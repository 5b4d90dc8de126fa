"""The whole workflow, as an editor runs it, on the real texts of shared/seeds.

Each text is imported with ``zinekit import``, listed in a series' ``zinekit.toml``
(``[[issues]] volume = N, source = ...``: the front matter names no series and no
volume, the catalog entry does), the series built in every format with one
``zinekit build``, then one chapter of each text collected with ``zinekit anthology``.
Every file is validated: epubcheck (no errors, no warnings), ``qpdf --check`` on every
PDF, PDF/UA on every reading PDF.  Two builds in all.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests import validators
from tests.conftest import REPO, poppler_pages
from tests.importer.helpers import seeds_folder
from tests.render import a11y_tools as tools

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(seeds_folder() is None, reason="shared/seeds is not beside the checkout")]

SERIES = "Received Texts"
SLUG = "received-texts-vol-{}"
FORMATS = "pdf,booklet,epub,html"
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*(?:\{#[^}]*\})?\s*$")


@dataclass
class Chapter:
    """The chapter of an imported text the anthology takes: its heading's title and
    the title of the heading that ends it (None: the whole text, or to its end)."""

    title: str | None
    next_title: str | None = None


#: The readers' library's own folders in dist/ (the catalogs, shelves, search index).
LIBRARY_FOLDERS = {"library", "opds", "pagefind"}


@dataclass
class Library:
    root: Path
    volumes: dict[int, Path] = field(default_factory=dict)  # volume → imported Markdown
    chapters: dict[int, Chapter] = field(default_factory=dict)
    build_output: str = ""
    anthology_output: str = ""

    @property
    def dist(self) -> Path:
        return self.root / "dist"

    def folders(self) -> dict[str, Path]:
        """Each output folder the builds wrote, by name (what they should be named is
        the subject of one test; the validators check whatever was written)."""
        return {p.name: p for p in sorted(self.dist.iterdir())
                if p.is_dir() and p.name[0] != "." and p.name not in LIBRARY_FOLDERS}

    def expected_folders(self) -> list[str]:
        return sorted([*(SLUG.format(n) for n in self.volumes), "reader"])


def zinekit(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    """``zinekit ARGS`` in a process of its own, as an editor runs it."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1767225600"}
    return subprocess.run([sys.executable, "-m", "zinekit", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=1200, check=False)


def first_chapter(markdown: str) -> Chapter:
    """The text's first level-1 chapter (else its first section), and what ends it."""
    headings = [(len(m.group(1)), m.group(2)) for line in markdown.splitlines()
                if (m := HEADING.match(line))]
    for level in (1, 2):
        at = next((i for i, (depth, _) in enumerate(headings) if depth == level), None)
        if at is not None:
            after = next((title for depth, title in headings[at + 1:] if depth <= level), None)
            return Chapter(headings[at][1], after)
    return Chapter(None)


def catalog(volumes: dict[int, Path], root: Path) -> str:
    entries = [f'[[issues]]\nvolume = {n}\nsource = "{path.relative_to(root).as_posix()}"\n'
               for n, path in volumes.items()]
    return f'[series]\nname = "{SERIES}"\n\n' + "\n".join(entries)


def anthology_spec(library: Library) -> str:
    texts = []
    for n, path in library.volumes.items():
        entry = f'[[texts]]\nsource = "{path.relative_to(library.root).as_posix()}"\n'
        title = library.chapters[n].title
        if title is not None:
            entry += "chapters = [" + toml_string(title) + "]\n"
        texts.append(entry)
    head = '[anthology]\ntitle = "A Reader of Received Texts"\neditors = ["the editors"]\n'
    return head + "\n" + "\n".join(texts)


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Library:
    """Import every seed, list it in the catalog, build the series, build the reader."""
    lib = Library(tmp_path_factory.mktemp("library"))
    for n, seed in enumerate(sorted(seeds_folder().glob("*.txt")), start=1):
        out = lib.root / f"vol{n}" / "issue.md"
        run = zinekit("import", seed, "-o", out, cwd=lib.root)
        assert run.returncode == 0, run.stderr
        lib.volumes[n] = out
        lib.chapters[n] = first_chapter(out.read_text(encoding="utf-8"))
    (lib.root / "zinekit.toml").write_text(catalog(lib.volumes, lib.root), encoding="utf-8")
    run = zinekit("build", ".", "--format", FORMATS, cwd=lib.root)
    assert run.returncode == 0, run.stderr
    lib.build_output = run.stderr
    (lib.root / "reader.toml").write_text(anthology_spec(lib), encoding="utf-8")
    run = zinekit("anthology", "reader.toml", "--format", FORMATS, cwd=lib.root)
    assert run.returncode == 0, run.stderr
    lib.anthology_output = run.stderr
    return lib


def reading_pdf(folder: Path) -> Path:
    return folder / f"{folder.name}.pdf"


def test_front_matter_names_no_series_or_volume(library):
    for path in library.volumes.values():
        front = path.read_text(encoding="utf-8").split("\n---", 1)[0]
        assert not re.search(r"^(series|volume):", front, re.M), front


def test_each_imported_text_joins_its_series_from_the_catalog(library):
    """Output folders are named by series and volume, and the title page prints them."""
    assert sorted(library.folders()) == library.expected_folders()
    for n in library.volumes:
        title_page = poppler_pages(reading_pdf(library.dist / SLUG.format(n)))[0]
        assert f"{SERIES} · vol. {n}" in title_page, title_page


def test_every_format_is_written(library):
    assert len(library.folders()) == len(library.volumes) + 1  # the issues and the reader
    for name, folder in library.folders().items():
        assert reading_pdf(folder).is_file(), name
        assert len(list(folder.glob("*-booklet-*.pdf"))) == 1, name
        assert (folder / f"{folder.name}.epub").is_file(), name
        assert (folder / "index.html").is_file(), name


def test_every_epub_passes_epubcheck(library, tmp_path):
    epubs = {name: folder / f"{folder.name}.epub" for name, folder in library.folders().items()}
    reports = validators.epubcheck_reports(epubs, tmp_path)
    assert {name: validators.epubcheck_problems(report) for name, report in reports.items()} \
        == {name: [] for name in epubs}


def test_every_pdf_passes_qpdf_check(library):
    pdfs = sorted(library.dist.rglob("*.pdf"))
    assert len(pdfs) == 2 * len(library.folders())
    assert [problem for pdf in pdfs for problem in validators.qpdf_problems(pdf)] == []


def test_every_reading_pdf_passes_pdfua(library):
    found = {}
    for name, folder in library.folders().items():
        findings = tools.pdfua_findings(reading_pdf(folder))
        found[name] = [f"{f['rule_id']}: {f['message']}" for f in findings
                       if f["severity"] in ("error", "warning")]
    assert found == {name: [] for name in library.folders()}


def test_every_web_edition_dates_its_time_elements(library):
    for name, folder in library.folders().items():
        page = (folder / "index.html").read_text(encoding="utf-8")
        for value in re.findall(r'<time\b[^>]*\bdatetime="([^"]*)"', page):
            assert validators.MACHINE_DATE.match(value), f"{name}: datetime={value!r}"
    download_page = folded(html.unescape((library.dist / "index.html").read_text(encoding="utf-8")))
    for n, path in library.volumes.items():
        title = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])["title"]
        assert folded(title) in download_page, f"vol{n}: {title!r} is not on the download page"


def folded(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.replace("\u2010", "")).lower()


def test_the_reader_holds_one_chapter_of_each_text(library):
    """Each chosen chapter is printed, and ends where its text's next chapter begins:
    the reader's inventory lists no heading of that next chapter."""
    reader = library.dist / "reader"
    assert reader.is_dir()
    whole = folded(" ".join(poppler_pages(reading_pdf(reader))))
    inventory = json.loads((reader / "reader.inventory.json").read_text(encoding="utf-8"))
    headings = {folded(anchor["title"]) for anchor in inventory["anchors"]}
    assert len(inventory["articles"]) == len(library.volumes)
    for n, chapter in library.chapters.items():
        if chapter.title is None:
            continue
        assert folded(chapter.title) in whole, f"vol{n}: chapter {chapter.title!r} is missing"
        if chapter.next_title is not None:
            assert folded(chapter.next_title) not in headings, \
                f"vol{n}: the chapter {chapter.title!r} runs on into {chapter.next_title!r}"
