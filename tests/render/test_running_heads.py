"""Running heads of one line: a long title is printed whole where it stands and
shortened in the heads."""

from __future__ import annotations

from tests.conftest import poppler_pages
from zinekit.render.running_heads import mark_running_titles, running_title

LONG = ("What is Fully Automated Luxury Queer Space Anarcho-Communism (FALQSAC) and why "
        "would anyone want it")
PARAGRAPH = ("The rota went up on the board by the kettle and nobody admitted to writing it, "
             "but everyone knew whose handwriting it was, and the night shift signed it anyway. ")


def test_a_long_title_is_cut_before_its_subtitle_or_at_a_word():
    assert running_title("The Yard in March") is None
    assert running_title("Stalinist Realism and Open Communism: Malignant Mirror or Free "
                         "Association") == "Stalinist Realism and Open Communism"
    assert running_title(LONG) == "What is Fully Automated Luxury Queer Space…"
    assert running_title("Sesame Credit will (eventually) make fully automated luxury queer "
                         "space anarcho-communism possible") == "Sesame Credit will"
    assert all(len(running_title(t) or t) <= 49 for t in (LONG, "a " * 60))


def test_only_long_titles_are_marked_and_their_markup_is_read_as_text():
    page = ('<h1 class="article-title">Short</h1>'
            f'<h1 class="issue-title"><span class="cut">{LONG[:30]}</span> {LONG[30:]}</h1>')
    assert mark_running_titles(page) == (
        '<h1 class="article-title">Short</h1>'
        '<h1 class="issue-title" data-running="What is Fully Automated Luxury Queer Space…">'
        f'<span class="cut">{LONG[:30]}</span> {LONG[30:]}</h1>')


def test_the_heads_print_the_short_form_and_the_opening_the_whole_title(cli, make_project):
    text = (f"---\ntitle: Night Rota\n---\n\n# The Kettle\n\n{PARAGRAPH * 3}\n\n# {LONG}\n\n"
            + "\n\n".join(PARAGRAPH * 4 for _ in range(14)) + "\n")
    root = make_project({"rota.md": text})
    run = cli("build", root / "rota.md", "--format", "pdf", "--theme", "cutpaste")
    assert run.exit_code == 0, run.output
    pages = [page.upper() for page in poppler_pages(root / "dist" / "rota" / "rota.pdf")]
    opening = max(n for n, page in enumerate(pages) if "WOULD ANYONE WANT IT" in page)
    assert "THE ROTA WENT UP" in pages[opening]  # the chapter opens with its whole title
    after = pages[opening + 1:]
    assert len(after) >= 3 and not any("FALQSAC" in page for page in after)
    heads = [page for page in after if "WHAT IS FULLY AUTOMATED LUXURY QUEER SPACE…" in page[:60]]
    assert len(heads) >= len(after) // 2  # the right-hand pages' heads
