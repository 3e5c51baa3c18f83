"""A PDF's text layer as the readers read text (pdfminer.six): lines in reading order, cells split by tabs.

Each page's characters are placed by their positions, not by the order the PDF draws them: characters
whose baselines agree stand on one line (top to bottom), in a line left to right; a horizontal gap as wide
as two half-width spaces (one em, an ideographic space: what ``text.from_layout`` reads as a cell break in
``pdftotext -layout`` text) separates cells, a narrower one is a space.  A table (a line of several
cells and the lines that continue it) has its cells placed in its columns, so that a blank cell, which a
PDF does not print, is an empty cell as in the seeds (``\t地区集会所修繕事業\t``).  A wide vertical gap
between two lines not of one table is a blank line, as between paragraphs of the seeds.  Text drawn
rotated by a multiple of 90° is read in its own direction.  Characters stay as printed (NFKC is the
check's business, as for text).
"""

from __future__ import annotations
import io
from dataclasses import dataclass, field
from pathlib import Path
from mappings.records.schema import RecordError

CELL_GAP = 1.0       # em: a gap at least this wide between two characters is a cell break (a tab)
WORD_GAP = 0.2       # em: a narrower gap at least this wide is a space
BASELINE = 0.3       # em: characters whose baselines differ by less stand on one line
PARAGRAPH_GAP = 1.8  # em: baselines further apart than this have a blank line between them
UNMAPPED = 0.5       # share of characters without Unicode (``(cid:N)``) past which the text layer is unusable


@dataclass(frozen=True)
class Glyph:
    """One character in the frame of its writing direction (x to the right, y up)."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float


@dataclass
class PdfText:
    text: str
    pages: int
    empty_pages: list[int] = field(default_factory=list)  # 1-based pages without any text


def _frame(k: int, x: float, y: float) -> tuple[float, float]:
    """Device coordinates turned back by k quarter turns, so that text of direction k runs along x."""
    return [(x, y), (y, -x), (-x, -y), (-y, x)][k]


def _glyph(ch) -> tuple[int, Glyph]:
    a, b, c, d, e, f = ch.matrix
    k = 0 if abs(a) >= abs(b) and a > 0 else 1 if abs(b) > abs(a) and b > 0 else 2 if abs(a) >= abs(b) else 3
    corners = [_frame(k, x, y) for x in (ch.x0, ch.x1) for y in (ch.y0, ch.y1)]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    return k, Glyph(ch.get_text(), min(xs), max(xs), _frame(k, e, f)[1], max(ys) - min(ys))


def _chars(item):
    from pdfminer.layout import LTChar

    for child in item:
        if isinstance(child, LTChar):
            yield child
        elif hasattr(child, "__iter__"):  # figures (form XObjects) hold characters too
            yield from _chars(child)


@dataclass(frozen=True)
class Cell:
    text: str
    x0: float
    x1: float


def _cells(glyphs: list[Glyph]) -> list[Cell]:
    """A line's cells, split where a gap is one em wide or wider (less a rounding margin: an ideographic
    space is exactly one em)."""
    cells: list[Cell] = []
    prev = None
    for g in sorted(glyphs, key=lambda g: g.x0):
        if prev is not None and g.text == prev.text and abs(g.x0 - prev.x0) < 0.2 * g.size:
            continue  # drawn twice, slightly offset: a bold face simulated by overprinting
        em = max(g.size, prev.size) if prev else g.size
        if prev is None or g.x0 - prev.x1 >= CELL_GAP * em - 0.01:
            cells.append(Cell(g.text, g.x0, g.x1))
        else:
            space = " " if g.x0 - prev.x1 >= WORD_GAP * em else ""
            cells[-1] = Cell(cells[-1].text + space + g.text, cells[-1].x0, max(cells[-1].x1, g.x1))
        prev = g
    return cells


def _in_table(cells: list[Cell], left: float, em: float) -> bool:
    """A line of one printed cell continues the table above when it stands right of the table's first
    column (its blank cells were not printed) and is not a caption (資料, 出典, 単位, ※ stand below tables)."""
    return len(cells) > 1 or (cells[0].x0 > left + em and not cells[0].text.lstrip("(（ ").startswith(_CAPTIONS))


_CAPTIONS = ("資料", "出典", "単位", "※", "注")


def _columns(rows: list[list[Cell]]) -> list[str]:
    """The rows of one table with their cells in its columns: the columns are where the cells of its
    fullest rows stand; a cell goes to the column it overlaps most, a column without a cell is an empty
    cell (as the seeds print blank cells).  A row whose cells do not fit one to a column stays as printed."""
    widest = max(len(r) for r in rows)
    full = [r for r in rows if len(r) == widest]
    bands = [(min(r[i].x0 for r in full), max(r[i].x1 for r in full)) for i in range(widest)]
    out = []
    for row in rows:
        placed: dict[int, str] = {}
        for cell in row:
            overlap = [min(cell.x1, b1) - max(cell.x0, b0) for b0, b1 in bands]
            best = max(range(widest), key=lambda i: (overlap[i], -abs(cell.x0 - bands[i][0])))
            placed.setdefault(best, cell.text)
        fits = len(placed) == len(row)
        out.append("\t".join(placed.get(i, "") for i in range(widest)) if fits else "\t".join(c.text for c in row))
    return out


def page_lines(glyphs: list[Glyph]) -> list[str]:
    """The lines of one writing direction of a page, top to bottom (blank lines between paragraphs)."""
    rows: list[list[Glyph]] = []
    for g in sorted((g for g in glyphs if g.text.strip()), key=lambda g: (-g.baseline, g.x0)):
        if rows and rows[-1][0].baseline - g.baseline <= BASELINE * max(g.size, rows[-1][0].size):
            rows[-1].append(g)
        else:
            rows.append([g])
    cells = [_cells(r) for r in rows]
    # tables: from a line of several cells, the lines that continue it; each table's cells in its columns
    table = [0] * len(rows)
    texts = ["\t".join(c.text for c in row).rstrip() for row in cells]
    n, i = 0, 0
    while i < len(rows):
        if len(cells[i]) < 2:
            i += 1
            continue
        n, first, em = n + 1, i, max(g.size for g in rows[i])
        left, spacing = cells[i][0].x0, None
        while i < len(rows) and _in_table(cells[i], left, em):
            table[i], left = n, min(left, cells[i][0].x0)
            i += 1
            if i < len(rows):  # a gap wider than a paragraph's, and than the table's rows are apart, ends it
                gap = rows[i - 1][0].baseline - rows[i][0].baseline
                if gap > max(PARAGRAPH_GAP * em, 1.5 * (spacing or 0)):
                    break
                spacing = spacing or gap
        texts[first:i] = _columns(cells[first:i])
    lines: list[str] = []
    for i, text in enumerate(texts):
        if i:
            gap = rows[i - 1][0].baseline - rows[i][0].baseline
            same_table = table[i] and table[i] == table[i - 1]
            if gap > PARAGRAPH_GAP * max(g.size for g in rows[i - 1] + rows[i]) and not same_table:
                lines.append("")
        lines.append(text)
    return lines


def read_pdf(path: Path) -> PdfText:
    """The text of a PDF's text layer; RecordError naming the file for a PDF that cannot be read, that has
    no text layer (scanned), or whose characters cannot be decoded."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    resources = PDFResourceManager()
    device = PDFPageAggregator(resources, laparams=None)  # no layout analysis: the characters as placed
    interpreter = PDFPageInterpreter(resources, device)
    pages: list[list[str]] = []
    chars = unmapped = 0
    try:
        document = PDFDocument(PDFParser(io.BytesIO(path.read_bytes())))
        declared = resolve1(resolve1(document.catalog.get("Pages")) or {}).get("Count")
        for page in PDFPage.create_pages(document):
            interpreter.process_page(page)
            by_direction: dict[int, list[Glyph]] = {}
            for ch in _chars(device.get_result()):
                k, glyph = _glyph(ch)
                by_direction.setdefault(k, []).append(glyph)
                chars += 1
                unmapped += glyph.text.startswith("(cid:")
            groups = sorted(by_direction.values(), key=len, reverse=True)  # the page's main direction first
            pages.append([line for glyphs in groups for line in page_lines(glyphs)])
    except RecordError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on a damaged file; each names what it found
        raise RecordError(f"{path}: not a readable PDF ({type(exc).__name__}: {exc})") from None
    if isinstance(declared, int) and declared != len(pages):
        raise RecordError(f"{path}: damaged PDF: its page tree declares {declared} page(s), {len(pages)} could be read")
    if not chars:
        raise RecordError(f"{path}: no text layer on any of its {len(pages)} page(s) (a scanned PDF?): "
                          "run OCR on it first (e.g. ocrmypdf), or give its text")
    if unmapped > UNMAPPED * chars:
        raise RecordError(f"{path}: {unmapped} of {chars} characters have no Unicode mapping in their fonts "
                          "(pdfminer prints them as (cid:N)): give the text of another extractor, or OCR")
    empty = [n for n, lines in enumerate(pages, start=1) if not any(lines)]
    text = "\n".join(line for lines in pages for line in lines)
    return PdfText(text + "\n", len(pages), empty)
