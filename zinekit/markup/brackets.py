"""Pure text scanning shared by the zine syntax rules: brackets and "see" clauses.

Nothing here knows about tokens; every function takes a string and positions and is
safe on arbitrary input (property-tested).
"""

from __future__ import annotations

import re
from functools import lru_cache

# "[ed. – ", "[ed. - ", "[ed. — ", "[ed.: ", "[Ed. " … : the opening of an editor's note.
ED_OPEN = re.compile(r"\[[Ee][Dd]\.(?:\s*[–—:-])?(?:\s+|(?=\]))")
# The same marker at the start of a footnote: "ed. – text" marks an editor's footnote.
ED_FOOTNOTE = re.compile(r"^\s*\[?[Ee][Dd]\.(?:\s*[–—:-])?\s+")
SEE_OPEN = re.compile(r"\[\s*(?:[Ss]ee|SEE)\s+(?!@)")
SEE_WORD = re.compile(r"(?<![\w'’])(?:[Ss]ee|SEE)(?:\s+also)?\s+(?=\S)")

# Words that may stand before a "see" clause inside an editor's note: the note's start,
# an opening bracket or parenthesis, a dash, or a colon/semicolon.
_SEE_LEAD = set("([–—-:;")
_ABBREVIATIONS = {"vol", "no", "p", "pg", "pp", "pgs", "ch", "chap", "ed", "eds", "cf",
                  "c.f", "vs", "st", "dr", "mr", "ms", "mrs", "fig", "nr", "n", "v", "etc"}


def skip_escape(src: str, pos: int) -> int:
    """Position after a backslash escape starting at ``pos`` (or ``pos + 1``)."""
    return pos + 2 if src[pos] == "\\" else pos + 1


def matching_bracket(src: str, start: int, end: int | None = None,
                     pair: tuple[str, str] = ("[", "]")) -> int:
    """Index of the bracket closing the one at ``start``, or -1 if it is not closed.

    Backslash escapes and code spans are skipped, so ``\\]`` and `` `]` `` do not count.
    Answers are shared: one scan from ``start`` to ``end`` answers for every opening
    bracket it passes, so asking at each bracket of a text costs one pass, not one each
    (50 KB of unclosed ``[ed. `` took minutes).
    """
    end = len(src) if end is None else end
    if start >= end or src[start] != pair[0]:
        return -1
    return _matcher(src, pair).match(start, end)


class _BracketMatcher:
    """The matching brackets of one text, filled in by scans (see :func:`matching_bracket`).

    A scan's path depends only on where it is (an escape skips two characters, a code
    span its length), so a scan from ``start`` passes through an opening bracket at
    ``p`` exactly as a scan from ``p`` would; a stack then gives every bracket's match.
    """

    def __init__(self, src: str, pair: tuple[str, str]) -> None:
        self.src, self.pair = src, pair
        self.known: dict[tuple[int, int], int] = {}

    def match(self, start: int, end: int) -> int:
        if (start, end) not in self.known:
            self._scan(start, end)
        return self.known[(start, end)]

    def _scan(self, start: int, end: int) -> None:
        src, (opening, closing) = self.src, self.pair
        stack: list[int] = []
        pos = start
        while pos < end:
            ch = src[pos]
            if ch == "\\":
                pos += 2
                continue
            if ch == "`":
                pos = _skip_code_span(src, pos, end)
                continue
            if ch == opening:
                stack.append(pos)
            elif ch == closing and stack:
                self.known[(stack.pop(), end)] = pos
            pos += 1
        for unclosed in stack:
            self.known[(unclosed, end)] = -1


@lru_cache(maxsize=32)
def _matcher(src: str, pair: tuple[str, str]) -> _BracketMatcher:
    return _BracketMatcher(src, pair)


def _skip_code_span(src: str, pos: int, end: int) -> int:
    run = pos
    while run < end and src[run] == "`":
        run += 1
    ticks = src[pos:run]
    close = src.find(ticks, run, end)
    return run if close < 0 else close + len(ticks)


def bracket_depth(text: str, depth: int = 0) -> tuple[int, int]:
    """Walk ``text`` from ``depth``; return (final depth, index where depth first hit 0).

    The index is -1 when depth never returns to zero.
    """
    first_zero = -1
    pos = 0
    while pos < len(text):
        ch = text[pos]
        if ch == "\\":
            pos += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]" and depth > 0:
            depth -= 1
            if depth == 0 and first_zero < 0:
                first_zero = pos
        pos += 1
    return depth, first_zero


def see_targets(src: str, start: int, end: int) -> list[tuple[int, int]]:
    """The ``(start, end)`` ranges of "see" clause targets inside an editor's note.

    A clause starts at the word "see" when it opens the note or follows an opening
    bracket or parenthesis, a dash or a colon; it runs to the parenthesis or bracket that
    closes its group, to the end of the note, or to the end of its sentence.
    """
    ranges: list[tuple[int, int]] = []
    nested = _bracket_groups(src, start, end)
    pos = start
    while pos < end:
        m = SEE_WORD.search(src, pos, end)
        if not m:
            break
        inside = next((g for g in nested if g[0] < m.start() < g[1]), None)
        if inside is not None:  # a bracket of its own ("[see …]", "[ed. …]") parses itself
            pos = inside[1]
            continue
        if not _leads_a_clause(src, start, m.start()):
            pos = m.end()
            continue
        target_end = _clause_end(src, m.end(), end)
        if target_end > m.end():
            ranges.append((m.end(), target_end))
        pos = max(target_end, m.end())
    return ranges


def _bracket_groups(src: str, start: int, end: int) -> list[tuple[int, int]]:
    groups = []
    pos = start
    while pos < end:
        if src[pos] == "\\":
            pos += 2
            continue
        if src[pos] == "[":
            close = matching_bracket(src, pos, end)
            if close > pos:
                groups.append((pos, close))
                pos = close
        pos += 1
    return groups


def _leads_a_clause(src: str, note_start: int, pos: int) -> bool:
    before = src[note_start:pos].rstrip(" \t\n*_")
    return not before or before[-1] in _SEE_LEAD


def _clause_end(src: str, pos: int, end: int) -> int:
    depth = 0
    i = pos
    while i < end:
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            if depth == 0:
                break
            depth -= 1
        elif ch == "." and depth == 0 and _ends_sentence(src, pos, i, end):
            break
        i += 1
    i = min(i, end)
    while i > pos and src[i - 1] in " \t\n,;:.":
        i -= 1
    return i


def _ends_sentence(src: str, clause_start: int, dot: int, end: int) -> bool:
    after = src[dot + 1:dot + 3]
    if not (len(after) == 2 and after[0] in " \n" and after[1].isupper()):
        return False
    word = re.search(r"([\w.]+)$", src[clause_start:dot])
    return not (word and word.group(1).lower() in _ABBREVIATIONS)
