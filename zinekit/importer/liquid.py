"""The body of a Jekyll or Hugo post: liquid tags and raw HTML blocks → zinekit Markdown.

Tags inside code blocks and code spans are left alone.  Line numbers in the report are
the post's own (``offset`` is the number of front matter lines).
"""

from __future__ import annotations

import re
import shlex
from typing import Callable

from zinekit.importer.report import Report

NOTE_TAGS = ("sidenote", "marginnote")
FIGURE_TAGS = ("margin_figure", "marginfigure", "maincolumn", "fullwidth")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
# a tag ends before the next one opens: an unclosed ``{% `` is not searched to the end
# of the text once for each (50,000 of them took minutes)
LIQUID = re.compile(r"\{%-?\s*(\w+)((?:(?!\{%).)*?)-?%\}|"
                    r"\{\{<?-?\s*((?:(?!\{\{).)*?)\s*-?>?\}\}", re.S)


def convert_body(body: str, offset: int, report: Report) -> tuple[str, bool]:
    """(Markdown, whether margin notes were found)."""
    code_lines = _code_lines(body)
    notes: list[str] = []
    lines = body.split("\n")
    line_starts = [0]
    for line in lines:
        line_starts.append(line_starts[-1] + len(line) + 1)

    spans: dict[int, list[tuple[int, int]]] = {}  # code spans of a line, found once

    def replace(m: re.Match[str]) -> str:
        index = _line_index(line_starts, m.start())
        if index not in spans:
            spans[index] = [s.span() for s in CODE_SPAN.finditer(lines[index])]
        col = m.start() - line_starts[index]
        if index in code_lines or any(start <= col < end for start, end in spans[index]):
            return m.group(0)
        where = (index + 1 + offset, m.start() - line_starts[index] + 1)
        return _convert_tag(m, where, notes, report)

    text = LIQUID.sub(replace, body)
    from zinekit.importer.htmlblocks import convert_html_blocks

    text = convert_html_blocks(text, offset, report)
    if notes:
        text = text.rstrip("\n") + "\n\n" + "\n\n".join(notes)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n", bool(notes)


def _line_index(starts: list[int], pos: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi - 1:
        mid = (lo + hi) // 2
        if starts[mid] <= pos:
            lo = mid
        else:
            hi = mid
    return lo


def _code_lines(body: str) -> set[int]:
    from markdown_it import MarkdownIt

    lines: set[int] = set()
    for token in MarkdownIt("commonmark").disable("inline").parse(body):  # blocks only
        if token.type in ("fence", "code_block") and token.map:
            lines.update(range(token.map[0], token.map[1]))
    return lines


def _convert_tag(m: re.Match[str], where: tuple[int, int], notes: list[str],
                 report: Report) -> str:
    name = m.group(1)
    if name is None:
        report.warning(f"liquid output {m.group(0)!r} kept as written: it has no meaning "
                       "outside the site that printed it", *where)
        return m.group(0)
    args = tag_arguments(m.group(2))
    convert = _CONVERTERS.get(name)
    if convert is None:
        report.warning(f"liquid tag {{% {name} %}} kept as written: zinekit has no "
                       "equivalent", *where)
        return m.group(0)
    return convert(args, where, notes, report)


def _note(args: list[str], where: tuple[int, int], notes: list[str], report: Report,
          margin: bool = False) -> str:
    label = re.sub(r"[^\w-]+", "-", args[0]).strip("-") if args else f"n{len(notes) + 1}"
    text = " ".join(args[1:]).strip()
    notes.append(f"[^{label}]: {text}")
    kind = "margin note (unnumbered on the site)" if margin else "side note"
    report.note(f"{kind} {label!r} → a footnote printed in the margin (notes: side)", *where)
    report.count("side notes")
    return f"[^{label}]"


def _newthought(args: list[str], where: tuple[int, int], notes: list[str], report: Report) -> str:
    report.note("newthought: its words are kept, without the small capitals", *where)
    return " ".join(args)


def _figure(args: list[str], where: tuple[int, int], notes: list[str], report: Report) -> str:
    path, caption = (args[1], " ".join(args[2:])) if len(args) >= 3 else (
        args[0] if args else "", " ".join(args[1:]))
    report.note(f"figure {path!r} → an image with its caption (copy the image beside the "
                "Markdown)", *where)
    return f"\n\n![{caption}]({path})\n\n"


def _epigraph(args: list[str], where: tuple[int, int], notes: list[str], report: Report) -> str:
    quote, who = (args[0] if args else ""), ", ".join(
        [args[1]] + [f"*{a}*" for a in args[2:]] if len(args) > 1 else [])
    report.note("epigraph → a block quote with its attribution", *where)
    return f"\n\n> {quote}\n>\n> — {who}\n\n" if who else f"\n\n> {quote}\n\n"


_CONVERTERS: dict[str, Callable[..., str]] = {
    "sidenote": _note,
    "marginnote": lambda a, w, n, r: _note(a, w, n, r, margin=True),
    "newthought": _newthought,
    "epigraph": _epigraph,
    **{name: _figure for name in FIGURE_TAGS},
}


def tag_arguments(text: str) -> list[str]:
    """The quoted or bare arguments of a liquid tag: ``'a' "b c" d`` → a, b c, d."""
    try:
        return shlex.split(text, posix=True)
    except ValueError:
        return text.split()
