"""File names in two Unicode normalisations.

``café`` may be written with one character for ``é`` (NFC, as most keyboards type it)
or with ``e`` and a combining accent (NFD, as macOS writes file names).  The two look
the same and are different names on most file systems.  So:

- every name zinekit makes for an output (``-o``, ``--out``, an article imported into a
  folder issue) is NFC: one text gives one output name, however it was typed; folders
  that already exist are kept as they are named on disk;
- a file the text names (an image, a cover) is found under whichever of the two forms
  it has on disk: the Markdown is read as NFC, the file may be named NFD.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def output_path(path: Path) -> Path:
    """``path`` with its file name, and every folder on the way not made yet, in NFC;
    a folder that exists keeps the name it has (in whichever form it was named)."""
    kept, names = _start(path)
    for index, name in enumerate(names[:-1]):
        found = _existing_form(kept, name)
        if found is None:
            return kept.joinpath(*(nfc(n) for n in names[index:]))
        kept = kept / found
    return kept / nfc(names[-1]) if names else path


def existing_path(path: Path) -> Path:
    """``path`` as it is named on disk when only another normalisation of some of its
    names is there (an image named NFD, written NFC in the Markdown); else ``path``."""
    if os.path.lexists(path):
        return path
    found, names = _start(path)
    for name in names:
        form = _existing_form(found, name)
        if form is None:
            return path
        found = found / form
    return found


def _start(path: Path) -> tuple[Path, tuple[str, ...]]:
    """The anchor of ``path`` (``/`` or nothing) and the names after it."""
    if path.anchor:
        return Path(path.anchor), path.parts[1:]
    return Path(), path.parts


def _existing_form(folder: Path, name: str) -> str | None:
    """``name`` as found in ``folder``: as written, in NFC or in NFD; None if none is."""
    for form in dict.fromkeys((name, nfc(name), unicodedata.normalize("NFD", name))):
        if os.path.lexists(folder / form):
            return form
    return None
