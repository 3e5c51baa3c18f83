"""The administrative overview of a synthetic municipality: mayors, sister and partner cities, information
systems, population statistics, events, and the wide-area body its group of eight municipalities forms."""

from __future__ import annotations
from bench.synthetic.text import era, text_of, yen
from bench.synthetic.vocabulary import AGREEMENT_KINDS, GIVEN, PARTNERS, SURNAMES, SYSTEMS


class OverviewDocument:
    """The administrative overview: a mixin of ``Municipality`` (bench.synthetic.municipality), whose rng,
    city, records, links, departments and helpers (``doc``, ``put``, ``plan_id``) it uses."""

    def overview_document(self) -> None:
        rng, city, d = self.rng, self.city, self.doc("overview")
        d.add(f"{city.name} 市政概要 市長公室")
        d.blank()
        d.add("1 歴代市長")
        year, k = rng.randint(1947, 1960), 0
        while True:  # terms of 3-12 years until one runs past 2020: that mayor is in office
            k += 1
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            start_m = rng.randint(1, 12)
            end = year + rng.randint(3, 12)
            in_office = end > 2020
            end_m = rng.randint(1, 12)
            ordinal = "初" if k == 1 else str(k)
            line = d.add(f"{ordinal}\t{name}\t{era(year, start_m)}\t{'在任中' if in_office else era(end, end_m)}")
            rec = {"id": f"mayor-{k:02d}", "lines": line, "city": self.code, "ordinal_text": ordinal, "name": name,
                   "start": f"{year}-{start_m:02d}"}
            if in_office:
                rec["in_office"] = True
            else:
                rec["end"] = f"{end}-{end_m:02d}"
            self.put("overview", "mayors", rec)
            if in_office:
                break
            year = end
        d.blank()
        d.add("2 姉妹・親善都市，友好交流都市")
        for k in range(rng.choice([0, 1, 1, 2, 3])):
            kind = rng.choice(AGREEMENT_KINDS)
            y, m, day = rng.randint(1960, 2015), rng.randint(1, 12), rng.randint(1, 28)
            desc = text_of(rng)
            if rng.random() < 0.5 and len(self.cities) > 1:
                partner = self.cities[(self.city.index + 1 + k) % len(self.cities)]
                line = d.add(f"{partner.name}（{partner.prefecture}）\t{kind}\t{era(y, m)}{day}日締結")
                extra = {"partner": partner.name, "partner_city_code": partner.code, "region": partner.prefecture}
            else:
                name, country, region = rng.choice(PARTNERS)
                population = rng.randint(50000, 3000000)
                line = d.add(f"{name}（{country} {region}）\t{kind}\t{era(y, m)}{day}日締結\t人口 {yen(population)}人")
                extra = {"partner": name, "country": country, "region": region, "population": population}
            d.add(desc)
            # ids unique across municipalities: a foreign partner's organisation is minted from it
            self.put("overview", "agreements", {"id": f"{self.prefix}-agreement-{k + 1}", "lines": [line, line + 1],
                                                "city": self.code, "agreement": kind, "date": f"{y}-{m:02d}-{day:02d}",
                                                "description": desc, **extra})
        d.blank()
        header = d.add("3 基幹業務システム一覧\tシステム名\t業務主管課\t開始年月日")
        for k, (label, slug) in enumerate(rng.sample(SYSTEMS, rng.randint(6, 10))):
            dept_id = self.dept_ids.get(slug)
            dept = next((lab for did, lab in self.departments if did == dept_id), None)
            y, m = rng.randint(1980, 2020), rng.randint(1, 12)
            line = d.add(f"{k + 1}\t{label}\t{dept or ''}\t{era(y, m)}")
            rec = {"id": f"system-{k + 1}", "lines": [header, line], "city": self.code, "label": label,
                   "started": f"{y}-{m:02d}"}
            if dept:
                rec.update(department=dept, department_ref=dept_id)
            self.put("overview", "systems", rec)
        d.blank()
        header = d.add("4 人口・世帯数の推移（各年10月1日現在）\t年\t人口\t世帯数")
        pop = rng.randint(800, 400000)
        for y in range(2018, 2023):
            households = int(pop / rng.uniform(2.1, 2.8))
            line = d.add(f"\t{y}年\t{yen(pop)}人\t{yen(households)}世帯")
            for measure, value, unit in (("人口", pop, "人"), ("世帯数", households, "世帯")):
                self.put("overview", "statistics", {
                    "id": f"population-{y}-{'pop' if unit == '人' else 'households'}", "lines": [header, line],
                    "dataset": "population", "table": "人口・世帯数の推移（各年10月1日現在）", "measure": measure,
                    "value": value, "unit": unit, "year": str(y)})
            pop = int(pop * rng.uniform(0.97, 1.01))
        d.blank()
        d.add("5 沿革")
        for k in range(rng.randint(8, 16)):
            y, m = rng.randint(1950, 2022), rng.randint(1, 12)
            what = rng.choice(["市制施行", "庁舎移転", "総合計画策定", "姉妹都市提携", "行政改革大綱策定",
                               "中核市移行", "情報公開条例施行", "地区会連合会設立"])
            line = d.add(f"{era(y, m)}\t{what}")
            self.put("overview", "events", {"id": f"event-{k + 1}", "lines": line, "date": f"{y}-{m:02d}",
                                            "label": what})
        # a wide-area body of up to eight neighbouring municipalities, described by its first member
        group = self.city.index // 8
        if self.city.index % 8 == 0:
            members = [c for c in self.cities if c.index // 8 == group]
            name = f"第{group + 1}圏域首長懇話会" if len(members) > 1 else None
            if name:
                d.blank()
                fy = rng.randint(2000, 2015)
                line = d.add(f"6 広域行政　{era(fy)}度に{'、'.join(c.name for c in members)}の"
                             f"{len(members)}市町村で{name}を設置し、都市間の連携を推進している。")
                self.put("overview", "organizations", {
                    "id": f"syn-body-{group + 1:03d}", "lines": line, "kind": "wide-area-body", "label": name,
                    "members": [c.name for c in members], "member_city_codes": [c.code for c in members],
                    "established_fiscal_year": str(fy)})
