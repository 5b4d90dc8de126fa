"""The built-in themes as a reader sees them: full pages, notes on the page of their
call, editor's-note labels kept with their notes, pure black for the copier, fonts
shipped with their licences."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from tests.conftest import EXAMPLES
from tests.render import long_texts
from tests.render.layout_check import lay_out
from zinekit import reachins
from zinekit.render.web import font_licence
from zinekit.themes_loader import available_themes, builtin_themes_folder

THEMES = ("pamphlet", "cutpaste", "photocopy")
PUSHED = "there was no room for it there"


@pytest.fixture(scope="module")
def texts(tmp_path_factory) -> dict[str, Path]:
    """The bundled examples and long texts of the shapes zines publish."""
    root = tmp_path_factory.mktemp("long")
    files = {"essay.md": long_texts.essay(), "notes.md": long_texts.dense_notes(),
             "report.md": long_texts.report(), **long_texts.book()}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return {"vol6": EXAMPLES / "ember-tide" / "vol6", "vol7": EXAMPLES / "ember-tide" / "vol7",
            "essay": root / "essay.md", "notes": root / "notes.md",
            "report": root / "report.md", "book": root / "book"}


def test_every_theme_is_listed():
    assert set(THEMES) <= set(available_themes())


def test_footnote_fixes_apply_to_the_installed_weasyprint():
    """Both footnote fixes of zinekit/reachins.py fit the installed WeasyPrint: a
    WeasyPrint that changed the code they repeat needs them checked again."""
    assert reachins.applicable_fixes() == {"rounding", "no-trade"}


@pytest.mark.slow
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("text", ["vol6", "vol7", "essay", "notes", "report", "book"])
def test_pages_are_full_and_notes_stay_with_their_call(texts, theme, text):
    issue = lay_out(texts[text], theme)
    pushed = [str(d) for d in issue.diagnostics if PUSHED in d.message]
    assert not pushed, pushed
    thin = [(number, round(fill, 2)) for number, fill in enumerate(issue.fill, start=1)
            if fill < 1 / 3 and number not in issue.may_be_short]
    assert not thin, f"pages less than a third full: {thin}"


def test_cutpaste_keeps_vol7_to_its_ten_pages():
    issue = lay_out(EXAMPLES / "ember-tide" / "vol7", "cutpaste")
    assert len(issue.pages) == 10
    assert not [d for d in issue.diagnostics if PUSHED in d.message]


LABELS = "\n\n".join(
    [f"{'Filler words for the page. ' * (4 + (i * 5) % 17)}\n\n::: ed\nNote{i:02d} opens here "
     f"and runs on for a line or two of the editor's words.\n:::" for i in range(36)])


def _words(pdf: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Each page's words with their boxes (x0, y0, x1, y1 in points), as poppler reads them."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", out, re.S):
        pages.append([(html.unescape(w), float(x0), float(y0), float(x1), float(y1)) for x0, y0, x1, y1, w
                      in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                    r'yMax="([\d.]+)">([^<]*)</word>', page)])
    return pages


@pytest.mark.slow
@pytest.mark.parametrize("theme", THEMES)
def test_an_editors_label_never_parts_from_its_note(cli, make_project, theme):
    """Each "ed." label has its note's first word just below it, on the same page and
    in the same column."""
    root = make_project({"labels.md": "---\ntitle: Labels\n---\n\n" + LABELS + "\n"})
    assert cli("build", "labels.md", "--format", "pdf", "--theme", theme, cwd=root).exit_code == 0
    pages = _words(root / "dist/labels/labels.pdf")
    assert len(pages) > 5
    labels = kept = 0
    for words in pages:
        for word, x0, _, _, y1 in words:
            if word.lower() != "ed.":
                continue
            labels += 1
            kept += any(re.fullmatch(r"Note\d\d", w) and abs(nx0 - x0) < 15 and 0 <= ny0 - y1 < 20
                        for w, nx0, ny0, _, _ in words)
    assert labels == 36
    assert kept == labels, f"{labels - kept} label(s) parted from their note"


def _colours(pdf: Path) -> set[tuple[str, tuple[float, ...]]]:
    """Every fill and stroke colour set in the pages' content streams and forms."""
    reader = PdfReader(str(pdf))
    found = set()
    for page in reader.pages:
        streams = [page.get_contents()]
        for xobject in (page.get("/Resources", {}).get("/XObject", {}) or {}).values():
            obj = xobject.get_object()
            if obj.get("/Subtype") == "/Form":
                streams.append(ContentStream(obj, reader))
        for stream in (s for s in streams if s is not None):
            for operands, operator in stream.operations:
                if operator in (b"rg", b"RG", b"g", b"G", b"k", b"K", b"sc", b"SC"):
                    found.add((operator.decode(), tuple(round(float(v), 3) for v in operands)))
    return found


@pytest.mark.slow
def test_photocopy_prints_pure_black(cli, tmp_path):
    out = tmp_path / "out"
    run = cli("build", EXAMPLES / "ember-tide" / "vol6", "--theme", "photocopy", "--format", "pdf",
              "--out", out)
    assert run.exit_code == 0, run.output
    colours = _colours(out / "ember-tide-vol-6" / "ember-tide-vol-6.pdf")
    assert colours
    greys = [c for c in colours if any(0 < v < 1 for v in c[1])]
    assert not greys, greys


@pytest.mark.parametrize("theme", THEMES)
def test_theme_fonts_are_free_and_carry_their_licence(theme):
    folder = builtin_themes_folder() / theme
    css = "\n".join(p.read_text(encoding="utf-8") for p in (folder / "css").glob("*.css"))
    families = set(re.findall(r'font-family:\s*"([^"]+)";\s*src: url\("../fonts/', css))
    assert families
    for family in families:
        licence = font_licence(folder / "fonts", family)
        assert licence is not None, family
        assert re.search(r"(?i)open font license|\bOFL-1\.1\b", licence.read_text(encoding="utf-8"))
    for font in (folder / "fonts").glob("*.[ot]tf"):
        assert font.name in css, f"{font.name} is shipped but not used"


def _stripes(path: Path) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 850), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for x in range(0, 1500, 40):
        draw.line([(x, 0), (x - 850, 850)], fill=(0, 0, 0), width=18)
    image.save(path)


def _black_share(image, box: tuple[float, float, float, float]) -> float:
    """The share of black pixels in ``box`` (x0, y0, x1, y1 in mm from the top left)."""
    scale = image.size[0] / 420  # an A3 landscape sheet
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    values = [image.getpixel((x, y)) for x in range(x0, x1) for y in range(y0, y1)]
    return sum(1 for v in values if v < 80) / max(len(values), 1)


@pytest.mark.slow
def test_full_bleed_picture_keeps_its_bleed_through_imposition(cli, make_project):
    from PIL import Image

    body = "\n\n".join(f"Paragraph {n}: the print shop keeps the copier going. " * 5 for n in range(14))
    root = make_project({"zinekit.toml": '[build]\ntheme = "photocopy"\nbleed = "3mm"\n',
                         "zine.md": f"---\ntitle: Stripes\n---\n\n{body}\n\n::: full-bleed\n"
                                    f"![The shutter of the shop](stripes.png)\n:::\n\n{body}\n"})
    _stripes(root / "stripes.png")
    run = cli("build", "zine.md", "--format", "booklet", cwd=root)
    assert run.exit_code == 0, run.output
    assert "3 mm bleed kept on the outer edges" in run.output
    booklet = root / "dist" / "zine" / "zine-booklet-a3.pdf"
    sheets = PdfReader(str(booklet)).pages
    trim = [float(v) * 25.4 / 72 for v in sheets[0].trimbox]
    side = next(n for n in range(1, len(sheets) + 1)
                if "shutter" in subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(booklet), "-"],
                                               capture_output=True, text=True).stdout)
    subprocess.run(["pdftoppm", "-gray", "-png", "-r", "50", "-f", str(side), "-l", str(side),
                    "-singlefile", str(booklet), str(root / "side")], check=True)
    image = Image.open(root / "side.png").convert("L")
    top, bottom = 297 - trim[3] + 20, 297 - trim[1] - 20
    left = _black_share(image, (trim[0] - 2.5, top, trim[0] - 0.5, bottom))
    right = _black_share(image, (trim[2] + 0.5, top, trim[2] + 2.5, bottom))
    # the picture's page is one half of the sheet: its outer edge is inked into the bleed
    assert max(left, right) > 0.2
    assert min(left, right) < 0.01  # a page of text, white to the edge
