"""The words zinekit prints itself, in the issue's language.

"Contents", "Notes", "First published in", the locators' "p." and "vol.", the download
page's labels: every one is a gettext message.  Its translations are message catalogs
beside this file, one folder per language (``fr/LC_MESSAGES/zinekit.po``), compiled to
``zinekit.mo`` (``pybabel compile -d zinekit/locale -D zinekit``; a catalog whose ``.mo``
is missing or older than its ``.po`` is compiled in memory with Babel when first used).
A translator adds a language with ``pybabel init -i zinekit/locale/zinekit.pot -d
zinekit/locale -D zinekit -l xx`` (see docs/library.md).

A tag is looked up along its subtags (``pt-BR`` → ``pt_BR``, then ``pt``); a language
with no catalog prints English, and the build warns once per issue
(:func:`missing_catalog`).
"""

from __future__ import annotations

import gettext as _gettext
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from markupsafe import Markup, escape

DOMAIN = "zinekit"
FOLDER = Path(__file__).resolve().parent
#: The language the messages are written in: it needs no catalog.
SOURCE_LANGUAGE = "en"


def catalog_names(language: str) -> list[str]:
    """The catalog folders ``language`` may use, most specific first:
    ``pt-BR`` → ``["pt_BR", "pt"]``."""
    parts = [p for p in str(language or "").replace("_", "-").split("-") if p]
    if not parts:
        return []
    parts[0] = parts[0].lower()
    names = []
    for end in range(len(parts), 0, -1):
        head = parts[:end]
        names.append("_".join([head[0]] + [p.upper() if len(p) == 2 else p for p in head[1:]]))
    return names


def catalog_folder(language: str) -> Path | None:
    """The ``LC_MESSAGES`` folder of the catalog ``language`` uses, or None."""
    for name in catalog_names(language):
        folder = FOLDER / name / "LC_MESSAGES"
        if (folder / f"{DOMAIN}.po").is_file() or (folder / f"{DOMAIN}.mo").is_file():
            return folder
    return None


def missing_catalog(language: str) -> bool:
    """True when ``language`` is not English and has no catalog: labels print in English."""
    primary = (catalog_names(language) or [SOURCE_LANGUAGE])[0].split("_")[0]
    return primary != SOURCE_LANGUAGE and catalog_folder(language) is None


@lru_cache(maxsize=64)
def translations(language: str) -> _gettext.NullTranslations:
    """The gettext translations of ``language`` (English: the messages as written)."""
    folder = catalog_folder(language)
    if folder is None:
        return _gettext.NullTranslations()
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    return _gettext.GNUTranslations(io.BytesIO(compile_po(po)))


def compile_po(po: Path) -> bytes:
    """The ``.mo`` bytes of the catalog ``po`` (Babel's compiler, as ``pybabel compile``)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def N_(message: str) -> str:
    """Marks a label kept in a table for ``pybabel extract``: the table keeps it in
    English, the page translates it where it prints it."""
    return message


@dataclass(frozen=True)
class Labels:
    """The labels of one language: ``labels("Contents")``, ``labels.n("{n} page",
    "{n} pages", 3)``; ``labels.markup`` for templates (the translation escaped, so that
    ``_("First published in {source}").format(source=…)`` escapes what it is given)."""

    language: str

    def __call__(self, message: str, **values: Any) -> str:
        text = translations(self.language).gettext(message)
        return text.format(**values) if values else text

    def n(self, singular: str, plural: str, count: int, **values: Any) -> str:
        text = translations(self.language).ngettext(singular, plural, count)
        return text.format(n=count, **values)

    def markup(self, message: str, **values: Any) -> Markup:
        text = Markup(escape(translations(self.language).gettext(message)))
        return text.format(**values) if values else text

    def template_globals(self) -> dict[str, Callable[..., Any]]:
        """What a template calls: ``_("Contents")``, ``ngettext(s, p, n)``."""
        def ngettext(singular: str, plural: str, count: int, **values: Any) -> Markup:
            text = translations(self.language).ngettext(singular, plural, count)
            return Markup(escape(text)).format(n=count, **values)
        return {"_": self.markup, "ngettext": ngettext}


@lru_cache(maxsize=64)
def labels(language: str) -> Labels:
    """The labels of ``language`` (see :class:`Labels`)."""
    return Labels(str(language or SOURCE_LANGUAGE))


ENGLISH = labels(SOURCE_LANGUAGE)


def available() -> list[str]:
    """The languages with a catalog, English first."""
    found = sorted(p.parent.parent.name for p in FOLDER.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return [SOURCE_LANGUAGE] + [name for name in found if name != SOURCE_LANGUAGE]


#: Words the print stylesheets write with ``content:`` beside a page number, as rules
#: that replace the base theme's (``:root`` outweighs them, whatever their order).
PRINTED_RULES = (
    (":root a.xref-local::after", '", {p} " target-counter(attr(href), page)'),
    (":root section.endnotes a.backlink::after", '" ({p} " target-counter(attr(href), page) ")"'),
)


def label_stylesheet(language: str) -> str:
    """The print rules whose words differ in ``language`` from English; "" for English."""
    page = labels(language)("p.")
    if page == "p.":
        return ""
    text = page.replace("\\", "\\\\").replace('"', '\\"')
    return "\n".join(f"{selector} {{ content: {value.format(p=text)}; }}"
                     for selector, value in PRINTED_RULES)
