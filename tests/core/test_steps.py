"""The steps of a procedure read from its text (core.steps): tables with their usual headers,
numbered paragraphs, what is not a step table; and meta.json's form of them."""

from __future__ import annotations

from doccontrol.core.steps import SOURCE_PARAGRAPHS, SOURCE_TABLE, Step, StepTable, column_role, read_steps
from doccontrol.core.steps import steps_from_data, steps_to_data

# As the demo samples write it (and a Word table comes out of the extractor: one row a line).
SAMPLE_TABLE = """\
5.7. Quy trình xử lý công việc
Bước | Nội dung công việc | Trách nhiệm | Thời gian | Biểu mẫu/Kết quả
B1 | Tiếp nhận hồ sơ, kiểm tra thành phần hồ sơ | Công chức Sở tại Trung tâm Phục vụ hành chính công | 0,5 ngày | BM.01
B2 | Chuyển hồ sơ về Phòng Lao động - Việc làm để giải quyết | Công chức tiếp nhận hồ sơ | 0,5 ngày | BM.04
B3 | Thẩm định hồ sơ, dự thảo văn bản kết quả | Chuyên viên Phòng Lao động - Việc làm | 02 ngày | Dự thảo
B4 | Trả kết quả cho tổ chức, cá nhân | Công chức Sở tại Trung tâm Phục vụ hành chính công | Theo giấy hẹn | BM.05
6. BIỂU MẪU
TT | Mã hiệu | Tên biểu mẫu
1 | BM.01 | Phiếu tiếp nhận hồ sơ và hẹn trả kết quả
7. HỒ SƠ CẦN LƯU
TT | Hồ sơ lưu | Nơi lưu | Thời gian lưu
1 | Phiếu tiếp nhận hồ sơ | Phòng Lao động - Việc làm | 05 năm
"""


def test_the_samples_table() -> None:
    table = read_steps(SAMPLE_TABLE)
    assert table.source == SOURCE_TABLE and table.total == ""
    assert [(s.label, s.time, s.form) for s in table.steps] == [
        ("B1", "0,5 ngày", "BM.01"), ("B2", "0,5 ngày", "BM.04"), ("B3", "02 ngày", "Dự thảo"),
        ("B4", "Theo giấy hẹn", "BM.05")]
    assert table.steps[0].responsible == "Công chức Sở tại Trung tâm Phục vụ hành chính công"
    assert table.steps[0].receiving and not table.steps[2].receiving


def test_header_variants_a_phase_row_and_the_total() -> None:
    text = """\
TT | Trình tự thực hiện | Người thực hiện | Thời gian thực hiện | Hồ sơ/Kết quả
Giai đoạn tiếp nhận
1 | Nhận hồ sơ, kiểm tra | Bộ phận Một cửa | 04 giờ | Phiếu hẹn
Giai đoạn xử lý | | | |
2 | Thẩm định | Chuyên viên | 8 giờ làm việc | Tờ trình
Tổng thời gian giải quyết | 02 ngày làm việc
Ghi chú: thời gian tính theo giờ hành chính."""
    table = read_steps(text)
    assert [(s.label, s.content, s.responsible, s.time) for s in table.steps] == [
        ("1", "Nhận hồ sơ, kiểm tra", "Bộ phận Một cửa", "04 giờ"), ("2", "Thẩm định", "Chuyên viên", "8 giờ làm việc")]
    assert table.total == "02 ngày làm việc"


def test_column_roles() -> None:
    assert [column_role(c) for c in ("Bước", "Nội dung công việc", "Trách nhiệm", "Thời gian", "Biểu mẫu/Kết quả",
                                     "Thời hạn", "Thời gian lưu", "Đơn vị thực hiện", "Các bước thực hiện")] == [
        "label", "content", "responsible", "time", "form", "time", None, "responsible", "content"]


def test_numbered_paragraphs() -> None:
    text = """\
5.3. Quy trình xử lý công việc
Bước 1: Tiếp nhận hồ sơ
- Trách nhiệm: Bộ phận Một cửa
- Thời gian: 04 giờ
Bước 2. Thẩm định hồ sơ, trình ký
Chuyên viên thẩm định hồ sơ trong 02 ngày làm việc.
Bước 3: Trả kết quả theo giấy hẹn
Tổng thời gian: 03 ngày làm việc
6. BIỂU MẪU"""
    table = read_steps(text)
    assert table.source == SOURCE_PARAGRAPHS and table.total == "03 ngày làm việc"
    assert [(s.label, s.responsible, s.time) for s in table.steps] == [
        ("Bước 1", "Bộ phận Một cửa", "04 giờ"), ("Bước 2", "", "02 ngày làm việc"), ("Bước 3", "", "theo giấy hẹn")]
    assert table.steps[0].content == "Tiếp nhận hồ sơ"


def test_a_paragraph_step_with_two_times_keeps_both() -> None:
    table = read_steps("Bước 1: Thẩm định 02 ngày, trình ký 01 ngày\nBước 2: Trả kết quả")
    assert table.steps[0].time == "02 ngày; 01 ngày"  # read as unreadable, never one of them


def test_no_steps() -> None:
    assert not read_steps("1. MỤC ĐÍCH\nQuy định trình tự.\nTT | Hồ sơ lưu | Nơi lưu | Thời gian lưu\n1 | A | B | 05 năm")
    assert read_steps("") == StepTable()
    assert not read_steps("Bước 2: a\nBước 3: b")  # numbered steps start at 1


def test_meta_json_form() -> None:
    table = read_steps(SAMPLE_TABLE)
    assert steps_from_data(steps_to_data(table)) == table
    assert steps_from_data(None) is None and steps_from_data({"steps": "x"}) is None
    assert steps_from_data({"steps": [{"label": "B1", "time": "01 ngày"}]}) == StepTable(
        (Step("B1", "", time="01 ngày"),))
