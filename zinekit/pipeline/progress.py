"""A live progress bar for series and library builds, on a terminal only.

:class:`LiveReporter` prints every event exactly as :class:`~zinekit.reporter.ConsoleReporter`
does, in the same order, and keeps one bar below them at the bottom of the terminal:
issues done of the total, failures, issues up to date, the slowest renders so far and
the time elapsed.  It appears once a build has more than one issue, is redrawn as
renders finish (in any order, on any worker), and is gone when the build ends, leaving
only the messages.  The command line uses it when standard error is a terminal and
``--quiet`` is not given; a log or a pipe gets the plain messages.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from zinekit.reporter import ConsoleReporter, Event, Tally


def wants_live_bar(quiet: bool) -> bool:
    """Whether the command line shows a live bar: on a terminal, when not quiet."""
    stream = sys.stderr
    return not quiet and hasattr(stream, "isatty") and stream.isatty()


class LiveReporter(ConsoleReporter):
    """Prints events as the console reporter does, with a live bar below them."""

    def __init__(self, quiet: bool = False) -> None:
        from rich.console import Console

        self.console = Console(stderr=True, highlight=False, soft_wrap=True)
        super().__init__(quiet, echo=self._print)
        self._lock = threading.Lock()
        self._live: Any = None
        self._progress: Any = None
        self._task: Any = None

    def _print(self, line: str) -> None:
        self.console.print(line, markup=False, emoji=False)

    def __enter__(self) -> LiveReporter:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        with self._lock:
            if self._live is not None:
                self._live.stop()
                self._live = None

    def emit(self, event: Event) -> None:
        with self._lock:
            super().emit(event)

    def tally(self, tally: Tally) -> None:
        if tally.total < 2:
            return
        with self._lock:
            if self._live is None:
                self._start()
            self._progress.update(self._task, total=tally.total, completed=tally.done,
                                  extra=describe(tally))

    def _start(self) -> None:
        from rich.live import Live
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn)

        self._progress = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(),
                                  TimeElapsedColumn(), TextColumn("{task.fields[extra]}"),
                                  console=self.console)
        self._task = self._progress.add_task("build", total=None, extra="")
        self._live = Live(self._progress, console=self.console, refresh_per_second=4,
                          transient=True, redirect_stdout=False, redirect_stderr=False)
        self._live.start()


def describe(tally: Tally) -> str:
    """``2 failed · 40 up to date · slowest: vol7 12.3 s, vol9 8.1 s``"""
    parts = []
    if tally.failed:
        parts.append(f"{tally.failed} failed")
    if tally.reused:
        parts.append(f"{tally.reused} up to date")
    if tally.slowest:
        parts.append("slowest: " + ", ".join(f"{name} {seconds:.1f} s"
                                             for seconds, name in tally.slowest))
    return " · ".join(parts)
