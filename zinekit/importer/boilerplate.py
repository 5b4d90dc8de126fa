"""What a web site prints around every article: sign-up lines and recommendations.

1. a paragraph that asks the reader to subscribe, sign up, share or follow ("Click here
   to subscribe…", "Share this:") is left out;
2. a paragraph that opens the site's recommendations ("If you liked this…", "You may
   also like", "Related posts") is left out with what follows it while that is the
   recommendations: short title lines and a blurb the site repeats under each;
3. each is reported, its text kept in the report.
"""

from __future__ import annotations

import re
from collections import Counter

from zinekit.importer.report import Report
from zinekit.importer.textblocks import Block

CALL_TO_ACTION = re.compile(
    r"^(?:click here\b.{0,40}\b(?:subscribe|sign up|newsletter)|subscribe (?:to|for) "
    r"(?:our|the|my)\b|sign up (?:to|for) (?:our|the|my)\b|share this(?: article| post)?:?$|"
    r"like this:?$|follow us on\b|(?:support|donate to) us\b)", re.I)
RECOMMENDATIONS = re.compile(
    r"^(?:if you (?:liked|enjoyed) this\b|you (?:may|might) also (?:like|enjoy)\b|"
    r"related (?:posts|articles|reading)\s*:?$|more from (?:this|our)\b|read next\s*:?$)", re.I)
TITLE_LENGTH = 90


def drop_boilerplate(blocks: list[Block], report: Report) -> None:
    """Mark the site's sign-up lines and recommendations ``dropped``, reported."""
    repeated = Counter(b.text for b in blocks if len(b.text) > TITLE_LENGTH)
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "body" and CALL_TO_ACTION.match(block.text.strip()):
            _drop(block, "the site's call to subscribe or share", report)
        elif block.kind == "body" and RECOMMENDATIONS.match(block.text.strip()):
            i = _drop_recommendations(blocks, i, repeated, report)
        i += 1


def _drop_recommendations(blocks: list[Block], start: int, repeated: Counter[str],
                          report: Report) -> int:
    """Drop the opener and the titles and repeated blurbs after it; the last index."""
    end = start + 1
    while end < len(blocks) and blocks[end].kind == "body" and (
            len(blocks[end].text) <= TITLE_LENGTH and "\n" not in blocks[end].text
            or repeated[blocks[end].text] > 1):
        end += 1
    dropped = blocks[start:end]
    for block in dropped:
        block.kind = "dropped"
    report.note(f"left out the site's recommendations ({len(dropped)} paragraphs from "
                f"{blocks[start].text.strip()!r})", blocks[start].line,
                dropped="\n".join(b.text for b in dropped))
    report.count("site's boilerplate left out", len(dropped))
    return end - 1


def _drop(block: Block, what: str, report: Report) -> None:
    block.kind = "dropped"
    report.note(f"left out {what}: {block.text.strip()!r}", block.line, dropped=block.text)
    report.count("site's boilerplate left out")
