"""Writing a laid-out document as PDF bytes: reproducible, with links to sibling
issues that viewers follow, and the pages readable without the structure tree."""

from __future__ import annotations

import contextlib
import hashlib
import re
import uuid
from urllib.parse import unquote

import pydyf
import weasyprint

from zinekit.markup.xrefs import SIBLING_SCHEME
from zinekit.reachins import page_references_kept, weasyprint_log
from zinekit.render.tagging import finish_tags


def sibling_links(document: weasyprint.Document, pdf: pydyf.PDF) -> None:
    """WeasyPrint finisher: links to a sibling issue's PDF become remote go-to actions
    (``/GoToR`` to a relative file and page), which PDF viewers follow on disk."""
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Dictionary) or obj.get("Subtype") != "/Link":
            continue
        action = obj.get("A")
        uri = getattr(action.get("URI"), "string", "") if isinstance(action, dict) else ""
        if not uri.startswith(SIBLING_SCHEME):
            continue
        path, _, fragment = uri[len(SIBLING_SCHEME):].partition("#")
        page = int(fragment[5:]) if fragment.startswith("page=") and fragment[5:].isdigit() else 1
        obj["A"] = pydyf.Dictionary({
            "Type": "/Action", "S": "/GoToR", "F": pydyf.String(unquote(path)),
            "D": pydyf.Array([max(page - 1, 0), "/Fit"]), "NewWindow": "true",
        })


def pdf_bytes(document: weasyprint.Document, identity: str, variant: str | None = None) -> bytes:
    """The PDF, with a file identifier derived from the content (reproducible builds);
    ``variant`` is a WeasyPrint PDF variant such as ``pdf/x-4``.  The tagged reading
    PDF (``pdf/ua-1``) has its structure finished by :mod:`zinekit.render.tagging`."""
    identifier = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32].encode("ascii")

    def finish(document: weasyprint.Document, pdf: pydyf.PDF) -> None:
        sibling_links(document, pdf)
        stable_document_id(pdf, identifier.decode("ascii"))
        if variant == READING_VARIANT:
            finish_tags(document, pdf)
        pages_outside_object_stream(pdf)

    # What WeasyPrint logs while writing (an image without alt text) is reported when
    # the issue is loaded, with its place in the Markdown.
    kept = page_references_kept() if variant == READING_VARIANT else contextlib.nullcontext()
    with weasyprint_log(), kept:
        data = document.write_pdf(finisher=finish, **variant_options(variant))
    return with_file_identifier(data, identifier)


def with_file_identifier(data: bytes, identifier: bytes) -> bytes:
    """``data`` with the file identifier ``/ID [(identifier) (md5 of the file)]`` in its
    trailer.

    pydyf, asked for an identifier, serializes every object a second time (and deflates
    every stream again) to hash them: 2-3 % of writing the reading PDF.  The trailer is
    the file's last dictionary and nothing points inside it, so the entry is inserted
    there, with every offset in the file left as it was.  A file that has one already
    (WeasyPrint gives a PDF/X file its own) is left as it is."""
    start = int(data[data.rindex(b"startxref") + len(b"startxref"):].split()[0])
    if data.startswith(b"xref", start):  # a classic table, then the trailer
        at = data.index(b"trailer", start) + len(b"trailer\n<<")
        end = data.index(b"startxref", at)
    else:  # a cross-reference stream, whose dictionary is the trailer
        at = data.index(b"<<", start) + len(b"<<")
        end = data.index(b"stream", at)
    if b"/ID" in data[at:end]:
        return data
    digest = hashlib.md5(data).hexdigest().encode("ascii")
    entry = b"/ID [(" + identifier + b") (" + digest + b")]"
    return data[:at] + entry + data[at:]


_XMP_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def stable_document_id(pdf: pydyf.PDF, identifier: str) -> None:
    """WeasyPrint gives a PDF/X file a random XMP ``DocumentID``; use one derived from
    the content instead, so that the same input builds the same bytes."""
    document_id = b"xmp.did:" + str(uuid.UUID(hex=identifier)).encode("ascii")
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            obj.stream = [_XMP_DOCUMENT_ID.sub(document_id, chunk)
                          if isinstance(chunk, bytes) else chunk for chunk in obj.stream]


class _LooseDictionary(pydyf.Dictionary):
    compressible = False


class _LooseArray(pydyf.Array):
    compressible = False


_REFERENCE = re.compile(rb"(\d+) 0 R")
#: Keys that lead from a page to the structure tree or back up the page tree.
_NOT_PAGE_CONTENT = frozenset({"Parent", "P", "StructParent", "StructParents", "StructTreeRoot"})


def pages_outside_object_stream(pdf: pydyf.PDF) -> None:
    """Write the catalog, the document's information, the page tree and what the pages
    draw with (resources, fonts, annotations) as plain objects, and leave the rest (the
    structure tree, the named destinations) in the object stream.

    pydyf puts every dictionary in one object stream, and a reader must parse all of
    it to reach any one: 14,000 objects of structure tree for a 200-page tagged PDF.
    Imposing the reading PDF (the booklet) then reads the pages without them: 0.58 s
    to open it became 0.07 s, for a file 6 % larger (docs/performance.md)."""
    catalog = pdf.catalog
    if isinstance(catalog.get("Names"), dict):  # the destinations: large, not drawn
        names = pydyf.Dictionary(catalog["Names"])
        pdf.add_object(names)
        catalog["Names"] = names.reference
    _loosen(catalog)
    _loosen(pdf.info)  # the title and author, which imposing copies
    seen: set[int] = set()
    waiting = [pdf.pages.number]
    while waiting:
        number = waiting.pop()
        if number in seen or not 0 < number < len(pdf.objects):
            continue
        seen.add(number)
        obj = pdf.objects[number]
        if isinstance(obj, dict):
            waiting += [n for key, value in obj.items() if key not in _NOT_PAGE_CONTENT
                        for n in _references(value)]
        elif isinstance(obj, list):
            waiting += _references(obj)
        elif isinstance(obj, pydyf.Stream):  # a form's or an image's own resources
            waiting += _references(obj.extra)
        _loosen(obj)


def _loosen(obj: object) -> None:
    if type(obj) is pydyf.Dictionary:
        obj.__class__ = _LooseDictionary
    elif type(obj) is pydyf.Array:
        obj.__class__ = _LooseArray


def _references(value: object) -> list[int]:
    """Object numbers referred to in a pydyf value: ``b"12 0 R"`` or ``[12, 0, "R"]``."""
    if isinstance(value, (bytes, str)):
        data = value.encode("latin-1", "ignore") if isinstance(value, str) else value
        return [int(n) for n in _REFERENCE.findall(data)]
    if isinstance(value, dict):
        return [n for key, item in value.items() if key not in _NOT_PAGE_CONTENT
                for n in _references(item)]
    if isinstance(value, (list, tuple)):
        found: list[int] = []
        for i, item in enumerate(value):
            if (isinstance(item, int) and not isinstance(item, bool)
                    and value[i + 1:i + 3] in ([0, "R"], (0, "R"))):
                found.append(item)
            else:
                found += _references(item)
        return found
    return []


#: The reading PDF is tagged for assistive technology; the print editions are not
#: (the booklet is imposed, the press PDF is PDF/X-4).
READING_VARIANT = "pdf/ua-1"


def variant_options(variant: str | None) -> dict[str, str]:
    """WeasyPrint options for a PDF variant; PDF/X gets an sRGB output intent."""
    if not variant:
        return {}
    if variant.startswith("pdf/x"):
        return {"pdf_variant": variant, "output_intent": "srgb"}
    return {"pdf_variant": variant}
