"""Inputs of a few KB that expand to gigabytes or to hours: each is refused (or read
whole) before it expands, with its exact located message, in seconds.

Every case runs zinekit in a child process limited to 2 GB of address space and a
minute (a regression then fails here instead of eating the machine); the bounds
themselves are listed in docs/security.md ("Bounds: memory and time").
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests import hostile
from tests.conftest import REPO

LIMIT = 2 << 30  # bytes of address space for the child
SECONDS = 60  # the child is killed past this; each case takes a few seconds
QUICK = 30  # a refusal must come sooner than this, even on a busy machine
ENV = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def zinekit(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m zinekit ARGS`` in ``cwd`` under the limits; ``.seconds`` is its time."""
    start = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "zinekit", *args], cwd=cwd, env=ENV,
                         capture_output=True, text=True, timeout=SECONDS, preexec_fn=_limited)
    run.seconds = time.monotonic() - start  # type: ignore[attr-defined]
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    return run


def refused(run: subprocess.CompletedProcess, message: str) -> None:
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    assert message in run.stderr + run.stdout, run.stderr + run.stdout
    assert run.seconds < QUICK, run.seconds  # type: ignore[attr-defined]


def issue(folder: Path, front: str = "title: Bombs\n", body: str = "Some words.\n") -> Path:
    (folder / "issue.md").write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return folder / "issue.md"


# --- packages (.docx, .odt) --------------------------------------------------------------

CONTENT_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/content-types"/>')


def package(path: Path, members: dict[str, bytes], level: int = 9) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as out:
        out.writestr("[Content_Types].xml", CONTENT_TYPES)
        for name, data in members.items():
            out.writestr(name, data)
    return path


@pytest.mark.parametrize("ending,kind", [("docx", "a Word document"),
                                         ("odt", "an OpenDocument text")])
def test_a_zip_bomb_is_refused_from_its_directory(tmp_path, ending, kind):
    bomb = package(tmp_path / f"bomb.{ending}", {"media/image1.png": bytes(20_000_000)})
    member = zipfile.ZipFile(bomb).getinfo("media/image1.png")
    ratio = member.file_size / member.compress_size
    run = zinekit(tmp_path, "import", bomb.name, "-o", "out.md")
    refused(run, f"bomb.{ending}: error: {kind} is refused: media/image1.png unpacks to "
                 f"{ratio:,.0f} times its packed size (at most 200: a zip bomb?)")
    assert not (tmp_path / "out.md").exists()


def test_a_package_of_too_much_xml_is_refused(tmp_path):
    package(tmp_path / "long.docx", {"word/document.xml": b" " * 9_000_000})
    refused(zinekit(tmp_path, "import", "long.docx", "-o", "out.md"),
            "long.docx: error: a Word document is refused: its XML unpacks to 9.0 MB "
            "(at most 8.0 MB)")


def test_a_package_unpacking_past_200_mb_is_refused(tmp_path):
    members = {f"media/part{i}.bin": os.urandom(64) + bytes(8_000_000) for i in range(26)}
    bomb = package(tmp_path / "big.docx", members, level=1)
    refused(zinekit(tmp_path, "import", "big.docx", "-o", "out.md"),
            "big.docx: error: a Word document is refused: its files unpack to 208 MB "
            "(at most 200 MB)")


def test_a_package_of_too_many_files_is_refused(tmp_path):
    package(tmp_path / "many.odt", {f"f{i}.txt": b"" for i in range(5_001)})
    refused(zinekit(tmp_path, "import", "many.odt", "-o", "out.md"),
            "many.odt: error: an OpenDocument text is refused: it holds 5,002 files "
            "(at most 5,000)")


def test_an_xml_member_declaring_entities_is_refused(tmp_path):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document>&b;</w:document>')
    package(tmp_path / "laughs.docx", {"word/document.xml": laughs})
    refused(zinekit(tmp_path, "import", "laughs.docx", "-o", "out.md"),
            "laughs.docx: error: a Word document is refused: word/document.xml declares a "
            "DOCTYPE (entities), which no office program writes")


# --- front matter and TOML ----------------------------------------------------------------

LAUGHS = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]\n" for i in range(1, 9))


def test_a_billion_laughs_in_front_matter_is_refused(tmp_path):
    issue(tmp_path, "title: Bombs\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
          + LAUGHS)
    refused(zinekit(tmp_path, "check", "issue.md"),
            'issue.md:8:10: error: front matter is refused: its aliases expand to more than '
            '100,000 values (a "billion laughs" document)')


def test_a_billion_laughs_in_a_post_is_refused_on_import(tmp_path):
    (tmp_path / "post.md").write_text("---\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                                      + LAUGHS + "---\nWords.\n", encoding="utf-8")
    refused(zinekit(tmp_path, "import", "post.md", "-o", "out.md"),
            'post.md:7:10: error: front matter is refused: its aliases expand to more than '
            '100,000 values (a "billion laughs" document)')
    assert not (tmp_path / "out.md").exists()


def test_a_value_holding_itself_is_a_located_error(tmp_path):
    issue(tmp_path, "title: Bombs\nx-loop: &a [1, *a]\n")
    refused(zinekit(tmp_path, "check", "issue.md"),
            "issue.md:3:16: error: front matter is refused: *a is inside &a: a value that "
            "holds itself")
    (tmp_path / "post.md").write_text("---\nloop: &a {b: *a}\n---\nWords.\n")
    refused(zinekit(tmp_path, "import", "post.md", "-o", "out.md"),
            "post.md:2:14: error: front matter is refused: *a is inside &a: a value that "
            "holds itself")


def test_anchors_used_a_few_times_are_read(tmp_path):
    issue(tmp_path, "title: Bombs\nx-who: &who [Ana, Bo]\nx-again: *who\n")
    run = zinekit(tmp_path, "check", "issue.md")
    assert run.returncode == 0, run.stderr


def test_nested_front_matter_is_a_located_error(tmp_path):
    nested = "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "end: 1\n"
    issue(tmp_path, "title: Bombs\nx-deep:\n" + "".join("  " + line + "\n"
                                                       for line in nested.splitlines()))
    refused(zinekit(tmp_path, "check", "issue.md"),
            "error: front matter is refused: nested more than 50 levels deep")


def test_a_dotted_toml_key_bomb_is_refused(tmp_path):
    issue(tmp_path)
    (tmp_path / "zinekit.toml").write_text("[build]\n" + ".".join(["a"] * 100_000) + " = 1\n")
    refused(zinekit(tmp_path, "check", "issue.md"),
            "zinekit.toml:2:2: error: zinekit.toml is refused: a dotted key of more than 50 parts")


def test_a_dotted_key_bomb_in_hugo_front_matter_is_refused(tmp_path):
    (tmp_path / "post.md").write_text("+++\n" + ".".join(["a"] * 100_000) + " = 1\n+++\nWords.\n")
    refused(zinekit(tmp_path, "import", "post.md", "-o", "out.md"),
            "post.md:2:2: error: front matter is refused: a dotted key of more than 50 parts")


def test_ten_thousand_unknown_keys_are_counted_in_one_line(tmp_path):
    issue(tmp_path)
    (tmp_path / "zinekit.toml").write_text("".join(f"k{i} = 1\n" for i in range(10_000)))
    run = zinekit(tmp_path, "check", "issue.md")
    refused(run, "zinekit.toml:6:1: error: ... and 9,995 more unknown keys ('k5', 'k6', 'k7', …)")
    assert "zinekit.toml:5:1: error: unknown table or key 'k4' in zinekit.toml" in run.stderr
    assert "'k5' in zinekit.toml" not in run.stderr
    assert run.stderr.count("error:") == 6


# --- SVG images ---------------------------------------------------------------------------

SVG_HEAD = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
            ' width="100" height="100">\n')


def use_bomb(levels: int = 9) -> str:
    groups = "".join(f'<g id="l{i}">' + "".join(f'<use xlink:href="#l{i - 1}" x="{j}"/>'
                                                 for j in range(9)) + "</g>\n"
                     for i in range(1, levels + 1))
    return (SVG_HEAD + '<defs>\n<rect id="l0" width="1" height="1"/>\n' + groups
            + f'</defs>\n<use xlink:href="#l{levels}"/>\n</svg>\n')


@pytest.mark.parametrize("svg,message", [
    (use_bomb(), "(line 9 of the SVG): its references draw more than 200,000 elements "
                 "(an SVG bomb?)"),
    (SVG_HEAD + '<g id="a"><use href="#a"/></g></svg>',
     "(line 2 of the SVG): reference to #a leads back to itself"),
    (SVG_HEAD + "".join(f'<g id="g{i}"><use href="#g{i + 1}"/></g>\n' for i in range(30))
     + '<rect id="g30" width="1" height="1"/></svg>',
     "(line 22 of the SVG): references followed more than 20 deep"),
], ids=["use-bomb", "circle", "deep"])
def test_an_svg_reference_bomb_is_refused_before_layout(tmp_path, svg, message):
    (tmp_path / "drawing.svg").write_text(svg)
    issue(tmp_path, body="Words.\n\n![A drawing](drawing.svg)\n")
    refused(zinekit(tmp_path, "check", "issue.md"),
            f"issue.md:7:1: error: image drawing.svg is refused {message}")


# --- text formats -------------------------------------------------------------------------


def test_html_nested_300_deep_keeps_every_word(tmp_path):
    (tmp_path / "deep.html").write_text("<html><body><article>" + "<div>" * 300
                                        + "<p>the words at the bottom</p>" + "</div>" * 300
                                        + "<p>and after</p></article></body></html>")
    run = zinekit(tmp_path, "import", "deep.html", "-o", "out.md")
    assert run.returncode == 0, run.stderr
    assert ("deep.html:1:1: warning: HTML nested more than 40 elements deep: the 261 "
            "elements below that unwrapped (their words kept, their nesting flattened)"
            ) in run.stderr
    out = (tmp_path / "out.md").read_text()
    assert "the words at the bottom" in out and "and after" in out


def test_blockquotes_nested_3000_deep_keep_every_word(tmp_path):
    (tmp_path / "quotes.html").write_text(
        "<html><body><article>\n" + "<blockquote>\n" * 3000 + "<p>the deepest words</p>\n"
        + "</blockquote>\n" * 3000 + "<p>and after</p></article></body></html>\n")
    run = zinekit(tmp_path, "import", "quotes.html", "-o", "out.md")
    assert run.returncode == 0, run.stderr
    assert ("quotes.html:999:1: warning: HTML nested more than 1,000 elements deep: 4,006 "
            "tags below that taken out, their words kept") in run.stderr
    assert "HTML nested more than 40 elements deep" in run.stderr
    out = (tmp_path / "out.md").read_text()
    assert "the deepest words" in out and "and after" in out
    assert run.seconds < QUICK  # type: ignore[attr-defined]


def test_many_footnote_calls_of_one_label_import_quickly():
    from zinekit.importer.html import import_html

    n = 2_000
    page = ("<html><body><article><p>" + "".join(f'w<sup><a href="#n{i}">1</a></sup> '
                                                 for i in range(n))
            + "</p>" + "".join(f'<p id="n{i}">note {i}</p>' for i in range(n))
            + "</article></body></html>")
    start = time.monotonic()
    body = import_html(page, "notes.html").body
    assert time.monotonic() - start < QUICK
    assert "w[^1] w[^1b] w[^1-3]" in body and f"[^1-{n}]: note {n - 1}" in body


def test_unclosed_liquid_tags_are_read_in_linear_time(tmp_path):
    (tmp_path / "post.md").write_text("---\ntitle: T\n---\n\n" + "{% x " * 50_000 + "\n")
    run = zinekit(tmp_path, "import", "post.md", "-o", "out.md")
    assert run.returncode == 0, run.stderr
    assert run.seconds < QUICK  # type: ignore[attr-defined]


def test_unclosed_muse_literals_are_masked_in_linear_time():
    from zinekit.importer.muse import _masked

    text = "<example x\n" * 200_000 + "<verbatim>[1]</verbatim> {{{ [2] }}}"
    start = time.monotonic()
    masked = _masked(text)
    assert time.monotonic() - start < 2
    assert len(masked) == len(text) and "[1]" not in masked and "[2]" not in masked


def test_muse_beyond_pandocs_memory_is_refused(tmp_path, monkeypatch):
    from zinekit.errors import SourceError
    from zinekit.importer import pandoc
    from zinekit.importer.muse import import_muse

    monkeypatch.setattr(pandoc, "PANDOC_HEAP_MB", 8)
    text = "#title T\n\n" + "".join(f"Word[{i}] " for i in range(1, 3001)) + "\n\n" + \
        "".join(f"[{i}] Note {i}.\n\n" for i in range(1, 3001))
    with pytest.raises(SourceError) as caught:
        import_muse(text, "notes.muse")
    assert caught.value.message == ("notes.muse: error: is refused: reading it as muse takes "
                                    "pandoc more than 8 MB of memory (split the text into "
                                    "parts and import each)")


# --- preflight ----------------------------------------------------------------------------


def test_preflight_refuses_forms_fanning_out(tmp_path):
    hostile.write(tmp_path / "fan.pdf", hostile.form_fanout_pdf(levels=10, fan=10))
    refused(zinekit(tmp_path, "preflight", "fan.pdf"),
            "fan.pdf: page 1: error: its pages draw more than 5,000,000 operators (forms "
            "drawing forms many times over: a PDF bomb?); not checked further")


def test_preflight_checks_pages_sharing_content_once(tmp_path):
    hostile.write(tmp_path / "shared.pdf", hostile.shared_content_pdf(pages=2000, operators=5000))
    run = zinekit(tmp_path, "preflight", "shared.pdf")
    assert run.returncode == 0, run.stderr
    assert "shared.pdf: 2000 pages checked, 0 errors" in run.stdout + run.stderr
    assert run.seconds < QUICK  # type: ignore[attr-defined]


def test_an_svg_bomb_as_the_cover_is_refused(tmp_path):
    (tmp_path / "front.svg").write_text(use_bomb())
    issue(tmp_path, "title: Bombs\ncover: front.svg\n")
    refused(zinekit(tmp_path, "check", "issue.md"),
            "issue.md:3:1: error: image front.svg is refused (line 9 of the SVG): its references "
            "draw more than 200,000 elements (an SVG bomb?)")
