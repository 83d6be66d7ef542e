"""Builders for catalog tests: decision-style workbooks and CSV files made the way clerks make them."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from doccontrol.core.catalog import CatalogEvent, Tthc

Cell = object
Row = Sequence[Cell]

# Tone marks as Windows-1258 writes them: combining, after a base letter that cp1258 has whole.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese text the way Windows-1258 stores it: ``ệ`` → ``ê`` + combining dot below."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
        tones = "".join(c for c in decomposed if c in _TONES)
        out += (base + tones).encode("cp1258")
    return bytes(out)


def write_workbook(path: Path, sheets: Sequence[tuple[str, Sequence[Row], Sequence[str]]]) -> Path:
    """A workbook with one sheet per ``(title, rows, merged ranges)``; rows start at row 1."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows, merges in sheets:
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    ws.cell(row=r, column=c, value=value)
        for rng in merges:
            ws.merge_cells(rng)
    wb.save(path)
    return path


# A provincial decision's list, as a department receives it. Row numbers in comments are the
# spreadsheet's. Expected parse results are asserted in test_catalog.py.
DECISION_ROWS: list[Row] = [
    ["ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"],                                                     # 1
    ["DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH, SỬA ĐỔI, BỔ SUNG, BỊ BÃI BỎ TRONG LĨNH VỰC "
     "LAO ĐỘNG, THƯƠNG BINH VÀ XÃ HỘI THUỘC PHẠM VI CHỨC NĂNG QUẢN LÝ CỦA SỞ LAO ĐỘNG - "
     "THƯƠNG BINH VÀ XÃ HỘI TỈNH LẠNG SƠN"],                                              # 2
    ["(Kèm theo Quyết định số 345/QĐ-UBND ngày 12/3/2024 của Chủ tịch UBND tỉnh Lạng Sơn)"],  # 3
    [],                                                                                     # 4
    ["PHẦN I. DANH MỤC THỦ TỤC HÀNH CHÍNH"],                                               # 5
    ["STT", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Cấp thực hiện", "Ghi chú"],  # 6
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],                                            # 7
    ["A", "THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH"],                                              # 8
    ["I", "Lĩnh vực Việc làm"],                                                            # 9
    [1, "1.001234.000.00.00.H37", "Cấp giấy phép lao động cho người nước ngoài làm việc tại Việt Nam",
     None, "Cấp tỉnh", ""],                                                                # 10
    [2, "1.001235.000.00.00.H37", "Gia hạn giấy phép lao động cho người nước ngoài làm việc tại Việt Nam",
     None, "Cấp tỉnh", ""],                                                                # 11
    ["II", "LĨNH VỰC GIÁO DỤC NGHỀ NGHIỆP (02 TTHC)"],                                    # 12
    [3, "2.000111", "Thành lập trung tâm giáo dục nghề nghiệp công lập", "Giáo dục nghề nghiệp",
     "Cấp tỉnh", None],                                                                    # 13
    [4, "2.000112", "Đăng ký hoạt động giáo dục nghề nghiệp", None, "Cấp tỉnh", None],    # 14
    ["B", "THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG"],                                          # 15
    ["I", "Lĩnh vực Người có công"],                                                       # 16
    [5, "1.002001", "Giải quyết chế độ ưu đãi đối với thân nhân liệt sĩ", None, "Cấp huyện",
     "Sửa đổi thành phần hồ sơ"],                                                          # 17
    [6, "1.00200", "Di chuyển hài cốt liệt sĩ", None, "Cấp tỉnh", None],                  # 18 bad code
    [7, None, "Trang cấp dụng cụ chỉnh hình cho người có công", None, "Cấp tỉnh", None],   # 19 no code
    ["C", "THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ"],                                                 # 20
    [8, "1.000999", "Cấp lại giấy phép hoạt động dịch vụ việc làm", "Việc làm", "Cấp tỉnh",
     "Bãi bỏ theo Nghị định số 23/2021/NĐ-CP"],                                            # 21
    ["Tổng cộng: 8 thủ tục"],                                                              # 22
]
DECISION_MERGES = ["A1:F1", "A2:F2", "A3:F3", "A5:F5", "B8:F8", "B9:F9", "B12:F12", "B15:F15",
                   "B16:F16", "B20:F20", "A22:F22", "D10:D11"]


def write_decision_workbook(path: Path) -> Path:
    rows = [list(r) for r in DECISION_ROWS]
    rows[9][3] = "Việc làm"  # D10, merged down over D11
    return write_workbook(path, [("Danh mục", rows, DECISION_MERGES)])


def tthc(code: str, name: str, field: str, *, status: str = "active",
         events: Sequence[tuple[dt.date | None, str, str]] = ()) -> Tthc:
    """A catalog entry with an ``added`` event and the given ``(date, decision, kind)`` events."""
    history = [CatalogEvent(dt.date(2023, 1, 10), "100/QĐ-UBND", "added", "")]
    history += [CatalogEvent(d, dec, kind, "") for d, dec, kind in events]
    return Tthc(code=code, name=name, field=field, agency="Sở LĐTBXH", level="Cấp tỉnh",
                status=status, history=tuple(history))
