"""``zinekit catalog [PATH] [--json]``: the series as zinekit sees it.

Every issue of the catalog (where it comes from, its pages, its articles and headings)
and every cross-reference of the issues PATH names, with the target it resolved to or
why it did not.  The steps are those of a build without the writing:

1. open the project and its catalog, read every back-issue PDF (their problems are
   errors, as in a build);
2. give each issue zinekit builds its pages: the inventory of its last build when it is
   newer than the issue's files; else its articles and headings from its text, their
   pages unknown until it is built (the catalog lays nothing out: it answers in the time
   a check takes, and never loads WeasyPrint);
3. resolve the references of the issues PATH names against that catalog.

The JSON form (``--json``) is described in ``docs/catalog.md``, "zinekit catalog".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

import click

from zinekit.pipeline.build import BuildOptions, prepare_issue
from zinekit.pipeline.catalog_entry import report_unlisted
from zinekit.errors import Diagnostics, ZinekitError
from zinekit.model import CrossReference, Target, XrefView
from zinekit.project import Project, is_issue, issues_at, open_project
from zinekit.resolve.catalog import CatalogIssue, Series
from zinekit.resolve.inventory import make_inventory
from zinekit.pipeline.series import Session

CATALOG_FORMAT = "zinekit-catalog"
CATALOG_VERSION = 1
QUIET = BuildOptions(quiet=True, write=False)


def show_catalog(path: Path, as_json: bool = False) -> None:
    """Print the catalog of the series (or lone issue) at ``path``; exit 1 on errors."""
    listing, diagnostics = catalog_listing(path)
    if as_json:
        click.echo(json.dumps(listing, ensure_ascii=False, indent=1))
    else:
        click.echo(format_listing(listing))
    for line in diagnostics.lines():
        click.echo(line, err=True)
    count = len(diagnostics.errors)
    if count:
        raise ZinekitError(f"catalog found {count} error{'s' if count != 1 else ''}")


def catalog_listing(path: Path) -> tuple[dict[str, Any], Diagnostics]:
    """The catalog at ``path`` as plain data (the ``--json`` form) and the diagnostics."""
    diagnostics = Diagnostics()
    project = open_project(path, diagnostics)
    session = Session.open(project, project.out_dir, diagnostics)
    session.catalog.read_all()  # 1.
    _stop_on_errors(diagnostics)
    targets = issues_at(path, project)
    session.register_sources()
    if project.file is not None and path.resolve() == project.root:
        report_unlisted(project.root, project.out_dir, session.listed(), project.build,
                        project.file.path.name, diagnostics)
    known_from = _give_pages(session, project, targets)  # 2.
    references: dict[int, list[dict[str, Any]]] = {}
    for target in targets:  # 3.
        prepared = prepare_issue(target, project, QUIET, session)
        diagnostics.extend(prepared.diagnostics)
        entry = session.catalog_issue(prepared.issue)
        if entry is not None:
            views = prepared.resolved.xrefs
            references[id(entry)] = [_reference(x, views.get(x.id, XrefView()), project.root)
                                     for x in prepared.issue.all_xrefs()]
    catalog = session.catalog
    listing = {
        "format": CATALOG_FORMAT,
        "version": CATALOG_VERSION,
        "series": [_series(s, s is catalog.home) for s in catalog.series if s.name],
        "issues": [_issue(e, project.root, known_from.get(id(e)), references.get(id(e)))
                   for e in catalog.issues()],
    }
    return listing, diagnostics


def _stop_on_errors(diagnostics: Diagnostics) -> None:
    if diagnostics.errors:
        count = len(diagnostics.errors)
        raise ZinekitError(f"catalog failed: {count} error{'s' if count != 1 else ''}",
                           diagnostics.items)


# --- 2. pages of the issues zinekit builds ------------------------------------------------


def _give_pages(session: Session, project: Project, targets: list[Path]) -> dict[int, str]:
    """Give each target the catalog does not list the articles of its text; return how
    each issue's pages are known: "inventory", "text" (articles from the text, pages not
    known: no build recorded them, or the text changed since), "pdf" or "table"."""
    catalog = session.catalog
    known_from = {id(e): _origin(e) for e in catalog.issues()}
    for entry in catalog.issues():
        if entry.source is not None and session.is_real(entry):
            known_from[id(entry)] = "inventory"
        elif entry.source is not None and is_issue(entry.source):
            known_from[id(entry)] = "text"  # register_sources gave it its text's articles
    for path in targets:
        if session.catalog.issue_for_source(path) is not None:
            continue
        issue = session.load(path)  # a lone issue, or one the catalog does not list
        built = session.fresh_inventory(issue)
        inventory = built or make_inventory(issue, None, None, None)
        listed = catalog.add_inventory(None, inventory)
        listed.source = path
        session.record(issue, inventory)
        known_from[id(listed)] = "inventory" if built else "text"
    return known_from


def _origin(entry: CatalogIssue) -> str:
    if entry.source is not None:
        return "source"
    return "pdf" if entry.pdf is not None else "table"


# --- the listing as data --------------------------------------------------------------------


def _relative(path: Path | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _series(series: Series, home: bool) -> dict[str, Any]:
    return {"name": series.name, "aliases": list(series.aliases), "url": series.url, "home": home}


def _issue(entry: CatalogIssue, root: Path, known_from: str | None,
           references: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {
        "series": entry.series or None,
        "volume": entry.volume,
        "number": entry.number,
        "chapter": entry.chapter,
        "designation": entry.designation(),
        "title": entry.title,
        "from": _origin(entry),
        "path": _relative(entry.source or entry.pdf, root),
        "url": entry.url,
        "pages": entry.pages,
        "page_labels": entry.page_labels,
        "pages_from": known_from if entry.pages or entry.articles else None,
        "articles": _contents(entry),
        "references": references,
    }


def _contents(entry: CatalogIssue) -> list[dict[str, Any]]:
    """Articles and headings in reading order: from the inventory of an issue zinekit
    builds (each article followed by its headings), else as the catalog has them."""
    inventory = entry.inventory if isinstance(entry.inventory, dict) else None
    if inventory is None:
        return [_content_row(a.title, a.authors, a.level, a.anchor, a.page_index, a.page_label)
                for a in entry.articles]
    articles = inventory.get("articles", [])
    titled = {a.get("anchor") for a in articles}

    def headings_of(article: str | None) -> list[dict[str, Any]]:
        return [_content_row(h["title"], (), h.get("level", 1), h["id"], h.get("page"),
                             h.get("page_label"))
                for h in inventory.get("anchors", [])
                if (h.get("article") == article) or (article is None and h.get("article") not in titled)]

    rows = headings_of(None)
    for a in articles:
        rows.append(_content_row(a["title"], a.get("authors") or (), 1, a.get("anchor"),
                                 a.get("page"), a.get("page_label")))
        rows.extend(headings_of(a.get("anchor")))
    return rows


def _content_row(title: str, authors: Any, level: int, anchor: str | None, page: int | None,
                 page_label: str | None) -> dict[str, Any]:
    return {"title": title, "authors": list(authors), "level": level, "anchor": anchor,
            "page": page, "page_label": page_label}


def _reference(xref: CrossReference, view: XrefView, root: Path) -> dict[str, Any]:
    targets = [_target(t) for t in view.targets]
    good = sum(1 for t in targets if t["status"] == "resolved")
    status = "resolved" if targets and good == len(targets) else "partial" if good else "unresolved"
    return {"text": xref.text, "path": _relative(Path(xref.where.path), root),
            "line": xref.where.line, "col": xref.where.col,
            "in_editor_note": xref.in_editor_note, "status": status, "targets": targets}


def _target(target: Target) -> dict[str, Any]:
    return {
        "status": target.status,
        "message": target.message or None,
        "series": target.series,
        "issue": target.issue,
        "title": target.title,
        "page": target.page,
        "page_label": target.page_label,
        "href": target.href,
        "locator": target.locator or None,
    }


# --- the listing as a table ----------------------------------------------------------------


def format_listing(listing: dict[str, Any]) -> str:
    """The listing as aligned text for a person to read."""
    blocks = [_series_line(listing), _issues_table(listing["issues"])]
    for issue in listing["issues"]:
        blocks.append(_articles_block(issue))
    for issue in listing["issues"]:
        if issue["references"] is not None:
            blocks.append(_references_block(issue))
    return "\n\n".join(b for b in blocks if b)


def aligned(rows: Sequence[Sequence[str]], indent: str = "") -> list[str]:
    """Rows of cells in columns two spaces apart (the last column is not padded)."""
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return [indent + "  ".join([c.ljust(w) for c, w in zip(r, widths)] + [r[-1]]).rstrip()
            for r in rows]


def _short(text: str | None, width: int = 44) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _name(issue: dict[str, Any]) -> str:
    """ "Ember Tide vol.6"; "-" for an issue with no series and no number."""
    numbered = any(issue[k] is not None for k in ("volume", "number", "chapter"))
    return " ".join(p for p in (issue["series"], issue["designation"] if numbered else "") if p) or "-"


def _heading(issue: dict[str, Any]) -> str:
    return ": ".join(p for p in (_name(issue).strip("-"), issue["title"] or "") if p)


def _series_line(listing: dict[str, Any]) -> str:
    lines = []
    for s in listing["series"]:
        aliases = f" ({', '.join(s['aliases'])})" if s["aliases"] else ""
        role = "series" if s["home"] else "related series"
        lines.append(f"{role}: {s['name']}{aliases}" + (f"  {s['url']}" if s["url"] else ""))
    return "\n".join(lines)


def _issues_table(issues: list[dict[str, Any]]) -> str:
    if not issues:
        return "no issues in the catalog"
    rows = [("issue", "title", "from", "pages")]
    for issue in issues:
        where = f"{issue['from']} {issue['path'] or ''}".strip()
        if issue["from"] == "source":
            where += {"inventory": " (built)", "text": " (not built)"}.get(issue["pages_from"], "")
        pages = str(issue["pages"]) if issue["pages"] else "?"
        rows.append((_name(issue), _short(issue["title"]), where, pages))
    return "\n".join(aligned(rows))


def _articles_block(issue: dict[str, Any]) -> str:
    head = _heading(issue)
    if not issue["articles"]:
        return f"{head}\n  (no articles known)"
    rows = []
    for a in issue["articles"]:
        page = f"p.{a['page_label']}" if a["page_label"] else f"pdf p.{a['page']}" if a["page"] else "p.?"
        authors = f"  ({', '.join(a['authors'])})" if a["authors"] else ""
        rows.append((page, "  " * (max(1, a["level"]) - 1) + a["title"] + authors))
    return "\n".join([head] + aligned(rows, "  "))


def _references_block(issue: dict[str, Any]) -> str:
    head = f"references in {_heading(issue)}"
    if not issue["references"]:
        return f"{head}\n  (none)"
    rows = [("where", "see …", "status", "target")]
    for ref in issue["references"]:
        where = f"{ref['path']}:{ref['line']}:{ref['col']}"
        targets = ref["targets"] or [{"status": "unresolved", "message": "names no known text"}]
        for n, t in enumerate(targets):
            rows.append((where if n == 0 else "", _short(ref["text"], 40) if n == 0 else "",
                         t["status"], _target_text(t)))
    return "\n".join([head] + aligned(rows, "  "))


def _target_text(target: dict[str, Any]) -> str:
    if target["status"] != "resolved":
        return target.get("message") or "names no known text"
    where = target.get("locator") or target.get("title") or ""
    title = target.get("title")
    text = f"{title} — {where}" if title and title != where else where
    return text + (f"  {target['href']}" if target.get("href") else "")
