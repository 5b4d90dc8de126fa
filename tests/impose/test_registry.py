"""One registry names the layouts: the command line, the settings, the report and the
docs all say what it says."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import click
import pytest

from zinekit.cli import main
from zinekit.config import BUILD_OPTIONS, Settings
from zinekit.impose.options import ImposeOptions
from zinekit.impose.plan import LayoutRequest
from zinekit.impose.registry import BOOK_LAYOUTS, FOLDED, LAYOUTS, NAMES, SPECIFIC_OPTIONS
from zinekit.render.editions import booklet_options

DOCS = Path(__file__).resolve().parents[2] / "docs" / "imposition.md"


def documented_layouts() -> dict[str, str]:
    """The table under '## Layouts' in docs/imposition.md: name → what it makes."""
    text = DOCS.read_text(encoding="utf-8").split("## Layouts", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^\| `([^`]+)` \| ([^|]+) \|$", text, re.M)}


def test_docs_list_exactly_the_registry_layouts():
    assert documented_layouts() == {name: layout.help for name, layout in LAYOUTS.items()}


def test_every_layout_has_its_section_in_the_docs():
    text = DOCS.read_text(encoding="utf-8")
    for name in NAMES:
        assert re.search(rf"^### `{re.escape(name)}`", text, re.M), name


def test_command_line_choices_and_help_come_from_the_registry():
    command = main.commands["impose"]
    layout = next(p for p in command.params if p.name == "layout")
    assert isinstance(layout.type, click.Choice) and tuple(layout.type.choices) == NAMES
    for name, entry in LAYOUTS.items():
        assert f"{name}: {entry.help}" in layout.help


def test_booklet_layout_setting_takes_the_book_layouts():
    assert BUILD_OPTIONS["booklet_layout"].choices == BOOK_LAYOUTS
    assert "repeat" not in BOOK_LAYOUTS and "cutstack" not in BOOK_LAYOUTS and "stab" in BOOK_LAYOUTS


def test_every_layout_plans_under_its_own_name():
    for name, layout in LAYOUTS.items():
        plan = layout.order(8, LayoutRequest(fill=(2, 1)))
        assert plan.layout == name
        if layout.grid is not None:
            assert plan.grid == layout.grid
        assert set(layout.options) <= set(SPECIFIC_OPTIONS)
    assert FOLDED == ("saddle", "perfect", "4up", "topbound")


def test_options_refused_name_the_layouts_that_take_them():
    from zinekit.errors import ImposeError

    for option, value in (("creep", "0.1mm"), ("flyleaves", "1"), ("binding_margin", "5mm")):
        flag = "--" + option.replace("_", "-")
        for name, layout in LAYOUTS.items():
            if layout.takes(flag[2:]):
                continue
            with pytest.raises(ImposeError, match=re.escape(f"{flag} applies to")):
                ImposeOptions.parse(layout=name, path="in.pdf", **{option: value})


# ------------------------------------------------------------- the build's booklet

def _issue(language: str, binding: str | None = None, layout: str = "saddle") -> SimpleNamespace:
    meta = Settings({"language": language, "binding": binding}, {}, "notes.md")
    build = Settings({"booklet_layout": layout}, {}, "zinekit.toml")
    return SimpleNamespace(meta=meta, build=build, language=language)


@pytest.mark.parametrize("language, binding, expected", [
    ("en", None, "ltr"), ("ar", None, "rtl"), ("he", None, "rtl"), ("fa-IR", None, "rtl"),
    ("ja", None, "ltr"), ("ja", "rtl", "rtl"), ("ar", "ltr", "ltr"),
])
def test_booklet_binding_from_language_and_front_matter(language, binding, expected):
    assert booklet_options(_issue(language, binding)).binding == expected  # type: ignore[arg-type]
