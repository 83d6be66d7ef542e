"""The catalog, links and coverage end to end through the CLI, on real files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from support.catalog_builders import to_cp1258
from support.workspace import drop, git, map_fields, run, run_json, spec

DECISION_1 = [
    "DANH MỤC THỦ TỤC HÀNH CHÍNH CỦA SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI,,,,,",
    "(Ban hành kèm theo Quyết định số 345/QĐ-UBND ngày 12/3/2024 của Chủ tịch UBND tỉnh),,,,,",
    "STT,Mã TTHC,Tên thủ tục hành chính,Lĩnh vực,Cấp thực hiện,Ghi chú",
    "I. Lĩnh vực Việc làm,,,,,",
    '1,1.001978.000.00.00.H37,"Giải quyết hưởng trợ cấp thất nghiệp",Việc làm,Cấp tỉnh,',
    '2,1.000105,"Cấp giấy phép lao động cho người lao động nước ngoài",Việc làm,Cấp tỉnh,',
    '3,1.000459,"Cấp lại giấy phép lao động cho người lao động nước ngoài",Việc làm,Cấp tỉnh,',
    "II. Lĩnh vực Người có công,,,,,",
    '4,1.002410,"Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",Người có công,Cấp tỉnh,',
    '5,2.000999,"Xác nhận thông tin hồ sơ liệt sĩ",Người có công,Cấp tỉnh,',
    '6,x.12,"Dòng có mã sai",Người có công,Cấp tỉnh,',
    "Tổng cộng: 6 thủ tục,,,,,",
]
DECISION_2 = [
    "(Ban hành kèm theo Quyết định số 77/QĐ-UBND ngày 20/2/2025 của Chủ tịch UBND tỉnh),,,,,",
    "STT,Mã TTHC,Tên thủ tục hành chính,Lĩnh vực,Cấp thực hiện,Ghi chú",
    "PHẦN I. DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG,,,,,",
    '1,1.002410,"Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",Người có công,Cấp tỉnh,',
    "PHẦN II. DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ,,,,,",
    '1,2.000999,"Xác nhận thông tin hồ sơ liệt sĩ",Người có công,Cấp tỉnh,',
]


def write_csv(path: Path, lines: list[str], encoding: str) -> Path:
    text = "\n".join(lines) + "\n"
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


@pytest.fixture
def home(home: Path) -> Path:
    """conftest's fresh workspace with the fields Việc làm → LDVL and Người có công → NCC."""
    map_fields(home)
    return home


def test_coverage_without_catalog_is_a_usage_error(home: Path) -> None:
    result = run(home, "coverage")
    assert result.exit_code == 2 and "catalog import" in result.stderr


def test_import_reports_bad_rows_and_keeps_history(home: Path, tmp_path: Path) -> None:
    first = run(home, "catalog", "import", str(write_csv(tmp_path / "qd345.csv", DECISION_1, "utf-8-sig")), "--json")
    assert first.exit_code == 1  # one row has no valid code: reported, never silently dropped
    data = json.loads(first.stdout)
    assert data["decision"] == "345/QĐ-UBND" and len(data["added"]) == 5
    assert any("x.12" in p or "6" in p for p in data["problems"])
    listed = run_json(home, "catalog", "list")
    assert [t["code"] for t in listed] == ["1.000105", "1.000459", "1.001978", "1.002410", "2.000999"]
    assert {t["field"] for t in listed} == {"Việc làm", "Người có công"}
    second = run(home, "catalog", "import", str(write_csv(tmp_path / "qd77.csv", DECISION_2, "cp1258")), "--json")
    assert second.exit_code == 0, second.output
    changes = json.loads(second.stdout)
    assert changes["amended"] == ["1.002410"] and changes["abolished"] == ["2.000999"]
    assert [t["code"] for t in run_json(home, "catalog", "list", "--status", "abolished")] == ["2.000999"]
    assert len(run_json(home, "catalog", "list", "--field", "viec lam")) == 3
    log = git(home, "log", "--format=%s", "--", "_catalog/catalog.json")
    assert "77/QĐ-UBND" in log and "345/QĐ-UBND" in log
    again = run(home, "catalog", "import", str(tmp_path / "qd77.csv"))
    assert "không thay đổi" in again.stderr


def test_real_national_exports_import(home: Path, tthc_exports_dir: Path) -> None:
    for export in sorted(tthc_exports_dir.glob("*.xlsx")):
        result = run(home, "catalog", "import", str(export), "--json")
        assert result.exit_code in (0, 1), result.output
        assert json.loads(result.stdout)["added"], export.name
    listed = run_json(home, "catalog", "list")
    assert len(listed) > 20
    assert all(t["code"].count(".") == 1 and len(t["code"]) == 8 for t in listed)


def build_scenario(home: Path, tmp_path: Path) -> None:
    """Procedures that exercise every link source and every flag."""
    run(home, "catalog", "import", str(write_csv(tmp_path / "qd345.csv", DECISION_1, "utf-8-sig")))
    old = dt.date(2024, 6, 1)
    drop(home, "LDVL", spec(code="QT-LDVL-01", title="Giải quyết hưởng trợ cấp thất nghiệp", tthc=("1.001978",), issued=old))
    drop(home, "LDVL", spec(code="QT-LDVL-02", title="Quy trình cấp giấy phép lao động cho người lao động nước ngoài",
                            tthc=(), issued=old))  # linked by its name
    drop(home, "NCC", spec(code="QT-NCC-01", office="NCC", title="Trợ cấp thờ cúng", tthc=("1.002410",), issued=old))
    drop(home, "NCC", spec(code="QT-NCC-02", office="NCC", title="Xác nhận hồ sơ liệt sĩ", tthc=("2.000999",), issued=old))
    drop(home, "NCC", spec(code="QT-NCC-03", office="NCC", title="Một thủ tục không có trong danh mục",
                           tthc=("1.009999",), issued=old))
    drop(home, "VP", spec(code="QT-01/VP", office="VP", title="Kiểm soát tài liệu", tthc=(), issued=old))
    drop(home, "VP", spec(code="QT-02/VP", office="VP", title="Tiếp nhận hồ sơ một cửa", tthc=(), issued=old))
    drop(home, "LDVL", spec(code="QT-LDVL-03", title="Cấp lại giấy phép lao động", tthc=(), issued=old))
    assert run(home, "ingest", "--inbox").exit_code == 0
    assert run(home, "link", "QT-01/VP", "--internal").exit_code == 0
    assert run(home, "link", "QT-LDVL-03", "1.000459.000.00.00.H37").exit_code == 0
    run(home, "catalog", "import", str(write_csv(tmp_path / "qd77.csv", DECISION_2, "cp1258")))


@pytest.mark.slow
def test_coverage_numbers_flags_links_and_exit_codes(home: Path, tmp_path: Path) -> None:
    build_scenario(home, tmp_path)
    result = run(home, "coverage", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    # Active TTHC: 1.001978, 1.000105, 1.000459, 1.002410 (2.000999 abolished by decision 77).
    assert (report["total"], report["covered"], report["percent"]) == (4, 4, 100.0)
    sources = {(link["procedure"], link["tthc"], link["source"]) for link in report["links"]}
    assert ("QT-LDVL-01", "1.001978", "document") in sources
    assert ("QT-LDVL-02", "1.000105", "name") in sources
    assert ("QT-LDVL-03", "1.000459", "manual") in sources
    flags = {(f["code"], f["reason"]) for f in report["flagged"]}
    assert flags == {
        ("QT-NCC-01", "needs_review"),  # its TTHC was amended in 2025, after its 2024 revision
        ("QT-NCC-02", "abolished_tthc"),
        ("QT-NCC-03", "unknown_tthc"),
        ("QT-02/VP", "no_tthc_link"),
    }
    assert "QT-01/VP" not in {f["code"] for f in report["flagged"]}
    assert report["by_office"]["LDVL"]["total"] == 3 and report["by_office"]["NCC"]["covered"] == 1
    assert run(home, "coverage", "--office", "LDVL", "--fail-under", "100").exit_code == 0
    ncc = json.loads(run(home, "coverage", "--office", "NCC", "--json").stdout)
    assert ncc["total"] == 1 and {f["code"] for f in ncc["flagged"]} == {"QT-NCC-01", "QT-NCC-02", "QT-NCC-03"}


@pytest.mark.slow
def test_withdrawn_only_cover_and_double_cover_warnings(home: Path, tmp_path: Path) -> None:
    build_scenario(home, tmp_path)
    drop(home, "LDVL", spec(code="QT-LDVL-09", title="Trợ cấp thất nghiệp (bản sao)", tthc=("1.001978",)))
    run(home, "ingest", "--inbox")
    run(home, "withdraw", "QT-LDVL-03", "--reason", "Gộp vào QT-LDVL-02")
    report = json.loads(run(home, "coverage", "--json").stdout)
    kinds = {w["kind"] for w in report["warnings"]}
    assert len(kinds) == 2, report["warnings"]
    assert report["covered"] == 3 and report["total"] == 4
    assert [u["code"] for u in report["uncovered"]] == ["1.000459"]
    assert report["uncovered"][0]["suggestions"], "a similar name should be suggested"


@pytest.mark.slow
def test_every_format(home: Path, tmp_path: Path) -> None:
    build_scenario(home, tmp_path)
    text = run(home, "coverage")
    assert text.exit_code == 1 and "Tổng số TTHC" in text.stdout and "Quy trình cần xem xét" in text.stdout
    csv_out = run(home, "coverage", "--format", "csv")
    rows = list(csv.reader(io.StringIO(csv_out.stdout)))
    assert any("QT-NCC-03" in row for row in rows)
    html = tmp_path / "coverage.html"
    assert run(home, "coverage", "--format", "html", "-o", str(html)).exit_code == 1
    assert "<html" in html.read_text(encoding="utf-8") and "QT-NCC-03" in html.read_text(encoding="utf-8")
    xlsx = tmp_path / "coverage.xlsx"
    assert run(home, "coverage", "--format", "xlsx", "-o", str(xlsx)).exit_code == 1
    book = openpyxl.load_workbook(xlsx)
    cells = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value}
    assert "QT-NCC-03" in cells and any("345/QĐ-UBND" in c for c in cells)
    assert run(home, "coverage", "--fail-under", "50").exit_code == 1  # flagged procedures still fail


@pytest.mark.slow
def test_link_errors(home: Path, tmp_path: Path) -> None:
    build_scenario(home, tmp_path)
    assert run(home, "link", "QT-404", "1.001978").exit_code == 2
    assert run(home, "link", "QT-02/VP", "not-a-code").exit_code == 2
    assert run(home, "link", "QT-02/VP").exit_code == 2
    assert run(home, "unlink", "QT-LDVL-03", "1.000459").exit_code == 0
    report = json.loads(run(home, "coverage", "--json").stdout)
    assert "1.000459" in {u["code"] for u in report["uncovered"]}
