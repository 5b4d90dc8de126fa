"""Dates as the issue's language writes them, with Babel (the Unicode CLDR's formats).

``date: 2026-03-21`` prints "March 21, 2026" in ``en`` (CLDR's English is American),
"21 March 2026" in ``en-GB``, "21 mars 2026" in ``fr``, "21. März 2026" in ``de``;
``2026-03`` prints the month ("March 2026"); anything else — "Winter 2020–2021",
"spring", a year alone — prints as written.  Front matter has already refused a date
that is no calendar date (``2026-02-30``), with its line.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Babel's locale data is loaded when a date is printed
    from babel import Locale


DAY = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")
#: A number written in free text ("Spring 2023", "Winter 2020-2021").
NUMBER_IN_TEXT = re.compile(r"[0-9]+")


@lru_cache(maxsize=64)
def babel_locale(language: str) -> Locale:
    """The Babel locale of a BCP 47 tag, falling back along the tag (``pt-XX`` → ``pt``)
    and to English for a language CLDR does not know."""
    from babel import Locale, UnknownLocaleError

    parts = language.replace("_", "-").split("-")
    while parts:
        try:
            return Locale.parse("-".join(parts), sep="-")
        except (UnknownLocaleError, ValueError, TypeError):
            parts.pop()
    return Locale.parse("en")


def format_issue_date(value: object, language: str) -> str:
    """A front-matter date as the language writes it; free text as written."""
    text = str(value).strip() if value is not None else ""
    day, month = DAY.match(text), MONTH.match(text)
    if not day and not month:
        return text
    from babel.dates import format_date, format_skeleton

    try:
        if day:
            date = _dt.date(*(int(part) for part in day.groups()))
            return format_date(date, format="long", locale=babel_locale(language))
        if month:
            date = _dt.date(int(month.group(1)), int(month.group(2)), 1)
            return format_skeleton("yMMMM", date, locale=babel_locale(language))
    except ValueError:  # not a calendar date: print it as written
        return text
    return text


def iso_date(value: object) -> str | None:
    """The machine-readable form of a front-matter date, valid both as a ``<time
    datetime>`` and as the EPUB's ``dc:date`` (W3CDTF): ``YYYY-MM-DD``, ``YYYY-MM`` or
    ``YYYY`` (``date: 2022``, ``'2020'``); for free text, the one year it names ("Spring
    2023" → ``2023``).  None for text that names no year or several ("Winter
    2020–2021"): such a date is printed without a machine-readable form."""
    text = str(value).strip() if value is not None else ""
    if DAY.match(text) or MONTH.match(text):
        return "-".join(part.zfill(2) for part in text.split("-"))
    numbers = NUMBER_IN_TEXT.findall(text)
    if len(numbers) == 1 and len(numbers[0]) == 4 and int(numbers[0]) > 0:
        return numbers[0]
    return None
