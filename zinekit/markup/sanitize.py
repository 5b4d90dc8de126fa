"""Raw HTML from Markdown, when a project allows it, with what is unsafe taken out.

Scripts, frames, embedded objects, forms and style or link elements are dropped with
their content; event-handler attributes and addresses with a ``javascript:``,
``vbscript:``, ``file:`` or ``data:`` scheme (other than inline images) are removed.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

DROPPED_WITH_CONTENT = {"script", "iframe", "object", "embed", "style", "frame", "frameset",
                        "noscript", "template", "applet"}
DROPPED = {"link", "meta", "base", "form", "input", "button", "textarea", "select", "param"}
URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "poster", "srcset",
                  "background", "cite"}
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "file:", "data:")
VOID = {"area", "br", "col", "hr", "img", "source", "track", "wbr"}


def _safe_url(value: str) -> bool:
    compact = "".join(value.split()).lower()
    if compact.startswith("data:image/") and "svg" not in compact[:20]:
        return True
    return not compact.startswith(UNSAFE_SCHEMES)


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping: list[str] = []
        self.dropped: list[str] = []  # what was taken out, as written

    def handle_starttag(self, tag: str, attrs) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.append(tag)
            return
        if tag in DROPPED_WITH_CONTENT:
            self.skipping.append(tag)
            self.dropped.append(f"<{tag}>")
            return
        if tag in DROPPED:
            self.dropped.append(f"<{tag}>")
            return
        kept = []
        unsafe_source = False
        for name, value in attrs:
            if name.startswith("on") or name == "style" and value and "url(" in value.lower():
                self.dropped.append(f'{name}="{value}"')
                continue
            if name in URL_ATTRIBUTES and value is not None and not _safe_url(value):
                self.dropped.append(f'{name}="{value}"')
                unsafe_source = unsafe_source or name in ("src", "srcset")
                continue
            kept.append(name if value is None else f'{name}="{html.escape(value)}"')
        if unsafe_source and tag in VOID:  # without its address: print its alt text
            alt = dict(attrs).get("alt") or ""
            self.out.append(html.escape(alt, quote=False))
            return
        attributes = (" " + " ".join(kept)) if kept else ""
        self.out.append(f"<{tag}{attributes}{' /' if tag in VOID else ''}>")

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and not self.skipping and tag not in DROPPED | DROPPED_WITH_CONTENT:
            self.out.append(f"</{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in DROPPED or tag in DROPPED_WITH_CONTENT or tag in VOID:
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(html.escape(data, quote=False))


def removed_parts(fragment: str) -> list[str]:
    """What :func:`sanitize_html` takes out of ``fragment``: ``<script>``,
    ``src="file:///etc/passwd"``, ``onclick="…"`` …"""
    parser = _Sanitizer()
    parser.feed(fragment)
    parser.close()
    return parser.dropped


def sanitize_html(fragment: str) -> str:
    """``fragment`` without scripts, frames, event handlers or unsafe addresses."""
    parser = _Sanitizer()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)
