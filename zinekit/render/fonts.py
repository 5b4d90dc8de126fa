"""Which characters no available font can draw.

The theme's own fonts are read with fontTools; the machine's fonts are asked of
fontconfig once (``fc-list`` prints each font's character ranges).  A character none of
them covers would print as an empty box: the build warns where it first appears.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError

from zinekit.errors import Diagnostics
from zinekit.model import Issue

IGNORED_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp", "Co", "Cn"}


@lru_cache(maxsize=64)
def font_file_coverage(path: str) -> frozenset[int]:
    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            return frozenset(font.getBestCmap() or {})
    except (TTLibError, OSError, AssertionError):
        return frozenset()


@lru_cache(maxsize=1)
def system_coverage() -> frozenset[int]:
    """Every code point some installed font covers, from fontconfig."""
    if not shutil.which("fc-list"):
        return frozenset()
    try:
        output = subprocess.run(["fc-list", "--format", "%{charset}\n"], capture_output=True,
                                text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    covered: set[int] = set()
    for line in output.splitlines():
        for part in line.split():
            lo, _, hi = part.partition("-")
            try:
                start, end = int(lo, 16), int(hi or lo, 16)
            except ValueError:
                continue
            covered.update(range(start, end + 1))
    return frozenset(covered)


def uncovered_characters(text: str, font_files: list[Path]) -> list[str]:
    """Characters of ``text`` that neither the theme's fonts nor the system's cover."""
    wanted = {ch for ch in set(text) if unicodedata.category(ch) not in IGNORED_CATEGORIES}
    if not wanted:
        return []
    covered: set[int] = set()
    for font in font_files:
        covered |= font_file_coverage(str(font))
    missing = [ch for ch in wanted if ord(ch) not in covered]
    if not missing:
        return []
    system = system_coverage()
    if not system:  # fontconfig could not tell us: do not guess
        return []
    return sorted(ch for ch in missing if ord(ch) not in system)


def check_font_coverage(issue: Issue, font_files: list[Path], diagnostics: Diagnostics) -> None:
    """Warn, at its first place in the sources, about each run of undrawable characters."""
    for article in issue.articles:
        lines = article.lines
        missing = uncovered_characters("\n".join(lines), font_files)
        if not missing:
            continue
        remaining = set(missing)
        for number, line in enumerate(lines, start=1):
            here = [ch for ch in dict.fromkeys(line) if ch in remaining]
            if not here:
                continue
            col = min(line.index(ch) for ch in here) + 1
            names = ", ".join(f"U+{ord(ch):04X}" for ch in here[:6])
            more = f" and {len(here) - 6} more" if len(here) > 6 else ""
            diagnostics.warning(f"no available font has {''.join(here[:12])!r} ({names}{more}); "
                                "these characters would print as empty boxes — install a font "
                                "that covers them (e.g. fonts-noto-cjk)", str(article.path),
                                number, col)
            remaining -= set(here)
            if not remaining:
                break
