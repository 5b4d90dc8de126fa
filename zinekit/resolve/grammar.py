"""The grammar of a "see" clause's targets: what a zine writes after "see".

Zines point at other texts with a locator ("Return Fire vol.5 pg98", "vol.2 p.14"), a
title ("The Siege of the Third Precinct"), a volume and a title ("vol.3; Caught in the
Net"), or an anchor in the same issue ("#coping").  :func:`parse_targets` turns the text
of one clause into one :class:`RefQuery` per target; it is pure and never raises.

Steps for one clause (numbered in the code below):

1. clean the text (stray emphasis markers, spaces, leading "see", "c.f." ...);
2. split it into targets at ";" and at " and " / "," where both sides carry a locator,
   keeping "vol.3; Title" together as one target;
3. in each target, find the locators (volume, chapter, number, page, anchor); the words
   just before the first volume-like locator name the series, the other words the title;
4. a later target that omits the series (or series and volume) takes them from the one
   before: "RF vol.3 pg5 and vol.5 pg98", "vol.2 p.5 and p.9".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

__all__ = ["RefQuery", "parse_targets", "normalize_title", "normalize_name", "roman_to_int"]


@dataclass(frozen=True)
class RefQuery:
    """One target of a "see" clause, as far as its words say.

    ``series`` is the name or alias as written (None: the current series); ``page`` is
    the printed page number and ``page_label`` the printed page as written (also set for
    roman numerals, where ``page`` is None).  ``has_series``, ``has_volume`` and
    ``has_page`` say which parts of a locator the printed text already shows (also when
    taken from an earlier target of the same clause), so the printer adds only the rest.
    """

    series: str | None = None
    volume: int | None = None
    chapter: int | None = None
    number: int | None = None
    page: int | None = None
    page_end: int | None = None
    anchor: str | None = None
    title: str | None = None
    text: str = ""
    has_series: bool = False
    has_volume: bool = False
    has_page: bool = False
    page_label: str | None = None
    page_end_label: str | None = None
    plain_title: str | None = None
    this_issue: bool = False

    @property
    def is_empty(self) -> bool:
        """True when the target names nothing that could be looked up."""
        return not (self.series or self.title or self.anchor or self.has_volume or self.has_page)


# -- locators -------------------------------------------------------------------------

_ROMAN = r"(?=[ivxlcdm]+\b)m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})\b"
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_DASH = r"\s*(?:-|–|—|‒|to)\s*"


def _num(name: str, roman: bool = True) -> str:
    return rf"(?P<{name}>\d+|{_ROMAN})" if roman else rf"(?P<{name}>\d+)"


_LOCATOR = re.compile(
    "|".join(
        [
            r"\b(?:volume|vol|v(?=\.))\.?\s*" + _num("volume"),
            r"\b(?:chapter|chap|ch)\.?\s*" + _num("chapter"),
            r"\b(?:number|num|no|nr|issue)\.?\s*#?\s*" + _num("number", roman=False),
            r"\b(?:pages|page|pgs|pg|pp|p)\.?\s*" + _num("page") + rf"(?:{_DASH}" + _num("page_end") + ")?",
            r"(?<![\w&#])#(?P<hash>[\w][\w:.\-]*[\w]|[\w])",
        ]
    ),
    re.IGNORECASE,
)
_ISSUE_KINDS = ("volume", "chapter", "number")


@dataclass
class _Match:
    kind: str  # volume, chapter, number, page, anchor
    start: int
    end: int
    value: str
    end_value: str | None = None


def roman_to_int(text: str) -> int | None:
    """The value of a roman numeral ("xii" → 12), or None if ``text`` is not one."""
    text = text.lower()
    if not text or not re.fullmatch(_ROMAN, text):
        return None
    values = [_ROMAN_VALUES[c] for c in text]
    total = 0
    for i, value in enumerate(values):
        total += -value if i + 1 < len(values) and values[i + 1] > value else value
    return total


def _scan(text: str) -> list[_Match]:
    """Step 3: every locator in ``text``, left to right, without overlaps."""
    found = []
    for m in _LOCATOR.finditer(text):
        kind = next(k for k in ("volume", "chapter", "number", "page", "hash") if m.group(k) is not None)
        value = m.group(kind)
        if not value:  # the roman pattern can match an empty string before a word
            continue
        if kind == "hash":
            kind = "number" if value.isdecimal() else "anchor"
        found.append(_Match(kind, m.start(), m.end(), value, m.group("page_end") if kind == "page" else None))
    return found


def _to_int(value: str | None) -> int | None:
    if value is None:
        return None
    if value.isdecimal():
        return int(value) if len(value) < 10 else None
    return roman_to_int(value)


# -- cleaning ---------------------------------------------------------------------------

_LEADING_FILLER = re.compile(
    r"^(?:(?:see\b|also\b|cf\b\.?|c\.f\.?|compare\b|e\.g\.?|eg\b\.?|i\.e\.?|viz\b\.?"
    r"|for (?:example|instance)\b|esp\b\.?|especially\b|ed\b\.?(?:\s*[–—-])?|[–—-])[\s,:]*)+",
    re.IGNORECASE,
)
_TITLE_FILLER = re.compile(
    r"^(?i:the|our|an?|this|that|their)\s+(?i:supplement|article|piece|text|essay|interview|chapter"
    r"|section|editorial|introduction|intro|feature|report|communiqu[eé]|letter|review"
    r"|translation|poem|story|pamphlet|statement|analysis|reflections?|account|series)s?\b"
    r"(?:\s+(?i:to|in|from|of|called|titled|entitled|named)\b|(?=\s*[\"'“‘«(])|(?=\s+\W?[A-Z0-9]))",
)
_SERIES_CONNECTOR = re.compile(r"^(?:of|in|from|at|to)\b\s*", re.IGNORECASE)
_TITLE_TAIL_CONNECTOR = re.compile(r"\s+(?:in|from)\s*$", re.IGNORECASE)
_COMMENTARY = re.compile(
    r"^\s+(?:for|on|about|regarding|where|which|in which|that|if|when|as|and|or|with)\b", re.IGNORECASE
)
_PARENTHETICAL = re.compile(r"^[\s,;:]*\([^()]*\)[\s.,;:]*$")
_THIS_ISSUE = re.compile(
    r"(?:^|[\s,;(]+)(?:(?:in|of)\s+)?this\s+(?:issue|zine|volume|chapter|number)\)?\s*$"
    r"|(?:^|[,;(]\s*)(?:above|below|earlier|later)\)?\s*$",
    re.IGNORECASE,
)
_QUOTES = "\"'“”‘’«»„‚‹›"
_EDGE_JUNK = " \t,;:.!?[]{}/\\|–—-" + _QUOTES


def _clean(text: str) -> str:
    """Step 1: one line, no emphasis markers (inner underscores of anchors stay)."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    text = text.replace("*", "").replace("`", "")
    text = re.sub(r"(?<![\w#])_+|_+(?!\w)", "", text)
    return " ".join(text.split())


def _strip_edges(text: str) -> str:
    """Trim spaces, punctuation and quotes at both ends; parentheses only when unpaired."""
    while True:
        before = text
        text = text.strip(_EDGE_JUNK)
        if text.startswith("(") and text.count("(") > text.count(")"):
            text = text[1:]
        if text.endswith(")") and text.count(")") > text.count("("):
            text = text[:-1]
        if text.startswith("(") and text.endswith(")") and "(" not in text[1:-1] and ")" not in text[1:-1]:
            text = text[1:-1]
        if text == before:
            return text


def _strip_leading_filler(text: str) -> str:
    return _LEADING_FILLER.sub("", text.strip()).strip()


# -- splitting ------------------------------------------------------------------------

_LIST_SEPARATOR = re.compile(r"(\s+(?:and|&)\s+|\s*,\s*(?:and\s+)?)", re.IGNORECASE)


def _has_issue_locator(matches: list[_Match]) -> bool:
    return any(m.kind in _ISSUE_KINDS for m in matches)


def _words_outside(text: str, matches: list[_Match]) -> str:
    """The text of ``text`` with its locators cut out, filler removed."""
    pieces, last = [], 0
    for m in matches:
        pieces.append(text[last : m.start])
        last = m.end
    pieces.append(text[last:])
    return _strip_edges(_strip_leading_filler(" ".join(pieces)))


def _starts_new_target(left_located: bool, right: list[_Match], separator: str) -> bool:
    if not left_located or not right:
        return False
    if separator.strip(" ,").lower() in ("and", "&"):
        return True
    return any(m.kind in ("volume", "anchor") for m in right)


def _split_list(segment: str) -> list[str]:
    """Step 2b: split at " and " / "&" / "," where both sides carry a locator."""
    pieces = _LIST_SEPARATOR.split(segment)
    out = [pieces[0]]
    located = bool(_scan(pieces[0]))
    for separator, chunk in zip(pieces[1::2], pieces[2::2]):
        matches = _scan(chunk)
        if _starts_new_target(located, matches, separator):
            out.append(chunk)
            located = True
        else:
            out[-1] = out[-1] + separator + chunk
            located = located or bool(matches)
    return out


def _is_bare_issue(segment: str) -> bool:
    """A "vol.3" (maybe with its series) with no page, anchor or title after it."""
    matches = _scan(segment)
    if not _has_issue_locator(matches) or any(m.kind in ("page", "anchor") for m in matches):
        return False
    return not _strip_edges(segment[matches[-1].end :])


def _split_semicolons(text: str) -> list[str]:
    """Step 2a: split at ";" but keep "Return Fire vol.3; Caught in the Net" together."""
    segments = [s for s in (part.strip() for part in text.split(";")) if s]
    out: list[str] = []
    for segment in segments:
        if out and _is_bare_issue(out[-1]) and not _scan(segment) and _words_outside(segment, []):
            out[-1] = f"{out[-1]}; {segment}"
        else:
            out.append(segment)
    return out


# -- one target -----------------------------------------------------------------------


def _series_from_gap(gap: str) -> tuple[str | None, str]:
    """The words before a volume: "<title>, <series>" or just "<series>"."""
    gap = _strip_leading_filler(gap)
    split = re.split(r"\s*[,;:(]\s*|\s+[–—]\s+", gap.strip())
    title_part = " ".join(split[:-1])
    series = _strip_edges(_SERIES_CONNECTOR.sub("", _strip_title_filler(split[-1])))
    return (series or None), title_part


def _strip_title_filler(text: str) -> str:
    return _TITLE_FILLER.sub("", _strip_edges(text), count=1).strip()


def _trailing_gap(gap: str) -> str:
    """Text after the last locator: a title, unless it is commentary or a parenthesis."""
    if _COMMENTARY.match(gap) or _PARENTHETICAL.match(gap):
        return ""
    return gap


def _gaps(text: str, matches: list[_Match]) -> tuple[str | None, list[str]]:
    """Step 3: the series (words before the first volume-like locator) and title parts."""
    first_issue = next((i for i, m in enumerate(matches) if m.kind in _ISSUE_KINDS), None)
    series, titles, last = None, [], 0
    for i, m in enumerate(matches):
        gap = text[last : m.start]
        if i == first_issue:
            series, gap = _series_from_gap(gap)
        titles.append(_TITLE_TAIL_CONNECTOR.sub("", gap))
        last = m.end
    titles.append(_trailing_gap(text[last:]) if matches else text[last:])
    return series, titles


def _title_of(parts: list[str]) -> tuple[str | None, str | None, bool]:
    """(title without filler, title as written, whether it said "in this issue")."""
    joined = " ".join(_strip_edges(p) for p in parts if _strip_edges(p))
    this_issue = bool(_THIS_ISSUE.search(joined))
    plain = _strip_edges(_THIS_ISSUE.sub("", joined)) if this_issue else _strip_edges(joined)
    plain = _strip_edges(_strip_leading_filler(plain))
    title = _strip_edges(_strip_title_filler(plain))
    if not any(c.isalnum() for c in title):
        return None, None, this_issue
    return title, (plain if plain != title else None), this_issue


def _parse_one(text: str) -> RefQuery | None:
    cleaned = _strip_edges(_strip_leading_filler(text))
    if not cleaned:
        return None
    matches = _scan(cleaned)
    fields: dict[str, object] = {}
    for m in matches:
        key = "anchor" if m.kind == "anchor" else m.kind
        if key in fields:
            continue
        if m.kind == "anchor":
            fields["anchor"] = m.value.rstrip(".:")
        elif m.kind == "page":
            fields.update(page=_to_int(m.value), page_label=m.value, page_end=_to_int(m.end_value))
            fields["page_end_label"] = m.end_value
        else:
            fields[key] = _to_int(m.value)
    series, title_parts = _gaps(cleaned, matches)
    title, plain, this_issue = _title_of(title_parts)
    return RefQuery(
        series=series,
        title=title,
        plain_title=plain,
        text=cleaned,
        has_series=series is not None,
        has_volume=any(k in fields for k in _ISSUE_KINDS),
        has_page="page" in fields,
        this_issue=this_issue,
        **fields,  # type: ignore[arg-type]
    )


def _inherit(previous: RefQuery, query: RefQuery) -> RefQuery:
    """Step 4: "RF vol.3 pg5 and vol.5 pg98"; "vol.2 p.5 and p.9"."""
    if query.series or query.title or query.anchor:
        return query
    if query.has_volume and not query.has_series and previous.has_series:
        return replace(query, series=previous.series, has_series=True)
    if query.has_page and not query.has_volume and previous.has_volume:
        return replace(
            query,
            series=previous.series,
            volume=previous.volume,
            chapter=previous.chapter,
            number=previous.number,
            has_series=previous.has_series,
            has_volume=True,
        )
    return query


def parse_targets(text: str) -> list[RefQuery]:
    """The targets named by the text of one "see" clause (emphasis markers removed).

    >>> [q.volume for q in parse_targets("Return Fire vol.3 pg5 and vol.5 pg98")]
    [3, 5]
    """
    if not isinstance(text, str):
        return []
    cleaned = _strip_leading_filler(_clean(text))
    queries: list[RefQuery] = []
    for segment in _split_semicolons(cleaned):
        for piece in _split_list(segment):
            query = _parse_one(piece)
            if query is None or query.is_empty:
                continue
            queries.append(_inherit(queries[-1], query) if queries else query)
    return queries


# -- titles ---------------------------------------------------------------------------

_APOSTROPHES = "'’‘`´ʼ"


def normalize_title(text: str) -> str:
    """A title reduced for matching: casefolded, accents, emphasis and punctuation gone.

    >>> normalize_title("The Siege of the *Third Precinct* — in “Minneapolis”!")
    'the siege of the third precinct in minneapolis'
    """
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("&", " and ")
    for mark in _APOSTROPHES:
        text = text.replace(mark, "")
    out = [c if c.isalnum() else " " for c in text.casefold()]
    return " ".join("".join(out).split())


def normalize_name(text: str) -> str:
    """A series name or alias reduced for matching: as :func:`normalize_title`, and
    without spaces, so that "E.T." and "ET" are one name."""
    return normalize_title(text).replace(" ", "")
