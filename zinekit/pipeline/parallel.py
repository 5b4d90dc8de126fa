"""Building the issues of a series side by side, on several processes.

:func:`zinekit.pipeline.build.build_path` hands the runner one group of issues at a time: issues
that do not cite each other (a level of the reference order), and the build's stages as
functions (:class:`Stages`).  The runner

1. plans each issue here, in order (load, resolve, the reuse check): an issue whose last
   build is current, or whose input has errors, is finished here;
2. renders the others: in this process when there is one, or with ``--jobs N`` > 1 on
   a pool of N worker processes, or with ``--cluster`` on the workers of a Dask
   scheduler (:mod:`zinekit.pipeline.cluster`); a worker gets the issue's plan (already
   resolved) and writes its files, and needs no catalog of its own;
3. shows each issue's events in the group's order, whatever order they finished in, so
   a build's output does not depend on the number of processes.

An issue with errors fails the build (exit status 1) once the group is done; the issues
that cite it are not built, the others are.  Each output is written whole or not at all.

Where renders run is a :class:`Workers`: :class:`ProcessWorkers` (a pool on this
machine) or :class:`zinekit.pipeline.cluster.DaskWorkers`; the runner is the same for both.
While it runs, it hands the reporter a :class:`~zinekit.reporter.Tally` (done, total,
failures, the slowest texts) for a live display; the ordered messages do not change.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from zinekit.errors import Diagnostic, ZinekitError
from zinekit.model import Inventory, Issue, IssueResult, Plan
from zinekit.reachins import pool_processes
from zinekit.reporter import Event, NotBuilt, Progress, Recorder, Reporter, Tally

if TYPE_CHECKING:  # the process pool is loaded when issues are built side by side
    from concurrent.futures import Future, ProcessPoolExecutor


@dataclass(frozen=True)
class TaskContext:
    """What a render reads of the process that planned it besides the plan and the
    build's options (which carry its SOURCE_DATE_EPOCH and the folder messages name
    files from): where zinekit's built-in themes are installed there (a worker reads
    its own copy of them)."""

    builtin_themes: str

    @classmethod
    def here(cls) -> TaskContext:
        from zinekit.themes_loader import builtin_themes_folder

        return cls(str(builtin_themes_folder()))


def default_jobs() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class Stages:
    """The build's stages for one issue, as the runner calls them.  ``render`` is sent
    to worker processes, so it must be picklable (a module-level function, or a
    ``functools.partial`` of one)."""

    plan: Callable[[Path, Reporter], "Plan | IssueResult"]  # a result: nothing to render
    render: Callable[[Plan, Reporter], IssueResult]
    finish: Callable[[Issue, IssueResult], IssueResult]  # the result as the session's
    name: Callable[[Path], str] = str  # an issue as messages name it


@dataclass
class Outcome:
    """What rendering one issue in a worker process gives back (not the issue itself:
    the parent has it)."""

    events: list[Event]
    error: list[str] | None = None  # the failure, as it would be printed
    outputs: list[Path] = field(default_factory=list)
    pages: int = 0
    inventory: Inventory | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0  # how long the render took on the worker
    thumbnail: bytes | None = None  # the cover the download page shows


class BuildErrors(ZinekitError):
    """One or more issues of a series had errors; each was reported where it occurred."""

    def __init__(self, failures: list[tuple[str, list[str]]]) -> None:
        super().__init__("; ".join("\n".join(lines) for _, lines in failures))
        self.failures = failures

    def lines(self) -> list[str]:
        if len(self.failures) == 1:
            return list(self.failures[0][1])
        shown = []
        for name, lines in self.failures:
            shown += [f"{name}: {lines[0]}", *lines[1:]] if lines else [f"{name}:"]
        return shown


# --- where renders run ------------------------------------------------------------------


class Workers:
    """Where the runner sends renders: ``submit`` gives a future (``result()``,
    ``add_done_callback``)."""

    #: a lone issue to render is rendered in this process rather than sent off
    render_lone_here = True
    #: send renders off even with ``--jobs 1`` (the workers are elsewhere)
    always_send = False

    def submit(self, name: str, fn: Callable[..., Outcome], *args: Any) -> Any:
        raise NotImplementedError

    def lost(self, name: str, exc: BaseException) -> list[str] | None:
        """The lines reporting a render the engine lost (a worker that died too
        often), or None when ``exc`` is not the engine's: a bug, raised as it is."""
        return None

    def close(self, interrupted: bool) -> None:
        """Stop the workers; ``interrupted``: Ctrl-C or SIGTERM, drop what they do."""


class ProcessWorkers(Workers):
    """A pool of ``jobs`` worker processes on this machine, started on first use."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None

    def submit(self, name: str, fn: Callable[..., Outcome], *args: Any) -> Future[Outcome]:
        """Hand a task to the pool.  A worker process the pool starts now ignores Ctrl-C,
        which the terminal sends it too (it would print a traceback while starting up):
        this process stops the workers on Ctrl-C, as on SIGTERM (see :meth:`close`)."""
        if threading.current_thread() is not threading.main_thread():
            return self._pool().submit(fn, *args)
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited by new workers
        try:
            return self._pool().submit(fn, *args)
        finally:
            signal.signal(signal.SIGINT, previous)

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"),
                initializer=start_worker)
        return self.pool

    def close(self, interrupted: bool) -> None:
        if self.pool is None:
            return
        if interrupted:
            # Ctrl-C or SIGTERM: workers drop the issue they are rendering (its
            # temporaries removed, nothing half-written kept) instead of finishing it.
            for process in pool_processes(self.pool):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)


# --- the runner -------------------------------------------------------------------------


class IssueRunner:
    """Builds groups of independent issues, in this process or on workers."""

    def __init__(self, jobs: int, reporter: Reporter, stages: Stages,
                 workers: Workers | None = None) -> None:
        self.jobs = max(1, int(jobs or 1))
        self.reporter = reporter
        self.stages = stages
        self.workers = workers or ProcessWorkers(self.jobs)
        self.failed: dict[Path, list[str]] = {}  # issue → its error, as printed
        self.names: dict[Path, str] = {}
        self.tally = Tally()
        self._lock = threading.Lock()

    def __enter__(self) -> IssueRunner:
        return self

    def __exit__(self, exc_type: Any, *exc_info: Any) -> None:
        interrupted = exc_type is not None and issubclass(exc_type, KeyboardInterrupt)
        self.workers.close(interrupted)

    def expect(self, count: int) -> None:
        """``count`` more issues are to be built (a pass of the build)."""
        self._count(total=count)

    def run(self, batch: list[Path], deps: dict[Path, list[Path]],
            progress: Callable[[Path], Progress | None]) -> dict[Path, IssueResult]:
        """Build ``batch`` (issues that do not cite each other); ``progress`` gives the
        event shown just before an issue's own."""
        blocked = {t: [d for d in deps.get(t, []) if d in self.failed] for t in batch}
        if not self.workers.always_send and (self.jobs == 1 or len(batch) == 1):
            return self._run_here(batch, blocked, progress)
        return self._run_side_by_side(batch, blocked, progress)

    def raise_failures(self) -> None:
        if self.failed:
            raise BuildErrors([(self.names.get(t, str(t)), m) for t, m in self.failed.items()])

    # --- the tally a live display shows -----------------------------------------------

    def _count(self, total: int = 0, done: int = 0, failed: int = 0, reused: int = 0,
               slow: tuple[float, str] | None = None) -> None:
        """Update the tally (from any thread) and hand the reporter a copy."""
        with self._lock:
            self.tally = self.tally.counted(total, done, failed, reused, slow)
            tally = self.tally
        self.reporter.tally(tally)

    def _counted(self, path: Path, result: IssueResult | None, seconds: float = 0.0) -> None:
        if result is None:
            self._count(done=1, failed=1)
        elif result.reused:
            self._count(done=1, reused=1)
        else:
            self._count(done=1, slow=(seconds, self._name(path)))

    # --- one process ------------------------------------------------------------------

    def _run_here(self, batch: list[Path], blocked: dict[Path, list[Path]],
                  progress: Callable[[Path], Progress | None]) -> dict[Path, IssueResult]:
        results = {}
        for path in batch:
            self._show(progress(path))
            if self._skip_blocked(path, blocked[path]):
                continue
            started = time.perf_counter()
            try:
                planned = self.stages.plan(path, self.reporter)
                if isinstance(planned, Plan):
                    rendered = self.stages.render(planned, self.reporter)
                    planned = self.stages.finish(planned.prepared.issue, rendered)
                results[path] = planned
            except ZinekitError as exc:
                self._fail(path, exc.lines())
            self._counted(path, results.get(path), time.perf_counter() - started)
        return results

    def _show(self, event: Progress | None) -> None:
        if event is not None:
            self.reporter.emit(event)

    def _skip_blocked(self, path: Path, blocked: list[Path]) -> bool:
        if not blocked:
            return False
        reason = f"it cites {', '.join(self._name(b) for b in blocked)}, which has errors"
        self.reporter.emit(NotBuilt(self._name(path), reason))
        self.failed.setdefault(path, [f"not built: {reason}"])
        self._count(done=1, failed=1)
        return True

    def _fail(self, path: Path, lines: list[str]) -> None:
        self.failed[path] = lines
        self.names.setdefault(path, self._name(path))

    def _name(self, path: Path) -> str:
        if path not in self.names:
            self.names[path] = self.stages.name(path)
        return self.names[path]

    # --- several processes ------------------------------------------------------------

    def _run_side_by_side(self, batch: list[Path], blocked: dict[Path, list[Path]],
                          progress: Callable[[Path], Progress | None]) -> dict[Path, IssueResult]:
        recorders = {path: Recorder() for path in batch}
        plans: dict[Path, Plan] = {}
        results: dict[Path, IssueResult] = {}
        futures: dict[Path, Any] = {}
        lone_here = self.workers.render_lone_here
        for path in batch:  # 1. plan here; reuse or fail here; 2. render on the workers
            if blocked[path]:
                continue
            try:
                planned = self.stages.plan(path, recorders[path])
            except ZinekitError as exc:
                self._fail(path, exc.lines())
                continue
            if isinstance(planned, Plan):
                plans[path] = planned
            else:
                results[path] = planned
            if len(plans) > 1 or not lone_here:  # a lone issue is rendered here (pool)
                for waiting in [p for p in plans if p not in futures]:
                    futures[waiting] = self._send(waiting, plans[waiting])
        for path in batch:  # 3. report in order
            self._show(progress(path))
            if self._skip_blocked(path, blocked[path]):
                continue
            recorders[path].replay(self.reporter)
            if path in futures:
                result = self._adopt(path, plans[path], futures[path])
            elif path in plans:
                result = self._render_here(path, plans[path])
            else:
                result = results.get(path)
                self._counted(path, result)
                continue
            if result is not None:
                results[path] = result
        return results

    def _send(self, path: Path, plan: Plan) -> Any:
        """Send ``plan``'s render to the workers; the tally counts it when it is done."""
        future = self.workers.submit(self._name(path), render_in_worker, self.stages.render,
                                     plan, TaskContext.here())
        future.add_done_callback(lambda done, path=path: self._on_done(path, done))
        return future

    def _on_done(self, path: Path, future: Any) -> None:
        try:
            outcome = future.result()
        except BaseException:  # noqa: BLE001 - reported when the result is adopted
            self._count(done=1, failed=1)
            return
        if outcome.error is not None:
            self._count(done=1, failed=1)
        else:
            self._count(done=1, slow=(outcome.seconds, self._name(path)))

    def _render_here(self, path: Path, plan: Plan) -> IssueResult | None:
        started = time.perf_counter()
        try:
            result = self.stages.finish(plan.prepared.issue, self.stages.render(plan, self.reporter))
        except ZinekitError as exc:
            self._fail(path, exc.lines())
            result = None
        self._counted(path, result, time.perf_counter() - started)
        return result

    def _adopt(self, path: Path, plan: Plan, future: Any) -> IssueResult | None:
        """The worker's result as this process's: its events shown, its inventory
        recorded in the session."""
        try:
            outcome: Outcome = future.result()
        except Exception as exc:  # noqa: BLE001 - the engine's own failures are reported
            lines = self.workers.lost(self._name(path), exc)
            if lines is None:
                raise
            outcome = Outcome([], error=lines)
        for event in outcome.events:
            self.reporter.emit(event)
        if outcome.error is not None:
            self._fail(path, outcome.error)
            return None
        result = plan.result
        result.diagnostics.items = list(outcome.diagnostics)
        result.outputs, result.pages, result.inventory = outcome.outputs, outcome.pages, outcome.inventory
        result.thumbnail = outcome.thumbnail
        return self.stages.finish(plan.prepared.issue, result)


# --- in a worker process ----------------------------------------------------------------


def start_worker() -> None:
    """Set up a worker process: SIGTERM unwinds the issue being built, as in the parent."""
    signal.signal(signal.SIGTERM, _interrupted)


_building = False  # whether this worker is building an issue now
#: One render at a time in a process: a Dask worker may run tasks on several threads,
#: and a render's warnings are collected from WeasyPrint's (process-wide) logger.
_render_lock = threading.Lock()


def _interrupted(signum: int, frame: object) -> None:
    # Once only: a second SIGTERM arriving while the first unwinds would interrupt the
    # pool's own handling of it, which then prints a traceback.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if not _building:
        raise SystemExit(0)  # idle: leave quietly
    raise KeyboardInterrupt  # unwinds the issue being built: its temporaries are removed


def render_in_worker(render: Callable[[Plan, Reporter], IssueResult], plan: Plan,
                     context: TaskContext | None = None) -> Outcome:
    """Render and write one planned issue; its events travel back with the outcome.
    ``context``: what the render reads of the planning process."""
    global _building
    recorder = Recorder()
    if context is not None:
        _use_own_themes(plan, Path(context.builtin_themes))
    with _render_lock:
        started = time.perf_counter()
        try:
            _building = True
            result = render(plan, recorder)
        except ZinekitError as exc:
            return Outcome(recorder.events, error=exc.lines())
        finally:
            _building = False
        seconds = time.perf_counter() - started
    return Outcome(recorder.events, None, list(result.outputs), result.pages, result.inventory,
                   list(result.diagnostics.items), seconds, result.thumbnail)


def _use_own_themes(plan: Plan, planned_with: Path) -> None:
    """The plan's built-in theme folders as installed in this process (the planning
    machine may have zinekit installed elsewhere; the files are the same version's)."""
    from zinekit.themes_loader import builtin_themes_folder

    own = builtin_themes_folder()
    if own == planned_with:
        return
    theme = plan.prepared.theme
    theme.folders = [own / folder.relative_to(planned_with) if folder.is_relative_to(planned_with)
                     else folder for folder in theme.folders]
