"""The ``zinekit import`` command: check the options, import, print the report."""

from __future__ import annotations

from pathlib import Path

import click

from zinekit.errors import display_path
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
    return written


def show(item: Written) -> None:
    for line in [*item.warnings, *item.imported.report.lines()]:
        click.echo(line, err=True)
    click.echo(item.imported.report.summary(display_path(item.output)))
