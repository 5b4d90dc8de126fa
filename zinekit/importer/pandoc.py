"""Conversions through pandoc (bundled by pypandoc-binary): a source → pandoc's JSON
document, small changes to that document, then CommonMark with footnotes.

Spans and divs are unwrapped (their words kept, their attributes dropped), raw HTML or
TeX is reported, and the metadata is read as plain text.
"""

from __future__ import annotations

import json
from typing import Any

from zinekit.errors import SourceError
from zinekit.importer.htmlparts import require
from zinekit.importer.report import Report

WRITER = "commonmark+footnotes+pipe_tables+strikeout-raw_html"
UNWRAP_INLINE = ("Span", "Underline", "SmallCaps")
#: The most heap pandoc may take (its own run-time option; its resident memory peaks at
#: about 1.8 times its heap, so under 1 GB): its Muse reader takes about 1.5 GB for
#: 600 KB of text, 2.5 GB and more for a text of 20,000 notes.
PANDOC_HEAP_MB = 500
#: Blocks and inlines nested deeper than this in pandoc's document are refused (the
#: steps below recurse once per level).
MAX_AST_DEPTH = 200


def _bounded() -> list[str]:
    """pandoc's arguments that cap its heap at :data:`PANDOC_HEAP_MB`."""
    return ["+RTS", f"-M{PANDOC_HEAP_MB}m", "-RTS"]


def to_ast(*, text: str | None = None, path: str | None = None, reader: str,
           source: str) -> dict[str, Any]:
    """Read a text or a file with pandoc; SourceError if pandoc cannot read it."""
    pypandoc = require("pypandoc", "pypandoc-binary")
    try:
        if path is not None:
            out = pypandoc.convert_file(path, "json", format=reader, extra_args=_bounded())
        else:
            out = pypandoc.convert_text(text or "", "json", format=reader,
                                        extra_args=_bounded())
        ast = json.loads(out)
    except RecursionError as exc:
        raise SourceError(f"is refused: nested more than {MAX_AST_DEPTH} levels deep",
                          source) from exc
    except (RuntimeError, OSError, ValueError) as exc:
        raise SourceError(_failure(exc, reader), source) from exc
    if ast_depth(ast) > MAX_AST_DEPTH:
        raise SourceError(f"is refused: nested more than {MAX_AST_DEPTH} levels deep", source)
    return ast


def _failure(exc: Exception, kind: str, doing: str = "reading") -> str:
    reason = " ".join(str(exc).split())
    if "Heap exhausted" in reason:
        return (f"is refused: {doing} it as {kind} takes pandoc more than {PANDOC_HEAP_MB} MB "
                "of memory (split the text into parts and import each)")
    return f"cannot be {'read' if doing == 'reading' else 'written'} as {kind}: {reason[:200]}"


def ast_depth(ast: Any) -> int:
    """How deeply lists and mappings nest in ``ast``, walked without recursion."""
    deepest, stack = 0, [(ast, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            if depth <= MAX_AST_DEPTH:
                stack.extend((item, depth + 1) for item in value
                             if isinstance(item, (list, dict)))
    return deepest


def to_markdown(ast: dict[str, Any], source: str | None = None) -> str:
    """pandoc's document as zinekit Markdown; SourceError (at ``source``) if pandoc fails."""
    pypandoc = require("pypandoc", "pypandoc-binary")
    try:
        out = pypandoc.convert_text(json.dumps(ast), WRITER, format="json",
                                    extra_args=["--wrap=none", *_bounded()])
    except (RuntimeError, OSError) as exc:
        raise SourceError(_failure(exc, "Markdown", "writing"), source) from exc
    return out.strip() + "\n"


def plain(value: Any) -> str:
    """The words of a piece of the pandoc document (metadata or inlines)."""
    if isinstance(value, list):
        return "".join(plain(v) for v in value)
    if not isinstance(value, dict):
        return str(value) if value is not None else ""
    kind, content = value.get("t"), value.get("c")
    if kind == "Str":
        return str(content)
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind == "Note":
        return ""
    if kind in ("MetaMap",):
        return ""
    return plain(content)


def metadata(ast: dict[str, Any]) -> dict[str, Any]:
    """Each metadata field as text (a list of texts for ``author``)."""
    meta: dict[str, Any] = {}
    for key, value in ast.get("meta", {}).items():
        if value.get("t") == "MetaList":
            meta[key] = [" ".join(plain(v).split()) for v in value["c"]]
        else:
            meta[key] = " ".join(plain(value).split())
    return meta


def clean(blocks: list[Any], report: Report) -> list[Any]:
    """Unwrap spans and divs, drop raw HTML/TeX (reported), recursively."""
    out: list[Any] = []
    for item in blocks:
        if isinstance(item, list):
            out.append(clean(item, report))
        elif not isinstance(item, dict) or "t" not in item:
            out.append(item)
        elif item["t"] in UNWRAP_INLINE:
            inner = item["c"][1] if item["t"] == "Span" else item["c"]
            out.extend(clean(inner, report))
        elif item["t"] == "Div":
            classes = " ".join(item["c"][0][1])
            if classes:
                report.note(f"<{classes}> block: its paragraphs are kept, its styling is not")
            out.extend(clean(item["c"][1], report))
        elif item["t"] in ("RawBlock", "RawInline"):
            fmt, raw = item["c"]
            report.note(f"dropped raw {fmt} that Markdown cannot hold: {raw[:60]!r}", dropped=raw)
        else:
            out.append({**item, "c": clean(item["c"], report)} if isinstance(item.get("c"), list)
                       else item)
    return out


def count_notes(value: Any) -> int:
    if isinstance(value, list):
        return sum(count_notes(v) for v in value)
    if isinstance(value, dict):
        return (value.get("t") == "Note") + count_notes(value.get("c"))
    return 0
