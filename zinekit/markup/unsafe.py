"""What a contributor's Markdown may not bring into the output, reported where it is.

- Raw HTML, when a project allows it, passes the sanitiser (:mod:`zinekit.markup.sanitize`)
  after rendering, where the source lines are gone; a core rule checks each raw-HTML
  token as it is parsed, so every element, attribute or unsafe value the sanitiser's
  allow-list will drop is a located warning, with the reason.
- markdown-it refuses links and images to ``javascript:``, ``vbscript:``, ``file:`` and
  (but for images) ``data:`` addresses and prints them as written; each is reported.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from zinekit.markup.report import report
from zinekit.markup.sanitize import removals

_refused: ContextVar[list[str] | None] = ContextVar("zk_refused_links", default=None)


def unsafe_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("zk_raw_html", report_removed_html)
    md.core.ruler.push("zk_refused_links", report_refused_links)
    validate = md.validateLink

    def validate_and_remember(url: str) -> bool:
        ok = validate(url)
        refused = _refused.get()
        if not ok and refused is not None:
            refused.append(url)
        return ok

    md.validateLink = validate_and_remember  # type: ignore[method-assign]


def parse_watching_links(md: MarkdownIt, text: str, env: dict[str, Any]) -> Any:
    """``md.parse``, remembering the addresses markdown-it refuses (for the core rule)."""
    token = _refused.set([])
    try:
        env["zk_refused_links"] = _refused.get()
        return md.parse(text, env)
    finally:
        _refused.reset(token)


def report_refused_links(state: StateCore) -> None:
    lines = state.env.get("zk_lines", [])
    for url in dict.fromkeys(state.env.get("zk_refused_links") or []):
        line, col = _locate(f"({url}", 0, lines, offset=1)
        if not line:  # a reference definition, say
            line, col = _locate(url, 0, lines)
        if line:
            report(state.env, "warning", f"not followed: {url} (links and images to file:, "
                   "javascript:, vbscript: or data: addresses are printed as written)", line, col)


def report_removed_html(state: StateCore) -> None:
    if not state.md.options.get("html"):
        return
    lines = state.env.get("zk_lines", [])
    for token in state.tokens:
        if token.type == "html_block" and token.map:
            _check(state, token.content, token.map[0], lines)
        elif token.type == "inline" and token.map:
            for child in token.children or []:
                if child.type == "html_inline":
                    _check(state, child.content, token.map[0], lines)


def _check(state: StateCore, fragment: str, first_line: int, lines: list[str]) -> None:
    for part, why in removals(fragment):
        line, col = _locate(part.split("=", 1)[0].rstrip(">"), first_line, lines)
        report(state.env, "warning", f"raw HTML {part} removed: {why}", line or first_line + 1, col)


def _locate(needle: str, first_line: int, lines: list[str], offset: int = 0) -> tuple[int, int]:
    """1-based line and column of ``needle`` from ``first_line`` on; (0, 1) if absent."""
    for number in range(first_line, len(lines)):
        col = lines[number].lower().find(needle.lower())
        if col >= 0:
            return number + 1, col + 1 + offset
    return 0, 1
