"""``zinekit proof``: what a designer marks in red on a laid-out issue, found for them.

The issue is laid out as a build lays it out (``render_pdf``, whose ``on_layout`` hands
over WeasyPrint's document); :mod:`.layout` reads its pages, :mod:`.detectors` finds the
faults, each with its code (docs/proof.md), and :mod:`zinekit.pipeline.proof_locate`
places each at its Markdown source.  A build counts the findings of the layout it already made
(:func:`count_note`); ``zinekit proof`` itself is run by :mod:`zinekit.pipeline.proof`.
"""

from __future__ import annotations

from typing import Any

from zinekit.proof.detectors import Finding, Options, find
from zinekit.proof.layout import read_pages

__all__ = ["Finding", "Options", "count_note", "findings_of", "footnote_pages", "noting_findings"]


def findings_of(document: Any, options: Options) -> list[Finding]:
    """The findings on a WeasyPrint document's pages (not yet located)."""
    moved = moved_footnotes(document)
    options = Options(**{**options.__dict__, "moved_notes": moved})
    return find(read_pages(document), options)


def footnote_pages(document: Any) -> dict[str, tuple[int, int]]:
    """For each footnote id, (page of its call, page of its text; 0 if not printed),
    1-based, read from the anchors of a WeasyPrint document's pages."""
    calls: dict[str, int] = {}
    notes: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            if anchor.startswith("call-fn-"):
                calls.setdefault(anchor[5:], number)
            elif anchor.startswith("fn-"):
                notes.setdefault(anchor, number)
    return {fid: (calls[fid], notes.get(fid, 0)) for fid in calls}


def moved_footnotes(document: Any) -> dict[str, tuple[int, int]]:
    """Each footnote printed on another page than its call's: (call's page, note's)."""
    return {fid: (call, note) for fid, (call, note) in footnote_pages(document).items()
            if note and note != call}


def count_note(document: Any) -> str | None:
    """A build's one line about the proof of its reading PDF, or None when clean."""
    return findings_note(len(findings_of(document, Options())))


def findings_note(count: int) -> str | None:
    """The line about ``count`` findings, or None when there are none."""
    if not count:
        return None
    return f"proof: {count} finding{'s' if count != 1 else ''} — zinekit proof for details"


def noting_findings(notes: list[str]):
    """A build's ``on_layout``: the count of the layout's findings added to ``notes``."""
    def note(document: Any) -> None:
        line = count_note(document)
        if line:
            notes.append(line)
    return note
