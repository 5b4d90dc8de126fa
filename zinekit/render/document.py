"""Issue → one HTML document, through the theme's jinja2 templates."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from zinekit import __version__
from zinekit.config import ISSUE_OPTIONS
from zinekit.locale import N_, label_stylesheet, labels
from zinekit.markup import RenderContext, render_html
from zinekit.markup.typography import balanced_title
from zinekit.model import READING, Article, Edition, Issue, Prepared
from zinekit.render.addresses import mark_addresses
from zinekit.render.running_heads import mark_running_titles
from zinekit.render.cover_art import cover_art_for
from zinekit.render.languages import mark_languages
from zinekit.render.locale import format_issue_date, iso_date
from zinekit.render.paper import text_direction


def build_date(source_date: _dt.datetime | None) -> str | None:
    """The build's timestamp: its ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    return source_date.strftime("%Y-%m-%dT%H:%M:%SZ") if source_date is not None else None


def issue_context(issue: Issue) -> dict[str, Any]:
    """What the templates read as ``issue``."""
    typed = issue.meta.typed
    return {
        "title": issue.title, "subtitle": typed.subtitle, "series": typed.series,
        "volume": typed.volume, "number": typed.number, "chapter": typed.chapter,
        "date": format_issue_date(typed.date, issue.language) or None,
        "date_iso": iso_date(typed.date), "season": typed.season,
        "authors": typed.authors, "editors": typed.editors, "license": typed.license,
        "contact": typed.contact, "description": typed.description, "blurb": typed.blurb,
        "url": typed.url, "cover": cover_image(issue), "language": issue.language,
        "direction": text_direction(issue.language), "slug": issue.slug,
        "issue_line": issue_line(issue),
        "display_title": issue.title,  # print balances it (render_issue_html)
    }


def cover_image(issue: Issue) -> str | None:
    """The ``cover:`` image as written, when it is a file inside the project (load.py
    reports it otherwise)."""
    written = issue.meta.typed.cover
    if not written:
        return None
    file = (issue.source_file.parent / str(written)).resolve()
    return str(written) if file.is_relative_to(issue.root.resolve()) and file.is_file() else None


def issue_line(issue: Issue) -> str:
    """``Ember Tide · vol. 6 · no. 2`` — the series line of the title page and heads."""
    parts = []
    meta = issue.meta
    if meta.typed.series:
        parts.append(str(meta.typed.series))
    label = labels(issue.language)
    for value, abbreviation in zip(meta.typed.numbering, (N_("vol."), N_("no."), N_("chap."))):
        if value is not None:
            parts.append(f"{label(abbreviation).strip()} {value}")
    return " · ".join(parts)


def article_context(article: Article, prepared: Prepared, mode: str,
                    edition: Edition = READING) -> dict[str, Any]:
    issue, resolved = prepared.issue, prepared.resolved
    notes_mode = notes_placement(article, issue)
    ctx = RenderContext(mode=mode, article_anchor=article.anchor, xrefs=resolved.xrefs,
                        citations=resolved.citations,
                        heading_shift=1 if article.title and not article.chapter else 0,
                        further_reading_html=resolved.bibliography_html,
                        endnotes=mode == "print" and notes_mode == "end",
                        sidenotes=mode == "print" and notes_mode == "side",
                        # on screen, headings renumbered under the title, none skipped
                        # (print keeps the theme's levels; the PDF's tags are renumbered)
                        labels=labels(issue.language), block_ids=True, outline_from=2 if mode == "screen" else 0,
                        note_offset=issue.notes_before(article)
                        if prepared.footnote_numbering == "issue" else 0,
                        print_edition=edition.print_edition, epub=edition.epub,
                        end_notes=edition.end_notes, block_lines=edition.block_lines)
    body, notes = render_html(article.text, ctx, allow_html=issue.build.typed.allow_html)
    return {
        "anchor": article.anchor,
        "title": article.title,
        # print balances a display title (the screen keeps the title as written)
        "display_title": balanced_title(article.title) if mode == "print" else article.title,
        "subtitle": article.meta.typed.subtitle,
        "authors": article.authors,
        "date": format_issue_date(article.meta.typed.date, issue.language) or None,
        "date_iso": iso_date(article.meta.typed.date),
        "source": article.meta.typed.source,
        "is_intro": article.is_intro,
        "notes_mode": notes_mode,
        "html": body,
        "notes_html": notes,
        "headings": list(article.headings),
        "further_reading": bool(article.meta.typed.further_reading),
    }


def notes_placement(article: Article, issue: Issue) -> str:
    """Where an article's notes go: its own ``notes``, else its issue's."""
    return article.meta.typed.notes or issue.meta.typed.notes or ISSUE_OPTIONS["notes"].default


def render_issue_html(prepared: Prepared, mode: str = "print", template: str = "issue.html",
                      edition: Edition = READING) -> str:
    """The whole issue as one HTML document for ``mode`` ("print" or "screen")."""
    issue = prepared.issue
    articles = [article_context(a, prepared, mode, edition) for a in issue.articles]
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
        build_date=build_date(prepared.source_date),
        generator=f"zinekit {__version__}",
        bibliography_html=prepared.resolved.bibliography_html,
        download_url=prepared.resolved.download_url,
        further_reading=bool(issue.meta.typed.further_reading),
        footnote_numbering=prepared.footnote_numbering,
        chapter_start=prepared.settings.typed.chapter_start,
        flags=edition.template_flags(),
        cover_art=_cover_art(prepared, mode, edition.template_flags()),
        label_css=label_stylesheet(issue.language) if mode == "print" else "",
        **labels(issue.language).template_globals(),
    )
    if mode == "print":  # no line end hyphenates an address (render/addresses.py)
        document = mark_running_titles(mark_addresses(document))  # heads of one line
    return mark_languages(document, issue.language, other_languages(prepared))


def _cover_art(prepared: Prepared, mode: str, flags: dict[str, Any]) -> str | None:
    """The ``cover:`` picture treated for the copier as the theme asks (cover_art.py),
    for the printed pages only."""
    written = cover_image(prepared.issue)
    treatment = prepared.theme.manifest.get("cover_treatment")
    if mode != "print" or written is None or not treatment:
        return None
    picture = prepared.issue.source_file.parent / written
    return cover_art_for(picture, treatment, prepared.page.width_mm, prepared.page.height_mm,
                         flags.get("bleed"))


def other_languages(prepared: Prepared) -> tuple[str, ...]:
    """The issue's ``other_languages``: what runs of other scripts are read in."""
    return tuple(prepared.settings.typed.other_languages)
