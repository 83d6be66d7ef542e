"""Table tests of the metadata reader (doccontrol.metadata): every layout and label."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata

import pytest

from doccontrol.core.metadata import find_tthc_codes, parse_date, read_metadata, tthc_key
from doccontrol.core.model import DocProperties, Metadata
from doccontrol.core.text import clean

D = dt.date
NO_PROPS = DocProperties()


def meta(text: str, title: str = "") -> Metadata:
    return read_metadata(text, DocProperties(title=title))


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# ------------------------------------------------------------------------------------------
# Procedure code

CODE_CASES = [
    # layouts
    ("header-row", "Mã hiệu: QT-01/LĐTBXH | Lần ban hành: 02 | Ngày ban hành: 15/01/2024",
     "QT-01/LĐTBXH"),
    ("split-cells", "Mã hiệu | QT-01/LĐTBXH\nLần ban hành | 02", "QT-01/LĐTBXH"),
    ("split-cells-colon", "Mã hiệu: | QT-10/VP", "QT-10/VP"),
    ("paragraph", "1. MỤC ĐÍCH\nMã số: QT.VL.01\nQuy trình này ...", "QT.VL.01"),
    ("several-labels-one-line",
     "Mã hiệu: QT-LDVL-03   Lần ban hành: 01   Ngày ban hành: 05/03/2024", "QT-LDVL-03"),
    ("next-line", "Mã hiệu:\nQT-LDVL-03", "QT-LDVL-03"),
    ("next-line-no-colon", "Mã hiệu\nQT-LDVL-03\nLần ban hành\n02", "QT-LDVL-03"),
    ("next-line-after-blank", "Mã hiệu:\n\nQT-LDVL-04", "QT-LDVL-04"),
    ("page-header-first",
     "Mã hiệu: QT-02/VP | Lần ban hành: 01\nUBND TỈNH LẠNG SƠN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
     "\nQUY TRÌNH\nKiểm soát hồ sơ", "QT-02/VP"),
    ("column-table", "Mã hiệu | Lần ban hành | Ngày ban hành\nQT-02/VP | 03 | 01/02/2024",
     "QT-02/VP"),
    ("pdf-flattened-no-colons", "Mã hiệu QT-01/LĐTBXH Lần ban hành 02 Ngày ban hành 15/01/2024",
     "QT-01/LĐTBXH"),
    ("bullet", "- Mã hiệu: QT-09/VP", "QT-09/VP"),
    # labels
    ("ma-quy-trinh", "Mã quy trình: QT-05/NCC", "QT-05/NCC"),
    ("ky-hieu", "Ký hiệu: QT-BTXH-02", "QT-BTXH-02"),
    ("ma-hieu-tai-lieu", "Mã hiệu tài liệu: QT-07/VP", "QT-07/VP"),
    ("ma-so-quy-trinh", "Mã số quy trình: QT-08/VP", "QT-08/VP"),
    ("fullwidth-colon", "Mã hiệu： QT-11/VP", "QT-11/VP"),
    # case and diacritics
    ("no-diacritics", "Ma hieu: QT-01/LDTBXH", "QT-01/LDTBXH"),
    ("all-caps", "MÃ HIỆU: QT 05/VP", "QT 05/VP"),
    ("all-caps-folded", "MA SO: QT.VL.01", "QT.VL.01"),
    ("lower-case-label", "mã hiệu: QT-LĐVL-01", "QT-LĐVL-01"),
    ("code-with-d-stroke", "Mã hiệu: QT-02/LĐVL", "QT-02/LĐVL"),
    ("nfd-input", nfd("Mã hiệu: QT-01/LĐTBXH | Lần ban hành: 02"), "QT-01/LĐTBXH"),
    # value shapes
    ("space-in-code", "Mã hiệu: QT 05/VP", "QT 05/VP"),
    ("spaces-squashed", "Mã hiệu: QT   05/VP", "QT 05/VP"),
    ("spaced-separator", "Mã hiệu: QT-01 / LĐTBXH", "QT-01 / LĐTBXH"),
    ("sentence-end", "Mã số: QT.VL.01. Quy trình này áp dụng cho ...", "QT.VL.01"),
    ("semicolon", "Mã hiệu: QT-01/VP; Lần ban hành: 02", "QT-01/VP"),
    ("comma-then-words", "Mã hiệu: QT-01/VP, ban hành năm 2024", "QT-01/VP"),
    ("stops-at-lower-word", "Mã hiệu: QT-03/VP ban hành kèm theo Quyết định", "QT-03/VP"),
    ("quoted", "Mã hiệu: “QT-12/VP”", "QT-12/VP"),
    # the first heading-like label with a valid value wins
    ("skips-tax-code", "Mã số thuế: 0101234567\nMã hiệu: QT-03/VP", "QT-03/VP"),
    ("own-code-before-forms",
     "Mã hiệu: QT-01/VP\n6. BIỂU MẪU\nTT | Mã hiệu | Tên biểu mẫu\n1 | BM.01 | Phiếu đề nghị",
     "QT-01/VP"),
    ("repeated-page-headers", "Mã hiệu: QT-04/VP\nnội dung\nMã hiệu: QT-04/VP", "QT-04/VP"),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in CODE_CASES], ids=[c[0] for c in CODE_CASES])
def test_code(text: str, expected: str) -> None:
    result = meta(clean(text))
    assert result.code == expected
    assert result.code is not None and unicodedata.is_normalized("NFC", result.code)


NOT_A_CODE_CASES = [
    ("tax-code", "Mã số thuế: 0101234567"),
    ("tthc-label", "Mã số TTHC: 1.001234"),
    ("tthc-label-no-colon", "Mã số TTHC 1.001234"),
    ("tthc-full-as-value", "Mã số: 1.001234.000.00.00.H37"),
    ("form-code", "Mã hiệu biểu mẫu: BM.01"),
    ("form-code-bm", "Mã hiệu: BM.01"),
    ("abbreviation-table", "Ký hiệu | Diễn giải\nQT | Quy trình"),
    ("abbreviation-table-caps", "KÝ HIỆU | DIỄN GIẢI\nQT | QUY TRÌNH"),
    ("abbreviation-heading", "Ký hiệu viết tắt"),
    ("digits-only", "Mã số: 123456"),
    ("label-without-value", "Mã hiệu: Lần ban hành: 02"),
    ("next-line-is-label", "Mã hiệu:\nLần ban hành: 02"),
    ("next-cell-is-label", "Mã hiệu: | Lần ban hành: 02"),
    ("in-a-sentence", "Quy trình này thay thế quy trình có mã hiệu QT-02/VP"),
    ("in-brackets", "Quy trình kiểm soát tài liệu (mã hiệu QT-02/VP)"),
    ("date-value", "Mã hiệu: 15/01/2024"),
    ("label-at-end", "Mã hiệu:"),
    ("decision-number", "Số: 45/QĐ-SLĐTBXH"),
    ("business-code", "Mã số doanh nghiệp: 4900123456"),
    ("forms-table-only", "TT | Mã hiệu | Tên biểu mẫu\n1 | BM.01 | Phiếu tiếp nhận hồ sơ"),
    ("lower-word-value", "Mã số: thuế đã đăng ký"),
    ("letters-only", "Mã hiệu: QTVP"),
    ("empty", ""),
]


@pytest.mark.parametrize("text", [c[1] for c in NOT_A_CODE_CASES], ids=[c[0] for c in NOT_A_CODE_CASES])
def test_not_a_procedure_code(text: str) -> None:
    result = meta(text)
    assert result.code is None
    assert result.code_key is None


@pytest.mark.parametrize("text,key", [
    ("Mã hiệu: QT-01/LĐTBXH", "qt-01/ldtbxh"),
    ("Mã hiệu: QT 05/VP", "qt-05/vp"),  # a space is a separator like "-" (issue 12.4)
    ("MA SO: QT.VL.01", "qt.vl.01"),
    ("Mã hiệu: qt-ldvl-03", "qt-ldvl-03"),
])
def test_code_key(text: str, key: str) -> None:
    assert meta(text).code_key == key


# ------------------------------------------------------------------------------------------
# Revision

REVISION_CASES = [
    ("two-digits", "Lần ban hành: 02", 2, True),
    ("one-digit", "Lần ban hành: 2", 2, True),
    ("lan-n", "Lần ban hành: lần 3", 3, True),
    ("lan-thu-n", "Lần ban hành: lần thứ 4", 4, True),
    ("sua-doi", "Lần sửa đổi: 04", 4, True),
    ("sua-doi-bo-sung", "Lần sửa đổi/bổ sung: 03", 3, True),
    ("phien-ban-version", "Phiên bản: 1.0", 1, True),
    ("phien-ban-minor", "Phiên bản 2.1", 2, True),
    ("phien-ban-v", "Phiên bản: v3", 3, True),
    ("lan-bh", "Lần BH: 05", 5, True),
    ("caps", "LẦN BAN HÀNH: 03", 3, True),
    ("folded", "Lan ban hanh: 03", 3, True),
    ("folded-caps", "LAN BAN HANH 07", 7, True),
    ("nfd", nfd("Lần ban hành: 06"), 6, True),
    ("split-cells", "Mã hiệu | QT-01\nLần ban hành | 02", 2, True),
    ("next-line", "Lần ban hành:\n02", 2, True),
    ("header-row", "Mã hiệu: QT-01 | Lần ban hành: 02 | Ngày ban hành: 15/01/2024", 2, True),
    ("column-table", "Mã hiệu | Lần ban hành\nQT-01 | 05", 5, True),
    ("absurd", "Lần ban hành: 1000", 1, False),
    ("zero", "Lần sửa đổi: 00", 1, False),
    ("zero-then-real", "Lần sửa đổi: 00 | Lần ban hành: 02", 2, True),
    ("date-is-not-revision", "Lần ban hành: 15/01/2024", 1, False),
    ("absent", "Mã hiệu: QT-01/VP", 1, False),
    ("no-value", "Lần ban hành: | Ngày ban hành: 15/01/2024", 1, False),
]


@pytest.mark.parametrize("text,revision,stated", [c[1:] for c in REVISION_CASES],
                         ids=[c[0] for c in REVISION_CASES])
def test_revision(text: str, revision: int, stated: bool) -> None:
    result = meta(clean(text))
    assert (result.revision, result.revision_stated) == (revision, stated)


# ------------------------------------------------------------------------------------------
# Dates

DATE_CASES = [
    ("slash", "Ngày ban hành: 15/01/2024", D(2024, 1, 15), None),
    ("short", "Ngày ban hành: 5/3/2024", D(2024, 3, 5), None),
    ("dash", "Ngày ban hành: 05-03-2024", D(2024, 3, 5), None),
    ("dots", "Ngày ban hành: 05.03.2024", D(2024, 3, 5), None),
    ("words", "Ngày ban hành: ngày 5 tháng 3 năm 2024", D(2024, 3, 5), None),
    ("words-folded", "Ngay ban hanh: ngay 5 thang 3 nam 2024", D(2024, 3, 5), None),
    ("caps", "NGÀY BAN HÀNH: 05/03/2024", D(2024, 3, 5), None),
    ("nfd", nfd("Ngày ban hành: ngày 05 tháng 03 năm 2024"), D(2024, 3, 5), None),
    ("effective", "Ngày hiệu lực: 01/04/2024", None, D(2024, 4, 1)),
    ("effective-co", "Ngày có hiệu lực: 01/04/2024", None, D(2024, 4, 1)),
    ("both-one-line", "Ngày ban hành: 15/01/2024; Ngày hiệu lực: 01/02/2024",
     D(2024, 1, 15), D(2024, 2, 1)),
    ("both-header-row", "Mã hiệu: QT-01 | Ngày ban hành: 15/01/2024 | Ngày hiệu lực: 01/02/2024",
     D(2024, 1, 15), D(2024, 2, 1)),
    ("split-cells", "Ngày ban hành | 15/01/2024\nNgày hiệu lực | 01/02/2024",
     D(2024, 1, 15), D(2024, 2, 1)),
    ("next-line", "Ngày ban hành:\n15/01/2024", D(2024, 1, 15), None),
    ("column-table", "Ngày ban hành | Ngày hiệu lực\n15/01/2024 | 01/02/2024",
     D(2024, 1, 15), D(2024, 2, 1)),
    ("invalid-date", "Ngày ban hành: 31/02/2024", None, None),
    ("empty-value", "Ngày ban hành: | Ngày hiệu lực: 01/04/2024", None, D(2024, 4, 1)),
    ("blank-form", "Ngày ban hành: ..../..../2024", None, None),
    ("empty-then-body-text", "Ngày hiệu lực:\n- Nghị định số 61/2018/NĐ-CP ngày 23/4/2018;", None, None),
    ("date-not-opening-value", "Ngày ban hành: theo Quyết định số 12 ngày 05/03/2024", None, None),
    ("ngay-prefix", "Ngày ban hành: ngày 05/03/2024", D(2024, 3, 5), None),
    ("unlabelled-dates", "Lạng Sơn, ngày 05 tháng 3 năm 2024\nQuyết định số 19/2014/QĐ-TTg "
     "ngày 05/3/2014", None, None),
]


@pytest.mark.parametrize("text,issued,effective", [c[1:] for c in DATE_CASES],
                         ids=[c[0] for c in DATE_CASES])
def test_dates(text: str, issued: dt.date | None, effective: dt.date | None) -> None:
    result = meta(clean(text))
    assert (result.issued, result.effective) == (issued, effective)


@pytest.mark.parametrize("text,expected", [
    ("05/03/2024", D(2024, 3, 5)),
    ("5/3/2024", D(2024, 3, 5)),
    ("05-03-2024", D(2024, 3, 5)),
    ("05.03.2024", D(2024, 3, 5)),
    ("ngày 5 tháng 3 năm 2024", D(2024, 3, 5)),
    ("Ngày 05 tháng 03 năm 2024", D(2024, 3, 5)),
    ("ngay 5 thang 3 nam 2024", D(2024, 3, 5)),
    (nfd("ngày 5 tháng 3 năm 2024"), D(2024, 3, 5)),
    ("  29/02/2024 ", D(2024, 2, 29)),
    ("Hà Nội, 01/12/2023", D(2023, 12, 1)),
    ("31/02/2024", None),
    ("29/02/2023", None),
    ("15/13/2024", None),
    ("05/03/24", None),
    ("05/03-2024", None),
    ("", None),
    ("không có ngày", None),
    ("1.001234", None),
])
def test_parse_date(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


# ------------------------------------------------------------------------------------------
# TTHC codes


@pytest.mark.parametrize("code,expected", [
    ("1.001234.000.00.00.H37", "1.001234"),
    ("1.001234", "1.001234"),
    (" 1.001234 ", "1.001234"),
    ("2.000286", "2.000286"),
    ("3.000323.000.00.00.H12", "3.000323"),
    ("1.00123", None),
    ("1.0012345", None),
    ("1,001234", None),
    ("11.001234", None),
    ("1.001234.000.00.00", None),
    ("1.001234 x", None),
    ("abc", None),
    ("", None),
])
def test_tthc_key(code: str, expected: str | None) -> None:
    assert tthc_key(code) == expected


@pytest.mark.parametrize("text,expected", [
    ("Mã TTHC: 1.001234", ("1.001234",)),
    ("Mã thủ tục: 1.001234.000.00.00.H37", ("1.001234",)),
    ("2.000286; 1.001234 và 2.000286", ("2.000286", "1.001234")),
    ("Mã TTHC: 1.001234.000.00.00.H37, 1.001234", ("1.001234",)),
    ("1.001234.", ("1.001234",)),
    ("(1.001234)", ("1.001234",)),
    ("1.001234-Cấp giấy phép lao động", ("1.001234",)),
    ("Mã TTHC | 1.002519", ("1.002519",)),
    ("2.0001234", ()),
    ("12.001234", ()),
    ("gọi 0912.345678", ()),
    ("01.02.2024", ()),
    ("Lệ phí 1.500.000 đồng", ()),
    ("v1.001234", ()),
    ("1.001234.5", ()),
    ("Phiên bản 1.0", ()),
    ("", ()),
])
def test_find_tthc_codes(text: str, expected: tuple[str, ...]) -> None:
    assert find_tthc_codes(text) == expected
    assert meta(text).tthc == expected


# ------------------------------------------------------------------------------------------
# Title

TITLE_CASES = [
    ("heading-caps", "QUY TRÌNH\nCẤP GIẤY PHÉP LAO ĐỘNG CHO NGƯỜI NƯỚC NGOÀI\nMã hiệu: QT-01", "",
     "CẤP GIẤY PHÉP LAO ĐỘNG CHO NGƯỜI NƯỚC NGOÀI"),
    ("heading-two-caps-lines",
     "QUY TRÌNH\nCẤP GIẤY PHÉP LAO ĐỘNG CHO NGƯỜI NƯỚC NGOÀI\nLÀM VIỆC TẠI VIỆT NAM\n1. MỤC ĐÍCH",
     "", "CẤP GIẤY PHÉP LAO ĐỘNG CHO NGƯỜI NƯỚC NGOÀI LÀM VIỆC TẠI VIỆT NAM"),
    ("heading-lowercase-continuation",
     "QUY TRÌNH\nCấp giấy phép lao động cho người nước ngoài\nlàm việc tại Việt Nam\nMã hiệu: QT-1",
     "", "Cấp giấy phép lao động cho người nước ngoài làm việc tại Việt Nam"),
    ("pdf-wrapped-short-tail",
     "QUY TRÌNH\nCấp giấy phép lao động cho người lao động nước ngoài làm việc tại\nViệt Nam\n"
     "(Ban hành kèm theo Quyết định số 12/QĐ-SLĐTBXH ngày 15/01/2024)", "",
     "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam"),
    ("pdf-wrapped-bracket",
     "QUY TRÌNH\nGiải quyết chế độ điều dưỡng phục hồi sức khỏe đối với người có công với cách mạng\n"
     "(thực hiện qua dịch vụ công trực tuyến toàn trình)\n(Ban hành kèm theo Quyết định số 1/QĐ-S)", "",
     "Giải quyết chế độ điều dưỡng phục hồi sức khỏe đối với người có công với cách mạng "
     "(thực hiện qua dịch vụ công trực tuyến toàn trình)"),
    ("heading-colon", "QUY TRÌNH:\nKiểm soát tài liệu", "", "Kiểm soát tài liệu"),
    ("heading-mixed-case", "Quy trình\nKiểm soát tài liệu\nMã hiệu: QT-01/VP", "",
     "Kiểm soát tài liệu"),
    ("heading-folded", "QUY TRINH\nKIEM SOAT TAI LIEU", "", "KIEM SOAT TAI LIEU"),
    ("heading-nfd", nfd("QUY TRÌNH\nĐÁNH GIÁ NỘI BỘ"), "", "ĐÁNH GIÁ NỘI BỘ"),
    ("blank-after-heading", "QUY TRÌNH\n\nKiểm soát hồ sơ\n", "", "Kiểm soát hồ sơ"),
    ("stops-at-note", "QUY TRÌNH\nKiểm soát hồ sơ\n(Ban hành kèm theo Quyết định số 45/QĐ-SLĐTBXH)",
     "", "Kiểm soát hồ sơ"),
    ("stops-at-section", "QUY TRÌNH\nĐÁNH GIÁ NỘI BỘ\n1. MỤC ĐÍCH", "", "ĐÁNH GIÁ NỘI BỘ"),
    ("stops-at-table-row", "QUY TRÌNH\nKIỂM SOÁT TÀI LIỆU\nNGƯỜI SOẠN THẢO | NGƯỜI KIỂM TRA", "",
     "KIỂM SOÁT TÀI LIỆU"),
    ("mixed-does-not-take-caps", "QUY TRÌNH\nKiểm soát tài liệu\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
     "", "Kiểm soát tài liệu"),
    # a title is read over every line it was wrapped on (issue 13.5; once at most three lines)
    ("every-caps-line", "QUY TRÌNH\nKIỂM SOÁT\nTÀI LIỆU\nNỘI BỘ\nBÊN NGOÀI", "",
     "KIỂM SOÁT TÀI LIỆU NỘI BỘ BÊN NGOÀI"),
    ("pdf-flattened-label", "QUY TRÌNH\nCẤP GIẤY PHÉP LAO ĐỘNG Mã hiệu: QT-01", "",
     "CẤP GIẤY PHÉP LAO ĐỘNG"),
    ("one-line", "UBND TỈNH LẠNG SƠN\nQUY TRÌNH CẤP GIẤY PHÉP LAO ĐỘNG CHO NGƯỜI NƯỚC NGOÀI\nMã hiệu: X-1",
     "", "CẤP GIẤY PHÉP LAO ĐỘNG CHO NGƯỜI NƯỚC NGOÀI"),
    ("one-line-continued", "QUY TRÌNH CẤP GIẤY PHÉP LAO ĐỘNG CHO NGƯỜI NƯỚC NGOÀI\nLÀM VIỆC TẠI VIỆT NAM",
     "", "CẤP GIẤY PHÉP LAO ĐỘNG CHO NGƯỜI NƯỚC NGOÀI LÀM VIỆC TẠI VIỆT NAM"),
    ("one-line-colon", "Quy trình: Giải quyết hưởng trợ cấp thất nghiệp", "",
     "Giải quyết hưởng trợ cấp thất nghiệp"),
    ("header-cell", "SỞ LĐTBXH | QUY TRÌNH KIỂM SOÁT TÀI LIỆU | Mã hiệu: QT-01/VP Lần ban hành: 02",
     "", "KIỂM SOÁT TÀI LIỆU"),
    ("spaces-squashed", "QUY TRÌNH\n  Kiểm   soát  tài liệu  ", "", "Kiểm soát tài liệu"),
    # no heading: properties, then the first heading-like line
    ("sentence-is-not-heading", "Quy trình này áp dụng cho các phòng chuyên môn.", "Kiểm soát hồ sơ",
     "Kiểm soát hồ sơ"),
    ("properties", "Mã hiệu: QT-02/VP\nnội dung", "Kiểm soát   hồ sơ", "Kiểm soát hồ sơ"),
    ("heading-beats-properties", "QUY TRÌNH\nKiểm soát hồ sơ", "Tài liệu 1", "Kiểm soát hồ sơ"),
    ("junk-properties",
     "UBND TỈNH LẠNG SƠN\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
     "Độc lập - Tự do - Hạnh phúc\nKIỂM SOÁT TÀI LIỆU\nMã hiệu: QT-01/VP",
     "Microsoft Word - QT01.docx", "KIỂM SOÁT TÀI LIỆU"),
    ("agency-header-row-skipped",
     "UBND TỈNH LẠNG SƠN SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
     "HƯỚNG DẪN LƯU TRỮ HỒ SƠ", "", "HƯỚNG DẪN LƯU TRỮ HỒ SƠ"),
    ("first-plain-line", "Mã hiệu: QT-01/VP\nLần ban hành: 01\nHướng dẫn kiểm soát tài liệu nội bộ",
     "", "Hướng dẫn kiểm soát tài liệu nội bộ"),
    ("skips-number-and-place-date",
     "Số: 12/KH-BCĐ\nLạng Sơn, ngày 05 tháng 02 năm 2024\nKẾ HOẠCH\nÁp dụng ISO", "", "KẾ HOẠCH"),
    ("skips-bare-code-value", "Mã hiệu:\nQT-LDVL-03\nHướng dẫn nội bộ", "", "Hướng dẫn nội bộ"),
    ("nothing", "", "", ""),
]


@pytest.mark.parametrize("text,prop,expected", [c[1:] for c in TITLE_CASES],
                         ids=[c[0] for c in TITLE_CASES])
def test_title(text: str, prop: str, expected: str) -> None:
    title = meta(clean(text), title=prop).title
    assert title == expected
    assert unicodedata.is_normalized("NFC", title)


# ------------------------------------------------------------------------------------------
# A whole document


FULL_DOCUMENT = """\
UBND TỈNH LẠNG SƠN SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc
QUY TRÌNH
Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam
(Ban hành kèm theo Quyết định số 45/QĐ-SLĐTBXH ngày 10/01/2024 của Giám đốc Sở)
Mã hiệu: QT-LĐVL-01 | Lần ban hành: 03 | Ngày ban hành: 15/01/2024
Ngày hiệu lực: 01/02/2024 | Lĩnh vực: Việc làm | Đơn vị soạn thảo: Phòng Lao động - Việc làm
 | Người soạn thảo | Người kiểm tra | Người phê duyệt
Họ và tên | Nguyễn Thị Hoa | Hoàng Văn Nam | Lương Văn Thắng
1. MỤC ĐÍCH
Quy định trình tự, cách thức thực hiện thủ tục hành chính.
3. TÀI LIỆU VIỆN DẪN
- Bộ luật Lao động số 45/2019/QH14 ngày 20/11/2019;
- Nghị định số 152/2020/NĐ-CP ngày 30/12/2020 của Chính phủ;
4. ĐỊNH NGHĨA, TỪ VIẾT TẮT
Ký hiệu | Diễn giải
TTHC | Thủ tục hành chính
5. NỘI DUNG QUY TRÌNH
Mã TTHC: 1.000105
Mã TTHC: 1.000459.000.00.00.H37
Lệ phí: 600.000 đồng/giấy phép. Liên hệ: 0205.3812345
6. BIỂU MẪU
TT | Mã hiệu | Tên biểu mẫu
1 | BM.01 | Phiếu tiếp nhận hồ sơ và hẹn trả kết quả
Sở Lao động - Thương binh và Xã hội tỉnh Lạng Sơn - Hệ thống quản lý chất lượng TCVN ISO 9001:2015"""


def test_full_document() -> None:
    assert meta(FULL_DOCUMENT, title="Microsoft Word - QT01.docx") == Metadata(
        code="QT-LĐVL-01",
        code_key="qt-ldvl-01",
        title="Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        revision=3,
        revision_stated=True,
        issued=D(2024, 1, 15),
        effective=D(2024, 2, 1),
        tthc=("1.000105", "1.000459"),
        citations=("45/2019/QH14", "152/2020/NĐ-CP"),  # the issuing decision is not a citation
    )


def test_full_document_nfd_and_crlf() -> None:
    expected = meta(FULL_DOCUMENT)
    assert meta(nfd(FULL_DOCUMENT).replace("\n", "\r\n")) == expected


def test_properties_are_not_needed_when_text_has_everything() -> None:
    assert read_metadata(FULL_DOCUMENT, NO_PROPS) == meta(FULL_DOCUMENT, title="Khác")


def test_garbage_never_raises() -> None:
    """Random lines built from label fragments, separators and digits: the reader returns a
    Metadata with sane values and never raises."""
    rng = random.Random(7)
    pieces = ["Mã hiệu", "Mã số", "Lần ban hành", "Phiên bản", "Ngày ban hành", "Ngày hiệu lực",
              "QUY TRÌNH", "|", ":", "\n", " ", "QT-01/VP", "1.001234", "31/02/2024", "05/03/2024",
              "lần", "ngày 5 tháng", "Đ", "\u0301", "\u00ad", "-", "/", ".", "(", "9999", "０１"]
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        result = read_metadata(text, NO_PROPS)
        assert 1 <= result.revision <= 999
        assert (result.code is None) == (result.code_key is None)
        assert all(tthc_key(code) == code for code in result.tthc)
