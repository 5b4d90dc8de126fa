"""Series builds end to end: references print the right page and link to it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import EXAMPLES, poppler_pages
from tests.resolve.resolve_fixtures import write_pdf


def pdf_pages_text(path: Path) -> list[str]:
    """Each page's text as poppler reads it, words hyphenated at line ends rejoined
    (pypdf's reading of WeasyPrint's fonts changes between its versions)."""
    return [page.replace("\u2010 ", "") for page in poppler_pages(path)]


def links(pdf: Path) -> list[tuple[int, dict]]:
    found = []
    for number, page in enumerate(PdfReader(str(pdf)).pages, start=1):
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            if "/A" in annot:
                found.append((number, dict(annot["/A"])))
    return found


def test_example_series_references_print_and_link_the_right_page(cli, tmp_path):
    series = tmp_path / "ember-tide"
    shutil.copytree(EXAMPLES / "ember-tide", series, ignore=shutil.ignore_patterns("dist"))
    run = cli("build", "--format", "pdf", cwd=series)
    assert run.exit_code == 0, run.output
    assert "warning" not in run.output
    back = series / "back" / "ember-tide-vol3.pdf"
    vol6 = series / "dist" / "ember-tide-vol-6" / "ember-tide-vol-6.pdf"
    text6 = " ".join(pdf_pages_text(vol6))
    # a bare title gains "series vol., p." — and that page of the back issue shows the title
    m = re.search(r"\[see The Quiet Substations, Ember Tide vol\.3, p\.(\d+)\]", text6)
    assert m, text6
    page = int(m.group(1))
    assert "The Quiet Substations" in pdf_pages_text(back)[page - 1]
    uris = [a["/URI"] for _, a in links(vol6) if "/URI" in a]
    assert f"https://example.org/embertide/ember-tide-vol3.pdf#page={page}" in uris
    # an issue title alone means the issue's first page
    assert "[ed. – see Wires Under the Floor, Ember Tide vol.3, p.1]" in text6


def test_sibling_issue_links_are_relative_and_land_on_the_title(cli, tmp_path):
    series = tmp_path / "ember-tide"
    shutil.copytree(EXAMPLES / "ember-tide", series, ignore=shutil.ignore_patterns("dist"))
    assert cli("build", "--format", "pdf", cwd=series).exit_code == 0
    vol6 = series / "dist" / "ember-tide-vol-6" / "ember-tide-vol-6.pdf"
    vol7 = series / "dist" / "ember-tide-vol-7" / "ember-tide-vol-7.pdf"
    remote = [a for _, a in links(vol7) if a.get("/S") == "/GoToR"]
    assert remote and all(a["/F"] == "../ember-tide-vol-6/ember-tide-vol-6.pdf" for a in remote)
    text7 = " ".join(pdf_pages_text(vol7))
    assert "(see The Night Shift Keeps No Minutes, Ember Tide vol.6, p.1)" in text7
    assert "The Night Shift Keeps No Minutes" in pdf_pages_text(vol6)[0]
    inventory = json.loads((vol6.parent / "ember-tide-vol-6.inventory.json").read_text())
    assert inventory["format"] == "zinekit-inventory" and inventory["pages"] == len(pdf_pages_text(vol6))


def two_issue_series(make_project, filler_a: int = 1) -> Path:
    filler = "\n\n".join(["A paragraph that takes room on the page. " * 12] * filler_a)
    return make_project({
        "zinekit.toml": """
            [series]
            name = "Cinder Post"
            aliases = ["CP"]

            [[issues]]
            volume = 1
            source = "one.md"

            [[issues]]
            volume = 2
            source = "two.md"
            """,
        "one.md": "---\ntitle: One\nseries: Cinder Post\nvolume: 1\n---\n\n" + filler
                  + "\n\n## Bread Ovens {#ovens}\n\nSomething about ovens [see Tenants Rising].\n",
        "two.md": """
            ---
            title: Two
            series: Cinder Post
            volume: 2
            ---

            Opening text. [ed. – see Bread Ovens]

            ## Tenants Rising

            More.
            """,
    })


def test_two_issues_citing_each_other(cli, make_project):
    root = two_issue_series(make_project, filler_a=6)
    run = cli("build", cwd=root)
    assert run.exit_code == 0, run.output
    one = root / "dist" / "cinder-post-vol-1" / "cinder-post-vol-1.pdf"
    two = root / "dist" / "cinder-post-vol-2" / "cinder-post-vol-2.pdf"
    pages_one, pages_two = pdf_pages_text(one), pdf_pages_text(two)
    printed = re.search(r"see Bread Ovens, Cinder Post vol\.1, p\.(\d+)", " ".join(pages_two))
    assert printed and "Bread Ovens" in pages_one[int(printed.group(1)) - 1]
    printed = re.search(r"see Tenants Rising, Cinder Post vol\.2, p\.(\d+)", " ".join(pages_one))
    assert printed and "Tenants Rising" in pages_two[int(printed.group(1)) - 1]
    for pdf, other, pages in ((two, one, pages_one), (one, two, pages_two)):
        remote = [a for _, a in links(pdf) if a.get("/S") == "/GoToR"]
        assert remote, pdf
        target_page = remote[0]["/D"][0] + 1
        assert remote[0]["/F"] == f"../{other.parent.name}/{other.name}"
        assert any(t in pages[target_page - 1] for t in ("Bread Ovens", "Tenants Rising"))


def test_page_numbers_follow_a_change_in_the_cited_issue(cli, make_project):
    root = two_issue_series(make_project, filler_a=1)
    assert cli("build", cwd=root).exit_code == 0
    text = lambda: " ".join(pdf_pages_text(root / "dist/cinder-post-vol-2/cinder-post-vol-2.pdf"))
    before = re.search(r"Cinder Post vol\.1, p\.(\d+)", text()).group(1)
    one = root / "one.md"
    one.write_text(one.read_text().replace("## Bread Ovens", "\n\n".join(["Filler. " * 60] * 8) + "\n\n## Bread Ovens"))
    assert cli("build", cwd=root).exit_code == 0
    after = re.search(r"Cinder Post vol\.1, p\.(\d+)", text()).group(1)
    assert int(after) > int(before)
    pages_one = pdf_pages_text(root / "dist/cinder-post-vol-1/cinder-post-vol-1.pdf")
    assert "Bread Ovens" in pages_one[int(after) - 1]


def test_building_one_issue_lays_out_the_issue_it_cites(cli, make_project):
    root = two_issue_series(make_project, filler_a=6)
    run = cli("build", "two.md", cwd=root)
    assert run.exit_code == 0, run.output
    printed = re.search(r"see Bread Ovens, Cinder Post vol\.1, p\.(\d+)",
                        " ".join(pdf_pages_text(root / "dist/cinder-post-vol-2/cinder-post-vol-2.pdf")))
    assert printed and int(printed.group(1)) > 1
    assert not (root / "dist" / "cinder-post-vol-1").exists()


def test_back_issue_with_page_labels(cli, make_project):
    root = make_project({
        "zinekit.toml": """
            [series]
            name = "Cinder Post"
            aliases = ["CP"]

            [[issues]]
            volume = 4
            pdf = "back/cp4.pdf"
            url = "https://example.org/cp4.pdf"
            """,
        "notes.md": "---\ntitle: Notes\n---\n\nAs argued before [see CP vol.4 p.2].\n",
    })
    # two unnumbered cover pages, then printed pages 1, 2, 3
    write_pdf(root / "back" / "cp4.pdf", ["cover", "inside cover", "one", "two: the argument", "three"],
              labels=[(1, 2, "/r", 1), (3, 5, "/D", 1)])
    run = cli("build", "notes.md", cwd=root)
    assert run.exit_code == 0, run.output
    pdf = root / "dist" / "notes" / "notes.pdf"
    uris = [a["/URI"] for _, a in links(pdf) if "/URI" in a]
    assert uris == ["https://example.org/cp4.pdf#page=4"]
    assert "two: the argument" in pdf_pages_text(root / "back" / "cp4.pdf")[3]
    assert "warning" not in run.output


def test_unresolved_and_out_of_range(cli, make_project):
    root = two_issue_series(make_project)
    (root / "three.md").write_text("---\ntitle: T\n---\n\nSee [see Cinder Post vol.9 p.2] and "
                                   "[see Cinder Post vol.1 p.400].\n", encoding="utf-8")
    # the pages of vol.1, never built, are known from a layout: the build's to check
    run = cli("build", "three.md", "--format", "pdf", cwd=root)
    assert run.exit_code == 1
    assert ("three.md:5:10: warning: cross-reference 'see Cinder Post vol.9 p.2' names no known text "
            "(no issue \"vol.9\" in series \"Cinder Post\"); left as written") in run.output
    assert re.search(r"three\.md:5:42: error: cross-reference 'see Cinder Post vol\.1 p\.400': "
                     r"page 400 is outside Cinder Post vol\.1 \(pages 1–\d+\)", run.output), run.output
