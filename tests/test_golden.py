"""The example series' web pages, byte for byte (as Pelican tests its output).

The bundled example is built as an editor builds it (``zinekit build examples/ember-tide
--format html``, ``SOURCE_DATE_EPOCH`` set) and every HTML page it writes is compared
with the copy kept in ``tests/golden/ember-tide``.  A change to the pipeline that moves
a single character of what a reader gets shows here as a diff; a change meant to do so
updates the copies:

    ZINEKIT_GOLDEN=update python -m pytest tests/test_golden.py

and the diff of ``tests/golden`` is reviewed with the change.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

GOLDEN = REPO / "tests" / "golden" / "ember-tide"
EPOCH = "1767225600"  # 2026-01-01


def _pages(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*.html")) if ".zinekit" not in p.parts}


def test_example_series_web_pages_match_their_golden_copies(tmp_path):
    out = tmp_path / "dist"
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    done = subprocess.run([sys.executable, "-m", "zinekit", "build", str(REPO / "examples" / "ember-tide"),
                           "--format", "html", "--out", str(out), "-q"],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    built = _pages(out)
    if os.environ.get("ZINEKIT_GOLDEN") == "update":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, text in built.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text, encoding="utf-8")
    kept = _pages(GOLDEN)
    assert sorted(built) == sorted(kept)
    for name in kept:
        if built[name] != kept[name]:
            diff = "".join(difflib.unified_diff(kept[name].splitlines(True), built[name].splitlines(True),
                                                f"golden/{name}", f"built/{name}", n=2))
            raise AssertionError(f"{name} differs from its golden copy:\n{diff[:6000]}")
