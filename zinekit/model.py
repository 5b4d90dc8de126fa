"""The document model every stage shares.

Parsing fills it; resolving attaches targets to its references and citations; the
renderers read it.  Source positions are 1-based lines and columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from zinekit.config import Settings


@dataclass
class Location:
    path: str
    line: int = 0
    col: int = 0


@dataclass
class CrossReference:
    """A "see" clause's target, as found in the text."""

    id: str  # unique in the issue, e.g. "xref-3"
    text: str  # the target as plain text, emphasis removed
    where: Location
    in_editor_note: bool
    bracketed: bool  # written as "[see …]" (as opposed to inside an editor's note)
    resolutions: list[Any] = field(default_factory=list)  # filled by the resolve stage


@dataclass
class Citation:
    """A ``[@key, locator; @key2]`` citation."""

    id: str
    items: list[tuple[str, str]]  # (key, locator)
    text: str  # as written
    where: Location
    rendered: str | None = None  # filled by the resolve stage


@dataclass
class Heading:
    level: int
    title: str  # plain text
    anchor: str
    where: Location


@dataclass
class Article:
    """One article: a file of a folder issue, or the body of a single-file issue."""

    path: Path
    meta: Settings
    tokens: list[Token]
    env: dict[str, Any]
    anchor: str
    title: str | None
    headings: list[Heading] = field(default_factory=list)
    xrefs: list[CrossReference] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    is_intro: bool = False  # the editor's introduction of a folder issue

    @property
    def authors(self) -> list[str]:
        return list(self.meta.get("authors", []))


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
    footnote_numbering: str = "article"  # "article" or "issue": set from settings and theme

    @property
    def title(self) -> str:
        return self.meta.get("title") or self.slug

    @property
    def language(self) -> str:
        return self.meta.get("language") or self.build.get("language", "en")

    @property
    def is_multi_article(self) -> bool:
        return sum(1 for a in self.articles if not a.is_intro) > 1

    def all_xrefs(self) -> list[CrossReference]:
        return [x for a in self.articles for x in a.xrefs]

    def notes_before(self, article: Article) -> int:
        """How many footnotes the articles before ``article`` have (for per-issue numbers)."""
        count = 0
        for other in self.articles:
            if other is article:
                break
            count += len(other.env.get("footnotes", {}).get("list", {}))
        return count

    def all_citations(self) -> list[Citation]:
        return [c for a in self.articles for c in a.citations]

    def setting(self, key: str, default: Any = None) -> Any:
        """Front matter first, then the series' [build] settings."""
        value = self.meta.get(key)
        if value is None:
            value = self.build.get(key)
        return default if value is None else value
