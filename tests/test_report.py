"""The audit-trail report (kgservice.report: gather, charts, render, routes) on the graph built from the real records.

The expectations are read from the records (data/mito-strategy-evaluation-2022/*.yaml) and the
source text (sources/), so the report is checked against what the document prints: every KPI of
the strategy's basic goal IV with a chart holding its values, every project with its budget and
settlement, and every quoted passage equal to the cited lines of the source file.
"""

from __future__ import annotations
import csv
import io
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
import pyoxigraph as ox
import pytest
import yaml
from conftest import run_chromium
from fastapi import FastAPI
from fastapi.testclient import TestClient
from kgservice.request import errors
from kgservice.engine.embedded import EngineResult
from mappings.build.merge import query_options
from kgservice.report.charts import indicator_chart
from kgservice.report.gather import gather, store_select
from kgservice.report.model import ReportError
from kgservice.report.render import CSV_COLUMNS, render_csv, render_html
from kgservice.report.routes import router
from kgservice.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://plankg.org/"
PLAN = BASE + "id/plan/mito-strategy-2"
GOAL = PLAN + "/goal-4"
STRATEGY_DATA = ROOT / "data" / "mito-strategy-evaluation-2022"
# KPIs of basic goal IV, as printed in the evaluation's KPI table (lines 209–227).
GOAL4_KPIS = ("水戸市安心・安全見守り隊参加団体・事業者数", "路線バス利用者数", "空家等件数",
              "自主防災組織による防災訓練等の参加者数", "福祉ボランティアの活動件数", "産・学・官連携事業の数")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def store(built_graph) -> ox.Store:
    return built_graph


@pytest.fixture(scope="module")
def report(store):
    return gather(store_select(store), GOAL, BASE)


@pytest.fixture(scope="module")
def html(report) -> str:
    return render_html(report, csv_href="trail.csv")


@pytest.fixture(scope="module")
def csv_rows(report) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render_csv(report))))


def _load(name: str) -> list[dict]:
    return yaml.safe_load((STRATEGY_DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def goal_records() -> tuple[list[dict], list[dict]]:
    """(elements under goal-4 including it, indicators measuring any of them) from the records."""
    elements = [e for e in _load("elements.yaml") if e["plan"] == "mito-strategy-2"]
    inside, grew = {"goal-4"}, True
    while grew:
        grew = False
        for e in elements:
            if e.get("parent_ref") in inside and e["id"] not in inside:
                inside.add(e["id"])
                grew = True
    chosen = [e for e in elements if e["id"] in inside]
    indicators = [i for i in _load("indicators.yaml")
                  if i["plan"] == "mito-strategy-2" and set(i.get("measures_refs", [])) & inside]
    return chosen, indicators


def _source_lines(doc_id: str) -> list[str]:
    catalog = yaml.safe_load((ROOT / "sources" / "catalog.yaml").read_text(encoding="utf-8"))
    entry = next(e for e in catalog if e["id"] == doc_id)
    return (ROOT / "sources" / entry["file"]).read_text(encoding="utf-8").split("\n")


def _fmt(value) -> str:
    return f"{Decimal(str(value)):,}"


class _Doc(HTMLParser):
    """The SVGs (title, text contents), blockquotes and hrefs of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.svgs: list[dict] = []
        self.quotes: list[str] = []
        self.hrefs: list[str] = []
        self._stack: list[str] = []
        self._in_quote = 0

    def handle_starttag(self, tag, attrs):
        self._stack.append(tag)
        if tag == "svg":
            self.svgs.append({"title": "", "desc": "", "texts": []})
        elif tag == "blockquote":
            self._in_quote += 1
            self.quotes.append("")
        elif tag == "a":
            self.hrefs.append(dict(attrs).get("href", ""))

    def handle_endtag(self, tag):
        if tag == "blockquote":
            self._in_quote -= 1
        while self._stack:
            if self._stack.pop() == tag:
                break

    def handle_data(self, data):
        if "svg" in self._stack:
            svg = self.svgs[-1]
            if self._stack[-1] == "title":
                svg["title"] += data
            elif self._stack[-1] == "desc":
                svg["desc"] += data
            elif self._stack[-1] == "text":
                svg["texts"].append(data)
        if self._in_quote:
            self.quotes[-1] += data


def _parse(page: str) -> _Doc:
    doc = _Doc()
    doc.feed(page)
    return doc


def _svg_for(doc: _Doc, label: str) -> dict:
    found = [s for s in doc.svgs if s["title"].startswith(label)]
    assert len(found) == 1, f"one chart titled {label!r}: {[s['title'] for s in doc.svgs]}"
    return found[0]


# --------------------------------------------------------------------------- the report's content


def test_goal_report_walks_goal_to_projects(report, goal_records):
    elements, _ = goal_records
    nodes = {n.iri: n for n in report.nodes()}
    assert report.kind == "element" and report.sections[0].iri == GOAL
    assert set(nodes) == {f"{PLAN}/{e['id']}" for e in elements}
    for e in elements:  # each element hangs under the parent its record names
        if e["id"] != "goal-4":
            assert nodes[f"{PLAN}/{e['parent_ref']}"] in [n for n in report.nodes()
                                                          if any(c.iri == f"{PLAN}/{e['id']}" for c in n.children)]
    assert [a for a, _ in report.ancestors] == [PLAN]


def test_every_kpi_has_a_chart_with_its_printed_values(html, report, goal_records):
    _, indicators = goal_records
    doc = _parse(html)
    labels = {i["label"] for i in indicators}
    for short in GOAL4_KPIS:
        assert any(label.startswith(short) for label in labels), short
    assert len(indicators) == 7  # the six KPIs and the numeric target 社会増
    for record in indicators:
        svg = _svg_for(doc, record["label"])
        values = [o for o in record["observations"] if o.get("value") is not None]
        assert values, record["id"]
        for o in values:
            text = _fmt(o["value"])
            assert any(t.startswith(text) for t in svg["texts"]), (record["id"], o["role"], text, svg["texts"])
            assert text in svg["desc"]
        roles = {o["role"] for o in values}
        legend = " ".join(svg["texts"])
        for role, name in (("baseline", "基準値"), ("target", "目標値"), ("expected", "期待値"), ("actual", "実績値")):
            assert (name in legend) == (role in roles), (record["id"], role)
    # a concrete case, as printed on lines 213–215: 路線バス利用者数 34,765 → 36,000, actual 19,489 and 24,318
    bus = _svg_for(doc, "路線バス利用者数(一日当たり)")
    for text in ("34,765", "36,000", "35,381", "35,588", "35,794", "19,489", "24,318"):
        assert text in bus["texts"]
    assert 'role="img"' in html and "aria-labelledby" in html


def test_projects_show_budget_settlement_and_rate(html, report, goal_records):
    elements, _ = goal_records
    projects = [e for e in elements if e.get("budget")]
    assert len(projects) == 4
    nodes = {n.iri: n for n in report.nodes()}
    for e in projects:
        node = nodes[f"{PLAN}/{e['id']}"]
        figure = e["budget"][0]
        assert [(b.budget, b.settlement) for b in node.budgets] == [(Decimal(figure["budget"]), Decimal(figure["settlement"]))]
        assert _fmt(figure["budget"]) in html and _fmt(figure["settlement"]) in html
    clinic = nodes[f"{PLAN}/goal-4-policy-1-holiday-night-clinic"]
    assert clinic.label == "休日夜間緊急診療所の運営"
    assert str(clinic.budgets[0].rate) == "97.6"  # 199,598 / 204,559
    row = re.search(r"<tr><td class=\"nw\">2022年度</td><td class=\"num\">204,559</td><td class=\"num\">199,598</td>\s*"
                    r"<td class=\"num\">97.6%</td>", html)
    assert row, "the clinic's budget row"


def test_every_item_quotes_its_source_lines(report, html):
    """Each passage's quote is exactly the cited lines of the source file, and the page shows it with
    line numbers; each item has at least one passage."""
    doc = _parse(html)
    quotes = {re.sub(r"\s+", "", q) for q in doc.quotes}
    sources: dict[str, list[str]] = {}
    checked = 0
    for node in report.nodes():
        items = [node, *node.budgets, *node.indicators, *(o for i in node.indicators for o in i.observations)]
        for item in items:
            assert item.passages, f"no source passage for {item.iri}"
            for p in item.passages:
                doc_id = p.doc.rsplit("/", 1)[-1]
                lines = sources.setdefault(doc_id, _source_lines(doc_id))
                assert p.exact == "\n".join(lines[n - 1] for n in sorted(p.line_set)), p.iri
                assert p.doc_title and p.lines_text
                checked += 1
        for p in node.passages:  # the node's own passages are always quoted in full
            numbered = "".join(f"{n}{line}" for n, line in p.numbered)
            assert re.sub(r"\s+", "", numbered) in quotes, p.iri
    assert checked > 60  # 12 elements, 4 budget figures, 7 indicators and their ~45 values
    # the clinic (lines 234–241), with its budget lines 240–241 inside the quote
    assert "休日夜間緊急診療所の運営" in html and "passage/mito-strategy-evaluation-2022/L234-L241" in html
    assert '<span class="ln">240</span>R4事業費(千円)\t予算額\t204,559' in html


def test_csv_has_the_same_items(report, html, csv_rows):
    assert list(csv_rows[0]) == list(CSV_COLUMNS)
    by_iri = {}
    for row in csv_rows:
        by_iri.setdefault(row["iri"], row)
    expected = set()
    for node in report.nodes():
        expected |= {node.iri, *(b.iri for b in node.budgets), *(i.iri for i in node.indicators),
                     *(o.iri for i in node.indicators for o in i.observations), *(u.iri for u in node.units),
                     *(c.iri for i in node.indicators for c in i.also_measures), *(c.iri for c in node.contributors)}
    assert set(by_iri) == expected
    hrefs = {BASE + h.lstrip("/") for h in _parse(html).hrefs if h.startswith("/id/")}
    assert expected <= hrefs  # every CSV item is linked from the page
    for row in csv_rows:  # every row, cross-plan items included, carries its source
        assert row["document"] and row["lines"] and row["quote"], row["iri"]
    clinic = by_iri[f"{PLAN}/goal-4-policy-1-holiday-night-clinic/budget/fy2022"]
    assert (clinic["kind"], clinic["budget"], clinic["settlement"], clinic["execution_rate"], clinic["lines"]) == \
        ("budget", "204559", "199598", "97.6", "240–241")
    assert "204,559" in clinic["quote"] and "199,598" in clinic["quote"]
    assert clinic["parent_iri"] == f"{PLAN}/goal-4-policy-1-holiday-night-clinic"
    bus = by_iri[f"{PLAN}/indicator/kpi-route-bus-users/actual/fy2021"]
    assert (bus["kind"], bus["role"], bus["period"], bus["value"], bus["unit"]) == \
        ("observation", "actual", "2021年度", "19489", "人")
    assert "19,489" in bus["quote"] and bus["lines"] == "209; 214–215"  # two passages, one per contiguous range
    kpi = by_iri[f"{PLAN}/indicator/kpi-mimamori-tai"]
    assert kpi["kind"] == "kpi" and kpi["indicator"].startswith("水戸市安心・安全見守り隊参加団体・事業者数")
    assert kpi["parent_iri"] == f"{PLAN}/goal-4-policy-1"


def test_cross_plan_measures_with_link_evidence(report):
    """A strategy KPI that a curated link says also measures a community-plan measure shows that
    element with the link's confidence and the quoted passages of both sides (data/linkage)."""
    path = ROOT / "data" / "linkage" / "links.yaml"
    links = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    indicators = {i.iri: i for n in report.nodes() for i in n.indicators}
    expected = [link for link in links if link["relation"] == "measures"
                and link["subject"]["ref"].startswith("indicator:mito-strategy-2/")
                and PLAN + "/indicator/" + link["subject"]["ref"].split("/", 1)[1] in indicators]
    for link in expected:
        ind = indicators[PLAN + "/indicator/" + link["subject"]["ref"].split("/", 1)[1]]
        target = BASE + "id/plan/" + link["object"]["ref"].split(":", 1)[1]
        cross = next(c for c in ind.also_measures if c.iri == target)
        assert Decimal(cross.confidence) == Decimal(str(link["confidence"]))
        evidence = "".join(p.exact for p in cross.evidence)
        for side in ("subject", "object"):
            assert re.sub(r"\s+", "", link[side]["quote"])[:20] in re.sub(r"\s+", "", evidence), (link["id"], side)
    assert len(expected) == sum(len(i.also_measures) for i in indicators.values())


def test_plan_and_city_reports(store):
    run = store_select(store)
    plan = gather(run, PLAN, BASE)
    top = plan.sections[0]
    assert top.kind == "plan"
    goals = [c.iri for c in top.children if c.kind == "goal"]
    assert goals == [f"{PLAN}/goal-{n}" for n in range(1, 5)]
    city = gather(run, BASE + "id/city/082015", BASE)
    plans = {s.iri for s in city.sections}
    assert {PLAN, BASE + "id/plan/mito-comprehensive-plan-6", BASE + "id/plan/mito-community-plan-3"} <= plans
    assert not any("hitachi" in p for p in plans)
    # the community plan's vision serves the 6th comprehensive plan's pillar 4 (cross-plan, stated
    # by the community plan's record); only asserted contributions are listed, not inferred ones
    pillar = next(n for n in city.nodes() if n.iri.endswith("mito-comprehensive-plan-6/pillar-4"))
    contributors = [c.iri for c in pillar.contributors]
    assert BASE + "id/plan/mito-community-plan-3/vision" in contributors
    assert all(not c.startswith(BASE + "id/plan/mito-community-plan-3/basic-policy") for c in contributors)
    # departments (Hitachi's 担当課) reach the report and the CSV
    hitachi = gather(run, BASE + "id/city/082023", BASE)
    units = [u for n in hitachi.nodes() for u in n.units if u.role == "responsible"]
    assert units and all(u.label for u in units)
    rows = list(csv.DictReader(io.StringIO(render_csv(hitachi))))
    assert any(r["kind"] == "department" for r in rows) and any(r["department"] for r in rows if r["kind"] == "project")


def test_bad_roots(store):
    run = store_select(store)
    with pytest.raises(ReportError) as missing:
        gather(run, BASE + "id/plan/no-such-plan", BASE)
    assert missing.value.kind == "not_found"
    with pytest.raises(ReportError) as wrong:
        gather(run, BASE + "id/document/mito-strategy-evaluation-2022", BASE)
    assert wrong.value.kind == "bad_request"
    with pytest.raises(ReportError):
        gather(run, GOAL + "> } UNION { ?s ?p ?o", BASE)


def test_chart_without_numbers_is_empty(report):
    ind = next(i for n in report.nodes() for i in n.indicators)
    empty = type(ind)(ind.iri, ind.kind, ind.label, observations=[])
    assert indicator_chart(empty) == ""


# --------------------------------------------------------------------------- in a browser


def test_report_in_headless_chromium(html, goal_records, tmp_path):
    page = tmp_path / "trail.html"
    page.write_text(html, encoding="utf-8")
    dom = _parse(run_chromium(tmp_path, "--dump-dom", page.as_uri()))
    _, indicators = goal_records
    assert len(dom.svgs) == len(indicators)
    for record in indicators:
        svg = _svg_for(dom, record["label"])
        for o in record["observations"]:
            if o.get("value") is not None:
                assert any(t.startswith(_fmt(o["value"])) for t in svg["texts"]), (record["id"], o)
    quotes = " ".join(dom.quotes)
    assert "休日夜間緊急診療所の運営" in quotes and "204,559" in quotes and "199,598" in quotes
    assert "路線バス利用者数(一日当たり)" in quotes
    shot = tmp_path / "trail.png"
    run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,3000", page.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


# --------------------------------------------------------------------------- the route


class StoreEngine:
    """The Engine's ``execute`` over an in-memory store (as S1's reader does it: substitutions are
    N-Triples terms, the default graph is the union)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.calls: list[dict] = []

    def execute(self, query: str, result_format: str, *, scanned=None, substitutions=None, default_graph_uris=None,
                named_graph_uris=None) -> EngineResult:
        assert result_format == "json"
        self.calls.append(dict(substitutions or {}))
        subs = {}
        for name, text in (substitutions or {}).items():
            quad = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
            subs[ox.Variable(name)] = quad.object
        result = self.store.query(query, substitutions=subs, **query_options(self.store))
        body = result.serialize(format=ox.QueryResultsFormat.JSON)
        return EngineResult(body, "application/sparql-results+json", "select", None)


@pytest.fixture(scope="module")
def client(store):
    app = FastAPI()
    app.state.settings = Settings(base_iri=BASE)
    app.state.engine = StoreEngine(store)
    errors.install(app)
    app.include_router(router)
    with TestClient(app) as c:
        yield c


def test_route_html_and_csv(client):
    r = client.get("/reports/trail", params={"iri": GOAL}, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "路線バス利用者数(一日当たり)" in r.text and "204,559" in r.text and "<svg" in r.text
    assert f"/reports/trail?iri={GOAL.replace(':', '%3A').replace('/', '%2F')}&amp;format=csv" in r.text
    # the engine got the IRI as a bound term, never in the query text
    assert client.app.state.engine.calls[-1] == {"this": f"<{GOAL}>"}

    by_param = client.get("/reports/trail", params={"iri": GOAL, "format": "csv"})
    by_accept = client.get("/reports/trail", params={"iri": GOAL}, headers={"Accept": "text/csv"})
    for c in (by_param, by_accept):
        assert c.status_code == 200 and c.headers["content-type"].startswith("text/csv")
    assert by_param.text == by_accept.text
    rows = list(csv.DictReader(io.StringIO(by_param.text)))
    assert any(row["budget"] == "204559" and row["settlement"] == "199598" for row in rows)

    local = client.get("/reports/trail", params={"iri": "/id/plan/mito-strategy-2/goal-4", "format": "csv"})
    assert local.text == by_param.text


def test_route_errors(client):
    missing = client.get("/reports/trail", params={"iri": BASE + "id/plan/nothing-here"})
    assert missing.status_code == 404 and json.loads(missing.text)["error"]["kind"] == "not_found"
    wrong = client.get("/reports/trail", params={"iri": BASE + "id/document/mito-strategy-evaluation-2022"})
    assert wrong.status_code == 400
    bad = client.get("/reports/trail", params={"iri": "not an iri"})
    assert bad.status_code == 400
    fmt = client.get("/reports/trail", params={"iri": GOAL, "format": "pdf"})
    assert fmt.status_code == 400
    assert client.get("/reports/trail", headers={"Accept": "application/json"}).status_code in (400, 406, 422)
