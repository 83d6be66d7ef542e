"""Reading catalog files within hard limits (issue 12): a workbook is bounded by the cells it
holds, never by the dimension it claims; oversized CSV fields, formulas without saved values,
empty and header-only catalogs are refused or reported, never a crash or an empty name."""

from __future__ import annotations

import io
import re
import resource
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from doccontrol.cli import main
from doccontrol.core.catalog import CatalogError
from doccontrol.extract import catalog_files
from doccontrol.extract.catalog_files import parse_catalog_file

ROWS = [["Mã TTHC", "Tên thủ tục"], ["1.000001", "Một"], ["1.000002", "Hai"]]


def _workbook(rows: list[list[object]], formulas: tuple[tuple[str, str], ...] = ()) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for coordinate, formula in formulas:
        ws[coordinate] = formula
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _edit_sheet(data: bytes, edit: Callable[[bytes], bytes]) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            target.writestr(info, edit(part) if info.filename == "xl/worksheets/sheet1.xml" else part)
    return out.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_claimed_dimension_of_the_whole_sheet_costs_nothing(tmp_path: Path) -> None:
    data = _edit_sheet(_workbook(ROWS), lambda xml: re.sub(rb'<dimension ref="[^"]*"/>',
                                                           b'<dimension ref="A1:XFD1048576"/>', xml))
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml") and len(data) < 6000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    parsed = parse_catalog_file(_write(tmp_path, "dimension.xlsx", data))
    assert [(r.code, r.name) for r in parsed.rows] == [("1.000001", "Một"), ("1.000002", "Hai")]
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KB: no grid was built


def test_a_cell_at_the_last_row_and_column_is_a_clear_refusal(tmp_path: Path) -> None:
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    data = _edit_sheet(_workbook(ROWS), lambda xml: xml.replace(b"</sheetData>", far))
    with pytest.raises(CatalogError) as info:
        parse_catalog_file(_write(tmp_path, "far.xlsx", data))
    assert "quá lớn" in info.value.message_vi and "100,000 rows" in info.value.message_en


def test_too_many_cells_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog_files, "MAX_CELLS", 5)
    with pytest.raises(CatalogError, match="cells"):
        parse_catalog_file(_write(tmp_path, "many.xlsx", _workbook(ROWS * 2)))


def test_a_formula_is_read_as_its_saved_value(tmp_path: Path) -> None:
    saved = b'<c r="B3" t="str"><f>CONCATENATE("H","ai")</f><v>Hai</v></c>'
    data = _edit_sheet(_workbook(ROWS), lambda xml: re.sub(rb'<c r="B3"[^>]*>.*?</c>', saved, xml))
    parsed = parse_catalog_file(_write(tmp_path, "saved.xlsx", data))
    assert [(r.code, r.name) for r in parsed.rows] == [("1.000001", "Một"), ("1.000002", "Hai")]
    assert parsed.problems == []


def test_a_formula_without_a_saved_value_is_reported_never_an_empty_name(tmp_path: Path) -> None:
    data = _workbook([*ROWS, ["1.000003", None]], formulas=(("B4", '=CONCATENATE("Ba"," lần")'),))
    parsed = parse_catalog_file(_write(tmp_path, "formula.xlsx", data))
    assert [r.code for r in parsed.rows] == ["1.000001", "1.000002"]
    assert len(parsed.problems) == 1 and "công thức" in parsed.problems[0] and "formula" in parsed.problems[0]


def test_merged_cells_are_still_filled_down(tmp_path: Path) -> None:
    from support.catalog_builders import write_decision_workbook

    parsed = parse_catalog_file(write_decision_workbook(tmp_path / "qd.xlsx"))
    assert [r.field for r in parsed.rows[:2]] == ["Việc làm", "Việc làm"]


def test_a_csv_field_over_128_kb_is_refused_cleanly(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.csv", ("Mã TTHC,Tên\n1.000001," + "x" * 200_000 + "\n").encode())
    with pytest.raises(CatalogError) as info:
        parse_catalog_file(path)
    assert "dòng 2" in info.value.message_vi and "128 KB" in info.value.message_en


def test_a_zip_that_declares_too_much_is_refused_before_parsing(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog_files, "MAX_UNCOMPRESSED", 1000)
    with pytest.raises(CatalogError, match="uncompressed"):
        parse_catalog_file(_write(tmp_path, "z.xlsx", _workbook(ROWS)))


@pytest.mark.parametrize(("name", "data"), [
    ("empty.xlsx", _workbook([])),
    ("header.xlsx", _workbook([ROWS[0]])),
    ("header.csv", "Mã TTHC,Tên thủ tục\n".encode()),
    ("empty.csv", b""),
])
def test_an_empty_or_header_only_catalog_is_refused_and_nothing_committed(home: Path, tmp_path: Path,
                                                                          name: str, data: bytes) -> None:
    from support.workspace import git

    before = git(home, "rev-parse", "HEAD")
    result = CliRunner().invoke(main, ["--home", str(home), "catalog", "import", str(_write(tmp_path, name, data))])
    assert result.exit_code == 2, result.output
    assert "không có dòng TTHC nào" in result.stderr and "nothing was imported" in result.stderr
    assert git(home, "rev-parse", "HEAD") == before
