"""Dates as the issue's language writes them (Babel, from the CLDR)."""

from __future__ import annotations

import pytest

from zinekit.render.locale import babel_locale, format_issue_date, iso_date


@pytest.mark.parametrize("language,printed", [
    ("en-GB", "21 March 2026"), ("fr", "21 mars 2026"), ("de", "21. März 2026"),
    ("en", "March 21, 2026"), ("es", "21 de marzo de 2026"), ("ru", "21 марта 2026 г."),
    ("ja", "2026年3月21日"), ("de-AT", "21. März 2026"), ("xx", "March 21, 2026"),
])
def test_a_day_prints_as_the_language_writes_it(language, printed):
    assert " ".join(format_issue_date("2026-03-21", language).split()) == printed


def test_a_month_prints_as_month_and_year():
    assert format_issue_date("2026-03", "fr") == "mars 2026"
    assert format_issue_date("2026-3", "en-GB") == "March 2026"


@pytest.mark.parametrize("written", ["Winter 2020–2021", "spring", "2026", "", "2026-02-30"])
def test_free_text_prints_as_written(written):
    assert format_issue_date(written, "de") == written


def test_machine_readable_form_for_time_elements():
    assert iso_date("2026-3-1") == "2026-03-01"
    assert iso_date("2026-3") == "2026-03"


@pytest.mark.parametrize("written,machine", [
    ("2022", "2022"), (2022, "2022"), ("Winter 2020", "2020"), ("Spring 2023", "2023"),
    ("Winter 2020–2021", None), ("2020-2021", None), ("spring", None), ("", None),
    (None, None), ("0000", None), ("20220", None), ("٢٠٢٢", None),
])
def test_a_year_alone_or_the_one_year_of_free_text_is_machine_readable(written, machine):
    assert iso_date(written) == machine


def test_unknown_languages_fall_back_along_the_tag():
    assert str(babel_locale("pt-XX")) == "pt"
    assert str(babel_locale("tlh")) == "en"
