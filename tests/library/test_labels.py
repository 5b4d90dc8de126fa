"""The words zinekit prints itself, in the issue's language (zinekit/locale)."""

from __future__ import annotations

import gettext
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import REPO
from zinekit.locale import FOLDER, available, compile_po, label_stylesheet, labels, missing_catalog

LANGUAGES = ["fr", "de", "es", "it", "pt", "el", "ru", "pl", "tr", "ar", "he", "zh", "ja"]
PLACEHOLDER = re.compile(r"\{[a-z]+\}")


def catalog(language: str):
    with (FOLDER / language / "LC_MESSAGES" / "zinekit.po").open("rb") as handle:
        return read_po(handle)


def template_ids() -> set[str]:
    with (FOLDER / "zinekit.pot").open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def test_every_language_the_issue_names_has_a_catalog():
    assert set(LANGUAGES) <= set(available())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_is_translated_with_its_placeholders(language):
    found = catalog(language)
    wanted = template_ids()
    for message in found:
        if not message.id:
            continue
        singular = message.id if isinstance(message.id, str) else message.id[0]
        wanted.discard(singular)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: {singular!r} is not translated"
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(
                message.id if isinstance(message.id, str) else " ".join(message.id))) | {"{n}"}, \
                (language, singular, text)
            if isinstance(message.id, str):
                assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(message.id)), \
                    (language, singular, text)
    assert not wanted, f"{language}: not in the catalog: {sorted(wanted)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_is_the_po_compiled(language):
    folder = FOLDER / language / "LC_MESSAGES"
    fresh = gettext.GNUTranslations(io.BytesIO(compile_po(folder / "zinekit.po")))
    with (folder / "zinekit.mo").open("rb") as handle:
        committed = gettext.GNUTranslations(handle)
    for message in template_ids():
        assert committed.gettext(message) == fresh.gettext(message), (language, message)


def test_the_template_lists_every_label_the_code_and_themes_print(tmp_path):
    """``pybabel extract`` as docs/library.md gives it finds no label the template lacks."""
    command = shutil.which("pybabel") or str(Path(sys.executable).parent / "pybabel")
    out = tmp_path / "fresh.pot"
    run = subprocess.run([command, "extract", "-F", "babel.cfg", "-k", "label", "-k",
                          "ngettext:1,2", "-k", "n:1,2", "-k", "N_", "-o", str(out),
                          "zinekit", "themes"], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    with out.open("rb") as handle:
        fresh = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert fresh <= template_ids(), sorted(fresh - template_ids())


@pytest.mark.parametrize("language, contents, page", [
    ("fr", "Table des matières", "p."), ("de", "Inhalt", "S."), ("es", "Índice", "p."),
    ("it", "Indice", "p."), ("pt", "Sumário", "p."), ("el", "Περιεχόμενα", "σ."),
    ("ru", "Содержание", "с."), ("pl", "Spis treści", "s."), ("tr", "İçindekiler", "s."),
    ("ar", "المحتويات", "ص."), ("he", "תוכן העניינים", "עמ׳ "), ("zh", "目录", "页"),
    ("ja", "目次", "p."), ("en", "Contents", "p."),
])
def test_contents_and_page_abbreviation(language, contents, page):
    assert labels(language)("Contents") == contents
    assert labels(language)("p.") == page


def test_a_regional_tag_uses_its_language_and_an_unknown_one_english():
    assert labels("pt-BR")("Contents") == "Sumário"
    assert labels("fr-CA")("Notes") == "Notes"
    assert not missing_catalog("de-AT") and not missing_catalog("en-GB")
    assert missing_catalog("sw")
    assert labels("sw")("Contents") == "Contents"


def test_plurals_follow_the_language():
    assert labels("en").n("{n} page", "{n} pages", 1) == "1 page"
    assert labels("ru").n("{n} page", "{n} pages", 3) == "3 страницы"
    assert labels("ru").n("{n} page", "{n} pages", 5) == "5 страниц"
    assert labels("pl").n("{n} page", "{n} pages", 22) == "22 strony"
    assert labels("ja").n("{n} page", "{n} pages", 2) == "2 ページ"


def test_templates_get_escaped_values():
    markup = labels("fr").markup("First published in {source}", source="<b>A & B</b>")
    assert str(markup) == "Première parution\u00a0: &lt;b&gt;A &amp; B&lt;/b&gt;"


def test_print_rules_carry_the_page_abbreviation():
    assert label_stylesheet("en") == ""
    assert label_stylesheet("fr") == ""  # "p." as in English
    css = label_stylesheet("de")
    assert ':root a.xref-local::after { content: ", S. " target-counter(attr(href), page); }' in css


def test_a_language_without_labels_is_a_located_warning(make_project, cli):
    root = make_project({"notes.md": "---\ntitle: Habari\nlanguage: sw\n---\n\nMaandishi.\n"})
    run = cli("check", "notes.md", cwd=root)
    assert run.exit_code == 0, run.output
    assert ("notes.md:3:1: warning: zinekit has no labels in language 'sw': its own words "
            "(contents, notes, page abbreviations) are printed in English; a catalog can be "
            "added (docs/library.md)") in run.output


def test_topics_must_be_a_list_of_text(make_project, cli):
    root = make_project({"notes.md": "---\ntitle: T\ntopics: {a: 1}\n---\n\nText.\n"})
    run = cli("check", "notes.md", cwd=root)
    assert run.exit_code == 1
    assert "notes.md:3:1: error: front matter key 'topics' must be a list of text, not a mapping" \
        in run.output


def test_the_editors_note_label_and_notes_heading_in_french():
    from zinekit.markup import RenderContext, parse_markdown, render_html

    text = "Texte[^1].\n\n::: ed\nUne note.\n:::\n\n[^1]: Une note.\n"
    ctx = RenderContext(mode="print", article_anchor="a", endnotes=True, labels=labels("fr"))
    body, notes = render_html(parse_markdown(text, "t.md"), ctx)
    assert 'aria-label="note de l’éditeur">N.d.É.</span>' in body
    assert '<h2 class="notes-title">Notes</h2>' in body + notes
    assert 'title="retour au texte"' in body + notes


def test_locators_and_citations_use_the_languages_abbreviations():
    from zinekit.resolve.bibliography import _locator
    from zinekit.resolve.references import format_locator

    assert format_locator(None, None, "5", labels("de")) == "S.5"
    assert format_locator(None, None, "5–7", labels("el")) == "σσ.5–7"
    assert format_locator(None, None, "5") == "p.5"
    assert _locator("12-14", labels("de")) == "S.\u00a012\u201314"
    assert _locator("p. 3", labels("he")) == "עמ׳\u00a03"
    assert _locator("3") == "p.\u00a03"
