"""The library's full-text search: a Pagefind index (``dist/pagefind/``) of every
issue's text, searched in the reader's browser by ``library-search.js``, with nothing
but static files — any web server serves it, no network needed beyond it.

Each issue is indexed from its web edition (``--format html``), else from its EPUB's
pages; a result leads to the web edition, else to the issue on the download page.
Pagefind ships on PyPI with its binary (``pip install 'zinekit[search]'``, the
``pagefind[extended]`` package, which also segments Chinese and Japanese); without it
the library is written without search, and the build says how to add it.

The index is rewritten only when an issue's text changed (a stamp in the user's cache
records what it was made from), into a new folder that then takes the old one's place.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import zipfile
from importlib.util import find_spec
from pathlib import Path
from typing import Callable

from lxml import etree, html as lxml_html

from zinekit.filecache import stamp_path, stats_of, write_stamp
from zinekit.library.epubfile import PARSER, read_member, reading_order
from zinekit.library.records import LibraryIssue
from zinekit.safety.output import temporary_prefix

FOLDER = "pagefind"
STAMP = "library-search"  # the stamp's kind in the user's cache
INSTALL = "pip install 'zinekit[search]'"


def available() -> bool:
    """Pagefind and its binary (``pagefind_bin``, or the extended build) are installed."""
    return find_spec("pagefind") is not None and any(
        find_spec(name) is not None for name in ("pagefind_bin_extended", "pagefind_bin"))


def write_index(issues: list[LibraryIssue], out_dir: Path, language: str,
                warn: Callable[[str], None]) -> bool:
    """Index the issues' texts into ``out_dir/pagefind``; False when there is no search
    (Pagefind missing, or no text to index)."""
    sources = [(i, i.text_source) for i in issues if i.text_source and i.text_source.is_file()]
    if not sources:
        return False
    if not available():
        warn(f"the library is written without its search: Pagefind is not installed ({INSTALL})")
        return False
    stamp = _stamp(sources, language)
    target = out_dir / FOLDER
    if _current(out_dir, stamp):
        return True
    fresh = out_dir / f"{temporary_prefix()}{FOLDER}-new"  # this build's own: two may run
    _remove(fresh)
    try:
        _index(sources, fresh, language)
    except Exception as exc:  # noqa: BLE001 - the library without search, said once
        _remove(fresh)
        warn(f"the library is written without its search: Pagefind failed ({exc})")
        return False
    _replace(fresh, target)
    write_stamp(stamp_path(STAMP, out_dir), json.dumps({**stamp, "index": _index_stats(target)},
                                                       sort_keys=True))
    return True


def _stamp(sources: list[tuple[LibraryIssue, Path]], language: str) -> dict:
    return {"language": language, "texts": {
        issue.slug: [str(path.name), path.stat().st_size, path.stat().st_mtime_ns,
                     issue.title, _link(issue)] for issue, path in sources}}


def _index_stats(target: Path) -> dict[str, list[int]]:
    """The index's files as written (a copy put back in their place is not the index
    the stamp describes)."""
    names = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    return stats_of(target, names)


def _current(out_dir: Path, stamp: dict) -> bool:
    try:
        recorded = json.loads(stamp_path(STAMP, out_dir).read_text(encoding="utf-8"))
        target = out_dir / FOLDER
        return recorded == {**stamp, "index": _index_stats(target)} and \
            (target / "pagefind.js").is_file()
    except (OSError, ValueError):
        return False


def _replace(fresh: Path, target: Path) -> None:
    """``fresh`` takes ``target``'s place; the old index goes only once the new is there."""
    old = target.with_name(f"{temporary_prefix()}{FOLDER}-old")
    for _ in range(3):  # another build of the same folder may put its index there between
        _remove(old)
        if target.exists() or target.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                target.rename(old)
        try:
            fresh.rename(target)
            break
        except OSError:
            continue
    else:
        _remove(fresh)  # the other build's index, made from the same texts, stays
    _remove(old)


def _remove(path: Path) -> None:
    """Remove a folder of ours; a link found in its place is removed, never followed."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def _link(issue: LibraryIssue) -> str:
    return issue.web or f"index.html#{issue.slug}"


def _index(sources: list[tuple[LibraryIssue, Path]], output: Path, language: str) -> None:
    """Pagefind's command over a folder of the pages to index, staged beside ``output``
    (its Python API waits a tenth of a second for each page it is sent)."""
    stage = output.with_name(f"{temporary_prefix()}{FOLDER}-site")
    _remove(stage)
    try:
        for issue, path in sources:
            page = stage / issue.slug / "index.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(page_text(issue, path), encoding="utf-8")
        run = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(stage),
                              "--output-path", str(output),
                              "--force-language", language.split("-")[0].lower()],
                             capture_output=True, text=True, timeout=1800, check=False)
        if run.returncode != 0 or not (output / "pagefind.js").is_file():
            raise RuntimeError((run.stderr or run.stdout).strip()[-500:] or "no index written")
    finally:
        _remove(stage)


def page_text(issue: LibraryIssue, path: Path) -> str:
    """The HTML Pagefind reads for ``issue``: its web edition, or its EPUB's pages."""
    if path.suffix == ".html":
        return path.read_text(encoding="utf-8", errors="replace")
    return epub_text(issue, path)


def epub_text(issue: LibraryIssue, epub: Path) -> str:
    """An EPUB's pages in reading order as one HTML page (its title the issue's); its
    result leads to the issue on the download page (``data-pagefind-meta="link:…"``,
    which the search box follows)."""
    root = lxml_html.Element("html", lang=issue.language)
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = issue.title
    body = etree.SubElement(root, "body")
    body.set("data-pagefind-meta", f"link:{_link(issue)}")
    try:
        with zipfile.ZipFile(epub) as book:
            for name in reading_order(book):
                data = read_member(book, name)
                if data is None:
                    continue
                page = etree.fromstring(data, PARSER)
                for part in page.iterfind(".//{http://www.w3.org/1999/xhtml}body"):
                    text = " ".join(" ".join(str(s) for s in part.itertext()).split())
                    etree.SubElement(body, "p").text = text
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        pass
    return lxml_html.tostring(root, encoding="unicode")
