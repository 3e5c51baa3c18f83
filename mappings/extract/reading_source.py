"""A source document as text: seed text (tabs), ``pdftotext -layout`` text, or a PDF via pdfminer.six."""

from __future__ import annotations
from pathlib import Path
from mappings.extract.text import from_layout
from mappings.records.schema import RecordError


def read_source(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        try:
            from pdfminer.high_level import extract_text
        except ImportError:
            raise RecordError(f"{path}: a PDF needs pdfminer.six (not installed); give the text of "
                              "`pdftotext -layout` instead") from None
        return from_layout(extract_text(str(path)))
    try:
        return from_layout(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RecordError(f"{path}: not UTF-8 text: {exc}") from None
