"""The reading PDF of a long issue laid out in parts on several processes, and joined.

:mod:`zinekit.render.parts` says what a part is and lays one out (in a worker
process); this module sends the parts to the processes with the page numbers known
when each goes, lays out again the ones whose numbers moved, and joins them
(:mod:`zinekit.render.pdf_join`).  docs/performance.md, "A long issue on every core".
"""

from __future__ import annotations

import multiprocessing
import signal
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable

from zinekit.errors import Diagnostics
from zinekit.model import READING, LaidOut, Prepared
from zinekit.proof import findings_note
from zinekit.reachins import pool_processes
from zinekit.render import parts as part_layout
from zinekit.render.note_overflow import moved_note
from zinekit.render.page_budget import check_page_budget
from zinekit.render.parts import (CHARS_PER_PAGE, FORCED, Part, Result,
                                  Task, grouped, split, worth_parts)
from zinekit.render.pdf import edition_setup, edition_variant
from zinekit.render.pdf_join import join


@dataclass
class Joined:
    data: bytes
    pages: int
    anchor_pages: dict[str, int]
    starts: list[tuple[str, int]]
    findings: int
    diagnostics: list[Diagnostics]
    moved: list[str]  # notes set at their article's end for want of room
    layouts: int  # parts laid out, the second layouts included


class NotInParts(Exception):
    """The parts are not the whole issue's pages (an article that does not start a page)."""


def lay_out_parts(parts: list[Part], jobs: int, job: dict[str, Any],
                  recorded: dict[str, int] | None) -> Joined:
    """Lay the parts out on ``jobs`` processes and join them; ``recorded``: the page of
    each anchor in the last layout of the issue, when there is one.

    A part is sent to a process when one is free, with the page numbers known then:
    the pages of the parts before it already laid out, a guess for the others (see
    :func:`_guess`).  The parts whose numbers turn out otherwise are laid out again."""
    part_layout.JOB.clear()
    part_layout.JOB.update(job)
    pool: Any = _InProcess() if jobs == 1 else ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
        initializer=_quiet_worker)
    try:
        results, layouts = _lay_out_all(pool, parts, jobs, recorded)
    except BrokenProcessPool as stopped:  # a process killed (out of memory, say)
        raise NotInParts(f"a process laying out a part stopped: {stopped}") from stopped
    except BaseException:  # Ctrl-C, SIGTERM: the processes stop with the build
        for process in pool_processes(pool):
            process.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        part_layout.JOB.clear()
    starts, blanks = _starts(parts, results)
    if any(r.start != starts[r.part] for r in results):
        raise NotInParts("page numbers did not settle")
    data = join([r.data for r in results], blanks) if job["with_bytes"] else b""
    anchor_pages: dict[str, int] = {}
    page_starts: list[tuple[str, int]] = []
    for result, blank in zip(results, blanks):
        for anchor, page in result.anchors.items():
            anchor_pages.setdefault(anchor, page)
        page_starts += [("", 0)] * blank + result.starts
    return Joined(data, len(page_starts), anchor_pages, page_starts,
                  sum(r.findings for r in results),
                  [r.diagnostics for r in results], [n for r in results for n in r.moved],
                  layouts)


def _lay_out_all(pool: Any, parts: list[Part], jobs: int,
                 recorded: dict[str, int] | None) -> tuple[list[Result], int]:
    """Every part laid out with the page numbers the parts before it ended up with,
    and how many layouts of parts that took."""
    known: dict[int, Result] = {}
    waiting, running = list(parts), {}  # type: list[Part], dict[Any, int]
    while waiting or running:
        while waiting and len(running) < jobs:
            part = waiting.pop(0)
            starts, anchors = _guess(parts, known, recorded)
            task = Task(part, starts[part.index], _refs(part, anchors))
            running[pool.submit(part_layout.lay_out, task)] = part.index
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in finished:
            known[running.pop(future)] = future.result()
    results = [known[part.index] for part in parts]
    layouts = len(results)
    for _ in range(2):  # a second layout of the parts whose numbers moved
        starts, _blanks = _starts(parts, results)
        anchors = {a: p for r in results for a, p in _shifted(r, starts).items()}
        again = [Task(part, starts[part.index], _refs(part, anchors), results[part.index].mended)
                 for part in parts
                 if starts[part.index] != results[part.index].start
                 or _refs(part, anchors) != results[part.index].refs]
        if not again:
            break
        for result in pool.map(part_layout.lay_out, again):
            results[result.part] = result
        layouts += len(again)
    return results, layouts


class _InProcess:
    """The pool's part for one process: each part laid out here, when it is sent."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as failed:  # noqa: BLE001 (handed on, as a pool does)
            future.set_exception(failed)
        return future

    def map(self, fn: Callable[..., Any], items: Any) -> list[Any]:
        return [fn(item) for item in items]

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def _quiet_worker() -> None:
    """A process of the pool leaves Ctrl-C to the build (which stops it) and stops on
    SIGTERM without a word."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _refs(part: Part, pages: dict[str, int]) -> dict[str, int]:
    """The page of every anchor ``part`` refers to that another part holds."""
    return {a: pages.get(a, 1) for a in sorted(part.refs - part.ids)}


def _guess(parts: list[Part], known: dict[int, Result],
           recorded: dict[str, int] | None) -> tuple[dict[int, int], dict[str, int]]:
    """Each part's first page and each anchor's page, as far as they are known: a part
    laid out has its pages; one not yet laid out starts where the last layout of the
    issue put it (``recorded``), else where the parts before it end, its length in
    pages guessed from its text's at the rate of the articles laid out so far (a front
    matter: a page for each of its blocks at least)."""
    articles = [known[p.index] for p in parts if p.anchor and p.index in known]
    chars = sum(parts[r.part].chars for r in articles)
    per_page = chars / sum(r.pages for r in articles) if articles else CHARS_PER_PAGE
    side = articles[-1].break_before if articles else "page"
    starts: dict[int, int] = {}
    anchors: dict[str, int] = {}
    page = 1
    for part in parts:
        result = known.get(part.index)
        start, _ = _opening(part, page, result.break_before if result else side)
        if result is None and recorded and part.anchor in recorded:
            start = recorded[part.anchor]
        starts[part.index] = start
        if result is not None:
            anchors.update(_shifted(result, {part.index: start}))
            page = start + result.pages
            continue
        for anchor in part.ids:
            anchors[anchor] = (recorded or {}).get(anchor, start)
        length = round(part.chars / per_page) if part.anchor else \
            max(len(part.children), round(part.chars / per_page))
        page = start + max(1, length)
    return starts, anchors


def _opening(part: Part, page: int, side: str) -> tuple[int, bool]:
    """The page a part that breaks ``side`` opens on when the pages before it end at
    ``page`` - 1, and whether a blank page comes first (it opens on the other side)."""
    wants_odd = _odd(side) if part.index else None
    blank = wants_odd is not None and (page % 2 == 1) != wants_odd
    return page + blank, blank


def _odd(side: str) -> bool | None:
    """Whether a part that breaks ``side`` opens on an odd page (None: either)."""
    return {"right": True, "recto": True, "left": False, "verso": False}.get(side)


def _starts(parts: list[Part], results: list[Result]) -> tuple[dict[int, int], list[bool]]:
    """Each part's first page, from the page counts laid out, and whether a blank page
    comes before it (an article that opens on the other side)."""
    starts: dict[int, int] = {}
    blanks: list[bool] = []
    page = 1
    for part, result in zip(parts, results):
        if part.anchor and result.break_before not in FORCED:
            raise NotInParts(f"{part.anchor} does not start a page")
        start, blank = _opening(part, page, result.break_before)
        starts[part.index] = start
        blanks.append(blank)
        page = start + result.pages
    return starts, blanks


def _shifted(result: Result, starts: dict[int, int]) -> dict[str, int]:
    """The anchors of a part's layout, on the pages its true start puts them."""
    shift = starts[result.part] - result.start
    return {anchor: page + shift for anchor, page in result.anchors.items()}


def render_in_parts(prepared: Prepared, jobs: int,
                    recorded: Callable[[], dict[str, int] | None],
                    with_bytes: bool = True) -> LaidOut | None:
    """The reading PDF laid out in parts on ``jobs`` processes, or None when the issue is
    laid out whole (see the module's documentation); ``recorded()``: the page of each
    anchor in the issue's last layout (read only for an issue laid out in parts).  The proof's findings are counted in the parts
    and noted as a build with one layout notes them (``zinekit.proof.noting_findings``)."""
    if multiprocessing.parent_process() is not None or \
            "fork" not in multiprocessing.get_all_start_methods():
        jobs = 1  # a worker already (no pool of its own), or no fork (Windows)
    if not worth_parts(prepared, jobs):
        return None
    diagnostics = prepared.diagnostics
    stylesheets = prepared.theme.stylesheets("print")
    html, placement, fetcher = edition_setup(prepared, READING, diagnostics)
    parts = grouped(split(html))
    if sum(1 for part in parts if part.anchor) < 2:
        return None
    job = {"html": html, "issue": prepared.issue, "stylesheets": stylesheets,
           "fetcher": fetcher, "variant": edition_variant(None, READING),
           "placement": placement, "extra_css": None, "identity": html,
           "with_bytes": with_bytes}
    try:
        joined = lay_out_parts(parts, jobs, job, recorded())
    except NotInParts:
        return None
    for found in joined.diagnostics:  # what every part reports (a font, a fix) once
        for item in found.items:
            diagnostics.add(item)
    check_page_budget(prepared, joined.pages, diagnostics)
    placement.moved = joined.moved
    for note in (findings_note(joined.findings), moved_note(prepared, placement)):
        if note:
            prepared.notes.append(note)
    return LaidOut(joined.data, joined.pages, joined.anchor_pages, joined.starts)
