"""Walk a page's content streams as a renderer would, tracking the graphics state.

Only what preflight needs is tracked: the current transformation matrix (CTM, through
``q``/``Q``, ``cm`` and form XObjects' ``/Matrix``), the line width, the fill and
stroke colour spaces (and CMYK values, to tell K-only black from colour), transparency
from the extended graphics state, the current path's extent and the font in use.  What
a page paints is handed to a :class:`Visitor` as :class:`Mark` events in page space
(PDF points, y upwards), so the checks need no PDF knowledge of their own.

Forms are walked in place (each form's operators parsed once and reused wherever it is
drawn: an imposed sheet draws the same page forms many times); forms nested deeper
than :data:`MAX_DEPTH`, or drawing themselves, are not entered, and a form drawn again
on a page in the same graphics state is not walked again (what it paints is already
known).  A page's content shared by other pages is parsed once.  Past
:data:`MAX_OPERATIONS` operators in one document the walk stops with
:class:`TooMuchDrawing` (forms that each draw the next many times make a few KB draw
billions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from pypdf import PageObject
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject, NameObject, StreamObject

Matrix = tuple[float, float, float, float, float, float]
Rect = tuple[float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
MAX_DEPTH = 12
#: Operators walked in one document, forms counted each time they are drawn: a
#: 1,000-page book walks about 5 million in 20 s.
MAX_OPERATIONS = 5_000_000


class TooMuchDrawing(Exception):
    """The document draws more than :data:`MAX_OPERATIONS` operators."""


_PAINT_FILL = {b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}
_PAINT_STROKE = {b"S", b"s", b"B", b"B*", b"b", b"b*"}
_PATH_END = _PAINT_FILL | _PAINT_STROKE | {b"n"}
_TEXT_SHOW = {b"Tj", b"TJ", b"'", b'"'}


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n``: the matrix of applying ``m`` first (PDF's ``m × n``)."""
    return (m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5])


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def bounds(m: Matrix, rect: Rect) -> Rect:
    points = [apply(m, x, y) for x in (rect[0], rect[2]) for y in (rect[1], rect[3])]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def thinnest_scale(m: Matrix) -> float:
    """The smallest factor by which ``m`` scales a length (its smaller singular value)."""
    a, b, c, d = m[:4]
    s = a * a + b * b + c * c + d * d
    det = abs(a * d - b * c)
    return math.sqrt(max(0.0, (s - math.sqrt(max(0.0, s * s - 4 * det * det))) / 2))


@dataclass(frozen=True)
class Colour:
    """A colour space as preflight sees it: rgb, cmyk, grey, spot, lab or pattern;
    ``ink`` tells K-only CMYK (``"grey"``) from colour (``"colour"``)."""

    kind: str
    name: str
    ink: str = "colour"
    values: tuple[float, ...] = ()  # the operands that set it (for the ink it takes)


GREY = Colour("grey", "DeviceGray", "grey")


@dataclass
class State:
    ctm: Matrix = IDENTITY
    line_width: float = 1.0
    fill: Colour = GREY
    stroke: Colour = GREY
    transparent: str = ""  # why painting is transparent now, "" when opaque
    font: Any = None  # the font dictionary set by Tf
    font_name: str = ""


@dataclass(frozen=True)
class Mark:
    """Something painted: ``kind`` is image, fill, stroke, text, shading, or font."""

    kind: str
    box: Rect  # page space
    state: State
    detail: dict[str, Any] = field(default_factory=dict)


Visitor = Callable[[Mark], None]


class Walker:
    """Walks every content stream of a document, reusing each form's parsed operators."""

    def __init__(self, reader) -> None:
        self.reader = reader
        self.parsed: dict[int, list] = {}
        self.left = MAX_OPERATIONS

    def page(self, page: PageObject, visit: Visitor) -> None:
        resources = _resolve(page.get("/Resources")) or DictionaryObject()
        operations = self.page_operations(page)
        if operations:
            _Run(self, visit).run(operations, resources, State(), depth=0, chain=())

    def page_operations(self, page: PageObject) -> list:
        """The operators of a page's content; one stream shared by pages is parsed once."""
        raw = page.get("/Contents")
        shared = raw.get_object() if isinstance(raw, IndirectObject) else None
        if isinstance(shared, StreamObject):
            return self.operations(shared)
        contents = page.get_contents()
        return contents.operations if contents is not None else []

    def operations(self, form: StreamObject) -> list:
        ref = form.indirect_reference
        key = ref.idnum if ref is not None else id(form)
        if key not in self.parsed:
            self.parsed[key] = ContentStream(form, self.reader).operations
        return self.parsed[key]

    def spend(self, operations: int) -> None:
        """Count ``operations`` walked; :class:`TooMuchDrawing` past the bound."""
        self.left -= operations
        if self.left < 0:
            raise TooMuchDrawing(too_much())

    def drawing(self, page: PageObject) -> int:
        """Operators the page draws, each form counted every time it is drawn (as a
        renderer walks it), each form's count found once."""
        resources = _resolve(page.get("/Resources")) or DictionaryObject()
        return self._drawing(self.page_operations(page), resources, (), {})

    def _drawing(self, operations: list, resources: Any, chain: tuple, known: dict) -> int:
        total = len(operations)
        xobjects = _resolve(resources.get("/XObject")) if resources is not None else None
        for operands, operator in operations:
            if operator != b"Do" or xobjects is None or not operands or operands[0] not in xobjects:
                continue
            ref = xobjects.raw_get(operands[0])
            form = _resolve(ref)
            key = (ref.idnum if isinstance(ref, IndirectObject) else id(form), id(resources))
            if not isinstance(form, StreamObject) or form.get("/Subtype") != "/Form" or \
                    key in chain or len(chain) > 4 * MAX_DEPTH:
                continue
            if key not in known:
                own = _resolve(form.get("/Resources"))
                known[key] = self._drawing(self.operations(form), own if own is not None
                                           else resources, chain + (key,), known)
            total += known[key]
        return total


def too_much() -> str:
    return (f"its pages draw more than {MAX_OPERATIONS:,} operators (forms drawing forms "
            "many times over: a PDF bomb?); not checked further")


class _Run:
    """One walk of one page: the graphics state stack and the current path."""

    def __init__(self, walker: Walker, visit: Visitor) -> None:
        self.walker, self.visit = walker, visit
        self.path: list[tuple[float, float]] = []
        self.text_matrix: Matrix = IDENTITY
        self.line_matrix: Matrix = IDENTITY
        self.text_leading = 0.0
        self.font_size = 0.0
        self.walked: set[tuple] = set()  # (form, graphics state) already walked on this page

    def run(self, operations: list, resources: DictionaryObject, state: State, depth: int,
            chain: tuple[int, ...]) -> None:
        self.walker.spend(len(operations))
        stack: list[State] = []
        for operands, operator in operations:
            if operator == b"q":
                stack.append(state)
            elif operator == b"Q":
                state = stack.pop() if stack else state
            else:
                state = self.step(operator, operands, resources, state, depth, chain)

    def step(self, op: bytes, args: list, resources, state: State, depth: int, chain) -> State:
        handler = _HANDLERS.get(op)
        if handler is not None:
            return handler(self, args, resources, state, depth, chain) or state
        if op in _PATH_END:
            self.paint(op, state)
        elif op in _TEXT_SHOW:
            self.show_text(op, args, state)
        return state

    # -- paths ---------------------------------------------------------------
    def add_points(self, state: State, *points: tuple[float, float]) -> None:
        self.path += [apply(state.ctm, x, y) for x, y in points]

    def paint(self, op: bytes, state: State) -> None:
        if self.path:
            xs, ys = [p[0] for p in self.path], [p[1] for p in self.path]
            box = (min(xs), min(ys), max(xs), max(ys))
            if op in _PAINT_FILL:
                self.visit(Mark("fill", box, state))
            if op in _PAINT_STROKE:
                width = state.line_width * thinnest_scale(state.ctm)
                self.visit(Mark("stroke", box, state, {"width": width, "set": state.line_width}))
        self.path = []

    # -- text ----------------------------------------------------------------
    def show_text(self, op: bytes, args: list, state: State) -> None:
        if op in (b"'", b'"'):
            self.next_line()
        trm = multiply(self.text_matrix, state.ctm)
        x, y = apply(trm, 0, 0)
        size = self.font_size * thinnest_scale(trm)
        self.visit(Mark("text", (x, y, x, y + size), state, {"font": state.font, "name": state.font_name}))

    def next_line(self) -> None:
        self.line_matrix = multiply((1, 0, 0, 1, 0, -self.text_leading), self.line_matrix)
        self.text_matrix = self.line_matrix

    # -- XObjects ------------------------------------------------------------
    def draw(self, name, resources, state: State, depth: int, chain) -> None:
        raw = _resolve(resources.get("/XObject"))
        ref = raw.raw_get(name) if raw is not None and name in raw else None
        xobject = _resolve(ref)
        if not isinstance(xobject, StreamObject):
            return
        key = ref.idnum if isinstance(ref, IndirectObject) else id(xobject)
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            self.image(xobject, state, resources)
        elif subtype == "/Form" and depth < MAX_DEPTH and key not in chain:
            seen = (key, state.ctm, state.line_width, state.fill, state.stroke,
                    state.transparent, id(state.font), self.font_size)
            if seen not in self.walked:
                self.walked.add(seen)
                self.form(xobject, state, resources, depth, chain + (key,))

    def image(self, image: DictionaryObject, state: State, resources) -> None:
        box = bounds(state.ctm, (0, 0, 1, 1))
        detail = {
            "pixels": (int(image.get("/Width", 0) or 0), int(image.get("/Height", 0) or 0)),
            "placed": (math.hypot(state.ctm[0], state.ctm[1]), math.hypot(state.ctm[2], state.ctm[3])),
            "mask": bool(image.get("/ImageMask", False)),
            "bits": int(image.get("/BitsPerComponent", 8) or 8),
            "soft_mask": "/SMask" in image and _resolve(image.get("/SMask")) is not None,
            "colour": colour_of(image.get("/ColorSpace"), resources),
            "xobject": image,
        }
        self.visit(Mark("image", box, state, detail))

    def form(self, form: StreamObject, state: State, resources, depth: int, chain) -> None:
        matrix = tuple(float(v) for v in form.get("/Matrix", IDENTITY))
        inner = replace(state, ctm=multiply(matrix, state.ctm))  # type: ignore[arg-type]
        group = _resolve(form.get("/Group"))
        if isinstance(group, DictionaryObject) and group.get("/S") == "/Transparency":
            self.visit(Mark("group", bounds(inner.ctm, _rect(form.get("/BBox"))), inner))
        own = _resolve(form.get("/Resources"))
        self.run(self.walker.operations(form), own if own is not None else resources, inner, depth + 1, chain)


# ------------------------------------------------------------------ operator handlers

def _cm(run: _Run, args, resources, state: State, *_):
    return replace(state, ctm=multiply(tuple(float(v) for v in args[:6]), state.ctm))  # type: ignore[arg-type]


def _w(run: _Run, args, resources, state: State, *_):
    return replace(state, line_width=float(args[0]))


def _gs(run: _Run, args, resources, state: State, *_):
    states = _resolve(resources.get("/ExtGState"))
    gstate = _resolve(states.get(args[0])) if states is not None else None
    if not isinstance(gstate, DictionaryObject):
        return state
    why = transparency_of(gstate)
    width = _number(gstate.get("/LW"), state.line_width)
    return replace(state, transparent=why or state.transparent, line_width=width)


def _colour(kind: str, stroke: bool) -> Callable:
    def handler(run: _Run, args, resources, state: State, *_):
        ink = "grey" if kind == "grey" or (kind == "cmyk" and _k_only(args)) else "colour"
        colour = Colour(kind, {"rgb": "DeviceRGB", "cmyk": "DeviceCMYK", "grey": "DeviceGray"}[kind], ink,
                        _values(args))
        return replace(state, stroke=colour) if stroke else replace(state, fill=colour)
    return handler


def _space(stroke: bool) -> Callable:
    def handler(run: _Run, args, resources, state: State, *_):
        colour = colour_of(args[0], resources)
        return replace(state, stroke=colour) if stroke else replace(state, fill=colour)
    return handler


def _set_in_space(stroke: bool) -> Callable:
    def handler(run: _Run, args, resources, state: State, *_):
        current = state.stroke if stroke else state.fill
        if current.kind != "cmyk" or len(args) != 4:
            colour = replace(current, values=_values(args))
        else:
            colour = replace(current, ink="grey" if _k_only(args) else "colour", values=_values(args))
        return replace(state, stroke=colour) if stroke else replace(state, fill=colour)
    return handler


def _path(points: Callable[[list], list[tuple[float, float]]]) -> Callable:
    def handler(run: _Run, args, resources, state: State, *_):
        run.add_points(state, *points([float(v) for v in args]))
    return handler


def _rectangle(a: list[float]) -> list[tuple[float, float]]:
    x, y, w, h = a[:4]
    return [(x, y), (x + w, y), (x, y + h), (x + w, y + h)]


def _pairs(a: list[float]) -> list[tuple[float, float]]:
    return [(a[i], a[i + 1]) for i in range(0, len(a) - 1, 2)]


def _text_handler(op: bytes) -> Callable:
    def handler(run: _Run, args, resources, state: State, *_):
        if op == b"BT":
            run.text_matrix = run.line_matrix = IDENTITY
        elif op == b"Tm":
            run.text_matrix = run.line_matrix = tuple(float(v) for v in args[:6])  # type: ignore[assignment]
        elif op in (b"Td", b"TD"):
            tx, ty = float(args[0]), float(args[1])
            if op == b"TD":
                run.text_leading = -ty
            run.line_matrix = multiply((1, 0, 0, 1, tx, ty), run.line_matrix)
            run.text_matrix = run.line_matrix
        elif op == b"T*":
            run.next_line()
        elif op == b"TL":
            run.text_leading = float(args[0])
        elif op == b"Tf":
            fonts = _resolve(resources.get("/Font"))
            font = _resolve(fonts.get(args[0])) if fonts is not None else None
            run.font_size = float(args[1])
            return replace(state, font=font, font_name=str(args[0]))
        return state
    return handler


def _do(run: _Run, args, resources, state: State, depth: int, chain):
    run.draw(args[0], resources, state, depth, chain)


def _inline_image(run: _Run, args, resources, state: State, *_):
    settings = args[0].get("settings", {}) if args and isinstance(args[0], dict) else {}
    image = DictionaryObject({NameObject("/Width"): settings.get("/W", settings.get("/Width", 0)),
                              NameObject("/Height"): settings.get("/H", settings.get("/Height", 0))})
    for short, long in (("/CS", "/ColorSpace"), ("/BPC", "/BitsPerComponent"), ("/IM", "/ImageMask")):
        value = settings.get(short, settings.get(long))
        if value is not None:
            image[NameObject(long)] = value
    run.image(image, state, resources)


def _shading(run: _Run, args, resources, state: State, *_):
    shadings = _resolve(resources.get("/Shading"))
    shading = _resolve(shadings.get(args[0])) if shadings is not None else None
    if isinstance(shading, DictionaryObject):
        colour = colour_of(shading.get("/ColorSpace"), resources)
        run.visit(Mark("shading", bounds(state.ctm, (0, 0, 0, 0)), replace(state, fill=colour)))


_HANDLERS: dict[bytes, Callable] = {
    b"cm": _cm, b"w": _w, b"gs": _gs, b"Do": _do, b"INLINE IMAGE": _inline_image, b"sh": _shading,
    b"rg": _colour("rgb", False), b"RG": _colour("rgb", True), b"k": _colour("cmyk", False),
    b"K": _colour("cmyk", True), b"g": _colour("grey", False), b"G": _colour("grey", True),
    b"cs": _space(False), b"CS": _space(True), b"sc": _set_in_space(False), b"scn": _set_in_space(False),
    b"SC": _set_in_space(True), b"SCN": _set_in_space(True),
    b"re": _path(_rectangle), b"m": _path(_pairs), b"l": _path(_pairs), b"c": _path(_pairs),
    b"v": _path(_pairs), b"y": _path(_pairs),
    **{op: _text_handler(op) for op in (b"BT", b"Tm", b"Td", b"TD", b"T*", b"TL", b"Tf")},
}


# ------------------------------------------------------------------------ helpers

def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _number(value: Any, default: float) -> float:
    try:
        return float(_resolve(value)) if value is not None else default
    except (TypeError, ValueError):
        return default


def _rect(value: Any) -> Rect:
    try:
        x0, y0, x1, y1 = (float(v) for v in value)
        return (x0, y0, x1, y1)
    except (TypeError, ValueError):
        return (0.0, 0.0, 0.0, 0.0)


def _values(args: list) -> tuple[float, ...]:
    try:
        return tuple(float(v) for v in args[:4])
    except (TypeError, ValueError):
        return ()


def _k_only(args: list) -> bool:
    try:
        return all(abs(float(v)) < 1e-6 for v in args[:3])
    except (TypeError, ValueError):
        return False


_DEVICE = {"/DeviceRGB": "rgb", "/RGB": "rgb", "/DeviceCMYK": "cmyk", "/CMYK": "cmyk",
           "/DeviceGray": "grey", "/G": "grey", "/CalRGB": "rgb", "/CalGray": "grey", "/Lab": "lab",
           "/Pattern": "pattern", "/Separation": "spot", "/DeviceN": "spot"}
_BY_COMPONENTS = {1: "grey", 3: "rgb", 4: "cmyk"}


def colour_of(space: Any, resources: Any = None, depth: int = 0) -> Colour:
    """What kind of colour a colour space (a name, a resource name or an array) gives."""
    space = _resolve(space)
    if space is None:
        return GREY
    if isinstance(space, NameObject) and space not in _DEVICE and resources is not None and depth < 4:
        named = _resolve(resources.get("/ColorSpace"))
        if named is not None and space in named:
            return colour_of(named.raw_get(space), None, depth + 1)
    if isinstance(space, ArrayObject) and space:
        family = str(space[0])
        if family == "/ICCBased" and len(space) > 1:
            stream = _resolve(space[1])
            kind = _BY_COMPONENTS.get(int(stream.get("/N", 3)), "rgb") if isinstance(stream, DictionaryObject) else "rgb"
            return Colour(kind, f"ICCBased ({kind.upper()})", "grey" if kind == "grey" else "colour")
        if family in ("/Indexed", "/I") and len(space) > 1 and depth < 4:
            base = colour_of(space[1], resources, depth + 1)
            return replace(base, name=f"Indexed {base.name}")
        return _named(family)
    return _named(str(space))


def _named(name: str) -> Colour:
    kind = _DEVICE.get(name, "rgb")
    return Colour(kind, name.lstrip("/"), "grey" if kind == "grey" else "colour")


def transparency_of(gstate: DictionaryObject) -> str:
    """Why an extended graphics state makes painting transparent, or ``""``."""
    for key, what in (("/CA", "stroke opacity"), ("/ca", "fill opacity")):
        alpha = _number(gstate.get(key), 1.0)
        if alpha < 1:
            return f"{what} {alpha:g}"
    mask = _resolve(gstate.get("/SMask"))
    if mask is not None and mask != "/None":
        return "a soft mask"
    blend = gstate.get("/BM")
    if isinstance(blend, ArrayObject):
        blend = blend[0] if blend else None
    if blend is not None and blend not in ("/Normal", "/Compatible"):
        return f"blend mode {str(blend).lstrip('/')}"
    return ""
