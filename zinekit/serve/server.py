"""The preview's web server: loopback only, and nothing outside the project or themes.

Addresses:

    /<issue folder>/            the preview of an issue (``/notes.html`` for notes.md)
    /<path in the project>      a file of the project (images …); never a hidden one
    /__zinekit/issue/N/theme/…  a file of issue N's theme (stylesheets, fonts)
    /__zinekit/issue/N/fonts.css  the theme's @font-face rules, pointing at the above
    /__zinekit/version?issue=N  the preview's version, a number that moves on each rebuild
    /__zinekit/events?issue=N   the same as Server-Sent Events, for the page to reload
    /__zinekit/pdf?issue=N[&format=booklet]   builds the PDF now and returns it
    /pages?issue=N              the page view: the reading edition's pages as images
    /__zinekit/page?issue=N&n=K  page K's image (PNG); /__zinekit/pages.json?issue=N its
                                paragraphs' boxes and file:line; /__zinekit/pages-version
"""

from __future__ import annotations

import errno
import json
import mimetypes
import os
import re
import shutil
import socket
import sys
import threading
import time
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import click

from zinekit.errors import Diagnostics, ZinekitError, printable
from zinekit.project import issues_at, open_project
from zinekit.render.formats import FORMATS
from zinekit.render.web import font_faces, fonts_css, raw_template, theme_file, theme_relative, web_templates
from zinekit.serve.pages import PageView, editor_address, editor_setting
from zinekit.serve.pdf import PdfFailed, build_pdf
from zinekit.serve.preview import IssuePreview, _base_theme
from zinekit.serve.watch import Watcher
from zinekit.serve.urls import unbracketed, parse_number, is_loopback, safe_parts, file_inside

KEEPALIVE_SECONDS = 15.0
FILE_CHUNK = 1 << 20  # bytes read and sent at a time
EXTRA_TYPES = {".otf": "font/otf", ".ttf": "font/ttf", ".woff": "font/woff",
               ".woff2": "font/woff2", ".svg": "image/svg+xml", ".md": "text/plain; charset=utf-8",
               ".toml": "text/plain; charset=utf-8", ".bib": "text/plain; charset=utf-8"}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: "PreviewServer") -> None:
        self.app = app
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, PreviewHandler)

    def handle_error(self, request, client_address) -> None:  # noqa: D102 - socketserver's
        """One line in the log, not socketserver's traceback on standard error."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, (BrokenPipeError, ConnectionResetError, TimeoutError)):
            self.app.log(f"zinekit serve: internal error answering a request: "
                         f"{type(exc).__name__}: {printable(exc)}")


class PreviewServer:
    """Previews of the issue(s) at ``path``, rebuilt on save, served on ``host:port``."""

    def __init__(self, path: Path, host: str = "127.0.0.1", port: int = 8000,
                 log=None, editor: str | None = None) -> None:
        host = unbracketed(host)
        if not is_loopback(host):
            raise click.UsageError(f"--host must be a loopback address such as 127.0.0.1 "
                                   f"(got {host!r}): the preview serves the project's files")
        diagnostics = Diagnostics()
        project = open_project(path, diagnostics)
        self.root = project.root.resolve()
        self.series = (project.file.data.get("series", {}) or {}).get("name") \
            if project.file is not None else None
        self.previews = [IssuePreview(p, i, project.root)
                         for i, p in enumerate(issues_at(path, project))]
        self.log = log or (lambda message: click.echo(message, err=True))
        self.editor = editor or editor_setting(project)
        self.pages = [PageView(p.path, self.root, self.log) for p in self.previews]
        self.stopping = False
        self.httpd = _bind(host, port, self)
        self.watcher = Watcher(self._changed)
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        address, port = self.httpd.server_address[:2]
        host = address.decode() if isinstance(address, bytes) else str(address)
        shown = f"[{host}]" if ":" in host else host
        first = self.previews[0].url if len(self.previews) == 1 else "/"
        return f"http://{shown}:{port}{first}"

    # --- life cycle -----------------------------------------------------------------------

    def start(self) -> "PreviewServer":
        """Build every preview once, start watching and answering (in a thread)."""
        for preview in self.previews:
            preview.rebuild()
            self._report(preview)
        self._watch_inputs()
        self.watcher.start()
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="zinekit-serve",
                                       kwargs={"poll_interval": 0.2}, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping = True
        for preview in self.previews:
            preview.wake_all()
        for view in self.pages:
            view.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.watcher.stop()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def __enter__(self) -> "PreviewServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- rebuilding -----------------------------------------------------------------------

    def _watch_inputs(self) -> None:
        for preview in self.previews:
            for path in preview.watched:
                self.watcher.watch(path.parent)
            for folder in preview.theme_folders:
                self.watcher.watch(folder, recursive=True)

    def _changed(self, paths: set[Path]) -> None:
        try:
            for preview, view in zip(self.previews, self.pages):
                if preview.affected_by(paths):
                    view.saved()  # the pages are laid out beside the page's rebuild
                    preview.rebuild()
                    self._report(preview)
            self._watch_inputs()
        except Exception as exc:  # never let the watcher thread die
            self.log(f"zinekit serve: internal error while rebuilding: {exc!r}")

    def _report(self, preview: IssuePreview) -> None:
        state = preview.snapshot()
        errors = sum(1 for d in state.diagnostics if d.severity == "error")
        warnings = len(state.diagnostics) - errors
        if state.problem is not None:
            self.log(f"{preview.url}: {state.problem.kind}: {state.problem.lines[0]}")
        for diagnostic in state.diagnostics:
            self.log(str(diagnostic))
        self.log(f"{preview.url}: rebuilt in {state.seconds * 1000:.0f} ms ({errors} "
                 f"error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)})")

    # --- lookups for the handler -------------------------------------------------------------

    def preview_at(self, url_path: str) -> IssuePreview | None:
        return next((p for p in self.previews if p.serves(url_path)), None)

    def preview_number(self, value: str | None) -> IssuePreview | None:
        if value is None and len(self.previews) == 1:
            return self.previews[0]
        number = parse_number(value)
        return self.previews[number] if number is not None and number < len(self.previews) \
            else None


def _bind(host: str, port: int, app: PreviewServer) -> _HTTPServer:
    try:
        return _HTTPServer((host, port), app)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ZinekitError(f"error: port {port} is in use; try --port {port + 1}") from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise ZinekitError(f"error: not allowed to listen on port {port}; "
                               "try --port 8000 or above") from None
        raise ZinekitError(f"error: cannot listen on {host}:{port}: {exc.strerror}") from None


class PreviewHandler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "zinekit-preview"
    answered = False  # the status line is sent: an error can no longer be answered

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base's name
        pass  # one line per rebuild is enough; requests are not logged

    @property
    def app(self) -> PreviewServer:
        return self.server.app

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self.head_only = True
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        if not self._host_allowed():
            return self._text(HTTPStatus.FORBIDDEN, "zinekit serve answers on localhost only\n")
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        try:
            if url.path.startswith("/__zinekit/"):
                return self._zinekit(url.path[len("/__zinekit/"):], query)
            return self._project(url.path)
        except (BrokenPipeError, ConnectionResetError):
            return None
        except Exception as exc:  # a bug: one line in the log, a plain 500 to the browser
            self.app.log(f"zinekit serve: internal error answering {printable(url.path)}: "
                         f"{type(exc).__name__}: {printable(exc)}")
            if not self.answered:
                self._text(HTTPStatus.INTERNAL_SERVER_ERROR,
                           "internal error in zinekit serve (its log says which)\n")

    # --- pages and project files -----------------------------------------------------------

    def _project(self, path: str) -> None:
        preview = self.app.preview_at(path)
        if preview is not None:
            page = preview.page(_formats(), many=len(self.app.previews) > 1)
            return self._send(HTTPStatus.OK, "text/html; charset=utf-8", page.encode("utf-8"))
        if path == "/":
            return self._index()
        if path == "/pages":
            return self._pages_view()
        redirect = self.app.preview_at(path + "/")
        if redirect is not None:
            return self._redirect(redirect.url)
        parts = safe_parts(path)
        found = file_inside(self.app.root, parts) if parts is not None else None
        if found is None:
            return self._not_found()
        self._file(found, sandbox=True)

    def _index(self) -> None:
        if len(self.app.previews) == 1:
            return self._redirect(self.app.previews[0].url)
        env = web_templates(_base_theme())
        issues = []
        for preview in self.app.previews:
            state = preview.snapshot()
            title = state.good.title if state.good else str(preview.path)
            failed = state.problem is not None or \
                any(d.severity == "error" for d in state.diagnostics)
            issues.append({"url": preview.url, "title": title, "failed": failed})
        page = env.get_template("web/preview-index.html").render(
            series=self.app.series, issues=issues,
            stylesheet="/__zinekit/issue/0/theme/css/preview.css")
        self._send(HTTPStatus.OK, "text/html; charset=utf-8", page.encode("utf-8"))

    # --- /__zinekit/… ------------------------------------------------------------------------

    def _zinekit(self, rest: str, query: dict[str, str]) -> None:
        parts = rest.split("/")
        if parts[0] == "issue" and len(parts) >= 3:
            preview = self.app.preview_number(parts[1])
            if preview is None:
                return self._not_found()
            if parts[2:] == ["fonts.css"]:
                return self._fonts_css(preview)
            if parts[2] == "theme":
                return self._theme_file(preview, "/".join(parts[3:]))
            return self._not_found()
        wanted = query.get("issue", "0")
        preview = self.app.preview_number(wanted)
        if preview is None:
            return self._no_issue(wanted)
        if rest == "version":
            return self._text(HTTPStatus.OK, f"{preview.snapshot().version}\n")
        if rest == "events":
            return self._events(preview, query.get("version", ""))
        if rest == "pdf":
            return self._pdf(preview, query.get("format", "pdf"))
        if rest in ("page", "pages.json", "pages-version"):
            return self._pages(self.app.pages[preview.index], rest, query)
        return self._not_found()

    # --- the page view -----------------------------------------------------------------------

    def _pages_view(self) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        wanted = query.get("issue", "0")
        preview = self.app.preview_number(wanted)
        if preview is None:
            return self._no_issue(wanted)
        view = self.app.pages[preview.index]
        view.wanted()
        version, current, problem = view.snapshot()
        env = web_templates(self._theme_of(preview))
        pages = None if current is None else [
            {"width": p.width, "height": p.height, "paragraphs": [_box(q, self.app.editor) for q in p.paragraphs]}
            for p in current.pages]
        state = preview.snapshot()
        page = env.get_template("web/preview-pages.html").render(
            index=preview.index, version=version, pages=pages, problem=problem,
            set_version=current.version if current else 0,
            title=state.good.title if state.good else str(preview.path.name),
            built_at=time.strftime("%H:%M:%S", time.localtime(current.built_at)) if current else "",
            milliseconds=round(current.seconds * 1000) if current else 0,
            editor=bool(self.app.editor), back=preview.url,
            stylesheet=f"/__zinekit/issue/{preview.index}/theme/css/preview.css",
            script=raw_template(env, "web/preview-pages.js"))
        self._send(HTTPStatus.OK, "text/html; charset=utf-8", page.encode("utf-8"))

    def _pages(self, view: PageView, rest: str, query: dict[str, str]) -> None:
        view.wanted()
        if rest == "pages-version":
            known = parse_number(query.get("known"), digits=18)
            version = view.wait_for_change(known, KEEPALIVE_SECONDS) if known is not None \
                else view.snapshot()[0]
            return self._text(HTTPStatus.OK, f"{version}\n")
        version, current, problem = view.snapshot()
        if rest == "pages.json":
            data = {"version": version, "problem": problem, "pages": None if current is None else [
                {"image": f"/__zinekit/page?issue={self._issue(query)}&v={current.version}&n={n}",
                 "width": p.width, "height": p.height,
                 "paragraphs": [{"id": q.id, "file": q.file, "line": q.line, "box": list(q.box),
                                 "editor": editor_address(self.app.editor, q)} for q in p.paragraphs]}
                for n, p in enumerate(current.pages, start=1)]}
            return self._send(HTTPStatus.OK, "application/json", json.dumps(data).encode("utf-8"))
        number = parse_number(query.get("n"))
        if current is None or number is None or not 1 <= number <= len(current.pages):
            return self._text(HTTPStatus.NOT_FOUND, "no such page (yet): see /pages\n")
        self._send(HTTPStatus.OK, "image/png", current.pages[number - 1].png)

    def _issue(self, query: dict[str, str]) -> str:
        return query.get("issue", "0")

    def _theme_of(self, preview: IssuePreview):
        state = preview.snapshot()
        return state.good.theme if state.good else _base_theme()

    def _theme_file(self, preview: IssuePreview, relative: str) -> None:
        theme = self._theme_of(preview)
        parts = safe_parts(relative)
        found = theme_file(theme, "/".join(parts)) if parts else None
        if found is None or theme_relative(theme, found) is None:
            return self._not_found()
        self._file(found.resolve())

    def _fonts_css(self, preview: IssuePreview) -> None:
        theme = self._theme_of(preview)
        prefix = f"/__zinekit/issue/{preview.index}/theme/"
        css = fonts_css(font_faces(theme), lambda p: prefix + quote(theme_relative(theme, p) or ""))
        self._send(HTTPStatus.OK, "text/css; charset=utf-8", css.encode("utf-8"))

    def _events(self, preview: IssuePreview, known: str) -> None:
        """Server-Sent Events: the preview's version whenever it changes."""
        self.answered = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")
        self.wfile.flush()
        version = parse_number(known, digits=18)
        version = -1 if version is None else version
        while not self.app.stopping:
            latest = preview.wait_for_change(version, KEEPALIVE_SECONDS)
            if self.app.stopping:
                break
            if latest != version:
                self.wfile.write(f"data: {latest}\n\n".encode("ascii"))
                version = latest
            else:
                self.wfile.write(b": still here\n\n")
            self.wfile.flush()

    def _pdf(self, preview: IssuePreview, fmt: str) -> None:
        if fmt not in _formats() or fmt == "html":
            return self._text(HTTPStatus.NOT_FOUND, f"format {fmt!r} is not available\n")
        try:
            name, data = build_pdf(preview.path, fmt)
        except PdfFailed as failed:
            env = web_templates(self._theme_of(preview))
            page = env.get_template("web/preview-failed.html").render(
                what=fmt, lines=failed.lines, back=preview.url, internal=failed.internal)
            status = HTTPStatus.INTERNAL_SERVER_ERROR if failed.internal \
                else HTTPStatus.UNPROCESSABLE_ENTITY
            return self._send(status, "text/html; charset=utf-8", page.encode("utf-8"))
        self._send(HTTPStatus.OK, "application/pdf", data,
                   {"Content-Disposition": f'inline; filename="{name}"'})

    # --- answering ---------------------------------------------------------------------------

    def _host_allowed(self) -> bool:
        """Refuse requests addressed to another name (DNS rebinding from a web page)."""
        host = self.headers.get("Host", "")
        if host.startswith("["):  # [::1]:8000
            name = host[1:host.find("]")]
        else:
            name = host.rsplit(":", 1)[0]
        return not host or is_loopback(name)

    def _file(self, path: Path, sandbox: bool = False) -> None:
        """A file, read and sent a piece at a time (a 3 GB file costs no memory)."""
        kind = EXTRA_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] \
            or "application/octet-stream"
        headers = {"Content-Security-Policy": "sandbox"} if sandbox else {}
        try:
            handle = open(path, "rb")
        except OSError as exc:
            return self._text(HTTPStatus.FORBIDDEN, f"cannot read this file: {exc.strerror}\n")
        with handle:
            size = os.fstat(handle.fileno()).st_size
            self._head(HTTPStatus.OK, kind, size, headers)
            if not getattr(self, "head_only", False):
                shutil.copyfileobj(handle, self.wfile, FILE_CHUNK)

    def _no_issue(self, wanted: str) -> None:
        """400 for an ``issue=`` that is no number, 404 for a number with no issue."""
        count = len(self.app.previews)
        has = "issue=0" if count == 1 else f"issue=0 to issue={count - 1}"
        shown = printable(wanted if len(wanted) <= 40 else wanted[:40] + "…")
        if re.fullmatch("[0-9]+", wanted):
            return self._text(HTTPStatus.NOT_FOUND, f"no issue {shown} in this preview "
                                                    f"(it has {has})\n")
        self._text(HTTPStatus.BAD_REQUEST, f"issue={shown} is not an issue number "
                                           f"(this preview has {has})\n")

    def _redirect(self, location: str) -> None:
        self._send(HTTPStatus.FOUND, "text/plain; charset=utf-8", b"", {"Location": location})

    def _not_found(self) -> None:
        self._text(HTTPStatus.NOT_FOUND, "not found (the preview serves the project's files "
                                         "and its theme only)\n")

    def _text(self, status: HTTPStatus, text: str) -> None:
        self._send(status, "text/plain; charset=utf-8", text.encode("utf-8"))

    def _send(self, status: HTTPStatus, kind: str, body: bytes,
              headers: dict[str, str] | None = None) -> None:
        self._head(status, kind, len(body), headers)
        if not getattr(self, "head_only", False):
            self.wfile.write(body)

    def _head(self, status: HTTPStatus, kind: str, length: int,
              headers: dict[str, str] | None = None) -> None:
        self.answered = True
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()


def _box(paragraph, editor: str | None) -> dict[str, object]:
    """A paragraph as the page view places it: percentages of the page, and its link."""
    left, top, width, height = (round(v * 100, 3) for v in paragraph.box)
    return {"left": left, "top": top, "width": width, "height": height, "file": paragraph.file,
            "line": paragraph.line, "address": editor_address(editor, paragraph)}


def _formats() -> tuple[str, ...]:
    return tuple(FORMATS)


def serve(path: Path, host: str = "127.0.0.1", port: int = 8000,
          open_browser: bool = False, editor: str | None = None) -> None:
    """``zinekit serve``: preview the issue(s) at ``path`` until interrupted."""
    server = PreviewServer(path, host, port, editor=editor)
    server.start()
    click.echo(f"previewing at {server.url}  (Ctrl+C to stop)", err=True)
    if open_browser:
        webbrowser.open(server.url)
    try:
        while server.thread is not None and server.thread.is_alive():
            server.thread.join(timeout=0.5)
    except KeyboardInterrupt:
        click.echo("stopping the preview", err=True)
    finally:
        server.stop()
    sys.stdout.flush()
