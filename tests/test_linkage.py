"""Cross-plan linkage: the links with their evidence, the policy areas of every element, the linkage queries.

The store is the mapped records plus the policy areas plus the materialised closures, as the
build makes it. The named queries ``queries/link-*.rq`` are asked with the cases of
tests/competency/linkage-cases.yaml (the format of tests/competency/cases.yaml).
"""

from __future__ import annotations
from collections import Counter
from pathlib import Path
import pyoxigraph as ox
import pytest
import yaml
from mappings.build.merge import query_options
from kgservice.queries.parameters import term as _term
from kgservice.queries.registry import load_queries
from mappings.mapping.policy_areas import (RULE, SCHEME, SDG_TARGET, load_policy_areas, resolve_areas,
                                   rule_query)
from mappings.records.schema import RecordError
from mappings.records.files import load_records
from mappings.records.sources import load_catalog
from mappings.records.verify import check_record

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://plankg.org/"
CASES_FILE = ROOT / "tests" / "competency" / "linkage-cases.yaml"
CASE_KEYS = {"id", "query", "params", "expected", "ordered", "question", "source"}
MPLAN = "https://plankg.org/def/mplan#"
PREFIXES = f"PREFIX mplan: <{MPLAN}>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" \
           "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"

QUERIES = {name: q for name, q in load_queries(ROOT / "queries").items() if name.startswith("link-")}
CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def records():
    return load_records(ROOT / "data")


@pytest.fixture(scope="module")
def store(built_graph) -> ox.Store:
    return built_graph


def select(store: ox.Store, query: str) -> list[dict[str, str | None]]:
    solutions = store.query(PREFIXES + query, **query_options(store))
    names = [v.value for v in solutions.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in solutions]


# --- links and their evidence -----------------------------------------------------------------------

def test_every_link_quote_stands_at_its_lines(records):
    catalog = load_catalog(ROOT / "sources")
    assert len(records.links) >= 9
    misses = [m for loaded in records.links for m in check_record(loaded, catalog)]
    assert misses == []


def test_a_wrong_quote_is_caught(records):
    """The check is real: a quote moved to other lines is reported."""
    catalog = load_catalog(ROOT / "sources")
    loaded = next(l for l in records.links if l.record.id == "kpi-mimamori-tai-measures-community-watch")
    raw = {**loaded.raw, "subject": {**loaded.raw["subject"], "lines": 213}}  # the bus KPI's row
    moved = type(loaded)(loaded.document, loaded.kind, loaded.record, raw, loaded.path, loaded.line)
    misses = check_record(moved, catalog)
    assert [m.field for m in misses] == ["subject.quote"]


def test_the_required_links_are_there(records):
    by_relation = Counter(l.record.relation for l in records.links)
    assert by_relation["positioned-under"] >= 1 and by_relation["based-on"] >= 1 and by_relation["serves"] >= 1
    assert by_relation["measures"] == 3 and by_relation["member-of"] == 2 and by_relation["relisted-under"] == 0
    assert by_relation["carried-out-through"] == 1
    for link in records.links:
        if link.record.asserted_by == "curator":
            assert link.record.confidence < 1 and link.record.reason_en


# The cross-document links the issue names (point 1), each pinned: relation, both ends, both documents.
REQUIRED_LINKS = [
    ("positioned-under", "plan:mito-community-plan-3", "plan:mito-comprehensive-plan-6"),
    ("serves", "plan:mito-community-plan-3", "element:mito-comprehensive-plan-6/pillar-4"),
    ("based-on", "plan:mito-strategy-2", "plan:mito-comprehensive-plan-6"),
    ("measures", "indicator:mito-strategy-2/kpi-mimamori-tai", "element:mito-community-plan-3/basic-policy-3-measure-3"),
    ("measures", "indicator:mito-strategy-2/kpi-disaster-drill-participants",
     "element:mito-community-plan-3/basic-policy-3-measure-4"),
    ("measures", "indicator:mito-strategy-2/kpi-childcare-support-users",
     "element:mito-community-plan-3/basic-policy-3-measure-1"),
    ("member-of", "city:082368", "org:kenou-shucho-kondankai"),
    ("member-of", "city:082015", "org:kenou-shucho-kondankai"),
    ("carried-out-through", "element:omitama-later-basic-plan/measure-7207", "org:kenou-shucho-kondankai"),
]


@pytest.mark.parametrize("relation, subject, obj", REQUIRED_LINKS)
def test_each_named_cross_document_link_is_in_the_graph_with_its_evidence(records, store, relation, subject, obj):
    (link,) = [l for l in records.links if (l.record.relation, l.record.subject.ref, l.record.object.ref)
               == (relation, subject, obj)]
    node = f"<https://plankg.org/id/link/{link.record.id}>"
    rows = select(store, f"""SELECT ?s ?o ?se ?oe WHERE {{ GRAPH <https://plankg.org/graph/linkage> {{
        {node} a mplan:LinkAssertion ; mplan:linkSubject ?s ; mplan:linkObject ?o ;
               mplan:subjectEvidence ?se ; mplan:objectEvidence ?oe }} }}""")
    assert len({(r["s"], r["o"]) for r in rows}) == 1
    # one evidence passage per contiguous line range the record cites (Web Annotation: one selector each)
    assert all("/passage/" + link.record.subject.document + "/" in r["se"] for r in rows)
    assert all("/passage/" + link.record.object.document + "/" in r["oe"] for r in rows)


def test_link_assertions_carry_evidence_on_both_sides(store):
    rows = select(store, """
        SELECT ?link (COUNT(DISTINCT ?q) AS ?quotes) WHERE {
          ?link a mplan:LinkAssertion ; mplan:subjectEvidence|mplan:objectEvidence ?p .
          ?p <http://www.w3.org/ns/oa#hasSelector>/<http://www.w3.org/ns/oa#exact> ?q } GROUP BY ?link""")
    assert len(rows) >= 9
    assert all(int(r["quotes"]) >= 1 for r in rows)


# --- policy areas ---------------------------------------------------------------------------------------

def test_every_plan_element_has_a_policy_area(store):
    rows = select(store, "SELECT DISTINCT ?e WHERE { ?e a mplan:PlanElement FILTER NOT EXISTS { ?e mplan:policyArea ?a } }")
    assert rows == []
    count = select(store, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a mplan:PlanElement }")[0]["n"]
    assert int(count) > 300


def test_areas_are_explicit_or_inherited_never_both(store):
    linkage, inferred = BASE + "graph/linkage", BASE + f"graph/inferred/{RULE}"
    rows = select(store, f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{
        GRAPH <{linkage}> {{ ?e mplan:policyArea ?a }} GRAPH <{inferred}> {{ ?e mplan:policyArea ?b }} }}""")
    assert rows[0]["n"] == "0"
    meta = select(store, f"SELECT ?rule WHERE {{ GRAPH <{BASE}graph/inferred> {{ <{inferred}> mplan:inferenceRule ?rule ;"
                         " a mplan:InferredGraph } }")
    assert meta == [{"rule": RULE}]


def test_inherited_areas_equal_the_documented_rule(store):
    """The areas computed in Python are exactly what the rule's SPARQL (mplan:ruleQuery) gives."""
    class Ctx:  # rule_query needs only graph_iri
        def graph_iri(self, name):
            return BASE + "graph/" + name
    constructed = {(str(t.subject), str(t.object)) for t in store.query(PREFIXES + rule_query(Ctx()),
                                                                         **query_options(store))}
    graph = ox.NamedNode(BASE + f"graph/inferred/{RULE}")
    materialised = {(str(q.subject), str(q.object)) for q in store.quads_for_pattern(None, None, None, graph)}
    assert constructed == materialised and len(materialised) > 200


def test_concepts_have_labels_definitions_and_sdg_reasons(store):
    rows = select(store, f"""SELECT ?c (COUNT(DISTINCT ?l) AS ?labels) (COUNT(DISTINCT ?d) AS ?defs)
        (COUNT(DISTINCT ?t) AS ?targets) (COUNT(DISTINCT ?why) AS ?reasons) WHERE {{
          ?c skos:inScheme <{SCHEME}> ; a skos:Concept ; skos:prefLabel ?l ; skos:definition ?d ;
             skos:relatedMatch ?t ; mplan:sdgAlignment [ mplan:sdgTarget ?t ; rdfs:comment ?why ] }} GROUP BY ?c""")
    assert len(rows) >= 20
    for row in rows:
        assert row["labels"] == "2" and row["defs"] == "2", row["c"]
        assert int(row["targets"]) >= 1 and int(row["reasons"]) >= int(row["targets"]), row["c"]
    targets = select(store, "SELECT DISTINCT ?t WHERE { ?x mplan:sdgTarget ?t }")
    for row in targets:
        assert row["t"].startswith("http://metadata.un.org/sdg/")
        assert SDG_TARGET.match(row["t"].rsplit("/", 1)[1]), row["t"]
    required = {"digitalisation", "public-relations-hearing", "administrative-fiscal-management", "community",
                "citizen-activity-npo", "universities-companies", "gender-equality-youth", "multicultural-society",
                "tourism", "child-rearing", "education", "health-welfare", "disaster-safety", "transport",
                "industry-employment", "environment", "culture-sports", "migration-settlement",
                "international-exchange", "wide-area-cooperation"}
    assert required <= {r["c"].rsplit("/", 1)[1] for r in rows}


def test_element_alignments_have_reasons(store):
    rows = select(store, """SELECT ?e ?t ?why WHERE { ?e a mplan:PlanElement ; mplan:sdgAlignment ?a .
        ?a mplan:sdgTarget ?t OPTIONAL { ?a rdfs:comment ?why } }""")
    assert len(rows) >= 10 and all(r["why"] for r in rows)


def test_an_unclassified_element_fails_naming_it(tmp_path, records):
    path = ROOT / "data" / "linkage" / "policy-areas.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "  - ref: element:omitama-later-basic-plan/section-1\n    areas: [public-relations-hearing, digitalisation]\n", "")
    broken = tmp_path / "policy-areas.yaml"
    broken.write_text(text, encoding="utf-8")
    assert text != path.read_text(encoding="utf-8")
    with pytest.raises(RecordError, match="omitama-later-basic-plan/section-1"):
        resolve_areas(load_policy_areas(broken), records)


def test_an_unknown_area_fails(tmp_path):
    path = ROOT / "data" / "linkage" / "policy-areas.yaml"
    broken = tmp_path / "policy-areas.yaml"
    broken.write_text(path.read_text(encoding="utf-8").replace("areas: [wide-area-cooperation]", "areas: [wide-area]"),
                      encoding="utf-8")
    with pytest.raises(RecordError, match="wide-area"):
        load_policy_areas(broken)


# --- the named linkage queries ----------------------------------------------------------------------------

def run(store: ox.Store, name: str, params: dict) -> list[dict[str, str | None]]:
    query = QUERIES[name]
    given = {k: [str(v).lower() if isinstance(v, bool) else str(v)] for k, v in (params or {}).items()}
    substitutions = {ox.Variable(var): _term(nt) for var, nt in query.substitutions(given).items()}
    solutions = store.query(query.text, substitutions=substitutions, **query_options(store))
    names = [v.value for v in solutions.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in solutions]


def compare(case: dict, rows: list[dict]) -> None:
    """Assert the rows answer the case (only its columns; in order when ``ordered``)."""
    expected = [{k: None if v is None else str(v) for k, v in row.items()} for row in case["expected"]]
    if not expected:
        assert rows == [], f"{case['id']}: expected no rows"
        return
    columns = list(expected[0])
    assert rows, f"{case['id']}: the query returned nothing"
    assert not set(columns) - set(rows[0]), f"{case['id']}: variables not selected: {set(columns) - set(rows[0])}"
    actual = [{c: r.get(c) for c in columns} for r in rows]
    if case["ordered"]:
        assert actual == expected, case["id"]
    else:
        assert Counter(tuple(sorted(r.items())) for r in actual) == \
            Counter(tuple(sorted(r.items())) for r in expected), f"{case['id']}: rows differ"


def test_cases_file_is_well_formed():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    for case in CASES:
        assert set(case) <= CASE_KEYS, case["id"]
        assert case["query"] in QUERIES, f"{case['id']}: no queries/{case['query']}.rq"
        assert isinstance(case["ordered"], bool) and isinstance(case["expected"], list)


def test_every_linkage_query_is_documented_and_asked():
    assert len(QUERIES) >= 20
    assert set(QUERIES) == {c["query"] for c in CASES}, "linkage queries without a case"
    for name, query in QUERIES.items():
        assert any("\u3040" <= ch <= "\u9fff" for ch in query.description), f"{name}: the question in Japanese"
        assert any("a" <= ch <= "z" for ch in query.description), f"{name}: the question in English"
        assert query.tags and (query.example or not query.parameters), name


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_linkage_case(store, case):
    compare(case, run(store, case["query"], case.get("params") or {}))


def test_a_wrong_expectation_fails(store):
    """The comparison can fail: the FY2022 settlement of goal I altered by one thousand yen."""
    case = next(c for c in CASES if c["id"] == "strategy-budget-per-goal-fy2022")
    wrong = {**case, "expected": [dict(r) for r in case["expected"]]}
    wrong["expected"][0]["settlement"] = "37985"
    with pytest.raises(AssertionError):
        compare(wrong, run(store, case["query"], case["params"]))


def test_side_by_side_returns_all_three_cities(store):
    for area in ("digitalisation", "public-relations-hearing"):
        cities = {r["cityCode"] for r in run(store, "link-area-side-by-side", {"policyArea": area})}
        assert cities == {"082015", "082023", "082368"}, area
