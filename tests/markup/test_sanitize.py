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


# --- the allow-list: what zine authors write is kept, every address and style is checked ----

from html.parser import HTMLParser  # noqa: E402

from zinekit.markup.sanitize import (  # noqa: E402
    ALLOWED_TAGS, allowed_attribute, removals, safe_attribute)

KEPT_AS_WRITTEN = [
    '<p>E = mc<sup>2</sup>, H<sub>2</sub>O, <span class="smallcaps">acab</span></p>',
    '<p><abbr title="Industrial Workers of the World">IWW</abbr> <kbd>Ctrl</kbd> <mark>m</mark></p>',
    '<figure><img src="map.png" alt="A map" width="300" height="200"><figcaption>The map'
    '</figcaption></figure>',
    '<table><caption>Shifts</caption><thead><tr><th scope="col">shift</th><th colspan="2">'
    'hours</th></tr></thead><tbody><tr><td>nights</td><td rowspan="2">10</td></tr></tbody></table>',
    '<details open=""><summary>The longer story</summary><p>It began at the depot.</p></details>',
    '<p lang="es" dir="ltr"><q cite="https://example.org/">¡Ya basta!</q> <del>old</del>'
    '<ins>new</ins> <time datetime="2025-05-01">May Day</time></p>',
    '<img src="a.png" srcset="a.png 1x, a@2x.png 2x" alt="A">',
    '<picture><source srcset="map.webp" type="image/webp"><img src="map.png" alt="A map">'
    '</picture>',
    '<video src="clip.mp4" poster="still.png" controls=""></video>',
    '<p style="text-align: center; font-variant: small-caps">centred</p>',
    '<a href="https://example.org/zine.pdf">a link</a> <a href="mailto:zine@example.org">mail</a>',
    '<ol start="3"><li value="3">three</li></ol><dl><dt>term</dt><dd>meaning</dd></dl>',
]


@pytest.mark.parametrize("fragment", KEPT_AS_WRITTEN)
def test_what_zine_authors_write_is_kept(fragment):
    assert sanitize_html(fragment) == fragment
    assert removals(fragment) == []


ELEMENT = "raw HTML may not use it (scripts, frames, forms, stylesheets, SVG …)"
ATTRIBUTE = "raw HTML may not use it (event handlers, ping, longdesc …)"
ADDRESS = "an address must be relative, or http:, https: or mailto:"
STYLE = "a style may hold only declarations that load nothing (no url(), image() …)"

HOSTILE = [
    ('<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>x', "x",
     [("<svg>", ELEMENT), ("<animate>", ELEMENT)]),
    ('<svg><set attributeName="href" to="javascript:alert(1)"/></svg>x', "x",
     [("<svg>", ELEMENT), ("<set>", ELEMENT)]),
    ('<img src="a.png" srcset="a.png 1x, file:///etc/passwd 2x" alt="A">', '<img src="a.png" alt="A">',
     [('srcset="a.png 1x, file:///etc/passwd 2x"', ADDRESS)]),
    ('<img src="a.png" srcset="a.png 1x, http://x/b.png 2x, javascript:x 3x">', '<img src="a.png">',
     [('srcset="a.png 1x, http://x/b.png 2x, javascript:x 3x"', ADDRESS)]),
    ('<img src="a.png" longdesc="http://x/d">', '<img src="a.png">', [('longdesc="http://x/d"', ATTRIBUTE)]),
    ('<a href="x.html" ping="http://x/t">p</a>', '<a href="x.html">p</a>', [('ping="http://x/t"', ATTRIBUTE)]),
    ('<picture><source srcset="file:///x.png"></picture>', "<picture><source></picture>",
     [('srcset="file:///x.png"', ADDRESS)]),
    ('<video src="file:///x.mp4" poster="javascript:x"></video>', "<video></video>",
     [('src="file:///x.mp4"', ADDRESS), ('poster="javascript:x"', ADDRESS)]),
    ('<span style="background: u\\72 l(http://x/bg.png)">s</span>', "<span>s</span>",
     [('style="background: u\\72 l(http://x/bg.png)"', STYLE)]),
    ('<span style="background-image: image-set(&quot;x.png&quot; 1x)">s</span>', "<span>s</span>",
     [('style="background-image: image-set("x.png" 1x)"', STYLE)]),
    ('<span style="color: red; } body { color: blue">s</span>', "<span>s</span>",
     [('style="color: red; } body { color: blue"', STYLE)]),
    ('<a href="java&#x09;script:alert(1)">j</a>', "<a>j</a>", [('href="java\tscript:alert(1)"', ADDRESS)]),
    ('<a xlink:href="javascript:x">x</a>', "<a>x</a>", [('xlink:href="javascript:x"', ATTRIBUTE)]),
    ('<form action="http://x/"><input name="a"></form>after', "after",
     [("<form>", ELEMENT), ("<input>", ELEMENT)]),
    ('<math><mi xlink:href="javascript:x">m</mi></math>', "", [("<math>", ELEMENT), ("<mi>", ELEMENT)]),
]


@pytest.mark.parametrize("fragment, out, removed", HOSTILE, ids=[h[0][:40] for h in HOSTILE])
def test_hostile_html_is_cut_and_each_removal_named(fragment, out, removed):
    assert sanitize_html(fragment) == out
    assert removals(fragment) == removed


class _Audit(HTMLParser):
    """Fails on anything in the sanitiser's output that is not on its allow-list."""

    def handle_starttag(self, tag, attrs):
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert allowed_attribute(tag, name), (tag, name)
            assert safe_attribute(tag, name, value or ""), (tag, name, value)


PIECES = st.sampled_from([
    "<", ">", "/", "=", '"', "'", " ", "a", "img", "svg", "animate", "set", "script", "style",
    "src", "srcset", "href", "style", "poster", "xlink:href", "on", "click", "url(", "u\\72 l(",
    "javascript:", "file:///", "http://x/", "data:image/png,", "data:text/html,", "&#x09;",
    "<!--", "-->", "<![CDATA[", "]]>", "<math>", "<table>", "<select>", "<noscript>", ",", "1x",
])


@given(st.lists(PIECES, max_size=60).map("".join))
def test_the_output_holds_only_the_allow_list(fragment):
    audit = _Audit()
    audit.feed(sanitize_html(fragment))
    audit.close()
