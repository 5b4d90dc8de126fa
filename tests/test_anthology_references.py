"""A reference into a text left out of an anthology carries the page its issue printed
it on (as any catalog reference does), whether the library was built before, is built
with the anthology, or was never built; and an anthology is built again when those
pages change."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import poppler_pages

BOOK = """\
---
title: The Porch Book
series: Yard Notes
volume: 5
---

# Part A

Alpha of part A.

{padding}

## A sub {{#a-sub}}

Alpha sub, the quiet one.

# Part B

Bravo of part B [see A sub] and of the other [see Yard Notes vol.4].
"""

OTHER = "---\ntitle: Other\nseries: Yard Notes\nvolume: 4\n---\n\n# Only part\n\nText.\n"


def series(reader_first: bool) -> str:
    issues = ['[[issues]]\nvolume = 6\nsource = "reader.md"\n', '[[issues]]\nvolume = 5\nsource = "book.md"\n',
              '[[issues]]\nvolume = 4\nsource = "other.md"\n']
    return '[series]\nname = "Yard Notes"\n\n' + "\n".join(issues if reader_first else issues[1:] + issues[:1])


def book(paragraphs: int) -> str:
    padding = "\n\n".join("Filler words that push the section on. " * 12 for _ in range(paragraphs))
    return BOOK.format(padding=padding)


def printed_page(root: Path, slug: str, anchor: str) -> str:
    inventory = json.loads((root / "dist" / slug / f"{slug}.inventory.json").read_text(encoding="utf-8"))
    return next(a["page_label"] for a in inventory["anchors"] if a["id"] == anchor)


def text_of(pdf: Path) -> str:
    return " ".join(poppler_pages(pdf))


def test_a_series_build_gives_the_left_out_text_its_page(cli, make_project):
    root = make_project({"zinekit.toml": series(reader_first=True), "book.md": book(8),
                         "other.md": OTHER,
                         "reader.md": "---\ntitle: A Reader\nvolume: 6\ninclude: [book.md#Part B]\n---\n"})
    run = cli("build", ".", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    page = printed_page(root, "yard-notes-vol-5", "a-sub")
    assert page != "1"
    text = text_of(root / "dist" / "yard-notes-vol-6" / "yard-notes-vol-6.pdf")
    assert f"[see A sub, Yard Notes vol.5, p.{page}]" in text
    assert "[see Yard Notes vol.4]" in text


def test_a_library_never_built_is_laid_out_for_the_pages(cli, make_project):
    root = make_project({"zinekit.toml": series(reader_first=False), "book.md": book(8), "other.md": OTHER,
                         "reader.md": "",
                         "r.toml": '[anthology]\ntitle = "R"\n\n[[texts]]\nsource = "book.md"\nchapters = ["Part B"]\n'})
    run = cli("anthology", "r.toml", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    assert not (root / "dist" / "yard-notes-vol-5").exists()  # laid out in memory only
    text = text_of(root / "dist" / "r" / "r.pdf")
    assert cli("build", "book.md", "--format", "pdf", cwd=root).exit_code == 0
    assert f"[see A sub, Yard Notes vol.5, p.{printed_page(root, 'yard-notes-vol-5', 'a-sub')}]" in text


def test_the_anthology_follows_the_pages_of_the_library(cli, make_project):
    root = make_project({"zinekit.toml": series(reader_first=False), "book.md": book(8), "other.md": OTHER,
                         "reader.md": "",
                         "r.toml": '[anthology]\ntitle = "R"\n\n[[texts]]\nsource = "book.md"\nchapters = ["Part B"]\n'})
    assert cli("build", "book.md", "--format", "pdf", cwd=root).exit_code == 0
    assert cli("anthology", "r.toml", "--format", "pdf", cwd=root).exit_code == 0
    before = printed_page(root, "yard-notes-vol-5", "a-sub")
    assert f"[see A sub, Yard Notes vol.5, p.{before}]" in text_of(root / "dist" / "r" / "r.pdf")
    # the book set again on smaller pages: no file of the anthology changed, only the
    # page its reference prints
    (root / "small").mkdir()
    (root / "small" / "theme.toml").write_text('name = "small"\nextends = "pamphlet"\n\n[defaults]\n'
                                               'page_size = "A6"\n', encoding="utf-8")
    assert cli("build", "book.md", "--format", "pdf", "--theme", "small", cwd=root).exit_code == 0
    after = printed_page(root, "yard-notes-vol-5", "a-sub")
    assert after != before
    run = cli("anthology", "r.toml", "--format", "pdf", cwd=root)
    assert run.exit_code == 0 and "up to date" not in run.output, run.output
    assert f"[see A sub, Yard Notes vol.5, p.{after}]" in text_of(root / "dist" / "r" / "r.pdf")
