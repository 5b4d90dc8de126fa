"""Plain text: notes, headers, page breaks, stray tags, and every word kept."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.importer.helpers import missing_words
from zinekit.importer.plaintext import import_plaintext

SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def imported(text: str):
    return import_plaintext(text, "t.txt")


def test_superscript_calls_and_loose_notes_become_footnotes():
    out = imported("The lamps were lit early.¹ Nobody objected.²\n\n¹ They always are.\n\n"
                   "² ed. – Someone did.\n")
    assert "early.[^1] Nobody objected.[^2]" in out.body
    assert "[^1]: They always are." in out.body and "[^2]: ed. – Someone did." in out.body


def test_multi_digit_superscripts():
    calls = " ".join(f"Word{str(n).translate(SUP)}." for n in range(1, 12))
    notes = "\n\n".join(f"{str(n).translate(SUP)} Note {n}." for n in range(1, 12))
    out = imported(calls + "\n\n" + notes + "\n")
    assert "Word[^10]. Word[^11]." in out.body and "[^11]: Note 11." in out.body
    assert not out.report.warnings


def test_bracket_notes_under_a_notes_heading_with_two_paragraphs():
    text = ("A claim [1] and another [2].\n\nNotes\n\n1. First note.\n\n"
            "It has a second paragraph.\n\n2. Second note.\n")
    out = imported(text)
    assert "A claim[^1] and another[^2]." in out.body
    assert "[^1]: First note.\n\n    It has a second paragraph." in out.body
    assert "\nNotes\n" not in out.body  # the heading went with its notes (reported)
    assert any("Notes" in e.message for e in out.report.entries)


def test_numbering_restarts_after_each_section():
    text = ("One¹.\n\n¹ First of part one.\n\nPart two\n\nTwo¹.\n\n¹ First of part two.\n")
    out = imported(text)
    assert "One[^1]." in out.body and "Two[^1-2]." in out.body
    assert "[^1-2]: First of part two." in out.body


def test_parenthesis_numbers_are_calls_only_when_notes_exist():
    assert imported("Steps (1) and (2) of the plan.\n\nMore text.\n").body.count("(1)") == 1
    out = imported("A point (1) made.\n\n(1) The note.\n")
    assert "point[^1] made." in out.body


def test_defects_are_reported_with_their_lines():
    out = imported("Called¹ here, and² here.\n\n¹ One.\n\n³ Three.\n")
    messages = [(e.line, e.message) for e in out.report.warnings]
    assert any(line == 1 and "call ² has no note" in m for line, m in messages)
    assert any(line == 5 and "note ³ has no call" in m for line, m in messages)


def test_page_break_rejoined_with_notes_after():
    text = "It was agreed at the meeting¹ that the\n\n¹ A long meeting.\n\nstalls would open at six.\n"
    out = imported(text)
    assert "meeting[^1] that the stalls would open at six." in out.body
    assert out.body.index("stalls") < out.body.index("[^1]: A long")
    assert any("rejoined" in e.message and e.line == 5 for e in out.report.entries)


def test_library_header_becomes_front_matter():
    text = ("The Anarchist Library (Mirror) Anti-Copyright\n\nRowan Vell Wires Under the Floor 2019\n\n"
            "Submitted for Ember Tide vol.3 (Spring 2019) Print it and pass it on.\n\n"
            "usa.anarchistlibraries.net\n\nWires Under the Floor\n\nRowan Vell\n\n2019\n\n"
            "The first paragraph of the text.\n")
    out = imported(text)
    assert out.meta == {"title": "Wires Under the Floor", "authors": ["Rowan Vell"], "date": "2019",
                        "license": "Anti-Copyright", "source": "Ember Tide vol.3 (Spring 2019)"}
    assert out.body.startswith("Print it and pass it on.\n\nThe first paragraph")
    assert "\nsource: Ember Tide vol.3 (Spring 2019)" in out.markdown("issue")
    assert "\nsource: Ember Tide vol.3 (Spring 2019)" in out.markdown("article")


def test_by_line_header_and_stray_tags():
    text = ("The Porch Light Report\n\nMonday 3 May 2021, by <u>Ines Marrow</u>, <u>Tal Oduya</u>\n\n"
            "We met on the <u>porch</u> as usual.\n")
    out = imported(text)
    assert out.meta["authors"] == ["Ines Marrow", "Tal Oduya"] and out.meta["date"] == "2021-05-03"
    assert "We met on the porch as usual." in out.body


def test_editors_notes_and_see_clauses_are_left_as_written():
    text = "[ed. – An introduction (see Ember Tide vol.5 pg98).]\n\nThe text [sic] goes on.\n"
    assert imported(text).body == text


def test_markdown_syntax_in_plain_text_prints_as_written():
    out = imported("Title line\n\n    Indented paragraph.\n\n# not a heading\n\n[x]: not a link\n")
    assert out.body.startswith("Indented paragraph.")
    assert "\\# not a heading" in out.body and "\\[x]: not a link" in out.body


PROSE = st.sampled_from(["alpha", "Bravo", "charlie", "delta", "Echo", "foxtrot", "Ζωή", "ольга",
                         "the", "and", "said", "–", "-", ",", ".", ";", "[ed. –", "]", "(", ")",
                         "<u>", "</u>", "*", "#", "1.", "[1]", "(2)", "^3", "¹", "²", "³", "¹⁰"])
PARAGRAPH = st.lists(PROSE, min_size=1, max_size=25).map(" ".join)
TEXTS = st.lists(st.one_of(PARAGRAPH, PARAGRAPH.map(lambda p: "¹ " + p),
                           PARAGRAPH.map(lambda p: "[2] " + p), st.just("Notes")),
                 min_size=1, max_size=12).map("\n\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_every_word_is_in_the_output_or_the_report(text):
    out = imported(text)
    front = " ".join(str(v) for v in out.meta.values())
    assert missing_words(text, out.body, front, out.report.dropped_text) == []


def test_a_megabyte_imports_in_well_under_two_seconds():
    import time

    from benchmarks.bench_import import make_text

    text = make_text(1.0)
    start = time.perf_counter()
    out = imported(text)
    assert time.perf_counter() - start < 2.0  # about 0.5 s; the aim is under one second
    assert out.report.counts["notes joined"] > 1500 and not out.report.warnings


PROSE = ("The meeting ran late because nobody wanted to leave the warm room, and the talk "
         "went from the rent to the boiler to the landlord's lawyer and back again. ")


def chapters(*titles: str) -> str:
    return "".join(f"{title}\n\n{PROSE * 2}\n\n" for title in titles)


def test_the_texts_own_contents_are_left_out_and_reported():
    contents = "CONTENTS\n\n1. The rent ........ 3\n\n2. The boiler ........ 9\n\nFurther reading  14\n\n"
    text = "A pamphlet\n\n" + contents + chapters("1. THE RENT", "2. THE BOILER", "FURTHER READING")
    out = imported(text)
    assert "CONTENTS" not in out.body and "........" not in out.body
    assert "# 1. THE RENT" in out.body and "# FURTHER READING" in out.body
    [note] = [e for e in out.report.entries if "table of contents" in e.message]
    assert (note.kind, note.line, note.message) == (
        "note", 3, "the text's own table of contents left out (3 entries, lines 3–9): the "
        "build prints its own")
    front = " ".join(str(v) for v in out.meta.values())
    assert missing_words(text, out.body, front, out.report.dropped_text) == []


def test_a_contents_line_whose_entries_are_not_its_headings_is_kept():
    text = ("A pamphlet\n\nContents\n\nSeeds\n\nTrowels\n\nGloves\n\n"
            + chapters("1. THE RENT", "2. THE BOILER"))
    out = imported(text)
    assert "Seeds" in out.body and "Gloves" in out.body
    assert not any("table of contents" in e.message for e in out.report.entries)
