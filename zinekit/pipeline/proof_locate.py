"""Where a ``zinekit proof`` finding is in the sources: the Markdown line of the block it is about.

Every block the print HTML gives an id (``<article>.<n>``, see
:mod:`zinekit.markup.renderer`) is rendered again with ``block_lines`` set, which
records the source line of each id; headings carry their own place, footnotes are found
at their call, an article at its title.  A finding that names a word is placed at that
word when it is written in the block's first lines.
"""

from __future__ import annotations

from zinekit.model import Article, Edition, Prepared
from zinekit.proof.detectors import Finding
from zinekit.render.document import article_context
from zinekit.render.note_overflow import footnote_calls

#: Lines of source after a block's first where a finding's word is looked for.
WORD_SEARCH_LINES = 40


class Locator:
    """Finds the source of the blocks of one prepared issue (rendered once, on demand)."""

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.articles = {a.anchor: a for a in prepared.issue.articles}
        self._blocks: dict[str, tuple[Article, int]] | None = None
        self._notes: dict[str, tuple[str, int, int]] | None = None

    def place(self, finding: Finding) -> None:
        """Fill in the finding's file, line and column."""
        path, line, col = self.where(finding.block)
        if finding.word and line:
            line, col = self._word(path, line, col, finding.word)
        finding.file, finding.line, finding.column = path, line, col

    def where(self, block: str) -> tuple[str, int, int]:
        if block.startswith("fn-"):
            if self._notes is None:
                self._notes = footnote_calls(self.prepared.issue)
            if block in self._notes:
                return self._notes[block]
        found = self.blocks().get(block)
        if found is not None:
            return str(found[0].path), found[1], 1
        for article in self.prepared.issue.articles:
            for heading in article.headings:
                if heading.anchor == block:
                    where = heading.where
                    return where.path or str(article.path), where.line, where.col or 1
        titled = self.articles.get(block) or self.articles.get(block.rsplit(".", 1)[0])
        if titled is not None:
            return str(titled.path), titled.meta.line_of("title") or 1, 1
        return str(self.prepared.issue.source_file), 1, 1

    def blocks(self) -> dict[str, tuple[Article, int]]:
        """Each block id's article and source line."""
        if self._blocks is None:
            self._blocks = {}
            for article in self.prepared.issue.articles:
                lines: dict[str, tuple[str, int]] = {}
                article_context(article, self.prepared, "print", Edition(block_lines=lines))
                self._blocks.update({block: (article, line) for block, (_, line) in lines.items()})
        return self._blocks

    def _word(self, path: str, line: int, col: int, word: str) -> tuple[int, int]:
        """The first place ``word`` is written from ``line`` on, else (line, col)."""
        article = next((a for a in self.prepared.issue.articles if str(a.path) == path), None)
        if article is None or len(word) < 2:
            return line, col
        for number in range(line, min(line + WORD_SEARCH_LINES, len(article.lines) + 1)):
            at = article.lines[number - 1].find(word)
            if at >= 0:
                return number, at + 1
        return line, col
