"""Footnotes with no room under their call, and ``notes_overflow``.

WeasyPrint does not continue a footnote on a later page: a note taller than the room
left under its call starts on a later page.  What the build does then is the setting
``notes_overflow`` (article front matter, issue front matter, ``[build]``):

- ``next`` (the default): the note stays where WeasyPrint put it and the build warns at
  its call, naming the setting (``--strict`` fails);
- ``end``: the note is printed at the end of its article (its call keeps its number and
  links to it; see :mod:`zinekit.markup.endnotes`).  Which notes have no room is known
  only from the layout, so the issue is laid out again with those notes at the end —
  only when one has no room, at most :data:`MAX_RELAYOUTS` times (docs/performance.md,
  "One layout per build").

A note marked ``{.endnote}`` is printed at the end whatever the layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

import weasyprint
from weasyprint.formatting_structure import boxes

from zinekit.config import SHARED_OPTIONS
from zinekit.errors import Diagnostics, display_path
from zinekit.model import Issue, LaidOut, Prepared
from zinekit.proof import footnote_pages
from zinekit.reachins import page_box

#: Layouts added, at most, to set at the end the notes that had no room.  Moving a
#: note changes the pages after it, and rarely leaves another without room: a second
#: round takes that one too.
MAX_RELAYOUTS = 2
SETTING = "notes_overflow"


def misplaced_footnotes(document: weasyprint.Document) -> list[str]:
    return [fid for fid, (call, note) in footnote_pages(document).items() if call != note]


def article_of(note_id: str) -> str:
    """The article anchor of a note id ``fn-<article>-<n>``."""
    return note_id[3:].rsplit("-", 1)[0]


@dataclass
class NotePlacement:
    """Where each article's footnotes go when there is no room under their call, and
    how the issue's HTML is made with some of them at the end."""

    policies: dict[str, str]  # article anchor → "next" or "end"
    html_for: Callable[[frozenset[str]], str]  # the HTML with these notes at the end
    moved: list[str] = field(default_factory=list)  # notes set at the end, in order

    def goes_to_end(self, note_id: str) -> bool:
        return self.policies.get(article_of(note_id)) == "end"

    def settle(self, document: weasyprint.Document, html: str,
               relayout: Callable[[str], weasyprint.Document]) -> tuple[weasyprint.Document, str]:
        """The layout with every note that had no room in an ``end`` article set at
        the end: laid out again only when there is one."""
        for _ in range(MAX_RELAYOUTS):
            without_room = [fid for fid in misplaced_footnotes(document)
                            if self.goes_to_end(fid) and fid not in self.moved]
            if not without_room:
                break
            self.moved += without_room
            html = self.html_for(frozenset(self.moved))
            document = relayout(html)
        return document, html


def placement_for(prepared: Prepared, html_for: Callable[[frozenset[str]], str],
                  already: Iterable[str] | None = None) -> NotePlacement:
    """Each article's ``notes_overflow``: its own front matter's, else the issue's;
    ``already``: notes the HTML sets at the end from the start."""
    default = prepared.settings.typed.notes_overflow or SHARED_OPTIONS[SETTING].default
    policies = {article.anchor: article.meta.typed.notes_overflow or default
                for article in prepared.issue.articles}
    return NotePlacement(policies, html_for, sorted(already or ()))


def notes_at_end(laid_out: LaidOut | None) -> frozenset[str]:
    """The footnotes a laid-out edition printed at their article's end (their calls
    are the ones with an id ``ref-fn-…`` in print): the print edition, laid out after
    the reading PDF, starts from them instead of finding them again."""
    if laid_out is None:
        return frozenset()
    return frozenset(anchor[4:] for anchor in laid_out.anchor_pages if anchor.startswith("ref-fn-"))


def report_misplaced(document: weasyprint.Document, issue: Issue, diagnostics: Diagnostics,
                     placement: NotePlacement | None, first_page: int = 1) -> None:
    """A warning at the call of every note that starts on a later page than its call,
    with the way out; ``first_page``: the number of the document's first page (a part
    of the issue, :mod:`zinekit.render.parts`)."""
    pages = footnote_pages(document)
    misplaced = misplaced_footnotes(document)
    calls = footnote_calls(issue) if misplaced else {}
    for fid in misplaced:
        path, line, col = calls.get(fid, (str(issue.source_file), 0, 0))
        call, note = pages[fid]
        at_end = placement is not None and placement.goes_to_end(fid)
        shift = first_page - 1
        message = overflow_message(fid, call + shift, note + shift if note else note,
                                   note_lines(document, fid), at_end)
        diagnostics.warning(f"[ZK107] {message}",  # the code zinekit proof reports it by
                            path, line, col)


def overflow_message(note_id: str, call: int, note: int, lines: int, at_end: bool) -> str:
    """``footnote 3 is called on page 7 but there was no room for it there (41 lines);
    it starts on page 8 — set notes_overflow: end …``."""
    size = f" ({lines} line{'s' if lines != 1 else ''})" if lines else ""
    way_out = ("mark it {.endnote} to print it at the end of its article" if at_end else
               f"set {SETTING}: end in the front matter to print such notes at the end "
               "of their article")
    return (f"footnote {note_id.rsplit('-', 1)[-1]} is called on page {call} but there was "
            f"no room for it there{size}; it starts on page {note} — {way_out}")


def note_lines(document: weasyprint.Document, note_id: str) -> int:
    """How many lines the note takes where it is printed (0 if it is not found)."""
    for page in document.pages:
        for area in page_box(page).children:
            if not isinstance(area, boxes.FootnoteAreaBox):
                continue
            for note in area.children:
                element = getattr(note, "element", None)
                if element is not None and element.get("id") == note_id:
                    return sum(1 for box in _walk(note) if isinstance(box, boxes.LineBox))
    return 0


def _walk(box: boxes.Box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _walk(child)


def moved_note(prepared: Prepared, placement: NotePlacement) -> str | None:
    """The build's report of the notes set at the end for want of room, or None."""
    if not placement.moved:
        return None
    calls = footnote_calls(prepared.issue)
    in_order = sorted(placement.moved, key=lambda fid: calls.get(fid, ("", 0, 0)))
    where = ", ".join(_note_at(fid, calls) for fid in in_order)
    return (f"{prepared.issue.slug}: no room under their call for footnotes {where}: "
            f"printed at the end of their article ({SETTING}: end)")


def _note_at(note_id: str, calls: dict[str, tuple[str, int, int]]) -> str:
    number = note_id.rsplit("-", 1)[-1]
    path, line, _ = calls.get(note_id, ("", 0, 0))
    return f"{number} ({display_path(path)}:{line})" if line else number


_FOOTNOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")


def footnote_calls(issue: Issue) -> dict[str, tuple[str, int, int]]:
    """Where each footnote ``fn-<article>-<n>`` is first called, read in one pass over
    the sources (a search per misplaced note was quadratic in long issues)."""
    found: dict[str, tuple[str, int, int]] = {}
    for article in issue.articles:
        notes = list(enumerate(article.text.footnotes, start=1))
        numbers = {note.label: n for n, note in notes if note.label}
        inline = iter([n for n, note in notes if not note.label])  # ^[…], in order
        for number, line in enumerate(article.lines, start=1):
            for m in _FOOTNOTE_CALL.finditer(line):
                if m.start() == 0 and line.startswith(m.group(0) + ":"):
                    break  # a definition's line
                if m.group(1) in numbers:
                    fid = f"fn-{article.anchor}-{numbers[m.group(1)]}"
                    found.setdefault(fid, (str(article.path), number, m.start() + 1))
            for m in re.finditer(r"\^\[", line):
                note = next(inline, None)
                if note is not None:
                    found[f"fn-{article.anchor}-{note}"] = (str(article.path), number, m.start() + 1)
    return found
