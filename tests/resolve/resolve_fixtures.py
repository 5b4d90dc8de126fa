"""Helpers for the resolve tests: small back-issue PDFs and a series project on disk."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from zinekit.errors import Diagnostics
from zinekit.resolve.catalog import Catalog
from zinekit.resolve.catalog_toml import load_catalog


def _escape(text: str) -> bytes:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")


def write_pdf(
    path: Path,
    pages: list[str],
    outline: Iterable[tuple[str, int, int]] = (),
    labels: Iterable[tuple[int, int, str, int]] = (),
    password: str | None = None,
) -> Path:
    """Write one line of text per page; ``outline`` items are (title, 1-based page,
    level); ``labels`` are (first page, last page, style "/D" or "/r", start)."""
    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
    }))
    for text in pages:
        page = writer.add_blank_page(width=420, height=595)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
        stream = DecodedStreamObject()
        stream.set_data(b"BT /F1 14 Tf 40 540 Td (" + _escape(text) + b") Tj ET")
        page[NameObject("/Contents")] = writer._add_object(stream)
    parents: dict[int, object] = {}
    for title, page_index, level in outline:
        parents[level] = writer.add_outline_item(title=title, page_number=page_index - 1, parent=parents.get(level - 1))
    for first, last, style, start in labels:
        writer.set_page_label(first - 1, last - 1, style=style, start=start)
    if password:
        writer.encrypt(password)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        writer.write(f)
    return path


def page_text(path: Path, page_index: int) -> str:
    """The text on 1-based physical page ``page_index`` of ``path``."""
    return PdfReader(str(path)).pages[page_index - 1].extract_text()


@dataclass
class Project:
    root: Path
    toml: Path
    catalog: Catalog
    diagnostics: Diagnostics

    def messages(self) -> list[str]:
        return [f"{d.line}:{d.col}: {d.severity}: {d.message}" for d in self.diagnostics]


def load_project(root: Path, toml_text: str, eager: bool = True) -> Project:
    toml = root / "zinekit.toml"
    toml.write_text(toml_text, encoding="utf-8")
    diagnostics = Diagnostics()
    catalog = load_catalog(tomllib.loads(toml_text), root, toml, diagnostics, eager=eager)
    return Project(root, toml, catalog, diagnostics)


SERIES_TOML = """\
[series]
name = "Ember Tide"
aliases = ["ET"]
url = "https://example.org/embertide/"

[build]
formats = ["pdf"]

[[issues]]
volume = 2
pdf = "back/et-vol2.pdf"
url = "https://example.org/et-vol2.pdf"

[[issues]]
volume = 3
title = "Caught Between Wires"
pdf = "back/et-vol3.pdf"

[[issues]]
volume = 6
source = "vol6/issue.md"

[[related]]
name = "Cinder Post"
aliases = ["CP"]
url = "https://example.org/cinderpost/"

[[related.issues]]
volume = 5
pdf = "back/cp-vol5.pdf"
url = "https://example.org/cp-vol5.pdf"
articles = [
  { title = "Against the Grid", page = 4 },
  { title = "The Long Night Shift", page = 9 },
]
"""

ET_VOL2_PAGES = [
    "Ember Tide vol.2", "Contents", "The Quiet Substations", "more on substations",
    "Notes on Bread and Roses", "A Longer Aside", "The Quiet Years", "back cover",
]
ET_VOL3_PAGES = ["Caught Between Wires", "Editorial", "Soft Targets", "Letters", "Dear Reader", "back"]
CP_VOL5_PAGES = ["cover", "inside cover"] + [f"printed page {n}" for n in range(1, 11)]
CP_VOL5_PAGES[5] = "Against the Grid (printed page 4)"
CP_VOL5_PAGES[10] = "The Long Night Shift (printed page 9)"


def write_series(root: Path) -> None:
    """The back issues and sources of the standard test series."""
    write_pdf(root / "back/et-vol2.pdf", ET_VOL2_PAGES, outline=[
        ("The Quiet Substations", 3, 1), ("Notes on Bread and Roses", 5, 1),
        ("A Longer Aside", 6, 2), ("The Quiet Years", 7, 1),
    ])
    write_pdf(root / "back/et-vol3.pdf", ET_VOL3_PAGES, outline=[
        ("Editorial", 2, 1), ("Soft Targets", 3, 1), ("Dear Reader", 5, 1),
    ])
    write_pdf(root / "back/cp-vol5.pdf", CP_VOL5_PAGES, labels=[(1, 2, "/r", 1), (3, 12, "/D", 1)])
    (root / "vol6").mkdir(parents=True, exist_ok=True)
    (root / "vol6/issue.md").write_text("---\ntitle: Slow Burn\n---\n", encoding="utf-8")


INVENTORY_V6 = {
    "format": "zinekit-inventory", "version": 1, "title": "Slow Burn", "series": "Ember Tide", "volume": 6,
    "number": None, "chapter": None, "slug": "ember-tide-vol-6", "pdf": "ember-tide-vol-6.pdf", "url": None,
    "pages": 6, "page_labels": ["i", "ii", "1", "2", "3", "4"],
    "articles": [
        {"title": "Coping With Heat", "authors": ["A. Reader"], "anchor": "coping", "page": 3, "page_label": "1"},
        {"title": "Mutual Aid in August", "authors": [], "anchor": "mutual-aid", "page": 5, "page_label": "3"},
    ],
    "anchors": [
        {"id": "coping", "title": "Coping With Heat", "level": 1, "page": 3, "page_label": "1", "article": "coping"},
        {"id": "shade", "title": "Finding Shade", "level": 2, "page": 4, "page_label": "2", "article": "coping"},
        {"id": "mutual-aid", "title": "Mutual Aid in August", "level": 1, "page": 5, "page_label": "3", "article": "mutual-aid"},
    ],
}
