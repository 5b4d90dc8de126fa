"""The preview's page view (``/pages``): every page of the reading edition as an image,
each paragraph on it a box that knows its ``file:line``.

The pages are laid out as the reading PDF is (:func:`~zinekit.render.pdf.render_pdf`,
untagged: tags change nothing on the page), in a thread of their own, after each save
once the view has been asked for; the images are drawn from that PDF by pdfium.  A save
that does not build leaves the last good pages in place, with the problem above them.
Paragraphs reach the pages through the ids the renderer gives blocks (``<article>.<n>``):
the renderer records each id's source line, and WeasyPrint's boxes say where each
block landed on which page.
"""

from __future__ import annotations

import io
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

from zinekit.errors import Diagnostics, SourceError, ZinekitError
from zinekit.model import Edition
from zinekit.reachins import page_box

#: Pixels per inch the pages are drawn at: an A5 page is 640 pixels wide.
DPI = 110
#: pdfium is not safe to call from two threads at once.
_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class Paragraph:
    """A block on a page: its id, source file (as the project names it), line, and box
    as fractions of the page's width and height (left, top, width, height)."""

    id: str
    file: str
    path: str  # the file's full path, for the editor's address
    line: int
    box: tuple[float, float, float, float]


@dataclass
class Page:
    png: bytes
    width: int  # pixels
    height: int
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class PageSet:
    """One good layout's pages."""

    version: int
    pages: list[Page]
    seconds: float
    built_at: float


class PagesFailed(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def lay_out_pages(path: Path, root: Path) -> tuple[list[Page], int]:
    """The reading edition's pages of the issue at ``path``, drawn, with their
    paragraphs; and how many pages."""
    from zinekit.render.pdf import render_pdf
    from zinekit.serve.preview import prepare

    diagnostics = Diagnostics()
    try:
        _project, _session, prepared = prepare(path, diagnostics)
        diagnostics.extend(prepared.diagnostics)
        if diagnostics.errors:
            raise PagesFailed([str(d) for d in diagnostics.errors])
        lines: dict[str, tuple[str, int]] = {}
        documents: list[Any] = []
        laid = render_pdf(prepared, variant="", diagnostics=diagnostics, on_layout=documents.append,
                          edition=Edition(block_lines=lines))
    except SourceError as exc:
        raise PagesFailed([str(exc.diagnostic)]) from None
    except ZinekitError as exc:
        raise PagesFailed(exc.lines()) from None
    if diagnostics.errors:
        raise PagesFailed([str(d) for d in diagnostics.errors])
    files = {a.anchor: a.path for a in prepared.issue.articles}
    pages = [Page(png, w, h) for png, w, h in draw_pages(laid.data)]
    for page, found in zip(pages, paragraphs_by_page(documents[0], lines, files, root)):
        page.paragraphs = found
    return pages, laid.pages


def draw_pages(data: bytes) -> Iterator[tuple[bytes, int, int]]:
    """Each page of the PDF ``data`` as PNG bytes, width and height."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        document = pdfium.PdfDocument(data)
        try:
            for index in range(len(document)):
                page = document[index]
                image = page.render(scale=DPI / 72).to_pil()
                out = io.BytesIO()
                image.save(out, "PNG", compress_level=1)
                yield out.getvalue(), image.width, image.height
                page.close()
        finally:
            document.close()


def paragraphs_by_page(document: Any, lines: dict[str, tuple[str, int]], files: dict[str, Path],
                       root: Path) -> list[list[Paragraph]]:
    """For each page of WeasyPrint's ``document``, the blocks with a source line, where
    they landed (a paragraph split across pages is on both)."""
    out = []
    for page in document.pages:
        box = page_box(page)
        width, height = box.margin_width(), box.margin_height()
        found: list[Paragraph] = []
        for block in _blocks(box, lines):
            ident = block.element.get("id")
            anchor, line = lines[ident]
            source = files.get(anchor)
            if source is None:
                continue
            x, y = block.border_box_x(), block.border_box_y()
            w, h = block.border_width(), block.border_height()
            found.append(Paragraph(ident, _shown(source, root), str(source.resolve()), line,
                                   (x / width, y / height, w / width, h / height)))
        out.append(found)
    return out


def _blocks(box: Any, lines: dict[str, tuple[str, int]]) -> Iterator[Any]:
    """The innermost block boxes of ``box`` whose element has a recorded line."""
    from weasyprint.formatting_structure import boxes

    for child in getattr(box, "children", None) or ():
        if isinstance(child, (boxes.LineBox, boxes.InlineLevelBox)):
            continue
        inner = list(_blocks(child, lines))
        element = getattr(child, "element", None)
        if inner:
            yield from inner
        elif element is not None and isinstance(child, boxes.BlockLevelBox) \
                and element.get("id") in lines and "::" not in str(child.element_tag):
            yield child


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def editor_address(template: str | None, paragraph: Paragraph) -> str | None:
    """The editor's address for a paragraph, from a template such as
    ``vscode://file/{path}:{line}`` (``{file}`` is the path inside the project)."""
    if not template:
        return None
    path = quote(paragraph.path, safe="/:")
    if re.search(r"[^/]/\{path\}", template) and path.startswith("/"):  # vscode://file/{path}
        path = path[1:]
    return (template.replace("{path}", path)
            .replace("{file}", quote(paragraph.file, safe="/"))
            .replace("{line}", str(paragraph.line)))


class PageView:
    """The page view of one preview: laid out again after each save once asked for."""

    def __init__(self, path: Path, root: Path, log=None) -> None:
        self.path, self.root = path, root
        self.log = log or (lambda message: None)
        self.current: PageSet | None = None
        self.problem: list[str] | None = None
        self.version = 0  # moves on with each layout, good or not
        self.active = False
        self.pending = False
        self.stopping = False
        self.changed = threading.Condition()
        self.thread: threading.Thread | None = None

    def wanted(self) -> None:
        """The page view was asked for: lay out now if nothing is laid out yet."""
        with self.changed:
            if not self.active:
                self.active = True
                self.pending = True
                self._start()
                self.changed.notify_all()

    def saved(self) -> None:
        """A source changed: lay out again (once more after the layout under way)."""
        with self.changed:
            if self.active:
                self.pending = True
                self.changed.notify_all()

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()

    def snapshot(self) -> tuple[int, PageSet | None, list[str] | None]:
        with self.changed:
            return self.version, self.current, self.problem

    def wait_for_change(self, known: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != known or self.stopping, timeout=timeout)
            return self.version

    def _start(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="zinekit-pages", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        while True:
            with self.changed:
                self.changed.wait_for(lambda: self.pending or self.stopping)
                if self.stopping:
                    return
                self.pending = False
            self._lay_out()

    def _lay_out(self) -> None:
        started = time.perf_counter()
        problem: list[str] | None = None
        pages: list[Page] | None = None
        try:
            pages, _count = lay_out_pages(self.path, self.root)
        except PagesFailed as failed:
            problem = failed.lines
        except Exception as exc:  # a bug: shown above the pages, the server goes on
            problem = [f"internal error in zinekit: {type(exc).__name__}: {exc}"]
            self.log(f"zinekit serve: internal error laying out the pages: {exc!r}")
        with self.changed:
            self.version += 1
            if pages is not None:
                self.current = PageSet(self.version, pages, time.perf_counter() - started, time.time())
            self.problem = problem
            self.changed.notify_all()


def editor_setting(project) -> str | None:
    """``[serve] editor`` of zinekit.toml: the address a clicked paragraph opens, such as
    ``vscode://file/{path}:{line}``."""
    if project.file is None:
        return None
    table = project.file.data.get("serve") or {}
    value = table.get("editor") if isinstance(table, dict) else None
    if value is None:
        return None
    if not isinstance(value, str) or "{" not in value:
        from zinekit.config.files import toml_key_line

        line = toml_key_line(project.file.path.read_text(encoding="utf-8"), "editor", "serve")
        raise ZinekitError(f"{project.file.path}:{line or 1}:1: error: [serve] editor must be an "
                           'address with {path} and {line} in it, such as "vscode://file/{path}:{line}"')
    return value
