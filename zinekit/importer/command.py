"""The ``zinekit import`` command: check the options, import, print the report."""

from __future__ import annotations

from pathlib import Path

import click

from zinekit.errors import display_path, printable
from zinekit.importer import FORMAT_NAMES
from zinekit.importer.write import Written, import_folder, import_to


def run_import(source: Path, output: Path | None, into: Path | None, fmt: str | None,
               force: bool) -> list[Written]:
    """Import a file (``-o``) or a folder (``--into``); wrong usage exits with status 2."""
    if fmt is not None and fmt not in FORMAT_NAMES:
        raise click.BadParameter(f"{fmt!r} is not one of {', '.join(FORMAT_NAMES)}",
                                 param_hint="--from")
    if source.is_dir():
        if into is None or output is not None:
            raise click.UsageError("a folder of contributions is imported with --into ISSUE/ "
                                   "(not -o)")
        written = import_folder(source, into, fmt, force)
    else:
        if output is None or into is not None:
            raise click.UsageError("one file is imported with -o OUT.md (--into is for a "
                                   "folder)")
        written = [import_to(source, output, fmt, force)]
    for item in written:
        show(item)
    if written:
        hint_series(into if into is not None else written[0].output)
    return written


def show(item: Written) -> None:
    for line in [*item.warnings, *item.imported.report.lines()]:
        click.echo(line, err=True)
    click.echo(item.imported.report.summary(display_path(item.output)))


def hint_series(target: Path) -> None:
    """A note when ``target`` (the file or issue folder written) is inside a series whose
    ``zinekit.toml`` does not list it: what to add so that the series builds it."""
    from zinekit.errors import Diagnostics
    from zinekit.project import open_project
    from zinekit.resolve.catalog_toml import load_catalog

    diagnostics = Diagnostics()
    project = open_project(target, diagnostics)
    if project.file is None or diagnostics.items:
        return
    catalog = load_catalog(project.file.data, project.root, project.file.path, diagnostics)
    home = catalog.home
    if diagnostics.items or not home.issues or catalog.issue_for_source(target) is not None:
        return
    volume = max((i.volume for i in home.issues if i.volume is not None), default=0) + 1
    source = target.resolve().relative_to(project.root.resolve()).as_posix()
    named = f' "{printable(home.name)}"' if home.name else ""
    click.echo(f"{display_path(target)}:1:1: note: not listed in {display_path(project.file.path)}, "
               f"so a build of the series{named} leaves it out; add [[issues]] with volume = "
               f'{volume} and source = "{printable(source)}" to build it', err=True)
