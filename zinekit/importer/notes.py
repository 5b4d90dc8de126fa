"""Note calls and note bodies in plain text, joined into footnotes.

A call is written as a Unicode superscript (``word¹``), ``[1]``, ``^1`` or ``(1)``; a
note body is a paragraph that opens with the same marker, or a numbered paragraph under
a "Notes" heading.  Bodies may be gathered at the end or follow each section (numbers
may then start again at 1).  Each call is joined to the nearest unjoined body with its
number after it, else to one before it; whatever is left over is reported, with hints
where the source offers one (a bare number where a superscript was lost, a note marker
written in TeX).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Callable

from zinekit.importer.report import Report
from zinekit.importer.textblocks import Block

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUP = str.maketrans(SUPERSCRIPTS, "0123456789")
_TO_SUP = str.maketrans("0123456789", SUPERSCRIPTS)
NOTES_HEADING = re.compile(r"^(?:end|foot)?notes?(?: and references)?\s*:?$", re.I)
NUMBERED_BODY = re.compile(r"^(\d{1,5})[.)]?\s+(?=\S)")
TEX_MARKER = re.compile(r"^\s*\$\^\{?[^$]{0,20}?(\d{1,5})\}*\$")
NON_DIGITS = re.compile(r"\D")
UNIT = re.compile(r"(?:^|[\s\d])(?:[kcmµ]?m|ft|in)$")
HYPHENS = ("-", "\u2010", "\u00ad")  # a word broken at a line end


@dataclass(frozen=True)
class Style:
    """One way of writing note calls and the bodies they point at."""

    name: str
    call: re.Pattern[str]
    body: re.Pattern[str]
    show: Callable[[int], str]
    strict_range: bool = False  # (1) is often a list item: only numbers of known notes


STYLES = (
    Style("superscript", re.compile(r"(?<=[^\s⁰¹²³⁴⁵⁶⁷⁸⁹])([⁰¹²³⁴⁵⁶⁷⁸⁹]+)"),
          re.compile(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s*(?=\S)"), lambda n: str(n).translate(_TO_SUP)),
    Style("bracket", re.compile(r"\[(\d{1,5})\](?!\(|:)"), re.compile(r"^\[(\d{1,5})\]:?\s+(?=\S)"),
          lambda n: f"[{n}]"),
    Style("caret", re.compile(r"(?<!\[)\^(\d{1,5})(?!\d)"), re.compile(r"^\^(\d{1,5})\s+(?=\S)"),
          lambda n: f"^{n}"),
    Style("parenthesis", re.compile(r"\((\d{1,5})\)"), re.compile(r"^\((\d{1,5})\)\s+(?=\S)"),
          lambda n: f"({n})", strict_range=True),
)


def number_of(marker: str) -> int:
    return int(NON_DIGITS.sub("", marker.translate(_FROM_SUP)))


@dataclass
class Call:
    """A note call found in the text, replaced there by a placeholder until rendered."""

    number: int
    marker: str
    line: int
    col: int
    label: str | None = None


# --- finding the bodies -------------------------------------------------------------------


def notes_section_start(blocks: list[Block]) -> int:
    """Index of the first block under the last "Notes" heading, or len(blocks)."""
    for i in range(len(blocks) - 1, -1, -1):
        if NOTES_HEADING.match(blocks[i].text.strip()):
            return i + 1
    return len(blocks)


def split_note_lines(blocks: list[Block]) -> list[Block]:
    """A block whose lines each open with a note marker is one body per line."""
    out: list[Block] = []
    for block in blocks:
        lines = block.text.split("\n")
        starts = [i for i, line in enumerate(lines) if _opens_note(line)]
        if len(lines) > 1 and starts and starts[0] == 0 and len(starts) > 1:
            bounds = starts + [len(lines)]
            for a, b in zip(bounds, bounds[1:]):
                out.append(Block("\n".join(lines[a:b]), block.line + a))
        else:
            out.append(block)
    return out


def _opens_note(line: str) -> bool:
    return any(style.body.match(line) for style in STYLES)


def body_marker(block: Block, style: Style, in_notes_section: bool) -> re.Match[str] | None:
    found = style.body.match(block.text)
    if found is None and in_notes_section:
        found = NUMBERED_BODY.match(block.text)
    return found


def choose_style(blocks: list[Block], section: int) -> Style | None:
    """The style whose calls best match its bodies (superscripts if any are written)."""
    best, best_score = None, 0
    for style in STYLES:
        numbers = {number_of(m.group(1)) for i, b in enumerate(blocks)
                   if (m := body_marker(b, style, i >= section))}
        calls = [number_of(m.group(1)) for b in blocks[:section] if not style.body.match(b.text)
                 for m in style.call.finditer(b.text)]
        score = sum(1 for n in calls if n in numbers)
        if score > best_score:
            best, best_score = style, score
    if best is None and any(STYLES[0].call.search(b.text) or STYLES[0].body.match(b.text)
                            for b in blocks):
        best = STYLES[0]
    return best


def mark_bodies(blocks: list[Block], style: Style, section: int) -> None:
    """Set ``kind = "note"`` on body blocks; under "Notes", unmarked blocks continue one."""
    previous: Block | None = None
    for i, block in enumerate(blocks):
        found = body_marker(block, style, i >= section)
        if found:
            block.kind, block.marker = "note", found.group(0).strip()
            block.number = number_of(found.group(1))
            block.text = block.text[found.end():]
            previous = block
        elif i >= section and previous is not None:
            block.kind = "continuation"
            previous.extra.append(block)
        elif TEX_MARKER.match(block.text):
            block.kind = "stray-note"


# --- finding the calls --------------------------------------------------------------------


def mark_calls(blocks: list[Block], style: Style, section: int, calls: list[Call]) -> None:
    """Replace each call in body text by a placeholder ``\\0k\\0`` (k indexes ``calls``)."""
    known = {b.number for b in blocks if b.kind == "note"}
    top = max(known, default=0)
    previous = ""
    for block in blocks[:section]:
        if block.kind != "body":
            continue
        text = block.text
        block.text = _replace_calls(block, style, known, top, calls, previous)
        previous = text


def _replace_calls(block: Block, style: Style, known: set[int], top: int,
                   calls: list[Call], previous: str = "") -> str:
    """``previous``: the body block before (a page's first block may end a word the
    page before hyphenated: "fro-" then "m³." is a call, not cubic metres)."""
    parts: list[str] = []
    last = 0
    for m in style.call.finditer(block.text):
        number = number_of(m.group(1))
        if style.strict_range and not 1 <= number <= top:
            continue
        before = block.text[:m.start()]
        if style.name == "superscript" and UNIT.search(before) and not (
                before.isalpha() and previous.rstrip().endswith(HYPHENS)):
            continue
        line, col = block.position(m.start())
        start = m.start()
        while style.name != "superscript" and start > last and block.text[start - 1] == " ":
            start -= 1  # "word [1]" calls its note right after the word
        parts.append(block.text[last:start])
        parts.append(f"\0{len(calls)}\0")
        calls.append(Call(number, m.group(0), line, col))
        last = m.end()
    parts.append(block.text[last:])
    return "".join(parts)


# --- joining ------------------------------------------------------------------------------


def join(blocks: list[Block], calls: list[Call], style: Style, report: Report) -> None:
    """Give each call the label of its note; report what is left over or out of order.

    Each call takes the first free note of its number after it; a call with none after it
    takes the last free one before it.  Pointers that only move forward keep this linear
    in the number of calls and notes."""
    by_number: dict[int, list[int]] = {}
    for i, block in enumerate(blocks):
        if block.kind == "note":
            by_number.setdefault(block.number, []).append(i)
    call_blocks = _call_block_indexes(blocks, len(calls))
    taken: set[int] = set()
    ahead: dict[int, int] = {}
    used: dict[int, int] = {}
    pending = []
    for k, call in enumerate(calls):
        free = by_number.get(call.number, [])
        at = max(ahead.get(call.number, 0), bisect.bisect_right(free, call_blocks[k]))
        while at < len(free) and free[at] in taken:
            at += 1
        ahead[call.number] = at
        if at == len(free):
            pending.append(k)
            continue
        _pair(call, blocks[free[at]], used)
        report.joins.append((call.line, blocks[free[at]].line))
        taken.add(free[at])
    _join_backwards(blocks, calls, pending, by_number, taken, used, style, report)
    _report_sequence(calls, style, report)
    _report_leftovers(blocks, calls, style, report)
    report.count("notes joined", sum(1 for c in calls if c.label))


def _join_backwards(blocks: list[Block], calls: list[Call], pending: list[int],
                    by_number: dict[int, list[int]], taken: set[int], used: dict[int, int],
                    style: Style, report: Report) -> None:
    """Calls with no free note after them take the last free note of their number."""
    last: dict[int, int] = {}
    for k in pending:
        free = by_number.get(calls[k].number, [])
        at = last.get(calls[k].number, len(free)) - 1
        while at >= 0 and free[at] in taken:
            at -= 1
        last[calls[k].number] = max(at, 0)
        if at < 0:
            continue
        before = blocks[free[at]]
        _pair(calls[k], before, used)
        taken.add(free[at])
        report.joins.append((calls[k].line, before.line))
        report.note(f"note {style.show(calls[k].number)} is placed before its call", before.line)


def _call_block_indexes(blocks: list[Block], count: int) -> list[int]:
    where = [0] * count
    for i, block in enumerate(blocks):
        for m in re.finditer(r"\0(\d+)\0", block.text):
            where[int(m.group(1))] = i
    return where


def _pair(call: Call, note: Block, used: dict[int, int]) -> None:
    """Label the pair with its number; a number used again gets ``-2``, ``-3`` …"""
    used[call.number] = used.get(call.number, 0) + 1
    n = used[call.number]
    call.label = note.label = str(call.number) if n == 1 else f"{call.number}-{n}"


def _report_leftovers(blocks: list[Block], calls: list[Call], style: Style, report: Report) -> None:
    """Warn about calls without notes and notes without calls, with the hints the source
    offers; the hints are looked up in tables made in one pass, so a text with thousands
    of leftovers still imports in linear time."""
    tex_markers = _tex_markers(blocks) if any(c.label is None for c in calls) else {}
    for call in calls:
        if call.label is None:
            report.warning(f"note call {call.marker} has no note{tex_markers.get(call.number, '')}"
                           "; left as written", call.line, call.col)
    unjoined = [b for b in blocks if b.kind == "note" and not b.label]
    bare = _bare_numbers(blocks, {b.number for b in unjoined}) if unjoined else {}
    for block in unjoined:
        report.warning(f"note {style.show(block.number)} has no call{bare.get(block.number, '')}; "
                       "kept as a paragraph where it is", block.line)
        block.kind, block.text = "stray-note", block.marker + " " + block.text
        for extra in block.extra:
            extra.kind = "body"


def _tex_markers(blocks: list[Block]) -> dict[int, str]:
    """Number → the hint naming the first paragraph that opens with that TeX superscript."""
    hints: dict[int, str] = {}
    for block in blocks:
        m = TEX_MARKER.match(block.text)
        if m:
            hints.setdefault(int(m.group(1)), f" (line {block.line} opens with the TeX superscript "
                                              f"'{m.group(0).strip()}', which may be its note)")
    return hints


BARE_NUMBER = re.compile(r"(?<=[.,;:)”\"’])\s?(\d{1,5})(?=\s|$)")


def _bare_numbers(blocks: list[Block], wanted: set[int]) -> dict[int, str]:
    """Number → the hint naming the first bare number after punctuation in the body text
    (where a superscript call may have lost its raising)."""
    hints: dict[int, str] = {}
    for block in blocks:
        if block.kind != "body":
            continue
        for m in BARE_NUMBER.finditer(block.text):
            number = int(m.group(1))
            if number in wanted and number not in hints:
                line, col = block.position(m.start(1))
                hints[number] = f" (a bare '{number}' at line {line}, column {col} may be its call)"
    return hints


def _report_sequence(calls: list[Call], style: Style, report: Report) -> None:
    previous = 0
    for call in calls:
        if call.number not in (previous + 1, 1) and previous:
            report.warning(f"note call {call.marker} follows call {style.show(previous)}: "
                           "numbering out of sequence", call.line, call.col)
        previous = call.number
