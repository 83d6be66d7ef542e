"""Issue 16: CSV exact for machines, faithful for people. UTF-8 with a BOM; dates ISO 8601 (every
spreadsheet reads them as the right day); a text a spreadsheet would take for a number or a date
(``1.001050``, ``11/03/2024``, ``2/6``) marked as text with the one leading apostrophe of
``core.cells`` (a program drops it). Opened by LibreOffice Calc where it is installed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from support import printed
from support.workspace import run

from doccontrol.core.cells import csv_cell


@pytest.mark.parametrize(("value", "written"), [
    ("1.001050", "'1.001050"), ("11/03/2024", "'11/03/2024"), ("2/6", "'2/6"), ("007", "'007"),
    ("03/12/2026 20:27", "'03/12/2026 20:27"), ("87.5", "'87.5"), ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
    ("2024-03-11", "2024-03-11"), ("12", "12"), ("QT-01/VP", "QT-01/VP"), ("Việc làm", "Việc làm"),
    ("1.001978, 1.001973", "1.001978, 1.001973"), ("50,00 %", "50,00 %"), (3, 3),
])
def test_a_cell_a_spreadsheet_would_misread_is_marked_as_text(value: object, written: object) -> None:
    assert csv_cell(value) == written


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_master_list_csv_keeps_codes_and_dates(story: Path) -> None:
    rows = _rows(run(story, "list", "--format", "csv").stdout_bytes)
    head = next(i for i, r in enumerate(rows) if "Mã hiệu (code)" in r)
    table = [dict(zip(rows[head], r)) for r in rows[head + 1:] if r]
    effective = [r["Ngày hiệu lực (effective)"] for r in table]
    assert effective and all(dt.date.fromisoformat(e.split(" ")[0]) for e in effective), effective
    tthc = [r["Mã TTHC (linked TTHC)"] for r in table if r["Mã TTHC (linked TTHC)"]]
    assert "'1.000459" in tthc, tthc  # one code alone: a number to a spreadsheet, so marked as text
    produced = next(r[1] for r in rows if r and r[0] == "Ngày lập (produced)")
    assert dt.datetime.fromisoformat(produced).utcoffset() == dt.timedelta(hours=7)  # ISO 8601 with its offset


def test_the_coverage_csv_keeps_codes_and_fractions(story: Path) -> None:
    rows = _rows(run(story, "coverage", "--format", "csv").stdout_bytes)
    codes = [r[2] for r in rows if r[0] == "uncovered"]
    assert codes and all(c.startswith("'") and c[1:].replace(".", "").isdigit() for c in codes), codes
    tallies = [r[7] for r in rows if r[0] == "by_office"]
    assert tallies and all(t.startswith("'") and "/" in t for t in tallies), tallies  # 1/2 is not 1 February
    decisions = [r[9] for r in rows if r[0] == "decision" and r[9]]
    assert all(dt.date.fromisoformat(d) for d in decisions)


@pytest.mark.slow  # LibreOffice
def test_a_spreadsheet_opens_the_csv_faithfully(story: Path, tmp_path: Path) -> None:
    """LibreOffice Calc opens the CSV (UTF-8) as a person would; codes stay text, dates are days."""
    if not printed.calc_installed():
        pytest.skip("LibreOffice Calc (libreoffice-calc-nogui) is not installed")
    import openpyxl

    source = tmp_path / "danh-muc.csv"
    source.write_bytes(run(story, "list", "--format", "csv").stdout_bytes)
    soffice = printed.tools()[0]  # type: ignore[index]
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180, stdin=subprocess.DEVNULL)
    sheet = openpyxl.load_workbook(tmp_path / "danh-muc.xlsx").active
    cells = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "'1.000459" in cells and 1.000459 not in cells  # the code, not a number
    days = [v for v in cells if isinstance(v, dt.datetime)]
    assert dt.datetime(2024, 1, 10) in days, cells  # the effective date of QT-02/LĐTBXH, read as that day
