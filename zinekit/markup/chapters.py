"""A book in one file: the level-1 headings of a single-file issue as its chapters.

The rule (docs/markup.md, "A book in one file"): when the body of a single-file issue
holds two or more level-1 headings (``# Title`` or a title underlined with ``===``)
outside block quotes, lists and containers, the file is parsed once and its tokens are
cut before each of them.  Each piece is a chapter: its heading is its title and anchor,
the rest its text.  What comes before the first heading is the introduction.

Footnotes may be defined anywhere in the file; each chapter takes the notes it calls
(and the notes those call), numbered from 1 in the order of their first call, so a note
prints at the foot of the page of its call in the chapter that calls it.  A note called
from two chapters is printed in both.  References, citations and images stay with the
chapter they are written in; the diagnostics of the parse are the whole file's.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Iterator

from markdown_it.token import Token

from zinekit.markup.structure import heading_title, token_addresses
from zinekit.model import ParsedText


@dataclass
class Chapter:
    """One chapter: the title and anchor of its heading, where that is, and its text."""

    title: str
    anchor: str
    line: int  # 1-based line of the heading
    text: ParsedText


def split_chapters(parsed: ParsedText) -> tuple[ParsedText | None, list[Chapter]]:
    """(introduction or None, chapters); no chapters when the text has fewer than two
    level-1 headings."""
    body, notes = _body_and_notes(parsed.tokens)
    starts = [i for i, t in enumerate(body) if t.type == "heading_open" and t.tag == "h1"
              and t.level == 0]
    if len(starts) < 2:
        return None, []
    intro_tokens = body[:starts[0]]
    taken: set[int] = set()  # notes a piece has taken: another piece takes a copy
    intro = _piece(parsed, intro_tokens, notes, taken) if intro_tokens else None
    chapters = []
    for start, end in zip(starts, starts[1:] + [len(body)]):
        heading, inline = body[start], body[start + 1]
        chapters.append(Chapter(
            title=heading_title(inline), anchor=str(heading.attrGet("id") or ""),
            line=(heading.map[0] + 1) if heading.map else 0,
            text=_piece(parsed, body[start + 3:end], notes, taken)))
    return intro, chapters


def _body_and_notes(tokens: list[Token]) -> tuple[list[Token], dict[int, list[Token]]]:
    """The tokens before the footnote block, and each note's tokens (``footnote_open``
    to ``footnote_close``) by its id."""
    if not any(t.type == "footnote_block_open" for t in tokens):
        return list(tokens), {}
    block = next(i for i, t in enumerate(tokens) if t.type == "footnote_block_open")
    notes: dict[int, list[Token]] = {}
    current: list[Token] = []
    for token in tokens[block + 1:]:
        if token.type == "footnote_open":
            current = notes.setdefault(token.meta["id"], [])
        if token.type != "footnote_block_close":
            current.append(token)
    return tokens[:block], notes


def _piece(parsed: ParsedText, tokens: list[Token], notes: dict[int, list[Token]],
           taken: set[int]) -> ParsedText:
    """The part of ``parsed`` that ``tokens`` hold, with the notes it calls."""
    order = _called_notes(tokens, notes)
    number = {old: new for new, old in enumerate(order)}
    _renumber_calls(tokens, number)
    note_tokens: list[Token] = []
    for old in order:
        shared = old in taken or next(_note_calls(notes[old]), None) is not None
        copied = copy.deepcopy(notes[old]) if shared else notes[old]
        taken.add(old)
        _renumber_calls(copied, number)
        for token in copied:
            if token.type in ("footnote_open", "footnote_anchor"):
                token.meta = {**token.meta, "id": number[old]}
        note_tokens += copied
    if note_tokens:
        tokens = [*tokens, Token("footnote_block_open", "", 1), *note_tokens,
                  Token("footnote_block_close", "", -1)]
    return _located_in(parsed, tokens, [parsed.footnotes[old] for old in order
                                        if old < len(parsed.footnotes)])


def _called_notes(tokens: list[Token], notes: dict[int, list[Token]]) -> list[int]:
    """The ids of the notes ``tokens`` call, first call first, and of the notes those
    notes call."""
    order: list[int] = []
    pending = [ref.meta["id"] for ref in _note_calls(tokens)]
    while pending:
        note = pending.pop(0)
        if note in order or note not in notes:
            continue
        order.append(note)
        pending += [ref.meta["id"] for ref in _note_calls(notes[note])]
    return order


def _note_calls(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        if token.type == "footnote_ref":
            yield token
        if token.children:
            yield from _note_calls(token.children)


def _renumber_calls(tokens: list[Token], number: dict[int, int]) -> None:
    """Each call gets the note's number in the chapter, and counts as the first call
    (``subId`` 0) the first time the chapter calls it."""
    seen: dict[int, int] = {}
    for ref in _note_calls(tokens):
        old = ref.meta["id"]
        if old not in number:
            continue
        new = number[old]
        ref.meta = {**ref.meta, "id": new, "subId": seen.get(new, 0)}
        seen[new] = seen.get(new, 0) + 1


def _located_in(parsed: ParsedText, tokens: list[Token], footnotes: list) -> ParsedText:
    """A :class:`ParsedText` for ``tokens``: the headings, references, citations and
    images of ``parsed`` that are written in them."""
    anchors = {t.attrGet("id") for t in tokens if t.type == "heading_open"}
    xref_ids = {t.meta.get("id") for t in _inline_tokens(tokens) if t.type == "xref_open"}
    citation_ids = {t.meta.get("id") for t in _inline_tokens(tokens) if t.type == "citation"}
    lines = _lines_of(tokens)
    return replace(
        parsed, tokens=tokens, footnotes=footnotes, diagnostics=[],
        headings=[h for h in parsed.headings if h.anchor in anchors],
        xrefs=[x for x in parsed.xrefs if x.id in xref_ids],
        citations=[c for c in parsed.citations if c.id in citation_ids],
        images=[i for i in parsed.images if i.line in lines],
        further_reading_at=[n for n in parsed.further_reading_at if n in lines],
        addresses=list(dict.fromkeys(token_addresses(tokens))),
    )


def _inline_tokens(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        if token.children:
            yield from token.children
            yield from _inline_tokens(token.children)


def _lines_of(tokens: list[Token]) -> set[int]:
    """The 1-based source lines the block tokens cover."""
    lines: set[int] = set()
    for token in tokens:
        if token.map:
            lines.update(range(token.map[0] + 1, token.map[1] + 1))
    return lines
