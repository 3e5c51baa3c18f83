"""How well the suggester finds the curated links: precision / recall / F1 over a grid of top-k and
thresholds, the ranks of the gold links, and hits of measures links (``plankg suggest evaluate``)."""

from __future__ import annotations
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
import numpy as np
from mappings.records.schema import Link
from mappings.records.files import RecordSet, load_records
from mappings.suggest.suggester import CANDIDATES, Params, Similarity, build_model, orient, plan_info, ranked_pairs
from mappings.suggest.curation import regenerate

# --- evaluation -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Score:
    top_k: int
    threshold: float
    proposals: int
    hits: int            # proposals that are curated links (either direction)
    relation_right: int  # … with the curated relation
    gold: int
    precision: float
    recall: float
    f1: float


def gold_pairs(records: RecordSet, model: Similarity) -> tuple[dict[frozenset[str], str], int]:
    """Curated links the suggester could find (both ends nodes that may be paired), and all curated links."""
    index = {n.ref: i for i, n in enumerate(model.nodes)}
    gold = {}
    for loaded in records.links:
        link: Link = loaded.record  # type: ignore[assignment]
        i, j = index.get(link.subject.ref), index.get(link.object.ref)
        if i is not None and j is not None and model.allowed[i, j]:
            gold[frozenset((link.subject.ref, link.object.ref))] = link.relation
    return gold, len(records.links)


def evaluate(records: RecordSet, grid_k: Iterable[int] = (1, 3, 5, 10),
             grid_threshold: Iterable[float] = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4),
             params: Params = Params(), model: Similarity | None = None) -> tuple[list[Score], int, int]:
    """Precision, recall and F1 against the curated links, for each top-k and threshold."""
    model = model or build_model(records, params)
    plans = plan_info(records)
    gold, total = gold_pairs(records, model)
    rows = []
    for k in grid_k:
        for threshold in grid_threshold:
            pairs = ranked_pairs(model, k, threshold)
            hits = relation_right = 0
            for p in pairs:
                a, b = model.nodes[p.i], model.nodes[p.j]
                key = frozenset((a.ref, b.ref))
                if key in gold:
                    hits += 1
                    relation_right += orient(a, b, plans)[1] == gold[key]
            precision = hits / len(pairs) if pairs else 0.0
            recall = hits / len(gold) if gold else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            rows.append(Score(k, threshold, len(pairs), hits, relation_right, len(gold), precision, recall, f1))
    return rows, len(gold), total


def gold_ranks(records: RecordSet, params: Params = Params(),
               model: Similarity | None = None) -> list[tuple[str, float, int]]:
    """For each findable curated link: its cosine and the rank of its object among the subject's neighbours."""
    model = model or build_model(records, params)
    gold, _ = gold_pairs(records, model)
    index = {n.ref: i for i, n in enumerate(model.nodes)}
    refs = [n.ref for n in model.nodes]
    out = []
    for loaded in records.links:
        link: Link = loaded.record  # type: ignore[assignment]
        if frozenset((link.subject.ref, link.object.ref)) not in gold:
            continue
        i, j = index[link.subject.ref], index[link.object.ref]
        row = model.similarity[i]
        order = sorted(np.flatnonzero(model.allowed[i]), key=lambda x: (-round(float(row[x]), 4), refs[x]))
        out.append((link.id, round(float(row[j]), 4), order.index(j) + 1))
    return out


def measures_hits(records: RecordSet, ks: Iterable[int] = (1, 3, 5), params: Params = Params(),
                  model: Similarity | None = None) -> tuple[int, dict[int, int], dict[int, int]]:
    """A second check on more data: each indicator's own ``measures_refs`` (stated by its document).

    The elements of the indicator's own plan are ranked by the same cosine; returns the number of
    indicators with such refs and, per k, how many have a measured element among their k nearest
    (exactly; and the measured element or one of its parts, since documents attach indicators to a
    policy whose projects carry the specific words). Within one plan, not the cross-plan task.
    """
    model = model or build_model(records, params)
    parent = {f"element:{l.record.plan}/{l.record.id}": f"element:{l.record.plan}/{l.record.parent_ref}"  # type: ignore[attr-defined]
              for l in records.of("elements") if l.record.parent_ref and "/" not in l.record.parent_ref}  # type: ignore[attr-defined]

    def ancestors(ref: str) -> set[str]:
        out = {ref}
        while ref in parent and parent[ref] not in out:
            ref = parent[ref]
            out.add(ref)
        return out

    index = {n.ref: i for i, n in enumerate(model.nodes)}
    refs = [n.ref for n in model.nodes]
    ks = tuple(ks)
    total, hits, part_hits = 0, {k: 0 for k in ks}, {k: 0 for k in ks}
    for node in model.nodes:
        if node.what != "indicator":
            continue
        measured = set()
        for loaded in records.of("indicators"):
            rec = loaded.record
            if f"indicator:{rec.plan}/{rec.id}" == node.ref:  # type: ignore[attr-defined]
                for ref in rec.measures_refs:  # type: ignore[attr-defined]
                    measured.add(f"element:{ref}" if "/" in ref else f"element:{rec.plan}/{ref}")  # type: ignore[attr-defined]
        measured &= index.keys()
        if not measured:
            continue
        total += 1
        i = index[node.ref]
        row = model.similarity[i]
        own = [j for j, n in enumerate(model.nodes) if n.what == "element" and n.plan == node.plan]
        own.sort(key=lambda j: (-round(float(row[j]), 4), refs[j]))
        for k in ks:
            hits[k] += any(refs[j] in measured for j in own[:k])
            part_hits[k] += any(ancestors(refs[j]) & measured for j in own[:k])
    return total, hits, part_hits


def format_table(rows: list[Score]) -> str:
    lines = ["| top-k | threshold | proposals | curated found | relation right | precision | recall | F1 |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.top_k} | {r.threshold:.2f} | {r.proposals} | {r.hits}/{r.gold} | {r.relation_right} | "
                     f"{r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f} |")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m mappings.suggest.suggester [data-dir]: regenerate and print the evaluation
    import sys

    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("data")
    result = regenerate(data)
    print(f"{len(result['candidates'])} candidates → {data / CANDIDATES}")
    table, findable, total = evaluate(load_records(data))
    print(f"curated links: {total}, findable by the suggester (both ends elements/indicators of other plans "
          f"in other documents): {findable}")
    print(format_table(table))
