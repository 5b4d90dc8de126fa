"""Addresses in the printed text: e-mail and web addresses marked so that no line end
hyphenates them.

A hyphen inside ``returnfire@…`` reads as part of the address.  Print HTML's text
(outside tags, and outside elements whose text is not set as prose) gets each address
in ``<span class="zk-address">``, which the base theme sets with ``hyphens: manual``
(it may still break, after a ``/`` or an ``@``, without a hyphen).
"""

from __future__ import annotations

import re

ADDRESS = re.compile(
    r"(?<![\w@/.-])(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s<>&\"']*[^\s<>&\"'.,;:!?)\]]"
    r"|(?<![\w@.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*>|<!--.*?-->", re.DOTALL)
#: Elements whose text is left as it is.
SKIPPED = {"head", "title", "style", "script", "pre", "code", "kbd", "samp", "svg", "math"}


def mark_addresses(document: str) -> str:
    """``document`` with every address in its text wrapped in a ``zk-address`` span."""
    if "@" not in document and "://" not in document and "www." not in document:
        return document
    out: list[str] = []
    skipped = 0
    last = 0
    for tag in TAG.finditer(document):
        text = document[last:tag.start()]
        out.append(text if skipped else ADDRESS.sub(_marked, text))
        out.append(tag.group(0))
        name = (tag.group(2) or "").lower()
        if name in SKIPPED and not tag.group(0).endswith("/>"):
            skipped = max(0, skipped + (-1 if tag.group(1) else 1))
        last = tag.end()
    rest = document[last:]
    out.append(rest if skipped else ADDRESS.sub(_marked, rest))
    return "".join(out)


def _marked(found: re.Match[str]) -> str:
    return f'<span class="zk-address">{found.group(0)}</span>'
