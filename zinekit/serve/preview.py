"""One issue's live preview: rebuilt after each save, never lost to a bad one.

A rebuild runs the same stages as ``zinekit build`` up to the screen HTML
(:func:`~zinekit.pipeline.build.prepare_issue`, then
:func:`~zinekit.render.document.render_issue_html` in ``screen`` mode).  When the
sources have errors, or a stage raises, the preview keeps the last page that built and
shows the problem above it.  Each rebuild, good or bad, moves the version on, which is
how open pages know to reload.
"""

from __future__ import annotations

import html as html_lib
import re
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import jinja2

from zinekit.pipeline.build import prepare_issue
from zinekit.pipeline.options import started_here
from zinekit.errors import Diagnostic, Diagnostics, SourceError, ZinekitError, printable
from zinekit.load import ISSUE_FILE
from zinekit.model import Issue, Prepared
from zinekit.project import Project, open_project
from zinekit.render.document import render_issue_html
from zinekit.render.web import (
    inject,
    is_local_reference,
    raw_template,
    screen_stylesheets,
    theme_file,
    theme_relative,
    web_head,
    web_templates,
)
from zinekit.resolve.bibliography import find_bibliography
from zinekit.pipeline.series import Session
from zinekit.themes_loader import Theme, builtin_themes_folder

MAX_SHOWN_DIAGNOSTICS = 60
BUILT_LINK = re.compile(r'href="(\.\./[^"]*)"')


@dataclass
class Problem:
    """Why the latest save did not give a new page."""

    kind: str  # "error" (the input) or "internal error" (a bug in zinekit)
    lines: list[str]


@dataclass
class GoodPage:
    """The last page that built: the document (without the preview bar) and its theme."""

    html: str
    theme: Theme
    title: str
    built_at: float


@dataclass
class Snapshot:
    """The state a request reads, taken under the lock."""

    version: int
    good: GoodPage | None
    problem: Problem | None
    diagnostics: list[Diagnostic]
    seconds: float
    built_at: float


@dataclass
class IssuePreview:
    """The preview of the issue at ``path`` (a .md file or an issue folder)."""

    path: Path
    index: int
    root: Path
    version: int = 0
    good: GoodPage | None = None
    problem: Problem | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    watched: set[Path] = field(default_factory=set)
    theme_folders: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    built_at: float = 0.0

    def __post_init__(self) -> None:
        self.changed = threading.Condition()
        self.build_lock = threading.Lock()
        self.watched.add(self.source_file.resolve())

    # --- where the preview lives -------------------------------------------------------

    @property
    def source_file(self) -> Path:
        return self.path / ISSUE_FILE if self.path.is_dir() else self.path

    @property
    def url(self) -> str:
        """The page's address mirrors the issue's folder, so relative image paths work."""
        source = self.source_file.resolve()
        folder = source.parent.relative_to(self.root.resolve()).as_posix()
        prefix = "/" if folder == "." else "/" + quote(folder) + "/"
        return prefix if source.name == ISSUE_FILE else prefix + quote(source.stem) + ".html"

    def serves(self, url_path: str) -> bool:
        return unquote(url_path) == unquote(self.url)

    # --- rebuilding ----------------------------------------------------------------------

    def rebuild(self) -> None:
        """Run the stages again; keep the last good page if this save does not build."""
        with self.build_lock:
            started = time.perf_counter()
            diagnostics = Diagnostics()
            good, problem = None, None
            try:
                project, session, prepared = prepare(self.path, diagnostics)
                diagnostics.extend(prepared.diagnostics)
                self._remember_inputs(prepared, project, session)
                if not diagnostics.errors:
                    document = render_issue_html(prepared, mode="screen")
                    document = link_built_files(document, prepared.issue.slug, session.out_root,
                                                self.root)
                    good = GoodPage(self._with_head(document, prepared.theme), prepared.theme,
                                    prepared.issue.title, time.time())
            except SourceError as exc:
                diagnostics.add(exc.diagnostic)
            except ZinekitError as exc:
                diagnostics.extend(exc.diagnostics)
                problem = Problem("error", [exc.format_message()])
            except Exception as exc:  # a bug: shown in the page, the server goes on
                problem = Problem("internal error", _describe(exc))
            self._publish(good, problem, diagnostics, time.perf_counter() - started)

    def _publish(self, good: GoodPage | None, problem: Problem | None,
                 diagnostics: Diagnostics, seconds: float) -> None:
        with self.changed:
            if good is not None:
                self.good = good
            self.problem = problem
            self.diagnostics = list(diagnostics.items)
            self.seconds = seconds
            self.built_at = time.time()
            self.version += 1
            self.changed.notify_all()

    def _remember_inputs(self, prepared: Prepared, project: Project, session: Session) -> None:
        """Every file this build read, so a save of any of them rebuilds the preview."""
        issue = prepared.issue
        base = issue.source_file.parent
        files = {issue.source_file, *(a.path for a in issue.articles)}
        for article in issue.articles:
            files |= {base / unquote(i.src) for i in article.images if is_local_reference(i.src)}
        for key in ("bibliography", "cover"):
            if isinstance(issue.meta.get(key), str):
                files |= {base / issue.meta[key], project.root / issue.meta[key]}
        files |= _bibliography_files(issue, project)
        if project.file is not None:
            files.add(project.file.path)
            for entry in project.file.data.get("issues", []) or []:
                if isinstance(entry, dict) and isinstance(entry.get("pdf"), str):
                    files.add(project.root / entry["pdf"])
        for slug in set(session.slugs.values()):  # the pages other issues were laid out on
            files |= {session.inventory_path(slug), session.out_root / slug / f"{slug}.pdf"}
        self.watched = {p.resolve() for p in files} | {self.source_file.resolve()}
        self.theme_folders = [f.resolve() for f in prepared.theme.folders]

    def affected_by(self, paths: set[Path]) -> bool:
        for path in paths:
            resolved = path.resolve()
            if resolved in self.watched or any(w.is_relative_to(resolved) for w in self.watched):
                return True
            if any(resolved.is_relative_to(f) for f in self.theme_folders) \
                    and not _is_scratch(resolved):
                return True
        return False

    def wait_for_change(self, known: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != known, timeout=timeout)
            return self.version

    def wake_all(self) -> None:
        with self.changed:
            self.changed.notify_all()

    def snapshot(self) -> Snapshot:
        with self.changed:
            return Snapshot(self.version, self.good, self.problem, list(self.diagnostics),
                            self.seconds, self.built_at)

    # --- the page ------------------------------------------------------------------------

    def _with_head(self, document: str, theme: Theme) -> str:
        prefix = f"/__zinekit/issue/{self.index}"
        urls = [f"{prefix}/fonts.css"]
        for sheet in [*screen_stylesheets(theme), theme_file(theme, "css/preview.css")]:
            relative = theme_relative(theme, sheet) if sheet is not None else None
            if relative is not None:
                urls.append(f"{prefix}/theme/{quote(relative)}")
        script = raw_template(web_templates(theme), "web/preview.js")
        return inject(document, head=web_head(theme, urls, extra=f"<script>\n{script}</script>\n"))

    def page(self, formats: tuple[str, ...], many: bool) -> str:
        """The preview page: the bar with the diagnostics, above the last good page."""
        state = self.snapshot()
        theme = state.good.theme if state.good else _base_theme()
        env = web_templates(theme)
        errors = [d for d in state.diagnostics if d.severity == "error"]
        bar = env.get_template("web/preview-bar.html").render(
            index=self.index, version=state.version, title=state.good.title if state.good else "",
            problem=state.problem, diagnostics=_shown(state.diagnostics),
            hidden=max(0, len(state.diagnostics) - MAX_SHOWN_DIAGNOSTICS),
            stale=bool(state.good) and (bool(errors) or state.problem is not None),
            built_at=time.strftime("%H:%M:%S", time.localtime(state.built_at)),
            good_at=time.strftime("%H:%M:%S", time.localtime(state.good.built_at))
            if state.good else "",
            milliseconds=round(state.seconds * 1000), formats=formats, many=many,
            failed=bool(errors) or state.problem is not None,
        )
        if state.good is None:
            return _empty_page(env, theme, self.index, bar)
        return inject(state.good.html, body_start=bar)


def prepare(path: Path, diagnostics: Diagnostics) -> tuple[Project, Session, Prepared]:
    """Stages 1–3 as ``zinekit build`` runs them: the series' catalog with every issue's
    inventory (or a provisional one), then the issue loaded and resolved."""
    project = open_project(path, diagnostics)
    session = Session.open(project, project.out_dir, diagnostics)
    session.register_sources()
    return project, session, prepare_issue(path, project, started_here(quiet=True), session)


def link_built_files(document: str, slug: str, out_root: Path, root: Path) -> str:
    """Links to other issues' PDFs (``../<slug>/<slug>.pdf#page=3``, relative to the
    issue's output folder) as addresses the preview serves, when the file is built."""
    folder = out_root / slug

    def rewrite(match: re.Match[str]) -> str:
        parts = urlsplit(html_lib.unescape(match.group(1)))
        if not is_local_reference(match.group(1)):
            return match.group(0)
        target = (folder / unquote(parts.path)).resolve()
        if not target.is_file() or not target.is_relative_to(root.resolve()):
            return match.group(0)
        address = "/" + quote(target.relative_to(root.resolve()).as_posix())
        address += f"#{parts.fragment}" if parts.fragment else ""
        return f'href="{html_lib.escape(address)}"'

    return BUILT_LINK.sub(rewrite, document)


def _bibliography_files(issue: Issue, project: Project) -> set[Path]:
    """The .bib the issue cites from, and ``refs.bib``, the one used when it names none."""
    found = {project.root / "refs.bib"}
    try:
        named = find_bibliography(issue, Diagnostics())
    except Exception:  # reported by the build itself
        named = None
    return found | ({named} if named is not None else set())


def _empty_page(env: jinja2.Environment, theme: Theme, index: int, bar: str) -> str:
    """What is shown before anything has built: the bar alone."""
    prefix = f"/__zinekit/issue/{index}/theme/"
    return env.get_template("web/preview-empty.html").render(
        stylesheet=prefix + "css/preview.css", script=raw_template(env, "web/preview.js"),
        bar=bar)


def _shown(diagnostics: list[Diagnostic]) -> list[dict[str, str]]:
    return [{"severity": d.severity, "location": d.location(), "message": printable(d.message)}
            for d in diagnostics[:MAX_SHOWN_DIAGNOSTICS]]


def _describe(exc: BaseException) -> list[str]:
    """An internal error as the exception and the last frames of its traceback."""
    frames = traceback.format_exception(type(exc), exc, exc.__traceback__)
    return [f"{type(exc).__name__}: {exc}", "", *"".join(frames[-4:]).rstrip().split("\n")]


def _is_scratch(path: Path) -> bool:
    """Editors' swap and backup files."""
    name = path.name
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp"))


def _base_theme() -> Theme:
    return Theme(name="base", folders=[builtin_themes_folder() / "base"])
