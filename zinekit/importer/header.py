"""A text's header lines as front matter: title, authors, date, licence, source.

Two shapes are read:

- a library page (The Anarchist Library and its mirrors): the site's name with
  "Anti-Copyright", a line running author, title and year together, a notes line
  ("Submitted for …", "Retrieved on …", "Source: …"), the site's address, then title,
  author and year again on lines of their own;
- a plain article header: a title line, then a by-line ("Sunday 2 August 2020, by A, B
  and C"), an author's name, a reading time and date ("9 min read Jan 6, 2017").

Header text that maps to no key (a site's name, its address, a reading time) is left
out of the Markdown and listed in the report.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

from zinekit.importer.report import Report
from zinekit.importer.textblocks import Block

LIBRARY_HINT = re.compile(r"anarchist\s*librar|anti-?copyright|theanarchistlibrary|"
                          r"anarchistlibraries\.net", re.I)
NOTES_LINE = re.compile(r"^(Submitted for|Retrieved on|Source:|Originally published in|"
                        r"First published in)\s+(.*)$", re.I | re.S)
SITE_ADDRESS = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)+/?\S*$")
YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d)$")
READING_TIME = re.compile(r"^(\d+)\s*min read\s*(?:·\s*)?(.*)$", re.I)
BY_LINE = re.compile(r"^(?P<before>.{0,80}?)(?:^|,\s*|\s)by\s+(?P<names>.+)$", re.I | re.S)
FIRST_PUBLISHED = re.compile(r"\(\s*(?:date\s+)?first published:?\s*([^()]+)\)\.?", re.I)
SOURCE_LINE = re.compile(r"^source(?:\s*[:.]\s*(\S.{0,300})?|\s*)$", re.I)
NAME = re.compile(r"^[A-ZÀ-ÖØ-ÞА-ЯΑ-Ω][\w'’.\-]*(?:\s+[A-ZÀ-ÖØ-ÞА-ЯΑ-Ω][\w'’.\-]*){0,4}$")
MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


@dataclass
class Header:
    """Front matter read from a text's first lines, and where its body starts."""

    meta: dict[str, Any] = field(default_factory=dict)
    body_start: int = 0
    kept: list[Block] = field(default_factory=list)  # header text that stays in the body


def read_header(blocks: list[Block], report: Report) -> Header:
    """The header of a plain text (library page or article), or an empty one."""
    found = _library_header(blocks, report) if _is_library_page(blocks) else None
    return found or _article_header(blocks, report)


def _is_library_page(blocks: list[Block]) -> bool:
    return any(LIBRARY_HINT.search(b.text) for b in blocks[:4])


# --- a library page ----------------------------------------------------------------------


def _library_header(blocks: list[Block], report: Report) -> Header | None:
    """Find the title printed twice (in the run-together line and on its own)."""
    for i in range(1, min(len(blocks), 16)):
        title = blocks[i].text
        if "\n" in title or len(title) > 200:
            continue
        for j in range(i):
            combined = blocks[j].text
            if title in combined and title != combined:
                return _library_parts(blocks, i, j, report)
    return None


def _library_parts(blocks: list[Block], title_at: int, combined_at: int, report: Report) -> Header:
    title = blocks[title_at].text
    combined = blocks[combined_at].text
    before, after = combined.split(title, 1)
    header = Header(meta={"title": title})
    author, year = before.strip(), after.strip()
    if author:
        header.meta["authors"] = split_names(author)
    if year:
        header.meta["date"] = read_date(year) or year
    report.note(f"library page header read as front matter: title {title!r}",
                blocks[combined_at].line, dropped=combined)
    report.note("title printed again, left out", blocks[title_at].line, dropped=title)
    end = title_at + 1
    while end < len(blocks) and blocks[end].text in (author, year) and end < title_at + 4:
        report.note(f"{blocks[end].text!r} printed again, left out", blocks[end].line,
                    dropped=blocks[end].text)
        end += 1
    for block in blocks[:title_at]:
        if block is not blocks[combined_at]:
            _library_line(block, header, report)
    header.body_start = end
    return header


def _library_line(block: Block, header: Header, report: Report) -> None:
    text = block.text
    notes = NOTES_LINE.match(text)
    if notes:
        _notes_line(block, notes, header, report)
        return
    licence = re.search(r"anti-?copyright", text, re.I)
    if licence:
        header.meta.setdefault("license", licence.group(0))
        rest = (text[:licence.start()] + text[licence.end():]).strip()
        _drop(rest, block, "the site's name", report)
        return
    _drop(text, block, "the site's address" if SITE_ADDRESS.match(text) else "header text", report)


def _notes_line(block: Block, match: re.Match[str], header: Header, report: Report) -> None:
    """``Submitted for X (Winter 2020-2021) To read …``: X is the source, the rest stays."""
    rest = match.group(2).strip()
    cut = re.search(r"(?<=[).])\s+(?=[A-Z])", rest)
    source, remainder = (rest[:cut.start()], rest[cut.end():]) if cut else (rest, "")
    header.meta.setdefault("source", source.rstrip("."))
    report.note(f"{match.group(1)!r} line read as source: {source.rstrip('.')!r}", block.line,
                dropped=match.group(1))
    if remainder:
        header.kept.append(Block(remainder, block.line))


def _drop(text: str, block: Block, what: str, report: Report) -> None:
    if text:
        report.note(f"left out {what}: {text!r}", block.line, dropped=text)


# --- an article's header -----------------------------------------------------------------


def _article_header(blocks: list[Block], report: Report) -> Header:
    header = Header()
    if len(blocks) < 3 or not _looks_like_title(blocks[0].text) or \
            blocks[1].text[:1].islower() and not _is_by_line(blocks[1].text):
        return header
    header.meta["title"] = blocks[0].text
    report.note(f"first line read as the title: {blocks[0].text!r}", blocks[0].line)
    end = 1
    while end < len(blocks) and end <= 4 and _header_block(blocks[end], header, report):
        end += 1
    header.body_start = end
    return header


def _looks_like_title(text: str) -> bool:
    return ("\n" not in text and len(text) <= 160 and len(text.split()) <= 16
            and not re.search(r"[.,;:]$|[.!?]\s|[⁰¹²³⁴⁵⁶⁷⁸⁹]", text)
            and bool(re.match(r"[^\W\d_\"'“‘(]", text)))


def _header_block(block: Block, header: Header, report: Report) -> bool:
    """Read one header block (author, by-line, date, separator); False if it is text."""
    lines = block.text.split("\n")
    if not all(_header_line(line, "authors" in header.meta) for line in lines):
        return False
    for offset, line in enumerate(lines):
        _read_header_line(line, Block(line, block.line + offset), header, report)
    return True


def _header_line(line: str, has_authors: bool) -> bool:
    line = line.strip()
    return bool(re.fullmatch(r"-{2,}|—+", line) or READING_TIME.match(line)
                or _is_by_line(line) or read_date(line) or SOURCE_LINE.match(line)
                or (not has_authors and _is_name_list(line)))


def _is_name_list(line: str) -> bool:
    """``Ines Marrow``, ``Tal Oduya and R. Okonkwo-Bell``: names only."""
    names = split_names(line)
    return len(line) < 120 and bool(names) and all(
        NAME.match(n) and len(n) < 60 and not re.fullmatch(r"[^\W\d_a-z]{4,}", n) for n in names)


def _is_by_line(line: str) -> bool:
    """``[date,] by Name, Name and Name [(first published: …)]``."""
    by = BY_LINE.match(line) if len(line) < 400 else None
    if by is None:
        return False
    before = by.group("before").strip(" ,")
    names = without_full_stop(FIRST_PUBLISHED.sub("", by.group("names")).strip())
    return (not before or read_date(before) is not None) and all(
        NAME.match(n) for n in split_names(names))


def _read_header_line(line: str, block: Block, header: Header, report: Report) -> None:
    line = line.strip()
    report.note(f"header line read as front matter: {line!r}", block.line, dropped=line)
    timing = READING_TIME.match(line)
    by = BY_LINE.match(line) if _is_by_line(line) else None
    if re.fullmatch(r"-{2,}|—+", line):
        report.note(f"left out a separator line {line!r}", block.line)
    elif timing:
        _drop(f"{timing.group(1)} min read", block, "the reading time", report)
        if read_date(timing.group(2)):
            header.meta.setdefault("date", read_date(timing.group(2)))
    elif read_date(line):
        header.meta.setdefault("date", read_date(line))
        report.note(f"date read as front matter: {line!r}", block.line)
    elif by:
        _by_line(by, block, header, report)
    elif SOURCE_LINE.match(line):
        _source_line(SOURCE_LINE.match(line), block, header, report)  # type: ignore[arg-type]
    else:
        header.meta.setdefault("authors", []).extend(split_names(line))
        report.note(f"author read as front matter: {line!r}", block.line)


def _source_line(found: re.Match[str], block: Block, header: Header, report: Report) -> None:
    """``Source: …`` under the title; a bare ``Source`` is a link whose address the copy
    lost: kept as ``x-source`` (which nothing prints: "First published in Source" says
    nothing), and the editor is asked for the address."""
    value = (found.group(1) or "").strip()
    if value:
        header.meta.setdefault("source", value)
        report.note(f"source line read as front matter: {value!r}", block.line)
    else:
        header.meta.setdefault("x-source", found.group(0).strip(" :."))
        report.warning(f"a {found.group(0).strip()!r} line with nothing after it (a link whose "
                       "address the copy lost) kept as x-source, which is not printed; write "
                       "where the text first appeared in the front matter's source",
                       block.line)


def _by_line(by: re.Match[str], block: Block, header: Header, report: Report) -> None:
    names = by.group("names")
    first = FIRST_PUBLISHED.search(names)
    if first:
        header.meta["x-first-published"] = read_date(first.group(1)) or first.group(1).strip()
        names = names[:first.start()] + names[first.end():]
    header.meta["authors"] = split_names(without_full_stop(names.strip()))
    date = read_date(by.group("before").strip(" ,"))
    if date:
        header.meta.setdefault("date", date)
    elif by.group("before").strip(" ,"):
        _drop(by.group("before").strip(" ,"), block, "text before the by-line", report)
    report.note("by-line read as front matter: authors " + ", ".join(header.meta["authors"]),
                block.line, dropped="by")


def without_full_stop(text: str) -> str:
    """The text without a closing full stop, which an initial keeps (``R.``)."""
    return text[:-1] if text.endswith(".") and not re.search(r"(?:^|\W)\w\.$", text) else text


def split_names(text: str) -> list[str]:
    """``A, B and C`` → ``[A, B, C]``."""
    parts = re.split(r",\s*|\s+(?:and|&)\s+", text)
    return [p.strip() for p in parts if p.strip()]


def read_date(text: str) -> str | None:
    """An ISO date (or a bare year) from ``2020``, ``2 August 2020``, ``Jan 6, 2017`` …"""
    text = re.sub(r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+", "", text.strip(), flags=re.I)
    if YEAR.match(text):
        return text
    iso = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)(?:[ T][\d:]+.*)?", text)
    if iso:
        return _iso(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    dmy = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]{3,})\.?,?\s+(\d{4})", text)
    if dmy:
        return _iso(int(dmy.group(3)), MONTHS.get(dmy.group(2)[:3].lower(), 0), int(dmy.group(1)))
    mdy = re.fullmatch(r"([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})", text)
    if mdy:
        return _iso(int(mdy.group(3)), MONTHS.get(mdy.group(1)[:3].lower(), 0), int(mdy.group(2)))
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


# --- an author list in the text ------------------------------------------------------------

#: Cyrillic letters that look like Latin ones, as copied names mix them (``Hоября``).
LOOKALIKES = str.maketrans("АВЕКМНОРСТХаеорсух", "ABEKMHOPCTXaeopcyx")


def drop_author_lines(blocks: list[Block], meta: dict[str, Any], report: Report) -> None:
    """A line that lists the text's authors again (the credits at the end of a web page)
    goes to the front matter: left out of the body, the authors are already there."""
    authors = meta.get("authors") or []
    known = {_folded(word) for name in authors for word in name.split()}
    if len(authors) < 2:
        return
    for block in blocks:
        words = block.text.split()
        if block.kind != "body" or "\n" in block.text or len(words) < 2:
            continue
        if all(_folded(w.strip(",;")) in known for w in words):
            block.kind = "dropped"
            report.note(f"author list read as front matter (the authors are there already): "
                        f"{block.text!r}", block.line, dropped=block.text)


def _folded(word: str) -> str:
    return word.translate(LOOKALIKES).casefold()
