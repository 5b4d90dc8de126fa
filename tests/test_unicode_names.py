"""One text, one output name: ``café`` typed with one character for ``é`` (NFC) or with
``e`` and a combining accent (NFD, as macOS names files) names the same output, in NFC;
and an image named NFD on disk is found from Markdown, which is read as NFC."""

from __future__ import annotations

import os
import subprocess
import unicodedata
import zipfile
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from tests.hostile import small_pdf, write
from zinekit.cli import main
from zinekit.safety.names import existing_path, output_path

NFC = unicodedata.normalize("NFC", "café")
NFD = unicodedata.normalize("NFD", "café")


def run(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output and "internal error" not in result.output, \
        result.output
    return result


def names(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def test_an_output_name_is_nfc_and_a_folder_already_there_keeps_its_name(tmp_path):
    assert output_path(Path(f"{NFD}.md")) == Path(f"{NFC}.md")
    assert output_path(tmp_path / NFD / f"{NFD}.pdf") == tmp_path / NFC / f"{NFC}.pdf"
    (tmp_path / NFD).mkdir()  # made by macOS: written into as it is named
    assert output_path(tmp_path / NFC / f"{NFD}.pdf") == tmp_path / NFD / f"{NFC}.pdf"


def test_an_image_named_nfd_is_found_under_its_nfc_name(tmp_path):
    write(tmp_path / NFD / f"{NFD}.png", b"png")
    assert existing_path(tmp_path / NFC / f"{NFC}.png") == tmp_path / NFD / f"{NFD}.png"
    assert existing_path(tmp_path / "tea.png") == tmp_path / "tea.png"


def test_import_to_an_nfd_name_and_an_nfc_name_writes_one_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("in.txt").write_text("The kettle boiled twice before dawn.\n", encoding="utf-8")
    assert run("import", "in.txt", "-o", f"{NFD}.md").exit_code == 0
    result = run("import", "in.txt", "-o", f"{NFC}.md")
    assert result.exit_code == 1
    assert f"error: {NFC}.md already exists; not overwritten" in result.output
    assert names(tmp_path) == [f"{NFC}.md", "in.txt"]


def test_import_into_an_nfd_folder_writes_nfc_names_and_lists_each_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    received = Path(f"{NFD} letters")  # two texts of the same name, typed two ways
    write(received / f"{NFC}.txt", b"The kettle boiled twice.\n")
    write(received / f"{NFD}.txt", "The café opened late.\n".encode())
    result = run("import", received, "--into", f"{NFD}-issue")
    assert result.exit_code == 0, result.output
    assert f"{NFC}-issue" in names(tmp_path) and f"{NFD}-issue" not in names(tmp_path)
    folder = tmp_path / f"{NFC}-issue"
    assert names(folder) == [f"{NFC}-2.md", f"{NFC}.md", "issue.md"]
    issue = (folder / "issue.md").read_text(encoding="utf-8")
    assert f"title: {NFC} letters\n" in issue
    assert f"- {NFC}.md\n- {NFC}-2.md\n" in issue


def test_impose_to_an_nfd_name_writes_the_nfc_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(Path("in.pdf"), small_pdf(4))
    assert run("impose", "in.pdf", "-o", f"{NFD}.pdf").exit_code == 0
    assert run("impose", "in.pdf", "-o", f"{NFC}.pdf").exit_code == 0
    assert names(tmp_path) == [f"{NFC}.pdf", "in.pdf"]


def test_build_into_an_nfd_folder_with_an_nfd_image_written_nfc(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Image.new("RGB", (40, 30), (200, 40, 40)).save(tmp_path / f"{NFD}.png")
    Path("issue.md").write_text(f"---\ntitle: Kettle\n---\n\nMorning.\n\n![A {NFC} sign]({NFC}.png)"
                                "\n", encoding="utf-8")
    result = run("build", "issue.md", "--out", f"{NFD}-dist", "--format", "pdf,epub,html")
    assert result.exit_code == 0, result.output
    assert "not found" not in result.output
    assert f"{NFC}-dist" in names(tmp_path) and f"{NFD}-dist" not in names(tmp_path)
    [built] = (tmp_path / f"{NFC}-dist").glob("[!.]*")
    images = subprocess.run(["pdfimages", "-list", str(next(built.glob("*.pdf")))],
                            capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) >= 3  # the header lines and the image
    assert [p.name for p in built.rglob("*.png")] == [f"{NFC}.png"]  # the web edition's copy
    with zipfile.ZipFile(next(built.glob("*.epub"))) as epub:
        assert any(name.endswith(".png") for name in epub.namelist())


def test_an_issue_folder_named_nfd_builds_into_a_folder_named_nfc(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(Path(NFD) / "issue.md", b"---\ntitle: Kettle\n---\n\nMorning.\n")
    result = run("build", NFD, "--out", "dist", "--format", "html")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "dist").glob("[!.]*")] == [NFC]
