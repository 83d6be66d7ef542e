"""Issue 16: papers that look right. Column widths come from the content (no number, code or
word broken), every sheet is set up for A4 (fitted to the page width, headings repeated and
frozen, rows tall enough), tables in Times New Roman. The PDFs themselves are checked in
``test_printed_look.py`` where LibreOffice is installed."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from support.paper_builders import big_coverage, big_master_list

from doccontrol.reports import coverage_report, layout, masterlist, nd30

EMU_PER_MM = 36000


def test_a_column_is_never_narrower_than_its_longest_word() -> None:
    headings = ["TT", "Mã hiệu", "Tên quy trình", "Phòng"]
    rows = [["155", "QT-LĐTBXH-BTXH-150/2024", "Quy trình cấp giấy phép lao động cho người nước ngoài", "LDVL"]]
    widths = layout.column_widths(headings, rows, 165, 12)
    assert widths is not None and abs(sum(widths) - 165) < 0.01
    for j, column in enumerate(zip(headings, *rows)):
        need = max([layout.longest_token_mm(column[0], 12, bold=True)] + [layout.longest_token_mm(v, 12) for v in column[1:]])
        assert widths[j] >= need + layout.CELL_PADDING_MM, (column, widths[j])
    assert layout.column_widths(headings, rows, 40, 12) is None  # the codes alone do not fit


def test_a_cell_breaks_at_spaces_never_inside_a_code() -> None:
    text = "345/QĐ-UBND ngày 15/05/2023; 77/QĐ-UBND ngày 01/01/2024"
    printed = layout.cell_text(text, 40, 12)
    assert printed.split() == text.split() and "\n" in printed  # the same words, broken only between them
    assert all(layout.text_mm(line, 12) <= 40 - layout.CELL_PADDING_MM for line in printed.split("\n"))
    assert layout.cell_text("Giải quyết hưởng trợ cấp thất nghiệp cho người lao động", 30, 12) == (
        "Giải quyết hưởng trợ cấp thất nghiệp cho người lao động")  # only words: the program wraps them
    assert layout.lines_needed(text, 40, 12) == printed.count("\n") + 1


def test_docx_tables_take_their_widths_from_their_content() -> None:
    """The master list of 150 procedures: the TT column holds "150", the code column
    ``QT-LĐTBXH-BTXH-150/2024`` whole (before: fixed shares, the codes broke in the middle)."""
    document = docx.Document(io.BytesIO(masterlist.render_docx(big_master_list())))
    table = document.tables[1]
    widths = [cell.width / EMU_PER_MM for cell in table.rows[1].cells]
    size = table.rows[1].cells[1].paragraphs[0].runs[0].font.size.pt
    assert nd30.SIZE_TABLE_SMALLEST <= size <= nd30.SIZE_TABLE
    for j, cell in enumerate(table.rows[-1].cells):
        column = [row.cells[j].text for row in table.rows]
        need = max(layout.longest_token_mm(v, size, bold=(i == 0)) for i, v in enumerate(column))
        assert widths[j] >= need + layout.CELL_PADDING_MM - 0.01, (column[0], widths[j], need)
    assert all(r.font.name == "Times New Roman" for row in table.rows for c in row.cells for p in c.paragraphs
               for r in p.runs)


def _sheet_fits_a4(ws: openpyxl.worksheet.worksheet.Worksheet) -> None:
    assert ws.page_setup.paperSize in (9, "9"), ws.title  # A4
    assert ws.page_setup.orientation in ("portrait", "landscape"), ws.title
    assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth) == 1, ws.title
    assert int(ws.page_setup.fitToHeight) == 0, ws.title  # as many pages down as it takes
    assert ws.page_margins.left == pytest.approx(30 / 25.4, abs=0.01), ws.title  # Nghị định 30/2020


def _rows_tall_enough(ws: openpyxl.worksheet.worksheet.Worksheet, first: int) -> None:
    widths_mm = {k: (v.width * 7 + 5) / 96 * 25.4 for k, v in ws.column_dimensions.items()}
    for row in ws.iter_rows(min_row=first):
        for cell in row:
            if isinstance(cell.value, str) and cell.coordinate not in ws.merged_cells:
                width = widths_mm[cell.column_letter]
                assert layout.longest_token_mm(cell.value, 12, bool(cell.font.b)) + layout.CELL_PADDING_MM <= width + 0.1, (
                    ws.title, cell.coordinate, cell.value)
                lines = layout.lines_needed(cell.value, width, 12, bool(cell.font.b))
                height = ws.row_dimensions[cell.row].height
                assert height is not None and height >= lines * 12 * 1.2, (ws.title, cell.coordinate, cell.value)


def test_the_coverage_workbook_prints_on_a4() -> None:
    """Before: no page setup (26 portrait pages, columns split), Calibri, clipped titles."""
    book = openpyxl.load_workbook(io.BytesIO(big_coverage()))
    for ws in book.worksheets:
        _sheet_fits_a4(ws)
        assert ws["A1"].font.name == "Times New Roman" and ws.row_dimensions[1].height >= 13 * 1.3, ws.title
    for ws in book.worksheets[1:]:
        assert ws.print_title_rows.replace("$", "") == "2:2" and ws.freeze_panes == "A3", ws.title
        _rows_tall_enough(ws, 2)
    assert book[coverage_report.XLSX_SHEETS["uncovered"]].page_setup.orientation == "landscape"


def test_the_master_list_workbook_prints_on_a4() -> None:
    """Before: wrapped titles overlapped the next row (no row heights), fixed column widths."""
    book = openpyxl.load_workbook(io.BytesIO(masterlist.render_xlsx(big_master_list())))
    ws = book.active
    _sheet_fits_a4(ws)
    head = next(c.row for c in ws["A"] if c.value == masterlist.HEADINGS[0])
    assert ws.print_title_rows.replace("$", "") == f"{head}:{head}" and ws.freeze_panes == f"A{head + 1}"
    assert ws.row_dimensions[2].height >= 14 * 1.3  # the title's tone marks above capitals
    _rows_tall_enough(ws, head)
