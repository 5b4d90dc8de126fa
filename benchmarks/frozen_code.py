"""A frozen copy of zinekit for benchmarks that run builds in fresh processes."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def snapshot_code(folder: Path) -> dict[str, str]:
    """Copy zinekit (and its built-in themes) into ``folder`` and return the environment
    that runs that copy: the measured builds then run the same code from start to end,
    even if the working tree changes meanwhile (reuse compares zinekit's code too).
    The builds run in ``folder``, so that the working tree is not on ``sys.path``."""
    target = folder / "code" / "zinekit"
    shutil.copytree(REPO / "zinekit", target, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "themes", target / "themes")
    return {"PYTHONPATH": str(folder / "code")}
