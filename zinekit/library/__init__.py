"""The readers' library: what a series build writes at the top of ``dist/`` for the
people who read the issues.

    records (records.py) ── one per issue: its metadata and the files its build wrote
      → covers (thumbnails.py)      the EPUB's cover design as each issue's thumbnail
      → shelves (groups.py)         by author, topic, language, series
      → catalogs (atom.py, opds2.py)  opds.xml (OPDS 1.2), opds.json (OPDS 2.0), opds/…
      → feed (atom.py)              feed.xml (Atom), newest first
      → pages (pages.py)            library/<group>/… and the download page, index.html
      → search (search.py)          pagefind/ over every issue's text

:func:`write_library` is called at the end of a series build (``build_path``);
:func:`write_catalogs` writes everything but the covers and the download page from bare
records (what the benchmark gives it).  Every file is written whole, and only when its
bytes changed; files of an earlier library that are no longer part of it are removed
from ``opds/`` and ``library/`` (the library's own folders).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import fields
from pathlib import Path
from typing import Any, Callable

from zinekit import __version__
from zinekit.filecache import stamp_path, stats_of, write_stamp
from zinekit.library import atom, opds2
from zinekit.library.groups import GROUPS, PLURAL, shelves
from zinekit.library.pages import shelf_pages, search_script
from zinekit.library.records import LibraryInfo, LibraryIssue, record_of
from zinekit.library.search import write_index
from zinekit.library.thumbnails import epub_cover_thumbnail
from zinekit.locale import FOLDER as locale_folder
from zinekit.locale import N_, labels
from zinekit.model import IssueResult
from zinekit.safety.output import write_bytes
from zinekit.project import Project
from zinekit.render.download_page import (
    COVER_WIDTH_PX,
    cover_thumbnail,
    page_theme,
    series_settings,
    write_download_page,
)
from zinekit.render.paper import text_direction

#: The folders the library owns inside ``dist/``: an issue cannot have these slugs.
OWN_FOLDERS = ("opds", "library")
CATALOG_LINKS = (
    ("feed.xml", "application/atom+xml", N_("Feed of new issues (Atom)")),
    ("opds.xml", atom.ACQUISITION, N_("Catalog for reading apps (OPDS 1.2)")),
    ("opds.json", opds2.OPDS_JSON, N_("Catalog for reading apps (OPDS 2.0)")),
)


def write_library(project: Project, results: list[IssueResult], out_dir: Path,
                  warn: Callable[[str], None]) -> list[Path]:
    """Write the readers' library for the issues of a series build; the files written."""
    info = library_info(project, results)
    records = [record_of(result, out_dir) for result in results]
    covers = write_covers(results, records, out_dir)
    theme = page_theme(project)
    written, search = write_catalogs(records, info, out_dir, warn, theme)
    context = page_context(info, records, search)
    context["covers"] = covers
    page = write_download_page(project, results, out_dir, context)
    return [page, *written]


def library_info(project: Project, results: list[IssueResult]) -> LibraryInfo:
    """The library's name, identity and language ([series], else its issues')."""
    series = series_settings(project)
    name = str(series.get("name") or "") or (results[0].issue.meta.get("series") if results else "") \
        or project.root.name
    languages = Counter(r.issue.language for r in results)
    language = str(series.get("language") or (languages.most_common(1)[0][0] if results else "en"))
    url = str(series.get("url") or "")
    return LibraryInfo(title=str(name), identity=url or f"zinekit:{name}", language=language,
                       base_url=url)


def write_covers(results: list[IssueResult], records: list[LibraryIssue],
                 out_dir: Path) -> dict[str, str]:
    """Each issue's thumbnail, ``dist/<slug>/<slug>-cover.png``: the one its render drew,
    else the one its last build left (an issue found current), else read back from its
    EPUB's cover, else its reading PDF's first page."""
    covers: dict[str, str] = {}
    for result, record in zip(results, records):
        slug = record.slug
        folder = out_dir / slug
        target = folder / f"{slug}-cover.png"
        png = result.thumbnail
        if png is None and result.reused and target.is_file():
            png = target.read_bytes()
        epub, reading = folder / f"{slug}.epub", folder / f"{slug}.pdf"
        if png is None and epub in result.outputs and epub.is_file():
            png = epub_cover_thumbnail(epub)
        if png is None and reading in result.outputs and reading.is_file():
            png = cover_thumbnail(reading)
        if png is None:
            continue
        if not target.is_file() or target.read_bytes() != png:
            write_bytes(target, png, within=out_dir)
        record.cover = f"{slug}/{slug}-cover.png"
        record.cover_size = _png_size(png)
        covers[slug] = record.cover
    return covers


def _png_size(png: bytes) -> tuple[int, int] | None:
    if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 24:
        return None
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def write_catalogs(records: list[LibraryIssue], info: LibraryInfo, out_dir: Path,
                   warn: Callable[[str], None], theme: Any = None) -> tuple[list[Path], bool]:
    """The catalogs, the feed, the shelves' pages and the search index of ``records``;
    the files written (changed ones only) and whether the library has its search."""
    clash = sorted({r.slug for r in records} & set(OWN_FOLDERS))
    if clash:
        warn(f"an issue named {clash[0]!r} takes the library's folder dist/{clash[0]}/: "
             "its catalogs by author, topic and language are left out")
    search = write_index(records, out_dir, info.language, warn)
    stamp = library_stamp(records, info, theme, search)
    if is_current(out_dir, stamp):
        return [], search
    files = catalog_files(records, info, with_shelves=not clash)
    if not clash:
        files.update(shelf_pages(records, info, search, theme))
    if search:
        files["library-search.js"] = search_script(theme)
    written = write_changed(files, out_dir)
    if not clash:
        remove_stale(files, out_dir)
    record_stamp(out_dir, stamp, sorted(files))
    return written, search


#: What the catalogs and pages were last made from (kept in the user's cache).
STAMP = "library-pages"


def library_stamp(records: list[LibraryIssue], info: LibraryInfo, theme: Any,
                  search: bool) -> str:
    """A digest of everything the catalogs and pages are made from: the records, the
    library, the theme's files, zinekit's own library code and label catalogs."""
    folders = [Path(f) for f in getattr(theme, "folders", [])]
    own = [Path(__file__).parent, Path(locale_folder)]
    watched = sorted(str(p) + f":{p.stat().st_size}:{p.stat().st_mtime_ns}"
                     for base in folders + own if base.is_dir()
                     for p in base.rglob("*") if p.is_file() and p.suffix in WATCHED)
    body = {"info": info, "search": search, "files": watched, "zinekit": __version__,
            "records": [{f.name: getattr(r, f.name) for f in fields(r) if f.name != "made"}
                        for r in records]}
    return hashlib.sha256(json.dumps(body, default=str, sort_keys=True).encode()).hexdigest()


WATCHED = {".py", ".html", ".js", ".css", ".mo", ".po", ".xhtml", ".svg"}


def is_current(out_dir: Path, stamp: str) -> bool:
    """True when the library there was made from the same inputs and its files are
    still the ones written then."""
    try:
        recorded = json.loads(stamp_path(STAMP, out_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    files = recorded.get("files") if isinstance(recorded, dict) else None
    return isinstance(files, dict) and recorded.get("stamp") == stamp and \
        stats_of(out_dir, sorted(files)) == files


def record_stamp(out_dir: Path, stamp: str, names: list[str]) -> None:
    write_stamp(stamp_path(STAMP, out_dir),
                json.dumps({"stamp": stamp, "files": stats_of(out_dir, names)}))


def catalog_files(records: list[LibraryIssue], info: LibraryInfo,
                  with_shelves: bool = True) -> dict[str, bytes]:
    """``{path in dist/: bytes}`` of the OPDS 1.2 and 2.0 catalogs and the feed."""
    for record in records:  # what an earlier call made of them may be out of date
        record.made.clear()
    label = labels(info.language)
    titles = atom.group_titles(label)
    groups = {g: shelves(records, g) for g in GROUPS} if with_shelves else {}
    groups = {g: s for g, s in groups.items() if s}
    facets_xml = [(titles[g], s.name, f"opds/{g}/{s.key}.xml", False)
                  for g, found in groups.items() for s in found]
    related = [(titles[g], f"opds/{PLURAL[g]}.xml") for g in groups]
    files = {
        "opds.xml": atom.acquisition_feed(records, info, "all", info.title, "opds.xml", "",
                                          facets_xml, related),
        "opds.json": opds2.feed(records, info, info.title, "opds.json", "",
                                _navigation_json(groups, titles), _facets_json(groups, titles)),
        "feed.xml": atom.news_feed(records, info),
    }
    for group, found in groups.items():
        files[f"opds/{PLURAL[group]}.xml"] = atom.navigation_feed(
            found, info, group, titles[group], f"{PLURAL[group]}.xml", "../")
        files[f"opds/{PLURAL[group]}.json"] = opds2.navigation_feed(
            found, info, group, titles[group], f"{PLURAL[group]}.json", "../")
        for shelf in found:
            name = f"opds/{group}/{shelf.key}"
            files[f"{name}.xml"] = atom.acquisition_feed(
                shelf.issues, info, f"{group}/{shelf.key}", shelf.name, f"{shelf.key}.xml", "../../")
            files[f"{name}.json"] = opds2.feed(shelf.issues, info, shelf.name,
                                               f"{shelf.key}.json", "../../")
    return files


def _navigation_json(groups: dict, titles: dict[str, str]) -> list[dict[str, str]]:
    return [{"href": f"opds/{PLURAL[g]}.json", "title": titles[g], "type": opds2.OPDS_JSON,
             "rel": "subsection"} for g in groups]


def _facets_json(groups: dict, titles: dict[str, str]) -> list[dict[str, Any]]:
    return [{"metadata": {"title": titles[g]},
             "links": [{"href": f"opds/{g}/{s.key}.json", "title": s.name, "type": opds2.OPDS_JSON,
                        "properties": {"numberOfItems": len(s.issues)}} for s in found]}
            for g, found in groups.items()]


def page_context(info: LibraryInfo, records: list[LibraryIssue], search: bool) -> dict[str, Any]:
    """What the download page shows of the library: its catalogs, shelves and search."""
    label = labels(info.language)
    groups = [g for g in ("author", "topic", "language") if shelves(records, g)]
    return {
        "language": info.language,
        "direction": text_direction(info.language),
        "search": search,
        "alternates": [{"href": href, "type": kind, "title": label(title)}
                       for href, kind, title in CATALOG_LINKS],
        "browse": [{"href": f"library/{PLURAL[g]}.html", "title": label(GROUPS[g][0])} for g in groups],
        "up": "",
    }


def write_changed(files: dict[str, bytes], out_dir: Path) -> list[Path]:
    """Write each file whose bytes differ from what is there; the paths written."""
    written = []
    for name, data in files.items():
        target = out_dir / name
        try:
            if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
                continue
        except OSError:
            pass
        write_bytes(target, data, within=out_dir)
        written.append(target)
    return written


def remove_stale(files: dict[str, bytes], out_dir: Path) -> None:
    """Remove from the library's own folders the files this library no longer has (an
    author whose last issue left)."""
    keep = {out_dir / name for name in files}
    for folder in OWN_FOLDERS:
        base = out_dir / folder
        if not base.is_dir() or base.is_symlink():
            continue
        for parent, _, names in os.walk(base):  # links to folders are not followed
            for name in names:
                path = Path(parent) / name
                if path not in keep and path.suffix in (".xml", ".json", ".html") \
                        and not path.is_symlink():
                    path.unlink()


__all__ = ["write_library", "write_catalogs", "catalog_files", "COVER_WIDTH_PX"]
