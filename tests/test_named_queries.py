"""Named queries (kgservice.named_queries (registry, parameters, routes)): loading, listing, describing, running over real HTTP
against the graph built from the real records, parameter checks, and injection attempts."""

from __future__ import annotations
import csv
import io
from pathlib import Path
import pytest
from conftest_pages import BASE, ROOT, triple_count
from kgservice.queries.parameters import Parameter, ParameterError
from kgservice.queries.registry import QueryFileError, load_queries, load_query_file

MITO_PLAN_6 = BASE + "id/plan/mito-comprehensive-plan-6"
MITO_STRATEGY_2 = BASE + "id/plan/mito-strategy-2"
MITO = BASE + "id/city/082015"


def rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


# --- loading -----------------------------------------------------------------------------------


def test_project_queries_load_with_their_forms():
    queries = load_queries(ROOT / "queries")
    for name in ("list-plans", "plan-elements", "kpis-by-status"):
        assert queries[name].form == "select"
    assert [p.name for p in queries["plan-elements"].parameters] == ["plan"]
    assert queries["plan-elements"].parameters[0].type == "iri"
    assert queries["plan-elements"].parameters[0].required
    assert queries["kpis-by-status"].example == {"status": "遅れ"}


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("#+ summary: x\n#+ parameters:\n#+   - name: a\n#+     type: strng\nSELECT ?a {}\n", 4, "unknown type 'strng'"),
        ("#+ summary: x\n#+ parameters: [\nSELECT ?a {}\n", 2, "not valid YAML"),
        ("#+ summary: x\n#+ method: POST\nSELECT ?a {}\n", 2, "unknown header key 'method'"),
        ("#+ summary: x\n#+ parameters:\n#+   - {name: a, type: integer, default: x1}\nSELECT ?a {}\n", 3,
         "expects an integer"),
        ("#+ summary: x\n#+ parameters:\n#+   - {name: format, type: string}\nSELECT ?format {}\n", 3, "reserved"),
        ("#+ summary: x\n#+ parameters:\n#+   - {name: a, type: enum}\nSELECT ?a {}\n", 3, "needs values"),
        ("#+ summary: x\n#+ parameters:\n#+   - {name: a, type: iri, required: true}\nSELECT ?a {}\n", 1,
         "needs an example"),
        ("#+ description: no summary\nSELECT ?a {}\n", 1, "needs a summary"),
        ("#+ summary: x\nSELECT ?b {\n  ?b ?c ?d .\n  FILTER( }\n", 5, "SPARQL syntax error"),
        ("#+ summary: x\n#+ parameters:\n#+   - {name: a, type: string}\nSELECT ?b { ?b ?c ?a }\n", 4,
         "project every parameter"),
        ("SELECT ?a {}\n", 1, "no '#+' header"),
        ("#+ summary: x\nSELECT ?a {}\n#+ tags: [late]\n", 3, "after the query began"),
    ],
)
def test_malformed_file_names_file_and_line(tmp_path: Path, text: str, line: int, fragment: str):
    path = tmp_path / "bad-query.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QueryFileError) as info:
        load_query_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert fragment in message


def test_malformed_header_fails_app_start(tmp_path: Path, real_store):
    from kgservice.app import create_app
    from kgservice.settings import Settings

    (tmp_path / "broken.rq").write_text("#+ summary: x\n#+ parameters: {\nSELECT * {}\n", encoding="utf-8")
    with pytest.raises(QueryFileError, match=r"broken\.rq:2: header is not valid YAML"):
        create_app(Settings(store_path=real_store, queries_dir=tmp_path))


def test_answer_cache_off_runs_every_request_and_keeps_etags(real_store, real_queries_dir):
    from conftest import LiveServer, free_port

    from kgservice.settings import Settings

    live = LiveServer(Settings(store_path=real_store, queries_dir=real_queries_dir, base_iri=BASE, host="127.0.0.1",
                               port=free_port(), workers=1, answer_cache=False)).start()
    try:
        assert live.app.state.answer_cache is None
        engine, runs = live.app.state.engine, []
        run = engine.aexecute

        async def counted(*args, **kwargs):
            runs.append(args[0])
            return await run(*args, **kwargs)

        engine.aexecute = counted
        with live.client() as http:
            first, again = (http.get("/queries/list-plans", headers={"Accept": "text/csv"}) for _ in range(2))
            assert first.status_code == again.status_code == 200 and first.content == again.content
            assert len(runs) == 2  # no cache: the query ran each time
            assert first.headers["etag"] == again.headers["etag"]
            not_modified = http.get("/queries/list-plans", headers={"Accept": "text/csv",
                                                                    "If-None-Match": first.headers["etag"]})
            assert not_modified.status_code == 304 and len(runs) == 2
    finally:
        live.stop()


@pytest.mark.parametrize(
    "ptype, raw, term",
    [
        ("iri", "https://plankg.org/id/city/082015", "<https://plankg.org/id/city/082015>"),
        ("string", 'a"b\\c', '"a\\"b\\\\c"'),
        ("integer", "-12", '"-12"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ("decimal", "72.5", '"72.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
        ("date", "2023-04-01", '"2023-04-01"^^<http://www.w3.org/2001/XMLSchema#date>'),
        ("gYear", "2024", '"2024"^^<http://www.w3.org/2001/XMLSchema#gYear>'),
        ("boolean", "1", '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
    ],
)
def test_parameter_binds_as_term(ptype: str, raw: str, term: str):
    assert Parameter("x", ptype).bind(raw) == term


@pytest.mark.parametrize(
    "param, raw",
    [
        (Parameter("x", "iri"), "plan-6"),
        (Parameter("x", "iri"), "<x> } UNION { ?s ?p ?o"),
        (Parameter("x", "integer"), "1.5"),
        (Parameter("x", "decimal"), "1e3"),
        (Parameter("x", "date"), "2023-02-30"),
        (Parameter("x", "gYear"), "R5"),
        (Parameter("x", "boolean"), "yes"),
        (Parameter("x", "enum", values=("on-track", "delayed")), "late"),
        (Parameter("x", "lang-string"), "水戸市"),
    ],
)
def test_bad_value_is_refused_naming_parameter_and_type(param: Parameter, raw: str):
    with pytest.raises(ParameterError) as info:
        param.bind(raw)
    assert "'x'" in str(info.value) and f"type {param.type}" in str(info.value)


def test_lang_string_takes_default_or_explicit_tag():
    p = Parameter("name", "lang-string", lang="ja")
    assert p.bind("水戸市") == '"水戸市"@ja'
    assert p.bind("Mito@en") == '"Mito"@en'


# --- over HTTP -----------------------------------------------------------------------------------


def test_listing_json_and_html(real_http):
    by_accept = real_http.get("/queries", headers={"Accept": "application/json"})
    by_suffix = real_http.get("/queries.json")
    assert by_accept.status_code == by_suffix.status_code == 200
    assert by_accept.json() == by_suffix.json()
    names = {q["name"]: q for q in by_suffix.json()["queries"]}
    assert {"list-plans", "plan-elements", "kpis-by-status"} <= names.keys()
    assert names["plan-elements"]["parameters"] == [
        {"name": "plan", "type": "iri", "required": True,
         "description": "the plan, e.g. https://plankg.org/id/plan/mito-comprehensive-plan-6"}]
    html = real_http.get("/queries", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.headers["content-type"].startswith("text/html")
    assert 'href="/queries/plan-elements?describe"' in html.text


def test_describe(real_http):
    meta = real_http.get("/queries/kpis-by-status.json").json()
    assert meta["form"] == "select" and meta["example"] == {"status": "遅れ"}
    assert "FILTER(?status = STRAFTER" in meta["query"]
    assert real_http.get("/queries/kpis-by-status?describe", headers={"Accept": "application/json"}).json() == meta
    page = real_http.get("/queries/kpis-by-status?describe", headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'name="status"' in page.text and 'value="遅れ"' in page.text
    text = real_http.get("/queries/kpis-by-status.rq")
    assert text.headers["content-type"].startswith("application/sparql-query")
    assert text.text == meta["query"]
    missing = real_http.get("/queries/no-such-query")
    assert missing.status_code == 404 and missing.json()["error"]["kind"] == "not_found"


def test_list_plans_real_titles(real_http):
    result = rows(real_http.get("/queries/list-plans"))
    titles = {r["plan"]: r["planLabel"] for r in result}
    # sources/001 line 5 and sources/000 (みと魁プラン): the titles as printed (NFKC).
    assert titles[MITO_STRATEGY_2] == "水戸市まち・ひと・しごと創生総合戦略(第2次)"
    assert titles[MITO_PLAN_6] == "水戸市第6次総合計画"
    assert len(result) == len({r["plan"] for r in result}), "one row per plan"
    only_mito = rows(real_http.get("/queries/list-plans", params={"publisher": MITO}))
    assert only_mito and all(r["publisher"] == MITO for r in only_mito)
    assert not any("hitachi" in r["plan"] for r in only_mito)
    assert any("hitachi" in r["plan"] or "omitama" in r["plan"] for r in result)


def test_plan_elements_real_structure(real_http):
    result = rows(real_http.get("/queries/plan-elements", params={"plan": MITO_PLAN_6}))
    labels = {r["elementLabel"]: r for r in result}
    # sources/000 line 96: the three basic principles and the future city image.
    for principle in ("笑顔にあふれ快適に暮らせる安心都市づくり", "未来に躍動する活力ある先進都市づくり",
                      "水戸ならではの歴史、自然を生かした魅力ある交流都市づくり"):
        assert labels[principle]["class"] == BASE + "def/mplan#BasicPrinciple"
    assert all(r["plan"] == MITO_PLAN_6 for r in result)


def test_kpis_by_status_real_values(real_http):
    result = rows(real_http.get("/queries/kpis-by-status", params={"status": "遅れ"}))
    art = [r for r in result if r["indicatorLabel"].startswith("水戸芸術館入場者数")]
    # sources/001 lines 92-93: actual 49,724 (2021年度), 99,805 (2022年度), both 遅れ.
    assert {(r["period"], r["value"]) for r in art} == {
        (BASE + "id/period/fy2021", "49724"), (BASE + "id/period/fy2022", "99805")}
    assert all(r["progress"] == BASE + "def/code/progress-status/delayed" for r in result)
    by_notation = rows(real_http.get("/queries/kpis-by-status", params={"status": "delayed"}))
    assert len(by_notation) == len(result) > 0


@pytest.mark.parametrize(
    "fmt, media_type",
    [("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
     ("csv", "text/csv"), ("tsv", "text/tab-separated-values")],
)
def test_every_result_format_by_param_and_accept(real_http, fmt, media_type):
    params = {"plan": MITO_PLAN_6}
    by_param = real_http.get("/queries/plan-elements", params={**params, "format": fmt})
    by_accept = real_http.get("/queries/plan-elements", params=params, headers={"Accept": media_type})
    for r in (by_param, by_accept):
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith(media_type)
        assert "笑顔にあふれ快適に暮らせる安心都市づくり" in r.text
    if fmt == "csv":
        table = list(csv.DictReader(io.StringIO(by_param.text)))
        assert {"plan", "element", "elementLabel"} <= set(table[0])


def test_post_form_runs_too(real_http):
    r = real_http.post("/queries/kpis-by-status", data={"status": "順調"}, params={"format": "json"})
    assert rows(r) and all(x["progress"] == BASE + "def/code/progress-status/on-track" for x in rows(r))


def test_graph_format_refused_for_select(real_http):
    r = real_http.get("/queries/list-plans", params={"format": "turtle"})
    assert r.status_code == 406 and r.json()["error"]["kind"] == "not_acceptable"


@pytest.mark.parametrize(
    "params, parameter, fragment",
    [
        ({}, "plan", "missing required parameter 'plan' (type iri)"),
        ({"plan": "mito-comprehensive-plan-6"}, "plan", "expects an absolute IRI (type iri)"),
        ({"plan": MITO_PLAN_6, "city": MITO}, "city", "unknown parameter 'city'"),
    ],
)
def test_parameter_errors_are_400_naming_parameter(real_http, params, parameter, fragment):
    r = real_http.get("/queries/plan-elements", params=params)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["kind"] == "bad_request" and error["parameter"] == parameter
    assert fragment in error["message"]


def test_injection_attempts_stay_literals_and_store_unchanged(real_http):
    before = triple_count(real_http)
    for attack in ('"} ; DROP ALL ; #', "<x> } UNION { ?s ?p ?o", "') } ; CLEAR ALL ; SELECT * { ('"):
        echo = rows(real_http.get("/queries/test-echo", params={"text": attack}))
        assert echo == [{"text": attack, "asString": attack, "literal": "true",
                         "datatype": "http://www.w3.org/2001/XMLSchema#string"}]
        # A string parameter of a real query: a literal that matches nothing, not a new pattern.
        assert rows(real_http.get("/queries/kpis-by-status", params={"status": attack})) == []
        iri = real_http.get("/queries/plan-elements", params={"plan": attack})
        assert iri.status_code == 400 and iri.json()["error"]["parameter"] == "plan"
    assert triple_count(real_http) == before > 0


# --- paging and order --------------------------------------------------------------------------


def _order_and_projection(text: str) -> tuple[list, list]:
    """(ORDER BY conditions, projected variables) of a SELECT, read by rdflib's parser."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    found: dict[str, list] = {}

    def walk(node) -> None:
        if isinstance(node, CompValue):
            if node.name == "Project":
                found.setdefault("projected", list(node["PV"]))
            if node.name == "OrderBy":
                found.setdefault("order", [c["expr"] if isinstance(c, CompValue) and c.name == "OrderCondition"
                                           else c for c in node["expr"]])
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)

    walk(prepareQuery(text).algebra)
    return found.get("order", []), found["projected"]


@pytest.mark.parametrize("name", sorted(load_queries(ROOT / "queries")))
def test_every_named_query_orders_by_all_it_projects(name: str):
    # Rows are distinct solutions of the projected variables (or repeats of the same one), so an ORDER BY
    # over all of them is a total order: page k of one store version is always the same rows.
    order, projected = _order_and_projection(load_queries(ROOT / "queries")[name].text)
    assert [v for v in projected if v not in order] == []


def test_api_takes_only_top_level_files(tmp_path: Path):
    (tmp_path / "one.rq").write_text("#+ summary: x\nSELECT ?a { ?a ?b ?c } ORDER BY ?a\n", encoding="utf-8")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "two.rq").write_text("#+ summary: y\nCONSTRUCT WHERE { ?a ?b ?c }\n", encoding="utf-8")
    assert list(load_queries(tmp_path)) == ["one"]
    assert load_query_file(tmp_path / "pages" / "two.rq").form == "construct"  # for the pages' own loader


@pytest.mark.parametrize(
    "text, fragment",
    [("#+ summary: x\nCONSTRUCT WHERE { ?a ?b ?c }\n", "a named query is a SELECT"),
     ("#+ summary: x\nSELECT ?a { ?a ?b ?c } ORDER BY ?a VALUES ?a { <urn:x> }\n", "LIMIT and OFFSET"),
     ("#+ summary: x\n#+ pagination: 5000\nSELECT ?a { ?a ?b ?c } ORDER BY ?a\n", "pagination is at most 1000"),
     ("#+ summary: x\n#+ pagination: many\nSELECT ?a { ?a ?b ?c } ORDER BY ?a\n", "positive integer")],
)
def test_unpageable_file_fails_app_start(tmp_path: Path, real_store, text: str, fragment: str):
    from kgservice.app import create_app
    from kgservice.settings import Settings

    (tmp_path / "unpaged.rq").write_text(text, encoding="utf-8")
    with pytest.raises(QueryFileError, match="unpaged.rq") as info:
        create_app(Settings(store_path=real_store, queries_dir=tmp_path))
    assert fragment in str(info.value)


def _link(response, rel: str) -> str | None:
    links = {r: u for u, r in (part.split(">; rel=") for part in response.headers["link"][1:].split(", <"))}
    return links.get(f'"{rel}"')


def test_pages_walk_the_whole_answer_in_order(real_http):
    # kpis-by-status 遅れ: the KPIs the real evaluation tables mark 遅れ (水戸芸術館入場者数 among them).
    whole = rows(real_http.get("/queries/kpis-by-status", params={"status": "遅れ", "page_size": 1000}))
    assert 7 < len(whole) < 1000
    url, pages = "/queries/kpis-by-status?status=%E9%81%85%E3%82%8C&page_size=3", []
    while url:
        r = real_http.get(url)
        pages.append(rows(r))
        assert len(pages[-1]) == 3 or _link(r, "next") is None  # a short page is the last
        assert _link(r, "first").endswith("page=1&page_size=3")
        body_next = r.json()["head"].get("link")
        url = _link(r, "next")
        assert body_next == ([url] if url else None)  # the head's link is the next page too
    assert [row for page in pages for row in page] == whole
    assert len(pages) == -(-len(whole) // 3) and all(len(p) == 3 for p in pages[:-1])


def test_default_page_size_and_other_formats(real_http):
    r = real_http.get("/queries/kpis-by-status", params={"status": "遅れ", "format": "csv", "page_size": 2, "page": 2})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(r.text)))) == 2
    assert "page=3&page_size=2" in _link(r, "next") and "page=1&page_size=2" in _link(r, "prev")
    assert "format=csv" in _link(r, "next")
    xml = real_http.get("/queries/kpis-by-status", params={"status": "遅れ", "format": "xml", "page_size": 2})
    assert '<link href="http://' in xml.text and "page=2&amp;page_size=2" in xml.text
    whole = real_http.get("/queries/list-plans")  # fewer rows than the default page size (100): one page
    assert 0 < len(rows(whole)) < 100 and _link(whole, "next") is None and "link" not in whole.json()["head"]
    past = real_http.get("/queries/list-plans", params={"page": 50})
    assert rows(past) == [] and _link(past, "next") is None and _link(past, "prev")


@pytest.mark.parametrize("params, parameter, fragment", [
    ({"page": "0"}, "page", "expects a positive integer"),
    ({"page_size": "x"}, "page_size", "expects a positive integer"),
    ({"page_size": "1001"}, "page_size", "at most 1000"),
])
def test_bad_page_is_400_naming_it(real_http, params, parameter, fragment):
    r = real_http.get("/queries/list-plans", params=params)
    assert r.status_code == 400 and r.json()["error"]["parameter"] == parameter
    assert fragment in r.json()["error"]["message"]
