"""The named queries as the benchmark asks them: every ``queries/*.rq`` with its header example, ids of
the real documents replaced by those of synthetic municipality 0 (``synthetic.json`` "example"), as
parameters of the service and as a VALUES block for a plain SPARQL server, and the Accept header each
wants."""

from __future__ import annotations
import re
from dataclasses import dataclass, field
from bench.child import ROOT

# Ids of the real documents in the named queries' examples → their synthetic stand-ins (keys of
# synthetic.json "example"); a literal such as 商工振興課 or 遅れ exists in the synthetic corpus too.
REAL_TO_SYNTHETIC = {
    "082015": "city_code", "082368": "city_code",
    "https://plankg.org/id/city/082015": "city",
    "https://plankg.org/id/plan/mito-comprehensive-plan-6": "basic_plan",
    "https://plankg.org/id/plan/hitachi-comprehensive-plan": "basic_plan",
    "https://plankg.org/id/plan/mito-strategy-2": "strategy",
    "県央地域首長懇話会": "body",
    "https://plankg.org/id/plan/omitama-later-basic-plan": "basic_plan",
    "https://plankg.org/id/plan/mito-community-plan-3": "community_plan",
    "効率的な行財政の運営": "parent_label",                  # an element with children
    "現在の評価": "outcome_label",                          # an outcome indicator that rose
    "2019-03-01": "adopted_from", "2019-03-31": "adopted_to",  # the month a plan was adopted
    "https://plankg.org/id/term/082015/mayor-13": "mayor_term",
    "町内会加入率": "membership_indicator", "2008": "membership_fiscal_year",
    "市行政組織検討委員会": "text_mention",
    "https://plankg.org/id/plan/mito-community-plan-3/basic-policy-3-measure-1": "community_measure",
    "https://plankg.org/id/plan/mito-community-plan-3/basic-policy-3-measure-3": "community_measure",
    "https://plankg.org/id/plan/hitachi-comprehensive-plan/ch6-policy-6": "basic_policy",
    "https://plankg.org/id/plan/omitama-later-basic-plan/measure-7207-1": "basic_project",
    "https://plankg.org/id/plan/hitachi-comprehensive-plan/ch6-policy-4-initiative-3-project-03": "basic_project",
    "https://plankg.org/id/plan/mito-strategy-2/goal-4-policy-2-disaster-drills-emergency-water": "strategy_project",
    "https://plankg.org/id/plan/mito-comprehensive-plan-6/pillar-4": "served_goal",
    "public-relations-hearing": "policy_area",
}
# (query, parameter) → key of "example": a value that only one query's parameter stands for
REAL_TO_SYNTHETIC_IN = {("cq-related-plans", "number"): "related_policy_number"}
FIXED = {"1950-01-01": "2000-01-01"}  # synthetic mayors start 1947–1960: ask about a date they cover


@dataclass
class NamedCase:
    name: str
    text: str
    params: dict[str, str]            # request parameters (strings)
    terms: dict[str, str]             # parameter → N-Triples term (for substitution / VALUES)
    substituted: list[str] = field(default_factory=list)  # which examples were replaced

    def inline(self) -> str:
        """The query with its parameters as a VALUES block at the start of every WHERE group, sub-selects
        included (what a client of a plain SPARQL server would send): a sub-select sees no binding from
        outside, where the service substitutes the parameter everywhere."""
        if not self.terms:
            return self.text
        names = list(self.terms)
        block = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(self.terms[n] for n in names)}) }}\n"
        starts = [m.end() for m in re.finditer(r"\bWHERE\s*\{", self.text, re.I)] or [self.text.index("{") + 1]
        pieces = [self.text[i:j] for i, j in zip([0, *starts], [*starts, len(self.text)])]
        return ("\n  " + block).join(pieces)


def named_cases(manifest: dict) -> list[NamedCase]:
    from kgservice.queries.registry import load_queries

    example = manifest["example"]
    cases = []
    for name, q in sorted(load_queries(ROOT / "queries").items()):
        params, terms, replaced = {}, {}, []
        declared = {p.name: p for p in q.parameters}
        for key, value in (q.example or {}).items():
            value = str(value).lower() if isinstance(value, bool) else str(value)
            stand_in = REAL_TO_SYNTHETIC_IN.get((name, key)) or REAL_TO_SYNTHETIC.get(value)
            if stand_in and example.get(stand_in):
                replaced.append(f"{key}: {value} → {example[stand_in]}")
                value = str(example[stand_in])
            elif value in FIXED:
                replaced.append(f"{key}: {value} → {FIXED[value]}")
                value = FIXED[value]
            params[key] = value
            terms[key] = declared[key].bind(value)
        cases.append(NamedCase(name, q.text, params, terms, replaced))
    return cases


ACCEPT_RESULTS = "application/sparql-results+json"
ACCEPT_GRAPH = "application/n-triples"


def accept_for(text: str) -> str:
    body = re.sub(r"#.*", "", text)
    return ACCEPT_GRAPH if re.search(r"\b(CONSTRUCT|DESCRIBE)\b", body, re.I) else ACCEPT_RESULTS
