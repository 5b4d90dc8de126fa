"""Every font a theme ships is one browsers accept: it passes the OpenType Sanitizer
that Chromium and Firefox run on web fonts (a font it refuses is dropped, and the EPUB
or web edition falls back to a generic face), and in headless Chromium the EPUB and
the web edition of a cutpaste issue load the theme's faces, the Greek and Cyrillic
ones included."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO
from tests.render import a11y_tools as tools
from zinekit.render.web import font_licence

FONTS = sorted(p for p in (REPO / "themes").rglob("*") if p.suffix.lower() in {".ttf", ".otf", ".woff", ".woff2"})


def test_the_themes_ship_fonts():
    assert len(FONTS) >= 10


@pytest.mark.parametrize("font", FONTS, ids=lambda p: str(p.relative_to(REPO / "themes")))
def test_font_passes_the_opentype_sanitizer(font, tmp_path):
    ots = pytest.importorskip("ots")
    run = ots.sanitize(str(font), str(tmp_path / "out.bin"), capture_output=True)
    output = (run.stdout or b"").decode() + (run.stderr or b"").decode()
    assert run.returncode == 0, output
    assert "Failed" not in output, output


@pytest.mark.parametrize("font", FONTS, ids=lambda p: str(p.relative_to(REPO / "themes")))
def test_font_has_its_licence_beside_it(font):
    family = font.stem.split("-")[0]  # CourierPrime-Bold.ttf: LICENSE-CourierPrime.txt
    assert font_licence(font.parent, family) is not None, f"no licence for {family} beside {font.name}"


# --- in Chromium ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with tools.chromium(tmp_path_factory.mktemp("chromium-profile"), files=True) as driver:
        yield driver


@pytest.fixture(scope="module")
def cutpaste_vol6(tmp_path_factory) -> Path:
    """vol6 (with Greek and Cyrillic names) in cutpaste, as EPUB and web edition."""
    out = tmp_path_factory.mktemp("cutpaste")
    run = subprocess.run([sys.executable, "-m", "zinekit", "build", str(EXAMPLES / "ember-tide" / "vol6"),
                          "--theme", "cutpaste", "--format", "epub,html", "--out", str(out)],
                         capture_output=True, text=True, cwd=REPO,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert run.returncode == 0, run.stdout + run.stderr
    return out / "ember-tide-vol-6"


LOADED_FACES = """
const done = arguments[arguments.length - 1];
document.fonts.ready.then(() => {
  const faces = [];
  document.fonts.forEach(f => faces.push([f.family.replace(/"/g, ''), f.weight, f.style, f.status]));
  done(faces);
});
"""


def _faces(browser, page: Path) -> dict[str, set[str]]:
    """Each family declared on ``page``: the statuses of its faces once the page is laid out."""
    browser.get(page.as_uri())
    found: dict[str, set[str]] = {}
    for family, _, _, status in browser.execute_async_script(LOADED_FACES):
        found.setdefault(family, set()).add(status)
    return found


def _assert_theme_faces_load(faces: dict[str, set[str]]) -> None:
    for family in ("Courier Prime", "Bebas Neue", "Anonymous Pro", "Fira Sans Extra Condensed"):
        assert "loaded" in faces.get(family, set()), f"{family}: {faces.get(family)}"
    refused = {family: s for family, s in faces.items() if "error" in s}
    assert not refused, refused


@pytest.mark.slow
def test_the_web_edition_loads_the_theme_faces(browser, cutpaste_vol6):
    _assert_theme_faces_load(_faces(browser, cutpaste_vol6 / "index.html"))


@pytest.mark.slow
def test_the_epub_loads_the_theme_faces(browser, cutpaste_vol6, tmp_path):
    with zipfile.ZipFile(cutpaste_vol6 / "ember-tide-vol-6.epub") as epub:
        epub.extractall(tmp_path)
    pages = sorted(p for p in tmp_path.rglob("*.xhtml") if "Ольга" in p.read_text(encoding="utf-8"))
    assert pages, "no page of the EPUB holds the Cyrillic name"
    faces: dict[str, set[str]] = {}
    for page in pages:
        for family, statuses in _faces(browser, page).items():
            faces.setdefault(family, set()).update(statuses)
    _assert_theme_faces_load(faces)
