"""Real layouts (issues 12, 14): codes read whole with their inner spaces, revision-history
tables never taken for the current revision, signature blocks and label words never cut or
become a title."""

from __future__ import annotations

import datetime as dt

import pytest

from doccontrol.core.metadata import read_metadata
from doccontrol.core.metadata_title import is_signature_line
from doccontrol.core.model import DocProperties, Metadata
from doccontrol.core.text import clean, code_key

D = dt.date


def meta(text: str, title: str = "") -> Metadata:
    return read_metadata(clean(text), DocProperties(title=title))


# ------------------------------------------------------------------------------------------
# Codes

CODES = [
    ("inner-spaces", "Mã hiệu: QT 01 LĐTBXH | Lần ban hành: 02", "QT 01 LĐTBXH"),
    ("inner-spaces-flattened", "Mã hiệu: QT 01 LĐTBXH Lần ban hành: 02 Ngày ban hành: 05/03/2024",
     "QT 01 LĐTBXH"),
    ("inner-spaces-next-line", "Mã hiệu:\nQT 01 LĐTBXH\nLần ban hành: 02", "QT 01 LĐTBXH"),
    ("inner-spaces-short-office", "Mã số: QT 01 TE", "QT 01 TE"),
    ("stops-before-revision-words", "Mã hiệu: QT 01 VP - lần 2", "QT 01 VP"),
    ("stops-before-caps-words", "Mã hiệu: QT-01 QUY TRÌNH TIẾP NHẬN", "QT-01"),
    ("dot-then-dash", "Mã hiệu: QT.01-VP", "QT.01-VP"),
    ("number-first", "Mã hiệu: 01/QT-SLĐTBXH", "01/QT-SLĐTBXH"),
    ("tthc-in-code", "Mã hiệu: QT-TTHC-01", "QT-TTHC-01"),
    ("space-then-slash", "Mã số: QT 03/VP", "QT 03/VP"),
    ("cyrillic-te", "Mã hiệu: QТ-01/VP", "QT-01/VP"),
    ("full-width", "Mã hiệu: ＱＴ－０１／ＶＰ", "QT-01/VP"),
    ("ligature", "Mã hiệu: QT-ﬁ-01", "QT-fi-01"),
]


@pytest.mark.parametrize("text,code", [c[1:] for c in CODES], ids=[c[0] for c in CODES])
def test_codes(text: str, code: str) -> None:
    result = meta(text)
    assert result.code == code and result.code_key == code_key(code)


def test_codes_with_spaces_keep_their_office_apart() -> None:
    """Issue 12.4: "QT 01 VP" was read "QT 01", the same as "QT 01 LĐTBXH"."""
    vp, ldtbxh = meta("Mã hiệu: QT 01 VP"), meta("Mã hiệu: QT 01 LĐTBXH")
    assert vp.code_key == "qt-01-vp" and ldtbxh.code_key == "qt-01-ldtbxh"
    assert meta("Mã hiệu: QT-01-LĐTBXH").code_key == meta("Mã hiệu: QT01 LĐTBXH").code_key == ldtbxh.code_key


def test_lookalike_codes_meet_the_real_one() -> None:
    real = meta("Mã hiệu: QT-12/VP").code_key
    for spoof in ("QТ-12/VP", "QT-１２/VP", "ＱＴ-12/ＶＰ", "QT-12/VР"):
        assert meta(f"Mã hiệu: {spoof}").code_key == real, spoof


# ------------------------------------------------------------------------------------------
# Revision-history tables

HISTORY = [
    ("word-table-after-header",
     "Mã hiệu: QT-01/VP | Lần ban hành: 03 | Ngày ban hành: 10/03/2024\n"
     "BẢNG THEO DÕI SỬA ĐỔI\nLần sửa đổi | Nội dung sửa đổi | Ngày sửa đổi\n"
     "01 | Ban hành lần đầu | 15/01/2022\n02 | Sửa đổi bước 3 | 10/03/2023", 3, True, D(2024, 3, 10)),
    ("word-table-first",
     "THEO DÕI SỬA ĐỔI TÀI LIỆU\nTT | Lần ban hành | Ngày ban hành | Nội dung thay đổi\n"
     "1 | 01 | 15/01/2022 | Ban hành lần đầu\n2 | 02 | 10/03/2023 | Bổ sung biểu mẫu\n"
     "Mã hiệu: QT-01/VP\nLần ban hành: 03\nNgày ban hành: 10/03/2024", 3, True, D(2024, 3, 10)),
    ("word-table-without-heading",
     "TT | Lần sửa đổi | Nội dung sửa đổi | Ngày\n1 | 01 | Ban hành lần đầu | 15/01/2022\n"
     "2 | 02 | Sửa bước 2 | 10/03/2023\nMã hiệu: QT-01/VP | Lần ban hành: 03", 3, True, None),
    ("label-columns-under-heading",
     "LỊCH SỬ SỬA ĐỔI\nLần ban hành | Ngày ban hành\n01 | 15/01/2022\n02 | 10/03/2023\n\n"
     "Mã hiệu: QT-01/VP", 1, False, None),
    ("only-the-history", "Bảng theo dõi sửa đổi\nLần sửa đổi | Nội dung | Ngày\n04 | Sửa đổi | 01/02/2024",
     1, False, None),
    ("pdf-flattened",
     "THEO DÕI SỬA ĐỔI TÀI LIỆU\nLần sửa đổi Nội dung sửa đổi Ngày sửa đổi\n01 Ban hành lần đầu 15/01/2022\n"
     "02 Sửa đổi bước 3, bổ sung biểu mẫu 10/03/2023\nMã hiệu: QT-01/VP\nLần ban hành: 03", 3, True, None),
    ("pdf-header-row-only",
     "STT Lần sửa đổi Nội dung sửa đổi Ngày sửa đổi\n1 05 Ban hành lần đầu 15/01/2022\n"
     "1. MỤC ĐÍCH\nQuy định trình tự", 1, False, None),
    ("impossible-values-in-history-are-not-problems",
     "Bảng theo dõi sửa đổi\nLần sửa đổi | Nội dung | Ngày\n00 | Dự thảo | 31/02/2021\n"
     "Mã hiệu: QT-01/VP | Lần ban hành: 02", 2, True, None),
]


@pytest.mark.parametrize("text,revision,stated,issued", [c[1:] for c in HISTORY], ids=[c[0] for c in HISTORY])
def test_revision_history_is_never_the_current_revision(
    text: str, revision: int, stated: bool, issued: dt.date | None
) -> None:
    result = meta(text)
    assert (result.revision, result.revision_stated, result.issued, result.problems) == (
        revision, stated, issued, ())
    assert result.code in (None, "QT-01/VP")


# ------------------------------------------------------------------------------------------
# Titles

SIGNATURE_LINES = [
    "Biên soạn Kiểm tra Phê duyệt",
    "BIÊN SOẠN | KIỂM TRA | PHÊ DUYỆT",
    "Người soạn thảo Người kiểm tra Người phê duyệt",
    " | Người soạn thảo | Người kiểm tra | Người phê duyệt",
    "Người biên soạn",
    "Phê duyệt: Lương Văn Thắng",
    "Họ và tên Vi Thanh Thảo Lăng Thị Trang",
    "Chức vụ | Chuyên viên | Trưởng phòng | Giám đốc Sở",
    "Chữ ký (Đã ký) (Đã ký) (Đã ký)",
    "Soạn thảo, Kiểm tra, Phê duyệt",
]
NOT_SIGNATURE_LINES = [
    "Phê duyệt quy hoạch tổng thể phát triển hệ thống cảng hàng không",
    "Kiểm tra, giám sát hoạt động kiểm định kỹ thuật an toàn lao động",
    "chữ ký số công cộng cho cơ quan, tổ chức",
    "Lập danh sách đối tượng hưởng trợ cấp",
]


@pytest.mark.parametrize("line", SIGNATURE_LINES)
def test_signature_lines(line: str) -> None:
    assert is_signature_line(line)


@pytest.mark.parametrize("line", NOT_SIGNATURE_LINES)
def test_titles_opening_with_signature_words(line: str) -> None:
    assert not is_signature_line(line)


TITLES = [
    ("label-words-inside",
     "QUY TRÌNH\nCấp mã số đơn vị có quan hệ với ngân sách cho các đơn vị dự toán\n(Ban hành kèm theo QĐ)",
     "Cấp mã số đơn vị có quan hệ với ngân sách cho các đơn vị dự toán"),
    ("revision-words-inside",
     "QUY TRÌNH\nHướng dẫn ghi lần ban hành và ngày hiệu lực trên tài liệu nội bộ\nMã hiệu: QT-01/VP",
     "Hướng dẫn ghi lần ban hành và ngày hiệu lực trên tài liệu nội bộ"),
    ("capital-label-word-without-value", "QUY TRÌNH\nCấp Mã số thuế cho hộ kinh doanh\nMã hiệu: QT-02",
     "Cấp Mã số thuế cho hộ kinh doanh"),
    ("pipe-inside", "QUY TRÌNH\nTiếp nhận | trả kết quả hồ sơ trực tuyến\nMã hiệu: QT-01/VP",
     "Tiếp nhận | trả kết quả hồ sơ trực tuyến"),
    ("pipe-inline", "Quy trình: Cấp phép|Gia hạn giấy phép lao động", "Cấp phép|Gia hạn giấy phép lao động"),
    ("header-cell-then-page", "SỞ LĐTBXH | QUY TRÌNH KIỂM SOÁT TÀI LIỆU | Trang 1/5", "KIỂM SOÁT TÀI LIỆU"),
    ("header-cell-then-code", "SỞ LĐTBXH | QUY TRÌNH KIỂM SOÁT TÀI LIỆU | QT-01/VP", "KIỂM SOÁT TÀI LIỆU"),
    ("signature-without-note",
     "QUY TRÌNH\nGiải quyết hưởng trợ cấp thất nghiệp cho người lao động bị mất việc làm\n"
     "Biên soạn Kiểm tra Phê duyệt\nNguyễn Văn A Trần Văn B Lê Văn C",
     "Giải quyết hưởng trợ cấp thất nghiệp cho người lao động bị mất việc làm"),
    ("signature-people-without-note",
     "QUY TRÌNH\nGiải quyết hưởng trợ cấp thất nghiệp cho người lao động bị mất việc làm\n"
     "Người soạn thảo Người kiểm tra Người phê duyệt", 
     "Giải quyết hưởng trợ cấp thất nghiệp cho người lao động bị mất việc làm"),
    ("caps-signature", "QUY TRÌNH\nKIỂM SOÁT TÀI LIỆU\nBIÊN SOẠN KIỂM TRA PHÊ DUYỆT", "KIỂM SOÁT TÀI LIỆU"),
    ("flattened-field-without-colon",
     "QUY TRÌNH\nCẤP GIẤY PHÉP LAO ĐỘNG Mã hiệu QT-01/VP Lần ban hành 02", "CẤP GIẤY PHÉP LAO ĐỘNG"),
    ("wrapped-with-uppercase-lines",
     "QUY TRÌNH\nXét hưởng chế độ trợ cấp đối với đối tượng thuộc Công an nhân dân trực tiếp tham gia\n"
     "Ủy ban nhân dân cấp tỉnh xác nhận, giúp bạn Lào sau ngày 30/4/1975 ở địa bàn quy định tại\n"
     "Điều 3 Nghị định số 23/2012/NĐ-CP\n(Ban hành kèm theo Quyết định số 1/QĐ-S)",
     "Xét hưởng chế độ trợ cấp đối với đối tượng thuộc Công an nhân dân trực tiếp tham gia "
     "Ủy ban nhân dân cấp tỉnh xác nhận, giúp bạn Lào sau ngày 30/4/1975 ở địa bàn quy định tại "
     "Điều 3 Nghị định số 23/2012/NĐ-CP"),
    ("abbreviation-tail", "QUY TRÌNH\nGia hạn thời gian lưu hành tại Việt Nam cho phương tiện của các nước\n"
     "GMS\nMã hiệu: QT-01", "Gia hạn thời gian lưu hành tại Việt Nam cho phương tiện của các nước GMS"),
    ("stops-at-place-date",
     "QUY TRÌNH\nGiải quyết hưởng trợ cấp thất nghiệp cho người lao động bị mất việc làm\n"
     "Lạng Sơn, ngày 05 tháng 3 năm 2024",
     "Giải quyết hưởng trợ cấp thất nghiệp cho người lao động bị mất việc làm"),
    ("short-title-stops-at-next-paragraph", "QUY TRÌNH\nKiểm soát tài liệu\nTài liệu này quy định cách làm",
     "Kiểm soát tài liệu"),
    ("ends-a-sentence-stops", "QUY TRÌNH\nGiải quyết hưởng trợ cấp thất nghiệp cho người lao động mất việc.\n"
     "Tài liệu này quy định cách làm", "Giải quyết hưởng trợ cấp thất nghiệp cho người lao động mất việc."),
    ("fallback-skips-signatures",
     "Mã hiệu: QT-01/VP\nNGƯỜI SOẠN THẢO NGƯỜI KIỂM TRA NGƯỜI PHÊ DUYỆT\nHƯỚNG DẪN LƯU TRỮ HỒ SƠ",
     "HƯỚNG DẪN LƯU TRỮ HỒ SƠ"),
]


@pytest.mark.parametrize("text,title", [c[1:] for c in TITLES], ids=[c[0] for c in TITLES])
def test_titles(text: str, title: str) -> None:
    assert meta(text).title == title


def test_title_longer_than_the_former_cut_is_read_whole() -> None:
    """Issue 13.5: titles were cut at about 300 characters and three lines."""
    long = ("Cấp Giấy chứng nhận đủ điều kiện hoạt động kiểm định kỹ thuật an toàn lao động cho các tổ "
            "chức thực hiện kiểm định đối với các máy, thiết bị, vật tư có yêu cầu nghiêm ngặt về an toàn "
            "lao động sử dụng trong thi công xây dựng (bao gồm: hệ thống cốp pha trượt; hệ thống cốp pha "
            "leo; hệ giàn thép ván khuôn trượt; máy khoan, máy ép cọc, đóng cọc chuyên dùng có hệ thống tời "
            "nâng; máy bơm bê tông; cần trục tháp; máy vận thăng sử dụng trong thi công xây dựng)")
    assert len(long) > 400
    wrapped = "\n".join(long[i:i + 80] for i in range(0, len(long), 80))  # cut mid-word, as OCR may
    text = f"Mã hiệu: QT-01/VP | Lần ban hành: 02\nQUY TRÌNH\n{long}\n(Ban hành kèm theo Quyết định)"
    assert meta(text).title == long
    assert meta(text, title=long[:255]).title == long
    assert meta(text.replace(long, long.upper())).title == long.upper()
    assert len(meta(f"QUY TRÌNH\n{wrapped}").title) > 300
