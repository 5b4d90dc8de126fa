"""What each font file covers, kept between runs: a check after an edit reads no font.

Reading a font's character map and checking its tables takes fontTools (a tenth of a
second to load) and a few hundredths of a second per face; a theme has four faces or
more, and they do not change from one edit to the next.  The facts are kept in
``$XDG_CACHE_HOME/zinekit/font-facts.json`` (``~/.cache/zinekit/``), each under the
SHA-256 of the font file's bytes, so a changed file is read again and nothing about
where it lives is trusted.  A cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

CACHE_VERSION = 1
MAX_FONTS = 256  # faces kept; the oldest go first
MAX_CACHE_BYTES = 16 * 1024 * 1024  # a larger file is not ours: ignored


@dataclass(frozen=True)
class FontFacts:
    problem: str | None  # why the font cannot be used, or None
    coverage: frozenset[int]  # the code points it maps to a glyph


def cache_file() -> Path:
    """Where the facts are kept, beside the build's other per-user files."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zinekit"
    return cache / "font-facts.json"


def cached_facts(path: str, read: Callable[[str], FontFacts]) -> FontFacts:
    """The facts of the font at ``path``: from the cache, else ``read`` and kept."""
    try:
        key = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return read(path)
    store = cache_file()
    fonts = _load(store)
    found = _facts(fonts.get(key))
    if found is not None:
        return found
    facts = read(path)
    fonts.pop(key, None)
    fonts[key] = {"problem": facts.problem, "ranges": _ranges(facts.coverage)}
    _save(store, dict(list(fonts.items())[-MAX_FONTS:]))
    return facts


def _load(store: Path) -> dict[str, Any]:
    try:
        if store.stat().st_size > MAX_CACHE_BYTES:
            return {}
        data = json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    fonts = data.get("fonts")
    return fonts if isinstance(fonts, dict) else {}


def _facts(entry: Any) -> FontFacts | None:
    """An entry read back, or None when it is not one this version wrote."""
    if not isinstance(entry, dict):
        return None
    problem, ranges = entry.get("problem"), entry.get("ranges")
    if not (problem is None or isinstance(problem, str)) or not isinstance(ranges, list):
        return None
    covered: set[int] = set()
    for pair in ranges:
        if not (isinstance(pair, list) and len(pair) == 2 and all(type(v) is int for v in pair)
                and 0 <= pair[0] <= pair[1] <= 0x10FFFF):
            return None
        covered.update(range(pair[0], pair[1] + 1))
    return FontFacts(problem, frozenset(covered))


def _ranges(points: frozenset[int]) -> list[list[int]]:
    """``{65, 66, 67, 97}`` → ``[[65, 67], [97, 97]]``."""
    ranges: list[list[int]] = []
    for point in sorted(points):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return ranges


def _save(store: Path, fonts: dict[str, Any]) -> None:
    """Write the cache whole (a temporary file renamed over it), or not at all."""
    temporary = None
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=store.parent, prefix=".font-facts-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"version": CACHE_VERSION, "fonts": fonts}, out)
        os.replace(temporary, store)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
