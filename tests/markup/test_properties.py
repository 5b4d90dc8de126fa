"""Property tests: the zine rules never crash and never drop the author's words."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zinekit.markup import RenderContext, parse_markdown, render_html
from zinekit.markup.brackets import bracket_depth, matching_bracket, see_targets

WORDS = st.sampled_from(["alpha", "Bravo", "charlie", "delta", "echo", "Ζωή", "Ольга", "vol.5",
                         "pg98", "p.14", "1968"])
SYNTAX = st.sampled_from(["[", "]", "[ed. – ", "[ed. - ", "[ed. ", "[see ", "(see ", "(", ")",
                          '"', "'", "--", "...", "–", " - ", "*", "**", "_", "\n", "\n\n", "[^1]",
                          "[@key]", "::: ed\n", ":::\n", "> ", "- ", "`", "\\", "#", ";", ",", ". "])
PIECES = st.lists(st.one_of(WORDS, SYNTAX), max_size=60)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PIECES)
def test_parse_and_render_never_crash(pieces: list[str]) -> None:
    text = " ".join(pieces)
    parsed = parse_markdown(text, "t.md")
    for mode in ("print", "screen"):
        render_html(parsed, RenderContext(mode=mode, article_anchor="a"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PIECES, st.sampled_from([None, "en", "fr"]))
def test_no_word_is_dropped(pieces: list[str], typography: str | None) -> None:
    text = " ".join(pieces)
    parsed = parse_markdown(text, "t.md", typography=typography)
    body, notes = render_html(parsed, RenderContext(mode="screen", article_anchor="a"))
    visible = re.sub(r"<[^>]+>", " ", body + notes)
    for word in re.findall(r"[^\W\d_]{3,}", text):
        if word in ("ed", "see"):
            continue
        assert word in visible, f"{word!r} lost from {text!r}"


@given(st.text(max_size=200))
def test_bracket_scanners_never_crash(text: str) -> None:
    bracket_depth(text)
    for start in range(len(text)):
        close = matching_bracket(text, start)
        assert close == -1 or start <= close < len(text)
    for a, b in see_targets(text, 0, len(text)):
        assert 0 <= a < b <= len(text)
