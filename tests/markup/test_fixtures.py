"""Markup fixtures: each case is a title, the Markdown, and the HTML it must give.

Cases live in ``fixtures/*.md``, separated by lines holding a single ``.`` — adding a
syntax case is three short blocks of text.  A title ending in ``{language=fr}`` parses
its case with typography for that language (otherwise quotes stay as typed).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zinekit.markup import RenderContext, parse_markdown, render_html

FIXTURES = Path(__file__).parent / "fixtures"


def read_cases(path: Path) -> list[tuple[str, str, str]]:
    cases = []
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        title = lines[i]
        assert lines[i + 1] == ".", f"{path.name}:{i + 2}: expected '.'"
        j = lines.index(".", i + 2)
        k = lines.index(".", j + 1)
        cases.append((title, "\n".join(lines[i + 2:j]), "\n".join(lines[j + 1:k])))
        i = k + 1
    return cases


CASES = [(f"{p.stem}: {t}", src, html) for p in sorted(FIXTURES.glob("*.md"))
         for t, src, html in read_cases(p)]


LANGUAGE = re.compile(r"\s*\{language=([\w-]+)\}$")


def render_screen(source: str, language: str | None = None) -> str:
    parsed = parse_markdown(source + "\n", "t.md", typography=language)
    body, notes = render_html(parsed, RenderContext(mode="screen", article_anchor="t"))
    return (body + notes).strip()


@pytest.mark.parametrize("title,source,expected", CASES, ids=[c[0] for c in CASES])
def test_fixture(title: str, source: str, expected: str) -> None:
    language = LANGUAGE.search(title)
    assert render_screen(source, language.group(1) if language else None) == expected.strip()
