"""The build's mapping and SHACL gate on the real graph: what the build streams out is what the
mappers put in a Dataset, it conforms, and a broken fact is caught by the SHACL-SPARQL
constraints too (they run as whole-graph queries, mappings.validate)."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from mappings.build import BuildConfig, map_records, validate
from mappings.context import MPLAN, NQuadsSink

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://plankg.org/"


@pytest.fixture(scope="module")
def mapped():
    config = BuildConfig.at(ROOT)
    ctx, n_records = map_records(config)
    return config, ctx, n_records


def quads(nquads: str) -> set[tuple]:
    """The distinct quads; blank nodes (the ontology's, labelled afresh at each parse) as one term."""
    def term(t):
        return "_:" if isinstance(t, ox.BlankNode) else t
    return {(term(q.subject), q.predicate, term(q.object), q.graph_name)
            for q in ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)}


def test_the_streamed_quads_are_the_mapped_dataset(mapped):
    config, ctx, n_records = mapped
    out = io.StringIO()
    streamed, n_streamed = map_records(config, NQuadsSink(out))
    assert n_streamed == n_records and streamed.origin == ctx.origin
    assert quads(out.getvalue()) == quads(ctx.dataset.serialize(format="nquads"))


def test_the_real_graph_conforms(mapped):
    config, ctx, n_records = mapped
    assert n_records > 800
    assert validate(config, ctx) == []


def test_a_wrong_check_digit_and_a_wrong_line_selector_are_violations(mapped):
    config, ctx, _ = mapped
    reference = ctx.graph("reference")
    mito = URIRef(BASE + "id/city/082015")
    passage = URIRef(BASE + "id/passage/mito-overview-2023/L8-L8")
    selector = URIRef(f"{passage}#line=7,8")
    document_graph = ctx.graph("mito-overview-2023")
    try:
        reference.set((mito, MPLAN.localGovernmentCode, Literal("082016")))
        document_graph.set((selector, RDF.value, Literal("line=8,8")))  # 1-based by mistake: RFC 5147 is 0-based
        violations = validate(config, ctx)
    finally:
        reference.set((mito, MPLAN.localGovernmentCode, Literal("082015")))
        document_graph.set((selector, RDF.value, Literal("line=7,8")))
    messages = {(v.focus, v.message) for v in violations}
    assert any(f == str(mito) and "082016" in m for f, m in messages), messages
    assert any(f == str(passage) and "RFC 5147" in m for f, m in messages), messages
