"""The data each stage of the pipeline hands the next.

    load     → :class:`Issue` (articles, their tokens, headings, references, images …)
    prepare  → :class:`Prepared` (the issue, its settings, theme, page and :class:`Resolved`)
    render   → :class:`LaidOut` (the reading PDF's pages), then the files of each format
    build    → :class:`IssueResult` (what one issue's build wrote and found)

Parsing fills the issue; the resolve stage returns :class:`Resolved` without changing
the issue, so one loaded issue serves every pass of a build.  Source positions are
1-based lines and columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypedDict

from markdown_it.token import Token

from zinekit.config import MM, IssueSettings, Length, Settings
from zinekit.errors import Diagnostic, Diagnostics
from zinekit.themes_loader import Theme


@dataclass(frozen=True)
class Location:
    path: str
    line: int = 0
    col: int = 0


# --- measures, parsed once where they are written ------------------------------------

@dataclass(frozen=True)
class PageSize:
    """A page's size, by name (``A5``) or measure, parsed once from ``page_size``
    (:func:`zinekit.pages.parse_page_size`)."""

    name: str
    width: float  # points
    height: float

    @property
    def width_mm(self) -> float:
        return self.width / MM

    @property
    def height_mm(self) -> float:
        return self.height / MM

    @property
    def css(self) -> str:
        return f"{self.width_mm:.2f}mm {self.height_mm:.2f}mm"


def source_date_of(epoch: str | None) -> datetime | None:
    """The moment ``SOURCE_DATE_EPOCH`` names (seconds since 1970, UTC); None when it is
    unset or not a whole number (the build then carries the clock's time)."""
    text = (epoch or "").strip()
    return datetime.fromtimestamp(int(text), tz=timezone.utc) if text.isdigit() else None


# --- stage 1: what the Markdown holds ------------------------------------------------


@dataclass(frozen=True)
class CrossReference:
    """A "see" clause's target, as found in the text."""

    id: str  # unique in the issue, e.g. "xref-3"
    text: str  # the target as plain text, emphasis removed
    where: Location
    in_editor_note: bool
    bracketed: bool  # written as "[see …]" (as opposed to inside an editor's note)


@dataclass(frozen=True)
class Citation:
    """A ``[@key, locator; @key2]`` citation."""

    id: str
    items: tuple[tuple[str, str], ...]  # (key, locator)
    text: str  # as written
    where: Location


@dataclass(frozen=True)
class Heading:
    level: int
    title: str  # plain text
    anchor: str
    where: Location


@dataclass(frozen=True)
class Image:
    """An image as written in the Markdown (``![alt](src)``) and where."""

    src: str
    line: int
    col: int
    alt: str = ""  # its description, as plain text
    decorative: bool = False  # ``![](src "decorative")``: needs no description


@dataclass(frozen=True)
class Footnote:
    """A footnote definition: its label as written, the line it is defined on, and
    whether it is the editor's (its text starts with "ed.")."""

    label: str | None
    line: int
    editor: bool = False


@dataclass
class ParsedText:
    """One Markdown file's body after parsing: the tokens for the renderers and
    everything the later stages look up.  ``env`` is markdown-it's, for the renderer
    only; no stage outside :mod:`zinekit.markup` reads it."""

    path: str
    lines: list[str]
    tokens: list[Token]
    env: dict[str, Any]
    headings: list[Heading] = field(default_factory=list)
    xrefs: list[CrossReference] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)  # in numbering order
    addresses: list[str] = field(default_factory=list)  # every src and href, as written
    further_reading_at: list[int] = field(default_factory=list)  # lines of the lists
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class Article:
    """One article: a file of a folder issue, or the body of a single-file issue."""

    path: Path
    meta: Settings
    text: ParsedText
    anchor: str
    title: str | None
    is_intro: bool = False  # the editor's introduction of a folder issue
    #: a chapter of a book in one file: its title is a level-1 heading of the issue's
    #: text, and its own headings (``##`` …) print at the level they are written
    chapter: bool = False
    #: a text of an anthology: the issue it comes from (its references resolve there)
    origin: Path | None = None

    @property
    def authors(self) -> list[str]:
        return list(self.meta.typed.authors)

    @property
    def headings(self) -> list[Heading]:
        return self.text.headings

    @property
    def xrefs(self) -> list[CrossReference]:
        return self.text.xrefs

    @property
    def citations(self) -> list[Citation]:
        return self.text.citations

    @property
    def images(self) -> list[Image]:
        return self.text.images

    @property
    def lines(self) -> list[str]:
        return self.text.lines


@dataclass
class Issue:
    """One issue: its settings, its articles in order, and where it lives."""

    path: Path  # the .md file or the issue folder
    source_file: Path  # the file holding the issue's front matter
    root: Path  # the project folder: nothing outside it is read
    meta: Settings
    build: Settings  # the series' [build] settings
    articles: list[Article]
    slug: str
    diagnostics: list[Diagnostic] = field(default_factory=list)  # found while loading
    _settings: IssueSettings | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def title(self) -> str:
        return self.meta.typed.title or self.slug

    @property
    def language(self) -> str:
        return self.settings.typed.language

    @property
    def settings(self) -> IssueSettings:
        """The issue's front matter over the series' ``[build]`` (before its theme and the
        command line are known: :attr:`Prepared.settings` has those)."""
        if self._settings is None or self._settings.front_matter is not self.meta \
                or self._settings.series is not self.build:
            self._settings = IssueSettings(self.meta, self.build)
        return self._settings

    @property
    def is_multi_article(self) -> bool:
        return sum(1 for a in self.articles if not a.is_intro) > 1

    def all_xrefs(self) -> list[CrossReference]:
        return [x for a in self.articles for x in a.xrefs]

    def all_citations(self) -> list[Citation]:
        return [c for a in self.articles for c in a.citations]

    def notes_before(self, article: Article) -> int:
        """How many footnotes the articles before ``article`` have (for per-issue numbers)."""
        count = 0
        for other in self.articles:
            if other is article:
                break
            count += len(other.text.footnotes)
        return count


# --- stage 2: what the references resolved to ----------------------------------------


@dataclass(frozen=True)
class Target:
    """What one target of a "see" clause resolved to, or why it did not."""

    status: str  # "resolved", "unresolved", "ambiguous" or "out-of-range"
    message: str = ""
    series: str | None = None
    issue: str | None = None  # the issue's designation, "vol.3"
    title: str | None = None
    page: int | None = None  # physical page, 1-based
    page_label: str | None = None
    href: str | None = None
    locator: str = ""  # the complete locator, "Ember Tide vol.3, p.5"


@dataclass
class XrefView:
    """How one cross-reference prints: its link and the locator text it gains."""

    href: str | None = None
    locator: str = ""
    title: str = ""
    resolved: bool = False
    replace_text: str | None = None  # "#anchor" prints as the heading it names
    local: bool = False  # same issue: print edition shows the page via target-counter
    targets: tuple[Target, ...] = ()  # each target of the clause, in order


@dataclass
class Resolved:
    """What the resolve stage hands the renderers."""

    xrefs: dict[str, XrefView] = field(default_factory=dict)  # by CrossReference.id
    citations: dict[str, str] = field(default_factory=dict)  # Citation.id → HTML
    bibliography_html: str = ""
    download_url: str | None = None  # the catalog's address for the issue, else the series'


@dataclass
class Prepared:
    """An issue loaded, its settings and theme chosen, its references resolved: ready
    to render in any format."""

    issue: Issue
    settings: IssueSettings
    theme: Theme
    page: PageSize
    resolved: Resolved
    diagnostics: Diagnostics
    notes: list[str] = field(default_factory=list)  # reports shown after the build
    #: the build's SOURCE_DATE_EPOCH (read once, where the command starts): the date the
    #: outputs carry instead of the clock's, for builds that are the same byte for byte
    source_date: datetime | None = None

    @property
    def footnote_numbering(self) -> str:
        return self.settings.typed.footnote_numbering


@dataclass(frozen=True)
class Edition:
    """Which edition a layout is for: the reading PDF (the default), the print edition
    (no live links, addresses printed, optional bleed) or an EPUB's chapters.  Passed from
    the format makers through :func:`~zinekit.render.pdf.render_pdf` to the HTML."""

    print_edition: bool = False
    bleed: Length | None = None  # the print bleed
    #: the ids of footnotes printed at their article's end from the start (those the
    #: reading PDF's layout moved there: :mod:`zinekit.render.note_overflow`)
    end_notes: frozenset[str] = frozenset()
    epub: bool = False
    #: the vendor's safe area (mm): no text nearer the trim (zinekit/render/safe_area.py)
    safe_mm: float | None = None
    #: when given, filled with each block's and heading's id: its article's anchor and
    #: source line (the preview's page view asks for it)
    block_lines: dict[str, tuple[str, int]] | None = field(default=None, compare=False)

    def template_flags(self) -> dict[str, object]:
        """What a theme's templates read as ``flags`` (``flags.get("bleed")``)."""
        return {"print_edition": self.print_edition,
                "bleed": self.bleed.css if self.bleed is not None else None,
                "end_notes": self.end_notes, "epub": self.epub}


#: The reading PDF's edition.
READING = Edition()


# --- stage 3: the laid-out reading PDF ------------------------------------------------


@dataclass
class LaidOut:
    """The reading PDF: its bytes (empty when only its pages were wanted), its page
    count, the page of every anchor and the element each page begins in."""

    data: bytes
    pages: int
    anchor_pages: dict[str, int]  # element id → 1-based page
    # per page: (id of the block it begins in, words of that block on earlier pages)
    page_starts: list[tuple[str, int]] = field(default_factory=list)


# --- what one issue hands the others and the next build --------------------------------


class InventoryArticle(TypedDict):
    title: str
    authors: list[str]
    anchor: str
    page: int | None  # 1-based page of the reading PDF; None in a provisional inventory
    page_label: str | None


class InventoryAnchor(TypedDict):
    id: str
    title: str
    level: int
    page: int | None
    page_label: str | None
    article: str  # the anchor of the article it is in


class Inventory(TypedDict):
    """``<slug>.inventory.json``: the issue's articles and anchors with their pages, which
    other issues resolve their references against (docs/catalog.md, §inventory).  A
    mapping, as it is written and read as JSON; one read from a file is checked by
    :func:`zinekit.resolve.catalog.validate_inventory` first."""

    format: str
    version: int
    title: str
    series: str | None
    volume: int | None
    number: int | None
    chapter: int | None
    slug: str
    pdf: str | None
    url: str | None
    pages: int | None  # None: provisional (the issue is not laid out yet)
    page_labels: list[str] | None
    articles: list[InventoryArticle]
    anchors: list[InventoryAnchor]


class BuildInputs(TypedDict):
    """What an issue's outputs depend on (:mod:`zinekit.pipeline.reuse`): the same inputs
    make the same files, so a build whose inputs are a recorded build's reuses its files.
    A mapping, as it is recorded in the build manifest as JSON."""

    zinekit: dict[str, Any]  # zinekit's version, its code's digest, its libraries' versions
    formats: list[str]
    theme: list[str | None]  # the theme's name, and --theme
    source_date_epoch: str | None
    vendor: str | None  # the printer the press PDF and cover are made for
    files: dict[str, Any]  # every input file: name → (size, mtime, digest)
    cited: str  # digest of the inventories of the issues it cites
    links: list[str | None]  # where its references to those issues link


# --- the build of one issue ------------------------------------------------------------


@dataclass
class IssueResult:
    """Everything one issue's build produced or found."""

    issue: Issue
    diagnostics: Diagnostics
    outputs: list[Path] = field(default_factory=list)
    pages: int = 0
    cited: list[Path] = field(default_factory=list)  # sources of the issues it refers to
    cited_state: str = ""  # their inventories when it was resolved (Session.snapshot)
    inventory: Inventory | None = None  # the inventory other issues resolve against
    reused: bool = False  # the last build's outputs were current: nothing was rendered
    thumbnail: bytes | None = None  # the reading PDF's cover as a PNG, for the download page


@dataclass
class BuildManifest:
    """What an issue's last build was made from and what it wrote (see
    :mod:`zinekit.pipeline.reuse`)."""

    inputs: dict[str, Any]
    outputs: dict[str, str]  # file name, relative to the issue's folder → SHA-256
    pages: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class Plan:
    """An issue prepared, its formats chosen and its inputs known, before rendering."""

    prepared: Prepared
    result: IssueResult
    formats: tuple[str, ...]
    out: Path  # the issue's output folder
    inventory_path: Path
    inputs: BuildInputs | None = None  # None when nothing is written (``zinekit check``)
    manifest: BuildManifest | None = None  # the last build's, when it can be reused
