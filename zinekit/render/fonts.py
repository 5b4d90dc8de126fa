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

from zinekit.config import Settings
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


#: Front-matter keys whose values print (title page, heads, contents, colophon, covers).
PRINTED_KEYS = ("title", "subtitle", "series", "season", "date", "authors", "editors",
                "license", "contact", "description", "source")


def check_font_coverage(issue: Issue, font_files: list[Path], diagnostics: Diagnostics) -> None:
    """Warn, at its first place in the sources, about each run of undrawable characters:
    in the text of each file, and in each printed front-matter value at its key's line."""
    for meta in _front_matters(issue):
        _check_front_matter(meta, font_files, diagnostics)
    checked: set[Path] = set()
    for article in issue.articles:
        if article.path in checked:  # the chapters of a book in one file share its lines
            continue
        checked.add(article.path)
        _check_lines(article.lines, 1, str(article.path), font_files, diagnostics)


def _front_matters(issue: Issue) -> list[Settings]:
    found = [issue.meta]
    for article in issue.articles:
        if not article.chapter and not article.is_intro and article.meta.path:
            found.append(article.meta)
    return found


def _check_front_matter(meta: Settings, font_files: list[Path], diagnostics: Diagnostics) -> None:
    """Each printed value's characters, located in the file at or below its key's line."""
    values = {key: meta.explicit(key) for key in PRINTED_KEYS if meta.explicit(key)}
    text = "\n".join(" ".join(map(str, v)) if isinstance(v, list) else str(v)
                     for v in values.values())
    if not meta.path or not uncovered_characters(text, font_files):
        return
    try:
        lines = Path(meta.path).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return
    starts = sorted(meta.line_of(key) for key in values if meta.line_of(key))
    starts.append(_front_matter_end(lines, max(starts, default=1)))
    for key in values:
        first = meta.line_of(key)
        if not first:
            continue
        last = next(n - 1 for n in starts if n > first)
        _check_lines(lines[first - 1:last], first, meta.path, font_files, diagnostics,
                     f" in the front matter's {key!r}")


def _front_matter_end(lines: list[str], after: int) -> int:
    """The 1-based line of the ``---`` (or ``...``) closing the front matter."""
    for number in range(after + 1, len(lines) + 1):
        if lines[number - 1].rstrip() in ("---", "..."):
            return number
    return len(lines) + 1


def _check_lines(lines: list[str], first: int, path: str, font_files: list[Path],
                 diagnostics: Diagnostics, where: str = "") -> None:
    missing = uncovered_characters("\n".join(lines), font_files)
    remaining = set(missing)
    for number, line in enumerate(lines, start=first):
        if not remaining:
            break
        here = [ch for ch in dict.fromkeys(line) if ch in remaining]
        if not here:
            continue
        col = min(line.index(ch) for ch in here) + 1
        names = ", ".join(f"U+{ord(ch):04X}" for ch in here[:6])
        more = f" and {len(here) - 6} more" if len(here) > 6 else ""
        diagnostics.warning(f"no available font has {''.join(here[:12])!r} ({names}{more})"
                            f"{where}; these characters would print as empty boxes — install "
                            "a font that covers them (e.g. fonts-noto-cjk, see docs/themes.md)",
                            path, number, col)
        remaining -= set(here)
