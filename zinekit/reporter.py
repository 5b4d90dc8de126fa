"""What a build tells its user, as events: the stages report, the front end shows.

Stages never print.  They hand events to a :class:`Reporter`: the command line's
:class:`ConsoleReporter` prints each as a line on standard error; a :class:`Recorder`
keeps them, so the parallel runner can show a worker's events in the order of the
series whatever order the workers finished in, and the preview can show them in a page.

Each event's :meth:`lines` are what a terminal may show: file names through
:func:`~zinekit.errors.display_path`, any other text a user or a file supplied through
:func:`~zinekit.errors.printable`, so no line holds a newline or a control of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Union

import click

from zinekit.errors import Diagnostic, Diagnostics, display_path, printable


@dataclass(frozen=True)
class Findings:
    """Diagnostics of one stage or issue, printed sorted by place, repeats folded."""

    items: tuple[Diagnostic, ...]

    def lines(self) -> list[str]:
        return Diagnostics(list(self.items)).lines()


@dataclass(frozen=True)
class Progress:
    """An issue of a series is about to be built (``[2/5] vol7``)."""

    name: str
    count: int
    total: int
    again: bool = False  # a later pass: the pages it cites changed

    def lines(self) -> list[str]:
        again = " (again: pages it cites changed)" if self.again else ""
        return [f"[{self.count}/{self.total}] {printable(self.name)}{again}"]


@dataclass(frozen=True)
class Note:
    """A report worth reading after a build, such as how to print the booklet."""

    text: str

    def lines(self) -> list[str]:
        return [printable(line) for line in self.text.split("\n")]


@dataclass(frozen=True)
class Wrote:
    path: Path
    size: int  # bytes
    detail: str = ""  # what the file is, e.g. how to print a booklet

    def lines(self) -> list[str]:
        detail = f": {self.detail}" if self.detail else ""
        return [f"wrote {display_path(self.path)} ({self.size // 1024} KB){detail}"]


@dataclass(frozen=True)
class Built:
    slug: str
    pages: int
    seconds: float

    def lines(self) -> list[str]:
        if not self.pages:  # only formats that lay out no page (EPUB, web edition)
            return [f"{printable(self.slug)}: built in {self.seconds:.1f}s"]
        return [f"{printable(self.slug)}: {self.pages} pages in {self.seconds:.1f}s"]


@dataclass(frozen=True)
class UpToDate:
    """The last build of the issue is current: nothing was rendered."""

    slug: str

    def lines(self) -> list[str]:
        return [f"{printable(self.slug)}: up to date"]


@dataclass(frozen=True)
class NotBuilt:
    """An issue was left out because an issue it cites has errors."""

    name: str
    reason: str

    def lines(self) -> list[str]:
        return [f"{printable(self.name)}: not built: {printable(self.reason)}"]


Event = Union[Findings, Progress, Note, Wrote, Built, UpToDate, NotBuilt]
#: Events a quiet build does not show: everything but what is wrong.
CHATTER = (Progress, Note, Wrote, Built, UpToDate)


@dataclass(frozen=True)
class Tally:
    """How far a build of many issues has got, for a live display (not a message: the
    runner hands it over as renders finish, in any order, from any thread)."""

    total: int = 0
    done: int = 0
    failed: int = 0
    reused: int = 0
    slowest: tuple[tuple[float, str], ...] = ()  # (seconds, issue), slowest first
    KEPT = 3

    def counted(self, total: int = 0, done: int = 0, failed: int = 0, reused: int = 0,
                slow: tuple[float, str] | None = None) -> Tally:
        slowest = self.slowest
        if slow is not None:
            slowest = tuple(sorted((*slowest, slow), reverse=True)[:self.KEPT])
        return Tally(self.total + total, self.done + done, self.failed + failed,
                     self.reused + reused, slowest)


class Reporter:
    """Receives the events of a build, in order."""

    def emit(self, event: Event) -> None:
        raise NotImplementedError

    def tally(self, tally: Tally) -> None:
        """How far the build has got; a live display shows it, others ignore it."""

    def findings(self, items: Iterable[Diagnostic]) -> None:
        items = tuple(items)
        if items:
            self.emit(Findings(items))


class Recorder(Reporter):
    """Keeps the events, to be shown later (:meth:`replay`) or looked at."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def replay(self, into: Reporter) -> None:
        for event in self.events:
            into.emit(event)


class ConsoleReporter(Reporter):
    """Prints each event on standard error; ``quiet`` keeps only what is wrong."""

    def __init__(self, quiet: bool = False,
                 echo: Callable[[str], None] | None = None) -> None:
        self.quiet = quiet
        self.echo = echo or (lambda line: click.echo(line, err=True))

    def emit(self, event: Event) -> None:
        if self.quiet and isinstance(event, CHATTER):
            return
        for line in event.lines():
            self.echo(line)


def notes_by_file(notes: list[str], outputs: list[Path]) -> tuple[dict[Path, str], list[str]]:
    """The notes about one output file (``Wrote <file>: …``, as the booklet's
    imposition report says), by file, to be said on the line that announces the file;
    and the other notes."""
    about: dict[Path, str] = {}
    rest = []
    prefixes = {f"Wrote {display_path(path)}: ": path for path in outputs}
    for note in notes:
        prefix = next((p for p in prefixes if note.startswith(p)), None)
        if prefix is None:
            rest.append(note)
        else:
            about[prefixes[prefix]] = note[len(prefix):]
    return about, rest
