"""Every character is seen: what the theme's fonts lack is drawn from the system's fonts
(fontconfig), and what no font has is a located warning — front matter included."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.conftest import poppler_pages
from zinekit.render import fonts

JAPANESE = """\
---
title: 夜勤の記録
subtitle: notes from the depot
authors:
  - 山田 花子
  - Ann Other
---

The body is in English.
"""


@pytest.fixture
def no_cjk_font(monkeypatch):
    """A machine whose fonts cover Latin, Greek and Cyrillic only."""
    monkeypatch.setattr(fonts, "system_coverage", lambda: frozenset(range(0x0, 0x0530)))


def test_front_matter_characters_no_font_has_are_located(cli, make_project, no_cjk_font):
    root = make_project({"notes.md": JAPANESE})
    run = cli("build", "notes.md", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    assert ("notes.md:2:8: warning: no available font has '夜勤の記録' (U+591C, U+52E4, U+306E, "
            "U+8A18, U+9332) in the front matter's 'title'; these characters would print as "
            "empty boxes") in run.output
    assert "notes.md:5:5: warning: no available font has '山田花子'" in run.output
    assert "in the front matter's 'authors'" in run.output
    assert "notes.md:9:" not in run.output  # the body has nothing to report


def test_an_articles_front_matter_is_located_in_its_own_file(cli, make_project, no_cjk_font):
    root = make_project({
        "issue.md": "---\ntitle: Letters\narticles: [one.md, two.md]\n---\n",
        "one.md": "---\ntitle: 手紙\n---\n\nText.\n",
        "two.md": "---\ntitle: Reply\nauthors: [Ωμέγα]\n---\n\nText.\n",
    })
    run = cli("build", ".", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    assert "one.md:2:8: warning: no available font has '手紙'" in run.output
    assert "two.md" not in run.output  # Greek is covered


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["pamphlet", "cutpaste"])
def test_a_japanese_title_and_author_print_in_a_system_font(cli, make_project, theme):
    if 0x591C not in fonts.system_coverage():
        pytest.skip("no font on this machine covers Japanese (install fonts-noto-cjk)")
    root = make_project({"notes.md": JAPANESE})
    run = cli("build", "notes.md", "--format", "pdf", "--theme", theme, cwd=root)
    assert run.exit_code == 0 and "warning" not in run.output, run.output
    pdf = root / "dist" / "notes" / "notes.pdf"
    title_page = poppler_pages(pdf)[0]
    # a large title may wrap between two characters, as Japanese does: a line break only
    assert "夜勤の記録" in re.sub(r"(?<=[\u3040-\u9fff])\s+(?=[\u3040-\u9fff])", "", title_page)
    assert "山田 花子" in title_page
    embedded = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                              check=True).stdout
    assert "CJK" in embedded, embedded
