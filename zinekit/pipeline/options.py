"""What a build is asked for: the command's options, read once where it starts, and what
they settle for an issue (its formats, its page size, the labels it prints)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zinekit.config import SHARED_OPTIONS, IssueSettings
from zinekit.errors import Diagnostics
from zinekit.locale import missing_catalog
from zinekit.model import Issue, PageSize, Prepared
from zinekit.pages import parse_page_size
from zinekit.render.formats import DEFAULT_FORMATS, FORMATS, in_order, unknown_formats


@dataclass
class BuildOptions:
    out_dir: Path | None = None
    formats: tuple[str, ...] | None = None
    theme: str | None = None
    strict: bool = False
    quiet: bool = False
    vendor: str | None = None  # --vendor: the printer the press PDF and cover are made for
    write: bool = True  # False for `zinekit check`
    layout: bool = True  # False for `zinekit check`: the text alone (zinekit.pipeline.check)
    jobs: int = 1  # issues built side by side (worker processes) when a series is built
    force: bool = False  # render every issue even if the last build's outputs are current
    cluster: str | None = None  # a Dask scheduler's address (or "local"): render there
    thumbnails: bool = False  # draw each reading PDF's cover for the download page
    store_key: str | None = None  # the key workers sign the build's records with (zinekit.safety.trust)
    #: what the build reads of where it was started, read once there (:func:`started_here`)
    #: and passed down, so a worker process or thread renders the same without
    #: rewriting its environment or changing folder: SOURCE_DATE_EPOCH, and the folder
    #: messages name files relative to
    source_date_epoch: str | None = None
    display_base: Path | None = None


def started_here(**options: Any) -> BuildOptions:
    """The options of a command started in this process: ``SOURCE_DATE_EPOCH`` and the
    working folder are read here, once."""
    return BuildOptions(source_date_epoch=os.environ.get("SOURCE_DATE_EPOCH"),
                        display_base=Path.cwd(), **options)


def warn_untranslated(issue: Issue, diagnostics: Diagnostics) -> None:
    """A language zinekit has no labels for prints "Contents", "Notes" … in English."""
    if missing_catalog(issue.language):
        diagnostics.warning(f"zinekit has no labels in language {issue.language!r}: its own words "
                            "(contents, notes, page abbreviations) are printed in English; "
                            "a catalog can be added (docs/library.md)", str(issue.source_file),
                            issue.meta.line_of("language") or 1, 1)


def page_size(settings: IssueSettings, diagnostics: Diagnostics) -> PageSize:
    """The page size the settings give; a bad one is an error where it is set (a
    theme's default is reported at the issue's front matter)."""
    wanted, path, line = settings.lookup("page_size")
    try:
        return parse_page_size(str(wanted))
    except ValueError as exc:
        diagnostics.error(str(exc), path or settings.front_matter.path, line, 1)
        return parse_page_size(SHARED_OPTIONS["page_size"].default)


def choose_formats(prepared: Prepared, options: BuildOptions,
                   diagnostics: Diagnostics) -> tuple[str, ...]:
    """``--format``, else ``[build] formats``, else the default formats."""
    build = prepared.issue.build
    configured = build.explicit("formats")
    if options.formats:
        return in_order(options.formats)
    if not configured:
        return DEFAULT_FORMATS
    for name in unknown_formats(configured):
        diagnostics.error(f"[build] formats: {name!r} is not a format (available: "
                          f"{', '.join(FORMATS)})", build.path, build.line_of("formats"), 1)
    return in_order(configured)
