"""``zinekit new DIR``: a series with one example issue, ready to build."""

from __future__ import annotations

from pathlib import Path

from zinekit.errors import ZinekitError

SERIES_TOML = """\
# The series and its catalog of issues.  See docs/catalog.md in zinekit's documentation.

[series]
name = "{name}"
aliases = []
# url = "https://example.org/downloads/"   # where readers download issues

[[issues]]
volume = 1
source = "vol1/issue.md"

[build]
theme = "pamphlet"
# page_size = "A5"   # unset, each theme sets its own (pamphlet A5, minizine A7)
"""

ISSUE_MD = """\
---
title: First Issue
subtitle: a place to start
series: {name}
volume: 1
season: Spring
editors: [the editors]
topics: [getting started]   # the shelves readers find it on (docs/library.md)
language: en                # labels ("Contents", "p.") in this language
license: Anti-copyright
bibliography: ../refs.bib
---

[ed. – This is an editor's introduction. It may run over several paragraphs: it opens
with "[ed. –" and closes with the "]" that ends a later paragraph.

This is its second paragraph.]

## A first heading {{#first}}

Write in Markdown. Footnotes go at the foot of the page.[^1] Editor's notes can also sit
inline [ed. – like this], and brackets that are not notes stay as written: [sic], [...].

::: pullquote
A pull quote is printed large.
:::

Cite a book [@example2024, p. 3], or refer back to a heading [see #first].

[^1]: A footnote. One that starts with "ed." is the editor's.
"""

REFS_BIB = """\
@book{example2024,
  author    = {Anonymous},
  title     = {An Example Book},
  publisher = {A Small Press},
  year      = {2024},
  annote    = {A comment on why this book is worth reading.}
}
"""


def scaffold(directory: Path) -> list[Path]:
    """Create the series files; refuse to overwrite any existing file."""
    name = directory.resolve().name.replace("-", " ").replace("_", " ").title() or "My Zine"
    files = {
        directory / "zinekit.toml": SERIES_TOML.format(name=name),
        directory / "vol1" / "issue.md": ISSUE_MD.format(name=name),
        directory / "refs.bib": REFS_BIB,
    }
    existing = [p for p in files if p.exists()]
    if existing:
        raise ZinekitError("error: not overwriting existing files: "
                           + ", ".join(str(p) for p in existing))
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)
