"""What texts bring with them from where they were published: authors written with
initials, an author list and a "Source" line, chapters, a site's boilerplate, a
figure's alt text; and very many notes."""

from __future__ import annotations

import time

from tests.importer.helpers import missing_words
from zinekit.importer.html import import_html
from zinekit.importer.plaintext import import_plaintext

SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
PROSE = ("The ferry crossed at night and the keeper counted every passenger twice, because "
         "the tide tables had been printed wrong that winter and nobody trusted them.")


def imported(text: str):
    return import_plaintext(text, "t.txt")


def test_an_initial_keeps_its_full_stop():
    out = imported("The Night Ferry\n\nby Tal Oduya and R.\n\n" + PROSE + "\n")
    assert out.meta["authors"] == ["Tal Oduya", "R."]
    out = imported("The Night Ferry\n\nby R. Okonkwo-Bell\n\n" + PROSE + "\n")
    assert out.meta["authors"] == ["R. Okonkwo-Bell"] and out.body == PROSE + "\n"
    page = ('<html><head><title>The Night Ferry</title><meta name="author" '
            'content="R. Okonkwo-Bell"></head><body><article><h1>The Night Ferry</h1>'
            f"<p>{PROSE}</p></article></body></html>")
    assert import_html(page, "t.html").meta["authors"] == ["R. Okonkwo-Bell"]


def test_a_figures_alt_text_is_kept_beside_its_caption():
    page = ("<html><body><article><p>" + PROSE + '</p><figure><img src="boat.jpg" '
            'alt="A small ferry tied to a wooden jetty at dusk"><figcaption>The last boat'
            "</figcaption></figure></article></body></html>")
    out = import_html(page, "t.html")
    assert '![The last boat](boat.jpg "A small ferry tied to a wooden jetty at dusk")' in out.body


def test_an_author_list_and_a_source_line_go_to_the_front_matter():
    text = ("The Night Ferry\n\nMonday 3 May 2021, by Ines Marrow, Tal Oduya and Rowan Vell\n\n"
            "Source\n\n" + PROSE + "\n\nRowan Vell Ines Marrow Tal Oduya\n\nP.S. Thanks.\n")
    out = imported(text)
    assert out.meta["x-source"] == "Source" and "source" not in out.meta  # not printed
    assert "Rowan Vell" not in out.body and "# " not in out.body
    lines = {e.line: (e.kind, e.message) for e in out.report.entries}
    assert lines[5][0] == "warning" and "address the copy lost" in lines[5][1]
    assert lines[9] == ("note", "author list read as front matter (the authors are there "
                                "already): 'Rowan Vell Ines Marrow Tal Oduya'")
    out = imported("The Night Ferry\n\nSource: Tidewater Review, winter 2020\n\n" + PROSE + "\n")
    assert out.meta["source"] == "Tidewater Review, winter 2020"


def test_numbered_and_capitals_chapters_are_headings_and_the_contents_are_left_out():
    chapters = ["1. THE HARBOUR", "2. THE CROSSING", "3. THE LIGHTHOUSE"]
    text = "The Night Ferry\n\nCONTENTS\n\n1. The harbour\n\n2. The crossing\n\n3. The lighthouse\n\n" + "".join(
        f"{title}\n\nA Subheading\n\n{PROSE}\n\n{PROSE}\n\n" for title in chapters) + \
        f"FURTHER READING\n\n{PROSE}\n"
    out = imported(text)
    for title in chapters + ["FURTHER READING"]:
        assert f"# {title}\n" in out.body
    assert "\n## A Subheading\n" in out.body and out.body.startswith("# 1. THE HARBOUR\n")
    assert [e.message for e in out.report.entries if "contents" in e.message] == [
        "the text's own table of contents left out (3 entries, lines 3–9): the build prints "
        "its own"]
    assert not out.report.warnings


def test_one_numbered_capitals_line_is_not_a_chapter():
    out = imported(f"{PROSE}\n\n1. THE HARBOUR\n\nthen a list item without prose\n")
    assert "# 1. THE HARBOUR" not in out.body


def test_the_sites_boilerplate_is_left_out_and_reported():
    blurb = ("This story was one of twelve read aloud on the ferry; the collected stories "
             "are printed in the Tidewater annual, with a map of every crossing.")
    text = (f"{PROSE}\n\nClick here to subscribe to our newsletter.\n\n{PROSE}\n\n"
            "If you liked this then you may like these\n\nThe Keeper: A Winter\n\n"
            f"{blurb}\n\nGulls: Counting Twice\n\n{blurb}\n")
    out = imported(text)
    assert out.body == f"{PROSE}\n\n{PROSE}\n"
    messages = [e.message for e in out.report.entries]
    assert "left out the site's call to subscribe or share: 'Click here to subscribe to our " \
           "newsletter.'" in messages
    assert "left out the site's recommendations (5 paragraphs from 'If you liked this then you " \
           "may like these')" in messages
    assert missing_words(text, out.body, out.report.dropped_text) == []


def test_five_thousand_notes_all_join_in_linear_time():
    count = 5000
    text = "\n\n".join(f"Paragraph {n} says a thing [{n}]." for n in range(1, count + 1))
    text += "\n\nNotes\n\n" + "\n\n".join(f"{n}. Note {n}." for n in range(1, count + 1))
    start = time.perf_counter()
    out = imported(text + "\n")
    assert time.perf_counter() - start < 10  # about one second (two under heavy load)
    assert out.report.counts["notes joined"] == count and not out.report.warnings
    assert "thing[^4999]." in out.body and "[^5000]: Note 5000." in out.body
    superscripts = "\n\n".join(f"Line {n}.{str(n).translate(SUP)}" for n in range(1, count + 1))
    superscripts += "\n\n" + "\n\n".join(f"{str(n).translate(SUP)} Note {n}."
                                           for n in range(1, count + 1))
    assert imported(superscripts).report.counts["notes joined"] == count


def test_bracket_calls_numbered_past_999_join_their_notes():
    text = "\n\n".join(f"Claim {n} [{n}]." for n in range(995, 1006)) + "\n\nNotes\n\n" + \
        "\n\n".join(f"{n}. Note {n}." for n in range(995, 1006)) + "\n"
    out = imported(text)
    assert out.report.counts["notes joined"] == 11 and not out.report.warnings
    assert "Claim 1005[^1005]." in out.body and "[^1005]: Note 1005." in out.body
