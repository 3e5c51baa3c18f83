"""The RDF Data Cube integrity constraints (W3C Recommendation "The RDF Data Cube Vocabulary",
§11, IC-1 … IC-21) over the built graph, after the normalisation of §10.2, plus the figures the
cubes must hold as the documents print them.

Each IC is its own case and expects no violation; each IC query is also run on a small cube broken
on purpose, where it must find one (so a query that can never fire does not pass as a check).
"""

from __future__ import annotations
from pathlib import Path
import pyoxigraph as ox
import pytest
from mappings.records.sources import load_catalog

ROOT = Path(__file__).resolve().parents[1]
ID = "https://plankg.org/id/"
STRATEGY = ID + "plan/mito-strategy-2/"
QUDT = "http://qudt.org/vocab/"

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""

# §10.2 Normalization algorithm: phase 1 (type and property closure), phase 2 (push down attachment levels)
NORMALISATION = [
    "INSERT { ?o rdf:type qb:Observation } WHERE { [] qb:observation ?o }",
    "INSERT { ?o rdf:type qb:Observation } WHERE { ?o qb:dataSet [] }",
    "INSERT { ?s rdf:type qb:Slice } WHERE { [] qb:slice ?s }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:DimensionProperty } WHERE { ?cs qb:dimension ?p }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:MeasureProperty } WHERE { ?cs qb:measure ?p }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:AttributeProperty } WHERE { ?cs qb:attribute ?p }",
    """INSERT { ?obs ?comp ?value } WHERE {
        ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:DataSet .
        ?dataset qb:structure [ qb:component ?spec ] ; ?comp ?value .
        ?obs qb:dataSet ?dataset }""",
    """INSERT { ?obs ?comp ?value } WHERE {
        ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:Slice .
        ?dataset qb:structure [ qb:component ?spec ] ; qb:slice ?slice .
        ?slice ?comp ?value ; qb:observation ?obs }""",
    """INSERT { ?obs ?comp ?value } WHERE {
        ?spec qb:componentProperty ?comp .
        ?comp a qb:DimensionProperty .
        ?dataset qb:structure [ qb:component ?spec ] ; qb:slice ?slice .
        ?slice ?comp ?value ; qb:observation ?obs }""",
]

# §11.1 the integrity constraints, as ASK queries that are true when the constraint is violated.
# One change: IC-17's HAVING names the aggregate, not its SELECT alias (?count), which SPARQL 1.1
# does not bind in HAVING; as printed the query is false on a strict engine whatever the data.
IC = {
    "IC-1": """ASK { { ?obs a qb:Observation . FILTER NOT EXISTS { ?obs qb:dataSet ?dataset1 . } }
        UNION { ?obs a qb:Observation ; qb:dataSet ?dataset1, ?dataset2 . FILTER (?dataset1 != ?dataset2) } }""",
    "IC-2": """ASK { { ?dataset a qb:DataSet . FILTER NOT EXISTS { ?dataset qb:structure ?dsd . } }
        UNION { ?dataset a qb:DataSet ; qb:structure ?dsd1, ?dsd2 . FILTER (?dsd1 != ?dsd2) } }""",
    "IC-3": """ASK { ?dsd a qb:DataStructureDefinition .
        FILTER NOT EXISTS { ?dsd qb:component [qb:componentProperty [a qb:MeasureProperty]] } }""",
    "IC-4": """ASK { ?dim a qb:DimensionProperty . FILTER NOT EXISTS { ?dim rdfs:range [] } }""",
    "IC-5": """ASK { ?dim a qb:DimensionProperty ; rdfs:range skos:Concept . FILTER NOT EXISTS { ?dim qb:codeList [] } }""",
    "IC-6": """ASK { ?dsd qb:component ?componentSpec .
        ?componentSpec qb:componentRequired "false"^^xsd:boolean ; qb:componentProperty ?component .
        FILTER NOT EXISTS { ?component a qb:AttributeProperty } }""",
    "IC-7": """ASK { ?sliceKey a qb:SliceKey . FILTER NOT EXISTS { [a qb:DataStructureDefinition] qb:sliceKey ?sliceKey } }""",
    "IC-8": """ASK { ?slicekey a qb:SliceKey; qb:componentProperty ?prop . ?dsd qb:sliceKey ?slicekey .
        FILTER NOT EXISTS { ?dsd qb:component [qb:componentProperty ?prop] } }""",
    "IC-9": """ASK { { ?slice a qb:Slice . FILTER NOT EXISTS { ?slice qb:sliceStructure ?key } }
        UNION { ?slice a qb:Slice ; qb:sliceStructure ?key1, ?key2 . FILTER (?key1 != ?key2) } }""",
    "IC-10": """ASK { ?slice qb:sliceStructure [qb:componentProperty ?dim] . FILTER NOT EXISTS { ?slice ?dim [] } }""",
    "IC-11": """ASK { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
        ?dim a qb:DimensionProperty . FILTER NOT EXISTS { ?obs ?dim [] } }""",
    "IC-12": """ASK { FILTER( ?allEqual ) {
        SELECT (MIN(?equal) AS ?allEqual) WHERE {
            ?obs1 qb:dataSet ?dataset . ?obs2 qb:dataSet ?dataset . FILTER (?obs1 != ?obs2)
            ?dataset qb:structure/qb:component/qb:componentProperty ?dim .
            ?dim a qb:DimensionProperty .
            ?obs1 ?dim ?value1 . ?obs2 ?dim ?value2 .
            BIND( ?value1 = ?value2 AS ?equal)
        } GROUP BY ?obs1 ?obs2 } }""",
    "IC-13": """ASK { ?obs qb:dataSet/qb:structure/qb:component ?component .
        ?component qb:componentRequired "true"^^xsd:boolean ; qb:componentProperty ?attr .
        FILTER NOT EXISTS { ?obs ?attr [] } }""",
    "IC-14": """ASK { ?obs qb:dataSet/qb:structure ?dsd .
        FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty qb:measureType }
        ?dsd qb:component/qb:componentProperty ?measure . ?measure a qb:MeasureProperty;
        FILTER NOT EXISTS { ?obs ?measure [] } }""",
    "IC-15": """ASK { ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?measure .
        ?dsd qb:component/qb:componentProperty qb:measureType .
        FILTER NOT EXISTS { ?obs ?measure [] } }""",
    "IC-16": """ASK { ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?measure ; ?omeasure [] .
        ?dsd qb:component/qb:componentProperty qb:measureType ; qb:component/qb:componentProperty ?omeasure .
        ?omeasure a qb:MeasureProperty . FILTER (?omeasure != ?measure) }""",
    "IC-17": """ASK { {
        SELECT ?numMeasures (COUNT(?obs2) AS ?count) WHERE {
            { SELECT ?dsd (COUNT(?m) AS ?numMeasures) WHERE {
                ?dsd qb:component/qb:componentProperty ?m. ?m a qb:MeasureProperty . } GROUP BY ?dsd }
            ?obs1 qb:dataSet/qb:structure ?dsd; qb:dataSet ?dataset ; qb:measureType ?m1 .
            ?obs2 qb:dataSet ?dataset ; qb:measureType ?m2 .
            FILTER NOT EXISTS {
                ?dsd qb:component/qb:componentProperty ?dim . FILTER (?dim != qb:measureType)
                ?dim a qb:DimensionProperty . ?obs1 ?dim ?v1 . ?obs2 ?dim ?v2. FILTER (?v1 != ?v2) }
        } GROUP BY ?obs1 ?numMeasures
        HAVING (COUNT(?obs2) != ?numMeasures) } }""",
    "IC-18": """ASK { ?dataset qb:slice ?slice . ?slice qb:observation ?obs .
        FILTER NOT EXISTS { ?obs qb:dataSet ?dataset . } }""",
    "IC-19": """ASK { { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
            ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a skos:ConceptScheme .
            ?obs ?dim ?v . FILTER NOT EXISTS { ?v a skos:Concept ; skos:inScheme ?list } }
        UNION { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
            ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a skos:Collection .
            ?obs ?dim ?v . FILTER NOT EXISTS { ?v a skos:Concept . ?list skos:member+ ?v } } }""",
    # IC-20 and IC-21 are templates: one query per parent-child property of a hierarchical code list
    "IC-20": """ASK { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
        ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a qb:HierarchicalCodeList .
        ?obs ?dim ?v . FILTER NOT EXISTS { ?list qb:hierarchyRoot/<$p>* ?v } }""",
    "IC-21": """ASK { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
        ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a qb:HierarchicalCodeList .
        ?obs ?dim ?v . FILTER NOT EXISTS { ?list qb:hierarchyRoot/(^<$p>)* ?v } }""",
}
INSTANTIATION = {
    "IC-20": """SELECT ?p WHERE { ?hierarchy a qb:HierarchicalCodeList ; qb:parentChildProperty ?pcp .
        FILTER( isIRI(?pcp) ) BIND(?pcp AS ?p) }""",
    "IC-21": """SELECT ?p WHERE { ?hierarchy a qb:HierarchicalCodeList ; qb:parentChildProperty ?pcp .
        FILTER( isBlank(?pcp) ) ?pcp owl:inverseOf ?p . FILTER( isIRI(?p) ) }""",
}


def normalised(quads) -> ox.Store:
    """A copy of the graph as one RDF merge in the default graph, normalised as §10.2 says."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    for update in NORMALISATION:
        store.update(PREFIXES + update)
    return store


def violated(store: ox.Store, ic: str) -> bool:
    query = PREFIXES + IC[ic]
    if ic not in INSTANTIATION:
        return bool(store.query(query))
    return any(bool(store.query(query.replace("$p", row["p"].value)))
               for row in store.query(PREFIXES + INSTANTIATION[ic]))


@pytest.fixture(scope="module")
def cube(built_graph) -> ox.Store:
    return normalised(built_graph.quads_for_pattern(None, None, None, None))


@pytest.mark.parametrize("ic", sorted(IC, key=lambda k: int(k[3:])))
def test_integrity_constraint_holds(cube, ic):
    assert not violated(cube, ic), f"{ic} is violated in the built graph"


def test_the_cubes_are_there(cube):
    count = lambda q: int(next(iter(cube.query(PREFIXES + q)))["n"].value)  # noqa: E731
    assert count("SELECT (COUNT(*) AS ?n) WHERE { ?o a qb:Observation }") > 400
    assert count("SELECT (COUNT(*) AS ?n) WHERE { ?s a qb:Slice }") > 150
    assert count("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a qb:DataStructureDefinition }") == 3


# --- a small cube, broken once per constraint --------------------------------------------------

VALID = """@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <http://example.org/> .
ex:dsd a qb:DataStructureDefinition ;
    qb:component [ qb:dimension ex:period ] , [ qb:dimension ex:kind ] , [ qb:measure ex:value ] ,
                 [ qb:attribute ex:unit ; qb:componentRequired "true"^^xsd:boolean ] ,
                 [ qb:attribute ex:note ; qb:componentRequired "false"^^xsd:boolean ] ;
    qb:sliceKey ex:byKind .
ex:byKind a qb:SliceKey ; qb:componentProperty ex:kind .
ex:period rdfs:range xsd:gYear .
ex:kind rdfs:range skos:Concept ; qb:codeList ex:kinds .
ex:kinds a skos:ConceptScheme .
ex:a a skos:Concept ; skos:inScheme ex:kinds .
ex:ds a qb:DataSet ; qb:structure ex:dsd ; qb:slice ex:slice .
ex:slice qb:sliceStructure ex:byKind ; ex:kind ex:a ; qb:observation ex:o1 , ex:o2 .
ex:o1 qb:dataSet ex:ds ; ex:period "2021"^^xsd:gYear ; ex:kind ex:a ; ex:value 1 ; ex:unit ex:u .
ex:o2 qb:dataSet ex:ds ; ex:period "2022"^^xsd:gYear ; ex:kind ex:a ; ex:value 2 ; ex:unit ex:u .
"""
MEASURE_TYPE_CUBE = """
ex:dsd2 a qb:DataStructureDefinition ;
    qb:component [ qb:dimension ex:period ] , [ qb:dimension qb:measureType ] , [ qb:measure ex:budget ] , [ qb:measure ex:spent ] .
qb:measureType rdfs:range qb:MeasureProperty .
ex:ds2 a qb:DataSet ; qb:structure ex:dsd2 .
ex:m1 qb:dataSet ex:ds2 ; ex:period "2022"^^xsd:gYear ; qb:measureType ex:budget ; ex:budget 10 .
"""
HIERARCHY = """
ex:dsd3 a qb:DataStructureDefinition ; qb:component [ qb:dimension ex:area ] , [ qb:measure ex:value ] .
ex:area rdfs:range skos:Concept ; qb:codeList ex:areas .
ex:areas a qb:HierarchicalCodeList ; qb:hierarchyRoot ex:japan ; qb:parentChildProperty {pcp} .
ex:japan a skos:Concept . ex:ibaraki a skos:Concept . ex:mito a skos:Concept .
ex:japan skos:narrower ex:ibaraki . ex:ibaraki skos:broader ex:japan .
ex:ds3 a qb:DataSet ; qb:structure ex:dsd3 .
ex:h1 qb:dataSet ex:ds3 ; ex:area ex:mito ; ex:value 1 .
"""
# what each constraint's broken cube adds to (or changes in) the valid one
BROKEN = {
    "IC-1": VALID + "ex:o3 a qb:Observation .",
    "IC-2": VALID + "ex:ds qb:structure ex:other .",
    "IC-3": VALID + "ex:empty a qb:DataStructureDefinition ; qb:component [ qb:dimension ex:period ] .",
    "IC-4": VALID + "ex:dsd qb:component [ qb:dimension ex:rangeless ] .",
    "IC-5": VALID + "ex:coded a qb:DimensionProperty ; rdfs:range skos:Concept .",
    "IC-6": VALID + 'ex:dsd qb:component [ qb:dimension ex:optional ; qb:componentRequired "false"^^xsd:boolean ] .',
    "IC-7": VALID + "ex:loose a qb:SliceKey .",
    "IC-8": VALID + "ex:byKind qb:componentProperty ex:undeclared .",
    "IC-9": VALID + "ex:slice2 a qb:Slice .",
    "IC-10": VALID.replace("ex:slice qb:sliceStructure ex:byKind ; ex:kind ex:a ;", "ex:slice qb:sliceStructure ex:byKind ;")
                  .replace("ex:o1 qb:dataSet ex:ds ; ex:period \"2021\"^^xsd:gYear ; ex:kind ex:a ;",
                           "ex:o1 qb:dataSet ex:ds ; ex:period \"2021\"^^xsd:gYear ;"),
    "IC-11": VALID + 'ex:o3 qb:dataSet ex:ds ; ex:kind ex:a ; ex:value 3 ; ex:unit ex:u .',
    "IC-12": VALID + 'ex:o3 qb:dataSet ex:ds ; ex:period "2022"^^xsd:gYear ; ex:kind ex:a ; ex:value 3 ; ex:unit ex:u .',
    "IC-13": VALID + 'ex:o3 qb:dataSet ex:ds ; ex:period "2023"^^xsd:gYear ; ex:kind ex:a ; ex:value 3 .',
    "IC-14": VALID + 'ex:o3 qb:dataSet ex:ds ; ex:period "2023"^^xsd:gYear ; ex:kind ex:a ; ex:unit ex:u .',
    "IC-15": VALID + MEASURE_TYPE_CUBE.replace("ex:budget 10 .", "ex:spent 10 ."),
    "IC-16": VALID + MEASURE_TYPE_CUBE.replace("ex:budget 10 .", "ex:budget 10 ; ex:spent 8 ."),
    "IC-17": VALID + MEASURE_TYPE_CUBE,
    "IC-18": VALID + "ex:slice qb:observation ex:elsewhere . ex:elsewhere qb:dataSet ex:ds9 .",
    "IC-19": VALID + 'ex:o3 qb:dataSet ex:ds ; ex:period "2023"^^xsd:gYear ; ex:kind ex:b ; ex:value 3 ; ex:unit ex:u .',
    "IC-20": VALID + HIERARCHY.replace("{pcp}", "skos:narrower"),
    "IC-21": VALID + HIERARCHY.replace("{pcp}", "[ owl:inverseOf skos:broader ]"),
}


def small(turtle: str) -> ox.Store:
    return normalised(ox.parse(turtle, format=ox.RdfFormat.TURTLE))


def test_the_small_cube_is_valid():
    store = small(VALID)
    assert [ic for ic in IC if violated(store, ic)] == []


@pytest.mark.parametrize("ic", sorted(IC, key=lambda k: int(k[3:])))
def test_each_constraint_finds_its_violation(ic):
    assert violated(small(BROKEN[ic]), ic), f"{ic} does not fire on a cube that breaks it"


# --- the figures, as the documents print them ----------------------------------------------------

def source_line(document: str, line: int) -> str:
    return load_catalog(ROOT / "sources")[document].passage([(line, line)])


def rows(store, query: str) -> list[dict[str, str]]:
    # the build stores the RDF merge of the named graphs as the default graph: asked there, each
    # triple counts once (the union of the named graphs would repeat a triple stated in two)
    solutions = store.query(PREFIXES + """PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
PREFIX mplan: <https://plankg.org/def/mplan#>
PREFIX dct: <http://purl.org/dc/terms/>
""" + query)
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def test_an_actual_refers_to_the_year_printed_beside_it(built_graph):
    # line 30: 実績値 126,471 (2020年度) in the 2021年度 column (line 28), 150,965 (2021年度) under 2022年度
    assert "126,471 (2020年度)" in source_line("mito-strategy-evaluation-2022", 30)
    assert "2021年度\t2022年度" in source_line("mito-strategy-evaluation-2022", 28)
    got = rows(built_graph, f"""SELECT ?column ?period ?value ?unit ?mult WHERE {{
        <{STRATEGY}indicator/kpi-manufacturing-shipments/actual> qb:observation ?o .
        ?o mplan:columnPeriod ?column ; sdmx-dimension:refPeriod ?period ; sdmx-measure:obsValue ?value ;
           sdmx-attribute:unitMeasure ?unit ; sdmx-attribute:unitMult ?mult }} ORDER BY ?column""")
    assert got == [
        {"column": ID + "period/fy2021", "period": ID + "period/fy2020", "value": "126471",
         "unit": QUDT + "currency/JPY", "mult": "6"},
        {"column": ID + "period/fy2022", "period": ID + "period/fy2021", "value": "150965",
         "unit": QUDT + "currency/JPY", "mult": "6"},
    ]


def test_a_thousand_yen_budget_has_unit_multiplier_3(built_graph):
    line = source_line("mito-strategy-evaluation-2022", 50)  # 工業振興支援事業 R4事業費(千円) 予算額 31,077 決算額 26,443
    assert "R4事業費(千円)" in line and "31,077" in line and "26,443" in line
    got = rows(built_graph, """SELECT ?budget ?settlement ?unit ?mult ?printed ?period WHERE {
        ?o mplan:project ?p ; mplan:budgetAmount ?budget ; mplan:settlementAmount ?settlement ;
           sdmx-attribute:unitMeasure ?unit ; sdmx-attribute:unitMult ?mult ; mplan:unitAsPrinted ?printed ;
           sdmx-dimension:refPeriod ?period .
        ?p rdfs:label "工業振興支援事業"@ja }""")
    assert got == [{"budget": "31077", "settlement": "26443", "unit": QUDT + "currency/JPY", "mult": "3",
                    "printed": "千円", "period": ID + "period/fy2022"}]


def test_a_target_comparison_is_data(built_graph):
    assert "85％以下" in source_line("omitama-later-basic-plan-sections", 263)
    got = rows(built_graph, """SELECT ?value ?comparison ?unit WHERE {
        ?o mplan:indicator ?i ; mplan:comparison ?comparison ; sdmx-measure:obsValue ?value ;
           sdmx-attribute:unitMeasure ?unit . ?i rdfs:label "経常収支比率(普通会計)"@ja }""")
    assert got == [{"value": "85", "comparison": "https://plankg.org/def/code/target-comparison/at-most",
                    "unit": QUDT + "unit/PERCENT"}]


def test_a_rate_target_has_its_own_unit(built_graph):
    # line 24: 市民所得 単位:百万円 | 0.6%増/年 — the target is a rate in %, not an amount in million yen
    line = source_line("mito-strategy-evaluation-2022", 24)
    assert "単位:百万円" in line and "0.6%増/年" in line
    got = rows(built_graph, f"""SELECT ?value ?comparison ?unit ?mult ?printed WHERE {{
        <{STRATEGY}indicator/target-citizen-income/target/fy2024> sdmx-measure:obsValue ?value ;
            mplan:comparison ?comparison ; sdmx-attribute:unitMeasure ?unit ; mplan:valueAsPrinted ?printed .
        OPTIONAL {{ <{STRATEGY}indicator/target-citizen-income/target/fy2024> sdmx-attribute:unitMult ?mult }} }}""")
    assert got == [{"value": "0.6", "comparison": "https://plankg.org/def/code/target-comparison/annual-increase",
                    "unit": QUDT + "unit/PERCENT", "printed": "0.6%増/年"}]


def test_a_value_without_a_number_has_its_status(built_graph):
    # line 87: 市内外国人観光客数 実績値 未算出※ (2021年) 未算出※ (2022年)
    assert source_line("mito-strategy-evaluation-2022", 87).count("未算出※") == 2
    got = rows(built_graph, f"""SELECT ?status (STR(?v) AS ?value) (DATATYPE(?v) AS ?type) WHERE {{
        <{STRATEGY}indicator/kpi-foreign-tourists/actual/fy2021> sdmx-attribute:obsStatus ?status ;
            sdmx-measure:obsValue ?v }}""")
    assert got == [{"status": "https://plankg.org/def/code/obs-status/not-computed", "value": "NaN",
                    "type": "http://www.w3.org/2001/XMLSchema#double"}]


def test_values_per_school_grade_are_observations_of_their_own(built_graph):
    # line 152: 目標値 [小6]+2.0 [中3]+3.0; line 153: 実績値 [小6]-1.4 [中2]-1.0※ (中2 for reference only, line 155)
    assert "[小6]+2.0 [中3]+3.0" in source_line("mito-strategy-evaluation-2022", 152)
    assert "[小6]-1.4 [中2]-1.0※" in source_line("mito-strategy-evaluation-2022", 153)
    got = rows(built_graph, f"""SELECT ?grade ?value ?status WHERE {{
        ?o mplan:indicator <{STRATEGY}indicator/kpi-academic-test-scores> ;
           mplan:observationRole <https://plankg.org/def/code/observation-role/actual> ;
           mplan:columnPeriod <{ID}period/fy2021> ; mplan:breakdown/skos:notation ?grade ; sdmx-measure:obsValue ?value .
        OPTIONAL {{ ?o mplan:progressStatus ?status }} }} ORDER BY ?grade""")
    assert got == [{"grade": "elementary-grade-6", "value": "-1.4",
                    "status": "https://plankg.org/def/code/progress-status/delayed"},
                   {"grade": "junior-high-grade-2", "value": "-1"}]


def test_the_clinic_table_totals_are_in_the_graph(built_graph):
    # lines 236-239: 休日(昼間)診療 2,272 2,038 649 352 5,311 / 夜間診療 1,694 2,214 3,908 / 計 3,966 4,252 649 352 9,219
    assert "3,966\t4,252\t649\t352\t9,219" in source_line("mito-strategy-evaluation-2022", 239)
    got = rows(built_graph, """SELECT ?label ?value WHERE {
        ?o qb:dataSet <https://plankg.org/id/dataset/mito-strategy-evaluation-2022/holiday-night-clinic-fy2022> ;
           mplan:category/skos:prefLabel ?label ; sdmx-measure:obsValue ?value }""")
    cells = {r["label"]: int(r["value"]) for r in got}
    assert len(cells) == 13
    totals = {k: v for k, v in cells.items() if "計" in k}
    assert totals == {"区分: 休日(昼間)診療 / 診療科: 合計": 5311, "区分: 夜間診療 / 診療科: 合計": 3908,
                      "区分: 計 / 診療科: 内科": 3966, "区分: 計 / 診療科: 小児科": 4252, "区分: 計 / 診療科: 外科": 649,
                      "区分: 計 / 診療科: 歯科": 352, "区分: 計 / 診療科: 合計": 9219}
    # and they are the sums of the cells
    day = [v for k, v in cells.items() if k.startswith("区分: 休日") and "合計" not in k]
    night = [v for k, v in cells.items() if k.startswith("区分: 夜間") and "合計" not in k]
    assert sum(day) == 5311 and sum(night) == 3908 and sum(day) + sum(night) == 9219


def test_chart_captions_are_the_sources_of_their_datasets(built_graph):
    assert source_line("hitachi-plan-chapter-6", 312) == "出典：政策企画課集計値"
    got = rows(built_graph, """SELECT ?title ?caption WHERE {
        ?d a qb:DataSet ; dct:source ?caption_node ; rdfs:label ?title FILTER(lang(?title) = "ja")
        ?caption_node rdfs:label ?caption FILTER(STRENDS(STR(?caption_node), "/source"))
        FILTER(STRSTARTS(STR(?d), "https://plankg.org/id/dataset/hitachi-plan-chapter-6/")) }""")
    captions = {r["title"]: r["caption"] for r in got}
    assert len(captions) == 7
    assert captions["■大学連携取組数(年度別)の推移"] == "政策企画課集計値"
    assert captions["■一般会計経常収支比率の推移"] == "財政課集計値"


def test_units_are_qudt_and_every_observation_has_its_area(built_graph):
    units = {r["u"] for r in rows(built_graph, "SELECT DISTINCT ?u WHERE { ?o sdmx-attribute:unitMeasure ?u }")}
    assert units and all(u.startswith(QUDT) and "%" not in u for u in units), units
    assert rows(built_graph, """SELECT ?o WHERE { ?o a qb:Observation
        FILTER NOT EXISTS { ?o sdmx-dimension:refArea ?area } }""") == []
    assert rows(built_graph, "SELECT ?d WHERE { ?d a qb:DataSet FILTER NOT EXISTS { ?d dct:spatial ?c } }") == []
    areas = rows(built_graph, f"""SELECT DISTINCT ?area WHERE {{
        ?o qb:dataSet <{STRATEGY}indicators> ; sdmx-dimension:refArea ?area }}""")
    assert areas == [{"area": ID + "city/082015"}]
