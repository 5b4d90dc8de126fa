"""Atomic output: a file appears whole or not at all.

Every output is written to a temporary file beside its destination and renamed over it
only when complete, so an interrupted or failed build never leaves a broken file where a
good one was.  Temporary names start with ``.zinekit-tmp-`` so a later run can sweep
any that a killed process left behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path
from typing import Iterator

TEMP_PREFIX = ".zinekit-tmp-"
STALE_AFTER_SECONDS = 3600


@contextlib.contextmanager
def atomic_path(destination: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write; rename it to ``destination`` on success."""
    dest = Path(destination)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=dest.suffix, dir=dest.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def write_bytes(destination: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``destination`` atomically."""
    with atomic_path(destination) as tmp:
        tmp.write_bytes(data)


def write_text(destination: str | os.PathLike[str], text: str) -> None:
    write_bytes(destination, text.encode("utf-8"))


def sweep_stale_temporaries(folder: str | os.PathLike[str]) -> int:
    """Remove temporaries that a killed build left behind; return how many."""
    removed = 0
    now = time.time()
    root = Path(folder)
    if not root.is_dir():
        return 0
    for tmp in root.rglob(TEMP_PREFIX + "*"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > STALE_AFTER_SECONDS:
                tmp.unlink()
                removed += 1
    return removed
