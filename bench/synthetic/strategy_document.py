"""The strategy evaluation of a synthetic municipality: the comprehensive strategy (goals with numeric
targets → policies with KPIs → measures → projects with FY2022 budgets), its evaluation, and curated
links to the basic and community plans."""

from __future__ import annotations
from bench.synthetic.text import Doc, text_of, yen
from bench.synthetic.vocabulary import GOALS, INITIATIVES, KPIS, POLICIES, PROJECTS, TRENDS


class StrategyDocument:
    """The strategy evaluation: a mixin of ``Municipality`` (bench.synthetic.municipality), whose rng,
    city, records, links, departments and helpers (``doc``, ``put``, ``plan_id``) it uses."""

    def strategy_document(self) -> None:
        rng, city, d = self.rng, self.city, self.doc("strategy-evaluation")
        strat, ev = self.plan_id("strategy"), self.plan_id("strategy-evaluation-2022")
        title = f"{city.name}まち・ひと・しごと創生総合戦略（第2次）"
        line = d.add(f"令和4年度 {title}の評価")
        d.add("計画期間 2020年度から2024年度まで")
        self.put("strategy-evaluation", "plans", {
            "id": strat, "lines": [line, line + 1], "kind": "comprehensive-strategy", "title": title,
            "title_en": f"2nd regional revitalisation strategy of {city.name_en}", "city": self.code,
            "period_start": "2020", "period_end": "2024", "based_on_ref": self.plan_id("comprehensive-plan")})
        self.put("strategy-evaluation", "plans", {
            "id": ev, "lines": line, "kind": "evaluation", "title": f"令和4年度 {title}の評価",
            "title_en": f"Evaluation for FY2022 of the strategy of {city.name_en}", "city": self.code,
            "evaluates_ref": strat})
        vision = "若い世代が活躍し 活力あふれるまち"
        line = d.add(f"目指す姿 {vision}")
        self.put("strategy-evaluation", "elements", {"id": "vision", "lines": line, "plan": strat, "kind": "vision",
                                                     "label": vision})
        committee = f"{self.prefix}-sosei-honbu"
        line = d.add(f"{city.name}まち・ひと・しごと創生推進本部")
        self.put("strategy-evaluation", "organizations", {"id": committee, "lines": line, "kind": "committee",
                                                          "label": f"{city.name}まち・ひと・しごと創生推進本部",
                                                          "city": self.code})
        for g in range(1, 5):
            d.blank()
            glabel = GOALS[(g + rng.randint(0, 7)) % len(GOALS)]
            line = d.add(f"基本目標{g} {glabel}")
            gid = f"goal-{g}"
            self.put("strategy-evaluation", "elements", {"id": gid, "lines": line, "plan": strat, "kind": "goal",
                                                         "number": str(g), "label": glabel, "parent_ref": "vision"})
            header = d.add("数値目標\t目標値 (2024年度)\t基準値 (2018年度)")
            label = rng.choice(["市民所得", "生産年齢人口の就業率", "年間出生数", "転入超過数"])
            unit = {"市民所得": "百万円", "生産年齢人口の就業率": "%"}.get(label, "人")
            base = rng.randint(500, 900000) if unit != "%" else round(rng.uniform(60, 75), 1)
            target = round(base * 1.05, 1 if unit == "%" else None)
            row = d.add(f"{label} 単位:{unit}\t{yen(target) if unit != '%' else target}\t"
                        f"{yen(base) if unit != '%' else base} (2017年度)")
            self.put("strategy-evaluation", "indicators", {
                "id": f"{gid}-numeric-target", "lines": [header, row], "plan": strat, "kind": "numeric-target",
                "measures_refs": [gid], "label": label, "unit": unit,
                "observations": [{"role": "target", "fiscal_year": "2024", "value": target},
                                 {"role": "baseline", "fiscal_year": "2018", "value": base,
                                  "refers_to_fiscal_year": "2017"}]})
            for p in range(1, rng.randint(2, 3) + 1):
                self.strategy_policy(d, strat, gid, g, p)

    def strategy_policy(self, d: Doc, strat: str, gid: str, g: int, p: int) -> None:
        rng = self.rng
        pid = f"{gid}-policy-{p}"
        plabel = rng.choice(POLICIES)
        d.blank()
        line = d.add(f"({p}) {plabel}")
        rec = {"id": pid, "lines": line, "plan": strat, "kind": "policy", "number": f"({p})", "label": plabel,
               "parent_ref": gid}
        if self.policy_refs and rng.random() < 0.5:  # the strategy policy serves a policy of the basic plan
            target = rng.choice(self.policy_refs)
            rec["serves_refs"] = [f"{self.plan_id('basic-plan')}/{target}"]
        self.put("strategy-evaluation", "elements", rec)
        if rng.random() < 0.3 and self.policy_refs:
            self.link_policy(line, plabel, pid)
        label, unit, lo, hi, dec = rng.choice(KPIS)
        fmt = (lambda v: f"{v:.{dec}f}") if dec else (lambda v: yen(int(v)))
        base = rng.uniform(lo, hi)
        target = base * rng.uniform(1.05, 1.3)
        expected = [base + (target - base) * k / 6 for k in (3, 4, 5)]
        actual = [e * rng.uniform(0.8, 1.15) for e in expected[:2]]
        header = d.add("項目\t目標値 (2024年度)\t基準値 (2018年度)\t\t2021年度\t2022年度\t2023年度")
        r1 = d.add(f"{label} 単位:{unit}\t{fmt(target)}\t{fmt(base)}\t期待値\t"
                   + "\t".join(fmt(e) for e in expected))
        r2 = d.add("\t\t\t実績値\t" + "\t".join(fmt(a) for a in actual))
        statuses = [("順調" if a >= e else "概ね順調" if a >= 0.95 * e else "遅れ") for a, e in zip(actual, expected)]
        r3 = d.add("\t\t\t進捗状況\t" + "\t".join(f"{s} {TRENDS[s]}" for s in statuses))
        parse = lambda s: float(s.replace(",", "")) if dec else int(s.replace(",", ""))  # noqa: E731
        c1, c2 = d.lines[r1 - 1].split("\t"), d.lines[r2 - 1].split("\t")
        obs = [{"role": "target", "fiscal_year": "2024", "lines": [header, r1], "value": parse(c1[1])},
               {"role": "baseline", "fiscal_year": "2018", "lines": [header, r1], "value": parse(c1[2])}]
        for k, fy in enumerate(("2021", "2022", "2023")):
            obs.append({"role": "expected", "fiscal_year": fy, "lines": [header, r1], "value": parse(c1[4 + k])})
        for k, fy in enumerate(("2021", "2022")):
            obs.append({"role": "actual", "fiscal_year": fy, "lines": [header, r2, r3], "value": parse(c2[4 + k]),
                        "status": statuses[k], "trend": TRENDS[statuses[k]]})
        self.put("strategy-evaluation", "indicators", {
            "id": f"{pid}-kpi", "lines": [header, r1, r2, r3], "plan": strat, "kind": "kpi",
            "measures_refs": [pid], "label": label, "unit": unit, "observations": obs})
        if self.community_measures and (rng.random() < 0.2 or not any(
                link["relation"] == "measures" for link in self.links)):  # at least one per municipality
            mid, mline, mlabel = rng.choice(self.community_measures)
            self.links.append({
                "id": f"{self.prefix}-link-{len(self.links) + 1}", "relation": "measures",
                "subject": {"ref": f"indicator:{strat}/{pid}-kpi", "document": d.doc_id, "lines": r1, "quote": label},
                "object": {"ref": f"element:{self.plan_id('community-plan')}/{mid}",
                           "document": self.doc("plan").doc_id, "lines": mline, "quote": mlabel},
                "asserted_by": "curator", "confidence": 0.5,
                "reason_en": "Synthetic: the strategy KPI counts what the community-plan measure aims at."})
        for m in range(1, rng.randint(1, 2) + 1):
            mid = f"{pid}-measure-{m}"
            mlabel = rng.choice(INITIATIVES)
            line = d.add(f"具体的事業 {mlabel}")
            self.put("strategy-evaluation", "elements", {"id": mid, "lines": line, "plan": strat, "kind": "measure",
                                                         "parent_ref": pid, "label": mlabel})
            plabel2 = rng.choice(PROJECTS)
            dept_id, dept = rng.choice(self.departments)
            purpose, results = text_of(rng), text_of(rng)
            budget = rng.randint(1000, 300000)
            settlement = int(budget * rng.uniform(0.05, 1.0))
            first = d.add(f"{plabel2}\t{dept}")
            d.add(f"事業目的 {purpose}")
            d.add(f"実績 {results}")
            money = d.add(f"令和4年度\t予算額 {yen(budget)} 千円\t決算額 {yen(settlement)} 千円")
            self.put("strategy-evaluation", "elements", {
                "id": f"{mid}-project", "lines": f"{first}-{money}", "plan": strat, "kind": "project",
                "parent_ref": mid, "label": plabel2, "purpose": purpose, "results": results,
                "responsible_refs": [dept_id],
                "budget": [{"fiscal_year": "2022", "budget": budget, "settlement": settlement, "unit": "千円",
                            "lines": money}]})

    def link_policy(self, line: int, label: str, pid: str) -> None:
        """A curated link: this strategy policy serves a basic-plan policy (quotes on both sides)."""
        target = self.rng.choice(self.policy_refs)
        target_rec = next(r for r in self.records[self.doc("plan").doc_id]["elements"]
                          if r["id"] == target and r["plan"] == self.plan_id("basic-plan"))
        tline = target_rec["lines"].split("-")[0]
        self.links.append({
            "id": f"{self.prefix}-link-{len(self.links) + 1}", "relation": "serves",
            "subject": {"ref": f"element:{self.plan_id('strategy')}/{pid}",
                        "document": self.doc("strategy-evaluation").doc_id, "lines": line, "quote": label},
            "object": {"ref": f"element:{self.plan_id('basic-plan')}/{target}",
                       "document": self.doc("plan").doc_id, "lines": int(tline), "quote": target_rec["label"]},
            "asserted_by": "curator", "confidence": 0.7,
            "reason_en": "Synthetic: the strategy policy and the basic-plan policy share their theme."})
