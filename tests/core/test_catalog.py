"""The TTHC catalog: codes, the national exports, decision-style lists, CSV encodings, merging."""

from __future__ import annotations

import collections
import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest

from support.catalog_builders import (
    DECISION_ROWS,
    to_cp1258,
    write_decision_workbook,
    write_workbook,
)
from doccontrol.core.catalog import (
    CatalogError,
    CatalogEvent,
    ParsedCatalog,
    catalog_from_json,
    catalog_to_json,
    column_role,
    decode_text,
    detect_header,
    find_decision,
    merge_catalog,
    parse_catalog_rows,
    tthc_key,
    tthc_keys_in,
)
from doccontrol.extract.catalog_files import parse_catalog_file

# ------------------------------------------------------------------------------------------
# codes
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("1.001234", "1.001234"),
        ("1.001234.000.00.00.H37", "1.001234"),
        ("  2.000286.000.00.00.H37 ", "2.000286"),
        ("1,001234", "1.001234"),  # a Vietnamese-locale decimal comma
        ("1.001234 (sửa đổi)", "1.001234"),
        ("Mã: 3.000323", "3.000323"),
        ("1.00123", None),  # five digits: a code that lost a digit
        ("1.0012345", None),
        ("1.001234; 1.001235", None),  # two codes in one cell
        ("BTP-LSN-277144", None),  # pre-2017 code form
        ("", None),
        ("Lĩnh vực Việc làm", None),
    ],
)
def test_tthc_key(raw: str, key: str | None) -> None:
    assert tthc_key(raw) == key


def test_tthc_keys_in_text_keeps_order_and_dedupes() -> None:
    text = "Căn cứ TTHC 1.001234.000.00.00.H37 và 2.000111; xem lại 1.001234, không phải 1.00123."
    assert tthc_keys_in(text) == ("1.001234", "2.000111")


# ------------------------------------------------------------------------------------------
# header recognition
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Mã số", "code"), ("Mã TTHC", "code"), ("MÃ SỐ TTHC", "code"), ("ma thu tuc", "code"),
        ("Mã\nTTHC", "code"), ("Tên", "name"), ("Tên thủ tục hành chính", "name"), ("TÊN TTHC", "name"),
        ("Ten thu tuc", "name"), ("Lĩnh vực", "field"), ("LINH VUC", "field"), ("Cấp thực hiện", "level"),
        ("Cơ quan thực hiện", "agency"), ("Cơ quan ban hành", "issuer"), ("Ghi chú", "note"),
        ("STT", "stt"), ("TT", "stt"), ("Tên VBQPPL quy định việc bãi bỏ", "basis"),
        ("Hộ tịch", None), ("1.001234", None),
    ],
)
def test_column_role(label: str, role: str | None) -> None:
    assert column_role(label) == role


def test_a_data_row_is_not_a_header() -> None:
    assert detect_header(["1", "1.001234", "Cấp giấy phép lao động", "Việc làm"]) is None
    assert detect_header(["TT", "Tên TTHC", "Mã số TTHC"]) == {"stt": 0, "name": 1, "code": 2}


def test_find_decision() -> None:
    ref = find_decision("(Kèm theo Quyết định số 345/QĐ-UBND ngày 12/3/2024 của Chủ tịch UBND tỉnh)")
    assert ref is not None and ref.number == "345/QĐ-UBND" and ref.date == dt.date(2024, 3, 12)
    ref = find_decision("QUYẾT ĐỊNH Số: 12/2024/QĐ-UBND ngày 05 tháng 4 năm 2024")
    assert ref is not None and ref.number == "12/2024/QĐ-UBND" and ref.date == dt.date(2024, 4, 5)
    assert ref.label() == "12/2024/QĐ-UBND ngày 05/04/2024"
    assert find_decision("Nghị định số 63/2010/NĐ-CP ngày 8/6/2010") is None  # not a decision
    ref = find_decision("Quyết định số 77/QĐ-UBND")
    assert ref is not None and ref.date is None


# ------------------------------------------------------------------------------------------
# the real national exports
# ------------------------------------------------------------------------------------------


def test_national_export_tu_phap(tthc_exports_dir: Path) -> None:
    parsed = parse_catalog_file(tthc_exports_dir / "danh-sach-tthc-BoTuPhap.xlsx")
    assert parsed.problems == []
    assert len(parsed.rows) == 271
    assert all(r.code is not None for r in parsed.rows)
    assert len({r.code for r in parsed.rows}) == 271
    assert "DANH SÁCH THỦ TỤC HÀNH CHÍNH" in parsed.titles
    assert parsed.decisions == []
    first, last = parsed.rows[0], parsed.rows[-1]
    assert (first.row, first.code, first.field) == (3, "1.014966", "Quản tài viên")
    # trailing space dropped, the two agencies of a multi-line cell joined
    assert first.name == ("Cấp lại chứng chỉ hành nghề Quản tài viên trong trường hợp bị thu hồi "
                          "chứng chỉ hành nghề")
    assert first.agency == "Chủ tịch ủy ban nhân dân cấp tỉnh; Sở Tư Pháp"
    assert (last.row, last.code, last.field) == (273, "1.000094", "Hộ tịch")
    fields = collections.Counter(r.field for r in parsed.rows)
    assert fields["Hộ tịch"] == 41 and fields["Luật sư"] == 34 and fields["Công chứng"] == 29
    assert len(fields) == 19
    assert collections.Counter(r.code[:2] for r in parsed.rows) == {"1.": 187, "2.": 81, "3.": 3}
    # row 94's name is stored decomposed in the file; inside it is NFC
    row94 = next(r for r in parsed.rows if r.row == 94)
    assert row94.code == "1.013849"
    assert unicodedata.is_normalized("NFC", row94.name)
    assert row94.name.startswith("Chuyển đổi Văn phòng công chứng theo loại hình doanh nghiệp tư nhân")
    # double spaces inside names are squashed
    assert next(r for r in parsed.rows if r.row == 17).name == "Công nhận hoàn thành tập sự hành nghề công chứng"
    assert all(r.change == "" for r in parsed.rows)


def test_national_export_xay_dung(tthc_exports_dir: Path) -> None:
    parsed = parse_catalog_file(tthc_exports_dir / "danh-sach-tthc-BoXayDung.xlsx")
    assert parsed.problems == []
    assert len(parsed.rows) == 525
    assert collections.Counter(r.code[:2] for r in parsed.rows if r.code) == {
        "1.": 373, "6.": 70, "5.": 41, "2.": 34, "3.": 7}
    by_row = {r.row: r for r in parsed.rows}
    assert by_row[3].code == "1.115151" and by_row[3].name.startswith("Thủ tục bán, cho thuê mua")
    assert by_row[14].name == "Thuê nhà ở thương mại làm nhà ở công vụ thuộc địa phương quản lý"  # leading tab
    assert by_row[40].name.endswith("đăng kiểm viên đường sắt bậc cao")  # a line break inside
    assert by_row[169].code == "1.013335" and unicodedata.is_normalized("NFC", by_row[169].name)
    assert by_row[527].code == "1.000028" and by_row[527].agency == ""
    fields = collections.Counter(r.field for r in parsed.rows)
    assert fields["Hàng hải và đường thủy nội địa"] == 168 and fields["Hàng không"] == 92
    # the en dash of "Thi đua – Khen thưởng" is cleaned to a hyphen; the other spelling stays
    assert fields["Thi đua - Khen thưởng"] == 10 and fields["Thi đua khen thưởng"] == 2


def test_both_exports_merge_into_one_catalog(tthc_exports_dir: Path) -> None:
    cat: dict = {}
    for name in ("danh-sach-tthc-BoTuPhap.xlsx", "danh-sach-tthc-BoXayDung.xlsx"):
        parsed = parse_catalog_file(tthc_exports_dir / name)
        cat, changes = merge_catalog(cat, parsed, f"CSDLQG {name}", dt.date(2025, 7, 1))
        assert changes.abolished == () and changes.skipped_rows == ()
    assert len(cat) == 271 + 525
    assert all(t.status == "active" and [e.kind for e in t.history] == ["added"] for t in cat.values())
    # the second export does not abolish the first one's entries: they are only "missing" from it
    assert len(changes.missing) == 271 and len(changes.added) == 525
    text = catalog_to_json(cat)
    assert unicodedata.is_normalized("NFC", text)
    assert catalog_from_json(text) == cat
    assert catalog_to_json(catalog_from_json(text)) == text
    codes = [item["code"] for item in json.loads(text)["tthc"]]
    assert codes == sorted(codes)


# ------------------------------------------------------------------------------------------
# decision-style lists
# ------------------------------------------------------------------------------------------


def test_decision_workbook(tmp_path: Path) -> None:
    parsed = parse_catalog_file(write_decision_workbook(tmp_path / "qd345.xlsx"))
    got = [(r.row, r.code, r.field, r.level, r.change) for r in parsed.rows]
    assert got == [
        (10, "1.001234", "Việc làm", "Cấp tỉnh", "new"),
        (11, "1.001235", "Việc làm", "Cấp tỉnh", "new"),  # field from the merged D10:D11
        (13, "2.000111", "Giáo dục nghề nghiệp", "Cấp tỉnh", "new"),
        (14, "2.000112", "Giáo dục nghề nghiệp", "Cấp tỉnh", "new"),  # section, count dropped
        (17, "1.002001", "Người có công", "Cấp huyện", "amended"),
        (18, None, "Người có công", "Cấp tỉnh", "amended"),
        (19, None, "Người có công", "Cấp tỉnh", "amended"),
        (21, "1.000999", "Việc làm", "Cấp tỉnh", "abolished"),
    ]
    assert parsed.rows[0].raw_code == "1.001234.000.00.00.H37"
    assert parsed.rows[4].note == "Sửa đổi thành phần hồ sơ"
    assert len(parsed.problems) == 2
    assert parsed.problems[0].startswith("Dòng 18: không có mã TTHC hợp lệ («1.00200»")
    assert parsed.problems[1].startswith("Dòng 19: không có mã TTHC hợp lệ (ô mã để trống")
    assert [d.label() for d in parsed.decisions] == ["345/QĐ-UBND ngày 12/03/2024"]
    assert parsed.titles[0] == "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"


def _grid(*rows: list[object]) -> list[list[object]]:
    return [list(r) for r in rows]


def test_wrong_total_and_unrecognised_lines_are_reported() -> None:
    rows = _grid(
        ["Mã số TTHC", "Tên TTHC", "Lĩnh vực"],
        ["1.000001", "Thủ tục một", "Việc làm"],
        ["1.000002", "Thủ tục hai", "Việc làm"],
        ["Tổng số: 3 TTHC"],
        ["Người lập biểu: Nguyễn Văn A"],
    )
    parsed = parse_catalog_rows(rows)
    assert [r.code for r in parsed.rows] == ["1.000001", "1.000002"]
    assert parsed.problems == [
        "Dòng 4: dòng tổng ghi 3 thủ tục nhưng bảng có 2 / row 4: the total line says 3, the table lists 2",
        "Dòng 5: dòng không nhận diện được, bỏ qua («Người lập biểu: Nguyễn Văn A») / "
        "row 5: unrecognised line, skipped",
    ]


def test_header_without_diacritics_in_any_order_and_position() -> None:
    rows = _grid(
        ["", "", ""],
        ["QUYẾT ĐỊNH số 12/2024/QĐ-UBND ngày 05 tháng 4 năm 2024", None, None, None],
        ["TEN THU TUC HANH CHINH", "CAP THUC HIEN", "MA SO TTHC", "GHI CHU"],
        ["Đăng ký nội quy lao động", "Cấp tỉnh", "1.000433.000.00.00.H37", ""],
        ["Giải quyết hưởng trợ cấp thất nghiệp", "Cấp tỉnh", "1.000401", "Bãi bỏ"],
        ["Thủ tục không mã", "Cấp tỉnh", "", ""],
    )
    parsed = parse_catalog_rows(rows)
    assert [(r.code, r.name, r.level, r.change) for r in parsed.rows] == [
        ("1.000433", "Đăng ký nội quy lao động", "Cấp tỉnh", ""),
        ("1.000401", "Giải quyết hưởng trợ cấp thất nghiệp", "Cấp tỉnh", "abolished"),
        (None, "Thủ tục không mã", "Cấp tỉnh", ""),
    ]
    assert [d.number for d in parsed.decisions] == ["12/2024/QĐ-UBND"]
    assert len(parsed.problems) == 1 and parsed.problems[0].startswith("Dòng 6: không có mã TTHC hợp lệ")


def test_title_naming_one_change_kind_sets_the_default() -> None:
    rows = _grid(
        ["DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ TRONG LĨNH VỰC VIỆC LÀM"],
        ["STT", "Mã TTHC", "Tên TTHC"],
        [1, "1.000001", "Một"],
        ["B.", "Thủ tục hành chính cấp huyện"],
        [2, "1.000002", "Hai"],
    )
    parsed = parse_catalog_rows(rows)
    assert [(r.code, r.change, r.level) for r in parsed.rows] == [
        ("1.000001", "abolished", ""), ("1.000002", "abolished", "Cấp huyện")]
    assert parsed.problems == []


def test_section_typed_in_the_code_column_and_duplicates() -> None:
    rows = _grid(
        ["STT", "Mã TTHC", "Tên TTHC", "Ghi chú"],
        ["I", "Lĩnh vực Bảo trợ xã hội"],
        [1, "1.000001", "Một", ""],
        [2, "1.000001", "Một lần nữa", ""],
        ["PHẦN II. DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG"],
        [3, "1.000003", "Ba", ""],
    )
    parsed = parse_catalog_rows(rows)
    assert [(r.code, r.field, r.change) for r in parsed.rows] == [
        ("1.000001", "Bảo trợ xã hội", ""), ("1.000001", "Bảo trợ xã hội", ""), ("1.000003", "", "amended")]
    assert parsed.problems == ["Dòng 4: mã 1.000001 đã có ở dòng 3 / row 4: code 1.000001 already listed at row 3"]


def test_no_header_is_a_problem() -> None:
    parsed = parse_catalog_rows(_grid(["Danh sách"], ["1.000001", "Một"]))
    assert parsed.rows == []
    assert len(parsed.problems) == 1 and "không tìm thấy dòng tiêu đề cột" in parsed.problems[0]


def test_numeric_code_cell_keeps_its_trailing_zero(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "n.xlsx", [("S", [["Mã TTHC", "Tên"], [1.00123, "Số thực"],
                                                       [2.000286, "Số thực hai"]], [])])
    parsed = parse_catalog_file(path)
    assert [r.code for r in parsed.rows] == ["1.001230", "2.000286"]


def test_several_sheets_are_read_and_tagged(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "m.xlsx", [
        ("Mới ban hành", [["DANH MỤC TTHC MỚI BAN HÀNH"], ["Mã TTHC", "Tên TTHC"], ["1.000001", "Một"]], []),
        ("Bãi bỏ", [["DANH MỤC TTHC BỊ BÃI BỎ"], ["Mã TTHC", "Tên TTHC"], ["1.000002", "Hai"], ["x.1", "Ba"]], []),
        ("Trống", [], []),
    ])
    parsed = parse_catalog_file(path)
    assert [(r.sheet, r.code, r.change) for r in parsed.rows] == [
        ("Mới ban hành", "1.000001", "new"), ("Bãi bỏ", "1.000002", "abolished"), ("Bãi bỏ", None, "abolished")]
    assert parsed.problems[0].startswith("Trang tính «Bãi bỏ», dòng 4: không có mã TTHC hợp lệ («x.1»")


# ------------------------------------------------------------------------------------------
# CSV and encodings
# ------------------------------------------------------------------------------------------

CSV_ROWS = [
    ["STT", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Cấp thực hiện", "Ghi chú"],
    ["A", "THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG", "", "", "", ""],
    ["1", "1.001234.000.00.00.H37", "Cấp giấy phép lao động cho người nước ngoài", "Việc làm", "Cấp tỉnh", ""],
    ["2", "2.000111", "Thành lập trung tâm giáo dục nghề nghiệp, công lập", "Giáo dục nghề nghiệp",
     "Cấp tỉnh", "Đổi tên"],
    ["3", "1.0012", "Hỗ trợ học nghề", "Việc làm", "Cấp huyện", ""],
]


def _csv_text(delimiter: str = ",") -> str:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(CSV_ROWS)
    return buf.getvalue()


def _check_csv(parsed: ParsedCatalog) -> None:
    assert [(r.code, r.name, r.field, r.change) for r in parsed.rows] == [
        ("1.001234", "Cấp giấy phép lao động cho người nước ngoài", "Việc làm", "amended"),
        ("2.000111", "Thành lập trung tâm giáo dục nghề nghiệp, công lập", "Giáo dục nghề nghiệp", "amended"),
        (None, "Hỗ trợ học nghề", "Việc làm", "amended"),
    ]
    assert len(parsed.problems) == 1 and parsed.problems[0].startswith("Dòng 5: không có mã TTHC hợp lệ («1.0012»")
    for r in parsed.rows:
        assert unicodedata.is_normalized("NFC", r.name)


def test_csv_utf8_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_bytes(_csv_text().encode("utf-8-sig"))
    _check_csv(parse_catalog_file(path))


def test_csv_cp1258_with_semicolons(tmp_path: Path) -> None:
    data = to_cp1258(_csv_text(";"))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "\u0323" in data.decode("cp1258")  # the file really uses combining tone marks
    path = tmp_path / "ds-1258.csv"
    path.write_bytes(data)
    _check_csv(parse_catalog_file(path))


def test_decode_text_utf16_and_plain_utf8() -> None:
    assert decode_text("Việc làm".encode("utf-16")) == "Việc làm"
    assert decode_text(unicodedata.normalize("NFD", "Việc làm").encode("utf-8")) == "Việc làm"


def test_unreadable_files(tmp_path: Path) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
    for name, words in (("old.xls", ".xlsx"), ("broken.xlsx", "không mở được"), ("x.pdf", "không hỗ trợ")):
        with pytest.raises(CatalogError) as info:
            parse_catalog_file(tmp_path / name)
        assert words in info.value.message_vi


# ------------------------------------------------------------------------------------------
# merging imports
# ------------------------------------------------------------------------------------------


def test_merge_across_two_imports(tmp_path: Path) -> None:
    first = parse_catalog_rows(_grid(
        ["STT", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Cơ quan thực hiện"],
        [1, "1.000001", "Cấp giấy phép lao động", "Việc làm", "Sở LĐTBXH"],
        [2, "1.000002", "Gia hạn giấy phép lao động", "Việc làm", "Sở LĐTBXH"],
        [3, "1.000003", "Thu hồi giấy phép lao động", "Việc làm", "Sở LĐTBXH"],
        [4, "1.000004", "Đăng ký nội quy lao động", "Lao động", "Sở LĐTBXH"],
    ))
    d1 = dt.date(2023, 1, 10)
    cat, ch1 = merge_catalog({}, first, "100/QĐ-UBND", d1)
    assert ch1.added == ("1.000001", "1.000002", "1.000003", "1.000004") and not ch1.missing

    # the second decision: one amended (renamed), one abolished, one new, one listed with a new
    # agency, an abolished code we never had; 1.000001 is not listed (it stays active)
    parsed = parse_catalog_file(write_workbook(tmp_path / "qd2.xlsx", [("QĐ", [
        ["Kèm theo Quyết định số 200/QĐ-UBND ngày 01/06/2024"],
        ["STT", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Cơ quan thực hiện", "Ghi chú"],
        ["A", "TTHC MỚI BAN HÀNH"],
        [1, "1.000005", "Cấp lại giấy phép lao động", "Việc làm", "Sở LĐTBXH"],
        ["B", "TTHC SỬA ĐỔI, BỔ SUNG"],
        [2, "1.000002", "Gia hạn giấy phép lao động cho người nước ngoài", "Việc làm", "", ""],
        [3, "1.000004", "Đăng ký nội quy lao động", "Lao động", "Sở Nội vụ", ""],
        ["C", "TTHC BỊ BÃI BỎ"],
        [4, "1.000003", "Thu hồi giấy phép lao động", "Việc làm", "", "Bãi bỏ theo Nghị định 70/2023"],
        [5, "1.000099", "Thủ tục đã bỏ trước khi nhập", "Việc làm", "", ""],
    ], [])]))
    ref = parsed.decisions[0]
    assert (ref.number, ref.date) == ("200/QĐ-UBND", dt.date(2024, 6, 1))
    cat2, ch2 = merge_catalog(cat, parsed, ref.number, ref.date)
    assert cat["1.000003"].status == "active"  # pure: the old catalog is untouched
    assert ch2.added == ("1.000005",)
    assert ch2.renamed == ("1.000002",)
    assert ch2.amended == ("1.000002", "1.000004")  # both rows sit in the amended part
    assert ch2.abolished == ("1.000003", "1.000099")
    assert ch2.missing == ("1.000001",)
    assert cat2["1.000001"].status == "active"

    t2 = cat2["1.000002"]
    assert t2.name == "Gia hạn giấy phép lao động cho người nước ngoài"
    assert t2.agency == "Sở LĐTBXH"  # an empty cell never erases
    assert [(e.kind, e.decision, e.date) for e in t2.history] == [
        ("added", "100/QĐ-UBND", d1),
        ("amended", "200/QĐ-UBND", dt.date(2024, 6, 1)),
    ]
    assert t2.history[1].detail == ("Tên: «Gia hạn giấy phép lao động» → "
                                    "«Gia hạn giấy phép lao động cho người nước ngoài»")
    t4 = cat2["1.000004"]
    assert t4.agency == "Sở Nội vụ" and t4.history[-1].detail == "Cơ quan thực hiện: «Sở LĐTBXH» → «Sở Nội vụ»"
    t3 = cat2["1.000003"]
    assert t3.status == "abolished" and t3.history[-1].kind == "abolished"
    assert t3.history[-1].detail == "Bãi bỏ theo Nghị định 70/2023"
    assert cat2["1.000099"].status == "abolished"
    assert [e.kind for e in cat2["1.000099"].history] == ["added", "abolished"]
    assert t2.last_change() == t2.history[1]

    # importing the same decision again changes nothing
    cat3, ch3 = merge_catalog(cat2, parsed, ref.number, ref.date)
    assert cat3 == cat2 and not ch3.changed

    # a newer national export, not marked amended: a new wording is "renamed", a new agency
    # "updated"; case, spacing, punctuation and a leading "Thủ tục" are no change
    export = parse_catalog_rows(_grid(["Mã số", "Tên", "Lĩnh vực", "Cơ quan thực hiện"],
                                      ["1.000001", "Cấp mới giấy phép lao động", "Việc làm", ""],
                                      ["1.000005", "Thủ tục cấp lại  giấy phép lao động.", "Việc làm", ""],
                                      ["1.000004", "Đăng ký nội quy lao động", "Lao động", "UBND tỉnh"]))
    cat_r, ch_r = merge_catalog(cat2, export, "CSDLQG 2025", None)
    assert (ch_r.renamed, ch_r.updated, ch_r.amended, ch_r.unchanged) == (
        ("1.000001",), ("1.000004",), (), ("1.000005",))
    assert cat_r["1.000001"].history[-1].kind == "renamed"
    assert cat_r["1.000004"].history[-1].kind == "updated"
    assert cat_r["1.000004"].last_change() == cat2["1.000004"].history[-1]  # "updated" is no amendment
    assert cat_r["1.000005"].name == "Cấp lại giấy phép lao động"

    # a later list names the abolished code again: reinstated, history kept
    again = parse_catalog_rows(_grid(["Mã TTHC", "Tên TTHC"], ["1.000003", "Thu hồi giấy phép lao động"]))
    cat4, ch4 = merge_catalog(cat3, again, "300/QĐ-UBND", dt.date(2025, 1, 2))
    assert ch4.reinstated == ("1.000003",) and cat4["1.000003"].status == "active"
    assert [e.kind for e in cat4["1.000003"].history] == ["added", "abolished", "added"]

    # the whole history survives the stored form
    assert catalog_from_json(catalog_to_json(cat4)) == cat4
    assert any("Khôi phục: 1" in line for line in ch4.summary_lines())
    assert ch2.as_json()["abolished"] == ["1.000003", "1.000099"]


def test_first_import_of_an_amended_row_records_the_amendment() -> None:
    parsed = parse_catalog_rows(_grid(["Mã TTHC", "Tên TTHC", "Ghi chú"], ["1.000001", "Một", "Sửa đổi"]))
    cat, ch = merge_catalog({}, parsed, "9/QĐ-UBND", dt.date(2024, 2, 2))
    assert ch.added == ("1.000001",)
    assert [e.kind for e in cat["1.000001"].history] == ["added", "amended"]
    assert cat["1.000001"].last_change() == CatalogEvent(dt.date(2024, 2, 2), "9/QĐ-UBND", "amended",
                                                          "thuộc phần sửa đổi, bổ sung / listed as amended")


def test_rows_without_code_are_skipped_by_merge_but_counted() -> None:
    parsed = parse_catalog_rows([list(r) for r in DECISION_ROWS])
    cat, ch = merge_catalog({}, parsed, "345/QĐ-UBND", dt.date(2024, 3, 12))
    assert ch.skipped_rows == (18, 19)
    assert len(cat) == 6 and ch.abolished == ("1.000999",)


def test_catalog_from_json_rejects_malformed() -> None:
    for text in ("[]", "{}", '{"format": "doccontrol.catalog", "version": 99, "tthc": []}',
                 '{"format": "doccontrol.catalog", "version": 1, "tthc": [{"code": "x"}]}',
                 '{"format": "doccontrol.catalog", "version": 1, "tthc": [{"code": "1.000001", '
                 '"status": "gone"}]}', "not json"):
        with pytest.raises(CatalogError):
            catalog_from_json(text)
