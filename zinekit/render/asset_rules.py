"""What the renders accept of the files a text and its theme name: the ``url()``s of a
stylesheet, and the image and font types (and image size) an EPUB carries.

Kept apart from the EPUB package so that a check of the text, or a web edition, reads
them without loading what makes an EPUB (its XHTML, fonts and cover).
"""

from __future__ import annotations

from typing import Any

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}
FONT_TYPES = {".otf": "font/otf", ".ttf": "font/ttf", ".woff": "font/woff",
              ".woff2": "font/woff2"}
MAX_IMAGE_BYTES = 50 * 1024 * 1024


def css_urls(tokens: list[Any]) -> list[Any]:
    """Every ``url(…)`` in a list of tinycss2 component values, nested ones too, in
    order (walked with a stack of its own: nesting does not recurse)."""
    found = []
    stack = [iter(tokens)]
    while stack:
        token = next(stack[-1], None)
        if token is None:
            stack.pop()
        elif token.type == "url" or (token.type == "function" and token.lower_name == "url"):
            found.append(token)
        elif token.type == "function":
            stack.append(iter(token.arguments))
        elif token.type in ("() block", "[] block", "{} block"):
            stack.append(iter(token.content))
    return found


def url_of(token: Any) -> str:
    if token.type == "url":
        return token.value
    strings = [t for t in token.arguments if t.type == "string"]
    return strings[0].value if strings else ""


def set_url(token: Any, value: str) -> None:
    if token.type == "url":
        token.value = value
        token.representation = f'url("{value}")'
    else:
        for t in token.arguments:
            if t.type == "string":
                t.value = value
                t.representation = f'"{value}"'
