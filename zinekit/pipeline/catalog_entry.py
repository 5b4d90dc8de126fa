"""What the catalog says about the texts of a series folder.

1. A text listed in ``zinekit.toml`` (``[[issues]] source = …``) is the issue its entry
   describes: it takes the catalog's series name and the entry's volume, number and
   chapter (the numbers other issues cite it by), and the entry's title when its front
   matter has none.  A front matter value that says otherwise is a located warning.
2. A Markdown text in the series folder that the catalog does not list is not built
   by a build of the series: it gets a located warning saying how to list it.  Files
   that belong to a listed issue (its articles, its folder), texts an anthology
   includes, an anthology itself (a spec, or an issue whose front matter has
   ``include:``: ``zinekit anthology`` builds it) and a folder's README are not texts
   of their own.
"""

from __future__ import annotations

import os
from pathlib import Path

from zinekit.config import IssueSettings, Settings
from zinekit.config.files import split_front_matter
from zinekit.errors import Diagnostics, ZinekitError
from zinekit.safety.limits import irregular_kind
from zinekit.load import ISSUE_FILE, issue_slug, load_issue
from zinekit.markup.typography import typeset_settings, typography_for, typography_language
from zinekit.model import Issue
from zinekit.resolve.catalog import Catalog, CatalogIssue
from zinekit.resolve.grammar import normalize_title

#: Keys the catalog entry decides: the issue's place in its series.
NUMBER_KEYS = ("volume", "number", "chapter")
MARKDOWN_SUFFIXES = (".md", ".markdown")
#: An anthology spec is told by its tables near the top.
SPEC_HEAD_BYTES = 100_000
#: Files of a folder that are about the project, not texts of it.
NOT_TEXTS = {"readme", "changelog", "changes", "license", "licence", "contributing",
             "authors", "code_of_conduct", "security"}


# --- 1. a listed text joins its series ------------------------------------------------------


def join_catalog(issue: Issue, entry: CatalogIssue | None, catalog: Catalog,
                 toml_path: Path | None) -> Issue:
    """``issue`` as its catalog entry lists it (unchanged when it is not listed)."""
    if entry is None:
        return issue
    series = catalog.series_of(entry)
    diagnostics = Diagnostics()
    values = dict(issue.meta.values)
    if series is not None and series.name:
        _take_series(values, series, issue, entry, toml_path, diagnostics)
    for key in NUMBER_KEYS:
        _take(values, key, getattr(entry, key), issue, entry, toml_path, diagnostics, True)
    _take(values, "title", entry.title, issue, entry, toml_path, diagnostics, False)
    if values == issue.meta.values and not diagnostics.items:
        return issue
    meta = Settings(values, issue.meta.lines, issue.meta.path, issue.meta.defaults)
    if values.get("title") != issue.meta.values.get("title"):  # typeset as front matter is
        language = typography_language(IssueSettings(meta, issue.build))
        title = typeset_settings(Settings({"title": values["title"]}, {}, None),
                                 typography_for(language))
        meta.values["title"] = title.values["title"]
    return Issue(path=issue.path, source_file=issue.source_file, root=issue.root, meta=meta,
                 build=issue.build, articles=issue.articles, slug=issue_slug(meta, issue.path),
                 diagnostics=[*issue.diagnostics, *diagnostics])


def _take_series(values: dict, series, issue: Issue, entry: CatalogIssue,
                 toml_path: Path | None, diagnostics: Diagnostics) -> None:
    """The catalog's series name, unless the front matter names the same series (by
    its name or an alias)."""
    written = values.get("series")
    if written is not None and series.is_named(str(written)):
        return
    if written is not None:
        _contradiction("series", written, f'in the series "{series.name}"', issue, entry,
                       toml_path, diagnostics, "the catalog's is used")
    values["series"] = series.name


def _take(values: dict, key: str, listed, issue: Issue, entry: CatalogIssue,
          toml_path: Path | None, diagnostics: Diagnostics, catalog_wins: bool) -> None:
    """The entry's value of ``key`` where the front matter gives none; where both give
    one and they differ, a warning, and the catalog's numbers (or the front matter's
    title) are used."""
    if listed is None:
        return
    written = values.get(key)
    if written is None:
        values[key] = listed
        return
    if written == listed or (key == "title" and normalize_title(str(written)) ==
                             normalize_title(str(listed))):
        return  # a title as typed and as typeset (quotes, dashes, emphasis) is the same
    outcome = "the catalog's is used" if catalog_wins else \
        "this one is printed; references may name the issue by either"
    _contradiction(key, written, f"with {key} = {_shown(listed)}", issue, entry, toml_path,
                   diagnostics, outcome)
    if catalog_wins:
        values[key] = listed


def _contradiction(key: str, written, listed: str, issue: Issue, entry: CatalogIssue,
                   toml_path: Path | None, diagnostics: Diagnostics, outcome: str) -> None:
    where = f"{toml_path.name}:{entry.origin.line}" if toml_path and entry.origin.line \
        else (toml_path.name if toml_path else "zinekit.toml")
    diagnostics.warning(f"{key}: {_shown(written)} contradicts the catalog ({where} lists this "
                        f"text {listed}); {outcome}",
                        str(issue.source_file), issue.meta.line_of(key), 1)


def _shown(value) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


# --- 2. texts the catalog does not list ---------------------------------------------------


def report_unlisted(root: Path, out_dir: Path, listed: list[Issue], build: Settings,
                    toml_name: str, diagnostics: Diagnostics) -> None:
    """A warning for each Markdown text (or issue folder) under ``root`` that no
    ``[[issues]]`` entry lists: a build of the series leaves it out."""
    texts, specs = _walk(root, out_dir)
    claimed = claimed_files(listed)
    for spec in specs:
        from zinekit.anthology.expand import read_spec  # an anthology's spec: its texts

        try:
            claimed |= included_files(read_spec(spec, root, build, Diagnostics()))
        except (OSError, ZinekitError):
            continue  # a spec that cannot be read includes nothing
    for found in [t for t in texts if _is_anthology_issue(t)]:
        texts.remove(found)
        try:
            claimed |= included_files(load_issue(found, root, build))
        except (OSError, ZinekitError):
            continue
    for found in texts:
        if {found.resolve(), (found / ISSUE_FILE).resolve()} & claimed:
            continue
        source = found.relative_to(root).as_posix()
        shown = found / ISSUE_FILE if found.is_dir() else found
        diagnostics.warning(f"not listed in {toml_name}, so a build of the series leaves it "
                            f'out; add [[issues]] source = "{source}" (with its volume) to '
                            "build it", str(shown), 1, 1)


def claimed_files(listed: list[Issue]) -> set[Path]:
    """The files and folders that belong to the listed issues: their front matter file,
    their folder, their articles and the texts they include."""
    claimed: set[Path] = set()
    for issue in listed:
        claimed |= {issue.path.resolve(), issue.source_file.resolve()}
        claimed |= {a.path.resolve() for a in issue.articles}
        claimed |= included_files(issue)
    return claimed


def included_files(issue: Issue) -> set[Path]:
    """The files an anthology's ``include:`` entries name (a path, maybe ``#chapter``),
    relative to its spec or issue file."""
    base = issue.source_file.parent
    found = set()
    for entry in issue.meta.typed.include or []:
        path_text = str(entry).partition("#")[0]
        if path_text:
            found.add((base / path_text).resolve())
    return found


def _walk(root: Path, out_dir: Path) -> tuple[list[Path], list[Path]]:
    """The Markdown files and issue folders under ``root`` (an issue folder counts
    once, whatever files it holds), and the anthology specs.  The output folder and
    folders whose names start with ``.`` or ``_`` (drafts kept aside) are not looked in."""
    texts: list[Path] = []
    specs: list[Path] = []
    skip, top = out_dir.resolve(), root.resolve()
    for place, folders, names in os.walk(root):
        here = Path(place)
        folders[:] = sorted(f for f in folders if not f.startswith((".", "_"))
                            and f != "node_modules" and (here / f).resolve() != skip)
        if here != root and ISSUE_FILE in names:
            folders[:] = []  # an issue folder: its other files are its articles
            texts.append(here)
            continue
        texts += [here / name for name in sorted(names) if _is_text(name)]
        specs += [here / name for name in sorted(names) if _is_spec(here / name, top)]
    return texts, specs


def _is_text(name: str) -> bool:
    stem, suffix = os.path.splitext(name)
    return suffix.lower() in MARKDOWN_SUFFIXES and not name.startswith(".") \
        and stem.lower() not in NOT_TEXTS


def _is_anthology_issue(path: Path) -> bool:
    """A Markdown issue whose front matter lists texts under ``include:``."""
    if not path.is_file() or irregular_kind(path) is not None:
        return False
    try:
        with path.open("rb") as file:
            head = file.read(SPEC_HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    return "include" in split_front_matter(head, None, Diagnostics()).data


def _is_spec(path: Path, root: Path) -> bool:
    """An anthology spec: a ``.toml`` file with an ``[anthology]`` or ``[[texts]]`` table."""
    if path.suffix.lower() != ".toml" or path.name == "zinekit.toml" or \
            irregular_kind(path) is not None or not path.resolve().is_relative_to(root):
        return False  # a FIFO or a device is not read, nor a file outside the project
    try:
        with path.open("rb") as file:
            head = file.read(SPEC_HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    return "[anthology]" in head or "[[texts]]" in head
