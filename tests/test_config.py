"""Front matter and zinekit.toml: every problem named with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from zinekit.config import split_front_matter
from zinekit.errors import Diagnostics


def errors_of(cli, root: Path, target: str) -> tuple[int, list[str]]:
    run = cli("check", target, cwd=root)
    return run.exit_code, [l for l in run.output.splitlines() if ": error: " in l]


def test_unknown_key_is_an_error_with_its_line(cli, make_project):
    root = make_project({"a.md": """
        ---
        title: A
        colour: red
        x-private: fine
        ---
        Text.
        """})
    code, errors = errors_of(cli, root, "a.md")
    assert code == 1
    assert errors == ["a.md:3:1: error: unknown front matter key 'colour' "
                      "(prefix it with 'x-' to keep private data)"]


def test_misspelt_key_gets_a_suggestion(cli, make_project):
    root = make_project({"a.md": "---\ntitle: A\nsubtile: B\n---\nText.\n"})
    _, errors = errors_of(cli, root, "a.md")
    assert errors == ["a.md:3:1: error: unknown front matter key 'subtile' (did you mean 'subtitle'?)"]


def test_wrong_types_are_all_reported_at_once(cli, make_project):
    root = make_project({"a.md": "---\ntitle: A\nvolume: seven\nauthors: {a: b}\n---\nText.\n"})
    code, errors = errors_of(cli, root, "a.md")
    assert code == 1
    assert errors == [
        "a.md:3:1: error: front matter key 'volume' must be a whole number, not str",
        "a.md:4:1: error: front matter key 'authors' must be a list of text, not a mapping",
    ]


def test_unparseable_yaml_names_line_and_column(cli, make_project):
    root = make_project({"a.md": "---\ntitle: A\nauthors: [one, two\n---\nText.\n"})
    code, errors = errors_of(cli, root, "a.md")
    assert code == 1
    assert errors == ["a.md:3:19: error: front matter is not valid YAML: expected ',' or ']', "
                      "but got '<stream end>'"]


def test_unclosed_front_matter(cli, make_project):
    root = make_project({"a.md": "---\ntitle: A\n\nText.\n"})
    code, errors = errors_of(cli, root, "a.md")
    assert code == 1
    assert errors == ["a.md:1:1: error: front matter opened with '---' is never closed"]


def test_article_front_matter_has_its_own_keys(cli, make_project):
    root = make_project({
        "issue/issue.md": "---\ntitle: I\narticles: [one.md]\n---\n",
        "issue/one.md": "---\ntitle: One\nseason: Winter\nnotes: margin\n---\nText.\n",
    })
    code, errors = errors_of(cli, root, "issue")
    assert code == 1
    assert errors == [
        "issue/one.md:3:1: error: unknown article front matter key 'season' "
        "(prefix it with 'x-' to keep private data)",
        "issue/one.md:4:1: error: article front matter key 'notes' must be one of foot, side, end, "
        "not 'margin'",
    ]


def test_missing_article_file_is_reported_at_the_articles_key(cli, make_project):
    root = make_project({"issue/issue.md": "---\ntitle: I\narticles:\n  - gone.md\n---\n"})
    code, errors = errors_of(cli, root, "issue")
    assert code == 1
    assert errors[0].startswith("issue/issue.md:3:1: error: file not found: ")


def test_bad_toml_is_located(cli, make_project):
    root = make_project({"zinekit.toml": "[series]\nname = \"X\nurl = 3\n",
                         "a.md": "---\ntitle: A\n---\nText.\n"})
    code, errors = errors_of(cli, root, "a.md")
    assert code == 1
    assert errors[0].startswith("zinekit.toml:2:")


def test_unknown_build_setting(cli, make_project):
    root = make_project({"zinekit.toml": "[build]\ntheme = \"pamphlet\"\npagesize = \"A5\"\n",
                         "a.md": "---\ntitle: A\n---\nText.\n"})
    code, errors = errors_of(cli, root, "a.md")
    assert code == 1
    assert errors == ["zinekit.toml:3:1: error: unknown [build] key 'pagesize' (did you mean 'page_size'?)"]


def test_front_matter_lines_keep_body_line_numbers():
    text = "---\ntitle: A\n---\nline four\n"
    front = split_front_matter(text, "a.md", Diagnostics())
    assert front.body.split("\n")[3] == "line four"
    assert front.data == {"title": "A"}


@pytest.mark.parametrize("size,expected", [("A5", (419.5, 595.3)), ("half-letter", (396.0, 612.0)),
                                           ("quarter-letter", (306.0, 396.0)), ("A6", (297.6, 419.5)),
                                           ("120x180mm", (340.2, 510.2))])
def test_page_sizes(size, expected):
    from zinekit.pages import parse_page_size

    page = parse_page_size(size)
    assert (round(page.width, 1), round(page.height, 1)) == expected


def test_bad_page_size_is_located(cli, make_project):
    root = make_project({"a.md": "---\ntitle: A\npage_size: B12\n---\nText.\n"})
    code, errors = errors_of(cli, root, "a.md")
    assert code == 1
    assert errors[0].startswith("a.md:3:1: error: unknown page size 'B12'")


FRONT_MATTERS = [
    "title: Pamphlet 1\nseries: Bench Library\nvolume: 1\ndate: 2026-01-02\n",
    "title: \"Quoted: with colon\"\nauthors: [A. Nonymous, 'B. Side']\nvolume: 3.5\n",
    "date: 2026-02-30\ncover: cover.jpg\n",  # no such day: kept as its text
    "titre: Lʼaube\nрусский: заголовок\nnested:\n  - a: 1\n    b: [x, {y: z}]\n",
    "number: '123456789012345678901234567890'\nempty:\nflag: yes\n",
    "include:\n  - texts/a.md\n  - {source: texts/b.md, chapters: [2, 3]}\n",
]


@pytest.mark.parametrize("text", FRONT_MATTERS)
def test_libyaml_reads_front_matter_as_pyyaml_does(text: str):
    """Front matter is read with libyaml when PyYAML has it: the same data, the same
    types (a day that does not exist included) and the same key lines as PyYAML's own
    parser."""
    from zinekit.safety import limits

    if len(limits.YAML_LOADERS) == 1:
        pytest.skip("PyYAML without libyaml")
    fast, own = (limits._load_yaml(text, loader) for loader in limits.YAML_LOADERS)
    assert fast[0] == own[0]
    assert [type(v) for v in fast[0].values()] == [type(v) for v in own[0].values()]
    assert [(k.value, k.start_mark.line, k.start_mark.column) for k, _ in fast[1].value] == \
        [(k.value, k.start_mark.line, k.start_mark.column) for k, _ in own[1].value]


@pytest.mark.parametrize("text, message", [
    ("a: " + "[" * 60 + "]" * 60 + "\n", "nested more than 50 levels deep"),
    ("n: 1" + "0" * 4400 + "\n", "a number of 4401 digits"),
])
def test_bounds_hold_on_either_parser(text: str, message: str):
    from zinekit.safety import limits

    for loader in limits.YAML_LOADERS:
        with pytest.raises(limits.Problem) as caught:
            limits._load_yaml(text, loader)
        assert caught.value.message.startswith(message)
