"""Citations and further reading: formats, locators, errors, and the list in every output."""

from __future__ import annotations

import html
import re
import tempfile
import textwrap
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import pdf_pages_text
from zinekit.errors import Diagnostics
from zinekit.load import load_issue
from zinekit.project import open_project
from zinekit.resolve.bibliography import read_bibliography
from zinekit.resolve.stage import resolve_issue

REFS = r"""
@book{fisk2009,
  author    = {Mira Fisk},
  title     = {Small Engines of Refusal},
  publisher = {Lantern \& Ash},
  address   = {Hollowford},
  year      = {2009},
  annote    = {Why the smallest groups last longest -- & who keeps the keys.}
}

@article{okafor2021,
  author  = {Dele Okafor and Ruth Vane},
  title   = {Keys Without Owners},
  journal = {The Porch Review},
  year    = {2021},
  pages   = {3--19},
  url     = {https://example.org/keys?issue=3&page=1},
}

@book{brisk2015,
  author    = {Carl Brisk and Ana Pell and Tomas Wren},
  title     = {Three Hands on One Ledger},
  publisher = {Cinder Post Pamphlets},
  year      = {2015},
  annote    = {Argues against ledgers; read chapter two first.}
}

@book{fisk2009b,
  author    = {Mira Fisk},
  title     = {A Second Engine},
  publisher = {Lantern Press},
  year      = {2009},
}

@book{abel1990,
  author    = {Jo Abel},
  title     = {Uncited but Listed},
  publisher = {Kiln Lane Press},
  year      = {1990},
  annote    = {Printed only when the list shows every entry.}
}
"""


def project(make_project, body: str, front: str = "", toml: str | None = None,
            bib: str = REFS) -> Path:
    files = {"notes.md": f"---\ntitle: Notes\n{front}---\n\n{textwrap.dedent(body).strip()}\n",
             "refs.bib": bib}
    if toml is not None:
        files["zinekit.toml"] = toml
    return make_project(files)


def shown(diagnostics: Diagnostics, root: Path) -> list[str]:
    """Diagnostics as printed from the project folder."""
    return [f"{Path(d.path).relative_to(root)}:{d.line}:{d.col}: {d.severity}: {d.message}"
            for d in diagnostics]


def resolve_at(root: Path, name: str = "notes.md"):
    diagnostics = Diagnostics()
    found = open_project(root / name, diagnostics)
    issue = load_issue(root / name, found.root, found.build)
    diagnostics.extend(issue.diagnostics)
    return issue, resolve_issue(issue, diagnostics), diagnostics


def plain(fragment: str) -> str:
    """Text of an HTML fragment, tags removed, spaces (not no-break spaces) folded."""
    text = re.sub(r"[ \t\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()
    return re.sub(r"([(\[]) | ([)\];,.])", r"\1\2", text)


def cited(root: Path) -> list[str]:
    issue, resolved, diagnostics = resolve_at(root)
    assert not diagnostics.errors, diagnostics.lines()
    return [plain(resolved.citations[c.id]) for c in issue.all_citations()]


NUMERIC = '[build]\ncitation_style = "numeric"\n'


# --- citation formats ---------------------------------------------------------------


def test_author_year_citations_with_locators(make_project):
    root = project(make_project, """
        One [@fisk2009]. Two [@fisk2009, p. 12]. Three [@fisk2009, 14-16].
        Four [@okafor2021; @fisk2009, 3]. Five [@brisk2015, ch. 2].
        """)
    assert cited(root) == ["(Fisk 2009)", "(Fisk 2009, p.\u00a012)", "(Fisk 2009, pp.\u00a014–16)",
                           "(Okafor and Vane 2021; Fisk 2009, p.\u00a03)", "(Brisk et al. 2015, ch. 2)"]


def test_same_author_and_year_become_a_and_b_only_when_both_are_listed(make_project):
    root = project(make_project, "[@fisk2009] and [@fisk2009b] and [@Fisk2009].")
    # in list order: "A Second Engine" (2009a) before "Small Engines of Refusal" (2009b)
    assert cited(root) == ["(Fisk 2009b)", "(Fisk 2009a)", "(Fisk 2009b)"]


def test_suppress_author(make_project):
    root = project(make_project, "Fisk [-@fisk2009b, p. 4] says; so do [-@okafor2021; @brisk2015].")
    assert cited(root) == ["(2009, p.\u00a04)", "(2021; Brisk et al. 2015)"]


def test_numeric_citations_number_works_in_citation_order(make_project):
    root = project(make_project, "A [@okafor2021, p. 12]. B [@fisk2009; @okafor2021]. C [-@fisk2009].",
                   toml=NUMERIC)
    assert cited(root) == ["[1, p.\u00a012]", "[2; 1]", "[2]"]


def test_citations_link_to_their_entry_only_when_the_list_is_printed(make_project):
    root = project(make_project, "A [@okafor2021, p. 12].\n\n::: further-reading\n:::\n")
    issue, resolved, _ = resolve_at(root)
    citation = resolved.citations[issue.all_citations()[0].id]
    assert '<a class="cite-ref" href="#bib-okafor2021">Okafor and Vane 2021</a>' in citation
    assert 'id="bib-okafor2021"' in resolved.bibliography_html
    root = project(make_project, "A [@okafor2021, p. 12].\n")
    issue, resolved, _ = resolve_at(root)
    assert "<a" not in resolved.citations[issue.all_citations()[0].id]


def test_list_printed_twice_warns_and_drops_link_targets(make_project):
    root = project(make_project, "A [@fisk2009].\n\n::: further-reading\n:::\n",
                   front="further_reading: true\n")
    issue, resolved, diagnostics = resolve_at(root)
    assert shown(diagnostics, root) == [
        "notes.md:3:1: warning: the further-reading list is printed again here (first at "
        "notes.md:8); citations link to it only when it is printed once"]
    assert ' id="' not in resolved.bibliography_html
    assert "<a" not in resolved.citations[issue.all_citations()[0].id]


# --- the further-reading list ---------------------------------------------------------------


def entries(bibliography_html: str) -> list[str]:
    return [plain(m) for m in re.findall(r'<p class="bib-text">(.*?)</p>', bibliography_html)]


def annotes(bibliography_html: str) -> list[str]:
    return [plain(m) for m in re.findall(r'<p class="annote">(.*?)</p>', bibliography_html)]


def test_further_reading_lists_the_cited_works_by_author_then_year_with_annotes(make_project):
    root = project(make_project, """
        [@okafor2021] [@fisk2009] [@brisk2015]

        ::: further-reading
        These are a good start.
        :::
        """)
    _, resolved, diagnostics = resolve_at(root)
    assert not diagnostics.items, diagnostics.lines()
    listed = entries(resolved.bibliography_html)
    assert [e.replace("\u00a0", " ").split(".")[0] for e in listed] == ["Carl Brisk, Ana Pell, and Tomas Wren",
                                                 "Mira Fisk", "Dele Okafor and Ruth Vane"]
    assert listed[1] == "Mira Fisk. Small Engines of Refusal. Lantern & Ash, Hollowford, 2009."
    assert annotes(resolved.bibliography_html) == [
        "Argues against ledgers; read chapter two first.",
        "Why the smallest groups last longest – & who keeps the keys."]
    assert resolved.bibliography_html.startswith('<ul class="bibliography author-year">')


def test_all_entries_when_the_series_asks_for_them(make_project):
    root = project(make_project, "[@okafor2021]", front="further_reading: true\n",
                   toml='[build]\nfurther_reading = "all"\n')
    _, resolved, _ = resolve_at(root)
    names = [e.replace("\u00a0", " ").split(".")[0] for e in entries(resolved.bibliography_html)]
    assert names == ["Jo Abel", "Carl Brisk, Ana Pell, and Tomas Wren", "Mira Fisk", "Mira Fisk",
                     "Dele Okafor and Ruth Vane"]
    assert "Printed only when the list shows every entry." in annotes(resolved.bibliography_html)


def test_numeric_list_follows_citation_order_with_labels(make_project):
    root = project(make_project, "[@okafor2021] [@fisk2009] [@okafor2021]\n\n::: further-reading\n:::\n",
                   toml=NUMERIC)
    _, resolved, _ = resolve_at(root)
    listed = entries(resolved.bibliography_html)
    assert listed[0].startswith("[1] Dele Okafor") and listed[1].startswith("[2] Mira Fisk")
    assert len(listed) == 2 and resolved.bibliography_html.startswith('<ol class="bibliography numeric">')


def test_bibliography_html_is_well_formed_xhtml(make_project):
    root = project(make_project, "[@okafor2021] [@fisk2009] [@brisk2015] [@fisk2009b]",
                   front="further_reading: true\n", toml='[build]\nfurther_reading = "all"\n')
    issue, resolved, _ = resolve_at(root)
    ET.fromstring(f"<div>{resolved.bibliography_html}</div>")  # raises if not XML
    for c in issue.all_citations():
        ET.fromstring(f"<span>{resolved.citations[c.id]}</span>")
    assert "&nbsp;" not in resolved.bibliography_html and "&ndash;" not in resolved.bibliography_html
    assert 'href="https://example.org/keys?issue=3&amp;page=1"' in resolved.bibliography_html


def test_entry_lacking_a_field_its_type_needs_prints_with_a_warning(make_project):
    bib = "@book{anon,\n  title = {Leaflets of the Long Winter},\n  year = {1978},\n}\n"
    root = project(make_project, "[@anon]", front="further_reading: true\n", bib=bib)
    issue, resolved, diagnostics = resolve_at(root)
    assert shown(diagnostics, root) == [
        "refs.bib:1:1: warning: entry 'anon' (book) has no 'author' or 'editor', which the "
        "'plain' style needs for that type; printed as a plain entry"]
    assert entries(resolved.bibliography_html) == ["Leaflets of the long winter. 1978."]
    assert plain(resolved.citations[issue.all_citations()[0].id]) == "(Leaflets of the Long Winter 1978)"


# --- errors ---------------------------------------------------------------------------------------


def test_missing_key_is_a_located_error_and_the_build_fails(cli, make_project):
    root = project(make_project, "Text.\n\nAs shown [@fisk2009; @nothere, p. 2].")
    run = cli("build", "notes.md", "--format", "html", cwd=root)
    assert run.exit_code == 1
    assert "notes.md:7:10: error: citation key 'nothere' is not in refs.bib" in run.output.splitlines()
    assert not (root / "dist" / "notes" / "index.html").exists()


def test_citation_without_any_bibliography(make_project, tmp_path):
    (tmp_path / "notes.md").write_text("---\ntitle: N\n---\n\nSee [@somebody].\n", encoding="utf-8")
    _, _, diagnostics = resolve_at(tmp_path)
    assert [str(d).split(": error: ")[1].split(":")[0] for d in diagnostics.errors] == [
        "citation key 'somebody' has no bibliography to look in"]


def test_missing_or_outside_bibliography_is_an_error_at_its_key(make_project):
    root = project(make_project, "[@fisk2009]", front="bibliography: nope.bib\n")
    _, _, diagnostics = resolve_at(root)
    assert shown(diagnostics, root) == ["notes.md:3:1: error: bibliography 'nope.bib' not found"]
    root = project(make_project, "[@fisk2009]", front="bibliography: ../../etc/refs.bib\n")
    _, _, diagnostics = resolve_at(root)
    assert shown(diagnostics, root) == [
        "notes.md:3:1: error: bibliography '../../etc/refs.bib' is outside the project folder"]


def test_bibliography_named_relative_to_the_issue_file(make_project):
    root = make_project({
        "zinekit.toml": '[series]\nname = "S"\n\n[[issues]]\nvolume = 1\nsource = "vol1"\n',
        "refs.bib": REFS,
        "vol1/issue.md": "---\ntitle: V\nvolume: 1\nbibliography: ../refs.bib\n---\n\nSee [@fisk2009].\n",
    })
    issue, resolved, diagnostics = resolve_at(root, "vol1")
    assert not diagnostics.items and plain(resolved.citations[issue.all_citations()[0].id]) == "(Fisk 2009)"


def bib_errors(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    diagnostics = Diagnostics()
    read_bibliography(path, tmp_path, diagnostics)
    return [str(d) for d in diagnostics]


def test_malformed_bib_is_located(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert bib_errors(tmp_path, "@book{a,\n  title = {A},\n  author {X},\n}\n") == [
        "refs.bib:3:10: error: BibTeX syntax error: '=' expected (in entry 'a' that starts at line 1)"]
    assert bib_errors(tmp_path, "@book{a, title={A}}\n\n@book{a, title={B}}\n") == [
        "refs.bib:3:1: error: repeated bibliography entry: a"]
    assert bib_errors(tmp_path, "@book{a, title={A}}\n@book{b,\n  author={X, Y, Z, W},\n}\n") == [
        "refs.bib:3:11: error: Too many commas in 'X, Y, Z, W'"]
    unclosed = bib_errors(tmp_path, "@book{a,\n  title={A},\n  year=2000\n\n@book{b, title={B}}\n")
    assert unclosed == ["refs.bib:5:1: error: BibTeX syntax error: '}' expected "
                        "(in entry 'a' that starts at line 1)"]


def test_bib_that_is_not_utf8_is_located(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "refs.bib").write_bytes(b"@book{a,\n  title={Caf\xe9},\n}\n")
    diagnostics = Diagnostics()
    read_bibliography(tmp_path / "refs.bib", tmp_path, diagnostics)
    assert [str(d) for d in diagnostics] == ["refs.bib:2:13: error: refs.bib is not valid UTF-8 text"]


# --- the same list in every output -----------------------------------------------------------------


def test_pdf_screen_html_and_epub_print_the_same_bibliography(cli, make_project):
    root = project(make_project, """
        A sentence citing two works [@okafor2021, p. 4] and [@fisk2009].

        ::: further-reading
        Read these next.
        :::
        """)
    run = cli("build", "notes.md", "--format", "pdf,html,epub", cwd=root)
    assert run.exit_code == 0, run.output
    _, resolved, _ = resolve_at(root)
    listed = entries(resolved.bibliography_html) + annotes(resolved.bibliography_html)
    out = root / "dist" / "notes"
    pdf_text = " ".join(pdf_pages_text(out / "notes.pdf"))
    screen = plain((out / "index.html").read_text(encoding="utf-8"))
    with zipfile.ZipFile(out / "notes.epub") as epub:
        xhtml = [epub.read(n).decode("utf-8") for n in epub.namelist() if n.endswith(".xhtml")]
    epub_text = plain(" ".join(xhtml))
    for text in listed:
        assert text in screen and text in epub_text
        assert text.replace("\u00a0", " ") in pdf_text.replace("\u00a0", " "), (text, pdf_text)
    assert "(Okafor and Vane 2021, p. 4)" in pdf_text.replace("\u00a0", " ")


# --- property: citation-like text never crashes --------------------------------------------------

CITATION_ALPHABET = st.sampled_from(list("@-;,. p0123[]{}\\\"&<>*_ab:/#") + ["fisk2009", "okafor2021", "@fisk2009"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CITATION_ALPHABET, max_size=30).map("".join), st.booleans())
def test_citation_like_text_never_crashes(text, numeric):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "refs.bib").write_text(REFS, encoding="utf-8")
        if numeric:
            (root / "zinekit.toml").write_text(NUMERIC, encoding="utf-8")
        body = f"Text [{text}] and [@{text}] and [-@{text}].\n\n::: further-reading\n:::\n"
        (root / "notes.md").write_text(f"---\ntitle: N\n---\n\n{body}", encoding="utf-8")
        issue, resolved, diagnostics = resolve_at(root)
        for d in diagnostics:
            assert d.path and d.line, str(d)
        ET.fromstring(f"<div>{resolved.bibliography_html}</div>")
        for c in issue.all_citations():
            if c.id in resolved.citations:
                ET.fromstring(f"<span>{resolved.citations[c.id]}</span>")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("@{}(),=\"#% \n\\ab1") + ["@book{", "author=", "title=",
                                                                 "@string{", " and ", "--"]),
                max_size=40).map("".join))
def test_arbitrary_bib_text_never_crashes(text):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "refs.bib").write_text(text, encoding="utf-8")
        (root / "notes.md").write_text("---\ntitle: N\nfurther_reading: true\n---\n\nx\n",
                                       encoding="utf-8")
        (root / "zinekit.toml").write_text('[build]\nfurther_reading = "all"\n', encoding="utf-8")
        _, resolved, _ = resolve_at(root)
        ET.fromstring(f"<div>{resolved.bibliography_html}</div>")
