"""Which side a book is bound on, from its language.

A book in a language written right to left is bound on the right: its spine is on the
right of the front cover and its pages turn from left to right.  The languages and
scripts below are those that Unicode CLDR gives a right-to-left character order (the
data behind Babel's ``Locale.character_order``), kept here as a list so zinekit needs
no locale database.  A script subtag decides when there is one: ``az-Arab`` is bound on
the right, ``ku-Latn`` on the left.

Japanese and Chinese are bound on the right when set vertically, on the left when set
horizontally; the language cannot tell which, so they default to the left and a
vertical zine says ``binding: rtl`` in its front matter.
"""

from __future__ import annotations

#: Languages whose usual script is written right to left (ISO 639 codes).
RTL_LANGUAGES = frozenset({
    "ar", "arc", "azb", "bal", "bgn", "ckb", "dv", "fa", "glk", "he", "iw", "ji", "khw",
    "ks", "lrc", "mzn", "nqo", "prs", "ps", "sd", "sdh", "syr", "ug", "ur", "yi",
})

#: Scripts written right to left (ISO 15924 codes, as BCP 47 script subtags).
RTL_SCRIPTS = frozenset({
    "adlm", "arab", "aran", "armi", "avst", "cprt", "hebr", "khar", "lydi", "mand", "mani",
    "mend", "nbat", "nkoo", "orkh", "palm", "phli", "phlp", "phnx", "prti", "rohg", "samr",
    "sarb", "sogd", "sogo", "syrc", "thaa", "yezi",
})


def binding_for_language(tag: str | None) -> str:
    """``"rtl"`` for a BCP 47 tag of a right-to-left language or script, else ``"ltr"``."""
    parts = [part.lower() for part in str(tag or "").replace("_", "-").split("-") if part]
    if not parts:
        return "ltr"
    scripts = [part for part in parts[1:] if len(part) == 4 and part.isalpha()]
    if scripts:
        return "rtl" if scripts[0] in RTL_SCRIPTS else "ltr"
    return "rtl" if parts[0] in RTL_LANGUAGES else "ltr"
