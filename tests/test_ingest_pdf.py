"""plankg ingest of a PDF: a small Japanese plan the test writes with reportlab (its built-in CID fonts
HeiseiMin-W3 and HeiseiKakuGo-W5; pdfminer.six decodes them with the Adobe-Japan1 CMaps it ships), read
into lines and tab-separated cells, written beside the PDF as the text its records cite, proposed, and
checked by the source-line check through a catalog entry that carries both SHA-256s; a scanned PDF and a
damaged one are refused naming what is wrong, writing nothing."""

from __future__ import annotations
import hashlib
from decimal import Decimal
from pathlib import Path
import pytest
import yaml
from typer.testing import CliRunner
from mappings.extract.cli import app as ingest
from mappings.records.sources import check_digit

ROOT = Path(__file__).resolve().parents[1]
CITY = "08216" + check_digit("08216")   # 笠間市
DOC = "kasama-later-basic-plan"
KIND = "later-basic-plan-sections"
PROFILE = {
    "document": DOC, "city": CITY, "plan": "kasama-plan", "org_prefix": "kasama-",
    "headings": [{"kind": "goal", "pattern": "基本目標 {roman}", "id": "goal-{n}"},
                 {"kind": "policy", "pattern": "施策 {n}", "id": "policy-{n}"}],
    "readers": [{"reader": "kpi"}, {"reader": "projects", "blank": "above"}, {"reader": "statistics"}],
}
MIN, GOTHIC = "HeiseiMin-W3", "HeiseiKakuGo-W5"
# (page, font, size, x, y, text): what the PDF prints, in an order other than reading order (the table's
# header is drawn last, cells right to left) so that the reader must place text by position
PRINTED = [
    (1, GOTHIC, 14, 72, 780, "笠間市総合計画 後期基本計画"),
    (1, GOTHIC, 12, 72, 740, "基本目標 Ⅰ 安心して暮らせるまち"),
    (1, GOTHIC, 12, 72.3, 740, "基本目標 Ⅰ 安心して暮らせるまち"),  # overprinted: a bold face simulated
    (1, GOTHIC, 11, 72, 712, "施策 1 地域医療の充実"),
    (1, MIN, 10, 72, 690, "誰もが身近な地域で安心して医療を受けられる体制をつくる。"),
    (1, MIN, 9, 400, 647, "72.5"), (1, MIN, 10, 280, 646, "80.0"),  # a smaller cell, centred: 1 pt higher
    (1, MIN, 10, 72, 646, "かかりつけ医を持つ市民の割合 単位:%"),
    (1, MIN, 10, 72, 632, "健康診査の受診者数 単位:人"), (1, MIN, 10, 280, 632, "12,000"),
    (1, MIN, 10, 400, 632, "10,214 (2020年度)"),
    (1, MIN, 10, 400, 660, "基準値 (2021年度)"), (1, MIN, 10, 280, 660, "目標値 (2026年度)"),
    (1, MIN, 10, 72, 660, "成果指標"),
    (1, GOTHIC, 11, 72, 600, "施策 2 子育て支援の充実"),
    # a project table whose second row prints no mark and no department (blank cells: not in the PDF)
    (1, MIN, 10, 372, 580, "担当課"), (1, MIN, 10, 72, 580, "主な事業"),
    (1, MIN, 10, 72, 566, "重点"), (1, MIN, 10, 160, 566, "新 子育て応援事業"), (1, MIN, 10, 372, 566, "子ども家庭課"),
    (1, MIN, 10, 160, 552, "地域子育て支援拠点事業"),
    (2, GOTHIC, 12, 72, 780, "基本目標 Ⅱ 活力あるまち"),
    (2, GOTHIC, 11, 72, 752, "施策 3 観光の振興"),
    (2, MIN, 10, 72, 724, "表 1 観光入込客数の推移"),
    (2, MIN, 10, 72, 710, "(単位:千人)"),
    (2, MIN, 10, 72, 696, "区分"), (2, MIN, 10, 200, 696, "2021年"), (2, MIN, 10, 300, 696, "2022年"),
    (2, MIN, 10, 72, 682, "観光入込客数"), (2, MIN, 10, 200, 682, "2,931"), (2, MIN, 10, 300, 682, "3,468"),
    (2, MIN, 10, 72, 660, "(資料:商工観光課)"),
    (2, GOTHIC, 10, 560, 400, "令和4年3月 笠間市", 90),  # printed up the margin: read in its own direction
]
TEXT = """笠間市総合計画 後期基本計画

基本目標 Ⅰ 安心して暮らせるまち

施策 1 地域医療の充実

誰もが身近な地域で安心して医療を受けられる体制をつくる。

成果指標\t目標値 (2026年度)\t基準値 (2021年度)
かかりつけ医を持つ市民の割合 単位:%\t80.0\t72.5
健康診査の受診者数 単位:人\t12,000\t10,214 (2020年度)

施策 2 子育て支援の充実

主な事業\t\t担当課
重点\t新 子育て応援事業\t子ども家庭課
\t地域子育て支援拠点事業\t
基本目標 Ⅱ 活力あるまち

施策 3 観光の振興

表 1 観光入込客数の推移
(単位:千人)
区分\t2021年\t2022年
観光入込客数\t2,931\t3,468

(資料:商工観光課)
令和4年3月 笠間市
"""


def write_plan_pdf(path: Path, printed=PRINTED) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    for font in (MIN, GOTHIC):
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    pdf = canvas.Canvas(str(path), pagesize=(595, 842), invariant=1)  # invariant: the same bytes every run
    for page in sorted({p for p, *_ in printed}):
        for _, font, size, x, y, text, *angle in (t for t in printed if t[0] == page):
            pdf.saveState()
            pdf.translate(x, y)
            pdf.rotate(angle[0] if angle else 0)
            pdf.setFont(font, size)
            pdf.drawString(0, 0, text)
            pdf.restoreState()
        pdf.showPage()
    pdf.save()


@pytest.fixture()
def plan(tmp_path):
    (tmp_path / "sources").mkdir()
    pdf = tmp_path / "sources" / "kasama.pdf"
    write_plan_pdf(pdf)
    (tmp_path / "profile.yaml").write_text(yaml.safe_dump(PROFILE, allow_unicode=True), encoding="utf-8")
    return tmp_path


def _ingest(root: Path, source: Path):
    return CliRunner().invoke(ingest, [str(source), "--city", CITY, "--kind", KIND, "--profile",
                                       str(root / "profile.yaml"), "--out", str(root / "out"),
                                       "--root", str(ROOT), "--no-corrections"])


def test_pdf_text_is_lines_in_reading_order_with_cells(plan):
    from mappings.extract.reading_pdf import read_pdf

    read = read_pdf(plan / "sources" / "kasama.pdf")
    assert (read.text, read.pages, read.empty_pages) == (TEXT, 2, [])



def _drafts(out: Path, kind: str) -> list[dict]:
    from mappings.records.files import load_yaml, strip_lines

    return strip_lines(load_yaml(out / f"{kind}.yaml"))


def test_ingest_writes_the_text_beside_the_pdf_and_proposes_its_records(plan):
    pdf = plan / "sources" / "kasama.pdf"
    result = _ingest(plan, pdf)
    assert result.exit_code == 0, result.output
    text = plan / "sources" / "kasama.txt"
    assert text.read_text(encoding="utf-8") == TEXT
    out = plan / "out"
    elements = _drafts(out, "elements")
    assert [(e["id"], e["number"], e["label"], e.get("parent_ref"), e["lines"])
            for e in elements if e["kind"] != "project"] == [
        ("goal-1", "Ⅰ", "安心して暮らせるまち", None, 3), ("policy-1", "1", "地域医療の充実", "goal-1", 5),
        ("policy-2", "2", "子育て支援の充実", "goal-1", 13), ("goal-2", "Ⅱ", "活力あるまち", None, 18),
        ("policy-3", "3", "観光の振興", "goal-2", 20)]
    # the project table's second row: its blank mark and 担当課 cells placed by the columns of the first
    assert [(e["id"], e["label"], e.get("flags"), e["parent_ref"], e["responsible_refs"], e["lines"])
            for e in elements if e["kind"] == "project"] == [
        ("policy-2-project-01", "子育て応援事業", ["priority", "new"], "policy-2", ["kasama-kodomo-katei-ka"], [15, 16]),
        ("policy-2-project-02", "地域子育て支援拠点事業", None, "policy-2", ["kasama-kodomo-katei-ka"], [15, 16, 17])]
    assert [(o["id"], o["label"], o["city"], o["lines"]) for o in _drafts(out, "organizations")] == [
        ("kasama-kodomo-katei-ka", "子ども家庭課", CITY, [16])]
    indicators = _drafts(out, "indicators")
    assert [(i["id"], i["kind"], i["label"], i["unit"], i["measures_refs"], i["lines"]) for i in indicators] == [
        ("outcome-indicator-01", "outcome-indicator", "かかりつけ医を持つ市民の割合", "%", ["policy-1"], [9, 10]),
        ("outcome-indicator-02", "outcome-indicator", "健康診査の受診者数", "人", ["policy-1"], [9, 11])]
    assert [[(o["role"], o["fiscal_year"], o["value"], o.get("refers_to_fiscal_year")) for o in i["observations"]]
            for i in indicators] == [
        [("target", "2026", Decimal("80.0"), None), ("baseline", "2021", Decimal("72.5"), None)],
        [("target", "2026", 12000, None), ("baseline", "2021", 10214, "2020")]]
    statistics = _drafts(out, "statistics")
    assert [(s["table"], s["measure"], s["year"], s["value"], s["unit"], s["dimensions"], s["lines"])
            for s in statistics] == [
        ("観光入込客数の推移", "観光入込客数", "2021", 2931, "千人", {"資料": "商工観光課"}, [22, 23, 24, 25, 27]),
        ("観光入込客数の推移", "観光入込客数", "2022", 3468, "千人", {"資料": "商工観光課"}, [22, 23, 24, 25, 27])]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert f"Source: `{text}`." in report and "| indicators | kpi | 2 |" in report and "Nothing." in report
    entry = yaml.safe_load((out / "catalog-entry.yaml").read_text(encoding="utf-8"))
    assert entry == [{"id": DOC, "file": "kasama.txt", "sha256": hashlib.sha256(TEXT.encode()).hexdigest(),
                      "pdf": "kasama.pdf", "pdf_sha256": hashlib.sha256(pdf.read_bytes()).hexdigest(),
                      "city_code": CITY, "kind": KIND}]
    # the README's next steps: the entry completed into the catalog, the drafts as records, the check
    from mappings.records.verify import check_all

    (plan / "sources" / "catalog.yaml").write_text(yaml.safe_dump([{
        **entry[0], "title": "笠間市総合計画 後期基本計画", "title_en": "Kasama City Comprehensive Plan, later basic plan",
        "publisher": "笠間市", "period_start": "2022", "period_end": "2026"}], allow_unicode=True), encoding="utf-8")
    (plan / "data" / DOC).mkdir(parents=True)
    for name in ("elements", "indicators", "organizations", "statistics"):
        (plan / "data" / DOC / f"{name}.yaml").write_bytes((out / f"{name}.yaml").read_bytes())
    assert check_all(plan / "data", plan / "sources") == []
    # ingest again: the same text, kept; a PDF changed after the catalog entry fails the check naming it
    assert _ingest(plan, pdf).exit_code == 0 and text.read_text(encoding="utf-8") == TEXT
    write_plan_pdf(pdf, [t if t[5] != "72.5" else (*t[:5], "72.6") for t in PRINTED])
    from mappings.records.schema import RecordError

    with pytest.raises(RecordError, match=r"kasama\.pdf: SHA-256 is [0-9a-f]{64}, catalog says " + entry[0]["pdf_sha256"]):
        check_all(plan / "data", plan / "sources")


def test_a_new_reading_of_the_pdf_does_not_replace_the_text_records_cite(plan):
    pdf = plan / "sources" / "kasama.pdf"
    assert _ingest(plan, pdf).exit_code == 0
    write_plan_pdf(pdf, [t if t[5] != "72.5" else (*t[:5], "72.6") for t in PRINTED])
    result = _ingest(plan, pdf)
    assert result.exit_code == 2 and "kasama.txt exists and differs from the text read now from" in result.output
    assert (plan / "sources" / "kasama.txt").read_text(encoding="utf-8") == TEXT


def _refused(plan: Path, pdf: Path, message: str) -> None:
    result = _ingest(plan, pdf)
    assert result.exit_code == 2, result.output
    assert f"plankg ingest: {pdf}: {message}" in " ".join(result.output.split())
    assert not pdf.with_suffix(".txt").exists() and not (plan / "out").exists()


def test_a_scanned_pdf_without_a_text_layer_is_refused(plan):
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    scan = Image.new("L", (200, 280), 255)
    ImageDraw.Draw(scan).rectangle((20, 20, 180, 40), fill=0)  # a printed line, as pixels
    pdf = plan / "sources" / "scan.pdf"
    page = canvas.Canvas(str(pdf), pagesize=(595, 842))
    page.drawImage(ImageReader(scan), 0, 0, 595, 842)
    page.showPage()
    page.save()
    _refused(plan, pdf, "no text layer on any of its 1 page(s) (a scanned PDF?): run OCR on it first")


def test_a_damaged_pdf_is_refused(plan):
    whole = (plan / "sources" / "kasama.pdf").read_bytes()
    truncated = plan / "sources" / "truncated.pdf"
    truncated.write_bytes(whole[: len(whole) // 2])
    _refused(plan, truncated, "not a readable PDF (PSEOF: Unexpected EOF)")
    garbage = plan / "sources" / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    _refused(plan, garbage, "not a readable PDF (PDFSyntaxError: No /Root object! - Is this really a PDF?)")


def _unmapped_pdf() -> bytes:
    """A PDF whose font maps its glyphs to no Unicode (CIDs of the Identity ordering, no ToUnicode)."""
    content = b"BT /F1 12 Tf 72 700 Td <0041004200430044> Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
               b"/Contents 6 0 R >>",
               b"<< /Type /Font /Subtype /Type0 /BaseFont /Unknown /Encoding /Identity-H /DescendantFonts [5 0 R] >>",
               b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Unknown /CIDSystemInfo << /Registry (Adobe) "
               b"/Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return bytes(out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))


def test_a_pdf_whose_characters_cannot_be_decoded_is_refused(plan):
    pdf = plan / "sources" / "unmapped.pdf"
    pdf.write_bytes(_unmapped_pdf())
    _refused(plan, pdf, "4 of 4 characters have no Unicode mapping in their fonts")
