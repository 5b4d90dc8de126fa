"""The issue on the web: the screen HTML with its stylesheets, fonts and images.

Two users share this module:

* the web edition (``zinekit build --format html``): :func:`web_edition` returns the
  files of ``dist/<slug>/`` — ``index.html`` and everything it uses under ``assets/`` —
  with every reference rewritten so the folder works wherever it is uploaded;
* the live preview (``zinekit serve``), which links the same stylesheets and fonts from
  the server instead of copying them.

Fonts are copied only when the theme's fonts folder holds a licence that allows it
(the SIL Open Font License); the licence file travels with them.
"""

from __future__ import annotations

import functools
import html as html_lib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, unquote, urlsplit

import jinja2
import tinycss2

from zinekit.errors import Diagnostics
from zinekit.markup.sanitize import remote_removed, without_remote
from zinekit.model import Issue, Prepared
from zinekit.render.document import render_issue_html
from zinekit.render.asset_rules import css_urls, set_url, url_of
from zinekit.themes_loader import Theme, builtin_themes_folder, template_environment
from zinekit.safety.names import existing_path, nfc

WEB_STYLESHEET = "css/web.css"
NOTES_SCRIPT = "web/notes.js"
LOCAL_REFERENCE = re.compile(r"""\b(src|href)=("([^"]*)"|'([^']*)')""")
URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
TAG = re.compile(r"""<([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
TAG_ATTRIBUTE = re.compile(r"""([^\s="'/>]+)(\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
SCRIPTS_AND_STYLES = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>)", re.DOTALL | re.IGNORECASE)
FONT_SUFFIXES = (".otf", ".ttf", ".woff", ".woff2")
FREE_FONT_LICENCE = re.compile(r"open font license|\bOFL\b", re.IGNORECASE)


# --- theme files ------------------------------------------------------------------------


def theme_file(theme: Theme, relative: str) -> Path | None:
    """A theme file in search order, then in the built-in base theme (web.css, scripts)."""
    found = theme.find(relative)
    if found is not None:
        return found
    fallback = builtin_themes_folder() / "base" / relative
    return fallback if fallback.is_file() else None


def theme_relative(theme: Theme, path: Path) -> str | None:
    """``path`` relative to the theme folder holding it (``css/x.css``), or None."""
    resolved = path.resolve()
    for folder in [*theme.folders, builtin_themes_folder() / "base"]:
        if resolved.is_relative_to(folder.resolve()):
            return resolved.relative_to(folder.resolve()).as_posix()
    return None


def screen_stylesheets(theme: Theme) -> list[Path]:
    """The theme's screen CSS, parents' first, then the web additions (notes, ed. notes)."""
    sheets = theme.stylesheets("screen")
    web = theme_file(theme, WEB_STYLESHEET)
    if web is not None and web not in sheets:
        sheets.append(web)
    return sheets


def web_templates(theme: Theme) -> jinja2.Environment:
    """Jinja environment for the web fragments: the theme's templates, then the base's."""
    folders = [f / "templates" for f in theme.folders]
    folders.append(builtin_themes_folder() / "base" / "templates")
    return _environment(tuple(str(f) for f in folders if f.is_dir()))


@functools.lru_cache(maxsize=16)
def _environment(folders: tuple[str, ...]) -> jinja2.Environment:
    """One environment per search path: compiled templates are kept, and reloaded when
    their file changes (jinja2's ``auto_reload``), so the preview follows theme edits."""
    return template_environment(list(folders), ["html"])


def raw_template(env: jinja2.Environment, name: str) -> str:
    """A template file's text as it is (scripts are not templates)."""
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]


# --- fonts ------------------------------------------------------------------------------


@dataclass
class FontFace:
    """One ``@font-face`` rule of the theme's print CSS whose files may be published."""

    rule: Any  # the tinycss2 at-rule
    files: dict[str, Path] = field(default_factory=dict)  # url as written → font file
    licence: Path | None = None

    def css(self, url_for: Callable[[Path], str]) -> str:
        for token in css_urls(self.rule.content or []):
            set_url(token, url_for(self.files[url_of(token)]))
        rule = tinycss2.serialize([self.rule])
        return rule.replace("{", "{ font-display: swap;", 1)


def font_faces(theme: Theme) -> list[FontFace]:
    """The theme's fonts (declared in its print CSS) that their licence lets us copy.

    The CSS is read with tinycss2, in one pass whatever it holds (a regular expression
    over 300 KB of ``url(x`` took minutes)."""
    faces = []
    for sheet in theme.stylesheets("print"):
        rules = tinycss2.parse_stylesheet(sheet.read_text(encoding="utf-8"),
                                          skip_comments=True, skip_whitespace=True)
        for rule in rules:
            if rule.type == "at-rule" and rule.lower_at_keyword == "font-face" and rule.content:
                face = _font_face(rule, sheet.parent, theme)
                if face is not None:
                    faces.append(face)
    return faces


def _font_face(rule: Any, base: Path, theme: Theme) -> FontFace | None:
    face = FontFace(rule)
    for token in css_urls(rule.content):
        url = url_of(token)
        if URL_SCHEME.match(url):
            return None
        path = (base / unquote(url)).resolve()
        if not path.is_file() or theme_relative(theme, path) is None:
            return None
        face.files[url] = path
    family = _first_family(rule)
    if not face.files or family is None:
        return None
    face.licence = font_licence(next(iter(face.files.values())).parent, family)
    return face if face.licence is not None else None


def _first_family(rule: Any) -> str | None:
    """The family an ``@font-face`` rule declares."""
    for decl in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                skip_whitespace=True):
        if decl.type == "declaration" and decl.lower_name == "font-family":
            words = [t.value for t in decl.value if t.type in ("string", "ident")]
            return " ".join(words) or None
    return None


def font_licence(folder: Path, family: str) -> Path | None:
    """The licence file for ``family`` in ``folder`` if it allows redistribution (OFL).

    A licence file is named after its family (``LICENSE-CourierPrime.txt``); a folder
    with a single licence file covers every font in it.
    """
    candidates = sorted(p for p in folder.iterdir()
                        if p.is_file() and re.match(r"(licen[cs]e|ofl|copying)", p.name, re.I))
    compact = re.sub(r"[^a-z0-9]", "", family.lower())
    named = [p for p in candidates if compact in re.sub(r"[^a-z0-9]", "", p.stem.lower())]
    chosen = named[0] if named else candidates[0] if len(candidates) == 1 else None
    if chosen is None:
        return None
    text = chosen.read_text(encoding="utf-8", errors="replace")
    return chosen if FREE_FONT_LICENCE.search(text) else None


def fonts_css(faces: list[FontFace], url_for: Callable[[Path], str]) -> str:
    header = "/* Fonts of the theme, published under the licences beside them. */\n"
    return header + "\n".join(face.css(url_for) for face in faces) + "\n"


# --- putting fragments into the rendered document ------------------------------------------


def inject(document: str, head: str = "", body_start: str = "", body_end: str = "") -> str:
    """Insert fragments before ``</head>``, after ``<body …>`` and before ``</body>``."""
    if head:
        at = document.find("</head>")
        document = document[:at] + head + document[at:] if at >= 0 else head + document
    if body_start:
        match = re.search(r"<body\b[^>]*>", document)
        at = match.end() if match else 0
        document = document[:at] + body_start + document[at:]
    if body_end:
        at = document.rfind("</body>")
        at = at if at >= 0 else len(document)
        document = document[:at] + body_end + document[at:]
    return document


def web_head(theme: Theme, stylesheet_urls: list[str], extra: str = "") -> str:
    """The ``<head>`` additions of the web edition and the preview."""
    env = web_templates(theme)
    return env.get_template("web/head.html").render(
        stylesheets=stylesheet_urls,
        notes_script=raw_template(env, NOTES_SCRIPT),
        extra=extra,
    )


# --- the web edition --------------------------------------------------------------------------


@dataclass
class Assets:
    """Local files the document refers to, and where they go in the web edition."""

    issue: Issue
    diagnostics: Diagnostics
    files: dict[str, Path] = field(default_factory=dict)  # "assets/…" → source file

    def rewrite(self, document: str) -> str:
        parts = SCRIPTS_AND_STYLES.split(LOCAL_REFERENCE.sub(self._rewrite_one, document))
        return "".join(part if index % 2 else TAG.sub(self._without_remote, part)
                       for index, part in enumerate(parts))

    def _without_remote(self, tag: re.Match[str]) -> str:
        """A start tag with the remote addresses a reader's browser would fetch taken out
        (links stay: see ``sanitize.without_remote``); each is a warning."""
        name = tag.group(1)

        def attribute(match: re.Match[str]) -> str:
            written = next((v for v in match.group(3, 4, 5) if v is not None), None)
            if written is None:
                return match.group(0)
            value = html_lib.unescape(written)
            kept = without_remote(name, match.group(1), value)
            if kept == value:
                return match.group(0)
            self._warn_remote(name, match.group(1), value)
            if kept is None:
                return 'data-zinekit-left-out=""' if match.group(1).lower() == "src" else ""
            return f'{match.group(1)}="{html_lib.escape(kept)}"'

        kept = TAG_ATTRIBUTE.sub(attribute, tag.group(2))
        if name.lower() in ("source", "track") and "data-zinekit-left-out" in kept:
            return ""  # an element that is its address: nothing left of it
        return f"<{name}{kept}>"

    def _warn_remote(self, tag: str, name: str, value: str) -> None:
        path, line, col = self._where(value)
        if tag.lower() == "img" and name.lower() == "src" and not self.issue.build.typed.allow_network:
            message = f"not loaded: {value} (the network is off (set allow_network = true in [build]))"
        else:
            message = remote_removed(f'<{tag} {name}="{value}">')
        self.diagnostics.warning(message, path, line, col)

    def _where(self, value: str) -> tuple[str, int, int]:
        for article in self.issue.articles:
            for image in article.images:
                if image.src == value:
                    return str(article.path), image.line, image.col
            for number, text in enumerate(article.lines, start=1):
                if value in text:  # raw HTML, say
                    return str(article.path), number, text.index(value) + 1
        return str(self.issue.source_file), 0, 0

    def _rewrite_one(self, match: re.Match[str]) -> str:
        attribute = match.group(1)
        value = html_lib.unescape(match.group(3) if match.group(3) is not None else match.group(4))
        if not is_local_reference(value):
            return match.group(0)
        target = self.publish(value)
        if target is None:
            if attribute == "href":
                return match.group(0)  # e.g. a link between issues of dist/: left alone
            self._warn_refused(value)
            return 'data-zinekit-left-out=""'  # no src: the image's alt text stands in
        return f'{attribute}="{html_lib.escape(target)}"'

    def publish(self, reference: str) -> str | None:
        """The asset path for a local file inside the project, or None."""
        parts = urlsplit(reference)
        source = local_file(self.issue, unquote(parts.path))
        if source is None:
            return None
        base = self.issue.source_file.parent.resolve()
        root = self.issue.root.resolve()
        if source.is_relative_to(base):
            name = "assets/files/" + nfc(source.relative_to(base).as_posix())
        else:
            name = "assets/project/" + nfc(source.relative_to(root).as_posix())
        self.files[name] = source
        return quote(name) + (f"#{parts.fragment}" if parts.fragment else "")

    def _warn_refused(self, reference: str) -> None:
        path, line, col = str(self.issue.source_file), 0, 0
        for article in self.issue.articles:
            for image in article.images:
                if image.src == reference:
                    path, line, col = str(article.path), image.line, image.col
        self.diagnostics.warning(f"web edition: {reference} is not a file inside the project; "
                                 "left out", path, line, col)


def is_local_reference(value: str) -> bool:
    """A relative address: not empty, not ``#…``, no scheme, not ``//host``."""
    value = value.strip()
    return bool(value) and not value.startswith(("#", "/")) and not URL_SCHEME.match(value)


def local_file(issue: Issue, relative: str) -> Path | None:
    """``relative`` (from the issue's folder) as a file inside the project, or None.

    Hidden files and folders (``.git``, ``.env``) are never published.
    """
    if "\0" in relative or "\\" in relative:
        return None
    root = issue.root.resolve()
    candidate = existing_path(issue.source_file.parent.resolve() / relative).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    if any(part.startswith(".") for part in candidate.relative_to(root).parts):
        return None
    return candidate


def stylesheet_assets(sheet: Path, theme: Theme) -> dict[str, bytes]:
    """Theme files a screen stylesheet refers to, at ``assets/<path in the theme>``.

    The stylesheet itself goes to ``assets/css/``, so its relative ``url()``
    references keep working.  A font goes only with a free licence from its folder.
    """
    files: dict[str, bytes] = {}
    tokens = tinycss2.parse_component_value_list(sheet.read_text(encoding="utf-8"),
                                                 skip_comments=True)
    for url in dict.fromkeys(url_of(token) for token in css_urls(tokens)):
        if not url or URL_SCHEME.match(url) or url.startswith(("/", "#")):
            continue
        path = (sheet.parent / unquote(urlsplit(url).path)).resolve()
        relative = theme_relative(theme, path)
        if relative is None or not path.is_file():
            continue
        if path.suffix.lower() in FONT_SUFFIXES:
            licence = font_licence(path.parent, path.stem.split("-")[0])
            if licence is None:
                continue
            folder = Path(relative).parent.as_posix()
            files[f"assets/{folder}/{licence.name}"] = licence.read_bytes()
        files[f"assets/{relative}"] = path.read_bytes()
    return files


def web_edition(prepared: Prepared) -> dict[str, bytes]:
    """The files of the web edition, by path relative to ``dist/<slug>/``; warnings
    (files left out) go to the prepared issue's diagnostics."""
    issue, theme = prepared.issue, prepared.theme
    files: dict[str, bytes] = {}
    document = render_issue_html(prepared, mode="screen")
    assets = Assets(issue, prepared.diagnostics)
    document = assets.rewrite(document)
    stylesheet_urls = []
    faces = font_faces(theme)
    if faces:
        files["assets/css/fonts.css"] = fonts_css(
            faces, lambda p: "../fonts/" + quote(p.name)).encode("utf-8")
        stylesheet_urls.append("assets/css/fonts.css")
        for face in faces:
            for font in [*face.files.values(), face.licence]:
                assert font is not None
                files[f"assets/fonts/{font.name}"] = font.read_bytes()
    for sheet in screen_stylesheets(theme):
        files[f"assets/css/{sheet.name}"] = sheet.read_bytes()
        files.update(stylesheet_assets(sheet, theme))
        stylesheet_urls.append(f"assets/css/{quote(sheet.name)}")
    for name, source in sorted(assets.files.items()):
        files[name] = source.read_bytes()
    # The issue is the page's main landmark (screen readers jump to it; axe-core's
    # landmark rules ask that all content sit in one).
    document = inject(document, head=web_head(theme, stylesheet_urls),
                      body_start='<main id="issue-text">', body_end="</main>\n")
    files["index.html"] = document.encode("utf-8")
    return files
