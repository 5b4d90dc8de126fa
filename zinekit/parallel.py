"""Building the issues of a series side by side, on several processes.

:func:`zinekit.build.build_path` hands the runner one group of issues at a time: issues
that do not cite each other (a level of the reference order).  The runner

1. plans each issue here, in order (load, resolve, the reuse check): an issue whose last
   build is current, or whose input has errors, is finished here;
2. renders the others: in this process when there is one, or with ``--jobs N`` > 1 on
   a pool of N worker processes, each holding its own session, brought up to date with
   the inventories of the issues already built before every task;
3. prints each issue's messages in the group's order, whatever order they finished in,
   so a build's output does not depend on the number of processes.

An issue with errors fails the build (exit status 1) once the group is done; the issues
that cite it are not built, the others are.  Each output is written whole or not at all.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import signal
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from zinekit.errors import Diagnostic, Diagnostics, ZinekitError
from zinekit.project import Project, open_project
from zinekit.series import Session


def default_jobs() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class Outcome:
    """What building one issue in a worker process gives back."""

    text: str  # everything the build printed
    error: str | None = None  # the failure's message, as it would be printed
    outputs: list[str] = field(default_factory=list)
    pages: int = 0
    inventory: dict[str, Any] | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    reused: bool = False


class BuildErrors(ZinekitError):
    """One or more issues of a series had errors; each was reported where it occurred."""

    def __init__(self, failures: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in failures))
        self.failures = failures

    def show(self, file: Any = None) -> None:  # noqa: D102 - click's hook
        if len(self.failures) == 1:
            click.echo(self.failures[0][1], err=True)
            return
        for name, message in self.failures:
            click.echo(f"{name}: {message}", err=True)


@contextlib.contextmanager
def captured() -> Iterator[io.StringIO]:
    """Everything printed inside the block, kept instead of shown."""
    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer), contextlib.redirect_stdout(buffer):
        yield buffer


def error_text(error: ZinekitError) -> str:
    with captured() as buffer:
        error.show()
    return buffer.getvalue().rstrip("\n")


class IssueRunner:
    """Builds groups of independent issues, in this process or on a pool of workers."""

    def __init__(self, project: Project, options: Any, session: Session) -> None:
        self.project, self.options, self.session = project, options, session
        self.jobs = max(1, int(options.jobs or 1))
        self.pool: ProcessPoolExecutor | None = None
        self.failed: dict[Path, str] = {}  # issue → its error, as printed
        self.names: dict[Path, str] = {}

    def __enter__(self) -> IssueRunner:
        return self

    def __exit__(self, exc_type: Any, *exc_info: Any) -> None:
        if self.pool is None:
            return
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            # Ctrl-C or SIGTERM: workers drop the issue they are rendering (its
            # temporaries removed, nothing half-written kept) instead of finishing it.
            for process in list(getattr(self.pool, "_processes", {}).values()):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def run(self, batch: list[Path], deps: dict[Path, list[Path]],
            show: Callable[[Path], None]) -> dict[Path, Any]:
        """Build ``batch`` (issues that do not cite each other); ``show`` prints the
        progress line of an issue just before its messages."""
        blocked = {t: [d for d in deps.get(t, []) if d in self.failed] for t in batch}
        if self.jobs == 1 or len(batch) == 1:
            return self._run_here(batch, blocked, show)
        return self._run_side_by_side(batch, blocked, show)

    def raise_failures(self) -> None:
        if self.failed:
            raise BuildErrors([(self.names.get(t, str(t)), m) for t, m in self.failed.items()])

    # --- one process ------------------------------------------------------------------

    def _run_here(self, batch: list[Path], blocked: dict[Path, list[Path]],
                  show: Callable[[Path], None]) -> dict[Path, Any]:
        from zinekit.build import build_issue

        results = {}
        for path in batch:
            show(path)
            if self._skip_blocked(path, blocked[path]):
                continue
            try:
                results[path] = build_issue(path, self.project, self.options, self.session)
            except ZinekitError as exc:
                self._fail(path, error_text(exc))
        return results

    def _skip_blocked(self, path: Path, blocked: list[Path]) -> bool:
        if not blocked:
            return False
        names = ", ".join(self._name(b) for b in blocked)
        click.echo(f"{self._name(path)}: not built: it cites {names}, which has errors", err=True)
        self.failed.setdefault(path, f"not built: it cites {names}, which has errors")
        return True

    def _fail(self, path: Path, message: str) -> None:
        self.failed[path] = message
        self.names.setdefault(path, self._name(path))

    def _name(self, path: Path) -> str:
        if path not in self.names:
            try:
                self.names[path] = str(path.resolve().relative_to(self.project.root))
            except ValueError:
                self.names[path] = str(path)
        return self.names[path]

    # --- several processes ------------------------------------------------------------

    def _run_side_by_side(self, batch: list[Path], blocked: dict[Path, list[Path]],
                          show: Callable[[Path], None]) -> dict[Path, Any]:
        from zinekit.build import plan_issue, render_issue, reuse_issue

        texts: dict[Path, str] = {}
        plans: dict[Path, Any] = {}
        results: dict[Path, Any] = {}
        futures: dict[Path, Future[Outcome]] = {}
        state: dict[str, Any] = {}
        for path in batch:  # 1. plan here; reuse or fail here; 2. render on the pool
            if blocked[path]:
                continue
            with captured() as buffer:
                try:
                    plan = plan_issue(path, self.project, self.options, self.session)
                    if plan.manifest is not None:
                        results[path] = reuse_issue(plan, self.options, self.session)
                    else:
                        plans[path] = plan
                except ZinekitError as exc:
                    self._fail(path, error_text(exc))
            texts[path] = buffer.getvalue()
            if len(plans) > 1:  # a lone issue to render is rendered here, not on the pool
                state = state or self.session.shared_state()
                for waiting in [p for p in plans if p not in futures]:
                    futures[waiting] = self._submit(build_in_worker, waiting, state)
        for path in batch:  # 3. report in order
            show(path)
            if self._skip_blocked(path, blocked[path]):
                continue
            if path in futures:
                outcome = futures[path].result()
                results.update(self._adopt(path, plans[path], outcome))
                texts[path] += outcome.text
            elif path in plans:
                with captured() as buffer:
                    try:
                        results[path] = render_issue(plans[path], self.options, self.session)
                    except ZinekitError as exc:
                        self._fail(path, error_text(exc))
                texts[path] += buffer.getvalue()
            click.echo(texts[path], err=True, nl=False)
        return results

    def _adopt(self, path: Path, plan: Any, outcome: Outcome) -> dict[Path, Any]:
        """The worker's result as this session's: its inventory recorded here."""
        if outcome.error is not None:
            self._fail(path, outcome.error)
            return {}
        result = plan.result
        result.diagnostics = Diagnostics(list(outcome.diagnostics))
        result.outputs = [Path(p) for p in outcome.outputs]
        result.pages, result.inventory, result.reused = outcome.pages, outcome.inventory, outcome.reused
        if outcome.inventory is not None:
            self.session.record(result.issue, outcome.inventory)
        return {path: result}

    def _submit(self, *call: Any) -> Future[Outcome]:
        """Hand a task to the pool.  A worker process the pool starts now ignores Ctrl-C,
        which the terminal sends it too (it would print a traceback while starting up):
        this process stops the workers on Ctrl-C, as on SIGTERM (see ``__exit__``)."""
        if threading.current_thread() is not threading.main_thread():
            return self._pool().submit(*call)
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited by new workers
        try:
            return self._pool().submit(*call)
        finally:
            signal.signal(signal.SIGINT, previous)

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"),
                initializer=start_worker,
                initargs=(self.project.root, self.session.out_root, self.options))
        return self.pool


# --- in a worker process ----------------------------------------------------------------

_worker: tuple[Project, Session, Any] | None = None


def start_worker(root: Path, out_root: Path, options: Any) -> None:
    """Open the project and its catalog once per worker process."""
    global _worker
    signal.signal(signal.SIGTERM, _interrupted)  # as in the parent: temporaries removed
    diagnostics = Diagnostics()  # the parent process has reported these
    project = open_project(root, diagnostics)
    _worker = (project, Session.open(project, out_root, diagnostics), options)


_building = False  # whether this worker is building an issue now


def _interrupted(signum: int, frame: object) -> None:
    # Once only: a second SIGTERM arriving while the first unwinds would interrupt the
    # pool's own handling of it, which then prints a traceback.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if not _building:
        raise SystemExit(0)  # idle: leave quietly
    raise KeyboardInterrupt  # unwinds the issue being built: its temporaries are removed


def build_in_worker(path: Path, state: dict[str, Any]) -> Outcome:
    """Build one issue against the inventories the parent's session holds now."""
    from zinekit.build import build_issue

    assert _worker is not None, "start_worker was not run"
    project, session, options = _worker
    session.adopt(state)
    global _building
    with captured() as buffer:
        try:
            _building = True
            result = build_issue(path, project, options, session)
        except ZinekitError as exc:
            return Outcome(buffer.getvalue(), error=error_text(exc))
        finally:
            _building = False
    return Outcome(buffer.getvalue(), None, [str(p) for p in result.outputs], result.pages,
                   result.inventory, list(result.diagnostics.items), result.reused)
