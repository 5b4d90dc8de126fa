"""A preflight's findings, for people (one located line each) and for scripts (JSON)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from zinekit.errors import display_path, printable
from zinekit.preflight.checks import MM, Finding, Options

REPEATS_SHOWN = 5  # of one message on many pages, the first five; then a count


@dataclass
class PreflightReport:
    """Every finding of one file, and where each page's top-left corner is."""

    path: str
    pages: int
    options: Options
    findings: list[Finding] = field(default_factory=list)
    corners: dict[int, tuple[float, float]] = field(default_factory=dict)  # page → CropBox top-left, pt

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def position(self, finding: Finding) -> tuple[float, float] | None:
        """The finding's place in mm from the page's top-left corner, as a viewer shows it."""
        if finding.at is None or not finding.page:
            return None
        left, top = self.corners.get(finding.page, (0.0, 0.0))
        return (round((finding.at[0] - left) / MM, 1), round((top - finding.at[1]) / MM, 1))

    def located(self, finding: Finding) -> str:
        """``page 1 (12.0, 30.5 mm from top left)``, ``page 1``, or ``""`` for the document."""
        if not finding.page:
            return ""
        place = self.position(finding)
        where = f" ({place[0]:.1f}, {place[1]:.1f} mm from top left)" if place is not None else ""
        return f"page {finding.page}{where}"

    def where(self, finding: Finding) -> str:
        """``flyer.pdf: page 1 (12.0, 30.5 mm from top left)``, or ``flyer.pdf``."""
        located = self.located(finding)
        return f"{display_path(self.path)}: {located}" if located else display_path(self.path)

    def lines(self) -> list[str]:
        """One line per finding; a message repeated on many pages is folded into a count."""
        counts = Counter((f.severity, f.check, f.message) for f in self.findings)
        shown: Counter = Counter()
        out = []
        for finding in self.findings:
            key = (finding.severity, finding.check, finding.message)
            shown[key] += 1
            if shown[key] <= REPEATS_SHOWN:
                out.append(f"{self.where(finding)}: {finding.severity}: {printable(finding.message)}")
            elif shown[key] == REPEATS_SHOWN + 1:
                out.append(f"{display_path(self.path)}: {finding.severity}: ... and {counts[key] - REPEATS_SHOWN} "
                           f"more pages like: {printable(finding.message)}")
        return out

    def summary(self) -> str:
        if not self.findings:
            return f"{display_path(self.path)}: {self.pages} page{'s' if self.pages != 1 else ''} checked, " \
                   "no problems found"
        e, w = len(self.errors), len(self.warnings)
        return (f"{display_path(self.path)}: {self.pages} page{'s' if self.pages != 1 else ''} checked, "
                f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}")

    def text(self) -> str:
        return "\n".join(self.lines() + [self.summary()])

    def to_dict(self) -> dict:
        return {
            "file": self.path, "pages": self.pages,
            "checked_for": {"colour": self.options.colour or "unknown", "pdfx": self.options.pdfx,
                            "min_ppi": self.options.min_ppi},
            "errors": len(self.errors), "warnings": len(self.warnings),
            "findings": [self._finding(f) for f in self.findings],
        }

    def _finding(self, finding: Finding) -> dict:
        place = self.position(finding)
        return {"severity": finding.severity, "check": finding.check, "page": finding.page or None,
                "x_mm": place[0] if place else None, "y_mm": place[1] if place else None,
                "message": finding.message}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
