"""Coverage-guided fuzzing of a project's theme: templates in the sandbox, ``theme.toml``
(and front matter) through the bounded readers, stylesheets through the nesting check.

    python benchmarks/fuzz/fuzz_theme.py -max_total_time=180 [corpus folder]

Each input is split in three (a template, a TOML/YAML text, a stylesheet).  Only
zinekit's own errors may come out, and no process may start nor a file outside the
fuzzer's folder be opened while the template renders (an audit hook watches).  See
docs/fuzzing.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["zinekit", "jinja2", "tinycss2"]):
    from theme_checks import theme_input

MAX_INPUT = 4096


def test_one_input(data: bytes) -> None:
    if len(data) > MAX_INPUT:
        return
    text = data.decode("utf-8", errors="replace")
    template, _, rest = text.partition("\x00")
    toml, _, css = rest.partition("\x00")
    theme_input(template, toml, css)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
