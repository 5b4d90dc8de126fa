"""Warnings for what `zinekit import` would have fixed: superscript note calls, raw HTML
the project does not allow, liquid tags — located, and never inside code."""

from __future__ import annotations

from zinekit.markup import make_parser


def warnings(text: str, allow_html: bool = False) -> list[str]:
    env = {"zk_path": "t.md", "zk_lines": text.split("\n")}
    make_parser(allow_html).parse(text, env)
    return [f"{d.line}:{d.col}: {d.message.split(':')[0].split(';')[0]}"
            for d in env.get("zk_diagnostics", []) if d.severity == "warning"]


def test_superscript_call_and_loose_note():
    text = "A word¹ here.\n\n¹ The loose note.\n"
    assert warnings(text) == [
        "1:7: note call '¹' is a superscript number, not a footnote",
        "3:1: loose note '¹ …' opens with a superscript number",
    ]


def test_units_and_code_are_not_calls():
    assert warnings("Ten m² of floor, `word¹` in code.\n\n    word² in a block\n") == []


def test_raw_html_when_not_allowed():
    assert warnings("Some <u>text</u> here.\n") == [
        "1:6: raw HTML <u> prints as text", "1:13: raw HTML <u> prints as text"]


def test_raw_html_allowed_is_not_a_leftover():
    assert warnings("Some <u>text</u> here.\n", allow_html=True) == []


def test_liquid_tags_located():
    text = "Intro.\n\nA claim.{% sidenote 'a' \"b\" %} And {{ page.title }}.\n"
    assert warnings(text) == ["3:9: liquid tag {% sidenote %} prints as written",
                              "3:36: liquid tag {{ page.title }} prints as written"]


def test_liquid_in_fenced_code_is_left_alone():
    assert warnings("```\n{% highlight ruby %}\n<b>bold</b>\n```\n") == []


def test_zinekit_footnotes_are_not_leftovers():
    assert warnings("A word.[^1]\n\n[^1]: The note.\n") == []
