"""The catalog's columns Thời hạn giải quyết, Phí, lệ phí, Căn cứ pháp lý, Địa điểm thực hiện:
found by name, kept per TTHC with history, a changed deadline or legal basis recorded as such."""

from __future__ import annotations

import datetime as dt

import pytest

from doccontrol.core import catalog_terms as terms
from doccontrol.core.catalog import (
    EVENT_AMENDED,
    EVENT_TERMS,
    EVENT_UPDATED,
    STATUS_ABOLISHED,
    catalog_from_json,
    catalog_to_json,
    column_role,
    merge_catalog,
    parse_catalog_rows,
    tthc_to_json,
)

HEADER = ["STT", "Mã TTHC", "Tên thủ tục hành chính", "Thời hạn giải quyết", "Phí, lệ phí", "Địa điểm thực hiện",
          "Căn cứ pháp lý"]
DECISION_1 = [
    ["QUYẾT ĐỊNH Số: 12/QĐ-UBND ngày 05/01/2024"],
    HEADER,
    ["1", "1.000105", "Cấp giấy phép lao động", "05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
     "600.000 đồng/giấy phép", "Trung tâm Phục vụ hành chính công tỉnh",
     "- Bộ luật Lao động số 45/2019/QH14;\n- Nghị định số 152/2020/NĐ-CP"],
    ["2", "1.000459", "Cấp lại giấy phép lao động", "7", "450.000 đồng", "Trung tâm Phục vụ hành chính công tỉnh",
     "Nghị định số 152/2020/NĐ-CP"],
    ["3", "2.000286", "Tiếp nhận đối tượng bảo trợ xã hội", "Ngay trong ngày", "Không", "Bộ phận Một cửa cấp xã",
     "Nghị định số 20/2021/NĐ-CP"],
]
RECORDED = "2024-03-12T09:30:00+07:00"


@pytest.mark.parametrize(("label", "role"), [
    ("Thời hạn giải quyết", "deadline"), ("THỜI HẠN GIẢI QUYẾT", "deadline"), ("Thời hạn\ngiải quyết", "deadline"),
    ("Thời gian giải quyết", "deadline"), ("Phí, lệ phí", "fee"), ("Phí, lệ phí (nếu có)", "fee"), ("Lệ phí", "fee"),
    ("Địa điểm thực hiện", "place"), ("Căn cứ pháp lý", "basis"), ("Căn cư pháp lý", "basis"),
    ("Số hồ sơ TTHC", "code"), ("Cách thức thực hiện", None),
])
def test_column_role(label: str, role: str | None) -> None:
    assert column_role(label) == role


def test_the_columns_are_read_and_an_unreadable_deadline_reported() -> None:
    parsed = parse_catalog_rows(DECISION_1)
    first, second, third = parsed.rows
    assert first.deadline == "05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ"
    assert first.fee == "600.000 đồng/giấy phép" and first.place == "Trung tâm Phục vụ hành chính công tỉnh"
    assert first.basis == "- Bộ luật Lao động số 45/2019/QH14; - Nghị định số 152/2020/NĐ-CP"
    assert third.deadline == "Ngay trong ngày"
    assert parsed.problems == [
        "Dòng 4: mã 1.000459: không đọc được thời hạn giải quyết «7» (chỉ có con số, không ghi đơn vị (ngày, ngày "
        "làm việc hay giờ)); giữ nguyên văn bản, không suy đoán / row 4: the deadline '7' cannot be read (a number "
        "without its unit (days, working days or hours)); kept as written, not guessed"]
    assert second.deadline == "7"  # kept as written


def test_kept_per_tthc_and_in_the_catalog_file() -> None:
    catalog, changes = merge_catalog({}, parse_catalog_rows(DECISION_1), "12/QĐ-UBND", dt.date(2024, 1, 5), RECORDED)
    assert changes.terms_changed == ()  # a first import changes nothing
    t = catalog["1.000105"]
    assert (t.deadline, t.fee) == ("05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", "600.000 đồng/giấy phép")
    assert catalog_from_json(catalog_to_json(catalog)) == catalog
    assert tthc_to_json(t)["basis"] == t.basis
    no_terms = merge_catalog({}, parse_catalog_rows([HEADER[:3], ["1", "1.000105", "Cấp"]]), "x", None)[0]
    assert set(tthc_to_json(no_terms["1.000105"])) == {"code", "name", "field", "agency", "level", "status", "history"}


def _second_decision(deadline: str, basis: str, fee: str = "600.000 đồng/giấy phép") -> list[list[str]]:
    return [["QUYẾT ĐỊNH Số: 345/QĐ-UBND ngày 12/3/2024"], HEADER,
            ["1", "1.000105", "Cấp giấy phép lao động", deadline, fee, "", basis]]


def test_a_second_decision_that_shortens_a_deadline() -> None:
    catalog, _ = merge_catalog({}, parse_catalog_rows(DECISION_1), "12/QĐ-UBND", dt.date(2024, 1, 5), RECORDED)
    first_basis = catalog["1.000105"].basis
    later = "2024-03-15T08:00:00+07:00"
    shorter = _second_decision("03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", first_basis)
    after, changes = merge_catalog(catalog, parse_catalog_rows(shorter), "345/QĐ-UBND", dt.date(2024, 3, 12), later)
    assert changes.terms_changed == ("1.000105",) and changes.unchanged == () and changes.changed
    event = after["1.000105"].history[-1]
    assert (event.kind, event.decision, event.recorded) == (EVENT_TERMS, "345/QĐ-UBND", later)
    assert event.detail == ("Thời hạn giải quyết: «05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ» → "
                            "«03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ»")
    assert after["1.000105"].deadline.startswith("03 ngày")
    again, changes = merge_catalog(after, parse_catalog_rows(shorter), "345/QĐ-UBND", dt.date(2024, 3, 12), later)
    assert changes.terms_changed == () and again == after  # the same decision again: nothing new
    assert "Thay đổi thời hạn giải quyết hoặc căn cứ pháp lý: 0" in changes.summary_lines()[-4]


def test_what_is_no_change() -> None:
    catalog, _ = merge_catalog({}, parse_catalog_rows(DECISION_1), "12/QĐ-UBND", dt.date(2024, 1, 5), RECORDED)
    same = _second_decision("5 Ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",  # the same normal form
                            "Bộ luật Lao động 45/2019/QH14, Nghị định 152/2020/NĐ-CP của Chính phủ")  # same documents
    after, changes = merge_catalog(catalog, parse_catalog_rows(same), "345/QĐ-UBND", None, RECORDED)
    assert changes.terms_changed == () and changes.unchanged == ("1.000105",)
    assert after["1.000105"].history == catalog["1.000105"].history


def test_a_legal_basis_that_changes_and_a_fee() -> None:
    catalog, _ = merge_catalog({}, parse_catalog_rows(DECISION_1), "12/QĐ-UBND", dt.date(2024, 1, 5), RECORDED)
    new = _second_decision("05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
                           "Bộ luật Lao động số 45/2019/QH14; Nghị định số 219/2025/NĐ-CP", fee="500.000 đồng")
    after, changes = merge_catalog(catalog, parse_catalog_rows(new), "345/QĐ-UBND", None, RECORDED)
    kinds = [e.kind for e in after["1.000105"].history]
    assert kinds[-2:] == [EVENT_TERMS, EVENT_UPDATED] and changes.updated == ("1.000105",)
    terms_event, updated = after["1.000105"].history[-2:]
    assert terms_event.detail.startswith("Căn cứ pháp lý: thêm 219/2025/NĐ-CP; bỏ 152/2020/NĐ-CP — «")
    assert updated.detail == "Phí, lệ phí: «600.000 đồng/giấy phép» → «500.000 đồng»"


def test_an_amended_row_and_an_abolished_row() -> None:
    catalog, _ = merge_catalog({}, parse_catalog_rows(DECISION_1), "12/QĐ-UBND", dt.date(2024, 1, 5), RECORDED)
    rows = [["QUYẾT ĐỊNH Số: 345/QĐ-UBND ngày 12/3/2024"], ["A. DANH MỤC TTHC SỬA ĐỔI, BỔ SUNG"], HEADER,
            ["1", "1.000105", "Cấp giấy phép lao động", "04 ngày làm việc", "", "", ""],
            ["B. DANH MỤC TTHC BỊ BÃI BỎ"], ["1", "2.000286", "Tiếp nhận đối tượng bảo trợ xã hội", "", "", "",
                                              "Nghị định số 76/2024/NĐ-CP"]]
    after, changes = merge_catalog(catalog, parse_catalog_rows(rows), "345/QĐ-UBND", dt.date(2024, 3, 12), RECORDED)
    assert [e.kind for e in after["1.000105"].history][-2:] == [EVENT_TERMS, EVENT_AMENDED]
    assert after["2.000286"].status == STATUS_ABOLISHED
    assert after["2.000286"].basis == "Nghị định số 20/2021/NĐ-CP"  # the abolishing decree is not its legal basis
    assert changes.terms_changed == ("1.000105",)


def test_first_stated_is_no_change() -> None:
    plain = [["STT", "Mã TTHC", "Tên thủ tục hành chính"], ["1", "1.000105", "Cấp giấy phép lao động"]]
    catalog, _ = merge_catalog({}, parse_catalog_rows(plain), "bộ TTHC quốc gia", None)
    after, changes = merge_catalog(catalog, parse_catalog_rows(DECISION_1), "12/QĐ-UBND", None, RECORDED)
    assert changes.terms_changed == () and after["1.000105"].deadline.startswith("05 ngày")


def test_terms_lines() -> None:
    lines = terms.terms_lines({"deadline": "05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", "fee": "Không"})
    assert lines == ["Thời hạn giải quyết: 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ → 5 ngày làm việc, "
                     "kể từ khi nhận đủ hồ sơ", "Phí, lệ phí: Không"]
    assert terms.deadline_label("7").startswith("KHÔNG ĐỌC ĐƯỢC (")
