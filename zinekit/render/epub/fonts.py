"""The EPUB's stylesheet and the fonts it embeds.

The theme's EPUB stylesheets are joined into one file.  Each ``@font-face`` is kept only
when (1) the font's licence allows embedding it in a document and (2) the text uses that
face: the stylesheet's ``font-family``, ``font-weight`` and ``font-style`` rules are
matched against the pages (with the browser defaults for ``strong``, ``em``, headings …)
and every element that holds text asks for one face.  Fonts are read only from the
theme's folders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import cssselect2
import tinycss2

from zinekit.errors import Diagnostics
from zinekit.render.font_cache import remembered
from zinekit.render.epub.assets import FONT_TYPES, IMAGE_TYPES, Resources, css_urls, set_url, theme_file, url_of
from zinekit.render.epub.xhtml import Page
from zinekit.themes_loader import Theme

# Licences that allow a font to be embedded in a document that is then distributed.
EMBEDDABLE = re.compile(r"\bOFL\b|Open Font Licen[cs]e|Apache License|Font exception|"
                        r"Ubuntu Font Licen[cs]e|\bCC0\b|public domain|GUST Font Licen[cs]e|"
                        r"Bitstream Vera|\bMIT\b", re.I)
LICENCE_FILE = re.compile(r"^(LICEN[CS]E|OFL|COPYING|COPYRIGHT)", re.I)
UA_BOLD = {"b", "strong", "th", "h1", "h2", "h3", "h4", "h5", "h6"}
UA_ITALIC = {"em", "i", "cite", "var", "dfn", "address"}
BODY_STYLE = ((), 400, False)  # (families, weight, italic)

Style = tuple[tuple[str, ...], int, bool]


@dataclass
class FontFace:
    family: str  # case-folded
    weight: int
    italic: bool
    rule: Any  # the tinycss2 @font-face rule
    css_file: Path


# --- licences ----------------------------------------------------------------------

@lru_cache(maxsize=64)
def embedding_allowed(font: Path) -> tuple[bool, str]:
    """Whether ``font`` may be embedded in an EPUB, and the reason."""
    names = remembered(str(font), "embedding", _embedding_names, list, _names_back)
    if not names:
        return False, "it could not be read as a font"
    fs_type, family, name_licence = names
    family = family or font.stem
    if fs_type & 0x000F == 0x0002:
        return False, "its embedding permissions (OS/2 fsType) say 'restricted licence'"
    licence = _licence_text(font, family) or name_licence
    if not licence:
        return False, f"no licence file was found beside it in {font.parent}"
    if EMBEDDABLE.search(licence):
        return True, "its licence allows embedding"
    return False, "its licence is not one known to allow embedding (OFL, Apache, GPL with font exception …)"


def _embedding_names(path: str) -> tuple[int, str, str] | tuple[()]:
    """The font's embedding permissions (OS/2 fsType), family and licence name; () for
    a file that is no font.  (fontTools is loaded here: only for a font not seen before,
    see :mod:`zinekit.render.font_cache`.)"""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(path, lazy=True) as tt:
            fs_type = tt["OS/2"].fsType if "OS/2" in tt else 0
            family = tt["name"].getDebugName(16) or tt["name"].getDebugName(1) or ""
            return int(fs_type), str(family), str(tt["name"].getDebugName(13) or "")
    except (TTLibError, OSError, AssertionError, KeyError):
        return ()


def _names_back(value: Any) -> tuple[int, str, str] | tuple[()] | None:
    """:func:`_embedding_names` read back from the cache; None for anything else."""
    if value == []:
        return ()
    if isinstance(value, list) and len(value) == 3 and type(value[0]) is int \
            and all(isinstance(v, str) for v in value[1:]):
        return value[0], value[1], value[2]
    return None


def _licence_text(font: Path, family: str) -> str:
    """The licence that governs ``font``: the one licence file beside it, or the one
    whose name matches its family (``LICENSE-BebasNeue.txt`` for Bebas Neue)."""
    files = sorted(p for p in font.parent.iterdir() if p.is_file() and LICENCE_FILE.match(p.name))
    if len(files) > 1:
        key = _squash(family)
        files = [p for p in files if _squash(LICENCE_FILE.sub("", p.stem)) and
                 (key.startswith(_squash(LICENCE_FILE.sub("", p.stem)))
                  or _squash(font.stem).startswith(_squash(LICENCE_FILE.sub("", p.stem))))]
    if len(files) != 1:
        return ""
    text = files[0].read_text(encoding="utf-8", errors="replace")
    field = re.search(r"^License:\s*(.+)$", text, re.M)  # Debian copyright format
    return field.group(1) if field else text


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


# --- which faces the text uses -----------------------------------------------------

def _declarations(rule: Any) -> list[Any]:
    return [d for d in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                        skip_whitespace=True)
            if d.type == "declaration"]


def _families(value: list[Any]) -> tuple[str, ...]:
    families: list[str] = []
    current: list[str] = []
    for token in value + [None]:
        if token is None or (token.type == "literal" and token.value == ","):
            if current:
                families.append(" ".join(current).casefold())
            current = []
        elif token.type in ("string", "ident"):
            current.append(token.value)
    return tuple(families)


def _weight(value: str, inherited: int) -> int:
    value = value.strip().lower()
    named = {"normal": 400, "bold": 700, "lighter": 400 if inherited <= 700 else 700,
             "bolder": 700 if inherited < 600 else 900}
    if value in named:
        return named[value]
    first = value.split()[0] if value.split() else ""
    return int(float(first)) if re.fullmatch(r"\d+(\.\d+)?", first) else inherited


def _apply(style: Style, declarations: Iterable[Any]) -> Style:
    families, weight, italic = style
    for decl in declarations:
        text = tinycss2.serialize(decl.value).strip()
        if decl.lower_name == "font-family":
            families = _families(decl.value) or families
        elif decl.lower_name == "font-weight":
            weight = _weight(text, weight)
        elif decl.lower_name == "font-style":
            italic = text.lower().startswith(("italic", "oblique"))
    return families, weight, italic


def used_styles(style_rules: list[Any], pages: list[Page]) -> set[Style]:
    """Every (font-family list, weight, italic) some text of ``pages`` is set in."""
    matcher = cssselect2.Matcher()
    for rule in style_rules:
        declarations = [d for d in _declarations(rule)
                        if d.lower_name in ("font-family", "font-weight", "font-style")]
        if not declarations:
            continue
        try:
            selectors = cssselect2.compile_selector_list(rule.prelude)
        except cssselect2.SelectorError:
            continue
        for selector in selectors:
            matcher.add_selector(selector, declarations)
    used: set[Style] = set()
    for page in pages:
        root = cssselect2.ElementWrapper.from_html_root(page.root)
        for child in root.iter_children():
            if child.local_name == "body":
                _walk(child, _apply(BODY_STYLE, _matching(matcher, root)), matcher, used)
    return used


def _matching(matcher: cssselect2.Matcher, element: Any) -> list[Any]:
    return [d for match in matcher.match(element) if match[2] is None for d in match[3]]


def _walk(element: Any, inherited: Style, matcher: cssselect2.Matcher, used: set[Style]) -> None:
    families, weight, italic = inherited
    tag = element.local_name
    style = (families, 700 if tag in UA_BOLD else weight, italic or tag in UA_ITALIC)
    style = _apply(style, _matching(matcher, element))
    node = element.etree_element
    if (node.text or "").strip() or any((c.tail or "").strip() for c in node):
        used.add(style)
    for child in element.iter_children():
        _walk(child, style, matcher, used)


def _face_for(style: Style, by_family: dict[str, list[FontFace]]) -> FontFace | None:
    families, weight, italic = style
    for family in families:
        faces = by_family.get(family)
        if faces:
            same_style = [f for f in faces if f.italic == italic] or faces
            return min(same_style, key=lambda f: (abs(f.weight - weight), -f.weight))
    return None


# --- the stylesheet ----------------------------------------------------------------

def _face_of(rule: Any, css_file: Path) -> FontFace | None:
    families, weight, italic = _apply(((), 400, False), _declarations(rule))
    return FontFace(families[0], weight, italic, rule, css_file) if families else None


def _all_rules(rules: list[Any]) -> Iterable[Any]:
    """Style rules, including those inside ``@media`` blocks."""
    for rule in rules:
        if rule.type == "qualified-rule":
            yield rule
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content:
            yield from _all_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                           skip_whitespace=True))


def pack_stylesheet(css_files: list[Path], theme: Theme, pages: list[Page], resources: Resources,
                    diagnostics: Diagnostics) -> bytes:
    """One stylesheet for the EPUB; packs the fonts and images it needs."""
    sheets = [(path, tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"),
                                               skip_comments=True, skip_whitespace=True))
              for path in css_files]
    faces = [face for path, rules in sheets for rule in rules
             if rule.type == "at-rule" and rule.lower_at_keyword == "font-face"
             for face in [_face_of(rule, path)] if face is not None]
    by_family: dict[str, list[FontFace]] = {}
    for face in faces:
        by_family.setdefault(face.family, []).append(face)
    style_rules = [r for _, rules in sheets for r in _all_rules(rules)]
    wanted = {id(f.rule) for s in used_styles(style_rules, pages) for f in [_face_for(s, by_family)] if f}
    out = []
    for path, rules in sheets:
        out.append(f"/* {path.name} */")
        for rule in rules:
            if rule.type == "at-rule" and rule.lower_at_keyword == "font-face":
                if id(rule) not in wanted or not _pack_font_face(rule, path, theme, resources, diagnostics):
                    continue
            elif rule.type == "at-rule" and rule.lower_at_keyword == "import":
                continue  # everything the theme wants is listed in theme.toml
            else:
                _pack_urls(rule, path, theme, resources)
            out.append(tinycss2.serialize([rule]))
    return ("\n".join(out) + "\n").encode("utf-8")


def _pack_font_face(rule: Any, css_file: Path, theme: Theme, resources: Resources,
                    diagnostics: Diagnostics) -> bool:
    """Pack the face's font files if their licences allow; False drops the face."""
    urls = css_urls(rule.content or [])
    files = [(token, theme_file(css_file, url_of(token), theme)) for token in urls]
    for token, font in files:
        if font is None or font.suffix.lower() not in FONT_TYPES:
            return False
        allowed, why = embedding_allowed(font)
        if not allowed:
            diagnostics.warning(f"font {font.name} is not embedded in the EPUB: {why}", str(font))
            return False
    for token, font in files:
        assert font is not None
        name = resources.add_file(font, "fonts", FONT_TYPES[font.suffix.lower()])
        set_url(token, "../" + name)
    return bool(files)


def _pack_urls(rule: Any, css_file: Path, theme: Theme, resources: Resources) -> None:
    for token in css_urls(rule.content or []):
        found = theme_file(css_file, url_of(token), theme)
        kind = IMAGE_TYPES.get(found.suffix.lower()) if found else None
        if found is not None and kind is not None:
            set_url(token, "../" + resources.add_file(found, "images", kind))
