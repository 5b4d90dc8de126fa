"""The PDFs behind the preview's links, built when asked for.

The reading PDF comes from :func:`zinekit.render.pdf.render_pdf` on a fresh
:func:`~zinekit.pipeline.build.prepare_issue`; other formats (the booklet, once the build offers
it) are built into a temporary folder by :func:`~zinekit.pipeline.build.build_issue` and read
back, so the preview gives exactly what ``zinekit build`` would write.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from zinekit.pipeline.build import build_issue
from zinekit.pipeline.options import started_here
from zinekit.errors import Diagnostics, SourceError, ZinekitError
from zinekit.project import open_project
from zinekit.render.pdf import render_pdf
from zinekit.reporter import Recorder
from zinekit.serve.preview import prepare
from zinekit.pipeline.series import Session


class PdfFailed(Exception):
    """The PDF could not be built: the lines to show, and whether it is zinekit's fault."""

    def __init__(self, lines: list[str], internal: bool = False) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines
        self.internal = internal


def build_pdf(path: Path, fmt: str = "pdf") -> tuple[str, bytes]:
    """``(file name, bytes)`` of the issue's reading PDF (``pdf``) or another format."""
    try:
        return _reading_pdf(path) if fmt == "pdf" else _built_file(path, fmt)
    except PdfFailed:
        raise
    except SourceError as exc:
        raise PdfFailed([str(exc.diagnostic)]) from None
    except ZinekitError as exc:
        raise PdfFailed(exc.lines()) from None
    except Exception as exc:  # a bug: reported in the page, the server goes on
        raise PdfFailed([f"{type(exc).__name__}: {exc}"], internal=True) from None


def _reading_pdf(path: Path) -> tuple[str, bytes]:
    diagnostics = Diagnostics()
    _project, _session, prepared = prepare(path, diagnostics)
    diagnostics.extend(prepared.diagnostics)
    _stop_on(diagnostics)
    laid_out = render_pdf(prepared, diagnostics=diagnostics)
    _stop_on(diagnostics)
    return f"{prepared.issue.slug}.pdf", laid_out.data


def _built_file(path: Path, fmt: str) -> tuple[str, bytes]:
    diagnostics = Diagnostics()
    project = open_project(path, diagnostics)
    session = Session.open(project, project.out_dir, diagnostics)
    session.register_sources()  # the pages of the other issues, as the last build left them
    with tempfile.TemporaryDirectory(prefix="zinekit-preview-") as folder:
        session.out_root = Path(folder)  # … but nothing is written beside them
        options = started_here(out_dir=Path(folder), formats=(fmt,), quiet=True)
        result = build_issue(path, project, options, session, Recorder())
        pdfs = [p for p in result.outputs if p.suffix == ".pdf"]
        if not pdfs:
            raise PdfFailed([f"the build wrote no {fmt} PDF"])
        return pdfs[0].name, pdfs[0].read_bytes()


def _stop_on(diagnostics: Diagnostics) -> None:
    if diagnostics.errors:
        raise PdfFailed([str(d) for d in diagnostics.errors])
