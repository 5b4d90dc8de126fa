"""What WeasyPrint may read, and where a file it could not read is named.

:class:`ProjectFetcher` serves the project's and the themes' files at fixed addresses
and refuses the rest; the functions after it find, for an address WeasyPrint gave up
on, the place in the Markdown or the stylesheet that wrote it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable
from urllib.parse import quote, unquote, urljoin, urlparse
from urllib.request import url2pathname

import tinycss2
from weasyprint.urls import URLFetcher

from zinekit.errors import Diagnostics, ZinekitError
from zinekit.model import Issue
from zinekit.render.epub.assets import css_urls, url_of
from zinekit.safety.limits import check_css_file, irregular_kind
from zinekit.safety.names import existing_path


#: Where WeasyPrint sees the project's files and the built-in themes: fixed addresses,
#: so that nothing it derives from an address (an image's name in the PDF, the file's
#: identifier) depends on the folder the project lives in.
MOUNTS = ("file:///zinekit-project/", "file:///zinekit-themes/")


class ProjectFetcher(URLFetcher):
    """Serves files inside the allowed folders; refuses other paths and, unless the
    project allows it, the network.  Every refusal is remembered for a located warning.

    ``mounts`` are the folders seen at fixed addresses (see :data:`MOUNTS`): the
    project's root, then the built-in themes; :meth:`url_for` gives a file's address."""

    def __init__(self, allowed_roots: Iterable[Path], allow_network: bool = False,
                 mounts: Iterable[Path] = ()) -> None:
        super().__init__(timeout=10, allowed_protocols=None)
        self.roots = [Path(r).resolve() for r in allowed_roots]
        self.allow_network = allow_network
        self.mounts = list(zip(MOUNTS, [Path(m).resolve() for m in mounts]))
        self.refused: list[tuple[str, str]] = []  # (url, reason)

    def url_for(self, path: Path) -> str:
        """The address WeasyPrint is given for ``path``: under a mount when inside one."""
        resolved = path.resolve()
        for prefix, folder in self.mounts:
            if resolved.is_relative_to(folder):
                return prefix + quote(resolved.relative_to(folder).as_posix())
        return resolved.as_uri()

    def real_path(self, url: str) -> Path:
        """The file a ``file:`` address names, mounts mapped back (under the Unicode
        normalisation its name has on disk)."""
        for prefix, folder in self.mounts:
            if url.startswith(prefix):
                inside = url2pathname(unquote(urlparse(url).path[len(prefix) - 7:]))
                return existing_path(folder / inside)
        return existing_path(Path(url2pathname(unquote(urlparse(url).path))))

    def fetch(self, url: str, headers=None):  # noqa: D102 - WeasyPrint's hook
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self.real_path(url).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                self._refuse(url, "it is outside the project folder")
            kind = irregular_kind(path)
            if kind is not None:  # a named pipe would block the build for ever
                self._refuse(url, f"it is {kind}, not a regular file")
            if path.suffix.lower() == ".css":  # an @import: bounded as theme stylesheets are
                self._check_stylesheet(url, path)
            response = super().fetch(path.as_uri(), headers)
            response.url = url  # what it refers to resolves under the mount too
            return response
        if scheme in ("http", "https") and self.allow_network:
            return super().fetch(url, headers)
        if scheme in ("http", "https"):
            self._refuse(url, "the network is off (set allow_network = true in [build])")
        self._refuse(url, f"{scheme}: addresses are not loaded")
        raise AssertionError("unreachable")

    def _check_stylesheet(self, url: str, path: Path) -> None:
        try:
            check_css_file(path)
        except ZinekitError as exc:
            self._refuse(url, exc.message.split(": error: ", 1)[-1])

    def _refuse(self, url: str, reason: str) -> None:
        self.refused.append((url, reason))
        raise ValueError(f"zinekit refused {url}: {reason}")


def report_refusals(fetcher: ProjectFetcher, issue: Issue, diagnostics: Diagnostics) -> None:
    """A located warning for every file or address the build refused to read."""
    for url, reason in fetcher.refused:
        written, path, line, col = find_image(issue, url, fetcher)
        if written is None:  # not a Markdown image: raw HTML, say
            path, line, col = locate_text(issue, url)
        shown = written or url
        diagnostics.warning(f"not loaded: {shown} ({reason})", path, line, col)


def find_image(issue: Issue, url: str,
               fetcher: ProjectFetcher | None = None) -> tuple[str | None, str, int, int]:
    """The image whose address, as written in an article, resolves to ``url``."""
    for article in issue.articles:
        folder = article.path.parent
        base = (fetcher.url_for(folder) if fetcher else folder.resolve().as_uri()) + "/"
        for image in article.images:
            target = urljoin(base, image.src)
            if unquote(target) == unquote(url) or image.src == url:
                return image.src, str(article.path), image.line, image.col
    return None, str(issue.source_file), 0, 0


def find_cover(issue: Issue, url: str,
               fetcher: ProjectFetcher) -> tuple[str, str, int, int] | None:
    """The ``cover:`` image as its front matter writes it, when it resolves to ``url``."""
    written = issue.meta.typed.cover
    if not isinstance(written, str) or not written:
        return None
    base = fetcher.url_for(issue.source_file.parent) + "/"
    if unquote(urljoin(base, quote(written))) != unquote(url):
        return None
    return written, str(issue.source_file), issue.meta.line_of("cover"), 1


def locate_text(issue: Issue, needle: str) -> tuple[str, int, int]:
    """The first place ``needle`` is written in the issue's sources."""
    for article in issue.articles:
        for number, line in enumerate(article.lines, start=1):
            col = line.find(needle)
            if col >= 0:
                return str(article.path), number, col + 1
    return str(issue.source_file), 0, 0


def report_image(url: str, issue: Issue, stylesheets: list[Path], fetcher: ProjectFetcher,
                  diagnostics: Diagnostics) -> None:
    """An image WeasyPrint could not load, where it is named: in the Markdown, else in
    the theme's stylesheets."""
    written, path, line, col = find_image(issue, url, fetcher)
    if written is None:
        written, path, line, col = find_cover(issue, url, fetcher) or (written, path, line, col)
    local = fetcher.real_path(url) if url.startswith("file:") else None
    if written is None and local is not None:
        path, line, col = css_url_place(stylesheets, fetcher, url) or (path, line, col)
    if local is not None and not local.exists():
        shown = written or (theme_relative_url(stylesheets, fetcher, url) or str(local))
        diagnostics.error(f"image not found: {shown}", path, line, col)
    else:
        shown = written or (project_relative(local, issue) if local is not None else url)
        diagnostics.error(f"image could not be loaded (not an image, or damaged): {shown}",
                          path, line, col)


def project_relative(path: Path, issue: Issue) -> str:
    """``path`` as it reads from the project's folder (never a mount's address)."""
    try:
        return path.resolve().relative_to(issue.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _css_urls(stylesheets: list[Path], fetcher: ProjectFetcher):
    """(stylesheet, url as written, its address, line, column) of every ``url()``."""
    for sheet in stylesheets:
        base = fetcher.url_for(sheet)
        tokens = tinycss2.parse_component_value_list(sheet.read_text(encoding="utf-8"))
        for token in css_urls(tokens):
            written = url_of(token)
            yield sheet, written, urljoin(base, written), token.source_line, token.source_column


def css_url_place(stylesheets: list[Path], fetcher: ProjectFetcher,
                  url: str) -> tuple[str, int, int] | None:
    """The stylesheet, line and column of the first ``url()`` that resolves to ``url``."""
    for sheet, _, address, line, col in _css_urls(stylesheets, fetcher):
        if unquote(address) == unquote(url):
            return str(sheet), line, col
    return None


def theme_relative_url(stylesheets: list[Path], fetcher: ProjectFetcher, url: str) -> str | None:
    """The ``url()`` as the stylesheet writes it."""
    for _, written, address, _, _ in _css_urls(stylesheets, fetcher):
        if unquote(address) == unquote(url):
            return written
    return None
