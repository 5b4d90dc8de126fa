"""The OPDS 1.2 catalog (``opds.xml`` and its feeds under ``opds/``) and the Atom feed
(``feed.xml``), written with lxml: every text is an element's text or an attribute,
never pasted into markup.

OPDS 1.2 (https://specs.opds.io/opds-1.2) is Atom with links a reading app follows:

1. ``opds.xml``, the start: an acquisition feed of every issue, with facets (one
   acquisition feed per author, topic, language and series) and links to the
   navigation feeds ``opds/authors.xml`` … whose entries lead to those same feeds.
2. Each entry: title, authors, ``dc:language``, summary, topics as categories, the
   cover (``…/image`` and ``…/image/thumbnail``) and one
   ``http://opds-spec.org/acquisition/open-access`` link per file the build wrote,
   with its media type and its size (``length``, bytes).

Addresses are relative to the file that holds them, so ``dist/`` works wherever it
is served.
"""

from __future__ import annotations

import copy
import uuid
from functools import lru_cache
from typing import Iterable

from lxml import etree

from zinekit.library.groups import GROUPS, Shelf, newest_first
from zinekit.library.records import LibraryInfo, LibraryIssue, published_time
from zinekit.locale import Labels, labels

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
NSMAP: dict[str | None, str] = {None: ATOM, "dc": DC, "opds": OPDS}
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
FACET = "http://opds-spec.org/facet"
IMAGE = "http://opds-spec.org/image"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"


@lru_cache(maxsize=100_000)
def identifier(library_id: str, *parts: str) -> str:
    """A stable ``urn:uuid:`` for the library, an issue or a shelf."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "/".join([library_id, *parts])).urn


def _sub(parent: etree._Element, tag: str, text: str | None = None, ns: str = ATOM,
         **attributes: str | None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}",
                               {k: v for k, v in attributes.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _link(parent: etree._Element, rel: str, href: str, kind: str, title: str | None = None,
          **extra: str) -> etree._Element:
    return _sub(parent, "link", rel=rel, href=href, type=kind, title=title, **extra)


def _feed(info: LibraryInfo, key: str, title: str, updated: str, self_href: str,
          kind: str) -> etree._Element:
    """A feed's head.  Its author is the library (Atom wants one for entries without)."""
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap=NSMAP)  # type: ignore[arg-type]
    _sub(feed, "id", identifier(info.identity, key))
    _sub(feed, "title", title)
    _sub(feed, "updated", updated)
    _sub(_sub(feed, "author"), "name", info.title)
    _link(feed, "self", self_href, kind)
    return feed


def entry(parent: etree._Element, issue: LibraryIssue, info: LibraryInfo, up: str,
          acquisitions: bool = True) -> etree._Element:
    """An issue's entry; ``up`` leads from the feed's folder to ``dist/``.  An issue is
    on several shelves: its entry is made once per ``up`` and copied."""
    key = ("atom", up, info, acquisitions)
    if key not in issue.made:
        holder = etree.Element(f"{{{ATOM}}}feed", nsmap=NSMAP)  # type: ignore[arg-type]
        issue.made[key] = _entry(holder, issue, info, up, acquisitions)
    made = copy.deepcopy(issue.made[key])
    parent.append(made)
    return made


def _entry(parent: etree._Element, issue: LibraryIssue, info: LibraryInfo, up: str,
           acquisitions: bool) -> etree._Element:
    label = labels(info.language)
    item = _sub(parent, "entry")
    _sub(item, "title", issue.title)
    _sub(item, "id", identifier(info.identity, "issue", issue.slug))
    _sub(item, "updated", issue.updated)
    published = published_time(issue.published)
    if published:
        _sub(item, "published", published)
    for name in issue.authors:
        _sub(_sub(item, "author"), "name", name)
    _sub(item, "language", issue.language, ns=DC)
    if issue.published:
        _sub(item, "issued", issue.published, ns=DC)
    for topic in issue.topics:
        _sub(item, "category", term=topic, label=topic)
    summary = issue.summary or " · ".join(issue.contents)
    if summary:
        _sub(item, "summary", summary, type="text")
    if issue.cover:
        _link(item, IMAGE, up + issue.cover, "image/png")
        _link(item, THUMBNAIL, up + issue.cover, "image/png")
    if acquisitions:
        for file in issue.acquisitions:
            _link(item, OPEN_ACCESS, up + file.href, file.media_type,
                  label(file.label, sheet=file.sheet), length=str(file.size))
    if issue.web:
        _link(item, "alternate", up + issue.web, "text/html")
    return item


def acquisition_feed(issues: list[LibraryIssue], info: LibraryInfo, key: str, title: str,
                     self_href: str, up: str,
                     facets: Iterable[tuple[str, str, str, bool]] = (),
                     related: Iterable[tuple[str, str]] = ()) -> bytes:
    """An acquisition feed of ``issues`` (newest first).  ``facets``: (group title,
    shelf title, href, active); ``related``: (title, href) of navigation feeds."""
    ordered = newest_first(issues)
    updated = max((i.updated for i in ordered), default="1970-01-01T00:00:00Z")
    feed = _feed(info, key, title, updated, self_href, ACQUISITION)
    _link(feed, "start", up + "opds.xml", ACQUISITION)
    _link(feed, "alternate", up + "index.html", "text/html")
    _link(feed, "related", up + "opds.json", "application/opds+json")
    for nav_title, href in related:
        _link(feed, "related", href, NAVIGATION, nav_title)
    for group, shelf_title, href, active in facets:
        _link(feed, FACET, href, ACQUISITION, shelf_title,
              **{f"{{{OPDS}}}facetGroup": group,
                 f"{{{OPDS}}}activeFacet": "true" if active else "false"})
    for issue in ordered:
        entry(feed, issue, info, up)
    return serialize(feed)


def navigation_feed(shelves: list[Shelf], info: LibraryInfo, group: str, title: str,
                    self_href: str, up: str) -> bytes:
    """A navigation feed: one entry per shelf, leading to its acquisition feed."""
    updated = max((i.updated for s in shelves for i in s.issues), default="1970-01-01T00:00:00Z")
    feed = _feed(info, f"nav/{group}", title, updated, self_href, NAVIGATION)
    _link(feed, "start", up + "opds.xml", ACQUISITION)
    _link(feed, "up", up + "opds.xml", ACQUISITION)
    for shelf in shelves:
        item = _sub(feed, "entry")
        _sub(item, "title", shelf.name)
        _sub(item, "id", identifier(info.identity, group, shelf.key))
        _sub(item, "updated", max(i.updated for i in shelf.issues))
        _sub(item, "content", str(len(shelf.issues)), type="text")
        _link(item, "subsection", f"{group}/{shelf.key}.xml", ACQUISITION, shelf.name)
    return serialize(feed)


def news_feed(issues: list[LibraryIssue], info: LibraryInfo) -> bytes:
    """``feed.xml``: every issue, newest first, with its files as enclosures."""
    ordered = newest_first(issues)
    updated = max((i.updated for i in ordered), default="1970-01-01T00:00:00Z")
    label = labels(info.language)
    feed = _feed(info, "feed", info.title, updated, "feed.xml", "application/atom+xml")
    _link(feed, "alternate", "index.html", "text/html")
    if info.base_url:  # feed readers resolve the links against the published address
        feed.set("{http://www.w3.org/XML/1998/namespace}base", info.base_url)
    for issue in ordered:
        item = entry(feed, issue, info, "", acquisitions=False)
        if not issue.web:
            _link(item, "alternate", f"index.html#{issue.slug}", "text/html")
        for file in issue.acquisitions:
            _link(item, "enclosure", file.href, file.media_type,
                  label(file.label, sheet=file.sheet), length=str(file.size))
    return serialize(feed)


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def group_titles(label: Labels) -> dict[str, str]:
    return {group: label(heading) for group, (heading, _) in GROUPS.items()}
