"""Inline parsing helpers shared by the zine rules: where an offset is in the file,
tokenizing a range, wrapping a "see" clause, and a token run's plain text.

markdown-it gives block tokens a ``map`` of source lines; inline rules only know their
offset in the inline content.  The core rule :func:`zinekit.markup.positions.parse_inlines`
records which block token is being parsed, and :func:`locate` turns an offset into a
file line and column.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from zinekit.markup.brackets import see_targets


def locate(state: StateInline, pos: int) -> tuple[int, int]:
    """1-based (line, column) in the source file of offset ``pos`` of the inline text."""
    env = state.env
    parent: Token | None = env.get("zk_parent")
    first_line = parent.map[0] if parent is not None and parent.map else env.get("zk_last_line", 0)
    starts = _line_starts(state.src)
    k = bisect.bisect_right(starts, pos) - 1
    line_index = first_line + k
    line_start = starts[k]
    line_end = state.src.find("\n", pos)
    content_line = state.src[line_start:line_end if line_end >= 0 else len(state.src)]
    lines: list[str] = env.get("zk_lines", [])
    col = pos - line_start + 1
    if 0 <= line_index < len(lines):
        cache = env.setdefault("zk_line_offsets", {})  # one search per line, not per call
        key = (state.src, k, line_index)
        if key not in cache:
            file_line = lines[line_index].rstrip()
            cache[key] = file_line.rfind(content_line.rstrip()) if content_line.strip() else -1
        if cache[key] >= 0:
            col = cache[key] + pos - line_start + 1
    return line_index + 1, col


@lru_cache(maxsize=32)
def _line_starts(src: str) -> list[int]:
    """The offset of each line of ``src``: a position's line is a bisection away."""
    return [0] + [m.end() for m in re.finditer("\n", src)]


def tokenize_range(state: StateInline, start: int, end: int) -> None:
    """Tokenize ``state.src[start:end]`` into the state's token list."""
    if start >= end:
        return
    old_max = state.posMax
    state.pos, state.posMax = start, end
    state.md.inline.tokenize(state)
    state.pos, state.posMax = end, old_max


def tokenize_with_see(state: StateInline, start: int, end: int) -> None:
    """Tokenize an editor's note's text, wrapping each "see" clause's target."""
    for target_start, target_end in see_targets(state.src, start, end):
        tokenize_range(state, start, target_start)
        push_xref(state, target_start, target_end, bracketed=False)
        start = target_end
    tokenize_range(state, start, end)


def push_xref(state: StateInline, start: int, end: int, bracketed: bool) -> None:
    """``xref_open`` … ``xref_close`` around the target at ``src[start:end]``."""
    line, col = locate(state, start)
    opening = state.push("xref_open", "span", 1)
    opening.meta = {"line": line, "col": col, "bracketed": bracketed,
                    "source": state.src[start:end]}
    tokenize_range(state, start, end)
    state.push("xref_close", "span", -1)


def plain_text(tokens: list[Token]) -> str:
    """The text a reader sees in ``tokens``, without markup."""
    parts = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.children:
            parts.append(plain_text(token.children))
    return "".join(parts)
