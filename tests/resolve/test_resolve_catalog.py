"""The catalog: zinekit.toml validation with located errors, back-issue PDFs, inventories."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from resolve_fixtures import ET_VOL2_PAGES, INVENTORY_V6, Project, load_project, page_text, write_pdf
from zinekit.errors import Diagnostics, ResolveError
from zinekit.resolve.catalog import (
    Catalog, CatalogIssue, Entry, load_inventory, validate_inventory,
)
from zinekit.resolve.catalog_toml import TomlIndex


def errors(project: Project) -> list[str]:
    return [m for m in project.messages() if ": error: " in m]


def warnings(project: Project) -> list[str]:
    return [m for m in project.messages() if ": warning: " in m]


# -- the standard series ----------------------------------------------------------------------

def test_series_loads_without_diagnostics(series: Project):
    assert series.messages() == []
    names = [(s.name, s.aliases, s.url) for s in series.catalog.series]
    assert names == [
        ("Ember Tide", ["ET"], "https://example.org/embertide/"),
        ("Cinder Post", ["CP"], "https://example.org/cinderpost/"),
    ]
    assert [i.designation() for i in series.catalog.home.issues] == ["vol.2", "vol.3", "vol.6"]
    assert series.catalog.find_series("et") is series.catalog.home
    assert series.catalog.find_series("c.p.") is series.catalog.series[1]


def test_outline_entries_point_at_the_page_holding_their_title(series: Project):
    issue = series.catalog.find_issue("Ember Tide", 2)
    assert issue.pages == 8
    titles = [(e.title, e.page_index, e.level) for e in issue.articles]
    assert titles == [
        ("The Quiet Substations", 3, 1), ("Notes on Bread and Roses", 5, 1),
        ("A Longer Aside", 6, 2), ("The Quiet Years", 7, 1),
    ]
    for entry in issue.articles:
        assert entry.title in page_text(issue.pdf, entry.page_index)


def test_articles_table_pages_are_printed_labels(series: Project):
    issue = series.catalog.find_issue("CP", 5)
    assert issue.page_labels[:4] == ["i", "ii", "1", "2"]
    grid, night = issue.articles
    assert (grid.title, grid.page_label, grid.page_index) == ("Against the Grid", "4", 6)
    assert (night.page_label, night.page_index) == ("9", 11)
    for entry in issue.articles:
        assert entry.title in page_text(issue.pdf, entry.page_index)
    assert issue.index_of("ii") == 2 and issue.label_of(3) == "1"
    assert issue.page_range_text() == "pages i–ii, 1–10"


def test_source_issue_waits_for_its_inventory(series: Project):
    issue = series.catalog.find_issue(None, 6)
    assert issue.source == (series.root / "vol6/issue.md").resolve()
    assert issue.articles == [] and issue.pages is None
    assert series.catalog.issue_for_source(series.root / "vol6/issue.md") is issue
    assert series.catalog.issue_for_source(series.root / "vol6") is issue


def test_other_top_level_tables_are_not_ours(tmp_path: Path):
    project = load_project(tmp_path, '[series]\nname = "Ember Tide"\n[build]\nwhatever = 1\n[serve]\nport = 1\n')
    assert project.messages() == []


def test_no_catalog_at_all(tmp_path: Path):
    project = load_project(tmp_path, "")
    assert project.messages() == []
    assert project.catalog.home.name == "" and list(project.catalog.issues()) == []


# -- located errors in zinekit.toml ----------------------------------------------------------------

def test_missing_pdf_is_an_error_at_its_pdf_key(tmp_path: Path):
    write_pdf(tmp_path / "back/et-vol2.pdf", ["one"])
    project = load_project(tmp_path, """\
[series]
name = "Ember Tide"

[[issues]]
volume = 2
pdf = "back/et-vol2.pdf"

[[issues]]
volume = 3
title = "Caught Between Wires"
x-note = "reprinted"
  pdf = "back/et-vol3.pdf"
""")
    (error,) = project.diagnostics.errors
    assert (error.path, error.line, error.col) == (str(project.toml), 12, 3)
    assert error.message == 'pdf "back/et-vol3.pdf" does not exist'
    assert str(error).endswith('zinekit.toml:12:3: error: pdf "back/et-vol3.pdf" does not exist')


def test_missing_pdf_in_a_related_series(tmp_path: Path):
    project = load_project(tmp_path, """\
[series]
name = "Ember Tide"

[[related]]
name = "Cinder Post"

[[related.issues]]
volume = 4

[[related.issues]]
volume = 5
pdf = "back/cp-vol5.pdf"
""")
    assert errors(project) == ['12:1: error: pdf "back/cp-vol5.pdf" does not exist']


def test_unknown_keys_and_wrong_types_are_located(tmp_path: Path):
    project = load_project(tmp_path, """\
[series]
name = "Ember Tide"
alias = ["ET"]
x-editor-note = "fine"

[[issues]]
volume = "three"
titel = "Caught Between Wires"

[[issues]]
volume = 4
articles = [
  { title = "Soft Targets", page = 3 },
  { title = "Dear Reader", pg = 5 },
]
""")
    assert errors(project) == [
        '3:1: error: unknown key "alias" in [series] (expected one of: aliases, name, url)',
        '7:1: error: "volume" in [[issues]] must be a whole number, got "three"',
        '8:1: error: unknown key "titel" in [[issues]] (expected one of: articles, chapter, number, '
        'page_offset, pdf, source, title, url, volume)',
        '14:3: error: unknown key "pg" in articles (expected one of: anchor, authors, level, page, title)',
        '14:3: error: each entry of "articles" needs a title and a page',
    ]


def test_issue_shape_errors(tmp_path: Path):
    (tmp_path / "vol7").mkdir()
    write_pdf(tmp_path / "back/et-vol7.pdf", ["seven"])
    project = load_project(tmp_path, """\
[series]
name = "Ember Tide"
aliases = "ET"

[[issues]]
volume = 7
pdf = "back/et-vol7.pdf"
source = "vol7"

[[issues]]
volume = 7
title = "Again"

[[issues]]
number = 1
source = "../elsewhere/issue.md"

[[issues]]
number = 2
source = "vol8/issue.md"
""")
    assert errors(project) == [
        '3:1: error: "aliases" in [series] must be a list of strings, got "ET"',
        '8:1: error: give "pdf" (a back issue) or "source" (an issue zinekit builds), not both',
        "10:1: error: [[issues]] repeats Ember Tide vol.7 (first declared on line 5)",
        '16:1: error: source "../elsewhere/issue.md" is outside the project folder',
        '20:1: error: source "vol8/issue.md" does not exist',
    ]


def test_issues_without_series_and_series_without_name(tmp_path: Path):
    project = load_project(tmp_path, '[[issues]]\nvolume = 1\n\n[[related]]\naliases = ["CP"]\n')
    assert errors(project) == [
        '1:1: error: [[issues]] need a [series] table with the series "name"',
        '4:1: error: [[related]] needs a "name"',
    ]


def test_issues_written_as_a_plain_table(tmp_path: Path):
    project = load_project(tmp_path, '[series]\nname = "Ember Tide"\n\n[issues]\nvolume = 1\n')
    assert errors(project) == ["4:1: error: issues are written [[issues]] (a list of tables), got a table"]


def test_series_names_must_be_distinct(tmp_path: Path):
    project = load_project(tmp_path, """\
[series]
name = "Ember Tide"
aliases = ["ET"]

[[related]]
name = "Cinder Post"
aliases = ["E.T."]
""")
    assert errors(project) == ['7:1: error: series name "E.T." is already used by "Ember Tide"']


def test_related_issues_as_an_inline_list(tmp_path: Path):
    write_pdf(tmp_path / "cp1.pdf", ["one"])
    project = load_project(tmp_path, """\
[series]
name = "Ember Tide"

[[related]]
name = "Cinder Post"
issues = [
  { volume = 1, pdf = "cp1.pdf" },
  { volume = 2, pdf = "cp2.pdf" },
]
""")
    assert errors(project) == ['8:3: error: pdf "cp2.pdf" does not exist']
    assert project.catalog.find_issue("Cinder Post", 1).pages == 1


# -- back-issue PDFs -------------------------------------------------------------------------------

BACK_ISSUE = """\
[series]
name = "Ember Tide"

[[issues]]
volume = 3
pdf = "back/et-vol3.pdf"
articles = [
  { title = "Soft Targets", page = 4 },
  { title = "Dear Reader", page = 5 },
  { title = "Missing Piece", page = 6 },
  { title = "Nowhere", page = 60 },
]
"""


def test_articles_table_and_outline_disagreeing_are_warnings(tmp_path: Path):
    write_pdf(tmp_path / "back/et-vol3.pdf", ["cover", "Editorial", "Soft Targets", "x", "Dear Reader", "Missing Piece"],
              outline=[("Editorial", 2, 1), ("Soft Targets", 3, 1), ("Dear Reader", 5, 1)])
    project = load_project(tmp_path, BACK_ISSUE)
    assert project.messages() == [
        '11:3: error: "Nowhere" is on page 60, which back/et-vol3.pdf does not have (pages 1–6)',
        '8:3: warning: the articles table puts "Soft Targets" on page 4 but the outline of back/et-vol3.pdf '
        "puts it on page 3; using the articles table",
        '10:3: warning: the outline of back/et-vol3.pdf has no "Missing Piece"; using page 6 from the articles table',
        '11:3: warning: the outline of back/et-vol3.pdf has no "Nowhere"; using page 60 from the articles table',
    ]
    issue = project.catalog.find_issue(None, 3)
    assert [(e.title, e.page_index) for e in issue.articles] == [
        ("Editorial", 2), ("Soft Targets", 4), ("Dear Reader", 5), ("Missing Piece", 6), ("Nowhere", None),
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "is encrypted with a password; decrypt it first, e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf"),
        (b"%PDF-1.4\nnot really a pdf", "cannot be read as a PDF"),
        (b"", "is an empty file"),
    ],
)
def test_unreadable_pdf_is_a_located_error(tmp_path: Path, content, message):
    pdf = tmp_path / "back/et-vol3.pdf"
    if content is None:
        write_pdf(pdf, ["secret"], password="hunter2")
    else:
        pdf.parent.mkdir()
        pdf.write_bytes(content)
    project = load_project(tmp_path, BACK_ISSUE, eager=False)
    assert project.messages() == []  # read on first use
    issue = project.catalog.find_issue(None, 3)
    assert issue.pages is None
    (error,) = project.diagnostics.errors
    assert (error.line, error.col) == (6, 1)
    assert error.message.startswith(f'pdf "back/et-vol3.pdf" {message}')
    assert [e.title for e in issue.articles] == ["Soft Targets", "Dear Reader", "Missing Piece", "Nowhere"]


def test_pdf_with_an_empty_user_password_is_read(tmp_path: Path):
    write_pdf(tmp_path / "back/et-vol3.pdf", ["a", "Soft Targets"], outline=[("Soft Targets", 2, 1)], password="")
    project = load_project(tmp_path, '[series]\nname = "ET"\n[[issues]]\nvolume = 3\npdf = "back/et-vol3.pdf"\n')
    assert project.messages() == []
    assert project.catalog.find_issue(None, 3).articles[0].page_index == 2


def test_pdfs_are_read_lazily_and_cached_per_version(tmp_path: Path, monkeypatch):
    from zinekit.resolve import pdfinfo

    pdf = write_pdf(tmp_path / "back/et-vol2.pdf", ET_VOL2_PAGES[:3], outline=[("The Quiet Substations", 3, 1)])
    reads = []
    real_read = pdfinfo._read
    monkeypatch.setattr(pdfinfo, "_read", lambda path: reads.append(path) or real_read(path))
    toml = '[series]\nname = "Ember Tide"\n[[issues]]\nvolume = 2\npdf = "back/et-vol2.pdf"\n'
    first = load_project(tmp_path, toml, eager=False)
    assert reads == []
    assert first.catalog.find_issue(None, 2).pages == 3
    assert load_project(tmp_path, toml, eager=True).catalog.find_issue(None, 2).pages == 3
    assert len(reads) == 1
    write_pdf(pdf, ET_VOL2_PAGES, outline=[("The Quiet Substations", 3, 1)])
    os.utime(pdf, ns=(1, 1))
    assert load_project(tmp_path, toml).catalog.find_issue(None, 2).pages == 8
    assert len(reads) == 2


def test_page_offset_without_a_pdf(tmp_path: Path):
    project = load_project(tmp_path, """\
[series]
name = "Ember Tide"
[[issues]]
volume = 1
url = "https://example.org/et-vol1.pdf"
page_offset = 2
articles = [ { title = "First Light", page = 1 } ]
""")
    (entry,) = project.catalog.find_issue(None, 1).articles
    assert (entry.page_label, entry.page_index) == ("1", 3)


def test_weasyprint_outline_gives_articles(tmp_path: Path):
    weasyprint = pytest.importorskip("weasyprint")
    html = """<html><head><style>@page { size: A4 } h1 { break-before: page }</style></head><body>
    <p>Cover of the imaginary issue</p>
    <h1>The Quiet Substations</h1><p>text</p>
    <h1>Notes on Bread and Roses</h1><p>text</p><h2>A Longer Aside</h2>
    </body></html>"""
    pdf = tmp_path / "back/et-vol2.pdf"
    pdf.parent.mkdir()
    weasyprint.HTML(string=html).write_pdf(pdf)
    project = load_project(tmp_path, '[series]\nname = "Ember Tide"\n[[issues]]\nvolume = 2\npdf = "back/et-vol2.pdf"\n')
    issue = project.catalog.find_issue(None, 2)
    assert [(e.title, e.page_index, e.level) for e in issue.articles] == [
        ("The Quiet Substations", 2, 1), ("Notes on Bread and Roses", 3, 1), ("A Longer Aside", 3, 2),
    ]
    for entry in issue.articles:
        assert entry.title in page_text(pdf, entry.page_index)


# -- TomlIndex -------------------------------------------------------------------------------------

def test_toml_index_positions():
    index = TomlIndex("""\
# a comment with [[issues]] in it
[series]
name = "A # not a comment"
text = \"\"\"
[[issues]]
pdf = "inside a string"
\"\"\"

[[issues]]
  pdf = "one.pdf"   # comment

[[related]]
name = "B"
[[related.issues]]
volume = 1
[[related.issues]]
"pdf" = 'two.pdf'
""")
    assert index.position(("series",), "name") == (3, 1)
    assert index.position(("issues", 0), "pdf") == (10, 3)
    assert index.position(("issues", 1), "pdf") == (0, 0)
    assert index.position(("related", 0, "issues", 1), "pdf") == (17, 1)
    assert index.position(("related", 0, "issues", 1), "volume") == (16, 1)


# -- inventories -----------------------------------------------------------------------------------

INVENTORY = INVENTORY_V6


def test_inventory_round_trip(series: Project, tmp_path: Path):
    path = tmp_path / "ember-tide-vol-6.inventory.json"
    path.write_text(json.dumps(INVENTORY, indent=2), encoding="utf-8")
    data = load_inventory(path)
    assert data == INVENTORY
    issue = series.catalog.add_inventory(series.catalog.find_issue(None, 6), data)
    assert issue.title == "Slow Burn" and issue.pages == 6 and issue.inventory == INVENTORY
    assert [(e.title, e.page_index, e.page_label, e.anchor, e.level) for e in issue.articles] == [
        ("Coping With Heat", 3, "1", "coping", 1),
        ("Mutual Aid in August", 5, "3", "mutual-aid", 1),
        ("Finding Shade", 4, "2", "shade", 2),
    ]
    assert issue.articles[0].authors == ("A. Reader",)


def test_inventory_of_an_issue_not_in_the_catalog(tmp_path: Path):
    catalog = Catalog.empty()
    issue = catalog.add_inventory(None, {**INVENTORY, "series": "Ash Letters", "volume": 1})
    assert [s.name for s in catalog.series] == ["", "Ash Letters"]
    assert catalog.find_issue("Ash Letters", 1) is issue
    again = catalog.add_inventory(None, {**INVENTORY, "series": "Ash Letters", "volume": 1, "title": "Changed"})
    assert again is issue


@pytest.mark.parametrize(
    "change, message",
    [
        ({"version": 2}, "inventory version 2 is not supported (zinekit reads version 1)"),
        ({"format": "something-else"}, 'not a zinekit inventory (no "format": "zinekit-inventory")'),
        ({"pages": "six"}, '"pages" must be a whole number or null, got "six"'),
        ({"page_labels": ["1"]}, '"page_labels" has 1 labels for 6 pages'),
        ({"articles": [{"title": "Coping", "authors": [], "page": True}]},
         '"articles"[0]: "page" must be a whole number or null, got true'),
        ({"anchors": [{"title": "No id", "level": 1}]}, '"anchors"[0]: "id" is missing'),
    ],
)
def test_invalid_inventories(change, message):
    problems = validate_inventory({**INVENTORY, **change})
    assert problems and problems[0][1] == message
    with pytest.raises(ResolveError, match="invalid inventory"):
        Catalog.empty().add_inventory(None, {**INVENTORY, **change})


def test_inventory_errors_are_located(tmp_path: Path):
    path = tmp_path / "x.inventory.json"
    path.write_text(json.dumps({**INVENTORY, "version": 9}, indent=1), encoding="utf-8")
    with pytest.raises(ResolveError) as caught:
        load_inventory(path)
    assert (caught.value.diagnostic.line, caught.value.diagnostic.col) == (3, 2)
    path.write_text('{"format": "zinekit-inventory",\n "version": 1,,\n}', encoding="utf-8")
    diagnostics = Diagnostics()
    assert load_inventory(path, diagnostics) is None
    (error,) = diagnostics.errors
    assert (error.line, error.col) == (2, 15)
    assert error.message.startswith("inventory is not valid JSON: ")
    assert load_inventory(tmp_path / "missing.json", diagnostics) is None
    assert diagnostics.errors[-1].message.startswith("cannot read inventory")


def test_hand_built_issue_objects():
    issue = CatalogIssue("Ember Tide", volume=9, articles=[Entry("Late Frost", 2, "2")], pages=4)
    assert issue.articles[0].title == "Late Frost"
    assert issue.label_of(2) == "2" and issue.label_of(5) is None and issue.index_of("4") == 4
    assert issue.index_of("5") is None and issue.page_range_text() == "pages 1–4"
    assert CatalogIssue("X", volume=6, chapter=2).designation() == "vol.6 chap.2"
    assert CatalogIssue("X", number=3).designation() == "no.3"
    assert CatalogIssue("X", title="Special").designation() == "Special"
