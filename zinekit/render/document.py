"""Issue → one HTML document, through the theme's jinja2 templates."""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import fields
from typing import Any

from zinekit import __version__
from zinekit.markup import RenderContext, render_html
from zinekit.markup.typography import balanced_title
from zinekit.model import Article, Issue, Prepared
from zinekit.render.addresses import mark_addresses
from zinekit.render.languages import mark_languages
from zinekit.render.locale import format_issue_date, iso_date
from zinekit.render.paper import text_direction


def build_date() -> str | None:
    """The build's timestamp: ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        moment = _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


def issue_context(issue: Issue) -> dict[str, Any]:
    meta = issue.meta
    keys = ("title", "subtitle", "series", "volume", "number", "chapter", "date", "season",
            "authors", "editors", "license", "contact", "description", "url", "cover")
    ctx = {key: meta.get(key) for key in keys}
    ctx["cover"] = cover_image(issue)
    ctx["title"] = issue.title
    ctx["display_title"] = issue.title  # print balances it (render_issue_html)
    ctx["language"] = issue.language
    ctx["direction"] = text_direction(issue.language)
    ctx["date"] = format_issue_date(meta.get("date"), issue.language) or None
    ctx["date_iso"] = iso_date(meta.get("date"))
    ctx["slug"] = issue.slug
    ctx["issue_line"] = issue_line(issue)
    return ctx


def cover_image(issue: Issue) -> str | None:
    """The ``cover:`` image as written, when it is a file inside the project (load.py
    reports it otherwise)."""
    written = issue.meta.get("cover")
    if not written:
        return None
    file = (issue.source_file.parent / str(written)).resolve()
    return str(written) if file.is_relative_to(issue.root.resolve()) and file.is_file() else None


def issue_line(issue: Issue) -> str:
    """``Ember Tide · vol. 6 · no. 2`` — the series line of the title page and heads."""
    parts = []
    meta = issue.meta
    if meta.get("series"):
        parts.append(str(meta["series"]))
    for key, label in (("volume", "vol."), ("number", "no."), ("chapter", "chap.")):
        if meta.get(key) is not None:
            parts.append(f"{label} {meta[key]}")
    return " · ".join(parts)


def article_context(article: Article, prepared: Prepared, mode: str, **flags: Any) -> dict[str, Any]:
    issue, resolved = prepared.issue, prepared.resolved
    notes_mode = _notes_mode(article, issue)
    known = {f.name for f in fields(RenderContext)}
    ctx = RenderContext(mode=mode, article_anchor=article.anchor, xrefs=resolved.xrefs,
                        citations=resolved.citations,
                        heading_shift=1 if article.title and not article.chapter else 0,
                        further_reading_html=resolved.bibliography_html,
                        endnotes=mode == "print" and notes_mode == "end",
                        sidenotes=mode == "print" and notes_mode == "side",
                        # on screen, headings renumbered under the title, none skipped
                        # (print keeps the theme's levels; the PDF's tags are renumbered)
                        block_ids=True, outline_from=2 if mode == "screen" else 0,
                        note_offset=issue.notes_before(article)
                        if prepared.footnote_numbering == "issue" else 0,
                        **{k: v for k, v in flags.items() if k in known})
    body, notes = render_html(article.text, ctx, allow_html=bool(issue.build.get("allow_html")))
    return {
        "anchor": article.anchor,
        "title": article.title,
        # print balances a display title (the screen keeps the title as written)
        "display_title": balanced_title(article.title) if mode == "print" else article.title,
        "subtitle": article.meta.get("subtitle"),
        "authors": article.authors,
        "date": format_issue_date(article.meta.get("date"), issue.language) or None,
        "date_iso": iso_date(article.meta.get("date")),
        "source": article.meta.get("source"),
        "is_intro": article.is_intro,
        "notes_mode": notes_mode,
        "html": body,
        "notes_html": notes,
        "headings": list(article.headings),
        "further_reading": bool(article.meta.get("further_reading")),
    }


def _notes_mode(article: Article, issue: Issue) -> str:
    return article.meta.get("notes") or issue.meta.get("notes") or "foot"


def render_issue_html(prepared: Prepared, mode: str = "print", template: str = "issue.html",
                      **flags: Any) -> str:
    """The whole issue as one HTML document for ``mode`` ("print" or "screen")."""
    issue = prepared.issue
    articles = [article_context(a, prepared, mode, **flags) for a in issue.articles]
    shown = issue_context(issue)
    if mode == "print":  # a title of two lines never ends on one word (the screen reflows)
        shown["display_title"] = balanced_title(issue.title)
    contents = [a for a in articles if a["title"]]
    env = prepared.theme.jinja_env()
    document = env.get_template(template).render(
        issue=shown,
        articles=articles,
        contents=contents,
        multi_article=issue.is_multi_article,
        page=prepared.page,
        theme=prepared.theme.manifest,
        mode=mode,
        build_date=build_date(),
        generator=f"zinekit {__version__}",
        bibliography_html=prepared.resolved.bibliography_html,
        download_url=prepared.resolved.download_url,
        further_reading=bool(issue.meta.get("further_reading")),
        footnote_numbering=prepared.footnote_numbering,
        chapter_start=prepared.settings.get("chapter_start") or "page",
        flags=flags,
    )
    if mode == "print":  # no line end hyphenates an address (render/addresses.py)
        document = mark_addresses(document)
    return mark_languages(document, issue.language, other_languages(prepared))


def other_languages(prepared: Prepared) -> tuple[str, ...]:
    """The issue's ``other_languages``: what runs of other scripts are read in."""
    return tuple(str(tag) for tag in prepared.settings.get("other_languages") or ())
