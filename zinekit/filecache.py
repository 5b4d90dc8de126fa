"""What is worked out from a file, kept while the file stays the same.

A library build reads the same theme manifests, stylesheets, back-issue PDFs and
sources once per issue; each is worked out again only when its size or modification
time changes.  One :class:`FileCache` per kind of result.
"""

from __future__ import annotations

import os
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
