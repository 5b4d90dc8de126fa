"""The series' download page, ``dist/index.html``: every issue with its cover, title,
season, contents and the files a reader can take away.

A file is linked only if this build made it (or found it current, see
:mod:`zinekit.pipeline.reuse`) and it is there when the page is written, with its size and (for
PDFs) its page count read back: the page never offers what the folder merely holds (a
press PDF left by an earlier one-off build) nor what it does not.  Covers are the reading PDF's first page, rendered with pypdfium2.
Plain HTML and CSS: no script, nothing fetched from elsewhere.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from zinekit.errors import ZinekitError
from zinekit.locale import N_, labels
from zinekit.model import IssueResult
from zinekit.safety.output import write_bytes
from zinekit.project import Project
from zinekit.render.document import issue_line
from zinekit.render.locale import format_issue_date
from zinekit.render.web import theme_file, web_templates
from zinekit.themes_loader import Theme, builtin_themes_folder, load_theme

COVER_WIDTH_PX = 360  # shown at 180 CSS pixels: sharp on high-density screens
PAGE_STYLESHEET = "css/web-downloads.css"


@dataclass
class Download:
    label: str
    href: str  # relative to the page
    size: str
    pages: int | None = None
    kind: str = "pdf"
    sheet: str = ""  # a booklet's sheet size, for its label

    @property
    def fields(self) -> dict[str, str]:
        """What the label (a message id, translated by the page) names."""
        return {"sheet": self.sheet}


@dataclass
class Entry:
    """One issue as the page shows it."""

    title: str
    line: str
    season: str
    description: str
    contents: list[str]
    downloads: list[Download] = field(default_factory=list)
    cover: str | None = None
    order: tuple[float, ...] = ()
    slug: str = ""
    language: str = "en"

    @property
    def numbers_its_contents(self) -> bool:
        """Titles that carry their own numbers ("1. Introduction"): the list adds none."""
        return any(SELF_NUMBERED.match(title) for title in self.contents)


#: A title that begins with its number: "1. ", "IV. ", "3) ", "12: ".
SELF_NUMBERED = re.compile(r"\s*(?:\d{1,3}|[IVXLC]{1,7}|[ivxlc]{1,7})[.):]\s")


def human_size(size: int) -> str:
    """``312 kB``, ``1.2 MB`` (decimal units, as file browsers show them)."""
    if size < 1000:
        return f"{size} bytes"
    if size < 999_500:
        return f"{size / 1000:.0f} kB"
    if size < 999_950_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{size / 1_000_000_000:.1f} GB"


def pdf_page_count(path: Path) -> int | None:
    """The number of pages ``path`` holds, read by PDFium (a library's page lists 1,000
    PDFs: 0.1-0.7 ms each, where pypdf takes 1-14 ms)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except Exception:  # a damaged file is listed without a page count
        return None
    try:
        return len(document)
    finally:
        document.close()


def cover_thumbnail(pdf: Path | bytes, width: int = COVER_WIDTH_PX) -> bytes | None:
    """The first page of ``pdf`` (a file or its bytes) as a PNG ``width`` pixels wide,
    or None."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        return None
    try:
        document = pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
        try:
            page = document[0]
            image = page.render(scale=width / page.get_width()).to_pil()
            page.close()
        finally:
            document.close()
    except Exception:  # no thumbnail rather than no page
        return None
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def issue_files(folder: Path, slug: str, outputs: Iterable[Path]) -> list[Download]:
    """The ``outputs`` of the issue's build that are in ``dist/<slug>/`` for readers, in
    the order a reader looks for them."""
    found: list[Download] = []
    here = folder.resolve()
    made = {p.name for p in outputs if p.parent.resolve() == here and p.is_file()}

    def add(path: Path, label: str, kind: str, sheet: str = "") -> None:
        if path.name not in made:
            return
        pages = pdf_page_count(path) if kind == "pdf" else None
        href = quote(f"{slug}/{path.name}")
        found.append(Download(label, href, human_size(path.stat().st_size), pages, kind, sheet))

    add(folder / f"{slug}.pdf", N_("Reading PDF"), "pdf")
    for booklet in sorted(folder.glob(f"{slug}-booklet-*.pdf")):
        sheet = booklet.stem[len(f"{slug}-booklet-"):]
        add(booklet, N_("Booklet to print and fold ({sheet})"), "pdf", _sheet_name(sheet))
    for press in sorted(folder.glob(f"{slug}-press*.pdf")):
        add(press, N_("Press PDF (for a print shop)"), "pdf")
    add(folder / f"{slug}-cover.pdf", N_("Cover of a perfect-bound copy (for a print shop)"), "pdf")
    add(folder / f"{slug}.epub", N_("EPUB (e-readers)"), "epub")
    add(folder / "index.html", N_("Read online"), "html")
    return found


def _sheet_name(sheet: str) -> str:
    return sheet.upper() if re.fullmatch(r"[abc]\d+", sheet) else sheet


def issue_entry(result: IssueResult, out_dir: Path, covers: dict[str, str] | None = None) -> Entry:
    """The issue's entry on the page, with the files its build made; the cover is the
    library's (``covers``, by slug: :mod:`zinekit.library.thumbnails`), else the one its
    build drew, else it is drawn here from the reading PDF it made."""
    issue = result.issue
    folder = out_dir / issue.slug
    meta = issue.meta
    entry = Entry(
        title=issue.title,
        line=issue_line(issue),
        season=str(meta.typed.season or format_issue_date(meta.typed.date, issue.language)),
        description=str(meta.typed.description or ""),
        contents=[a.title for a in issue.articles if a.title and not a.is_intro],
        downloads=issue_files(folder, issue.slug, result.outputs),
        order=tuple(_number(value) for value in meta.typed.numbering),
        slug=issue.slug, language=issue.language,
    )
    if covers is not None:
        entry.cover = covers.get(issue.slug)
        return entry
    reading = folder / f"{issue.slug}.pdf"
    made = reading in result.outputs and reading.is_file()
    cover = result.thumbnail or (cover_thumbnail(reading) if made else None)
    if cover is not None:
        name = f"{issue.slug}-cover.png"
        write_bytes(folder / name, cover, within=out_dir)
        entry.cover = quote(f"{issue.slug}/{name}")
    return entry


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def back_issues(project: Project) -> list[dict[str, str]]:
    """Issues the catalog knows only as PDFs elsewhere, with the address readers use."""
    if project.file is None:
        return []
    found = []
    for item in project.file.data.get("issues", []) or []:
        if isinstance(item, dict) and not item.get("source") and isinstance(item.get("url"), str):
            numbers = [f"{label} {item[key]}" for key, label in
                       (("volume", "vol."), ("number", "no."), ("chapter", "chap."))
                       if item.get(key) is not None]
            found.append({"title": str(item.get("title") or ""), "line": " · ".join(numbers),
                          "url": item["url"]})
    return found


def series_settings(project: Project) -> dict[str, Any]:
    if project.file is None:
        return {}
    series = project.file.data.get("series", {})
    return series if isinstance(series, dict) else {}


def page_theme(project: Project) -> Theme:
    try:
        return load_theme(project.build.typed.theme, project.root)
    except ZinekitError:
        return Theme(name="base", folders=[builtin_themes_folder() / "base"])


def download_page(project: Project, results: list[IssueResult], out_dir: Path,
                  library: dict[str, Any] | None = None) -> str:
    """The page's HTML; newest issue first (by volume, number, chapter).  ``library``:
    what the readers' library adds (:mod:`zinekit.library`): covers, catalogs, search."""
    library = library or {}
    entries = sorted((issue_entry(result, out_dir, library.get("covers")) for result in results),
                     key=lambda e: e.order, reverse=True)
    language = results[0].issue.language if results else "en"
    series = series_settings(project)
    theme = page_theme(project)
    stylesheet = theme_file(theme, PAGE_STYLESHEET)
    return web_templates(theme).get_template("web/downloads.html").render(
        series=series.get("name") or "", series_url=series.get("url") or "",
        entries=entries, back_issues=back_issues(project),
        language=language, library=library,
        stylesheet=stylesheet.read_text(encoding="utf-8") if stylesheet else "",
        **labels(library.get("language") or language).template_globals(),
    )


def write_download_page(project: Project, results: list[IssueResult], out_dir: Path,
                        library: dict[str, Any] | None = None) -> Path:
    """Write ``out_dir/index.html`` for the issues built."""
    target = out_dir / "index.html"
    page = download_page(project, results, out_dir, library)
    write_bytes(target, page.encode("utf-8"), within=out_dir)
    return target
