"""Imposition options: parse what the command line gives (strings) into checked values.

Lengths are kept in PDF points (1 pt = 1/72 in).  Every bad value raises
:class:`~zinekit.errors.ImposeError` naming the option, so ``zinekit impose`` prints
``source.pdf: error: --creep: ...`` and exits 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from zinekit.errors import ImposeError

MM = 72 / 25.4
UNITS: Mapping[str, float] = {"pt": 1.0, "mm": MM, "cm": 10 * MM, "in": 72.0}

#: Standard sheets, portrait (width, height) in points.  Order does not matter: the
#: default sheet is the one of smallest area that holds the layout.
SHEETS: Mapping[str, tuple[float, float]] = {
    "A7": (74 * MM, 105 * MM), "A6": (105 * MM, 148 * MM), "A5": (148 * MM, 210 * MM),
    "A4": (210 * MM, 297 * MM), "A3": (297 * MM, 420 * MM), "A2": (420 * MM, 594 * MM),
    "A1": (594 * MM, 841 * MM), "A0": (841 * MM, 1189 * MM),
    "half-letter": (396.0, 612.0), "letter": (612.0, 792.0), "legal": (612.0, 1008.0),
    "tabloid": (792.0, 1224.0),
}

LAYOUTS = ("saddle", "perfect", "4up", "onepagezine", "repeat", "topbound")
FOLDED = ("saddle", "perfect", "4up", "topbound")  # layouts folded into a booklet
BLANKS = ("before-back", "end", "after-front")
MAX_PAGES = 20_000
MAX_SIGNATURE = 128

_NUMBER = r"(\d+(?:\.\d*)?|\.\d+)"
_LENGTH = re.compile(rf"^\s*{_NUMBER}\s*([a-z]+)?\s*$", re.I)
_SIZE = re.compile(rf"^\s*{_NUMBER}\s*([a-z]+)?\s*[x×*]\s*{_NUMBER}\s*([a-z]+)?\s*$", re.I)
_SIGNATURE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


@dataclass(frozen=True)
class Sheet:
    """A paper size: ``name`` is ``A4``, ``letter`` … or ``210×297mm`` for a custom one."""

    name: str
    width: float
    height: float


@dataclass(frozen=True)
class ImposeOptions:
    """Checked imposition options.  ``None`` means "choose for me" where allowed."""

    layout: str = "saddle"
    signatures: tuple[int, ...] = ()  # perfect: candidate signature sizes, in pages
    sheet: Sheet | None = None
    creep: float = 0.0  # paper thickness, pt
    bleed: float = 0.0  # pt
    marks: bool = False
    flip: str = "short"
    cover: str = "included"
    blanks: str = "before-back"

    @classmethod
    def parse(cls, *, layout: str = "saddle", signature: str | int | None = None,
              sheet: str | None = None, creep: str | float | None = None,
              bleed: str | float | None = None, marks: bool = False, flip: str = "short",
              cover: str = "included", blanks: str = "before-back",
              path: str | None = None) -> ImposeOptions:
        """Options as the command line gives them (strings), checked; ``path`` names the source."""

        def fail(message: str) -> ImposeError:
            return ImposeError(message, path=path)

        layout = _choice(layout, LAYOUTS, "--layout", fail)
        options = cls(
            layout=layout,
            signatures=parse_signature(signature, layout, fail),
            sheet=parse_sheet(sheet, fail) if sheet else None,
            creep=parse_length(creep, "--creep", fail) if creep not in (None, "") else 0.0,
            bleed=parse_length(bleed, "--bleed", fail) if bleed not in (None, "") else 0.0,
            marks=bool(marks),
            flip=_choice(flip, ("short", "long"), "--flip", fail),
            cover=_choice(cover, ("included", "separate"), "--cover", fail),
            blanks=_choice(blanks, BLANKS, "--blanks", fail),
        )
        options.check(fail)
        return options

    def check(self, fail) -> None:
        """Refuse combinations that mean nothing for the chosen layout."""
        if self.creep and self.layout not in FOLDED:
            raise fail(f"--creep applies to folded booklets ({', '.join(FOLDED)}), "
                       f"not to --layout {self.layout}")
        if self.creep > 2 * MM:
            raise fail(f"--creep is the thickness of one sheet of paper; {_mm(self.creep)} is too thick "
                       "(at most 2mm)")
        if self.bleed > 25 * MM:
            raise fail(f"--bleed {_mm(self.bleed)} is too large (at most 25mm)")
        if self.cover == "separate" and self.layout not in ("saddle", "perfect", "topbound"):
            raise fail(f"--cover separate applies to saddle, perfect and topbound, "
                       f"not to --layout {self.layout}")


def _mm(points: float) -> str:
    return f"{points / MM:g}mm"


def _choice(value: str, allowed: tuple[str, ...], option: str, fail) -> str:
    text = str(value).strip().lower()
    if text not in allowed:
        raise fail(f"{option}: {value!r} is not one of {', '.join(allowed)}")
    return text


def parse_length(value: str | float, option: str, fail) -> float:
    """``'0.1mm'``, ``'3 mm'``, ``'0.125in'``, ``'9pt'`` → points.  A bare number is refused."""
    if isinstance(value, (int, float)):
        points = float(value)
    else:
        match = _LENGTH.match(str(value))
        if not match:
            raise fail(f"{option}: {value!r} is not a length such as 3mm, 0.125in or 9pt")
        number, unit = match.groups()
        if unit is None:
            raise fail(f"{option}: {value!r} needs a unit: mm, cm, in or pt")
        if unit.lower() not in UNITS:
            raise fail(f"{option}: unknown unit {unit!r} (use mm, cm, in or pt)")
        points = float(number) * UNITS[unit.lower()]
    if points < 0:
        raise fail(f"{option}: a length cannot be negative")
    return points


def parse_sheet(value: str, fail) -> Sheet:
    """``A4``, ``letter`` … or ``WxH`` with a unit (``210x297mm``, ``11x17in``)."""
    text = value.strip()
    for name, (width, height) in SHEETS.items():
        if text.lower() == name.lower():
            return Sheet(name, width, height)
    match = _SIZE.match(text)
    if not match:
        raise fail(f"--sheet: {value!r} is not a paper size: use one of "
                   f"{', '.join(SHEETS)} or WxH with a unit, e.g. 210x297mm")
    w, w_unit, h, h_unit = match.groups()
    unit = (h_unit or w_unit)
    if unit is None:
        raise fail(f"--sheet: {value!r} needs a unit: mm, cm, in or pt (e.g. 210x297mm)")
    width = parse_length(f"{w}{w_unit or unit}", "--sheet", fail)
    height = parse_length(f"{h}{unit}", "--sheet", fail)
    if min(width, height) < 72 or max(width, height) > 14400:
        raise fail(f"--sheet: {value!r} is outside 1in to 200in")
    return Sheet(f"{float(w):g}×{float(h):g}{unit.lower()}", width, height)


def parse_signature(value: str | int | None, layout: str, fail) -> tuple[int, ...]:
    """``16`` or ``16-32`` → the candidate signature sizes (multiples of 4), largest first."""
    if value in (None, ""):
        return (16, 12, 8, 4) if layout == "perfect" else ()
    if layout != "perfect":
        raise fail(f"--signature applies to --layout perfect, not to --layout {layout}")
    match = _SIGNATURE.match(str(value))
    if not match:
        raise fail(f"--signature: {value!r} is not a page count (e.g. 16) or a range (e.g. 16-32)")
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else low
    if low > high:
        raise fail(f"--signature: range {value!r} goes downwards")
    if high > MAX_SIGNATURE:
        raise fail(f"--signature: at most {MAX_SIGNATURE} pages per signature")
    sizes = tuple(n for n in range(high, low - 1, -1) if n % 4 == 0 and n >= 4)
    if not sizes:
        what = "is not a multiple of 4" if low == high else "holds no multiple of 4"
        raise fail(f"--signature: {value} {what} (a folded sheet carries 4 pages)")
    return sizes
