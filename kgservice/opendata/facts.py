"""What the catalog says about each dataset beyond the source catalog: the publisher and document
kind as the graph has them (queries/catalog/publishers.rq), and the dataset's own dates.

Dates: a dataset is the RDF made from one document's records, so it was issued when its records
were first committed and modified when they (or its source text) last changed — the commit dates
``git log`` gives for ``data/<id>/`` and ``sources/<file>``. Neither the documents nor their notes
give a publication date of the documents themselves (only fiscal years, which dct:temporal holds),
so none is stated. Outside a git work tree (an installed copy without history) there are no dates.
"""

from __future__ import annotations
import subprocess
from collections import defaultdict
from pathlib import Path
from kgservice.opendata.catalog import Agent, DatasetFacts
from mappings.records.sources import SourceDocument


def history(paths: list[Path]) -> tuple[str | None, str | None]:
    """(first, last) commit date (YYYY-MM-DD) of the paths, or (None, None) without git history."""
    existing = [p for p in paths if p.exists()]
    if not existing:
        return None, None
    folder = existing[0] if existing[0].is_dir() else existing[0].parent
    try:
        out = subprocess.run(["git", "-C", str(folder), "log", "--format=%cs", "--", *map(str, existing)],
                             capture_output=True, text=True, timeout=20, check=True).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None, None
    return (out[-1], out[0]) if out else (None, None)


def dataset_facts(documents: list[SourceDocument], rows: list[dict[str, dict]], data_dir: Path,
                  sources_dir: Path) -> dict[str, DatasetFacts]:
    """Per document id: its publisher (IRI, types, names by language), its kind's labels and dates,
    from the SPARQL JSON rows of publishers.rq. A catalogued document the store does not hold (a store
    built from fewer documents) has no entry: the catalog describes the datasets the service serves."""
    publisher: dict[str, str] = {}
    types: dict[str, list[str]] = defaultdict(list)
    names: dict[str, dict[str, str]] = defaultdict(dict)
    kinds: dict[str, dict[str, str]] = defaultdict(dict)
    for r in rows:
        doc = r["id"]["value"]
        publisher[doc] = r["publisher"]["value"]
        if "type" in r and r["type"]["value"] not in types[doc]:
            types[doc].append(r["type"]["value"])
        if "name" in r:
            names[doc][r["name"].get("xml:lang", "")] = r["name"]["value"]
        if "kindLabel" in r:
            kinds[doc][r["kindLabel"].get("xml:lang", "")] = r["kindLabel"]["value"]
    out = {}
    for d in documents:
        if d.id not in publisher:
            continue
        issued, modified = history([data_dir / d.id, sources_dir / d.file])
        out[d.id] = DatasetFacts(Agent(publisher[d.id], names[d.id], tuple(sorted(types[d.id]))),
                                 kinds[d.id], issued, modified)
    return out
