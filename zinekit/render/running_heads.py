"""Running heads of one line: a long title is shortened where the heads print it.

A running head is the title of the text a page belongs to, set small in the top
margin beside the folio; a title of a whole sentence ("Sesame Credit will
(eventually) make fully automated luxury queer space anarcho-communism possible")
wraps there to two lines, or three, and runs into the page.  In the print HTML, an
issue's or an article's title longer than :data:`RUNNING_MAX` characters gets a
``data-running`` attribute, the base theme's heads print it: the title before its
subtitle (``Title: subtitle``, ``Title (note)``), else its words up to the limit and an
ellipsis.  The title itself is printed whole where it stands.
"""

from __future__ import annotations

import html
import re

#: The longest title a running head prints whole: about what half an A5 page's measure
#: holds at the heads' sizes in the built-in themes.
RUNNING_MAX = 48
#: Where a title's own subtitle begins.
SUBTITLE = re.compile(r"\s*(?::\s|\s[—–]\s|\s-\s|\s\()")
TITLE = re.compile(r'<h1 class="(issue-title|article-title)"([^>]*)>(.*?)</h1>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def running_title(title: str) -> str | None:
    """What the running heads print for ``title`` (None: the title itself)."""
    title = " ".join(title.split())
    if len(title) <= RUNNING_MAX:
        return None
    head = SUBTITLE.split(title, maxsplit=1)[0].strip()
    if 8 <= len(head) <= RUNNING_MAX:
        return head
    cut = title[:RUNNING_MAX].rsplit(" ", 1)[0].rstrip(" ,;:.–—-(")
    return cut + "…"


def mark_running_titles(document: str) -> str:
    """``document`` (print HTML) with ``data-running`` on each long issue and article
    title."""
    def marked(m: re.Match[str]) -> str:
        if "data-running" in m.group(2):
            return m.group(0)
        short = running_title(html.unescape(TAG.sub("", m.group(3))))
        if short is None:
            return m.group(0)
        return (f'<h1 class="{m.group(1)}"{m.group(2)} data-running="{html.escape(short)}">'
                f"{m.group(3)}</h1>")
    return TITLE.sub(marked, document)
