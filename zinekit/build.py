"""The build: the stages an issue goes through, in order, and the same for a series.

    load (front matter + Markdown → model) → resolve (references, citations)
      → render (theme → HTML → WeasyPrint) → impose / EPUB → write (atomically)

Diagnostics of every stage are collected; if any is an error (or, with ``--strict``,
a warning), nothing is written and the build exits with status 1.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import click

from zinekit import reuse
from zinekit.errors import Diagnostics, ZinekitError
from zinekit.load import load_issue
from zinekit.model import Issue
from zinekit.output import sweep_stale_temporaries, write_bytes
from zinekit.pages import PageSize, parse_page_size
from zinekit.project import Project, issues_at, open_project
from zinekit.render.document import Resolved, render_issue_html
from zinekit.render.editions import PRESS_BLEED, PRESS_VARIANT, impose_booklet
from zinekit.render.epub import build_epub
from zinekit.render.fonts import check_font_coverage
from zinekit.render.pdf import ProjectFetcher, pdf_bytes, render_document
from zinekit.resolve.inventory import make_inventory
from zinekit.resolve.stage import resolve_issue
from zinekit.series import MAX_PASSES, Session, snapshot
from zinekit.themes_loader import Theme, builtin_themes_folder, load_theme

AVAILABLE_FORMATS = ("pdf", "booklet", "press", "html", "epub")
DEFAULT_FORMATS = ("pdf", "booklet", "epub")


@dataclass
class BuildOptions:
    out_dir: Path | None = None
    formats: tuple[str, ...] | None = None
    theme: str | None = None
    strict: bool = False
    quiet: bool = False
    write: bool = True  # False for `zinekit check`
    jobs: int = 1  # issues built side by side (worker processes) when a series is built
    force: bool = False  # render every issue even if the last build's outputs are current


@dataclass
class IssueBuild:
    """Everything one issue's build produced or found."""

    issue: Issue
    diagnostics: Diagnostics
    outputs: list[Path] = field(default_factory=list)
    pages: int = 0
    cited_issues: list = field(default_factory=list)  # catalog issues it refers to
    cited: str = ""  # their inventories when it was resolved (see series.snapshot)
    inventory: dict | None = None  # the inventory other issues resolve against
    reused: bool = False  # the last build's outputs were current: nothing was rendered


def build_path(path: Path, options: BuildOptions) -> list[IssueBuild]:
    """``zinekit build PATH``: one issue, or every issue of the series at PATH, each
    after the issues it cites (issues that do not cite each other side by side, on
    ``options.jobs`` processes), and again while cited page numbers still change."""
    from zinekit.parallel import IssueRunner

    diagnostics = Diagnostics()
    project = open_project(path, diagnostics)
    session = Session.open(project, options.out_dir or project.out_dir, diagnostics)
    _stop_on_errors(diagnostics, options, "build")
    targets = issues_at(path, project)
    session.register_sources()
    deps = session.dependencies(targets)
    levels = session.levels(targets, deps)
    targets = [t for level in levels for t in level]
    _lay_out_cited_siblings(targets, project, options, session)
    results: dict[Path, IssueBuild] = {}
    pending = list(targets)
    with IssueRunner(project, options, session) as runner:
        for number in range(1, MAX_PASSES + 1):
            progress = _Progress(project, options, len(pending), len(targets) > 1, number > 1)
            for level in levels:
                batch = [t for t in level if t in pending]
                results.update(runner.run(batch, deps, progress.show))
            runner.raise_failures()
            pending = [t for t in targets
                       if results[t].cited != snapshot(session.catalog, results[t].cited_issues)]
            if not pending:
                break
    for issue_path in pending:
        diagnostics.warning("page numbers of the issues this one cites did not settle after "
                            f"{MAX_PASSES} passes", str(results[issue_path].issue.source_file))
    for line in diagnostics.lines():
        click.echo(line, err=True)
    built = [results[t] for t in targets]
    if options.write and (len(built) > 1 or (project.file and path.resolve() == project.root)):
        _write_download_page(project, built, session, options)
    return built


@dataclass
class _Progress:
    """The ``[k/N] issue`` line printed before each issue's messages."""

    project: Project
    options: BuildOptions
    total: int
    shown: bool
    again: bool
    count: int = 0

    def show(self, issue_path: Path) -> None:
        self.count += 1
        if self.shown and not self.options.quiet:
            again = " (again: pages it cites changed)" if self.again else ""
            click.echo(f"[{self.count}/{self.total}] {_shown(issue_path, self.project)}{again}",
                       err=True)


def _write_download_page(project: Project, built: list[IssueBuild], session: Session,
                         options: BuildOptions) -> None:
    """``dist/index.html``, unless the issues' manifests and the page's inputs are those
    of the page already there."""
    from zinekit.render.download_page import write_download_page

    stamp = reuse.page_inputs(project, [(r.issue.slug, session.out_root / r.issue.slug)
                                        for r in built])
    if not options.force and reuse.page_is_current(session.out_root, stamp):
        return
    written = write_download_page(project, built, session.out_root)
    reuse.record_page(session.out_root, stamp, written)


def _shown(path: Path, project: Project) -> str:
    try:
        return str(path.resolve().relative_to(project.root))
    except ValueError:
        return str(path)


def _lay_out_cited_siblings(targets: list[Path], project: Project, options: BuildOptions,
                            session: Session) -> None:
    """Lay out (in memory) issues the targets cite whose pages are not known yet."""
    wanted = {t.resolve() for t in targets}
    if not any(e.source is not None and not session.is_real(e) and e.source.resolve() not in wanted
               for e in session.catalog.issues()):
        return  # every other issue's pages are known: nothing to load
    for target in targets:
        issue = load_issue(target, project.root, project.build, Diagnostics())
        for entry in session.cited_sources(issue):
            if session.is_real(entry) or entry.source is None or entry.source.resolve() in wanted:
                continue
            quiet = BuildOptions(theme=options.theme, quiet=True, write=False)
            prepared = prepare_issue(entry.source, project, quiet, session)
            rendered = render_pdf(prepared.issue, prepared.theme, prepared.page,
                                  prepared.resolved, Diagnostics(), with_bytes=False)
            session.record(prepared.issue, rendered.inventory(prepared.issue))


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
    notes: list[str] = field(default_factory=list)  # reports printed after the build


def prepare_issue(path: Path, project: Project, options: BuildOptions,
                  session: Session | None = None) -> Prepared:
    """Stages 1–2: load and validate the issue, choose its theme, resolve references."""
    diagnostics = Diagnostics()
    if session is None:
        session = Session.open(project, options.out_dir or project.out_dir, diagnostics)
    issue = load_issue(path, project.root, project.build, diagnostics)
    theme = choose_theme(issue, project, options)
    issue.footnote_numbering = str(issue.build.get("footnote_numbering")
                                   or theme.defaults.get("footnote_numbering", "article"))
    page = page_size(issue, theme, diagnostics)
    resolved = resolve_issue(issue, diagnostics, session.catalog, session.pdf_href_for(issue.slug))
    return Prepared(issue, theme, page, resolved, diagnostics)


def build_issue(path: Path, project: Project, options: BuildOptions,
                session: Session | None = None) -> IssueBuild:
    """Build one issue: render every format, write them all, or (when the last build's
    outputs are current, see :mod:`zinekit.reuse`) reuse them."""
    started = time.perf_counter()
    session = session or Session.open(project, options.out_dir or project.out_dir, Diagnostics())
    plan = plan_issue(path, project, options, session)
    if plan.manifest is not None:
        return reuse_issue(plan, options, session)
    return render_issue(plan, options, session, started)


@dataclass
class Plan:
    """An issue prepared, its formats chosen and its inputs known, before rendering."""

    prepared: Prepared
    result: IssueBuild
    formats: tuple[str, ...]
    out: Path
    inputs: dict | None = None  # None when nothing is written (``zinekit check``)
    manifest: reuse.Manifest | None = None  # the last build's, when it can be reused


def plan_issue(path: Path, project: Project, options: BuildOptions, session: Session) -> Plan:
    """Stages 1–2 and the reuse check: is there anything to render?"""
    prepared = prepare_issue(path, project, options, session)
    issue, diagnostics = prepared.issue, prepared.diagnostics
    result = IssueBuild(issue, diagnostics)
    result.cited_issues = session.cited_sources(issue)
    result.cited = snapshot(session.catalog, result.cited_issues)
    formats = choose_formats(issue, options, diagnostics)
    _stop_on_errors(diagnostics, options, "build")
    plan = Plan(prepared, result, formats, session.out_root / issue.slug)
    if options.write:
        plan.inputs = _inputs(plan, project, options, session)
        if not options.force:
            plan.manifest = reuse.reusable(plan.out, plan.inputs, project.root)
    return plan


def _inputs(plan: Plan, project: Project, options: BuildOptions, session: Session) -> dict:
    """Everything the outputs of ``plan``'s issue depend on (see :mod:`zinekit.reuse`)."""
    from zinekit.resolve.bibliography import find_bibliography

    issue, theme = plan.prepared.issue, plan.prepared.theme
    href = session.pdf_href_for(issue.slug)
    back = [e.pdf for e in session.catalog.issues() if e.pdf is not None]
    files = reuse.input_files(issue, theme.folders, project.file.path if project.file else None,
                              back, find_bibliography(issue, Diagnostics()))
    return {
        "zinekit": reuse.zinekit_fingerprint(),
        "formats": list(plan.formats),
        "theme": [theme.name, options.theme],
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
        "files": files,
        "cited": reuse.bytes_digest(plan.result.cited.encode("utf-8")),
        "links": [href(e) for e in plan.result.cited_issues],
    }


def reuse_issue(plan: Plan, options: BuildOptions, session: Session) -> IssueBuild:
    """The last build's outputs are current: register its inventory, report it again."""
    assert plan.manifest is not None
    issue, result = plan.prepared.issue, plan.result
    result.diagnostics.extend(plan.manifest.diagnostics)
    _stop_on_errors(result.diagnostics, options, "build")
    inventory_path = session.inventory_path(issue.slug)
    result.inventory = json.loads(inventory_path.read_text(encoding="utf-8"))
    session.record(issue, result.inventory)
    result.pages = plan.manifest.pages
    result.outputs = [plan.out / name for name in plan.manifest.outputs]
    result.reused = True
    for line in result.diagnostics.lines():
        click.echo(line, err=True)
    if not options.quiet:
        click.echo(f"{issue.slug}: up to date", err=True)
    return result


def render_issue(plan: Plan, options: BuildOptions, session: Session,
                 started: float | None = None) -> IssueBuild:
    """Stages 3–4: render every format into memory, then write them all (or none)."""
    started = time.perf_counter() if started is None else started
    prepared, result, formats, out = plan.prepared, plan.result, plan.formats, plan.out
    issue, diagnostics = prepared.issue, prepared.diagnostics
    rendered: dict[Path, bytes] = {}
    pdf = render_pdf(issue, prepared.theme, prepared.page, prepared.resolved, diagnostics,
                     with_bytes="pdf" in formats)
    result.pages = pdf.pages
    result.inventory = pdf.inventory(issue)
    session.record(issue, result.inventory)
    rendered[session.inventory_path(issue.slug)] = json.dumps(
        result.inventory, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    if "pdf" in formats:
        rendered[out / f"{issue.slug}.pdf"] = pdf.data
    rendered.update(print_editions(prepared, formats, out))
    if "epub" in formats:
        rendered[out / f"{issue.slug}.epub"] = build_epub(prepared, pdf.anchor_pages)
    if "html" in formats:  # the web edition: index.html and its assets/
        from zinekit.render.web import web_edition

        for name, data in web_edition(prepared).items():
            rendered[out / name] = data
    _stop_on_errors(diagnostics, options, "build")
    if options.write:
        for target, data in rendered.items():
            result.outputs.append(_write(target, data))
        if plan.inputs is not None:
            reuse.record(out, plan.inputs, rendered, result.pages, diagnostics, issue.root)
    if options.write and not options.quiet:
        for note in prepared.notes:
            click.echo(note, err=True)
    _report(result, options, time.perf_counter() - started)
    return result


def print_editions(prepared: Prepared, formats: tuple[str, ...], out: Path) -> dict[Path, bytes]:
    """The booklet and press PDFs, rendered as the print edition (no live links)."""
    issue, diagnostics = prepared.issue, prepared.diagnostics
    rendered: dict[Path, bytes] = {}
    args = (issue, prepared.theme, prepared.page, prepared.resolved, diagnostics)
    if "booklet" in formats:
        bleed = issue.build.get("bleed")
        paper = render_pdf(*args, print_edition=True, bleed=bleed)
        booklet = impose_booklet(issue, paper.data, out, diagnostics)
        if booklet is not None:
            rendered[out / booklet.filename] = booklet.data
            prepared.notes.append(str(booklet.report))
    if "press" in formats:
        bleed = issue.build.get("bleed") or PRESS_BLEED
        press = render_pdf(*args, print_edition=True, bleed=bleed, variant=PRESS_VARIANT)
        rendered[out / f"{issue.slug}-press.pdf"] = press.data
    return rendered


@dataclass
class RenderedPdf:
    data: bytes
    pages: int
    anchor_pages: dict[str, int]  # element id → 1-based page

    def inventory(self, issue: Issue) -> dict:
        return make_inventory(issue, self.anchor_pages, self.pages, f"{issue.slug}.pdf")


def render_pdf(issue: Issue, theme: Theme, page: PageSize, resolved: Resolved,
               diagnostics: Diagnostics, variant: str | None = None, with_bytes: bool = True,
               **flags) -> RenderedPdf:
    """Render a PDF edition (by default the reading PDF): its bytes, page count and the
    page of every anchor.  ``with_bytes=False`` lays it out for its pages only: writing a
    1,000-page PDF is about a sixth of the time it takes."""
    html = render_issue_html(issue, theme, page, resolved, mode="print", **flags)
    fetcher = ProjectFetcher([issue.root, *theme.folders, builtin_themes_folder()],
                             allow_network=bool(issue.build.get("allow_network")))
    check_font_coverage(issue, theme.fonts(), diagnostics)
    document = render_document(html, issue, theme.stylesheets("print"), fetcher, diagnostics,
                               variant)
    anchor_pages: dict[str, int] = {}
    for number, laid_out in enumerate(document.pages, start=1):
        for anchor in laid_out.anchors:
            anchor_pages.setdefault(anchor, number)
    data = pdf_bytes(document, html, variant) if with_bytes else b""
    return RenderedPdf(data, len(document.pages), anchor_pages)


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
    """``--format``, else ``[build] formats``, else the default formats available."""
    configured = issue.build.values.get("formats") if "formats" in issue.build.lines else None
    if options.formats:
        wanted = options.formats
    elif configured:
        wanted = tuple(configured)
    else:
        wanted = tuple(f for f in DEFAULT_FORMATS if f in AVAILABLE_FORMATS)
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
        plural = "s" if count != 1 else ""
        if not options.write:
            raise ZinekitError(f"check found {count} error{plural}")
        raise ZinekitError(f"{what} failed: {count} error{plural}; nothing was written")


def _report(result: IssueBuild, options: BuildOptions, seconds: float) -> None:
    for line in result.diagnostics.lines():
        click.echo(line, err=True)
    if options.quiet or not options.write:
        return
    for path in result.outputs:
        click.echo(f"wrote {path} ({path.stat().st_size // 1024} KB)", err=True)
    click.echo(f"{result.issue.slug}: {result.pages} pages in {seconds:.1f}s", err=True)
