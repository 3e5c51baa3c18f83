"""Candidate links (data/linkage/candidates.yaml) → their own named graph ``{base}graph/candidates``.

A candidate is a suggestion, not a fact: it is never stated as the plain triple
subject–predicate–object (nor put in the linkage graph). Each one is a ``mplan:CandidateLink``
node naming both ends (``mplan:linkSubject``/``mplan:linkPredicate``/``mplan:linkObject``), its
cosine ``mplan:score`` (xsd:decimal), its ``mplan:method`` and ``prov:wasGeneratedBy`` the
suggester run, a ``prov:Activity`` that names the analyser and dictionary with their versions and
the parameters. ``related`` candidates have ``skos:related`` as predicate. Rejected candidates are
left out; an accepted one points (``dct:isReplacedBy``) to the curated link that replaced it, one
that a curator had already linked points there with ``rdfs:seeAlso``.
"""

from __future__ import annotations
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from mappings.mapping.context import MappingContext, decimal_literal, en
from mappings.vocabulary import MPLAN, SCHEMA
from mappings.mapping.linkage import PREDICATES
from mappings.records.schema import Model, RecordError
from mappings.records.files import Loaded, load_yaml, strip_lines

CANDIDATE_PREDICATES = {**PREDICATES, "related": SKOS.related}


class CandidateSide(Model):
    ref: str
    document: str
    lines: Any
    label: str


class Candidate(Model):
    """One entry of candidates.yaml (the fields the suggester writes)."""

    id: str
    relation: str
    subject: CandidateSide
    object: CandidateSide
    score: float
    rank: int
    shared_terms: list[str] = []
    known_link: str | None = None
    decision: str
    accepted_as: str | None = None


def _side_iri(ctx: MappingContext, ref: str) -> URIRef:
    kind, _, value = ref.partition(":")
    plan, _, local = value.partition("/")
    if kind == "element":
        return ctx.iri("plan", plan, local)
    if kind == "indicator":
        return ctx.iri("plan", plan, "indicator", local)
    raise RecordError(f"candidate end '{ref}' is neither an element nor an indicator")


def _activity(ctx: MappingContext, generated_by: dict[str, Any]) -> URIRef:
    """The suggester run: one prov:Activity per set of versions and parameters."""
    g = ctx.graph("candidates")
    key = json.dumps(generated_by, sort_keys=True, ensure_ascii=False)
    run = ctx.iri("activity", "suggest-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10])
    analyser = generated_by.get("analyser", {})
    params = generated_by.get("parameters", {})
    g.add((run, RDF.type, PROV.Activity))
    g.add((run, RDFS.label, en(
        f"candidate links by {generated_by.get('method', '?')} over SudachiPy {analyser.get('sudachipy', '?')} "
        f"tokens (sudachidict_core {analyser.get('sudachidict_core', '?')})")))
    g.add((run, SKOS.note, Literal("parameters: " + ", ".join(f"{k}={v}" for k, v in params.items()))))
    suggester = ctx.iri("agent", "plankg-suggest", str(generated_by.get("suggester", "?")).split()[-1])
    g.add((run, PROV.wasAssociatedWith, suggester))
    g.add((suggester, RDF.type, PROV.SoftwareAgent))
    g.add((suggester, RDFS.label, en(f"plankg link suggester ({generated_by.get('suggester', '?')})")))
    for name, version in sorted(analyser.items()):
        tool = ctx.iri("software", name, str(version))
        g.add((run, PROV.used, tool))
        g.add((tool, RDF.type, PROV.Entity))
        g.add((tool, RDF.type, SCHEMA.SoftwareApplication))
        g.add((tool, RDFS.label, Literal({"sudachipy": "SudachiPy", "sudachidict_core": "SudachiDict core"}.get(name, name))))
        g.add((tool, SCHEMA.softwareVersion, Literal(str(version))))
    return run


def map_candidates(ctx: MappingContext, path: Path) -> int:
    """Map the candidates file at ``path`` (absent: nothing); returns the number of candidates mapped.

    Call it after the other mappers: the ends are checked by ``ctx.check_references`` like any ref.
    """
    if not path.exists():
        return 0
    raw = load_yaml(path) or {}
    if not isinstance(raw, dict):
        raise RecordError(f"{path}: expected a mapping with generated_by and candidates")
    g = ctx.graph("candidates")
    run = _activity(ctx, strip_lines(raw.get("generated_by") or {}))
    mapped = 0
    for index, item in enumerate(raw.get("candidates") or []):
        try:
            cand = Candidate.model_validate(strip_lines(item))
        except Exception as exc:  # pydantic's message, with where it is
            raise RecordError(f"{path}:{item.get('__line__', '?')}: candidate #{index}: {exc}") from exc
        if cand.decision not in ("proposed", "accepted", "rejected"):
            raise RecordError(f"{path}:{item['__line__']}: candidate {cand.id}: unknown decision '{cand.decision}'")
        if cand.relation not in CANDIDATE_PREDICATES:
            raise RecordError(f"{path}:{item['__line__']}: candidate {cand.id}: unknown relation '{cand.relation}'")
        if cand.decision == "rejected":
            continue
        where = Loaded("linkage", "candidates", cand, item, path, item["__line__"])  # type: ignore[arg-type]
        subject = ctx.refer(_side_iri(ctx, cand.subject.ref), cand.subject.ref, where)
        obj = ctx.refer(_side_iri(ctx, cand.object.ref), cand.object.ref, where)
        node = ctx.define(ctx.iri("candidate", cand.id))
        g.add((node, RDF.type, MPLAN.CandidateLink))
        g.add((node, MPLAN.linkSubject, subject))
        g.add((node, MPLAN.linkPredicate, CANDIDATE_PREDICATES[cand.relation]))
        g.add((node, MPLAN.linkObject, obj))
        g.add((node, MPLAN.score, decimal_literal(Decimal(f"{cand.score:.4f}"))))
        g.add((node, MPLAN.method, Literal(str((raw.get("generated_by") or {}).get("method", "?")))))
        g.add((node, PROV.wasGeneratedBy, run))
        if cand.shared_terms:
            g.add((node, SKOS.note, Literal("共通語: " + "、".join(cand.shared_terms), lang="ja")))
        if cand.decision == "accepted" and cand.accepted_as:
            g.add((node, DCTERMS.isReplacedBy, ctx.iri("link", cand.accepted_as)))
        elif cand.known_link:
            g.add((node, RDFS.seeAlso, ctx.iri("link", cand.known_link)))
        ctx.origin.setdefault(node, f"{path}:{item['__line__']} (candidate '{cand.id}')")
        mapped += 1
    return mapped
