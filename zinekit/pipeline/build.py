"""The build: the stages an issue goes through, and the order a series is built in.

    1. load      Markdown and front matter → Issue           (zinekit.load, zinekit.markup)
    2. prepare   settings, theme, page size                   (zinekit.config, themes_loader)
    3. resolve   references and citations → Resolved          (zinekit.resolve)
    4. reuse?    the last build's outputs, if nothing changed (zinekit.pipeline.reuse)
    5. render    the reading PDF, then each format's files     (zinekit.render)
    6. write     every file whole, or none                     (zinekit.safety.output)

:func:`build_issue` runs them for one issue; :func:`build_path` for one issue or a whole
series, each issue after the issues it cites (issues that do not cite each other side by
side, see :mod:`zinekit.pipeline.parallel`, or on a Dask cluster, :mod:`zinekit.pipeline.cluster`), and
again while cited page numbers still change; :func:`build_anthology` for an anthology
(:mod:`zinekit.anthology.expand`), whose issue is expanded from the texts it includes in step 1.
Stages report to a :class:`~zinekit.reporter.Reporter` and never print.  If anything is
an error (or, with ``--strict``, a warning), nothing of the issue is written and the
build exits with status 1.
"""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path

from zinekit.pipeline import reuse, stamps
from zinekit.pipeline.catalog_entry import report_unlisted
from zinekit.pipeline.check import check_text
from zinekit.pipeline.cluster import Shared, cluster_address, open_workers
from zinekit.config import IssueSettings
from zinekit.errors import Diagnostics, ZinekitError, displayed_from
from zinekit.model import (BuildInputs, Inventory, Issue, IssueResult, LaidOut, Plan,
                           Prepared, source_date_of)
from zinekit.safety.output import check_within, sweep_stale_temporaries, write_bytes
from zinekit.render.fonts import fonts_dated
from zinekit.pipeline.parallel import IssueRunner, Stages
from zinekit.project import Project, issues_at, open_project
from zinekit.render.formats import (
    FORMATS,
    needs_layout,
    needs_reading_bytes,
)
from zinekit.render.paper import caliper_of
from zinekit.reporter import Built, Note, Progress, Reporter, UpToDate, Wrote
from zinekit.resolve.bibliography import find_bibliography
from zinekit.resolve.inventory import make_inventory
from zinekit.resolve.stage import resolve_issue
from zinekit.pipeline.options import (BuildOptions, choose_formats, page_size, warn_untranslated)
from zinekit.reporter import notes_by_file
from zinekit.pipeline.series import MAX_PASSES, Session
from zinekit.themes_loader import load_theme
from zinekit.safety.trust import store_key, use_store_key


# --- a series ------------------------------------------------------------------------------


def build_path(path: Path, options: BuildOptions, reporter: Reporter) -> list[IssueResult]:
    """``zinekit build PATH``: one issue, or every issue of the series at PATH."""
    diagnostics = Diagnostics()
    project = open_project(path, diagnostics)
    out = project.output_folder(options.out_dir)
    options = replace(options, cluster=cluster_address(options.cluster),
                      store_key=store_key().hex())  # the workers sign as this process
    if options.cluster:
        out = out.resolve()  # the workers' working folder is not this one
    stamp = _library_inputs(path, project, out, options, diagnostics)
    if stamp is not None and _unchanged(project, out, stamp, options, reporter):
        return []  # nothing of the library changed since its last build
    session = Session.open(project, out, diagnostics)
    stop_on_errors(diagnostics, options, reporter)
    targets = issues_at(path, project)
    options = replace(
        options, thumbnails=options.write and _writes_download_page(path, project, len(targets)))
    session.register_sources()
    if project.file is not None and path.resolve() == project.root:
        report_unlisted(project.root, out, session.listed(), project.build,
                        project.file.path.name, diagnostics)
        stop_on_errors(diagnostics, options, reporter)  # with --strict
    deps = session.dependencies(targets)
    levels = session.levels(targets, deps)
    targets = [t for level in levels for t in level]
    if options.layout:
        lay_out_cited_siblings(targets, project, options, session)
    results = _build_in_passes(levels, deps, project, options, session, reporter)
    if options.write and not all(r.reused for r in results.values()):
        reuse.prune_store(session.out_root, _noted(reporter))
    reporter.findings(diagnostics.shown(options.strict))
    built = [results[t] for t in targets]
    if options.write and _writes_download_page(path, project, len(built)):
        _write_download_page(project, built, session, options, reporter)
    if stamp is not None:
        issues = [stamps.stamped_issue(project.relative(t), results[t].issue.slug,
                                      results[t].diagnostics, project.root) for t in targets]
        stamps.record_library(out, stamp, issues, len(targets) > 1, diagnostics.items)
    return built


def _writes_download_page(path: Path, project: Project, issues: int) -> bool:
    """A build of several issues, or of a whole series, ends with its download page."""
    return issues > 1 or bool(project.file and path.resolve() == project.root)


def _library_inputs(path: Path, project: Project, out: Path, options: BuildOptions,
                    diagnostics: Diagnostics) -> dict | None:
    """What a build of a whole series depends on (see :mod:`zinekit.pipeline.reuse`, §4); None
    for a build of one issue, ``--force``, ``zinekit check``, or a bad ``zinekit.toml``."""
    if not options.write or options.force or project.file is None or \
            path.resolve() != project.root or diagnostics.failing(options.strict):
        return None
    from zinekit.library.search import available as search_available

    wanted = {"formats": list(options.formats or []), "theme": options.theme, "vendor": options.vendor,
              "strict": options.strict, "epoch": options.source_date_epoch,
              "search": search_available()}  # Pagefind installed since: the library's search
    return stamps.library_inputs(project.root, out, wanted)


def _unchanged(project: Project, out: Path, inputs: dict, options: BuildOptions,
               reporter: Reporter) -> bool:
    """Report an unchanged library from its stamp; False when it changed."""
    stamp = stamps.unchanged_library(out, inputs)
    return stamp is not None and stamps.replay_library(stamp, project.root, options.strict, reporter)


def _build_in_passes(levels: list[list[Path]], deps: dict[Path, list[Path]], project: Project,
                     options: BuildOptions, session: Session,
                     reporter: Reporter) -> dict[Path, IssueResult]:
    """Each level of the reference order in turn; then again the issues whose cited
    pages changed while they were built (two issues citing each other), until none do."""
    targets = [t for level in levels for t in level]
    stages = Stages(plan=functools.partial(plan_issue, project=project, options=options,
                                           session=session),
                    render=functools.partial(render_plan if options.layout else check_plan,
                                             options=options),
                    finish=session.finish, name=project.relative)
    results: dict[Path, IssueResult] = {}
    pending = list(targets)
    cluster = options.cluster
    workers = open_workers(options.jobs, cluster, reporter,
                           Shared(reuse.shared_files(targets[:1], project.file), session.out_root)) \
        if options.write and cluster else None
    with IssueRunner(options.jobs, reporter, stages, workers) as runner:
        for number in range(1, MAX_PASSES + 1):
            runner.expect(len(pending))
            progress = _Progress(project, options, len(pending), len(targets) > 1, number > 1)
            for level in levels:
                batch = [t for t in level if t in pending]
                # `check` checks an issue whose cited issues have errors all the same
                results.update(runner.run(batch, deps if options.write else {}, progress.event))
            runner.raise_failures()
            pending = [t for t in targets if results[t].cited_state != session.snapshot(results[t].cited)]
            if not pending:
                break
    for issue_path in pending:
        session.diagnostics.warning("page numbers of the issues this one cites did not settle "
                                    f"after {MAX_PASSES} passes", str(results[issue_path].issue.source_file))
    return results


@dataclass
class _Progress:
    """The ``[k/N] issue`` line shown before each issue's messages in a series."""

    project: Project
    options: BuildOptions
    total: int
    shown: bool
    again: bool
    count: int = 0

    def event(self, issue_path: Path) -> Progress | None:
        self.count += 1
        if not self.shown:
            return None
        return Progress(self.project.relative(issue_path), self.count, self.total, self.again)


def _write_download_page(project: Project, built: list[IssueResult], session: Session,
                         options: BuildOptions, reporter: Reporter) -> None:
    """The readers' library — ``dist/index.html``, the catalogs, the feed, the search
    (:mod:`zinekit.library`) — unless the issues' manifests and the page's inputs are
    those of the library already there."""
    from zinekit.library import write_library
    from zinekit.library.search import available as search_available
    from zinekit.render.download_page import page_theme

    stamp = stamps.page_inputs(project.file.path if project.file else None,
                               [(r.issue.slug, session.out_root / r.issue.slug) for r in built],
                               page_theme(project).folders)
    stamp["search"] = search_available()
    if not options.force and stamps.page_is_current(session.out_root, stamp) and \
            (session.out_root / "opds.xml").is_file():
        return
    written = write_library(project, built, session.out_root, _noted(reporter))
    stamps.record_page(session.out_root, stamp, written[0])


def lay_out_cited_siblings(targets: list[Path], project: Project, options: BuildOptions,
                           session: Session) -> None:
    """Lay out (in memory) issues the targets cite whose pages are not known yet."""
    wanted = {t.resolve() for t in targets}
    if not any(e.source is not None and not session.is_real(e) and e.source.resolve() not in wanted
               for e in session.catalog.issues()):
        return  # every other issue's pages are known: nothing to load
    for target in targets:
        for entry in session.cited_sources(session.load(target)):
            if session.is_real(entry) or entry.source is None or entry.source.resolve() in wanted:
                continue
            from zinekit.render.pdf import render_pdf  # WeasyPrint: loaded for a layout only

            prepared = prepare_issue(entry.source, project, BuildOptions(theme=options.theme), session)
            laid_out = render_pdf(prepared, with_bytes=False, diagnostics=Diagnostics())
            session.record(prepared.issue, inventory_of(prepared, laid_out))


def build_anthology(path: Path, options: BuildOptions, reporter: Reporter,
                    build: bool = True) -> IssueResult | None:
    """``zinekit anthology PATH``: the anthology a spec (``.toml``) or an issue with
    ``include:`` describes; its page count estimated first, then (``build``) built."""
    from zinekit.anthology.estimate import estimate_pages
    from zinekit.anthology.expand import read_spec

    diagnostics = Diagnostics()
    project = open_project(path, diagnostics)
    session = Session.open(project, options.out_dir or project.out_dir, diagnostics)
    if path.suffix.lower() == ".toml":
        session.loaded[path.resolve()] = read_spec(path, project.root, project.build, diagnostics)
    stop_on_errors(diagnostics, options, reporter)
    session.register_sources()
    if build:  # the pages of the texts left out, for their locators
        lay_out_cited_siblings([path], project, options, session)
    prepared = prepare_issue(path, project, options, session)
    stop_on_errors(prepared.diagnostics, options, reporter)
    reporter.emit(Note("\n".join(estimate_pages(prepared).lines())))
    if not build:
        reporter.findings(prepared.diagnostics.shown(options.strict))
        return None
    return build_issue(path, project, options, session, reporter)


def check_path(path: Path, options: BuildOptions, reporter: Reporter) -> list[IssueResult]:
    """``zinekit check PATH``: every diagnostic a build finds in the text, without a
    layout and without output files (see :mod:`zinekit.pipeline.check`)."""
    return build_path(path, replace(options, write=False, layout=False), reporter)


# --- one issue -----------------------------------------------------------------------------


def build_issue(path: Path, project: Project, options: BuildOptions, session: Session,
                reporter: Reporter) -> IssueResult:
    """Build one issue: plan it, then render and write every format, or (when the last
    build's outputs are current, see :mod:`zinekit.pipeline.reuse`) reuse them."""
    planned = plan_issue(path, reporter, project=project, options=options, session=session)
    if isinstance(planned, IssueResult):
        return planned
    return session.finish(planned.prepared.issue, render_plan(planned, reporter, options=options))


def prepare_issue(path: Path, project: Project, options: BuildOptions,
                  session: Session | None = None) -> Prepared:
    """Stages 1–3: load the issue, settle its settings, theme and page, resolve it."""
    diagnostics = Diagnostics()
    if session is None:
        session = Session.open(project, project.output_folder(options.out_dir), diagnostics)
    issue = session.load(path)  # 1.
    diagnostics.extend(issue.diagnostics)
    collected = _expanded(issue, session, diagnostics)
    issue = collected.issue if collected else issue
    warn_untranslated(issue, diagnostics)
    settings = IssueSettings(issue.meta, issue.build, command_line={"theme": options.theme,
                                                                     "vendor": options.vendor})
    theme = load_theme(settings.typed.theme, project.root)  # 2.
    settings = settings.with_theme(theme.defaults)
    page = page_size(settings, diagnostics)
    caliper_of(settings, diagnostics)  # a bad paper thickness is reported by `check` too
    href = session.pdf_href_for(issue.slug)
    if collected:  # 3.
        from zinekit.anthology.expand import resolve_anthology

        resolved = resolve_anthology(collected, session.catalog, href, diagnostics)
    else:
        resolved = resolve_issue(issue, diagnostics, session.catalog, href)
    return Prepared(issue, settings, theme, page, resolved, diagnostics,
                    source_date=source_date_of(options.source_date_epoch))


def _expanded(issue: Issue, session: Session, diagnostics: Diagnostics):
    """An anthology's issue made of the texts its ``include:`` names
    (:mod:`zinekit.anthology.expand`, loaded for an anthology only); None for an issue."""
    if not issue.meta.typed.include:
        return None
    from zinekit.anthology.expand import expand

    return expand(issue, session.load, session.catalog, diagnostics)


def plan_issue(path: Path, reporter: Reporter, *, project: Project, options: BuildOptions,
               session: Session) -> Plan | IssueResult:
    """Stages 1–4: what to render, or, when the last build is current, its result."""
    prepared = prepare_issue(path, project, options, session)
    issue, diagnostics = prepared.issue, prepared.diagnostics
    result = IssueResult(issue, diagnostics)
    cited = session.cited_sources(issue)
    result.cited = [e.source for e in cited if e.source is not None]
    result.cited_state = session.snapshot(result.cited)
    formats = choose_formats(prepared, options, diagnostics)
    # `check` goes on to its checks of the text, to report their errors too, unless an
    # input was refused as unsafe to read (an SVG bomb is never read further)
    if options.write or diagnostics.refused:
        stop_on_errors(diagnostics, options, reporter)
    plan = Plan(prepared, result, formats, session.out_root / issue.slug,
                session.inventory_path(issue.slug))
    if options.write:  # 4.
        plan.inputs = _inputs(plan, project, options, session, cited)
        if not options.force:
            warn = _noted(reporter)
            plan.manifest = reuse.reusable(plan.out, plan.inputs, project.root, warn) or \
                reuse.restore(plan.out, plan.inputs, project.root, warn)
    if plan.manifest is not None:
        return reuse_issue(plan, options, session, reporter)
    return plan


def _noted(reporter: Reporter):
    """Report a warning about the output folder's bookkeeping (what a received project
    shipped there): shown, but not failing a ``--strict`` build, which builds again."""
    return lambda message: reporter.emit(Note(message))


def _inputs(plan: Plan, project: Project, options: BuildOptions, session: Session,
            cited: list) -> BuildInputs:
    """Everything the outputs of ``plan``'s issue depend on (see :mod:`zinekit.pipeline.reuse`)."""
    issue, theme = plan.prepared.issue, plan.prepared.theme
    href = session.pdf_href_for(issue.slug)
    back = [e.pdf for e in session.catalog.issues() if e.pdf is not None]
    files = reuse.input_files(issue, theme.folders, project.file.path if project.file else None,
                              back, find_bibliography(issue, Diagnostics()), session.folders_seen)
    return {
        "zinekit": reuse.zinekit_fingerprint(),
        "formats": list(plan.formats),
        "theme": [theme.name, options.theme],
        "vendor": options.vendor,
        "source_date_epoch": options.source_date_epoch,
        "files": files,
        "cited": reuse.bytes_digest(plan.result.cited_state.encode("utf-8")),
        "links": [href(e) for e in cited],
    }


def reuse_issue(plan: Plan, options: BuildOptions, session: Session,
                reporter: Reporter) -> IssueResult:
    """The last build's outputs are current: register its inventory, report it again."""
    assert plan.manifest is not None
    issue, result = plan.prepared.issue, plan.result
    result.diagnostics.extend(plan.manifest.diagnostics)
    stop_on_errors(result.diagnostics, options, reporter)
    if plan.inventory_path.is_file():  # not when no layout of the text was ever recorded
        result.inventory = json.loads(plan.inventory_path.read_text(encoding="utf-8"))
        session.record(issue, result.inventory)
    result.pages = plan.manifest.pages
    result.outputs = [plan.out / name for name in plan.manifest.outputs]
    result.reused = True
    reporter.findings(result.diagnostics.shown(options.strict))
    reporter.emit(UpToDate(issue.slug))
    return result


def render_plan(plan: Plan, reporter: Reporter, *, options: BuildOptions) -> IssueResult:
    """Stages 5–6: render every format into memory, then write them all (or none).

    This runs in a worker process when issues are built side by side: it reads the
    plan and writes files, and needs nothing of the session; its messages name files
    as the process that started the build does (``options.display_base``)."""
    with displayed_from(options.display_base), fonts_dated(options.source_date_epoch):
        return _render_plan(plan, reporter, options)


def _render_plan(plan: Plan, reporter: Reporter, options: BuildOptions) -> IssueResult:
    started = time.perf_counter()
    if options.store_key:  # in a worker: sign as the planning process does
        use_store_key(bytes.fromhex(options.store_key))
    if options.write:  # a folder leading out through a link fails before the work
        check_within(plan.inventory_path, plan.out.parent)
        check_within(reuse.manifest_path(plan.out), plan.out.parent)
    prepared, result = plan.prepared, plan.result
    issue, diagnostics = prepared.issue, prepared.diagnostics
    found_before = len(diagnostics.items)
    reading = reading_layout(plan, options.jobs)  # 5.
    files: dict[Path, bytes] = {}
    if reading is not None:
        result.pages = reading.pages
        result.inventory = inventory_of(prepared, reading)
        files[plan.inventory_path] = json.dumps(result.inventory, ensure_ascii=False,
                                                indent=1).encode("utf-8") + b"\n"
    for name in plan.formats:
        files.update(FORMATS[name].make(prepared, reading, plan.out))
    forget_print_layout(prepared)
    diagnostics.drop_repeated_errors(found_before)
    stop_on_errors(diagnostics, options, reporter)
    if options.thumbnails:  # the EPUB's cover, drawn with the render, on its worker
        from zinekit.library.thumbnails import design_thumbnail

        result.thumbnail = design_thumbnail(prepared)
    if options.write:  # 6.
        for target, data in files.items():
            result.outputs.append(_write(target, data, plan.out.parent))
        if plan.inputs is not None:
            reuse.record(plan.out, plan.inputs, files, result.pages, diagnostics, issue.root)
            if reading is not None and needs_layout(plan.formats):
                reuse.record_layout(plan.out, plan.inputs, reading)
    details, notes = notes_by_file(prepared.notes, result.outputs) if options.write else ({}, [])
    for note in notes:
        reporter.emit(Note(note))
    reporter.findings(diagnostics.shown(options.strict))
    for path in result.outputs:
        reporter.emit(Wrote(path, path.stat().st_size, details.get(path, "")))
    if options.write:
        reporter.emit(Built(issue.slug, result.pages, time.perf_counter() - started))
    return result


def check_plan(plan: Plan, reporter: Reporter, *, options: BuildOptions) -> IssueResult:
    """``zinekit check``'s stage 5 in place of the render: the text's checks, no layout."""
    diagnostics = plan.prepared.diagnostics
    check_text(plan.prepared, plan.formats)
    stop_on_errors(diagnostics, options, reporter)
    reporter.findings(diagnostics.shown(options.strict))
    return plan.result


def reading_layout(plan: Plan, jobs: int = 1) -> LaidOut | None:
    """The reading PDF laid out, once, for every format that needs its pages.  Formats
    that need no layout of their own (an EPUB, a web edition) take the printed page
    numbers from the last layout's record, or go without them.  A long issue is laid
    out in parts on ``jobs`` processes (zinekit/render/in_parts.py), its last layout's
    pages the first guess at its page numbers."""
    prepared = plan.prepared
    if needs_layout(plan.formats):
        from zinekit.proof import noting_findings  # WeasyPrint: loaded for a layout only
        from zinekit.render.in_parts import render_in_parts
        from zinekit.render.pdf import render_pdf

        with_bytes = needs_reading_bytes(plan.formats)
        def last_pages() -> dict[str, int] | None:
            last = reuse.recorded_layout(plan.out, None)
            return last.anchor_pages if last is not None else None

        laid_out = render_in_parts(prepared, jobs, last_pages, with_bytes)
        return laid_out or render_pdf(prepared, with_bytes=with_bytes,  # zinekit.proof:
                                      on_layout=noting_findings(prepared.notes))
    recorded = reuse.recorded_layout(plan.out, plan.inputs) if plan.inputs is not None else None
    if recorded is None:
        prepared.notes.append(f"{prepared.issue.slug}: the printed page numbers (the EPUB's "
                              "page list, the pages other issues cite) are left out: no layout "
                              "of this text is recorded; build its reading PDF once to have them")
    return recorded


def inventory_of(prepared: Prepared, reading: LaidOut) -> Inventory:
    """The inventory other issues resolve against: the issue's anchors and their pages."""
    slug = prepared.issue.slug
    return make_inventory(prepared.issue, reading.anchor_pages, reading.pages, f"{slug}.pdf")


def forget_print_layout(prepared: Prepared) -> None:
    """The print formats' shared layout (render/press.py) is not kept past them."""
    vars(prepared).pop("_print_layout", None)
    vars(prepared).pop("_press_profile", None)



# --- writing and failing ---------------------------------------------------------------------


def _write(path: Path, data: bytes, within: Path) -> Path:
    """Write one output file, never through a link leading out of ``within``."""
    check_within(path, within)
    sweep_stale_temporaries(path.parent)
    write_bytes(path, data, within)
    return path


def stop_on_errors(diagnostics: Diagnostics, options: BuildOptions, reporter: Reporter) -> None:
    """Report and stop when anything fails the build (with ``--strict``, warnings too)."""
    failing = diagnostics.failing(options.strict)
    if not failing:
        return
    reporter.findings(diagnostics.shown(options.strict))
    diagnostics.items.clear()
    plural = "s" if len(failing) != 1 else ""
    if not options.write:
        raise ZinekitError(f"check found {len(failing)} error{plural}")
    raise ZinekitError(f"build failed: {len(failing)} error{plural}; nothing was written")
