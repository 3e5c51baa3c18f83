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


_ADOPTED_DATE = (rf"(?P<date>(?:(?:19|20)\d{{2}}(?:\([^()]*\))?|(?:{ERAS})(?:元|\d{{1,2}}))年度?"
                 r"(?:\d{1,2}月)?)(?:に|には)?[,、]?")
_ADOPTED = [re.compile(rf"{_ADOPTED_DATE}(?:新たに)?策定した(?P<names>「[^「」]+」)"),
            re.compile(rf"{_ADOPTED_DATE}(?P<lead>[^「」。]*?)(?P<names>「[^「」]+」(?:及び「[^「」]+」)*)を策定")]


def adoptions(compact_text: str) -> list[tuple[str, str, int, int]]:
    """(title, ISO date, where the statement starts and ends) of each plan a sentence says was made then (策定).

    >>> [a[:2] for a in adoptions("令和2年3月、選ばれるまちに向け、「水戸市人口ビジョン(第2次)」及び「総合戦略(第2次)」を策定した。")]
    [('水戸市人口ビジョン(第2次)', '2020-03'), ('総合戦略(第2次)', '2020-03')]
    >>> adoptions("平成18年に策定した「市行財政改革大綱」,平成22年に")
    [('市行財政改革大綱', '2006', 0, 20)]
    """
    out = []
    for pattern in _ADOPTED:
        for m in pattern.finditer(compact_text):
            if "lead" in m.groupdict() and re.search(_YEAR, m.group("lead") or ""):
                continue  # a later date stands nearer the verb
            date = parse_era_date(m.group("date"))
            date = date[:4] if "年度" in m.group("date") else date
            out += [(name, date, m.start(), m.end()) for name in re.findall(r"「([^「」]+)」", m.group("names"))]
    return out


def read_plan_adoptions(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                        found: Proposals, lines: list[Line]) -> None:
    for text, parts in sentences(lines):  # a statement may run over a PDF line break
        for name, date, start, end in adoptions(text):
            title = label_of(name, profile)
            cited = lines_of(parts, start, end)
            record = _plan(found, title, profile, doc.line(cited[0]), *cited[1:])
            record.setdefault("kind", "sector-plan")
            record.setdefault("adopted", date)
