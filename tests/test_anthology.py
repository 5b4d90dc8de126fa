"""Anthologies: texts and chapters of a library collected into one issue, references
between them turned into page references inside it, the others keeping their original
locator, and a page count estimated before the build."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, poppler_pages

LIBRARY = {
    "zinekit.toml": """
        [series]
        name = "Cinder Post"

        [[issues]]
        volume = 1
        source = "vol1.md"

        [[issues]]
        volume = 2
        source = "vol2"

        [[issues]]
        volume = 3
        source = "vol3.md"
        """,
    "vol1.md": """
        ---
        title: Ovens
        series: Cinder Post
        volume: 1
        authors: [R. Okafor]
        ---

        ## Lighting the oven {#lighting}

        The first fire of the night is small.[^1]

        ## The night bake {#bake}

        Four trays by dawn, and a fifth for the shelter.[^2]

        [^1]: Kindling from the pallet yard.
        [^2]: The shelter tray is always the burnt one.
        """,
    "vol2/issue.md": """
        ---
        title: Tenants
        series: Cinder Post
        volume: 2
        articles:
          - 01-rising.md
          - 02-letters.md
        ---
        """,
    "vol2/01-rising.md": """
        ---
        title: Tenants Rising
        authors: [M. Duarte]
        ---

        The rent strike started with bread [see The night bake] and a map
        ![the block](images/block.svg)

        The gardens never joined [see Beans on the fence].
        """,
    "vol2/images/block.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60">'
                             '<title>The block</title><rect width="120" height="60" fill="#999"/></svg>\n',
    "vol2/02-letters.md": """
        ---
        title: Letters
        ---

        A reply about the ovens [see Cinder Post vol.1].
        """,
    "vol3.md": """
        ---
        title: Gardens
        series: Cinder Post
        volume: 3
        ---

        ## Beans on the fence {#beans}

        Nobody waters them.
        """,
    "reader.toml": """
        [anthology]
        title = "Bread and Rent: A Cinder Post Reader"
        editors = ["the Cinder Post collective"]
        license = "Anti-copyright"

        [[texts]]
        source = "vol1.md"
        chapters = ["The night bake"]

        [[texts]]
        text = "Tenants Rising"
        """,
}


def test_an_anthology_of_a_chapter_and_an_article(cli, make_project):
    root = make_project(LIBRARY)
    run = cli("anthology", "reader.toml", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    assert "estimated 5 pages (laid out whole: an exact count)" in run.output
    assert "signatures of 4: 2 (8 pages), 8: 1 (8 pages)" in run.output
    pages = [re.sub(r"( \.)+", "", page) for page in poppler_pages(root / "dist" / "reader" / "reader.pdf")]
    assert len(pages) == 5  # title, contents, two texts, colophon
    assert "Contents The night bake R. Okafor 3 Tenants Rising M. Duarte 4" in pages[1]
    assert "Four trays by dawn" in pages[2] and "The first fire" not in " ".join(pages)
    assert "1. The shelter tray is always the burnt one." in pages[2]  # its note came along
    assert "First published in Cinder Post vol.1, Ovens" in pages[2]
    # included: a page of the anthology; left out: the original's locator
    assert "[see The night bake, p. 3]" in pages[3]
    # (vol.3 was never built: it is laid out, in memory, for the page of its text)
    assert "fence, Cinder Post vol.3, p.2]" in pages[3]


def test_include_in_front_matter_and_a_reference_to_a_left_out_text(cli, make_project):
    root = make_project({**LIBRARY, "letters.md": """
        ---
        title: Letters and Ovens
        include:
          - vol2/02-letters.md
          - vol1.md#lighting
        ---
        """})
    run = cli("build", "letters.md", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    pages = [re.sub(r"( \.)+", "", page) for page in poppler_pages(root / "dist" / "letters" / "letters.pdf")]
    text = " ".join(pages)
    assert "Contents Letters 3 Lighting the oven R. Okafor 4" in pages[1]
    assert "The first fire of the night is small." in text and "Four trays" not in text
    # "Cinder Post vol.1" is the whole of vol.1: only a chapter of it is here
    assert "[see Cinder Post vol.1]" in text and "vol.1, p." not in text


def test_an_anthology_that_names_nothing_is_a_located_error(cli, make_project):
    root = make_project({**LIBRARY, "bad.toml": """
        [anthology]
        title = "Nothing Much"

        [[texts]]
        source = "vol1.md"
        chapters = ["Kneading"]

        [[texts]]
        text = "Cinder Post vol.9"
        """})
    run = cli("anthology", "bad.toml", cwd=root)
    assert run.exit_code == 1
    assert run.stderr.splitlines() == [
        "bad.toml:4:1: error: include 'vol1.md#Kneading': no chapter 'Kneading' in Ovens "
        "(it has: lighting, bake)",
        "bad.toml:8:1: error: include 'Cinder Post vol.9' names no text of the library "
        "(no issue \"vol.9\" in series \"Cinder Post\")",
        "build failed: 2 errors; nothing was written"]
    assert not (root / "dist").exists()


# --- the page estimate -------------------------------------------------------------------------

WORDS = ("the rota was pinned to the door of the bakery and by the second week everyone "
         "had an opinion about who should take the early shift and who should not").split()


def article(number: int, paragraphs: int) -> str:
    lines = [f"---\ntitle: Dispatch {number}\n---\n"]
    notes = []
    for p in range(paragraphs):
        if p % 9 == 0:
            lines.append(f"## Part {p // 9 + 1} {{#d{number}-{p}}}\n")
        body = " ".join(WORDS[(number * 3 + p * 5 + i) % len(WORDS)] for i in range(40 + (p * 13) % 70))
        if p % 3 == 0:
            body += f"[^n{p}]"
            notes.append(f"[^n{p}]: " + " ".join(WORDS[(p + i) % len(WORDS)] for i in range(18)))
        lines.append(body.capitalize() + ".\n")
    return "\n".join(lines + notes) + "\n"


def estimate_and_real(folder: Path, articles: int, paragraphs: int) -> tuple[int, int, bool]:
    """(estimated pages, real pages, whether the estimate was exact) for a generated
    anthology of ``articles`` articles laid out in ``folder``."""
    from zinekit.pipeline.build import BuildOptions, prepare_issue
    from zinekit.errors import Diagnostics
    from zinekit.anthology.estimate import estimate_pages
    from zinekit.project import open_project
    from zinekit.render.pdf import render_pdf
    from zinekit.pipeline.series import Session

    names = [f"{n:02d}.md" for n in range(1, articles + 1)]
    for n, name in enumerate(names, 1):
        (folder / name).write_text(article(n, paragraphs), encoding="utf-8")
    listing = "".join(f"  - {name}\n" for name in names)
    (folder / "book.md").write_text(f"---\ntitle: A Reader\nlicense: Anti-copyright\n"
                                    f"include:\n{listing}---\n", encoding="utf-8")
    project = open_project(folder / "book.md", Diagnostics())
    session = Session.open(project, folder / "dist", Diagnostics())
    prepared = prepare_issue(folder / "book.md", project, BuildOptions(), session)
    estimate = estimate_pages(prepared)
    return estimate.pages, render_pdf(prepared, with_bytes=False).pages, estimate.exact


@pytest.mark.slow
@pytest.mark.parametrize("articles, paragraphs", [(4, 14), (6, 30), (10, 45)])
def test_the_page_estimate_is_within_ten_percent(tmp_path, articles, paragraphs):
    # in a process of its own: a 90-page layout would raise this one's peak memory,
    # which the memory test of test_bad_input_matrix reads through the processes it starts
    code = ("import sys; from pathlib import Path; from tests.test_anthology import estimate_and_real; "
            f"print(*estimate_and_real(Path(sys.argv[1]), {articles}, {paragraphs}))")
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=REPO, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    estimate, real, exact = run.stdout.split()
    assert exact == "False"
    assert abs(int(estimate) - int(real)) <= 0.1 * int(real), (estimate, real)
