"""What the library knows of an issue: one record, read from the issue and the files its
build wrote, that every part of the library (catalogs, feed, pages, search) is made from.

A record can also be made directly (the benchmark makes a thousand of them without laying
out a page), so nothing here reads more than the issue's front matter and its folder.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from zinekit.locale import N_
from zinekit.model import IssueResult
from zinekit.render.document import issue_line
from zinekit.render.locale import format_issue_date, iso_date

#: The files a reader takes away, by role: (label msgid, media type).  Only these are
#: acquisition links; the web edition is read online.
ROLES = {
    "epub": (N_("EPUB (e-readers)"), "application/epub+zip"),
    "pdf": (N_("Reading PDF"), "application/pdf"),
    "booklet": (N_("Booklet to print and fold ({sheet})"), "application/pdf"),
    "press": (N_("Press PDF (for a print shop)"), "application/pdf"),
    "cover": (N_("Cover of a perfect-bound copy (for a print shop)"), "application/pdf"),
}
WEB = "web"


@dataclass(frozen=True)
class LibraryFile:
    """One file of an issue a reader can take: its role, address (from ``dist/``),
    media type and size in bytes."""

    role: str
    href: str
    media_type: str
    size: int
    sheet: str = ""  # a booklet's sheet size ("A4")

    @property
    def label(self) -> str:
        """The English label (a message id: the page translates it)."""
        return ROLES[self.role][0] if self.role in ROLES else N_("Read online")


@dataclass
class LibraryIssue:
    """One issue of the library."""

    slug: str
    title: str
    language: str = "en"
    subtitle: str = ""
    series: str = ""
    line: str = ""  # "Ember Tide · vol. 6"
    authors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    summary: str = ""
    season: str = ""  # the date as the issue prints it
    published: str | None = None  # W3CDTF date ("2026-03", "2023")
    updated: str = "1970-01-01T00:00:00Z"  # RFC 3339, for the catalogs and the feed
    order: tuple[float, ...] = ()  # volume, number, chapter
    contents: tuple[str, ...] = ()
    files: list[LibraryFile] = field(default_factory=list)
    web: str | None = None  # the web edition's address, when built
    cover: str | None = None  # the thumbnail's address (PNG)
    cover_size: tuple[int, int] | None = None
    text_source: Path | None = None  # what the search reads: the web edition or the EPUB
    #: what the catalogs made of the issue once, for its other shelves (not compared)
    made: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def acquisitions(self) -> list[LibraryFile]:
        return [f for f in self.files if f.role in ROLES]

    @property
    def newest_key(self) -> tuple[str, tuple[float, ...], str]:
        """Newest first: by publication date, then volume/number, then update."""
        return (self.published or "", self.order, self.updated)


def rfc3339(moment: _dt.datetime) -> str:
    return moment.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def updated_time(published: str | None, files: Iterable[Path]) -> str:
    """When the issue last changed, as a feed says it: ``SOURCE_DATE_EPOCH`` when set (a
    reproducible build), else the newest of its files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return rfc3339(_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc))
    times = [p.stat().st_mtime for p in files if p.is_file()]
    if times:
        return rfc3339(_dt.datetime.fromtimestamp(max(times), _dt.timezone.utc))
    return published_time(published) or "1970-01-01T00:00:00Z"


def published_time(published: str | None) -> str | None:
    """``2026-03`` → ``2026-03-01T00:00:00Z`` (Atom's ``published`` needs a full time)."""
    if not published:
        return None
    parts = [int(p) for p in published.split("-")] + [1, 1]
    try:
        return rfc3339(_dt.datetime(parts[0], parts[1], parts[2], tzinfo=_dt.timezone.utc))
    except ValueError:
        return None


def text_list(value: Any) -> tuple[str, ...]:
    """A front-matter list of names (``authors``, ``topics``), or one name alone."""
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple)) else [value]
    return tuple(" ".join(str(item).split()) for item in items if str(item).strip())


def slugify(text: str) -> str:
    """A file name for an author, a topic or a language: letters of every script kept
    (``Ольга`` stays ``ольга``), everything else a dash."""
    text = unicodedata.normalize("NFC", text).casefold()
    slug = re.sub(r"[^\w]+", "-", text).strip("-_")
    return slug[:80] or "x"


def issue_files(out_dir: Path, slug: str, outputs: Iterable[Path]) -> list[LibraryFile]:
    """The files of ``dist/<slug>/`` that this build wrote (or found current), by role,
    in the order a reader looks for them."""
    folder = out_dir / slug
    here = folder.resolve()
    made = {p.name: p for p in outputs if p.parent.resolve() == here and p.is_file()}
    found: list[LibraryFile] = []

    def add(name: str, role: str, sheet: str = "") -> None:
        if name in made:
            media = ROLES[role][1] if role in ROLES else "text/html"
            href = quote(f"{slug}/{name}")
            found.append(LibraryFile(role, href, media, made[name].stat().st_size, sheet))

    add(f"{slug}.epub", "epub")
    add(f"{slug}.pdf", "pdf")
    for name in sorted(n for n in made if n.startswith(f"{slug}-booklet-") and n.endswith(".pdf")):
        sheet = name[len(f"{slug}-booklet-"):-4]
        add(name, "booklet", sheet.upper() if re.fullmatch(r"[abc]\d+", sheet) else sheet)
    for name in sorted(n for n in made if n.startswith(f"{slug}-press") and n.endswith(".pdf")):
        add(name, "press")
    add(f"{slug}-cover.pdf", "cover")
    add("index.html", WEB)
    return found


def record_of(result: IssueResult, out_dir: Path) -> LibraryIssue:
    """The library's record of a built issue."""
    issue, meta = result.issue, result.issue.meta
    files = issue_files(out_dir, issue.slug, result.outputs)
    published = iso_date(meta.get("date"))
    folder = out_dir / issue.slug
    web = next((f for f in files if f.role == WEB), None)
    epub = next((f for f in files if f.role == "epub"), None)
    source = folder / "index.html" if web else (folder / f"{issue.slug}.epub" if epub else None)
    return LibraryIssue(
        slug=issue.slug, title=issue.title, language=issue.language,
        subtitle=str(meta.get("subtitle") or ""), series=str(meta.get("series") or ""),
        line=issue_line(issue), authors=text_list(meta.get("authors") or _article_authors(result)),
        topics=text_list(meta.typed.topics), summary=str(meta.get("description") or ""),
        season=str(meta.get("season") or format_issue_date(meta.get("date"), issue.language)),
        published=published,
        updated=updated_time(published, [p for p in result.outputs if p.parent == folder]),
        order=tuple(_number(meta.get(k)) for k in ("volume", "number", "chapter")),
        contents=tuple(a.title for a in issue.articles if a.title and not a.is_intro),
        files=files, web=web.href if web else None, text_source=source,
    )


def _article_authors(result: IssueResult) -> list[str]:
    """An issue with no ``authors`` of its own is by the authors of its texts."""
    seen: list[str] = []
    for article in result.issue.articles:
        for name in article.authors or []:
            if name not in seen:
                seen.append(name)
    return seen


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


@dataclass(frozen=True)
class LibraryInfo:
    """The library as a whole: its name, stable identity, language and address."""

    title: str
    identity: str  # the series' address, else its name: the seed of every urn:uuid
    language: str = "en"
    base_url: str = ""  # where dist/ is published, when the series says ([series] url)
