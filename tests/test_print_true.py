"""Print-true: one-ink black in the press PDF, the ink limit, vendor presets, covers
that are covers and risograph masters — read as a printer's prepress would."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image

from tests.conftest import EXAMPLES, poppler_pages
from zinekit.cli import main

MM = 72 / 25.4
VOL7 = EXAMPLES / "ember-tide" / "vol7"
PINK = (255, 72, 176)


def build(*args) -> str:
    result = CliRunner().invoke(main, ["build", *[str(a) for a in args]])
    assert result.exit_code == 0, result.output
    return result.output


def preflight(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["preflight", *[str(a) for a in args]])
    return result.exit_code, result.output


def pixels(pdf: Path, page: int, resolution: int = 20) -> Image.Image:
    prefix = pdf.parent / f"{pdf.stem}-p{page}"
    subprocess.run(["pdftoppm", "-png", "-r", str(resolution), "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(prefix)], check=True)
    return Image.open(f"{prefix}.png").convert("RGB")


def inked(image: Image.Image) -> float:
    """Share of pixels that are not paper white."""
    histogram = image.convert("L").histogram()
    return sum(histogram[:200]) / sum(histogram)


# --- one build of the three print formats ---------------------------------------------


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("printed")
    output = build(VOL7, "--theme", "photocopy", "--format", "press,cover,riso", "--out", out)
    (out / "output.txt").write_text(output, encoding="utf-8")
    return out / "ember-tide-vol-7"


@pytest.mark.slow
def test_press_text_is_one_ink_black(printed: Path):
    import pdfplumber

    spaces = set()
    with pdfplumber.open(printed / "ember-tide-vol-7-press.pdf") as pdf:
        for page in pdf.pages:
            for char in page.chars:
                spaces.add((str(char.get("ncs")), tuple(char["non_stroking_color"] or ())))
    assert ("DeviceCMYK", (0, 0, 0, 1)) in spaces
    # white lettering on black bands is paper: no ink at all; nothing in RGB
    assert spaces <= {("DeviceCMYK", (0, 0, 0, 1)), ("DeviceCMYK", (0, 0, 0, 0))}, spaces


@pytest.mark.slow
def test_own_press_pdf_passes_preflight_without_warning(printed: Path):
    code, output = preflight(printed / "ember-tide-vol-7-press.pdf")
    assert code == 0
    assert output.strip().endswith("8 pages checked, no problems found"), output
    assert "press PDF" not in (printed.parent / "output.txt").read_text()  # the build's own check


@pytest.mark.slow
def test_cover_front_is_designed_and_inside_blank(printed: Path):
    wrap = printed / "ember-tide-vol-7-cover.pdf"
    text = poppler_pages(wrap)
    assert len(text) == 2
    assert text[1] == ""  # nothing prints inside the covers
    assert inked(pixels(wrap, 2)) == 0
    assert "Anti-copyright" in text[0] and "https://example.org/embertide/" in text[0]  # the back
    outside = pixels(wrap, 1)
    width, height = outside.size
    front = outside.crop((width // 2 + 4, 0, width, height))
    back = outside.crop((0, 0, width // 2 - 4, height))
    assert inked(front) > 0.2  # the theme's design: black bands, halftone dots
    assert inked(back) < 0.1
    output = (printed.parent / "output.txt").read_text()
    assert "a spine under 3 mm gets neither its colour band nor lettering" in output
    assert "3 leaves of 0.1 mm paper" in output


@pytest.mark.slow
def test_riso_masters_are_grey_page_for_page(printed: Path):
    press_pages = len(pikepdf.open(printed / "ember-tide-vol-7-press.pdf").pages)
    masters = [printed / f"ember-tide-vol-7-riso-{ink}.pdf" for ink in ("black", "fluorescent-pink")]
    for master in masters:
        with pikepdf.open(master) as pdf:
            assert len(pdf.pages) == press_pages
            operators = set()
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream) and (obj.get("/Subtype") == "/Form" or "/PatternType" in obj):
                    operators |= {str(i.operator) for i in pikepdf.parse_content_stream(obj)}
            for page in pdf.pages:
                operators |= {str(i.operator) for i in pikepdf.parse_content_stream(page)}
                trim, media = [float(v) for v in page.TrimBox], [float(v) for v in page.MediaBox]
                assert trim[0] - media[0] >= 9 * MM  # room for the registration marks
            assert not operators & {"rg", "RG", "k", "K", "sc", "SC", "SCN"}
            images = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
            assert all(str(i.get("/ColorSpace", "/DeviceGray")) == "/DeviceGray" for i in images)
    # the title band prints in pink, the cover's lettering and rules in black
    black_cover, pink_cover = (inked(pixels(m, 1)) for m in masters)
    assert pink_cover > 0.2 and 0.02 < black_cover < pink_cover
    pink_text, black_text = inked(pixels(masters[1], 4)), inked(pixels(masters[0], 4))
    assert black_text > pink_text > 0
    preview = pixels(printed / "ember-tide-vol-7-riso-preview.pdf", 1)
    colours = preview.getcolors(maxcolors=1 << 16) or []
    assert any(abs(r - PINK[0]) < 30 and abs(g - PINK[1]) < 40 and abs(b - PINK[2]) < 40
               for _, (r, g, b) in colours)
    output = (printed.parent / "output.txt").read_text()
    assert "riso: 2 masters of 8 pages" in output and "fluorescent-pink" in output
    assert "ink coverage black" in output


# --- vendors --------------------------------------------------------------------------


@pytest.mark.slow
def test_ingramspark_press_is_pdfx_1a(tmp_path):
    build(VOL7, "--vendor", "ingramspark", "--format", "press,cover", "--out", tmp_path)
    press = tmp_path / "ember-tide-vol-7" / "ember-tide-vol-7-press.pdf"
    with pikepdf.open(press) as pdf:
        assert pdf.pdf_version == "1.3"
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-1a:2001"
        (intent,) = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "CGATS TR 001"
    code, output = preflight(press, "--vendor", "ingramspark")
    assert code == 0, output
    code, output = preflight(press.with_name("ember-tide-vol-7-cover.pdf"), "--vendor", "ingramspark")
    assert code == 0 and "no problems found" in output, output  # CMYK, no transparency, X-1a


def test_the_barcode_area_of_a_wrap_is_kept_clear(tmp_path):
    pdf = pikepdf.new()
    image = pdf.make_stream(bytes([0, 0, 0, 255] * 100 * 100), Type=pikepdf.Name.XObject,
                            Subtype=pikepdf.Name.Image, Width=100, Height=100,
                            ColorSpace=pikepdf.Name.DeviceCMYK, BitsPerComponent=8)
    wrap = [0, 0, 2 * 148 * MM, 210 * MM]  # two A5 panels, no spine
    page = pikepdf.Page(pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=wrap, TrimBox=wrap, BleedBox=wrap))
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    # 20 mm square at the foot of the back cover, 20 mm from the spine
    at = (148 - 40) * MM, 12 * MM
    page.obj.Contents = pdf.make_stream(f"q {20 * MM:.2f} 0 0 {20 * MM:.2f} {at[0]:.2f} {at[1]:.2f} cm /Im0 Do Q".encode())
    pdf.pages.append(page)
    pdf.save(tmp_path / "wrap.pdf")
    code, output = preflight(tmp_path / "wrap.pdf", "--vendor", "kdp")
    assert code == 1
    assert ("error: Amazon KDP rejects the file: the barcode area (51 × 30 mm, bottom right of the back "
            "cover) is not clear") in output, output


@pytest.mark.slow
def test_kdp_press_has_no_crop_marks_and_its_bleed(tmp_path):
    output = build(VOL7, "--vendor", "kdp", "--format", "press,cover", "--out", tmp_path)
    folder = tmp_path / "ember-tide-vol-7"
    with pikepdf.open(folder / "ember-tide-vol-7-press.pdf") as pdf:
        for page in pdf.pages:
            media, bleed, trim = ([float(v) for v in page[key]] for key in ("/MediaBox", "/BleedBox", "/TrimBox"))
            assert media == pytest.approx(bleed, abs=0.01)
            assert trim[0] - bleed[0] == pytest.approx(0.125 * 72, abs=0.05)
    with pikepdf.open(folder / "ember-tide-vol-7-cover.pdf") as pdf:
        assert len(pdf.pages) == 1  # KDP takes the outside of the cover only
    assert "Amazon KDP's spine formula" in output
    _, result = preflight(folder / "ember-tide-vol-7-press.pdf", "--vendor", "kdp")
    assert "marks" not in result and "bleed of" not in result


@pytest.mark.slow
@pytest.mark.parametrize("vendor, safe_mm", [("kdp", 6.35), ("lulu", 12.7)])
def test_the_press_pdf_keeps_its_text_inside_the_vendors_safe_area(tmp_path, vendor, safe_mm):
    """photocopy's folio tab ran off the trim with its number 5.4 mm inside it, and its
    11 mm margins are under Lulu's 12.7 mm: the vendor's print edition moves them in."""
    import pdfplumber

    build(VOL7, "--theme", "photocopy", "--vendor", vendor, "--format", "press", "--out", tmp_path)
    press = tmp_path / "ember-tide-vol-7" / "ember-tide-vol-7-press.pdf"
    with pikepdf.open(press) as pdf:
        trims = [[float(v) for v in page.obj["/TrimBox"]] for page in pdf.pages]
    nearest = {}
    with pdfplumber.open(press) as pdf:
        for number, page in enumerate(pdf.pages[1:], start=2):  # the title page is the theme's
            left, bottom, right, top = trims[number - 1]
            height = float(page.height)
            nearest[number] = min(min(c["x0"] - left, right - c["x1"], top - (height - c["top"]),
                                      (height - c["bottom"]) - bottom)
                                  for c in page.chars if c["text"].strip()) / MM
    assert min(nearest.values()) >= safe_mm, nearest
    _, output = preflight(press, "--vendor", vendor)
    near = [line for line in output.splitlines() if "from the trim" in line]
    assert all(": page 1 (" in line for line in near), output


def test_the_safe_area_moves_a_head_and_pads_a_tab_that_runs_into_the_bleed():
    from zinekit.render.safe_area import PageMargins, safe_area_css

    zero = dict.fromkeys(("top", "right", "bottom", "left"), 0.0)
    page = PageMargins({"top": 13.0, "right": 11.0, "bottom": 20.0, "left": 12.0}, {
        "top-left-corner": ({**zero, "top": 4.2, "left": -3.5}, {**zero, "right": 1.8}),  # a tab
        "top-right": (zero, zero),  # a running head at the trim side of its margin
        "bottom-center": ({**zero, "bottom": 9.0}, zero),  # a folio already inside
    })
    css = safe_area_css(6.35, {"left": page})
    assert css == (
        "@page :left { margin-top: 15.35mm; margin-right: 15.35mm; margin-bottom: 20.00mm; "
        "margin-left: 15.35mm; @top-left-corner { margin-top: 7.35mm; padding-left: 10.85mm; } "
        "@top-right { margin-top: 7.35mm; } }")


def test_vendor_spine_formulas():
    from zinekit.preflight.vendors import vendor_named

    assert vendor_named("kdp").spine_mm(100, "white") == pytest.approx(5.72, abs=0.01)
    assert vendor_named("kdp").spine_mm(100, "cream") == pytest.approx(6.35, abs=0.01)
    assert vendor_named("lulu").spine_mm(444, None) == pytest.approx(1.06 * 25.4)
    assert vendor_named("generic").spine_mm(100, None) is None


# --- the ink limit --------------------------------------------------------------------


def cmyk_image_pdf(path: Path, value: int = 255) -> Path:
    """A page with a 600 ppi image of C = M = Y = K = ``value`` (400 % at 255)."""
    pdf = pikepdf.new()
    image = pdf.make_stream(bytes([value] * 4 * 60 * 60), Type=pikepdf.Name.XObject,
                            Subtype=pikepdf.Name.Image, Width=60, Height=60,
                            ColorSpace=pikepdf.Name.DeviceCMYK, BitsPerComponent=8)
    page = pikepdf.Page(pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 200, 200],
                                           TrimBox=[0, 0, 200, 200]))
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.obj.Contents = pdf.make_stream(b"q 7.2 0 0 7.2 50 50 cm /Im0 Do Q")
    pdf.pages.append(page)
    pdf.save(path)
    return path


def test_a_400_percent_image_is_reported_with_its_page_and_the_limit(tmp_path):
    pdf = cmyk_image_pdf(tmp_path / "heavy.pdf")
    code, output = preflight(pdf)
    assert f"{pdf}: page 1: warning: total ink 400 % (limit 300 %)" in output, output
    code, output = preflight(pdf, "--vendor", "ingramspark")
    assert code == 1
    assert "page 1: error: IngramSpark rejects the file: total ink 400 % (limit 240 %)" in output
    code, output = preflight(pdf, "--ink-limit", "400")
    assert "total ink" not in output


def test_ink_of_colours():
    from zinekit.preflight.ink import colour_ink
    from zinekit.preflight.walk import Colour

    assert colour_ink(Colour("cmyk", "DeviceCMYK", "colour", (1, 1, 1, 1))) == 400
    assert colour_ink(Colour("grey", "DeviceGray", "grey", (0.25,))) == 75
    assert colour_ink(Colour("rgb", "DeviceRGB", "colour", (0, 0, 0))) == 100  # black ink alone


def test_cmyk_of_puts_grey_in_black_ink():
    from zinekit.render.press import cmyk_of

    assert cmyk_of(0, 0, 0) == (0, 0, 0, 1)
    assert cmyk_of(0.1, 0.1, 0.1) == (0, 0, 0, 1)  # near-black prints solid
    assert cmyk_of(0.5, 0.5, 0.5) == (0, 0, 0, 0.5)
    c, m, y, k = cmyk_of(0.3, 0.0, 0.0, limit=2.4)
    assert c + m + y + k <= 2.4 + 1e-6 and k == pytest.approx(0.7)


def test_paper_thickness_is_printed_to_the_hundredth():
    from zinekit.impose.report import _fine_mm

    assert _fine_mm(0.25 * MM) == "0.25" and _fine_mm(0.1 * MM) == "0.1"


# --- riso errors ----------------------------------------------------------------------


@pytest.mark.parametrize("inks, message", [
    ("[black, pinkish]", "riso: unknown riso ink 'pinkish' (known: "),
    ("[black, blue, red, yellow, green]", "riso: 5 riso inks: a risograph prints at most 4"),
])
def test_riso_inks_are_checked_where_they_are_written(cli, make_project, inks, message):
    root = make_project({"notes.md": f"---\ntitle: Notes\ninks: {inks}\n---\n\nA line.\n"})
    run = cli("build", "notes.md", "--format", "riso", cwd=root)
    assert run.exit_code == 1
    assert f"notes.md:3:1: error: {message}" in run.output, run.output


@pytest.mark.slow
def test_front_matter_inks_replace_the_themes(cli, make_project):
    root = make_project({"notes.md": "---\ntitle: Notes\ntheme: cutpaste\ninks: [black, fluorescent-orange]\n"
                                     "---\n\n# A heading\n\nA line.\n"})
    run = cli("build", "notes.md", "--format", "riso", cwd=root)
    assert run.exit_code == 0, run.output
    folder = root / "dist" / "notes"
    assert (folder / "notes-riso-fluorescent-orange.pdf").exists()
    assert not (folder / "notes-riso-blue.pdf").exists()


def test_a_theme_selector_css_cannot_read_is_an_error_in_its_theme(cli, make_project):
    root = make_project({
        "theme/theme.toml": 'name = "mine"\nextends = "photocopy"\n\n[riso]\ninks = ["black", "blue"]\n\n'
                            '[riso.elements]\n"h1 >> p" = "blue"\n',
        "notes.md": "---\ntitle: Notes\ntheme: theme\n---\n\nA line.\n"})
    run = cli("build", "notes.md", "--format", "riso", cwd=root)
    assert run.exit_code == 1
    assert ("theme.toml:8:1: error: riso: [riso.elements] 'h1 >> p' is not a CSS selector zinekit "
            "can match") in run.output, run.output


def test_an_unknown_vendor_is_refused_where_it_is_written(cli, make_project):
    root = make_project({"zinekit.toml": '[series]\nname = "Sheets"\n\n[build]\nvendor = "lulux"\n',
                         "notes.md": "---\ntitle: Notes\n---\n\nA line.\n"})
    run = cli("build", "notes.md", "--format", "press", cwd=root)
    assert run.exit_code == 1
    assert "zinekit.toml:5:1: error:" in run.output and "vendor" in run.output, run.output
    assert not (root / "dist" / "notes" / "notes-press.pdf").exists()


def test_preview_mixes_inks_as_translucent_layers():
    from zinekit.render.riso import Ink
    from zinekit.render.riso_separation import mix

    black, pink = Ink("black", (0.0, 0.0, 0.0)), Ink("fluorescent-pink", (1.0, 0.282, 0.69))
    assert mix([0.0, 1.0], [black, pink]) == (1.0, 0.282, 0.69)
    assert mix([1.0, 1.0], [black, pink]) == (0.0, 0.0, 0.0)
    assert mix([0.0, 0.5], [black, pink]) == pytest.approx((1.0, 0.641, 0.845))


# --- the printer's own profile -------------------------------------------------------

SWOP = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")  # Debian's libgs-common


def lamps(root: Path, profile: bytes) -> Path:
    (root / "art").mkdir(parents=True)
    Image.new("RGB", (1820, 2560), (200, 30, 30)).save(root / "art" / "front.png")
    (root / "press.icc").write_bytes(profile)
    (root / "zinekit.toml").write_text('[series]\nname = "Sheets"\n\n[build]\noutput_profile = "press.icc"\n')
    (root / "lamps.md").write_text("---\ntitle: Borrowed Light\ncover: art/front.png\n---\n\nA lamp.\n")
    return root


@pytest.mark.slow
@pytest.mark.skipif(not SWOP.is_file(), reason="no CMYK ICC profile on this machine (apt-get install libgs-common)")
def test_the_printers_profile_converts_pictures_and_is_the_output_intent(cli, tmp_path):
    root = lamps(tmp_path, SWOP.read_bytes())
    run = cli("build", "lamps.md", "--format", "press", cwd=root)
    assert run.exit_code == 0, run.output
    assert "pictures through Artifex CMYK SWOP Profile (output_profile), its output intent" in run.output
    (press,) = (root / "dist").rglob("*-press.pdf")
    with pikepdf.open(press) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "Artifex CMYK SWOP Profile"
        assert intent.DestOutputProfile.read_bytes() == SWOP.read_bytes()
    red = pixels(press, 1).getpixel((60, 80))
    assert red[0] > 150 and red[1] < 80 and red[2] < 80  # still red after CMYK and back


def test_an_rgb_profile_is_refused_where_it_is_named(cli, tmp_path):
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    root = lamps(tmp_path, srgb)
    run = cli("build", "lamps.md", "--format", "press", cwd=root)
    assert run.exit_code == 1
    assert "zinekit.toml:5:1: error: output_profile 'press.icc' is a profile for RGB: the press prints CMYK" \
        in run.output, run.output


@pytest.mark.slow
def test_the_wraps_back_carries_the_blurb_licence_and_address(cli, make_project):
    root = make_project({"notes.md": "---\ntitle: Notes on Lamps\ndescription: For the catalogue.\n"
                                     "blurb: What a street lends itself, lamp by lamp.\nlicense: Anti-copyright\n"
                                     "url: https://example.org/lamps/\n---\n\nA line.\n"})
    run = cli("build", "notes.md", "--format", "cover", cwd=root)
    assert run.exit_code == 0, run.output
    (wrap,) = (root / "dist").rglob("*-cover.pdf")
    with pikepdf.open(wrap) as pdf:
        width = float(pdf.pages[0].TrimBox[2])
    back = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-x", "0", "-y", "0", "-W", str(int(width / 2)),
                           "-H", "700", "-r", "72", str(wrap), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(back.split())
    assert "What a street lends itself, lamp by lamp." in text and "For the catalogue" not in text
    assert "Anti-copyright" in text and "https://example.org/lamps/" in text
