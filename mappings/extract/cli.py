"""``plankg ingest``: draft records and a review report for a document, from its text and a profile."""

from __future__ import annotations
from pathlib import Path
from typing import Optional
import typer
from mappings.records.schema import RecordError

app = typer.Typer(name="ingest", add_completion=False)  # `python -m mappings.extract.cli`; plankg registers ingest

USAGE, FAILED = 2, 1


@app.command("ingest")
def ingest(
    source: Path = typer.Argument(..., help="The document: text as the seeds are (tab-separated cells), "
                                            "text of `pdftotext -layout`, or a PDF (its text is written "
                                            "beside it, <name>.txt: the file the records cite)."),
    city: str = typer.Option(..., help="6-digit local government code of the city (with check digit)."),
    kind: str = typer.Option(..., help="Document kind: a notation of the code list code:document-kind."),
    profile: Optional[Path] = typer.Option(None, help="The document's profile (default data/<document>/profile.yaml "
                                                      "of --document)."),
    document: Optional[str] = typer.Option(None, help="Document id (default: the profile's)."),
    out: Optional[Path] = typer.Option(None, help="Folder for the drafts and report.md (default var/ingest/<document>)."),
    corrections: Optional[Path] = typer.Option(None, help="Curator corrections to apply (default: corrections.yaml "
                                                          "beside the profile, when there is one)."),
    no_corrections: bool = typer.Option(False, "--no-corrections", help="Write the extractor's proposals only."),
    root: Path = typer.Option(Path("."), help="Project root holding data/, ontology/."),
) -> None:
    """Propose draft records for SOURCE and write them with a review report (report.md)."""
    from mappings.extract.corrections import apply, load_corrections
    from mappings.extract.profile import load_profile
    from mappings.extract.propose import propose
    from mappings.extract.reading_source import is_pdf, pdf_to_source, read_source
    from mappings.extract.write import report, write_drafts
    from mappings.records.sources import document_kinds, verify_city_code

    try:
        verify_city_code(city)
    except ValueError as exc:
        _fail(USAGE, str(exc))
    kinds = document_kinds((root / "ontology" / "codelists.ttl").resolve())
    if kind not in kinds:
        _fail(USAGE, f"unknown document kind {kind!r}: one of {', '.join(sorted(kinds))} (ontology/codelists.ttl)")
    if profile is None:
        if document is None:
            _fail(USAGE, "give --profile, or --document to use data/<document>/profile.yaml")
        profile = root / "data" / document / "profile.yaml"
    if not profile.is_file():
        _fail(USAGE, f"no profile {profile}")
    if not source.is_file():
        _fail(USAGE, f"no source file {source}")
    try:
        prof = load_profile(profile)
        if prof.city != city:
            _fail(USAGE, f"--city {city} but the profile {profile} is of city {prof.city}")
        entry = None
        if is_pdf(source):
            source, entry, empty_pages = pdf_to_source(source)
            typer.echo(f"text of the PDF written to {source}" + (f"; no text on page(s) "
                       f"{', '.join(map(str, empty_pages))}" if empty_pages else ""))
        text = read_source(source)
        found = propose(text, prof)
        corrections = None if no_corrections else (corrections or profile.parent / "corrections.yaml")
        if corrections is not None and corrections.is_file():
            found.records, problems = apply(found.records, load_corrections(corrections))
            found.corrections = (str(corrections), problems)
    except (RecordError, ValueError) as exc:
        _fail(USAGE, str(exc))
    target = out or root / "var" / "ingest" / (document or prof.document)
    written = write_drafts(found, target, str(source))
    (target / "report.md").write_text(report(found, document or prof.document, str(source)), encoding="utf-8")
    if entry is not None:
        _catalog_entry(target, {"id": document or prof.document, **entry, "city_code": city, "kind": kind})
    total = sum(len(r) for r in found.records.values())
    typer.echo(f"{total} record(s) in {len(written)} file(s) under {target}; "
               f"{len(found.unread)} item(s) to review in {target / 'report.md'}")


def _catalog_entry(target: Path, entry: dict) -> None:
    """The catalog fields ingest knows of a PDF's document, for the curator to complete into sources/catalog.yaml."""
    import json

    path = target / "catalog-entry.yaml"
    fields = [f"{'- ' if i == 0 else '  '}{k}: {json.dumps(v, ensure_ascii=False)}" for i, (k, v) in enumerate(entry.items())]
    path.write_text("# Add to sources/catalog.yaml with title, title_en, publisher, period_start, period_end: "
                    "the records cite lines of `file`, the text read from `pdf`.\n" + "\n".join(fields) + "\n",
                    encoding="utf-8")
    typer.echo(f"its catalog entry's checksums in {path}")


def _fail(code: int, message: str) -> None:
    typer.echo(f"plankg ingest: {message}", err=True)
    raise typer.Exit(code)
