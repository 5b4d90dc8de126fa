"""Raw HTML from Markdown, when a project allows it, reduced to an allow-list.

What is kept is listed here: the elements a zine writes (text-level markup, figures,
tables, lists, ``details``, pictures and video) and the attributes each may carry; every
other element and attribute is dropped.  The cleaning itself is done by ``nh3``, the
Python binding of the maintained ``ammonia`` sanitiser, which parses the HTML as a
browser does; zinekit adds the checks on attribute values it cannot make:

- every address (``href``, ``src``, ``cite``, ``poster`` and each candidate of a
  ``srcset``) must be relative or ``http:``, ``https:`` or ``mailto:`` (images may also
  be ``data:image/png|jpeg|gif|webp``);
- a ``style`` attribute is parsed as CSS with tinycss2 (escapes decoded, as browsers and
  WeasyPrint read it) and dropped whole if any of its values loads anything (``url()``,
  ``image()``, ``image-set()``, ``src()`` …) or it holds anything but declarations.

:func:`removed_parts` lists what :func:`sanitize_html` takes out of a fragment, for the
located warnings of :mod:`zinekit.markup.unsafe`.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

import nh3
import tinycss2

from zinekit.safety.limits import css_depth_problem

_TEXT = {"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em",
         "i", "ins", "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span",
         "strong", "sub", "sup", "time", "u", "var", "wbr"}
_BLOCKS = {"address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
           "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
           "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "ul"}
_TABLES = {"caption", "col", "colgroup", "table", "tbody", "td", "tfoot", "th", "thead", "tr"}
_MEDIA = {"audio", "img", "picture", "source", "track", "video"}
ALLOWED_TAGS = frozenset(_TEXT | _BLOCKS | _TABLES | _MEDIA)
#: Elements dropped together with what they hold (the rest keep their text).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript",
                                  "template", "textarea", "select", "title", "frameset",
                                  "frame", "noembed", "noframes", "applet", "svg", "math",
                                  "xmp", "plaintext", "option"})

GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir", "style", "role",
                               "aria-label", "aria-hidden", "aria-describedby",
                               "epub:type", "data-n"})
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "hreflang", "name"}),
    "img": frozenset({"src", "alt", "width", "height", "srcset", "sizes", "loading"}),
    "source": frozenset({"src", "srcset", "type", "media", "sizes", "width", "height"}),
    "video": frozenset({"src", "poster", "controls", "width", "height", "loop", "muted"}),
    "audio": frozenset({"src", "controls", "loop", "muted"}),
    "track": frozenset({"src", "kind", "srclang", "label", "default"}),
    "td": frozenset({"colspan", "rowspan", "headers"}),
    "th": frozenset({"colspan", "rowspan", "headers", "scope", "abbr"}),
    "col": frozenset({"span"}), "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "reversed", "type"}), "li": frozenset({"value"}),
    "blockquote": frozenset({"cite"}), "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}), "ins": frozenset({"cite", "datetime"}),
    "time": frozenset({"datetime"}), "data": frozenset({"value"}),
    "details": frozenset({"open"}),
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "poster"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_IMAGE_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp)[;,]", re.IGNORECASE)
#: CSS functions that load something, by their name with escapes decoded.
LOADING_FUNCTIONS = frozenset({"url", "image", "image-set", "-webkit-image-set", "cross-fade",
                               "element", "src", "expression", "paint"})


# --- attribute values ---------------------------------------------------------------------


def safe_url(value: str, image: bool = False) -> bool:
    """A relative address, or one with a safe scheme (an image may be raster ``data:``)."""
    compact = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(value))
    scheme = _SCHEME.match(compact)
    if scheme is None:
        return True
    if image and _IMAGE_DATA.match(compact):
        return True
    return scheme.group(1).lower() in SAFE_SCHEMES


def safe_srcset(value: str) -> bool:
    """Every candidate of a ``srcset`` (``a.png 1x, b.png 2x``) is a safe address."""
    candidates = [c.strip().split()[0] for c in value.split(",") if c.strip()]
    return all(safe_url(c, image=True) for c in candidates)


def _loads_something(tokens: list[Any]) -> bool:
    """True if CSS component values hold a URL or a loading function, nested too."""
    stack = list(tokens)
    while stack:
        token = stack.pop()
        if token.type == "url":
            return True
        if token.type == "function":
            if token.lower_name in LOADING_FUNCTIONS:
                return True
            stack.extend(token.arguments)
        elif token.type in ("() block", "[] block", "{} block"):
            stack.extend(token.content)
    return False


def safe_style(value: str) -> bool:
    """A ``style`` attribute of plain declarations that load nothing, nested no deeper
    than the CSS engines read without recursing too far."""
    for item in tinycss2.parse_blocks_contents(value, skip_comments=True, skip_whitespace=True):
        if item.type != "declaration" or _loads_something(item.value) or \
                css_depth_problem(item.value) is not None:
            return False
    return True


def safe_attribute(tag: str, name: str, value: str) -> bool:
    """Whether an allowed attribute's value is safe to keep."""
    if name == "style":
        return safe_style(value)
    if name == "srcset":
        return safe_srcset(value)
    if name in URL_ATTRIBUTES:
        return safe_url(value, image=tag in ("img", "source", "video", "picture"))
    return True


def allowed_attribute(tag: str, name: str) -> bool:
    return name in GLOBAL_ATTRIBUTES or name in ALLOWED_ATTRIBUTES.get(tag, ())


def _filter(tag: str, name: str, value: str) -> str | None:
    """nh3's hook, for every attribute of an allowed element."""
    if not allowed_attribute(tag, name) or not safe_attribute(tag, name, value):
        return None
    return value


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    attributes = {"*": set(GLOBAL_ATTRIBUTES)}
    attributes.update({tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()})
    return nh3.Cleaner(tags=set(ALLOWED_TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
                       attributes=attributes, attribute_filter=_filter, link_rel=None,
                       url_schemes=set(SAFE_SCHEMES) | {"data"}, strip_comments=True)


_IMG = re.compile(r'<img((?:\s+[^\s="/>]+(?:="[^"]*")?)*)\s*/?>')
_ATTRIBUTE = re.compile(r'([^\s="/>]+)(?:="([^"]*)")?')


def _alt_for_sourceless(match: re.Match[str]) -> str:
    """An image whose address was removed prints its alt text instead."""
    attributes = dict(_ATTRIBUTE.findall(match.group(1)))
    if "src" in attributes:
        return match.group(0)
    return html.escape(html.unescape(attributes.get("alt", "")), quote=False)


def sanitize_html(fragment: str) -> str:
    """``fragment`` reduced to the allow-list, every address and style checked."""
    return _IMG.sub(_alt_for_sourceless, _cleaner().clean(fragment))


# --- what is removed, for the warnings ----------------------------------------------------


NOT_AN_ELEMENT = "raw HTML may not use it (scripts, frames, forms, stylesheets, SVG …)"
NOT_AN_ATTRIBUTE = "raw HTML may not use it (event handlers, ping, longdesc …)"
UNSAFE_ADDRESS = "an address must be relative, or http:, https: or mailto:"
UNSAFE_STYLE = "a style may hold only declarations that load nothing (no url(), image() …)"


class _Removals(HTMLParser):
    """Lists the elements and attributes :func:`sanitize_html` drops, as written, each
    with the reason."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.dropped: list[tuple[str, str]] = []
        self.skipping = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            return
        if tag in DROPPED_WITH_CONTENT or tag not in ALLOWED_TAGS:
            self.dropped.append((f"<{tag}>", NOT_AN_ELEMENT))
            self.skipping = tag in DROPPED_WITH_CONTENT and tag not in ("svg", "math")
            return
        for name, value in attrs:
            shown = name if value is None else f'{name}="{value}"'
            if not allowed_attribute(tag, name):
                self.dropped.append((shown, NOT_AN_ATTRIBUTE))
            elif not safe_attribute(tag, name, value or ""):
                self.dropped.append((shown, UNSAFE_STYLE if name == "style" else UNSAFE_ADDRESS))

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and tag in DROPPED_WITH_CONTENT:
            self.skipping = False


def removals(fragment: str) -> list[tuple[str, str]]:
    """What :func:`sanitize_html` takes out of ``fragment``, each with why:
    ``("<script>", …)``, ``('src="file:///etc/passwd"', …)``, ``('onclick="…"', …)``."""
    parser = _Removals()
    parser.feed(fragment)
    parser.close()
    return parser.dropped


def removed_parts(fragment: str) -> list[str]:
    """The parts :func:`removals` lists, without the reasons."""
    return [part for part, _ in removals(fragment)]


# --- remote addresses in the EPUB and the web edition ---------------------------------------
# A reader's app fetches what an element shows (an image, a poster, a video, a stylesheet)
# from wherever its address says, telling that site who reads what; links (<a href>) are
# followed only when clicked.  The EPUB and the web edition keep no remote address in an
# attribute that fetches: see docs/security.md.

#: Attributes fetched when their element is shown, on any element; ``href`` only on these.
FETCHING_ATTRIBUTES = frozenset({"src", "srcset", "poster", "data", "background", "lowsrc",
                                 "dynsrc", "style"})
FETCHING_HREF_TAGS = frozenset({"link", "image", "use", "feimage"})


def is_remote(value: str) -> bool:
    """An address another site serves: with a scheme (but ``data:``) or ``//host``."""
    compact = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(value))
    scheme = _SCHEME.match(compact)
    return compact.startswith(("//", "\\\\", "/\\", "\\/")) or (
        scheme is not None and scheme.group(1).lower() != "data")


def _remote_in_style(value: str) -> bool:
    stack = list(tinycss2.parse_component_value_list(value, skip_comments=True))
    while stack:
        token = stack.pop()
        if token.type == "url" and is_remote(token.value):
            return True
        if token.type == "string" and is_remote(token.value):
            return True  # url("…"), image-set("…")
        if token.type == "function":
            stack.extend(token.arguments)
        elif token.type in ("() block", "[] block", "{} block"):
            stack.extend(token.content)
    return False


def without_remote(tag: str, name: str, value: str) -> str | None:
    """``value`` of attribute ``name`` of element ``tag`` with what a reader's app would
    fetch from another site taken out: the value itself, a ``srcset`` with only its
    local candidates, or None to remove the attribute."""
    name, tag = name.lower(), tag.lower()
    if name == "href" and tag in FETCHING_HREF_TAGS or name == "xlink:href" and tag != "a":
        return None if is_remote(value) else value
    if name not in FETCHING_ATTRIBUTES:
        return value
    if name == "style":
        return None if _remote_in_style(value) else value
    if name == "srcset":
        kept = [c.strip() for c in value.split(",") if c.strip() and not is_remote(c.strip().split()[0])]
        return value if len(kept) == len([c for c in value.split(",") if c.strip()]) else \
            (", ".join(kept) or None)
    return None if is_remote(value) else value


def remote_removed(what: str) -> str:
    """The warning for a remote address taken out of ``what`` (``<video poster="…">``),
    in the same words for the EPUB and the web edition (one message for both)."""
    return f"remote address removed from {what}: a reader's app would fetch it from another site"
