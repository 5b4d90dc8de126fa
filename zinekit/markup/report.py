"""Diagnostics from inside markdown-it rules, collected in the parser's ``env``."""

from __future__ import annotations

from typing import Any, MutableMapping

from zinekit.errors import Diagnostic, Severity


def report(env: MutableMapping[str, Any], severity: Severity, message: str, line: int, col: int) -> None:
    """Record a located diagnostic for the file being parsed."""
    items: list[Diagnostic] = env.setdefault("zk_diagnostics", [])
    seen: set[Diagnostic] = env.setdefault("zk_diagnostics_seen", set())
    diagnostic = Diagnostic(severity, message, env.get("zk_path"), line, col)
    if diagnostic not in seen:  # a set: a text with thousands of problems stays linear
        seen.add(diagnostic)
        items.append(diagnostic)
