"""A book in one file: level-1 headings cut a single-file issue into chapters."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zinekit.config import builtin_settings
from zinekit.load import load_issue
from zinekit.markup import RenderContext, parse_markdown, render_html
from zinekit.markup.chapters import split_chapters

BOOK = textwrap.dedent("""\
    ---
    title: A Handbook of Small Rooms
    ---

    A short word before the chapters.[^intro]

    # The Porch

    Seeds are kept in a tin.[^tin] See [see #the-yard] for the rest.

    ## Who keeps the key

    Nobody in particular.[^tin] ![a tin](tin.png)

    > # A quoted heading is not a chapter

    # The Yard

    The yard floods in March.[^flood] Again, see the tin.[^tin]

    # Further reading

    ::: further-reading
    :::

    [^intro]: Written last.
    [^tin]: A biscuit tin, blue.
    [^flood]: Every year since 1998.
    """)


def chapters_of(text: str):
    return split_chapters(parse_markdown(text, "book.md"))


def test_two_level_one_headings_make_chapters_with_an_introduction():
    intro, chapters = chapters_of(BOOK)
    assert [c.title for c in chapters] == ["The Porch", "The Yard", "Further reading"]
    assert [c.anchor for c in chapters] == ["the-porch", "the-yard", "further-reading"]
    assert [c.line for c in chapters] == [7, 17, 21]
    assert intro is not None and [f.label for f in intro.footnotes] == ["intro"]


def test_one_level_one_heading_is_not_a_book():
    intro, chapters = chapters_of("# Only one\n\nText.\n\n## A section\n")
    assert intro is None and chapters == []


def test_each_chapter_takes_the_notes_it_calls_numbered_from_one():
    _, (porch, yard, reading) = chapters_of(BOOK)
    assert [f.label for f in porch.text.footnotes] == ["tin"]
    # a note called in two chapters is printed in both
    assert [f.label for f in yard.text.footnotes] == ["flood", "tin"]
    assert reading.text.footnotes == []
    body, _ = render_html(yard.text, RenderContext(mode="print", article_anchor="the-yard"))
    assert 'id="fn-the-yard-1"><span class="fn-p">Every year since 1998.' in body
    assert 'id="fn-the-yard-2"><span class="fn-p">A biscuit tin, blue.' in body
    porch_body, _ = render_html(porch.text, RenderContext(mode="print", article_anchor="the-porch"))
    assert porch_body.count('class="footnote"') == 1  # called twice, printed once
    assert 'class="footnote-again" href="#fn-the-porch-1"' in porch_body


def test_headings_references_and_images_stay_with_their_chapter():
    _, (porch, yard, reading) = chapters_of(BOOK)
    assert [h.title for h in porch.text.headings] == ["Who keeps the key",
                                                      "A quoted heading is not a chapter"]
    assert [x.text for x in porch.text.xrefs] == ["#the-yard"]
    assert [i.src for i in porch.text.images] == ["tin.png"] and yard.text.images == []
    assert yard.text.headings == [] and yard.text.xrefs == []
    assert reading.text.further_reading_at == [23]


def test_a_loaded_book_is_an_issue_of_chapters(tmp_path: Path):
    (tmp_path / "book.md").write_text(BOOK, encoding="utf-8")
    issue = load_issue(tmp_path / "book.md", tmp_path, builtin_settings())
    assert [(a.title, a.is_intro, a.chapter) for a in issue.articles] == [
        (None, True, False), ("The Porch", False, True), ("The Yard", False, True),
        ("Further reading", False, True)]
    assert issue.is_multi_article
    assert [a.anchor for a in issue.articles[1:]] == ["the-porch", "the-yard", "further-reading"]
    assert issue.articles[1].meta.line_of("title") == 7


def test_a_folder_issues_articles_are_not_split(tmp_path: Path):
    (tmp_path / "issue.md").write_text("---\ntitle: T\narticles: [a.md]\n---\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("# One\n\nText.\n\n# Two\n\nMore.\n", encoding="utf-8")
    issue = load_issue(tmp_path, tmp_path, builtin_settings())
    assert [a.chapter for a in issue.articles] == [False]


# --- properties: whatever the text, splitting loses nothing and every call has its note ---

WORDS = st.sampled_from(["alpha", "Bravo", "charlie", "Ζωή", "Ольга", "1968", "note"])
SYNTAX = st.sampled_from(["\n\n# ", "\n\n## ", "\n\n> # ", "\n\n- # ", "[^1]", "[^2]",
                          "\n\n[^1]: ", "\n\n[^2]: ", "^[inline]", "[ed. – ", "]", "\n\n", " "])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.one_of(WORDS, SYNTAX), max_size=15), min_size=1, max_size=4))
def test_splitting_keeps_every_word_and_every_note(chapters_pieces):
    text = "".join(f"\n\n# Heading{n} ocean\n\n" + " ".join(pieces)
                   for n, pieces in enumerate(chapters_pieces))
    whole = parse_markdown(text, "t.md")
    intro, chapters = split_chapters(parse_markdown(text, "t.md"))
    if not chapters:
        return

    def words(html: str) -> list[str]:
        return sorted(re.findall(r"[^\W\d_]{3,}", re.sub(r"<[^>]+>", " ", html)))

    parts = ([intro] if intro else []) + [c.text for c in chapters]
    shown = [render_html(p, RenderContext(mode="screen", article_anchor=f"a{n}"))
             for n, p in enumerate(parts)]
    titles = " ".join(c.title for c in chapters)
    split_words = words(" ".join(b for b, _ in shown) + " " + titles)
    whole_body, _ = render_html(whole, RenderContext(mode="screen", article_anchor="w"))
    assert set(words(whole_body)) <= set(split_words)
    for body, notes in shown:
        calls = set(re.findall(r'href="#(fn-[\w-]+)"', body))
        assert calls <= set(re.findall(r'<aside id="(fn-[\w-]+)"', notes))
