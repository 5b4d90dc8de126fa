"""What a designer looks at on a laid-out page, read from WeasyPrint's layout tree.

WeasyPrint's ``Document.pages`` keeps every page's boxes with their positions and the
HTML element each box was made for.  :func:`read_pages` walks them once and keeps,
per page, the lines of the main flow (with the block they belong to, their measure,
how far justification stretched them and whether they end with a hyphen), the boxes a
page should not split (editor's slips, pull quotes, figures, table rows), images with
their printed size, and the footnote calls.  The detectors (:mod:`.detectors`) read
only this: plain data, no WeasyPrint types.

Lengths are CSS pixels (96 to the inch), as WeasyPrint lays out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder

from zinekit.reachins import page_box, placed_box, text_width

#: What WeasyPrint ends a hyphenated line with: its hyphenate character, a hyphen
#: written in the word, or a soft hyphen.
HYPHENS = ("\u2010", "-", "\u00ad")
#: Classes of the blocks a page should never split (see ZK109).
KEPT_WHOLE = {"ed-block": "editor's slip", "pullquote": "pull quote"}
#: Page names (``@page NAME``) of pages that are not pages of text.
NOT_TEXT_PAGES = {"title", "front-cover", "back-cover", "blank-start", "full-bleed", "spine"}
NOTE_CALLS = ("noteref", "endnote-call", "fn-call-number")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass
class Line:
    """One line of the main flow (or of a footnote, ``in_note``)."""

    page: int
    block: str  # id of the innermost element with an id: ``<article>.<n>``, a heading's
    tag: str  # that element's tag
    article: str  # the article's anchor, "" outside articles
    text: str
    left: float  # the line's left edge, and the measure it is set in
    right: float  # where its text ends
    top: float
    bottom: float
    measure_left: float
    measure_right: float
    font_size: float
    justified: bool = False  # text-align: justify, and not a paragraph's last line
    widest_gap: float = 0.0  # the widest word space, in em of the line's text
    heading: bool = False
    in_note: bool = False
    column: int = 0  # which column of the page, when the text is set in columns

    @property
    def hyphenated(self) -> bool:
        text = self.text.rstrip()
        return len(text) > 1 and text.endswith(HYPHENS) and text[-2].isalnum()

    @property
    def last_word(self) -> str:
        parts = self.text.split()
        return parts[-1] if parts else ""

    @property
    def first_word(self) -> str:
        parts = self.text.split()
        return parts[0] if parts else ""


@dataclass
class Piece:
    """A part of an element that should stay whole, as printed on one page (or column)."""

    page: int
    element: int  # id() of the HTML element: the same for every part of it
    kind: str  # "editor's slip", "pull quote", "figure", "table row"
    block: str
    top: float
    bottom: float
    column: int = 0
    table: int = 0  # id() of a row's table element
    header: bool = False  # a row of a table's head (repeated on each page)


@dataclass
class Picture:
    """An image as printed: its pixels and its size on the page."""

    page: int
    block: str
    src: str
    pixels: tuple[int, int]
    printed: tuple[float, float]  # width, height in CSS px


@dataclass
class Call:
    """A footnote call and the text it sits in."""

    page: int
    block: str
    note: str
    size: float
    text_size: float


@dataclass
class Ink:
    """Text outside the main flow too (running heads, folios): where it is printed."""

    page: int
    block: str
    text: str
    left: float
    top: float
    right: float
    bottom: float


@dataclass
class Page:
    number: int
    name: str  # the ``@page`` name: "title", "back-cover" … or ""
    blank: bool
    width: float
    height: float
    content_top: float
    content_bottom: float
    lines: list[Line] = field(default_factory=list)
    notes: list[Line] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    ink: list[Ink] = field(default_factory=list)
    filled_to: float = 0.0  # the bottom of the lowest thing in the main flow
    footnote_top: float | None = None  # where the footnote area starts

    @property
    def is_text_page(self) -> bool:
        return not self.blank and self.name not in NOT_TEXT_PAGES

    @property
    def articles(self) -> list[str]:
        seen: list[str] = []
        for line in self.lines:
            if line.article and line.article not in seen:
                seen.append(line.article)
        return seen


def read_pages(document: Any) -> list[Page]:
    """Every page of a WeasyPrint document as :class:`Page` data."""
    return [read_page(number, page_box(page))
            for number, page in enumerate(document.pages, start=1)]


@dataclass
class _Where:
    """The context a box is read in, passed down the tree."""

    block: str = ""
    tag: str = ""
    article: str = ""
    column: int = 0
    measure: tuple[float, float] = (0.0, 0.0)
    in_note: bool = False
    in_margin: bool = False
    table: int = 0  # id() of the table element a row is in
    head: bool = False  # inside a table's head (or foot), repeated on each page


def read_page(number: int, box: Any) -> Page:
    page_type = getattr(box, "page_type", None)
    page = Page(number, (page_type.name if page_type else "") or "",
                bool(page_type and page_type.blank), box.margin_width(), box.margin_height(),
                box.content_box_y(), box.content_box_y() + box.height)
    for child in box.children:
        if isinstance(child, boxes.MarginBox):
            _read(child, page, _Where(in_margin=True))
        elif isinstance(child, boxes.FootnoteAreaBox):
            if child.children:
                page.footnote_top = child.position_y
            _read(child, page, _Where(in_note=True))
        else:
            _read(child, page, _Where())
    return page


def _read(box: Any, page: Page, where: _Where) -> None:
    box = placed_box(box)
    element = getattr(box, "element", None)
    tag = str(getattr(box, "element_tag", ""))
    classes = (element.get("class") or "").split() if element is not None else []
    if isinstance(box, boxes.LineBox):
        _read_line(box, page, where)
        return
    if isinstance(box, boxes.ReplacedBox):
        _read_picture(box, page, where)
        return
    where = _inside(box, element, tag, classes, where, page)
    for child in getattr(box, "children", None) or ():
        _read(child, page, where)


def _inside(box: Any, element: Any, tag: str, classes: list[str], where: _Where,
            page: Page) -> _Where:
    """The context of ``box``'s children."""
    changes: dict[str, Any] = {}
    if getattr(box, "is_column", False):
        changes["column"] = int(round(box.position_x))
    if isinstance(box, boxes.BlockContainerBox) and not isinstance(box, boxes.InlineBox):
        # a hanging indent may reach into the padding, not past the border
        changes["measure"] = (box.border_box_x(), box.content_box_x() + box.width)
    if element is not None and not isinstance(box, boxes.InlineLevelBox):
        if tag == "article" and element.get("id"):
            changes["article"] = element.get("id")
        if element.get("id") and tag not in ("html", "body") and "::" not in tag:
            changes["block"], changes["tag"] = element.get("id"), tag
        if tag in HEADINGS:
            changes["tag"] = tag
        if isinstance(box, boxes.TableBox):
            changes["table"] = id(element)
        if isinstance(box, boxes.TableRowGroupBox):
            changes["head"] = bool(box.is_header or box.is_footer)
        if not where.in_note and not where.in_margin:
            _keep_piece(box, element, tag, classes, changes.get("block", where.block), where, page)
    if not changes:
        return where
    return _Where(**{**where.__dict__, **changes})


def _keep_piece(box: Any, element: Any, tag: str, classes: list[str], block: str,
                where: _Where, page: Page) -> None:
    """Record the part on this page of a box that should stay whole (a slip, a pull
    quote, a figure) or of a table row."""
    kind = next((KEPT_WHOLE[c] for c in classes if c in KEPT_WHOLE), None)
    kind = kind or ("figure" if tag == "figure" else None)
    top, bottom = box.position_y, box.position_y + box.margin_height()
    if kind:
        page.pieces.append(Piece(page.number, id(element), kind, block, top, bottom, where.column))
    if isinstance(box, boxes.TableRowBox):
        page.pieces.append(Piece(page.number, id(element), "table row", block, top, bottom,
                                 where.column, where.table, where.head))


def _read_line(box: Any, page: Page, where: _Where) -> None:
    texts = list(_text_boxes(box))
    text = "".join(t.text for t in texts)
    if where.in_margin:
        if text.strip():
            page.ink.append(Ink(page.number, where.block, text, box.position_x, box.position_y,
                                max(t.position_x + t.width for t in texts),
                                box.position_y + box.height))
        return
    _read_calls(box, page, where)
    for child in _descendants(box):
        if isinstance(child, boxes.ReplacedBox) and not where.in_note:
            _read_picture(child, page, where)
    if not text.strip():
        return
    style = box.style
    line = Line(page.number, where.block, where.tag, where.article, text,
                min(t.position_x for t in texts), max(t.position_x + t.width for t in texts),
                box.position_y, box.position_y + box.height, *where.measure,
                font_size=style["font_size"], heading=where.tag in HEADINGS,
                in_note=where.in_note, column=where.column)
    line.justified = style["text_align_all"] == "justify" and any(
        t.justification_spacing for t in texts)
    if line.justified:
        line.widest_gap = max((_gap(t) / t.style["font_size"] for t in texts
                               if t.justification_spacing and " " in t.text.strip()), default=0.0)
    if where.in_note:
        page.notes.append(line)
        return
    page.lines.append(line)
    page.ink.append(Ink(page.number, where.block, text, line.left, line.top, line.right, line.bottom))
    page.filled_to = max(page.filled_to, line.bottom)


def _text_boxes(box: Any) -> Iterator[Any]:
    """The text of a line, in order, without notes floated out of it."""
    for child in getattr(box, "children", None) or ():
        if isinstance(child, AbsolutePlaceholder) or not child.is_in_normal_flow():
            continue
        element = getattr(child, "element", None)
        tag = str(getattr(child, "element_tag", ""))
        if tag.endswith("::footnote-call") or tag.endswith("::marker"):
            continue
        if element is not None and "footnote" in (element.get("class") or "").split() \
                and not tag.endswith("::footnote-call"):
            continue
        if isinstance(child, boxes.TextBox):
            yield child
        else:
            yield from _text_boxes(child)


def _read_calls(box: Any, page: Page, where: _Where) -> None:
    """Footnote calls in a line, with their size against the line's text."""
    text_size = box.style["font_size"]
    for child in _descendants(box):
        tag = str(getattr(child, "element_tag", ""))
        element = getattr(child, "element", None)
        classes = (element.get("class") or "").split() if element is not None else []
        if not isinstance(child, boxes.TextBox) or not child.text.strip():
            continue
        if tag.endswith("::footnote-call") or any(c in classes for c in NOTE_CALLS):
            note = element.get("id") or element.get("href", "").lstrip("#") if element is not None else ""
            page.calls.append(Call(page.number, where.block, note or "", child.style["font_size"],
                                   text_size))


def _descendants(box: Any) -> Iterator[Any]:
    for child in getattr(box, "children", None) or ():
        yield child
        yield from _descendants(child)


def _read_picture(box: Any, page: Page, where: _Where) -> None:
    image = getattr(box, "replacement", None)
    page.filled_to = max(page.filled_to, box.position_y + box.margin_height())
    size = (getattr(image, "width", 0), getattr(image, "height", 0))
    if not isinstance(size[0], int) or not size[0] or where.in_margin:
        return  # a vector image has no pixels to count
    src = box.element.get("src", "") if box.element is not None else ""
    page.pictures.append(Picture(page.number, where.block, src, size, (box.width, box.height)))


def _gap(text: Any) -> float:
    """A justified text box's word space: the font's space, plus what justification and
    ``word-spacing`` add."""
    style = text.style
    return _space_width(style) + text.justification_spacing + (style["word_spacing"] or 0)


_SPACES: dict[tuple, float] = {}


def _space_width(style: Any) -> float:
    """The width of a space in the style's font (measured once per font and size)."""
    key = (tuple(style["font_family"]), style["font_size"], style["font_weight"],
           style["font_style"], style["font_stretch"])
    if key not in _SPACES:
        _SPACES[key] = text_width("x x", style) - text_width("xx", style)
    return _SPACES[key]
