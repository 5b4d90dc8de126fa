"""The declared settings: every option with its type, default and a one-line description,
for front matter (an issue's, an article's), ``zinekit.toml``'s ``[build]`` and a theme's
``[defaults]``.  :mod:`zinekit.config` checks values against them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zinekit.impose.registry import BOOK_LAYOUTS


@dataclass(frozen=True)
class Option:
    """One declared setting."""

    name: str
    kind: str  # "str", "int", "bool", "list", "date", "choice", "path", "number", "length"
    default: Any = None
    doc: str = ""
    choices: tuple[str, ...] = ()


def _opts(*options: Option) -> dict[str, Option]:
    return {o.name: o for o in options}


#: Settings written both in front matter and in ``[build]`` (or a theme's
#: ``[defaults]``): declared once, with the one default an issue falls back to.
SHARED_OPTIONS = _opts(
    Option("theme", "str", "pamphlet", "Theme name or folder."),
    Option("page_size", "str", "A5", "A5, A6, A4, half-letter, quarter-letter, or 'W H' with "
           "units (docs/configuration.md, Page sizes)."),
    Option("language", "str", "en", "Language of the text, a BCP 47 tag."),
    Option("notes_overflow", "choice", "next", "A footnote with no room under its call: 'next' "
           "(it starts on a later page, with a warning) or 'end' (printed at its article's "
           "end, decided from the layout).", ("next", "end")),
    Option("typography", "bool", True, "Curly quotes as the language writes them, dashes "
           "for -- and ---, … for ...; false prints them as typed."),
    Option("chapter_start", "choice", "page", "Where an article or chapter starts in print: "
           "on the next 'page' or the next 'right' (odd) page (a theme may set it).",
           ("page", "right")),
    Option("caliper", "str", None, "Paper thickness for the spine and creep: a length such as "
           "0.1mm, or a stock such as 80gsm-uncoated (docs/covers.md)."),
    Option("spine_text", "choice", None, "Direction of the title on the spine (default from "
           "the language).", ("top-to-bottom", "bottom-to-top")),
)
_S = SHARED_OPTIONS

ISSUE_OPTIONS = _opts(
    Option("title", "str", None, "Title of the issue."),
    Option("subtitle", "str", None, "Subtitle printed under the title."),
    Option("series", "str", None, "Series name (defaults to the catalog's series)."),
    Option("volume", "int", None, "Volume number."),
    Option("number", "int", None, "Issue number within the volume or series."),
    Option("chapter", "int", None, "Chapter number (for series published in chapters)."),
    Option("date", "date", None, "Publication date (YYYY-MM-DD or free text)."),
    Option("season", "str", None, "Season as printed, e.g. 'Winter 2020-2021'."),
    Option("authors", "list", [], "Authors of the issue."),
    Option("editors", "list", [], "Editors of the issue."),
    Option("topics", "list", [], "Topics of the issue: its shelves in the library's pages and catalogs."),
    _S["language"],
    Option("other_languages", "list", [], "Languages quoted in other scripts, e.g. [uk]: "
           "which one a run of that script is read in (default: its most written)."),
    Option("license", "str", None, "Licence line, e.g. 'Anti-copyright'."),
    Option("contact", "str", None, "Contact address printed on the title page."),
    Option("description", "str", None, "One-paragraph description (PDF subject, EPUB)."),
    Option("blurb", "str", None, "The back cover's text, when it is not the description."),
    Option("source", "str", None, "Where the text of a one-file issue first appeared."),
    Option("cover", "path", None, "Cover image."),
    _S["theme"],
    _S["page_size"],
    Option("bibliography", "path", None, "BibTeX file for citations."),
    Option("articles", "list", [], "Article files of a folder issue, in order."),
    Option("notes", "choice", "foot", "Default placement of notes.", ("foot", "side", "end")),
    _S["notes_overflow"],
    Option("further_reading", "bool", False, "Print the bibliography at the end."),
    Option("url", "str", None, "Where readers download this issue."),
    Option("binding", "choice", None, "Spine side of the booklet: 'ltr' (left) or 'rtl' (right); "
           "default from the language.", ("ltr", "rtl")),
    _S["typography"],
    _S["chapter_start"],
    _S["caliper"],
    _S["spine_text"],
    Option("inks", "list", [], "Risograph inks of --format riso, up to four standard ink "
           "names, the first printing all that the theme gives no other ink (docs/riso.md)."),
    Option("include", "list", [], "Texts of the library this issue collects, each 'path' or "
           "'path#chapter' (an anchor or a heading's title): an anthology (docs/anthology.md)."),
)

ARTICLE_OPTIONS = _opts(
    Option("title", "str", None, "Title of the article."),
    Option("subtitle", "str", None, "Subtitle of the article."),
    Option("authors", "list", [], "Authors of the article."),
    Option("date", "date", None, "Date of the article."),
    Option("source", "str", None, "Where the article first appeared."),
    Option("notes", "choice", None, "Placement of this article's notes (default: the "
           "issue's).", ("foot", "side", "end")),
    Option("notes_overflow", "choice", None, "This article's footnotes with no room under "
           "their call: 'next' or 'end' (default: the issue's).", ("next", "end")),
    Option("further_reading", "bool", False, "Print the bibliography after this article."),
)

BUILD_OPTIONS = _opts(
    _S["theme"],
    _S["page_size"],
    _S["language"],
    Option("formats", "list", ["pdf", "booklet", "epub"], "Formats `zinekit build` writes."),
    Option("out", "str", "dist", "Output folder, inside the project (an outside one only "
           "with --out on the command line)."),
    Option("allow_html", "bool", False, "Pass raw HTML in Markdown through (sanitised)."),
    Option("allow_network", "bool", False, "Let images and stylesheets load from the network."),
    Option("footnote_numbering", "choice", "article", "Number footnotes per 'issue' or "
           "'article'.", ("issue", "article")),
    _S["notes_overflow"],
    Option("booklet_sheet", "str", None, "Sheet for the booklet edition (default from page size)."),
    Option("booklet_layout", "choice", "saddle", "Imposition layout for the booklet edition.",
           BOOK_LAYOUTS),
    Option("booklet_signature", "str", None, "Signature size for the perfect layout."),
    Option("booklet_cover", "choice", "included", "The booklet's cover: 'included' (its "
           "outside pages) or 'separate' (a sheet of its own, for cover stock).",
           ("included", "separate")),
    Option("bleed", "length", None, "Bleed of the print editions, e.g. 3mm."),
    Option("vendor", "choice", None, "The printer the press PDF and cover are made for: "
           "'generic' (PDF/X-4), 'ingramspark', 'lulu', 'kdp' or 'copyshop' (docs/covers.md).",
           ("generic", "ingramspark", "lulu", "kdp", "copyshop")),
    Option("output_profile", "path", None, "The printer's CMYK ICC profile: the output intent "
           "of the press PDF and cover, and what their pictures are converted with "
           "(docs/covers.md)."),
    Option("paper", "choice", None, "The block's paper where the vendor's spine formula "
           "depends on it (KDP): 'white' or 'cream'.", ("white", "cream")),
    _S["caliper"],
    _S["spine_text"],
    Option("citation_style", "choice", "author-year", "How citations print.",
           ("author-year", "numeric")),
    Option("further_reading", "choice", "cited", "Works a further-reading list prints: the "
           "'cited' ones or 'all' of the bibliography.", ("cited", "all")),
    _S["typography"],
    _S["chapter_start"],
    Option("cluster", "str", None, "Not read from a project: a Dask scheduler's address is "
           "given with --cluster, ZINEKIT_CLUSTER or the user's own config.toml (docs/cluster.md)."),
)

#: What a theme's ``[defaults]`` may set: how an issue looks and is printed, never what
#: it is (its title, its language) nor what a build may do (raw HTML, the network, where
#: it writes).
THEME_OPTIONS = _opts(*(
    option for name, option in {**ISSUE_OPTIONS, **BUILD_OPTIONS}.items() if name in {
        "page_size", "notes", "notes_overflow", "footnote_numbering", "typography",
        "chapter_start", "booklet_sheet", "booklet_layout", "booklet_signature",
        "booklet_cover", "bleed", "caliper", "spine_text", "citation_style", "binding"}))

PROJECT_CLUSTER_REFUSED = (
    "[build] cluster is not read from a project: the Dask scheduler it names would run code "
    "on this machine, and a project may come from anyone; pass --cluster ADDRESS, or set "
    "ZINEKIT_CLUSTER or [build] cluster in ~/.config/zinekit/config.toml")

TOML_TABLES_OWNED_ELSEWHERE = {"series", "issues", "related", "serve"}
