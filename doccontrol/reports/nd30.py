"""The layout of a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I) in .docx.

What the decree asks, and what this module writes:

- A4 portrait (landscape allowed for wide tables); margins top and bottom 20 mm, left 30 mm,
  right 15 mm; Times New Roman; body 14 pt, justified, first-line indent;
- top left: the parent agency (capitals, 12 pt) over the issuing agency (capitals, bold,
  underlined, 12 pt), then ``Số: …/BC-…`` (13 pt);
- top right: the Quốc hiệu (capitals, bold, 12 pt) over the Tiêu ngữ (bold, underlined,
  13 pt), then the place-and-date line (italic, 14 pt; a day below 10 and the months 1 and 2
  with a leading zero: ``Lạng Sơn, ngày 05 tháng 11 năm 2024``);
- the document type (``BÁO CÁO``, capitals, bold, centred, 14 pt) over its subject line (bold,
  centred);
- the signature block at the right (authority and title in capitals, bold; the signer's name
  bold) and ``Nơi nhận:`` at the left (bold italic, 12 pt) with the recipients (11 pt, each
  ``- …;``, the last ``- Lưu: VT, ….``);
- page numbers centred in the page header from page 2 on.

Pure helpers (:func:`date_line`, :func:`recipient_lines`) are separate from the python-docx ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from doccontrol.reports import layout

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
FONT = "Times New Roman"

EMU_PER_MM = 36000  # python-docx's lengths are EMU (English Metric Units)
A4_WIDTH_MM = 210
A4_HEIGHT_MM = 297
MARGIN_TOP_MM = 20
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 30
MARGIN_RIGHT_MM = 15

SIZE_BODY = 14
SIZE_QUOC_HIEU = 12
SIZE_TIEU_NGU = 13
SIZE_AGENCY = 12
SIZE_NUMBER = 13
SIZE_PLACE_DATE = 14
SIZE_TITLE = 14
SIZE_TABLE = 12
SIZE_NOI_NHAN = 12
SIZE_RECIPIENTS = 11
SIZE_SIGNATURE = 14


# --------------------------------------------------------------------------------------------
# Pure


def date_line(place: str, day: dt.date) -> str:
    """``Lạng Sơn, ngày 05 tháng 11 năm 2024``: a day below 10 and the months 1 and 2 are
    written with a leading zero (Nghị định 30/2020/NĐ-CP, Phụ lục I, mục I.5)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def recipient_lines(recipients: Sequence[str], archive: str) -> list[str]:
    """``- Sở Khoa học và Công nghệ (b/c);`` … ``- Lưu: VT, VP.``"""
    lines = [f"- {r.strip().rstrip(';.').strip()};" for r in recipients if r.strip()]
    lines.append(f"- Lưu: {archive.strip().rstrip('.').strip()}.")
    return lines


def number_line(number: str, kind: str, symbol: str) -> str:
    """``Số: 125/BC-SLĐTBXH``, or ``Số:      /BC-SLĐTBXH`` while the number is not given yet."""
    shown = number.strip() if number and number.strip() else "      "
    tail = f"{kind}-{symbol}" if symbol else kind
    return f"Số: {shown}/{tail}"


# --------------------------------------------------------------------------------------------
# python-docx


def new_document(landscape: bool = False) -> Any:
    """An empty A4 document with the decree's margins and fonts."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(A4_HEIGHT_MM), Mm(A4_WIDTH_MM)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(A4_WIDTH_MM), Mm(A4_HEIGHT_MM)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    for name in ("Normal", "Table Grid"):
        style = doc.styles[name]
        style.font.name = FONT
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
        lang = rpr.makeelement(qn("w:lang"), {qn("w:val"): "vi-VN"})
        rpr.append(lang)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(SIZE_BODY)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    return doc


def _width(doc: Any) -> int:
    section = doc.sections[-1]
    return int(section.page_width - section.left_margin - section.right_margin)


def run(paragraph: Any, text: str, size: float = SIZE_BODY, bold: bool = False, italic: bool = False,
        underline: bool = False) -> Any:
    from docx.shared import Pt

    r = paragraph.add_run(text)
    r.font.name = FONT
    r.font.size = Pt(size)
    r.bold = bold
    r.italic = italic
    r.underline = underline
    return r


def _center(paragraph: Any) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _no_borders(table: Any) -> None:
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.makeelement(qn("w:tblBorders"), {})
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(borders.makeelement(qn(f"w:{edge}"), {qn("w:val"): "nil"}))
    tbl_pr.append(borders)


def _fixed_widths(table: Any, widths: Sequence[int]) -> None:
    """Column widths that Word and LibreOffice both keep: the grid, every cell, a fixed layout."""
    from docx.oxml.ns import qn

    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = tbl_pr.makeelement(qn("w:tblLayout"), {qn("w:type"): "fixed"})
    tbl_pr.append(layout)
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _cell_paragraph(cell: Any, first: bool) -> Any:
    return cell.paragraphs[0] if first else cell.add_paragraph()


def two_columns(doc: Any, left_share: float = 0.40) -> tuple[Any, Any]:
    """A borderless two-column table across the text width: (left cell, right cell)."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    width = _width(doc)
    _fixed_widths(table, [int(width * left_share), width - int(width * left_share)])
    left, right = table.rows[0].cells
    return left, right


def header_block(doc: Any, parent_agency: str, agency: str, number: str, place_date: str) -> None:
    """The two columns at the top of the first page."""
    left, right = two_columns(doc)
    p = _center(_cell_paragraph(left, True))
    if parent_agency:
        run(p, parent_agency.upper(), SIZE_AGENCY)
        p = _center(left.add_paragraph())
    run(p, agency.upper(), SIZE_AGENCY, bold=True, underline=True)
    p = _center(left.add_paragraph())
    p.paragraph_format.space_before = _pt(6)
    run(p, number, SIZE_NUMBER)
    q = _center(_cell_paragraph(right, True))
    run(q, QUOC_HIEU, SIZE_QUOC_HIEU, bold=True)
    q = _center(right.add_paragraph())
    run(q, TIEU_NGU, SIZE_TIEU_NGU, bold=True, underline=True)
    q = _center(right.add_paragraph())
    q.paragraph_format.space_before = _pt(6)
    run(q, place_date, SIZE_PLACE_DATE, italic=True)


def _pt(value: float) -> Any:
    from docx.shared import Pt

    return Pt(value)


def title_block(doc: Any, kind: str, subject_lines: Sequence[str]) -> None:
    """``BÁO CÁO`` over its subject line(s)."""
    p = _center(doc.add_paragraph())
    p.paragraph_format.space_before = _pt(18)
    run(p, kind.upper(), SIZE_TITLE, bold=True)
    for line in subject_lines:
        q = _center(doc.add_paragraph())
        run(q, line, SIZE_TITLE, bold=True)
    rule = _center(doc.add_paragraph())
    run(rule, "_" * 14, SIZE_TITLE - 4)
    rule.paragraph_format.space_after = _pt(12)


def body_paragraph(doc: Any, text: str, bold: bool = False, italic: bool = False, indent: bool = True) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.space_before = _pt(3)
    p.paragraph_format.space_after = _pt(3)
    p.paragraph_format.line_spacing = 1.15
    if indent:
        p.paragraph_format.first_line_indent = Cm(1.0)
    run(p, text, SIZE_BODY, bold=bold, italic=italic)
    return p


def to_fill(doc: Any, text: str) -> Any:
    """A clearly marked place for what only people know: highlighted, in brackets, italic."""
    from docx.enum.text import WD_COLOR_INDEX

    p = body_paragraph(doc, "", indent=True)
    r = run(p, f"[CẦN BỔ SUNG / TO BE FILLED IN: {text}]", SIZE_BODY, italic=True)
    r.font.highlight_color = WD_COLOR_INDEX.YELLOW
    dots = doc.add_paragraph()
    run(dots, "." * 90, SIZE_BODY)
    return p


def _repeat_header(row: Any) -> None:
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))


SIZE_TABLE_SMALLEST = 10  # a table's text is made smaller down to this before a word would break


def table_layout(headings: Sequence[str], rows: Sequence[Sequence[object]], width_emu: int,
                 shares: Sequence[float] | None = None, size: float = SIZE_TABLE) -> tuple[float, list[int]]:
    """The font size and the column widths (EMU) of a table ``width_emu`` wide (pure): the
    largest size from ``size`` down to :data:`SIZE_TABLE_SMALLEST` at which every word, number
    and code fits its column whole (``layout.column_widths``); failing that, ``shares`` of the
    width at the smallest size."""
    total_mm = width_emu / EMU_PER_MM
    candidate = size
    while candidate >= SIZE_TABLE_SMALLEST:
        found = layout.column_widths(headings, rows, total_mm, candidate)
        if found is not None:
            return candidate, [int(w * EMU_PER_MM) for w in found]
        candidate -= 0.5
    shares = shares or [1.0] * len(headings)
    return SIZE_TABLE_SMALLEST, [int(width_emu * s / sum(shares)) for s in shares]


def data_table(doc: Any, headings: Sequence[str], rows: Sequence[Sequence[str]],
               shares: Sequence[float] | None = None, size: float = SIZE_TABLE,
               numeric: Sequence[int] = (), sized_by: Sequence[Sequence[str]] | None = None) -> Any:
    """A bordered table, its heading row bold, centred and repeated on every page. Its column
    widths come from its content (:func:`table_layout`), or from ``sized_by`` (the rows of every
    table that should line up with it); ``shares`` only when no size fits. Each cell's lines are
    broken at spaces here when it holds a code (``layout.cell_text``), never inside one."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    width = _width(doc)
    size, widths = table_layout(headings, rows if sized_by is None else sized_by, width, shares, size)
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    head = table.rows[0]
    _repeat_header(head)
    for cell, text, w in zip(head.cells, headings, widths):
        cell.width = w
        p = _center(cell.paragraphs[0])
        run(p, layout.cell_text(text, w / EMU_PER_MM, size, bold=True), size, bold=True)
    for values in rows:
        cells = table.add_row().cells
        for j, (cell, text, w) in enumerate(zip(cells, values, widths)):
            cell.width = w
            p = cell.paragraphs[0]
            if j in numeric:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run(p, layout.cell_text(str(text), w / EMU_PER_MM, size), size)
    _fixed_widths(table, widths)
    doc.add_paragraph().paragraph_format.space_after = _pt(3)
    return table


def signature_block(doc: Any, recipients: Sequence[str], archive: str, authority: str, title: str,
                    signer: str) -> None:
    """``Nơi nhận:`` and the recipients at the left, the signature at the right."""
    left, right = two_columns(doc, 0.45)
    p = _cell_paragraph(left, True)
    p.paragraph_format.space_before = _pt(12)
    run(p, "Nơi nhận:", SIZE_NOI_NHAN, bold=True, italic=True)
    for line in recipient_lines(recipients, archive):
        q = left.add_paragraph()
        run(q, line, SIZE_RECIPIENTS)
    first = True
    for line in (authority, title):
        if not line:
            continue
        q = _center(_cell_paragraph(right, first))
        if first:
            q.paragraph_format.space_before = _pt(12)
        first = False
        run(q, line.upper(), SIZE_SIGNATURE, bold=True)
    for _ in range(4):
        _cell_paragraph(right, first)
        first = False
    q = _center(_cell_paragraph(right, first))
    run(q, signer or "", SIZE_SIGNATURE, bold=True)


def page_numbers(doc: Any) -> None:
    """Page numbers centred in the header, from the second page on."""
    from docx.oxml.ns import qn

    section = doc.sections[0]
    section.different_first_page_header_footer = True
    p = _center(section.header.paragraphs[0])
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        r = run(p, "", SIZE_BODY)
        if kind:
            el = r._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
            r._r.append(el)
        elif text == " PAGE ":
            el = r._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = text
            r._r.append(el)
        else:
            r.text = text


def to_bytes(doc: Any) -> bytes:
    import io

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
