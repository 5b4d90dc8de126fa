"""``zinekit proof PATH``: lay each issue out as a build would, and report what a
designer would mark on its pages (:mod:`zinekit.proof`).

The edition proofed is the reading PDF (``pdf``), the press PDF (``press``: PDF/X, with
bleed, images held to 300 ppi, text kept off the trim) or the booklet's print edition
(``booklet``: a word split across pages counts only where the leaf is turned).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zinekit.errors import Diagnostic, Diagnostics, ZinekitError, display_path, printable
from zinekit.model import READING, Edition, Prepared
from zinekit.pipeline.build import BuildOptions, prepare_issue
from zinekit.pipeline.series import Session
from zinekit.project import issues_at, open_project
from zinekit.proof import Finding, Options, findings_of
from zinekit.pipeline.proof_locate import Locator
from zinekit.render.pdf import render_pdf

EDITIONS = ("pdf", "press", "booklet")
#: The resolution an image needs at its printed size, by edition.
MIN_PPI = {"pdf": 150, "booklet": 150, "press": 300}


@dataclass
class ProofReport:
    findings: list[Finding] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)

    def lines(self) -> list[str]:
        """``path:line:col: warning: [ZKnnn] message (page N)``, then its hint."""
        out = [str(error) for error in self.errors]
        for f in self.findings:
            out.append(f"{display_path(f.file)}:{f.line}:{f.column}: warning: [{f.code}] "
                       f"{printable(f.message)} (page {f.page})")
            out.append(f"    hint: {printable(f.hint)}")
        return out

    def to_json(self) -> str:
        return json.dumps({"findings": [f.as_dict() for f in self.findings]},
                          ensure_ascii=False, indent=1)


def proof_path(path: Path, theme: str | None = None, edition: str = "pdf") -> ProofReport:
    """Proof the issue at ``path``, or every issue of the series there."""
    diagnostics = Diagnostics()
    project = open_project(path, diagnostics)
    options = BuildOptions(theme=theme, write=False)
    session = Session.open(project, project.output_folder(None), diagnostics)
    report = ProofReport(errors=diagnostics.errors)
    for target in issues_at(path, project):
        prepared = prepare_issue(target, project, options, session)
        if prepared.diagnostics.errors:
            report.errors += prepared.diagnostics.errors
            continue
        report.findings += proof_issue(prepared, edition)
    return report


def proof_issue(prepared: Prepared, edition: str = "pdf") -> list[Finding]:
    """The located findings on the pages of one edition of a prepared issue."""
    documents: list[Any] = []
    variant, printed = edition_of(prepared, edition)
    render_pdf(prepared, variant, with_bytes=False, diagnostics=Diagnostics(),
               on_layout=documents.append, edition=printed)
    if not documents:
        raise ZinekitError(f"{prepared.issue.slug}: nothing was laid out")
    found = findings_of(documents[-1], Options(edition=edition, min_ppi=MIN_PPI[edition]))
    locator = Locator(prepared)
    for finding in found:
        locator.place(finding)
    return found


def edition_of(prepared: Prepared, edition: str) -> tuple[str | None, Edition]:
    """The PDF variant and the :class:`Edition` ``render_pdf`` lays ``edition`` out as,
    as the build does."""
    if edition == "pdf":
        return None, READING
    from zinekit.render.editions import PRESS_VARIANT
    from zinekit.render.press import press_bleed

    if edition == "press":
        return PRESS_VARIANT, Edition(print_edition=True, bleed=press_bleed(prepared))
    return None, Edition(print_edition=True, bleed=prepared.issue.build.typed.bleed)
