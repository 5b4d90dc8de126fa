"""Imposition: lay the pages of any PDF out on sheets for printing, folding and binding.

    open the source → plan the page order (layouts.py, leaves.py) → choose the sheet
    (geometry.py) → place every page once as a Form XObject (sheets.py) → marks
    (marks.py) → write (engine.py)

:func:`impose_file` is what ``zinekit impose`` calls, with the options as strings;
:func:`impose_pdf` takes checked :class:`ImposeOptions` and a path, bytes, a binary
file or an open ``PdfReader``, for the build pipeline.  The layouts are named once, in
``registry.py``.

The names are loaded when first used, so that reading the registry (the command
line's help, the settings' check) does not load the PDF library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zinekit.impose.engine import impose_file, impose_pdf
    from zinekit.impose.options import ImposeOptions
    from zinekit.impose.report import ImposeReport

__all__ = ["ImposeOptions", "ImposeReport", "impose_file", "impose_pdf"]

_HOMES = {"ImposeOptions": "options", "ImposeReport": "report",
          "impose_file": "engine", "impose_pdf": "engine"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        from importlib import import_module

        return getattr(import_module(f"zinekit.impose.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'zinekit.impose' has no attribute {name!r}")
