"""Write the seed corpora of the fuzzers: the markup test fixtures and the example
series' Markdown, and a few small PDFs (plain, with outline and page labels, encrypted
with an empty password, with an object stream).

    python benchmarks/fuzz/make_seeds.py OUT_FOLDER    # writes OUT/markup and OUT/pdf
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


def markup_seeds(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    sources = [*sorted((REPO / "tests" / "markup" / "fixtures").glob("*.md")),
               *sorted((REPO / "examples").rglob("*.md")), REPO / "docs" / "markup.md"]
    for number, path in enumerate(sources):
        data = path.read_bytes()
        for part, start in enumerate(range(0, len(data), 2048)):
            (out / f"{number:02d}-{part:02d}-{path.stem}.md").write_bytes(data[start:start + 2048])


def pdf_seeds(out: Path) -> None:
    from pypdf import PdfWriter

    from tests.hostile import small_pdf
    from tests.test_fuzz_pdf import VALID

    out.mkdir(parents=True, exist_ok=True)
    (out / "small.pdf").write_bytes(small_pdf(2))
    (out / "rich.pdf").write_bytes(VALID)
    writer = PdfWriter(clone_from=io.BytesIO(VALID))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    (out / "owner-locked.pdf").write_bytes(buffer.getvalue())
    writer = PdfWriter(clone_from=io.BytesIO(VALID))
    writer.compress_identical_objects()
    buffer = io.BytesIO()
    writer.write(buffer)
    (out / "compressed.pdf").write_bytes(buffer.getvalue())


def theme_seeds(out: Path) -> None:
    """Each built-in template, with its theme's manifest and first stylesheet, joined by
    NUL bytes as ``fuzz_theme.py`` splits them; and one hostile template per escape."""
    out.mkdir(parents=True, exist_ok=True)
    themes = REPO / "themes"
    for number, template in enumerate(sorted((themes / "base" / "templates").rglob("*.html"))):
        toml = (themes / "pamphlet" / "theme.toml").read_text(encoding="utf-8")
        css = (themes / "pamphlet" / "css" / "pamphlet.css").read_text(encoding="utf-8")
        text = template.read_text(encoding="utf-8")[:2048] + "\0" + toml + "\0" + css[:1024]
        (out / f"{number:02d}-{template.stem}.txt").write_text(text, encoding="utf-8")
    escapes = ["{{ cycler.__init__.__globals__.os.system('id') }}", "{{ ''.__class__.__mro__ }}",
               "{{ lipsum.__globals__ }}", "{{ self._TemplateReference__context }}",
               "{% for x in range(10) %}{{ 'a' * 9 ** 9 }}{% endfor %}"]
    for number, template in enumerate(escapes):
        (out / f"escape-{number}.txt").write_text(template + "\0a = [[1]]\0p { x: ((1)) }")


def sanitiser_seeds(out: Path) -> None:
    """The raw HTML of the sanitiser's tests, one fragment a file."""
    from tests.markup.test_sanitize import HOSTILE, KEPT_AS_WRITTEN

    out.mkdir(parents=True, exist_ok=True)
    for number, fragment in enumerate([*KEPT_AS_WRITTEN, *(h[0] for h in HOSTILE)]):
        (out / f"{number:02d}.html").write_text(fragment, encoding="utf-8")


def import_seeds(out: Path) -> None:
    """The importer's fixtures, each behind the byte that picks its format in
    ``fuzz_import.py`` (0 html, 1 jekyll, 2 text, 3 muse)."""
    out.mkdir(parents=True, exist_ok=True)
    picks = {".html": 0, ".md": 1, ".txt": 2, ".muse": 3}
    for path in sorted((REPO / "tests" / "importer" / "fixtures").iterdir()):
        if path.suffix in picks:
            data = path.read_bytes()[:8000]
            (out / path.name).write_bytes(bytes([picks[path.suffix]]) + data)
    docx_member = b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body/></w:document>'
    (out / "package.docx").write_bytes(bytes([4]) + b"<Types/>\0" + docx_member)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "fuzz-corpus")
    markup_seeds(target / "markup")
    pdf_seeds(target / "pdf")
    theme_seeds(target / "theme")
    sanitiser_seeds(target / "sanitize")
    import_seeds(target / "import")
    print(f"seeds written to {target}/markup, pdf, theme, sanitize and import")
