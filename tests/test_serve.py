"""``zinekit serve``: the preview answers, follows saves, survives bad ones, and serves
nothing outside the project and its theme."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

import pytest

from zinekit.render.formats import FORMATS
from zinekit.serve import PreviewServer

NOTES = """\
---
title: Notes from the Laundrette
authors: [R. Osei]
---

The dryers run all night and so does the talk.[^1] See the picture.

![The folding table](images/table.svg)

[see Nowhere Weekly vol.9]

[^1]: Most of it about the landlord.
"""

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
       '<rect width="40" height="20" fill="#888"/></svg>')


def fetch(url: str, timeout: float = 30) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def raw_get(server: PreviewServer, path: str, host: str | None = None) -> int:
    """GET ``path`` exactly as written (no normalising of ``..``)."""
    address, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(address, port, timeout=10)
    headers = {"Host": host} if host else {}
    connection.request("GET", path, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def wait_for(condition: Callable[[], bool], seconds: float = 8.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def save(path: Path, text: str) -> None:
    """Write as an editor does; move the timestamp on even within one clock tick."""
    path.write_text(text, encoding="utf-8")
    stamp = time.time() + 1
    os.utime(path, (stamp, stamp))


@pytest.fixture
def project(make_project) -> Path:
    root = make_project({"notes.md": NOTES, "images/table.svg": SVG,
                         "secret/.env": "TOKEN=1\n"})
    return root


@pytest.fixture
def server(project: Path):
    preview = PreviewServer(project / "notes.md", port=0, log=lambda message: None)
    preview.start()
    yield preview
    preview.stop()


def page_url(server: PreviewServer) -> str:
    return server.url


def test_preview_page_has_the_issue_its_styles_and_its_problems(server: PreviewServer):
    assert server.url.endswith("/notes.html")
    status, page = fetch(server.url)
    assert status == 200
    assert "Notes from the Laundrette" in page
    assert 'class="noteref"' in page and 'role="doc-footnote"' in page
    assert "/__zinekit/issue/0/theme/css/web.css" in page
    # the unresolved reference is listed with file:line:col at the top of the page
    assert "notes.md:10:6" in page and "Nowhere Weekly" in page
    assert page.index("zk-diagnostics") < page.index("The dryers run")
    assert 'href="/__zinekit/pdf?issue=0"' in page


def test_root_redirects_to_the_preview(server: PreviewServer):
    address, port = server.httpd.server_address[:2]
    status, page = fetch(f"http://{address}:{port}/")
    assert status == 200 and "Notes from the Laundrette" in page


def test_images_and_theme_files_are_served(server: PreviewServer):
    base = server.url.rsplit("/", 1)[0]
    status, svg = fetch(base + "/images/table.svg")
    assert status == 200 and "<svg" in svg
    status, css = fetch(base + "/__zinekit/issue/0/theme/css/base-screen.css")
    assert status == 200 and "max-width" in css
    status, fonts = fetch(base + "/__zinekit/issue/0/fonts.css")
    assert status == 200 and "@font-face" in fonts
    font_url = fonts.split('url("', 1)[1].split('"', 1)[0]
    assert fetch(base + font_url)[0] == 200


def test_save_rebuilds_and_the_version_moves(server: PreviewServer, project: Path):
    base = server.url.rsplit("/", 1)[0]
    version = int(fetch(base + "/__zinekit/version?issue=0")[1])
    save(project / "notes.md", NOTES.replace("so does the talk", "so does the gossip"))
    assert wait_for(lambda: "so does the gossip" in fetch(server.url)[1])
    assert int(fetch(base + "/__zinekit/version?issue=0")[1]) > version


def test_saving_an_image_rebuilds(server: PreviewServer, project: Path):
    version = server.previews[0].snapshot().version
    save(project / "images" / "table.svg", SVG.replace("#888", "#123"))
    assert wait_for(lambda: server.previews[0].snapshot().version > version)


def test_broken_save_shows_the_error_above_the_last_good_page(server: PreviewServer,
                                                                 project: Path):
    save(project / "notes.md", "---\ntitle: [unclosed\n\nThe dryers run all night.\n")
    assert wait_for(lambda: "never closed" in fetch(server.url)[1])
    status, page = fetch(server.url)
    assert status == 200
    assert "notes.md:1:1" in page
    assert "Notes from the Laundrette" in page  # the last good preview, under the error
    assert "zk-stale" in page
    save(project / "notes.md", NOTES.replace("Laundrette", "Launderette"))
    assert wait_for(lambda: "Notes from the Launderette" in fetch(server.url)[1])
    assert "never closed" not in fetch(server.url)[1]


def test_an_internal_error_is_shown_and_the_server_goes_on(server: PreviewServer,
                                                            project: Path, monkeypatch):
    import zinekit.serve.preview as preview_module

    def broken(*args, **kwargs):
        raise RuntimeError("the renderer tripped")

    monkeypatch.setattr(preview_module, "render_issue_html", broken)
    save(project / "notes.md", NOTES.replace("all night", "all day"))
    assert wait_for(lambda: "the renderer tripped" in fetch(server.url)[1])
    page = fetch(server.url)[1]
    assert "Internal error" in page and "Notes from the Laundrette" in page
    monkeypatch.undo()
    save(project / "notes.md", NOTES.replace("all night", "all evening"))
    assert wait_for(lambda: "all evening" in fetch(server.url)[1])


@pytest.mark.parametrize("path", [
    "/../../etc/passwd",
    "/..%2f..%2f..%2fetc%2fpasswd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/images/..%2f..%2f..%2fetc/passwd",
    "/images%2f..%2f..%2fnotes.md%00",
    "/..%5c..%5cetc%5cpasswd",
    "/%252e%252e/%252e%252e/etc/passwd",
    "/secret/.env",
    "/secret/%2eenv",
    "/__zinekit/issue/0/theme/..%2f..%2f..%2fpyproject.toml",
    "/__zinekit/issue/0/theme/../theme.toml/../../../pyproject.toml",
    "/__zinekit/issue/0/theme/%2e%2e/%2e%2e/zinekit/cli.py",
    "/__zinekit/issue/9/theme/css/base-screen.css",
    "/__zinekit/issue/0/theme/templates/web/head.html/..",
    "//etc/passwd",
    "/images/",
])
def test_nothing_outside_the_project_or_theme_is_served(server: PreviewServer, path: str):
    assert raw_get(server, path) == 404


def test_a_symlink_out_of_the_project_is_refused(server: PreviewServer, project: Path):
    outside = Path(tempfile.mkdtemp()) / "private.txt"
    outside.write_text("private", encoding="utf-8")
    (project / "images" / "link.txt").symlink_to(outside)
    assert raw_get(server, "/images/link.txt") == 404
    shutil.rmtree(outside.parent)


def test_requests_for_another_host_name_are_refused(server: PreviewServer):
    """A web page cannot reach the preview by pointing its own name at 127.0.0.1."""
    assert raw_get(server, server.previews[0].url, host="evil.example:8000") == 403
    assert raw_get(server, server.previews[0].url, host="localhost:8000") == 200


def test_events_stream_the_version(server: PreviewServer, project: Path):
    address, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(address, port, timeout=10)
    connection.request("GET", "/__zinekit/events?issue=0&version=0")
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    lines = [response.fp.readline() for _ in range(4)]
    assert any(line.startswith(b"data: ") for line in lines)
    connection.close()


@pytest.mark.slow
def test_pdf_link_builds_the_reading_pdf(server: PreviewServer):
    base = server.url.rsplit("/", 1)[0]
    with urllib.request.urlopen(base + "/__zinekit/pdf?issue=0", timeout=120) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.read(5) == b"%PDF-"


def test_pdf_of_a_broken_issue_is_an_error_page(server: PreviewServer, project: Path):
    save(project / "notes.md", "---\ntitle: x\n")
    status, page = fetch(server.url.rsplit("/", 1)[0] + "/__zinekit/pdf?issue=0")
    assert status == 422 and "never closed" in page


def test_stop_closes_the_port(project: Path):
    preview = PreviewServer(project / "notes.md", port=0, log=lambda message: None).start()
    address, port = preview.httpd.server_address[:2]
    preview.stop()
    with socket.socket() as probe:
        assert probe.connect_ex((address, port)) != 0


def test_port_in_use_is_one_clear_line(cli, project: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = cli("serve", "notes.md", "--port", str(port), cwd=project)
    assert run.exit_code == 1
    assert f"error: port {port} is in use; try --port {port + 1}" in run.output


def test_host_must_be_loopback(cli, project: Path):
    run = cli("serve", "notes.md", "--host", "0.0.0.0", cwd=project)
    assert run.exit_code == 2
    assert "loopback" in run.output


def test_series_folder_serves_every_issue(make_project):
    root = make_project({
        "zinekit.toml": '[series]\nname = "Spin Cycle"\n\n[[issues]]\nvolume = 1\n'
                        'source = "vol1/issue.md"\n\n[[issues]]\nvolume = 2\nsource = "vol2"\n',
        "vol1/issue.md": "---\ntitle: First Rinse\nseries: Spin Cycle\nvolume: 1\n---\n\nSoap.\n",
        "vol2/issue.md": "---\ntitle: Second Rinse\nseries: Spin Cycle\nvolume: 2\n---\n\nMore.\n",
    })
    with PreviewServer(root, port=0, log=lambda message: None) as preview:
        index = fetch(preview.url)[1]
        assert 'href="/vol1/"' in index and 'href="/vol2/"' in index
        base = preview.url.rstrip("/")
        assert "Second Rinse" in fetch(base + "/vol2/")[1]
        assert fetch(base + "/vol2")[0] == 200  # redirected to /vol2/


# --- in a real browser -----------------------------------------------------------------------

@pytest.fixture
def browser(tmp_path_factory):
    from tests.render import a11y_tools as tools

    with tools.chromium(tmp_path_factory.mktemp("chromium-profile"), window="1400,1000") as driver:
        yield driver


@pytest.mark.slow
def test_browser_reloads_by_itself_after_a_save(browser, server: PreviewServer, project: Path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url)
    WebDriverWait(browser, 15).until(lambda d: "Laundrette" in d.title)

    # wide window: the footnote sits in the margin beside its call
    def beside(driver) -> bool:
        note = driver.find_element(By.CSS_SELECTOR, "aside.footnote").location
        call = driver.find_element(By.CSS_SELECTOR, "a.noteref").location
        return abs(note["y"] - call["y"]) < 40 and note["x"] > call["x"]

    WebDriverWait(browser, 15).until(beside)
    assert "zk-margin-notes" in browser.find_element(By.TAG_NAME, "body").get_attribute("class")
    browser.execute_script("window.zkMarker = 'still this page';")
    save(project / "notes.md", NOTES.replace("so does the talk", "so does the singing"))
    WebDriverWait(browser, 15).until(
        lambda d: "so does the singing" in d.find_element(By.TAG_NAME, "body").text)
    # it was a reload the page did itself (the marker is gone), not one the test asked for
    assert browser.execute_script("return window.zkMarker || null") is None
    save(project / "notes.md", "---\ntitle: [oops\n\nbroken\n")
    WebDriverWait(browser, 15).until(
        lambda d: "never closed" in d.find_element(By.ID, "zk-preview").text)
    assert "so does the singing" in browser.find_element(By.TAG_NAME, "body").text
    shot = Path(os.environ.get("ZINEKIT_SCREENSHOTS", project)) / "preview-broken.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 0


# --- hostile requests --------------------------------------------------------------------------


def get(server: PreviewServer, path: str) -> tuple[int, str]:
    """GET ``path`` as written; the status and the body (the first 4 KB of a stream)."""
    address, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(address, port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read(4096) if response.getheader("Content-Length") else response.fp.readline()
    connection.close()
    return response.status, body.decode("utf-8", "replace")


@pytest.mark.parametrize("path, status, message", [
    ("/__zinekit/version?issue=%C2%B2", 400,
     "issue=² is not an issue number (this preview has issue=0)\n"),
    ("/__zinekit/events?issue=%C2%B2", 400,
     "issue=² is not an issue number (this preview has issue=0)\n"),
    ("/__zinekit/version?issue=123456789012345", 404,
     "no issue 123456789012345 in this preview (it has issue=0)\n"),
    ("/__zinekit/pdf?issue=" + "9" * 5000, 404,
     "no issue " + "9" * 40 + "… in this preview (it has issue=0)\n"),
    ("/__zinekit/version?issue=%0A%E2%80%AE", 400,
     "issue=\\n\\u202e is not an issue number (this preview has issue=0)\n"),
    ("/__zinekit/issue/%C2%B2/fonts.css", 404,
     "not found (the preview serves the project's files and its theme only)\n"),
])
def test_an_issue_that_is_no_number_is_a_clear_answer(server: PreviewServer, path: str,
                                                       status: int, message: str):
    assert get(server, path) == (status, message)


def test_events_with_a_version_that_is_no_number_still_stream(server: PreviewServer):
    for version in ("%C2%B2", "9" * 5000, "-1", ""):
        status, first = get(server, f"/__zinekit/events?issue=0&version={version}")
        assert (status, first) == (200, "retry: 1000\n")


def test_a_big_file_is_sent_in_pieces(server: PreviewServer, project: Path):
    import resource

    size = 3 << 30
    with open(project / "images" / "huge.bin", "wb") as handle:
        handle.truncate(size)  # sparse: no disk used
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    address, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(address, port, timeout=30)
    connection.request("GET", "/images/huge.bin")
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Length") == str(size)
    assert response.read(8 << 20) == bytes(8 << 20)
    connection.close()
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 200_000  # nowhere near the 3 GB read_bytes() would take


def test_an_internal_error_answering_is_a_500_and_one_log_line(project: Path, monkeypatch):
    logged: list[str] = []
    preview = PreviewServer(project / "notes.md", port=0, log=logged.append).start()
    try:
        def broken(url_path: str):
            raise RuntimeError("the lookup tripped")

        monkeypatch.setattr(preview, "preview_at", broken)
        assert get(preview, "/notes.html") == (
            500, "internal error in zinekit serve (its log says which)\n")
    finally:
        preview.stop()
    assert logged[-1] == ("zinekit serve: internal error answering /notes.html: "
                          "RuntimeError: the lookup tripped")


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback on this machine")
def test_a_bracketed_ipv6_host_is_accepted(project: Path):
    with PreviewServer(project / "notes.md", host="[::1]", port=0,
                       log=lambda message: None) as preview:
        assert preview.url.startswith("http://[::1]:")
        assert fetch(preview.url)[0] == 200


# --- fuzzing the query strings of a real `zinekit serve` ---------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    """``zinekit serve`` in its own process on 127.0.0.1, stopped by its process id."""
    import signal
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("served")
    (root / "notes.md").write_text(NOTES, encoding="utf-8")
    (root / "images").mkdir()
    (root / "images" / "table.svg").write_text(SVG, encoding="utf-8")
    port, log = free_port(), root / "serve.log"
    with open(log, "w", encoding="utf-8") as sink:
        process = subprocess.Popen([sys.executable, "-m", "zinekit", "serve", "notes.md",
                                    "--port", str(port)], cwd=root, stdout=sink, stderr=sink)
    try:
        assert wait_for(lambda: "previewing at" in log.read_text(), 120), log.read_text()
        yield port, log, process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def answer(port: int, target: str) -> tuple[int, str]:
    """A well-formed HTTP answer to GET ``target`` (http.client raises otherwise)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        if response.getheader("Content-Type") == "text/event-stream":
            return response.status, response.fp.readline().decode()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def builds_a_pdf(path: str, pairs: list[tuple[str, str]]) -> bool:
    first = {}
    for k, v in pairs:
        first.setdefault(k, v)
    return path == "pdf" and re.fullmatch("0+", first.get("issue", "0")) is not None \
        and first.get("format", "pdf") in FORMATS


def test_fuzzed_query_strings_get_well_formed_answers(real_server):
    from urllib.parse import quote

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    port, log, process = real_server
    endpoint = st.sampled_from(["version", "events", "pdf", "issue/{v}/fonts.css",
                                "issue/{v}/theme/css/{v}", "{v}"])
    value = st.one_of(st.text(max_size=40), st.from_regex(r"[0-9]{0,30}", fullmatch=True),
                      st.sampled_from(["²", "٣", "0x1", "-0", "1e9", "%", "%zz", "%C2", "0"]))
    key = st.sampled_from(["issue", "version", "format", "", "issue[]"])

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    @given(endpoint, st.lists(st.tuples(key, value), max_size=4), value)
    def check(path: str, pairs: list[tuple[str, str]], segment: str) -> None:
        if builds_a_pdf(path, pairs):
            return  # a real PDF build per example: tested once above, not fuzzed
        query = "&".join(f"{quote(k, safe='%')}={quote(v, safe='%=&')}" for k, v in pairs)
        target = "/__zinekit/" + path.replace("{v}", quote(segment, safe="%")) + "?" + query
        status, body = answer(port, target)
        assert status in (200, 400, 404, 422), (target, status, body)
        assert "Traceback" not in body

    check()
    assert process.poll() is None  # still serving
    assert "Traceback" not in log.read_text() and "internal error" not in log.read_text()


def test_the_bar_shows_a_bidi_control_of_a_message_escaped(server: PreviewServer,
                                                           project: Path):
    save(project / "notes.md", NOTES.replace("[see Nowhere Weekly vol.9]",
                                             "[see Nowhere\u202e Weekly vol.9]"))
    assert wait_for(lambda: "Nowhere\\u202e Weekly" in fetch(server.url)[1])
