"""The OPDS 2.0 catalog: ``opds.json`` and its feeds under ``opds/`` (the same shelves
as the OPDS 1.2 catalog, :mod:`zinekit.library.atom`), as the JSON Schemas published by
the OPDS community describe them (https://drafts.opds.io/opds-2.0).

A publication: ``metadata`` (``@type``, title, authors, language, description,
subjects, dates), ``links`` — one ``http://opds-spec.org/acquisition/open-access`` link
per file the build wrote, each with its ``type`` and ``size`` in bytes — and ``images``
(the cover).  Feeds link back to ``opds.json`` as their start.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from zinekit.library.atom import OPEN_ACCESS, identifier
from zinekit.library.groups import Shelf, newest_first
from zinekit.library.records import LibraryInfo, LibraryIssue
from zinekit.locale import labels

OPDS_JSON = "application/opds+json"
PUBLICATION_JSON = "application/opds-publication+json"


def publication(issue: LibraryIssue, info: LibraryInfo, up: str) -> dict[str, Any]:
    """One issue as an OPDS 2.0 publication; ``up`` leads to ``dist/``.  An issue is on
    several shelves: made once per ``up``, kept on the record."""
    key = ("opds2", up, info)
    if key not in issue.made:
        issue.made[key] = _publication(issue, info, up)
    return issue.made[key]


def _publication(issue: LibraryIssue, info: LibraryInfo, up: str) -> dict[str, Any]:
    label = labels(info.language)
    metadata: dict[str, Any] = {
        "@type": "http://schema.org/Periodical" if issue.series else "http://schema.org/Book",
        "identifier": identifier(info.identity, "issue", issue.slug),
        "title": issue.title,
        "language": issue.language,
        "modified": issue.updated,
    }
    if issue.subtitle:
        metadata["subtitle"] = issue.subtitle
    if issue.authors:
        metadata["author"] = [{"name": name} for name in issue.authors]
    summary = issue.summary or " · ".join(issue.contents)
    if summary:
        metadata["description"] = summary
    if issue.topics:
        metadata["subject"] = [{"name": topic} for topic in issue.topics]
    if issue.published:
        metadata["published"] = issue.published
    if issue.series:
        metadata["belongsTo"] = {"series": [{"name": issue.series,
                                             **({"position": issue.order[0]} if issue.order and issue.order[0] else {})}]}
    links: list[dict[str, Any]] = [
        {"rel": OPEN_ACCESS, "href": up + f.href, "type": f.media_type, "size": f.size,
         "title": label(f.label, sheet=f.sheet)}
        for f in issue.acquisitions if f.size > 0]
    if issue.web:
        links.append({"rel": "alternate", "href": up + issue.web, "type": "text/html"})
    found: dict[str, Any] = {"metadata": metadata, "links": links}
    if issue.cover:
        image: dict[str, Any] = {"href": up + issue.cover, "type": "image/png"}
        if issue.cover_size:
            image["width"], image["height"] = issue.cover_size
        found["images"] = [image]
    return found


def feed(issues: list[LibraryIssue], info: LibraryInfo, title: str, self_href: str, up: str,
         navigation: Iterable[dict[str, str]] = (),
         facets: Iterable[dict[str, Any]] = ()) -> bytes:
    """An OPDS 2.0 feed of ``issues``, newest first.  A publication needs an acquisition
    link: an issue without any file to take (a web edition alone) is left out."""
    body: dict[str, Any] = {
        "metadata": {"title": title, "numberOfItems": len(issues)},
        "links": [{"rel": "self", "href": self_href, "type": OPDS_JSON},
                  {"rel": "start", "href": up + "opds.json", "type": OPDS_JSON},
                  {"rel": "alternate", "href": up + "index.html", "type": "text/html"}],
    }
    publications = [publication(i, info, up) for i in newest_first(issues)]
    publications = [p for p in publications
                    if any(link.get("rel") == OPEN_ACCESS for link in p["links"])]
    body["metadata"]["numberOfItems"] = len(publications)
    navigation = list(navigation)
    if publications:  # the schema wants none rather than an empty list
        body["publications"] = publications
    elif not navigation:
        navigation = [{"href": up + "index.html", "title": info.title, "type": "text/html"}]
    if navigation:
        body["navigation"] = navigation
    facets = list(facets)
    if facets:
        body["facets"] = facets
    return dump(body)


def navigation_feed(shelves: list[Shelf], info: LibraryInfo, group: str, title: str,
                    self_href: str, up: str) -> bytes:
    """One link per shelf of ``group``, to its feed."""
    return dump({
        "metadata": {"title": title, "numberOfItems": len(shelves)},
        "links": [{"rel": "self", "href": self_href, "type": OPDS_JSON},
                  {"rel": "start", "href": up + "opds.json", "type": OPDS_JSON}],
        "navigation": [{"href": f"{group}/{s.key}.json", "title": s.name, "type": OPDS_JSON,
                        "rel": "subsection", "properties": {"numberOfItems": len(s.issues)}}
                       for s in shelves] or [{"href": up + "opds.json", "title": info.title,
                                              "type": OPDS_JSON}],
    })


def dump(body: dict[str, Any]) -> bytes:
    """Compact JSON (with an indent, Python's encoder is the slow one, ten times over)."""
    return (json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
