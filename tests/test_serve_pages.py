"""``zinekit serve``'s page view: the reading edition's pages as images, each paragraph
giving its file:line, replaced after a save; a real server on loopback, its own process."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zinekit.serve.pages import Paragraph, editor_address

WORDS = ("the launderette opens at six and the first customer is always the woman from the "
         "flats above who brings her own soap and a radio tuned to the shipping forecast").split()


def paragraph(n: int) -> str:
    return " ".join(WORDS[(n * 5 + i) % len(WORDS)] for i in range(85)).capitalize() + "."


def text(marked: str = "Marigold") -> tuple[str, int]:
    """Twelve paragraphs; the ninth holds ``marked``.  Returns the text and that line."""
    lines = ["---", "title: The Spin Cycle", "authors: [P. Mensah]", "---", ""]
    marked_line = 0
    for n in range(1, 13):
        body = paragraph(n)
        if n == 9:
            body = f"{marked} {body}"
            marked_line = len(lines) + 1
        lines += [body, ""]
    return "\n".join(lines), marked_line


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, target: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def wait_for(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    return condition()


def pages_json(port: int) -> dict:
    return json.loads(get(port, "/__zinekit/pages.json")[2])


def word_place(pdf: Path, word: str) -> tuple[int, float, float]:
    """(page, x, y as fractions of the page) of the middle of ``word``, from poppler."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for number, page in enumerate(re.findall(r"<page (.*?)</page>", html, re.S), start=1):
        width, height = (float(v) for v in re.search(r'width="([\d.]+)" height="([\d.]+)"', page).groups())
        for x0, y0, x1, y1, found in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page):
            if found == word:
                return number, (float(x0) + float(x1)) / 2 / width, (float(y0) + float(y1)) / 2 / height
    raise AssertionError(f"{word} is on no page")


@pytest.fixture
def served(tmp_path):
    """``zinekit serve`` in its own process, stopped by its process id."""
    body, line = text()
    (tmp_path / "wash.md").write_text(body, encoding="utf-8")
    (tmp_path / "zinekit.toml").write_text('[serve]\neditor = "vscode://file/{path}:{line}"\n',
                                           encoding="utf-8")
    port, log = free_port(), tmp_path / "serve.log"
    with open(log, "w", encoding="utf-8") as sink:
        process = subprocess.Popen([sys.executable, "-m", "zinekit", "serve", "wash.md", "--port",
                                    str(port)], cwd=tmp_path, stdout=sink, stderr=sink)
    try:
        assert wait_for(lambda: "previewing at" in log.read_text(), 120), log.read_text()
        yield tmp_path, port, line
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.mark.slow
def test_page_view_shows_the_pages_and_where_each_paragraph_is_written(served):
    root, port, line = served
    status, kind, page = get(port, "/wash.html")
    assert b'href="/pages?issue=0"' in page  # the preview bar links to it
    status, kind, first = get(port, "/pages")
    assert status == 200 and kind.startswith("text/html")
    laid = wait_for(lambda: pages_json(port)["pages"], 120)
    assert laid, pages_json(port)
    status, _, view = get(port, "/pages")
    images = re.findall(rb'<img src="(/__zinekit/page\?[^"]+)"', view)
    assert len(images) == len(laid) >= 3

    status, kind, png = get(port, images[1].decode().replace("&amp;", "&"))
    assert status == 200 and kind == "image/png" and png.startswith(b"\x89PNG\r\n\x1a\n")

    # the paragraph that says Marigold: the page and place poppler finds the word at
    status, kind, pdf = get(port, "/__zinekit/pdf")
    (root / "reading.pdf").write_bytes(pdf)
    number, x, y = word_place(root / "reading.pdf", "Marigold")
    hits = [p for p in laid[number - 1]["paragraphs"]
            if p["box"][0] <= x <= p["box"][0] + p["box"][2] and p["box"][1] <= y <= p["box"][1] + p["box"][3]]
    assert [(p["file"], p["line"]) for p in hits] == [("wash.md", line)]
    assert hits[0]["editor"] == f"vscode://file/{str((root / 'wash.md').resolve()).lstrip('/')}:{line}"
    assert f'data-where="wash.md:{line}"'.encode() in view

    # a save: the pages are laid out again, the image of page 2 changes
    version = pages_json(port)["version"]
    body, _ = text(marked="Hollyhock and Marigold")
    (root / "wash.md").write_text(body.replace(paragraph(2), paragraph(7) + " " + paragraph(7)),
                                  encoding="utf-8")
    assert wait_for(lambda: pages_json(port)["version"] > version, 120)
    fresh = pages_json(port)["pages"]
    status, _, again = get(port, fresh[1]["image"])
    assert status == 200 and again != png

    # a save that does not build: the problem above the last good pages
    version = pages_json(port)["version"]
    (root / "wash.md").write_text("---\ntitle: [unclosed\n---\n\nText.\n", encoding="utf-8")
    assert wait_for(lambda: pages_json(port)["version"] > version, 120)
    state = pages_json(port)
    assert state["problem"] and "wash.md:" in state["problem"][0]
    assert len(state["pages"]) == len(fresh)
    assert b"This save does not lay out" in get(port, "/pages")[2]


def test_editor_address_fills_path_file_and_line():
    paragraph = Paragraph("wash.3", "texts/wash.md", "/home/ed/zine/texts/wash.md", 14, (0, 0, 1, 1))
    assert editor_address("vscode://file/{path}:{line}", paragraph) == \
        "vscode://file/home/ed/zine/texts/wash.md:14"
    assert editor_address("subl://open?url=file://{path}&line={line}", paragraph) == \
        "subl://open?url=file:///home/ed/zine/texts/wash.md&line=14"
    assert editor_address(None, paragraph) is None


def test_bad_editor_setting_is_located(make_project):
    from zinekit.errors import ZinekitError
    from zinekit.serve import PreviewServer

    root = make_project({"wash.md": "# Hi\n\nText.\n", "zinekit.toml": "[serve]\neditor = 3\n"})
    with pytest.raises(ZinekitError) as raised:
        PreviewServer(root / "wash.md", port=0)
    assert f"{root / 'zinekit.toml'}:2:1: error: [serve] editor must be" in str(raised.value)
