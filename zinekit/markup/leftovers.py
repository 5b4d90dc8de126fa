"""What ``zinekit import`` would have fixed, found in Markdown as it is: warnings with
the place, so nothing prints wrong without a word.

- note calls written as Unicode superscripts (``word¹``) and loose notes that open with
  one (``¹ The note.``): zinekit's footnotes are ``[^1]``;
- raw HTML where the project does not allow it (``[build] allow_html`` off): it prints
  as text;
- liquid tags from Jekyll or Hugo (``{% sidenote … %}``, ``{{ page.title }}``): they print
  as written.

Code spans and code blocks are never looked at.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from zinekit.markup.report import report

IMPORT_HINT = "in a text not yet imported, `zinekit import` converts it"
#: An imported text still holds a superscript number when the import found no note for
#: the call (or no call for the note): its report said so; the fix is by hand.
NOTE_HINT = "`zinekit import` converts only numbers that have both a call and a note"
SUPERSCRIPT_CALL = re.compile(r"(?<=[^\s⁰¹²³⁴⁵⁶⁷⁸⁹])[¹²³⁴⁵⁶⁷⁸⁹][⁰¹²³⁴⁵⁶⁷⁸⁹]*")
LOOSE_NOTE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹][⁰¹²³⁴⁵⁶⁷⁸⁹]*(?=\s*\S)")
UNIT = re.compile(r"(?:^|[\s\d])(?:[kcmµ]?m|ft|in)$")
RAW_HTML = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")
LIQUID = re.compile(r"\{%-?\s*(\w+).*?%\}|\{\{<?.*?>?\}\}", re.S)


def leftovers_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("zk_leftovers", report_leftovers)


def report_leftovers(state: StateCore) -> None:
    lines: list[str] = state.env.get("zk_lines", [])
    html_allowed = bool(state.md.options.get("html"))
    for token in state.tokens:
        if token.type != "inline" or not token.map:
            continue
        finder = _Finder(lines, token.map[0], token.map[1])
        for child in token.children or []:
            if child.type == "text":
                _check_text(state.env, child.content, finder, html_allowed)


def _check_text(env: Any, text: str, finder: "_Finder", html_allowed: bool) -> None:
    loose = LOOSE_NOTE.match(text)
    if loose:
        line, col = finder.find(loose.group(0))
        report(env, "warning", f"loose note '{loose.group(0)} …' opens with a superscript "
               f"number: it prints as a paragraph, not a footnote: write it [^{_digits(loose.group(0))}]: … "
               f"with a call [^{_digits(loose.group(0))}] in the text, or drop the number "
               f"({NOTE_HINT})", line, col)
    for m in SUPERSCRIPT_CALL.finditer(text, loose.end() if loose else 0):
        if UNIT.search(text[:m.start()]):
            continue
        line, col = finder.find(text[max(0, m.start() - 8):m.end()], len(text[:m.start()][-8:]))
        report(env, "warning", f"note call '{m.group(0)}' is a superscript number, not a "
               f"footnote: write [^{_digits(m.group(0))}] and its note, or drop the number ({NOTE_HINT})",
               line, col)
    if not html_allowed:
        for m in RAW_HTML.finditer(text):
            line, col = finder.find(m.group(0))
            report(env, "warning", f"raw HTML <{m.group(1).lower()}> prints as text: the "
                   f"project does not allow HTML ([build] allow_html); {IMPORT_HINT}", line, col)
    for m in LIQUID.finditer(text):
        line, col = finder.find(m.group(0))
        what = f"{{% {m.group(1)} %}}" if m.group(1) else m.group(0)[:40]
        report(env, "warning", f"liquid tag {what} prints as written; {IMPORT_HINT}", line, col)


def _digits(superscript: str) -> str:
    return superscript.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))


class _Finder:
    """Finds successive pieces of a block's text in its source lines (1-based places)."""

    def __init__(self, lines: list[str], first: int, end: int) -> None:
        self.lines, self.first, self.end = lines, first, min(end, len(lines))
        self.line, self.col = first, 0

    def find(self, needle: str, shift: int = 0) -> tuple[int, int]:
        for number in range(self.line, self.end):
            start = self.col if number == self.line else 0
            col = self.lines[number].find(needle, start)
            if col >= 0:
                self.line, self.col = number, col + 1
                return number + 1, col + shift + 1
        return self.first + 1, 1
