"""Raw HTML blocks inside Markdown (a post's embedded tweet, a ``<br />``) → Markdown,
through the same steps as an HTML page: embeds quoted, scripts dropped, the rest
converted."""

from __future__ import annotations

import re

from zinekit.importer.report import Report

BREAK_ONLY = re.compile(r"^(?:\s*<br\s*/?>\s*)+$", re.I)


def convert_html_blocks(text: str, offset: int, report: Report) -> str:
    """Replace each raw HTML block of ``text`` by its Markdown, bottom to top."""
    from markdown_it import MarkdownIt

    lines = text.split("\n")
    blocks = [t for t in MarkdownIt("commonmark", {"html": True}).disable("inline").parse(text)
              if t.type == "html_block" and t.map]
    for token in reversed(blocks):
        start, end = token.map  # type: ignore[misc]
        markdown = html_block_markdown(token.content, start + 1 + offset, report)
        lines[start:end] = ["", *markdown.split("\n"), ""]
    return "\n".join(lines)


def html_block_markdown(fragment: str, line: int, report: Report) -> str:
    if BREAK_ONLY.match(fragment):
        report.note("dropped a line break tag <br /> between blocks", line)
        return ""
    from lxml import html as lxml_html

    from zinekit.importer.html import to_markdown
    from zinekit.importer.htmlparts import drop_chrome, replace_embeds

    from zinekit.importer.htmldepth import flatten_deep, parser, shallow_source

    from zinekit.importer.html import without_controls

    shifted = _LineShift(report, line - 1)
    fragment = without_controls(fragment, shifted)  # type: ignore[arg-type]
    root = lxml_html.fragment_fromstring(shallow_source(fragment, shifted),  # type: ignore[arg-type]
                                         create_parent="div", parser=parser())
    flatten_deep(root, shifted)  # type: ignore[arg-type]
    replace_embeds(root, shifted)  # type: ignore[arg-type]
    drop_chrome(root, shifted)  # type: ignore[arg-type]
    inner = "".join(lxml_html.tostring(c, encoding="unicode") for c in root)
    return to_markdown((root.text or "") + inner).strip()


class _LineShift:
    """A report that adds the block's first line to the lines of a parsed fragment."""

    def __init__(self, report: Report, shift: int) -> None:
        self.report, self.shift = report, shift

    def note(self, message: str, line: int = 0, col: int = 0, dropped: str = "") -> None:
        self.report.note(message, line + self.shift if line else 0, col, dropped)

    def warning(self, message: str, line: int = 0, col: int = 0) -> None:
        self.report.warning(message, line + self.shift if line else 0, col)

    def count(self, what: str, n: int = 1) -> None:
        self.report.count(what, n)
