"""The labelled corpus: at least 98 % of note calls joined to the right note, and every
call or note without a partner reported at its line."""

from __future__ import annotations

import json

import pytest

from tests.importer.helpers import CORPUS, seed
from zinekit.importer.plaintext import import_plaintext

#: Seed 000 by reference: its calls and notes by source line, read from the text.
SEED_000 = {"pairs": [[35, 37], [35, 39], [51, 57], [55, 59], [65, 67], [73, 79], [81, 87],
                      [81, 89]],
            "calls_without_note": [83], "notes_without_call": [69]}


def corpus() -> list[tuple[str, str, dict]]:
    texts = [(p.stem, p.read_text(encoding="utf-8"),
              json.loads(p.with_suffix(".labels.json").read_text(encoding="utf-8")))
             for p in sorted(CORPUS.glob("*.txt"))]
    found = seed("000")
    if found is not None:
        texts.append(("seed-000", found.read_text(encoding="utf-8"), SEED_000))
    return texts


def score(text: str, labels: dict) -> tuple[int, int, list[str]]:
    """(calls joined right, calls labelled, problems)."""
    imported = import_plaintext(text, "t.txt")
    joins = {tuple(j) for j in imported.report.joins}
    right = sum(1 for pair in labels["pairs"] if tuple(pair) in joins)
    problems = [f"wrong join {j}" for j in joins if list(j) not in labels["pairs"]]
    warned = {(e.line, e.message.split(" has no ")[0].split()[0])
              for e in imported.report.warnings if " has no " in e.message}
    for line in labels["calls_without_note"]:
        if not any(w[0] == line for w in warned):
            problems.append(f"call without a note at line {line} not reported")
    for line in labels["notes_without_call"]:
        if not any(w[0] == line for w in warned):
            problems.append(f"note without a call at line {line} not reported")
    total = len(labels["pairs"]) + len(labels["calls_without_note"])
    return right, total, problems


def test_corpus_has_twenty_texts():
    assert len(list(CORPUS.glob("*.txt"))) >= 20


@pytest.mark.parametrize("name, text, labels", corpus(), ids=lambda v: v if isinstance(v, str)
                         and len(v) < 40 else "")
def test_each_text_reports_every_mismatch(name, text, labels):
    _, _, problems = score(text, labels)
    assert not [p for p in problems if "not reported" in p], problems


def test_at_least_98_percent_of_calls_join_the_right_note():
    right = total = 0
    for _, text, labels in corpus():
        r, t, _ = score(text, labels)
        right += r
        total += len(labels["pairs"])
    assert total >= 150
    assert right / total >= 0.98, f"{right}/{total} joined right"
