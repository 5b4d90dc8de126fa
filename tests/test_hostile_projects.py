"""Hostile projects: a project folder cloned from someone else runs no code, writes
nothing outside itself, reads no file that never ends, and says which file is wrong.

Each case is a small project written here; the build runs in-process.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from tests.conftest import REPO
from zinekit.cli import main  # noqa: F401 - the cli fixture runs it

NOTES = "---\ntitle: A Hostile Pamphlet\nlicense: Anti-copyright\n---\n\nSome text.\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n") if text.startswith("\n") else text,
                        encoding="utf-8")
    return root


def errors(run) -> list[str]:
    return [line for line in run.stderr.splitlines() if ": error: " in line or line.startswith("error:")]


# --- 1. theme templates run in a sandbox ------------------------------------------------------

ESCAPES = {
    "cycler globals": ("{{ cycler.__init__.__globals__.os.system('touch PWNED') }}",
                       "refused by the template sandbox: access to attribute '__init__' of 'type' "
                       "object is unsafe."),
    "builtins open": ("{{ joiner.__init__.__globals__.__builtins__.open('SECRET').read() }}",
                      "refused by the template sandbox: access to attribute '__init__' of 'type' "
                      "object is unsafe."),
    "class mro": ("{{ ''.__class__.__mro__[1].__subclasses__() }}",
                  "refused by the template sandbox: access to attribute '__class__' of 'str' "
                  "object is unsafe."),
    "config": ("{{ config.items() }}", "template error: 'config' is undefined"),
    "self": ("{{ self._TemplateReference__context.parent }}",
             "refused by the template sandbox: access to attribute "
             "'_TemplateReference__context' of 'TemplateReference' object is unsafe."),
    "lipsum globals": ("{{ lipsum.__globals__['os'].popen('touch PWNED').read() }}",
                       "refused by the template sandbox: access to attribute '__globals__' of "
                       "'function' object is unsafe."),
    "mutation": ("{% set shown = issue.authors %}{{ shown.append('x') }}",
                 "refused by the template sandbox: access to attribute 'append' of 'list' "
                 "object is unsafe."),
    "huge string": ("{{ 'a' * 100000000 }}", "refused by the template sandbox: the product is "
                    "too large"),
    "syntax error": ("{% for x in %}", "template syntax error: Expected an expression, got "
                     "'end of statement block'"),
}


@pytest.mark.parametrize("name", list(ESCAPES))
def test_theme_templates_cannot_escape_the_sandbox(tmp_path, cli, name):
    template, message = ESCAPES[name]
    (tmp_path / "SECRET").write_text("the secret\n")
    root = write(tmp_path / "project", {
        "notes.md": NOTES,
        "theme/templates/colophon.html": f"<p>A colophon</p>\n{template}\n"})
    run = cli("build", "notes.md", "--format", "pdf,epub,html", cwd=root)
    assert run.exit_code == 1, run
    assert errors(run) == [f"theme/templates/colophon.html:2: error: {message}"]
    assert not (root / "PWNED").exists() and not (tmp_path / "PWNED").exists()
    assert not (root / "dist").exists()


def test_the_web_templates_are_sandboxed_too(tmp_path, cli):
    root = write(tmp_path, {"notes.md": NOTES, "theme/templates/web/head.html":
                            "{{ cycler.__init__.__globals__.os.system('touch PWNED') }}\n"})
    run = cli("build", "notes.md", "--format", "html", cwd=root)
    assert run.exit_code == 1
    assert errors(run) == ["theme/templates/web/head.html:1: error: refused by the template "
                           "sandbox: access to attribute '__init__' of 'type' object is unsafe."]
    assert not (root / "PWNED").exists()


def test_the_bundled_themes_render_in_the_sandbox(tmp_path, cli):
    root = write(tmp_path, {"notes.md": NOTES + "\nMore text.[^1]\n\n[^1]: A note.\n"})
    for theme in ("pamphlet", "cutpaste"):
        run = cli("build", "notes.md", "--theme", theme, "--format", "pdf,epub,html", cwd=root)
        assert run.exit_code == 0, run


# --- 2. outputs stay inside the project --------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture
def site(tmp_path) -> Path:
    """Someone's web site beside the project, which a build must never write into."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text("<p>the site</p>\n")
    return folder


def test_a_dist_linking_outside_is_refused(tmp_path, cli, site):
    root = write(tmp_path / "project", {"zinekit.toml": '[series]\nname = "Z"\n\n[[issues]]\n'
                                        'volume = 1\nsource = "notes.md"\n', "notes.md": NOTES})
    (root / "dist").symlink_to(site)
    run = cli("build", cwd=root)
    assert run.exit_code == 1
    assert errors(run) == [f"dist: error: the output folder dist leads to {site} through a link, "
                           "outside the project folder; nothing is written there (remove the "
                           "link, or name the folder on the command line: --out DIR)"]
    assert snapshot(site) == {"index.html": b"<p>the site</p>\n"}


def test_an_issue_folder_linking_outside_is_refused(tmp_path, cli, site):
    root = write(tmp_path / "project", {"notes.md": NOTES})
    (root / "dist").mkdir()
    (root / "dist" / "notes").symlink_to(site)
    run = cli("build", "notes.md", "--format", "pdf", cwd=root)
    assert run.exit_code == 1
    assert errors(run) == [f"error: not written: dist/notes/notes.inventory.json: dist/notes "
                           f"leads to {site} through a link, outside the output folder dist"]
    assert snapshot(site) == {"index.html": b"<p>the site</p>\n"}


@pytest.mark.parametrize("out", ["../x", "{tmp}/abs", "sub/../../x"])
def test_an_out_setting_outside_the_project_is_refused(tmp_path, cli, out):
    out = out.format(tmp=tmp_path)
    root = write(tmp_path / "project", {"zinekit.toml": f'[build]\nout = "{out}"\n',
                                        "notes.md": NOTES})
    run = cli("build", "notes.md", "--format", "pdf", cwd=root)
    assert run.exit_code == 1
    assert errors(run) == [f"zinekit.toml:2:1: error: [build] out = {out!r} is outside the "
                           "project folder; nothing is written there (name an outside folder on "
                           "the command line: --out DIR)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]


def test_an_outside_out_named_on_the_command_line_is_followed(tmp_path, cli, site):
    root = write(tmp_path / "project", {"notes.md": NOTES})
    (root / "dist").symlink_to(site)
    run = cli("build", "notes.md", "--format", "pdf", "--out", str(site), cwd=root)
    assert run.exit_code == 0, run
    assert (site / "notes" / "notes.pdf").is_file()


# --- 3. raw HTML: an allow-list, every address checked -------------------------------------------

RAW = """\
<svg><animate attributeName="href" values="javascript:alert(1)"/><set to="javascript:alert(2)"/></svg>

<img src="map.png" srcset="map.png 1x, file:///etc/passwd 2x" alt="A map" longdesc="http://127.0.0.9/d">

<picture><source srcset="http://127.0.0.9/x.png"><source srcset="file:///etc/hosts"></picture>

<video src="file:///dev/zero" poster="javascript:alert(3)"></video> <a href="x.html" ping="http://127.0.0.9/p">a link</a>

<span style="background: u\\72 l(http://127.0.0.9/bg.png)">a span</span> and <sup>2</sup>.
"""


def test_raw_html_keeps_no_script_or_file_address_in_any_output(tmp_path, cli):
    import zipfile

    root = write(tmp_path, {"zinekit.toml": "[build]\nallow_html = true\n",
                            "notes.md": NOTES + "\n" + RAW})
    (root / "map.png").write_bytes(_tiny_png())
    run = cli("build", "notes.md", "--format", "pdf,epub,html", cwd=root)
    assert run.exit_code == 0, run
    removed = [line.split(": warning: raw HTML ")[1].split(" removed:")[0]
               for line in run.stderr.splitlines() if ": warning: raw HTML " in line]
    assert removed == ["<svg>", "<animate>", "<set>",
                       'srcset="map.png 1x, file:///etc/passwd 2x"', 'longdesc="http://127.0.0.9/d"',
                       'srcset="file:///etc/hosts"', 'src="file:///dev/zero"',
                       'poster="javascript:alert(3)"', 'ping="http://127.0.0.9/p"',
                       'style="background: u\\72 l(http://127.0.0.9/bg.png)"']
    dist = root / "dist" / "notes"
    with zipfile.ZipFile(dist / "notes.epub") as epub:
        texts = [epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml")]
    for text in [(dist / "index.html").read_text(), *texts]:
        assert "javascript:" not in text and "file:" not in text and "\\72" not in text
        assert "<animate" not in text and "ping=" not in text and "longdesc" not in text
    assert "<sup>2</sup>" in (dist / "index.html").read_text()


def _tiny_png() -> bytes:
    return bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a1d6c2a90000000049454e44ae426082")


# --- 6. the same bytes wherever the project folder lives ---------------------------------------


def _reproducible_project(root: Path) -> Path:
    """A two-issue series with an image in the Markdown, one in a project theme's CSS, a
    footnote, a citation and a cross-reference: every kind of file a build reads."""
    write(root, {
        "zinekit.toml": '[series]\nname = "Same Bytes"\n\n[[issues]]\nvolume = 1\n'
                        'source = "one.md"\n\n[[issues]]\nvolume = 2\nsource = "two/issue.md"\n',
        "refs.bib": "@book{fisk2009, author = {Mark Fisk}, title = {Capitalist Realism}, "
                    "year = {2009}}\n",
        "one.md": "---\ntitle: The First\nvolume: 1\n---\n\n## Depot {#depot}\n\n"
                  "![the depot](img/depot.png)\n\nA note.[^1] As argued [@fisk2009].\n\n"
                  "[^1]: The note.\n",
        "two/issue.md": "---\ntitle: The Second\nvolume: 2\n---\n\nSee [see Same Bytes vol.1 "
                        "#depot].\n\n![the map](map.png)\n",
        "theme/css/pamphlet-screen.css": "body { background: url(../paper.png) }\n",
        "theme/css/pamphlet.css": (REPO / "themes" / "pamphlet" / "css" / "pamphlet.css")
        .read_text(encoding="utf-8") + "\nh2 { background: url(../paper.png) }\n",
    })
    (root / "img").mkdir(exist_ok=True)
    for name in ("img/depot.png", "two/map.png", "theme/paper.png"):
        (root / name).write_bytes(_tiny_png())
    return root


@pytest.mark.slow
def test_outputs_are_the_same_bytes_in_any_folder_timezone_locale_and_jobs(tmp_path):
    import subprocess
    import sys

    builds = []
    for folder, jobs, extra in (("a", "1", {"TZ": "UTC", "LC_ALL": "C.UTF-8"}),
                                ("b/deeper/elsewhere", "2", {"TZ": "Pacific/Kiritimati",
                                                             "LC_ALL": "C"})):
        root = _reproducible_project(tmp_path / folder / "series")
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", **extra}
        proc = subprocess.run([sys.executable, "-m", "zinekit", "build", "--jobs", jobs, "--format",
                               "pdf,booklet,press,epub,html"], cwd=root, env=env,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        builds.append(snapshot(root / "dist"))
    assert len(builds[0]) >= 15 and any(name.endswith(".pdf") for name in builds[0])
    assert builds[0].keys() == builds[1].keys()
    different = [name for name in builds[0] if builds[0][name] != builds[1][name]]
    assert different == []
