"""Policy areas (data/linkage/policy-areas.yaml) → a SKOS scheme, the areas of every plan element, SDG alignments.

The file holds a concept scheme of policy areas, each aligned to UN SDG goals or targets with a
reason, and a classification of plan elements (or whole plans) into areas. An element without an
entry takes the areas of its nearest classified ancestor (``parent_ref`` chain), else those of its
plan's entry; every element must end up with at least one area, or the mapping fails naming it.

RDF (new terms, for the ontology: ``mplan:policyArea``, ``mplan:sdgAlignment``, ``mplan:SdgAlignment``,
``mplan:sdgTarget``, ``mplan:sdgGoal``):

- scheme ``code:policy-area`` (``https://plankg.org/def/code/policy-area``): ``skos:ConceptScheme``,
  ``skos:prefLabel``/``skos:definition`` @ja @en;
- area ``code:policy-area/<slug>``: ``skos:Concept``, ``skos:inScheme`` and ``skos:topConceptOf`` the
  scheme, ``skos:prefLabel`` @ja @en, ``skos:definition`` @ja @en, ``skos:notation`` slug;
- SDG alignment, chosen design: the plain ``skos:relatedMatch <http://metadata.un.org/sdg/N.M>`` on
  the concept (a SKOS mapping across schemes, for simple patterns) *and* a qualified node carrying
  the reason: ``mplan:sdgAlignment <concept/sdg/N.M>``, a ``mplan:SdgAlignment`` with
  ``mplan:sdgTarget`` (the goal or target IRI), ``mplan:sdgGoal`` (its goal IRI) and ``rdfs:comment``
  (the reason, @en, and @ja when given). An element more specific than its areas gets the same
  qualified node ``<element>/sdg/N.M`` and the plain ``dct:subject <http://metadata.un.org/sdg/N.M>`` (no
  relatedMatch: an element is not a concept);
- SDG goal IRIs get ``rdfs:label`` @ja @en and ``skos:notation``;
- ``element mplan:policyArea concept`` (also on a classified plan): the explicit entries in
  ``{base}graph/linkage``; the inherited ones in ``{base}graph/inferred/policy-area-inherited``, a
  ``mplan:InferredGraph`` named by ``mplan:inferenceRule "policy-area-inherited"`` with its
  ``mplan:ruleQuery`` in ``{base}graph/inferred``, as mappings.build.inference does for its rules.

Concepts, alignments and SDG labels go into ``{base}graph/linkage``.
"""

from __future__ import annotations
import re
from dataclasses import dataclass, field
from pathlib import Path
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from mappings.mapping.context import MappingContext, en, ja
from mappings.vocabulary import CODE, MPLAN
from mappings.records.schema import RecordError
from mappings.records.files import RecordSet, load_yaml, strip_lines

SCHEME = URIRef(str(CODE) + "policy-area")
SDG = "http://metadata.un.org/sdg/"
RULE = "policy-area-inherited"
RULE_LABEL = "an element without its own policy area takes those of its nearest classified ancestor (or plan)"
SDG_TARGET = re.compile(r"^(1[0-7]|[1-9])(\.([0-9]{1,2}|[a-z]))?$")
FILE = Path("linkage") / "policy-areas.yaml"

# The rule as SPARQL over the asserted graphs (documentation, and checked against the Python in tests).
RULE_QUERY = """CONSTRUCT {{ ?x mplan:policyArea ?area }} WHERE {{
  ?x a mplan:PlanElement .
  FILTER NOT EXISTS {{ GRAPH <{linkage}> {{ ?x mplan:policyArea ?own }} }}
  ?x mplan:parent+ ?ancestor .
  GRAPH <{linkage}> {{ ?ancestor mplan:policyArea ?area }}
  FILTER NOT EXISTS {{ ?x mplan:parent+ ?nearer . ?nearer mplan:parent+ ?ancestor .
                      GRAPH <{linkage}> {{ ?nearer mplan:policyArea ?other }} }}
}}"""


def area_iri(slug: str) -> URIRef:
    return URIRef(f"{SCHEME}/{slug}")


def sdg_iri(target: str) -> URIRef:
    return URIRef(SDG + target)


@dataclass
class Alignment:
    target: str
    reason_en: str
    reason_ja: str | None = None


@dataclass
class Area:
    slug: str
    label_ja: str
    label_en: str
    definition_ja: str
    definition_en: str
    sdg: list[Alignment] = field(default_factory=list)


@dataclass
class Entry:
    ref: str                     # element:PLAN/ID or plan:ID
    areas: list[str]
    sdg: list[Alignment] = field(default_factory=list)
    line: int = 0


@dataclass
class PolicyAreas:
    path: Path
    scheme: dict
    goals: dict[str, tuple[str, str]]
    areas: dict[str, Area]
    entries: list[Entry]


def _alignments(raw: list, where: str) -> list[Alignment]:
    out = []
    for item in raw or []:
        item = strip_lines(item)
        target = str(item.get("target", ""))
        if not SDG_TARGET.match(target) or not item.get("reason_en"):
            raise RecordError(f"{where}: an SDG alignment needs target N or N.M (goal 1-17) and reason_en, got {item}")
        out.append(Alignment(target, item["reason_en"], item.get("reason_ja")))
    return out


def load_policy_areas(path: Path) -> PolicyAreas:
    """The scheme, areas and classification of ``path``; RecordError names the line at fault."""
    raw = load_yaml(path)
    if not isinstance(raw, dict) or not {"scheme", "areas", "classification", "sdg_goals"} <= raw.keys():
        raise RecordError(f"{path}: a mapping with scheme, sdg_goals, areas and classification")
    goals = {str(k): (v[0], v[1]) for k, v in strip_lines(raw["sdg_goals"]).items()}
    areas: dict[str, Area] = {}
    for item in raw["areas"]:
        where = f"{path}:{item.get('__line__', '?')}"
        keys = {"slug", "label_ja", "label_en", "definition_ja", "definition_en", "sdg", "__line__"}
        if set(item) - keys or not re.fullmatch(r"[a-z0-9-]+", str(item.get("slug", ""))):
            raise RecordError(f"{where}: an area has slug, label_ja/en, definition_ja/en, sdg; got {sorted(item)}")
        if item["slug"] in areas:
            raise RecordError(f"{where}: duplicate area '{item['slug']}'")
        areas[item["slug"]] = Area(item["slug"], item["label_ja"], item["label_en"], item["definition_ja"],
                                   item["definition_en"], _alignments(item.get("sdg"), where))
    entries, seen = [], set()
    for item in raw["classification"]:
        where = f"{path}:{item.get('__line__', '?')}"
        ref = str(item.get("ref", ""))
        if not re.fullmatch(r"(element:[a-z0-9-]+/[a-z0-9-]+|plan:[a-z0-9-]+)", ref):
            raise RecordError(f"{where}: ref must be element:PLAN/ID or plan:ID, got {ref!r}")
        if ref in seen:
            raise RecordError(f"{where}: '{ref}' is classified twice")
        seen.add(ref)
        unknown = [a for a in item.get("areas") or [] if a not in areas]
        if not item.get("areas") or unknown:
            raise RecordError(f"{where}: '{ref}' needs areas of the scheme (unknown: {unknown})")
        entries.append(Entry(ref, list(item["areas"]), _alignments(item.get("sdg"), where), item["__line__"]))
    return PolicyAreas(path, strip_lines(raw["scheme"]), goals, areas, entries)


def element_parents(records: RecordSet) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """(plan, id) of every element → the (plan, id) of its parents (several documents may state it)."""
    parents: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for loaded in records.of("elements"):
        el = loaded.record
        key = (el.plan, el.id)  # type: ignore[attr-defined]
        parents.setdefault(key, set())
        ref = el.parent_ref  # type: ignore[attr-defined]
        if ref:
            plan, _, local = ref.rpartition("/")
            parents[key].add((plan or el.plan, local))  # type: ignore[attr-defined]
    return parents


def resolve_areas(pa: PolicyAreas, records: RecordSet) -> tuple[dict, dict, dict]:
    """(explicit, inherited, plan_defaults): element (plan, id) → area slugs; unclassified → RecordError."""
    parents = element_parents(records)
    explicit: dict[tuple[str, str], list[str]] = {}
    plan_defaults: dict[str, list[str]] = {}
    plan_ids = {r.record.id for r in records.of("plans")}
    for entry in pa.entries:
        kind, _, value = entry.ref.partition(":")
        if kind == "plan":
            if value not in plan_ids:
                raise RecordError(f"{pa.path}:{entry.line}: '{entry.ref}' names no plan")
            plan_defaults[value] = entry.areas
        else:
            key = tuple(value.split("/", 1))
            if key not in parents:
                raise RecordError(f"{pa.path}:{entry.line}: '{entry.ref}' names no element")
            explicit[key] = entry.areas  # type: ignore[index]

    memo: dict[tuple[str, str], list[str]] = {}

    def inherited(key: tuple[str, str], trail: tuple = ()) -> list[str]:
        if key in explicit:
            return explicit[key]
        if key in memo:
            return memo[key]
        if key in trail:
            raise RecordError(f"elements {trail} form a parent cycle")
        found: list[str] = []
        for parent in sorted(parents.get(key, ())):
            found += [a for a in inherited(parent, trail + (key,)) if a not in found]
        if not found and not parents.get(key):
            found = list(plan_defaults.get(key[0], []))
        memo[key] = found
        return found

    result = {key: inherited(key) for key in parents if key not in explicit}
    missing = sorted(f"{p}/{i}" for (p, i), areas in result.items() if not areas)
    if missing:
        raise RecordError(f"{pa.path}: elements with no policy area (classify them or an ancestor): {', '.join(missing[:30])}")
    return explicit, result, plan_defaults


def _align(g, subject: URIRef, node: URIRef, alignment: Alignment) -> None:
    goal = alignment.target.split(".")[0]
    g.add((subject, MPLAN.sdgAlignment, node))
    g.add((node, RDF.type, MPLAN.SdgAlignment))
    g.add((node, MPLAN.sdgTarget, sdg_iri(alignment.target)))
    g.add((node, MPLAN.sdgGoal, sdg_iri(goal)))
    g.add((node, RDFS.comment, en(alignment.reason_en)))
    if alignment.reason_ja:
        g.add((node, RDFS.comment, ja(alignment.reason_ja)))


def map_policy_areas(ctx: MappingContext, records: RecordSet, areas_path: Path) -> dict[str, int]:
    """Map the scheme and the classification of ``records``' elements; returns counts
    (explicit, inherited, elements)."""
    pa = load_policy_areas(areas_path)
    explicit, inherited, plan_defaults = resolve_areas(pa, records)

    g = ctx.graph("linkage")
    g.add((SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((SCHEME, SKOS.prefLabel, ja(pa.scheme["label_ja"])))
    g.add((SCHEME, SKOS.prefLabel, en(pa.scheme["label_en"])))
    g.add((SCHEME, SKOS.definition, ja(pa.scheme["definition_ja"])))
    g.add((SCHEME, SKOS.definition, en(pa.scheme["definition_en"])))
    for number, (label_ja, label_en) in pa.goals.items():
        goal = sdg_iri(number)
        g.add((goal, RDFS.label, Literal(label_ja, lang="ja")))
        g.add((goal, RDFS.label, Literal(label_en, lang="en")))
        g.add((goal, SKOS.notation, Literal(number)))
    for area in pa.areas.values():
        iri = area_iri(area.slug)
        ctx.define(iri)
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.inScheme, SCHEME))
        g.add((iri, SKOS.topConceptOf, SCHEME))
        g.add((SCHEME, SKOS.hasTopConcept, iri))
        g.add((iri, SKOS.notation, Literal(area.slug)))
        g.add((iri, SKOS.prefLabel, ja(area.label_ja)))
        g.add((iri, SKOS.prefLabel, en(area.label_en)))
        g.add((iri, SKOS.definition, ja(area.definition_ja)))
        g.add((iri, SKOS.definition, en(area.definition_en)))
        for alignment in area.sdg:
            g.add((iri, SKOS.relatedMatch, sdg_iri(alignment.target)))
            _align(g, iri, URIRef(f"{iri}/sdg/{alignment.target}"), alignment)

    def element_iri(key: tuple[str, str]) -> URIRef:
        iri = ctx.element(*key)
        if iri not in ctx.defined:
            raise RecordError(f"{pa.path}: element {key[0]}/{key[1]} is not mapped")
        return iri

    for plan, areas in plan_defaults.items():
        for slug in areas:
            g.add((ctx.plan(plan), MPLAN.policyArea, area_iri(slug)))
    for key, areas in explicit.items():
        for slug in areas:
            g.add((element_iri(key), MPLAN.policyArea, area_iri(slug)))
    for entry in pa.entries:
        if entry.sdg:
            subject = ctx.plan(entry.ref[5:]) if entry.ref.startswith("plan:") else ctx.element(*entry.ref[8:].split("/", 1))
            for alignment in entry.sdg:
                # the plain statement a cold query asks, beside the qualified node with the reason
                g.add((subject, DCTERMS.subject, sdg_iri(alignment.target)))
                _align(g, subject, URIRef(f"{subject}/sdg/{alignment.target}"), alignment)

    rule_graph = ctx.graph(f"inferred/{RULE}")
    for key, areas in inherited.items():
        for slug in areas:
            rule_graph.add((element_iri(key), MPLAN.policyArea, area_iri(slug)))
    meta = ctx.graph("inferred")
    rule_iri = ctx.graph_iri(f"inferred/{RULE}")
    meta.add((rule_iri, RDF.type, MPLAN.InferredGraph))
    meta.add((rule_iri, MPLAN.inferenceRule, Literal(RULE)))
    meta.add((rule_iri, RDFS.label, Literal(RULE_LABEL, lang="en")))
    meta.add((rule_iri, MPLAN.ruleQuery, Literal(rule_query(ctx))))
    return {"explicit": len(explicit), "inherited": len(inherited), "elements": len(explicit) + len(inherited)}


def rule_query(ctx: MappingContext) -> str:
    """The inheritance rule as a SPARQL CONSTRUCT over the graphs of ``ctx`` (prefix mplan: assumed)."""
    return RULE_QUERY.format(linkage=ctx.graph_iri("linkage"))
