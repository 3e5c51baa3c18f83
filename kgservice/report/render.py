"""Writing the audit-trail report (kgservice.report.model): a printable HTML page (templates/report.html,
the charts inline SVG — no JavaScript) and CSV (one row per item). Totals and execution rates are
computed from the recorded figures; they are not records.
"""

from __future__ import annotations
import csv
import io
from collections import defaultdict
from typing import Any
from kgservice.pages.html import local_href, templates
from kgservice.report.model import KIND_LABELS, ROLE_LABELS, Budget, Node, Passage, Report, fmt_number

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
    return templates().get_template("report.html").render(
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
