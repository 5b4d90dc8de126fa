"""Square brackets that are not editor's notes or references stay exactly as written.

The corpus follows how zines quote other texts: editorial insertions, capitalisation
changes, [sic], elisions, translators' glosses, stage directions in transcripts.
"""

from __future__ import annotations

import pytest

from zinekit.markup import parse_markdown
from zinekit.markup.inline import plain_text

CORPUS = [
    "the police said they [the protesters] had been warned",
    "[T]he factory is the first place we meet",
    "a sentence that contains a mistake [sic] in the original",
    "they said nothing [...] and then they left",
    "they said nothing […] and then they left",
    "[emphasis added]",
    "[translator's note: the word also means 'shelter']",
    "we [the night shift] were not consulted",
    "[laughter] and then the meeting ended",
    "[inaudible] at 03:12",
    "an inserted [word] and [another] in one line",
    "a year [2019] in brackets",
    "[1] a numbered marker that is not a footnote",
    "empty [] brackets",
    "[see below]",  # a see clause: kept as written even if it names nothing known
    "[edited for length]",
    "[Ed: not our convention, so left alone]",
    "nested [outer [inner] outer] brackets",
    "[that]",
    "a closing bracket alone ] in text",
    "an opening bracket alone [ in text",
]


@pytest.mark.parametrize("text", CORPUS)
def test_bracket_literals_come_out_as_written(text: str) -> None:
    parsed = parse_markdown(text + "\n", "t.md")
    inline = next(t for t in parsed.tokens if t.type == "inline")
    assert plain_text(inline.children or []) == text
    assert not [t for t in inline.children or [] if t.type.startswith("ed_")]


@pytest.mark.parametrize("text", [t for t in CORPUS if "see" not in t])
def test_bracket_literals_are_not_references(text: str) -> None:
    parsed = parse_markdown(text + "\n", "t.md")
    assert parsed.xrefs == []
    assert parsed.diagnostics == []


STRAIGHT = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


@pytest.mark.parametrize("text", CORPUS)
def test_bracket_literals_survive_typography(text: str) -> None:
    """With quotes made curly, the brackets and what they hold are still as written:
    only a quotation mark or an apostrophe may change (``[translator's note: …]``)."""
    parsed = parse_markdown(text + "\n", "t.md", typography="en")
    inline = next(t for t in parsed.tokens if t.type == "inline")
    shown = plain_text(inline.children or [])
    assert shown.translate(STRAIGHT) == text
    assert shown.count("[") == text.count("[") and shown.count("]") == text.count("]")
    assert not [t for t in inline.children or [] if t.type.startswith("ed_")]
