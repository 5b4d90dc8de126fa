"""The reading PDF's structure tree, finished after WeasyPrint's PDF/UA-1 variant.

WeasyPrint (70) tags headings, paragraphs, lists, tables, figures with their ``alt``
text and links, sets ``/Lang``, ``/MarkInfo``, ``/DisplayDocTitle`` and the XMP
``pdfuaid:part``.  :func:`finish_tags` (a WeasyPrint finisher) does what it leaves:

1. footnotes and margin notes become ``/Note`` elements with an ``/ID``, moved from the
   page's footnote area to the place of their call;
2. running heads and page numbers become pagination artifacts, pull quotes (which
   repeat the text) and images marked decorative layout artifacts;
3. text in another language than the document's (``lang`` in the HTML) gets ``/Lang``;
4. table header cells get ``/Scope``; link annotations a ``/Contents`` made of their
   text and destination.

WeasyPrint keeps no link from a structure element back to its box.  It makes the
elements of a page in one depth-first walk of the page's boxes, so walking the same
boxes in the same order pairs them again: every text box with its marked-content
element, every ``span`` with its ``/Span``, every image with its ``/Figure``.  A page
where the counts do not agree is left as WeasyPrint made it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import pydyf
from weasyprint.formatting_structure import boxes

from zinekit.reachins import page_box, placed_box

STRUCT = "/StructElem"


@dataclass
class Visit:
    """One box on the walk, with the box it is in and what the boxes above it say."""

    box: Any
    parent: Any = None
    in_margin: bool = False  # in a running head or a page number
    decorative: bool = False  # in a pull quote


@dataclass
class PageWalk:
    """What a page's boxes hold, in the order WeasyPrint tags them."""

    texts: list[Visit] = field(default_factory=list)  # text boxes that get an element
    spans: list[Visit] = field(default_factory=list)  # boxes of ``span`` elements
    images: list[Visit] = field(default_factory=list)  # replaced boxes
    links: list[Visit] = field(default_factory=list)  # boxes carrying a link annotation


def walk_page(page_box: Any) -> PageWalk:
    walk = PageWalk()
    _visit(page_box, Visit(page_box), walk)
    return walk


def _visit(box: Any, context: Visit, walk: PageWalk) -> None:
    """Mirror of ``weasyprint.pdf.tags._build_box_tree``: the boxes that make an
    element, and their children in the order it visits them.  ``context`` is the box
    above ``box`` and what holds for everything under it."""
    box = placed_box(box)
    tag = None if box.element is None else box.element_tag
    if tag in ("html", "body") or isinstance(box, (boxes.PageBox, boxes.MarginBox)):
        if isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.LineBox):
            inner = _inner(box, context)
            for child in box.children:
                _visit(child, inner, walk)
            return
    here = _inner(box, context)
    if tag == "span":
        walk.spans.append(here)
    if isinstance(box, boxes.ReplacedBox):
        walk.images.append(here)
    if getattr(box, "link_annotation", None) is not None:
        walk.links.append(here)
    is_link = tag is not None and tag.split(":")[0] == "a"
    for child in _children(box, tag):
        for kid in (child.children if isinstance(child, boxes.LineBox) else [child]):
            if isinstance(kid, boxes.TextBox):
                if not is_link:
                    walk.texts.append(Visit(kid, box, here.in_margin, here.decorative))
            else:
                _visit(kid, here, walk)


def _inner(box: Any, context: Visit) -> Visit:
    """``box`` as the context of its children."""
    classes = (box.element.get("class") or "").split() if box.element is not None else ()
    return Visit(box, context.box, context.in_margin or isinstance(box, boxes.MarginBox),
                 context.decorative or bool(DECORATIVE_CLASSES.intersection(classes)))


def _children(box: Any, tag: str | None) -> list[Any]:
    """A table wrapper's children with the table replaced by its own (captions stay)."""
    if tag == "table" and box.is_table_wrapper:
        table = box.get_wrapped_table()
        if table:
            return [c for child in box.children
                    for c in (child.children if child is table else [child])]
    return list(box.children)


# --- the PDF's side ----------------------------------------------------------------------


class Tree:
    """The structure elements WeasyPrint wrote, by page, in the order it made them."""

    def __init__(self, pdf: pydyf.PDF) -> None:
        self.pdf = pdf
        pages = {ref: n for n, ref in enumerate(pdf.page_references)}
        self.texts: dict[int, list[pydyf.Dictionary]] = {}
        self.spans: dict[int, list[pydyf.Dictionary]] = {}
        self.images: dict[int, list[pydyf.Dictionary]] = {}
        self.all: list[pydyf.Dictionary] = []
        for obj in pdf.objects:
            if not isinstance(obj, pydyf.Dictionary) or obj.get("Type") != STRUCT:
                continue
            self.all.append(obj)
            page = pages.get(obj.get("Pg"), -1)
            kids = list(obj.get("K", []))
            single = len(kids) == 1 and isinstance(kids[0], int)
            if obj["S"] == "/Span":
                (self.texts if single else self.spans).setdefault(page, []).append(obj)
            elif single and obj["S"] != "/Link":
                self.images.setdefault(page, []).append(obj)

    def get(self, reference: bytes | str) -> Any:
        ref = reference.decode() if isinstance(reference, bytes) else str(reference)
        return self.pdf.objects[int(ref.split()[0])]

    def parent_tree(self) -> pydyf.Dictionary:
        root = self.get(self.pdf.catalog["StructTreeRoot"])
        return self.get(root["ParentTree"])


@dataclass
class Paired:
    """One page: each walked box with the element WeasyPrint made for it."""

    number: int
    texts: list[tuple[Visit, pydyf.Dictionary]]
    spans: list[tuple[Visit, pydyf.Dictionary]]
    images: list[tuple[Visit, pydyf.Dictionary]]
    links: list[Visit]
    complete: bool = True  # False: the counts did not agree, nothing is paired


def pair_pages(document: Any, tree: Tree) -> Iterator[Paired]:
    """Every page, its boxes paired with their elements; a page whose boxes and
    elements do not agree in number, kind by kind, has none paired."""
    for number, page in enumerate(document.pages):
        walk = walk_page(page_box(page))
        texts = tree.texts.get(number, [])
        spans = tree.spans.get(number, [])
        images = tree.images.get(number, [])
        complete = (len(walk.texts), len(walk.spans), len(walk.images)) == (
            len(texts), len(spans), len(images))
        if not complete:
            texts, spans, images, walk.texts, walk.spans, walk.images = [], [], [], [], [], []
        yield Paired(number, list(zip(walk.texts, texts)), list(zip(walk.spans, spans)),
                     list(zip(walk.images, images)), walk.links, complete)


# --- writing ------------------------------------------------------------------------------


# --- the finisher ------------------------------------------------------------------------

PAGINATION = pydyf.Dictionary({"Type": "/Pagination"})
LAYOUT = pydyf.Dictionary({"Type": "/Layout"})
DECORATIVE_CLASSES = {"pullquote"}
NOTE_CLASS = "footnote"


def finish_tags(document: Any, pdf: pydyf.PDF) -> None:
    """WeasyPrint finisher for the tagged reading PDF (see the module's docstring)."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    tree = Tree(pdf)
    language = str(getattr(document.metadata, "lang", "") or "")
    artifacts: dict[int, dict[int, pydyf.Dictionary]] = {}  # page → MCID → artifact kind
    notes: list[tuple[pydyf.Dictionary, str]] = []
    calls: dict[str, pydyf.Dictionary] = {}
    texts: list[pydyf.Dictionary] = []
    for page in pair_pages(document, tree):
        texts += [kid for _, kid in page.texts]
        artifacts[page.number] = _artifacts(page)
        _languages(page, language)
        notes += _notes(page)
        calls.update(_calls(page, tree))
        describe_links(page.links)
    _mark_artifacts(pdf, tree, artifacts)
    _move_notes(tree, notes, calls)
    _prune_empty(tree)
    _text_into_parents(tree, texts)
    _header_scope(tree)
    _heading_levels(tree)


def _artifacts(page: Paired) -> dict[int, pydyf.Dictionary]:
    """MCIDs of running heads and page numbers, pull quotes and decorative images."""
    found: dict[int, pydyf.Dictionary] = {}
    for visit, kid in page.texts:
        if visit.in_margin:
            found[kid["K"][0]] = PAGINATION
        elif visit.decorative:
            found[kid["K"][0]] = LAYOUT
    for visit, figure in page.images:
        element = visit.box.element
        if visit.decorative or (element is not None and element.get("alt") == ""):
            found[figure["K"][0]] = LAYOUT
    return found


def _languages(page: Paired, language: str) -> None:
    """``/Lang`` on text in another language than the document's, and on its span."""
    for visit, kid in page.texts:
        lang = visit.box.style["lang"]
        if lang and lang != language:
            kid["Lang"] = pydyf.String(lang)
    for visit, span in page.spans:
        lang = visit.box.element.get("lang")
        if lang and lang != language:
            span["Lang"] = pydyf.String(lang)


def _notes(page: Paired) -> list[tuple[pydyf.Dictionary, str]]:
    """Footnotes and margin notes (``span.footnote``) become ``/Note`` with their id."""
    found = []
    for visit, span in page.spans:
        element = visit.box.element
        ident = element.get("id") or ""
        if NOTE_CLASS in (element.get("class") or "").split() and ident:
            span["S"] = "/Note"
            span["ID"] = pydyf.String(ident)
            found.append((span, ident))
    return found


def _calls(page: Paired, tree: Tree) -> dict[str, pydyf.Dictionary]:
    """The number WeasyPrint prints where each footnote is called (its
    ``::footnote-call``), as a ``/Reference``, by the note's id."""
    found = {}
    for visit, kid in page.texts:
        marker = visit.parent
        if marker is None or not str(marker.element_tag).endswith("::footnote-call"):
            continue
        element = tree.get(kid["P"])
        element["S"] = "/Reference"
        found[marker.element.get("id") or ""] = element
    return found


def _mark_artifacts(pdf: pydyf.PDF, tree: Tree,
                    artifacts: dict[int, dict[int, pydyf.Dictionary]]) -> None:
    """Turn marked content into artifacts (``/Artifact <</Type …>> BDC``) and take the
    elements that held it out of the tree and the parent tree."""
    nums = tree.parent_tree()["Nums"]
    for number, found in artifacts.items():
        if not found:
            continue
        page = tree.get(pdf.page_references[number])
        content = tree.get(page["Contents"])
        _rewrite_marks(content.stream, found)
        slots = nums[2 * number + 1]  # pages come first: page index, then its MCIDs
        for mcid in found:
            element = tree.get(slots[mcid])
            _detach(tree, element)
            slots[mcid] = "null"


def _rewrite_marks(stream: list[Any], found: dict[int, pydyf.Dictionary]) -> None:
    for i in range(1, len(stream) - 1):
        properties = stream[i]
        if (isinstance(properties, pydyf.Dictionary) and stream[i + 1] == b"BDC"
                and properties.get("MCID") in found):
            stream[i - 1] = "/Artifact"
            stream[i] = found[properties["MCID"]]


def _detach(tree: Tree, element: pydyf.Dictionary) -> None:
    """Take ``element`` out of its parent's kids."""
    parent = tree.get(element["P"])
    kids = parent.get("K")
    if isinstance(kids, pydyf.Array):
        parent["K"] = pydyf.Array(k for k in kids if k != element.reference)


def _move_notes(tree: Tree, notes: list[tuple[pydyf.Dictionary, str]],
                calls: dict[str, pydyf.Dictionary]) -> None:
    """Each note right after its call in the reading order; the parts of a note split
    over two pages (WeasyPrint 70 keeps a note whole) joined into one ``/Note``; an
    ``/IDTree`` for the ids."""
    first: dict[str, pydyf.Dictionary] = {}
    for note, ident in notes:
        if ident in first:
            _adopt(tree, first[ident], note)
            continue
        first[ident] = note
        call = calls.get(ident)
        if call is not None:
            _detach(tree, note)
            parent = tree.get(call["P"])
            kids = parent["K"]
            kids.insert(list(kids).index(call.reference) + 1, note.reference)
            note["P"] = call["P"]
    root = tree.get(tree.pdf.catalog["StructTreeRoot"])
    names = pydyf.Array()
    for ident in sorted(first):
        names += [pydyf.String(ident), first[ident].reference]
    if names:
        root["IDTree"] = pydyf.Dictionary({"Names": names})


def _adopt(tree: Tree, note: pydyf.Dictionary, part: pydyf.Dictionary) -> None:
    """Move the kids of ``part`` (a note's continuation) into ``note``."""
    for kid in part["K"]:
        if not isinstance(kid, int):
            tree.get(kid)["P"] = note.reference
        note["K"].append(kid)
    part["K"] = pydyf.Array()
    part["S"] = "/Span"
    del part["ID"]


def _prune_empty(tree: Tree) -> None:
    """Elements left with no content (an emptied footnote area, a call's marker span)
    are taken out.  Kids are made after their parents: going backwards, an element
    is seen after every element under it has been pruned."""
    for element in reversed(tree.all):
        kids = element.get("K")
        if isinstance(kids, pydyf.Array) and not kids and "P" in element:
            parent = tree.get(element["P"])
            if element.reference in parent.get("K", ()):
                _detach(tree, element)


def _text_into_parents(tree: Tree, texts: list[pydyf.Dictionary]) -> None:
    """WeasyPrint makes an element for every run of text (a ``/Span`` holding one
    MCID); its parent can hold the MCID itself, which is the same structure in half the
    objects.  A run with a ``/Lang`` keeps its element.  (pydyf cannot leave an object
    out of the file, so the element left behind is written empty, ``<<>>``.)"""
    nums = tree.parent_tree()["Nums"]
    pages = {ref: n for n, ref in enumerate(tree.pdf.page_references)}
    for kid in texts:
        if "Lang" in kid or "P" not in kid or kid.get("S") != "/Span":
            continue
        parent = tree.get(kid["P"])
        kids = parent.get("K")
        if parent.get("Pg") != kid.get("Pg") or not isinstance(kids, pydyf.Array):
            continue
        try:
            at = kids.index(kid.reference)
        except ValueError:  # taken out of the tree (an artifact)
            continue
        mcid = kid["K"][0]
        kids[at] = mcid
        nums[2 * pages[kid["Pg"]] + 1][mcid] = parent.reference
        kid.clear()


def _header_scope(tree: Tree) -> None:
    """Header cells in a table's head are column headers."""
    for element in tree.all:
        if element.get("S") != "/TH" or "P" not in element:
            continue
        row = tree.get(element["P"])
        group = tree.get(row["P"]) if "P" in row else None
        attributes = element.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
        if "Scope" not in attributes:
            head = group is not None and group.get("S") == "/THead"
            attributes["Scope"] = "/Column" if head else "/Row"


def _heading_levels(tree: Tree) -> None:
    """``/H1``…``/H6`` in reading order with no level skipped (PDF/UA-1 §7.4.2): a
    theme may style an article's sections as ``h3`` under its ``h1`` title."""
    # made in reading order (only notes are moved, and they hold no headings)
    headings = [e for e in tree.all if HEADING.match(str(e.get("S", "")))]
    levels = outline([int(str(e["S"])[2]) for e in headings], 1)
    for element, level in zip(headings, levels):
        element["S"] = f"/H{level}"


HEADING = re.compile(r"^/H[1-6]$")


def outline(levels: list[int], top: int) -> list[int]:
    """Heading levels renumbered so that none is skipped: a heading is one level below
    the nearest heading before it of a higher original level, ``top`` when none."""
    above: list[tuple[int, int]] = []  # (original level, new level) of the open sections
    renumbered = []
    for level in levels:
        while above and above[-1][0] >= level:
            above.pop()
        new = min(above[-1][1] + 1 if above else top, 6)
        above.append((level, new))
        renumbered.append(new)
    return renumbered


# --- link descriptions -------------------------------------------------------------------

def describe_links(links: list[Visit]) -> None:
    """Each link annotation's ``/Contents``: the link's text, and where it goes when
    that is an address the text does not show."""
    for visit in links:
        annotation = visit.box.link_annotation
        element = visit.box.element
        whole = "".join(element.itertext()) if element is not None else box_text(visit.box)
        text = " ".join(whole.split())  # the whole link, not the part on this line
        annotation["Contents"] = pydyf.String(_description(text, annotation))


def _description(text: str, annotation: pydyf.Dictionary) -> str:
    target = _target(annotation)
    if not text:
        destination = annotation.get("Dest")
        target = target or (str(destination.string)
                            if isinstance(destination, pydyf.String) else "")
        return f"link to {target}" if target else "link"
    if target.startswith(("http:", "https:", "mailto:")) and target not in text:
        return f"{text} ({target})"
    return text


def _target(annotation: pydyf.Dictionary) -> str:
    action = annotation.get("A")
    for value in (action.get("URI") if isinstance(action, dict) else None,
                  action.get("F") if isinstance(action, dict) else None):
        if isinstance(value, pydyf.String):
            return str(value.string)
    return ""


def box_text(box: Any) -> str:
    """The text a box shows (its text boxes', in order)."""
    if isinstance(box, boxes.TextBox):
        return box.text
    return "".join(box_text(child) for child in getattr(box, "children", ()))
