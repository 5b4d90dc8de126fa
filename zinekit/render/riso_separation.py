"""Riso masters from the composite: each ink's greys separated out of one drawing in
channels, registration marks added, coverage measured (see :mod:`zinekit.render.riso`)."""

from __future__ import annotations

import io
from dataclasses import dataclass

#: The DeviceCMYK channel each ink is carried in while drawing: K for the first.
CHANNELS = (3, 0, 1, 2)
MM = 72 / 25.4
MARK_MARGIN_MM = 10.0  # room around the page for the registration marks
COVERAGE_DPI = 12  # a master's coverage is an average: a coarse rendering tells it


@dataclass(frozen=True)
class Ink:
    name: str
    rgb: tuple[float, float, float]


@dataclass
class RisoPlan:
    """The inks, which elements print in which, and where pictures go."""

    inks: list[Ink]
    elements: list[tuple[str, int]]  # (selector, ink index)
    images: int = 0


_FILL_PAINT = {"f", "F", "f*"}
_STROKE_PAINT = {"S", "s"}
_BOTH_PAINT = {"B", "B*", "b", "b*"}
_TEXT_SHOW = {"Tj", "TJ", "'", '"'}


class _Separation:
    """Rewrites one content stream for one master (``ink``), or, with ``preview``, for
    the composite in the inks' colours."""

    def __init__(self, ink: int, plan: RisoPlan, preview: bool = False) -> None:
        self.ink, self.plan, self.preview = ink, plan, preview

    def tints(self, values) -> list[float]:
        """Per ink, the tint a DeviceCMYK colour carries."""
        channels = [float(v) for v in values]
        return [channels[CHANNELS[i]] for i in range(len(self.plan.inks))]

    def colour_ops(self, tints: list[float], stroke: bool) -> tuple[list, bool]:
        """(operators setting the colour on this master, hidden on this master)."""
        import pikepdf

        if self.preview:
            rgb = mix(tints, self.plan.inks)
            return [pikepdf.ContentStreamInstruction(list(rgb), pikepdf.Operator("RG" if stroke else "rg"))], False
        own = tints[self.ink]
        if own <= 0 and any(t > 0 for t in tints):
            return [], True
        grey = round(1 - own, 4)
        return [pikepdf.ContentStreamInstruction([grey], pikepdf.Operator("G" if stroke else "g"))], False

    def rewrite(self, instructions: list, xobjects, images: set) -> list:
        import pikepdf

        out: list = []
        hidden = {"fill": False, "stroke": False}
        stack: list[tuple[bool, bool, float]] = []
        mode = 0.0  # text render mode as the stream set it
        for item in instructions:
            if isinstance(item, pikepdf.ContentStreamInlineImage):
                out.append(item)
                continue
            operands, op = list(item.operands), str(item.operator)
            if op == "q":
                stack.append((hidden["fill"], hidden["stroke"], mode))
            elif op == "Q" and stack:
                hidden["fill"], hidden["stroke"], mode = stack.pop()
            if op in ("k", "K", "g", "G", "rg", "RG", "sc", "scn", "SC", "SCN"):
                stroke = op.isupper()
                tints = self._tints_of(op, operands)
                if tints is None:  # a pattern: its own content is separated as a form is
                    hidden["stroke" if stroke else "fill"] = False
                    out.append(item)
                    continue
                ops, hide = self.colour_ops(tints, stroke)
                hidden["stroke" if stroke else "fill"] = hide
                out += ops
                continue
            if op in ("cs", "CS"):
                if str(operands[0]) in ("/DeviceCMYK", "/DeviceRGB", "/DeviceGray"):
                    continue  # the colour operators that follow set their own
                out.append(item)
                continue
            if op == "Tr":
                mode = float(operands[0])
            if op in _FILL_PAINT and hidden["fill"] or op in _STROKE_PAINT and hidden["stroke"]:
                out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("n")))
                continue
            if op in _BOTH_PAINT and (hidden["fill"] or hidden["stroke"]):
                kept = "n" if hidden["fill"] and hidden["stroke"] else ("S" if hidden["fill"] else "f")
                out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator(kept)))
                continue
            if op in _TEXT_SHOW and hidden["fill"]:
                out.append(pikepdf.ContentStreamInstruction([3], pikepdf.Operator("Tr")))
                out.append(item)
                out.append(pikepdf.ContentStreamInstruction([mode], pikepdf.Operator("Tr")))
                continue
            if op == "Do" and not self.preview and str(operands[0]) in images and self.ink != self.plan.images:
                continue  # a picture printed by another ink
            if op == "sh" and not self.preview and self.ink != 0:
                continue  # gradients print in the first ink
            out.append(item)
        return out

    def _tints_of(self, op: str, operands: list) -> list[float] | None:
        count = len(self.plan.inks)
        try:
            values = [float(v) for v in operands]
        except (TypeError, ValueError):
            return None  # a pattern
        if len(values) == 4:
            return self.tints(values)
        if len(values) == 3:
            rgb = values
            grey = 1 - (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2])
            return [grey] + [0.0] * (count - 1)
        if len(values) == 1:
            return [1 - values[0]] + [0.0] * (count - 1)
        return None


def mix(tints: list[float], inks: list[Ink]) -> tuple[float, float, float]:
    """The inks printed over each other at their tints on white paper (each ink
    filters the light the way a translucent layer does)."""
    rgb = [1.0, 1.0, 1.0]
    for tint, ink in zip(tints, inks):
        for c in range(3):
            rgb[c] *= 1 - tint * (1 - ink.rgb[c])
    return tuple(round(v, 4) for v in rgb)  # type: ignore[return-value]


def separate(composite: bytes, plan: RisoPlan, ink: int | None) -> bytes:
    """The master of ink ``ink`` (greys only), or the preview (``ink`` None)."""
    import pikepdf

    separation = _Separation(ink or 0, plan, preview=ink is None)
    with pikepdf.open(io.BytesIO(composite)) as pdf:
        done: set[tuple[int, int]] = set()
        images = _recolour_images(pdf, plan, ink)
        for page in pdf.pages:
            _rewrite(pdf, page.obj, separation, done, images)
        for obj in list(pdf.objects):  # tiling patterns (a repeated background) draw too
            if isinstance(obj, pikepdf.Stream) and obj.get("/PatternType") == 1 and obj.objgen not in done:
                done.add(obj.objgen)
                _rewrite(pdf, obj, separation, done, images)
        if ink is not None:
            _grey_groups(pdf)
            _grey_shadings(pdf)
        for page in pdf.pages:
            _registration(pdf, page)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _rewrite(pdf, holder, separation: _Separation, done: set, images: set) -> None:
    """Rewrite the content of a page or form, and of the forms it draws."""
    import pikepdf

    resources = holder.get("/Resources")
    xobjects = resources.get("/XObject") if resources is not None else None
    names = set()
    for name, xobject in (xobjects.items() if xobjects is not None else ()):
        if xobject.get("/Subtype") == "/Image":
            names.add(str(name))
        elif xobject.get("/Subtype") == "/Form" and xobject.objgen not in done:
            done.add(xobject.objgen)
            _rewrite(pdf, xobject, separation, done, images)
    instructions = pikepdf.parse_content_stream(holder)
    data = pikepdf.unparse_content_stream(separation.rewrite(instructions, xobjects, names))
    if isinstance(holder, pikepdf.Stream):
        holder.write(data)
    else:
        holder.Contents = pdf.make_stream(data)


def _recolour_images(pdf, plan: RisoPlan, ink: int | None) -> set:
    """Pictures in greys (on a master) or in the colour of their ink (the preview)."""
    import pikepdf
    import PIL.Image
    import PIL.ImageOps
    from pikepdf import PdfImage

    changed = set()
    masks = {o.SMask.objgen for o in pdf.objects if isinstance(o, pikepdf.Stream) and "/SMask" in o
             and isinstance(o.SMask, pikepdf.Stream)}  # an image's transparency, not a picture
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream) or obj.get("/Subtype") != "/Image" or \
                obj.get("/ImageMask", False) or obj.objgen in changed or obj.objgen in masks:
            continue
        try:
            grey = PdfImage(obj).as_pil_image().convert("L")
        except (pikepdf.PdfError, NotImplementedError, ValueError, OSError):
            continue
        if ink is None:
            colour = tuple(int(v * 255) for v in plan.inks[plan.images].rgb)
            picture = PIL.ImageOps.colorize(grey, black=colour, white=(255, 255, 255))
            obj.write(_deflate(picture.tobytes()), filter=pikepdf.Name.FlateDecode)
            obj.ColorSpace = pikepdf.Name.DeviceRGB
        else:
            obj.write(_deflate(grey.tobytes()), filter=pikepdf.Name.FlateDecode)
            obj.ColorSpace = pikepdf.Name.DeviceGray
        obj.BitsPerComponent = 8
        for key in ("/DecodeParms", "/Decode"):
            if key in obj:
                del obj[key]
        changed.add(obj.objgen)
    return changed


def _deflate(raw: bytes) -> bytes:
    import zlib

    return zlib.compress(raw, 6)


def _grey_groups(pdf) -> None:
    """Transparency groups blend in DeviceGray, as the master's content does."""
    import pikepdf

    for obj in pdf.objects:
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)) and obj.get("/S") == "/Transparency" \
                and "/CS" in obj:
            obj.CS = pikepdf.Name.DeviceGray
        group = obj.get("/Group") if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)) else None
        if isinstance(group, pikepdf.Dictionary) and "/CS" in group:
            group.CS = pikepdf.Name.DeviceGray


def _grey_shadings(pdf) -> None:
    """Gradients (the first ink's) as greys."""
    import pikepdf

    from zinekit.render.press import _functions

    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or "/ShadingType" not in obj:
            continue
        if str(obj.get("/ColorSpace", "")) == "/DeviceGray":
            continue
        for function in _functions(obj.get("/Function")):
            for key in ("/C0", "/C1"):
                values = [float(v) for v in function.get(key, [])]
                if len(values) == 3:
                    luminance = 0.2126 * values[0] + 0.7152 * values[1] + 0.0722 * values[2]
                    function[key] = pikepdf.Array([round(luminance, 4)])
                elif len(values) == 4:
                    function[key] = pikepdf.Array([round(1 - min(1.0, values[3] + sum(values[:3])), 4)])
        obj.ColorSpace = pikepdf.Name.DeviceGray


def _registration(pdf, page) -> None:
    """Room around the page, crop marks at the trim's corners and a registration
    target at the middle of each side, in full ink on every master."""
    trim = [float(v) for v in page.obj.get("/TrimBox", page.mediabox)]
    margin = MARK_MARGIN_MM * MM
    media = [trim[0] - margin, trim[1] - margin, trim[2] + margin, trim[3] + margin]
    old = [float(v) for v in page.mediabox]
    media = [min(media[0], old[0]), min(media[1], old[1]), max(media[2], old[2]), max(media[3], old[3])]
    page.obj.MediaBox = media
    if "/CropBox" in page.obj:
        page.obj.CropBox = media
    ops = ["q 0 G 0.25 w"]
    gap, length = 3 * MM, 6 * MM
    for x, sx in ((trim[0], -1), (trim[2], 1)):
        for y, sy in ((trim[1], -1), (trim[3], 1)):
            ops.append(f"{x + sx * gap:.2f} {y:.2f} m {x + sx * (gap + length):.2f} {y:.2f} l S")
            ops.append(f"{x:.2f} {y + sy * gap:.2f} m {x:.2f} {y + sy * (gap + length):.2f} l S")
    middle_x, middle_y = (trim[0] + trim[2]) / 2, (trim[1] + trim[3]) / 2
    at = margin / 2 + 1.5 * MM
    for cx, cy in ((middle_x, trim[1] - at), (middle_x, trim[3] + at), (trim[0] - at, middle_y),
                   (trim[2] + at, middle_y)):
        ops.append(_target(cx, cy, 2.2 * MM))
    ops.append("Q")
    page.contents_add(pdf.make_stream("\n".join(ops).encode("ascii")), prepend=False)


def _target(x: float, y: float, r: float) -> str:
    """A circle with a cross through it: what registration is judged by."""
    k = 0.5523 * r
    circle = (f"{x + r:.2f} {y:.2f} m {x + r:.2f} {y + k:.2f} {x + k:.2f} {y + r:.2f} {x:.2f} {y + r:.2f} c "
              f"{x - k:.2f} {y + r:.2f} {x - r:.2f} {y + k:.2f} {x - r:.2f} {y:.2f} c "
              f"{x - r:.2f} {y - k:.2f} {x - k:.2f} {y - r:.2f} {x:.2f} {y - r:.2f} c "
              f"{x + k:.2f} {y - r:.2f} {x + r:.2f} {y - k:.2f} {x + r:.2f} {y:.2f} c S")
    cross = (f"{x - 1.5 * r:.2f} {y:.2f} m {x + 1.5 * r:.2f} {y:.2f} l S "
             f"{x:.2f} {y - 1.5 * r:.2f} m {x:.2f} {y + 1.5 * r:.2f} l S")
    return circle + "\n" + cross


def coverage(master: bytes) -> float:
    """Per cent of the trimmed pages the master covers in ink (its greys averaged),
    from a coarse rendering."""
    import numpy
    import pypdfium2

    document = pypdfium2.PdfDocument(master)
    try:
        total, count = 0.0, 0
        for page in document:
            bitmap = page.render(scale=COVERAGE_DPI / 72, grayscale=True)
            pixels = numpy.asarray(bitmap.to_pil().convert("L"), dtype=numpy.float32)
            inset = max(int(MARK_MARGIN_MM * COVERAGE_DPI / 25.4) + 1, 1)
            inner = pixels[inset:-inset, inset:-inset] if pixels.shape[0] > 2 * inset else pixels
            total += float((255 - inner).mean() / 255)
            count += 1
    finally:
        document.close()
    return 100 * total / max(count, 1)


