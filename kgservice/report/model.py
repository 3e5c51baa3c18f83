"""The audit-trail report's data model: a tree of plan elements with their departments, indicators
(observations by year), budget figures and cross-plan links, every item with the passages it was
read from. Built by kgservice.report.gather, drawn by kgservice.report.charts, written by
kgservice.report.render. Execution rates are computed here from the recorded figures; they are
not records.
"""

from __future__ import annotations
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from mappings.vocabulary import MPLAN


class ReportError(Exception):
    """``kind`` is "not_found" (no such resource) or "bad_request" (not a goal, plan or city)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message



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


def decimal_of(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def year_of(date_text: str | None) -> int | None:
    """The year of an xsd:date (or gYear) lexical form."""
    m = re.match(r"(-?\d{4})", date_text or "")
    return int(m.group(1)) if m else None


def local_name(iri: str) -> str:
    """The last path or hash segment of an IRI: a label of last resort."""
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
