"""Cross-references: "see" clauses in square brackets or inside editor's notes.

``[see Ember Tide vol.2 p.14]`` and ``[ed. – see The Quiet Substations]`` become
``xref_open`` … ``xref_close`` around the target; the words around it ("[see", "]")
stay as written.  Prose such as "we'll see how it goes" is never touched.  A core rule
then records each target's plain text and location in ``env["zk_xrefs"]`` for the
resolve stage.
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from zinekit.markup.brackets import SEE_OPEN, matching_bracket, see_targets
from zinekit.markup.positions import locate


def xrefs_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.at("text", bounded_text)
    md.inline.ruler.before("link", "see_bracket", see_bracket)
    md.core.ruler.push("xref_collect", collect_xrefs)


def bounded_text(state: StateInline, silent: bool) -> bool:
    """markdown-it's ``text`` rule, but stopping at ``posMax`` (clauses end mid-text)."""
    found = state.md.inline.terminator_re.search(state.src, state.pos, state.posMax)
    pos = found.start() if found else state.posMax
    if pos == state.pos:
        return False
    if not silent:
        state.append_pending(state.src[state.pos:pos])
    state.pos = pos
    return True


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
        _push_xref(state, target_start, target_end, bracketed=False)
        start = target_end
    tokenize_range(state, start, end)


def _push_xref(state: StateInline, start: int, end: int, bracketed: bool) -> None:
    line, col = locate(state, start)
    opening = state.push("xref_open", "span", 1)
    opening.meta = {"line": line, "col": col, "bracketed": bracketed,
                    "source": state.src[start:end]}
    tokenize_range(state, start, end)
    state.push("xref_close", "span", -1)


def see_bracket(state: StateInline, silent: bool) -> bool:
    """``[see …]`` outside editor's notes."""
    start = state.pos
    if state.src[start] != "[":
        return False
    opener = SEE_OPEN.match(state.src, start, state.posMax)
    if not opener:
        return False
    close = matching_bracket(state.src, start, state.posMax)
    if close < 0:
        return False
    if silent:
        state.pos = close + 1
        return True
    state.pending += state.src[start:opener.end()]
    clause_end = close
    while clause_end > opener.end() and state.src[clause_end - 1] in " \t\n,;:.":
        clause_end -= 1
    _push_xref(state, opener.end(), clause_end, bracketed=True)
    state.pending += state.src[clause_end:close + 1]
    state.pos = close + 1
    return True


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


def collect_xrefs(state: StateCore) -> None:
    """Record every cross-reference with its text and location (core rule, last)."""
    found: list[dict[str, Any]] = state.env.setdefault("zk_xrefs", [])
    for block in state.tokens:
        _collect_in(block.children or [], found, state.env)


def _collect_in(children: list[Token], found: list[dict[str, Any]], env: dict[str, Any]) -> None:
    for i, token in enumerate(children):
        if token.type != "xref_open":
            continue
        depth, j = 1, i + 1
        while j < len(children) and depth:
            depth += children[j].nesting if children[j].type.startswith("xref_") else 0
            j += 1
        text = " ".join(plain_text(children[i + 1:j - 1]).split())
        counter = env.setdefault("zk_xref_counter", [0])
        counter[0] += 1
        token.meta["id"] = f"xref-{counter[0]}"
        token.meta["text"] = text
        found.append({"id": token.meta["id"], "text": text, "line": token.meta["line"],
                      "col": token.meta["col"], "bracketed": token.meta["bracketed"]})
