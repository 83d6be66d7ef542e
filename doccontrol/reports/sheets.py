"""The sinks of every spreadsheet export: each value passes ``core.cells.cell`` on its way in,
so nothing a document, a catalog or a person wrote becomes a live formula (CSV or xlsx)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from doccontrol.core import cells


class CsvRows:
    """A ``csv.writer`` whose rows are neutralised (:func:`doccontrol.core.cells.row`)."""

    def __init__(self, stream: Any) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, values: Iterable[object]) -> None:
        self._writer.writerow(cells.row(values))


def append(ws: Any, values: Iterable[object]) -> None:
    """``ws.append`` with every plain value neutralised (styled cells are, when they are made)."""
    ws.append(cells.row(values))
