"""The tally reader: counts a table row dates by its first cell, as activity reports print them.

Two layouts: a row ``令和4年度 | 地区単独開催数 | 1回`` (a blank first cell on the next rows takes the year
above), and a cell of bullets ``R4年度の実績・件数 | ・創業件数:144件(累計740件) ・創業期支援補助金交付件数:4件``
where each ``・label:figure`` (or ``・label(figure/figure)``) is one count (a bracketed figure of another unit, ``:23回(1,366人)``, is one
more of the same label).  A cell whose bullets stand under ○ group headings is not read: its figures are a
breakdown by groups the reader cannot name.
"""

from __future__ import annotations
import re
from mappings.extract.headings import Outline
from mappings.extract.labels import label_of
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals, cite
from mappings.extract.text import Document, Line
from mappings.extract.values import number, read_cell, year_of_header
from mappings.records.normalize import compact

_FIGURE = r"[▲△]?\d[\d,]*(?:\.\d+)?\s*[^\s\d()（）:：、,]+"
_PERIOD = r"[(（](?P<period>[^()（）]*\d[^()（）]*[～~][^()（）]*)[)）]"   # (R4年8月～R5年3月): the figure's 期間
_ITEM = re.compile(rf"^(?P<label>[^:：\d○]+?)\s*(?:{_PERIOD})?\s*[:：]\s*(?P<figure>{_FIGURE})\s*"
                   r"(?:[(（](?P<paren>[^()（）]*)[)）])?\s*$")
_BRACKETED = re.compile(rf"^(?P<label>[^:：\d○()（）]+?)\s*[(（](?P<figures>{_FIGURE}(?:\s*/\s*{_FIGURE})*)[)）]"
                        r"\s*(?:※.*)?$")   # a ※ note after the figures explains the label


def bullet_counts(cell: str) -> list[tuple[str, str, dict[str, str]]]:
    """(label, figure, dimensions) of each ``・label:figure`` or ``・label(figure/figure)`` bullet of a cell.

    >>> bullet_counts("<ul> ・地域等と連携した防災訓練・講座の実施:23回(1,366人) ・創業件数:144件(累計740件)")
    [('地域等と連携した防災訓練・講座の実施', '23回', {}), ('地域等と連携した防災訓練・講座の実施', '1,366人', {}), ('創業件数', '144件', {})]
    >>> bullet_counts("・コンベンション開催助成金の交付(844,045円/12件) ・誘致・支援活動(誘致:6件, 支援:55件)")
    [('コンベンション開催助成金の交付', '844,045円', {}), ('コンベンション開催助成金の交付', '12件', {})]
    >>> bullet_counts("・PCOを中心とした営業活動(356件) ※PCO:会議運営専門会社 ・サイトアクセス数(R4年8月～R5年3月):263,363件")
    [('PCOを中心とした営業活動', '356件', {}), ('サイトアクセス数', '263,363件', {'期間': 'R4年8月～R5年3月'})]
    """
    cell = re.sub(r"<[^>]*>", " ", cell)
    if "○" in cell:
        return []
    out = []
    for item in re.split(r"(?:^|\s)・", cell)[1:]:
        m = _ITEM.match(item.strip())
        if not m:
            b = _BRACKETED.match(item.strip())
            out += [(b.group("label"), f.strip(), {}) for f in b.group("figures").split("/")] if b else []
            continue
        dims = {"期間": m.group("period")} if m.group("period") else {}
        out.append((m.group("label"), m.group("figure"), dims))
        paren = m.group("paren") or ""
        if re.fullmatch(_FIGURE, paren.strip()):
            out.append((m.group("label"), paren.strip(), dims))
    return out


def read_tallies(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                 found: Proposals, lines: list[Line]) -> None:
    above: tuple[tuple[str, str], int] | None = None  # the year of the row above, and its line
    for line in lines:
        cells = line.cells
        year = year_of_header(cells[0]) if line.is_table_row and cells[0] else None
        dated = (year, line.number) if year else None
        counts: list[tuple[str, str, dict[str, str]]] = []
        if len(cells) == 3 and cells[1] and number(cells[1]) is None and number(cells[2]) is not None:
            dated = dated or (above if not cells[0] else None)
            counts = [(cells[1], cells[2], {})]
        elif year:
            counts = [c for cell in cells[1:] for c in bullet_counts(cell)]
        above = dated if len(cells) == 3 else None
        if not dated or not counts:
            continue
        year = dated[0]
        dataset = f"tally-line-{line.number}"
        for label, figure, dims in counts:
            fields = read_cell(figure)[0]
            if "value" not in fields:
                continue
            n = sum(1 for s in found.of("statistics") if s["dataset"] == dataset) + 1
            record = {"id": f"{dataset}-{n:02d}", "lines": cite(dated[1], line.number), "dataset": dataset,
                      "measure": label_of(label, profile), "value": fields["value"]}
            if cells[0] and not re.fullmatch(r"\S*?\d+年度?", compact(cells[0])):  # more than a year: a title
                record["table"] = label_of(cells[0], profile)
            if fields.get("unit"):
                record["unit"] = fields["unit"]
            record[year[0]] = year[1]
            if dims:
                record["dimensions"] = dims   # as printed (R4年8月～R5年3月)
            found.add("statistics", record, "tallies")
