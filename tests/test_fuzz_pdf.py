"""Property tests: damaged PDFs (bytes flipped, cut, repeated or spliced from a small
valid PDF) given to the back-issue reader and to imposition raise zinekit's own errors,
never anything else."""

from __future__ import annotations

import io
import itertools
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from zinekit.errors import ZinekitError
from zinekit.impose import impose_pdf
from zinekit.resolve.pdfinfo import PdfProblem, clear_cache, read_pdf_info


def rich_pdf() -> bytes:
    """Four pages with content, an outline (nested), page labels and metadata."""
    writer = PdfWriter()
    for number in range(1, 5):
        page = writer.add_blank_page(298, 420)
        content = DecodedStreamObject()
        content.set_data(f"0 g BT /F1 24 Tf 40 200 Td ({number}) Tj ET 10 10 50 50 re f".encode())
        page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    first = writer.add_outline_item(title="First article", page_number=0)
    writer.add_outline_item(title="A section", page_number=1, parent=first)
    writer.add_outline_item(title="Second article", page_number=2)
    writer.set_page_label(0, 1, style="/r")
    writer.set_page_label(2, 3, style="/D", start=1)
    writer.add_metadata({"/Title": "Fuzz"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


VALID = rich_pdf()
_paths = itertools.count()

# A damage: ("flip", offset, byte), ("cut", offset), ("drop", offset, length),
# ("repeat", offset, length) or ("splice", offset, bytes).
DAMAGE = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, len(VALID) - 1), st.integers(0, 255)),
    st.tuples(st.just("cut"), st.integers(0, len(VALID))),
    st.tuples(st.just("drop"), st.integers(0, len(VALID) - 1), st.integers(1, 64)),
    st.tuples(st.just("repeat"), st.integers(0, len(VALID) - 1), st.integers(1, 64)),
    st.tuples(st.just("splice"), st.integers(0, len(VALID)),
              st.sampled_from([b"0", b"-1", b"999999999", b"/Count 1000000000", b"R", b" 1 0 R ",
                               b"<<", b">>", b"[", b"]", b"stream\n", b"endobj", b"%%EOF", b"\xff\xfe",
                               b"/Kids [1 0 R]", b"/Parent 1 0 R", b"/Length 1000000000"])),
)


def damaged(damages: list[tuple]) -> bytes:
    data = bytearray(VALID)
    for damage in damages:
        kind, at = damage[0], min(damage[1], len(data))
        if kind == "flip" and at < len(data):
            data[at] = damage[2]
        elif kind == "cut":
            del data[at:]
        elif kind == "drop":
            del data[at:at + damage[2]]
        elif kind == "repeat":
            data[at:at] = data[at:at + damage[2]]
        elif kind == "splice":
            data[at:at] = damage[2]
    return bytes(data)


# ZK_FUZZ_EXAMPLES=5000 for a longer run (see docs/fuzzing.md)
FUZZ = settings(max_examples=int(os.environ.get("ZK_FUZZ_EXAMPLES", "150")), deadline=None,
                derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


@FUZZ
@given(st.lists(DAMAGE, min_size=1, max_size=4))
def test_back_issue_reader_raises_only_pdf_problem(tmp_path: Path, damages) -> None:
    path = tmp_path / f"back-{next(_paths)}.pdf"
    path.write_bytes(damaged(damages))
    try:
        info = read_pdf_info(path)
    except PdfProblem as problem:
        assert str(problem)
        return
    assert info.pages >= 1
    assert len(info.page_labels) == info.pages
    assert all(o.page_index is None or 1 <= o.page_index <= info.pages for o in info.outline)


@FUZZ
@given(st.lists(DAMAGE, min_size=1, max_size=4))
def test_imposition_raises_only_zinekit_errors(tmp_path: Path, damages) -> None:
    output = tmp_path / f"out-{next(_paths)}.pdf"
    try:
        report = impose_pdf(damaged(damages), output, label="in.pdf")
    except ZinekitError:
        assert not output.exists()
        return
    assert output.is_file() and report.sheets >= 1


def test_the_undamaged_pdf_is_read_and_imposed(tmp_path: Path) -> None:
    path = tmp_path / "valid.pdf"
    path.write_bytes(VALID)
    info = read_pdf_info(path)
    assert info.pages == 4 and info.page_labels == ("i", "ii", "1", "2")
    assert [o.title for o in info.outline] == ["First article", "A section", "Second article"]
    impose_pdf(VALID, tmp_path / "out.pdf", label="valid.pdf")


@pytest.mark.parametrize("name, why", [
    (b"/FlateDecodf", "Unsupported filter /FlateDecodf"),
    (b"/Fl", "The filter name /Fl is deprecated and has been removed in pypdf 7.0.0"),
])
def test_an_unknown_filter_is_a_damaged_page(tmp_path: Path, name: bytes, why: str) -> None:
    """Found by the test above: a damaged filter name made pypdf raise NotImplementedError
    or its DeprecationError, which escaped as internal errors."""
    data = VALID.replace(b"/FlateDecode", name, 2)
    with pytest.raises(ZinekitError) as info:
        impose_pdf(data, tmp_path / "out.pdf", label="in.pdf")
    assert info.value.message.startswith(f"in.pdf: error: page 1 is damaged and cannot be read ({why}")
