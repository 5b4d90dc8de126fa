"""HTML → PDF with WeasyPrint, reading only what the project allows.

:func:`render_pdf` lays out one PDF edition of a prepared issue: the reading PDF, or the
print edition the booklet and the press PDF are made from.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import warnings
import re
import sys
import uuid
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar
from urllib.parse import quote, unquote, urljoin, urlparse
from urllib.request import url2pathname

import PIL.Image
import pydyf
import tinycss2
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from zinekit.errors import Diagnostics, ZinekitError
from zinekit.safety.limits import check_css_file, irregular_kind
from zinekit.markup.xrefs import SIBLING_SCHEME
from zinekit.model import Issue, LaidOut, Prepared
from zinekit.render.document import render_issue_html
from zinekit.render import footnote_area
from zinekit.render.note_overflow import (NotePlacement, misplaced_footnotes, moved_note,
                                          placement_for, report_misplaced)
from zinekit.render.epub.assets import css_urls, url_of
from zinekit.render.fonts import check_font_coverage, check_font_families
from zinekit.render.page_starts import page_starts
from zinekit.render.tagging import finish_tags, page_references_kept
from zinekit.proof.settle import needs_settling, settle
from zinekit.themes_loader import builtin_themes_folder
from zinekit.safety.names import existing_path

footnote_area.install()  # a note that fits stays on its page (see footnote_area.py)


#: Where WeasyPrint sees the project's files and the built-in themes: fixed addresses,
#: so that nothing it derives from an address (an image's name in the PDF, the file's
#: identifier) depends on the folder the project lives in.
MOUNTS = ("file:///zinekit-project/", "file:///zinekit-themes/")


class ProjectFetcher(URLFetcher):
    """Serves files inside the allowed folders; refuses other paths and, unless the
    project allows it, the network.  Every refusal is remembered for a located warning.

    ``mounts`` are the folders seen at fixed addresses (see :data:`MOUNTS`): the
    project's root, then the built-in themes; :meth:`url_for` gives a file's address."""

    def __init__(self, allowed_roots: Iterable[Path], allow_network: bool = False,
                 mounts: Iterable[Path] = ()) -> None:
        super().__init__(timeout=10, allowed_protocols=None)
        self.roots = [Path(r).resolve() for r in allowed_roots]
        self.allow_network = allow_network
        self.mounts = list(zip(MOUNTS, [Path(m).resolve() for m in mounts]))
        self.refused: list[tuple[str, str]] = []  # (url, reason)

    def url_for(self, path: Path) -> str:
        """The address WeasyPrint is given for ``path``: under a mount when inside one."""
        resolved = path.resolve()
        for prefix, folder in self.mounts:
            if resolved.is_relative_to(folder):
                return prefix + quote(resolved.relative_to(folder).as_posix())
        return resolved.as_uri()

    def real_path(self, url: str) -> Path:
        """The file a ``file:`` address names, mounts mapped back (under the Unicode
        normalisation its name has on disk)."""
        for prefix, folder in self.mounts:
            if url.startswith(prefix):
                inside = url2pathname(unquote(urlparse(url).path[len(prefix) - 7:]))
                return existing_path(folder / inside)
        return existing_path(Path(url2pathname(unquote(urlparse(url).path))))

    def fetch(self, url: str, headers=None):  # noqa: D102 - WeasyPrint's hook
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self.real_path(url).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                self._refuse(url, "it is outside the project folder")
            kind = irregular_kind(path)
            if kind is not None:  # a named pipe would block the build for ever
                self._refuse(url, f"it is {kind}, not a regular file")
            if path.suffix.lower() == ".css":  # an @import: bounded as theme stylesheets are
                self._check_stylesheet(url, path)
            response = super().fetch(path.as_uri(), headers)
            response.url = url  # what it refers to resolves under the mount too
            return response
        if scheme in ("http", "https") and self.allow_network:
            return super().fetch(url, headers)
        if scheme in ("http", "https"):
            self._refuse(url, "the network is off (set allow_network = true in [build])")
        self._refuse(url, f"{scheme}: addresses are not loaded")
        raise AssertionError("unreachable")

    def _check_stylesheet(self, url: str, path: Path) -> None:
        try:
            check_css_file(path)
        except ZinekitError as exc:
            self._refuse(url, exc.message.split(": error: ", 1)[-1])

    def _refuse(self, url: str, reason: str) -> None:
        self.refused.append((url, reason))
        raise ValueError(f"zinekit refused {url}: {reason}")


class _Collector(logging.Handler):
    """Keeps WeasyPrint's warnings so they can be reported once, with context."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def report_refusals(fetcher: ProjectFetcher, issue: Issue, diagnostics: Diagnostics) -> None:
    """A located warning for every file or address the build refused to read."""
    for url, reason in fetcher.refused:
        written, path, line, col = find_image(issue, url, fetcher)
        if written is None:  # not a Markdown image: raw HTML, say
            path, line, col = locate_text(issue, url)
        shown = written or url
        diagnostics.warning(f"not loaded: {shown} ({reason})", path, line, col)


def find_image(issue: Issue, url: str,
               fetcher: ProjectFetcher | None = None) -> tuple[str | None, str, int, int]:
    """The image whose address, as written in an article, resolves to ``url``."""
    for article in issue.articles:
        folder = article.path.parent
        base = (fetcher.url_for(folder) if fetcher else folder.resolve().as_uri()) + "/"
        for image in article.images:
            target = urljoin(base, image.src)
            if unquote(target) == unquote(url) or image.src == url:
                return image.src, str(article.path), image.line, image.col
    return None, str(issue.source_file), 0, 0


def find_cover(issue: Issue, url: str,
               fetcher: ProjectFetcher) -> tuple[str, str, int, int] | None:
    """The ``cover:`` image as its front matter writes it, when it resolves to ``url``."""
    written = issue.meta.get("cover")
    if not isinstance(written, str) or not written:
        return None
    base = fetcher.url_for(issue.source_file.parent) + "/"
    if unquote(urljoin(base, quote(written))) != unquote(url):
        return None
    return written, str(issue.source_file), issue.meta.line_of("cover"), 1


def locate_text(issue: Issue, needle: str) -> tuple[str, int, int]:
    """The first place ``needle`` is written in the issue's sources."""
    for article in issue.articles:
        for number, line in enumerate(article.lines, start=1):
            col = line.find(needle)
            if col >= 0:
                return str(article.path), number, col + 1
    return str(issue.source_file), 0, 0


def render_document(html: str, issue: Issue, stylesheets: list[Path],
                    fetcher: ProjectFetcher, diagnostics: Diagnostics,
                    variant: str | None = None,
                    placement: NotePlacement | None = None) -> weasyprint.Document:
    """Lay out the issue once.  Footnotes sit at the foot of the page of their call
    (``footnote-policy: line``, with :mod:`footnote_area`'s fixes to WeasyPrint); a note
    still moved to the next page is reported where it is called.  The one exception to
    a single layout: a theme that sets text in columns, where WeasyPrint moves notes a
    page on in dense text, lays the articles concerned out again in one column (issues
    of at most 100 pages; see docs/performance.md, "Footnotes WeasyPrint moves").
    Then, with ``placement``, the notes of ``notes_overflow: end`` articles that still
    have no room under their call are set at their article's end, and the issue laid
    out again (see :mod:`zinekit.render.note_overflow`)."""
    document = _layout(html, issue, stylesheets, fetcher, diagnostics, variant)
    misplaced = misplaced_footnotes(document)
    one_column = None
    if misplaced and has_columns(document) and len(document.pages) <= COLUMN_RETRY_MAX_PAGES:
        one_column = one_column_css(issue, misplaced)
        retry = _layout(html, issue, stylesheets, fetcher, Diagnostics(), variant, one_column)
        if len(misplaced_footnotes(retry)) < len(misplaced):
            document = retry
        else:
            one_column = None
    if placement is not None:
        document, html = placement.settle(document, html, lambda again: _layout(
            again, issue, stylesheets, fetcher, Diagnostics(), variant, one_column))
    if needs_settling(document):  # page-turn hyphens, runt pages (zinekit/proof/settle.py)
        document = settle(document, lambda css: _layout(
            html, issue, stylesheets, fetcher, Diagnostics(), variant,
            " ".join(filter(None, [one_column, css]))), lambda d: len(misplaced_footnotes(d)))
    report_misplaced(document, issue, diagnostics, placement)
    return document


COLUMN_RETRY_MAX_PAGES = 100


def has_columns(document: weasyprint.Document) -> bool:
    """Whether any page sets text in columns."""
    def walk(box) -> bool:
        return getattr(box, "is_column", False) or any(
            walk(child) for child in getattr(box, "children", None) or ())
    return any(walk(page._page_box) for page in document.pages)


def one_column_css(issue: Issue, misplaced: list[str]) -> str:
    """The first retry where there are columns: the articles whose notes WeasyPrint
    moved, set in one column.
    (Its columns estimate the notes' room from a trial layout and move the notes that
    the final one adds: a theme with columns, such as ``photocopy``, falls back to one
    column for an article with a note in most paragraphs.)"""
    anchors = [a.anchor for a in issue.articles
               if any(fid.startswith(f"fn-{a.anchor}-") for fid in misplaced)]
    return " ".join(f'article[id="{anchor}"] {{ columns: auto !important; }}' for anchor in anchors)


def _layout(html: str, issue: Issue, stylesheets: list[Path], fetcher: ProjectFetcher,
            diagnostics: Diagnostics, variant: str | None,
            extra_css: str | None = None) -> weasyprint.Document:
    """One WeasyPrint layout; its warnings about missing files become diagnostics."""
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    old_propagate = logger.propagate
    logger.propagate = False
    try:
        with warnings.catch_warnings():  # a huge image is reported where it is written
            warnings.simplefilter("ignore", PIL.Image.DecompressionBombWarning)
            document = _render(html, issue, stylesheets, fetcher, variant, extra_css)
    finally:
        logger.removeHandler(collector)
        logger.propagate = old_propagate
    report_refusals(fetcher, issue, diagnostics)
    for message in collector.messages:
        image = re.search(r"Failed to load image at [\"']?([^\"'\s]+)", message)
        if image and "zinekit refused" not in message:
            _report_image(image.group(1), issue, stylesheets, fetcher, diagnostics)
    return document


def _render(html: str, issue: Issue, stylesheets: list[Path], fetcher: ProjectFetcher,
            variant: str | None, extra_css: str | None) -> weasyprint.Document:
    """WeasyPrint's layout, every file seen at its address under the mounts."""
    fonts = FontConfiguration()
    css = [weasyprint.CSS(string=p.read_text(encoding="utf-8"), base_url=fetcher.url_for(p),
                          url_fetcher=fetcher, font_config=fonts) for p in stylesheets]
    if extra_css:
        css.append(weasyprint.CSS(string=extra_css, font_config=fonts))
    base_url = fetcher.url_for(issue.source_file.parent) + "/"
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        stylesheets=css, font_config=fonts, **variant_options(variant))


def _report_image(url: str, issue: Issue, stylesheets: list[Path], fetcher: ProjectFetcher,
                  diagnostics: Diagnostics) -> None:
    """An image WeasyPrint could not load, where it is named: in the Markdown, else in
    the theme's stylesheets."""
    written, path, line, col = find_image(issue, url, fetcher)
    if written is None:
        written, path, line, col = find_cover(issue, url, fetcher) or (written, path, line, col)
    local = fetcher.real_path(url) if url.startswith("file:") else None
    if written is None and local is not None:
        path, line, col = css_url_place(stylesheets, fetcher, url) or (path, line, col)
    if local is not None and not local.exists():
        shown = written or (theme_relative_url(stylesheets, fetcher, url) or str(local))
        diagnostics.error(f"image not found: {shown}", path, line, col)
    else:
        shown = written or (project_relative(local, issue) if local is not None else url)
        diagnostics.error(f"image could not be loaded (not an image, or damaged): {shown}",
                          path, line, col)


def project_relative(path: Path, issue: Issue) -> str:
    """``path`` as it reads from the project's folder (never a mount's address)."""
    try:
        return path.resolve().relative_to(issue.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _css_urls(stylesheets: list[Path], fetcher: ProjectFetcher):
    """(stylesheet, url as written, its address, line, column) of every ``url()``."""
    for sheet in stylesheets:
        base = fetcher.url_for(sheet)
        tokens = tinycss2.parse_component_value_list(sheet.read_text(encoding="utf-8"))
        for token in css_urls(tokens):
            written = url_of(token)
            yield sheet, written, urljoin(base, written), token.source_line, token.source_column


def css_url_place(stylesheets: list[Path], fetcher: ProjectFetcher,
                  url: str) -> tuple[str, int, int] | None:
    """The stylesheet, line and column of the first ``url()`` that resolves to ``url``."""
    for sheet, _, address, line, col in _css_urls(stylesheets, fetcher):
        if unquote(address) == unquote(url):
            return str(sheet), line, col
    return None


def theme_relative_url(stylesheets: list[Path], fetcher: ProjectFetcher, url: str) -> str | None:
    """The ``url()`` as the stylesheet writes it."""
    for _, written, address, _, _ in _css_urls(stylesheets, fetcher):
        if unquote(address) == unquote(url):
            return written
    return None


def sibling_links(document: weasyprint.Document, pdf: pydyf.PDF) -> None:
    """WeasyPrint finisher: links to a sibling issue's PDF become remote go-to actions
    (``/GoToR`` to a relative file and page), which PDF viewers follow on disk."""
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Dictionary) or obj.get("Subtype") != "/Link":
            continue
        action = obj.get("A")
        uri = getattr(action.get("URI"), "string", "") if isinstance(action, dict) else ""
        if not uri.startswith(SIBLING_SCHEME):
            continue
        path, _, fragment = uri[len(SIBLING_SCHEME):].partition("#")
        page = int(fragment[5:]) if fragment.startswith("page=") and fragment[5:].isdigit() else 1
        obj["A"] = pydyf.Dictionary({
            "Type": "/Action", "S": "/GoToR", "F": pydyf.String(unquote(path)),
            "D": pydyf.Array([max(page - 1, 0), "/Fit"]), "NewWindow": "true",
        })


def pdf_bytes(document: weasyprint.Document, identity: str, variant: str | None = None) -> bytes:
    """The PDF, with a file identifier derived from the content (reproducible builds);
    ``variant`` is a WeasyPrint PDF variant such as ``pdf/x-4``.  The tagged reading
    PDF (``pdf/ua-1``) has its structure finished by :mod:`zinekit.render.tagging`."""
    identifier = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32].encode("ascii")

    def finish(document: weasyprint.Document, pdf: pydyf.PDF) -> None:
        sibling_links(document, pdf)
        stable_document_id(pdf, identifier.decode("ascii"))
        if variant == READING_VARIANT:
            finish_tags(document, pdf)
        pages_outside_object_stream(pdf)

    # What WeasyPrint logs while writing (an image without alt text) is reported when
    # the issue is loaded, with its place in the Markdown.
    kept = page_references_kept() if variant == READING_VARIANT else contextlib.nullcontext()
    with _quiet_weasyprint(), kept:
        data = document.write_pdf(finisher=finish, **variant_options(variant))
    return with_file_identifier(data, identifier)


def with_file_identifier(data: bytes, identifier: bytes) -> bytes:
    """``data`` with the file identifier ``/ID [(identifier) (md5 of the file)]`` in its
    trailer.

    pydyf, asked for an identifier, serializes every object a second time (and deflates
    every stream again) to hash them: 2-3 % of writing the reading PDF.  The trailer is
    the file's last dictionary and nothing points inside it, so the entry is inserted
    there, with every offset in the file left as it was.  A file that has one already
    (WeasyPrint gives a PDF/X file its own) is left as it is."""
    start = int(data[data.rindex(b"startxref") + len(b"startxref"):].split()[0])
    if data.startswith(b"xref", start):  # a classic table, then the trailer
        at = data.index(b"trailer", start) + len(b"trailer\n<<")
        end = data.index(b"startxref", at)
    else:  # a cross-reference stream, whose dictionary is the trailer
        at = data.index(b"<<", start) + len(b"<<")
        end = data.index(b"stream", at)
    if b"/ID" in data[at:end]:
        return data
    digest = hashlib.md5(data).hexdigest().encode("ascii")
    entry = b"/ID [(" + identifier + b") (" + digest + b")]"
    return data[:at] + entry + data[at:]


@contextlib.contextmanager
def _quiet_weasyprint() -> Iterator[None]:
    """Keep WeasyPrint's log records from the console while the PDF is written."""
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    logger.addHandler(collector)
    old_propagate, logger.propagate = logger.propagate, False
    try:
        yield
    finally:
        logger.removeHandler(collector)
        logger.propagate = old_propagate


_XMP_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def stable_document_id(pdf: pydyf.PDF, identifier: str) -> None:
    """WeasyPrint gives a PDF/X file a random XMP ``DocumentID``; use one derived from
    the content instead, so that the same input builds the same bytes."""
    document_id = b"xmp.did:" + str(uuid.UUID(hex=identifier)).encode("ascii")
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            obj.stream = [_XMP_DOCUMENT_ID.sub(document_id, chunk)
                          if isinstance(chunk, bytes) else chunk for chunk in obj.stream]


class _LooseDictionary(pydyf.Dictionary):
    compressible = False


class _LooseArray(pydyf.Array):
    compressible = False


_REFERENCE = re.compile(rb"(\d+) 0 R")
#: Keys that lead from a page to the structure tree or back up the page tree.
_NOT_PAGE_CONTENT = frozenset({"Parent", "P", "StructParent", "StructParents", "StructTreeRoot"})


def pages_outside_object_stream(pdf: pydyf.PDF) -> None:
    """Write the catalog, the document's information, the page tree and what the pages
    draw with (resources, fonts, annotations) as plain objects, and leave the rest (the
    structure tree, the named destinations) in the object stream.

    pydyf puts every dictionary in one object stream, and a reader must parse all of
    it to reach any one: 14,000 objects of structure tree for a 200-page tagged PDF.
    Imposing the reading PDF (the booklet) then reads the pages without them: 0.58 s
    to open it became 0.07 s, for a file 6 % larger (docs/performance.md)."""
    catalog = pdf.catalog
    if isinstance(catalog.get("Names"), dict):  # the destinations: large, not drawn
        names = pydyf.Dictionary(catalog["Names"])
        pdf.add_object(names)
        catalog["Names"] = names.reference
    _loosen(catalog)
    _loosen(pdf.info)  # the title and author, which imposing copies
    seen: set[int] = set()
    waiting = [pdf.pages.number]
    while waiting:
        number = waiting.pop()
        if number in seen or not 0 < number < len(pdf.objects):
            continue
        seen.add(number)
        obj = pdf.objects[number]
        if isinstance(obj, dict):
            waiting += [n for key, value in obj.items() if key not in _NOT_PAGE_CONTENT
                        for n in _references(value)]
        elif isinstance(obj, list):
            waiting += _references(obj)
        elif isinstance(obj, pydyf.Stream):  # a form's or an image's own resources
            waiting += _references(obj.extra)
        _loosen(obj)


def _loosen(obj: object) -> None:
    if type(obj) is pydyf.Dictionary:
        obj.__class__ = _LooseDictionary
    elif type(obj) is pydyf.Array:
        obj.__class__ = _LooseArray


def _references(value: object) -> list[int]:
    """Object numbers referred to in a pydyf value: ``b"12 0 R"`` or ``[12, 0, "R"]``."""
    if isinstance(value, (bytes, str)):
        data = value.encode("latin-1", "ignore") if isinstance(value, str) else value
        return [int(n) for n in _REFERENCE.findall(data)]
    if isinstance(value, dict):
        return [n for key, item in value.items() if key not in _NOT_PAGE_CONTENT
                for n in _references(item)]
    if isinstance(value, (list, tuple)):
        found: list[int] = []
        for i, item in enumerate(value):
            if (isinstance(item, int) and not isinstance(item, bool)
                    and value[i + 1:i + 3] in ([0, "R"], (0, "R"))):
                found.append(item)
            else:
                found += _references(item)
        return found
    return []


#: The reading PDF is tagged for assistive technology; the print editions are not
#: (the booklet is imposed, the press PDF is PDF/X-4).
READING_VARIANT = "pdf/ua-1"


def variant_options(variant: str | None) -> dict[str, str]:
    """WeasyPrint options for a PDF variant; PDF/X gets an sRGB output intent."""
    if not variant:
        return {}
    if variant.startswith("pdf/x"):
        return {"pdf_variant": variant, "output_intent": "srgb"}
    return {"pdf_variant": variant}


def edition_variant(variant: str | None, flags: dict[str, object]) -> str | None:
    """The variant asked for; by default PDF/UA-1 for the reading PDF, none for paper."""
    if variant is not None or flags.get("print_edition"):
        return variant
    return READING_VARIANT


@contextlib.contextmanager
def ours_left_unscanned() -> Iterator[None]:
    """While WeasyPrint lays out and writes, its millions of new objects start many
    garbage collections; each would also walk every object the build made before
    (tokens, templates, the catalog), which none of them can free.  Those are set aside
    for the time (``gc.freeze``): 3-10 % of a build's CPU time, see docs/performance.md."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


T = TypeVar("T")

#: Slots of Python's data stack set aside below a layout (see :func:`with_stack_room`).
STACK_ROOM_SLOTS = 131_072  # 1 MiB of frame: its chunk leaves about 1 MiB free above it


def with_stack_room(work: Callable[..., T], *args: Any) -> T:
    """``work(*args)``, its calls made in one piece of Python's data stack.

    CPython keeps its frames in 16 KiB chunks and frees a chunk each time the call that
    opened it returns (until its issue gh-142183 was fixed, in 3.14 and late 3.13
    releases).  WeasyPrint's layout and drawing call in and out of the same dozen
    functions for every line: where a chunk ends inside that range, each line allocates
    and frees a chunk, and the layout is 10-20 % slower, by the luck of how deep the
    build called it (docs/performance.md, "The depth a layout starts at").  The call is
    made from a frame of :data:`STACK_ROOM_SLOTS` slots, which opens a chunk of 2 MiB
    with about half of it left for ``work``'s frames: no chunk ends at any depth a
    layout reaches.  The memory is reserved, not touched beyond what the frames use."""
    return _roomy(work, args)


def _roomy(work: Callable[..., T], args: tuple) -> T:
    return work(*args)


if sys.version_info < (3, 14):  # later versions keep a chunk for the next call
    _roomy.__code__ = _roomy.__code__.replace(co_stacksize=STACK_ROOM_SLOTS)


def render_pdf(prepared: Prepared, variant: str | None = None, with_bytes: bool = True,
               diagnostics: Diagnostics | None = None,
               on_layout: Callable[[weasyprint.Document], None] | None = None,
               **flags: object) -> LaidOut:
    """Lay out a PDF edition (by default the reading PDF, tagged PDF/UA-1): its bytes,
    page count, the page of every anchor and where each page begins; problems go to
    ``diagnostics`` (the issue's by default).
    ``with_bytes=False`` lays it out for its pages only: writing a 1,000-page PDF is
    about a sixth of the time it takes.  ``end_notes`` (the ids of footnotes to print at
    their article's end, e.g. those the reading PDF moved) start the print edition
    where the reading PDF ended (:mod:`zinekit.render.note_overflow`)."""
    issue, theme = prepared.issue, prepared.theme
    diagnostics = prepared.diagnostics if diagnostics is None else diagnostics
    variant = edition_variant(variant, flags)
    html = render_issue_html(prepared, mode="print", **flags)
    others = {key: value for key, value in flags.items() if key != "end_notes"}
    placement = placement_for(prepared, lambda end_notes: render_issue_html(
        prepared, mode="print", end_notes=end_notes, **others), flags.get("end_notes"))
    fetcher = ProjectFetcher([issue.root, *theme.folders, builtin_themes_folder()],
                             allow_network=bool(issue.build.get("allow_network")),
                             mounts=[issue.root, builtin_themes_folder()])
    check_font_coverage(issue, theme.fonts(), diagnostics)
    check_font_families(theme.stylesheets("print"), diagnostics)
    with warnings.catch_warnings(), ours_left_unscanned():
        warnings.simplefilter("ignore", PIL.Image.DecompressionBombWarning)  # reported later
        document = with_stack_room(render_document, html, issue, theme.stylesheets("print"),
                                   fetcher, diagnostics, variant, placement)
        data = with_stack_room(pdf_bytes, document, html, variant) if with_bytes else b""
    if on_layout is not None:  # zinekit proof reads the layout (zinekit.proof)
        on_layout(document)
    report = moved_note(prepared, placement)
    if report and not flags.get("print_edition"):  # the print edition moves the same
        prepared.notes.append(report)
    anchor_pages: dict[str, int] = {}
    for number, laid_out in enumerate(document.pages, start=1):
        for anchor in laid_out.anchors:
            anchor_pages.setdefault(anchor, number)
    return LaidOut(data, len(document.pages), anchor_pages, page_starts(document))
