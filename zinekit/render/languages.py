"""The language of parts: runs of text in another script are marked with ``lang``.

A screen reader reads a name in Cyrillic or a sentence in Greek with the voice of the
document's language unless the text says otherwise.  An issue in English that quotes
``Ольга Сергеевна`` gets ``<span lang="ru">Ольга Сергеевна</span>``; the reading PDF
carries it into ``/Lang`` (see :mod:`zinekit.render.tagging`), the EPUB and the web
edition keep the attribute.

Only the script is seen, not the language: a run is given the language most written
in its script (Cyrillic → ``ru``, Greek → ``el`` …, :data:`SCRIPT_LANGUAGES`) unless
the issue's ``other_languages`` names one written in it (``[uk]`` marks Cyrillic as
Ukrainian).  Text in the document's own script is left alone: a French quotation in
an English issue is not found this way.
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from functools import lru_cache

#: Unicode name prefix → (script, the language most written in it).
SCRIPTS = {
    "CYRILLIC": ("Cyrl", "ru"), "GREEK": ("Grek", "el"), "ARABIC": ("Arab", "ar"),
    "HEBREW": ("Hebr", "he"), "CJK": ("Hani", "zh"), "HIRAGANA": ("Jpan", "ja"),
    "KATAKANA": ("Jpan", "ja"), "HANGUL": ("Hang", "ko"), "DEVANAGARI": ("Deva", "hi"),
    "THAI": ("Thai", "th"), "GEORGIAN": ("Geor", "ka"), "ARMENIAN": ("Armn", "hy"),
    "BENGALI": ("Beng", "bn"), "TAMIL": ("Taml", "ta"), "ETHIOPIC": ("Ethi", "am"),
}
SCRIPT_LANGUAGES = {script: language for script, language in SCRIPTS.values()}
#: Languages (BCP 47 primary subtag) → the script they are written in, when not Latin.
LANGUAGE_SCRIPTS = {
    **{code: "Cyrl" for code in ("ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "mn", "tg")},
    "el": "Grek", "ar": "Arab", "fa": "Arab", "ur": "Arab", "ps": "Arab", "he": "Hebr",
    "yi": "Hebr", "zh": "Hani", "ja": "Jpan", "ko": "Hang", "hi": "Deva", "mr": "Deva",
    "ne": "Deva", "th": "Thai", "ka": "Geor", "hy": "Armn", "bn": "Beng", "ta": "Taml",
    "am": "Ethi",
}
# Text inside these elements is not text of the page (or cannot hold a span).
SKIPPED = ("title", "style", "script", "textarea", "svg", "math")
TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*>|<!--.*?-->", re.DOTALL)


@lru_cache(maxsize=4096)
def script_of(char: str) -> str | None:
    """The script of a letter that is neither Latin nor common, else None."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    for prefix, (script, _) in SCRIPTS.items():
        if name.startswith(prefix):
            return script
    return None


def language_for(script: str, others: tuple[str, ...]) -> str:
    """The language of a run in ``script``: the first of ``others`` written in it."""
    for tag in others:
        if LANGUAGE_SCRIPTS.get(tag.split("-")[0].lower()) == script:
            return tag
    return SCRIPT_LANGUAGES[script]


# Japanese and Korean are also written with Han characters.
HAN_USERS = {"Jpan", "Hang"}


def own_scripts(language: str) -> set[str]:
    """The scripts a document in ``language`` is written in (none: Latin)."""
    script = LANGUAGE_SCRIPTS.get(language.split("-")[0].lower())
    if script is None:
        return set()
    return {script, "Hani"} if script in HAN_USERS else {script}


def mark_runs(text: str, own: set[str], others: tuple[str, ...] = ()) -> str:
    """``text`` (escaped HTML text, no tags) with runs of other scripts in spans.  A run
    goes on over spaces, digits and punctuation, and ends at a letter of another script;
    Han characters belong to a Japanese or Korean run around them."""
    runs: list[tuple[int, int, str]] = []
    current, start, end = None, 0, 0
    for i, char in enumerate(text):
        script = script_of(char)
        if script == "Hani" and current in HAN_USERS:
            script = current
        elif script in HAN_USERS and current == "Hani":
            current = script
        if script is not None and script not in own:
            if script != current:
                if current is not None:
                    runs.append((start, end, current))
                current, start = script, i
            end = i + 1
        elif char.isalpha() and current is not None:
            runs.append((start, end, current))
            current = None
    if current is not None:
        runs.append((start, end, current))
    return _spans(text, runs, others) if runs else text


def _spans(text: str, runs: list[tuple[int, int, str]], others: tuple[str, ...]) -> str:
    parts, at = [], 0
    for start, end, script in runs:
        language = html_lib.escape(language_for(script, others))
        parts += [text[at:start], f'<span lang="{language}">{text[start:end]}</span>']
        at = end
    parts.append(text[at:])
    return "".join(parts)


def mark_languages(document: str, language: str, others: tuple[str, ...] = ()) -> str:
    """Every text node of an HTML ``document`` in ``language`` with its runs of other
    scripts marked (see the module's docstring)."""
    own = own_scripts(language)
    out: list[str] = []
    at, skipping = 0, list[str]()
    for match in TAG.finditer(document):
        text = document[at:match.start()]
        out.append(text if skipping or text.isascii() else mark_runs(text, own, others))
        out.append(match.group(0))
        at = match.end()
        name = (match.group(2) or "").lower()
        if name in SKIPPED:
            if match.group(1):
                skipping = skipping[:-1]
            elif not match.group(0).endswith("/>"):
                skipping.append(name)
    tail = document[at:]
    out.append(tail if tail.isascii() else mark_runs(tail, own, others))
    return "".join(out)
