"""Raw HTML, when a project allows it, loses scripts, frames and unsafe addresses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zinekit.markup import RenderContext, parse_markdown, render_html
from zinekit.markup.sanitize import sanitize_html


def render(source: str) -> str:
    parsed = parse_markdown(source, "t.md", allow_html=True)
    body, _ = render_html(parsed, RenderContext(mode="screen", article_anchor="a"), allow_html=True)
    return body


@pytest.mark.parametrize("source,kept,dropped", [
    ("<script>alert(1)</script>\n\nText", "Text", "alert"),
    ("<iframe src='https://example.org/'></iframe> x", "x", "iframe"),
    ('<a href="javascript:alert(1)">link</a>', "link", "javascript"),
    ('<img src="file:///etc/passwd" alt="the password file">', "the password file", "<img"),
    ('<b onclick="steal()">bold</b>', "<b>bold</b>", "onclick"),
    ('<span style="background: url(x)">s</span>', "<span>s</span>", "url("),
    ('<object data="x.swf"><p>fallback</p></object> after', "after", "fallback"),
])
def test_unsafe_html_is_dropped(source, kept, dropped):
    html = render(source)
    assert kept in html
    assert dropped not in html


def test_ordinary_html_passes():
    assert render("A <sup>2</sup> and <abbr title='x'>abbr</abbr>.") == \
        '<p>A <sup>2</sup> and <abbr title="x">abbr</abbr>.</p>\n'


def test_html_is_escaped_unless_allowed():
    parsed = parse_markdown("<b>bold</b>", "t.md")
    body, _ = render_html(parsed, RenderContext(mode="screen", article_anchor="a"))
    assert body == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"


@given(st.text(max_size=300))
def test_sanitizer_never_lets_a_script_through(text):
    out = sanitize_html(text).lower()
    assert "<script" not in out
    assert "javascript:" not in out.replace("&", "")  or "href" not in out
