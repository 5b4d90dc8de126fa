"""Word (.docx) and LibreOffice (.odt) documents → zinekit Markdown, through pandoc.

Real footnotes, headings, emphasis, lists and tables come through pandoc's readers; the
title and authors come from the document's properties (docx through pandoc, odt through
odfpy).  Paragraphs at the top that only repeat the title or an author are left out.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from zinekit.errors import SourceError
from zinekit.importer.document import Imported
from zinekit.importer.htmlparts import require
from zinekit.importer.package import checked_package
from zinekit.importer.pandoc import clean, count_notes, metadata, plain, to_ast, to_markdown
from zinekit.importer.report import Report

NAMES = {"docx": "a Word document", "odt": "an OpenDocument text"}


def import_office(path: Path, fmt: str) -> Imported:
    """Import one .docx or .odt file (a checked copy of it: see
    :mod:`zinekit.importer.package`)."""
    source = str(path)
    if not zipfile.is_zipfile(path):
        raise SourceError(f"not {NAMES[fmt]} (it is not a zip package)", source, 1, 1)
    with checked_package(path, NAMES[fmt]) as copy:
        return _import_package(copy, source, fmt)


def _import_package(path: Path, source: str, fmt: str) -> Imported:
    report = Report(source)
    ast = to_ast(path=str(path), reader=fmt, source=source)
    meta = _properties(ast, path, fmt, source)
    ast["blocks"] = _drop_repeated_header(clean(ast["blocks"], report), meta, report)
    report.count("footnotes", count_notes(ast["blocks"]))
    return Imported(meta, to_markdown(ast, source), report, fmt)


def _properties(ast: dict[str, Any], path: Path, fmt: str, source: str) -> dict[str, Any]:
    found = {**_docx_properties(path, source), **metadata(ast)} if fmt == "docx" else \
        _odt_properties(path, source)
    meta: dict[str, Any] = {}
    if found.get("title"):
        meta["title"] = found["title"]
    if found.get("subtitle"):
        meta["subtitle"] = found["subtitle"]
    authors = found.get("author") or found.get("creator")
    if authors:
        meta["authors"] = authors if isinstance(authors, list) else [authors]
    if found.get("date"):
        meta["date"] = str(found["date"])[:10]
    for key in ("subject", "description", "keywords"):
        if found.get(key):
            meta[f"x-{key}"] = found[key]
    return meta


def _docx_properties(path: Path, source: str) -> dict[str, Any]:
    """Title, author, subject and keywords from a Word file's core properties (python-docx);
    pandoc reads only the paragraphs styled Title, Author and Date."""
    require("docx", "python-docx")
    from docx.opc.coreprops import CoreProperties
    from docx.oxml.parser import parse_xml

    try:  # the core properties part alone (the whole document took hundreds of MB)
        with zipfile.ZipFile(path) as package:
            if "docProps/core.xml" not in package.namelist():
                return {}
            core = parse_xml(package.read("docProps/core.xml"))  # a CT_CoreProperties element
            properties = CoreProperties(core)  # type: ignore[arg-type]
            found: dict[str, Any] = {"title": properties.title, "subject": properties.subject,
                                     "keywords": properties.keywords}
            author = properties.author
    except Exception as exc:  # python-docx raises many kinds for a damaged part
        raise SourceError(f"not a Word document ({type(exc).__name__})", source) from exc
    if author:
        found["author"] = [a.strip() for a in author.split(";") if a.strip()]
    return {k: v for k, v in found.items() if v}


def _odt_properties(path: Path, source: str) -> dict[str, Any]:
    require("odf", "odfpy")
    from odf import dc, meta as odf_meta
    from odf.opendocument import load

    try:
        document = load(str(path))
    except Exception as exc:  # odfpy raises many kinds for a damaged package
        raise SourceError(f"not an OpenDocument text ({type(exc).__name__})", source) from exc
    found: dict[str, Any] = {}
    for key, element in (("title", dc.Title), ("subject", dc.Subject),
                         ("description", dc.Description)):  # dc:date is the last save
        values = document.meta.getElementsByType(element)
        if values and str(values[0]).strip():
            found[key] = str(values[0]).strip()
    creators = document.meta.getElementsByType(odf_meta.InitialCreator) or \
        document.meta.getElementsByType(dc.Creator)
    if creators and str(creators[0]).strip():
        found["author"] = [a.strip() for a in str(creators[0]).split(";") if a.strip()]
    return found


def _drop_repeated_header(blocks: list[Any], meta: dict[str, Any], report: Report) -> list[Any]:
    """Leading paragraphs that only repeat the title, an author or the date."""
    known = {meta.get("title"), meta.get("subtitle"), meta.get("date"), *meta.get("authors", [])}
    known.discard(None)
    while blocks and blocks[0].get("t") in ("Para", "Plain", "Header"):
        text = " ".join(plain(blocks[0]["c"] if blocks[0]["t"] != "Header"
                              else blocks[0]["c"][2]).split())
        if text not in known:
            break
        report.note(f"opening paragraph {text!r} left out: it repeats the document's "
                    "properties (now front matter)", dropped=text)
        blocks = blocks[1:]
    return blocks
