"""Propose a document's records: run the profile's readers, then keep only values found at their lines.

Each proposed record is validated against the record schema and every value is checked at its
cited lines by mappings.records.verify (the same check the build runs); a value that is not there
is dropped and reported, so the extractor never writes a value it did not read.
"""

from __future__ import annotations
from pathlib import Path
from mappings.extract.headings import read_headings
from mappings.extract.kpi import read_indicators
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals
from mappings.extract.text import Document
from mappings.extract.check import check_proposals
from mappings.extract.tables import read_records

from mappings.extract.projects import read_projects

from mappings.extract.statistics import read_statistics

from mappings.extract.blocks import read_blocks

from mappings.extract.kpi_blocks import read_indicator_blocks
from mappings.extract.departments import read_department_lists
from mappings.extract.heading_records import read_heading_records
from mappings.extract.chronology import read_chronology, read_dated_acts
from mappings.extract.plan_lists import read_plan_adoptions, read_plan_lists
from mappings.extract.bodies import read_bodies
from mappings.extract.tallies import read_tallies
from mappings.extract.actors import read_actors
from mappings.extract.crosstabs import read_cross_tables
from mappings.extract.sentence_figures import read_sentence_figures

READERS = {"kpi": read_indicators, "records": read_records, "projects": read_projects,
           "statistics": read_statistics, "budget-blocks": read_blocks, "kpi-blocks": read_indicator_blocks,
           "departments": read_department_lists, "heading-records": read_heading_records,
           "chronology": read_chronology, "plan-lists": read_plan_lists,
           "plan-adoptions": read_plan_adoptions,
           "bodies": read_bodies, "tallies": read_tallies, "actors": read_actors,
           "cross-tables": read_cross_tables,
           "sentence-figures": read_sentence_figures, "dated-acts": read_dated_acts}


def _lines(doc: Document, reader: Reader):
    if reader.section is None:
        return doc.lines
    return doc.within(doc.span(reader.section.start, reader.section.until))


def propose(text: str, profile: Profile) -> Proposals:
    doc = Document.from_text(text)
    found = Proposals()
    outline = read_headings(doc, profile, found)
    for reader in profile.readers:
        READERS[reader.reader](doc, profile, reader, outline, found, _lines(doc, reader))
    _translate(found, profile)
    check_proposals(found, doc, profile)
    _unread_tables(doc, found)
    return found


def _cited_lines(node) -> set[int]:
    from mappings.records.schema import parse_lines

    out: set[int] = set()
    if isinstance(node, dict):
        if node.get("lines") is not None:
            out |= {n for a, b in parse_lines(node["lines"]) for n in range(a, b + 1)}
        for value in node.values():
            out |= _cited_lines(value)
    elif isinstance(node, list):
        for item in node:
            out |= _cited_lines(item)
    return out


def _unread_tables(doc: Document, found: Proposals) -> None:
    """Report every table (a run of tab-separated rows) none of whose rows a proposal cites."""
    cited = _cited_lines(found.records)
    run: list = []
    for line in [*doc.lines, None]:
        if line is not None and line.is_table_row:
            run.append(line)
            continue
        if run and not any(r.number in cited for r in run):
            found.miss("tables", run[0], f"a table of {len(run)} row(s) (lines {run[0].number}-{run[-1].number}) "
                                         "that no reader read")
        run = []


def _translate(found: Proposals, profile: Profile) -> None:
    """label_en (a plan's title_en) from the profile's translations."""
    for records in found.records.values():
        for record in records:
            if record.get("title") in profile.translations:
                record["title_en"] = profile.translations[record["title"]]
            elif record.get("label") in profile.translations:
                record["label_en"] = profile.translations[record["label"]]


def propose_file(path: Path, profile: Profile) -> Proposals:
    from mappings.extract.text import from_layout

    return propose(from_layout(path.read_text(encoding="utf-8")), profile)
