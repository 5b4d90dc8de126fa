"""What an import produces: front matter, a Markdown body and the report, and how they
are written as one zinekit Markdown file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import yaml

from zinekit.config import ARTICLE_OPTIONS, ISSUE_OPTIONS
from zinekit.importer.report import Report

Level = Literal["issue", "article"]
#: The order keys are written in; others follow in the order they were found.
KEY_ORDER = ("title", "subtitle", "authors", "date", "source", "license", "language", "notes")


@dataclass
class Imported:
    """One imported text: front matter values, the Markdown body, the report."""

    meta: dict[str, Any]
    body: str
    report: Report
    format: str

    def markdown(self, level: Level = "issue") -> str:
        """The whole file: front matter between ``---`` lines, then the body."""
        front = front_matter(self.meta, level)
        head = "---\n" + front + "---\n\n" if front else ""
        return head + self.body.strip("\n") + "\n"


def front_matter(meta: dict[str, Any], level: Level) -> str:
    """YAML for ``meta``; a key the level does not declare is kept with an ``x-`` prefix
    (a post's ``categories``, say, is written ``x-categories``)."""
    known = ISSUE_OPTIONS if level == "issue" else ARTICLE_OPTIONS
    ordered = sorted(meta.items(), key=lambda kv: _rank(kv[0]))
    values: dict[str, Any] = {}
    for key, value in ordered:
        if value in (None, "", []):
            continue
        name = key if key in known or key.startswith("x-") else "x-" + key
        values.setdefault(name, value)
    if not values:
        return ""
    return yaml.safe_dump(values, sort_keys=False, allow_unicode=True, width=1000,
                          default_flow_style=False)


def _rank(key: str) -> int:
    return KEY_ORDER.index(key) if key in KEY_ORDER else len(KEY_ORDER)
