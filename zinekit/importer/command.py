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

    diagnostics = Diagnostics()
    project = open_project(target, diagnostics)
    issues = project.file.data.get("issues") if project.file is not None else None
    if diagnostics.items or not isinstance(issues, list):
        return
    listed = {path.resolve() for path, _ in project.catalog_sources()}
    if {target.resolve(), (target / "issue.md").resolve()} & listed:
        return
    volumes = [e["volume"] for e in issues if isinstance(e, dict)
               and isinstance(e.get("volume"), int) and not isinstance(e.get("volume"), bool)]
    volume = max(volumes, default=0) + 1
    source = target.resolve().relative_to(project.root.resolve()).as_posix()
    series = project.file.data.get("series") if project.file is not None else None
    name = series.get("name") if isinstance(series, dict) else None
    named = f' "{printable(name)}"' if isinstance(name, str) and name else ""
    toml = display_path(project.file.path) if project.file is not None else "zinekit.toml"
    click.echo(f"{display_path(target)}:1:1: note: not listed in {toml}, so a build of the "
               f"series{named} leaves it out; add [[issues]] with volume = {volume} and "
               f'source = "{printable(source)}" to build it', err=True)
