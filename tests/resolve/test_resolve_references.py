"""Resolving targets against the catalog: pages, links, locators, and every way to fail."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resolve_fixtures import INVENTORY_V6, Project, page_text
from zinekit.resolve.catalog import Catalog, CatalogIssue, Series
from zinekit.resolve.grammar import parse_targets
from zinekit.resolve.references import RefContext, Resolution, format_locator, resolve

STATUSES = {"resolved", "unresolved", "ambiguous", "out-of-range"}


def context_for(project: Project, volume: int = 6, **kwargs) -> RefContext:
    catalog = project.catalog
    return RefContext(catalog.home, catalog.find_issue(None, volume), **kwargs)


def look_up(project: Project, text: str, context: RefContext | None = None) -> Resolution:
    (query,) = parse_targets(text)
    return resolve(query, project.catalog, context or context_for(project))


# -- back issues: the page found is the page the title is on ----------------------------------------

@pytest.mark.parametrize(
    "text, title, index, label",
    [
        ("The Quiet Substations", "The Quiet Substations", 3, "3"),
        ("the quiet *substations*", "The Quiet Substations", 3, "3"),
        ("Notes on Bread", "Notes on Bread and Roses", 5, "5"),
        ("Bread & Roses", "Notes on Bread and Roses", 5, "5"),
        ("ET vol.2; A Longer Aside", "A Longer Aside", 6, "6"),
        ("Soft Targets", "Soft Targets", 3, "3"),
        ("Against the Grid", "Against the Grid", 6, "4"),
        ("Against the Grid, Cinder Post", "Against the Grid", 6, "4"),
        ("The Long Night Shift (CP vol.5)", "The Long Night Shift", 11, "9"),
        ("Cinder Post vol.5 pg4", "Against the Grid", 6, "4"),
        ("c.p. vol.5 p.9", "The Long Night Shift", 11, "9"),
        ("Ember Tide vol.2 p.5", "Notes on Bread and Roses", 5, "5"),
    ],
)
def test_resolution_lands_on_the_page_holding_the_title(series: Project, text, title, index, label):
    result = look_up(series, text)
    assert result.status == "resolved", result.message
    assert (result.page_index, result.page_label) == (index, label)
    assert title in page_text(result.issue.pdf, result.page_index)


def test_links_use_the_physical_page(series: Project):
    assert look_up(series, "Against the Grid").href == "https://example.org/cp-vol5.pdf#page=6"
    assert look_up(series, "ET vol.2 p.7").href == "https://example.org/et-vol2.pdf#page=7"
    assert look_up(series, "ET vol.2").href == "https://example.org/et-vol2.pdf"
    assert look_up(series, "Cinder Post").href == "https://example.org/cinderpost/"
    assert look_up(series, "Soft Targets").href is None  # vol.3 has no url and was not built


def test_sibling_pdfs_of_the_same_build(series: Project):
    series.catalog.add_inventory(series.catalog.find_issue(None, 6), INVENTORY_V6)
    vol7 = CatalogIssue("Ember Tide", volume=7)
    series.catalog.home.issues.append(vol7)
    hrefs = {6: "../ember-tide-vol-6/ember-tide-vol-6.pdf", 3: "../et-3/et-3.pdf"}
    context = RefContext(series.catalog.home, vol7, pdf_href_for=lambda issue: hrefs.get(issue.volume))
    result = look_up(series, "Finding Shade", context)
    assert (result.page_index, result.page_label, result.entry.anchor) == (4, "2", "shade")
    assert result.href == "../ember-tide-vol-6/ember-tide-vol-6.pdf#page=4"
    assert result.locator == ", Ember Tide vol.6, p.2"
    assert look_up(series, "vol.3 p.5", context).href == "../et-3/et-3.pdf#page=5"
    assert look_up(series, "ET vol.6 #mutual-aid", context).page_label == "3"


# -- the same issue ------------------------------------------------------------------------

def test_anchors_of_the_current_issue(series: Project):
    context = context_for(series, local_anchors={"coping": "Coping With Heat", "Shade": "Finding Shade"})
    result = look_up(series, "#coping", context)
    assert (result.status, result.href, result.title, result.locator) == ("resolved", "#coping", "Coping With Heat", "")
    assert look_up(series, "#shade", context).href == "#Shade"
    assert look_up(series, "Coping with heat", context).href == "#coping"
    missing = look_up(series, "#cooling", context)
    assert (missing.status, missing.message) == ("unresolved", 'no anchor "#cooling" in this issue')


def test_the_current_issue_wins_over_others(series: Project):
    context = context_for(series, local_anchors={"subst": "The Quiet Substations"})
    assert look_up(series, "The Quiet Substations", context).href == "#subst"
    only_here = look_up(series, "Soft Targets, in this issue", context)
    assert only_here.message == 'no article or issue titled "Soft Targets" in this issue'


def test_same_issue_pages_from_its_inventory(series: Project):
    issue = series.catalog.add_inventory(series.catalog.find_issue(None, 6), INVENTORY_V6)
    context = RefContext(series.catalog.home, issue, {"coping": "Coping With Heat"})
    result = look_up(series, "#coping", context)
    assert (result.page_label, result.page_index, result.locator) == ("1", 3, ", p.1")
    assert look_up(series, "p.2", context).page_index == 4
    out = look_up(series, "p.40", context)
    assert (out.status, out.message) == ("out-of-range", "page 40 is outside Ember Tide vol.6 (pages i–ii, 1–4)")


def test_a_page_with_no_issue_known_is_taken_as_written(series: Project):
    result = look_up(series, "p.14", RefContext())
    assert (result.status, result.page_label, result.href, result.locator) == ("resolved", "14", None, "")


# -- locators ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, locator, full",
    [
        ("The Quiet Substations", ", Ember Tide vol.2, p.3", "Ember Tide vol.2, p.3"),
        ("Against the Grid", ", Cinder Post vol.5, p.4", "Cinder Post vol.5, p.4"),
        ("vol.3; Caught Between Wires", ", p.1", "Ember Tide vol.3, p.1"),
        ("the supplement to Ember Tide vol.3; Caught Between Wires", ", p.1", "Ember Tide vol.3, p.1"),
        ("Caught Between Wires", ", Ember Tide vol.3, p.1", "Ember Tide vol.3, p.1"),
        ("Cinder Post vol.5 pg4", "", "Cinder Post vol.5, p.4"),
        ("vol.2 p.7", "", "Ember Tide vol.2, p.7"),
        ("vol.2 pp.3-4", "", "Ember Tide vol.2, pp.3–4"),
        ("ET vol.2", "", "Ember Tide vol.2"),
        ("CP vol.5; Against the Grid", ", p.4", "Cinder Post vol.5, p.4"),
        ("Against the Grid p.5", ", Cinder Post vol.5", "Cinder Post vol.5, p.5"),
    ],
)
def test_locators(series: Project, text, locator, full):
    result = look_up(series, text)
    assert result.status == "resolved", result.message
    assert (result.locator, result.full_locator) == (locator, full)


def test_format_locator():
    issue = CatalogIssue("Ember Tide", volume=6, chapter=2)
    assert format_locator("Ember Tide", issue, "12") == "Ember Tide vol.6 chap.2, p.12"
    assert format_locator(None, issue, None) == "vol.6 chap.2"
    assert format_locator(None, None, "12–14") == "pp.12–14"
    assert format_locator(None, None, None) == ""


# -- failures ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, status, message",
    [
        ("The Quiet", "ambiguous",
         '"The Quiet" matches 2 articles: "The Quiet Substations" (Ember Tide vol.2, p.3), '
         '"The Quiet Years" (Ember Tide vol.2, p.7)'),
        ("vol.9", "unresolved", 'no issue "vol.9" in series "Ember Tide"'),
        ("CP vol.2 p.4", "unresolved", 'no issue "vol.2" in series "Cinder Post"'),
        ("Ash Letters vol.2", "unresolved",
         'no series "Ash Letters" in the catalog (known: Ember Tide, ET, Cinder Post, CP)'),
        ("ET vol.2; The Lost Text", "unresolved", 'no article or issue titled "The Lost Text" in Ember Tide vol.2'),
        ("ET vol.6; The Lost Text", "unresolved",
         'no article or issue titled "The Lost Text" in Ember Tide vol.6 (it has no outline, articles table or inventory)'),
        ("The Lost Text", "unresolved", 'no article or issue titled "The Lost Text" in the catalog'),
        ("ET vol.2 p.9", "out-of-range", "page 9 is outside Ember Tide vol.2 (pages 1–8)"),
        ("ET vol.2 pp.7-9", "out-of-range", "page 9 is outside Ember Tide vol.2 (pages 1–8)"),
        ("CP vol.5 p.11", "out-of-range", "page 11 is outside Cinder Post vol.5 (pages i–ii, 1–10)"),
        ("CP vol.5 p.iv", "out-of-range", "page iv is outside Cinder Post vol.5 (pages i–ii, 1–10)"),
        ("Cinder Post vol.5 #nowhere", "unresolved", 'no anchor "#nowhere" in Cinder Post vol.5'),
    ],
)
def test_failures_say_why(series: Project, text, status, message):
    result = look_up(series, text)
    assert (result.status, result.message) == (status, message)
    assert result.href is None and result.locator == ""


def test_the_page_settles_which_article(series: Project):
    result = look_up(series, "The Quiet, p.7")
    assert result.status == "resolved" and result.entry.title == "The Quiet Years"


def test_a_page_shared_by_several_chapters():
    chapters = [
        CatalogIssue("Ember Tide", volume=6, chapter=n, pages=20, page_labels=[str(p) for p in range(20 * n - 19, 20 * n + 1)])
        for n in (1, 2, 3)
    ]
    home = Series("Ember Tide", ["ET"], None, chapters)
    catalog = Catalog(home, [home])
    (query,) = parse_targets("vol.6 pg25")
    result = resolve(query, catalog, RefContext(home))
    assert (result.status, result.issue, result.page_index) == ("resolved", chapters[1], 5)
    (query,) = parse_targets("ET vol.6")
    assert resolve(query, catalog).message == "Ember Tide vol.6 is 3 issues (vol.6 chap.1, vol.6 chap.2, vol.6 chap.3); give the one meant"
    (query,) = parse_targets("vol.6 chap.3 p.41")
    assert resolve(query, catalog, RefContext(home)).page_index == 1


def test_an_empty_catalog(series: Project):
    catalog = Catalog.empty()
    for text, message in [
        ("vol.2", 'no issue "vol.2" in the catalog'),
        ("Some Title", 'no article or issue titled "Some Title" in the catalog'),
    ]:
        (query,) = parse_targets(text)
        assert resolve(query, catalog).message == message


def test_several_targets_in_one_clause_each_resolve(series: Project):
    queries = parse_targets("Cinder Post vol.5 pg4 and pg9; The Quiet Substations")
    results = [resolve(q, series.catalog, context_for(series)) for q in queries]
    assert [(r.status, r.page_index) for r in results] == [("resolved", 6), ("resolved", 11), ("resolved", 3)]
    assert [r.locator for r in results] == ["", "", ", Ember Tide vol.2, p.3"]


# -- arbitrary text ------------------------------------------------------------------------------

WORDS = st.sampled_from([
    "Ember Tide ", "ET ", "CP ", "Cinder Post ", "vol.", "chap.", "no.", "#", "p.", "pp.", "pg", " and ", "; ",
    ", ", "2", "5", "6", "9", "iv", "-", "The Quiet", " Substations", "Against", " the Grid", "in this issue",
    "coping", "the supplement to ", "(", ")", "*",
])


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(WORDS, st.text(max_size=4)), max_size=12))
def test_arbitrary_text_never_crashes_resolution(series: Project, parts):
    context = context_for(series, local_anchors={"coping": "Coping With Heat"})
    for query in parse_targets("".join(parts)):
        result = resolve(query, series.catalog, context)
        assert result.status in STATUSES
        assert (result.status == "resolved") == (result.message == "")
