"""Text extracted from a paged layout: page numbers, running heads and feet, and words
hyphenated at line ends.

1. a page ends at a form feed (``\\f``, as ``pdftotext`` writes it) and at a page-number
   line; lines holding only a number are page numbers when at least three of them count
   up (by one to three: a page without a number, a blank page), two when the text has
   form feeds or they are written ``Page 12``, ``– 12 –`` or ``12 / 40``; a bare number
   that reads as a year (1500 to 2099) is a page number only in text with form feeds;
2. a running head or foot is a short line (80 characters or fewer) printed on at least
   three pages and on at least half of them, each time within two lines of a page end;
   a page number inside it (``The Last Ferry 12``) is allowed;
3. both are removed, each kind reported once with the lines and the text left out, and a
   page break is kept in their place for :mod:`zinekit.importer.rejoin`;
4. a word hyphenated at a line end inside a paragraph is made whole
   (``exam-`` / ``ple`` → ``example``), unless the text writes it with its hyphen
   elsewhere (``well-known``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from zinekit.importer.header import YEAR
from zinekit.importer.report import Report
from zinekit.importer.textblocks import Block, is_terminated, starts_lower

BARE_NUMBER = re.compile(r"^(\d{1,4})$")
DECORATED_NUMBER = re.compile(r"^(?:(?:page|p\.)\s*(\d{1,4})|[-–—]\s*(\d{1,4})\s*[-–—]|"
                              r"(\d{1,4})\s*(?:/|of)\s*\d{1,4})$", re.I)
NUMBER_IN_LINE = re.compile(r"\d{1,4}")
HEAD_LENGTH = 80
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
LINE_END_HYPHEN = re.compile(r"([^\W\d_]+)-$")
NEXT_LINE_WORD = re.compile(r"^([a-zà-öø-ÿα-ωа-я][^\W\d_]*)(\S*)\s*")
NEXT_LINE_CALL = re.compile(r"^[⁰¹²³⁴⁵⁶⁷⁸⁹]+\S*\s*")  # a note call split from its word


@dataclass
class Paged:
    """The text with its page furniture blanked, and the lines where pages end."""

    text: str
    breaks: list[int] = field(default_factory=list)  # 1-based lines of removed furniture

    @property
    def is_paged(self) -> bool:
        return bool(self.breaks)


def remove_page_furniture(text: str, report: Report) -> Paged:
    """Find page numbers and running heads and feet, blank them, keep the page ends."""
    lines = text.split("\n")
    feeds = {i for i, line in enumerate(lines) if "\f" in line} if "\f" in text else set()
    if feeds:
        lines = [line.replace("\f", "") for line in lines]
    numbers = page_number_lines(lines, bool(feeds))
    heads = running_head_lines(lines, feeds | numbers)
    _report_removed(lines, numbers, "page numbers", "page number", report)
    _report_removed(lines, heads - numbers, "running heads and feet", "running head or foot",
                    report)
    if not (feeds or numbers or heads):
        return Paged(text)
    for i in numbers | heads:
        lines[i] = ""
    breaks = sorted({i + 1 for i in feeds | numbers | heads})
    return Paged("\n".join(lines), _one_per_page_end(breaks, lines))


def page_number_lines(lines: list[str], has_feeds: bool) -> set[int]:
    """Indexes of lines that are page numbers: the longest run counting up."""
    found: list[tuple[int, int, bool]] = []
    for i, line in enumerate(lines):
        if len(line) > 24:
            continue
        stripped = line.strip()
        bare = BARE_NUMBER.match(stripped)
        if bare and not has_feeds and YEAR.match(stripped):
            continue  # a year standing alone (a timeline), not a page of a zine
        decorated = None if bare else DECORATED_NUMBER.match(stripped)
        if bare or decorated:
            value = int(next(g for g in (bare or decorated).groups() if g))  # type: ignore[union-attr]
            found.append((i, value, decorated is not None))
    chain = _longest_count_up([(i, value) for i, value, _ in found])
    decorated_all = all(d for i, _, d in found if i in chain)
    needed = 2 if has_feeds or decorated_all else 3
    return chain if len(chain) >= needed else set()


def _longest_count_up(numbers: list[tuple[int, int]]) -> set[int]:
    """The longest run of (line, number) whose numbers go up by one to three each time."""
    chains: dict[int, list[int]] = {}  # last number → line indexes of the run
    best: list[int] = []
    for index, value in numbers:
        before = next((v for v in (value - 1, value - 2, value - 3) if v in chains), None)
        run = chains.pop(before) if before is not None else []
        run.append(index)
        chains[value] = run
        if len(run) > len(best):
            best = run
    return set(best)


def running_head_lines(lines: list[str], ends: set[int]) -> set[int]:
    """Indexes of short lines printed at least three times, each near a page end; a line
    that carries on the sentence of the line above it is text, however often it comes."""
    if not ends:
        return set()
    groups: dict[str, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        stripped = " ".join(line.split())
        if stripped and len(stripped) <= HEAD_LENGTH and re.search(r"[^\W\d_]", stripped) \
                and not _carries_on(lines, i):
            groups[NUMBER_IN_LINE.sub("#", stripped)].append(i)
    found: set[int] = set()
    fewest = max(3, len(ends) // 2)
    for indexes in groups.values():
        if len(indexes) >= fewest and all(_near_page_end(lines, i, ends) for i in indexes):
            found.update(indexes)
    return found


def _carries_on(lines: list[str], index: int) -> bool:
    """The line opens in lower case right below a line that stops mid-sentence (the last
    line of a paragraph: ``… below tables windows`` / ``passenger.``)."""
    above = lines[index - 1] if index > 0 else ""
    return starts_lower(lines[index]) and bool(above.strip()) and not is_terminated(above)


def _near_page_end(lines: list[str], index: int, ends: set[int]) -> bool:
    """Within two non-blank lines of a form feed, a page-number line, or the start or
    end of the text (the first page's head, the last page's foot)."""
    if index in ends:
        return True
    for step in (-1, 1):
        seen, i = 0, index + step
        while seen < 2:
            if i in ends or not 0 <= i < len(lines):
                return True
            seen += bool(lines[i].strip())
            i += step
    return False


def _one_per_page_end(breaks: list[int], lines: list[str]) -> list[int]:
    """Furniture lines with only blank lines between them make one page end."""
    merged: list[int] = []
    for line in breaks:
        if merged and not any(lines[k - 1].strip() for k in range(merged[-1] + 1, line)):
            continue
        merged.append(line)
    return merged


def _report_removed(lines: list[str], indexes: set[int], what: str, one: str,
                    report: Report) -> None:
    if not indexes:
        return
    ordered = sorted(indexes)
    shown = ", ".join(str(i + 1) for i in ordered[:6]) + (" …" if len(ordered) > 6 else "")
    removed = [lines[i].strip() for i in ordered]
    sample = Counter(removed).most_common(1)[0][0]
    report.note(f"left out {len(ordered)} {what} of the printed pages (lines {shown}), such "
                f"as {sample!r}" if len(ordered) > 1 else f"left out a {one}: {sample!r}",
                ordered[0] + 1, dropped="\n".join(removed))
    report.count(f"{what} removed", len(ordered))


# --- words hyphenated at line ends ---------------------------------------------------------


class Vocabulary:
    """The words of a text, lower case, hyphenated ones whole (``well-known``); read from
    the text the first time a word is looked up."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._words: set[str] | None = None

    def __contains__(self, word: object) -> bool:
        if self._words is None:
            self._words = {w.lower() for w in WORD.findall(self._text)}
        return word in self._words


def mend_hyphenation(blocks: list[Block], vocabulary: Vocabulary, report: Report) -> None:
    """Make whole the words hyphenated at line ends inside each paragraph; a note call
    alone after a line-end hyphen (``and-`` / ``¹⁰.``) goes back to its word unhyphenated."""
    from zinekit.importer.rejoin import hyphen_kept

    for block in blocks:
        if "-\n" not in block.text:
            continue
        lines = block.text.split("\n")
        for k in range(len(lines) - 1):
            edge = LINE_END_HYPHEN.search(lines[k])
            start = NEXT_LINE_WORD.match(lines[k + 1]) or NEXT_LINE_CALL.match(lines[k + 1])
            if edge is None or start is None:
                continue
            keep = start.re is NEXT_LINE_WORD and hyphen_kept(edge.group(1), start.group(1),
                                                              vocabulary, wrapped=True)
            lines[k] = (lines[k] if keep else lines[k][:-1]) + start.group(0).rstrip()
            lines[k + 1] = lines[k + 1][start.end():]
            report.count("words hyphenated at line ends made whole")
        block.text = "\n".join(line for line in lines if line.strip())


def has_wrapped_lines(blocks: list[Block]) -> bool:
    """The text keeps its line ends: most paragraphs of some length run over lines."""
    long = [b for b in blocks if len(b.text) > 60]
    return bool(long) and sum("\n" in b.text for b in long) * 2 > len(long)


def page_markers(blocks: list[Block], breaks: list[int]) -> list[Block]:
    """The blocks with a ``page`` block at each page end, in line order."""
    out: list[Block] = []
    pending = list(reversed(breaks))
    for block in blocks:
        while pending and pending[-1] < block.line:
            out.append(Block("", pending.pop(), kind="page"))
        out.append(block)
    return out
