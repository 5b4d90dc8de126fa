"""The grammar of "see" targets: every locator form, real-zine shapes, lists of targets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zinekit.resolve.grammar import RefQuery, normalize_title, parse_targets, roman_to_int


def one(text: str) -> RefQuery:
    queries = parse_targets(text)
    assert len(queries) == 1, queries
    return queries[0]


def fields(query: RefQuery) -> dict[str, object]:
    """The set fields of a query, for compact expectations."""
    names = ("series", "volume", "chapter", "number", "page", "page_end", "anchor", "title")
    return {n: getattr(query, n) for n in names if getattr(query, n) is not None}


# -- one locator at a time --------------------------------------------------------------

@pytest.mark.parametrize("text", ["vol.5", "vol 5", "vol5", "volume 5", "Volume 5", "v.5", "VOL. 5", "vol. V"])
def test_volume_forms(text):
    assert fields(one(text)) == {"volume": 5}


@pytest.mark.parametrize("text", ["chap.2", "ch.2", "chapter 2", "Chapter  2", "ch. 2", "chap. II"])
def test_chapter_forms(text):
    assert fields(one(text)) == {"chapter": 2}


@pytest.mark.parametrize("text", ["no.3", "No. 3", "#3", "number 3", "issue 3", "issue #3", "nr 3"])
def test_number_forms(text):
    assert fields(one(text)) == {"number": 3}


@pytest.mark.parametrize("text", ["pg98", "pg.98", "pg 98", "p.98", "p 98", "page 98", "P. 98"])
def test_page_forms(text):
    query = one(text)
    assert fields(query) == {"page": 98}
    assert query.page_label == "98" and query.has_page


@pytest.mark.parametrize("text", ["pp.12–14", "pp. 12-14", "pgs 12-14", "pages 12 to 14", "pp 12—14"])
def test_page_range_forms(text):
    query = one(text)
    assert fields(query) == {"page": 12, "page_end": 14}
    assert (query.page_label, query.page_end_label) == ("12", "14")


def test_roman_page_keeps_its_label():
    query = one("vol.4 p. xii")
    assert (query.volume, query.page, query.page_label) == (4, 12, "xii")


def test_anchor_and_number_are_told_apart():
    assert fields(one("#chapter-anchor")) == {"anchor": "chapter-anchor"}
    assert fields(one("#night_shift")) == {"anchor": "night_shift"}
    assert fields(one("#3")) == {"number": 3}
    assert fields(one("#3-coping")) == {"anchor": "3-coping"}


# -- whole references as zines write them --------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Return Fire vol.5 pg98", {"series": "Return Fire", "volume": 5, "page": 98}),
        ("Ember Tide vol.2, p.5", {"series": "Ember Tide", "volume": 2, "page": 5}),
        ("ET vol.6 chap.2 pg12", {"series": "ET", "volume": 6, "chapter": 2, "page": 12}),
        ("vol.2 p.14", {"volume": 2, "page": 14}),
        ("vol.5 no.2", {"volume": 5, "number": 2}),
        ("Cinder Post #4 p.9", {"series": "Cinder Post", "number": 4, "page": 9}),
        ("p.40 of Cinder Post vol.5", {"series": "Cinder Post", "volume": 5, "page": 40}),
        ("the supplement to Ember Tide vol.3; Caught Between Wires",
         {"series": "Ember Tide", "volume": 3, "title": "Caught Between Wires"}),
        ("vol.3; Caught Between Wires", {"volume": 3, "title": "Caught Between Wires"}),
        ("The Night the Depot Burned", {"title": "The Night the Depot Burned"}),
        ("The Night the *Depot Burned*", {"title": "The Night the Depot Burned"}),
        ("The Night the Depot Bur*ned*", {"title": "The Night the Depot Burned"}),
        ("_Against the Grid_", {"title": "Against the Grid"}),
        ("the article “Against the Grid”", {"title": "Against the Grid"}),
        ("our piece Soft Targets", {"title": "Soft Targets"}),
        ("The Quiet Substations, Ember Tide vol.2",
         {"series": "Ember Tide", "volume": 2, "title": "The Quiet Substations"}),
        ("Soft Targets (Ember Tide vol.3)", {"series": "Ember Tide", "volume": 3, "title": "Soft Targets"}),
        ("Ember Tide vol.6 chap.2 (Winter 2031)", {"series": "Ember Tide", "volume": 6, "chapter": 2}),
        ("Ember Tide vol.2 for more on the grid", {"series": "Ember Tide", "volume": 2}),
        ("Bread and Roses", {"title": "Bread and Roses"}),
        ("Bread & Roses", {"title": "Bread & Roses"}),
        ("The Text as a Weapon", {"title": "The Text as a Weapon"}),
    ],
)
def test_zine_references(text, expected):
    assert fields(one(text)) == expected


@pytest.mark.parametrize("prefix", ["see ", "see also ", "c.f. ", "cf. ", "cf ", "e.g. ", "ed. – see ", "ed. - see ", "Compare "])
def test_leading_filler_is_dropped(prefix):
    assert fields(one(prefix + "Ember Tide vol.2 p.5")) == {"series": "Ember Tide", "volume": 2, "page": 5}


def test_filler_before_a_title_is_kept_as_a_plain_variant():
    query = one("the article Soft Targets")
    assert query.title == "Soft Targets"
    assert query.plain_title == "the article Soft Targets"


def test_in_this_issue_restricts_to_the_current_issue():
    query = one("Coping With Heat, in this issue")
    assert query.title == "Coping With Heat" and query.this_issue
    assert one("Coping With Heat (above)").this_issue
    assert not one("Down Below").this_issue


def test_which_parts_the_text_shows():
    full = one("Ember Tide vol.2 p.5")
    assert (full.has_series, full.has_volume, full.has_page) == (True, True, True)
    bare = one("Soft Targets")
    assert (bare.has_series, bare.has_volume, bare.has_page) == (False, False, False)
    assert one("vol.3; Caught Between Wires").has_volume
    assert one("#3").has_volume


# -- several targets in one clause ----------------------------------------------------------

def test_and_separates_located_targets():
    first, second = parse_targets("Ember Tide vol.2 p.5 and vol.3 p.9")
    assert fields(first) == {"series": "Ember Tide", "volume": 2, "page": 5}
    assert fields(second) == {"series": "Ember Tide", "volume": 3, "page": 9}
    assert second.has_series  # taken from the first target: the printed text needs no series


def test_a_later_page_inherits_the_issue():
    first, second = parse_targets("CP vol.5 pg4 and pg9")
    assert fields(second) == {"series": "CP", "volume": 5, "page": 9}
    assert second.has_volume and second.text == "pg9"


def test_semicolons_and_commas_separate_located_targets():
    assert [q.volume for q in parse_targets("vol.2 p.5; vol.3 p.9")] == [2, 3]
    assert [q.volume for q in parse_targets("vol.2 p.5, vol.3 p.9")] == [2, 3]
    assert [q.title for q in parse_targets("Soft Targets; Against the Grid")] == ["Soft Targets", "Against the Grid"]
    assert [q.anchor for q in parse_targets("#coping and #heat")] == ["coping", "heat"]


def test_volume_then_title_is_one_target():
    (query,) = parse_targets("Cinder Post vol.3; The Long Night Shift")
    assert fields(query) == {"series": "Cinder Post", "volume": 3, "title": "The Long Night Shift"}
    assert query.text == "Cinder Post vol.3; The Long Night Shift"


def test_titles_containing_and_stay_whole():
    assert [q.title for q in parse_targets("Bread and Roses and Other Songs")] == ["Bread and Roses and Other Songs"]


def test_nothing_to_look_up_gives_no_targets():
    assert parse_targets("") == []
    assert parse_targets("  see  ") == []
    assert parse_targets("***") == []
    assert parse_targets(None) == []  # type: ignore[arg-type]


# -- titles and numerals --------------------------------------------------------------------

def test_normalize_title_ignores_case_emphasis_punctuation_and_quotes():
    variants = [
        "The Night the Depot Burned",
        "the night the *depot* burned",
        "THE NIGHT — THE DEPOT BURNED!",
        "“The Night the Depot Burned”",
        "The _Night_ the Depot, Burned.",
    ]
    assert {normalize_title(v) for v in variants} == {"the night the depot burned"}


def test_normalize_title_folds_apostrophes_accents_and_ampersands():
    assert normalize_title("Don’t Wait") == normalize_title("Dont wait") == "dont wait"
    assert normalize_title("Café Noir") == "cafe noir"
    assert normalize_title("Bread & Roses") == normalize_title("Bread and Roses")
    assert normalize_title("Anti–Grid") == normalize_title("anti-grid") == "anti grid"


@pytest.mark.parametrize("text, value", [("i", 1), ("iv", 4), ("XII", 12), ("mcmxc", 1990), ("", None), ("iiv", None), ("abc", None)])
def test_roman_numerals(text, value):
    assert roman_to_int(text) == value


# -- arbitrary text -------------------------------------------------------------------------

LOCATOR_WORDS = st.sampled_from(
    ["vol.", "vol ", "v.", "chap.", "ch.", "no.", "#", "pg", "p.", "pp.", "pgs ", "page ", "; ", " and ", ", ",
     "the supplement to ", "see ", "*", "_", "(", ")", "–", "Ember Tide ", "iv", "12", "-", "“", "in this issue"]
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    for query in parse_targets(text):
        assert isinstance(query, RefQuery)
        assert not query.is_empty


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(LOCATOR_WORDS, st.text(max_size=5), st.integers(0, 10**12).map(str)), max_size=14))
def test_locator_soup_never_raises(parts):
    for query in parse_targets("".join(parts)):
        assert query.page is None or query.page >= 0
        normalize_title(query.title or "")
