"""Writing imports: one text to one Markdown file, or a folder of contributions to a
folder issue (``issue.md`` listing ``articles:`` in file-name order, one file each).

Files are written atomically; an existing file is never overwritten without ``force``,
and an output that is a link, a device or a named pipe never is (:mod:`zinekit.safety.output`).
A folder of contributions is someone else's: a link in it that leads out of it (to
``/etc/hostname``, to the editor's documents) is not followed, with a warning.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from zinekit.errors import ZinekitError, display_path
from zinekit.importer import FORMATS, import_file
from zinekit.importer.document import Imported
from zinekit.load import ISSUE_FILE
from zinekit.markup.structure import slugify
from zinekit.safety.output import check_replaceable, write_text
from zinekit.safety.names import nfc


@dataclass
class Written:
    """One imported file and where it went."""

    imported: Imported
    output: Path
    warnings: list[str] = field(default_factory=list)  # about the folder, shown first


def import_to(source: Path, output: Path, fmt: str | None = None, force: bool = False) -> Written:
    """Import ``source`` and write it, with front matter, to ``output``."""
    _refuse_overwrite([output], force)
    imported = import_file(source, fmt)
    write_text(output, imported.markdown("issue"))
    return Written(imported, output)


def import_folder(folder: Path, into: Path, fmt: str | None = None,
                  force: bool = False) -> list[Written]:
    """Import every text of ``folder`` (file-name order) as the articles of a folder issue."""
    warnings: list[str] = []
    sources = contributions(folder, fmt, warnings)
    if not sources:
        endings = ", ".join(e for ends in FORMATS.values() for e in ends)
        raise ZinekitError(f"{display_path(folder)}: no text to import here (files ending "
                           f"{endings})")
    names = article_names(sources)
    outputs = [into / name for name in names] + [into / ISSUE_FILE]
    _refuse_overwrite(outputs, force)
    done = [Written(import_file(src, fmt), into / name) for src, name in zip(sources, names)]
    done[0].warnings = warnings
    for item in done:
        write_text(item.output, item.imported.markdown("article"))
    write_text(into / ISSUE_FILE, issue_file(names, folder))
    return done


def contributions(folder: Path, fmt: str | None, warnings: list[str] | None = None) -> list[Path]:
    """The folder's files that can be imported, in file-name order (hidden files skipped);
    a link leading out of the folder is left out, with a warning added to ``warnings``."""
    found = sorted((p for p in folder.iterdir() if not p.name.startswith(".")
                    and (fmt is not None or p.suffix.lower() in _ALL_ENDINGS)), key=lambda p: p.name)
    kept = []
    for path in found:
        outside = _leads_out(path, folder)
        if outside is not None and warnings is not None:
            warnings.append(f"{display_path(path)}: warning: not imported: it is a link to "
                            f"{outside}, outside the folder {display_path(folder)}")
        elif outside is None and path.is_file():
            kept.append(path)
    return kept


def _leads_out(path: Path, folder: Path) -> str | None:
    """Where the link ``path`` leads when that is outside ``folder``; else None."""
    if not path.is_symlink():
        return None
    target = os.path.realpath(path)
    return None if Path(target).is_relative_to(os.path.realpath(folder)) else target


_ALL_ENDINGS = {e for ends in FORMATS.values() for e in ends}


def article_names(sources: list[Path]) -> list[str]:
    """One ``.md`` name per source, from its stem, unique within the issue."""
    used: set[str] = {ISSUE_FILE}
    names = []
    for source in sources:
        stem = slugify(source.stem).removeprefix("s-") or "article"
        name, n = f"{stem}.md", 1
        while name in used:
            n += 1
            name = f"{stem}-{n}.md"
        used.add(name)
        names.append(name)
    return names


def issue_file(names: list[str], folder: Path) -> str:
    """``issue.md``: a title from the contributions folder's name, and the articles."""
    meta = {"title": nfc(folder.resolve().name).replace("-", " ").replace("_", " ").strip() or "Issue",
            "articles": names}
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n"


def _refuse_overwrite(paths: list[Path], force: bool) -> None:
    for path in paths:  # a link, a device, a named pipe: --force or not
        check_replaceable(path)
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        shown = ", ".join(display_path(p) for p in existing[:3])
        more = f" and {len(existing) - 3} more" if len(existing) > 3 else ""
        raise ZinekitError(f"error: {shown}{more} already exists; not overwritten "
                           "(use --force to replace it)")
