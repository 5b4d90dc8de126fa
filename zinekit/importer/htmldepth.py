"""Deeply nested HTML made shallow without losing a word.

libxml2 stops building a page's tree 256 elements deep (2,048 with ``huge_tree``) and
drops what is below without a word, and markdownify recurses once per element.  So a
page of 300 nested ``<div>`` imported as 55 bytes.  Here the tags below
:data:`MAX_PARSED_DEPTH` are taken out of the source before it is parsed, and the
elements below :data:`MAX_DEPTH` are unwrapped in the tree (their text and children
kept in their parent): the words stay, their nesting is flattened, and the report says
where.
"""

from __future__ import annotations

import re
from typing import Any

from zinekit.importer.report import Report

#: Elements nested deeper than this below the article are unwrapped before conversion
#: (markdownify recurses and re-indents once per level: a quote in a quote 40 times is
#: already more than any text means).
MAX_DEPTH = 40
#: Tags nested deeper than this in the source are taken out before it is parsed (libxml2
#: keeps 2,048 levels at most; the rest would be lost).
MAX_PARSED_DEPTH = 1_000
_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)[^>]*>")
# elements without content or whose end tag may be left out: they do not nest in a count
_FLAT = frozenset("area base br col embed hr img input link meta param source track wbr "
                  "p li dt dd option optgroup tr td th tbody thead tfoot rt rp colgroup "
                  "caption".split())


def parser() -> Any:
    """lxml's HTML parser, told to keep deep trees (up to libxml2's 2,048 levels)."""
    from lxml import html as lxml_html

    return lxml_html.HTMLParser(huge_tree=True)


def shallow_source(text: str, report: Report) -> str:
    """``text`` without the tags nested deeper than :data:`MAX_PARSED_DEPTH` (their
    words kept); reported once, at the first."""
    stack: list[bool] = []
    dropped: list[tuple[int, int]] = []
    for m in _TAG.finditer(text):
        if m.group(2).lower() in _FLAT or m.group(0).endswith("/>"):
            continue
        if m.group(1):
            if stack and stack.pop():
                dropped.append(m.span())
        else:
            stack.append(len(stack) >= MAX_PARSED_DEPTH)
            if stack[-1]:
                dropped.append(m.span())
    if not dropped:
        return text
    line = text.count("\n", 0, dropped[0][0]) + 1
    report.warning(f"HTML nested more than {MAX_PARSED_DEPTH:,} elements deep: "
                   f"{len(dropped):,} tags below that taken out, their words kept", line)
    parts, end = [], 0
    for start, stop in dropped:
        parts += [text[end:start], " "]
        end = stop
    return "".join(parts) + text[end:]


def flatten_deep(root: Any, report: Report, shift: int = 0) -> None:
    """Unwrap the elements more than :data:`MAX_DEPTH` below ``root`` (lxml.html),
    keeping their text and children; reported once with how many (lines + ``shift``)."""
    from lxml import etree

    depth, deep = 0, []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if event == "start" and depth > MAX_DEPTH + 1 and isinstance(el.tag, str):
            deep.append(el)
    if not deep:
        return
    line = (deep[0].sourceline or 0) + shift if deep[0].sourceline else 0
    for el in deep:  # parents first: each element's content moves up once
        el.drop_tag()
    report.warning(f"HTML nested more than {MAX_DEPTH} elements deep: the {len(deep):,} "
                   "elements below that unwrapped (their words kept, their nesting "
                   "flattened)", line)
