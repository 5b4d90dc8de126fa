"""``zinekit build --format riso``: risograph masters, one greyscale PDF per ink.

A risograph prints one ink at a time from a master: black on the master is full ink,
grey a tint.  WeasyPrint has no spot colours, so the inks are carried through one
drawing of the print edition as the channels of DeviceCMYK and separated after:

    the print layout (render/press.py, shared with press and cover)
    → each box's ink: the theme's ``[riso.elements]`` (CSS selectors → ink), the first
      ink for everything else; its colours' darkness becomes a tint in the ink's
      channel (first ink: K, then C, M, Y), and the layout is drawn once that way
    → per ink, the drawing's colour operators rewritten: the ink's tint as DeviceGray,
      what another ink paints left unpainted (paths ended without paint, text
      invisible), pictures in greys on the master of the ink they print in
    → registration marks around every page; a composite preview in the inks' colours;
      each master's coverage

The inks and their colours are the table in ``themes/base/riso-inks.toml``.

WeasyPrint internals this reaches into (one layout drawn twice needs them): the laid-out
pages' boxes (``Page._page_box``), each box's computed style and its ``background``
(settled by the layout), the parsed HTML (``Document._html``) to match the theme's
selectors, and ``pdf.stream.Stream.set_color`` while drawing (as render/press.py does).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zinekit.model import LaidOut, Prepared
from zinekit.render.riso_separation import (CHANNELS, Ink,
                                              RisoPlan)
from zinekit.reachins import colours_drawn, page_box, parsed_html
from zinekit.safety.limits import toml_loads

MAX_INKS = 4
COLOUR_KEYS = ("color", "background_color", "border_top_color", "border_right_color",
               "border_bottom_color", "border_left_color", "outline_color",
               "text_decoration_color", "column_rule_color")


class RisoError(ValueError):
    """An ink or element table that cannot be printed: (message, path, line)."""

    def __init__(self, message: str, path: str, line: int) -> None:
        super().__init__(message)
        self.message, self.path, self.line = message, path, line


def ink_table(theme) -> dict[str, Ink]:
    """Every standard ink zinekit knows (themes/base/riso-inks.toml)."""
    path = theme.find("riso-inks.toml")
    if path is None:
        from zinekit.themes_loader import builtin_themes_folder

        path = builtin_themes_folder() / "base" / "riso-inks.toml"
    table = toml_loads(path.read_text(encoding="utf-8"), path)
    return {name: Ink(name, _hex(value)) for name, value in table.items()}


def _hex(value: str) -> tuple[float, float, float]:
    value = value.lstrip("#")
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def riso_plan(prepared: Prepared) -> RisoPlan:
    """The inks (front matter's ``inks``, else the theme's ``[riso] inks``, else black)
    and the theme's elements; RisoError where one is wrong."""
    theme, issue = prepared.theme, prepared.issue
    table = ink_table(theme)
    section = theme.manifest.get("riso", {}) or {}
    manifest = _manifest_path(theme)
    theme_inks = [str(i) for i in section.get("inks", ["black"])]
    given = issue.meta.typed.inks
    if given:
        names = [str(i) for i in (given if isinstance(given, list) else [given])]
        where, line = str(issue.source_file), issue.meta.line_of("inks") or 1
    else:
        names, where, line = theme_inks, manifest, _line(manifest, "inks")
    if len(names) > MAX_INKS:
        raise RisoError(f"{len(names)} riso inks: a risograph prints at most {MAX_INKS} "
                        "(one master each)", where, line)
    for name in names:
        if name not in table:
            raise RisoError(f"unknown riso ink {name!r} (known: {', '.join(sorted(table))})", where, line)
    if len(set(names)) != len(names):
        raise RisoError(f"an ink is named twice: {', '.join(names)}", where, line)
    inks = [table[n] for n in names]
    # the theme maps to its own inks; the front matter's replace them place for place
    position = {name: i for i, name in enumerate(theme_inks)}
    elements: list[tuple[str, int]] = []
    for selector, ink in (section.get("elements", {}) or {}).items():
        _check_selector(str(selector), manifest)
        index = position.get(str(ink), names.index(str(ink)) if str(ink) in names else None)
        if index is None:
            raise RisoError(f"[riso.elements] {selector!r} prints in {ink!r}, which is not one of "
                            f"the theme's inks ({', '.join(theme_inks)})", manifest, _line(manifest, selector))
        if index < len(inks):
            elements.append((str(selector), index))
    images = str(section.get("images", theme_inks[0]))
    return RisoPlan(inks, elements, min(position.get(images, 0), len(inks) - 1))


def _check_selector(selector: str, manifest: str) -> None:
    """RisoError, where the theme writes it, for a selector CSS cannot read."""
    import cssselect2

    try:
        cssselect2.compile_selector_list(selector)
    except cssselect2.SelectorError:
        raise RisoError(f"[riso.elements] {selector!r} is not a CSS selector zinekit can match", manifest,
                        _line(manifest, selector)) from None


def _manifest_path(theme) -> str:
    for folder in theme.folders:
        manifest = folder / "theme.toml"
        if manifest.is_file() and "riso" in toml_loads(manifest.read_text(encoding="utf-8"), manifest):
            return str(folder / "theme.toml")
    return str(theme.folders[0] / "theme.toml")


def _line(path: str, key: str) -> int:
    try:
        for number, text in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if text.lstrip().startswith((key, f'"{key}"')):
                return number
    except OSError:
        pass
    return 1


# --- one drawing, the inks in the channels -------------------------------------------


def element_inks(document, plan: RisoPlan) -> dict[int, int]:
    """id(element) → ink index, for every element a selector names and those inside it
    (later selectors win, as later rules do)."""
    import cssselect2

    root = cssselect2.ElementWrapper.from_html_root(parsed_html(document).etree_element)
    inks: dict[int, int] = {}
    for selector, index in plan.elements:
        for wrapper in root.query_all(selector):
            for element in wrapper.etree_element.iter():
                inks[id(element)] = index
    return inks


def _boxes(box) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child)
    for extra in ("footnote_area",):
        inner = getattr(box, extra, None)
        if inner is not None:
            yield from _boxes(inner)


def darkness(colour) -> float:
    """How much ink a colour takes on a one-ink master: 0 for white, 1 for black."""
    r, g, b = (min(max(v, 0.0), 1.0) for v in colour.to("srgb").coordinates)
    return round(1 - (0.2126 * r + 0.7152 * g + 0.0722 * b), 4)


def carried(colour, index: int):
    """``colour`` as the tint of ink ``index`` in its DeviceCMYK channel."""
    from tinycss2.color5 import Color

    channels = [0.0, 0.0, 0.0, 0.0]
    channels[CHANNELS[index]] = darkness(colour) if colour.space != "device-cmyk" else \
        min(1.0, sum(colour.coordinates))
    return Color("device-cmyk", channels, colour.alpha)


def draw_in_channels(layout, plan: RisoPlan) -> bytes:
    """The print layout drawn once with each element's colours in its ink's channel
    (the styles put back after, so the press PDF drawn from the same layout is
    unchanged)."""
    from tinycss2.color4 import (
        Color,  # what computed styles hold (color5's is a kind of it)
    )

    from zinekit.render.pdf_write import pdf_bytes

    document = layout.document
    inks = element_inks(document, plan) if plan.elements else {}
    saved: list[tuple[Any, str, Any]] = []
    backgrounds: list[tuple[Any, Any]] = []
    seen: set[int] = set()
    for page in document.pages:
        for box in _boxes(page_box(page)):
            style = getattr(box, "style", None)
            index = inks.get(id(getattr(box, "element", None)), 0)
            background = getattr(box, "background", None)  # its colour was settled by the layout
            if background is not None and isinstance(background.color, Color) and background.color.alpha > 0:
                backgrounds.append((box, background))
                box.background = background._replace(color=carried(background.color, index))
            if style is None or id(style) in seen:
                continue
            seen.add(id(style))
            for key in COLOUR_KEYS:
                value = style[key]
                if isinstance(value, Color) and value.alpha > 0:
                    saved.append((style, key, value))
                    style[key] = carried(value, index)
    try:
        with _key_ink_drawing():
            return pdf_bytes(document, layout.html + "\nriso", None)
    finally:
        for style, key, value in reversed(saved):
            style[key] = value
        for box, background in backgrounds:
            box.background = background


def _key_ink_drawing():
    """What is not carried (SVG fills, the page's own colours) prints in the first ink."""
    return colours_drawn(lambda color: color if color.space == "device-cmyk" else carried(color, 0))


# --- the format -------------------------------------------------------------------------


def make_riso(prepared: Prepared, reading: LaidOut | None, out: Path) -> dict[Path, bytes]:
    """The format's maker: ``<slug>-riso-<ink>.pdf`` for each ink and
    ``<slug>-riso-preview.pdf``; the coverage of each master in the build's notes."""
    from zinekit.render.press import print_layout
    from zinekit.render.riso_separation import coverage, separate

    issue = prepared.issue
    try:
        plan = riso_plan(prepared)
    except RisoError as exc:
        prepared.diagnostics.error(f"riso: {exc.message}", exc.path, exc.line, 1)
        return {}
    layout = print_layout(prepared, reading)
    composite = draw_in_channels(layout, plan)
    files: dict[Path, bytes] = {}
    shares = []
    for index, ink in enumerate(plan.inks):
        master = separate(composite, plan, index)
        files[out / f"{issue.slug}-riso-{_slug(ink.name)}.pdf"] = master
        share = coverage(master)
        shares.append(f"{ink.name} {share:.1f} %" if share >= 0.1 or share == 0 else f"{ink.name} {share:.2f} %")
    files[out / f"{issue.slug}-riso-preview.pdf"] = separate(composite, plan, None)
    count = len(plan.inks)
    prepared.notes.append(
        f"riso: {count} master{'s' if count != 1 else ''} of {layout.pages} pages, one per ink, "
        f"with registration marks; ink coverage {', '.join(shares)}; the composite preview "
        f"is {issue.slug}-riso-preview.pdf (docs/riso.md)")
    return files


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
