"""What zinekit prints about hostile names and a hostile machine: every file name and
every text a user or a file supplied is shown escaped (a newline or a right-to-left
override in a name never acts on the terminal), a full or read-only disk is one located
line, a device as source or output is said so, and a font problem names its file."""

from __future__ import annotations

import builtins
import errno
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.hostile import small_pdf, write
from zinekit.safety import output
from zinekit.cli import main
from zinekit.errors import Diagnostic, ZinekitError, display_path, printable

THEMES = Path(__file__).resolve().parent.parent / "themes"
UNKNOWN_KEY = "error: unknown front matter key 'bogus' (prefix it with 'x-' to keep private data)"
BAD_FRONT_MATTER = "---\ntitle: Night Shift\nbogus: 1\n---\n\nThe kettle again.\n"


def run(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output and "internal error" not in result.output, \
        result.output
    return result


# --- escaping -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, shown", [
    ("a\nb", "a\\nb"),
    ("a\r\tb", "a\\r\\tb"),
    ("\x1b[31mred", "\\x1b[31mred"),
    ("\x85\x7f", "\\x85\\x7f"),
    ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
    ("\u2066\u2067\u2068\u2069\u200e\u200f\u061c", "\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c"),
    ("line\u2028para\u2029", "line\\u2028para\\u2029"),
    (os.fsdecode(b"caf\xe9.md"), "caf\\xe9.md"),  # a Latin-1 name on a UTF-8 system
    ("café عربي 👩\u200d🔧 C:\\dir", "café عربي 👩\u200d🔧 C:\\dir"),  # kept as written
])
def test_printable_escapes_controls_and_bidi_overrides(raw: str, shown: str):
    assert printable(raw) == shown
    assert printable(printable(raw)) == shown  # escaping twice changes nothing


def test_every_way_a_message_names_a_file_escapes_it():
    name = "x\nfake.md:1:1: error: \u202eboo"
    shown = "x\\nfake.md:1:1: error: \\u202eboo"
    assert display_path(name) == shown
    assert str(Diagnostic("error", "a\nb", name, 2, 3)) == f"{shown}:2:3: error: a\\nb"
    assert ZinekitError(f"error: {name}").format_message() == f"error: {shown}"


def test_a_newline_in_a_file_name_cannot_forge_a_report_line(tmp_path, monkeypatch):
    name = "x\nfake.txt:9:9: error: all is well\n.md"
    (tmp_path / name).write_text(BAD_FRONT_MATTER, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("build", name)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"x\\nfake.txt:9:9: error: all is well\\n.md:3:1: {UNKNOWN_KEY}",
        "build failed: 1 error; nothing was written"]


def test_a_right_to_left_override_in_a_file_name_reaches_no_terminal(tmp_path, monkeypatch):
    name = "invoice\u202edm.exe.md"
    (tmp_path / name).write_text(BAD_FRONT_MATTER, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("check", name)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"invoice\\u202edm.exe.md:3:1: {UNKNOWN_KEY}"
    assert "\u202e" not in result.output


def test_an_imported_file_name_is_escaped_in_the_report(tmp_path, monkeypatch):
    name = "letter\n\u202e.txt"
    (tmp_path / name).write_text("Dear editors,\n\nthe roof leaks.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("import", name, "-o", "letter.md")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("imported letter\\n\\u202e.txt → letter.md")


# --- a full disk, a read-only folder ----------------------------------------------------------

DEV_FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(not DEV_FULL.exists() or not stat.S_ISCHR(
    DEV_FULL.stat().st_mode), reason="no /dev/full on this system")


@pytest.fixture(autouse=True)
def _devices_never_replaced(request):
    """A tree that still renames a temporary over its destination would, run as root,
    replace /dev/null or /dev/full with a regular file: such a tree is not tested here."""
    if "dev_" in request.node.name and not hasattr(output, "check_replaceable"):
        pytest.skip("this zinekit renames over devices")


@needs_dev_full
def test_impose_to_dev_full_is_a_located_error(tmp_path, monkeypatch):
    write(tmp_path / "in.pdf", small_pdf(4))
    monkeypatch.chdir(tmp_path)
    result = run("impose", "in.pdf", "-o", "/dev/full")
    assert result.exit_code == 1
    assert result.stderr == ("/dev/full: error: not written: it is a device, not a regular file, "
                             "and zinekit replaces only regular files (remove it, or write "
                             "elsewhere)\n")
    assert stat.S_ISCHR(DEV_FULL.stat().st_mode)  # refused, never renamed over


@needs_dev_full
def test_import_to_dev_full_is_a_located_error(tmp_path, monkeypatch):
    (tmp_path / "in.txt").write_text("A short text.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("import", "in.txt", "-o", "/dev/full", "--force")
    assert result.exit_code == 1
    assert result.stderr == ("/dev/full: error: not written: it is a device, not a regular file, "
                             "and zinekit replaces only regular files (remove it, or write "
                             "elsewhere)\n")


def test_impose_to_dev_null_is_refused_and_leaves_the_device(tmp_path, monkeypatch):
    write(tmp_path / "in.pdf", small_pdf(4))
    monkeypatch.chdir(tmp_path)
    result = run("impose", "in.pdf", "-o", os.devnull)
    assert result.exit_code == 1, result.output
    assert "error: not written: it is a device" in result.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert not list(Path("/dev").glob(output.TEMP_PREFIX + "*"))


def refuse_writes(monkeypatch, folder: Path, code: int) -> None:
    """Writes into ``folder`` fail with ``code`` (EROFS, EACCES) as on a read-only mount
    or a folder without write permission: every way zinekit creates, opens for writing,
    or renames a file.  (Tests may run as root, whom chmod does not stop.)"""
    folder = folder.resolve()

    def inside(path) -> bool:
        return not isinstance(path, int) and Path(os.path.abspath(os.fsdecode(path))) \
            .is_relative_to(folder)

    def refuse(path):
        raise OSError(code, os.strerror(code), os.fsdecode(path))

    real_open, real_os_open, real_mkdir, real_replace = builtins.open, os.open, os.mkdir, \
        os.replace

    def checked_open(file, mode="r", *args, **kwargs):
        if inside(file) and set(mode) & set("wax+"):
            refuse(file)
        return real_open(file, mode, *args, **kwargs)

    def checked_os_open(path, flags, *args, **kwargs):
        if inside(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            refuse(path)
        return real_os_open(path, flags, *args, **kwargs)

    def checked_mkdir(path, *args, **kwargs):
        if inside(path) and not os.path.isdir(path):
            refuse(path)
        return real_mkdir(path, *args, **kwargs)

    def checked_replace(src, dst, *args, **kwargs):
        if inside(dst):
            refuse(dst)
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", checked_open)
    monkeypatch.setattr(os, "open", checked_os_open)
    monkeypatch.setattr(os, "mkdir", checked_mkdir)
    monkeypatch.setattr(os, "replace", checked_replace)


@pytest.fixture
def built_once(tmp_path, monkeypatch) -> Path:
    (tmp_path / "notes.md").write_text("---\ntitle: Read Only\n---\n\nSome text.\n",
                                       encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run("build", "notes.md", "-q", "--format", "pdf").exit_code == 0
    (tmp_path / "notes.md").write_text("---\ntitle: Read Only, Again\n---\n\nOther.\n",
                                       encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("code, reason", [(errno.EROFS, "Read-only file system"),
                                          (errno.EACCES, "Permission denied")])
def test_a_read_only_output_folder_is_one_located_line(built_once, monkeypatch, code, reason):
    before = (built_once / "dist" / "notes" / "notes.pdf").read_bytes()
    refuse_writes(monkeypatch, built_once / "dist", code)
    result = run("build", "notes.md", "-q", "--format", "pdf")
    assert result.exit_code == 1
    assert result.stderr == (f"dist/notes/notes.inventory.json: error: cannot write in "
                             f"dist/notes: {reason}\n")
    monkeypatch.undo()
    assert (built_once / "dist" / "notes" / "notes.pdf").read_bytes() == before


def test_a_read_only_project_folder_is_one_located_line(tmp_path, monkeypatch):
    (tmp_path / "notes.md").write_text("---\ntitle: Read Only\n---\n\nSome text.\n",
                                       encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    refuse_writes(monkeypatch, tmp_path, errno.EROFS)
    result = run("build", "notes.md", "-q", "--format", "pdf")
    assert result.exit_code == 1
    assert result.stderr == ("dist/notes/notes.inventory.json: error: cannot write in "
                             "dist/notes: Read-only file system\n")
    assert not (tmp_path / "dist").exists()


def test_new_in_a_read_only_folder_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    refuse_writes(monkeypatch, tmp_path, errno.EROFS)
    result = run("new", "zine")
    assert result.exit_code == 1
    assert result.stderr == "zine: error: Read-only file system\n"


# --- a device or a named pipe as the source -----------------------------------------------------


@pytest.mark.parametrize("command", [["import", "/dev/zero", "-o", "out.md"],
                                     ["import", "/dev/zero", "--from", "text", "-o", "out.md"],
                                     ["build", "/dev/zero"], ["check", "/dev/zero"]])
def test_a_device_as_the_source_is_a_located_error(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = run(*command)
    assert result.exit_code == 1
    assert result.stderr == "/dev/zero: error: /dev/zero is a device, not a regular file; not read\n"
    assert not (tmp_path / "out.md").exists()


@pytest.mark.parametrize("command", [["import", "pipe.txt", "-o", "out.md"],
                                     ["build", "pipe.md"]])
def test_a_named_pipe_as_the_source_is_a_located_error(tmp_path, monkeypatch, command):
    os.mkfifo(tmp_path / command[1])
    monkeypatch.chdir(tmp_path)
    result = run(*command)
    assert result.exit_code == 1
    assert result.stderr == (f"{command[1]}: error: {command[1]} is a named pipe, not a "
                             "regular file; not read\n")


def test_an_import_of_an_unknown_ending_is_an_error_line(tmp_path, monkeypatch):
    (tmp_path / "notes.xyz").write_text("text\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("import", "notes.xyz", "-o", "out.md")
    assert result.exit_code == 1
    assert result.stderr == ("notes.xyz: error: cannot tell the format from the ending "
                             "'.xyz'; name it with --from (text, html, jekyll, muse, docx, "
                             "odt)\n")


# --- fonts and images ---------------------------------------------------------------------------


def damaged_font(path: Path) -> None:
    """Bebas Neue with its character map overwritten: the file opens, its cmap does not."""
    from fontTools.ttLib import TTFont

    source = THEMES / "cutpaste" / "fonts" / "BebasNeue-Bold.otf"
    data = bytearray(source.read_bytes())
    table = TTFont(source).reader.tables["cmap"]
    data[table.offset + 4:table.offset + table.length] = b"\xff" * (table.length - 4)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(data))


def test_a_damaged_theme_font_is_blamed_on_the_font_file(tmp_path, monkeypatch):
    (tmp_path / "notes.md").write_text("---\ntitle: Broken Type\ntheme: cutpaste\n---\n\n"
                                       "# A head\n\nText.\n", encoding="utf-8")
    damaged_font(tmp_path / "theme" / "fonts" / "BebasNeue-Bold.otf")
    monkeypatch.chdir(tmp_path)
    result = run("build", "notes.md", "--format", "pdf,epub", "-q")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    # after the colon, fontTools' own words for the damage (they vary with its version)
    assert lines[0].startswith("theme/fonts/BebasNeue-Bold.otf: error: font file cannot be "
                               "read (damaged, or not a font): ")
    assert lines[1:] == ["build failed: 1 error; nothing was written"]
    assert "cover.svg" not in result.output


def test_a_font_family_the_theme_lacks_is_a_located_warning(tmp_path, monkeypatch):
    from zinekit.render.fonts import system_families

    if system_families() is None:
        pytest.skip("fontconfig (fc-list) is not installed: zinekit cannot tell")
    (tmp_path / "notes.md").write_text("---\ntitle: Missing Type\n---\n\nText.\n",
                                       encoding="utf-8")
    (tmp_path / "theme" / "css").mkdir(parents=True)
    (tmp_path / "theme" / "css" / "pamphlet.css").write_text(
        (THEMES / "pamphlet" / "css" / "pamphlet.css").read_text(encoding="utf-8")
        + '\nh1 {\n  font-family: "Nowhere Grotesk", sans-serif;\n}\n', encoding="utf-8")
    line = (tmp_path / "theme" / "css" / "pamphlet.css").read_text().count("\n") - 1
    monkeypatch.chdir(tmp_path)
    result = run("check", "notes.md")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        f'theme/css/pamphlet.css:{line}:3: warning: font-family "Nowhere Grotesk": not in the '
        "theme (no @font-face names it) and not installed on this machine; the text is set "
        "in the machine's sans-serif font instead (add the font to the theme's fonts/ with "
        "an @font-face rule, or install it)")


def test_the_built_in_themes_name_no_missing_font():
    from zinekit.errors import Diagnostics
    from zinekit.render.fonts import check_font_families, check_theme_fonts
    from zinekit.themes_loader import available_themes, load_theme

    for name in available_themes():
        theme, found = load_theme(name), Diagnostics()
        check_theme_fonts(theme.fonts(), found)
        check_font_families(theme.stylesheets("print"), found)
        assert found.lines() == [], name


def test_a_damaged_cover_image_is_named_as_written_at_its_line(tmp_path, monkeypatch):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "front.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    (tmp_path / "notes.md").write_text("---\ntitle: Torn Cover\ncover: images/front.png\n---"
                                       "\n\nText.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("check", "notes.md")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("notes.md:3:1: error: image could not be loaded "
                                             "(not an image, or damaged): images/front.png")
    assert "zinekit-project" not in result.output
