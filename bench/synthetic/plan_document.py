"""The comprehensive plan chapter of a synthetic municipality: the comprehensive plan, its basic plan
(goals → policies → initiatives → projects, target and outcome indicators), the departments, and the
community sector plan (goals → measures, actor roles, municipality 0's membership table)."""

from __future__ import annotations
from bench.synthetic.text import Doc, era, text_of, yen
from bench.synthetic.vocabulary import GOALS, INITIATIVES, OUTCOMES, POLICIES, PROJECTS, ROLES


class PlanDocument:
    """The comprehensive plan chapter: a mixin of ``Municipality`` (bench.synthetic.municipality), whose rng,
    city, records, links, departments and helpers (``doc``, ``put``, ``plan_id``) it uses."""

    def plan_document(self) -> None:
        rng, d, city = self.rng, self.doc("plan"), self.city
        comp, basic, comm = self.plan_id("comprehensive-plan"), self.plan_id("basic-plan"), self.plan_id("community-plan")
        start = rng.choice([2016, 2018, 2020, 2021, 2022])
        title = f"{city.name}総合計画"
        line = d.add(f"{title}　第{rng.randint(4, 7)}章 基本計画")
        d.add(f"計画期間: {start}年度から{start + 9}年度まで（前期基本計画 {start}年度から{start + 4}年度まで）")
        self.put("plan", "plans", {"id": comp, "lines": [line, line + 1], "kind": "comprehensive-plan", "title": title,
                                  "title_en": f"{city.name_en} comprehensive plan", "city": self.code,
                                  "publisher": city.name, "period_start": str(start), "period_end": str(start + 9)})
        btitle = f"{city.name}総合計画 前期基本計画"
        line = d.add(f"{btitle}（{era(start - 1, 3)}策定）")  # adopted in March before its first fiscal year
        self.put("plan", "plans", {"id": basic, "lines": [line - 1, line], "kind": "basic-plan", "title": btitle,
                                  "title_en": f"{city.name_en} basic plan (first half)", "city": self.code,
                                  "adopted": f"{start - 1}-03",
                                  "period_start": str(start), "period_end": str(start + 4), "positioned_under_ref": comp})
        d.blank()
        vision = f"ひと・まち・みらい {city.name}"
        line = d.add(f"将来都市像　{vision}")
        self.put("plan", "elements", {"id": "vision", "lines": line, "plan": basic, "kind": "vision", "label": vision})
        self.policy_refs: list[str] = []
        self.main_listings: list[tuple[str, str]] = []  # (id, label) of projects listed first in this plan
        self.basic_goals: list[tuple[str, int, str]] = []  # (id, line, label)
        self.community_measures: list[tuple[str, int, str]] = []  # (id, line, label)
        n_goal = rng.randint(4, 6)
        for g in range(1, n_goal + 1):
            d.blank()
            glabel = GOALS[(g - 1 + rng.randint(0, 7)) % len(GOALS)]
            line = d.add(f"第{g}節 {glabel}")
            gid = f"goal-{g}"
            self.put("plan", "elements", {"id": gid, "lines": line, "plan": basic, "kind": "goal", "number": str(g),
                                          "label": glabel, "parent_ref": "vision"})
            self.basic_goals.append((gid, line, glabel))
            for p in range(1, rng.randint(2, 4) + 1):
                self.basic_policy(d, basic, gid, g, p)
        self.departments_of(d)
        self.community_plan(d, comm, basic)

    def basic_policy(self, d: Doc, basic: str, gid: str, g: int, p: int) -> None:
        rng = self.rng
        pnum = str(len(self.policy_refs) + 1)
        plabel = rng.choice(POLICIES)
        pid = f"{gid}-policy-{p}"
        d.blank()
        line = d.add(f"施策{pnum} {plabel}")
        text = text_of(rng)
        d.add(text)
        issues = [text_of(rng) for _ in range(rng.randint(1, 2))]
        first_issue = d.add("現状と課題")
        for issue in issues:
            d.add(issue)
        self.put("plan", "elements", {"id": pid, "lines": f"{line}-{first_issue + len(issues)}", "plan": basic,
                                      "kind": "policy", "number": pnum, "label": plabel, "parent_ref": gid,
                                      "text": text, "issues": issues})
        self.policy_refs.append(pid)
        # target indicator of the policy: previous / current / target values in one table row
        unit = rng.choice(["%", "件", "人"])
        base = rng.randint(10, 90)
        header = d.add("目標指標\t前計画策定時 (H28)\t現状値 (R3)\t目標値 (R8)")
        label = rng.choice(OUTCOMES)
        row = d.add(f"{label} 単位:{unit}\t{base}\t{base + rng.randint(-5, 5)}\t{base + rng.randint(3, 10)}")
        cells = d.lines[row - 1].split("\t")
        self.put("plan", "indicators", {"id": f"{pid}-target", "lines": [header, row], "plan": basic,
                                        "kind": "target-indicator", "measures_refs": [pid], "label": label, "unit": unit,
                                        "observations": [
                                            {"role": "previous", "fiscal_year": "2016", "value": int(cells[1])},
                                            {"role": "current", "fiscal_year": "2021", "value": int(cells[2])},
                                            {"role": "target", "fiscal_year": "2026", "value": int(cells[3])}]})
        if rng.random() < 0.3:
            d.add("関連計画 コミュニティ推進計画")
            self.records[d.doc_id]["elements"][-1]["related_plan_refs"] = [self.plan_id("community-plan")]
        for i in range(1, rng.randint(2, 3) + 1):
            self.initiative(d, basic, pid, pnum, i)

    def initiative(self, d: Doc, basic: str, pid: str, pnum: str, i: int) -> None:
        rng = self.rng
        iid = f"{pid}-initiative-{i}"
        ilabel = rng.choice(INITIATIVES)
        d.blank()
        line = d.add(f"取組{i} {ilabel}")
        text = text_of(rng)
        d.add(f"- ▶ {text}")
        self.put("plan", "elements", {"id": iid, "lines": f"{line}-{line + 1}", "plan": basic, "kind": "initiative",
                                      "number": str(i), "label": ilabel, "parent_ref": pid, "text": text})
        if rng.random() < 0.6:  # an outcome indicator from the citizen survey
            label, survey = rng.choice(OUTCOMES), "市民意識調査"
            cur = round(rng.uniform(20, 80), 1)
            prev = round(cur - rng.uniform(-3, 5), 1)
            row = d.add(f"成果指標 {label}（{survey}）\t前回値 {prev}%\t現状値 {cur}%\t"
                        f"目標値 {round(cur + rng.uniform(1, 10), 1)}%")
            target = float(d.lines[row - 1].split("目標値 ")[1].rstrip("%"))
            self.put("plan", "indicators", {"id": f"{iid}-outcome", "lines": row, "plan": basic,
                                            "kind": "outcome-indicator", "measures_refs": [iid], "label": label,
                                            "unit": "%", "survey": survey,
                                            "observations": [{"role": "previous", "value": prev},
                                                             {"role": "current", "value": cur},
                                                             {"role": "target", "value": target}]})
        header = d.add("主な事業\t担当課")
        for j in range(1, rng.choice([1, 2, 3, 3, 4, 4, 5, 5]) + 1):
            dept_id, dept = rng.choice(self.departments)
            flags, marks = [], ""
            if rng.random() < 0.25:
                flags.append("priority")
                marks += "【重点】"
            if rng.random() < 0.15:
                flags.append("new")
                marks += "【新】"
            relisted = rng.random() < 0.15
            if relisted:
                flags.append("relisted")
                marks += "(再掲)"
            label = rng.choice(PROJECTS)
            main = rng.choice(self.main_listings) if relisted and self.main_listings and rng.random() < 0.5 else None
            if main:
                label = main[1]
            row = d.add(f"{marks}{label}\t{dept}")
            rec = {"id": f"{iid}-project-{j}", "lines": [header, row], "plan": basic, "kind": "project",
                   "parent_ref": iid, "label": label, "flags": flags, "responsible_refs": [dept_id]}
            if main:
                rec["relisted_from_ref"] = main[0]
            elif not relisted:
                self.main_listings.append((rec["id"], label))
            if rng.random() < 0.2:
                rec["related_refs"] = [rng.choice(self.departments)[0]]
            self.put("plan", "elements", rec)

    def departments_of(self, d: Doc) -> None:
        d.blank()
        d.add("組織機構")
        for dept_id, label in self.departments:
            line = d.add(f"{label}\t{self.city.name}")
            self.put("plan", "organizations", {"id": dept_id, "lines": line, "kind": "department", "label": label,
                                               "city": self.code})
        council = f"{self.prefix}-plan-council"
        line = d.add(f"{self.city.name}総合計画審議会 ({era(2015 + self.rng.randint(0, 6))}度設置)")
        self.put("plan", "organizations", {"id": council, "lines": line, "kind": "council",
                                           "label": f"{self.city.name}総合計画審議会", "city": self.code})

    def community_plan(self, d: Doc, comm: str, basic: str) -> None:
        rng, city = self.rng, self.city
        d.blank()
        title = f"{city.name}コミュニティ推進計画（第{rng.randint(2, 4)}次）"
        line = d.add(title)
        s = rng.choice([2015, 2019, 2023])
        placed = d.add(f"計画期間 {s}年度から{s + 8}年度まで。本計画は総合計画の部門別計画として位置付ける。")
        gid, gline, glabel = rng.choice(self.basic_goals)
        self.links.append({
            "id": f"{self.prefix}-link-{len(self.links) + 1}", "relation": "serves",
            "subject": {"ref": f"plan:{comm}", "document": d.doc_id, "lines": placed,
                        "quote": "本計画は総合計画の部門別計画として位置付ける"},
            "object": {"ref": f"element:{basic}/{gid}", "document": d.doc_id, "lines": gline, "quote": glabel},
            "asserted_by": "curator", "confidence": 0.6,
            "reason_en": "Synthetic: the community plan is a sector plan of the comprehensive plan and serves one of its goals."})
        self.put("plan", "plans", {"id": comm, "lines": [line, line + 1], "kind": "sector-plan", "title": title,
                                   "title_en": f"{city.name_en} community promotion plan", "city": self.code,
                                   "period_start": str(s), "period_end": str(s + 8), "positioned_under_ref": basic})
        vision = "支え合い 誰もが参加できる 地域コミュニティ"
        line = d.add(f"基本理念 {vision}")
        self.put("plan", "elements", {"id": "vision", "lines": line, "plan": comm, "kind": "vision", "label": vision})
        for g in range(1, 4):
            glabel = ["地域活動の担い手づくり", "活動拠点の充実", "連携と協働の推進"][g - 1]
            line = d.add(f"基本目標{g} {glabel}")
            self.put("plan", "elements", {"id": f"goal-{g}", "lines": line, "plan": comm, "kind": "goal",
                                          "number": str(g), "label": glabel, "parent_ref": "vision"})
            for m in range(1, rng.randint(3, 5) + 1):
                mlabel = rng.choice(INITIATIVES)
                text = text_of(rng)
                line = d.add(f"({m}) {mlabel}　{text}")
                self.put("plan", "elements", {"id": f"goal-{g}-measure-{m}", "lines": line, "plan": comm,
                                              "kind": "measure", "number": f"({m})", "label": mlabel,
                                              "parent_ref": f"goal-{g}", "text": text})
                self.community_measures.append((f"goal-{g}-measure-{m}", line, mlabel))
            base = rng.randint(40, 90)
            line = d.add(f"目標指標 地区会加入率 現状値 {base}% 目標値 {base + 5}%")
            self.put("plan", "indicators", {"id": f"goal-{g}-target", "lines": line, "plan": comm,
                                            "kind": "target-indicator", "measures_refs": [f"goal-{g}"],
                                            "label": "地区会加入率", "unit": "%",
                                            "observations": [{"role": "current", "value": base},
                                                             {"role": "target", "value": base + 5}]})
        if city.index == 0:
            self.membership_table(d)
        for slug, label in ROLES:
            text = text_of(rng)
            line = d.add(f"{label}　{text}")
            rec = {"id": slug, "lines": line, "plan": comm, "kind": "role", "label": label, "parent_ref": "vision",
                   "text": text}
            if slug == "role-city":
                rec["responsible_refs"] = [self.code]
            self.put("plan", "elements", rec)

    def membership_table(self, d: Doc) -> None:
        """A statistics table of association membership by fiscal year, of which the indicator 地区会加入率
        is the rate (cq-rate-vs-target, cq-statistic-series). Printed by the first municipality only, as
        only one real community plan prints one: the query matches tables and indicators of every city by
        label and unit, so a table in every municipality would make its answer grow with N²."""
        rng = self.rng
        table = "地区会加入状況"
        header = d.add(f"{table}\t年度\t加入世帯数\t加入率")
        rate = rng.uniform(55, 85)
        for fy in range(2015, 2020):
            households = rng.randint(20000, 60000)
            rate = round(max(30.0, rate - rng.uniform(0, 1.5)), 1)
            line = d.add(f"\t{fy}年度\t{yen(households)}世帯\t{rate}%")
            for key, measure, value, unit in (("households", "加入世帯数", households, "世帯"),
                                              ("rate", "加入率", rate, "%")):
                self.put("plan", "statistics", {
                    "id": f"membership-{fy}-{key}", "lines": [header, line], "dataset": "association-membership",
                    "table": table, "measure": measure, "value": value, "unit": unit, "fiscal_year": str(fy)})
