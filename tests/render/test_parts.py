"""A long issue laid out in parts on two processes (zinekit/render/parts.py) prints what
one process prints: every line on the same page, the same contents numbers, outline,
links and structure tree, and a tagged PDF that passes the PDF/UA check."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pikepdf
import pytest

import zinekit.render.in_parts as parts_module
import zinekit.render.parts as part_layout
from tests.conftest import built_pdf, poppler_pages
from tests.importer.helpers import seeds_folder
from tests.render import a11y_tools as tools
from zinekit.render.in_parts import NotInParts, _starts
from zinekit.render.parts import Part, Result, split

WORDS = ("a leaflet left on the bus shelter bench said the depot would close by spring and "
         "the drivers read it twice before the first run and then folded it into their "
         "jackets where the schedules go").split()


def paragraph(n: int) -> str:
    words = [WORDS[(n * 5 + i * 7) % len(WORDS)] for i in range(64 + n % 23)]
    return " ".join(words).capitalize() + "."


def book(chapters: int = 6, paragraphs: int = 30, front: str = "") -> str:
    lines = [f"---\ntitle: Depot Notes\nauthors: [C. Driver]\n{front}---\n"]
    notes = []
    for c in range(1, chapters + 1):
        lines.append(f"# Chapter {c}\n")
        for p in range(1, paragraphs + 1 + 4 * (c % 3)):  # chapters of several lengths
            if p % 9 == 1:
                lines.append(f"## Shift {c}.{p // 9 + 1}\n")
            call = f"[^c{c}p{p}]" if p % 4 == 0 else ""
            see = f" [see #chapter-{chapters + 1 - c}]" if p == 5 else ""
            lines.append(f"{paragraph(c * 100 + p)}{see}{call}\n")
            if call:
                notes.append(f"[^c{c}p{p}]: A note on shift {c}, paragraph {p}.")
    return "\n".join(lines) + "\n" + "\n".join(notes) + "\n"


def build(cli, folder: Path, out: str, jobs: int) -> Path:
    run = cli("build", "book.md", "--format", "pdf", "--force", "--out", out, "--jobs",
              str(jobs), cwd=folder)
    assert run.exit_code == 0, run.output + run.stderr
    return built_pdf(folder / out)


def read(path: Path) -> dict:
    """What a reader meets besides the text: the outline, where named destinations and
    links lead, and the structure tree (element types, pages, marked content, ids)."""
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        outline: list = []
        with pdf.open_outline() as tree:
            def walk(items, depth):
                for item in items:
                    dest = item.destination
                    outline.append((depth, item.title, pages.get(dest[0].objgen)))
                    walk(item.children, depth + 1)
            walk(tree.root, 0)
        names = pdf.Root.Names.Dests.Names
        dests = {str(names[i]): pages[names[i + 1][0].objgen] for i in range(0, len(names), 2)}
        links = [(i, str(a.Dest)) for i, page in enumerate(pdf.pages)
                 for a in page.obj.get("/Annots", ()) if "/Dest" in a]
        elements: list = []

        def element(item, page):
            if isinstance(item, pikepdf.Array):
                for kid in item:
                    element(kid, page)
            elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
                page = pages.get(item.Pg.objgen) if "/Pg" in item else page
                elements.append((str(item.S), page, str(item.get("/ID", ""))))
                kids = item.get("/K")
                if kids is not None:
                    element(kids, page)
            elif not isinstance(item, pikepdf.Dictionary):
                elements.append(("mcid", page, int(item)))

        element(pdf.Root.StructTreeRoot.K, None)
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        keys = [int(nums[i]) for i in range(0, len(nums), 2)]
        used = [int(p.obj.StructParents) for p in pdf.pages if "/StructParents" in p.obj]
        used += [int(a.StructParent) for p in pdf.pages for a in p.obj.get("/Annots", ())
                 if "/StructParent" in a]
        return {"outline": outline, "dests": dests, "links": links, "elements": elements,
                "keys": sorted(keys), "used": sorted(used)}


@pytest.fixture
def counted(monkeypatch) -> list[int]:
    """How many parts each layout in parts had (none: the issue was laid out whole)."""
    calls: list[int] = []
    original = parts_module.lay_out_parts

    def lay_out_parts(parts, *args, **kwargs):
        calls.append(len(parts))
        return original(parts, *args, **kwargs)

    monkeypatch.setattr(parts_module, "lay_out_parts", lay_out_parts)
    return calls


@pytest.mark.slow
@pytest.mark.parametrize("front", ["", "chapter_start: right\n"],
                         ids=["next-page", "right-page-notes-through"])
def test_parts_print_what_one_process_prints(make_project, cli, counted, front):
    files = {"book.md": book(front=front)}
    if front:  # and the notes numbered through the issue
        files["zinekit.toml"] = '[build]\nfootnote_numbering = "issue"\n'
    folder = make_project(files)
    whole = build(cli, folder, "one", 1)
    assert counted == []
    in_parts = build(cli, folder, "two", 2)
    assert len(counted) == 1 and counted[0] >= 3  # the front matter, runs of chapters
    pages = poppler_pages(whole)
    assert poppler_pages(in_parts) == pages
    assert len(pages) > 30
    if front:  # chapters open on right-hand pages: blank pages before some
        assert "" in pages
    one, two = read(whole), read(in_parts)
    assert two["outline"] == one["outline"]
    assert two["dests"] == one["dests"]
    assert two["links"] == one["links"]
    assert two["elements"] == one["elements"]
    assert two["keys"] == sorted(set(two["keys"])) and set(two["used"]) <= set(two["keys"])
    # the contents and the cross-references carry the whole issue's page numbers
    printed = re.search(r"Chapter 4[ .]+(\d+)", pages[1])
    assert printed and int(printed.group(1)) == one["dests"]["chapter-4"] + 1


@pytest.mark.slow
def test_a_build_after_an_edit_takes_its_page_numbers_from_the_last(make_project, cli,
                                                                    monkeypatch):
    folder = make_project({"book.md": book()})
    build(cli, folder, "out", 2)
    layouts: list[tuple[int, int]] = []
    original = parts_module.lay_out_parts

    def lay_out_parts(parts, *args, **kwargs):
        joined = original(parts, *args, **kwargs)
        layouts.append((len(parts), joined.layouts))
        return joined

    monkeypatch.setattr(parts_module, "lay_out_parts", lay_out_parts)
    text = (folder / "book.md").read_text(encoding="utf-8")
    (folder / "book.md").write_text(text.replace(" bench", " stone bench", 1), encoding="utf-8")
    edited = build(cli, folder, "out", 2)
    assert "stone bench" in " ".join(poppler_pages(edited))
    [(parts, laid_out)] = layouts
    assert laid_out == parts  # every part laid out once: its numbers were the last build's


@pytest.mark.slow
def test_a_pdf_laid_out_in_parts_passes_the_pdfua_check(make_project, cli, counted):
    folder = make_project({"book.md": book()})
    pdf = build(cli, folder, "two", 2)
    assert len(counted) == 1 and counted[0] >= 3
    findings = tools.pdfua_findings(pdf)
    assert [f"{f['rule_id']} {f['severity']}: {f['message']}" for f in findings
            if f["severity"] in ("error", "warning")] == []


def test_a_short_issue_is_laid_out_whole(make_project, cli, counted):
    folder = make_project({"book.md": book(chapters=3, paragraphs=4)})
    build(cli, folder, "two", 2)
    assert counted == []


def test_an_article_that_does_not_start_a_page_keeps_the_issue_whole():
    part = Part(1, (2,), "second", frozenset(), frozenset(), 0, (), 100)
    front = Part(0, (1,), "", frozenset(), frozenset(), 0, (), 100)

    def result(index: int, side: str) -> Result:
        return Result(index, 1, 2, side, {}, {}, "", b"", [], 0)

    assert _starts([front, part], [result(0, "page"), result(1, "right")]) == (
        {0: 1, 1: 3}, [False, False])
    assert _starts([front, part], [result(0, "page"), result(1, "left")]) == (
        {0: 1, 1: 4}, [False, True])
    with pytest.raises(NotInParts):
        _starts([front, part], [result(0, "page"), result(1, "auto")])


def test_the_parts_of_an_issue():
    html = ("<!DOCTYPE html><html><body><section class='title-page'><h1>T</h1>"
            "<p class='series-line'>S · vol. 2</p></section><nav class='contents'>"
            "<a href='#a'>A</a><a href='#c'>C</a></nav>"
            "<article class='article' id='a'><h1 class='article-title'>A</h1>"
            "<p>x<span class='footnote'>n</span></p></article>"
            "<article class='article' id='b'><p>y <a href='#c'>see</a></p></article>"
            "<article class='article' id='c'><h1 class='article-title'>C</h1></article>"
            "<section class='back-cover'>z</section></body></html>")
    front, a, c = split(html)
    assert (front.anchor, front.children, front.refs) == ("", (1, 2), frozenset({"a", "c"}))
    # b has no title of its own: it stays with a, whose title its running heads print
    assert (a.anchor, a.children, a.notes_before, a.refs) == ("a", (3, 4), 0, frozenset({"c"}))
    assert (c.anchor, c.children, c.notes_before) == ("c", (5, 6), 1)
    assert dict(c.strings) == {"issue-title": "T", "issue-line": "S · vol. 2"}
    assert front.strings == ()


@pytest.mark.slow
@pytest.mark.skipif(seeds_folder() is None, reason="shared/seeds is not beside the checkout")
def test_the_seed_texts_in_an_anthology_print_the_same_in_parts(make_project, cli, counted):
    """The texts as editors receive them, imported, collected in an anthology and built
    in `photocopy` (notes with no room set at their article's end): the same pages,
    the same messages, with --jobs 1 and --jobs 2."""
    folder = make_project({})
    names = []
    for n, text in enumerate(sorted(seeds_folder().glob("*.txt"))):
        run = cli("import", str(text), "-o", f"t{n}.md", cwd=folder)
        assert run.exit_code == 0, run.output + run.stderr
        names.append(f"  - t{n}.md")
    (folder / "book.md").write_text("---\ntitle: The Seeds\ninclude:\n" + "\n".join(names)
                                    + "\n---\n\n[ed. – The texts as they came in.]\n",
                                    encoding="utf-8")
    runs = {}
    for jobs in (1, 2):
        run = cli("build", "book.md", "--format", "pdf", "--theme", "photocopy", "--force",
                  "--out", f"out{jobs}", "--jobs", str(jobs), cwd=folder)
        assert run.exit_code == 0, run.output + run.stderr
        runs[jobs] = run
    assert len(counted) == 1 and counted[0] >= 3  # the front matter, runs of texts
    assert poppler_pages(built_pdf(folder / "out2")) == poppler_pages(built_pdf(folder / "out1"))

    def said(run) -> list[str]:
        return [line for line in (run.output + run.stderr).splitlines()
                if not line.startswith(("wrote ", "book: "))]

    assert said(runs[2]) == said(runs[1])


def die(task) -> None:
    os._exit(9)


@pytest.mark.slow
def test_a_process_that_dies_leaves_the_issue_to_one_process(make_project, cli, monkeypatch,
                                                              counted):
    """A part's process killed (out of memory, say): the issue is laid out whole, and the
    build still writes it."""
    folder = make_project({"book.md": book()})
    whole = build(cli, folder, "one", 1)
    monkeypatch.setattr(part_layout, "lay_out", die)
    fallen_back = build(cli, folder, "two", 2)
    assert len(counted) == 1 and counted[0] >= 3
    assert poppler_pages(fallen_back) == poppler_pages(whole)
