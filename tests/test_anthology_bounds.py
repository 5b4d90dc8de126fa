"""What an anthology refuses, each with a located message and exit status 1, never a
traceback: a text included twice, more entries than the bound, itself, another
anthology, a file that is no Markdown text of the library, and a spec whose values
have the wrong types."""

from __future__ import annotations

import datetime
import json
import os
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SERIES = """\
[series]
name = "Yard Notes"

[[issues]]
volume = 5
source = "book.md"

[[issues]]
volume = 6
source = "reader.md"
"""

BOOK = "---\ntitle: The Porch Book\nvolume: 5\n---\n\n# Part A\n\nAlpha.\n\n# Part B\n\nBravo.\n"


def library(make_project, reader: str, **files: str) -> Path:
    return make_project({"zinekit.toml": SERIES, "book.md": BOOK, "reader.md": reader, **files})


def spec(*tables: str) -> str:
    return '[anthology]\ntitle = "A Reader"\n' + "".join(f"\n[[texts]]\n{t}\n" for t in tables)


def test_a_text_included_twice_is_refused_where_it_is_named_again(cli, make_project):
    root = library(make_project, "", **{"r.toml": spec('source = "book.md"', 'source = "book.md"\nchapters = ["Part B"]',
                                                       'text = "The Porch Book"')})
    run = cli("anthology", "r.toml", "--estimate", cwd=root)
    assert run.exit_code == 1
    assert run.stderr.splitlines()[:2] == [
        "r.toml:7:1: error: include 'book.md#Part B': its text is already in the anthology "
        "(include 'book.md', line 4); each text is included once",
        "r.toml:11:1: error: include 'The Porch Book': its text is already in the anthology "
        "(include 'book.md', line 4); each text is included once"]


def test_a_chapter_inside_a_chapter_already_included_is_refused(cli, make_project):
    book = "---\ntitle: One\n---\n\n# One\n\n## Two\n\nText.\n"
    root = make_project({"one.md": book, "r.toml": spec('source = "one.md"\nchapters = ["One", "Two"]')})
    run = cli("anthology", "r.toml", "--estimate", cwd=root)
    assert run.exit_code == 1
    assert run.stderr.splitlines()[0] == (
        "r.toml:4:1: error: include 'one.md#Two': its text is already in the anthology "
        "(include 'one.md#One', line 4); each text is included once")


def test_ten_thousand_entries_are_refused_at_once(cli, make_project):
    root = library(make_project, "", **{"r.toml": spec(*['source = "book.md"'] * 10_000)})
    started = time.monotonic()
    run = cli("anthology", "r.toml", "--estimate", cwd=root)
    assert time.monotonic() - started < 30
    assert run.exit_code == 1
    assert run.stderr.splitlines()[0] == (
        "r.toml:3004:1: error: the anthology lists 10,000 texts and chapters; at most 1,000 are included")


def test_a_thousand_copies_of_one_text_take_linear_time(cli, make_project):
    root = library(make_project, "", **{"r.toml": spec(*['source = "book.md"'] * 1000)})
    started = time.monotonic()
    run = cli("anthology", "r.toml", "--estimate", cwd=root)
    assert time.monotonic() - started < 30
    assert run.exit_code == 1
    assert "error: ... and 994 more like: include 'book.md': its text is already" in run.stderr


def test_an_anthology_that_includes_itself_is_refused_however_it_names_itself(cli, make_project):
    reader = ("---\ntitle: A Reader\nvolume: 6\ninclude:\n  - A Reader\n  - Yard Notes vol.6\n"
              "  - reader.md\n  - ./reader.md#introduction\n---\n\nThe introduction.\n")
    root = library(make_project, reader)
    run = cli("build", "reader.md", "--format", "pdf", cwd=root)
    assert run.exit_code == 1
    assert run.stderr.splitlines()[:4] == [
        f"reader.md:{line}:1: error: include '{entry}': an anthology cannot include itself"
        for line, entry in ((5, "A Reader"), (6, "Yard Notes vol.6"), (7, "reader.md"),
                            (8, "./reader.md#introduction"))]
    assert not (root / "dist").exists()


def test_a_spec_that_names_itself_is_refused(cli, make_project):
    root = library(make_project, "", **{"r.toml": spec('source = "r.toml"')})
    run = cli("anthology", "r.toml", "--estimate", cwd=root)
    assert run.exit_code == 1
    assert run.stderr.splitlines()[0] == "r.toml:4:1: error: include 'r.toml': an anthology cannot include itself"


def test_another_anthology_is_refused(cli, make_project):
    root = library(make_project, "---\ntitle: A Reader\nvolume: 6\ninclude: [book.md]\n---\n",
                   **{"r.toml": spec('text = "A Reader"', 'source = "reader.md"')})
    run = cli("anthology", "r.toml", "--estimate", cwd=root)
    assert run.exit_code == 1
    assert run.stderr.splitlines()[:2] == [
        "r.toml:4:1: error: include 'A Reader': A Reader is an anthology itself; include its texts instead",
        "r.toml:7:1: error: include 'reader.md': reader.md is an anthology itself; include its texts instead"]


def test_only_markdown_texts_and_issue_folders_of_the_library_are_included(cli, make_project, tmp_path):
    root = library(make_project, "", **{"back.pdf": "%PDF-1.4\n", "empty/notes.txt": "",
                                        "r.toml": spec(*[f'source = "{s}"' for s in
                                                         ("pipe.md", "back.pdf", "empty", "../outside.md")])})
    os.mkfifo(root / "pipe.md")
    (tmp_path.parent / "outside.md").write_text("# Out\n", encoding="utf-8")
    started = time.monotonic()
    run = cli("anthology", "r.toml", "--estimate", cwd=root)
    assert time.monotonic() - started < 30  # the pipe was never opened
    assert run.exit_code == 1
    assert run.stderr.splitlines()[:4] == [
        "r.toml:4:1: error: include 'pipe.md': pipe.md is a named pipe, not a regular file; not read",
        "r.toml:7:1: error: include 'back.pdf': back.pdf is not a Markdown file (.md) or an issue "
        "folder; only texts zinekit builds can be included",
        "r.toml:10:1: error: include 'empty': empty is a folder with no issue.md; an issue folder needs one",
        "r.toml:13:1: error: include '../outside.md': ../outside.md is outside the library folder; not read"]


def test_values_of_the_wrong_type_are_located_errors_naming_key_and_type(cli, make_project):
    root = library(make_project, "", **{
        "a.toml": 'anthology = 3\ntexts = "x"\n',
        "b.toml": spec('source = "book.md"\nchapters = 3', "source = { a = 1 }",
                       'source = "book.md"\nchapters = ["Part A", 4]', 'sauce = "book.md"',
                       'text = "Part A"\nchapters = ["Part A"]'),
        "c.toml": '[anthology]\ntitle = "T"\n\ntexts = ["x", 3]\n'})
    runs = {name: cli("anthology", name, "--estimate", cwd=root) for name in ("a.toml", "b.toml")}
    assert {run.exit_code for run in runs.values()} == {1}
    assert runs["a.toml"].stderr.splitlines()[:2] == [
        "a.toml:1:1: error: 'anthology' must be a table ([anthology]), not a whole number",
        "a.toml:2:1: error: 'texts' must be an array of tables ([[texts]]), not text"]
    assert runs["b.toml"].stderr.splitlines()[:5] == [
        "b.toml:4:1: error: [[texts]] key 'chapters' must be a list of text, not a whole number",
        "b.toml:8:1: error: [[texts]] key 'source' must be text, not a table",
        "b.toml:11:1: error: [[texts]] key 'chapters' must be a list of text, not a list holding a whole number",
        "b.toml:15:1: error: unknown [[texts]] key 'sauce' (it takes source, text and chapters)",
        "b.toml:18:1: error: [[texts]] key 'chapters' goes with source = \"path\"; a text named with "
        "text = \"…\" is included as the reference names it"]


# --- any spec: a located error or an anthology, never a traceback -----------------------------

SCALARS = st.one_of(
    st.sampled_from(["book.md", "book.md#Part A", "Part B", "Yard Notes vol.5", "The Porch Book",
                     "nowhere", "", "#", "..", "../x.md", "reader.md", "pipe.md", "A Reader"]),
    st.text(max_size=8), st.integers(-3, 10**20), st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False), st.just(datetime.date(2020, 5, 1)))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["source", "text", "a"]), inner, max_size=2)),
    max_leaves=6)
TEXT_TABLES = st.dictionaries(st.sampled_from(["source", "text", "chapters", "extra", "x-note"]), VALUES,
                              max_size=3)


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


@st.composite
def specs(draw) -> str:
    anthology = draw(st.one_of(st.dictionaries(st.sampled_from(["title", "language", "include", "volume"]),
                                               VALUES, max_size=2), VALUES))
    lines = [f"anthology = {toml_value(anthology)}"]
    if draw(st.booleans()):
        lines.append(f"texts = {toml_value(draw(VALUES))}")
    else:
        for table in draw(st.lists(TEXT_TABLES, max_size=3)):
            lines += ["[[texts]]"] + [f"{json.dumps(k)} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(specs())
def test_any_spec_is_an_anthology_or_located_errors(cli, text):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, content in {"zinekit.toml": SERIES, "book.md": BOOK,
                              "reader.md": "---\ntitle: A Reader\nvolume: 6\ninclude: [book.md]\n---\n",
                              "r.toml": text}.items():
            (root / name).write_text(content, encoding="utf-8")
        os.mkfifo(root / "pipe.md")
        run = cli("anthology", "r.toml", "--estimate", cwd=root)  # raises on a traceback
    assert run.exit_code in (0, 1), (run.exit_code, run.output)
    if run.exit_code == 1:
        assert all(line.startswith(("r.toml:", "error: ... and ")) for line in run.stderr.splitlines()[:-1]), run.stderr
