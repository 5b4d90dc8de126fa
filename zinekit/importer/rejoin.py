"""Paragraphs broken at a page end, joined again to the one paragraph that can take them.

A block that opens in lower case is the rest of a paragraph broken at a page (or column)
end; so is a block first on a page (after a page number or running head) when the
page's last paragraph stops on a word in lower case or a comma.  The paragraphs that
can take it are those still open (ending mid-sentence) at the place the layout puts
them:

1. a block at the foot of a page, just above the page's notes (or last on a page that
   has none, below the page's text), continues a note left open at the foot of the
   page before;
2. any other continues the last paragraph of the text above it (notes and page breaks
   may stand between them);
3. brackets must fit: a block that closes a bracket it never opened continues only a
   paragraph that left one open, and a paragraph that left one open takes only such a
   block.

The block is joined only when exactly one paragraph can take it.  A join is a ``note``
when no other paragraph is open at that point (nothing else could have taken it); it is
a ``warning`` naming both lines when others are open (the layout made the choice, not
the words), and when the block opens with a capital (only the upper half looks broken).  A block no paragraph can take stays where it is, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Container

from zinekit.importer.report import Report
from zinekit.importer.textblocks import Block, is_terminated, starts_lower

FOOT_MATERIAL = ("note", "stray-note", "continuation")
MID_SENTENCE = re.compile(r"^(?:[a-zà-öø-ÿα-ωа-я][^\W\d_]*[,\-–—]?|[^\W\d_]+[,\-–—])$")
#: Paragraphs shorter than this are titles and list items more often than broken text.
PARAGRAPH = 40
#: Only paragraphs this long are reported as left unfinished at the end.
LONG_PARAGRAPH = 120
WORD_EDGE = re.compile(r"([^\W\d_]+)-$")
FIRST_WORD = re.compile(r"^([^\W\d_]+)")
BRACKETS = re.compile(r"[()]")


@dataclass
class Layout:
    """What the walk through the blocks knows: the open paragraphs, the last paragraph of
    the text and the notes of the last page foot."""

    open: dict[int, Block] = field(default_factory=dict)  # id(block) → block
    last_body: Block | None = None
    foot: list[Block] = field(default_factory=list)
    in_foot: bool = False
    unjoined: int = 0  # blocks that open in lower case and were left where they are


def rejoin(blocks: list[Block], report: Report, vocabulary: Container[str] = (),
           wrapped: bool = False) -> list[Block]:
    """Join the halves of paragraphs broken at page ends; notes between them follow.

    ``vocabulary`` (the text's words) decides whether a hyphen at the break is kept;
    ``wrapped`` says the text keeps its line ends (a hyphen there is a word broken in two).
    """
    layout = Layout()
    out: list[Block] = []
    for i, block in enumerate(blocks):
        rest = starts_lower(block.text) or _page_top_rest(blocks, i, layout)
        if block.kind == "body" and rest:
            target = _target(block, _at_foot(blocks, i), layout, report)
            if target is not None:
                _glue(target, block, vocabulary, wrapped)
                _track_open(target, layout)
                continue
        _walk(block, layout)
        out.append(block)
    _report_unfinished(layout, report)
    return out


def _page_top_rest(blocks: list[Block], i: int, layout: Layout) -> bool:
    """A capitalised block first on a page (``…talked with`` / page end / ``Rowan and
    I…``) is the rest of the page's last paragraph when that ends on a word in lower
    case or a comma: a sentence does not end there."""
    body = layout.last_body
    return (i > 0 and blocks[i - 1].kind == "page" and body is not None
            and id(body) in layout.open and _mid_sentence(body, 0))


def _walk(block: Block, layout: Layout) -> None:
    if block.kind in FOOT_MATERIAL:
        if not layout.in_foot:
            layout.foot = []
        layout.in_foot = True
        layout.foot.append(block)
        if block.kind == "note":
            _track_open(block, layout)
        return
    if block.kind in ("dropped", "page"):
        return
    layout.in_foot = False
    layout.last_body = block if block.kind == "body" else None
    if block.kind == "body":
        _track_open(block, layout)


def _track_open(block: Block, layout: Layout) -> None:
    if is_terminated(_tail(block).text[-40:]):
        layout.open.pop(id(block), None)
    else:
        layout.open[id(block)] = block


def _tail(block: Block) -> Block:
    """The paragraph a continuation goes on: a note's last paragraph, else the block."""
    return block.extra[-1] if block.kind == "note" and block.extra else block


def _next_kind(blocks: list[Block], i: int) -> str:
    for block in blocks[i + 1:i + 8]:
        if block.kind not in ("dropped", "page"):
            return block.kind
    return ""


def _at_foot(blocks: list[Block], i: int) -> str:
    """Where block ``i`` stands: "notes" above a page's notes or at the end of the text,
    "page end" last on a page with no notes, below the page's text (not alone on it);
    else ""."""
    next_kind = _next_kind(blocks, i)
    if next_kind in FOOT_MATERIAL or not next_kind:
        return "notes"
    if _neighbour(blocks, i, 1) == "page" and _neighbour(blocks, i, -1) not in ("page", ""):
        return "page end"
    return ""


def _neighbour(blocks: list[Block], i: int, step: int) -> str:
    """The kind of the block next to ``i`` (``step`` 1 after, -1 before), "" past an end."""
    i += step
    while 0 <= i < len(blocks) and blocks[i].kind == "dropped":
        i += step
    return blocks[i].kind if 0 <= i < len(blocks) else ""


def _target(block: Block, at_foot: str, layout: Layout, report: Report) -> Block | None:
    """The one open paragraph that can take ``block``, or None (reported); at a page end
    with no notes, the open note of the foot before only when the text above is closed."""
    notes = [n for n in layout.foot if id(n) in layout.open and _brackets_fit(n, block)] \
        if at_foot else []
    body = layout.last_body
    bodies = [body] if body is not None and id(body) in layout.open and \
        _brackets_fit(body, block) else []
    candidates = (bodies or notes) if at_foot == "page end" else (notes or bodies)
    if len(candidates) != 1:
        layout.unjoined += 1
        _report_unjoined(block, candidates, layout, report)
        return None
    target = candidates[0]
    placed = [n for n in layout.foot if id(n) in layout.open] + \
        ([body] if body is not None and id(body) in layout.open else [])
    # at a page foot, a note left open (``… deck. Morning``) could take it, whatever its last word
    others = [b for b in placed if b is not target and
              (_unfinished(b) or (at_foot and b.kind == "note"))]
    _report_join(block, target, others, report)
    layout.open.pop(id(target), None)
    return target


def _brackets_fit(paragraph: Block, rest: Block) -> bool:
    """A bracket left open above is closed by the rest, and only then."""
    return (_unclosed(_tail(paragraph).text) > 0) == (_closes_unopened(rest.text) > 0)


def _unclosed(text: str) -> int:
    depth = 0
    for char in BRACKETS.findall(text):
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
    return depth


def _closes_unopened(text: str) -> int:
    depth = unopened = 0
    for char in BRACKETS.findall(text):
        if char == "(":
            depth += 1
        elif char == ")":
            unopened += depth == 0
            depth = max(depth - 1, 0)
    return unopened


def _mid_sentence(block: Block, shortest: int = PARAGRAPH) -> bool:
    """The paragraph (of some length) ends in the middle of a sentence: on a word in
    lower case, a comma or a hyphen."""
    text = _tail(block).text
    words = text[-40:].split()
    return len(text) >= shortest and bool(words) and bool(MID_SENTENCE.match(words[-1]))


def _unfinished(block: Block) -> bool:
    """An open paragraph that stops mid-sentence; a note of any length (a short one is
    not a title), other paragraphs from :data:`PARAGRAPH` characters."""
    return _mid_sentence(block, 0 if block.kind == "note" else PARAGRAPH)


def _what(block: Block) -> str:
    return "note" if block.kind == "note" else "paragraph"


def _report_join(block: Block, target: Block, others: list[Block], report: Report) -> None:
    report.count("paragraphs rejoined")
    where = f"the {_what(target)} at line {target.line}"
    if not starts_lower(block.text):
        report.warning(f"paragraph joined to {where} (broken at a page end), a guess: it "
                       f"opens the page with a capital, but line {_tail(target).last_line} "
                       "stops mid-sentence", block.line)
        return
    if not others:
        report.note(f"paragraph rejoined with {where}: broken at a page end", block.line)
        return
    report.warning(f"paragraph joined to {where} (broken at a page end), a guess: "
                   f"{_lines(others)} also end{'s' if len(others) == 1 else ''} mid-sentence",
                   block.line)


def _lines(blocks: list[Block]) -> str:
    """``line 12`` or ``lines 12 and 40``."""
    numbers = [str(b.line) for b in blocks]
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    return f"lines {', '.join(numbers[:-1])} and {numbers[-1]}"


def _report_unjoined(block: Block, candidates: list[Block], layout: Layout,
                     report: Report) -> None:
    if candidates:
        report.warning(f"paragraph opens in lower case (the rest of one broken at a page end) "
                       f"and the paragraphs at {_lines(candidates)} could each take it; left "
                       "where it is",
                       block.line)
        return
    unfinished = [b for b in layout.open.values() if _unfinished(b)][-4:]
    if unfinished:
        report.warning(f"paragraph opens in lower case (the rest of one broken at a page end) "
                       f"but none of the unfinished paragraphs ({_lines(unfinished)}) can take "
                       "it; left where it is", block.line)


def _report_unfinished(layout: Layout, report: Report) -> None:
    if not report.counts["paragraphs rejoined"] and not layout.unjoined:
        return  # no page breaks seen: a paragraph without a full stop is as written
    for block in layout.open.values():
        if _mid_sentence(block, LONG_PARAGRAPH):
            report.warning(f"{_what(block)} ends mid-sentence and no paragraph below continues "
                           f"it (line {_tail(block).last_line})", block.line)


# --- the words at the break ------------------------------------------------------------------


def _glue(target: Block, rest: Block, vocabulary: Container[str], wrapped: bool) -> None:
    tail = _tail(target)
    tail.text = join_broken_word(tail.text, rest.text, vocabulary, wrapped)


def join_broken_word(first: str, second: str, vocabulary: Container[str], wrapped: bool) -> str:
    """``first`` and ``second`` as one text: a space between them, or, when ``first``
    ends with a hyphenated word part, the word made whole (the hyphen kept if the text
    writes the word with one, dropped if it writes it without; else dropped only in
    text that keeps its line ends, where a hyphen there is typesetting)."""
    edge = WORD_EDGE.search(first[-80:]) if first.endswith("-") else None
    start = FIRST_WORD.match(second)
    if edge is None or start is None:
        return first + " " + second
    keep = hyphen_kept(edge.group(1), start.group(1), vocabulary, wrapped)
    return (first if keep else first[:-1]) + second


def hyphen_kept(before: str, after: str, vocabulary: Container[str], wrapped: bool) -> bool:
    """Whether ``before-`` + ``after`` at a line or page end is a hyphenated word."""
    hyphenated = f"{before}-{after}".lower()
    if hyphenated in vocabulary:
        return True
    if (before + after).lower() in vocabulary:
        return False
    return not wrapped
