"""`zinekit check` answers from the text alone, and commands that make no PDF never load
WeasyPrint.

Each command runs in a new process, as an editor runs it; a small runner prints which
of the PDF libraries it loaded.  A check on a text of 10,000 notes is bounded by what it
loads (no layout engine) and a generous time limit, not by a timed assertion; its
figures are benchmarks/bench_check.py's.  The check still reports every problem of the
text, located, with the build's exit codes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import hostile
from tests.conftest import REPO
from zinekit.render import fonts

#: Runs ``zinekit ARGS`` in this process, then prints the PDF libraries it loaded.
RUNNER = """
import json, runpy, sys
sys.argv = ["zinekit", *sys.argv[1:]]
try:
    runpy.run_module("zinekit", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
loaded = sorted({name.split(".")[0] for name in sys.modules} & {"weasyprint", "pydyf"})
print("LOADED " + json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""

FRONT = "---\ntitle: Night Shift\nauthors: [Ana Field]\n---\n\n"


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """Each test's own cache folder: what the fonts cover is learnt afresh."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def loaded_by(cwd: Path, *args: str, timeout: float = 120) -> tuple[int, list[str], str]:
    """(exit status, PDF libraries loaded, stderr) of ``zinekit ARGS`` in a new process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", RUNNER, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)
    line = next(l for l in proc.stderr.splitlines() if l.startswith("LOADED "))
    found = json.loads(line[len("LOADED "):])
    return found["code"] or 0, found["loaded"], proc.stderr


def notes_text(count: int) -> str:
    body = "".join(f"Line {n} of the text, with its note.[^n{n}]\n\n" for n in range(1, count + 1))
    return FRONT + body + "".join(f"[^n{n}]: Note {n}.\n" for n in range(1, count + 1))


# --- what each command loads -----------------------------------------------------------------


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "notes.md").write_text(notes_text(20), encoding="utf-8")
    (root / "letter.txt").write_text("Dear editors,\n\nthe roof leaks.\n", encoding="utf-8")
    (root / "zinekit.toml").write_text(
        '[series]\nname = "Small Hours"\n\n[[issues]]\nvolume = 1\npdf = "back/vol1.pdf"\n'
        '\n[[issues]]\nvolume = 2\nsource = "notes.md"\n',
        encoding="utf-8")
    hostile.write(root / "back" / "vol1.pdf", hostile.small_pdf(4))
    return root


@pytest.mark.parametrize("args", [
    ("--help",),
    ("check", "notes.md"),
    ("import", "letter.txt", "-o", "letter.md"),
    ("catalog", "."),
    ("build", "notes.md", "--format", "epub", "--out", "out-epub"),
    ("build", "notes.md", "--format", "html", "--out", "out-html"),
], ids=lambda args: " ".join(args[:1] + tuple(a for a in args[1:] if a in ("epub", "html"))))
def test_a_command_that_makes_no_pdf_loads_no_weasyprint(project, args):
    code, loaded, stderr = loaded_by(project, *args)
    assert code == 0, stderr
    assert loaded == [], f"zinekit {' '.join(args)} loaded {loaded}"


def test_a_pdf_build_still_loads_weasyprint(project):
    """The runner sees what a command loads (else the test above proves nothing)."""
    code, loaded, stderr = loaded_by(project, "build", "notes.md", "--format", "pdf",
                                     "--out", "out-pdf")
    assert code == 0, stderr
    assert "weasyprint" in loaded


def test_check_of_ten_thousand_notes_lays_nothing_out(tmp_path):
    (tmp_path / "notes.md").write_text(notes_text(10_000), encoding="utf-8")
    code, loaded, stderr = loaded_by(tmp_path, "check", "notes.md", timeout=180)
    assert code == 0, stderr
    assert loaded == []
    assert "no problems found" in stderr
    assert not (tmp_path / "dist").exists()


# --- what check reports ------------------------------------------------------------------------


BIB = "@book{fisk2009,\n  author = {Mark Fisk},\n  title = {Capitalist Realism},\n  year = {2009},\n}\n"


def test_check_reports_the_texts_problems_located(cli, make_project):
    root = make_project({
        "notes.md": FRONT + "A reply [see Nowhere At All].\n\n"
                    "As argued [@nobody2001].\n\n"
                    "![A map of the depot](map.png)\n\n"
                    "![The yard](yard.png)\n",
        "refs.bib": BIB,
        "yard.png": "not a picture\n",
    })
    run = cli("check", "notes.md", cwd=root)
    assert run.exit_code == 1
    assert run.output.splitlines() == [
        "notes.md:6:14: warning: cross-reference 'see Nowhere At All' names no known text (no "
        "article or issue titled \"Nowhere At All\" in the catalog); left as written",
        "notes.md:8:11: error: citation key 'nobody2001' is not in refs.bib",
        "notes.md:10:1: error: image not found: map.png",
        "notes.md:12:1: error: image could not be loaded (not an image, or damaged): yard.png",
        "check found 3 errors",
    ]
    assert not (root / "dist").exists()


def test_warnings_alone_exit_0_and_fail_with_strict(cli, make_project):
    root = make_project({"notes.md": FRONT + "A reply [see Nowhere At All].\n"})
    run = cli("check", "notes.md", cwd=root)
    assert run.exit_code == 0
    assert "notes.md:6:14: warning: cross-reference 'see Nowhere At All'" in run.output
    assert cli("check", "notes.md", "--strict", cwd=root).exit_code == 1


def test_a_clean_text_has_no_problems(cli, make_project):
    root = make_project({"notes.md": FRONT + "A line.[^1]\n\n[^1]: Its note.\n"})
    run = cli("check", "notes.md", cwd=root)
    assert run.exit_code == 0
    assert run.output == "no problems found\n"


def test_characters_no_font_has_are_reported_without_a_layout(cli, make_project, monkeypatch):
    monkeypatch.setattr(fonts, "system_coverage", lambda: frozenset(range(0x0, 0x0530)))
    root = make_project({"notes.md": FRONT + "The sign read 夜勤.\n"})
    run = cli("check", "notes.md", cwd=root)
    assert run.exit_code == 0
    assert run.output.startswith(
        "notes.md:6:15: warning: no available font has '夜勤' (U+591C, U+52E4); these "
        "characters would print as empty boxes")


def test_a_damaged_theme_font_is_an_error(cli, make_project):
    root = make_project({  # theme/ beside the text overrides the theme's files
        "notes.md": FRONT + "Text.\n",
        "theme/fonts/LinLibertine-Regular.otf": "not a font\n",
    })
    run = cli("check", "notes.md", cwd=root)
    assert run.exit_code == 1
    assert "LinLibertine-Regular.otf: error: font file cannot be read (damaged, or not a font)" \
        in run.output


def test_what_a_font_covers_is_learnt_once(make_project, tmp_path):
    """The second check reads the cache, not the fonts: the same answer."""
    from zinekit.render import font_cache

    font = next((REPO / "themes" / "pamphlet" / "fonts").glob("*.otf"))
    fonts.font_file_coverage.cache_clear()
    first = fonts.font_file_coverage(str(font))
    fonts.font_file_coverage.cache_clear()
    font_cache._read.clear()
    stored = json.loads((tmp_path / "cache" / "zinekit" / "font-facts.json").read_text())
    assert len(stored["fonts"]) == 1
    assert fonts.font_file_coverage(str(font)) == first and ord("A") in first
    fonts.font_file_coverage.cache_clear()
