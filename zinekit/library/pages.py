"""The library's pages beside the download page: ``library/authors.html`` (every
author, with how many issues), ``library/author/<name>.html`` (an author's issues,
newest first), and the same for topics and languages — plain HTML in the download
page's style (template ``web/library-shelf.html``), in the library's language.
"""

from __future__ import annotations

from typing import Any

from zinekit.library.atom import ACQUISITION
from zinekit.library.groups import GROUPS, PLURAL, Shelf, shelves
from zinekit.library.opds2 import OPDS_JSON
from zinekit.library.records import LibraryInfo, LibraryIssue
from zinekit.locale import labels
from zinekit.render.download_page import PAGE_STYLESHEET
from zinekit.render.paper import text_direction
from zinekit.render.web import raw_template, theme_file, web_templates
from zinekit.themes_loader import Theme, builtin_themes_folder

SEARCH_SCRIPT = "web/library-search.js"
BROWSED = ("author", "topic", "language")


def _theme(theme: Theme | None) -> Theme:
    return theme or Theme(name="base", folders=[builtin_themes_folder() / "base"])


def shelf_pages(records: list[LibraryIssue], info: LibraryInfo, search: bool,
                theme: Theme | None) -> dict[str, bytes]:
    """``{path in dist/: bytes}`` of every group's list and every shelf's page."""
    theme = _theme(theme)
    env = web_templates(theme)
    template = env.get_template("web/library-shelf.html")
    stylesheet = theme_file(theme, PAGE_STYLESHEET)
    label = labels(info.language)
    groups = {g: shelves(records, g) for g in BROWSED}
    groups = {g: found for g, found in groups.items() if found}
    base: dict[str, Any] = {
        "series": info.title, "language": info.language,
        "direction": text_direction(info.language),
        "stylesheet": stylesheet.read_text(encoding="utf-8") if stylesheet else "",
        **label.template_globals(),
    }
    browse = [{"href": f"library/{PLURAL[g]}.html", "title": label(GROUPS[g][0])} for g in groups]
    alternates = [{"href": "feed.xml", "type": "application/atom+xml",
                   "title": label("Feed of new issues (Atom)")}]
    pages: dict[str, bytes] = {}
    for group, found in groups.items():
        library = {"search": search, "browse": browse, "alternates": alternates, "up": "../"}
        pages[f"library/{PLURAL[group]}.html"] = template.render(
            **base, library=library, heading=label(GROUPS[group][0]),
            shelves=[_shelf_link(s, group) for s in found], issues=[]).encode("utf-8")
        for shelf in found:
            shelf_library = {**library, "up": "../../", "alternates": [
                *alternates,
                {"href": f"opds/{group}/{shelf.key}.xml", "type": ACQUISITION,
                 "title": label("Catalog for reading apps (OPDS 1.2)")},
                {"href": f"opds/{group}/{shelf.key}.json", "type": OPDS_JSON,
                 "title": label("Catalog for reading apps (OPDS 2.0)")}]}
            pages[f"library/{group}/{shelf.key}.html"] = template.render(
                **base, library=shelf_library, heading=label(GROUPS[group][1], name=shelf.name),
                shelves=[], issues=[_issue_view(i) for i in shelf.issues]).encode("utf-8")
    return pages


def _shelf_link(shelf: Shelf, group: str) -> dict[str, Any]:
    return {"href": f"{group}/{shelf.key}.html", "name": shelf.name, "count": len(shelf.issues)}


def _issue_view(issue: LibraryIssue) -> dict[str, Any]:
    return {"title": issue.title, "line": issue.line, "season": issue.season,
            "language": issue.language, "authors": issue.authors, "slug": issue.slug,
            "cover": issue.cover, "summary": issue.summary}


def search_script(theme: Theme | None) -> bytes:
    """The search box's script, as the theme has it."""
    env = web_templates(_theme(theme))
    return raw_template(env, SEARCH_SCRIPT).encode("utf-8")
