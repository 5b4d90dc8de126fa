"""Imposition options: parse what the command line gives (strings) into checked values.

Lengths are kept in PDF points (1 pt = 1/72 in).  Every bad value raises
:class:`~zinekit.errors.ImposeError` naming the option, so ``zinekit impose`` prints
``source.pdf: error: --creep: ...`` and exits 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Optional

from zinekit.errors import ImposeError
from zinekit.impose.plan import BLANK_POLICIES
from zinekit.impose.registry import LAYOUTS, NAMES, taking

MM = 72 / 25.4
UNITS: Mapping[str, float] = {"pt": 1.0, "mm": MM, "cm": 10 * MM, "in": 72.0}

#: Standard sheets, portrait (width, height) in points.  SRA3/SRA4 are the press
#: sheets a little larger than A3/A4 (room for bleed and marks); tabloid-extra (12 × 18 in)
#: is the same for tabloid.
SHEETS: Mapping[str, tuple[float, float]] = {
    "A7": (74 * MM, 105 * MM), "A6": (105 * MM, 148 * MM), "A5": (148 * MM, 210 * MM),
    "A4": (210 * MM, 297 * MM), "A3": (297 * MM, 420 * MM), "A2": (420 * MM, 594 * MM),
    "A1": (594 * MM, 841 * MM), "A0": (841 * MM, 1189 * MM),
    "half-letter": (396.0, 612.0), "letter": (612.0, 792.0), "legal": (612.0, 1008.0),
    "tabloid": (792.0, 1224.0), "tabloid-extra": (864.0, 1296.0),
    "SRA4": (225 * MM, 320 * MM), "SRA3": (320 * MM, 450 * MM),
}

#: --duplex: the printer turns the sheet (auto), the person does (manual: a fronts file
#: and a backs file), or nothing is printed on the backs (none).
DUPLEX = ("auto", "manual", "none")

MAX_PAGES = 20_000
MAX_SIGNATURE = 128
MAX_FLYLEAVES = 20

_NUMBER = r"(\d+(?:\.\d*)?|\.\d+)"
_LENGTH = re.compile(rf"^\s*{_NUMBER}\s*([a-z]+)?\s*$", re.I)
_SIZE = re.compile(rf"^\s*{_NUMBER}\s*([a-z]+)?\s*[x×*]\s*{_NUMBER}\s*([a-z]+)?\s*$", re.I)
_SIGNATURE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")
_RANGE = re.compile(r"^\s*(\d+)\s*(?:(-)\s*(\d+)?\s*)?$")

PageRange = tuple[int, Optional[int]]  # 1-based first and last page; None = to the end


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
    binding: str = "ltr"  # or "rtl": spine on the right
    pages: tuple[PageRange, ...] = ()  # --pages; () = every page
    flyleaves: int = 0  # blank leaves inside each cover
    binding_margin: float = 0.0  # stab: strip added on the stitched edge, pt
    up: int = 1  # perfect: signatures side by side on one sheet
    grain: str | None = None  # up 2: the paper's grain runs along the sheet's long/short edge
    duplex: str = "auto"  # auto (the printer turns the sheet), manual, none (single-sided)
    blank_back: bool = False  # a blank page added after the last, as the back cover (the build's)

    @classmethod
    def parse(cls, *, layout: str = "saddle", signature: str | int | None = None,
              sheet: str | None = None, creep: str | float | None = None,
              bleed: str | float | None = None, marks: bool = False, flip: str | None = None,
              cover: str = "included", blanks: str = "before-back", binding: str | None = None,
              pages: str | None = None, flyleaves: int | str | None = None,
              binding_margin: str | float | None = None, up: int | str | None = None,
              grain: str | None = None, duplex: str | None = None,
              path: str | None = None) -> ImposeOptions:
        """Options as the command line gives them (strings), checked; ``path`` names the source."""

        def fail(message: str) -> ImposeError:
            return ImposeError(message, path=path)

        layout = _choice(layout, NAMES, "--layout", fail)
        duplex = _choice(duplex or "auto", DUPLEX, "--duplex", fail)
        options = cls(
            layout=layout,
            signatures=parse_signature(signature, layout, fail),
            sheet=parse_sheet(sheet, fail) if sheet else None,
            creep=_length(creep, "--creep", fail),
            bleed=_length(bleed, "--bleed", fail),
            marks=bool(marks),
            flip=_choice(flip or ("long" if duplex == "manual" else "short"), ("short", "long"), "--flip", fail),
            cover=_choice(cover, ("included", "separate"), "--cover", fail),
            blanks=_choice(blanks, BLANK_POLICIES, "--blanks", fail),
            binding=_choice(binding or "ltr", ("ltr", "rtl"), "--binding", fail),
            pages=parse_pages(pages, fail),
            flyleaves=_count(flyleaves, "--flyleaves", MAX_FLYLEAVES, fail),
            binding_margin=_length(binding_margin, "--binding-margin", fail),
            up=_count(up, "--up", 2, fail) or 1,
            grain=_choice(grain, ("long", "short"), "--grain", fail) if grain else None,
            duplex=duplex,
        )
        options.check(fail)
        return options

    def used(self) -> dict[str, str]:
        """The layout-specific options given, by name, each with its flag as shown."""
        given = {
            "creep": bool(self.creep), "cover": self.cover == "separate",
            "blanks": self.blanks != "before-back", "binding": self.binding == "rtl",
            "flyleaves": bool(self.flyleaves), "binding-margin": bool(self.binding_margin),
            "up": self.up != 1, "grain": self.grain is not None,
            "duplex-manual": self.duplex == "manual", "single-sided": self.duplex == "none",
        }
        flags = {"cover": "--cover separate", "binding": "--binding rtl", "blanks": f"--blanks {self.blanks}",
                 "duplex-manual": "--duplex manual", "single-sided": "--duplex none"}
        return {name: flags.get(name, f"--{name}") for name, on in given.items() if on}

    def check(self, fail) -> None:
        """Refuse combinations that mean nothing for the chosen layout, and extreme values."""
        layout = LAYOUTS[self.layout]
        for option, flag in self.used().items():
            if not layout.takes(option):
                raise fail(f"{flag} applies to {_scope(option)}, not to --layout {self.layout}")
        if self.grain and self.up != 2:
            raise fail("--grain chooses how two signatures share a sheet; it applies with --up 2")
        if self.creep > 2 * MM:
            raise fail(f"--creep is the thickness of one sheet of paper; {_mm(self.creep)} is too thick "
                       "(at most 2mm)")
        if self.bleed > 25 * MM:
            raise fail(f"--bleed {_mm(self.bleed)} is too large (at most 25mm)")
        if self.binding_margin > 50 * MM:
            raise fail(f"--binding-margin {_mm(self.binding_margin)} is too large (at most 50mm)")


def _scope(option: str) -> str:
    """Which layouts an option applies to, as the refusal says it."""
    names = taking(option)
    if option == "creep":
        return f"folded booklets ({', '.join(names)})"
    if len(names) == 1:
        return f"--layout {names[0]}"
    return ", ".join(names[:-1]) + " and " + names[-1]


def _mm(points: float) -> str:
    return f"{points / MM:g}mm"


def _choice(value: str, allowed: tuple[str, ...], option: str, fail) -> str:
    text = str(value).strip().lower()
    if text not in allowed:
        raise fail(f"{option}: {value!r} is not one of {', '.join(allowed)}")
    return text


def _length(value: str | float | None, option: str, fail) -> float:
    return 0.0 if value in (None, "") else parse_length(value, option, fail)


def _count(value: int | str | None, option: str, most: int, fail) -> int:
    """A whole number from 0 to ``most`` (``None`` is 0)."""
    if value in (None, ""):
        return 0
    text = str(value).strip()
    if not text.isdigit():
        raise fail(f"{option}: {value!r} is not a whole number")
    if int(text) > most:
        raise fail(f"{option}: at most {most}")
    return int(text)


def parse_pages(value: str | None, fail) -> tuple[PageRange, ...]:
    """``3-18,21`` → ((3, 18), (21, 21)); ``9-`` runs to the last page; ``18-3`` backwards."""
    if value in (None, ""):
        return ()
    ranges = []
    for part in str(value).split(","):
        match = _RANGE.match(part)
        if not match:
            raise fail(f"--pages: {part.strip()!r} is not a page or a range such as 3-18 "
                       "(give pages as 3-18,21)")
        first, dash, last = match.groups()
        if int(first) < 1 or (last is not None and int(last) < 1):
            raise fail("--pages: pages are numbered from 1")
        end = int(last) if last is not None else (None if dash else int(first))
        ranges.append((int(first), end))
    return tuple(ranges)


def resolve_pages(ranges: tuple[PageRange, ...], count: int, fail) -> tuple[int, ...]:
    """The 0-based source pages ``ranges`` name, in order; each at most once."""
    if not ranges:
        return tuple(range(count))
    chosen: list[int] = []
    for first, last in ranges:
        last = count if last is None else last
        for number in (first, last):
            if number > count:
                raise fail(f"--pages: page {number} is beyond the last page ({count})")
        step = 1 if last >= first else -1
        chosen += range(first - 1, last - 1 + step, step)
    seen: set[int] = set()
    for page in chosen:
        if page in seen:
            raise fail(f"--pages: page {page + 1} is chosen twice")
        seen.add(page)
    return tuple(chosen)


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
