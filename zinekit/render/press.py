"""The press edition's colour: one-ink black, every colour in CMYK.

A press prints four inks.  Black text set in RGB reaches it as a mix of all four (the
press converts it through the output intent), and 7 pt type printed in four
registrations blurs.  The print edition for a press is therefore drawn in DeviceCMYK:

    layout (once, shared by press, cover and riso: :func:`print_layout`)
    → drawing: every colour WeasyPrint sets goes through :func:`cmyk_of`
      (greys to black ink alone, near-black to solid black, colours by GCR)
    → the written PDF: images and gradients converted the same way (:func:`cmyk_pdf`)

The conversion is a formula, not a press profile: no CMYK profile that may be shipped
with zinekit is at hand (docs/covers.md, "Colour for the press").  It replaces grey
with black ink (full grey-component replacement) and keeps the total of the four inks
under the vendor's ink limit.  While the press PDF is drawn, WeasyPrint's
``pdf.stream.Stream.set_color`` is wrapped (its one way to set a colour); the wrap is
undone when the drawing ends.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from zinekit.config import Length
from zinekit.model import Edition, LaidOut, Prepared
from zinekit.reachins import colours_drawn
from zinekit.preflight.ink import cmyk_array, cmyk_of
from zinekit.preflight.vendors import vendor_named


@contextlib.contextmanager
def cmyk_drawing(limit: float = 3.0) -> Iterator[None]:
    """While WeasyPrint draws, every colour it sets (text, rules, backgrounds, borders,
    SVG fills) is set in DeviceCMYK through :func:`cmyk_of`."""
    from tinycss2.color5 import Color

    def in_cmyk(color: Any) -> Any:
        if color.space == "device-cmyk":
            return color
        r, g, b = (min(max(v, 0.0), 1.0) for v in color.to("srgb").coordinates)
        return Color("device-cmyk", cmyk_of(r, g, b, limit), color.alpha)

    with colours_drawn(in_cmyk):
        yield


# --- the written PDF: images and gradients --------------------------------------------


@dataclass
class Converted:
    """What :func:`cmyk_pdf` changed, for the build's report."""

    images: int = 0
    shadings: int = 0
    profile: str | None = None  # the printer's profile the pictures went through


def cmyk_pdf(data: bytes, limit: float = 3.0, profile: PressProfile | None = None) -> tuple[bytes, Converted]:
    """``data`` with every RGB or grey image, and every RGB gradient, in DeviceCMYK;
    with the printer's ``profile``, pictures are converted through it and it becomes
    the output intent."""
    import pikepdf

    done = Converted()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image" \
                    and not obj.get("/ImageMask", False) and _image_to_cmyk(obj, limit, profile):
                done.images += 1
            elif isinstance(obj, pikepdf.Dictionary) and "/ShadingType" in obj and _shading_to_cmyk(obj, limit):
                done.shadings += 1
        for page in pdf.pages:
            _groups_to_cmyk(page.obj)
        if profile is not None:
            pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
                OutputConditionIdentifier=pikepdf.String(profile.name), Info=pikepdf.String(profile.name),
                DestOutputProfile=pdf.make_stream(profile.data, N=4))])
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue(), done


def _is_rgb(space: Any) -> bool:
    import pikepdf

    if space == "/DeviceRGB":
        return True
    if isinstance(space, pikepdf.Array) and len(space) > 1 and space[0] == "/ICCBased":
        return int(space[1].get("/N", 3)) == 3
    return False


def _image_to_cmyk(image, limit: float, profile: PressProfile | None = None) -> bool:
    """An RGB image re-encoded as DeviceCMYK (its soft mask kept): through the
    printer's profile when there is one, else by :func:`cmyk_of`."""
    import numpy
    import pikepdf
    import PIL.Image
    from pikepdf import PdfImage

    if not _is_rgb(image.get("/ColorSpace")) or int(image.get("/BitsPerComponent", 8)) != 8:
        return False
    try:
        picture = PdfImage(image).as_pil_image().convert("RGB")
    except (pikepdf.PdfError, NotImplementedError, ValueError, OSError):
        return False
    if profile is not None:
        converted = profile.convert(picture)
    else:
        rgb = numpy.asarray(picture, dtype=numpy.float32) / 255.0
        cmyk = cmyk_array(rgb, limit)
        converted = PIL.Image.fromarray((cmyk * 255 + 0.5).astype(numpy.uint8), "CMYK")
    image.write(_deflate(converted.tobytes()), filter=pikepdf.Name.FlateDecode)
    image.ColorSpace = pikepdf.Name.DeviceCMYK
    image.BitsPerComponent = 8
    for key in ("/DecodeParms", "/Decode"):
        if key in image:
            del image[key]
    return True


def _deflate(raw: bytes) -> bytes:
    import zlib

    return zlib.compress(raw, 6)


def _shading_to_cmyk(shading, limit: float) -> bool:
    """A gradient's colours (exponential functions' C0 and C1) in DeviceCMYK."""
    import pikepdf

    if not _is_rgb(shading.get("/ColorSpace")):
        return False
    functions = _functions(shading.get("/Function"))
    if not functions:
        return False
    for function in functions:
        for key in ("/C0", "/C1"):
            values = [float(v) for v in function.get(key, [0, 0, 0] if key == "/C0" else [1, 1, 1])]
            if len(values) == 3:
                function[key] = pikepdf.Array(cmyk_of(values[0], values[1], values[2], limit))
    shading.ColorSpace = pikepdf.Name.DeviceCMYK
    return True


def _functions(function) -> list:
    """The exponential (type 2) functions of a gradient, through stitching functions;
    [] when one of another type is met (left as it is)."""
    if function is None:
        return []
    kind = int(function.get("/FunctionType", -1))
    if kind == 2:
        return [function]
    if kind == 3:
        found = []
        for part in function.get("/Functions", []):
            inner = _functions(part)
            if not inner:
                return []
            found += inner
        return found
    return []


def _groups_to_cmyk(page) -> None:
    """Transparency groups blend in DeviceCMYK, the content's own space."""
    import pikepdf

    group = page.get("/Group")
    if isinstance(group, pikepdf.Dictionary) and _is_rgb(group.get("/CS")):
        group.CS = pikepdf.Name.DeviceCMYK
    resources = page.get("/Resources")
    xobjects = resources.get("/XObject") if resources is not None else None
    for _, xobject in (xobjects.items() if xobjects is not None else ()):
        form_group = xobject.get("/Group")
        if isinstance(form_group, pikepdf.Dictionary) and _is_rgb(form_group.get("/CS")):
            form_group.CS = pikepdf.Name.DeviceCMYK


# --- the printer's own profile ------------------------------------------------------


@dataclass(frozen=True)
class PressProfile:
    """The printer's CMYK ICC profile (``[build] output_profile``)."""

    data: bytes
    name: str
    profile: Any  # PIL.ImageCms.ImageCmsProfile

    def convert(self, picture):
        """An RGB picture (taken as sRGB) in the press's CMYK, relative colorimetric."""
        from PIL import ImageCms

        return ImageCms.profileToProfile(picture, ImageCms.createProfile("sRGB"), self.profile,
                                         renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                         outputMode="CMYK")


def press_profile(prepared: Prepared) -> PressProfile | None:
    """``output_profile`` read and checked once per build of the issue (the press PDF
    and the cover both use it)."""
    if "_press_profile" not in vars(prepared):
        object.__setattr__(prepared, "_press_profile", _read_profile(prepared))
    return vars(prepared)["_press_profile"]


def _read_profile(prepared: Prepared) -> PressProfile | None:
    """``output_profile``, or an error where it is written when it is outside the
    project, not an ICC profile, or not one for CMYK."""
    from pathlib import Path

    from PIL import ImageCms

    value, path, line = prepared.settings.lookup("output_profile")
    if not value:
        return None
    where = path or str(prepared.issue.source_file)
    root = prepared.issue.root.resolve()
    file = ((Path(path).parent if path else root) / str(value)).resolve()
    if not file.is_relative_to(root):
        prepared.diagnostics.error(f"output_profile {value!r} is outside the project", where, line, 1)
        return None
    try:
        profile = ImageCms.getOpenProfile(str(file))
        space = profile.profile.xcolor_space.strip()
        name = ImageCms.getProfileDescription(profile).strip() or file.stem
    except (OSError, ImageCms.PyCMSError):
        prepared.diagnostics.error(f"output_profile {value!r} is not an ICC profile zinekit can read",
                                   where, line, 1)
        return None
    if space != "CMYK":
        prepared.diagnostics.error(f"output_profile {value!r} is a profile for {space}: the press "
                                   "prints CMYK", where, line, 1)
        return None
    return PressProfile(file.read_bytes(), name, profile)


# --- one layout for the print editions -------------------------------------------------


@dataclass
class PrintLayout:
    """The print edition laid out once with bleed, and what has been written from it."""

    document: Any  # weasyprint.Document
    html: str
    pages: int
    press: bytes | None = None


def print_layout(prepared: Prepared, reading: LaidOut | None) -> PrintLayout:
    """The print edition with bleed, laid out once per build of the issue: the press
    PDF, the cover wrap and the riso masters are drawn from the same pages."""
    cached = getattr(prepared, "_print_layout", None)
    if cached is not None:
        return cached
    from zinekit.render.note_overflow import notes_at_end
    from zinekit.render.pdf import render_pdf

    kept: list = []
    bleed = press_bleed(prepared)
    safe = vendor_of(prepared).safe_mm  # wider than a press in general asks: kept in the layout
    laid = render_pdf(prepared, with_bytes=False, keep_document=kept, edition=Edition(
        print_edition=True, bleed=bleed, end_notes=notes_at_end(reading),
        safe_mm=safe if safe > vendor_named("generic").safe_mm else None))
    document, html = kept[0]
    layout = PrintLayout(document, html, laid.pages)
    object.__setattr__(prepared, "_print_layout", layout)  # lives as long as the build's issue
    return layout


# --- the press PDF --------------------------------------------------------------------


#: PDF/X-1a names its press condition from the ICC's registry instead of embedding a
#: profile: CGATS TR 001 is SWOP, the web offset condition US printers (IngramSpark
#: among them) characterise their presses by.
X1A_CONDITION = "CGATS TR 001"


def vendor_of(prepared: Prepared):
    """The vendor the print editions are made for (``--vendor``, ``[build] vendor``)."""
    return vendor_named(prepared.settings.typed.vendor)


def press_bleed(prepared: Prepared) -> Length:
    """``[build] bleed``, else the vendor's (3 mm, 0.125 in for the US vendors)."""
    given = prepared.issue.build.typed.bleed
    if given is not None:
        return given
    vendor = vendor_of(prepared)
    return Length.parse(f"{vendor.bleed_mm:.3f}mm" if vendor.bleed_mm else "0mm")


def press_pdf(prepared: Prepared, reading: LaidOut | None) -> tuple[bytes, int, Converted]:
    """The press PDF from the shared layout: one-ink black, CMYK, the vendor's PDF/X."""
    from zinekit.render.pdf_write import pdf_bytes

    layout = print_layout(prepared, reading)
    if layout.press is not None:
        return layout.press, layout.pages, Converted()
    vendor = vendor_of(prepared)
    limit = vendor.ink_limit / 100
    document = layout.document
    variant = "pdf/x-1a" if vendor.pdfx == "1a" else "pdf/x-4"
    document.output_intent = "srgb" if variant == "pdf/x-4" else None
    try:
        with cmyk_drawing(limit):
            data = pdf_bytes(document, layout.html + "\npress", variant)
    finally:
        document.output_intent = None
        document.color_profiles.pop("srgb", None)
    profile = press_profile(prepared)
    data, converted = cmyk_pdf(data, limit, profile)
    converted.profile = profile.name if profile else None
    if variant == "pdf/x-1a":
        data = as_pdfx_1a(data, keep_intent=profile is not None)
    layout.press = data
    return data, layout.pages, converted


def as_pdfx_1a(data: bytes, keep_intent: bool = False) -> bytes:
    """PDF/X-1a:2001: PDF 1.3, the version keys in the document information, an output
    intent naming the registered press condition (no profile embedded, as X-1a allows),
    or the printer's own profile (``keep_intent``)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if not keep_intent:
            intent = pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
                OutputConditionIdentifier=pikepdf.String(X1A_CONDITION),
                RegistryName=pikepdf.String("http://www.color.org"),
                Info=pikepdf.String("SWOP (Publication) Grade 5 Paper, web offset"))
            pdf.Root.OutputIntents = pikepdf.Array([intent])
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["pdfxid:GTS_PDFXVersion"] = "PDF/X-1a:2001"
        pdf.docinfo[pikepdf.Name.GTS_PDFXVersion] = pikepdf.String("PDF/X-1a:2001")
        pdf.docinfo[pikepdf.Name.GTS_PDFXConformance] = pikepdf.String("PDF/X-1a:2001")
        pdf.docinfo[pikepdf.Name.Trapped] = pikepdf.Name.False_
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)) and "/Group" in obj \
                    and not _transparent(obj.get("/Resources")):
                del obj["/Group"]  # WeasyPrint groups what it draws; opaque, it is no group
        out = io.BytesIO()
        pdf.save(out, min_version="1.3", force_version="1.3", deterministic_id=True)
    return out.getvalue()


def _transparent(resources) -> bool:
    """Whether what draws with ``resources`` can be transparent (opacity, soft masks,
    blend modes in its graphics states, or an image with a soft mask)."""
    import pikepdf

    if not isinstance(resources, pikepdf.Dictionary):
        return False
    states = resources.get("/ExtGState")
    for _, state in (states.items() if isinstance(states, pikepdf.Dictionary) else ()):
        if float(state.get("/ca", 1)) < 1 or float(state.get("/CA", 1)) < 1 or \
                str(state.get("/SMask", "/None")) != "/None" or \
                str(state.get("/BM", "/Normal")) not in ("/Normal", "/Compatible"):
            return True
    xobjects = resources.get("/XObject")
    for _, xobject in (xobjects.items() if isinstance(xobjects, pikepdf.Dictionary) else ()):
        if "/SMask" in xobject or (xobject.get("/Subtype") == "/Form" and
                                   _transparent(xobject.get("/Resources"))):
            return True
    return False


def press_report(prepared: Prepared, converted: Converted) -> str | None:
    """What the build says about the press PDF's colour (images converted)."""
    vendor = vendor_of(prepared)
    if not converted.images and not converted.shadings:
        return None
    what = []
    if converted.images:
        what.append(f"{converted.images} image{'s' if converted.images != 1 else ''}")
    if converted.shadings:
        what.append(f"{converted.shadings} gradient{'s' if converted.shadings != 1 else ''}")
    if converted.profile:
        return (f"press: {' and '.join(what)} converted from RGB to CMYK, pictures through "
                f"{converted.profile} (output_profile), its output intent")
    return (f"press: {' and '.join(what)} converted from RGB to CMYK by zinekit's formula "
            f"(black ink for grey, at most {vendor.ink_limit} % ink), not by a press profile: "
            "for exact colour, set output_profile to your printer's CMYK profile "
            "(docs/covers.md)")
