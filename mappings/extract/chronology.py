"""The chronology reader: a 年表 (あゆみ, 沿革) printed as lines that begin with a date, a space and what
happened, ``平成25年 4月 新税情報・財務管理・職員情報システム稼動開始`` → an event.

Only a line that is a date, white space and text counts: a sentence that begins with a date
(``平成30年には…``) has no space after it, and a table row (tab-separated) is a table reader's.
"""

from __future__ import annotations
import re
from mappings.extract.headings import Outline
from mappings.extract.labels import label_of
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals, cite
from mappings.extract.text import Document, Line, lines_of, sentences
from mappings.records.normalize import ERA_OFFSETS, parse_era_date

ERAS = "|".join(sorted(ERA_OFFSETS, key=len, reverse=True))  # the era names, longest first, as a regex
_DATED = re.compile(rf"^\s*(?P<date>(?:(?:{ERAS})\s*(?:元|\d{{1,2}})|(?:18|19|20)\d{{2}})\s*年"
                    r"(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?)\s+(?P<text>[^\s、。，,（(].*?)\s*$")


def dated_line(raw: str) -> tuple[str, str] | None:
    """(ISO date, text) of a chronology line, None for any other line.

    >>> dated_line("平成25年 4月 新税情報・財務管理・職員情報システム稼動開始")
    ('2013-04', '新税情報・財務管理・職員情報システム稼動開始')
    >>> dated_line("令和 4年10月 電子決裁の運用開始"), dated_line("平成30年には記念式典が開催され")
    (('2022-10', '電子決裁の運用開始'), None)
    """
    if "\t" in raw:
        return None
    m = _DATED.match(raw)
    if not m:
        return None
    try:
        return parse_era_date(m.group("date")), m.group("text")
    except ValueError:
        return None


_ACT = re.compile(rf"(?P<date>(?:(?:{ERAS})(?:元|\d{{1,2}})|(?:18|19|20)\d{{2}})年(?:\d{{1,2}}月)?)に"
                  r"(?P<label>[^、。，,「」を]+?を(?:改正|制定|改定|廃止))し")


def dated_acts(compact_text: str) -> list[tuple[str, str, int, int]]:
    """(ISO date, what was done, where it starts and ends) of each 「<date>に<rule>を改正し」 in a sentence:
    a rule revised, enacted or abolished then.

    >>> dated_acts("未然に防ぐため,平成20年に小美玉市情報セキュリティ基本方針を改正し,職員")
    [('2008', '小美玉市情報セキュリティ基本方針を改正', 8, 34)]
    """
    return [(parse_era_date(m.group("date")), m.group("label"), m.start(), m.end()) for m in _ACT.finditer(compact_text)]


def read_dated_acts(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                    found: Proposals, lines: list[Line]) -> None:
    for text, parts in sentences(lines):  # a statement may run over a PDF line break
        for date, label, start, end in dated_acts(text):
            cited = lines_of(parts, start, end)
            found.add("events", {"id": f"act-{date}-{len(found.of('events')) + 1}", "lines": cite(*cited),
                                 "date": date, "label": label_of(label, profile)}, "dated-acts")


def read_chronology(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                    found: Proposals, lines: list[Line]) -> None:
    template = reader.id or "event-{date}"
    for line in lines:
        dated = dated_line(line.raw)
        if dated is None:
            continue
        date, text = dated
        ident = template.format(date=date, n=len(found.of("events")) + 1)
        taken = {r["id"] for r in found.of("events")}
        base, k = ident, 1
        while ident in taken:  # two events of one month
            k += 1
            ident = f"{base}-{k}"
        found.add("events", {"id": ident, "lines": line.number, "date": date, "label": label_of(text, profile)},
                  "chronology")
