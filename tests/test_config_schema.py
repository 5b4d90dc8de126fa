"""One declared schema for every setting: front matter, ``[build]`` and a theme's
``[defaults]`` are checked against it, each default is stated once, and the typed view
the code reads (:class:`zinekit.config.SettingValues`) has one attribute per option."""

from __future__ import annotations

import types
import typing
from dataclasses import fields

import pytest

from zinekit.config import (
    ALL_OPTIONS,
    ARTICLE_OPTIONS,
    BUILD_OPTIONS,
    ISSUE_OPTIONS,
    SHARED_OPTIONS,
    THEME_OPTIONS,
    IssueSettings,
    Length,
    SettingValues,
    builtin_settings,
    validate,
)
from zinekit.errors import Diagnostics


#: The Python types an option of each kind holds once checked.
KIND_TYPES = {"str": str, "path": str, "choice": str, "date": str, "int": int,
              "bool": bool, "list": list, "number": float, "length": Length}


def declared_types(annotation: object) -> set[type]:
    hints = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
    return {typing.get_origin(h) or h for h in hints} - {type(None)}


def test_every_option_is_an_attribute_of_the_typed_view():
    names = {f.name for f in fields(SettingValues)}
    assert names == set(ALL_OPTIONS) | {"further_reading_works"}


def test_each_attribute_has_its_options_type():
    hints = typing.get_type_hints(SettingValues, localns={"Length": Length})
    for name, option in ALL_OPTIONS.items():
        assert declared_types(hints[name]) == {KIND_TYPES[option.kind]}, name
        if option.default is None and name not in ("notes", "notes_overflow"):
            assert type(None) in typing.get_args(hints[name]), f"{name} may be unset"
    assert declared_types(hints["further_reading_works"]) == {str}


def test_a_setting_of_two_levels_is_declared_once():
    for name, option in SHARED_OPTIONS.items():
        assert ISSUE_OPTIONS[name] is option and BUILD_OPTIONS[name] is option, name


def test_a_theme_sets_only_how_an_issue_looks():
    assert set(THEME_OPTIONS) <= set(ISSUE_OPTIONS) | set(BUILD_OPTIONS)
    assert not {"title", "language", "allow_html", "allow_network", "out", "formats",
                "cluster", "include", "articles"} & set(THEME_OPTIONS)


def test_defaults_of_a_project_without_settings():
    typed = builtin_settings().typed
    assert (typed.theme, typed.page_size, typed.language, typed.formats) == \
        ("pamphlet", "A5", "en", ["pdf", "booklet", "epub"])
    assert (typed.notes_overflow, typed.chapter_start, typed.footnote_numbering,
            typed.further_reading_works, typed.typography) == ("next", "page", "article", "cited", True)


def test_an_article_leaves_what_it_does_not_set_to_its_issue():
    article = validate({"title": "A"}, ARTICLE_OPTIONS, {}, "a.md", Diagnostics(), "front matter")
    assert (article.typed.notes, article.typed.notes_overflow) == (None, None)
    issue = validate({"notes": "end"}, ISSUE_OPTIONS, {}, "i.md", Diagnostics(), "front matter")
    assert issue.typed.notes == "end"


def test_the_issue_view_takes_each_level_in_turn():
    front = validate({"chapter_start": "right", "further_reading": True}, ISSUE_OPTIONS, {},
                     "i.md", Diagnostics(), "front matter")
    build = validate({"bleed": "3mm", "further_reading": "all", "chapter_start": "page"},
                     BUILD_OPTIONS, {}, "zinekit.toml", Diagnostics(), "[build]")
    settings = IssueSettings(front, build, {"page_size": "A6", "bleed": "5mm"},
                             {"theme": "cutpaste"}).typed
    assert (settings.chapter_start, settings.page_size, settings.theme) == \
        ("right", "A6", "cutpaste")
    assert settings.bleed == Length(3 * 72 / 25.4, "3mm")
    assert (settings.further_reading, settings.further_reading_works) == (True, "all")


def theme_project(make_project, defaults: str):
    return make_project({
        "zinekit.toml": '[series]\nname = "S"\n\n[[issues]]\nsource = "a.md"\nvolume = 1\n'
                        '\n[build]\ntheme = "mine"\n',
        "mine/theme.toml": f'name = "mine"\nextends = "pamphlet"\n\n[defaults]\n{defaults}',
        "a.md": "---\ntitle: A\n---\n\nText.\n",
    })


def test_a_themes_unknown_default_is_an_error_at_its_line(cli, make_project):
    root = theme_project(make_project, 'page_size = "A6"\npage_sise = "A5"\nallow_network = true\n')
    run = cli("check", "a.md", cwd=root)
    assert run.exit_code == 1
    assert [l for l in run.output.splitlines() if ": error: " in l] == [
        "mine/theme.toml:6:1: error: unknown theme [defaults] key 'page_sise' "
        "(did you mean 'page_size'?)",
        "mine/theme.toml:7:1: error: unknown theme [defaults] key 'allow_network' "
        "(prefix it with 'x-' to keep private data)"]
    assert "Traceback" not in run.output


def test_a_themes_default_of_the_wrong_kind_is_an_error(cli, make_project):
    root = theme_project(make_project, 'typography = "yes"\nchapter_start = "left"\n')
    run = cli("check", "a.md", cwd=root)
    assert run.exit_code == 1
    assert [l for l in run.output.splitlines() if ": error: " in l] == [
        "mine/theme.toml:5:1: error: theme [defaults] key 'typography' must be true or false, "
        "not str",
        "mine/theme.toml:6:1: error: theme [defaults] key 'chapter_start' must be one of page, "
        "right, not 'left'"]


def test_a_themes_good_defaults_apply(cli, make_project):
    root = theme_project(make_project, 'page_size = "A6"\nx-note = "mine"\n')
    run = cli("check", "a.md", cwd=root)
    assert run.exit_code == 0, run.output


@pytest.mark.parametrize("theme", ["base", "pamphlet", "cutpaste", "photocopy"])
def test_the_builtin_themes_defaults_are_valid(theme):
    from zinekit.themes_loader import load_theme

    assert set(load_theme(theme).defaults) <= set(THEME_OPTIONS)


@pytest.mark.parametrize("written, points", [("3mm", 3 * 72 / 25.4), ("0.125in", 9.0),
                                             (" 9 pt ", 9.0), ("0.5cm", 5 * 72 / 25.4)])
def test_a_length_is_parsed_once_and_keeps_its_text(written, points):
    length = Length.parse(written)
    assert length.points == pytest.approx(points) and length.css == written


def test_a_bleed_that_is_no_length_is_an_error_at_its_line(cli, make_project):
    root = make_project({"zinekit.toml": '[build]\nbleed = "3"\n',
                         "a.md": "---\ntitle: A\n---\n\nText.\n"})
    run = cli("check", "a.md", cwd=root)
    assert run.exit_code == 1
    assert [l for l in run.output.splitlines() if ": error: " in l] == [
        "zinekit.toml:2:1: error: [build] key 'bleed' needs a unit, mm, cm, in or pt: '3'"]
