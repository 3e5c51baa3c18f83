"""The browser query page (kgservice.pages.query_page): served HTML and static files over HTTP, and the
page really running a query in headless Chromium (Debian's package, installed by
scripts/chromium.sh) against the graph built from the real records; buttons are clicked through
chromedriver (tests/webdriver.py)."""

from __future__ import annotations
import json
import re
from pathlib import Path
from urllib.parse import quote


import pytest
from conftest import run_chromium
from conftest_pages import BASE
from webdriver import Browser

ROOT = Path(__file__).resolve().parents[1]


CITIES = """PREFIX mplan: <https://plankg.org/def/mplan#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?city ?cityLabel ?code WHERE {
  ?city a mplan:LocalGovernment ; rdfs:label ?cityLabel ; mplan:localGovernmentCode ?code .
  FILTER(lang(?cityLabel) = "ja")
} ORDER BY ?code"""


def dump_dom(url: str, tmp_path: Path) -> str:
    return run_chromium(tmp_path, "--virtual-time-budget=10000", "--dump-dom", url)


def test_page_served_with_prefixes_and_examples(real_http):
    r = real_http.get("/query")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "PREFIX mplan: &lt;https://plankg.org/def/mplan#&gt;" in r.text
    assert f"PREFIX id: &lt;{BASE}id/&gt;" in r.text
    assert 'data-example="0"' in r.text and "plan-elements" in r.text
    for name in ("sparql.js", "query.js", "style.css"):
        static = real_http.get(f"/static/{name}")
        assert static.status_code == 200 and len(static.content) > 500
    assert real_http.get("/static/..%2Fpages.py").status_code == 404
    assert real_http.get("/static/nothing.js").status_code == 404


def test_every_example_with_its_values_answers_what_the_named_query_answers(real_http, real_queries_dir):
    """The examples' text binds the example values with a VALUES block (kgservice.engine.values) instead
    of the engine's substitution: on /sparql it must give the named query's own rows."""
    from kgservice.queries.registry import load_queries
    from kgservice.pages.query_page import bound_text

    json_accept = {"Accept": "application/sparql-results+json"}
    for name, query in load_queries(real_queries_dir).items():
        params = {**query.example, "page_size": "1000"}
        named = real_http.get(f"/queries/{name}", params=params, headers=json_accept)
        direct = real_http.post("/sparql", data={"query": bound_text(query)}, headers=json_accept)
        assert named.status_code == direct.status_code == 200, (name, direct.text[:300])
        rows = sorted(json.dumps(b, sort_keys=True) for b in named.json()["results"]["bindings"])
        assert rows == sorted(json.dumps(b, sort_keys=True) for b in direct.json()["results"]["bindings"]), name


def test_table_and_chart_view_of_a_select(real_http, real_queries_dir):
    """/query/view: any SELECT as a server-drawn table, with a chart for a numeric column over years."""
    from kgservice.queries.registry import load_queries
    from kgservice.pages.query_page import bound_text

    series = bound_text(load_queries(real_queries_dir)["cq-statistic-series"])
    page = real_http.get("/query/view", params={"query": series}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'id="status" role="status">4 rows<' in page.text
    svg = re.search(r'<svg[^>]*class="chart".*?</svg>', page.text, re.S).group(0)
    assert re.findall(r'class="value"[^>]*>([\d,]+)</text>', svg) == [f"{int(v):,}" for v in households()]
    ask = real_http.get("/query/view", params={"query": "ASK { ?s ?p ?o }"})
    assert ask.status_code == 400 and "SELECT" in ask.json()["error"]["message"]


def test_query_runs_in_headless_chromium(real_server, tmp_path):
    dom = dump_dom(f"{real_server.url}/query?query={quote(CITIES)}", tmp_path)
    table = re.search(r'<table class="results">.*?</table>', dom, re.S)
    assert table, dom[-3000:]
    html = table.group(0)
    # ?cityLabel is the text of the ?city link, not a column, and the IRI stays visible beside it;
    # IRIs under the base are local links.
    assert "<th>?city</th><th>?code</th></tr>" in html
    # data/reference/cities.yaml: 水戸市 082015, 日立市 082023, 小美玉市 082368 (check digits verified).
    for code, name in (("082015", "水戸市"), ("082023", "日立市"), ("082368", "小美玉市")):
        assert (f'<td><a href="/id/city/{code}" title="{BASE}id/city/{code}">{name}</a> '
                f'<span class="iri">id:city/{code}</span></td>'
                f'<td><span class="literal">{code}</span></td>') in html
    assert re.search(r'id="status"[^>]*>\d+ rows<', dom)
    # the editor shows the query highlighted, and the download links carry it
    assert '<span class="tok-kw">SELECT</span>' in dom and '<span class="tok-var">?city</span>' in dom
    encoded = quote(CITIES, safe="-_.!~*'()")  # what encodeURIComponent gives
    assert f'href="/sparql?query={encoded}&amp;format=csv"' in dom
    assert f'id="share" href="/query?query={encoded}"' in dom


def test_construct_and_error_in_chromium(real_server, tmp_path):
    construct = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                 f"CONSTRUCT {{ <{BASE}id/city/082015> rdfs:label ?l }} WHERE {{ <{BASE}id/city/082015> rdfs:label ?l }}")
    dom = dump_dom(f"{real_server.url}/query?query={quote(construct)}", tmp_path)
    assert '<th>subject</th><th>predicate</th><th>object</th>' in dom
    assert '<span class="literal">水戸市</span><span class="lang">@ja</span>' in dom
    bad = dump_dom(f"{real_server.url}/query?query={quote('SELECT ?x WHERE { ?x ?y }')}", tmp_path)
    assert re.search(r'id="status"[^>]*>failed \(400\)<', bad)


# --------------------------------------------------------------------------- clicking, through chromedriver

# Line 135 of the community plan (sources/004_…txt): the member households of the neighbourhood
# associations in 1998, 2003, 2008 and 2013; cq-statistic-series' example asks for that measure.
HOUSEHOLDS_LINE = 135


def households() -> list[str]:
    line = (ROOT / "sources" / "004_7847c99a1ba2c220.txt").read_text(encoding="utf-8").splitlines()[HOUSEHOLDS_LINE - 1]
    label, *values = line.split("\t")
    assert label == "加入世帯数" and len(values) == 4
    return [v.replace(",", "") for v in values]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


def _cells(dom: str) -> list[list[str]]:
    table = re.search(r'<table class="results">.*?</table>', dom, re.S)
    assert table, dom[-3000:]
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", r, re.S)] for r in rows]


def test_editor_starts_without_prefix_lines_and_adds_the_used_ones(real_server, browser):
    browser.open(f"{real_server.url}/query")
    assert not browser.script("return document.getElementById('query').value.includes('PREFIX')")
    browser.script("var t = document.getElementById('query'); t.value = 'SELECT ?city ?code WHERE { "
                   "?city a mplan:LocalGovernment ; mplan:localGovernmentCode ?code } ORDER BY ?code'; t.dispatchEvent(new Event('input'));")
    browser.click("#run")
    status = browser.wait_for("var s = document.getElementById('status').textContent; "
                              "return /rows|failed/.test(s) && s;")
    codes = [row[1] for row in _cells(browser.html())[1:]]
    assert status == f"{len(codes)} rows" and codes == sorted(codes)
    assert {"082015", "082023", "082368"} <= set(codes)  # data/reference/cities.yaml
    # what was sent (and what the download links carry) declares the prefix it used
    csv_link = browser.script("return document.querySelector('#downloads a[data-format=csv]').href")
    assert "PREFIX%20mplan%3A%20%3Chttps%3A%2F%2Fplankg.org%2Fdef%2Fmplan%23%3E" in csv_link


def test_example_comes_with_its_values_and_fills_the_table(real_server, browser):
    browser.open(f"{real_server.url}/query")
    browser.click("button[data-name=cq-statistic-series]")
    text = browser.script("return document.getElementById('query').value")
    assert '# values: measure = 加入世帯数' in text and 'VALUES (?measure) { ("加入世帯数"@ja) }' in text
    browser.click("#run")
    status = browser.wait_for("var s = document.getElementById('status').textContent; "
                              "return /rows|failed/.test(s) && s;")
    assert status == "4 rows"
    values = [next(c for c in row if re.fullmatch(r"\d{5}", c)) for row in _cells(browser.html())[1:]]
    assert values == households()


def test_named_query_run_button_gives_a_table_and_a_chart(real_server, browser):
    browser.open(f"{real_server.url}/queries/cq-statistic-series?describe")
    assert browser.script("return document.getElementById('p-measure').value") == "加入世帯数"
    browser.click("#run")
    browser.wait_for("return document.querySelector('table.results') !== null")
    dom = browser.html()
    rows = _cells(dom)[1:]
    assert [r[4] for r in rows] == [v + "^^xsd:decimal" for v in households()]
    # the period is a link with its label and its IRI both shown
    assert '>1998年度</a> <span class="iri">id:period/fy1998</span>' in dom
    # the chart: one line through the four years, each point labelled with its value
    svg = re.search(r'<svg[^>]*class="chart".*?</svg>', dom, re.S).group(0)
    assert re.findall(r'class="tick">(\d{4})</text>', svg) == ["1998", "2003", "2008", "2013"]
    assert re.findall(r'class="value"[^>]*>([\d,]+)</text>', svg) == [f"{int(v):,}" for v in households()]
    assert svg.count("<polyline") == 1
    # the form keeps the values asked for, and the same answer is one click away as data
    assert browser.script("return document.getElementById('p-measure').value") == "加入世帯数"
    assert 'format=csv">csv</a>' in dom
