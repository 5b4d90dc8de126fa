"""Paper for the print editions: its thickness (``caliper``), the spine it makes, and
which way the title runs on the spine.

``caliper`` is the thickness of one sheet (one leaf, two pages), given as a length
(``0.1mm``, ``100um``, ``0.004in``) or as a stock: ``80gsm-uncoated``, ``100gsm-silk``,
``20lb-bond``.  A stock's thickness is its grammage times its bulk (cm³/g), the figure
paper mills publish: about 1.25 for uncoated offset and bond, 1.0 for matt, 0.95 for
silk, 0.8 for gloss.  docs/covers.md lists them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from zinekit.config import IssueSettings
from zinekit.errors import Diagnostics

#: Bulk (cm³/g) by finish: thickness in µm = grammage (g/m²) × bulk.
BULK = {"uncoated": 1.25, "bond": 1.25, "offset": 1.25, "matt": 1.0, "silk": 0.95, "gloss": 0.8}
#: US basis weights (lb) to grammage (g/m²): bond (17×22 in reams), text (25×38 in).
POUNDS_TO_GSM = {"bond": 3.76, "text": 1.48}
UNITS_MM = {"mm": 1.0, "um": 0.001, "µm": 0.001, "in": 25.4, "pt": 25.4 / 72}
DEFAULT_CALIPER = 0.1  # mm: 80 g/m² uncoated, what a copy shop's paper is
MIN_CALIPER, MAX_CALIPER = 0.03, 1.0  # mm: tissue to heavy card

_LENGTH = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(mm|um|µm|in|pt)\s*$", re.I)
_GSM = re.compile(r"^\s*(\d+(?:\.\d*)?)\s*gsm[-\s]+([a-z]+)\s*$", re.I)
_POUNDS = re.compile(r"^\s*(\d+(?:\.\d*)?)\s*lb[-\s]+([a-z]+)\s*$", re.I)

#: Languages whose books print the spine title bottom to top (most of continental
#: Europe); the others follow ISO 6357 and ANSI/NISO Z39.41: top to bottom.
BOTTOM_TO_TOP = frozenset({"de", "fr", "es", "pt", "it", "ca", "gl", "pl", "cs", "sk", "hu",
                           "ro", "ru", "uk", "be", "bg", "sr", "hr", "bs", "sl", "mk"})
#: Languages written right to left: their books are bound on the right.
RIGHT_TO_LEFT = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"})


def parse_caliper(text: str) -> float:
    """``0.1mm`` or ``80gsm-uncoated`` → millimetres.  ValueError with a message fit
    for a user."""
    value = str(text).strip()
    length = _LENGTH.match(value)
    if length:
        mm = float(length.group(1)) * UNITS_MM[length.group(2).lower()]
    else:
        mm = _stock_thickness(value)
    if not MIN_CALIPER <= mm <= MAX_CALIPER:
        raise ValueError(f"caliper {value!r} is {mm:g} mm: one sheet of paper is between "
                         f"{MIN_CALIPER:g} and {MAX_CALIPER:g} mm thick")
    return mm


def _stock_thickness(value: str) -> float:
    gsm, pounds = _GSM.match(value), _POUNDS.match(value)
    if gsm and gsm.group(2).lower() in BULK:
        return float(gsm.group(1)) * BULK[gsm.group(2).lower()] / 1000
    if pounds and pounds.group(2).lower() in POUNDS_TO_GSM:
        grammage = float(pounds.group(1)) * POUNDS_TO_GSM[pounds.group(2).lower()]
        return grammage * BULK["uncoated"] / 1000
    finishes = ", ".join(BULK)
    raise ValueError(f"caliper {value!r} is neither a thickness (e.g. 0.1mm, 100um, 0.004in) "
                     f"nor a paper stock (e.g. 80gsm-uncoated, 20lb-bond; finishes: {finishes})")


def caliper_of(settings: IssueSettings, diagnostics: Diagnostics) -> float | None:
    """The paper's thickness in mm, or None when not set; a bad value is an error where
    it is written."""
    value, path, line = settings.lookup("caliper")
    if value is None:
        return None
    try:
        return parse_caliper(str(value))
    except ValueError as exc:
        diagnostics.error(str(exc), path or settings.front_matter.path, line, 1)
        return None


def spine_direction(settings: IssueSettings, language: str) -> str:
    """``top-to-bottom`` or ``bottom-to-top``: the setting, else the language's custom."""
    chosen = settings.typed.spine_text
    if chosen:
        return chosen
    primary = language.split("-")[0].lower()
    return "bottom-to-top" if primary in BOTTOM_TO_TOP else "top-to-bottom"


def binding_side(settings: IssueSettings, language: str) -> str:
    """``ltr`` (bound on the left, front cover on the right of the wrap) or ``rtl``."""
    chosen = settings.typed.binding
    if chosen in ("ltr", "rtl"):
        return chosen
    return text_direction(language)


def text_direction(language: str) -> str:
    """``rtl`` for a language written right to left (Arabic, Hebrew …), else ``ltr``."""
    return "rtl" if language.split("-")[0].lower() in RIGHT_TO_LEFT else "ltr"


@dataclass(frozen=True)
class Spine:
    """The spine of a perfect-bound copy: its block of pages and its width."""

    pages: int  # pages of the print edition
    block: int  # pages between the covers (the first two and last two are the cover's)
    caliper: float  # mm
    width: float  # mm

    @property
    def leaves(self) -> int:
        return math.ceil(self.block / 2)


def spine_for(pages: int, caliper: float) -> Spine:
    """The block is the print edition less its cover sheet (pages 1, 2, n-1, n, as
    ``zinekit impose --cover separate`` takes them); its thickness is one caliper a leaf."""
    block = max(pages - 4, 0)
    return Spine(pages, block, caliper, math.ceil(block / 2) * caliper)
