"""Tagged PDFs of an issue's parts joined into one tagged PDF (with pikepdf).

Each part (:mod:`zinekit.render.parts`) is a whole PDF/UA file of its own pages: its
structure tree, named destinations, outline.  :func:`join` makes the issue's file of
them, as one layout of the whole would have written it:

- the pages, in order, with a blank page where the next part must open on the other
  side;
- one structure tree: every part's ``/Document`` children under the first part's
  ``/Document``, the parent trees' keys (``/StructParents`` of the pages,
  ``/StructParent`` of the link annotations) renumbered after the parts before, the
  ``/IDTree`` entries (the notes) merged;
- the named destinations of all parts (a link to another part's anchor is written by
  its name, ``/Dest (chapter-3)``, so it points where that part put the anchor);
- the outline: each part's entries after the parts before, pointing at the same places.

:func:`drop_pages` takes the pages a part laid out only to learn page numbers (see
``stubs`` in :mod:`zinekit.render.parts`) out of its file with everything of theirs.
"""

from __future__ import annotations

import io
import warnings
from typing import Any, Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf


def _flat(tree: Any, key: str) -> Iterator[tuple[Any, Any]]:
    """(key, value) pairs of a number tree (``key="/Nums"``) or name tree (``"/Names"``),
    its kids included, in order."""
    if tree is None:
        return
    if key in tree:
        entries = tree[key]
        for i in range(0, len(entries) - 1, 2):
            yield entries[i], entries[i + 1]
    for kid in tree.get("/Kids", ()):
        yield from _flat(kid, key)


def _document_element(pdf: Pdf) -> Any:
    """The structure tree's ``/Document`` element (WeasyPrint writes one)."""
    kids = pdf.Root.StructTreeRoot.K
    return kids[0] if isinstance(kids, Array) else kids


def _kids(element: Any) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def drop_pages(data: bytes, count: int) -> bytes:
    """The file without its last ``count`` pages: their structure elements, parent-tree
    entries and named destinations go with them (the stubs make no outline entry)."""
    if count <= 0:
        return data
    with Pdf.open(io.BytesIO(data)) as pdf:
        last = [page.obj for page in list(pdf.pages)[-count:]]
        dropped = {page.objgen for page in last}
        keys = {int(page.get("/StructParents", -1)) for page in last} | {
            int(annotation.get("/StructParent", -1))
            for page in last for annotation in page.get("/Annots", ())}
        if "/StructTreeRoot" in pdf.Root:
            _prune(_document_element(pdf), dropped)
            root = pdf.Root.StructTreeRoot
            nums = [(k, v) for k, v in _flat(root.ParentTree, "/Nums") if int(k) not in keys]
            root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(_pairs(nums))))
        names = pdf.Root.get("/Names")
        if names is not None and "/Dests" in names:
            kept = [(k, v) for k, v in _flat(names.Dests, "/Names")
                    if not (isinstance(v, Array) and v[0].objgen in dropped)]
            names.Dests = pdf.make_indirect(Dictionary(Names=Array(_pairs(kept))))
        for _ in range(count):
            del pdf.pages[-1]
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def _prune(element: Any, dropped: set[tuple[int, int]]) -> bool:
    """Take out of ``element`` what sits on a dropped page; True when nothing of it
    is left (it goes too)."""
    kids = _kids(element)
    page = element.get("/Pg")
    on_dropped = page is not None and page.objgen in dropped
    kept = []
    for kid in kids:
        if isinstance(kid, Dictionary) and "/S" in kid:  # a structure element
            if not _prune(kid, dropped):
                kept.append(kid)
        elif isinstance(kid, Dictionary) and "/Pg" in kid:  # content on a page of its own
            if kid.Pg.objgen not in dropped:
                kept.append(kid)
        elif not on_dropped:  # a marked-content id, or an object, on the element's page
            kept.append(kid)
    if len(kept) != len(kids):
        if kept:
            element.K = Array(kept)
        else:
            del element["/K"]
    return (bool(kids) and not kept) or (not kids and on_dropped)


def _pairs(entries: list[tuple[Any, Any]]) -> list[Any]:
    return [item for pair in entries for item in pair]


def join(parts: list[bytes], blank_before: list[bool]) -> bytes:
    """One tagged PDF of ``parts`` (each a whole tagged PDF), a blank page before part
    ``i`` where ``blank_before[i]``."""
    out = Pdf.open(io.BytesIO(parts[0]))
    tagged = "/StructTreeRoot" in out.Root
    document: Any = _document_element(out) if tagged else None
    nums = list(_flat(out.Root.StructTreeRoot.ParentTree, "/Nums")) if tagged else []
    next_key = 1 + max((int(k) for k, _ in nums), default=-1)
    ids = list(_flat(out.Root.StructTreeRoot.get("/IDTree"), "/Names")) if tagged else []
    names = out.Root.get("/Names")
    dests = list(_flat(names.Dests, "/Names")) if names is not None and "/Dests" in names else []
    outline = _outline_entries(out, 0)
    sources = []
    for data, blank in zip(parts[1:], blank_before[1:]):
        source = Pdf.open(io.BytesIO(data))
        sources.append(source)  # open until the output is saved
        if blank:
            _add_blank(out)
        first = len(out.pages)
        offset = next_key
        for page in source.pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annotation in page.obj.get("/Annots", ()):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset
        with warnings.catch_warnings():  # the named destinations are merged below
            warnings.filterwarnings("ignore", message="Copying pages from another Pdf")
            out.pages.extend(source.pages)
        if tagged and "/StructTreeRoot" in source.Root:
            root = source.Root.StructTreeRoot
            top = _kids(_document_element(source))
            for kid in top:
                del kid["/P"]
            copied = [_copy(out, kid) for kid in top]
            for kid in copied:
                kid.P = document
            document.K = Array(_kids(document) + copied)
            keys = [(int(k), v) for k, v in _flat(root.ParentTree, "/Nums")]
            nums += [(k + offset, _copy(out, v)) for k, v in keys]
            next_key = offset + 1 + max((k for k, _ in keys), default=-1)
            ids += [(k, _copy(out, v)) for k, v in _flat(root.get("/IDTree"), "/Names")]
        source_names = source.Root.get("/Names")
        if source_names is not None and "/Dests" in source_names:
            dests += [(k, _copy(out, v)) for k, v in _flat(source_names.Dests, "/Names")]
        outline += _outline_entries(source, first)
    if tagged:
        root = out.Root.StructTreeRoot
        root.ParentTree = out.make_indirect(Dictionary(Nums=Array(_pairs(
            sorted(nums, key=lambda kv: int(kv[0]))))))
        if ids:
            root.IDTree = out.make_indirect(Dictionary(Names=Array(_pairs(_by_name(ids)))))
    if dests:
        if names is None:
            out.Root.Names = names = out.make_indirect(Dictionary())
        names.Dests = out.make_indirect(Dictionary(Names=Array(_pairs(_by_name(dests)))))
    _write_outline(out, outline)
    result = io.BytesIO()
    # every object in object streams: each part carries its own subset of the fonts,
    # and the structure trees are most of the objects (docs/performance.md)
    out.save(result, deterministic_id=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    for source in sources:
        source.close()
    out.close()
    return result.getvalue()


def _copy(out: Pdf, value: Any) -> Any:
    """``value`` of another file, as an object of ``out`` (what it refers to copied,
    once: pages already copied are referred to, not copied again)."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return out.copy_foreign(value)
    if isinstance(value, Array):
        return Array([_copy(out, item) for item in value])
    if isinstance(value, Dictionary):
        return Dictionary({key: _copy(out, item) for key, item in value.items()})
    return value


def _by_name(entries: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Name-tree entries sorted by name, the first of a name kept (as WeasyPrint does)."""
    seen: dict[bytes, tuple[Any, Any]] = {}
    for key, value in entries:
        seen.setdefault(bytes(key), (key, value))
    return [seen[name] for name in sorted(seen)]


def _add_blank(out: Pdf) -> None:
    """A blank page the size of the last one (its boxes copied)."""
    last = out.pages[-1].obj
    page = Dictionary(Type=Name.Page, Resources=Dictionary(),
                      Contents=out.make_stream(b""))
    for box in ("/MediaBox", "/TrimBox", "/BleedBox", "/CropBox", "/ArtBox"):
        if box in last:
            page[box] = Array(list(last[box]))
    if "/Tabs" in last:
        page.Tabs = last.Tabs
    out.pages.append(pikepdf.Page(page))


# --- outline ------------------------------------------------------------------------------

#: An outline entry: title, page index, left, top, children, closed
Entry = tuple[str, int, Any, Any, list, bool]


def _outline_entries(pdf: Pdf, first: int) -> list[Entry]:
    """The outline's entries with the index (in the joined file) of their page."""
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}

    def read(item: Any) -> list[Entry]:
        entries = []
        while item is not None:
            dest = item.get("/Dest")
            index = pages.get(dest[0].objgen, 0) if isinstance(dest, Array) else 0
            left = dest[2] if isinstance(dest, Array) and len(dest) > 3 else None
            top = dest[3] if isinstance(dest, Array) and len(dest) > 3 else None
            closed = int(item.get("/Count", 0)) < 0
            entries.append((str(item.Title), first + index, left, top,
                            read(item.get("/First")), closed))
            item = item.get("/Next")
        return entries

    outlines = pdf.Root.get("/Outlines")
    return read(outlines.get("/First")) if outlines is not None else []


def _write_outline(out: Pdf, entries: list) -> None:
    """The outline of ``entries``, written as WeasyPrint writes one (``/XYZ``
    destinations, counts of the open entries)."""
    if not entries:
        return
    root = out.make_indirect(Dictionary(Type=Name.Outlines))

    def write(entries: list, parent: Any) -> tuple[list[Any], int]:
        made: list[Any] = []
        count = len(entries)
        for title, index, left, top, children, closed in entries:
            dest = Array([out.pages[index].obj, Name.XYZ, left if left is not None else 0,
                          top if top is not None else 0, 0])
            item = out.make_indirect(Dictionary(Title=pikepdf.String(title), Dest=dest,
                                                Parent=parent))
            kids, kids_count = write(children, item)
            if kids:
                item.First, item.Last = kids[0], kids[-1]
            item.Count = -kids_count if closed else kids_count
            if not closed:
                count += kids_count
            if made:
                item.Prev = made[-1]
                made[-1].Next = item
            made.append(item)
        return made, count

    made, count = write(entries, root)
    root.First, root.Last, root.Count = made[0], made[-1], count
    out.Root.Outlines = root
