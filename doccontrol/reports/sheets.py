"""The sinks of every spreadsheet export: each value passes ``core.cells.cell`` on its way in,
so nothing a document, a catalog or a person wrote becomes a live formula (CSV or xlsx); and
the page setup every printed sheet shares (:func:`a4_page_setup`)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from doccontrol.core import cells


class CsvRows:
    """A ``csv.writer`` whose rows are neutralised and kept as text where a spreadsheet would
    misread them (:func:`doccontrol.core.cells.csv_row`)."""

    def __init__(self, stream: Any) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, values: Iterable[object]) -> None:
        self._writer.writerow(cells.csv_row(values))


def append(ws: Any, values: Iterable[object]) -> None:
    """``ws.append`` with every plain value neutralised (styled cells are, when they are made)."""
    ws.append(cells.row(values))


# Printed sheets: A4 with the margins of Nghị định 30/2020/NĐ-CP (top and bottom 20 mm, left 30 mm,
# right 15 mm), in inches as the xlsx format counts them.
MM_PER_INCH = 25.4
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
LANDSCAPE_TEXT_MM = 297 - MARGINS_MM["left"] - MARGINS_MM["right"]
PORTRAIT_TEXT_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]
PAPERSIZE_A4 = "9"  # the xlsx code of A4 paper (ECMA-376, CT_PageSetup paperSize)


def a4_page_setup(ws: Any, head_row: int | None, landscape: bool = True) -> None:
    """A4 (landscape by default), the decree's margins, fitted to the page width (as many pages
    down as it takes), the heading row (if any) frozen and repeated at the top of every printed page."""
    if head_row is not None:
        ws.print_title_rows = f"{head_row}:{head_row}"
        ws.freeze_panes = f"A{head_row + 1}"
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for side, mm in MARGINS_MM.items():
        setattr(ws.page_margins, side, round(mm / MM_PER_INCH, 3))
