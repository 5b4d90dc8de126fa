"""Typography: the language's quotation marks (from the CLDR), dashes and ellipses, and
nothing else changed.  The cases of each language are in fixtures/typography.md."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zinekit.config import IssueSettings, Settings
from zinekit.markup import RenderContext, parse_markdown, render_html
from zinekit.markup.inline import plain_text
from zinekit.markup.typography import (
    quotes_for,
    typeset_settings,
    typeset_text,
    typography_for,
    typography_language,
)


@pytest.mark.parametrize("language,marks", [
    ("en", "“”‘’"), ("en-GB", "“”‘’"), ("de", "„“‚‘"), ("de-AT", "„“‚‘"), ("fr", "«»«»"),
    ("fr-CH", "«»‹›"), ("ru", "«»„“"), ("es", "“”‘’"), ("it", "«»“”"), ("pl", "„”«»"),
    ("sv", "””’’"), ("ja", "「」『』"), ("pt_BR", "“”‘’"), ("xx-unknown", "“”‘’"),
])
def test_marks_come_from_the_cldr_falling_back_along_the_tag(language, marks):
    assert quotes_for(language) == marks


def screen(source: str, language: str | None) -> str:
    parsed = parse_markdown(source + "\n", "t.md", typography=language)
    body, notes = render_html(parsed, RenderContext(mode="screen", article_anchor="t"))
    return body + notes


def test_french_spaces_inside_guillemets_are_narrow_and_unbreakable():
    assert "«\u202fnon\u202f»" in screen('Il a dit "non".', "fr")
    assert "«\u202fnon\u202f»" in screen("Il a dit « non ».", "fr")  # typed with spaces
    assert "«non»" in screen('Il a dit "non".', "fr-CH")  # Swiss French sets none


def test_off_leaves_everything_as_typed():
    source = "\"Quotes\" -- 'and' --- dashes..."
    assert screen(source, None) == f"<p>{source.replace(chr(34), '&quot;')}</p>\n"


def test_the_setting_turns_it_off_and_follows_the_language():
    def language(front: dict, build: dict) -> str | None:
        return typography_language(IssueSettings(Settings(front, {}, None),
                                                 Settings(build, {}, None)))

    assert language({}, {}) == "en"
    assert language({"language": "de"}, {}) == "de"
    assert language({"language": "de", "typography": False}, {}) is None
    assert language({}, {"typography": False, "language": "fr"}) is None
    assert language({"typography": True}, {"typography": False}) == "en"


def test_front_matter_text_is_typeset_as_the_body_is():
    meta = Settings({"title": "The \"Night\" Shift's End", "authors": ["Ann O'Neil"],
                     "contact": "a--b@example.org"}, {}, None)
    typeset = typeset_settings(meta, typography_for("de"))
    assert typeset.get("title") == "The „Night“ Shift’s End"
    assert typeset.get("authors") == ["Ann O’Neil"]
    assert typeset.get("contact") == "a--b@example.org"  # an address, not prose
    assert typeset_text("Winter 2020--2021", typography_for("en")) == "Winter 2020–2021"


def test_see_clause_targets_and_headings_keep_their_meaning():
    source = "## Bob's \"Zine\"\n\nRead [see Bob's Zine].\n"
    parsed = parse_markdown(source, "t.md", typography="en")
    assert parsed.headings[0].title == "Bob’s “Zine”"
    assert parsed.headings[0].anchor == "bob-s-zine"  # the id comes from the text as typed
    assert parsed.xrefs[0].text == "Bob’s Zine"


# --- properties: no word is changed, dropped or added -----------------------------------

WORDS = st.sampled_from(["alpha", "Bravo", "don't", "'90s", "rock", "'n'", "Ζωή", "Ольга",
                         "vol.5", "1968", "O'Neil", "http://example.org/a--b", "[sic]", "[...]",
                         "[T]he", "日本"])
SYNTAX = st.sampled_from(['"', "'", "--", "---", "...", "«", "»", " ", "\n", "\n\n", "*", "_",
                          "`", "\\", "[", "]", "(", ")", "[^1]", "[^1]: ", "[ed. – ", "[see ",
                          "<b>", "- ", "> ", "# "])
PIECES = st.lists(st.one_of(WORDS, SYNTAX), max_size=50)
MARKS = re.compile(r"[\"'“”‘’«»„‚‹›「」『』\u202f\u00a0\s.…\-–—]")


def letters(html: str) -> str:
    return MARKS.sub("", re.sub(r"<[^>]+>", "", html.replace("&quot;", '"')))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PIECES, st.sampled_from(["en", "de", "fr", "ru", "ja", "pl"]))
def test_typography_changes_marks_only(pieces, language):
    text = " ".join(pieces)
    assert letters(screen(text, language)) == letters(screen(text, None))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PIECES)
def test_kept_text_stays_exactly_as_typed(pieces):
    text = " ".join(pieces)
    parsed = parse_markdown(text, "t.md", typography="en")
    shown = " ".join(plain_text(t.children or []) for t in parsed.tokens if t.type == "inline")
    for kept in ("http://example.org/a--b", "[sic]", "[...]", "[T]he"):
        if kept in text and kept in " ".join(
                plain_text(t.children or []) for t in
                parse_markdown(text, "t.md").tokens if t.type == "inline"):
            assert kept in shown, (kept, text)
