"""The established-body reader: a sentence that dates the founding of a body it quotes,
``2021(令和3)年7月に設置した「日立市さくらのまちづくり推進市民会議」`` or
``2011(平成23)年1月に「内原地域自治連合会」が発足`` → an organisation with its date
(``established``, or ``established_fiscal_year`` for a 年度).

Only a quoted name that ends as a body's name does (会, 会議, 委員会, 協会, センター …), and only with
the founding verb next to it: a plan quoted the same way (「…計画」を策定) is the plan-list reader's.
Unquoted, a compound noun ending so next to the verb does too (平成19年度に…で設置した県央地域首長懇話会,
平成26年度から、…北関東中核都市連携会議を設置し) when no other date stands between.  Sentences run over
PDF line breaks.
"""

from __future__ import annotations
import re
from mappings.extract.actors import compounds
from mappings.extract.headings import Outline
from mappings.extract.labels import label_of
from mappings.extract.organizations import _romanised
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals
from mappings.extract.proposals import cite
from mappings.extract.text import Document, Line, lines_of, sentences
from mappings.extract.chronology import ERAS
from mappings.records.normalize import parse_era_date

_DATE = (rf"(?P<date>(?:(?:18|19|20)\d{{2}}(?:\([^()]*\))?|(?:{ERAS})(?:元|\d{{1,2}}))"
         r"(?P<fy>年度|年)(?:\d{1,2}月(?:\d{1,2}日)?)?)")
_FOUNDED = "(?:設置|設立|発足|結成)"
_BODY = r"(?P<name>[^「」、。]+?(?:会|会議|委員会|協会|協議会|連合会|センター|本部|機構|組合|団))"
_KINDS = (("委員会", "committee"), ("本部", "committee"), ("会議", "council"), ("協議会", "council"),
          ("懇話会", "council"))
_PATTERNS = [re.compile(rf"{_DATE}に{_FOUNDED}した「{_BODY}」"),
             re.compile(rf"{_DATE}に(?:[^「」、。]{{0,40}}の)?「{_BODY}」(?:が|を){_FOUNDED}")]
_HEAD = re.compile(r"(?:会|会議|委員会|協会|協議会|連合会|本部|機構|組合)$")
_AFTER = re.compile(rf"{_DATE}(?:に|から)[、,]?(?P<lead>[^。「」]*?){_FOUNDED}した(?P<rest>[^、。「」]+)")
_BEFORE = re.compile(rf"{_DATE}(?:に|から)[、,]?(?P<lead>[^。「」]*?)を{_FOUNDED}")


def founded(compact_text: str) -> list[tuple[str, str, bool, int, int]]:
    """(name, ISO date, a fiscal year?, where the statement starts and ends) of each body a sentence says
    was founded then.

    >>> founded("2011(平成23)年1月に「内原地域自治連合会」が発足し、同年4月")
    [('内原地域自治連合会', '2011-01', False, 0, 28)]
    >>> founded("2021(令和3)年度に策定した「日立市デジタル化推進計画2022」")
    []
    >>> founded("平成19年度に水戸市、笠間市…の9市町村で設置した県央地域首長懇話会を通じて")[0][:3]
    ('県央地域首長懇話会', '2007', True)
    """
    out = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(compact_text):
            try:
                out.append((m.group("name"), parse_era_date(m.group("date")), m.group("fy") == "年度", m.start(), m.end()))
            except ValueError:
                continue
    for pattern, side in ((_AFTER, "rest"), (_BEFORE, "lead")):
        for m in pattern.finditer(compact_text):
            if re.search(_DATE, m.group("lead")):
                continue  # a later date stands nearer the verb
            chunks = compounds(m.group(side))
            chunk = chunks[0] if side == "rest" and chunks and chunks[0][1] == 0 else \
                chunks[-1] if side == "lead" and chunks and chunks[-1][2] == len(m.group(side)) else None
            if chunk and _HEAD.search(chunk[0]) and all(chunk[0] != o[0] for o in out):
                out.append((chunk[0], parse_era_date(m.group("date")), m.group("fy") == "年度", m.start(), m.end()))
    return out


def read_bodies(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                found: Proposals, lines: list[Line]) -> None:
    for text, parts in sentences(lines):
        for name, date, fiscal, start, end in founded(text):
            cited = lines_of(parts, start, end)
            label = label_of(name, profile)
            if any(r["label"] == label for r in found.of("organizations")):
                continue
            kind = next((k for w, k in _KINDS if label.endswith(w)), "association")
            record = {"id": profile.org_prefix + _romanised(label), "lines": cite(*cited), "kind": kind,
                      "label": label, "city": profile.city}
            record["established_fiscal_year" if fiscal else "established"] = date[:4] if fiscal else date
            found.add("organizations", record, "bodies")
