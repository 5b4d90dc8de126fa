"""``zinekit catalog``: the series' issues, pages and every reference, as a table and JSON."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLES, pdf_pages_text
from zinekit.catalog_cmd import catalog_listing, format_listing
from zinekit.cli import main

ISSUE_KEYS = {"series", "volume", "number", "chapter", "designation", "title", "from", "path",
              "url", "pages", "page_labels", "pages_from", "articles", "references"}
TARGET_KEYS = {"status", "message", "series", "issue", "title", "page", "page_label", "href",
               "locator"}


def copy_example(folder: Path) -> Path:
    series = folder / "ember-tide"
    shutil.copytree(EXAMPLES / "ember-tide", series, ignore=shutil.ignore_patterns("dist"))
    letters = series / "vol7" / "03-letters.md"
    letters.write_text(letters.read_text(encoding="utf-8")
                       + "\nA reader asks about the lost issue [see Ember Tide vol.9].\n",
                       encoding="utf-8")
    return series


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> tuple[Path, dict, str]:
    """The example series (not built), its listing and its table, made once."""
    series = copy_example(tmp_path_factory.mktemp("catalog"))
    listing, diagnostics = catalog_listing(series)
    assert not diagnostics.errors, diagnostics.lines()
    return series, listing, format_listing(listing)


def issue(listing: dict, designation: str) -> dict:
    return next(i for i in listing["issues"] if i["designation"] == designation)


def refs(listing: dict, designation: str) -> dict[str, dict]:
    return {r["text"]: r for r in issue(listing, designation)["references"]}


def test_json_lists_every_issue_with_stable_keys(example):
    series, listing, _ = example
    assert listing["format"] == "zinekit-catalog" and listing["version"] == 1
    assert listing["series"] == [{"name": "Ember Tide", "aliases": ["ET"],
                                  "url": "https://example.org/embertide/", "home": True}]
    assert [(i["designation"], i["from"], i["path"]) for i in listing["issues"]] == [
        ("vol.3", "pdf", "back/ember-tide-vol3.pdf"), ("vol.4", "source", "vol4/issue.md"),
        ("vol.6", "source", "vol6/issue.md"), ("vol.7", "source", "vol7"),
        ("vol.8", "source", "vol8/tide-clock.md")]
    for entry in listing["issues"]:
        assert set(entry) == ISSUE_KEYS
        for ref in entry["references"] or []:
            assert all(set(t) == TARGET_KEYS for t in ref["targets"])
    vol7 = issue(listing, "vol.7")  # not built: its articles from its text, no pages
    assert vol7["pages_from"] == "text" and vol7["pages"] is None
    assert issue(listing, "vol.3")["references"] is None  # a back issue's text is not read
    titles = [a["title"] for a in vol7["articles"] if a["level"] == 1]
    assert titles == ["The Seed Library in the Porch", "Mrs Adeyemi’s Key Box", "Letters"]
    chapters = [a["title"] for a in issue(listing, "vol.8")["articles"] if a["level"] == 1]
    assert chapters == ["The clock", "The arguments", "When it stopped"]


def test_references_resolve_to_the_page_that_shows_their_target(example):
    series, listing, _ = example
    quiet = refs(listing, "vol.6")["The Quiet Substations"]
    assert quiet["status"] == "resolved" and quiet["path"] == "vol6/issue.md" and quiet["line"] > 0
    target = quiet["targets"][0]
    assert target["series"] == "Ember Tide" and target["issue"] == "vol.3"
    back = pdf_pages_text(series / "back" / "ember-tide-vol3.pdf")
    assert "The Quiet Substations" in back[target["page"] - 1]
    assert target["href"] == f"https://example.org/embertide/ember-tide-vol3.pdf#page={target['page']}"
    night = refs(listing, "vol.7")["The Night Shift Keeps No Minutes"]["targets"][0]
    assert (night["issue"], night["page"], night["locator"]) == ("vol.6", None, "Ember Tide vol.6")


def test_unresolved_reference_keeps_its_reason(example):
    _, listing, table = example
    lost = refs(listing, "vol.7")["Ember Tide vol.9"]
    assert lost["status"] == "unresolved" and lost["path"] == "vol7/03-letters.md"
    assert lost["targets"][0]["message"] == 'no issue "vol.9" in series "Ember Tide"'
    line = next(row for row in table.splitlines() if "Ember Tide vol.9" in row)
    assert re.search(r"vol7/03-letters\.md:\d+:\d+ +Ember Tide vol\.9 +unresolved +"
                     r'no issue "vol\.9" in series "Ember Tide"$', line), line


def test_table_aligns_issues_articles_and_references(example):
    _, listing, table = example
    lines = table.splitlines()
    head = lines.index(next(row for row in lines if row.startswith("issue ")))
    rows = lines[head:head + 6]
    assert [r.split("  ")[0] for r in rows] == ["issue", "Ember Tide vol.3", "Ember Tide vol.4",
                                                 "Ember Tide vol.6", "Ember Tide vol.7",
                                                 "Ember Tide vol.8"]
    assert len({r.rindex(r.split()[-1]) for r in rows}) == 1  # the pages column lines up
    assert "source vol7 (not built)" in rows[4]
    seed = next(a for a in issue(listing, "vol.7")["articles"]
                if a["title"] == "The Seed Library in the Porch")
    assert seed["page_label"] is None  # not built: the page is not known
    assert "  p.?  The Seed Library in the Porch  (K. Mbeki-Hale)" in lines
    quiet = next(row for row in lines if " The Quiet Substations " in row and "resolved" in row)
    assert "The Quiet Substations — Ember Tide vol.3, p." in quiet


def test_cli_json_after_a_build_uses_the_inventories(tmp_path):
    series = copy_example(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(series), "--format", "pdf", "-q"]).exit_code == 0
    result = runner.invoke(main, ["catalog", str(series), "--json"])
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    assert {i["pages_from"] for i in listing["issues"] if i["from"] == "source"} == {"inventory"}
    inventory = json.loads((series / "dist" / "ember-tide-vol-7" / "ember-tide-vol-7.inventory.json")
                           .read_text(encoding="utf-8"))
    assert issue(listing, "vol.7")["pages"] == inventory["pages"]
    night = refs(listing, "vol.7")["The Night Shift Keeps No Minutes"]["targets"][0]
    assert night["href"] == "../ember-tide-vol-6/ember-tide-vol-6.pdf#page=1"
    assert "names no known text" in result.stderr  # the unresolved one, reported as by a build


def test_lone_markdown_file(cli, make_project):
    root = make_project({"notes.md": """
        ---
        title: Lone Notes
        ---

        Text [see #later] and [see Return Fire vol.5 pg98].

        ## Later {#later}

        More.
        """})
    run = cli("catalog", "notes.md", cwd=root)
    assert run.exit_code == 0, run.output
    assert re.search(r"notes\.md:5:\d+ +#later +resolved +Later — Lone Notes +#later", run.output)
    assert re.search(r'Return Fire vol\.5 pg98 +unresolved +no series "Return Fire" in the catalog',
                     run.output)
    listing, _ = catalog_listing(root / "notes.md")
    [only] = listing["issues"]
    assert (only["title"], only["from"], only["path"], only["pages_from"]) == \
        ("Lone Notes", "source", "notes.md", "text")
    assert listing["series"] == []


def test_catalog_errors_are_located_and_exit_1(cli, tmp_path):
    series = copy_example(tmp_path)
    toml = series / "zinekit.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("back/ember-tide-vol3.pdf\"",
                                                             "back/gone.pdf\""), encoding="utf-8")
    run = cli("catalog", cwd=series)
    assert run.exit_code == 1
    assert re.search(r'^zinekit\.toml:\d+:\d+: error: pdf "back/gone\.pdf" does not exist$',
                     run.output, re.M), run.output


def test_an_error_in_a_reference_prints_the_table_and_exits_1(cli, make_project):
    root = make_project({"notes.md": "---\ntitle: N\n---\n\nSee [see p.99].\n"})
    assert cli("build", "notes.md", "--format", "pdf", cwd=root).exit_code == 0  # its pages
    run = cli("catalog", "notes.md", cwd=root)
    assert run.exit_code == 1
    assert "references in N" in run.output and "out-of-range" in run.output
    assert "catalog found 1 error" in run.output
