"""Deadlines and step times read into a normal form (core.deadlines): a table of real spellings,
each with where it was written.

Sources:

- ``records 1.000419 cach``: ``../shared/data/tthc-records/tthc-records.jsonl``, the record whose
  ``ma_thu_tuc`` is 1.000419, field ``cach_thuc_thuc_hien`` (``trinh`` = ``trinh_tu_thuc_hien``).
  The national portal's flattened pages: the "Thời gian" column of a channel runs into the cells
  beside it ("Trực tiếp5 Ngày làm việcMiễn phí"), and a bare number is what the crawl kept of
  "5 (đơn vị ở cột khác)". :func:`test_record_spellings_are_real` checks every such spelling is in
  that file, where it exists.
- ``Thừa Thiên Huế``: the list of the Sở Lao động - Thương binh và Xã hội's TTHC on
  tthc.thuathienhue.gov.vn (column "Ngày thụ lý").
- ``QĐ 552/QĐ-UBND Lạng Sơn``: Quyết định số 552/QĐ-UBND ngày 08/4/2023 of the Chủ tịch UBND tỉnh
  Lạng Sơn, Phụ lục I (TTHC lĩnh vực Bảo trợ xã hội, column "Thời hạn giải quyết"), as published on
  huulien.huulung.langson.gov.vn.
- ``issue 18``: the spellings the issue quotes; ``samples``: ``doccontrol/demo/samples.py``, which
  writes steps the way the department's procedures do.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from doccontrol.core import deadlines as dl

H = Fraction(1, 2)
WD, D, WH, M = dl.UNIT_WORKING_DAY, dl.UNIT_DAY, dl.UNIT_WORKING_HOUR, dl.UNIT_MONTH
RECEIPT, OTHER = dl.START_RECEIPT, dl.START_OTHER
SAME_DAY = "same_day"
UNREADABLE = "unreadable"
NO_TIME = "no_time"

# (text, where it was written, what it reads as: (amount, unit, start) | SAME_DAY | UNREADABLE)
DEADLINES: list[tuple[str, str, object]] = [
    ("5 Ngày làm việc", "records 1.000419 cach", (5, WD, "")),
    ("15 Ngày", "records 1.008913 cach", (15, D, "")),
    ("12 Tháng", "records 2.000511 cach", (12, M, "")),
    ("1 Ngày làm việc", "records 2.000908 cach", (1, WD, "")),
    ("87 Ngày làm việc", "records 1.005133 cach", (87, WD, "")),
    ("50 Ngày", "records 1.000532 cach", (50, D, "")),
    ("7", "records 1.000080 cach", UNREADABLE),  # the unit was in another cell
    ("Không có thông tin", "records 2.001019 cach", UNREADABLE),
    ("Trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", "records 1.000688 trinh", (5, WD, RECEIPT)),
    ("Trong thời hạn 03 ngày làm việc, kể từ ngày nhận được hồ sơ hợp lệ", "records 1.001117 trinh", (3, WD, RECEIPT)),
    ("Trong thời hạn 20 ngày kể từ ngày nhận được hồ sơ hợp lệ", "records 1.001122 trinh", (20, D, RECEIPT)),
    ("Trong thời hạn 05 ngày làm việc kể từ ngày nhận được văn bản đề nghị của Sở Tư pháp",
     "records 1.001609 trinh", (5, WD, OTHER)),
    ("trong thời hạn mười ngày làm việc, kể từ ngày quyết định thay đổi", "records 1.002032 trinh", (10, WD, OTHER)),
    ("Trong thời hạn 50 ngày, trong đó:\n- Cục Hành chính tư pháp thẩm định hồ sơ; kiểm tra hoạt động của Văn "
     "phòng con nuôi nước ngoài tại Việt Nam; đánh giá lại năng lực chuyên môn của tổ chức con nuôi nước ngoài "
     "(nếu thấy cần thiết), đề nghị Bộ Công an cho ý kiến: 30 ngày, kể từ ngày nhận đủ hồ sơ;\n- Bộ Công an có văn "
     "bản trả lời Cục Hành chính tư pháp: 15 ngày", "records 1.000532 cach", (50, D, "")),  # a breakdown follows
    ("Trong thời hạn 30 ngày, kể từ ngày nhận được hồ sơ hợp lệ (bao gồm 20 ngày quyết định bổ nhiệm giám định "
     "viên tư pháp và 10 ngày cấp thẻ giám định viên tư pháp)", "records 2.001041 cach", (30, D, RECEIPT)),
    ("Trong thời hạn 20 ngày (hoặc 15 ngày đối với nhà ở riêng lẻ) kể từ ngày nhận đủ hồ sơ hợp lệ",
     "records 1.013225 trinh", UNREADABLE),  # two deadlines, by case
    ("Tối đa 06 ngày làm việc kể từ ngày cơ quan BHXH nhận đủ hồ sơ theo quy định.", "records 2.000693 cach",
     (6, WD, RECEIPT)),
    ("tối đa không quá 20 ngày làm việc, kể từ ngày nộp đủ hồ sơ theo quy định.", "records 2.000986 cach",
     (20, WD, RECEIPT)),
    ("ngay trong ngày tiếp nhận hồ sơ.", "records 2.000986 trinh", SAME_DAY),
    ("Ngay sau khi nhận đủ hồ sơ theo quy định.", "records 2.001680 cach", SAME_DAY),
    ("trong ngày làm việc nhận được hồ sơ hợp lệ; nếu thời điểm nhận hồ sơ sau 15 giờ cùng ngày thì có thể hoàn "
     "thành việc đăng ký trong ngày làm việc tiếp theo", "records 1.011423 cach", SAME_DAY),  # "sau 15 giờ": a time of day
    ("không muộn hơn 08 giờ làm việc kể từ khi Hệ thống thông tin giải quyết thủ tục hành chính tiếp nhận hồ sơ",
     "records 1.003198 trinh", (8, WH, RECEIPT)),
    ("trong thời hạn không quá 01 ngày làm việc kể từ khi nhận được hồ sơ", "records 1.003198 trinh",
     (1, WD, RECEIPT)),
    ("Trong thời hạn 01 năm, kể từ ngày được Chủ tịch Ủy ban nhân dân cấp tỉnh quyết định cho phép thay đổi, bổ sung",
     "records 2.000568 trinh", (12, M, OTHER)),
    ("trong ngày làm việc tiếp theo (nếu người yêu cầu nộp hồ sơ trực tiếp)", "records 1.000110 trinh", UNREADABLE),
    ("Trong thời hạn 45 ngày, trong đó", "records 1.003005 cach", (45, D, "")),
    ("Trong thời gian không quá 40 ngày đối với công trình cấp I, cấp đặc biệt; không quá 30 ngày đối với công "
     "trình cấp II, cấp III; không quá 20 ngày đối với công trình còn lại kể từ ngày nhận đủ hồ sơ hợp lệ",
     "records 1.013218 trinh", UNREADABLE),  # by the works' grade
    ("Trong thời hạn 15 ngày, kể từ ngày nhận được đủ hồ sơ hợp lệ. Trường hợp cần xác minh thì thời hạn có thể "
     "kéo dài", "records 1.003198 cach", (15, D, RECEIPT)),  # the exception is not the deadline
    ("Trong thời hạn 07 ngày sau khi tiếp nhận hồ sơ", "records 1.013216 trinh", (7, D, RECEIPT)),
    ("Trong vòng 20 ngày kể từ khi nhận được hồ sơ hợp lệ theo quy định", "records 2.001116 trinh", (20, D, RECEIPT)),
    ("Tối đa là 15 ngày, kể từ ngày Chủ tịch Ủy ban nhân dân cấp tỉnh nhận đủ hồ sơ hợp lệ.",
     "records 6.003625 cach", (15, D, RECEIPT)),
    ("Trong thời hạn tối đa 05 ngày làm việc, kể từ ngày ban hành quyết định phê", "records 6.001432 trinh",
     (5, WD, OTHER)),
    ("Trong thời hạn 10  ngày kể từ ngày nhận được hồ sơ", "records 6.003634 trinh", (10, D, RECEIPT)),
    ("Trong thời hạn 07 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ và phí thẩm định điều kiện gia hạn hành nghề",
     "records 1.002697 trinh", (7, WD, RECEIPT)),
    ("Trong thời hạn 03 ngày làm việc kể từ ngày tiếp nhận hồ sơ", "records 1.004873 trinh", (3, WD, RECEIPT)),
    ("Trong thời hạn 05 ngày làm việc, kể từ ngày hết thời hạn niêm yết", "records 1.003976 trinh", (5, WD, OTHER)),
    ("17 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.", "Thừa Thiên Huế (Xếp hạng một số loại hình đơn vị sự "
     "nghiệp công lập thuộc ngành LĐTBXH)", (17, WD, RECEIPT)),
    ("Không quy định", "Thừa Thiên Huế (Giải quyết chế độ trợ cấp một lần đối với người được cử làm chuyên gia "
     "sang giúp Lào, Căm-pu-chia)", UNREADABLE),
    ("34 ngày\nlàm việc", "QĐ 552/QĐ-UBND Lạng Sơn, 2.000286 (a cell wrapped over two lines)", (34, WD, "")),
    ("Tiếp nhận ngay và hoàn thiện các thủ tục trong 10 ngày làm việc", "QĐ 552/QĐ-UBND Lạng Sơn, 2.000282",
     (10, WD, "")),
    ("05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", "issue 18; samples (5.3. Thời hạn giải quyết)",
     (5, WD, RECEIPT)),
    ("15 ngày", "issue 18", (15, D, "")),
    ("03 giờ làm việc", "issue 18", (3, WH, "")),
    ("Ngay trong ngày", "issue 18", SAME_DAY),
    ("Trong thời hạn 10 ngày làm việc…", "issue 18", (10, WD, "")),
]

# (text, where it was written, what it reads as: (amount, unit) | NO_TIME | UNREADABLE)
STEP_TIMES: list[tuple[str, str, object]] = [
    ("0,5 ngày", "issue 18; samples (B1)", (H, D)),
    ("04 giờ", "issue 18", (4, WH)),
    ("8 giờ làm việc", "issue 18", (8, WH)),
    ("01 ngày làm việc", "issue 18", (1, WD)),
    ("Không quá 02 ngày", "issue 18", (2, D)),
    ("Theo giấy hẹn", "samples (B7)", NO_TIME),
    ("02 ngày", "samples (B3)", (2, D)),
    ("tối đa một ngày", "records 1.000080 trinh", (1, D)),
    ("tối đa                    một ngày", "records 1.001669 trinh", (1, D)),
    ("không quá 02 ngày làm việc.", "records 2.000986 cach", (2, WD)),
    ("không quá 05 ngày làm việc.", "records 2.000986 cach", (5, WD)),
    ("không muộn hơn 08 giờ làm việc", "records 1.003198 trinh", (8, WH)),
    ("Trong thời hạn 02 ngày làm việc", "records 3.000366 trinh", (2, WD)),
]


def _expect(reading: dl.Reading, expected: object) -> None:
    if expected == UNREADABLE:
        assert reading.kind == dl.UNREADABLE and reading.duration is None and reading.why_vi, reading
        return
    if expected == NO_TIME:
        assert reading.kind == dl.STEP_NO_TIME and reading.duration is None, reading
        return
    assert reading.kind == dl.READ and reading.duration is not None, reading
    d = reading.duration
    if expected == SAME_DAY:
        assert (d.same_day, d.amount, d.unit) == (True, 1, WD), d
        return
    amount, unit, *start = expected  # type: ignore[misc]
    assert (d.amount, d.unit) == (Fraction(amount), unit), d
    if start:
        assert d.start == start[0], d


@pytest.mark.parametrize(("text", "where", "expected"), DEADLINES, ids=[f"{i:02d}" for i in range(len(DEADLINES))])
def test_deadline(text: str, where: str, expected: object) -> None:
    reading = dl.parse_deadline(text)
    _expect(reading, expected)
    assert reading.text == " ".join(text.split())  # the original words are kept (spaces squashed)


@pytest.mark.parametrize(("text", "where", "expected"), STEP_TIMES, ids=[f"{i:02d}" for i in range(len(STEP_TIMES))])
def test_step_time(text: str, where: str, expected: object) -> None:
    _expect(dl.parse_step_time(text), expected)


def test_the_table_is_large_enough() -> None:
    assert len(DEADLINES) + len(STEP_TIMES) >= 40
    assert len({t for t, _, _ in DEADLINES + STEP_TIMES}) == len(DEADLINES) + len(STEP_TIMES)


def test_record_spellings_are_real(shared_dir: Path) -> None:
    """Every spelling said to come from the national records is in that record's field."""
    path = shared_dir / "data" / "tthc-records" / "tthc-records.jsonl"
    if not path.is_file():
        pytest.skip("tthc-records.jsonl is absent")
    records = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        records[data["ma_thu_tuc"]] = data
    fields = {"cach": "cach_thuc_thuc_hien", "trinh": "trinh_tu_thuc_hien"}
    checked = 0
    for text, where, _ in DEADLINES + STEP_TIMES:
        if not where.startswith("records "):
            continue
        _, code, field = where.split()
        written = " ".join(records[code][fields[field]].split())
        assert " ".join(text.split()).rstrip("…") in written, (code, text)
        checked += 1
    assert checked >= 35


# --- the rest of the rules, on small texts ---------------------------------------------------------


def test_restatements_ranges_and_sums() -> None:
    assert dl.parse_step_time("02 ngày làm việc (16 giờ)").duration == dl.Duration(
        Fraction(2), WD, "02 ngày làm việc (16 giờ)")
    assert dl.parse_step_time("01 - 02 ngày").duration.amount == 2  # a range counts its upper end
    assert dl.parse_step_time("từ 3 đến 5 ngày làm việc").duration.amount == 5
    assert dl.parse_step_time("02 ngày + 01 ngày").duration.amount == 3
    assert dl.parse_step_time("1/2 ngày").duration.amount == H
    assert dl.parse_step_time("01 buổi").duration == dl.Duration(H, WD, "01 buổi")
    assert dl.parse_step_time("02 ngày; 03 giờ").kind == dl.UNREADABLE  # two different times, never added up


def test_dates_and_times_of_day_are_not_durations() -> None:
    assert dl.parse_deadline("Thông tư số 05/2013/TT-BLĐTBXH ngày 15 tháng 5 năm 2013").kind == dl.UNREADABLE
    assert dl.parse_deadline("nhận hồ sơ sau 15 giờ").kind == dl.UNREADABLE
    assert dl.parse_deadline("thủ tục hành chính").kind == dl.UNREADABLE  # "chín" + "h" is not nine hours


def test_step_without_time() -> None:
    for text in ("Theo phiếu hẹn", "Không tính thời gian", "Ngay", "Ngay sau khi nhận hồ sơ"):
        assert dl.parse_step_time(text).kind == dl.STEP_NO_TIME, text
    for text in ("", " ", "-", "—"):
        assert dl.parse_step_time(text).kind == dl.STEP_EMPTY, text


def test_parallel_label() -> None:
    assert dl.parallel_label("02 ngày (song song với bước 3)") == "3"
    assert dl.parallel_label("Thực hiện đồng thời với B4") == "4"
    assert dl.parallel_label("02 ngày") == ""


def test_labels_and_working_days_in_calendar_days() -> None:
    assert dl.parse_deadline("05 ngày làm việc").duration.label() == "5 ngày làm việc"
    assert dl.parse_step_time("0,5 ngày").duration.label() == "0,5 ngày"
    assert dl.parse_deadline("Ngay trong ngày").duration.label() == "trong ngày làm việc"
    assert [dl.working_days_in(Fraction(d)) for d in (1, 2, 3, 7, 14, 15, 20, 30)] == [0, 0, 1, 5, 10, 10, 14, 20]
