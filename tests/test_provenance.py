"""PROV-O as its specification defines it, over the whole built graph.

The PROV-O ontology is not shipped by a PyPI or Debian package (the ``prov`` package carries the
PROV-XML schemas, not the OWL file), so the terms the graph uses are encoded here with their domain
and range as PROV-O (W3C Recommendation, 30 April 2013, https://www.w3.org/TR/prov-o/) states them:
§4.1 Starting Point terms (prov:wasDerivedFrom, wasAttributedTo, wasGeneratedBy, used,
wasAssociatedWith, actedOnBehalfOf, wasInformedBy, startedAtTime, endedAtTime, generatedAtTime) and
§4.2 Expanded terms (prov:SoftwareAgent, Person, Organization ⊑ Agent; Plan, Collection, Bundle ⊑
Entity; wasQuotedFrom, wasRevisionOf, hadPrimarySource ⊑ wasDerivedFrom; value; atLocation).
Disjointness: PROV-O declares ``prov:Activity owl:disjointWith prov:Entity`` (PROV-CONSTRAINTS,
constraint 50 "entity-activity-disjoint"); agents are not disjoint from entities or activities
(PROV-DM §5.3: "an agent may be a particular type of entity or activity"), so no test forbids that.
"""

from __future__ import annotations
from collections import defaultdict
import pyoxigraph as ox
import pytest
from mappings.build.merge import query_options

PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
BASE = "https://plankg.org/"

ENTITY, ACTIVITY, AGENT = PROV + "Entity", PROV + "Activity", PROV + "Agent"
# PROV-O §4: property → (domain, range); a range in XSD is a datatype, None: rdfs:Literal / any
PROV_PROPERTIES = {
    "wasDerivedFrom": (ENTITY, ENTITY), "wasQuotedFrom": (ENTITY, ENTITY), "wasRevisionOf": (ENTITY, ENTITY),
    "hadPrimarySource": (ENTITY, ENTITY), "alternateOf": (ENTITY, ENTITY), "specializationOf": (ENTITY, ENTITY),
    "wasAttributedTo": (ENTITY, AGENT), "wasGeneratedBy": (ENTITY, ACTIVITY), "wasInvalidatedBy": (ENTITY, ACTIVITY),
    "used": (ACTIVITY, ENTITY), "generated": (ACTIVITY, ENTITY), "invalidated": (ACTIVITY, ENTITY),
    "wasStartedBy": (ACTIVITY, ENTITY), "wasEndedBy": (ACTIVITY, ENTITY),
    "wasAssociatedWith": (ACTIVITY, AGENT), "wasInformedBy": (ACTIVITY, ACTIVITY), "actedOnBehalfOf": (AGENT, AGENT),
    "startedAtTime": (ACTIVITY, XSD + "dateTime"), "endedAtTime": (ACTIVITY, XSD + "dateTime"),
    "generatedAtTime": (ENTITY, XSD + "dateTime"), "invalidatedAtTime": (ENTITY, XSD + "dateTime"),
    "value": (ENTITY, None), "hadMember": (PROV + "Collection", ENTITY),
}
PROV_SUBCLASSES = {  # PROV-O §4.1, §4.2
    PROV + "SoftwareAgent": AGENT, PROV + "Person": AGENT, PROV + "Organization": AGENT,
    PROV + "Plan": ENTITY, PROV + "Collection": ENTITY, PROV + "Bundle": ENTITY,
    PROV + "EmptyCollection": PROV + "Collection",
}


@pytest.fixture(scope="module")
def graph(built_graph):
    """(triples of PROV properties, asserted types, superclass map, superproperty map) of the graph."""
    store: ox.Store = built_graph
    supers: dict[str, set[str]] = defaultdict(set)
    for sub, sup in PROV_SUBCLASSES.items():
        supers[sub].add(sup)
    for row in store.query("SELECT ?a ?b WHERE { GRAPH ?g { ?a <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?b } }"):
        if isinstance(row["b"], ox.NamedNode):
            supers[row["a"].value].add(row["b"].value)
    super_props: dict[str, set[str]] = defaultdict(set)
    for row in store.query("SELECT ?a ?b WHERE { GRAPH ?g { ?a <http://www.w3.org/2000/01/rdf-schema#subPropertyOf> ?b } }"):
        super_props[row["a"].value].add(row["b"].value)
    types: dict[str, set[str]] = defaultdict(set)
    for row in store.query(f"SELECT DISTINCT ?s ?t WHERE {{ GRAPH ?g {{ ?s <{RDF_TYPE}> ?t }} }}"):
        types[row["s"].value].add(row["t"].value)
    triples = []
    for row in store.query("SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"):
        prov = {p for p in closure(row["p"].value, super_props) if p.startswith(PROV)}
        for p in prov:
            triples.append((row["s"], p[len(PROV):], row["o"]))
    return triples, types, supers


def closure(term: str, supers: dict[str, set[str]]) -> set[str]:
    """``term`` and everything above it (rdfs:subClassOf / subPropertyOf, transitively)."""
    seen, todo = {term}, [term]
    while todo:
        for up in supers.get(todo.pop(), ()):
            if up not in seen:
                seen.add(up)
                todo.append(up)
    return seen


def classes_of(node: str, types, supers) -> set[str]:
    return set().union(*(closure(t, supers) for t in types.get(node, ()))) if types.get(node) else set()


def test_the_graph_uses_prov(graph):
    triples, _, _ = graph
    used = {p for _, p, _ in triples}
    # descriptions and links are derived from passages and attributed; the suggester run is an activity
    assert {"wasDerivedFrom", "wasAttributedTo", "wasGeneratedBy", "used", "wasAssociatedWith"} <= used


def test_every_prov_property_within_its_domain_and_range(graph):
    triples, types, supers = graph
    unknown = sorted({p for _, p, _ in triples} - set(PROV_PROPERTIES))
    assert not unknown, f"PROV properties used but not in the PROV-O table of this test: {unknown}"
    wrong = []
    for s, p, o in triples:
        domain, range_ = PROV_PROPERTIES[p]
        if domain not in classes_of(s.value, types, supers):
            wrong.append(f"{s.value} prov:{p} …: subject is not a {domain}")
        if range_ is None:
            continue
        if range_.startswith(XSD):
            if not isinstance(o, ox.Literal) or o.datatype.value != range_:
                wrong.append(f"… prov:{p} {o}: not an {range_}")
        elif isinstance(o, ox.Literal) or range_ not in classes_of(o.value, types, supers):
            wrong.append(f"{s.value} prov:{p} {o}: object is not a {range_}")
    assert not wrong, f"{len(wrong)} PROV triples outside PROV-O's domain or range, e.g. {wrong[:5]}"


def test_no_resource_is_both_activity_and_entity(graph):
    """What an RDFS reasoner with PROV-O infers (asserted types, PROV domains and ranges,
    subclasses) holds no resource in both disjoint classes."""
    triples, types, supers = graph
    inferred = defaultdict(set)
    for node, ts in types.items():
        inferred[node] |= classes_of(node, types, supers)
    for s, p, o in triples:
        domain, range_ = PROV_PROPERTIES[p]
        inferred[s.value] |= closure(domain, supers)
        if range_ and not range_.startswith(XSD) and not isinstance(o, ox.Literal):
            inferred[o.value] |= closure(range_, supers)
    both = sorted(n for n, cs in inferred.items() if ENTITY in cs and ACTIVITY in cs)
    assert not both, f"{len(both)} resources are both prov:Activity and prov:Entity, e.g. {both[:5]}"
    # the only activity is the run of the link suggester, never an event read from a document
    activities = sorted(n for n, cs in inferred.items() if ACTIVITY in cs)
    assert activities and all(a.startswith(BASE + "id/activity/suggest-") for a in activities), activities


def test_things_are_not_derived_from_text(graph):
    """Only descriptions, link assertions and passages are prov:wasDerivedFrom (a mayor's term of
    1889 is not derived from lines of a 2023 file: what the file says about it is)."""
    triples, types, supers = graph
    derived = {s.value for s, p, _ in triples if p == "wasDerivedFrom"}
    allowed = [d for d in derived if d.startswith(BASE + "id/description/") or d.startswith(BASE + "id/link/")]
    assert sorted(set(derived) - set(allowed)) == []


def test_a_document_is_no_agent(graph):
    triples, _, _ = graph
    agents = {o.value for _, p, o in triples if p == "wasAttributedTo"}
    assert agents == {BASE + "id/city/082015", BASE + "id/city/082023", BASE + "id/city/082368", BASE + "id/agent/curator"}


def test_an_event_and_its_description(built_graph):
    """sources/000 line 177: 「県庁舎が、平成11年4月に笠原町に移転したことから、同年9月に…要望を行った」.
    The event is a schema:Event of 1999-09 (the month the text gives); what the overview says about it
    is a description derived from line 177 and attributed to 水戸市."""
    event = f"<{BASE}id/event/mito-overview-2023/site-use-request-1999>"
    rows = list(built_graph.query(f"""
        PREFIX foaf: <http://xmlns.com/foaf/0.1/> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT DISTINCT ?type ?date ?d ?passage ?agent WHERE {{
          {event} a ?type ; <https://schema.org/startDate> ?date .
          ?d foaf:primaryTopic {event} ; prov:wasDerivedFrom ?passage ; prov:wasAttributedTo ?agent }}""",
        **query_options(built_graph)))
    assert len(rows) == 1
    row = rows[0]
    assert row["type"].value == "https://schema.org/Event"
    assert row["date"] == ox.Literal("1999-09", datatype=ox.NamedNode(XSD + "gYearMonth"))
    assert row["d"].value == f"{BASE}id/description/mito-overview-2023/event/mito-overview-2023/site-use-request-1999"
    assert row["passage"].value == f"{BASE}id/passage/mito-overview-2023/L177-L177"
    assert row["agent"].value == f"{BASE}id/city/082015"
