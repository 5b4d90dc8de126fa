"""A text listed in ``zinekit.toml`` is the issue its catalog entry describes, and a
text the catalog does not list is named by a series build, not skipped without a word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import poppler_pages
from tests.importer.helpers import seed, seeds_folder

CATALOG = """\
[series]
name = "Small Hours"
url = "https://example.org/small-hours/"

[[issues]]
volume = 2
source = "vol2.md"

[[issues]]
volume = 3
title = "Rent Strike's Notes"
source = "vol3.md"
"""

#: An imported text: front matter with a title and an author, no series, no volume.
IMPORTED = """\
---
title: Keys to the Boiler Room
authors:
- A. Tenant
---

# The first winter

The boiler failed in the first week of December, and the landlord's office did not
answer the phone for nine days.

# The second winter

This time the tenants kept a log of every cold night, and brought it to the office.
"""

CITING = """\
---
series: Small Hours
volume: 3
---

A reply to the text on the boiler room [see Small Hours vol.2, The second winter].
"""


@pytest.fixture
def series(make_project) -> Path:
    return make_project({"zinekit.toml": CATALOG, "vol2.md": IMPORTED, "vol3.md": CITING})


def issue_folders(dist: Path) -> list[str]:
    """The folders of built issues in ``dist`` (the library's own folders left out)."""
    return sorted(p.name for p in dist.iterdir()
                  if p.is_dir() and p.name not in {"library", "opds", "pagefind"} and p.name[0] != ".")


def test_a_listed_text_takes_the_catalogs_series_and_volume(cli, series: Path):
    run = cli("build", "--format", "pdf", cwd=series)
    assert run.exit_code == 0, run.output
    dist = series / "dist"
    assert issue_folders(dist) == ["small-hours-vol-2", "small-hours-vol-3"]
    pdf = dist / "small-hours-vol-2" / "small-hours-vol-2.pdf"
    pages = poppler_pages(pdf)
    assert pages[0].startswith("Small Hours · vol. 2 Keys to the Boiler Room")
    assert "Small Hours · vol. 2" in pages[1]  # the running head
    title = PdfReader(str(pdf)).metadata.title
    assert title == "Keys to the Boiler Room — Small Hours · vol. 2"
    inventory = json.loads((dist / "small-hours-vol-2" / "small-hours-vol-2.inventory.json")
                           .read_text(encoding="utf-8"))
    assert (inventory["series"], inventory["volume"]) == ("Small Hours", 2)
    # the entry's title where the front matter has none; references resolve against it
    cited = poppler_pages(dist / "small-hours-vol-3" / "small-hours-vol-3.pdf")
    assert any("Rent Strike’s Notes" in page for page in cited)
    assert "names no known text" not in run.output


def test_a_front_matter_value_contradicting_the_catalog_is_a_located_warning(cli, series: Path):
    text = IMPORTED.replace("authors:", "series: Late Hours\nvolume: 5\nauthors:")
    (series / "vol2.md").write_text(text, encoding="utf-8")
    run = cli("check", cwd=series)
    assert run.exit_code == 0, run.output
    assert 'vol2.md:3:1: warning: series: "Late Hours" contradicts the catalog (zinekit.toml:5 ' \
        'lists this text in the series "Small Hours"); the catalog\'s is used' in run.output
    assert "vol2.md:4:1: warning: volume: 5 contradicts the catalog (zinekit.toml:5 lists this " \
        "text with volume = 2); the catalog's is used" in run.output


def test_a_title_contradicting_the_catalog_is_printed_with_a_warning(cli, series: Path):
    (series / "vol3.md").write_text(CITING.replace("volume: 3", "volume: 3\ntitle: Rent Notes"),
                                    encoding="utf-8")
    run = cli("check", cwd=series)
    assert run.exit_code == 0, run.output
    assert 'vol3.md:4:1: warning: title: "Rent Notes" contradicts the catalog (zinekit.toml:9 ' \
        'lists this text with title = "Rent Strike\'s Notes"); this one is printed; references ' \
        'may name the issue by either' in run.output
    # the same title, typeset or typed, is no contradiction
    (series / "vol3.md").write_text(
        CITING.replace("volume: 3", "volume: 3\ntitle: Rent Strike’s *Notes*"), encoding="utf-8")
    run = cli("check", cwd=series)
    assert run.exit_code == 0 and "contradicts" not in run.output, run.output


def test_an_alias_of_the_series_is_no_contradiction(cli, series: Path):
    (series / "zinekit.toml").write_text(CATALOG.replace('url =', 'aliases = ["SH"]\nurl ='),
                                         encoding="utf-8")
    text = IMPORTED.replace("authors:", "series: SH\nvolume: 2\nauthors:")
    (series / "vol2.md").write_text(text, encoding="utf-8")
    run = cli("check", cwd=series)
    assert run.exit_code == 0 and "contradicts" not in run.output, run.output


def test_a_text_the_catalog_does_not_list_is_named(cli, series: Path, make_project):
    make_project({
        "vol4.md": IMPORTED,                      # an imported text, not listed
        "vol8/issue.md": "---\ntitle: Eight\narticles: [a.md]\n---\n",  # a folder issue
        "vol8/a.md": "An article.\n",
        "README.md": "# About this folder\n",     # not a text of the series
        "_drafts/maybe.md": "A draft kept aside.\n",
        "reader.toml": '[anthology]\ntitle = "Reader"\n[[texts]]\nsource = "chosen.md"\n',
        "chosen.md": "---\ntitle: Chosen\n---\n\nIncluded by the reader.\n",
        # an anthology as an issue file, and the text only it includes
        "best.md": "---\ntitle: Best\ninclude:\n  - picked.md\n---\n\n[ed. – Chosen.]\n",
        "picked.md": "---\ntitle: Picked\n---\n\nIncluded by the best-of.\n",
    })
    run = cli("check", cwd=series)
    assert run.exit_code == 0, run.output
    named = [line for line in run.output.splitlines() if "not listed" in line]
    assert named == [
        'vol4.md:1:1: warning: not listed in zinekit.toml, so a build of the series leaves it '
        'out; add [[issues]] source = "vol4.md" (with its volume) to build it',
        'vol8/issue.md:1:1: warning: not listed in zinekit.toml, so a build of the series '
        'leaves it out; add [[issues]] source = "vol8" (with its volume) to build it',
    ]
    assert "no problems found" not in run.output
    assert cli("check", "--strict", cwd=series).exit_code == 1


def test_articles_of_listed_folder_issues_are_not_named(cli, make_project):
    root = make_project({
        "zinekit.toml": '[series]\nname = "Small Hours"\n[[issues]]\nvolume = 1\n'
                        'source = "vol1"\n',
        "vol1/issue.md": "---\ntitle: One\narticles: [a.md]\n---\n",
        "vol1/a.md": "An article.\n",
        "vol1/notes.md": "The editors' notes, not printed.\n",
    })
    run = cli("check", cwd=root)
    assert run.exit_code == 0 and "not listed" not in run.output, run.output
    assert "no problems found" in run.output


@pytest.mark.skipif(seeds_folder() is None, reason="shared/seeds is not beside the checkout")
def test_an_imported_seed_listed_in_the_catalog_joins_the_series(cli, make_project):
    root = make_project({"zinekit.toml": CATALOG.split("[[issues]]\nvolume = 3")[0]})
    run = cli("import", str(seed("002")), "-o", str(root / "vol2.md"), cwd=root)
    assert run.exit_code == 0, run.output
    run = cli("build", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    assert issue_folders(root / "dist") == ["small-hours-vol-2"]
    pages = poppler_pages(root / "dist" / "small-hours-vol-2" / "small-hours-vol-2.pdf")
    assert pages[0].startswith("Small Hours · vol. 2")


def test_a_named_pipe_among_the_texts_is_not_read(cli, series: Path):
    import os

    os.mkfifo(series / "reader.toml")  # reading it would wait for a writer forever
    run = cli("check", cwd=series)
    assert run.exit_code == 0, run.output
    assert "no problems found" in run.output
