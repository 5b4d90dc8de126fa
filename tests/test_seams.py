"""Regressions of the hand-offs between stages: which setting wins, every error of a
build in one run, an issue's title and its opening heading as one text, formats named
on the command line, and one parse of each issue per build."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from tests.conftest import poppler_pages
from zinekit.config import BUILD_OPTIONS, ISSUE_OPTIONS, IssueSettings, validate
from zinekit.errors import Diagnostics

MM = 72 / 25.4


def settings(front: dict, build: dict, theme: dict | None = None,
             command_line: dict | None = None) -> IssueSettings:
    diagnostics = Diagnostics()
    lines = {k: 3 for k in front}
    meta = validate(front, ISSUE_OPTIONS, lines, "issue.md", diagnostics, "front matter")
    series = validate(build, BUILD_OPTIONS, {k: 7 for k in build}, "zinekit.toml", diagnostics,
                      "[build]")
    assert not diagnostics.items
    return IssueSettings(meta, series, theme or {}, command_line or {})


@pytest.mark.parametrize("front, build, theme, command_line, wanted, where", [
    ({}, {}, {}, {}, "A5", None),  # 5. zinekit's default
    ({}, {}, {"page_size": "A6"}, {}, "A6", None),  # 4. the theme's default
    ({}, {"page_size": "A4"}, {"page_size": "A6"}, {}, "A4", ("zinekit.toml", 7)),  # 3. [build]
    ({"page_size": "B6"}, {"page_size": "A4"}, {"page_size": "A6"}, {}, "B6", ("issue.md", 3)),
])
def test_each_level_of_a_setting(front, build, theme, command_line, wanted, where):
    value, path, line = settings(front, build, theme, command_line).lookup("page_size")
    assert value == wanted
    assert (path, line) == (where or (None, 0))


def test_the_command_line_wins_and_defaults_are_not_settings():
    layered = settings({"theme": "cutpaste"}, {"theme": "pamphlet"}, {}, {"theme": "mine"})
    assert layered.get("theme") == "mine"
    assert settings({}, {}).get("theme") == "pamphlet"
    assert settings({}, {"language": "de"}).get("language") == "de"
    assert settings({"language": "fr"}, {"language": "de"}).get("language") == "fr"
    # a theme's numbering applies unless [build] sets one
    assert settings({}, {}, {"footnote_numbering": "issue"}).get("footnote_numbering") == "issue"
    assert settings({}, {"footnote_numbering": "article"},
                    {"footnote_numbering": "issue"}).get("footnote_numbering") == "article"


def test_a_theme_default_page_size_is_used(cli, make_project):
    root = make_project({
        "zinekit.toml": '[series]\nname = "Small Hours"\n[build]\ntheme = "tiny"\n',
        "tiny/theme.toml": 'name = "tiny"\nextends = "pamphlet"\n[defaults]\npage_size = "A6"\n',
        "notes.md": "---\ntitle: Pocket\n---\n\nA short text for a pocket.\n",
    })
    run = cli("build", "notes.md", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    box = PdfReader(str(root / "dist" / "notes" / "notes.pdf")).pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (105, 148)


def test_every_error_of_a_file_in_one_run(cli, make_project):
    root = make_project({"notes.md": "---\ntitle: A\n---\n\nText with a note.[^9]\n\n"
                                     "![a map](images/map.png)\n"})
    run = cli("check", "notes.md", cwd=root)
    assert run.exit_code == 1
    assert "notes.md:5:18: error: footnote [^9] is called but never defined" in run.stderr
    assert "notes.md:7:1: error: image not found: images/map.png" in run.stderr
    assert "check found 2 errors" in run.stderr


@pytest.mark.parametrize("value, message", [
    ("", "name at least one format: pdf, booklet, press, cover, riso, epub, html"),
    (",", "name at least one format: pdf, booklet, press, cover, riso, epub, html"),
    ("pdf,zip", "'zip' is not one of pdf, booklet, press, cover, riso, epub, html"),
])
def test_formats_on_the_command_line(cli, make_project, value, message):
    root = make_project({"notes.md": "---\ntitle: A\n---\n\nText.\n"})
    run = cli("build", "notes.md", "--format", value, cwd=root)
    assert run.exit_code == 2
    assert f"Invalid value for '--format': {message}" in run.stderr
    assert not (root / "dist").exists()


def test_an_unknown_format_in_build_settings_is_located(cli, make_project):
    root = make_project({
        "zinekit.toml": '[series]\nname = "Small Hours"\n\n[build]\nformats = ["pdf", "zine"]\n',
        "notes.md": "---\ntitle: A\n---\n\nText.\n",
    })
    run = cli("build", "notes.md", cwd=root)
    assert run.exit_code == 1
    assert ("zinekit.toml:5:1: error: [build] formats: 'zine' is not a format (available: "
            "pdf, booklet, press, cover, riso, epub, html)") in run.stderr


SERIES = '''\
[series]
name = "Slow Fires Press"

[[issues]]
volume = 7
source = "seven.md"

[[issues]]
volume = 8
source = "eight.md"
'''


def test_an_issue_title_and_its_opening_heading_are_one_text(cli, make_project):
    root = make_project({
        "zinekit.toml": SERIES,
        "seven.md": "---\ntitle: Slow Fires\nseries: Slow Fires Press\nvolume: 7\n---\n\n"
                    "# Slow Fires\n\nThe text under its title.\n\n## Kindling\n\nMore.\n",
        "eight.md": "---\ntitle: Embers\nseries: Slow Fires Press\nvolume: 8\n---\n\n"
                    "As argued before [see Slow Fires], and again.\n",
    })
    run = cli("build", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.stderr
    assert "matches 2" not in run.stderr
    seven = poppler_pages(root / "dist/slow-fires-press-vol-7/slow-fires-press-vol-7.pdf")
    eight = " ".join(poppler_pages(root / "dist/slow-fires-press-vol-8/slow-fires-press-vol-8.pdf"))
    printed = re.search(r"\[see Slow Fires, Slow Fires Press vol\.7, p\.(\d+)\]", eight)
    assert printed, eight
    page = int(printed.group(1))
    assert "The text under its title." in seven[page - 1]  # where the text starts


def test_each_issue_is_parsed_once_per_build(cli, make_project, monkeypatch):
    import zinekit.load

    root = make_project({
        "zinekit.toml": SERIES,
        "seven.md": "---\ntitle: Kindling\nseries: Slow Fires Press\nvolume: 7\n---\n\nText.\n",
        "eight.md": "---\ntitle: Embers\nseries: Slow Fires Press\nvolume: 8\n---\n\n"
                    "As argued [see Kindling].\n",
    })
    parsed: list[str] = []
    original = zinekit.load.parse_markdown

    def counting(text, path, **kwargs):
        parsed.append(path)
        return original(text, path, **kwargs)

    monkeypatch.setattr(zinekit.load, "parse_markdown", counting)
    run = cli("build", "--format", "pdf", "--jobs", "1", cwd=root)
    assert run.exit_code == 0, run.stderr
    assert sorted(parsed) == sorted([str(root / "seven.md"), str(root / "eight.md")])
