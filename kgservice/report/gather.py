"""Gathering the audit-trail report: the queries of queries/report/ → the data model (kgservice.report.model).

For a plan element (typically a basic goal) the report walks the element and everything that is
``mplan:parent*`` under it (policies, measures, projects), and for each item its responsible and
related departments, the indicators that ``mplan:measures`` it, its budget and settlement, and every
cross-plan element that ``mplan:serves`` it. A plan report covers all the plan's elements, a city
report all the plans the city publishes (each query's scope is a UNION of the two cases).

Every item carries its evidence: its description (``^foaf:primaryTopic``) ``prov:wasDerivedFrom`` →
passage → ``oa:hasSelector/oa:exact`` (the verbatim lines), the document and the line ranges (from
the RFC 5147 fragment selectors).

Queries run through ``run_select(query, substitutions)`` with the root bound as ``?this`` (an RDF
term, never pasted): ``engine_select`` adapts the service Engine, ``store_select`` a pyoxigraph Store
(tests, scripts).
"""

from __future__ import annotations
import json
import re
from collections import defaultdict
from typing import Any, Callable
from kgservice.queries.parameters import ParameterError, term
from kgservice.queries.registry import NamedQuery
from kgservice.queries.internal import bound, internal_queries
from kgservice.report.charts import indicator_chart
from kgservice.report.model import (INDICATOR_KINDS, MPLAN, ROLE_ORDER, Budget, CrossLink, Indicator, Node,
                                    Observation, Passage, Report, ReportError, Unit, decimal_of, local_name,
                                    year_of)

RunSelect = Callable[[NamedQuery, dict[str, str]], list[dict[str, str]]]


def _plain(binding: dict[str, Any]) -> dict[str, str]:
    return {name: t["value"] for name, t in binding.items()}


def engine_select(engine: Any) -> RunSelect:
    """``run_select`` over the service Engine (a result over the row cap is the engine's
    ``too_many_rows`` error, never a cut answer that would make the report silently incomplete)."""

    def run(query: NamedQuery, substitutions: dict[str, str]) -> list[dict[str, str]]:
        result = engine.execute(query.text, "json", scanned=query.scanned, substitutions=substitutions)
        return [_plain(b) for b in json.loads(result.body)["results"]["bindings"]]

    return run


def store_select(store: Any) -> RunSelect:
    """``run_select`` over a pyoxigraph Store, its default graph the merge of its graphs (mappings.build.merge)."""
    import pyoxigraph as ox

    from mappings.build.merge import query_options

    options = query_options(store)

    def run(query: NamedQuery, substitutions: dict[str, str]) -> list[dict[str, str]]:
        subs = {ox.Variable(k): term(v) for k, v in substitutions.items()}
        solutions = store.query(query.text, substitutions=subs, **options)
        names = [v.value for v in solutions.variables]
        return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]

    return run


def _passages(rows: list[dict[str, str]]) -> dict[str, Passage]:
    passages: dict[str, Passage] = {}
    for r in rows:
        p = passages.setdefault(r["passage"], Passage(r["passage"]))
        p.doc = r.get("doc", p.doc)
        p.doc_title = r.get("docTitle", p.doc_title)
        p.exact = r.get("exact", p.exact)
        m = re.fullmatch(r"line=(\d+),(\d+)", r.get("fragment", ""))
        if m:  # RFC 5147 counts positions between lines: line=208,212 is lines 209–212
            rng = (int(m.group(1)) + 1, int(m.group(2)))
            if rng not in p.ranges:
                p.ranges.append(rng)
        elif not p.ranges and "first" in r:
            p.ranges.append((int(r["first"]), int(r.get("last", r["first"]))))
    for p in passages.values():
        p.ranges.sort()
    return passages


def _node(r: dict[str, str], nodes: dict[str, Node], derived: dict[str, list[Passage]]) -> None:
    x = r["x"]
    node = nodes.get(x)
    if node is None:
        is_plan = r.get("isPlan") in ("true", "1")  # Virtuoso gives EXISTS as 0/1
        node_kind = "plan" if is_plan else local_name(r["kind"]) if "kind" in r else "element"
        node = nodes[x] = Node(x, node_kind, r.get("labelJa") or local_name(x), passages=derived.get(x, []))
    node.label_en = node.label_en or r.get("labelEn")
    node.number = node.number or r.get("number")
    node.plan = node.plan or r.get("plan")
    node.relisting_of = node.relisting_of or r.get("relistingOf")
    node.priority = node.priority or r.get("priority") == "true"
    node.new = node.new or r.get("new") == "true"
    if "parent" in r and node.parent is None:
        node.parent = r["parent"]


def _indicators(rows: list[dict[str, str]], nodes: dict[str, Node],
                derived: dict[str, list[Passage]]) -> dict[tuple[str, str], Indicator]:
    indicators: dict[tuple[str, str], Indicator] = {}
    observations: set[tuple[str, str]] = set()
    for r in rows:
        node = nodes.get(r["x"])
        if node is None:
            continue
        key = (r["x"], r["ind"])
        ind = indicators.get(key)
        if ind is None:
            ind = indicators[key] = Indicator(r["ind"], INDICATOR_KINDS.get(r.get("indType", ""), "indicator"),
                                              r.get("labelJa") or local_name(r["ind"]),
                                              passages=derived.get(r["ind"], []))
            node.indicators.append(ind)
        if ind.kind == "indicator" and "indType" in r:
            ind.kind = INDICATOR_KINDS.get(r["indType"], "indicator")
        ind.label_en = ind.label_en or r.get("labelEn")
        ind.number = ind.number or r.get("number")
        ind.unit = ind.unit or r.get("unitLabel")
        ind.survey = ind.survey or r.get("survey")
        if "obs" not in r or (r["x"], r["obs"]) in observations:
            continue
        observations.add((r["x"], r["obs"]))
        year = year_of(r.get("start"))
        obs = Observation(r["obs"], local_name(r["role"]), year=year, fiscal="fy" in r or year is None,
                          value=decimal_of(r.get("value")), printed=r.get("printed"), status=r.get("statusLabel"),
                          trend=r.get("trend"), note=r.get("note"), passages=derived.get(r["obs"], []))
        data_year = year_of(r.get("dataStart"))
        if data_year is not None:
            obs.data_period = f"{data_year}年度" if "dataFy" in r else f"{data_year}年"
        ind.observations.append(obs)
    for ind in indicators.values():
        ind.observations.sort(key=lambda o: (ROLE_ORDER.index(o.role) if o.role in ROLE_ORDER else 99,
                                             o.year or 0, o.iri))
        ind.chart = indicator_chart(ind)
    return indicators


def gather(run_select: RunSelect, iri: str, base: str) -> Report:
    """Everything the report shows about ``iri`` (a plan element, a plan or a city)."""
    q = internal_queries("report")
    try:
        this = bound(q["root"], this=iri)
    except ParameterError:
        raise ReportError("bad_request", f"not an absolute IRI: {iri!r}") from None

    def rows(name: str) -> list[dict[str, str]]:
        return run_select(q[name], this)

    root_rows = rows("root")
    if not root_rows:
        raise ReportError("not_found", f"the graph has nothing about <{iri}>")
    types = {r["type"] for r in root_rows}
    label = next((r["labelJa"] for r in root_rows if "labelJa" in r), None) or local_name(iri)
    label_en = next((r["labelEn"] for r in root_rows if "labelEn" in r), None)
    kinds = {"LocalGovernment": "city", "Plan": "plan", "PlanElement": "element"}
    kind = next((k for t, k in kinds.items() if MPLAN + t in types), None)
    if kind is None:
        raise ReportError("bad_request", f"<{iri}> is not a plan element, a plan or a city")

    ancestors: list[tuple[str, str]] = []
    if kind == "element":
        above = sorted(rows("ancestors"), key=lambda r: int(r.get("depth", "0")))
        ancestors = [(r["a"], r.get("labelJa") or local_name(r["a"])) for r in above]

    # passages first: every item below refers to them
    passage_rows = rows("passages")
    passages = _passages(passage_rows)
    derived: dict[str, list[Passage]] = defaultdict(list)
    for r in passage_rows:
        p = passages.get(r["passage"])
        if p is not None and p not in derived[r["item"]]:
            derived[r["item"]].append(p)
    for ps in derived.values():
        ps.sort(key=lambda p: p.sort_key)

    nodes: dict[str, Node] = {}
    for r in rows("nodes"):
        _node(r, nodes, derived)
    if kind == "city":
        nodes.pop(iri, None)  # the scope's first branch: the city is the root, not a node
    elif not nodes:
        raise ReportError("not_found", f"<{iri}> has no plan elements")

    for r in rows("units"):
        node = nodes.get(r["x"])
        role = "responsible" if r["rel"] == MPLAN + "responsibleUnit" else "related"
        if node and not any(u.iri == r["unit"] and u.role == role for u in node.units):
            node.units.append(Unit(r["unit"], r.get("labelJa") or local_name(r["unit"]), role,
                                   derived.get(r["unit"], [])))
    indicators = _indicators(rows("indicators"), nodes, derived)
    for r in rows("budgets"):
        node = nodes.get(r["x"])
        if node and not any(b.iri == r["obs"] for b in node.budgets):
            node.budgets.append(Budget(r["obs"], r.get("fy"), decimal_of(r.get("budget")),
                                       decimal_of(r.get("settlement")), r.get("unitLabel"), derived.get(r["obs"], [])))
    for node in nodes.values():
        node.budgets.sort(key=lambda b: b.fiscal_year or "")
    for r in rows("contributors"):
        node = nodes.get(r["x"])
        if node and not any(c.iri == r["c"] for c in node.contributors):
            node.contributors.append(_cross(r, "c", "cPlan", derived))
    for r in rows("also-measures"):
        ind = indicators.get((r["x"], r["ind"]))
        if ind is None:
            continue
        known = next((c for c in ind.also_measures if c.iri == r["y"]), None)
        if known is None:
            ind.also_measures.append(_cross(r, "y", "yPlan", derived))
        elif known.link is None and "link" in r:  # solutions come in no set order: keep the one with the link
            ind.also_measures[ind.also_measures.index(known)] = _cross(r, "y", "yPlan", derived)
    return Report(iri, kind, label, label_en, ancestors, _tree(nodes, iri, kind), base)


def _tree(nodes: dict[str, Node], iri: str, kind: str) -> list[Node]:
    """The report's sections with their children in the order of their first source line."""
    def order(n: Node) -> tuple:
        first = n.passages[0].sort_key if n.passages else ("~", 0, "")
        return (first, n.iri)

    for node in nodes.values():
        if node.parent in nodes and node.iri != iri:
            nodes[node.parent].children.append(node)
    for node in nodes.values():
        node.children.sort(key=order)
    if kind == "city":
        sections = sorted((n for n in nodes.values() if n.kind == "plan"), key=lambda n: n.iri)
    else:
        sections = [nodes[iri]]
    for top in sections:
        _set_depth(top, 0)
    return sections


def _cross(r: dict[str, str], var: str, plan_var: str, derived: dict[str, list[Passage]]) -> CrossLink:
    plan = r[plan_var]
    return CrossLink(r[var], r.get("labelJa") or local_name(r[var]), plan, r.get(plan_var + "Label") or local_name(plan),
                     number=r.get("number"), link=r.get("link"), confidence=r.get("confidence"),
                     comment=r.get("comment"), passages=derived.get(r[var], []),
                     evidence=derived.get(r["link"], []) if "link" in r else [])


def _set_depth(node: Node, depth: int) -> None:
    node.depth = depth
    for child in node.children:
        _set_depth(child, depth + 1)
