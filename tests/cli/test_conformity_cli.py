"""Does the procedure say what the law says? Issue 18 end to end, through the CLI on real .docx
files, the web view and the yearly report.

One workspace is built for the module (the clock set, one extraction worker shared, as in
``support.reports_builders``):

2024-01-10  five procedures (their steps tables written as the department writes them):
            QT-11/LĐVL  TTHC 1.000105 by its text, steps 5 working days: fit
            QT-12/LĐVL  TTHC 1.000459, steps 6 days against 5: exceed
            QT-13/LĐVL  TTHC 1.001978, a step "Theo quy định": cannot be read
            QT-14/NCC   TTHC 1.002410, steps fit, but it does not cite the TTHC's Nghị định 131/2021/NĐ-CP
            QT-16/LĐVL  no code in its text, linked to 1.000105 by hand, steps 5 working days: fit
2024-01-20  catalog QĐ 12/QĐ-UBND with the columns Thời hạn giải quyết, Phí, lệ phí, Căn cứ pháp lý,
            Địa điểm thực hiện
2024-03-01  QĐ 345/QĐ-UBND shortens 1.000105 to 04 ngày làm việc: QT-11 and QT-16, and only they,
            are tthc_changed (and now exceed)
2024-03-10  QT-11 lần 2, steps 4 working days: nothing left on it
2024-03-15  review confirmed for QT-16: tthc_changed cleared, deadline_exceeded stays
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from support.reports_builders import LAW_45, LAW_152, LAW_61, Clock, ingest, reuse_one_extractor
from support.workspace import drop, isolated_environment, make_workspace, map_fields, run, run_json, spec

from doccontrol.demo.samples import Step

pytestmark = pytest.mark.slow

LAW_131 = "Nghị định số 131/2021/NĐ-CP ngày 30/12/2021 của Chính phủ"
HEADER = ["STT", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Thời hạn giải quyết", "Phí, lệ phí",
          "Căn cứ pháp lý", "Địa điểm thực hiện"]
LICENCE = ["1.000105", "Cấp giấy phép lao động cho người lao động nước ngoài", "Việc làm"]
CENTRE = "Trung tâm Phục vụ hành chính công tỉnh"
QD_12 = [
    ["(Ban hành kèm theo Quyết định số 12/QĐ-UBND ngày 15/01/2024 của Chủ tịch UBND tỉnh)"],
    HEADER,
    ["1", *LICENCE, "05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", "600.000 đồng/giấy phép",
     "Bộ luật Lao động số 45/2019/QH14;\nNghị định số 152/2020/NĐ-CP", CENTRE],
    ["2", "1.000459", "Cấp lại giấy phép lao động cho người lao động nước ngoài", "Việc làm",
     "05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", "450.000 đồng/giấy phép", "Nghị định số 152/2020/NĐ-CP",
     CENTRE],
    ["3", "1.001978", "Giải quyết hưởng trợ cấp thất nghiệp", "Việc làm", "20 ngày làm việc kể từ ngày nhận đủ hồ sơ",
     "Không", "Nghị định số 61/2018/NĐ-CP", "Trung tâm Dịch vụ việc làm"],
    ["4", "1.002410", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Người có công", "10 ngày làm việc", "Không",
     "Pháp lệnh Ưu đãi người có công với cách mạng số 02/2020/UBTVQH14; Nghị định số 131/2021/NĐ-CP", CENTRE],
]
QD_345 = [
    ["(Ban hành kèm theo Quyết định số 345/QĐ-UBND ngày 26/02/2024 của Chủ tịch UBND tỉnh)"],
    HEADER,
    ["A. DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG"],
    ["1", *LICENCE, "04 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", "600.000 đồng/giấy phép",
     "Bộ luật Lao động số 45/2019/QH14;\nNghị định số 152/2020/NĐ-CP", CENTRE],
]


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


LABOUR = (LAW_45, LAW_152, LAW_61)
QT11 = spec(code="QT-11/LĐVL", tthc=("1.000105",), deadline_days=5, legal=LABOUR, issued=dt.date(2024, 1, 5),
            title="Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam")
QT11_R2 = spec(code="QT-11/LĐVL", revision=2, tthc=("1.000105",), deadline_days=4, legal=LABOUR,
               issued=dt.date(2024, 3, 8), title=QT11.title)
QT12 = spec(code="QT-12/LĐVL", tthc=("1.000459",), legal=LABOUR, issued=dt.date(2024, 1, 5),
            title="Cấp lại giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
            steps=(Step("Tiếp nhận hồ sơ, kiểm tra thành phần hồ sơ", "Bộ phận Một cửa", "0,5 ngày", "BM.01"),
                   Step("Thẩm định hồ sơ", "Chuyên viên Phòng Lao động - Việc làm", "04 ngày", "Tờ trình"),
                   Step("Trình ký, phê duyệt", "Lãnh đạo Sở", "01 ngày", "Giấy phép"),
                   Step("Vào số, phát hành", "Văn thư", "0,5 ngày", "Sổ"),
                   Step("Trả kết quả", "Bộ phận Một cửa", "Theo giấy hẹn", "BM.05")))
QT13 = spec(code="QT-13/LĐVL", tthc=("1.001978",), legal=(LAW_61,), issued=dt.date(2024, 1, 5),
            title="Giải quyết hưởng trợ cấp thất nghiệp",
            steps=(Step("Tiếp nhận hồ sơ", "Trung tâm Dịch vụ việc làm", "04 giờ", "BM.01"),
                   Step("Thẩm định, trình ký quyết định", "Trung tâm Dịch vụ việc làm", "Theo quy định", "Tờ trình"),
                   Step("Trả kết quả", "Trung tâm Dịch vụ việc làm", "Theo giấy hẹn", "Quyết định")))
QT14 = spec(code="QT-14/NCC", office="NCC", tthc=("1.002410",), deadline_days=10, legal=(LAW_61,),
            issued=dt.date(2024, 1, 5), title="Giải quyết chế độ trợ cấp thờ cúng liệt sĩ")
QT16 = spec(code="QT-16/LĐVL", tthc=(), legal=LABOUR, issued=dt.date(2024, 1, 5),
            title="Tiếp nhận và trả kết quả hồ sơ cấp giấy phép lao động qua dịch vụ bưu chính",
            steps=(Step("Tiếp nhận hồ sơ gửi qua dịch vụ bưu chính", "Bộ phận Một cửa", "04 giờ", "BM.01"),
                   Step("Chuyển hồ sơ về phòng chuyên môn", "Bộ phận Một cửa", "0,5 ngày", "BM.04"),
                   Step("Thẩm định hồ sơ", "Chuyên viên", "02 ngày làm việc", "Tờ trình"),
                   Step("Trình ký, phê duyệt", "Lãnh đạo Sở", "01 ngày", "Giấy phép"),
                   Step("Vào số, gửi kết quả qua dịch vụ bưu chính", "Văn thư", "8 giờ làm việc", "Sổ")))


@dataclass
class World:
    home: Path
    tmp: Path
    at: dict[str, object] = field(default_factory=dict)  # what each stage showed, by name


def _coverage(home: Path) -> dict[str, object]:
    result = run(home, "coverage", "--json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def _flags(report: dict[str, object]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in report["flagged"]:  # type: ignore[union-attr]
        out.setdefault(f["code"], []).append(f["reason"])
    return out


def _build(base: Path, clock: Clock) -> World:
    """The story of the module docstring, each stage's coverage kept in ``World.at``."""
    clock.set(2024, 1, 2)
    home = make_workspace(base)
    map_fields(home)
    world = World(home, base)
    clock.set(2024, 1, 10)
    for office, the_spec in (("LDVL", QT11), ("LDVL", QT12), ("LDVL", QT13), ("NCC", QT14), ("LDVL", QT16)):
        drop(home, office, the_spec)
    assert [r["status"] for r in ingest(home)] == ["ingested"] * 5
    assert run(home, "link", "QT-16/LĐVL", "1.000105", "--force").exit_code == 0  # before any catalog: --force
    clock.set(2024, 1, 20)
    first = run(home, "catalog", "import", str(write_rows(base / "qd12.csv", QD_12)), "--json")
    world.at["import_1"] = (first.exit_code, json.loads(first.stdout))
    world.at["coverage_1"] = _coverage(home)
    world.at["show_12"] = run_json(home, "show", "QT-12/LĐVL")
    world.at["catalog_list"] = run(home, "catalog", "list").stdout
    clock.set(2024, 3, 1)
    qd345 = write_rows(base / "qd345.csv", QD_345)
    second = run(home, "catalog", "import", str(qd345), "--json")
    assert run(home, "catalog", "undo").exit_code == 0  # taken back, and imported again to read what it says
    said = run(home, "catalog", "import", str(qd345))
    world.at["import_2"] = (second.exit_code, json.loads(second.stdout), said.stderr)
    world.at["coverage_2"] = _coverage(home)
    world.at["review_2"] = json.loads(run(home, "review", "--json").stdout)
    clock.set(2024, 3, 10)
    drop(home, "LDVL", QT11_R2)
    assert [r["status"] for r in ingest(home)] == ["ingested"]
    world.at["coverage_3"] = _coverage(home)
    clock.set(2024, 3, 15)
    assert run(home, "review", "confirm", "QT-16/LĐVL", "--note", "Đã rà soát theo QĐ 345/QĐ-UBND").exit_code == 0
    world.at["coverage_4"] = _coverage(home)
    clock.set(2024, 3, 20)
    return world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("conformity")
    with pytest.MonkeyPatch.context() as mp:
        isolated_environment(mp, base)
        clock = Clock(mp)
        shared = reuse_one_extractor(mp)
        try:
            yield _build(base, clock)
        finally:
            shared.close()


# --- the catalog with its columns ---------------------------------------------------------------------


def test_the_catalog_keeps_the_columns(world: World) -> None:
    code, data = world.at["import_1"]  # type: ignore[misc]
    assert code == 0 and data["problems"] == [] and data["terms_changed"] == [] and data["to_revise"] == []
    listed = world.at["catalog_list"]
    assert ("Thời hạn giải quyết: 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ → 5 ngày làm việc, kể từ khi "
            "nhận đủ hồ sơ") in listed  # type: ignore[operator]
    assert "Căn cứ pháp lý: Pháp lệnh Ưu đãi người có công với cách mạng số 02/2020/UBTVQH14; Nghị định" in listed  # type: ignore[operator]
    entries = {e["code"]: e for e in run_json(world.home, "catalog", "list")}
    qt105 = entries["1.000105"]
    assert qt105["deadline"] == "04 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ"  # after QĐ 345
    assert qt105["deadline_reading"]["duration"]["amount"] == 4 and qt105["fee"] == "600.000 đồng/giấy phép"
    terms = [e for e in qt105["history"] if e["kind"] == "terms"]
    assert [(e["decision"], e["recorded"][:10]) for e in terms] == [("345/QĐ-UBND", "2024-03-01")]
    assert "«05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ» → «04 ngày làm việc" in terms[0]["detail"]


# --- the checks at each stage ---------------------------------------------------------------------------


def test_fit_exceed_unreadable_and_the_legal_basis(world: World) -> None:
    report = world.at["coverage_1"]
    assert _flags(report) == {  # type: ignore[arg-type]
        "QT-12/LĐVL": ["deadline_exceeded"], "QT-13/LĐVL": ["deadline_unreadable"],
        "QT-14/NCC": ["legal_basis_missing"]}
    assert report["conformity"] == {"tthc_changed": 0, "deadline_exceeded": 1, "deadline_unreadable": 1,  # type: ignore[index]
                                    "legal_basis_missing": 1}
    details = {f["code"]: f["detail"] for f in report["flagged"]}  # type: ignore[index, union-attr]
    assert details["QT-12/LĐVL"].startswith("TTHC 1.000459: các bước cộng lại 6 ngày làm việc, vượt thời hạn 5 ngày")
    assert "bước B2: «Theo quy định»" in details["QT-13/LĐVL"]
    assert details["QT-14/NCC"] == "TTHC 1.002410 căn cứ 02/2020/UBTVQH14, quy trình không dẫn chiếu"


def test_show_prints_the_steps_and_the_checks(world: World) -> None:
    shown = world.at["show_12"]
    assert [s["time"] for s in shown["steps"]["rows"]] == ["0,5 ngày", "04 ngày", "01 ngày", "0,5 ngày",  # type: ignore[index]
                                                          "Theo giấy hẹn"]
    assert shown["steps"]["total"] == "6 ngày làm việc"  # type: ignore[index]
    assert [f["reason"] for f in shown["findings"]] == ["deadline_exceeded"]  # type: ignore[index]
    assert shown["tthc_terms"][0]["deadline_reading"]["duration"]["unit"] == "working_day"  # type: ignore[index]
    text = run(world.home, "show", "QT-13/LĐVL").stdout
    assert "Các bước (steps):" in text and "KHÔNG ĐỌC ĐƯỢC" in text and "(deadline_unreadable)" in text
    assert any(line.startswith("B2 ") and "Theo quy định" in line for line in text.splitlines())  # one step a line


def test_a_second_decision_flags_exactly_the_linked_procedures(world: World) -> None:
    code, data, said = world.at["import_2"]  # type: ignore[misc]
    assert code == 0 and data["terms_changed"] == ["1.000105"] and data["amended"] == ["1.000105"]
    assert data["to_revise"] == ["QT-11/LĐVL", "QT-16/LĐVL"]  # by its text and by hand
    assert "1 TTHC đổi thời hạn giải quyết hoặc căn cứ pháp lý: 1.000105; 2 quy trình liên quan" in said
    report = world.at["coverage_2"]
    flags = _flags(report)  # type: ignore[arg-type]
    assert flags == {"QT-11/LĐVL": ["needs_review", "tthc_changed", "deadline_exceeded"],
                     "QT-16/LĐVL": ["needs_review", "tthc_changed", "deadline_exceeded"],
                     "QT-12/LĐVL": ["deadline_exceeded"], "QT-13/LĐVL": ["deadline_unreadable"],
                     "QT-14/NCC": ["legal_basis_missing"]}
    changed = next(f for f in report["flagged"] if f["reason"] == "tthc_changed")  # type: ignore[index, union-attr]
    assert ("«05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ» → «04 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ»"
            in changed["detail"]) and "345/QĐ-UBND" in changed["detail"]
    assert report["conformity"]["tthc_changed"] == 2  # type: ignore[index]
    review = {d["code"]: d["reasons"] for d in world.at["review_2"]}  # type: ignore[union-attr]
    assert review["QT-11/LĐVL"] == ["tthc_changed", "deadline_exceeded"]
    assert review["QT-14/NCC"] == ["legal_basis_missing"]


def test_a_new_revision_clears_it_and_a_confirmed_review_clears_the_change(world: World) -> None:
    flags = _flags(world.at["coverage_3"])  # type: ignore[arg-type]
    assert "QT-11/LĐVL" not in flags  # lần 2: steps of 4 working days, entered after the decision
    assert flags["QT-16/LĐVL"] == ["needs_review", "tthc_changed", "deadline_exceeded"]
    flags = _flags(world.at["coverage_4"])  # type: ignore[arg-type]
    assert flags["QT-16/LĐVL"] == ["needs_review", "deadline_exceeded"]  # reviewed: the change is seen; its steps
    # still exceed, and its revision is still older than the amending decision (needs_review, as before)
    assert world.at["coverage_4"]["conformity"] == {  # type: ignore[index]
        "tthc_changed": 0, "deadline_exceeded": 2, "deadline_unreadable": 1, "legal_basis_missing": 1}


# --- the figures everywhere ---------------------------------------------------------------------------


def test_the_figures_in_every_coverage_format(world: World) -> None:
    home = world.home
    text = run(home, "coverage").stdout
    assert re.search(r"^Trong đó: vượt thời hạn giải quyết \(of which: deadline exceeded\)\.+ 2$", text, re.M)
    assert re.search(r"^Trong đó: không đọc được thời hạn \(of which: deadline unreadable\)\.+ 1$", text, re.M)
    assert "deadline_exceeded" in text and "Tổng thời gian các bước vượt thời hạn giải quyết của TTHC" in text
    rows = list(csv.reader(io.StringIO(run(home, "coverage", "--format", "csv").stdout_bytes.decode("utf-8-sig"))))
    assert {r[2]: r[9] for r in rows if r[0] == "conformity"} == {
        "tthc_changed": "0", "deadline_exceeded": "2", "deadline_unreadable": "1", "legal_basis_missing": "1"}
    out = world.tmp / "coverage.xlsx"
    assert run(home, "coverage", "--format", "xlsx", "-o", str(out)).exit_code == 1
    summary = openpyxl.load_workbook(out)["Tổng hợp"]
    values = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert values["Trong đó: vượt thời hạn giải quyết (of which: deadline exceeded)"] == 2
    assert values["Trong đó: thiếu căn cứ pháp lý (of which: legal basis missing)"] == 1
    html = run(home, "coverage", "--format", "html").stdout
    assert "Trong đó: không đọc được thời hạn (of which: deadline unreadable)</td><td class=\"n\">1" in html


def test_the_web_coverage_and_procedure_pages(world: World) -> None:
    from doccontrol.web import create_app

    client = create_app(world.home, testing=True).test_client()
    page = client.get("/coverage").get_data(as_text=True)
    assert "Trong đó: vượt thời hạn giải quyết (of which: deadline exceeded)" in page
    assert "reason-deadline_exceeded" in page and "reason-legal_basis_missing" in page
    qt16 = client.get("/procedure/QT-16/LĐVL").get_data(as_text=True)
    assert "Các bước thực hiện" in qt16 and "5 ngày làm việc" in qt16
    assert "04 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ" in qt16 and "600.000 đồng/giấy phép" in qt16
    assert 'class="finding reason-deadline_exceeded"' in qt16 and "tthc_changed" not in qt16
    qt11 = client.get("/procedure/QT-11/LĐVL").get_data(as_text=True)
    assert "checks-ok" in qt11 and 'class="finding' not in qt11


def test_the_yearly_report_section_on_procedures_to_revise(world: World) -> None:
    result = run(world.home, "report", "--year", "2024", "--format", "md")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert ("Quy trình cần xem xét (4), trong đó đối chiếu với thủ tục hành chính đã công bố: 2 quy trình có tổng "
            "thời gian các bước vượt thời hạn giải quyết; 1 quy trình chưa đối chiếu được thời hạn") in text
    assert "1 quy trình chưa dẫn chiếu đủ căn cứ pháp lý của TTHC; 0 quy trình gắn với TTHC" in text
    assert "QT-12/LĐVL" in text and "Tổng thời gian các bước vượt thời hạn giải quyết của TTHC" in text
    data = json.loads(run(world.home, "report", "--year", "2024", "--format", "json").stdout)
    assert data["conformity"] == {"tthc_changed": 0, "deadline_exceeded": 2, "deadline_unreadable": 1,
                                  "legal_basis_missing": 1}
