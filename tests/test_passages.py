"""Passages as Web Annotation anchors them, and the dates and links a cold query compares.

Web Annotation (https://www.w3.org/TR/annotation-model/ §4.2) reads several selectors of one
SpecificResource as alternatives, so every passage is one contiguous line range: exactly one
FragmentSelector (RFC 5147 ``line=N,M``) and one TextQuoteSelector whose ``oa:exact`` is the text of
those lines, a substring of the source file. A record citing several ranges cites several passages;
the IRI such a list had before (``L85-L85_L90-L90_L91-L91``) still resolves, ``dct:isReplacedBy`` its parts.
"""

from __future__ import annotations
from collections import defaultdict
from pathlib import Path
import pyoxigraph as ox
import pytest
from mappings.build.merge import query_options
from mappings.records.files import load_records
from mappings.records.sources import load_catalog
from mappings.records.verify import check_record

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://plankg.org/"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = """PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX mplan: <https://plankg.org/def/mplan#>
PREFIX dct: <http://purl.org/dc/terms/> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX time: <http://www.w3.org/2006/time#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> PREFIX schema: <https://schema.org/>
"""


def select(store: ox.Store, query: str) -> list[dict]:
    return [{v.value: row[v.value] for v in rows.variables if row[v.value] is not None}
            for rows in [store.query(PREFIXES + query, **query_options(store))] for row in rows]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(ROOT / "sources")


def test_every_exact_is_its_lines_of_its_source(built_graph, catalog):
    rows = select(built_graph, """SELECT DISTINCT ?p ?doc ?first ?last ?exact WHERE {
        ?q oa:exact ?exact . ?p oa:hasSelector ?q ; oa:hasSource/dct:identifier ?doc ;
           mplan:firstLine ?first ; mplan:lastLine ?last }""")
    quotes = select(built_graph, "SELECT DISTINCT ?q WHERE { ?q oa:exact ?exact }")
    assert len(rows) == len(quotes) > 500  # every oa:exact of the graph (915 when written), each on its passage
    wrong = []
    for r in rows:
        source = catalog[r["doc"].value]
        first, last = int(r["first"].value), int(r["last"].value)
        text = "\n".join(source.lines[first - 1:last])
        if r["exact"].value != text or r["exact"].value not in "\n".join(source.lines):
            wrong.append(f"{r['p'].value}: exact is not lines {first}-{last} of {r['doc'].value}")
    assert not wrong, wrong[:5]


def test_one_fragment_and_one_quote_per_passage(built_graph):
    counts = defaultdict(lambda: {"frag": set(), "quote": set()})
    rows = select(built_graph, """SELECT DISTINCT ?p ?s ?kind ?value ?first ?last WHERE {
        ?p a oa:SpecificResource ; oa:hasSelector ?s ; mplan:firstLine ?first ; mplan:lastLine ?last .
        ?s a ?kind . OPTIONAL { ?s rdf:value ?value }
        FILTER(?kind IN (oa:FragmentSelector, oa:TextQuoteSelector)) }""")
    for r in rows:
        c = counts[r["p"].value]
        c["frag" if r["kind"].value == OA + "FragmentSelector" else "quote"].add(r["s"].value)
        if r["kind"].value == OA + "FragmentSelector":
            # RFC 5147 positions between lines: lines 90-91 are line=89,91
            assert r["value"].value == f"line={int(r['first'].value) - 1},{r['last'].value}", r
    bad = {p: c for p, c in counts.items() if len(c["frag"]) != 1 or len(c["quote"]) != 1}
    assert counts and not bad, list(bad.items())[:3]


def test_a_record_of_several_ranges_cites_several_passages(built_graph, catalog):
    """The FY2022 actual of KPI 誘致活動によるコンベンション開催数 is read from sources/001 line 85
    (the column heads) and lines 90-91 (実績値 … 58, 進捗状況 遅れ): two passages, and the IRI of
    the list of both from before is replaced by them."""
    obs = f"<{BASE}id/plan/mito-strategy-2/indicator/kpi-conventions/actual/fy2022>"
    passages = select(built_graph, f"""SELECT DISTINCT ?p ?exact WHERE {{
        ?d <http://xmlns.com/foaf/0.1/primaryTopic> {obs} ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?p .
        ?p oa:hasSelector/oa:exact ?exact }}""")
    assert {r["p"].value for r in passages} == {f"{BASE}id/passage/mito-strategy-evaluation-2022/L85-L85",
                                                 f"{BASE}id/passage/mito-strategy-evaluation-2022/L90-L91"}
    assert any("実績値\t53\t58" in r["exact"].value for r in passages)
    old = f"<{BASE}id/passage/mito-strategy-evaluation-2022/L85-L85_L90-L90_L91-L91>"  # lines: [85, 90, 91]
    for prop in ("dct:isReplacedBy", "dct:hasPart"):
        parts = {r["p"].value for r in select(built_graph, f"SELECT DISTINCT ?p WHERE {{ {old} {prop} ?p }}")}
        assert parts == {r["p"].value for r in passages}, prop


def test_comparable_dates_of_a_mayors_term(built_graph):
    """sources/000 line 20: 13 山本敏雄 昭22.12 – 昭42.11. The term's instants keep the printed month
    and are time:inside calendar months whose first and last days are xsd:date."""
    rows = select(built_graph, """SELECT DISTINCT ?startMonth ?earliest ?latest WHERE {
        ?i time:hasBeginning ?b ; time:hasEnd ?e .
        ?b time:inXSDgYearMonth "1947-12"^^xsd:gYearMonth ; time:inXSDgYearMonth ?startMonth .
        ?e time:inXSDgYearMonth "1967-11"^^xsd:gYearMonth .
        ?bm time:inside ?b ; time:hasBeginning/time:inXSDDate ?earliest .
        ?em time:inside ?e ; time:hasEnd/time:inXSDDate ?latest }""")
    assert rows == [{"startMonth": ox.Literal("1947-12", datatype=ox.NamedNode(XSD + "gYearMonth")),
                     "earliest": ox.Literal("1947-12-01", datatype=ox.NamedNode(XSD + "date")),
                     "latest": ox.Literal("1967-11-30", datatype=ox.NamedNode(XSD + "date"))}]


@pytest.mark.parametrize("event, month, line", [
    ("site-use-request-1999", "1999-09", 177),        # 平成11年4月に…移転したことから、同年9月に…要望
    ("relocation-talks-2009", "2009-04", 183),        # 平成21年3月に…申入書を提出した。同年4月から…協議
    ("seismic-diagnosis-2009", "2009-11", 183),       # 同年11月から県と市の共同により耐震診断
    ("prefab-office-emergency-request", "2011-05", 189),  # 平成23年3月に発生した東日本大震災…5月に…緊急要望
    ("prefab-office-second-request", "2011-06", 189),     # 6月には再度の要望を行い
])
def test_event_months_of_the_overview(built_graph, event, month, line):
    iri = f"<{BASE}id/event/mito-overview-2023/{event}>"
    rows = select(built_graph, f"""SELECT DISTINCT ?date ?first ?last WHERE {{
        {iri} schema:startDate ?date ; time:hasTime ?i . ?m time:inside ?i ;
            time:hasBeginning/time:inXSDDate ?first ; time:hasEnd/time:inXSDDate ?last }}""")
    assert len(rows) == 1
    assert rows[0]["date"].value == month and rows[0]["first"].value == f"{month}-01"
    assert rows[0]["last"].value.startswith(month)
    lines = {r["p"].value.rsplit("/", 1)[1] for r in select(built_graph, f"""SELECT DISTINCT ?p WHERE {{
        ?d <http://xmlns.com/foaf/0.1/primaryTopic> {iri} ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?p }}""")}
    assert f"L{line}-L{line}" in lines


def test_a_wrong_event_month_is_not_at_its_line(catalog):
    """The source-line check reads the bare 「5月」 of line 189 in the year of 平成23年3月 before it:
    2011-05 stands there, 2011-07 does not."""
    records = load_records(ROOT / "data")
    loaded = next(r for r in records.of("events", "mito-overview-2023") if r.record.id == "prefab-office-emergency-request")
    assert check_record(loaded, catalog) == []
    loaded.raw["date"] = "2011-07"
    assert [m.field for m in check_record(loaded, catalog)] == ["date"]


def test_city_links_out(built_graph):
    """data/reference/cities.yaml: 水戸市 082015 → e-Stat C08201 in 茨城県 (C08000) in Japan (GeoNames
    1861060), Wikidata Q204249 by skos:exactMatch; 小美玉市 082368, formed 2006-03-27, has the dated
    code C08236-20060327 beside the plain one."""
    sac = "http://data.e-stat.go.jp/lod/sac/"
    mito = select(built_graph, f"""SELECT DISTINCT ?area ?pref ?country ?wd WHERE {{
        <{BASE}id/city/082015> dct:spatial ?area ; skos:exactMatch ?wd .
        ?area schema:containedInPlace ?pref . ?pref schema:containedInPlace ?country }}""")
    assert [{k: v.value for k, v in r.items()} for r in mito] == [
        {"area": sac + "C08201", "pref": sac + "C08000", "country": "http://sws.geonames.org/1861060/",
         "wd": "http://www.wikidata.org/entity/Q204249"}]
    omitama = {r["a"].value for r in select(built_graph, f"SELECT DISTINCT ?a WHERE {{ <{BASE}id/city/082368> dct:spatial ?a }}")}
    assert omitama == {sac + "C08236", sac + "C08236-20060327"}
    same_as = select(built_graph, f"SELECT ?o WHERE {{ <{BASE}id/city/082015> <http://www.w3.org/2002/07/owl#sameAs> ?o }}")
    assert same_as == []
