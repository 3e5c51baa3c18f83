"""The source catalog (sources/catalog.yaml) and the local government code check digit."""

from __future__ import annotations
import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from pydantic import Field
from mappings.records.schema import CITY_CODE, SLUG, YEAR, Model, RecordError
from mappings.records.files import load_yaml, validate_model

DOCUMENT_KIND_SCHEME = "https://plankg.org/def/code/document-kind"


@lru_cache(maxsize=8)
def document_kinds(codelists: Path) -> frozenset[str]:
    """The document kinds: notations of the SKOS code list code:document-kind in ``codelists``
    (ontology/codelists.ttl), so that a new kind is a code list entry, not a change of code."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import SKOS

    graph = Graph().parse(codelists, format="turtle")
    return frozenset(str(graph.value(c, SKOS.notation))
                     for c in graph.subjects(SKOS.inScheme, URIRef(DOCUMENT_KIND_SCHEME)))


def check_digit(code5: str) -> str:
    """Check digit of a 5-digit local government code (weights 6,5,4,3,2; 11 − sum mod 11).

    >>> check_digit("08201"), check_digit("08236"), check_digit("10201")
    ('5', '8', '6')
    """
    if len(code5) != 5 or not code5.isdigit():
        raise ValueError(f"a local government code has 5 digits before the check digit: {code5!r}")
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2)))
    return str((11 - total % 11) % 10)


def verify_city_code(code6: str) -> str:
    """``code6`` if its check digit is right; ValueError naming the expected digit otherwise.

    >>> verify_city_code("082015")
    '082015'
    >>> verify_city_code("082016")
    Traceback (most recent call last):
    ...
    ValueError: local government code 082016: check digit should be 5
    """
    expected = check_digit(code6[:5])
    if len(code6) != 6 or code6[5] != expected:
        raise ValueError(f"local government code {code6}: check digit should be {expected}")
    return code6


class SourceDocument(Model):
    id: str = Field(pattern=SLUG)
    file: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    city_code: str = Field(pattern=CITY_CODE)
    title: str
    title_en: str
    publisher: str
    kind: str = Field(pattern=SLUG)  # a notation of code:document-kind (document_kinds)
    period_start: str = Field(pattern=YEAR)
    period_end: str = Field(pattern=YEAR)
    period_note: str | None = None
    pdf: str | None = None         # the published PDF whose text `file` is (plankg ingest of a PDF writes it)
    pdf_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Source:
    """A catalogued document with its text, read once and checked against its SHA-256."""

    meta: SourceDocument
    path: Path

    @cached_property
    def lines(self) -> list[str]:
        data = self.path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != self.meta.sha256:
            raise RecordError(f"{self.path}: SHA-256 is {digest}, catalog says {self.meta.sha256}")
        if self.meta.pdf:
            pdf = self.path.with_name(self.meta.pdf)
            if (found := hashlib.sha256(pdf.read_bytes()).hexdigest()) != self.meta.pdf_sha256:
                raise RecordError(f"{pdf}: SHA-256 is {found}, catalog says {self.meta.pdf_sha256}")
        # split on "\n" only: numbering must match `cat -n` even if a line holds a form feed
        lines = data.decode("utf-8").split("\n")
        return lines[:-1] if lines and lines[-1] == "" else lines

    def passage(self, ranges: list[tuple[int, int]]) -> str:
        """The text of 1-based inclusive line ranges, joined with newlines."""
        out = []
        for first, last in ranges:
            if first < 1 or last > len(self.lines):
                raise RecordError(
                    f"lines {first}-{last} outside {self.meta.id} ({len(self.lines)} lines)"
                )
            out.extend(self.lines[first - 1 : last])
        return "\n".join(out)


def load_catalog(sources_dir: Path, codelists: Path | None = None) -> dict[str, Source]:
    """The catalog by document id; codes, kinds and files are checked here.

    Kinds are checked against ``codelists`` (default: ontology/codelists.ttl beside ``sources_dir``,
    when there is one).
    """
    path = sources_dir / "catalog.yaml"
    raw = load_yaml(path) or []
    codelists = codelists or sources_dir.parent / "ontology" / "codelists.ttl"
    kinds = document_kinds(codelists.resolve()) if codelists.is_file() else None
    catalog: dict[str, Source] = {}
    for index, item in enumerate(raw):
        meta = validate_model(SourceDocument, item, path, index)
        if kinds is not None and meta.kind not in kinds:
            raise RecordError(f"{path}:{item['__line__']}: document kind '{meta.kind}' is not in the code list "
                              f"code:document-kind of {codelists} (one of {', '.join(sorted(kinds))})")
        try:
            verify_city_code(meta.city_code)
        except ValueError as exc:
            raise RecordError(f"{path}:{item['__line__']}: {exc}") from None
        file = sources_dir / meta.file
        if not file.is_file():
            raise RecordError(f"{path}:{item['__line__']}: no file {file}")
        if (meta.pdf is None) != (meta.pdf_sha256 is None) or (meta.pdf and not file.with_name(meta.pdf).is_file()):
            raise RecordError(f"{path}:{item['__line__']}: a PDF needs both `pdf` (a file beside {meta.file}) "
                              f"and `pdf_sha256`: pdf={meta.pdf!r}, pdf_sha256={meta.pdf_sha256!r}")
        catalog[meta.id] = Source(meta, file)
    return catalog
