"""Diagnostics and the error tree.

Every problem a user can cause is a :class:`Diagnostic` with a location, printed as
``path:line:col: error: message``.  Stages collect diagnostics in a
:class:`Diagnostics` list so a user sees all of them at once; a stage that cannot go on
raises a :class:`ZinekitError`, which the CLI prints and turns into exit status 1.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Literal

import click

Severity = Literal["error", "warning"]


#: What a message never prints as it is: control characters (C0, DEL, C1: a newline
#: would start a line of its own, ESC a terminal sequence), line and paragraph
#: separators, the bidirectional controls that reorder what a terminal shows (U+202E
#: shows ``fdp.exe`` as ``exe.pdf``), and lone surrogates (bytes of a file name that are
#: not UTF-8).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                          "\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """``text`` as a message shows it: every character :data:`_UNPRINTABLE` lists written
    as an escape (``\\n``, ``\\x1b``, ``\\u202e``), so a name cannot forge a line of the
    report nor turn the terminal's text around.  Backslashes are kept as they are, so
    escaping twice changes nothing."""
    return _UNPRINTABLE.sub(_escape, str(text))


#: The folder messages name files relative to, when a render runs for a command started
#: elsewhere (a worker process, a thread of the preview server): set by
#: :func:`displayed_from` from the build's options, never by changing folder.
_DISPLAY_BASE: ContextVar[Path | None] = ContextVar("zinekit_display_base", default=None)


@contextlib.contextmanager
def displayed_from(base: Path | None) -> Iterator[None]:
    """Name files relative to ``base`` (the folder the command was started in) while
    the block runs, in this thread only; None keeps the working folder."""
    token = _DISPLAY_BASE.set(base.resolve() if base is not None else None)
    try:
        yield
    finally:
        _DISPLAY_BASE.reset(token)


def display_path(path: str | os.PathLike[str] | None) -> str:
    """A path as a user should read it: relative to the folder the command was started
    in (:func:`displayed_from`, else the working folder) when inside it, made
    :func:`printable` (every message names files through this function)."""
    if path is None:
        return "<input>"
    return printable(_relative_path(Path(path)))


def _relative_path(p: Path) -> str:
    cwd = _DISPLAY_BASE.get() or Path.cwd().resolve()
    for candidate in (Path(os.path.abspath(p)), p):  # a link is named as the link
        try:
            return str(candidate.resolve().relative_to(cwd) if candidate is p
                       else candidate.relative_to(cwd))
        except (ValueError, OSError):
            continue
    return str(p)


@dataclass(frozen=True)
class Diagnostic:
    """One located message.  ``line`` and ``col`` are 1-based; 0 means unknown."""

    severity: Severity
    message: str
    path: str | None = None
    line: int = 0
    col: int = 0
    refusal: bool = field(default=False, compare=False)
    """An input refused as unsafe to read (an SVG bomb, a device as an image): no layout
    may be tried after it, not even by ``check``, which lays out a text with errors."""

    def location(self) -> str:
        parts = [display_path(self.path)]
        if self.line:
            parts.append(str(self.line))
            parts.append(str(self.col or 1))
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.severity}: {printable(self.message)}"

    def as_error(self) -> Diagnostic:
        """The same message as an error (``--strict`` makes every warning one)."""
        return Diagnostic("error", self.message, self.path, self.line, self.col, self.refusal)


@dataclass
class Diagnostics:
    """An ordered collection of diagnostics, shared by the stages of one build."""

    items: list[Diagnostic] = field(default_factory=list)
    _seen: tuple[int, int, set[Diagnostic]] = field(default=(0, 0, set()), repr=False,
                                                   compare=False)

    def add(self, diagnostic: Diagnostic) -> None:
        # de-duplicated with a set (a .bib with 20,000 problems was quadratic); the set
        # is rebuilt when ``items`` was replaced or changed behind its back
        ident, size, seen = self._seen
        if ident != id(self.items) or size != len(self.items):
            seen = set(self.items)
        if diagnostic not in seen:
            self.items.append(diagnostic)
            seen.add(diagnostic)
        self._seen = (id(self.items), len(self.items), seen)

    def error(self, message: str, path: str | None = None, line: int = 0, col: int = 0) -> None:
        self.add(Diagnostic("error", message, path, line, col))

    def refuse(self, message: str, path: str | None = None, line: int = 0, col: int = 0) -> None:
        """An error about an input that must not be read further (a refusal)."""
        self.add(Diagnostic("error", message, path, line, col, refusal=True))

    @property
    def refused(self) -> bool:
        """Whether an input was refused as unsafe to read: no layout may follow."""
        return any(d.refusal for d in self.items)

    def drop_repeated_errors(self, found_before: int) -> None:
        """One error per place: an error found after the first ``found_before``
        diagnostics where one of those already stands (an image the loader refused, laid
        out all the same) is left out."""
        places = {(d.path, d.line, d.col) for d in self.items[:found_before]
                  if d.severity == "error"}
        if places:
            self.items[found_before:] = [
                d for d in self.items[found_before:]
                if d.severity != "error" or (d.path, d.line, d.col) not in places]

    def warning(self, message: str, path: str | None = None, line: int = 0, col: int = 0) -> None:
        self.add(Diagnostic("warning", message, path, line, col))

    def extend(self, others: Iterable[Diagnostic]) -> None:
        for d in others:
            self.add(d)

    def failing(self, strict: bool = False) -> list[Diagnostic]:
        """What fails a build: the errors, and under ``--strict`` the warnings too."""
        return [d for d in self.items if d.severity == "error" or strict]

    def shown(self, strict: bool = False) -> list[Diagnostic]:
        """The diagnostics as a build reports them: under ``--strict``, all errors."""
        return [d.as_error() for d in self.items] if strict else list(self.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def lines(self, limit_per_message: int = 5) -> list[str]:
        """Printable lines, with repeats of one message folded into a count."""
        counts = Counter((d.severity, d.message) for d in self.items)
        shown: Counter[tuple[str, str]] = Counter()
        out = []
        for d in sorted(self.items, key=lambda d: (d.path or "", d.line, d.col)):
            key = (d.severity, d.message)
            shown[key] += 1
            if shown[key] <= limit_per_message:
                out.append(str(d))
            elif shown[key] == limit_per_message + 1:
                rest = counts[key] - limit_per_message
                out.append(f"{d.severity}: ... and {rest} more like: {printable(d.message)}")
        return out


class ZinekitError(click.ClickException):
    """A problem with the user's input: printed without a traceback, exit status 1."""

    exit_code = 1

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)

    def lines(self) -> list[str]:
        """What the command line prints for this error."""
        found = Diagnostics(list(self.diagnostics)).lines()
        return found + ([self.format_message()] if self.message else [])

    def show(self, file=None) -> None:  # noqa: D102 - click's hook
        for line in self.lines():
            click.echo(line, err=True)

    def format_message(self) -> str:
        return printable(self.message)


class SourceError(ZinekitError):
    """An error at one place in a source file."""

    def __init__(self, message: str, path: str | None = None, line: int = 0, col: int = 0):
        self.diagnostic = Diagnostic("error", message, path, line, col)
        super().__init__(str(self.diagnostic))

    def lines(self) -> list[str]:
        return [self.message]


class ConfigError(SourceError):
    """Bad front matter or a bad ``zinekit.toml``."""


class ResolveError(SourceError):
    """A reference or citation that cannot be resolved."""


class ImposeError(SourceError):
    """A PDF that cannot be imposed, or impossible imposition options."""
