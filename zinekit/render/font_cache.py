"""What zinekit learns from a theme's font files, kept between runs.

Reading a font's character map, checking its tables or its embedding permissions takes
fontTools (a tenth of a second to load) and a few hundredths of a second per face; a
theme has four faces or more, and they do not change from one edit to the next.  The
facts are kept in ``$XDG_CACHE_HOME/zinekit/font-facts.json`` (``~/.cache/zinekit/``),
each under the SHA-256 of the font file's bytes, so a changed file is read again and
nothing about where it lives is trusted.  A cache that cannot be read or written is
simply not used; an entry that is not what this version writes is read again.

The EPUB's generated cover, whose lettering is drawn from the theme's fonts, is kept the
same way (:func:`remembered_file`), under the digest of everything it is drawn from.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, TypeVar

from zinekit.filecache import user_cache

CACHE_VERSION = 1
MAX_FONTS = 256  # fonts kept; the oldest go first
MAX_FILES = 64  # covers kept
MAX_CACHE_BYTES = 16 * 1024 * 1024  # a larger file is not ours: ignored

T = TypeVar("T")

#: The cache as this process last read or wrote it (a check asks for several facts).
_read: dict[Path, dict[str, Any]] = {}


def cache_folder() -> Path:
    """Beside the build's other per-user files."""
    return user_cache()


def font_digest(path: str | os.PathLike[str]) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def remembered(path: str, name: str, read: Callable[[str], T],
               encode: Callable[[T], Any], decode: Callable[[Any], T | None]) -> T:
    """The fact ``name`` of the font at ``path``: from the cache, else ``read`` and kept.
    ``encode`` makes it JSON; ``decode`` reads it back, None for an entry it refuses."""
    key = font_digest(path)
    if key is None:
        return read(path)
    store = cache_folder() / "font-facts.json"
    fonts = _read[store] if store in _read else _load(store)
    _read[store] = fonts
    found_entry = fonts.get(key)
    entry: dict[str, Any] = found_entry if isinstance(found_entry, dict) else {}
    if name in entry and (found := decode(entry[name])) is not None:
        return found
    fact = read(path)
    fonts.pop(key, None)
    fonts[key] = {**entry, name: encode(fact)}
    _save(store, {"version": CACHE_VERSION, "fonts": dict(list(fonts.items())[-MAX_FONTS:])})
    return fact


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


def remembered_file(key: str, suffix: str, make: Callable[[], bytes]) -> bytes:
    """The bytes made from the inputs whose digest is ``key``: kept from an earlier
    run, else ``make()`` and kept (the last :data:`MAX_FILES` of them)."""
    folder = cache_folder() / "covers"
    path = folder / f"{key}{suffix}"
    try:
        if path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_CACHE_BYTES:
            return path.read_bytes()
    except OSError:
        pass
    data = make()
    _write(path, data)
    _prune(folder)
    return data


def _prune(folder: Path) -> None:
    try:
        kept = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[MAX_FILES:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _save(store: Path, data: dict[str, Any]) -> None:
    _write(store, json.dumps(data).encode("utf-8"))


def _write(path: Path, data: bytes) -> None:
    """Write the file whole (a temporary file renamed over it), or not at all."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".zinekit-cache-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


# --- code points as ranges ----------------------------------------------------------------


def ranges(points: frozenset[int]) -> list[list[int]]:
    """``{65, 66, 67, 97}`` → ``[[65, 67], [97, 97]]``."""
    found: list[list[int]] = []
    for point in sorted(points):
        if found and found[-1][1] == point - 1:
            found[-1][1] = point
        else:
            found.append([point, point])
    return found


def points(value: Any) -> frozenset[int] | None:
    """:func:`ranges` read back; None for anything else."""
    if not isinstance(value, list):
        return None
    covered: set[int] = set()
    for pair in value:
        if not (isinstance(pair, list) and len(pair) == 2 and all(type(v) is int for v in pair)
                and 0 <= pair[0] <= pair[1] <= 0x10FFFF):
            return None
        covered.update(range(pair[0], pair[1] + 1))
    return frozenset(covered)
