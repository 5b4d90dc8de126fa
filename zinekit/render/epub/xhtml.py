"""HTML5 from the theme's templates → well-formed XHTML pages for the EPUB.

The renderers and templates write HTML5 (void elements left open, named entities,
``epub:type`` spelled as a plain attribute).  Each EPUB page is parsed with an HTML5
parser into an ElementTree, adjusted — ``epub:type`` and ``xml:lang`` in their
namespaces, links pointed at the file that holds their target, images at their packed
copy — and serialized as XML, so every page is well-formed by construction.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from copy import deepcopy as copy_tree
from dataclasses import dataclass, field
from typing import Callable, Iterator
from urllib.parse import unquote

import lxml.etree
import lxml.html
import tinyhtml5

from zinekit.markup.sanitize import without_remote

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
SVG = "http://www.w3.org/2000/svg"
MATHML = "http://www.w3.org/1998/Math/MathML"
XML_NS = "http://www.w3.org/XML/1998/namespace"

ET.register_namespace("epub", OPS)
ET.register_namespace("svg", SVG)
ET.register_namespace("m", MATHML)

EXTERNAL_SCHEMES = ("http:", "https:", "mailto:")
SOURCE_ONLY = frozenset({"source", "track"})  # elements that are their address
# Characters XML 1.0 does not allow, which an HTML5 parser lets through.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XML_NAME = re.compile(r"^[A-Za-z_][\w.\-]*(:[A-Za-z_][\w.\-]*)?$")


def h(local: str) -> str:
    """The ElementTree name of an XHTML element."""
    return f"{{{XHTML}}}{local}"


@dataclass
class Page:
    """One XHTML file of the EPUB."""

    name: str  # its path inside the EPUB's content folder, e.g. "text/article-01.xhtml"
    title: str
    root: ET.Element
    kind: str  # "cover", "title", "nav", "article", "further-reading", "colophon"
    linear: bool = True
    properties: set[str] = field(default_factory=set)

    def elements(self) -> Iterator[ET.Element]:
        return (el for el in self.root.iter() if isinstance(el.tag, str))

    def ids(self) -> list[str]:
        return [el.get("id", "") for el in self.elements() if el.get("id")]


def parse_page(html: str) -> ET.Element:
    """Parse an HTML5 page into an XHTML tree: namespaced attributes, XML-safe text."""
    root = _libxml2_tree(html)
    if root is None:
        root = tinyhtml5.parse(html)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        _clean_attributes(el)
        el.text = NOT_XML.sub("", el.text) if el.text else el.text
        el.tail = NOT_XML.sub("", el.tail) if el.tail else el.tail
    lang = root.get("lang")
    if lang:
        root.set(f"{{{XML_NS}}}lang", lang)
    return root


# SVG and MathML need the HTML5 parser's foreign-content rules (namespaces, viewBox's case).
_FOREIGN = re.compile(r"<(svg|math)[\s>/]", re.IGNORECASE)


def _libxml2_tree(html: str) -> ET.Element | None:
    """The page parsed by libxml2 (through lxml): the tree tinyhtml5 builds, but
    fifteen times faster, which is most of an EPUB's time.  None when the page holds
    SVG or MathML, or libxml2 reports anything at all (a limit reached, markup it
    repaired): then the HTML5 parser reads the page.  The trees are the same (tested),
    once the white space before ``head`` and after ``body`` is placed as HTML5 does."""
    if _FOREIGN.search(html):
        return None
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        document = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.LxmlError, ValueError):
        return None
    if len(parser.error_log) or not isinstance(document.tag, str):
        return None
    root = _element(document, None)
    # HTML5's tree places the white space around <head> and after </body> differently.
    root.text = None
    body = root[-1] if len(root) else None
    if body is not None and body.tail:
        if len(body):
            body[-1].tail = (body[-1].tail or "") + body.tail
        else:
            body.text = (body.text or "") + body.tail
        body.tail = None
    return root


def _element(source: lxml.etree._Element, parent: ET.Element | None) -> ET.Element:
    tag = h(source.tag)
    attributes: dict[str, str] = {str(k): str(v) for k, v in source.attrib.items()}
    made = ET.Element(tag, attributes) if parent is None else ET.SubElement(parent, tag, attributes)
    made.text = source.text
    for child in source:
        _element(child, made).tail = child.tail
    return made


def _clean_attributes(el: ET.Element) -> None:
    for name in list(el.attrib):
        value = NOT_XML.sub("", el.attrib.pop(name))
        if name.startswith("{") or name.startswith("xmlns"):
            if name.startswith("{"):
                el.attrib[name] = value
            continue
        if name.startswith("epub:"):
            el.attrib[f"{{{OPS}}}{name[5:]}"] = value
        elif name == "xml:lang":
            el.attrib[f"{{{XML_NS}}}lang"] = value
        elif XML_NAME.match(name) and ":" not in name:
            el.attrib[name] = value
    if "lang" in el.attrib:  # XHTML wants both
        el.attrib.setdefault(f"{{{XML_NS}}}lang", el.attrib["lang"])


def serialize(root: ET.Element) -> bytes:
    """The page as an XHTML file."""
    # ElementTree's default_namespace refuses attributes without a namespace, so the
    # XHTML namespace is declared by hand on a copy whose HTML elements are unprefixed.
    copy = copy_tree(root)
    prefix = f"{{{XHTML}}}"
    for el in copy.iter():
        if isinstance(el.tag, str) and el.tag.startswith(prefix):
            el.tag = el.tag[len(prefix):]
    copy.set("xmlns", XHTML)
    body = ET.tostring(copy, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + body + "\n").encode("utf-8")


def page_properties(page: Page) -> set[str]:
    """Manifest properties the page's content calls for (EPUB 3 §5.6.2)."""
    props = set(page.properties)
    for el in page.elements():
        if el.tag.startswith(f"{{{SVG}}}"):
            props.add("svg")
        elif el.tag.startswith(f"{{{MATHML}}}"):
            props.add("mathml")
    return props


# --- links across files --------------------------------------------------------------

def id_locations(pages: list[Page]) -> dict[str, str]:
    """Each id → the file that holds it (the first, should an id repeat)."""
    where: dict[str, str] = {}
    for page in pages:
        for ident in page.ids():
            where.setdefault(ident, page.name)
    return where


def relative_href(source: str, target: str) -> str:
    """``target`` (a path inside the content folder) as seen from ``source``'s folder."""
    src_parts, tgt_parts = source.split("/")[:-1], target.split("/")
    common = 0
    while common < min(len(src_parts), len(tgt_parts) - 1) and src_parts[common] == tgt_parts[common]:
        common += 1
    return "/".join([".."] * (len(src_parts) - common) + tgt_parts[common:])


def rewrite_links(pages: list[Page], where: dict[str, str]) -> None:
    """Point every same-issue ``#anchor`` at the file that holds it.

    A link whose target is in no file of the EPUB, or that addresses a file outside it
    (another issue's PDF as a relative path), is kept as text: EPUB readers cannot follow
    it, and a dangling link is an error for epubcheck.
    """
    own_files = {page.name for page in pages}
    for page in pages:
        for el in list(page.elements()):
            if el.tag != h("a") or "href" not in el.attrib:
                continue
            href = el.get("href", "")
            if href.startswith(EXTERNAL_SCHEMES):
                continue
            if href.startswith("#") and len(href) > 1:
                target = where.get(unquote(href[1:]))
                if target is not None:
                    el.set("href", href if target == page.name else relative_href(page.name, target) + href)
                    continue
            elif href.split("#")[0] in own_files:
                el.set("href", relative_href(page.name, href.split("#")[0])
                       + ("#" + href.split("#", 1)[1] if "#" in href else ""))
                continue
            unlink(el)


def unlink(el: ET.Element) -> None:
    """Turn a link nobody can follow into a span that keeps its text and classes."""
    el.tag = h("span")
    for name in ("href", "hreflang", "rel", "target", "type", "download", "role"):
        el.attrib.pop(name, None)


def rewrite_images(page: Page, packed: Callable[[str], str | None]) -> None:
    """Point each ``img`` at its packed copy; an image that could not be packed is
    replaced by its text alternative (the build has already reported why)."""
    parents = {child: parent for parent in page.elements() for child in parent}
    for el in list(page.elements()):
        if el.tag != h("img"):
            continue
        src = el.get("src", "")
        if src.startswith("data:"):
            continue  # carried inside the page itself
        target = packed(src)
        if target is not None:
            el.set("src", relative_href(page.name, target))
            continue
        stand_in = ET.Element(h("span"), {"class": "missing-image"})
        stand_in.text = el.get("alt") or ""
        stand_in.tail = el.tail
        parent = parents[el]
        parent[list(parent).index(el)] = stand_in


def remove_remote(page: Page, warn: Callable[[str, str], None]) -> None:
    """Take out of every element the remote addresses a reader's app would fetch (a
    ``srcset`` candidate, a ``poster``, a ``<video src>``, a ``style``'s ``url()`` …;
    links stay): ``warn(what, address)`` for each (see ``sanitize.without_remote``)."""
    parents = {child: parent for parent in page.elements() for child in parent}
    for el in list(page.elements()):
        tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
        for name, value in list(el.attrib.items()):
            local = "xlink:href" if name.endswith("}href") else name.rsplit("}", 1)[-1]
            kept = without_remote(tag, local, value)
            if kept == value:
                continue
            warn(f'<{tag} {local}="{value}">', value)
            if kept is None:
                del el.attrib[name]
            else:
                el.set(name, kept)
        if tag in SOURCE_ONLY and "src" not in el.attrib and el in parents:
            parents[el].remove(el)  # nothing left to play: not valid without its address


def add_locators(page: Page, print_pages: dict[str, int]) -> None:
    """A same-issue reference prints "p. N" in the PDF (CSS target-counter); the EPUB
    keeps that printed locator as text."""
    for el in page.elements():
        classes = el.get("class", "").split()
        if el.tag != h("a") or "xref-local" not in classes:
            continue
        if any("xref-locator" in (c.get("class") or "") for c in el):
            continue
        anchor = unquote(el.get("href", "").partition("#")[2])
        if anchor in print_pages:
            locator = ET.SubElement(el, h("span"), {"class": "xref-locator"})
            locator.text = f", p.\u00a0{print_pages[anchor]}"


# DPUB-ARIA roles and the epub:type each stands for (EPUB 3 Structural Semantics).
ROLE_TYPES = {"doc-colophon": "colophon", "doc-bibliography": "bibliography",
              "doc-pullquote": "pullquote", "doc-footnote": "footnote",
              "doc-noteref": "noteref", "doc-toc": "toc", "doc-pagebreak": "pagebreak"}


def match_roles(page: Page) -> None:
    """Give an element with a DPUB-ARIA role the matching ``epub:type``, as reading
    systems that predate ARIA look for it (Ace checks the two agree)."""
    attribute = f"{{{OPS}}}type"
    for el in page.elements():
        kind = ROLE_TYPES.get(el.get("role", ""))
        if kind and kind not in el.get(attribute, "").split():
            el.set(attribute, f"{el.get(attribute, '')} {kind}".strip())


def text_of(el: ET.Element) -> str:
    return " ".join("".join(el.itertext()).split())
