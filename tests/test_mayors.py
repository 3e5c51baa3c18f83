"""Mayors and wide-area bodies as W3C ORG has them: the mayoralty an org:Post of the city, held by
persons (org:holds/org:heldBy) through memberships dated by org:memberDuring; one IRI per person;
the succession of terms as dct:replaces/dct:isReplacedBy; the old person IRIs still say who they are.
Values from Mito's overview (sources/000…, lines 7-26 歴代市長, line 201 県央地域首長懇話会).
"""

from __future__ import annotations
from urllib.parse import quote
import pyoxigraph as ox
import pytest
from conftest_pages import select as select_rows

BASE = "https://plankg.org/"
MITO = BASE + "id/city/082015"
POST = BASE + "id/post/082015/mayor"
PREFIXES = """PREFIX mplan: <https://plankg.org/def/mplan#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX opengov: <http://www.w3.org/ns/opengov#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
# line 8-26: the 19 mayors in order (初 = 1)
MAYORS = ["服部正義", "小宅時正", "酒泉温忠", "床井弘", "原百之", "川田久喜", "山崎猛", "鈴木文次郎", "中崎俊秀",
          "名越時中", "渡邊覺造", "風戸元愛", "山本敏雄", "木村傳兵衛", "和田祐之介", "佐川一信", "岡田広", "加藤浩一",
          "高橋靖"]


@pytest.fixture(scope="module")
def store(built_graph) -> ox.Store:
    return built_graph


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    return select_rows(store, PREFIXES + query)


def person(name: str) -> str:
    return f"{BASE}id/person/082015/{name}"


def test_the_mayoralty_is_a_post_of_the_city_held_by_every_mayor(store):
    rows = select(store, f"""SELECT DISTINCT ?city ?role WHERE {{ <{POST}> a org:Post ; org:postIn ?city ; org:role ?role .
        ?city org:hasPost <{POST}> }}""")
    assert rows == [{"city": MITO, "role": BASE + "id/role/mayor"}]
    holders = select(store, f"SELECT DISTINCT ?p WHERE {{ <{POST}> org:heldBy ?p . ?p org:holds <{POST}> }}")
    assert sorted(r["p"] for r in holders) == sorted(person(n) for n in MAYORS)


def test_the_mayor_of_mito_on_1950_01_01_by_held_by_and_member_during(store):
    # line 20: 13 山本敏雄 昭22.12 – 昭42.11; compared here on the months the instants print
    rows = select(store, f"""SELECT DISTINCT ?name ?from ?to WHERE {{
        <{POST}> org:heldBy ?p ; org:role ?role .
        ?term org:member ?p ; org:organization <{MITO}> ; org:role ?role ; org:memberDuring ?i .
        ?p foaf:name ?name .
        ?i time:hasBeginning/time:inXSDgYearMonth ?from .
        OPTIONAL {{ ?i time:hasEnd/time:inXSDgYearMonth ?to }} }}""")
    on_day = [r["name"] for r in rows if r["from"] <= "1950-01" and ("to" not in r or "1950-01" <= r["to"])]
    assert on_day == ["山本敏雄"]
    assert len(rows) == 19


def test_each_person_has_one_iri_and_one_term(store):
    # no name repeats in lines 8-26, so 19 persons with one term each; the IRI is keyed by the name
    rows = select(store, f"""SELECT ?p (COUNT(DISTINCT ?term) AS ?terms) (COUNT(DISTINCT ?name) AS ?names) WHERE {{
        ?term opengov:post <{POST}> ; org:member ?p . ?p a foaf:Person ; foaf:name ?name }} GROUP BY ?p""")
    assert sorted(r["p"] for r in rows) == sorted(person(n) for n in MAYORS)
    assert {(r["terms"], r["names"]) for r in rows} == {("1", "1")}
    names = select(store, f"SELECT DISTINCT ?name WHERE {{ <{person('高橋靖')}> foaf:name ?name }}")
    assert names == [{"name": "高橋靖"}]


def test_predecessor_and_successor_of_the_fourteenth_term(store):
    # lines 20-22: 13 山本敏雄 (昭22.12-昭42.11), 14 木村傳兵衛 (昭42.11-昭47.6), 15 和田祐之介 (昭47.7-)
    term = f"<{BASE}id/term/082015/mayor-14>"
    rows = select(store, f"""SELECT ?ordinal ?before ?after WHERE {{ {term} mplan:ordinal ?ordinal ;
        dct:replaces/org:member/foaf:name ?before ; dct:isReplacedBy/org:member/foaf:name ?after }}""")
    assert rows == [{"ordinal": "14", "before": "山本敏雄", "after": "和田祐之介"}]
    first, last = f"<{BASE}id/term/082015/mayor-01>", f"<{BASE}id/term/082015/mayor-19>"
    assert select(store, f"SELECT ?x WHERE {{ {first} dct:replaces ?x }}") == []
    assert select(store, f"SELECT ?x WHERE {{ {last} dct:isReplacedBy ?x }}") == []
    # the chain of predecessors from the term in office counts all 18 before it
    chain = select(store, f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ {last} dct:replaces+ ?t }}")
    assert chain == [{"n": "18"}]


def test_old_person_iris_resolve_to_the_person(store):
    rows = select(store, f"SELECT ?new WHERE {{ <{BASE}id/person/082015/mayor-13> owl:sameAs ?new }}")
    assert rows == [{"new": person("山本敏雄")}]
    old = select(store, """SELECT (COUNT(DISTINCT ?old) AS ?n) WHERE {
        ?old owl:sameAs ?p . ?p a foaf:Person FILTER(STRSTARTS(STR(?old), "https://plankg.org/id/person/082015/mayor-")) }""")
    assert old == [{"n": "19"}]
    # term IRIs did not change
    assert select(store, f"SELECT ?m WHERE {{ <{BASE}id/term/082015/mayor-13> org:member ?m }}") == [
        {"m": person("山本敏雄")}]
    assert select(store, "SELECT ?s WHERE { ?s mplan:post ?o } LIMIT 1") == []


def test_old_and_new_person_iris_are_served(real_http):
    old = real_http.get("/id/person/082015/mayor-13", headers={"Accept": "text/turtle"})
    assert old.status_code == 200, old.text
    assert "sameAs" in old.text and quote("山本敏雄") not in old.text
    new = real_http.get("/id/person/082015/" + quote("山本敏雄"), headers={"Accept": "text/turtle"})
    assert new.status_code == 200, new.text
    assert "山本敏雄" in new.text


def test_the_members_of_the_kenou_body_by_org_has_member_and_member_of(store):
    # line 201: 水戸市、笠間市、ひたちなか市、那珂市、小美玉市、茨城町、大洗町、城里町及び東海村の9市町村
    body = f"<{BASE}id/org/kenou-shucho-kondankai>"
    rows = select(store, f"""SELECT DISTINCT ?name WHERE {{ {body} org:hasMember ?c . ?c org:memberOf {body} ;
        rdfs:label ?name FILTER(lang(?name) = "ja") }}""")
    assert {r["name"] for r in rows} == {"水戸市", "笠間市", "ひたちなか市", "那珂市", "小美玉市", "茨城町", "大洗町",
                                         "城里町", "東海村"}
    memberships = select(store, f"""SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ ?m a org:Membership ;
        org:organization {body} ; org:member ?c . {body} org:hasMember ?c }}""")
    assert memberships == [{"n": "9"}]
    assert select(store, "SELECT ?s WHERE { ?s mplan:memberOfBody ?o } LIMIT 1") == []


def test_partner_cities_by_org_linked_to_beside_the_agreements(store):
    # line 30: 敦賀市，彦根市，高松市，アナハイム市…及び重慶市 (the five agreements of lines 32-80)
    rows = select(store, f"""SELECT DISTINCT ?name ?date WHERE {{ <{MITO}> org:linkedTo ?p . ?p rdfs:label ?name .
        ?a mplan:agreementParty <{MITO}> ; mplan:partner ?p ; dct:date ?date FILTER(lang(?name) = "ja") }}""")
    assert {(r["name"], r["date"]) for r in rows} == {
        ("敦賀市", "1965-04-30"), ("彦根市", "1968-10-29"), ("高松市", "1974-04-13"), ("アナハイム市", "1976-12-21"),
        ("重慶市", "2000-06-06")}
