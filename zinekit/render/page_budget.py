"""A zine folded from a fixed number of sheets has a fixed number of pages.

The one-page zine is eight pages cut and folded from one sheet, the two-sheet zine
sixteen: a text that lays out longer cannot be printed that way, and the editor hears
it when the reading PDF is laid out (not only when the booklet is imposed), with the
page count and what can be done about it.
"""

from __future__ import annotations

from zinekit.errors import Diagnostics
from zinekit.model import Prepared

#: Pages each fixed-size layout folds from its sheets.
PAGES_OF_LAYOUT = {"onepagezine": 8, "twosheetzine": 16}
#: Pages of a folded zine that hold no text: the front and the back cover.
COVER_PAGES = 2


def check_page_budget(prepared: Prepared, pages: int, diagnostics: Diagnostics) -> None:
    """Warn when the issue lays out to more pages than its booklet layout folds."""
    layout = prepared.settings.typed.booklet_layout
    budget = PAGES_OF_LAYOUT.get(layout)
    if budget is None or pages <= budget:
        return
    message = budget_message(layout, pages, budget, words_to_cut(prepared, pages, budget))
    if _from_theme(prepared):
        message += f"; meanwhile the booklet is imposed as {fitting_layout(pages)}"
    diagnostics.warning(message, str(prepared.issue.source_file), _line(prepared),
                        1 if _line(prepared) else 0)


def booklet_layout(prepared: Prepared, pages: int) -> str | None:
    """The booklet's layout: the settings', unless the theme chose a fixed-size layout
    the text is too long for (a layout the editor chose is kept, and refused if too
    small, when the booklet is imposed)."""
    layout = prepared.settings.typed.booklet_layout
    budget = PAGES_OF_LAYOUT.get(str(layout))
    if budget is not None and pages > budget and _from_theme(prepared):
        return fitting_layout(pages)
    return layout


def fitting_layout(pages: int) -> str:
    """The smallest of the fixed-size zines that holds ``pages``, else a saddle booklet."""
    return next((name for name, budget in PAGES_OF_LAYOUT.items() if pages <= budget), "saddle")


def _from_theme(prepared: Prepared) -> bool:
    """Whether the booklet layout is the theme's default, not the editor's choice."""
    settings = prepared.settings
    value, file, _ = settings.lookup("booklet_layout")
    return (file is None and settings.command_line.get("booklet_layout") is None
            and settings.theme.get("booklet_layout") == value)


def budget_message(layout: str, pages: int, budget: int, cut: int) -> str:
    """The warning: the count, then the three ways out."""
    sheets = "one sheet" if budget == 8 else "two sheets"
    kind = "one-page zine" if layout == "onepagezine" else "two-sheet zine"
    ways: list[str] = []
    if layout == "onepagezine" and pages <= 16:
        ways.append("print 16 pages on two sheets (booklet_layout: twosheetzine)")
    ways.append("set it smaller (a bigger page_size, such as A6 on an A3 sheet, or a smaller "
                "type in the theme's stylesheet)")
    ways.append(f"or cut about {cut} words")
    return (f"the text lays out to {pages} pages, but a {kind} ({layout}) folds {budget} from {sheets}: "
            + ", ".join(ways))


def words_to_cut(prepared: Prepared, pages: int, budget: int) -> int:
    """The words to cut for the text to fit the budget's text pages, in tens."""
    words = sum(len(line.split()) for article in prepared.issue.articles
                for line in article.text.lines)
    text_pages = max(pages - COVER_PAGES, 1)
    share = (pages - budget) / text_pages
    return max(10, round(words * share / 10) * 10)


def _line(prepared: Prepared) -> int:
    """Where the layout was chosen: the front matter's ``theme`` or ``booklet_layout``."""
    meta = prepared.issue.meta
    return meta.line_of("booklet_layout") or meta.line_of("theme")
