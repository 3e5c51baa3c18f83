"""The audit-trail report: from a goal, a plan or a city down to the figures, each with its source.

For a plan element (typically a basic goal) the report walks the element and everything that is
``mplan:partOfTransitive`` it (policies, measures, projects), and for each item shows its responsible and
related departments, the indicators that ``mplan:measures`` it (with a chart of the baseline, target,
expected and actual values by year), its budget and settlement (thousand yen, with the execution
rate) and every cross-plan element that ``mplan:serves`` it. A plan report covers all the plan's
elements (its top-level goals first), a city report all the plans the city publishes.

Every item carries its evidence: its description (``^foaf:primaryTopic``) ``prov:wasDerivedFrom`` → passage → ``oa:hasSelector/oa:exact``
(the verbatim lines), the document title and the line ranges (from the RFC 5147 fragment
selectors), and a link to its IRI (a local path when the IRI is under ``base_iri``).

Data is gathered with a handful of SPARQL SELECTs through ``run_select(query, substitutions)``: the
root IRI is always bound as ``?this`` by substitution (N-Triples term text, the Engine's convention),
never pasted into a query. pyoxigraph applies a substitution as a binding of the whole query, so
every query projects ``?this`` and uses it only in plain triple patterns of the outer group.
``engine_select`` adapts the service Engine, ``store_select`` a pyoxigraph Store (tests, scripts).

Rendering: ``render_html`` (a printable page with inline SVG charts drawn here — no JavaScript) and
``render_csv`` (one row per item). Execution rates and totals are computed here from the recorded
figures; they are not records.
"""

from __future__ import annotations
import csv
import io
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable
from kgservice.pages.linked_data import local_href
from xml.sax.saxutils import escape as xml_escape
from jinja2 import Environment, FileSystemLoader, select_autoescape

RunSelect = Callable[[str, dict[str, str]], list[dict[str, str]]]

MPLAN = "https://plankg.org/def/mplan#"
CODE = "https://plankg.org/def/code/"
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

PREFIXES = """PREFIX mplan: <https://plankg.org/def/mplan#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
"""


class ReportError(Exception):
    """``kind`` is "not_found" (no such resource) or "bad_request" (not a goal, plan or city)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


# --------------------------------------------------------------------------- running queries


def _plain(binding: dict[str, Any]) -> dict[str, str]:
    return {name: term["value"] for name, term in binding.items()}


def engine_select(engine: Any) -> RunSelect:
    """``run_select`` over the service Engine (``execute(query, "json", substitutions=…)``).

    A truncated answer would make the report silently incomplete, so it is an error here."""

    def run(query: str, substitutions: dict[str, str]) -> list[dict[str, str]]:
        result = engine.execute(query, "json", substitutions=substitutions)
        if getattr(result, "truncated", False):
            raise ReportError("too_many_rows", "a report query hit the service's row limit; the report "
                              "would be incomplete (raise max_rows)")
        return [_plain(b) for b in json.loads(result.body)["results"]["bindings"]]

    return run


def store_select(store: Any) -> RunSelect:
    """``run_select`` over a pyoxigraph Store, its default graph the merge of its graphs (mappings.build.merge)."""
    import pyoxigraph as ox

    from mappings.build.merge import query_options

    options = query_options(store)

    def term(text: str) -> Any:
        quads = list(ox.parse(f"<urn:s> <urn:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES))
        return quads[0].object

    def run(query: str, substitutions: dict[str, str]) -> list[dict[str, str]]:
        subs = {ox.Variable(k): term(v) for k, v in substitutions.items()}
        solutions = store.query(query, substitutions=subs, **options)
        names = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = value.value
            rows.append(row)
        return rows

    return run


def nt_iri(iri: str) -> str:
    """The N-Triples text of an IRI, refusing anything that could leave the term."""
    if not iri or re.search(r'[\x00-\x20<>"{}|^`\\]', iri) or ":" not in iri:
        raise ReportError("bad_request", f"not an absolute IRI: {iri!r}")
    return f"<{iri}>"


# --------------------------------------------------------------------------- the queries

# The set of nodes (?x) a report covers: the root and everything part of it, or for a city every
# plan it publishes and everything part of those. Chosen by the root's kind; never holds an IRI.
SCOPE_TREE = "?x mplan:parent* ?this ."
SCOPE_CITY = "?this a mplan:LocalGovernment . ?plan dct:publisher ?this ; a mplan:Plan . ?x mplan:parent* ?plan ."

Q_ROOT = PREFIXES + """
SELECT ?this ?type ?labelJa ?labelEn WHERE {
  ?this a ?type .
  OPTIONAL { ?this rdfs:label ?labelJa FILTER(lang(?labelJa) = "ja") }
  OPTIONAL { ?this rdfs:label ?labelEn FILTER(langMatches(lang(?labelEn), "en")) }
}"""

# The chain of elements and the plan above an element root (breadcrumb).
Q_ANCESTORS = PREFIXES + """
SELECT ?this ?a ?labelJa (COUNT(DISTINCT ?above) AS ?depth) WHERE {
  ?this mplan:partOfTransitive ?a .
  OPTIONAL { ?a mplan:partOfTransitive ?above }
  OPTIONAL { ?a rdfs:label ?labelJa FILTER(lang(?labelJa) = "ja") }
} GROUP BY ?this ?a ?labelJa"""

Q_NODES = PREFIXES + """
SELECT DISTINCT ?this ?x ?isPlan ?kind ?parent ?labelJa ?labelEn ?number ?plan ?relistingOf ?priority ?new WHERE {
  {SCOPE}
  BIND(EXISTS { ?x a mplan:Plan } AS ?isPlan)
  OPTIONAL { ?x mplan:elementKind ?kind }
  OPTIONAL { ?x mplan:parent ?parent }
  OPTIONAL { ?x rdfs:label ?labelJa FILTER(lang(?labelJa) = "ja") }
  OPTIONAL { ?x rdfs:label ?labelEn FILTER(langMatches(lang(?labelEn), "en")) }
  OPTIONAL { ?x mplan:displayNumber ?number }
  OPTIONAL { ?x mplan:inPlan ?plan }
  OPTIONAL { ?x mplan:relistingOf ?relistingOf }
  OPTIONAL { ?x mplan:isPriority ?priority }
  OPTIONAL { ?x mplan:isNew ?new }
}"""

Q_UNITS = PREFIXES + """
SELECT DISTINCT ?this ?x ?unit ?rel ?labelJa WHERE {
  {SCOPE}
  VALUES ?rel { mplan:responsibleUnit mplan:relatedUnit }
  ?x ?rel ?unit .
  OPTIONAL { ?unit rdfs:label ?labelJa FILTER(lang(?labelJa) = "ja") }
}"""

Q_INDICATORS = PREFIXES + """
SELECT DISTINCT ?this ?x ?ind ?indType ?labelJa ?labelEn ?number ?unitLabel ?survey
       ?obs ?role ?period ?fy ?start ?value ?printed ?statusLabel ?trend ?dataStart ?dataFy ?note WHERE {
  {SCOPE}
  ?ind mplan:measures ?x .
  OPTIONAL { ?ind a ?indType VALUES ?indType { mplan:KPI mplan:NumericTarget mplan:OutcomeIndicator mplan:TargetIndicator } }
  OPTIONAL { ?ind rdfs:label ?labelJa FILTER(lang(?labelJa) = "ja") }
  OPTIONAL { ?ind rdfs:label ?labelEn FILTER(langMatches(lang(?labelEn), "en")) }
  OPTIONAL { ?ind mplan:displayNumber ?number }
  OPTIONAL { ?ind mplan:unitAsPrinted ?unitLabel }
  OPTIONAL { ?ind mplan:survey ?survey }
  OPTIONAL {
    # the column's period (an observation has one; a qb:Slice of the series has none)
    ?obs mplan:indicator ?ind ; mplan:observationRole ?role ; mplan:columnPeriod ?period .
    OPTIONAL { ?period time:hasBeginning/time:inXSDDate ?start }
    OPTIONAL { ?period mplan:fiscalYear ?fy }
    OPTIONAL { ?obs sdmx-measure:obsValue ?value FILTER(?value = ?value) }  # NaN: no number printed
    OPTIONAL { ?obs mplan:valueAsPrinted ?printed }
    OPTIONAL { ?obs mplan:progressStatus/skos:prefLabel ?statusLabel FILTER(lang(?statusLabel) = "ja") }
    OPTIONAL { ?obs mplan:trend ?trend }
    OPTIONAL { ?obs sdmx-dimension:refPeriod ?dp FILTER(?dp != ?period)  # the period printed beside the value
               OPTIONAL { ?dp time:hasBeginning/time:inXSDDate ?dataStart }
               OPTIONAL { ?dp mplan:fiscalYear ?dataFy } }
    OPTIONAL { ?obs skos:note ?note }
  }
}"""

Q_BUDGETS = PREFIXES + """
SELECT DISTINCT ?this ?x ?obs ?fy ?budget ?settlement ?unitLabel WHERE {
  {SCOPE}
  ?obs mplan:project ?x ; sdmx-dimension:refPeriod ?period .
  OPTIONAL { ?period mplan:fiscalYear ?fy }
  OPTIONAL { ?obs mplan:budgetAmount ?budget }
  OPTIONAL { ?obs mplan:settlementAmount ?settlement }
  OPTIONAL { ?obs mplan:unitAsPrinted ?unitLabel }
}"""

# Elements (or whole plans) of other plans that serve an element of the report, as asserted by a
# document or a curated link: not the inferred ones (the parts of a contributor serve too, by
# inference, and would only repeat it).
Q_CONTRIBUTORS = PREFIXES + """
SELECT DISTINCT ?this ?x ?c ?cPlan ?cPlanLabel ?labelJa ?labelEn ?number ?link ?confidence ?comment WHERE {
  {SCOPE}
  GRAPH ?g { ?c mplan:serves ?x }
  FILTER NOT EXISTS { ?g mplan:inferenceRule ?rule }
  OPTIONAL { ?c mplan:inPlan ?inPlan }
  BIND(COALESCE(?inPlan, ?c) AS ?cPlan)  # a whole plan may serve an element
  ?x mplan:inPlan ?xPlan .
  FILTER(?cPlan != ?xPlan)
  OPTIONAL { ?cPlan rdfs:label ?cPlanLabel FILTER(lang(?cPlanLabel) = "ja") }
  OPTIONAL { ?c rdfs:label ?labelJa FILTER(lang(?labelJa) = "ja") }
  OPTIONAL { ?c rdfs:label ?labelEn FILTER(langMatches(lang(?labelEn), "en")) }
  OPTIONAL { ?c mplan:displayNumber ?number }
  OPTIONAL { ?link a mplan:LinkAssertion ; mplan:linkSubject ?c ; mplan:linkPredicate mplan:serves ; mplan:linkObject ?x .
             OPTIONAL { ?link mplan:confidence ?confidence }
             OPTIONAL { ?link rdfs:comment ?comment } }
}"""

# Elements of other plans that an indicator of the report also measures (e.g. a strategy KPI that
# measures a community-plan measure), with the link's evidence when it is a curated link.
Q_ALSO_MEASURES = PREFIXES + """
SELECT DISTINCT ?this ?x ?ind ?y ?yPlan ?yPlanLabel ?labelJa ?number ?link ?confidence ?comment WHERE {
  {SCOPE}
  ?ind mplan:measures ?x , ?y ; mplan:inPlan ?indPlan .
  ?y mplan:inPlan ?yPlan .
  FILTER(?y != ?x && ?yPlan != ?indPlan)
  OPTIONAL { ?yPlan rdfs:label ?yPlanLabel FILTER(lang(?yPlanLabel) = "ja") }
  OPTIONAL { ?y rdfs:label ?labelJa FILTER(lang(?labelJa) = "ja") }
  OPTIONAL { ?y mplan:displayNumber ?number }
  OPTIONAL { ?link a mplan:LinkAssertion ; mplan:linkSubject ?ind ; mplan:linkPredicate mplan:measures ; mplan:linkObject ?y .
             OPTIONAL { ?link mplan:confidence ?confidence }
             OPTIONAL { ?link rdfs:comment ?comment } }
}"""

# Every item of the report (nodes, indicators, observations, budget figures, units, cross-plan
# contributors, link assertions about them) with the passages it was derived from.
_ITEM_PATH = ("(^mplan:measures|^mplan:measures/^mplan:indicator|^mplan:project|mplan:responsibleUnit"
              "|mplan:relatedUnit|^mplan:serves|^mplan:linkObject|^mplan:measures/^mplan:linkSubject"
              "|^mplan:measures/mplan:measures)?")  # the other elements an indicator also measures

# A thing's passages are those of its descriptions (foaf:primaryTopic it); a link assertion is its
# own description (it is prov:wasDerivedFrom its passages directly).
_FROM_PASSAGE = "(^foaf:primaryTopic)?/prov:wasDerivedFrom"

Q_ITEM_PASSAGES = PREFIXES + """
SELECT DISTINCT ?this ?item ?passage WHERE {
  {SCOPE}
  ?x """ + _ITEM_PATH + """ ?item .
  ?item """ + _FROM_PASSAGE + """ ?passage .
}"""

Q_PASSAGES = PREFIXES + """
SELECT DISTINCT ?this ?passage ?doc ?docTitle ?exact ?fragment ?first ?last WHERE {
  {SCOPE}
  ?x """ + _ITEM_PATH + """ ?item .
  ?item """ + _FROM_PASSAGE + """ ?passage .
  OPTIONAL { ?passage oa:hasSource ?doc OPTIONAL { ?doc dct:title ?docTitle FILTER(lang(?docTitle) = "ja") } }
  OPTIONAL { ?passage oa:hasSelector ?q . ?q oa:exact ?exact }
  OPTIONAL { ?passage oa:hasSelector ?f . ?f rdf:value ?fragment FILTER(STRSTARTS(STR(?fragment), "line=")) }
  OPTIONAL { ?passage mplan:firstLine ?first }
  OPTIONAL { ?passage mplan:lastLine ?last }
}"""


def _q(template: str, scope: str) -> str:
    return template.replace("{SCOPE}", scope)


# --------------------------------------------------------------------------- the report's data

ROLE_ORDER = ("baseline", "previous", "current", "expected", "actual", "target")
ROLE_LABELS = {"baseline": "基準値", "previous": "前回値", "current": "現状値", "expected": "期待値",
               "actual": "実績値", "target": "目標値"}
ROLE_EN = {"baseline": "baseline", "previous": "previous", "current": "current", "expected": "expected",
           "actual": "actual", "target": "target"}
KIND_LABELS = {"city": "市町村", "plan": "計画", "vision": "将来像", "principle": "基本理念", "goal": "基本目標",
               "policy": "施策", "initiative": "取組", "measure": "施策・方針", "action": "行動", "project": "事業",
               "role": "役割", "element": "要素", "kpi": "KPI", "numeric-target": "数値目標",
               "outcome-indicator": "成果指標", "target-indicator": "目標指標", "indicator": "指標",
               "observation": "指標値", "budget": "予算・決算", "department": "担当課", "related-unit": "関係課",
               "contributor": "他計画からの貢献", "also-measures": "他計画の測定対象"}
INDICATOR_KINDS = {MPLAN + "KPI": "kpi", MPLAN + "NumericTarget": "numeric-target",
                   MPLAN + "OutcomeIndicator": "outcome-indicator", MPLAN + "TargetIndicator": "target-indicator"}


@dataclass
class Passage:
    iri: str
    doc: str | None = None
    doc_title: str | None = None
    exact: str = ""
    ranges: list[tuple[int, int]] = field(default_factory=list)

    @property
    def lines_text(self) -> str:
        """'209, 211–212' (1-based, inclusive; adjacent ranges joined)."""
        merged: list[list[int]] = []
        for a, b in self.ranges:
            if merged and a <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in merged)

    @property
    def line_set(self) -> frozenset[int]:
        return frozenset(n for a, b in self.ranges for n in range(a, b + 1))

    @property
    def numbered(self) -> list[tuple[int | None, str]]:
        """The quoted lines with their line numbers (the exact text is the ranges' lines joined)."""
        numbers = [n for a, b in self.ranges for n in range(a, b + 1)]
        lines = self.exact.split("\n")
        if len(lines) != len(numbers):  # not as the mappings write it: show without numbers
            return [(None, line) for line in lines]
        return list(zip(numbers, lines))

    @property
    def quote_lines(self) -> list[dict[str, Any]]:
        """``numbered`` for display: ``gap`` marks a line that does not follow the previous one."""
        out, previous = [], None
        for n, text in self.numbered:
            out.append({"n": n, "text": text, "gap": previous is not None and n is not None and n != previous + 1})
            previous = n
        return out

    @property
    def sort_key(self) -> tuple:
        return (self.doc or "", self.ranges[0][0] if self.ranges else 0, self.iri)


@dataclass
class Observation:
    iri: str
    role: str
    year: int | None = None
    fiscal: bool = True
    value: Decimal | None = None
    printed: str | None = None
    status: str | None = None
    trend: str | None = None
    data_period: str | None = None
    note: str | None = None
    passages: list[Passage] = field(default_factory=list)

    @property
    def period_text(self) -> str:
        if self.year is None:
            return ""
        return f"{self.year}年度" if self.fiscal else f"{self.year}年"

    @property
    def value_text(self) -> str:
        return fmt_number(self.value) if self.value is not None else (self.printed or "")


@dataclass
class Indicator:
    iri: str
    kind: str
    label: str
    label_en: str | None = None
    number: str | None = None
    unit: str | None = None
    survey: str | None = None
    observations: list[Observation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    also_measures: list[CrossLink] = field(default_factory=list)
    chart: str = ""

    @property
    def observation_passages(self) -> list[Passage]:
        return [p for o in self.observations for p in o.passages]


@dataclass
class Budget:
    iri: str
    fiscal_year: str | None
    budget: Decimal | None
    settlement: Decimal | None
    unit: str | None
    passages: list[Passage] = field(default_factory=list)

    @property
    def rate(self) -> Decimal | None:
        """Execution rate (settlement / budget) in percent, one decimal."""
        if self.budget in (None, 0) or self.settlement is None:
            return None
        return (self.settlement / self.budget * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Unit:
    iri: str
    label: str
    role: str  # "responsible" | "related"
    passages: list[Passage] = field(default_factory=list)


@dataclass
class CrossLink:
    """An element (or plan) of another plan linked to an item: it serves the item, or the item's
    indicator also measures it. ``evidence``: the passages of a curated link assertion."""
    iri: str
    label: str
    plan: str
    plan_label: str
    number: str | None = None
    link: str | None = None
    confidence: str | None = None
    comment: str | None = None
    passages: list[Passage] = field(default_factory=list)
    evidence: list[Passage] = field(default_factory=list)


@dataclass
class Node:
    iri: str
    kind: str
    label: str
    label_en: str | None = None
    number: str | None = None
    parent: str | None = None
    plan: str | None = None
    relisting_of: str | None = None
    priority: bool = False
    new: bool = False
    depth: int = 0
    passages: list[Passage] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    contributors: list[CrossLink] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)

    @property
    def budget_passages(self) -> list[Passage]:
        return [p for b in self.budgets for p in b.passages]

    @property
    def title(self) -> str:
        return f"{self.number} {self.label}" if self.number else self.label

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Report:
    iri: str
    kind: str  # "city" | "plan" | "element"
    label: str
    label_en: str | None
    ancestors: list[tuple[str, str]]  # (iri, label), top first, for an element root
    sections: list[Node]  # the top nodes: the element; the plan's top elements; the city's plans
    base: str

    def nodes(self):
        for top in self.sections:
            yield from top.walk()


def fmt_number(value: Decimal | None) -> str:
    """'204,559', '72.0', '-177' (as recorded; grouping for readability)."""
    if value is None:
        return ""
    return f"{value:,}"


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _year(date_text: str | None) -> int | None:
    m = re.match(r"(-?\d{4})", date_text or "")
    return int(m.group(1)) if m else None


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def gather(run_select: RunSelect, iri: str, base: str) -> Report:
    """Everything the report shows about ``iri`` (a plan element, a plan or a city)."""
    this = {"this": nt_iri(iri)}
    root_rows = run_select(Q_ROOT, this)
    if not root_rows:
        raise ReportError("not_found", f"the graph has nothing about <{iri}>")
    types = {r["type"] for r in root_rows}
    label = next((r["labelJa"] for r in root_rows if "labelJa" in r), None) or _local(iri)
    label_en = next((r["labelEn"] for r in root_rows if "labelEn" in r), None)
    if MPLAN + "LocalGovernment" in types:
        kind, scope = "city", SCOPE_CITY
    elif MPLAN + "Plan" in types:
        kind, scope = "plan", SCOPE_TREE
    elif MPLAN + "PlanElement" in types:
        kind, scope = "element", SCOPE_TREE
    else:
        raise ReportError("bad_request", f"<{iri}> is not a plan element, a plan or a city")

    ancestors: list[tuple[str, str]] = []
    if kind == "element":
        rows = run_select(Q_ANCESTORS, this)
        rows.sort(key=lambda r: int(r.get("depth", "0")))
        ancestors = [(r["a"], r.get("labelJa") or _local(r["a"])) for r in rows]

    # passages first: every item below refers to them
    passages: dict[str, Passage] = {}
    for r in run_select(_q(Q_PASSAGES, scope), this):
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
    derived: dict[str, list[Passage]] = defaultdict(list)
    for r in run_select(_q(Q_ITEM_PASSAGES, scope), this):
        p = passages.get(r["passage"])
        if p is not None and p not in derived[r["item"]]:
            derived[r["item"]].append(p)
    for ps in derived.values():
        ps.sort(key=lambda p: p.sort_key)

    nodes: dict[str, Node] = {}
    for r in run_select(_q(Q_NODES, scope), this):
        x = r["x"]
        node = nodes.get(x)
        if node is None:
            is_plan = r.get("isPlan") == "true"
            node_kind = "plan" if is_plan else _local(r["kind"]) if "kind" in r else "element"
            node = nodes[x] = Node(x, node_kind, r.get("labelJa") or _local(x), passages=derived.get(x, []))
        node.label_en = node.label_en or r.get("labelEn")
        node.number = node.number or r.get("number")
        node.plan = node.plan or r.get("plan")
        node.relisting_of = node.relisting_of or r.get("relistingOf")
        node.priority = node.priority or r.get("priority") == "true"
        node.new = node.new or r.get("new") == "true"
        if "parent" in r and node.parent is None:
            node.parent = r["parent"]
    if not nodes and kind != "city":
        raise ReportError("not_found", f"<{iri}> has no plan elements")

    for r in run_select(_q(Q_UNITS, scope), this):
        node = nodes.get(r["x"])
        role = "responsible" if r["rel"] == MPLAN + "responsibleUnit" else "related"
        if node and not any(u.iri == r["unit"] and u.role == role for u in node.units):
            node.units.append(Unit(r["unit"], r.get("labelJa") or _local(r["unit"]), role,
                                   derived.get(r["unit"], [])))

    indicators: dict[tuple[str, str], Indicator] = {}
    observations: dict[tuple[str, str], Observation] = {}
    for r in run_select(_q(Q_INDICATORS, scope), this):
        node = nodes.get(r["x"])
        if node is None:
            continue
        key = (r["x"], r["ind"])
        ind = indicators.get(key)
        if ind is None:
            ind = indicators[key] = Indicator(r["ind"], INDICATOR_KINDS.get(r.get("indType", ""), "indicator"),
                                              r.get("labelJa") or _local(r["ind"]), passages=derived.get(r["ind"], []))
            node.indicators.append(ind)
        if ind.kind == "indicator" and "indType" in r:
            ind.kind = INDICATOR_KINDS.get(r["indType"], "indicator")
        ind.label_en = ind.label_en or r.get("labelEn")
        ind.number = ind.number or r.get("number")
        ind.unit = ind.unit or r.get("unitLabel")
        ind.survey = ind.survey or r.get("survey")
        if "obs" not in r:
            continue
        okey = (r["x"], r["obs"])
        if okey in observations:
            continue
        year = _year(r.get("start"))
        obs = Observation(r["obs"], _local(r["role"]), year=year, fiscal="fy" in r or year is None,
                          value=_decimal(r.get("value")), printed=r.get("printed"), status=r.get("statusLabel"),
                          trend=r.get("trend"), note=r.get("note"), passages=derived.get(r["obs"], []))
        data_year = _year(r.get("dataStart"))
        if data_year is not None:
            obs.data_period = f"{data_year}年度" if "dataFy" in r else f"{data_year}年"
        observations[okey] = obs
        ind.observations.append(obs)
    for ind in indicators.values():
        ind.observations.sort(key=lambda o: (ROLE_ORDER.index(o.role) if o.role in ROLE_ORDER else 99,
                                             o.year or 0, o.iri))
        ind.chart = indicator_chart(ind)

    for r in run_select(_q(Q_BUDGETS, scope), this):
        node = nodes.get(r["x"])
        if node and not any(b.iri == r["obs"] for b in node.budgets):
            node.budgets.append(Budget(r["obs"], r.get("fy"), _decimal(r.get("budget")),
                                       _decimal(r.get("settlement")), r.get("unitLabel"), derived.get(r["obs"], [])))
    for node in nodes.values():
        node.budgets.sort(key=lambda b: b.fiscal_year or "")

    for r in run_select(_q(Q_CONTRIBUTORS, scope), this):
        node = nodes.get(r["x"])
        if node and not any(c.iri == r["c"] for c in node.contributors):
            node.contributors.append(_cross(r, "c", "cPlan", derived))
    for r in run_select(_q(Q_ALSO_MEASURES, scope), this):
        ind = indicators.get((r["x"], r["ind"]))
        if ind is None:
            continue
        known = next((c for c in ind.also_measures if c.iri == r["y"]), None)
        if known is None:
            ind.also_measures.append(_cross(r, "y", "yPlan", derived))
        elif known.link is None and "link" in r:  # solutions come in no set order: keep the one with the link
            ind.also_measures[ind.also_measures.index(known)] = _cross(r, "y", "yPlan", derived)

    # the tree: children in the order of their first source line
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
        _set_depth(top, 0 if kind == "city" else 0)
    return Report(iri, kind, label, label_en, ancestors, sections, base)


def _cross(r: dict[str, str], var: str, plan_var: str, derived: dict[str, list[Passage]]) -> CrossLink:
    plan = r[plan_var]
    return CrossLink(r[var], r.get("labelJa") or _local(r[var]), plan, r.get(plan_var + "Label") or _local(plan),
                     number=r.get("number"), link=r.get("link"), confidence=r.get("confidence"),
                     comment=r.get("comment"), passages=derived.get(r[var], []),
                     evidence=derived.get(r["link"], []) if "link" in r else [])


def _set_depth(node: Node, depth: int) -> None:
    node.depth = depth
    for child in node.children:
        _set_depth(child, depth + 1)


# --------------------------------------------------------------------------- the chart

SERIES_STYLE = {  # colour, dash, marker shape: told apart without colour too
    "baseline": ("#6b6b6b", "", "square"),
    "previous": ("#7b3fa0", "2 3", "triangle"),
    "current": ("#1b7f3b", "", "circle"),
    "expected": ("#1f5fbf", "6 4", "circle"),
    "actual": ("#c0392b", "", "circle"),
    "target": ("#b8860b", "", "diamond"),
}


def _nice_step(span: float) -> float:
    raw = span / 4 if span > 0 else 1
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _fmt_tick(v: float, step: float) -> str:
    decimals = next((d for d in range(5) if abs(round(step, d) - step) < 1e-9), 4)
    return f"{v:,.{decimals}f}"


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "diamond":
        return (f'<path d="M{x:.1f} {y - 6:.1f} L{x + 6:.1f} {y:.1f} L{x:.1f} {y + 6:.1f} L{x - 6:.1f} {y:.1f} Z" '
                f'fill="{colour}"/>')
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}" stroke="#fff" stroke-width="1"/>'


def indicator_chart(ind: Indicator) -> str:
    """An inline SVG line chart of the indicator's numeric values by year ('' if none can be drawn).

    Each role is a series (legend with its name), every point carries its value as text, and
    ``<title>``/``<desc>`` give the same content to assistive technology."""
    points = [o for o in ind.observations if o.value is not None and o.year is not None]
    if not points:
        return ""
    cid = "c-" + re.sub(r"[^A-Za-z0-9]+", "-", ind.iri.split("/id/", 1)[-1])[-80:]
    width, height = 720, 300
    left, right, top, bottom = 72, 24, 58, 44
    inset = 34  # keeps the first and last value labels clear of the axis and the edge
    pw, ph = width - left - right, height - top - bottom
    years = sorted({o.year for o in points})
    y0, y1 = years[0], years[-1]
    span_years = max(1, y1 - y0)

    def sx(year: int) -> float:
        return left + (pw / 2 if y0 == y1 else inset + (year - y0) / span_years * (pw - 2 * inset))

    values = [float(o.value) for o in points]
    lo, hi = min(values), max(values)
    if lo >= 0 and lo <= 0.5 * hi:
        lo = 0.0
    span = hi - lo or abs(hi) or 1.0
    step = _nice_step(span * 1.1)
    lo_t = math.floor((lo - (0 if lo == 0 else span * 0.05)) / step) * step
    hi_t = math.ceil((hi + span * 0.08) / step) * step
    if hi_t <= lo_t:
        hi_t = lo_t + step

    def sy(v: float) -> float:
        return top + ph - (v - lo_t) / (hi_t - lo_t) * ph

    unit = ind.unit or ""
    fiscal = all(o.fiscal for o in points)
    roles = [r for r in ROLE_ORDER if any(o.role == r for o in points)]
    roles += sorted({o.role for o in points} - set(roles))
    desc_parts = []
    for role in roles:
        vals = [f"{o.period_text} {fmt_number(o.value)}{unit}" for o in points if o.role == role]
        desc_parts.append(f"{ROLE_LABELS.get(role, role)}（{ROLE_EN.get(role, role)}）: " + "、".join(vals))
    title = f"{ind.label}（{'・'.join(ROLE_LABELS.get(r, r) for r in roles)}の推移、単位: {unit or 'なし'}）"
    desc = "。".join(desc_parts) + "。"

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" aria-labelledby="{cid}-t {cid}-d">',
           f'<title id="{cid}-t">{xml_escape(title)}</title>',
           f'<desc id="{cid}-d">{xml_escape(desc)}</desc>',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>']
    # grid and y axis
    n_ticks = int(round((hi_t - lo_t) / step))
    for i in range(n_ticks + 1):
        v = lo_t + i * step
        y = sy(v)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" '
                   f'stroke="{"#999" if abs(v) < step / 1e6 else "#e3e3e3"}" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_fmt_tick(v, step)}</text>')
    out.append(f'<text x="{left - 6}" y="{top - 10}" text-anchor="end" class="axis">{xml_escape(unit)}</text>')
    # x axis
    out.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#666"/>')
    for year in years:
        x = sx(year)
        out.append(f'<line x1="{x:.1f}" y1="{top + ph}" x2="{x:.1f}" y2="{top + ph + 4}" stroke="#666"/>')
        out.append(f'<text x="{x:.1f}" y="{top + ph + 18}" text-anchor="middle" class="tick">'
                   f'{year}{"年度" if fiscal else ""}</text>')
    # legend
    lx = left
    for role in roles:
        colour, dash, shape = SERIES_STYLE.get(role, ("#333", "", "circle"))
        name = f"{ROLE_LABELS.get(role, role)} {ROLE_EN.get(role, role)}"
        out.append(f'<g class="legend" data-role="{role}">'
                   f'<line x1="{lx}" y1="{16}" x2="{lx + 22}" y2="{16}" stroke="{colour}" stroke-width="2"'
                   f'{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}/>'
                   + _marker(shape, lx + 11, 16, colour)
                   + f'<text x="{lx + 28}" y="{20}" class="legend-text">{xml_escape(name)}</text></g>')
        lx += 28 + 13 * len(name) * 0.62 + 18
    # series
    labels: list[dict] = []
    for role in roles:
        colour, dash, shape = SERIES_STYLE.get(role, ("#333", "", "circle"))
        pts = sorted((o for o in points if o.role == role), key=lambda o: o.year)
        group = [f'<g class="series" data-role="{role}">']
        if len(pts) > 1:
            path = " ".join(f"{sx(o.year):.1f},{sy(float(o.value)):.1f}" for o in pts)
            group.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"'
                         f'{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}/>')
        for o in pts:
            x, y = sx(o.year), sy(float(o.value))
            group.append(_marker(shape, x, y, colour))
            # the period the value refers to, when printed and not the column's own year
            other = o.data_period and not o.data_period.startswith(str(o.year))
            text = fmt_number(o.value) + (f"（{o.data_period}）" if other else "")
            labels.append({"x": x, "y": y - 10, "text": text, "colour": colour, "role": role})
        group.append("</g>")
        out.extend(group)
    # value labels centred above their point; labels of one year pushed apart so none overlap
    by_x: dict[float, list[dict]] = defaultdict(list)
    for lab in labels:
        by_x[round(lab["x"], 1)].append(lab)
    for x, group in by_x.items():
        group.sort(key=lambda lab: lab["y"])
        for a, b in zip(group, group[1:]):
            if b["y"] - a["y"] < 15:
                b["y"] = a["y"] + 15
        overflow = group[-1]["y"] - (top + ph - 4)
        if overflow > 0:  # pushed below the plot: shift the stack up
            for lab in group:
                lab["y"] -= overflow
    for lab in labels:
        out.append(f'<text x="{lab["x"]:.1f}" y="{lab["y"]:.1f}" text-anchor="middle" class="value" '
                   f'fill="{lab["colour"]}" data-role="{lab["role"]}">{xml_escape(lab["text"])}</text>')
    out.append("</svg>")
    return "\n".join(out)


# --------------------------------------------------------------------------- HTML

_env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)


def quoted_passages(*groups: list[Passage]) -> list[Passage]:
    """The passages to quote for a block: the largest first; a passage whose lines are all in a
    passage already quoted (same document) is not quoted again, only cited by its line numbers."""
    seen: dict[str | None, set[int]] = defaultdict(set)
    out = []
    candidates = {p.iri: p for ps in groups for p in ps}.values()
    for p in sorted(candidates, key=lambda p: (-len(p.line_set), p.sort_key)):
        if p.line_set and p.line_set <= seen[p.doc]:
            continue
        seen[p.doc] |= p.line_set
        out.append(p)
    out.sort(key=lambda p: p.sort_key)
    return out


def budget_totals(nodes: list[Node]) -> dict[str, Any]:
    """Sum of budget and settlement over the listed figures (computed, not printed)."""
    figures = [b for n in nodes for b in n.budgets if b.budget is not None and b.settlement is not None]
    if not figures:
        return {}
    total = Budget("", None, sum(b.budget for b in figures), sum(b.settlement for b in figures), figures[0].unit)
    return {"budget": total.budget, "settlement": total.settlement, "rate": total.rate, "count": len(figures)}


def render_html(report: Report, root: str = "/", csv_href: str | None = None) -> str:
    base = report.base
    sections = []
    for top in report.sections:
        nodes = list(top.walk())
        projects = [n for n in nodes if n.budgets]
        sections.append({"top": top, "nodes": nodes, "projects": projects, "totals": budget_totals(projects),
                         "indicator_count": sum(len(n.indicators) for n in nodes)})
    return _env.get_template("report.html").render(
        report=report, sections=sections, root=root, csv_href=csv_href,
        href=lambda iri: local_href(iri, base, root), fmt=fmt_number, kind_label=KIND_LABELS.get,
        role_label=lambda r: ROLE_LABELS.get(r, r), quoted=quoted_passages,
        title=f"監査証跡レポート: {report.label}",
    )


# --------------------------------------------------------------------------- CSV

CSV_COLUMNS = ("level", "kind", "iri", "label", "parent_iri", "department", "indicator", "role", "period",
               "value", "unit", "budget", "settlement", "execution_rate", "document", "lines", "quote")


def _evidence(passages: list[Passage]) -> dict[str, str]:
    return {"document": "; ".join(p.doc_title or p.doc or "" for p in passages),
            "lines": "; ".join(p.lines_text for p in passages),
            "quote": "\n\n".join(p.exact for p in passages)}


def csv_rows(report: Report) -> list[dict[str, str]]:
    """One row per item: plan/element, department, indicator, observation, budget figure, contributor."""
    rows: list[dict[str, str]] = []

    def add(**values: Any) -> None:
        rows.append({c: "" if values.get(c) is None else str(values.get(c)) for c in CSV_COLUMNS})

    for node in report.nodes():
        dept = "; ".join(u.label for u in node.units if u.role == "responsible")
        add(level=node.depth, kind=node.kind, iri=node.iri, label=node.title, parent_iri=node.parent,
            department=dept, **_evidence(node.passages))
        for u in node.units:
            add(level=node.depth + 1, kind="department" if u.role == "responsible" else "related-unit", iri=u.iri,
                label=u.label, parent_iri=node.iri, department=u.label, role=u.role, **_evidence(u.passages))
        for ind in node.indicators:
            add(level=node.depth + 1, kind=ind.kind, iri=ind.iri, label=ind.label, parent_iri=node.iri,
                department=dept, indicator=ind.label, unit=ind.unit, **_evidence(ind.passages))
            for o in ind.observations:
                name = f"{ind.label} {ROLE_LABELS.get(o.role, o.role)} {o.period_text}".strip()
                add(level=node.depth + 2, kind="observation", iri=o.iri, label=name,
                    parent_iri=ind.iri, department=dept, indicator=ind.label, role=o.role, period=o.period_text,
                    value=o.value if o.value is not None else o.printed, unit=ind.unit, **_evidence(o.passages))
            for c in ind.also_measures:
                add(level=node.depth + 2, kind="also-measures", iri=c.iri, label=c.label, parent_iri=ind.iri,
                    indicator=ind.label, role="measures", value=c.confidence, **_evidence(c.evidence or c.passages))
        for b in node.budgets:
            add(level=node.depth + 1, kind="budget", iri=b.iri, label=f"{node.label} {b.fiscal_year}年度 予算・決算",
                parent_iri=node.iri, department=dept, period=f"{b.fiscal_year}年度" if b.fiscal_year else "",
                unit=b.unit, budget=b.budget, settlement=b.settlement, execution_rate=b.rate, **_evidence(b.passages))
        for c in node.contributors:
            add(level=node.depth + 1, kind="contributor", iri=c.iri, label=c.label, parent_iri=node.iri,
                role="serves", value=c.confidence, **_evidence(c.evidence or c.passages))
    return rows


def render_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(csv_rows(report))
    return buffer.getvalue()
