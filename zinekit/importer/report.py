"""The import report: every change an import made and everything it could not match.

Each entry is located in the source (``SOURCE:line:col``) and printed the way build
diagnostics are: ``notes.txt:83:60: warning: note call ⁵ has no note``.  Warnings ask for
the editor's eye (a call without a note, numbering out of sequence, an unknown liquid
tag); notes say what was changed (a paragraph rejoined, a script dropped and what
replaced it).  Text an import leaves out of the Markdown is kept in ``dropped``, so a
reader of the report can see every word of the source either in the output or here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from zinekit.errors import display_path, printable

Kind = Literal["warning", "note"]


@dataclass(frozen=True)
class Entry:
    """One located line of the report; ``line`` and ``col`` are 1-based, 0 unknown."""

    kind: Kind
    message: str
    line: int = 0
    col: int = 0
    dropped: str = ""

    def format(self, source: str) -> str:
        where = display_path(source)
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        return f"{where}: {self.kind}: {printable(self.message)}"


@dataclass
class Report:
    """What one import did, in source order."""

    source: str
    entries: list[Entry] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    #: (line of the call, line of the note) for each note call joined to its note
    joins: list[tuple[int, int]] = field(default_factory=list)

    def warning(self, message: str, line: int = 0, col: int = 0) -> None:
        self.entries.append(Entry("warning", message, line, col))

    def note(self, message: str, line: int = 0, col: int = 0, dropped: str = "") -> None:
        self.entries.append(Entry("note", message, line, col, dropped))

    def count(self, what: str, n: int = 1) -> None:
        """Tally something done many times (notes joined, paragraphs rejoined)."""
        self.counts[what] += n

    @property
    def warnings(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == "warning"]

    @property
    def dropped_text(self) -> str:
        """Everything the import left out of the Markdown, one piece a line."""
        return "\n".join(e.dropped for e in self.entries if e.dropped)

    def lines(self) -> list[str]:
        ordered = sorted(self.entries, key=lambda e: (e.line, e.col))
        return [e.format(self.source) for e in ordered]

    def summary(self, output: str) -> str:
        done = ", ".join(f"{what}: {n}" for what, n in self.counts.items() if n)
        warned = len(self.warnings)
        tail = f"; {warned} warning{'s' if warned != 1 else ''}" if warned else ""
        return f"imported {display_path(self.source)} → {output}" + (f": {done}" if done else "") + tail
