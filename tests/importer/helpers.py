"""Shared helpers for the import tests: where the seeds are, words of a text."""

from __future__ import annotations

import os
import re
from pathlib import Path

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
CORPUS = HERE / "corpus"
REPO = HERE.parent.parent


def seeds_folder() -> Path | None:
    """The shared seed texts, if this checkout has them beside it."""
    for candidate in (os.environ.get("ZINEKIT_SEEDS"), REPO.parent / "shared" / "seeds",
                      Path("/work/shared/seeds")):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def seed(prefix: str) -> Path | None:
    folder = seeds_folder()
    found = sorted(folder.glob(prefix + "_*.txt")) if folder else []
    return found[0] if found else None


def words(text: str) -> list[str]:
    """The words of a text: runs of letters (numbers and note markers are not words)."""
    return re.findall(r"[^\W\d_⁰¹²³⁴⁵⁶⁷⁸⁹]+", text)


def missing_words(source: str, *outputs: str) -> list[str]:
    """Words of ``source`` found in none of ``outputs`` (counted with repeats)."""
    from collections import Counter

    have = Counter(w for out in outputs for w in words(out))
    need = Counter(words(source))
    return sorted((need - have).elements())
