"""zinekit/reachins.py: each reach-in into another library still finds what it reaches
for, renders from several threads leave the world as it was, and the fixes apply only
around a render."""

from __future__ import annotations

import gc
import logging
import subprocess
import sys
import threading
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pydyf

from tests.conftest import REPO
from zinekit import reachins

ESSAY = """---
title: Threads
authors: [A. Writer]
---

# Threads

A paragraph with a note.[^1] Another sentence to fill the line, and one more after it.

[^1]: The note, which stays on its page.
"""


def _world() -> dict[str, object]:
    """What a render must put back: every process-wide thing it touches."""
    import weasyprint.layout as layout
    import weasyprint.layout.block as block

    logger = logging.getLogger("weasyprint")
    return {
        "area": layout.LayoutContext.__dict__["_update_footnote_area"],
        "linebox": block._linebox_layout,
        "page_references": pydyf.PDF.__dict__["page_references"],
        "propagate": logger.propagate,
        "handlers": list(logger.handlers),
        "frozen": gc.get_freeze_count(),
    }


def test_importing_zinekit_changes_nothing_in_weasyprint():
    """The fixes are applied around a render, never as a side effect of an import."""
    code = ("import weasyprint.layout as l, weasyprint.layout.block as b\n"
            "before = (l.LayoutContext._update_footnote_area, b._linebox_layout)\n"
            "import zinekit.render.pdf, zinekit.pipeline.build, zinekit.cli\n"
            "assert (l.LayoutContext._update_footnote_area, b._linebox_layout) == before\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_footnote_fixes_apply_inside_a_render_only():
    import weasyprint.layout as layout

    before = _world()
    with reachins.rendering():
        assert layout.LayoutContext._update_footnote_area is not before["area"]
    assert _world() == before
    assert reachins.applicable_fixes() == {"rounding", "no-trade"}


def test_world_as_before_after_threads(tmp_path):
    """Three reading PDFs rendered at once from threads (as the preview's ``/pdf`` and a
    Dask worker's threads do): each is whole, and afterwards WeasyPrint, pydyf, the
    logger and the collector are as they were."""
    from zinekit.serve.pdf import build_pdf

    sources = []
    for n in range(3):
        path = tmp_path / f"t{n}.md"
        path.write_text(ESSAY.replace("Threads", f"Threads {n}"), encoding="utf-8")
        sources.append(path)
    before = _world()
    results: dict[int, bytes] = {}
    failures: list[BaseException] = []

    def render(n: int) -> None:
        try:
            results[n] = build_pdf(sources[n])[1]
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)

    threads = [threading.Thread(target=render, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert all(results[n].startswith(b"%PDF") for n in range(3))
    assert _world() == before


def test_a_fix_that_no_longer_applies_is_reported_once(monkeypatch):
    fix = reachins.FIXES[0]
    changed = reachins.Fix(fix.name, fix.module, fix.owner, fix.attribute,
                           frozenset({"0" * 64}), fix.old, fix.new, fix.why)
    monkeypatch.setattr(reachins, "FIXES", (changed, reachins.FIXES[1]))
    monkeypatch.setattr(reachins, "_fixes", reachins._Fixes())
    heard: list[str] = []
    with reachins.rendering(heard.append):
        pass
    with reachins.rendering(heard.append):
        pass
    assert len(heard) == 1
    assert "not a version zinekit's footnote fixes were written for" in heard[0]
    assert "rounding: a note that fits would move" in heard[0]


def test_layout_tree_is_readable():
    """``Page._page_box`` and ``AbsolutePlaceholder._box`` are still where they were."""
    import weasyprint

    document = weasyprint.HTML(string="<p style='position:absolute'>x</p><p>y</p>").render()
    root = reachins.page_box(document.pages[0])
    assert type(root).__name__ == "PageBox"
    from weasyprint.layout.absolute import AbsolutePlaceholder

    def walk(box):
        yield box
        for child in getattr(box, "children", None) or ():
            yield from walk(child)

    placeholders = [b for b in walk(root) if isinstance(b, AbsolutePlaceholder)]
    assert placeholders and all(reachins.placed_box(p) is not p for p in placeholders)


def test_stack_room_keeps_the_result():
    assert reachins.with_stack_room(lambda a, b: a * b, 6, 7) == 42
    if sys.version_info < (3, 14):
        assert reachins._roomy.__code__.co_stacksize == reachins.STACK_ROOM_SLOTS


def test_pypdf_internals_exist():
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, EncodedStreamObject

    writer = PdfWriter()
    reference = reachins.add_object(writer, DictionaryObject())
    assert reference.idnum >= 1
    assert "/Type" in reachins.writer_root(writer)
    stream = EncodedStreamObject()
    reachins.set_encoded_data(stream, b"x\x9c\x03\x00\x00\x00\x00\x01")
    assert reachins.encoded_data(stream) == b"x\x9c\x03\x00\x00\x00\x00\x01"
    assert DecodedStreamObject  # the decoded kind is pypdf's own, untouched


def test_zipfile_internals_exist(tmp_path):
    """A member written from known deflated bytes is the member ``writestr`` writes."""
    import zlib

    data = b"zine " * 2000
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    deflated = compressor.compress(data) + compressor.flush()
    ours, theirs = tmp_path / "ours.zip", tmp_path / "theirs.zip"
    for path, predeflated in ((ours, True), (theirs, False)):
        with zipfile.ZipFile(path, "w") as archive:
            info = zipfile.ZipInfo("font.otf", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if predeflated:
                reachins.write_predeflated(archive, info, data, deflated, 1)
            else:
                info._compresslevel = 1
                archive.writestr(info, data)
    assert ours.read_bytes() == theirs.read_bytes()
    with zipfile.ZipFile(ours) as archive:
        assert archive.read("font.otf") == data


def test_pool_processes_readable():
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(abs, -1).result() == 1
        assert len(reachins.pool_processes(pool)) == 1
    assert reachins.pool_processes(pool) == []


def test_every_reach_in_is_in_one_module():
    """Outside reachins.py, no zinekit module touches another library's private name."""
    import re

    private = re.compile(r"\b(?:writer|stream|form|original|page|box|pool|info|member|"
                         r"archive)\._[a-z]\w*")
    found = []
    for path in (REPO / "zinekit").rglob("*.py"):
        if path.name == "reachins.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if private.search(line) and not line.lstrip().startswith("#"):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert found == []


def test_the_table_names_existing_tests():
    """Every test the docstring's table names is in this file or the one it names."""
    import re

    table = reachins.__doc__ or ""
    names = set(re.findall(r"``(test_\w+)``", table))
    here = Path(__file__).read_text(encoding="utf-8")
    assert names and all(f"def {name}(" in here or _found_elsewhere(name) for name in names)


def _found_elsewhere(name: str) -> bool:
    return any(f"def {name}(" in p.read_text(encoding="utf-8") for p in (REPO / "tests").rglob("test_*.py"))
