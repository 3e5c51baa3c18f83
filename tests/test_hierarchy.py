"""The plan hierarchy as a query with DCMI terms finds it: one direct parent per element
(mplan:parent ⊑ dct:isPartOf, also stated as dct:isPartOf/dct:hasPart in the document's graph), the
ancestors at any depth under mplan:partOfTransitive; and the two Hitachi 総合計画推進事業 projects
(lines 676 and 824) as two projects, not a relisting of one another.
"""

from __future__ import annotations
import pyoxigraph as ox
import pytest
from conftest_pages import select as select_rows
from mappings.build.merge import query_options

BASE = "https://plankg.org/"
PLAN6 = BASE + "id/plan/mito-comprehensive-plan-6"
HITACHI = BASE + "id/plan/hitachi-comprehensive-plan/"
PREFIXES = """PREFIX mplan: <https://plankg.org/def/mplan#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@pytest.fixture(scope="module")
def store(built_graph) -> ox.Store:
    return built_graph


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    return select_rows(store, PREFIXES + query)


def values(store: ox.Store, query: str, var: str) -> set[str]:
    return {r[var] for r in select(store, query)}


def test_the_direct_parent_of_an_element_is_exactly_one(store):
    # 000 lines 100-103: (1) 未来を担う子どもたちの育成 is under 1 笑顔にあふれ快適に暮らせる「みと」づくり
    policy = f"<{PLAN6}/pillar-1-policy-1>"
    for prop in ("dct:isPartOf", "mplan:parent"):
        assert values(store, f"SELECT DISTINCT ?p WHERE {{ {policy} {prop} ?p }}", "p") == {PLAN6 + "/pillar-1"}
    # the closure is a property of its own, and reaches the plan
    assert values(store, f"SELECT DISTINCT ?p WHERE {{ {policy} mplan:partOfTransitive ?p }}", "p") == {
        PLAN6 + "/pillar-1", PLAN6}


def test_no_element_has_two_direct_parents_and_every_element_has_one(store):
    rows = select(store, """SELECT ?e (COUNT(DISTINCT ?p) AS ?n) WHERE {
        ?e a mplan:PlanElement . OPTIONAL { ?e dct:isPartOf ?p } } GROUP BY ?e HAVING (COUNT(DISTINCT ?p) != 1)""")
    assert rows == []
    # dct:hasPart states the same edges, the other way round
    assert select(store, """SELECT ?e ?p WHERE { ?e dct:isPartOf ?p FILTER NOT EXISTS { ?p dct:hasPart ?e } }""") == []
    assert select(store, """SELECT ?e ?p WHERE { ?p dct:hasPart ?e . ?e a mplan:PlanElement
                            FILTER NOT EXISTS { ?e dct:isPartOf ?p } }""") == []


def test_the_direct_structure_is_stated_in_the_document_graph(store):
    rows = select(store, f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{PLAN6}/pillar-1-policy-1> dct:isPartOf ?p .
        ?p dct:hasPart <{PLAN6}/pillar-1-policy-1> }} }}""")
    assert [r["g"] for r in rows] == [BASE + "graph/mito-overview-2023"]


def test_has_part_of_a_goal_lists_its_children(store):
    # 000 lines 100-107: pillar 1 lists policies (1)-(5)
    labels = values(store, f"""SELECT DISTINCT ?l WHERE {{ <{PLAN6}/pillar-1> dct:hasPart ?c .
        ?c rdfs:label ?l FILTER(lang(?l) = "ja") }}""", "l")
    assert labels == {"未来を担う子どもたちの育成", "みんなで支えあい助けあう地域社会の実現", "健やかな生活の実現",
                      "災害に強いまちづくりの推進", "安全・安心な暮らしの実現"}


def test_the_closure_reaches_the_plan_from_a_project_three_levels_down(store):
    # evaluation lines 11, 29, 47: 基本目標 I ⊃ (1) 地域経済をけん引する産業競争力の強化 ⊃ … 工業振興支援事業
    plan = BASE + "id/plan/mito-strategy-2"
    project = f"<{plan}/goal-1-policy-1-industrial-promotion-subsidy>"
    above = values(store, f"SELECT DISTINCT ?a WHERE {{ {project} mplan:partOfTransitive ?a }}", "a")
    assert above == {f"{plan}/goal-1-policy-1-industrial-competitiveness", f"{plan}/goal-1-policy-1",
                     f"{plan}/goal-1", plan}
    # a query with DCMI terms only walks dct:isPartOf+ to the same set
    assert values(store, f"SELECT DISTINCT ?a WHERE {{ {project} dct:isPartOf+ ?a }}", "a") == above
    # and the closure sits in its own rule graph, under no property a DCMI query reads as direct
    graphs = values(store, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {project} mplan:partOfTransitive <{plan}> }} }}", "g")
    assert graphs == {BASE + "graph/inferred/part-of-transitive"}
    assert not store.query(PREFIXES + f"ASK {{ {project} dct:isPartOf <{plan}> }}", **query_options(store))


def test_the_retired_part_of_is_not_in_the_graph(store):
    assert select(store, "SELECT ?s WHERE { ?s mplan:partOf ?o } LIMIT 1") == []
    assert select(store, "SELECT ?s WHERE { ?s mplan:hasPart ?o } LIMIT 1") == []


def test_the_two_comprehensive_plan_projects_are_two_projects_with_their_departments(store):
    # hitachi lines 676 (政策企画課) and 824 (再掲, 地域創生推進課): same name, other activities and department
    rows = select(store, f"""SELECT ?p ?text ?dept ?parent WHERE {{
        VALUES ?p {{ <{HITACHI}ch6-policy-5-initiative-3-project-01> <{HITACHI}ch6-policy-6-initiative-2-project-03> }}
        ?p rdfs:label "総合計画推進事業"@ja ; dct:description ?text ; mplan:responsibleUnit/rdfs:label ?dept ;
           mplan:parent ?parent FILTER(lang(?dept) = "ja") }}""")
    assert {(r["p"].rsplit("/", 1)[1], r["text"], r["dept"], r["parent"].rsplit("/", 1)[1]) for r in rows} == {
        ("ch6-policy-5-initiative-3-project-01", "市民意向の把握、パブリックコメントの実施", "政策企画課",
         "ch6-policy-5-initiative-3"),
        ("ch6-policy-6-initiative-2-project-03", "計画の進捗管理、次期計画の策定", "地域創生推進課",
         "ch6-policy-6-initiative-2"),
    }
    project = f"<{HITACHI}ch6-policy-6-initiative-2-project-03>"
    assert select(store, f"SELECT ?m WHERE {{ {project} mplan:relistingOf ?m }}") == []
    assert select(store, f"SELECT ?u WHERE {{ <{HITACHI}ch6-policy-5-initiative-3-project-01> mplan:relistedUnder ?u }}") == []
    # the (再掲) printed at line 824 is kept
    assert select(store, f"SELECT ?v WHERE {{ {project} mplan:isRelisting ?v }}") == [{"v": "true"}]
