"""Every benchmark runs, at a size that takes seconds, so none can rot unseen.

A benchmark is a script a maintainer runs by hand (docs/performance.md); it calls into
zinekit's stages, and a stage that is renamed breaks it without any other test noticing.
Here each one is run as a maintainer runs it, in a new process, with the arguments of
:data:`SMOKE` (a benchmark that takes ``--smoke`` is run with it).  A new benchmark must
be added to the table or take ``--smoke``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

BENCHMARKS = REPO / "benchmarks"

#: The arguments that make each benchmark small.  ``None``: run with ``--smoke``.
SMOKE: dict[str, list[str] | None] = {
    "bench_anthology.py": ["--articles", "2", "--paragraphs", "3", "--formats", "pdf"],
    "bench_build.py": ["--paragraphs", "20", "--repeat", "1"],
    "bench_cluster.py": ["--formats", "epub", "--smoke"],
    "bench_covers.py": ["--repeat", "1", "--smoke"],
    "bench_hostile.py": ["--small", "200", "--large", "400", "--timeout", "20"],
    "bench_import.py": ["--megabytes", "0.02", "--repeat", "1", "--notes", "20"],
    "bench_impose.py": ["--pages", "16", "--repeat", "1"],
    "bench_impose_large.py": ["--pages", "16", "--image-kb", "4"],
    "bench_layouts.py": ["--pages", "1", "--repeat", "1"],
    "bench_notes_placed.py": ["--before", "HEAD", "--smoke"],
    "bench_preview.py": ["--articles", "1", "--repeat", "1"],
    "bench_series.py": ["--issues", "2", "--jobs", "1", "--formats", "epub", "--skip-serial"],
    "bench_sizes.py": ["--sizes", "0.01", "--only", "epub", "--timeout", "60"],
    "bench_tagging.py": ["--paragraphs", "10", "--layouts", "1", "--writes", "1", "--builds", "1"],
    "bench_typography.py": ["--paragraphs", "10", "--repeat", "1"],
}


def _scripts() -> list[str]:
    return sorted(p.name for p in BENCHMARKS.glob("bench_*.py"))


def _takes_smoke(name: str) -> bool:
    return "--smoke" in (BENCHMARKS / name).read_text(encoding="utf-8")


def test_every_benchmark_has_a_smoke_run():
    unlisted = [n for n in _scripts() if n not in SMOKE and not _takes_smoke(n)]
    assert unlisted == []


@pytest.mark.parametrize("name", _scripts())
def test_benchmark_runs(name, tmp_path):
    args = SMOKE.get(name) or ["--smoke"]
    result = subprocess.run([sys.executable, str(BENCHMARKS / name), *args], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert result.stdout.strip(), "a benchmark prints what it measured"
