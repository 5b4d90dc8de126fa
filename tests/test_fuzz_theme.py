"""Property tests of what a project's theme and raw HTML can do: the short version of the
atheris fuzzers in ``benchmarks/fuzz/`` (see docs/fuzzing.md), with the same checks.

- a template made of Jinja syntax, sandbox escapes and deep brackets renders, or fails
  with zinekit's own located error; it never runs a command nor opens a file outside;
- a ``theme.toml`` or front matter made of brackets, long numbers and dates is read or
  refused with a located problem, never an internal error; so is a stylesheet;
- the sanitiser's output holds only its allow-list, and cleaning it again changes nothing.
"""

from __future__ import annotations

import os
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks" / "fuzz"))

from theme_checks import sanitiser_input, theme_input  # noqa: E402

EXAMPLES = int(os.environ.get("ZK_FUZZ_EXAMPLES", "150"))

TEMPLATE = st.lists(st.sampled_from([
    "{{", "}}", "{%", "%}", "{#", "#}", " for x in ", " endfor ", " if ", " endif ", " set y = ",
    "range(", "9", "99999", "'a'", " * ", " ** ", "|list", "|join", "|attr('__init__')", ")",
    "(", "[", "]", "{", "}", "cycler", "joiner", "lipsum", "self", "config", "namespace",
    ".__init__", ".__globals__", ".__class__", ".__mro__", ".__subclasses__()", "['os']",
    ".system('touch PWNED')", ".open('/etc/passwd')", ".read()", "issue", ".title", ".authors",
    ".append(1)", "x", ".", ",", "\n", "<p>",
]), max_size=40).map("".join)
TOML = st.lists(st.sampled_from([
    "a = ", "[", "]", "{", "}", "[[t]]", "[t]", "1", "9" * 150, "2026-02-30", '"', "'", "#",
    "\n", ",", "b: ", "- ", "x-k: ", "²", "&a ", "*a", "!!python/object:os.system",
]), max_size=60).map("".join)
CSS = st.lists(st.sampled_from([
    "p", "{", "}", "(", ")", "[", "]", "url(", "u\\72 l(", "x", ":", ";", "@import ", "@media ",
    '"', "/*", "*/", "\n",
]), max_size=80).map("".join)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(TEMPLATE, TOML, CSS)
def test_a_theme_fails_only_with_zinekits_errors_and_escapes_nothing(template, toml, css):
    theme_input(template, toml, css)
    assert not os.path.exists("PWNED")


FRAGMENT = st.lists(st.sampled_from([
    "<", ">", "</", "/>", "=", '"', "'", " ", "a", "img", "svg", "math", "animate", "set",
    "script", "style", "span", "table", "td", "details", "src", "srcset", "href", "poster",
    "xlink:href", "onclick", "style=", "url(", "u\\72 l(", "javascript:", "file:///",
    "http://x/", "data:image/png,", "data:text/html,", "&#x09;", "&quot;", "<!--", "-->",
    "<![CDATA[", "]]>", "alt=", ",", "1x", "<noscript>", "<select>", "<template>",
]), max_size=60).map("".join)


@settings(max_examples=EXAMPLES * 2, deadline=None, derandomize=True)
@given(FRAGMENT)
def test_the_sanitiser_keeps_only_its_allow_list_and_is_stable(fragment):
    sanitiser_input(fragment)
