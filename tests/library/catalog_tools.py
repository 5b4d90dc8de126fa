"""What the library's tests share: synthetic records, the OPDS 2.0 schema validator."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import REPO
from zinekit.library.records import LibraryFile, LibraryInfo, LibraryIssue

SCHEMAS = REPO / "tests" / "data" / "opds-schema"
FEED_SCHEMA = "https://drafts.opds.io/schema/feed.schema.json"
MEDIA_TYPES = {"application/epub+zip", "application/pdf"}


def synthetic(count: int, languages=("en", "fr", "ar")) -> list[LibraryIssue]:
    """``count`` issues with every kind of file, authors, topics and languages."""
    issues = []
    for n in range(1, count + 1):
        slug = f"ember-tide-vol-{n}"
        files = [LibraryFile("epub", f"{slug}/{slug}.epub", "application/epub+zip", 300_000 + n),
                 LibraryFile("pdf", f"{slug}/{slug}.pdf", "application/pdf", 90_000 + n),
                 LibraryFile("booklet", f"{slug}/{slug}-booklet-a4.pdf", "application/pdf",
                             80_000 + n, "A4"),
                 LibraryFile("press", f"{slug}/{slug}-press.pdf", "application/pdf", 120_000 + n),
                 LibraryFile("web", f"{slug}/index.html", "text/html", 9_000 + n)]
        issues.append(LibraryIssue(
            slug=slug, title=f"Issue {n} <of> the tide & more", language=languages[n % len(languages)],
            series="Ember Tide", line=f"Ember Tide · vol. {n}",
            authors=(f"Author {n % 7}", "Ольга Сергеевна") if n % 3 else (f"Author {n % 7}",),
            topics=(f"topic {n % 5}",), summary=f"What issue {n} is about.",
            published=f"{2000 + n % 26}-{1 + n % 12:02d}", updated=f"2026-01-{1 + n % 28:02d}T00:00:00Z",
            order=(float(n), 0.0, 0.0), contents=(f"Text {n}",), files=files,
            web=f"{slug}/index.html", cover=f"{slug}/{slug}-cover.png", cover_size=(360, 509)))
    return issues


INFO = LibraryInfo(title="Ember Tide", identity="https://example.org/embertide/", language="en")


def opds2_validator():
    """A validator of OPDS 2.0 feeds, every schema read from tests/data (no network)."""
    jsonschema = pytest.importorskip("jsonschema")
    referencing = pytest.importorskip("referencing")
    resources = []
    for path in SCHEMAS.rglob("*.schema.json"):
        # the schemas' patterns are ECMA-262: its named groups "(?<name>" are Python's "(?P<name>"
        text = re.sub(r"\(\?<([A-Za-z][A-Za-z0-9]*)>", r"(?P<\1>", path.read_text(encoding="utf-8"))
        schema = json.loads(text)
        resources.append((schema["$id"], referencing.Resource.from_contents(
            schema, default_specification=referencing.jsonschema.DRAFT7)))
    registry = referencing.Registry().with_resources(resources)
    schema = dict(registry.contents(FEED_SCHEMA))
    return jsonschema.Draft7Validator(schema, registry=registry,
                                      format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def schema_errors(data: bytes | Path) -> list[str]:
    body = json.loads(data.read_bytes() if isinstance(data, Path) else data)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in opds2_validator().iter_errors(body)]


def feedparser_read(data: bytes):
    feedparser = pytest.importorskip("feedparser")
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def acquisitions(entry) -> dict[str, list[dict]]:
    """An entry's open-access links, by media type."""
    found: dict[str, list[dict]] = {}
    for link in entry.links:
        if link.get("rel") == "http://opds-spec.org/acquisition/open-access":
            found.setdefault(link["type"], []).append(link)
    return found
