"""Coverage-guided fuzzing of the zine markup: parser, zine rules and HTML renderer.

    python benchmarks/fuzz/fuzz_markup.py -max_total_time=180 [corpus folder]

Every input is parsed with raw HTML off and on, then rendered for print and for the
screen.  Parsing and rendering must never raise: a problem in the text is a diagnostic
in ``env["zk_diagnostics"]``, so any exception is a crash.  See docs/fuzzing.md.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["zinekit", "markdown_it", "mdit_py_plugins"]):
    from zinekit.markup import RenderContext, parse_markdown, render_html

#: Longer inputs only make each run slower; size problems are tested in the test suite.
MAX_INPUT = 4096


def test_one_input(data: bytes) -> None:
    if len(data) > MAX_INPUT:
        return
    text = data.decode("utf-8", errors="replace")
    for allow_html in (False, True):
        parsed = parse_markdown(text, "fuzz.md", allow_html=allow_html)
        for mode in ("print", "screen"):
            render_html(parsed, RenderContext(mode=mode, article_anchor="a"), allow_html=allow_html)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
