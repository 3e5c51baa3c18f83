"""PDF-noise normalisation: spacing, full-width digits, era dates, ▲, 万."""

from decimal import Decimal
import pytest
from mappings.records.normalize import clean_label, compact, dates_in, era_year, numbers_in, parse_era_date, parse_number, parse_ordinal


@pytest.mark.parametrize("printed, expected", [
    ("服 部 正 義", "服部正義"),
    ("水戸市第 6 次総合計画", "水戸市第6次総合計画"),
    ("ＩＣＴ社会", "ICT社会"),
    ("インターネット・L G W A Nを活用", "インターネット・L G W A Nを活用"),  # Latin letters keep their spaces
    ("Google for Education Kickstart", "Google for Education Kickstart"),
])
def test_clean_label(printed, expected):
    assert clean_label(printed) == expected


@pytest.mark.parametrize("printed, value", [
    ("1,700件", Decimal("1700")), ("▲107", Decimal("-107")), ("△5", Decimal("-5")),
    ("１２３", Decimal("123")), ("72.0", Decimal("72.0")), ("約35万人", Decimal("350000")),
    ("約3,205万人", Decimal("32050000")), ("-1.4", Decimal("-1.4")),
])
def test_parse_number(printed, value):
    assert parse_number(printed) == value


def test_parse_number_without_number():
    with pytest.raises(ValueError, match="no number"):
        parse_number("未算出")


def test_numbers_in_reads_every_figure_of_a_kpi_cell():
    found = numbers_in("[小6]+2.0 [中2]-1.0※ 908,115 (2016年度) ▲177")
    assert {Decimal("2.0"), Decimal("-1.0"), Decimal("908115"), Decimal("2016"), Decimal("-177")} <= set(found)
    assert Decimal("177") not in found  # ▲ is a minus, never a plain number


@pytest.mark.parametrize("era, year, western", [
    ("明", "22", 1889), ("大", "3", 1914), ("昭", "7", 1932), ("平", "5", 1993), ("令和", "元", 2019),
    ("H", "28", 2016), ("R", "8", 2026), ("S", "61", 1986),
])
def test_era_year(era, year, western):
    assert era_year(era, year) == western


def test_unknown_era():
    with pytest.raises(ValueError, match="unknown era"):
        era_year("X", "1")


@pytest.mark.parametrize("printed, iso", [
    ("明 22. 5", "1889-05"), ("平 23. 5", "2011-05"), ("昭和40年4月30日締結", "1965-04-30"),
    ("平成12年6月6日提携", "2000-06-06"), ("令和 4年10月 電子決裁", "2022-10"), ("S61.1 ※1", "1986-01"),
    ("H1.4 ※2", "1989-04"), ("平成 20 年に", "2008"), ("2015（平成27）年度", "2015"),
])
def test_parse_era_date(printed, iso):
    assert parse_era_date(printed) == iso


def test_dates_in_ignores_latin_words():
    assert dates_in("ISO等認証取得事業") == set()


def test_in_office_has_no_date():
    with pytest.raises(ValueError):
        parse_era_date("在 任 中")


def test_compact_folds_width_and_space():
    assert compact("（ ２０１８年度 ）") == "(2018年度)"


@pytest.mark.parametrize("printed, ordinal", [("初", 1), ("19", 19), ("２代", 2)])
def test_parse_ordinal(printed, ordinal):
    assert parse_ordinal(printed) == ordinal


def test_table_cells_do_not_fuse():
    # sources/001 line 210: target, baseline and expected values in neighbouring cells
    found = numbers_in("単位:団体等\t200\t178\t期待値\t189\t193\t196")
    assert {Decimal(v) for v in ("200", "178", "189", "193", "196")} <= set(found)
    assert Decimal("200178") not in found


def test_circled_numbers_survive_in_labels():
    assert clean_label("①行政区域を越える ②多様化") == "①行政区域を越える②多様化"
