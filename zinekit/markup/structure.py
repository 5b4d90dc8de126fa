"""Document structure: heading anchors, figures with captions, footnote bookkeeping."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import MutableMapping
from typing import Any, Iterator

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from zinekit.markup.inline import plain_text
from zinekit.markup.report import report
from zinekit.model import Footnote, Heading, Image, Location

HEADING_ATTRS = re.compile(r"\s*\{\s*#([^\s{}]+)((?:\s+\.[\w-]+)*)\s*\}\s*$")
# a label stops at "[" too: "[[^[[^…" with no "]" would rescan the rest from each "[^"
UNDEFINED_FOOTNOTE = re.compile(r"\[\^([^\]\s\[]+)\]")
VALID_ID = re.compile(r"^[A-Za-z_][\w.-]*$")
HTML_ADDRESS = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def structure_plugin(md: MarkdownIt) -> None:
    md.core.ruler.before("inline", "heading_anchors", heading_anchors)
    md.core.ruler.after("inline", "figures", figures)
    md.core.ruler.push("footnote_check", footnote_check)
    md.core.ruler.push("image_positions", image_positions)
    md.core.ruler.push("note_paragraphs", note_paragraphs)
    md.core.ruler.push("collect_structure", collect_structure)
    md.add_render_rule("figure_open", lambda self, *args: f"<figure{self.block_id_attribute()}>")
    md.add_render_rule("figure_close", lambda self, *args: "</figure>\n")


def slugify(text: str) -> str:
    """A readable id from a title: lower case, words joined with hyphens, valid XML id."""
    text = unicodedata.normalize("NFKC", text).casefold()
    slug = re.sub(r"[^\w]+", "-", text).strip("-_")
    if not slug or not (slug[0].isalpha() or slug[0] == "_"):
        slug = "s-" + slug
    return slug[:80].rstrip("-")


def unique_id(wanted: str, used: set[str]) -> str:
    candidate, n = wanted, 1
    while candidate in used:
        n += 1
        candidate = f"{wanted}-{n}"
    used.add(candidate)
    return candidate


def heading_anchors(state: StateCore) -> None:
    """``# Title {#id}`` sets the heading's id; other headings get one from their text."""
    used: set[str] = state.env.setdefault("zk_ids", set())
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[i + 1]
        m = HEADING_ATTRS.search(inline.content)
        line = (token.map[0] + 1) if token.map else 0
        if m:
            inline.content = inline.content[:m.start()]
            wanted = m.group(1)
            if not VALID_ID.match(wanted):
                report(state.env, "error", f"heading id {wanted!r} must start with a letter and "
                       "hold only letters, digits, '-', '_' and '.'", line, 1)
                wanted = slugify(wanted)
            elif wanted in used:
                report(state.env, "error", f"heading id '#{wanted}' is used twice", line, 1)
            for cls in m.group(2).split():
                token.attrJoin("class", cls[1:])
            anchor = wanted if wanted not in used else unique_id(wanted, used)
            used.add(anchor)
        else:
            anchor = unique_id(slugify(inline.content), used)
        token.attrSet("id", anchor)
        headings: list[dict[str, Any]] = state.env.setdefault("zk_heading_tokens", [])
        headings.append({"inline": inline, "anchor": anchor, "line": line,
                         "level": int(token.tag[1])})


def figures(state: StateCore) -> None:
    """A paragraph holding only an image becomes a figure; its alt text is the caption."""
    tokens = state.tokens
    for i in range(1, len(tokens) - 1):
        if tokens[i - 1].type != "paragraph_open" or tokens[i].type != "inline":
            continue
        children = [c for c in tokens[i].children or []
                    if not (c.type == "text" and not c.content.strip()) and c.type != "softbreak"]
        if len(children) == 1 and children[0].type == "image":
            tokens[i - 1].type, tokens[i - 1].tag = "figure_open", "figure"
            tokens[i + 1].type, tokens[i + 1].tag = "figure_close", "figure"
            tokens[i].children = children


def footnote_check(state: StateCore) -> None:
    """Report footnote calls with no note, and notes that are never called."""
    lines: list[str] = state.env.get("zk_lines", [])
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        for child in token.children:
            if child.type != "text":
                continue
            for m in UNDEFINED_FOOTNOTE.finditer(child.content):
                line, col = _first_call(lines, token.map, m.group(0), state.env)
                report(state.env, "error", f"footnote [^{m.group(1)}] is called but never defined",
                       line, col)
    data = state.env.get("footnotes", {})
    called = {note.get("label") for note in data.get("list", {}).values()}
    for label, line in state.env.get("zk_footnote_lines", {}).items():
        if label not in called:
            report(state.env, "error", f"footnote [^{label}] is defined but never called", line, 1)


def _first_call(lines: list[str], span: list[int] | None, call: str,
                env: MutableMapping[str, Any]) -> tuple[int, int]:
    """Where the footnote call ``call`` is first written in the block: every call of a
    line is found in one pass, and kept (a search per call was quadratic)."""
    start, end = (span[0], span[1]) if span else (0, len(lines))
    found: dict[tuple[int, int], dict[str, tuple[int, int]]] = env.setdefault("zk_calls", {})
    if (start, end) not in found:
        calls: dict[str, tuple[int, int]] = {}
        for index in range(start, min(end, len(lines))):
            for m in UNDEFINED_FOOTNOTE.finditer(lines[index]):
                calls.setdefault(m.group(0), (index + 1, m.start() + 1))
        found[(start, end)] = calls
    return found[(start, end)].get(call, (start + 1, 1))


def _find_in_lines(lines: list[str], span: list[int] | None, needle: str) -> tuple[int, int]:
    start, end = (span[0], span[1]) if span else (0, len(lines))
    for index in range(start, min(end, len(lines))):
        col = lines[index].find(needle)
        if col >= 0:
            return index + 1, col + 1
    return start + 1, 1


def heading_title(inline: Token) -> str:
    return " ".join(plain_text(inline.children or []).split())


def image_positions(state: StateCore) -> None:
    """Record each image's address as written and where it is, for located messages."""
    lines: list[str] = state.env.get("zk_lines", [])
    found: list[Image] = state.env.setdefault("zk_images", [])
    for token in state.tokens:
        for child in token.children or []:
            if child.type != "image":
                continue
            src = child.attrGet("src") or ""
            line, col = _find_in_lines(lines, token.map, f"]({src}")
            if 0 < line <= len(lines):
                opening = lines[line - 1].rfind("![", 0, max(col - 1, 0) + 1)
                col = opening + 1 if opening >= 0 else col
            alt = " ".join(plain_text(child.children or []).split())
            decorative = not alt and child.attrGet("title") == "decorative"
            found.append(Image(str(src), line, col, alt, decorative))


def note_paragraphs(state: StateCore) -> None:
    """Mark paragraphs that call a footnote (``class="has-note"``): print themes let their
    lines break freely so the note can stay on the page of its call."""
    tokens = state.tokens
    for i in range(1, len(tokens)):
        token = tokens[i]
        if token.type == "inline" and tokens[i - 1].type == "paragraph_open" and any(
                c.type == "footnote_ref" for c in token.children or []):
            tokens[i - 1].attrJoin("class", "has-note")


def collect_structure(state: StateCore) -> None:
    """The headings (with their plain-text titles) and the footnotes in numbering
    order, as the later stages read them (core rule, after the inline parse)."""
    env = state.env
    path = env.get("zk_path") or ""
    env["zk_headings"] = [Heading(h["level"], heading_title(h["inline"]), h["anchor"],
                                  Location(path, h["line"], 1))
                          for h in env.pop("zk_heading_tokens", [])]
    listed = env.get("footnotes", {}).get("list", {})
    lines = env.get("zk_footnote_lines", {})
    editors = env.get("zk_ed_footnotes", {})
    env["zk_footnotes"] = [Footnote(note.get("label"), lines.get(note.get("label"), 0),
                                    bool(editors.get(note.get("label"))))
                           for _, note in sorted(listed.items())]
    env["zk_addresses"] = list(dict.fromkeys(token_addresses(state.tokens)))


def token_addresses(tokens: list[Token]) -> Iterator[str]:
    """Every ``src`` and ``href`` the tokens hold, raw HTML's included."""
    for token in tokens:
        for name in ("src", "href"):
            value = token.attrGet(name) if token.attrs else None
            if isinstance(value, str):
                yield value
        if token.type in ("html_inline", "html_block"):
            yield from HTML_ADDRESS.findall(token.content)
        if token.children:
            yield from token_addresses(token.children)
