"""Untrusted sources: building a contributor's Markdown reads no file outside the
project folder, makes no network request and runs no script; each blocked attempt is
reported where it is written.

Files are watched with an audit hook (every ``open`` Python makes during the build) and
the network with a local HTTP server that records the requests it receives.
"""

from __future__ import annotations

import os
import sys
import textwrap
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests import hostile
from zinekit.cli import main

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a1d6c2a90000000049454e44ae426082")

# --- what the build opens --------------------------------------------------------------------

_opened: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if _opened is not None and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


class Server(ThreadingHTTPServer):
    requests: list[str]


class _Recorder(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = Server(("127.0.0.1", 0), _Recorder)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()


@pytest.fixture
def outside(tmp_path) -> Path:
    """Files beside the project that a contributor's Markdown must not reach."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.png").write_bytes(PNG)
    (folder / "secret.bib").write_text("@book{secret, author = {A. Nonymous}, title = {Secret}, "
                                       "year = {2001}}\n")
    (folder / "secret.md").write_text("---\ntitle: Secret\n---\n\nSecret text.\n")
    (folder / "secret.css").write_text("body { color: red }\n")
    hostile.write(folder / "secret.pdf", hostile.small_pdf(2))
    theme = folder / "theme"
    theme.mkdir()
    (theme / "theme.toml").write_text('extends = "pamphlet"\n')
    return folder


def run(project: Path, outside: Path, server: Server, *args: str):
    """Build in-process, recording every file opened and every request received."""
    global _opened
    server.requests.clear()
    old = Path.cwd()
    os.chdir(project)
    _opened = []
    try:
        result = CliRunner().invoke(main, ["build", *args], catch_exceptions=True)
    finally:
        opened, _opened = _opened, None
        os.chdir(old)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    reached = sorted({p for p in opened if Path(p).resolve().is_relative_to(outside.resolve())})
    assert reached == [], f"read outside the project: {reached}"
    assert server.requests == [], f"requests made: {server.requests}"
    return result


def project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "project"
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def notes(body: str, front: str = "") -> str:
    return f"---\ntitle: Untrusted\n{front}---\n\n{body}\n"


def link(root: Path, name: str, target: Path) -> None:
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).symlink_to(target)


# --- images ---------------------------------------------------------------------------------

OUTSIDE = "it is outside the project folder"


@pytest.mark.parametrize("src", ["../outside/secret.png", "{outside}/secret.png", "/etc/passwd",
                                 "img/link.png"],
                         ids=["relative", "absolute", "etc-passwd", "symlink"])
def test_images_outside_the_project_are_refused(tmp_path, outside, server, src):
    src = src.format(outside=outside)
    root = project(tmp_path, {"notes.md": notes(f"![a secret]({src})")})
    link(root, "img/link.png", outside / "secret.png")
    result = run(root, outside, server, "notes.md", "--format", "pdf,booklet,epub,html")
    assert result.exit_code == 0, result.output
    assert f"notes.md:5:1: warning: not loaded: {src} ({OUTSIDE})" in result.stderr.splitlines()


@pytest.mark.parametrize("markdown", ["![a secret](file://{outside}/secret.png)",
                                      "[a secret](file://{outside}/secret.md)",
                                      "[click](javascript:alert(1))"])
def test_file_and_script_addresses_are_printed_as_written(tmp_path, outside, server, markdown):
    markdown = markdown.format(outside=outside)
    root = project(tmp_path, {"notes.md": notes(markdown)})
    result = run(root, outside, server, "notes.md", "--format", "pdf,html")
    assert result.exit_code == 0, result.output
    url = markdown.split("](", 1)[1][:-1]
    col = markdown.index("](") + 3
    assert (f"notes.md:5:{col}: warning: not followed: {url} (links and images to file:, "
            "javascript:, vbscript: or data: addresses are printed as written)") in result.stderr
    page = (root / "dist" / "notes" / "index.html").read_text(encoding="utf-8")
    assert f'href="{url}"' not in page and f'src="{url}"' not in page


def test_images_on_the_network_are_not_fetched(tmp_path, outside, server):
    url = f"http://127.0.0.1:{server.server_port}/map.png"
    root = project(tmp_path, {"notes.md": notes(f"Text.\n\n![a map]({url})")})
    result = run(root, outside, server, "notes.md", "--format", "pdf,booklet,epub,html")
    assert result.exit_code == 0, result.output
    assert (f"notes.md:7:1: warning: not loaded: {url} (the network is off (set allow_network = "
            "true in [build]))") in result.stderr.splitlines()


def test_the_cover_outside_the_project_is_refused(tmp_path, outside, server):
    root = project(tmp_path, {"notes.md": notes("Text.", front="cover: ../outside/secret.png\n")})
    result = run(root, outside, server, "notes.md")
    assert "notes.md:3:1: warning: not loaded: ../outside/secret.png" in result.stderr


# --- sources: articles, .bib, catalog PDFs, themes -------------------------------------------


def test_an_article_outside_the_project_is_refused(tmp_path, outside, server):
    root = project(tmp_path, {"issue/issue.md": "---\ntitle: Folder\narticles:\n  - one.md\n"
                                                "  - ../../outside/secret.md\n  - linked.md\n---\n",
                              "issue/one.md": "---\ntitle: One\n---\n\nText.\n"})
    link(root, "issue/linked.md", outside / "secret.md")
    result = run(root, outside, server, "issue")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    folder = root / "issue"  # the project folder of a folder issue with no zinekit.toml
    assert errors == [
        f"issue/issue.md:3:1: error: issue/../../outside/secret.md is outside the project folder "
        f"{folder}; not read",
        f"issue/issue.md:3:1: error: issue/linked.md is outside the project folder {folder}; not read"]


@pytest.mark.parametrize("bib", ["../outside/secret.bib", "{outside}/secret.bib", "linked.bib"])
def test_a_bibliography_outside_the_project_is_refused(tmp_path, outside, server, bib):
    bib = bib.format(outside=outside)
    root = project(tmp_path, {"notes.md": notes("As argued [@secret].", front=f"bibliography: {bib}\n")})
    link(root, "linked.bib", outside / "secret.bib")
    result = run(root, outside, server, "notes.md")
    assert result.exit_code == 1
    assert f"notes.md:3:1: error: bibliography '{bib}' is outside the project folder" in result.stderr


def test_a_linked_refs_bib_is_refused(tmp_path, outside, server):
    root = project(tmp_path, {"notes.md": notes("As argued [@secret].")})
    link(root, "refs.bib", outside / "secret.bib")
    result = run(root, outside, server, "notes.md")
    assert result.exit_code == 1
    assert result.stderr.startswith("refs.bib: error: refs.bib links to a file outside the "
                                    "project folder; not read\n")


@pytest.mark.parametrize("pdf", ["../outside/secret.pdf", "{outside}/secret.pdf", "back/linked.pdf"])
def test_a_catalog_pdf_outside_the_project_is_refused(tmp_path, outside, server, pdf):
    pdf = pdf.format(outside=outside)
    toml = (f'[series]\nname = "Z"\n\n[[issues]]\nvolume = 1\npdf = "{pdf}"\n\n'
            '[[issues]]\nvolume = 2\nsource = "notes.md"\n')
    root = project(tmp_path, {"zinekit.toml": toml,
                              "notes.md": notes("See [see Z vol.1 pg1].", front="volume: 2\n")})
    link(root, "back/linked.pdf", outside / "secret.pdf")
    result = run(root, outside, server, "notes.md")
    assert result.exit_code == 1
    assert f'zinekit.toml:6:1: error: pdf "{pdf}" is outside the project folder' in result.stderr


@pytest.mark.parametrize("theme", ["../outside/theme", "{outside}/theme", "linked-theme"])
def test_a_theme_outside_the_project_is_refused(tmp_path, outside, server, theme):
    theme = theme.format(outside=outside)
    root = project(tmp_path, {"notes.md": notes("Text.", front=f"theme: {theme}\n")})
    link(root, "linked-theme", outside / "theme")
    result = run(root, outside, server, "notes.md")
    assert result.exit_code == 1
    assert f"error: theme '{theme}' is outside the project folder; not read" in result.stderr


def test_a_linked_theme_override_folder_is_refused(tmp_path, outside, server):
    root = project(tmp_path, {"notes.md": notes("Text.")})
    link(root, "theme", outside / "theme")
    result = run(root, outside, server, "notes.md")
    assert result.exit_code == 1
    assert "links to a folder outside the project; not read" in result.stderr


@pytest.mark.parametrize("name", ["theme/templates/colophon.html", "theme/css/pamphlet.css",
                                  "theme/fonts/Secret.otf"])
def test_a_theme_file_linking_outside_is_refused(tmp_path, outside, server, name):
    root = project(tmp_path, {"notes.md": notes("Text.")})
    link(root, name, outside / "secret.css")
    result = run(root, outside, server, "notes.md")
    assert result.exit_code == 1
    assert result.stderr == f"error: {root / name} links to a file outside its theme folder; not read\n"


# --- raw HTML --------------------------------------------------------------------------------

RAW = """\
Before <script>document.title = "owned"</script> after.

<iframe src="http://127.0.0.1:{port}/frame"></iframe>

<link rel="stylesheet" href="file://{outside}/secret.css">

<style>@import url("http://127.0.0.1:{port}/style.css");</style>

An image <img src="file://{outside}/secret.png" alt="secret"> and one
<img src="http://127.0.0.1:{port}/remote.png" alt="remote"> and
<span style="background: url(http://127.0.0.1:{port}/bg.png)">a span</span>.
"""


def raw_project(tmp_path: Path, outside: Path, server: Server, allow_html: bool) -> Path:
    body = RAW.format(port=server.server_port, outside=outside)
    toml = "[build]\nallow_html = true\n" if allow_html else "[build]\n"
    return project(tmp_path, {"zinekit.toml": toml, "notes.md": notes(body)})


def built_html(root: Path) -> str:
    """The web edition's page and the EPUB's XHTML, together."""
    dist = root / "dist" / "notes"
    text = (dist / "index.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(dist / "notes.epub") as epub:
        text += "".join(epub.read(n).decode("utf-8") for n in epub.namelist() if n.endswith(".xhtml"))
    return text


def test_raw_html_is_text_unless_allowed(tmp_path, outside, server):
    root = raw_project(tmp_path, outside, server, allow_html=False)
    result = run(root, outside, server, "notes.md", "--format", "pdf,booklet,epub,html")
    assert result.exit_code == 0, result.output
    html = built_html(root)
    assert "&lt;script&gt;document.title" in html
    for tag in ("<script>document.title", "<iframe", "<link rel=\"stylesheet\" href=\"file:",
                "<img src=\"file:", "<style>@import"):
        assert tag not in html


def test_allowed_raw_html_is_sanitised_and_each_removal_reported(tmp_path, outside, server):
    root = raw_project(tmp_path, outside, server, allow_html=True)
    result = run(root, outside, server, "notes.md", "--format", "pdf,booklet,epub,html")
    assert result.exit_code == 0, result.output
    element = "raw HTML may not use it (scripts, frames, forms, stylesheets, SVG …)"
    address = "an address must be relative, or http:, https: or mailto:"
    style = "a style may hold only declarations that load nothing (no url(), image() …)"
    port = server.server_port
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert warnings == [
        f"notes.md:5:8: warning: raw HTML <script> removed: {element}",
        f"notes.md:7:1: warning: raw HTML <iframe> removed: {element}",
        f"notes.md:9:1: warning: raw HTML <link> removed: {element}",
        f"notes.md:11:1: warning: raw HTML <style> removed: {element}",
        f'notes.md:13:15: warning: raw HTML src="file://{outside}/secret.png" removed: {address}',
        f"notes.md:14:11: warning: not loaded: http://127.0.0.1:{port}/remote.png (the network is "
        "off (set allow_network = true in [build]))",
        f'notes.md:15:7: warning: raw HTML style="background: url(http://127.0.0.1:{port}/bg.png)" '
        f"removed: {style}",
    ]
    html = built_html(root)
    assert "document.title" not in html
    for tag in ("<iframe", "<link rel=\"stylesheet\" href=\"file:", "<style>@import", "file:"):
        assert tag not in html
