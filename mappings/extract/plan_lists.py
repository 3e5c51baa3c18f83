"""The plan-list reader: plans named with their period, as 関連計画 lists print them
(``・第4次ひたち男女共同参画計画(R4~R8)``) and sentences quote them
(``「日立市公共施設マネジメント前期行動計画(H28～R3)」``) → a plan with its first and last fiscal year.

A range gives the period (an open one, ``(R4～)``, its start); a single year is the year the plan was
made (``adopted``).  A bracketed edition (``(改訂版)``) is not part of the title.  The profile's
``words`` say what a name ending in a word is: ``{協定書: {record_kind: events}}`` (an agreement
concluded that year), ``{提言書: {kind: recommendation}}``; any other name is a sector plan.
"""

from __future__ import annotations
import re
from mappings.extract.headings import Outline
from mappings.extract.labels import label_of
from mappings.extract.organizations import _romanised
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals, cite
from mappings.extract.text import Document, Line, lines_of, sentences
from mappings.extract.chronology import ERAS
from mappings.records.normalize import parse_era_date

_YEAR = rf"(?:(?:{ERAS})\s*(?:元|\d{{1,2}})|(?:19|20)\d{{2}})\s*(?:年度?)?"
_PERIOD = rf"[(（]\s*(?P<start>{_YEAR})\s*(?:(?P<dash>[~～〜－-])\s*(?P<end>{_YEAR})?)?\s*[)）]"
_ITEM = re.compile(rf"^[\s\-]*・\s*(?P<name>[^・]+?)\s*{_PERIOD}\s*$")
_QUOTED = re.compile(rf"「(?P<name>[^「」]+?)\s*{_PERIOD}」")
_EDITION = re.compile(r"\s*[(（][^()（）]*版[)）]\s*$")


def named_periods(raw: str) -> list[tuple[str, str | None, str | None, bool]]:
    """(name, first year, last year, a range?) of each plan named with its period on a line.

    >>> named_periods("- ・日立市公共施設マネジメント基本方針(改訂版)(H26~R22)")
    [('日立市公共施設マネジメント基本方針', '2014', '2040', True)]
    >>> named_periods("- ・日立市さくらのまちづくり基本計画(R4～)"), named_periods("・戦略(H29)")
    ([('日立市さくらのまちづくり基本計画', '2022', None, True)], [('戦略', '2017', None, False)])
    """
    found = [_ITEM.fullmatch(raw)] if _ITEM.fullmatch(raw) else list(_QUOTED.finditer(raw))
    out = []
    for m in found:
        start = parse_era_date(m.group("start"))[:4]
        end = parse_era_date(m.group("end"))[:4] if m.group("end") else None
        out.append((_EDITION.sub("", m.group("name")).strip(), start, end, bool(m.group("dash"))))
    return out


def _fields(name: str, reader: Reader) -> dict:
    return next((dict(v) for w, v in reader.words.items() if name.endswith(w)), {})


def read_plan_lists(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                    found: Proposals, lines: list[Line]) -> None:
    for line in lines:
        for name, start, end, ranged in named_periods(line.raw):
            title = label_of(name, profile)
            fields = _fields(title, reader)
            kind = str(fields.pop("record_kind", "plans"))
            if kind == "events":
                found.add("events", {"id": "event-" + _romanised(title), "lines": line.number, "date": start,
                                     "label": title}, "plan-lists")
                continue
            record = _plan(found, title, profile, line)
            record.setdefault("kind", str(fields.get("kind", "sector-plan")))
            if ranged:
                record["period_start"] = start
                if end:
                    record["period_end"] = end
            else:
                record["adopted"] = start


def _plan(found: Proposals, title: str, profile: Profile, line: Line, *more: int) -> dict:
    """The plan of this title, proposed once, citing each line that names it (``more``: the lines its
    statement runs on to)."""
    for record in found.of("plans"):
        if record["title"] == title:
            spec = record["lines"] if isinstance(record["lines"], list) else [record["lines"]]
            record["lines"] = cite(*spec, line.number, *more)
            return record
    if title not in profile.translations:
        found.miss("plan-lists", line, f"no English title for {title!r} (profile translations): the title stands in")
    ident = profile.slugs.get(title) or (profile.org_prefix + _romanised(title))
    return found.add("plans", {"id": ident, "lines": cite(line.number, *more), "title": title,
                               "title_en": profile.translations.get(title, title), "city": profile.city},
                     "plan-lists")


_FY = rf"(?:(?:19|20)\d{{2}}(?:\([^()]*\))?|(?:{ERAS})(?:元|\d{{1,2}}))年度?"
_ADOPTED_DATE = (rf"(?P<date>(?:(?:19|20)\d{{2}}(?:\([^()]*\))?|(?:{ERAS})(?:元|\d{{1,2}}))年度?"
                 r"(?:\d{1,2}月)?)(?:に|には)?[,、]?")
_ADOPTED = [re.compile(rf"{_ADOPTED_DATE}(?:新たに)?策定(?:した|の)(?P<names>「[^「」]+」)"),
            re.compile(rf"{_ADOPTED_DATE}(?P<lead>[^「」。]*?)(?P<names>「[^「」]+」(?:及び「[^「」]+」)*)を策定"),
            # 平成30年3月に「A」を、平成31年3月に「B」を策定した: A made at its own date
            re.compile(rf"{_ADOPTED_DATE}(?P<names>「[^「」]+」)を[、,](?=[^。]*?を策定)"),
            # 平成26年3月、…平成26年度を初年度とする「…」を定めた: made then, running from that year
            re.compile(rf"{_ADOPTED_DATE}(?P<lead>[^「」。]*?)(?P<first>{_FY})を初年度とする(?P<names>「[^「」]+」)を(?:策定|定め)")]
_SUBTITLE = re.compile(r"-(?!\d)[^-]+-$")   # 「水戸市第6次総合計画－みと魁(さきがけ)プラン－」


def adoptions(compact_text: str) -> list[tuple[str, str, int, int, str | None]]:
    """(title, ISO date, where the statement starts and ends, the first fiscal year if it says so) of each
    plan a sentence says was made then (策定).

    >>> [a[:2] for a in adoptions("令和2年3月、選ばれるまちに向け、「水戸市人口ビジョン(第2次)」及び「総合戦略(第2次)」を策定した。")]
    [('水戸市人口ビジョン(第2次)', '2020-03'), ('総合戦略(第2次)', '2020-03')]
    >>> adoptions("平成18年に策定した「市行財政改革大綱」,平成22年に")
    [('市行財政改革大綱', '2006', 0, 20, None)]
    >>> [a[:2] for a in adoptions("平成30年3月に「基本構想」を、平成31年3月に「特定事業計画」を策定した。")]
    [('特定事業計画', '2019-03'), ('基本構想', '2018-03')]
    >>> adoptions("平成26年3月、ビジョンとして、平成26年度を初年度とする「水戸市第6次総合計画-みと魁プラン-」を定めた。")
    [('水戸市第6次総合計画', '2014-03', 0, 52, '2014')]
    >>> adoptions("2008(平成20)年度策定の「水戸市新コミュニティ推進計画」の実施計画")[0][:2]
    ('水戸市新コミュニティ推進計画', '2008')
    """
    out = []
    for pattern in _ADOPTED:
        for m in pattern.finditer(compact_text):
            if "lead" in m.groupdict() and re.search(_YEAR, m.group("lead") or ""):
                continue  # a later date stands nearer the verb
            date = parse_era_date(m.group("date"))
            date = date[:4] if "年度" in m.group("date") else date
            first = parse_era_date(m.group("first"))[:4] if "first" in m.groupdict() else None
            out += [(_SUBTITLE.sub("", name), date, m.start(), m.end(), first)
                    for name in re.findall(r"「([^「」]+)」", m.group("names"))]
    return out


_OWN_PERIOD = re.compile(rf"^本計画の(?:計画)?期間は[、,].*?(?P<start>{_FY})から(?P<end>{_FY})まで")


def read_plan_adoptions(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                        found: Proposals, lines: list[Line]) -> None:
    """Plans a sentence says were made then; and the document's own plan (titled by its cover line, the
    document's first) with the period 本計画の期間は… states."""
    title_line = next((l for l in doc.lines if not l.blank), None)
    for line in lines:
        if (m := _OWN_PERIOD.match(line.compact)) and title_line is not None:
            record = _plan(found, label_of(title_line.raw, profile), profile, title_line, line.number)
            record.setdefault("kind", "sector-plan")
            record["period_start"], record["period_end"] = (parse_era_date(m.group(k))[:4] for k in ("start", "end"))
    for text, parts in sentences(lines):  # a statement may run over a PDF line break
        for name, date, start, end, first in adoptions(text):
            title = label_of(name, profile)
            cited = lines_of(parts, start, end)
            record = _plan(found, title, profile, doc.line(cited[0]), *cited[1:])
            record.setdefault("kind", "sector-plan")
            record.setdefault("adopted", date)
            if first:
                record.setdefault("period_start", first)
