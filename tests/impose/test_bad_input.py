"""Bad input: one clear message, exit status 1, no traceback, and no output written
(a previous good output file stays as it was)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfWriter

from impose_helpers import A7, make_numbered_pdf
from zinekit.cli import main
from zinekit.errors import ImposeError
from zinekit.impose import impose_file

GOOD = b"%PDF-1.7 a previous good output\n"


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """Work in tmp_path so messages show short relative paths; a good output already there."""
    monkeypatch.chdir(tmp_path)
    make_numbered_pdf(tmp_path / "ten.pdf", 10)
    (tmp_path / "out.pdf").write_bytes(GOOD)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, ["impose", *args])


def assert_refused(result, message: str, workdir: Path) -> None:
    assert result.exit_code == 1, result.output
    assert result.output == message + "\n"
    assert "Traceback" not in result.output
    assert (workdir / "out.pdf").read_bytes() == GOOD  # untouched
    assert not list(workdir.glob(".zinekit-tmp-*"))  # no temporary left behind


def _truncated(workdir: Path) -> str:
    data = (workdir / "ten.pdf").read_bytes()
    (workdir / "cut.pdf").write_bytes(data[: len(data) // 2])
    return "cut.pdf"


def _encrypted(workdir: Path) -> str:
    writer = PdfWriter(clone_from=str(workdir / "ten.pdf"))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    writer.write(workdir / "locked.pdf")
    return "locked.pdf"


def _empty(workdir: Path) -> str:
    PdfWriter().write(workdir / "empty.pdf")
    return "empty.pdf"


def _not_pdf(workdir: Path) -> str:
    (workdir / "notes.pdf").write_text("these are my notes, not a PDF\n")
    return "notes.pdf"


def _corrupt_content(workdir: Path) -> str:
    data = bytearray((workdir / "ten.pdf").read_bytes())
    streams = [m.end() for m in re.finditer(rb"/FlateDecode[^>]*>>\s*stream\r?\n", bytes(data))]
    data[streams[2] + 5: streams[2] + 15] = b"\x00" * 10
    (workdir / "bad.pdf").write_bytes(bytes(data))
    return "bad.pdf"


def _zero_bytes(workdir: Path) -> str:
    (workdir / "zero.pdf").write_bytes(b"")
    return "zero.pdf"


@pytest.mark.parametrize("make, message", [
    (_not_pdf, "notes.pdf: error: not a PDF file (it does not start with %PDF-)"),
    (_zero_bytes, "zero.pdf: error: the file is empty, not a PDF"),
    (_truncated, "cut.pdf: error: the PDF is damaged and cannot be read (Stream has ended unexpectedly)"),
    (_encrypted, "locked.pdf: error: the PDF is encrypted with a password; decrypt it first, "
                 "e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf"),
    (_empty, "empty.pdf: error: the PDF has no pages"),
    (_corrupt_content, "bad.pdf: error: page 3 is damaged and cannot be read (its content stream is "
                       "corrupt: Error -3 while decompressing data: invalid code lengths set)"),
])
def test_bad_pdfs(workdir, make, message):
    name = make(workdir)
    assert_refused(run(name, "-o", "out.pdf"), message, workdir)


def test_missing_file(workdir):
    assert_refused(run("nowhere.pdf", "-o", "out.pdf"), "nowhere.pdf: error: no such file", workdir)


def test_bad_option_value(workdir):
    assert_refused(run("ten.pdf", "-o", "out.pdf", "--creep", "0.1"),
                   "ten.pdf: error: --creep: '0.1' needs a unit: mm, cm, in or pt", workdir)


def test_too_many_pages_for_a_one_page_zine(workdir):
    assert_refused(run("ten.pdf", "-o", "out.pdf", "--layout", "onepagezine"),
                   "ten.pdf: error: a one-page zine has 8 pages; this PDF has 10 (use --layout twosheetzine "
                   "for up to 16, or --layout saddle)",
                   workdir)


def test_absurd_page_count(workdir, monkeypatch):
    monkeypatch.setattr("zinekit.impose.source.MAX_PAGES", 9)
    assert_refused(run("ten.pdf", "-o", "out.pdf"),
                   "ten.pdf: error: the PDF has 10 pages; zinekit imposes at most 9", workdir)


def test_refuses_to_overwrite_its_source(workdir):
    before = (workdir / "ten.pdf").read_bytes()
    result = run("ten.pdf", "-o", "ten.pdf")
    assert result.exit_code == 1
    assert result.output == "ten.pdf: error: the output would overwrite the source PDF; choose another -o\n"
    assert (workdir / "ten.pdf").read_bytes() == before


def test_owner_locked_pdf_opens_with_the_empty_password(workdir):
    writer = PdfWriter(clone_from=str(workdir / "ten.pdf"))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    writer.write(workdir / "owner.pdf")
    result = run("owner.pdf", "-o", "out.pdf")
    assert result.exit_code == 0, result.output
    assert (workdir / "out.pdf").read_bytes() != GOOD


def test_wrong_usage_is_exit_2(workdir):
    result = run("ten.pdf", "-o", "out.pdf", "--layout", "spiral")
    assert result.exit_code == 2


def test_impose_file_raises_impose_error(workdir):
    with pytest.raises(ImposeError) as info:
        impose_file(Path("ten.pdf"), Path("out.pdf"), layout="perfect", signature="6")
    assert info.value.diagnostic.path == "ten.pdf"
    assert info.value.diagnostic.message == "--signature: 6 is not a multiple of 4 (a folded sheet carries 4 pages)"


def test_a_failed_write_leaves_the_previous_output(workdir, monkeypatch):
    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("pypdf.PdfWriter.write", explode)
    with pytest.raises(OSError):
        impose_file(Path("ten.pdf"), Path("out.pdf"))
    assert (workdir / "out.pdf").read_bytes() == GOOD
    assert not list(workdir.glob(".zinekit-tmp-*"))


def test_small_zine_pages_are_fine(workdir):
    make_numbered_pdf(workdir / "tiny.pdf", 3, A7)
    result = run("tiny.pdf", "-o", "out.pdf", "--layout", "onepagezine")
    assert result.exit_code == 0, result.output
    assert "5 blank pages added between page 2 and page 3 (the back cover)" in result.output


# --------------------------------------------------------------- options of the binders

@pytest.mark.parametrize("args, message", [
    (("--layout", "repeat", "--flyleaves", "1"),
     "ten.pdf: error: --flyleaves applies to saddle, perfect, 4up, topbound and stab, not to --layout repeat"),
    (("--layout", "cutstack", "--binding", "rtl"),
     "ten.pdf: error: --binding rtl applies to saddle, perfect, 4up, onepagezine, twosheetzine, topbound "
     "and stab, "
     "not to --layout cutstack"),
    (("--binding-margin", "10mm"), "ten.pdf: error: --binding-margin applies to --layout stab, not to --layout saddle"),
    (("--up", "2"), "ten.pdf: error: --up applies to --layout perfect, not to --layout saddle"),
    (("--layout", "perfect", "--grain", "long"),
     "ten.pdf: error: --grain chooses how two signatures share a sheet; it applies with --up 2"),
    (("--layout", "perfect", "--up", "3"), "ten.pdf: error: --up: at most 2"),
    (("--duplex", "none"), "ten.pdf: error: --duplex none applies to repeat and cutstack, not to --layout saddle"),
    (("--layout", "onepagezine", "--duplex", "manual"),
     "ten.pdf: error: --duplex manual applies to saddle, perfect, 4up, repeat, topbound, stab and cutstack, "
     "not to --layout onepagezine"),
    (("--flyleaves", "x"), "ten.pdf: error: --flyleaves: 'x' is not a whole number"),
    (("--pages", "3-30"), "ten.pdf: error: --pages: page 30 is beyond the last page (10)"),
    (("--pages", "2,2"), "ten.pdf: error: --pages: page 2 is chosen twice"),
    (("--pages", "1-3", "--flyleaves", "1"),
     "ten.pdf: error: --flyleaves go inside the covers (pages 1-2 and the last two); this PDF has only 3 pages"),
])
def test_binder_options_refused_with_their_reason(workdir, args, message):
    assert_refused(run("ten.pdf", "-o", "out.pdf", *args), message, workdir)


def test_empty_output_name(workdir):
    assert_refused(run("ten.pdf", "-o", ""),
                   "ten.pdf: error: -o is empty: name the PDF to write, e.g. -o booklet.pdf", workdir)


def test_output_in_a_folder_that_is_a_file(workdir):
    (workdir / "notes").write_text("a file, not a folder\n")
    assert_refused(run("ten.pdf", "-o", "notes/out.pdf"),
                   "notes/out.pdf: error: cannot write here: notes is a file, not a folder", workdir)
    assert_refused(run("ten.pdf", "-o", "notes/deeper/out.pdf"),
                   "notes/deeper/out.pdf: error: cannot write here: notes is a file, not a folder", workdir)


def test_output_that_is_a_folder(workdir):
    (workdir / "dist").mkdir()
    assert_refused(run("ten.pdf", "-o", "dist"), "dist: error: is a folder; -o names the PDF file to write",
                   workdir)


def test_a_device_is_refused_before_it_is_read(workdir):
    """/dev/zero never ends: it is refused for what it is, not read."""
    result = run("/dev/zero", "-o", "out.pdf")
    assert result.exit_code == 1
    assert result.output == "/dev/zero: error: is not a regular file (a device, a pipe or a socket); give a PDF file\n"


def test_a_pipe_is_refused(workdir):
    import os

    os.mkfifo(workdir / "pipe.pdf")
    assert_refused(run("pipe.pdf", "-o", "out.pdf"),
                   "pipe.pdf: error: is not a regular file (a device, a pipe or a socket); give a PDF file", workdir)


def test_a_pdf_needing_a_password_to_open_is_refused(workdir):
    import subprocess

    subprocess.run(["qpdf", "--encrypt", "user", "owner", "256", "--", "ten.pdf", "locked.pdf"], check=True,
                   cwd=workdir)
    assert_refused(run("locked.pdf", "-o", "out.pdf"),
                   "locked.pdf: error: the PDF is encrypted with a password; decrypt it first, "
                   "e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf", workdir)


def test_manual_duplex_writes_both_files_or_neither(workdir, monkeypatch):
    calls = []
    real = __import__("pypdf").PdfWriter.write

    def second_fails(self, stream):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(self, stream)

    monkeypatch.setattr("pypdf.PdfWriter.write", second_fails)
    with pytest.raises(OSError):
        impose_file(Path("ten.pdf"), Path("out.pdf"), duplex="manual")
    assert not (workdir / "out-fronts.pdf").exists() and not (workdir / "out-backs.pdf").exists()
    assert not list(workdir.glob(".zinekit-tmp-*"))
