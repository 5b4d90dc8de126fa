"""The imposition pipeline: open → arrange → place → write → report.

    1. check where the output goes, before reading anything;
    2. open and check the source (source.py);
    3. arrange: pages, page order, sheet (arrange.py, layouts.py, leaves.py, geometry.py);
    4. place every page once as a Form XObject on the sheet sides (sheets.py, marks.py);
    5. write the output atomically — with ``--duplex manual`` two files, the fronts and
       the backs, both or neither;
    6. report what was done (report.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import zlib
from pathlib import Path

from pypdf import PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from zinekit import __version__
from zinekit.errors import ImposeError, display_path
from zinekit.impose.arrange import Job, arrange
from zinekit.impose.options import ImposeOptions
from zinekit.impose.report import ImposeReport, build_report
from zinekit.impose.sheets import FormCache, add_sheets, side_labels
from zinekit.impose.source import READ_ERRORS, SourceLike, SourcePdf, open_source, quiet_pypdf, source_labels
from zinekit.reachins import writer_root
from zinekit.safety.output import atomic_path

__all__ = ["impose_file", "impose_pdf", "output_files"]

_KEPT_INFO = ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/CreationDate", "/ModDate")


def impose_file(source: Path | str, output: Path | str, **options) -> ImposeReport:
    """Impose the PDF at ``source`` into ``output``; options as the command line gives them
    (``layout="perfect"``, ``signature="16-32"``, ``sheet="A4"``, ``creep="0.1mm"`` …)."""
    checked = ImposeOptions.parse(**options, path=str(source))
    return impose_pdf(Path(source), output, checked)


def impose_pdf(source: SourceLike, output: Path | str, options: ImposeOptions | None = None,
               *, label: str | None = None) -> ImposeReport:
    """Impose ``source`` into ``output`` (written atomically: whole or not at all)."""
    options = options or ImposeOptions()
    if label is None and isinstance(source, (str, Path)):
        label = str(source)
    targets = output_files(output, options, label)
    pdf = open_source(source, label)
    try:
        _refuse_overwriting_source(source, targets, pdf)
        if options.blank_back:
            pdf.add_blank_page()
        job = arrange(pdf, options)
        labels = source_labels(pdf)
        flattened = _write(pdf, job, options, targets, labels)
    finally:
        pdf.close()
    return build_report(pdf, job, options, targets, labels, flattened)


def output_files(output: Path | str, options: ImposeOptions, label: str | None = None) -> list[Path]:
    """The file(s) to write: ``output``, or with ``--duplex manual`` ``OUT-fronts.pdf`` and
    ``OUT-backs.pdf``; refused at once when they cannot be written there."""
    if str(output).strip() == "":
        raise ImposeError("-o is empty: name the PDF to write, e.g. -o booklet.pdf", path=label)
    output = Path(output)
    if options.duplex == "manual":
        stem = output.name[:-4] if output.suffix.lower() == ".pdf" else output.name
        targets = [output.with_name(f"{stem}-fronts.pdf"), output.with_name(f"{stem}-backs.pdf")]
    else:
        targets = [output]
    for target in targets:
        _check_writable(target)
    return targets


def _check_writable(target: Path) -> None:
    """A folder on the way that is a file, or an output that is a folder, is named now."""
    if target.is_dir():
        raise ImposeError("is a folder; -o names the PDF file to write", path=str(target))
    for parent in target.parents:
        if parent.exists():
            if not parent.is_dir():
                raise ImposeError(f"cannot write here: {display_path(parent)} is a file, not a folder",
                                  path=str(target))
            return


def _refuse_overwriting_source(source: SourceLike, targets: list[Path], pdf: SourcePdf) -> None:
    if not isinstance(source, (str, Path)):
        return
    for output in targets:
        try:
            same = output.exists() and os.path.samefile(source, output)
        except OSError:
            same = False
        if same:
            raise pdf.fail("the output would overwrite the source PDF; choose another -o")


# ----------------------------------------------------------------------------- writing

def _write(pdf: SourcePdf, job: Job, options: ImposeOptions, targets: list[Path],
           labels: list[str]) -> int:
    """Write every target (both or neither); return how many annotations were drawn in."""
    parts = ["fronts", "backs"] if len(targets) == 2 else ["both"]
    flattened = 0
    with quiet_pypdf(), contextlib.ExitStack() as stack:
        temporaries = [stack.enter_context(atomic_path(target)) for target in targets]
        for part, temporary in zip(parts, temporaries):
            try:
                writer, drawn = render(pdf, job, options, labels, part)
                with open(temporary, "wb") as handle:
                    writer.write(handle)
            except (PyPdfError, zlib.error) as exc:
                raise pdf.fail(f"the PDF is damaged and cannot be imposed ({exc})") from None
            flattened = max(flattened, drawn)
            del writer  # the next part starts from nothing: one output's objects at a time
    return flattened


def render(pdf: SourcePdf, job: Job, options: ImposeOptions, labels: list[str],
           part: str = "both") -> tuple[PdfWriter, int]:
    """One output document: sheets, page labels, metadata, printing preferences."""
    writer = PdfWriter()
    forms = FormCache(pdf, writer)
    add_sheets(writer, job.plan, job.geo, options, forms, part)
    _set_page_labels(writer, side_labels(job.plan, labels, part))
    _set_metadata(writer, pdf, job, options, part)
    return writer, forms.flattened


def _set_page_labels(writer: PdfWriter, names: list[str]) -> None:
    nums = ArrayObject()
    for index, name in enumerate(names):
        nums += [NumberObject(index), DictionaryObject({NameObject("/P"): TextStringObject(name)})]
    writer_root(writer)[NameObject("/PageLabels")] = DictionaryObject({NameObject("/Nums"): nums})


def _set_metadata(writer: PdfWriter, pdf: SourcePdf, job: Job, options: ImposeOptions, part: str) -> None:
    """Keep the document information and language; ask viewers for duplex at actual size."""
    info: dict[str, str] = {}
    try:
        source_info = pdf.reader.metadata
        if source_info is not None:
            info = {key: str(source_info[key]) for key in _KEPT_INFO if key in source_info}
        root = pdf.reader.root_object
        if "/Lang" in root:
            writer_root(writer)[NameObject("/Lang")] = TextStringObject(str(root["/Lang"]))
        for key in ("/OutputIntents", "/OCProperties"):  # colour profile; layers used by pages
            if key in root:
                writer_root(writer)[NameObject(key)] = root.raw_get(key).clone(writer)
    except READ_ERRORS:
        pass  # damaged metadata is not worth refusing the imposition for
    info["/Producer"] = f"zinekit {__version__} impose"
    writer.add_metadata(info)
    duplex = "/Simplex" if not job.plan.duplex or part != "both" else (
        "/DuplexFlipShortEdge" if options.flip == "short" else "/DuplexFlipLongEdge")
    writer_root(writer)[NameObject("/ViewerPreferences")] = DictionaryObject({
        NameObject("/Duplex"): NameObject(duplex), NameObject("/PrintScaling"): NameObject("/None"),
    })
    identity = (_source_id(pdf), options, len(pdf)) + ((part,) if part != "both" else ())
    digest = hashlib.md5(repr(identity).encode()).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])


def _source_id(pdf: SourcePdf) -> str:
    """The source's own file identifier, when it has one, for a reproducible output /ID."""
    try:
        return repr(pdf.reader.trailer.get("/ID"))
    except READ_ERRORS:
        return ""
