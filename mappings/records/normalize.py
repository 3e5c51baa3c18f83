"""Normalisation of PDF-extracted Japanese text.

The source documents came out of PDFs: names are spread with spaces
(``服 部 正 義``), digits are sometimes full-width, dates are in Japanese eras,
``▲`` stands for minus and large numbers use 万/億.  Everything that turns such
text into values lives here, so it is tested in one place.

>>> compact("服 部 正 義")
'服部正義'
>>> clean_label("水戸市第 6 次総合計画")
'水戸市第6次総合計画'
>>> parse_number("▲107")
Decimal('-107')
>>> sorted(dates_in("明 22. 5"))
['1889', '1889-05']
"""

from __future__ import annotations
import re
import unicodedata
from decimal import Decimal

ERA_OFFSETS = {
    "明治": 1867, "明": 1867, "M": 1867,
    "大正": 1911, "大": 1911, "T": 1911,
    "昭和": 1925, "昭": 1925, "S": 1925,
    "平成": 1988, "平": 1988, "H": 1988,
    "令和": 2018, "令": 2018, "R": 2018,
}

_CJK = r"\u2460-\u24ff\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff60々〆ヶ"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u3000]+(?=[{_CJK}0-9])|(?<=[{_CJK}0-9])[ \t\u3000]+(?=[{_CJK}])")
_WHITESPACE = re.compile(r"\s+")


def nfkc(text: str) -> str:
    """Unicode NFKC: full-width digits and letters become ASCII (and ① becomes 1).

    >>> nfkc("ＩＣＴ２０")
    'ICT20'
    """
    return unicodedata.normalize("NFKC", text)


def compact(text: str) -> str:
    """NFKC with every white space removed: the form used to compare a value with its source line."""
    return _WHITESPACE.sub("", nfkc(text))


_CIRCLED = re.compile(r"[\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]")


def nfkc_keep_circled(text: str) -> str:
    """NFKC except circled numbers, which number list items (① must not become 1).

    >>> nfkc_keep_circled("①ＩＣＴ")
    '①ICT'
    """
    out, last = [], 0
    for m in _CIRCLED.finditer(text):
        out.append(nfkc(text[last:m.start()]))
        out.append(m.group())
        last = m.end()
    out.append(nfkc(text[last:]))
    return "".join(out)


def clean_label(text: str) -> str:
    """A label for the graph: NFKC (circled numbers kept), PDF spacing inside Japanese removed,
    other runs of space folded.

    >>> clean_label("G7 茨城水戸 内務・安全担当大臣会合")
    'G7茨城水戸内務・安全担当大臣会合'
    >>> clean_label("Google for Education")
    'Google for Education'
    >>> clean_label("①行政区域を越える")
    '①行政区域を越える'
    """
    text = nfkc_keep_circled(text).strip()
    text = _SPACE_BETWEEN_CJK.sub("", text)
    return _WHITESPACE.sub(" ", text)


# --- numbers -----------------------------------------------------------------

_NUMBER = re.compile(
    r"(?P<sign>[▲△+\-])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<mult>万|億)?"
)
_MULTIPLIERS = {"万": Decimal(10_000), "億": Decimal(100_000_000)}


def parse_number(text: str) -> Decimal:
    """Parse one number as printed: commas, full-width digits, ▲/△ for minus, 万/億.

    >>> parse_number("1,700件")
    Decimal('1700')
    >>> parse_number("約3,205万人")
    Decimal('32050000')
    >>> parse_number("abc")
    Traceback (most recent call last):
    ...
    ValueError: no number in 'abc'
    """
    m = _NUMBER.search(compact(text))
    if not m:
        raise ValueError(f"no number in {text!r}")
    return _match_values(m, preceded_by_digit=False, keep_unsigned=False)[-1]


def numbers_in(text: str, keep_unsigned: bool = True) -> list[Decimal]:
    """Every number in ``text`` in order, after NFKC and with PDF spacing removed.

    ``▲``/``△`` make a number negative.  A ``-`` is ambiguous in these documents
    (a minus in ``-1.4``, a range in ``2015-2023``), so with ``keep_unsigned`` both
    readings are returned for it.  A number followed by 万 or 億 is returned both
    as printed and multiplied out.
    """
    out: list[Decimal] = []
    for cell in _cells(text):
        for m in _NUMBER.finditer(cell):
            preceded_by_digit = m.start() > 0 and cell[m.start() - 1].isdigit()
            out.extend(_match_values(m, preceded_by_digit, keep_unsigned))
    return out


def _cells(text: str) -> list[str]:
    """Table cells and lines, each compacted: tabs and line breaks separate values, spaces do not.

    >>> _cells("200\\t178\\n1, 700 件")
    ['200', '178', '1,700件']
    """
    return [compact(cell) for cell in re.split(r"[\t\r\n]+", text)]


def _match_values(m: re.Match, preceded_by_digit: bool, keep_unsigned: bool) -> list[Decimal]:
    value = Decimal(m.group("int").replace(",", "") + (m.group("frac") or ""))
    sign = m.group("sign")
    if sign in ("▲", "△"):
        values = [-value]
    elif sign == "-" and not preceded_by_digit:
        values = [-value, value] if keep_unsigned else [-value]
    else:
        values = [value]
    if m.group("mult"):
        values += [v * _MULTIPLIERS[m.group("mult")] for v in values]
    return values


# --- dates -------------------------------------------------------------------

_ERA_NAMES = "|".join(sorted(ERA_OFFSETS, key=len, reverse=True))
_ERA_DATE = re.compile(
    rf"(?P<era>{_ERA_NAMES})(?P<year>元|\d{{1,2}})(?![\d,])"
    r"(?:(?:年度?|\.)(?P<month>\d{1,2})(?!\d)(?:月|\.)?(?:(?P<day>\d{1,2})日)?)?"
)
_WESTERN_DATE = re.compile(
    r"(?<!\d)(?P<year>(?:18|19|20)\d{2})(?!\d)(?:\([^)]*\))?(?:年度?(?:(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?)?)?"
)


def era_year(era: str, year: str) -> int:
    """Western year of a Japanese era year; ``元`` is year 1.

    >>> era_year("令和", "元"), era_year("H", "28"), era_year("明", "22")
    (2019, 2016, 1889)
    """
    try:
        offset = ERA_OFFSETS[era]
    except KeyError:
        raise ValueError(f"unknown era {era!r}") from None
    return offset + (1 if year == "元" else int(year))


def _iso(year: int, month: str | None, day: str | None) -> list[str]:
    out = [f"{year:04d}"]
    if month and 1 <= int(month) <= 12:
        out.append(f"{year:04d}-{int(month):02d}")
        if day and 1 <= int(day) <= 31:
            out.append(f"{year:04d}-{int(month):02d}-{int(day):02d}")
    return out


def dates_in(text: str) -> set[str]:
    """ISO dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) written in ``text``, era or western.

    >>> sorted(dates_in("昭和40年4月30日締結"))
    ['1965', '1965-04', '1965-04-30']
    >>> sorted(dates_in("S61.1 ※1"))
    ['1986', '1986-01']
    >>> sorted(dates_in("2015（平成27）年度から"))
    ['2015']
    """
    found: set[str] = set()
    for cell in _cells(text):
        _era_dates(cell, found)
        for m in _WESTERN_DATE.finditer(cell):
            found.update(_iso(int(m.group("year")), m.group("month"), m.group("day")))
    return found


# 「同年N月」, or a bare 「N月」 (not the month of a date: no digit, 年 or . before it)
_SAME_YEAR = re.compile(r"(?:同年|(?<![\d年度.]))(\d{1,2})月")


def _era_dates(text: str, found: set[str]) -> None:
    """Era dates of one cell; 「同年N月」 and a bare 「N月」 take the year of the era date just before it.

    >>> found = set(); _era_dates("平成11年4月に移転、同年9月に要望", found); sorted(found)
    ['1999', '1999-04', '1999-09']
    >>> found = set(); _era_dates("平成23年3月に発生した震災のため、5月に要望。6月には再度", found); sorted(found)
    ['2011', '2011-03', '2011-05', '2011-06']
    """
    tokens = sorted([*_ERA_DATE.finditer(text), *_SAME_YEAR.finditer(text)], key=lambda m: m.start())
    last_year = None
    for m in tokens:
        if m.re is _SAME_YEAR:
            if last_year is not None:
                found.update(_iso(last_year, m.group(1), None))
            continue
        # a bare Latin era letter must not be the tail of a word ("ISO" has no era)
        if len(m.group("era")) == 1 and m.group("era").isascii() and m.start() > 0 and text[m.start() - 1].isascii() and text[m.start() - 1].isalpha():
            continue
        last_year = era_year(m.group("era"), m.group("year"))
        found.update(_iso(last_year, m.group("month"), m.group("day")))


def parse_era_date(text: str) -> str:
    """The most precise ISO date in ``text``; raises when there is none.

    >>> parse_era_date("平 23. 5")
    '2011-05'
    """
    found = dates_in(text)
    if not found:
        raise ValueError(f"no date in {text!r}")
    return max(found, key=len)


_ORDINALS = {"初": 1}


def parse_ordinal(text: str) -> int:
    """Ordinal of a table's 代 column: ``初`` is the first.

    >>> parse_ordinal("初"), parse_ordinal("１９")
    (1, 19)
    """
    text = compact(text).removesuffix("代")
    if text in _ORDINALS:
        return _ORDINALS[text]
    if text.isdigit():
        return int(text)
    raise ValueError(f"not an ordinal: {text!r}")
