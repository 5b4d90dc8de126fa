"""The ``zinekit`` command line: parse options, call a stage, map errors to exit codes.

Exit status: 0 success, 1 the content has errors, 2 wrong usage (click's own).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Iterator

import click

from zinekit import __version__
from zinekit.errors import ZinekitError, display_path, printable
from zinekit.impose.registry import NAMES as IMPOSE_LAYOUTS
from zinekit.impose.registry import cli_help as impose_layout_help
from zinekit.preflight.vendors import VENDOR_NAMES
from zinekit.render.formats import DEFAULT_FORMATS, FORMATS

class ZinekitGroup(click.Group):
    """Turns unexpected exceptions into one line (or a traceback under ``--debug``)."""

    def invoke(self, ctx: click.Context):
        try:
            with _terminate_as_interrupt():
                return super().invoke(ctx)
        except (ZinekitError, click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted; outputs written so far are whole, nothing half-written was kept", err=True)
            sys.exit(130)
        except OSError as exc:
            if exc.errno not in ENVIRONMENT_ERRNOS:
                raise _internal(ctx, exc) from exc
            click.echo(environment_error(exc), err=True)
            sys.exit(1)
        except Exception as exc:  # a bug in zinekit, not in the user's input
            raise _internal(ctx, exc) from exc


def _internal(ctx: click.Context, exc: BaseException) -> SystemExit:
    """Report a bug in zinekit: one line, or the traceback under ``--debug``."""
    if ctx.obj and ctx.obj.get("debug"):
        import traceback

        traceback.print_exception(exc)
    else:
        click.echo(f"zinekit: internal error: {type(exc).__name__}: {printable(exc)}\n"
                   "(run with --debug for the traceback, and please report it)", err=True)
    return SystemExit(1)


#: What the machine, not zinekit, refuses: a full disk or quota, a read-only or
#: forbidden folder, a file too large, a failing disk.  A stage that writes through
#: :mod:`zinekit.safety.output` reports these itself; any other write is reported here.
ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES,
                                errno.EPERM, errno.EFBIG, errno.EIO, errno.ENAMETOOLONG})


def environment_error(exc: OSError) -> str:
    """``newdir: error: Read-only file system``: the file refused, and why."""
    reason = exc.strerror or type(exc).__name__
    where = display_path(os.fsdecode(exc.filename)) if exc.filename is not None else "zinekit"
    return f"{where}: error: {reason}"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``, a service manager stopping zinekit) behaves as Ctrl-C does:
    temporaries are removed, finished outputs stay, exit status 130."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.group(cls=ZinekitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zinekit")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Publish zines and pamphlets from Markdown."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@main.command(short_help="Scaffold a series with one example issue.")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def new(directory: Path) -> None:
    """Scaffold a series with one example issue in DIRECTORY."""
    from zinekit.scaffold import scaffold

    for path in scaffold(directory):
        click.echo(f"created {path}")


def _output_name(ctx: click.Context, param: click.Parameter, value: Path | str | None):
    """An output named on the command line, in NFC (see :mod:`zinekit.safety.names`)."""
    from zinekit.safety.names import output_path

    if not value or output_path(Path(value)) == Path(value):
        return value  # as typed: an empty name, a trailing slash are the command's to judge
    named = output_path(Path(value))
    return named if isinstance(value, Path) else str(named) + ("/" if value.endswith("/") else "")


def _formats(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...] | None:
    """``--format pdf,epub --format html`` → the formats named, each once."""
    if not values:
        return None
    chosen: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part and part not in FORMATS:
                raise click.BadParameter(f"{part!r} is not one of {', '.join(FORMATS)}")
            if part and part not in chosen:
                chosen.append(part)
    if not chosen:
        raise click.BadParameter(f"name at least one format: {', '.join(FORMATS)}")
    return tuple(chosen)


FORMAT_HELP = (f"Output formats, repeatable or comma-separated: {', '.join(FORMATS)} "
               f"(default: {', '.join(DEFAULT_FORMATS)}).")


@main.command(short_help="Build an issue, or every issue of a series.")
@click.argument("path", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, callback=_output_name,
              help="Output folder (default: dist/ beside the project).")
@click.option("--format", "formats", multiple=True, callback=_formats, help=FORMAT_HELP)
@click.option("--theme", default=None, help="Theme name or folder (overrides front matter).")
@click.option("--vendor", type=click.Choice(VENDOR_NAMES), default=None,
              help="Make the press PDF and cover for this printer: PDF/X flavour, bleed, marks, "
                   "spine, ink limit (overrides [build] vendor; docs/covers.md).")
@click.option("--strict", is_flag=True, help="Treat warnings (e.g. unresolved references) as errors.")
@click.option("--quiet", "-q", is_flag=True, help="Print only diagnostics.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processes: a series' issues built side by side, a long issue's parts laid "
                   "out side by side (default: the number of cores).")
@click.option("--force", is_flag=True,
              help="Render every issue, even those whose last build is up to date.")
@click.option("--cluster", default=None, metavar="ADDRESS",
              help="Render on the workers of a Dask scheduler (tcp://HOST:8786), or 'local' "
                   "for a Dask cluster of --jobs processes here; needs zinekit[cluster].")
def build(path: Path, out_dir: Path | None, formats: tuple[str, ...] | None, theme: str | None,
          vendor: str | None, strict: bool, quiet: bool, jobs: int | None, force: bool,
          cluster: str | None) -> None:
    """Build one issue (a .md file or issue folder) or every issue of the series at PATH."""
    from zinekit.pipeline.build import build_path
    from zinekit.pipeline.options import started_here
    from zinekit.pipeline.parallel import default_jobs

    options = started_here(out_dir=out_dir, formats=formats, theme=theme, strict=strict,
                           quiet=quiet, jobs=jobs or default_jobs(), force=force,
                           cluster=cluster, vendor=vendor)
    with _console(quiet) as reporter:
        build_path(path, options, reporter)


@contextlib.contextmanager
def _console(quiet: bool) -> Iterator:
    """The reporter that prints a build: with a live progress bar on a terminal."""
    from zinekit.pipeline.progress import LiveReporter, wants_live_bar
    from zinekit.reporter import ConsoleReporter

    if not wants_live_bar(quiet):
        yield ConsoleReporter(quiet=quiet)
        return
    with LiveReporter(quiet=quiet) as reporter:
        yield reporter


@main.command(short_help="Build one issue from chosen texts of the library.")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, callback=_output_name,
              help="Output folder (default: dist/ beside the library).")
@click.option("--format", "formats", multiple=True, callback=_formats, help=FORMAT_HELP)
@click.option("--theme", default=None, help="Theme name or folder (overrides the spec).")
@click.option("--strict", is_flag=True, help="Treat warnings (e.g. unresolved references) as errors.")
@click.option("--quiet", "-q", is_flag=True, help="Print only diagnostics.")
@click.option("--force", is_flag=True, help="Render even if the last build is up to date.")
@click.option("--estimate", "estimate_only", is_flag=True,
              help="Only estimate the page count (and the signatures it fills); build nothing.")
def anthology(spec: Path, out_dir: Path | None, formats: tuple[str, ...] | None, theme: str | None,
              strict: bool, quiet: bool, force: bool, estimate_only: bool) -> None:
    """Build one issue from texts or chapters of the library: SPEC is a .toml spec or an
    issue whose front matter lists them under include: (see docs/anthology.md)."""
    from zinekit.pipeline.build import build_anthology
    from zinekit.pipeline.options import started_here

    options = started_here(out_dir=out_dir, formats=formats, theme=theme, strict=strict,
                           quiet=quiet, force=force, write=not estimate_only)
    with _console(quiet) as reporter:
        build_anthology(spec, options, reporter, build=not estimate_only)


@main.command(short_help="Report every problem, writing no files.")
@click.argument("path", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--theme", default=None, help="Theme name or folder.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(path: Path, theme: str | None, strict: bool) -> None:
    """Report every diagnostic of a build without writing output files."""
    from zinekit.pipeline.build import check_path
    from zinekit.pipeline.options import started_here
    from zinekit.reporter import ConsoleReporter

    shown: list[str] = []

    def echo(line: str) -> None:
        shown.append(line)
        click.echo(line, err=True)

    check_path(path, started_here(theme=theme, strict=strict, quiet=True),
               ConsoleReporter(quiet=True, echo=echo))
    if not shown:
        click.echo("no problems found", err=True)


@main.command(short_help="Impose any PDF for printing and folding.")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, metavar="OUT.pdf", callback=_output_name,
              help="Imposed PDF to write (written whole or not at all); with --duplex manual, "
                   "OUT-fronts.pdf and OUT-backs.pdf.")
@click.option("--layout", type=click.Choice(IMPOSE_LAYOUTS), default="saddle", show_default=True,
              help=impose_layout_help())
@click.option("--signature", default=None, metavar="N|MIN-MAX",
              help="perfect: pages per signature (a multiple of 4), or a range such as 16-32 "
                   "to pick the size leaving the fewest blanks (default 4-16).")
@click.option("--sheet", default=None, metavar="SIZE",
              help="Paper: A4, A3, SRA3, letter, tabloid … or WxH with mm, cm, in or pt "
                   "(default: A4 for A-series pages, letter for US pages, when the layout fits; "
                   "else A3, SRA3 / tabloid, tabloid-extra; else A4/letter scaled down).")
@click.option("--pages", default=None, metavar="RANGES",
              help="Source pages to impose, in order, e.g. 3-18,21 (9- runs to the last page).")
@click.option("--binding", type=click.Choice(["ltr", "rtl"]), default=None,
              help="rtl: spine on the right, for Arabic, Hebrew, Persian, or Japanese and Chinese "
                   "set vertically (default ltr).")
@click.option("--creep", default=None, metavar="THICKNESS",
              help="Paper thickness (e.g. 0.1mm): inner pages move towards the spine so the "
                   "trimmed fore-edge is even.")
@click.option("--bleed", default=None, metavar="LENGTH",
              help="Bleed kept on the outer edges (e.g. 3mm), from the pages' BleedBox.")
@click.option("--marks", is_flag=True, help="Draw crop, fold and (perfect) collation marks.")
@click.option("--flip", type=click.Choice(["short", "long"]), default=None,
              help="Edge the sheet is turned over on: by the duplex printer (default short), or "
                   "by you with --duplex manual (default long: like the page of a book).")
@click.option("--duplex", type=click.Choice(["auto", "manual", "none"]), default="auto",
              show_default=True,
              help="manual: a fronts file and a backs file, for a printer that prints one side; "
                   "none: repeat and cutstack single-sided, every page on a front.")
@click.option("--cover", type=click.Choice(["included", "separate"]), default="included",
              show_default=True,
              help="separate: pages 1, 2 and the last two on their own sheet, first in the "
                   "output, for cover stock.")
@click.option("--blanks", type=click.Choice(["before-back", "end", "after-front"]),
              default="before-back", show_default=True,
              help="Where padding pages go when the page count does not fill the sheets.")
@click.option("--flyleaves", default=None, metavar="N",
              help="N blank leaves inside the front cover and inside the back cover.")
@click.option("--binding-margin", default=None, metavar="LENGTH",
              help="stab: a blank strip (e.g. 10mm) added on the stitched edge of every leaf.")
@click.option("--up", default=None, metavar="1|2",
              help="perfect: 2 prints two signatures on each sheet, to be cut apart.")
@click.option("--grain", type=click.Choice(["long", "short"]), default=None,
              help="With --up 2: the paper's grain runs along the sheet's long or short edge; "
                   "the signatures are placed so the folds follow it.")
def impose(source: Path, output: str, **options) -> None:
    """Impose any PDF for printing and folding: SOURCE → -o OUTPUT."""
    from zinekit.impose import impose_file

    report = impose_file(source, output, **options)
    click.echo(str(report))


@main.command(short_help="Check any PDF for what a press rejects.")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable findings on standard output.")
@click.option("--colour", "--color", "colour", type=click.Choice(["cmyk", "grey", "any"]), default=None,
              help="What the press prints from: cmyk (RGB is an error), grey (colour is an error), "
                   "any (no colour check). Default: RGB is a warning.")
@click.option("--pdfx", type=click.Choice(["1a", "3", "4"]), default=None,
              help="Check the rules of PDF/X-1a, X-3 or X-4 as errors (output intent, TrimBox; "
                   "X-1a: no transparency, no RGB).")
@click.option("--min-ppi", type=click.IntRange(1, 10000), default=None,
              help="Images below this effective resolution are warned about (errors below half; "
                   "default 300, or the vendor's).")
@click.option("--ink-limit", type=click.IntRange(1, 400), default=None, metavar="PERCENT",
              help="Total ink (C+M+Y+K) a page may put on paper (default 300, or the vendor's).")
@click.option("--vendor", type=click.Choice(VENDOR_NAMES), default=None,
              help="Check as this print-on-demand vendor or copy shop does, its rules as errors "
                   "worded as its rejections (docs/preflight.md).")
def preflight(source: Path, as_json: bool, colour: str | None, pdfx: str | None, min_ppi: int | None,
              ink_limit: int | None, vendor: str | None) -> None:
    """Check any PDF for what a press rejects; exit 1 on errors, 0 with warnings only."""
    from zinekit.preflight import preflight_file
    from zinekit.preflight.vendors import options_for

    options = options_for(vendor, colour=colour, pdfx=pdfx, min_ppi=min_ppi, ink_limit=ink_limit)
    report = preflight_file(source, options)
    click.echo(report.to_json() if as_json else report.text())
    if report.errors:
        sys.exit(1)


@main.command(short_help="Report what a designer would mark on the laid-out pages.")
@click.argument("path", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--theme", default=None, help="Theme name or folder (overrides front matter).")
@click.option("--format", "edition", type=click.Choice(["pdf", "press", "booklet"]),
              default="pdf", show_default=True, help="The edition whose pages are proofed.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable findings on standard output.")
@click.option("--strict", is_flag=True, help="Exit with status 1 on any finding.")
def proof(path: Path, theme: str | None, edition: str, as_json: bool, strict: bool) -> None:
    """Lay the issue (or every issue of the series) at PATH out and report runt pages,
    words split across a page turn, stretched lines and the rest (docs/proof.md)."""
    from zinekit.pipeline.proof import proof_path

    report = proof_path(path, theme, edition)
    if as_json:
        click.echo(report.to_json())
    for line in ([str(e) for e in report.errors] if as_json else report.lines()):
        click.echo(line, err=True)
    if not as_json and not report.findings and not report.errors:
        click.echo("proof: no findings", err=True)
    if report.errors or (strict and report.findings):
        sys.exit(1)


@main.command(short_help="Live preview in the browser, rebuilt on save.")
@click.argument("path", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Loopback address to listen on (127.0.0.1, ::1 or localhost); the preview "
                   "is never offered to the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@click.option("--editor-url", default=None, metavar="TEMPLATE",
              help="What a click on a paragraph in the page view (/pages) opens, e.g. "
                   "'vscode://file/{path}:{line}' ({path}, {file}, {line} filled in); "
                   "default: [serve] editor in zinekit.toml.")
def serve(path: Path, host: str, port: int, open_browser: bool, editor_url: str | None) -> None:
    """Live preview in the browser, rebuilt on save.

    Serves the issue (or every issue of the series) at PATH on http://127.0.0.1:PORT/,
    watches its files, images, zinekit.toml, .bib and theme, and reloads the page after
    each save.  Problems are listed at the top of the page with file:line:col.  /pages
    shows the reading edition's pages, laid out again after each save; a click on a
    paragraph gives its file:line and opens it in the editor (--editor-url).
    """
    from zinekit.serve import serve as run_server

    run_server(path, host=host, port=port, open_browser=open_browser, editor=editor_url)


@main.command(short_help="List the series: issues, articles, references.")
@click.argument("path", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def catalog(path: Path, as_json: bool) -> None:
    """List the series: issues, articles, pages, and every reference."""
    from zinekit.catalog_cmd import show_catalog

    show_catalog(path, as_json=as_json)


@main.command("import", short_help="Turn a text as received into Markdown.")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              callback=_output_name, help="Markdown file to write (for one SOURCE file).")
@click.option("--into", type=click.Path(file_okay=False, path_type=Path), default=None,
              callback=_output_name,
              help="Issue folder to write (for a SOURCE folder of contributions).")
@click.option("--from", "fmt", default=None, metavar="FORMAT",
              help="Source format when the file's ending does not say: text, html, jekyll "
                   "(or hugo), muse, docx, odt.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def import_(source: Path, output: Path | None, into: Path | None, fmt: str | None,
            force: bool) -> None:
    """Turn a text as received into zinekit Markdown: SOURCE → -o OUT.md, or a folder of
    contributions → --into ISSUE/ (a folder issue, articles in file-name order)."""
    from zinekit.importer.command import run_import

    run_import(source, output, into, fmt, force)
