"""A source document as text: seed text (tabs), ``pdftotext -layout`` text, or a PDF (reading_pdf.py).

The records of a document cite lines of a text file (the source-line check reads text), so a PDF is read
once into a text file beside it, ``<name>.txt``, and that file is the source its catalog entry names,
with the PDF's SHA-256 beside the text's (``pdf``, ``pdf_sha256``).
"""

from __future__ import annotations
import hashlib
import os
from pathlib import Path
from mappings.extract.text import from_layout
from mappings.records.schema import RecordError


def is_pdf(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(5) == b"%PDF-"


def read_source(path: Path) -> str:
    """The text of a text source (a PDF goes through ``pdf_to_source`` first)."""
    data = path.read_bytes()
    if data.startswith(b"%PDF-"):
        raise RecordError(f"{path}: a PDF: read it with pdf_to_source, which writes the text its records cite")
    try:
        return from_layout(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RecordError(f"{path}: not UTF-8 text: {exc}") from None


def pdf_to_source(pdf: Path) -> tuple[Path, dict, list[int]]:
    """Write the text of ``pdf`` to ``<name>.txt`` beside it; the text file, the fields of its catalog entry
    (file, sha256, pdf, pdf_sha256) and the pages without text.

    An existing text file is kept only if it is the same text: records may cite its lines, so a different
    reading of the PDF (a new extractor) is refused rather than written over them.
    """
    from mappings.extract.reading_pdf import read_pdf

    data = pdf.read_bytes()
    read = read_pdf(pdf)
    text = read.text.encode("utf-8")
    target = pdf.with_suffix(".txt")
    if target == pdf:
        raise RecordError(f"{pdf}: a PDF named .txt: rename it (.pdf), its text is written to <name>.txt beside it")
    if target.exists() and target.read_bytes() != text:
        raise RecordError(f"{target} exists and differs from the text read now from {pdf} (records may cite its "
                          f"lines): move it away to write the new text, then review the records against it")
    if not target.exists():
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(text)
        os.replace(partial, target)  # whole or not at all
    entry = {"file": target.name, "sha256": hashlib.sha256(text).hexdigest(),
             "pdf": pdf.name, "pdf_sha256": hashlib.sha256(data).hexdigest()}
    return target, entry, read.empty_pages
