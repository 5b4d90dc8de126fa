"""Fixtures for the imposition tests."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from impose_helpers import A5, make_numbered_pdf


@pytest.fixture
def numbered_pdf(tmp_path: Path) -> Callable[..., Path]:
    """``numbered_pdf(10)`` → path of a 10-page A5 PDF; keyword options as make_numbered_pdf."""
    def make(count: int, size: tuple[float, float] = A5, name: str | None = None, **kwargs) -> Path:
        return make_numbered_pdf(tmp_path / (name or f"numbered-{count}.pdf"), count, size, **kwargs)
    return make
