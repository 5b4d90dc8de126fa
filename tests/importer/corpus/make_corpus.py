"""Writes the labelled corpus of plain texts with notes (run from this folder:
``python make_corpus.py``).  Each ``NN-name.txt`` has a ``NN-name.labels.json`` naming, by
source line, which call goes with which note, and the calls and notes that have no
partner.  The prose is written for zinekit; the conventions are those texts arrive in."""

from __future__ import annotations

import json
import random
from pathlib import Path

SENTENCES = [
    "The copy shop on the corner stays open until the last bus has gone",
    "Nobody remembers who first suggested folding the sheets in thirds",
    "We counted the stapler among the collective's most loyal members",
    "Every issue started as a pile of notes on the back of envelopes",
    "The toner ran out twice in one night and we finished by hand",
    "Readers wrote back in pencil, in biro and once in lipstick",
    "The distro box travelled by bicycle, by train and by a cousin's van",
    "Each contributor chose a paper colour and then argued about it",
    "The second printing fixed a page that had been upside down",
    "Some of the best letters arrived without a return address",
    "We learned to trim the fore-edge with a ruler and patience",
    "A library in the next town asked for every back issue",
    "The kettle was the only machine that never broke down",
    "Drafts were read aloud on the steps when the weather allowed",
    "The index was made with scissors, glue and a long table",
    "Prices were written on the cover in a hand that changed each year",
    "The mailing list lived in a shoebox under the stairs",
    "Translations came slowly, a paragraph at a time",
    "An old press in the basement was restored over three winters",
    "Spare copies were left on the seats of the night train",
]
NOTES = [
    "The shop changed hands in the spring but kept its hours",
    "ed. – The collective's minutes for that week are lost",
    "A later letter disputes this; we print both versions",
    "Counted from the receipts kept in the red folder",
    "ed. – This paragraph was added for the second printing",
    "The van belonged to a cousin of one of the binders",
    "Colours were chosen by lot after the third argument",
    "The corrected page is the one with the smudged margin",
    "Two of those letters are reprinted in the appendix",
    "ed. – A ruler from the school next door, never returned",
    "The library's copies are kept in a locked case",
    "It boiled an estimated four thousand times",
    "The steps belong to the old laundry building",
    "Glue sticks were bought in bulk from a stationer",
    "ed. – Prices were never raised, only rounded",
    "The shoebox is now a filing cabinet, which is worse",
    "Three translators shared one dictionary between them",
    "The press weighs more than the rest of the basement",
    "Train staff returned a few copies with notes of their own",
    "See the list of distributors on the back page",
]
SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


class Text:
    """Lines of a text being written, with the labels that come with them."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.pairs: list[list[int]] = []
        self.calls_without_note: list[int] = []
        self.notes_without_call: list[int] = []

    def paragraph(self, text: str) -> int:
        if self.lines:
            self.lines.append("")
        self.lines.append(text)
        return len(self.lines)


def call(style: str, n: int) -> str:
    return {"sup": str(n).translate(SUP), "bracket": f" [{n}]", "caret": f"^{n}",
            "paren": f" ({n})", "numbered": str(n).translate(SUP)}[style]


def body_marker(style: str, n: int) -> str:
    return {"sup": str(n).translate(SUP) + " ", "bracket": f"[{n}] ", "caret": f"^{n} ",
            "paren": f"({n}) ", "numbered": f"{n}. "}[style]


def make(name: str, style: str, placement: str, sections: int, per_section: int,
         restart: bool, rng: random.Random, missing: int = 0, uncalled: int = 0,
         library: bool = False) -> Text:
    text = Text()
    if library:
        title = "Notes From the " + rng.choice(["Folding Table", "Night Shift", "Copy Shop"])
        for line in ("The Anarchist Library (Mirror) Anti-Copyright", f"Anonymous {title} 2023",
                     "Retrieved on 3 March 2024 from a reader's copy", "example.anarchistlibraries.net",
                     title, "Anonymous", "2023"):
            text.paragraph(line)
    pending: list[tuple[int, int, str]] = []  # (number, call line, note text)
    number = 0
    for s in range(sections):
        if sections > 1:
            text.paragraph(f"Part {s + 1}")
        if restart:
            number = 0
        for k in range(per_section):
            number += 1
            a, b = rng.sample(SENTENCES, 2)
            broken = placement == "page" and k == per_section - 1
            first = f"{a}{call(style, number)}, and then {b.lower()}"
            line = text.paragraph(first + "." if not broken else first + " while the")
            pending.append((number, line, NOTES[(s * per_section + k) % len(NOTES)]))
            if broken:
                _notes(text, pending, style, missing_ok=True)
                pending = []
                text.paragraph("rest of the sentence ran on to the next page of the original.")
        if placement in ("section", "page") and pending:
            _notes(text, pending, style)
            pending = []
    if pending:
        if style == "numbered" or placement == "heading":
            text.paragraph("Notes")
        _notes(text, pending, style)
    _defects(text, missing, uncalled, style, rng)
    return text


def _notes(text: Text, pending: list[tuple[int, int, str]], style: str, missing_ok: bool = False) -> None:
    for number, call_line, note in pending:
        note_line = text.paragraph(body_marker(style, number) + note + ".")
        text.pairs.append([call_line, note_line])


def _defects(text: Text, missing: int, uncalled: int, style: str, rng: random.Random) -> None:
    """Remove the bodies of ``missing`` notes; add ``uncalled`` notes nobody calls."""
    for pair in rng.sample(text.pairs, missing):
        text.lines[pair[1] - 1] = "A paragraph where a note used to be, now plain text."
        text.pairs.remove(pair)
        text.calls_without_note.append(pair[0])
    for _ in range(uncalled):
        line = text.paragraph(body_marker(style, 90 + _) + "A note whose call was lost in copying.")
        text.notes_without_call.append(line)


SPECS = [
    ("01-sup-end", "sup", "end", 1, 6, False, {}),
    ("02-sup-heading", "sup", "heading", 1, 8, False, {}),
    ("03-sup-sections", "sup", "section", 3, 3, False, {}),
    ("04-sup-sections-restart", "sup", "section", 4, 3, True, {}),
    ("05-sup-pages", "sup", "page", 3, 2, False, {}),
    ("06-sup-library", "sup", "end", 1, 5, False, {"library": True}),
    ("07-bracket-end", "bracket", "end", 1, 7, False, {}),
    ("08-bracket-heading", "bracket", "heading", 2, 4, False, {}),
    ("09-bracket-sections", "bracket", "section", 3, 2, True, {}),
    ("10-caret-end", "caret", "end", 1, 5, False, {}),
    ("11-caret-sections", "caret", "section", 2, 3, False, {}),
    ("12-paren-end", "paren", "end", 1, 6, False, {}),
    ("13-paren-sections", "paren", "section", 3, 2, True, {}),
    ("14-numbered-notes", "numbered", "end", 1, 9, False, {}),
    ("15-numbered-chapters", "numbered", "end", 3, 3, False, {}),
    ("16-sup-missing-note", "sup", "end", 1, 6, False, {"missing": 1}),
    ("17-sup-uncalled-note", "sup", "section", 2, 3, False, {"uncalled": 1}),
    ("18-bracket-both-defects", "bracket", "end", 1, 8, False, {"missing": 1, "uncalled": 1}),
    ("19-sup-long", "sup", "heading", 5, 5, False, {}),
    ("20-sup-pages-library", "sup", "page", 4, 2, False, {"library": True}),
    ("21-caret-restart-pages", "caret", "page", 3, 2, True, {}),
    ("22-paren-heading", "paren", "heading", 1, 10, False, {}),
]


def main() -> None:
    here = Path(__file__).parent
    for name, style, placement, sections, per, restart, extra in SPECS:
        text = make(name, style, placement, sections, per, restart, random.Random(name), **extra)
        (here / f"{name}.txt").write_text("\n".join(text.lines) + "\n", encoding="utf-8")
        labels = {"pairs": text.pairs, "calls_without_note": text.calls_without_note,
                  "notes_without_call": text.notes_without_call}
        (here / f"{name}.labels.json").write_text(json.dumps(labels, indent=1) + "\n",
                                                 encoding="utf-8")


if __name__ == "__main__":
    main()
