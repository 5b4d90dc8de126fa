"""The build: the stages an issue goes through, in order, and the same for a series.

    load (front matter + Markdown → model) → resolve (references, citations)
      → render (theme → HTML → WeasyPrint) → impose / EPUB → write (atomically)

Diagnostics of every stage are collected; if any is an error (or, with ``--strict``,
a warning), nothing is written and the build exits with status 1.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import click

from zinekit.errors import Diagnostics, ZinekitError
from zinekit.load import load_issue
from zinekit.model import Issue
from zinekit.output import sweep_stale_temporaries, write_bytes
from zinekit.pages import PageSize, parse_page_size
from zinekit.project import Project, issues_at, open_project
from zinekit.render.document import Resolved, render_issue_html
from zinekit.render.fonts import check_font_coverage
from zinekit.render.pdf import ProjectFetcher, pdf_bytes, render_document
from zinekit.resolve.stage import resolve_issue
from zinekit.themes_loader import Theme, builtin_themes_folder, load_theme

AVAILABLE_FORMATS = ("pdf", "html")


@dataclass
class BuildOptions:
    out_dir: Path | None = None
    formats: tuple[str, ...] | None = None
    theme: str | None = None
    strict: bool = False
    quiet: bool = False
    write: bool = True  # False for `zinekit check`


@dataclass
class IssueBuild:
    """Everything one issue's build produced or found."""

    issue: Issue
    diagnostics: Diagnostics
    outputs: list[Path] = field(default_factory=list)
    pages: int = 0


def build_path(path: Path, options: BuildOptions) -> list[IssueBuild]:
    """``zinekit build PATH``: one issue, or every issue of the series at PATH."""
    diagnostics = Diagnostics()
    project = open_project(path, diagnostics)
    _stop_on_errors(diagnostics, options, "build")
    results = []
    targets = issues_at(path, project)
    for number, issue_path in enumerate(targets, start=1):
        if len(targets) > 1 and not options.quiet:
            click.echo(f"[{number}/{len(targets)}] {issue_path.relative_to(project.root)}", err=True)
        results.append(build_issue(issue_path, project, options))
    return results


def check_path(path: Path, options: BuildOptions) -> list[IssueBuild]:
    """``zinekit check PATH``: every diagnostic of a build, no output files."""
    options.write = False
    results = build_path(path, options)
    if not any(r.diagnostics.items for r in results):
        click.echo("no problems found", err=True)
    return results


@dataclass
class Prepared:
    """An issue loaded, resolved and ready to render in any format."""

    issue: Issue
    theme: Theme
    page: PageSize
    resolved: Resolved
    diagnostics: Diagnostics


def prepare_issue(path: Path, project: Project, options: BuildOptions) -> Prepared:
    """Stages 1–2: load and validate the issue, choose its theme, resolve references."""
    diagnostics = Diagnostics()
    issue = load_issue(path, project.root, project.build, diagnostics)
    theme = choose_theme(issue, project, options)
    page = page_size(issue, theme, diagnostics)
    resolved = resolve_issue(issue, diagnostics)
    return Prepared(issue, theme, page, resolved, diagnostics)


def build_issue(path: Path, project: Project, options: BuildOptions) -> IssueBuild:
    started = time.perf_counter()
    prepared = prepare_issue(path, project, options)
    issue, diagnostics = prepared.issue, prepared.diagnostics
    result = IssueBuild(issue, diagnostics)
    formats = choose_formats(issue, options, diagnostics)
    _stop_on_errors(diagnostics, options, "build")
    out = (options.out_dir or project.out_dir) / issue.slug
    # Render everything first, write only when every format rendered without errors.
    rendered: dict[Path, bytes] = {}
    pdf, pages = render_pdf(issue, prepared.theme, prepared.page, prepared.resolved, diagnostics)
    result.pages = pages
    if "pdf" in formats:
        rendered[out / f"{issue.slug}.pdf"] = pdf
    if "html" in formats:
        html = render_issue_html(issue, prepared.theme, prepared.page, prepared.resolved,
                                 mode="screen")
        rendered[out / "index.html"] = html.encode("utf-8")
    _stop_on_errors(diagnostics, options, "build")
    if options.write:
        for target, data in rendered.items():
            result.outputs.append(_write(target, data))
    _report(result, options, time.perf_counter() - started)
    return result


def render_pdf(issue: Issue, theme: Theme, page: PageSize, resolved: Resolved,
               diagnostics: Diagnostics, **flags) -> tuple[bytes, int]:
    """Render the reading PDF; return its bytes and page count."""
    html = render_issue_html(issue, theme, page, resolved, mode="print", **flags)
    fetcher = ProjectFetcher([issue.root, *theme.folders, builtin_themes_folder()],
                             allow_network=bool(issue.build.get("allow_network")))
    check_font_coverage(issue, theme.fonts(), diagnostics)
    document = render_document(html, issue, theme.stylesheets("print"), fetcher, diagnostics)
    return pdf_bytes(document, html), len(document.pages)


def choose_theme(issue: Issue, project: Project, options: BuildOptions) -> Theme:
    name = options.theme or issue.meta.get("theme") or project.build.get("theme") or "pamphlet"
    return load_theme(name, project.root)


def page_size(issue: Issue, theme: Theme, diagnostics: Diagnostics) -> PageSize:
    wanted = issue.meta.get("page_size") or issue.build.get("page_size") \
        or theme.defaults.get("page_size") or "A5"
    try:
        return parse_page_size(str(wanted))
    except ValueError as exc:
        meta = issue.meta if issue.meta.get("page_size") else issue.build
        diagnostics.error(str(exc), meta.path, meta.line_of("page_size"), 1)
        return parse_page_size("A5")


def choose_formats(issue: Issue, options: BuildOptions, diagnostics: Diagnostics) -> tuple[str, ...]:
    wanted = options.formats or tuple(f for f in issue.build.get("formats", AVAILABLE_FORMATS)
                                      if f in AVAILABLE_FORMATS) or ("pdf",)
    for name in wanted:
        if name not in AVAILABLE_FORMATS:
            raise ZinekitError(f"error: format {name!r} is not available in this version of "
                               f"zinekit (available: {', '.join(AVAILABLE_FORMATS)})")
    return tuple(wanted)


def _write(path: Path, data: bytes) -> Path:
    sweep_stale_temporaries(path.parent)
    write_bytes(path, data)
    return path


def _stop_on_errors(diagnostics: Diagnostics, options: BuildOptions, what: str) -> None:
    failing = diagnostics.errors or (options.strict and diagnostics.warnings)
    if failing:
        for line in diagnostics.lines():
            if options.strict and line.split(": warning: ", 1)[0] != line:
                line = line.replace(": warning: ", ": error: ", 1)
            click.echo(line, err=True)
        count = len(diagnostics.errors) + (len(diagnostics.warnings) if options.strict else 0)
        diagnostics.items.clear()
        raise ZinekitError(f"{what} failed: {count} error{'s' if count != 1 else ''}; nothing was written")


def _report(result: IssueBuild, options: BuildOptions, seconds: float) -> None:
    for line in result.diagnostics.lines():
        click.echo(line, err=True)
    if options.quiet or not options.write:
        return
    for path in result.outputs:
        click.echo(f"wrote {path} ({path.stat().st_size // 1024} KB)", err=True)
    click.echo(f"{result.issue.slug}: {result.pages} pages in {seconds:.1f}s", err=True)
