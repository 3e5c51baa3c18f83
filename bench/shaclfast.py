"""Prototype: pySHACL with each SHACL-SPARQL constraint parsed once instead of once per focus node.

pySHACL 0.2x passes the constraint's query *text* to ``Graph.query`` for every focus node, and
rdflib parses it again each time (pyparsing, ~0.2 s per parse): on the synthetic corpus that was
86 % of the SHACL stage (cProfile, BENCHMARKS.md).  Caching ``prepareQuery`` by text gives the
same results (the query, its prefixes and the initBindings are unchanged).  Used by the
benchmark only, to measure the proposal; the build itself is untouched.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache


@contextmanager
def cached_sparql_constraints():
    from pyshacl.constraints.sparql import sparql_based_constraints as sbc
    from rdflib.plugins.sparql import prepareQuery

    prepared = lru_cache(maxsize=256)(prepareQuery)
    original = sbc.SPARQLBasedConstraint._validate_sparql_query

    def validate_sparql_query(self, query, init_binds, target_graph):
        return original(self, prepared(query) if isinstance(query, str) else query, init_binds, target_graph)

    sbc.SPARQLBasedConstraint._validate_sparql_query = validate_sparql_query
    try:
        yield
    finally:
        sbc.SPARQLBasedConstraint._validate_sparql_query = original
