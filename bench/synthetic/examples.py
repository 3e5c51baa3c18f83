"""Ids and values of synthetic municipality 0 that stand in for the real ones of the named queries'
examples (bench.named_cases.REAL_TO_SYNTHETIC), read from its records."""

from __future__ import annotations
import calendar
from typing import Any
from mappings.records.normalize import clean_label
from bench.synthetic.municipality import Municipality

PLAN_IRI = "https://plankg.org/id/plan/"


def examples(m: Municipality, areas: dict[str, Any]) -> dict[str, Any]:
    """Ids and values of municipality 0, read from its records, that stand in for the real ones of the
    named queries' examples (bench.named_cases.REAL_TO_SYNTHETIC): each answers its query. Labels as the mapping
    writes them (``clean_label``), since the queries match them as terms."""
    recs: dict[str, list[dict[str, Any]]] = {}
    for by_kind in m.records.values():
        for kind, records in by_kind.items():
            recs.setdefault(kind, []).extend(records)
    basic, comm, strat = m.plan_id("basic-plan"), m.plan_id("community-plan"), m.plan_id("strategy")
    elements = {(r["plan"], r["id"]): r for r in recs["elements"]}
    iri = lambda plan, eid: f"{PLAN_IRI}{plan}/{eid}"  # noqa: E731
    first = lambda plan, kind: next(r for r in recs["elements"] if r["plan"] == plan and r["kind"] == kind)  # noqa: E731
    adopted = next(r["adopted"] for r in recs["plans"] if r["id"] == basic)  # YYYY-MM
    month_end = calendar.monthrange(int(adopted[:4]), int(adopted[5:7]))[1]

    def change(ind: dict[str, Any]) -> float:
        values = {o["role"]: o["value"] for o in ind["observations"]}
        return values["current"] - values["previous"]

    outcomes = [r for r in recs["indicators"] if r["kind"] == "outcome-indicator"]
    related = [r for r in recs["elements"] if r["plan"] == basic and r.get("related_plan_refs")]
    membership = [r for r in recs.get("statistics", []) if r["dataset"] == "association-membership"]
    measured = next(lk["object"]["ref"] for lk in m.links if lk["relation"] == "measures")
    served = next(lk["object"]["ref"] for lk in m.links if lk["subject"]["ref"] == f"plan:{comm}")
    goal_areas = next(e["areas"] for e in areas["classification"] if e["ref"] == f"element:{basic}/goal-1")
    return {
        "community_plan": f"{PLAN_IRI}{comm}",
        # an element with children whose label only municipality 0 prints: the vision of its basic plan
        "parent_label": clean_label(elements[(basic, "vision")]["label"]),
        "outcome_label": clean_label(max(outcomes, key=change)["label"]) if outcomes else None,  # the largest rise
        "adopted_from": f"{adopted}-01", "adopted_to": f"{adopted}-{month_end:02d}",
        "mayor_term": f"https://plankg.org/id/term/{m.code}/{recs['mayors'][-1]['id']}",
        "related_policy_number": related[0]["number"] if related else None,
        "membership_indicator": clean_label(next(r["label"] for r in recs["indicators"]
                                                 if r["plan"] == comm and r["kind"] == "target-indicator")),
        "membership_fiscal_year": membership[0]["fiscal_year"] if membership else None,
        "text_mention": clean_label(m.city.name),  # printed in the label of the vision of its basic plan
        "community_measure": PLAN_IRI + measured.removeprefix("element:"),
        "basic_policy": iri(basic, first(basic, "policy")["id"]),
        "basic_project": iri(basic, first(basic, "project")["id"]),
        "strategy_project": iri(strat, first(strat, "project")["id"]),
        "served_goal": PLAN_IRI + served.removeprefix("element:"),
        "policy_area": goal_areas[0],
    }
