"""The ways a reader browses the library: by series, author, topic and language.

Each group is a list of shelves (one per author, topic …), each shelf the issues on
it, newest first.  The catalogs, the feed and the pages are all made from these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from babel import Locale

from zinekit.library.records import LibraryIssue, slugify
from zinekit.locale import N_
from zinekit.render.locale import babel_locale

#: Group name → (the shelves' folder, English heading msgid, shelf heading msgid).
GROUPS = {
    "author": (N_("Authors"), N_("Author: {name}")),
    "topic": (N_("Topics"), N_("Topic: {name}")),
    "language": (N_("Languages"), N_("Language: {name}")),
    "series": (N_("Series"), "{name}"),
}
#: Group → the name of its list (``opds/authors.xml``, ``library/topics.html``).
PLURAL = {"author": "authors", "topic": "topics", "language": "languages", "series": "series"}


@dataclass
class Shelf:
    """The issues of one author, topic, language or series."""

    group: str
    key: str  # the file name: "ada-lovelace", "fr"
    name: str  # as shown: "Ada Lovelace", "français"
    issues: list[LibraryIssue] = field(default_factory=list)


def newest_first(issues: list[LibraryIssue]) -> list[LibraryIssue]:
    return sorted(issues, key=lambda i: i.newest_key, reverse=True)


def language_name(tag: str, shown_in: str | None = None) -> str:
    """``fr`` → "français" (in its own language), or in ``shown_in``'s."""
    try:
        locale = babel_locale(tag)
        name = locale.get_display_name(Locale.parse(babel_locale(shown_in or tag)))
    except (ValueError, TypeError):
        name = None
    return name or tag


def shelves(issues: list[LibraryIssue], group: str) -> list[Shelf]:
    """The shelves of ``group``, by name; the issues on each newest first."""
    keys: dict[str, Callable[[LibraryIssue], tuple[str, ...]]] = {
        "author": lambda i: i.authors,
        "topic": lambda i: i.topics,
        "language": lambda i: (i.language,),
        "series": lambda i: (i.series,) if i.series else (),
    }
    found: dict[str, Shelf] = {}
    for issue in issues:
        for name in keys[group](issue):
            key = name.lower() if group == "language" else slugify(name)
            shelf = found.setdefault(key, Shelf(group, key, language_name(name)
                                                if group == "language" else name))
            shelf.issues.append(issue)
    for shelf in found.values():
        shelf.issues = newest_first(shelf.issues)
    return sorted(found.values(), key=lambda s: s.name.casefold())
