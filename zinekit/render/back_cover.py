"""Whether an empty back cover prints anything: if not, the imposition adds it as a blank
page and the print edition needs no layout of its own.

The print editions always end on a back cover; the reading PDF has one only when the
issue has a blurb or a colophon.  For most issues the print edition's back cover is
therefore an empty section on a page of its own — a blank page, unless the theme draws
something there (an ornament, a page number, a background).  The stylesheets say which:
they are read here, never laid out.  When in doubt the answer is "it prints something",
and the print edition is laid out as before.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import tinycss2
from tinycss2.ast import AtRule, Declaration, Node, QualifiedRule

#: The empty back cover ``back-cover.html`` writes (no blurb, no colophon).
EMPTY_BACK_COVER = re.compile(
    r'\s*<section class="back-cover" id="back-cover" aria-label="Back cover">\s*</section>\s*')

#: Properties that draw on an element even when it holds nothing.
DRAWING = re.compile(r"^(background|border|box-shadow|outline|list-style|content$)")

PAGE_NAME = "back-cover"
SIDES = ("left", "right")


def without_empty_back_cover(html: str) -> str | None:
    """``html`` without its empty back cover, or ``None`` when it has none."""
    found = list(EMPTY_BACK_COVER.finditer(html))
    if len(found) != 1:
        return None
    match = found[0]
    return html[:match.start()] + html[match.end():]


def empty_back_cover_is_blank(stylesheets: Iterable[Path]) -> bool:
    """Whether the stylesheets leave an empty back cover's page blank: no margin box
    with content on a ``back-cover`` page, no page background, nothing drawn by the
    section itself or its ``::before``/``::after``, and no ``counter(pages)`` anywhere
    (the total would count the back cover)."""
    rules: list[Node] = []
    for sheet in stylesheets:
        text = sheet.read_text(encoding="utf-8")
        if "counter(pages)" in text.replace(" ", "") or "@import" in text:
            return False
        rules += tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    pages = [rule for rule in _flat(rules) if isinstance(rule, AtRule) and rule.lower_at_keyword == "page"]
    elements = [rule for rule in _flat(rules) if isinstance(rule, QualifiedRule)]
    return not any(_page_draws(pages, side) for side in SIDES) and not any(
        _section_draws(rule) for rule in elements)


def _flat(rules: list[Node]) -> list[Node]:
    """The rules, those inside ``@media print`` and ``@supports`` included (a conditional
    rule is taken as applying: the cautious reading)."""
    out: list[Node] = []
    for rule in rules:
        if isinstance(rule, AtRule) and rule.lower_at_keyword in ("media", "supports", "layer") \
                and rule.content is not None:
            out += _flat(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
        else:
            out.append(rule)
    return out


def _page_selectors(rule: AtRule) -> list[tuple[str | None, frozenset[str]]]:
    """Each selector of an ``@page`` rule as (page name or None, its pseudo-classes)."""
    text = tinycss2.serialize(rule.prelude).strip()
    selectors = []
    for part in (text.split(",") if text else [""]):
        name, _, rest = part.strip().partition(":")
        pseudos = frozenset(p.strip().lower() for p in (":" + rest).split(":") if p.strip()) if rest else frozenset()
        selectors.append((name.strip().lower() or None, pseudos))
    return selectors


def _page_draws(rules: list[AtRule], side: str) -> bool:
    """Whether a ``back-cover`` page on the ``side`` side gets a margin box with content
    or a background: the winning declaration per margin box, named pages before unnamed,
    more pseudo-classes before fewer, later before earlier."""
    winners: dict[str, tuple[tuple[int, int, int], bool]] = {}
    for order, rule in enumerate(rules):
        for name, pseudos in _page_selectors(rule):
            if name not in (None, PAGE_NAME) or not pseudos <= {side}:
                continue
            rank = (name is not None, len(pseudos), order)
            for box, visible in _page_parts(rule):
                if box not in winners or winners[box][0] <= rank:
                    winners[box] = (rank, visible)
    return any(visible for _, visible in winners.values())


def _page_parts(rule: AtRule) -> Iterable[tuple[str, bool]]:
    """(what, whether it draws) for the page itself (``background``) and each margin box
    whose ``content`` it sets."""
    if rule.content is None:
        return
    for item in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
        if isinstance(item, Declaration) and item.lower_name.startswith(("background", "border")):
            yield item.lower_name, _value(item) not in ("none", "transparent", "0")
        elif isinstance(item, AtRule) and item.content is not None and item.lower_at_keyword != "footnote":
            for decl in tinycss2.parse_blocks_contents(item.content, skip_comments=True, skip_whitespace=True):
                if isinstance(decl, Declaration) and decl.lower_name == "content":
                    yield item.lower_at_keyword, _value(decl) not in ("none", "normal", '""', "''")


def _section_draws(rule: QualifiedRule) -> bool:
    """Whether the rule draws on the empty section itself (not on what it would hold)."""
    prelude = tinycss2.serialize(rule.prelude)
    subjects = [re.split(r"[\s>+~]+", part.strip())[-1] for part in prelude.split(",")]
    for subject in subjects:
        base = subject.split(":", 1)[0]
        if not (re.search(r"[.#]back-cover(?![\w-])", base) or base in ("section", "*", "")):
            continue
        pseudo_element = "::before" in subject or "::after" in subject or ":before" in subject \
            or ":after" in subject
        for decl in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
            if not isinstance(decl, Declaration):
                continue
            value = _value(decl)
            if pseudo_element and decl.lower_name == "content" and value not in ("none", "normal"):
                return True
            if DRAWING.match(decl.lower_name) and decl.lower_name != "content" \
                    and value not in ("none", "transparent", "0", "initial", "unset"):
                return True
    return False


def _value(decl: Declaration) -> str:
    return tinycss2.serialize(decl.value).strip().lower().removesuffix("!important").strip()
