"""Property tests of `zinekit import`: texts and packages made of the pieces each format
is built from (and of what breaks them) import or fail with zinekit's own located
error, never another exception (which the command line prints as an internal error).

Formats read by pandoc cost a process each, so they draw fewer examples; more with
``ZK_FUZZ_EXAMPLES=500``.  See docs/fuzzing.md.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zinekit.errors import ZinekitError
from zinekit.importer import import_file

EXAMPLES = int(os.environ.get("ZK_FUZZ_EXAMPLES", "40"))
SLOW_EXAMPLES = max(5, EXAMPLES // 4)
WORDS = st.sampled_from(["words", "ünïcode", "  ", "\n", "\n\n", "1.", "*", "_", "`", "&amp;",
                         "&#0;", "\u202e", "[1]", "{1}", "[^1]", "#", "> ", "- "])

HTML_PIECES = st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<blockquote>", "</blockquote>", "<article>", "<main>",
    '<sup><a href="#n1">1</a></sup>', '<p id="n1">note</p>', '<a href="#nowhere">x</a>',
    "<figure><img src='a.png' alt='a'><figcaption>c</figcaption></figure>", "<script>x</script>",
    "<iframe src='https://example.org/v'></iframe>", "<h1>T</h1>", "<table><tr><td>",
    "<!--", "-->", "<![CDATA[", "<svg><use href='#a'/></svg>", "<nav>n</nav>", "<ol start=x>",
    "<li>", "<br/>", "<", ">", "&", "<html>", "<body>"])
MUSE_PIECES = st.sampled_from([
    "#title T\n", "#author A\n", "* Head\n", "** Sub\n", "<quote>\n", "</quote>\n",
    "<example>\n", "</example>\n", "<verbatim>", "</verbatim>", "{{{", "}}}", "[1]", "{1}",
    "\n[1] note\n", "\n{1} ed note\n", "<biblio>\n", "</biblio>\n", "*em*", "**strong**",
    "<code>", "</code>", "\n> ", "=mono="])
LIQUID_PIECES = st.sampled_from([
    "{% sidenote 'a' 'text' %}", "{% marginnote %}", "{% newthought 'x' %}", "{% epigraph 'q' 'w' %}",
    "{% fullwidth 'a.png' 'c' %}", "{{ page.title }}", "{{< tweet 1 >}}", "{% ", " %}", "{{",
    "}}", "```\n", "`", "<div class='twitter-tweet'><p>t</p></div>\n", "<br />\n", "\n\n"])
FRONT_MATTER = st.sampled_from([
    "", "---\ntitle: T\n---\n", "---\ntitle: [\n---\n", "+++\ntitle = 'T'\n+++\n",
    "+++\na.b.c = 1\n+++\n", "---\na: &a [x]\nb: *a\n---\n", "---\ndate: 2026-02-30\n---\n",
    "---\n", "+++\ntitle = \n+++\n", "---\n- a list\n---\n"])

DOCX_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
              b'.org/package/2006/content-types"><Default Extension="xml" ContentType="application/'
              b'xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.'
              b'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
DOCUMENT = (b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            b'wordprocessingml/2006/main"><w:body>%s</w:body></w:document>')
MEMBERS = st.sampled_from([
    ("[Content_Types].xml", DOCX_TYPES), ("word/document.xml", DOCUMENT % b"<w:p><w:r><w:t>Hi"
                                          b"</w:t></w:r></w:p>"),
    ("word/document.xml", DOCUMENT % b"<w:p>"), ("word/document.xml", b"not xml"),
    ("_rels/.rels", b"<Relationships/>"), ("mimetype", b"application/vnd.oasis.opendocument.text"),
    ("content.xml", b"<office:document-content/>"), ("meta.xml", b"<x"),
    ("docProps/core.xml", b"<cp:coreProperties/>"), ("media/a.png", b"\x89PNG\r\n"),
    ("word/document.xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')])


def imports_or_refuses(path: Path, fmt: str | None = None) -> None:
    """Import ``path``: it imports, or raises zinekit's located error and nothing else."""
    try:
        imported = import_file(path, fmt)
    except ZinekitError as error:
        assert str(error.message).strip(), "an error without a message"
        return
    assert isinstance(imported.markdown(), str)


def _fuzz_settings(examples: int):
    return settings(max_examples=examples, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


@_fuzz_settings(EXAMPLES)
@given(pieces=st.lists(st.one_of(HTML_PIECES, WORDS), max_size=60))
def test_html_pages(tmp_path_factory, pieces):
    path = tmp_path_factory.mktemp("html") / "in.html"
    path.write_text("".join(pieces) or "x", encoding="utf-8")
    imports_or_refuses(path)


@_fuzz_settings(EXAMPLES)
@given(front=FRONT_MATTER, pieces=st.lists(st.one_of(LIQUID_PIECES, WORDS), max_size=40))
def test_jekyll_posts(tmp_path_factory, front, pieces):
    path = tmp_path_factory.mktemp("post") / "in.md"
    path.write_text(front + "".join(pieces) + "x", encoding="utf-8")
    imports_or_refuses(path)


@_fuzz_settings(EXAMPLES)
@given(pieces=st.lists(st.one_of(WORDS, st.sampled_from(["ed. ", "1 ", "* * *", "Notes\n",
                                                         "---\n", "<html>"])), max_size=60))
def test_plain_texts(tmp_path_factory, pieces):
    path = tmp_path_factory.mktemp("text") / "in.txt"
    path.write_text("".join(pieces) + "x", encoding="utf-8")
    imports_or_refuses(path)


@_fuzz_settings(SLOW_EXAMPLES)
@given(pieces=st.lists(st.one_of(MUSE_PIECES, WORDS), max_size=40))
def test_muse_texts(tmp_path_factory, pieces):
    path = tmp_path_factory.mktemp("muse") / "in.muse"
    path.write_text("".join(pieces) + "x", encoding="utf-8")
    imports_or_refuses(path)


@pytest.mark.parametrize("ending", ["docx", "odt"])
@_fuzz_settings(SLOW_EXAMPLES)
@given(members=st.lists(MEMBERS, max_size=6), cut=st.integers(0, 4))
def test_office_packages_of_random_members(tmp_path_factory, ending, members, cut):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in dict(members).items():
            package.writestr(name, data)
    data = buffer.getvalue()
    path = tmp_path_factory.mktemp("office") / f"in.{ending}"
    path.write_bytes(data[: len(data) - cut * 7] if cut else data)  # a cut package too
    imports_or_refuses(path)


def test_control_characters_in_a_page_are_left_out(tmp_path):
    """Found by benchmarks/fuzz/fuzz_import.py: an embed's address holding a control
    character made lxml raise while the quoted block was built."""
    path = tmp_path / "in.html"
    path.write_text("<html><body><article><p>Words\x01 here.</p>"
                    "<iframe src='https://example.org/\x02v'></iframe></article></body></html>")
    imported = import_file(path)
    assert "Words here." in imported.body and "https://example.org/v" in imported.body
    assert any(line.endswith("in.html:1:1: note: 2 control characters left out (they are not "
                             "text)") for line in imported.report.lines())
