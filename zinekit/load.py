"""Stage 1: read an issue from disk into the document model.

An issue is a single Markdown file with front matter, or a folder whose ``issue.md``
lists its article files under ``articles:``.  Nothing outside the project folder is read.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from zinekit.config import (
    ARTICLE_OPTIONS,
    ISSUE_OPTIONS,
    IssueSettings,
    Settings,
    split_front_matter,
    validate,
)
from zinekit.errors import Diagnostic, Diagnostics, SourceError
from zinekit.safety.limits import image_size_problem, irregular_kind, not_regular, svg_problem
from zinekit.markup import parse_markdown
from zinekit.markup.chapters import split_chapters
from zinekit.markup.structure import slugify, unique_id
from zinekit.safety.names import existing_path
from zinekit.markup.typography import typeset_settings, typography_for, typography_language
from zinekit.model import Article, Image, Issue

ISSUE_FILE = "issue.md"
#: One Markdown file of 4 MB lays out to about 2,500 A5 pages in about five minutes
#: and 1.5 GB of memory; a larger file is refused before it is read.
MAX_SOURCE_BYTES = 4_000_000


def issue_file_of(path: Path) -> Path:
    """The file holding an issue's front matter: the .md itself or ``DIR/issue.md``."""
    if path.is_dir():
        candidate = path / ISSUE_FILE
        if not candidate.is_file():
            raise SourceError(f"no {ISSUE_FILE} in this folder: an issue folder needs one "
                              "with front matter listing its 'articles:'", str(path))
        return candidate
    return path


def read_source(path: Path, root: Path, diagnostics: Diagnostics,
                referrer: tuple[str, int] | None = None) -> str | None:
    """Read a Markdown file inside ``root`` as UTF-8; report why not otherwise."""
    where = referrer or (str(path), 0)
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        diagnostics.error(f"{path} is outside the project folder {root}; not read", *where)
        return None
    irregular = not_regular(resolved, str(path))
    if irregular is not None:
        diagnostics.error(irregular, *where)
        return None
    if not resolved.is_file():
        diagnostics.error(f"file not found: {path}", *where)
        return None
    size = resolved.stat().st_size
    if size > MAX_SOURCE_BYTES:
        diagnostics.error(f"file is {size / 1_000_000:.1f} MB; the limit for one Markdown "
                          f"file is {MAX_SOURCE_BYTES / 1_000_000:g} MB (split it into the "
                          "articles of a folder issue)", str(path), 1, 1)
        return None
    data = resolved.read_bytes()
    if not data.strip():
        diagnostics.error("file is empty: an issue or article needs front matter or text",
                          str(path), 1, 1)
        return None
    if b"\0" in data[:8192]:
        diagnostics.error("this is a binary file, not Markdown text", str(path), 1, 1)
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diagnostics.error("file is not valid UTF-8 text", str(path), line, col)
        return None
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def load_issue(path: Path, root: Path, build: Settings) -> Issue:
    """Read, validate and parse one issue (stage 1 of the pipeline); what is wrong with
    it is in ``issue.diagnostics``."""
    diagnostics = Diagnostics()
    source_file = issue_file_of(path)
    text = read_source(source_file, root, diagnostics) or ""
    front = split_front_matter(text, str(source_file), diagnostics)
    meta = validate(front.data, ISSUE_OPTIONS, front.lines, str(source_file), diagnostics,
                    "front matter")
    language = typography_language(IssueSettings(meta, build))
    meta = typeset_settings(meta, typography_for(language))
    allow_html = build.typed.allow_html
    shared: dict = {"zk_typography": language}
    articles: list[Article] = []
    # a folder whose issue.md lists no articles is a one-file issue that lives in a folder
    is_folder = path.is_dir() and bool(meta.typed.articles)
    body_article = _article(source_file, front.body, meta, allow_html, shared, diagnostics,
                            root, is_intro=is_folder, titled=False)
    if front.body.strip() or not is_folder:
        articles += [body_article] if meta.typed.articles else book_chapters(body_article)
    for name in meta.typed.articles:
        article = _load_article(source_file, name, meta, root, allow_html, shared, diagnostics)
        if article is not None:
            articles.append(article)
    _check_cover(source_file, meta, root, diagnostics)
    slug = issue_slug(meta, path)
    return Issue(path=path, source_file=source_file, root=root, meta=meta, build=build,
                 articles=articles, slug=slug, diagnostics=list(diagnostics))


def _load_article(issue_file: Path, name: str, issue_meta: Settings, root: Path,
                  allow_html: bool, shared: dict, diagnostics: Diagnostics) -> Article | None:
    path = issue_file.parent / name
    referrer = (str(issue_file), issue_meta.line_of("articles"))
    text = read_source(path, root, diagnostics, referrer)
    if text is None:
        return None
    front = split_front_matter(text, str(path), diagnostics)
    meta = validate(front.data, ARTICLE_OPTIONS, front.lines, str(path), diagnostics,
                    "article front matter")
    meta = typeset_settings(meta, typography_for(shared.get("zk_typography")))
    return _article(path, front.body, meta, allow_html, shared, diagnostics, root)


def _article(path: Path, body: str, meta: Settings, allow_html: bool, shared: dict,
             diagnostics: Diagnostics, root: Path, is_intro: bool = False,
             titled: bool = True) -> Article:
    text = parse_markdown(body, str(path), allow_html=allow_html, shared=shared,
                          typography=shared.get("zk_typography"))
    diagnostics.extend(text.diagnostics)
    _check_images(path, text.images, root, diagnostics)
    _check_descriptions(path, text.images, diagnostics)
    title = meta.typed.title if titled else None
    used: set[str] = shared.setdefault("zk_ids", set())
    anchor = unique_id(slugify(title or path.stem), used)
    return Article(path=path, meta=meta, text=text, anchor=anchor, title=title,
                   is_intro=is_intro)


def book_chapters(whole: Article) -> list[Article]:
    """The chapters of a book in one file, each an article (see
    :mod:`zinekit.markup.chapters`), after its introduction; else the text as it is."""
    intro, chapters = split_chapters(whole.text)
    if not chapters:
        return [whole]
    found = [replace(whole, text=intro, is_intro=True)] if intro is not None else []
    for chapter in chapters:
        meta = validate({"title": chapter.title}, ARTICLE_OPTIONS, {"title": chapter.line},
                        str(whole.path), Diagnostics(), "chapter")
        found.append(Article(path=whole.path, meta=meta, text=chapter.text,
                             anchor=chapter.anchor, title=chapter.title, chapter=True))
    return found


def _check_images(path: Path, images: list[Image], root: Path, diagnostics: Diagnostics) -> None:
    """An image file that is not there is an error now, with the others of the file,
    not only once the issue is laid out.  (Addresses outside the project, or on the
    network, are for the render stage to refuse.)"""
    for image in images:
        address = urlsplit(image.src)
        if address.scheme or address.netloc or not address.path or address.path.startswith("/"):
            continue
        file = existing_path(Path(os.path.normpath(path.parent.resolve() / unquote(address.path))))
        if not file.is_relative_to(root.resolve()):
            continue
        kind = irregular_kind(file)
        where = (str(path), image.line, image.col)
        if kind is not None:
            diagnostics.refuse(f"image is {kind}, not a regular file; not read: {image.src}",
                               *where)
        elif not file.exists():
            diagnostics.error(f"image not found: {image.src}", *where)
        elif not file.resolve().is_relative_to(root.resolve()):
            continue  # a link leading out: the render stage refuses it, unread
        elif (too_large := image_size_problem(file)) is not None:
            severity, why = too_large
            diagnostics.add(Diagnostic(severity, f"image {image.src} {why}", *where))
        elif file.suffix.lower() == ".svg" and (bomb := svg_problem(file)) is not None:
            diagnostics.refuse(f"image {image.src} is refused (line {bomb.line} of the SVG): "
                               f"{bomb.message}", *where)


def _check_cover(issue_file: Path, meta: Settings, root: Path, diagnostics: Diagnostics) -> None:
    """The ``cover:`` image is there and inside the project (as an article's images)."""
    written = meta.typed.cover
    if not written:
        return
    where = (str(issue_file), meta.line_of("cover"), 1)
    file = existing_path(Path(os.path.normpath(issue_file.parent.resolve() / str(written))))
    if not file.is_relative_to(root.resolve()):
        diagnostics.warning(f"not loaded: {written} (it is outside the project folder)", *where)
    elif not file.is_file():
        diagnostics.error(f"image not found: {written}", *where)
    elif file.suffix.lower() == ".svg" and (bomb := svg_problem(file)) is not None:
        diagnostics.refuse(f"image {written} is refused (line {bomb.line} of the SVG): "
                           f"{bomb.message}", *where)


def _check_descriptions(path: Path, images: list[Image], diagnostics: Diagnostics) -> None:
    """An image a screen reader cannot describe: a warning (an error with --strict),
    unless the Markdown says it is decorative."""
    for image in images:
        if not image.alt and not image.decorative:
            diagnostics.warning(f"image has no description: write what it shows, "
                                f"![…]({image.src}), or mark an ornament "
                                f'![]({image.src} "decorative")', str(path), image.line, image.col)


def issue_slug(meta: Settings, path: Path) -> str:
    """``ember-tide-vol-6`` from series and volume; else the file's (or folder's) name."""
    parts = []
    for value, label in zip(meta.typed.numbering, ("vol", "no", "chap")):
        if value is not None:
            parts.append(f"{label} {value}")
    if parts and meta.typed.series:
        parts.insert(0, meta.typed.series)
    if not parts:
        name = path.name if path.is_dir() or path.name == ISSUE_FILE else path.stem
        if path.name == ISSUE_FILE:
            name = path.parent.name
        parts.append(name)
    slug = slugify(" ".join(str(p) for p in parts))
    return re.sub(r"^s-", "", slug) or "issue"
