"""Random output folders given to the build's bookkeeping: manifests, results and store
files with random names, contents, signatures and links.  Whatever is there, reading
the store, restoring from it, recording into it and pruning it change nothing outside
the output folder, and end without a traceback (a refusal is a :class:`ZinekitError`)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.test_untrusted_store import USER_KEY, digest, snapshot
from zinekit.pipeline import reuse
from zinekit.safety import trust
from zinekit.errors import Diagnostics, ZinekitError

INPUTS = {"files": {"notes.md": "0" * 64}, "formats": ["pdf"]}
KEY = reuse.result_key(INPUTS)
PDF = b"%PDF-1.7 the genuine output\n"
DOC = b"the user's own letter\n"

NAMES = st.sampled_from([
    KEY + ".json", "a" * 64, digest(PDF), digest(DOC), "ab", digest(PDF)[:2], "..", ".",
    "../../../docs/letter.odt", "/tmp/zinekit-fuzz-escaped", "notes.pdf", "x.json",
    ".zinekit-tmp-1-00000000-x", "\\..\\x", "sub/../../x"]) | st.text(min_size=1, max_size=12)
OUTPUT_NAMES = NAMES | st.sampled_from(["notes.pdf", "../escaped", "../../docs/letter.odt"])
WHERE = st.sampled_from(["store/results/notes", "store/files", "store/files/ab",
                         f"store/files/{digest(PDF)[:2]}", f"store/files/{digest(DOC)[:2]}",
                         "store/results", "store", ""])


def escaping_result() -> list:
    """A result signed with the user's key whose output name leads to the documents,
    and the store file it names: what a name check must stop."""
    trust.use_store_key(USER_KEY)
    data = trust.signed({"format": reuse.MANIFEST_FORMAT, "version": reuse.MANIFEST_VERSION,
                         "inputs": INPUTS, "outputs": {"../../../docs/letter.odt": digest(DOC)},
                         "pages": 1, "diagnostics": []})
    return [("store/results/notes", KEY + ".json", "manifest", json.dumps(data).encode()),
            (f"store/files/{digest(DOC)[:2]}", digest(DOC), "bytes", DOC)]


@st.composite
def entries(draw):
    kind = draw(st.sampled_from(["manifest", "bytes", "link to a file", "link to a folder",
                                 "folder", "fifo"]))
    content = b""
    if kind == "manifest":
        outputs = draw(st.dictionaries(OUTPUT_NAMES, st.sampled_from([digest(PDF), digest(DOC),
                                                                      "../x", "0" * 64]), max_size=3))
        data = {"format": reuse.MANIFEST_FORMAT, "version": reuse.MANIFEST_VERSION,
                "inputs": draw(st.sampled_from([INPUTS, {}])), "outputs": outputs,
                "pages": draw(st.sampled_from([1, "x", None])), "diagnostics": []}
        if draw(st.booleans()):
            data = trust.signed(data)
        content = json.dumps(data).encode()
    elif kind == "bytes":
        content = draw(st.sampled_from([PDF, DOC, b"", b"{", b"\xff\xfe"]))
    return draw(WHERE), draw(NAMES), kind, content


def lay_out(dist: Path, docs: Path, found: list) -> None:
    for where, name, kind, content in found:
        folder = dist / ".zinekit" / where
        path = folder / name
        try:
            if not path.resolve().is_relative_to(dist.resolve()):
                continue  # the test only writes inside the output folder
            folder.mkdir(parents=True, exist_ok=True)
            if os.path.lexists(path):
                continue  # taken by an earlier entry (writing into its named pipe would block)
            if kind == "link to a file":
                path.symlink_to(docs / "letter.odt")
            elif kind == "link to a folder":
                path.symlink_to(docs)
            elif kind == "folder":
                path.mkdir()
            elif kind == "fifo":
                os.mkfifo(path)
            else:
                path.write_bytes(content)
            os.utime(path, (1, 1), follow_symlinks=False)
        except (OSError, ValueError):
            continue  # a name the file system refuses, or taken by an earlier entry


def run_bookkeeping(dist: Path, project: Path) -> None:
    out = dist / "notes"
    for step in (lambda: reuse.reusable(out, INPUTS, project, print),
                 lambda: reuse.restore(out, INPUTS, project, print),
                 lambda: reuse.record(out, INPUTS, {out / "notes.pdf": PDF}, 1, Diagnostics(), project),
                 lambda: reuse.prune_store(dist, print)):
        try:
            step()
        except ZinekitError:
            pass  # a located refusal, as the build prints it


@example(found=escaping_result(), store_is_a_link=False)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(found=st.lists(entries(), max_size=8), store_is_a_link=st.booleans())
def test_no_output_folder_changes_anything_outside_it(found, store_is_a_link):
    trust.use_store_key(USER_KEY)
    with tempfile.TemporaryDirectory() as place:
        top = Path(place)
        project, docs = top / "proj", top / "docs"
        (docs / "files" / "ab").mkdir(parents=True)
        (docs / "letter.odt").write_bytes(DOC)
        (docs / "files" / "ab" / ("ab" + "0" * 62)).write_bytes(DOC)
        dist = project / "dist"
        (dist / "notes").mkdir(parents=True)
        (dist / "notes" / "notes.pdf").write_bytes(PDF)
        if store_is_a_link:
            (dist / ".zinekit").mkdir()
            (dist / ".zinekit" / "store").symlink_to(docs)
        lay_out(dist, docs, found)
        before = snapshot(docs)
        run_bookkeeping(dist, project)
        assert snapshot(docs) == before
        assert sorted(p.name for p in top.iterdir()) == ["docs", "proj"]
        assert not Path("/tmp/zinekit-fuzz-escaped").exists()
    trust._key.clear()
