"""The accessibility checkers the tests run, and how a test finds them.

- ``pdfua`` (PyPI, in the test extra): the machine-checkable PDF/UA-1 rules;
- Ace by DAISY and axe-core (npm): ``npm ci --prefix .ci/node`` installs them into the
  checkout, as ``.ci/run`` does (``PUPPETEER_SKIP_DOWNLOAD=1``: Ace drives the system's
  Chromium, ``PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium``).

A missing tool skips its test with the command that installs it, except in CI
(``ZINEKIT_CI=1``), where it is a failure: a checker that is not there cannot pass.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import REPO

NODE = REPO / ".ci" / "node"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
NPM_INSTALL = "PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix .ci/node"


def missing(what: str, how: str) -> None:
    """Skip (fail in CI) because ``what`` is not installed."""
    message = f"{what} is not installed ({how})"
    if os.environ.get("ZINEKIT_CI") == "1":
        pytest.fail(message + "; CI must run every accessibility check")
    pytest.skip(message)


@contextmanager
def chromium(profile: Path, *, window: str = "1000,1000", files: bool = False,
             script_timeout: int = 30) -> Iterator:
    """Headless Chromium driven through selenium, with a profile of its own (``profile``,
    a new folder), quit on leaving; ``files`` lets a ``file://`` page read the files
    beside it.  Missing Chromium or its driver: see :func:`missing`."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        missing("Chromium and its driver", "apt-get install chromium chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--window-size={window}", f"--user-data-dir={profile}"]
    for flag in flags + (["--allow-file-access-from-files"] if files else []):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(script_timeout)
    try:
        yield driver
    finally:
        driver.quit()


def pdfua_command() -> list[str]:
    found = shutil.which("pdfua") or shutil.which("pdfua", path=str(Path(sys.executable).parent))
    if found is None:
        missing("pdfua", "pip install -e '.[test]'")
    return [str(found)]


def pdfua_findings(pdf: Path) -> list[dict]:
    """``pdfua check --format json``: every finding on ``pdf``."""
    run = subprocess.run([*pdfua_command(), "check", "--format", "json", str(pdf)],
                         capture_output=True, text=True, timeout=120, check=False)
    report = json.loads(run.stdout)
    assert report["summary"]["rules_run"] > 0, run.stderr
    return report["findings"]


def ace_command() -> list[str]:
    local = NODE / "node_modules" / ".bin" / "ace-cli"
    found = str(local) if local.exists() else shutil.which("ace")
    if found is None or not CHROMIUM.exists():
        missing("Ace by DAISY (and /usr/bin/chromium)", NPM_INSTALL)
    return [str(found)]


def ace_report(epub: Path, out: Path) -> dict:
    """Run Ace on ``epub``; its JSON report."""
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM), "PUPPETEER_SKIP_DOWNLOAD": "1"}
    run = subprocess.run([*ace_command(), "--silent", "--force", "--outdir", str(out), str(epub)],
                         capture_output=True, text=True, timeout=600, check=False, env=env)
    report = out / "report.json"
    assert report.exists(), f"Ace wrote no report: {run.stdout}{run.stderr}"
    return json.loads(report.read_text(encoding="utf-8"))


def ace_violations(report: dict) -> list[str]:
    """Each failed assertion of an Ace report, as one readable line."""
    found = []
    for subject in report.get("assertions", []):
        for check in subject.get("assertions", []):
            if check["earl:result"]["earl:outcome"] != "pass":
                test = check["earl:test"]
                found.append(f"{subject['earl:testSubject']['url']}: {test['dct:title']}"
                             f" ({test['earl:impact']}): "
                             f"{check['earl:result'].get('dct:description', '')}")
    return found


def axe_script() -> str:
    script = NODE / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        missing("axe-core", NPM_INSTALL)
    return script.read_text(encoding="utf-8")
