"""A footnote printed at its article's end: ``[^3]: {.endnote} The note …``.

A note whose text opens with the marker ``{.endnote}`` (an attribute, as a heading's
``{#id}``) is printed after its article in the PDF, with its call and number kept and
a link back; the EPUB and the web edition show it as every other note.  The marker is
taken out of the note's text.  Notes the layout finds no room for under their call go
the same way with ``notes_overflow: end`` (see :mod:`zinekit.render.note_overflow`);
both are rendered by :class:`~zinekit.markup.renderer.ZineRenderer`.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

#: The marker, at the very start of a note's text (spaces around it are dropped).
ENDNOTE_MARKER = re.compile(r"^\s*\{\s*\.endnote\s*\}[ \t]*")
LABELS = "zk_endnote_labels"  # labels of ``[^label]:`` notes that carry the marker
INLINE_IDS = "zk_endnote_ids"  # ids of ``^[…]`` notes that carry it


def endnotes_plugin(md: MarkdownIt) -> None:
    md.core.ruler.before("inline", "endnote_definitions", mark_endnote_definitions)
    md.core.ruler.after("inline", "endnote_inline_notes", mark_endnote_inline_notes)


def mark_endnote_definitions(state: StateCore) -> None:
    """Core rule (before ``inline``): a ``[^label]:`` definition whose first paragraph
    opens with the marker loses it, and its label is remembered."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "footnote_reference_open":
            continue
        first = next((tokens[j] for j in range(i + 1, len(tokens))
                      if tokens[j].type in ("inline", "footnote_reference_close")), None)
        if first is None or first.type != "inline":
            continue
        marker = ENDNOTE_MARKER.match(first.content)
        if marker:
            first.content = first.content[marker.end():]
            state.env.setdefault(LABELS, set()).add(token.meta["label"])


def mark_endnote_inline_notes(state: StateCore) -> None:
    """Core rule (after ``inline``): an inline note ``^[{.endnote} …]`` loses the
    marker, and its id is remembered."""
    notes = state.env.get("footnotes", {}).get("list", {})
    for note_id, note in notes.items():
        children = note.get("tokens") or []
        if not children or children[0].type != "text":
            continue
        marker = ENDNOTE_MARKER.match(children[0].content)
        if marker:
            children[0].content = children[0].content[marker.end():]
            note["content"] = ENDNOTE_MARKER.sub("", note.get("content", ""), count=1)
            state.env.setdefault(INLINE_IDS, set()).add(note_id)


def marked_endnotes(tokens: Sequence[Token], env: dict[str, Any]) -> set[int]:
    """The ids of the notes that carry the marker."""
    labels = env.get(LABELS, set())
    found = set(env.get(INLINE_IDS, set()))
    for token in tokens:
        if token.type == "footnote_open" and token.meta.get("label") in labels:
            found.add(token.meta["id"])
    return found
