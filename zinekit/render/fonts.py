"""Which characters no available font can draw.

The theme's own fonts are read with fontTools; the machine's fonts are asked of
fontconfig once (``fc-list`` prints each font's character ranges).  A character none of
them covers would print as an empty box: the build warns where it first appears.

Two more font problems WeasyPrint passes over in silence are reported here: a theme font
file that cannot be read (an error naming the file), and a ``font-family`` the theme
declares no ``@font-face`` for and the machine lacks (a warning at its line in the
stylesheet), whose text would be set in a fallback font such as DejaVu.

What a font file covers, and whether it can be read, is kept between runs in the user's
cache folder, under the digest of the file's bytes (:mod:`zinekit.render.font_cache`):
``zinekit check`` after an edit reads no font again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import tinycss2

from zinekit.config import Settings
from zinekit.errors import Diagnostics
from zinekit.model import Issue
from zinekit.render.font_cache import points, ranges, remembered

IGNORED_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp", "Co", "Cn"}


@lru_cache(maxsize=64)
def font_file_coverage(path: str) -> frozenset[int]:
    """The code points the font file at ``path`` maps to a glyph (none if damaged)."""
    return remembered(path, "coverage", _read_coverage, ranges, points)


@lru_cache(maxsize=64)
def font_problem(path: str) -> str | None:
    """Why the font file at ``path`` cannot be used (damaged, or not a font), or None."""
    return remembered(path, "problem", _read_problem, lambda p: [p], _one_text) or None


def _one_text(value: object) -> str | None:
    """``[problem]`` read back: the problem, or "" for none (None: not an entry)."""
    if isinstance(value, list) and len(value) == 1 and (value[0] is None or isinstance(value[0], str)):
        return value[0] or ""
    return None


def _read_coverage(path: str) -> frozenset[int]:
    """Open the font with fontTools (loaded here: only for a font not seen before)."""
    if font_problem(path):
        return frozenset()
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap() or {})


def _read_problem(path: str) -> str | None:
    """Why the font file at ``path`` cannot be used (damaged, or not a font), or None:
    the tables a layout and the EPUB cover's lettering read are read once here."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, fontNumber=0) as font:
            cmap = font.getBestCmap()
            if not cmap:
                return "it maps no character to a glyph"
            font["head"].unitsPerEm, font["hmtx"].metrics  # noqa: B018 - read, to check
            glyphs = font.getGlyphSet()
            for name in list(dict.fromkeys(cmap.values()))[:64]:
                glyphs[name].draw(_NullPen())
    except Exception as exc:  # fontTools raises anything from a damaged table
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return None


class _NullPen:
    """Draws nothing: a glyph's outline is only read."""

    def moveTo(self, pt) -> None: ...  # noqa: N802 - fontTools' pen protocol
    def lineTo(self, pt) -> None: ...  # noqa: N802
    def curveTo(self, *pts) -> None: ...  # noqa: N802
    def qCurveTo(self, *pts) -> None: ...  # noqa: N802
    def closePath(self) -> None: ...  # noqa: N802
    def endPath(self) -> None: ...  # noqa: N802
    def addComponent(self, name, transform) -> None: ...  # noqa: N802


def check_theme_fonts(font_files: list[Path], diagnostics: Diagnostics) -> None:
    """An error naming each font file of the theme that cannot be read (WeasyPrint
    would draw its text in another font without a word)."""
    for font in font_files:
        problem = font_problem(str(font))
        if problem is not None:
            diagnostics.error(f"font file cannot be read (damaged, or not a font): {problem}",
                              str(font))


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
    in the text of each file, and in each printed front-matter value at its key's line.
    A damaged font file is an error first (:func:`check_theme_fonts`)."""
    check_theme_fonts(font_files, diagnostics)
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


# --- font families a stylesheet names ---------------------------------------------------

#: CSS's generic families and keywords: always there, they name no font of their own.
GENERIC_FAMILIES = frozenset({
    "serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "emoji", "math",
    "fangsong", "ui-serif", "ui-sans-serif", "ui-monospace", "ui-rounded", "inherit",
    "initial", "unset", "revert", "revert-layer"})
_NESTED_RULES = ("media", "supports", "document", "layer", "container")


@lru_cache(maxsize=1)
def system_families() -> frozenset[str] | None:
    """Every font family fontconfig knows (case folded); None if it cannot tell."""
    if not shutil.which("fc-list"):
        return None
    try:
        output = subprocess.run(["fc-list", "--format", "%{family}\n"], capture_output=True,
                                text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return frozenset(name.strip().casefold() for line in output.splitlines()
                     for name in line.split(",") if name.strip())


def check_font_families(stylesheets: list[Path], diagnostics: Diagnostics) -> None:
    """A warning, at its first ``font-family``, for each stack none of whose fonts the
    theme declares (``@font-face``) or the machine has: WeasyPrint would set that text
    in a fallback font (DejaVu, most often) without a word."""
    installed = system_families()
    if installed is None:  # fontconfig could not tell us: do not guess
        return
    sheets = [(path, _rules(path)) for path in stylesheets]
    declared = {family for _, rules in sheets for family in _font_faces(rules)}
    warned: set[str] = set()
    for path, rules in sheets:
        for declaration in _declarations(rules, "font-family"):
            stack = _families(declaration.value)
            named = [f for f in stack if f.casefold() not in GENERIC_FAMILIES]
            if not named or any(f.casefold() in declared | installed for f in named):
                continue
            key = ", ".join(named)
            if key in warned:
                continue
            warned.add(key)
            shown = ", ".join(f'"{family}"' for family in named)
            diagnostics.warning(
                f"font-family {shown}: not in the theme (no @font-face names it) and not "
                f"installed on this machine; the text is set in {_fallback(stack)} instead "
                "(add the font to the theme's fonts/ with an @font-face rule, or install it)",
                str(path), declaration.source_line, declaration.source_column)


def _fallback(stack: list[str]) -> str:
    generic = next((f for f in stack if f.casefold() in GENERIC_FAMILIES), None)
    return f"the machine's {generic} font" if generic else "the machine's default font"


def _rules(path: Path) -> list:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)


def _declarations(rules: list, name: str):
    """Every declaration ``name`` in ``rules``, inside @media, @page and the like too."""
    for rule in rules:
        if rule.type == "qualified-rule" or (rule.type == "at-rule" and rule.content
                                             and rule.lower_at_keyword not in _NESTED_RULES):
            items = tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                   skip_whitespace=True)
        elif rule.type == "at-rule" and rule.content:
            items = tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                             skip_whitespace=True)
        else:
            continue
        for item in items:
            if item.type == "declaration" and item.lower_name == name:
                yield item
        yield from _declarations([i for i in items if i.type in ("qualified-rule", "at-rule")],
                                 name)


def _font_faces(rules: list) -> set[str]:
    """The families the stylesheets' ``@font-face`` rules declare (case folded)."""
    faces = [r for r in rules if r.type == "at-rule" and r.lower_at_keyword == "font-face"]
    return {family.casefold() for face in faces
            for declaration in _declarations([face], "font-family")
            for family in _families(declaration.value)}


def _families(tokens: list) -> list[str]:
    """``"Linux Libertine", Georgia Pro, serif`` → the three names."""
    families: list[str] = []
    words: list[str] = []
    for token in [*tokens, None]:
        if token is None or (token.type == "literal" and token.value == ","):
            if words:
                families.append(" ".join(words))
            words = []
        elif token.type in ("string", "ident"):
            words.append(token.value)
    return families


#: The environment variable fontTools stamps the font subsets WeasyPrint embeds with
#: (their ``head`` table's modification time): the one reader of the build's source
#: date that is not zinekit's own.
SOURCE_DATE_VARIABLE = "SOURCE_DATE_EPOCH"


@contextlib.contextmanager
def fonts_dated(epoch: str | None) -> Iterator[None]:
    """Embedded fonts stamped with the build's ``epoch`` while the block runs.  Where
    the build started (and in the local worker processes, which inherit its
    environment) the variable already says so and nothing is touched; only a cluster
    worker started elsewhere sets it, for the render's duration."""
    if epoch is None or os.environ.get(SOURCE_DATE_VARIABLE) == epoch:
        yield
        return
    saved = os.environ.get(SOURCE_DATE_VARIABLE)
    os.environ[SOURCE_DATE_VARIABLE] = epoch
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(SOURCE_DATE_VARIABLE, None)
        else:
            os.environ[SOURCE_DATE_VARIABLE] = saved
