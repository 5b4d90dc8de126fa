"""Fixtures for the resolve stage (helpers live in ``resolve_fixtures``)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from resolve_fixtures import SERIES_TOML, Project, load_project, write_pdf, write_series
from zinekit.resolve.pdfinfo import clear_cache


@pytest.fixture(autouse=True)
def _fresh_pdf_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def make_pdf() -> Callable[..., Path]:
    return write_pdf


@pytest.fixture
def series(tmp_path: Path) -> Project:
    write_series(tmp_path)
    return load_project(tmp_path, SERIES_TOML)
