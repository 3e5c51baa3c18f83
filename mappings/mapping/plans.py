"""Plans and plan elements (vision, goals, policies, initiatives, measures, projects) → RDF.

Budgets of projects become RDF Data Cube observations here too, since they are
stated on the project's record.
"""

from __future__ import annotations
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD
from mappings.mapping.context import MappingContext, date_literal, decimal_literal, en, ja
from mappings.vocabulary import CODE, MPLAN, QB, SDMX_DIMENSION
from mappings.records.schema import Element, Plan
from mappings.records.files import Loaded, RecordSet

ELEMENT_CLASSES = {
    "vision": MPLAN.Vision, "principle": MPLAN.BasicPrinciple, "goal": MPLAN.BasicGoal,
    "policy": MPLAN.Policy, "initiative": MPLAN.Initiative, "measure": MPLAN.Measure,
    "action": MPLAN.Action, "project": MPLAN.Project, "role": MPLAN.ActorRole,
}

# record field → property, for the element's texts
ELEMENT_TEXTS = {
    "text": DCTERMS.description, "basic_policy": MPLAN.basicPolicy, "aimed_state": MPLAN.aimedState,
    "assessment": MPLAN.assessment, "direction": MPLAN.direction, "purpose": MPLAN.purpose,
    "results": MPLAN.results,
}
PLAN_LINKS = {
    "positioned_under_ref": MPLAN.positionedUnder, "based_on_ref": MPLAN.basedOn,
    "previous_ref": DCTERMS.replaces, "evaluates_ref": MPLAN.evaluates,
}


def map_plans(ctx: MappingContext, records: RecordSet) -> None:
    for loaded in records.of("plans"):
        _map_plan(ctx, loaded)
    for loaded in records.of("elements"):
        _map_element(ctx, loaded)


def _map_plan(ctx: MappingContext, loaded: Loaded) -> None:
    plan: Plan = loaded.record  # type: ignore[assignment]
    g = ctx.graph(loaded.document)
    iri = ctx.define(ctx.plan(plan.id))
    g.add((iri, RDF.type, MPLAN.Plan))
    g.add((iri, RDF.type, PROV.Plan))  # PROV-O: an entity setting out steps to achieve goals
    g.add((iri, RDF.type, PROV.Entity))
    g.add((iri, DCTERMS.title, ja(plan.title)))
    g.add((iri, DCTERMS.title, en(plan.title_en)))
    ctx.label(g, iri, plan.title)
    ctx.label(g, iri, plan.title_en, "en")
    g.add((iri, MPLAN.planKind, CODE[f"plan-kind/{plan.kind}"]))
    for alias in plan.alias:
        g.add((iri, SKOS.altLabel, ja(alias)))
    if plan.city:
        g.add((iri, DCTERMS.publisher, ctx.refer(ctx.city(plan.city), plan.city, loaded)))
        g.add((iri, DCTERMS.spatial, ctx.city(plan.city)))
    if plan.publisher:
        g.add((iri, MPLAN.publisherAsPrinted, ja(plan.publisher)))
    if plan.adopted:
        g.add((iri, MPLAN.adopted, date_literal(plan.adopted)))
    if plan.period_start:
        g.add((iri, MPLAN.firstFiscalYear, Literal(plan.period_start, datatype=XSD.gYear)))
    if plan.period_end:
        g.add((iri, MPLAN.lastFiscalYear, Literal(plan.period_end, datatype=XSD.gYear)))
    if plan.period_start and plan.period_end:
        g.add((iri, DCTERMS.temporal, ctx.interval(f"{plan.period_start}-04-01", f"{int(plan.period_end) + 1}-03-31")))
    if plan.description:
        g.add((iri, DCTERMS.description, ja(plan.description)))
    for field, prop in PLAN_LINKS.items():
        ref = getattr(plan, field)
        if ref:
            g.add((iri, prop, ctx.refer(ctx.plan(ref), ref, loaded)))
    for ref in plan.related_plan_refs:
        g.add((iri, DCTERMS.relation, ctx.refer(ctx.plan(ref), ref, loaded)))
    ctx.derive(g, iri, loaded)


def _map_element(ctx: MappingContext, loaded: Loaded) -> None:
    el: Element = loaded.record  # type: ignore[assignment]
    g = ctx.graph(loaded.document)
    iri = ctx.define(ctx.element(el.plan, el.id))
    plan = ctx.refer(ctx.plan(el.plan), el.plan, loaded)
    g.add((iri, RDF.type, ELEMENT_CLASSES[el.kind]))
    g.add((iri, RDF.type, MPLAN.PlanElement))
    g.add((iri, MPLAN.inPlan, plan))
    g.add((iri, MPLAN.elementKind, CODE[f"element-kind/{el.kind}"]))
    ctx.label(g, iri, el.label)
    if el.label_en:
        ctx.label(g, iri, el.label_en, "en")
    if el.number:
        g.add((iri, MPLAN.displayNumber, Literal(el.number.strip())))
    parent = ctx.refer(ctx.element(el.plan, el.parent_ref), el.parent_ref, loaded) if el.parent_ref else plan
    # the structure as stated: the direct parent (mplan:parent ⊑ dct:isPartOf) and both DCMI directions;
    # the closure is mplan:partOfTransitive, materialised by inference (mappings/build/inference.py)
    g.add((iri, MPLAN.parent, parent))
    g.add((iri, DCTERMS.isPartOf, parent))
    g.add((parent, DCTERMS.hasPart, iri))
    for field, prop in ELEMENT_TEXTS.items():
        value = getattr(el, field)
        if value:
            g.add((iri, prop, ja(value)))
    for text in el.achievements:
        g.add((iri, MPLAN.achievement, ja(text)))
    for text in el.issues:
        g.add((iri, MPLAN.currentIssue, ja(text)))
    if "priority" in el.flags:
        g.add((iri, MPLAN.isPriority, Literal(True)))
    if "new" in el.flags:
        g.add((iri, MPLAN.isNew, Literal(True)))
    if "relisted" in el.flags or el.relisted_from_ref:
        g.add((iri, MPLAN.isRelisting, Literal(True)))
    if el.relisted_from_ref:
        main = ctx.refer(ctx.element(el.plan, el.relisted_from_ref), el.relisted_from_ref, loaded)
        g.add((iri, MPLAN.relistingOf, main))
        g.add((main, MPLAN.relistedUnder, parent))
    for ref in el.serves_refs:
        g.add((iri, MPLAN.serves, ctx.refer(ctx.element(el.plan, ref), ref, loaded)))
    for ref in el.related_plan_refs:
        g.add((iri, DCTERMS.relation, ctx.refer(ctx.plan(ref), ref, loaded)))
    for ref in el.responsible_refs:
        g.add((iri, MPLAN.responsibleUnit, ctx.refer(ctx.actor(ref), ref, loaded)))
    for ref in el.related_refs:
        g.add((iri, MPLAN.relatedUnit, ctx.refer(ctx.org(ref), ref, loaded)))
    ctx.derive(g, iri, loaded)
    for figure in el.budget:
        _map_budget(ctx, loaded, iri, figure)


def _map_budget(ctx: MappingContext, loaded: Loaded, project: URIRef, figure) -> None:
    """A project's budget and settlement for a fiscal year: one observation with both measures
    (mplan:BudgetStructure), in yen with the printed multiplier (千円: unitMult 3)."""
    from mappings.mapping.datacube import add_area, add_unit

    el: Element = loaded.record  # type: ignore[assignment]
    g = ctx.graph(loaded.document)
    dataset = ctx.declare_dataset(g, ctx.iri("plan", el.plan, "budgets"), MPLAN.BudgetStructure,
                                  f"{el.plan} 事業費", f"Budgets and settlements of {el.plan}", loaded.document)
    obs = ctx.define(ctx.iri("plan", el.plan, el.id, "budget", f"fy{figure.fiscal_year}"))
    g.add((obs, RDF.type, QB.Observation))
    g.add((obs, QB.dataSet, dataset))
    g.add((obs, MPLAN.project, project))
    g.add((obs, SDMX_DIMENSION.refPeriod, ctx.period(fiscal_year=figure.fiscal_year)))
    add_area(ctx, g, obs, loaded.document)
    if figure.budget is None or figure.settlement is None:  # IC-14: every measure on every observation
        raise ValueError(f"{loaded.where}: a budget figure needs both budget and settlement")
    g.add((obs, MPLAN.budgetAmount, decimal_literal(figure.budget)))
    g.add((obs, MPLAN.settlementAmount, decimal_literal(figure.settlement)))
    add_unit(ctx, g, obs, figure.unit)
    ctx.derive(g, obs, loaded, figure.lines)
