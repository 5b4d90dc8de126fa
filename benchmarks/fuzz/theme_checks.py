"""What the theme and sanitiser fuzzers (and their property tests) check, shared.

- :func:`theme_input` renders a template in the theme sandbox, reads a ``theme.toml``
  and checks a stylesheet: each may fail only with zinekit's own errors, and no process
  may start nor any file outside the fuzzer's folder be opened while it runs;
- :func:`sanitiser_input` cleans HTML: the output holds only the allow-list, and
  cleaning it again changes nothing.
"""

from __future__ import annotations

import os
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import yaml

from zinekit.errors import ZinekitError
from zinekit.safety.limits import Problem, check_css_file, load_toml, load_yaml
from zinekit.markup.sanitize import (ALLOWED_TAGS, allowed_attribute, removals, safe_attribute,
                                     sanitize_html)
from zinekit.themes_loader import template_environment

FOLDER = Path(tempfile.mkdtemp(prefix="zk-fuzz-"))
_ENV = template_environment([str(FOLDER)], ["html"])
_FORBIDDEN = ("os.system", "os.exec", "os.posix_spawn", "os.spawn", "subprocess.Popen",
              "os.fork", "shutil.rmtree", "os.remove")
_watching = False


class Escaped(AssertionError):
    """A template ran a command or touched a file it must not."""


def _audit(event: str, args: tuple) -> None:
    if not _watching:
        return
    if event.startswith(_FORBIDDEN):
        raise Escaped(f"{event} {args!r}")
    if event == "open" and isinstance(args[0], (str, bytes)):
        name = os.fsdecode(args[0])
        if not name.startswith((str(FOLDER), sys.prefix, sys.base_prefix)) and \
                not name.endswith((".py", ".pyc")):
            raise Escaped(f"opened {name}")


sys.addaudithook(_audit)


def theme_input(template: str, toml: str, css: str) -> None:
    """One input of the theme fuzzer; raises only on a bug (or an escape)."""
    global _watching
    context = {"issue": {"title": "T", "authors": ["A"]}, "articles": [], "mode": "print"}
    _watching = True
    try:
        _ENV.from_string(template).render(**context)
    except ZinekitError:
        pass
    finally:
        _watching = False
    for load in (load_toml, load_yaml):
        try:
            load(toml)
        except (Problem, yaml.YAMLError):  # a located problem, or PyYAML's with its mark
            pass
    sheet = FOLDER / "fuzz.css"
    sheet.write_text(css, encoding="utf-8", errors="replace")
    try:
        check_css_file(sheet)
    except ZinekitError:
        pass


class _Audit(HTMLParser):
    def handle_starttag(self, tag: str, attrs: list) -> None:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert allowed_attribute(tag, name), (tag, name)
            assert safe_attribute(tag, name, value or ""), (tag, name, value)


def sanitiser_input(fragment: str) -> None:
    """One input of the sanitiser fuzzer."""
    cleaned = sanitize_html(fragment)
    removals(fragment)
    audit = _Audit()
    audit.feed(cleaned)
    audit.close()
    assert sanitize_html(cleaned) == cleaned, (fragment, cleaned)
