"""Long texts written for the tests, in the shapes zines publish: a long essay with a
note in most paragraphs and editor's notes, a report with pull quotes, lists and quoted
passages, a short book in chapters.  The prose is made from a small vocabulary written
here, deterministically, so every run lays out the same pages.
"""

from __future__ import annotations

import random

SUBJECTS = ["the rota", "the night shift", "a neighbour", "the tenants' meeting", "the seed box",
            "the depot", "a letter from the coast", "the key tin", "the kitchen", "the collective",
            "the old minutes", "a stranger at the door", "the allotment", "the print shop"]
VERBS = ["keeps", "forgets", "carries", "argues with", "outlasts", "borrows", "mends",
         "counts", "writes down", "passes on", "refuses", "waits for", "repairs", "shares"]
OBJECTS = ["what nobody owns", "the spare bread", "a list of names", "the long winter",
           "every promise made at midnight", "the broken lock", "the last of the seeds",
           "a question nobody asked", "the landlord's letter", "three chairs and a kettle",
           "the habit of turning up", "a map drawn on an envelope", "the photocopier's mood"]
TAILS = ["and nobody checks", "as it always has", "for a season or two", "without a meeting",
         "when the buses stop", "in somebody else's handwriting", "until the spring",
         "because someone has to", "and then lends it again", "long after the flyers fade"]


class Prose:
    """Sentences and paragraphs from a fixed seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def sentence(self) -> str:
        pick = self.rng.choice
        text = f"{pick(SUBJECTS)} {pick(VERBS)} {pick(OBJECTS)} {pick(TAILS)}"
        return text[0].upper() + text[1:] + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def between(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


def essay(notes: int = 30, sections: int = 16) -> str:
    """About 40 A5 pages: sections of long paragraphs, a note in most of them, an
    editor's introduction over several paragraphs and editor's notes in the text."""
    prose = Prose(40)
    parts = ["---\ntitle: What the Night Shift Remembers\nseries: Test Sheets\nvolume: 1\n"
             "license: Anti-copyright\ncontact: sheets@example.org\n---\n",
             f"[ed. – {prose.paragraph(4)}\n\n{prose.paragraph(3)}]"]
    called = 0
    for section in range(sections):
        parts.append(f"## Part {section + 1}: {prose.sentence()[:-1]}")
        for _ in range(prose.between(7, 10)):
            text = prose.paragraph(prose.between(4, 9))
            if called < notes and prose.between(0, 9) < 3:
                called += 1
                text += f"[^{called}]"
            if prose.between(0, 9) == 0:
                text += f" [ed. – {prose.sentence()}]"
            parts.append(text)
        if section % 3 == 1:
            parts.append(f"::: ed\n{prose.paragraph(3)}\n:::")
    parts += [f"[^{n}]: {_note(prose, n)}" for n in range(1, called + 1)]
    return "\n\n".join(parts) + "\n"


def _note(prose: Prose, number: int) -> str:
    if number % 7 == 0:
        return "ed. – " + prose.paragraph(2)
    return prose.paragraph(1 + number % 4)


def dense_notes() -> str:
    """A footnote in nearly every paragraph, some of them long."""
    prose = Prose(7)
    parts = ["---\ntitle: Notes on Notes\nlicense: Anti-copyright\n---\n"]
    for number in range(1, 46):
        parts.append(prose.paragraph(prose.between(3, 7)) + f"[^{number}]")
    parts += [f"[^{n}]: {prose.paragraph(1 + (n * 5) % 7)}" for n in range(1, 46)]
    return "\n\n".join(parts) + "\n"


def report() -> str:
    """A report: headings, pull quotes, a list, quoted passages, a few notes."""
    prose = Prose(11)
    parts = ["---\ntitle: A Report on Sharing Things\nsubtitle: what twelve households told us\n"
             "series: Test Sheets\nvolume: 2\nlicense: CC BY-SA 4.0\n"
             "description: What twelve households lend each other, and how.\n---\n"]
    note = 0
    for section in range(10):
        parts.append(f"## {prose.sentence()[:-1]}")
        for paragraph in range(prose.between(4, 7)):
            text = prose.paragraph(prose.between(3, 8))
            if paragraph == 1 and section % 2 == 0:
                note += 1
                text += f"[^{note}]"
            parts.append(text)
            if paragraph == 2 and section % 3 == 0:
                parts.append(f"::: pullquote\n{prose.sentence()}\n:::")
            if paragraph == 3 and section % 4 == 1:
                parts.append("\n".join(f"- {prose.sentence()}" for _ in range(4)))
            if paragraph == 0 and section % 4 == 2:
                parts.append("> " + prose.paragraph(3))
    parts += [f"[^{n}]: {prose.paragraph(2)}" for n in range(1, note + 1)]
    return "\n\n".join(parts) + "\n"


def book_chapter(number: int) -> str:
    """One chapter of a short book (an article of a folder issue)."""
    prose = Prose(100 + number)
    parts = [f"---\ntitle: Chapter {number}\n---\n"]
    called = []
    for index in range(prose.between(14, 20)):
        text = prose.paragraph(prose.between(4, 9))
        if index % 6 == 2:
            called.append(index)
            text += f"[^{index}]"
        parts.append(text)
    parts += [f"[^{i}]: {prose.paragraph(1)}" for i in called]
    return "\n\n".join(parts) + "\n"


def book(chapters: int = 6) -> dict[str, str]:
    """A folder issue: ``issue.md`` and one file a chapter."""
    names = [f"{n:02d}-chapter.md" for n in range(1, chapters + 1)]
    files = {"book/issue.md": "---\ntitle: A Short Book of Shared Things\nseries: Test Sheets\n"
                              "volume: 3\nlicense: Anti-copyright\narticles:\n"
                              + "".join(f"  - {name}\n" for name in names) + "---\n"}
    for number, name in enumerate(names, start=1):
        files[f"book/{name}"] = book_chapter(number)
    return files
