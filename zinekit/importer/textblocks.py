"""Plain text as blocks: the paragraphs of a text as received, with their source lines.

A block is a run of non-blank lines.  Helpers here clean what PDF and web extraction
leave behind (stray ``<u>`` tags), tell whether a block ends a sentence, and escape what
Markdown would otherwise read as syntax, so the text prints as it was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zinekit.importer.report import Report

#: Tags that PDF-to-text and copy-paste tools leave in plain text; their text is kept.
STRAY_TAG = re.compile(r"</?(?:u|span|font|small|big|ins|mark|sup|sub)\b[^<>]*>", re.I)
EMPHASIS_TAG = re.compile(r"</?(?:i|em|b|strong)\s*>", re.I)
LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)

#: A sentence ends with one of these, optionally followed by closing quotes or brackets.
TERMINATED = re.compile(r"[.!?…:;]['\"”’»)\]*_]*$")
CLOSING_ONLY = re.compile(r"[\]'\"”’»)*_]+$")


@dataclass
class Block:
    """One paragraph of the source: its text (lines joined with newlines) and where it is."""

    text: str
    line: int
    kind: str = "body"  # body, note, heading, list, dropped
    level: int = 0
    number: int = 0
    marker: str = ""
    label: str = ""  # the footnote label of a joined note
    extra: list["Block"] = field(default_factory=list)  # continuation paragraphs of a note

    def position(self, offset: int) -> tuple[int, int]:
        """Source line and column (1-based) of a character of ``text``."""
        before = self.text[:offset]
        line = self.line + before.count("\n")
        return line, offset - (before.rfind("\n") + 1) + 1

    @property
    def last_line(self) -> int:
        return self.line + self.text.count("\n")


def split_blocks(text: str) -> list[Block]:
    """The text's paragraphs, trailing spaces removed, with their first source line."""
    blocks: list[Block] = []
    current: list[str] = []
    start = 1
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip()
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append(Block("\n".join(current), start))
            current = []
    if current:
        blocks.append(Block("\n".join(current), start))
    return blocks


def clean_tags(blocks: list[Block], report: Report) -> None:
    """Remove stray inline HTML tags left by extraction, keeping their text."""
    for block in blocks:
        found = STRAY_TAG.search(block.text) or EMPHASIS_TAG.search(block.text) \
            or LINE_BREAK_TAG.search(block.text)
        if not found:
            continue
        line, col = block.position(found.start())
        names = sorted({m.group(0).strip("</>").split()[0].lower() for m in
                        re.finditer(r"</?\w+[^<>]*>", block.text)
                        if STRAY_TAG.fullmatch(m.group(0)) or EMPHASIS_TAG.fullmatch(m.group(0))
                        or LINE_BREAK_TAG.fullmatch(m.group(0))})
        tags = " ".join(m.group(0) for m in re.finditer(r"</?\w+[^<>]*>", block.text))
        text = STRAY_TAG.sub("", block.text)
        text = re.sub(r"</?(?:i|em)\s*>", "*", text, flags=re.I)
        text = re.sub(r"</?(?:b|strong)\s*>", "**", text, flags=re.I)
        block.text = LINE_BREAK_TAG.sub(" ", text)
        report.note("removed stray HTML tags left by text extraction: "
                    + ", ".join(f"<{n}>" for n in names) + " (their text is kept)", line, col,
                    dropped=tags)
        report.count("stray tags removed")


def is_terminated(text: str) -> bool:
    """True if the text ends a sentence (a full stop, a question, a colon …)."""
    return bool(TERMINATED.search(text.rstrip())) or bool(CLOSING_ONLY.fullmatch(text.strip()))


def starts_lower(text: str) -> bool:
    """True if the text opens with a lower-case letter: the rest of a broken paragraph."""
    stripped = text.lstrip()
    return bool(stripped) and stripped[0].isalpha() and stripped[0].islower()


# --- escaping ---------------------------------------------------------------------------

_LINE_START = [
    (re.compile(r"^(#{1,6})(?=\s|$)"), r"\\\1"),                 # ATX heading
    (re.compile(r"^([=-]+)\s*$"), r"\\\1"),                      # setext underline, rule
    (re.compile(r"^(\*\s*\*\s*\*[\s*]*)$"), r"\\\1"),             # *** rule
    (re.compile(r"^(`{3,}|~{3,})"), r"\\\1"),                    # code fence
    (re.compile(r"^(:::)"), r"\\\1"),                            # zinekit container
    (re.compile(r"^(\[[^\]]*\]:)"), r"\\\1"),                    # link or note definition
    (re.compile(r"^(\+)(?=\s)"), r"\\\1"),                       # + list item
    (re.compile(r"^(\|)"), r"\\\1"),                             # table row
]
_SYNTAX_STARTS = ("#", "=", "-", "*", "`", "~", ":", "[", "+", "|")
_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")


def escape_line(line: str, first: bool) -> str:
    """One line of plain text as Markdown that prints it as written.

    Emphasis written with ``*`` and ``_`` is kept (library texts use it on purpose), and
    so are ``-`` bullets, ``1.`` lists and ``>`` quotes; what Markdown would swallow or
    turn into code (indentation, fences, definitions, headings) is escaped.
    """
    line = line.strip()
    if "\\" in line:
        line = _BACKSLASH.sub(r"\\\\", line)
    if not line.startswith(_SYNTAX_STARTS):
        return line
    for pattern, replacement in _LINE_START:
        if pattern.pattern.startswith("^([=-]") and first:
            continue  # a rule of its own is left a rule
        line = pattern.sub(replacement, line, count=1)
    return line


def escape_block(text: str) -> str:
    lines = text.split("\n")
    return "\n".join(escape_line(line, i == 0) for i, line in enumerate(lines))
