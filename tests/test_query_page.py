"""The browser query page (kgservice.pages.query_page): served HTML and static files over HTTP, and the
page really running a query in headless Chromium (Debian's package, installed by
scripts/chromium.sh) against the graph built from the real records."""

from __future__ import annotations
import re
from pathlib import Path
from urllib.parse import quote


from conftest import run_chromium
from conftest_pages import BASE


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


def test_query_runs_in_headless_chromium(real_server, tmp_path):
    dom = dump_dom(f"{real_server.url}/query?query={quote(CITIES)}", tmp_path)
    table = re.search(r'<table class="results">.*?</table>', dom, re.S)
    assert table, dom[-3000:]
    html = table.group(0)
    # ?cityLabel is the text of the ?city link, not a column; IRIs under the base are local links.
    assert "<th>?city</th><th>?code</th></tr>" in html
    # data/reference/cities.yaml: 水戸市 082015, 日立市 082023, 小美玉市 082368 (check digits verified).
    for code, name in (("082015", "水戸市"), ("082023", "日立市"), ("082368", "小美玉市")):
        assert (f'<td><a href="/id/city/{code}" title="{BASE}id/city/{code}">{name}</a></td>'
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
