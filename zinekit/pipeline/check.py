"""``zinekit check``: what a build would find wrong with the text, without laying it out.

A check is what an editor runs after every edit, so it reads the text and what the text
names, and never hands the issue to WeasyPrint (which is not even imported):

1. load, settings, theme, page size, references and citations (the build's stages 1-3,
   run by :func:`zinekit.pipeline.build.plan_issue`);
2. the fonts: a theme font that cannot be read, characters no font draws, a
   ``font-family`` neither the theme nor the machine has;
3. the theme's templates, rendered to the issue's HTML (a template error, or one the
   sandbox refuses, stops here as it stops a build);
4. every image the text and the theme's stylesheets name: there, inside the project,
   and an image Pillow (or an XML parser, for SVG) can read;
5. what each chosen format asks of the text before any page exists: the booklet's
   imposition settings, the image types an EPUB can carry.

What only a layout shows — a footnote moved off the page of its call, a line too long
for its page, the press PDF's preflight, a booklet's sheet count — is the build's and
``zinekit proof``'s to report (docs/errors.md, "What check leaves to the build").
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

from zinekit.errors import Diagnostics
from zinekit.model import Edition, Issue, Prepared

#: Formats printed from the print edition, whose templates differ from the reading one's.
PRINT_EDITIONS = ("booklet", "press", "cover")


def check_text(prepared: Prepared, formats: tuple[str, ...]) -> None:
    """Steps 2-5 above; problems go to ``prepared.diagnostics``."""
    from zinekit.render.fonts import check_font_coverage, check_font_families

    issue, theme, diagnostics = prepared.issue, prepared.theme, prepared.diagnostics
    stylesheets = theme.stylesheets("print")
    check_font_coverage(issue, theme.fonts(), diagnostics)  # 2.
    check_font_families(stylesheets, diagnostics)
    render_templates(prepared, formats)  # 3.
    check_images(issue, diagnostics)  # 4.
    check_stylesheet_images(issue, stylesheets, theme.folders, diagnostics)
    check_formats(prepared, formats)  # 5.


def render_templates(prepared: Prepared, formats: tuple[str, ...]) -> None:
    """The issue's HTML from the theme's templates, for their errors: the reading
    edition's, and the print edition's (its covers) when a format prints from it.  The
    print edition is rendered around no article: the articles' templates have just run."""
    from zinekit.render.document import render_issue_html

    render_issue_html(prepared, mode="print")
    if any(name in formats for name in PRINT_EDITIONS):
        bare = replace(prepared, issue=replace(prepared.issue, articles=[]),
                       diagnostics=Diagnostics())
        render_issue_html(bare, mode="print", edition=Edition(
            print_edition=True, bleed=prepared.issue.build.typed.bleed))


# --- 4. images -------------------------------------------------------------------------------


def check_images(issue: Issue, diagnostics: Diagnostics) -> None:
    """Each image of the text (and the ``cover:``) that the layout would refuse or fail
    to read, reported where it is written, in the words of the build."""
    allow_network = issue.build.typed.allow_network
    root = issue.root.resolve()
    for written, folder, where in _written_images(issue):
        address = urlsplit(written)
        if address.scheme in ("http", "https") and not allow_network:
            diagnostics.warning(f"not loaded: {written} (the network is off (set "
                                "allow_network = true in [build]))", *where)
        if address.scheme or address.netloc or not address.path:
            continue
        file = _existing(folder / unquote(address.path))
        if not file.resolve().is_relative_to(root):
            diagnostics.warning(f"not loaded: {written} (it is outside the project folder)",
                                *where)
        elif file.is_file() and image_problem(file) is not None:
            diagnostics.error(f"image could not be loaded (not an image, or damaged): "
                              f"{written}", *where)


def _written_images(issue: Issue) -> Iterator[tuple[str, Path, tuple[str, int, int]]]:
    """(address as written, the folder it is relative to, its place) of every image."""
    cover = issue.meta.typed.cover
    if isinstance(cover, str) and cover:
        yield cover, issue.source_file.parent, (str(issue.source_file),
                                                issue.meta.line_of("cover"), 1)
    seen: set[tuple[Path, int, int]] = set()
    for article in issue.articles:
        for image in article.images:
            if (article.path, image.line, image.col) in seen:
                continue  # the chapters of a book in one file share its images
            seen.add((article.path, image.line, image.col))
            yield image.src, article.path.parent, (str(article.path), image.line, image.col)


def _existing(path: Path) -> Path:
    from zinekit.safety.names import existing_path

    return existing_path(Path(os.path.normpath(path.parent.resolve() / path.name)))


def image_problem(path: Path) -> str | None:
    """Why the image file at ``path`` cannot be drawn, or None: an SVG must parse as
    XML, any other image must open and verify in Pillow (what WeasyPrint reads it with)."""
    if path.suffix.lower() in (".svg", ".svgz"):
        return _svg_problem(path)
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.verify()
    except Image.DecompressionBombError:
        return None  # the loader reports it, with its size
    except Exception as exc:  # noqa: BLE001 - Pillow raises anything from a damaged file
        return f"{type(exc).__name__}: {exc}"
    return None


def _svg_problem(path: Path) -> str | None:
    from lxml import etree

    try:  # entities and bombs were refused when the text was loaded
        etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False,
                                                            no_network=True))
    except (etree.XMLSyntaxError, ValueError, OSError) as exc:
        return str(exc)
    return None


def check_stylesheet_images(issue: Issue, stylesheets: list[Path], theme_folders: list[Path],
                            diagnostics: Diagnostics) -> None:
    """Each image a stylesheet names with ``url()`` (fonts aside) that is missing or
    damaged: an error at the ``url()``, as the build reports it."""
    roots = [issue.root.resolve(), *(f.resolve() for f in theme_folders)]
    for sheet, written, line, col in stylesheet_urls(stylesheets):
        address = urlsplit(written)
        if address.scheme or address.netloc or not address.path:
            continue
        file = _existing(sheet.parent / unquote(address.path))
        where = (str(sheet), line, col)
        if not any(file.resolve().is_relative_to(r) for r in roots):
            diagnostics.warning(f"not loaded: {written} (it is outside the project folder)",
                                *where)
        elif not file.exists():
            diagnostics.error(f"image not found: {written}", *where)
        elif file.is_file() and image_problem(file) is not None:
            diagnostics.error(f"image could not be loaded (not an image, or damaged): "
                              f"{written}", *where)


def stylesheet_urls(stylesheets: list[Path]) -> Iterator[tuple[Path, str, int, int]]:
    """(stylesheet, address as written, line, column) of each ``url()`` outside
    ``@font-face`` (a font the theme lacks is the font checks' to report)."""
    import tinycss2

    from zinekit.render.asset_rules import css_urls, url_of

    for sheet in stylesheets:
        try:
            rules = tinycss2.parse_stylesheet(sheet.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        for rule in rules:
            if rule.type == "at-rule" and rule.lower_at_keyword in ("font-face", "import"):
                continue
            tokens = [*(getattr(rule, "prelude", None) or []), *(rule.content or [])] \
                if rule.type in ("qualified-rule", "at-rule") else []
            for token in css_urls(tokens):
                yield sheet, url_of(token), token.source_line, token.source_column


# --- 5. what each format asks of the text ----------------------------------------------------


def check_formats(prepared: Prepared, formats: tuple[str, ...]) -> None:
    """The booklet's imposition settings (an error stops the check, as it stops the
    build); the images an EPUB cannot carry."""
    issue, diagnostics = prepared.issue, prepared.diagnostics
    if "booklet" in formats:
        from zinekit.render.editions import booklet_options
        from zinekit.render.paper import caliper_of

        booklet_options(issue, caliper_of(prepared.settings, Diagnostics()))
    if "epub" in formats:
        check_epub_images(issue, diagnostics)


def check_epub_images(issue: Issue, diagnostics: Diagnostics) -> None:
    """An image of a type, or a size, an EPUB does not carry (as the EPUB reports it)."""
    from zinekit.render.asset_rules import IMAGE_TYPES, MAX_IMAGE_BYTES

    root = issue.root.resolve()
    for written, folder, where in _written_images(issue):
        address = urlsplit(written)
        if address.scheme or address.netloc or not address.path:
            continue
        file = _existing(folder / unquote(address.path)).resolve()
        if not file.is_relative_to(root) or not file.is_file():
            continue
        if file.suffix.lower() not in IMAGE_TYPES:
            diagnostics.error(f"image type not supported in EPUB: {written} (use PNG, "
                              "JPEG, GIF, WebP or SVG)", *where)
        elif file.stat().st_size > MAX_IMAGE_BYTES:
            diagnostics.error(f"image is larger than {MAX_IMAGE_BYTES // 2**20} MB: {written}",
                              *where)
