"""No spreadsheet export turns a value into a live formula (issue 12): titles, TTHC names,
decisions and codes that start with ``=``, ``+``, ``-``, ``@``, a tab or a CR are written as text
by every CSV and xlsx writer (coverage, master list; the web's downloads use the same writers)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import openpyxl
import pytest
from support import coverage_scenario as scenario

from doccontrol.core import cells
from doccontrol.core.config import Config
from doccontrol.core.coverage import CoverageReport
from doccontrol.core.model import ProcedureState, ProcedureStatus
from doccontrol.reports import coverage_report, masterlist

HOSTILE = ['=HYPERLINK("http://evil.invalid","bấm")', "=cmd|' /C calc'!A0", "+1+cmd", "-2+3", "@SUM(A1)",
           "\t=1+1", "\r=1+1", "＝1+1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_the_one_guard(value: str) -> None:
    assert cells.cell(value) == "'" + value
    assert cells.row([value, 3, None, "Cấp giấy phép"]) == ["'" + value, 3, None, "Cấp giấy phép"]


@pytest.mark.parametrize("value", ["Cấp giấy phép", "1.000001", "QT-01/LĐTBXH", "", "50%", " =x"])
def test_plain_text_is_left_alone(value: str) -> None:
    assert cells.cell(value) == value


def _is_formula_text(value: object) -> bool:
    return isinstance(value, str) and value.startswith(cells.FORMULA_STARTS)


def _hostile_report() -> CoverageReport:
    report = scenario.report()
    uncovered = tuple(dataclasses.replace(u, name=HOSTILE[i % len(HOSTILE)], field=HOSTILE[(i + 1) % len(HOSTILE)])
                      for i, u in enumerate(report.uncovered))
    flagged = tuple(dataclasses.replace(f, title=HOSTILE[i % len(HOSTILE)]) for i, f in enumerate(report.flagged))
    decisions = tuple(dataclasses.replace(d, decision=HOSTILE[0]) for d in report.decisions)
    assert uncovered and flagged and decisions
    return dataclasses.replace(report, uncovered=uncovered, flagged=flagged, decisions=decisions)


def _xlsx_cells(data: bytes) -> list[openpyxl.cell.Cell]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row]


def test_coverage_csv_and_xlsx_hold_no_formula() -> None:
    report, ctx = _hostile_report(), coverage_report.ReportContext(agency="=Sở giả")
    rows = list(csv.reader(io.StringIO(coverage_report.render_csv(report, ctx).decode("utf-8-sig"))))
    assert not [value for row in rows for value in row if _is_formula_text(value)]
    assert any(value == "'" + HOSTILE[0] for row in rows for value in row)
    found = _xlsx_cells(coverage_report.render_xlsx(report, ctx))
    assert not [c.coordinate for c in found if c.data_type == "f" or _is_formula_text(c.value)]
    assert any(c.value == "'" + HOSTILE[1] for c in found)


def _hostile_list() -> masterlist.MasterList:
    states = [
        ProcedureState(code=f"QT-0{i}/X", code_key=f"qt-0{i}/x", slug=f"qt-0{i}-x", office="VP", title=title,
                       revision=1, status=ProcedureStatus.CURRENT, sha256="0" * 64, text_sha256="0" * 64,
                       source="a.docx", ext="docx")
        for i, title in enumerate(HOSTILE)
    ]
    config = Config(agency="@Sở", offices={"VP": "=Văn phòng"})
    groups = masterlist.master_groups(states, config)
    return masterlist.MasterList(agency=config.agency, parent_agency="+UBND", generated=dt.datetime(2024, 1, 2),
                                 as_of=None, commit="a" * 40, commit_date=None, status="current",
                                 groups=tuple(groups))


def test_master_list_csv_and_xlsx_hold_no_formula() -> None:
    ml = _hostile_list()
    rows = list(csv.reader(io.StringIO(masterlist.render_csv(ml).decode("utf-8-sig"))))
    assert not [value for row in rows for value in row if _is_formula_text(value)]
    assert sum(1 for row in rows for value in row if value in {"'" + h for h in HOSTILE}) >= len(HOSTILE)
    found = _xlsx_cells(masterlist.render_xlsx(ml))
    assert not [c.coordinate for c in found if c.data_type == "f" or _is_formula_text(c.value)]
