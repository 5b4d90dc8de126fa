"""What is worked out from a file, kept while the file stays the same.

A library build reads the same theme manifests, stylesheets, back-issue PDFs and
sources once per issue; each is worked out again only when its size or modification
time changes.  One :class:`FileCache` per kind of result.

What is kept between runs lives in this user's cache folder (:func:`user_cache`), never
in the outputs: a stamp holds file times, which no two builds share.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class FileCache(Generic[T]):
    """``compute(path)`` for a file, remembered while its size and mtime stay the same
    (the latest version of each file only).  What ``compute`` raises is not kept."""

    def __init__(self, compute: Callable[[str], T]) -> None:
        self.compute = compute
        self.known: dict[str, tuple[int, int, T]] = {}

    def get(self, path: str | os.PathLike[str]) -> T:
        key = os.path.realpath(path)
        stat = os.stat(key)
        known = self.known.get(key)
        if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
            return known[2]
        value = self.compute(key)
        self.known[key] = (stat.st_mtime_ns, stat.st_size, value)
        return value

    def clear(self) -> None:
        self.known.clear()


def user_cache() -> Path:
    """This user's zinekit cache folder: ``$XDG_CACHE_HOME/zinekit`` (``~/.cache/zinekit``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zinekit"


def stamp_path(kind: str, folder: str | os.PathLike[str]) -> Path:
    """Where the stamp of ``kind`` for an output ``folder`` is kept: in the user's cache,
    named by the folder's real path."""
    real = os.path.realpath(folder).encode("utf-8", "surrogateescape")
    return user_cache() / kind / f"{hashlib.sha256(real).hexdigest()[:32]}.json"


def write_stamp(path: Path, text: str) -> None:
    """Write a stamp whole (a reader sees the old one or the new); a cache that cannot be
    written only costs the next build its shortcut."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass


def stats_of(folder: Path, names: list[str]) -> dict[str, list[int]]:
    """``{name: [size, mtime_ns]}`` of files under ``folder`` (a missing one is left out):
    a stamp kept outside the outputs checks by them that the files are still those it
    wrote, not a copy put back."""
    found: dict[str, list[int]] = {}
    for name in names:
        try:
            stat = os.stat(folder / name)
        except OSError:
            continue
        found[name] = [stat.st_size, stat.st_mtime_ns]
    return found
