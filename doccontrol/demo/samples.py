"""Realistic Vietnamese ISO 9001:2015 procedure documents (quy trình), built as .docx and .pdf.

Used by ``doccontrol demo``, by tests and by benchmarks. A :class:`ProcedureSpec` describes one
procedure; :func:`build_docx` and :func:`build_pdf` write it with the layout of the department's
real procedures (see ``/work/shared/seed``):

- the agency header block (``UBND TỈNH ...`` / ``SỞ ...`` on the left, ``CỘNG HÒA XÃ HỘI CHỦ
  NGHĨA VIỆT NAM`` / ``Độc lập - Tự do - Hạnh phúc`` on the right);
- the title block ``QUY TRÌNH`` + title + "(Ban hành kèm theo Quyết định số ...)";
- the metadata (Mã hiệu, Lần ban hành, Ngày ban hành, Ngày hiệu lực) in one of four layouts;
- the sign-off table (Người soạn thảo / Người kiểm tra / Người phê duyệt);
- sections 1-7: Mục đích, Phạm vi áp dụng, Tài liệu viện dẫn, Định nghĩa/viết tắt, Nội dung quy
  trình (TTHC code, legal basis, dossier, time limit, fee, the steps table), Biểu mẫu, Hồ sơ
  cần lưu.

Metadata layouts (``ProcedureSpec.metadata_layout``):

- ``"header_table"``: a table under the title, ``Mã hiệu: X | Lần ban hành: 02 | Ngày ban hành: ...``;
- ``"paragraphs"``: plain paragraphs, ``Mã số: X`` / ``Lần ban hành: 02`` / both dates on one line;
- ``"page_header"``: the metadata table in the page header (Word section header; top of every PDF
  page), nothing in the body;
- ``"split_cells"``: a two-column table, label in one cell and value in the next.

The document is described once as plain blocks (paragraphs and tables) and rendered three ways:
Word, PDF (fpdf2 with the Roboto font, our own small line-breaker for speed) and plain text as
the extractor produces it (:func:`spec_text`). Everything is deterministic: the same spec gives
the same bytes.

The legal documents cited are real; the TTHC code numbers are illustrative and were not checked
against the national database.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from doccontrol.core.text import code_key, slugify

__all__ = [
    "LAYOUTS",
    "OFFICES",
    "ProcedureSpec",
    "Step",
    "build_docx",
    "build_file",
    "build_pdf",
    "demo_specs",
    "generated_specs",
    "sample_filename",
    "spec_text",
]

LAYOUTS: tuple[str, ...] = ("header_table", "paragraphs", "page_header", "split_cells")

#: Office codes (the inbox sub-folder names) and the offices' names.
OFFICES: dict[str, str] = {
    "VP": "Văn phòng Sở",
    "LDVL": "Phòng Lao động - Việc làm",
    "NCC": "Phòng Người có công",
    "BTXH": "Phòng Bảo trợ xã hội",
    "GDNN": "Phòng Giáo dục nghề nghiệp",
    "TE": "Phòng Trẻ em và Bình đẳng giới",
    "KHTC": "Phòng Kế hoạch - Tài chính",
    "TTR": "Thanh tra Sở",
}

# Short forms used inside procedure codes (QT-01/LĐVL, QT.VL.01 ...).
_OFFICE_ABBR: dict[str, tuple[str, str]] = {  # office -> (with Đ, folded)
    "VP": ("VP", "VP"),
    "LDVL": ("LĐVL", "VL"),
    "NCC": ("NCC", "NCC"),
    "BTXH": ("BTXH", "BTXH"),
    "GDNN": ("GDNN", "GDNN"),
    "TE": ("TE", "TE"),
    "KHTC": ("KHTC", "KHTC"),
    "TTR": ("TTr", "TTR"),
}

_INTERNAL_FIELD = "Hệ thống quản lý chất lượng"


@dataclass(frozen=True)
class Step:
    """One row of the steps table: Bước | Nội dung | Trách nhiệm | Thời gian | Biểu mẫu."""

    content: str
    responsible: str
    duration: str
    form: str = ""


@dataclass(frozen=True)
class ProcedureSpec:
    """One procedure document. ``office`` is the office code (``VP``, ``LDVL`` ...), the inbox
    sub-folder it is dropped into. Empty optional fields are filled with realistic content that
    depends only on the spec (so the same spec always gives the same document)."""

    code: str
    title: str
    office: str
    revision: int = 1
    issued: dt.date | None = None
    effective: dt.date | None = None
    tthc: tuple[str, ...] = ()
    field: str = ""  # lĩnh vực
    agency: str = "Sở Lao động - Thương binh và Xã hội"
    province: str = "Lạng Sơn"
    body_paragraphs: tuple[str, ...] = ()  # extra content (changes between revisions)
    metadata_layout: str = "header_table"
    steps: tuple[Step, ...] = ()  # empty: the usual steps for the kind of procedure
    dossier: tuple[str, ...] = ()  # thành phần hồ sơ (TTHC procedures)
    legal: tuple[str, ...] = ()  # legal documents cited (sections 3 and 5)
    forms: tuple[tuple[str, str], ...] = ()  # (form code, form name)
    deadline_days: int = 0  # thời hạn giải quyết (TTHC procedures); 0: derived
    fee: str = ""  # lệ phí; empty: "Không"
    signers: tuple[tuple[str, str], ...] = ()  # 3 x (name, position); empty: derived
    decision: str = ""  # "45/QĐ-SLĐTBXH"; empty: derived

    def __post_init__(self) -> None:
        if self.metadata_layout not in LAYOUTS:
            raise ValueError(f"unknown metadata_layout {self.metadata_layout!r}; one of {LAYOUTS}")
        if self.revision < 1:
            raise ValueError("revision must be >= 1")
        if not self.code.strip() or not self.title.strip():
            raise ValueError("code and title are required")


# ============================================================================================
# Vocabulary: real legal documents, real-sounding procedures, names.

_LAW: dict[str, str] = {
    "iso": "Tiêu chuẩn quốc gia TCVN ISO 9001:2015 - Hệ thống quản lý chất lượng - Các yêu cầu",
    "qd19": "Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014 của Thủ tướng Chính phủ về việc áp dụng "
    "Hệ thống quản lý chất lượng theo tiêu chuẩn quốc gia TCVN ISO 9001:2008 vào hoạt động của "
    "các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước",
    "tt26": "Thông tư số 26/2014/TT-BKHCN ngày 10/10/2014 của Bộ Khoa học và Công nghệ quy định "
    "chi tiết thi hành Quyết định số 19/2014/QĐ-TTg",
    "nd61": "Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về thực hiện cơ chế một cửa, "
    "một cửa liên thông trong giải quyết thủ tục hành chính",
    "nd107": "Nghị định số 107/2021/NĐ-CP ngày 06/12/2021 của Chính phủ sửa đổi, bổ sung một số "
    "điều của Nghị định số 61/2018/NĐ-CP",
    "tt01": "Thông tư số 01/2018/TT-VPCP ngày 23/11/2018 của Văn phòng Chính phủ hướng dẫn thi "
    "hành một số quy định của Nghị định số 61/2018/NĐ-CP",
    "nd30": "Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư",
    "blld": "Bộ luật Lao động số 45/2019/QH14 ngày 20/11/2019",
    "nd152": "Nghị định số 152/2020/NĐ-CP ngày 30/12/2020 của Chính phủ quy định về người lao "
    "động nước ngoài làm việc tại Việt Nam và tuyển dụng, quản lý người lao động Việt Nam làm "
    "việc cho tổ chức, cá nhân nước ngoài tại Việt Nam",
    "nd70": "Nghị định số 70/2023/NĐ-CP ngày 18/9/2023 của Chính phủ sửa đổi, bổ sung một số "
    "điều của Nghị định số 152/2020/NĐ-CP",
    "lvl": "Luật Việc làm số 38/2013/QH13 ngày 16/11/2013",
    "nd28": "Nghị định số 28/2015/NĐ-CP ngày 12/3/2015 của Chính phủ quy định chi tiết thi hành "
    "một số điều của Luật Việc làm về bảo hiểm thất nghiệp",
    "nd23": "Nghị định số 23/2021/NĐ-CP ngày 19/3/2021 của Chính phủ quy định chi tiết khoản 3 "
    "Điều 37 và Điều 39 của Luật Việc làm về trung tâm dịch vụ việc làm, doanh nghiệp hoạt "
    "động dịch vụ việc làm",
    "nd145": "Nghị định số 145/2020/NĐ-CP ngày 14/12/2020 của Chính phủ quy định chi tiết và "
    "hướng dẫn thi hành một số điều của Bộ luật Lao động về điều kiện lao động và quan hệ lao động",
    "l69": "Luật Người lao động Việt Nam đi làm việc ở nước ngoài theo hợp đồng số 69/2020/QH14 "
    "ngày 13/11/2020",
    "plncc": "Pháp lệnh Ưu đãi người có công với cách mạng số 02/2020/UBTVQH14 ngày 09/12/2020",
    "nd131": "Nghị định số 131/2021/NĐ-CP ngày 30/12/2021 của Chính phủ quy định chi tiết và "
    "biện pháp thi hành Pháp lệnh Ưu đãi người có công với cách mạng",
    "nd75": "Nghị định số 75/2021/NĐ-CP ngày 24/7/2021 của Chính phủ quy định mức hưởng trợ "
    "cấp, phụ cấp và các chế độ ưu đãi người có công với cách mạng",
    "nd20": "Nghị định số 20/2021/NĐ-CP ngày 15/3/2021 của Chính phủ quy định chính sách trợ "
    "giúp xã hội đối với đối tượng bảo trợ xã hội",
    "nd103": "Nghị định số 103/2017/NĐ-CP ngày 12/9/2017 của Chính phủ quy định về thành lập, tổ "
    "chức, hoạt động, giải thể và quản lý các cơ sở trợ giúp xã hội",
    "lnkt": "Luật Người khuyết tật số 51/2010/QH12 ngày 17/6/2010",
    "lgdnn": "Luật Giáo dục nghề nghiệp số 74/2014/QH13 ngày 27/11/2014",
    "ltreem": "Luật Trẻ em số 102/2016/QH13 ngày 05/4/2016",
    "lphi": "Luật Phí và lệ phí số 97/2015/QH13 ngày 25/11/2015",
    "lkn": "Luật Khiếu nại số 02/2011/QH13 ngày 11/11/2011",
    "ltcd": "Luật Tiếp công dân số 42/2013/QH13 ngày 25/11/2013",
}

_ONE_STOP_LAW = ("nd61", "nd107", "tt01")
_ISO_LAW = ("iso", "qd19", "tt26")


@dataclass(frozen=True)
class _Topic:
    """A family of procedures: ``action + " " + obj`` is a title."""

    obj: str
    actions: tuple[str, ...]
    field: str
    law: tuple[str, ...]
    dossier: tuple[str, ...] = ()
    internal: bool = False
    fee: str = ""


_WORK_PERMIT_DOSSIER = (
    "Văn bản đề nghị cấp giấy phép lao động của người sử dụng lao động theo Mẫu số 11/PLI "
    "Phụ lục I ban hành kèm theo Nghị định số 70/2023/NĐ-CP",
    "Giấy chứng nhận sức khỏe hoặc giấy khám sức khỏe do cơ quan, tổ chức y tế có thẩm quyền "
    "cấp, có giá trị trong thời hạn 12 tháng",
    "Phiếu lý lịch tư pháp hoặc văn bản xác nhận người lao động nước ngoài không phải là người "
    "đang trong thời gian chấp hành hình phạt",
    "Văn bản, giấy tờ chứng minh là nhà quản lý, giám đốc điều hành, chuyên gia, lao động kỹ thuật",
    "02 ảnh màu (kích thước 4 cm x 6 cm, phông nền trắng, mặt nhìn thẳng, đầu để trần, không "
    "đeo kính màu), ảnh chụp không quá 06 tháng",
    "Bản sao có chứng thực hộ chiếu còn giá trị theo quy định của pháp luật",
)
_GENERIC_DOSSIER = (
    "Đơn đề nghị theo mẫu ban hành kèm theo thủ tục hành chính",
    "Bản sao giấy tờ tùy thân hoặc dữ liệu định danh điện tử của người đề nghị",
    "Các giấy tờ chứng minh đủ điều kiện theo quy định của pháp luật chuyên ngành",
    "Văn bản ủy quyền (trường hợp nộp hồ sơ thông qua người được ủy quyền)",
)
_NCC_DOSSIER = (
    "Bản khai cá nhân theo mẫu quy định tại Phụ lục I Nghị định số 131/2021/NĐ-CP",
    "Bản sao được chứng thực từ giấy tờ chứng minh là người có công với cách mạng",
    "Giấy xác nhận của Ủy ban nhân dân cấp xã nơi thường trú",
    "Biên bản họp của Hội đồng xác nhận người có công cấp xã (nếu có)",
)
_BTXH_DOSSIER = (
    "Văn bản đề nghị của Ủy ban nhân dân cấp huyện hoặc của cá nhân, gia đình",
    "Tờ khai đề nghị trợ giúp xã hội theo Mẫu số 1a ban hành kèm theo Nghị định số 20/2021/NĐ-CP",
    "Bản sao giấy khai sinh hoặc căn cước công dân của đối tượng",
    "Giấy tờ xác nhận tình trạng khuyết tật hoặc hoàn cảnh đặc biệt khó khăn (nếu có)",
)

_TOPICS: dict[str, tuple[_Topic, ...]] = {
    "LDVL": (
        _Topic("giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
               ("Cấp", "Cấp lại", "Gia hạn", "Thu hồi"), "Việc làm",
               ("blld", "nd152", "nd70"), _WORK_PERMIT_DOSSIER, fee="600.000 đồng/giấy phép"),
        _Topic("người lao động nước ngoài không thuộc diện cấp giấy phép lao động",
               ("Xác nhận",), "Việc làm", ("blld", "nd152", "nd70"), _WORK_PERMIT_DOSSIER[:3]),
        _Topic("nhu cầu sử dụng người lao động nước ngoài", ("Chấp thuận", "Điều chỉnh"),
               "Việc làm", ("blld", "nd152", "nd70")),
        _Topic("giấy phép hoạt động dịch vụ việc làm của doanh nghiệp hoạt động dịch vụ việc làm",
               ("Cấp", "Cấp lại", "Gia hạn", "Thu hồi"), "Việc làm", ("lvl", "nd23")),
        _Topic("hưởng trợ cấp thất nghiệp", ("Giải quyết", "Tạm dừng", "Tiếp tục", "Chấm dứt"),
               "Việc làm", ("lvl", "nd28")),
        _Topic("hỗ trợ học nghề cho người lao động đang hưởng trợ cấp thất nghiệp",
               ("Giải quyết",), "Việc làm", ("lvl", "nd28")),
        _Topic("nội quy lao động của doanh nghiệp", ("Đăng ký",), "Lao động - Tiền lương",
               ("blld", "nd145")),
        _Topic("thỏa ước lao động tập thể của doanh nghiệp", ("Tiếp nhận",),
               "Lao động - Tiền lương", ("blld", "nd145")),
        _Topic("hợp đồng lao động trực tiếp giao kết của người lao động đi làm việc ở nước ngoài",
               ("Đăng ký",), "Quản lý lao động ngoài nước", ("blld", "l69")),
    ),
    "NCC": (
        _Topic("chế độ ưu đãi đối với người hoạt động kháng chiến bị nhiễm chất độc hóa học",
               ("Giải quyết", "Công nhận và giải quyết"), "Người có công",
               ("plncc", "nd131", "nd75"), _NCC_DOSSIER),
        _Topic("chế độ trợ cấp thờ cúng liệt sĩ", ("Giải quyết",), "Người có công",
               ("plncc", "nd131", "nd75"), _NCC_DOSSIER),
        _Topic("hồ sơ người có công khi người hưởng trợ cấp thay đổi nơi thường trú",
               ("Di chuyển", "Tiếp nhận"), "Người có công", ("plncc", "nd131"), _NCC_DOSSIER),
        _Topic("trợ cấp một lần đối với thân nhân người có công với cách mạng từ trần",
               ("Giải quyết",), "Người có công", ("plncc", "nd131", "nd75"), _NCC_DOSSIER),
        _Topic("chế độ điều dưỡng phục hồi sức khỏe đối với người có công với cách mạng",
               ("Giải quyết",), "Người có công", ("plncc", "nd131", "nd75")),
        _Topic("giấy chứng nhận gia đình liệt sĩ", ("Cấp", "Cấp lại", "Cấp đổi"),
               "Người có công", ("plncc", "nd131"), _NCC_DOSSIER),
        _Topic("thông tin về liệt sĩ, mộ liệt sĩ, nghĩa trang liệt sĩ", ("Cung cấp",),
               "Người có công", ("plncc", "nd131")),
        _Topic("thương binh, người hưởng chính sách như thương binh", ("Xác nhận", "Công nhận"),
               "Người có công", ("plncc", "nd131", "nd75"), _NCC_DOSSIER),
    ),
    "BTXH": (
        _Topic("đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở trợ giúp xã "
               "hội cấp tỉnh", ("Tiếp nhận",), "Bảo trợ xã hội", ("nd20", "nd103"), _BTXH_DOSSIER),
        _Topic("đối tượng cần bảo vệ khẩn cấp vào cơ sở trợ giúp xã hội", ("Tiếp nhận",),
               "Bảo trợ xã hội", ("nd20", "nd103"), _BTXH_DOSSIER),
        _Topic("giấy chứng nhận đăng ký thành lập cơ sở trợ giúp xã hội ngoài công lập",
               ("Cấp", "Cấp lại", "Điều chỉnh"), "Bảo trợ xã hội", ("nd103",)),
        _Topic("giấy phép hoạt động đối với cơ sở trợ giúp xã hội",
               ("Cấp", "Cấp lại", "Điều chỉnh"), "Bảo trợ xã hội", ("nd103",)),
        _Topic("trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hằng tháng",
               ("Thực hiện", "Điều chỉnh", "Thôi hưởng"), "Bảo trợ xã hội", ("nd20", "lnkt"),
               _BTXH_DOSSIER),
        _Topic("chi phí mai táng cho đối tượng bảo trợ xã hội", ("Hỗ trợ",), "Bảo trợ xã hội",
               ("nd20",), _BTXH_DOSSIER),
    ),
    "GDNN": (
        _Topic("giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
               ("Cấp", "Cấp lại", "Đăng ký bổ sung"), "Giáo dục nghề nghiệp", ("lgdnn",)),
        _Topic("trung tâm giáo dục nghề nghiệp tư thục", ("Thành lập", "Cho phép giải thể"),
               "Giáo dục nghề nghiệp", ("lgdnn",)),
    ),
    "TE": (
        _Topic("biện pháp hỗ trợ, can thiệp đối với trẻ em bị xâm hại hoặc có nguy cơ bị bạo "
               "lực, bóc lột, bỏ rơi", ("Áp dụng",), "Trẻ em", ("ltreem",)),
        _Topic("người nhận chăm sóc thay thế trẻ em", ("Đăng ký",), "Trẻ em", ("ltreem",)),
    ),
    "VP": (
        _Topic("tài liệu", ("Kiểm soát",), _INTERNAL_FIELD, _ISO_LAW, internal=True),
        _Topic("hồ sơ", ("Kiểm soát",), _INTERNAL_FIELD, _ISO_LAW, internal=True),
        _Topic("nội bộ", ("Đánh giá",), _INTERNAL_FIELD, _ISO_LAW, internal=True),
        _Topic("khắc phục", ("Hành động",), _INTERNAL_FIELD, _ISO_LAW, internal=True),
        _Topic("của lãnh đạo", ("Xem xét",), _INTERNAL_FIELD, _ISO_LAW, internal=True),
        _Topic("sự hài lòng của tổ chức, cá nhân", ("Đánh giá", "Khảo sát"), _INTERNAL_FIELD,
               _ISO_LAW, internal=True),
        _Topic("rủi ro và cơ hội", ("Quản lý", "Xác định và xử lý"), _INTERNAL_FIELD, _ISO_LAW,
               internal=True),
        _Topic("văn bản đến", ("Quản lý", "Tiếp nhận và xử lý"), "Hành chính - Văn phòng",
               ("nd30",), internal=True),
        _Topic("văn bản đi", ("Quản lý", "Soạn thảo và ban hành"), "Hành chính - Văn phòng",
               ("nd30",), internal=True),
        _Topic("thi đua, khen thưởng", ("Xét", "Đề nghị"), "Hành chính - Văn phòng", ("nd30",),
               internal=True),
    ),
    "KHTC": (
        _Topic("dự toán ngân sách hằng năm", ("Lập", "Giao", "Điều chỉnh"), "Kế hoạch - Tài chính",
               ("nd30",), internal=True),
        _Topic("tài sản công tại cơ quan", ("Quản lý", "Kiểm kê"), "Kế hoạch - Tài chính",
               ("nd30",), internal=True),
    ),
    "TTR": (
        _Topic("đơn khiếu nại", ("Giải quyết", "Tiếp nhận và xử lý"), "Thanh tra", ("lkn",),
               internal=True),
        _Topic("công dân", ("Tiếp",), "Thanh tra", ("ltcd",), internal=True),
    ),
}
_ALL_TTHC_TOPICS = tuple(t for topics in _TOPICS.values() for t in topics if not t.internal)

_TITLE_QUALIFIERS = (
    "", "", "", "", " trên địa bàn tỉnh {province}", " thuộc thẩm quyền giải quyết của Sở",
    " (thực hiện qua dịch vụ công trực tuyến toàn trình)", " theo cơ chế một cửa liên thông",
)
_INTERNAL_QUALIFIERS = ("", "", "", " tại {office_name}", " của Sở")

_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vi", "Lương", "Nông", "Lăng", "Triệu",
           "Hà", "Chu", "Hứa", "Lộc", "Mông", "Đinh", "Vũ", "Đặng")
_MIDDLE_M = ("Văn", "Đức", "Minh", "Quang", "Thanh", "Hữu", "Xuân")
_MIDDLE_F = ("Thị", "Thu", "Thanh", "Hồng", "Ngọc", "Thúy", "Kim")
_GIVEN_M = ("Nam", "Thắng", "Hùng", "Tuấn", "Dũng", "Cường", "Hiếu", "Quang", "Long", "Sơn",
            "Hải", "Khánh", "Tùng", "Vĩnh")
_GIVEN_F = ("Hoa", "Lan", "Hương", "Hạnh", "Phương", "Thảo", "Trang", "Nhung", "Yến", "Duyên",
            "Mai", "Huyền", "Ngân", "Liên")

_ABBREVIATIONS = (
    ("TTHC", "Thủ tục hành chính"),
    ("UBND", "Ủy ban nhân dân"),
    ("LĐTBXH", "Lao động - Thương binh và Xã hội"),
    ("TTPVHCC", "Trung tâm Phục vụ hành chính công"),
    ("HTQLCL", "Hệ thống quản lý chất lượng"),
    ("CBCC", "Cán bộ, công chức"),
    ("BM", "Biểu mẫu"),
    ("QĐ", "Quyết định"),
)

# Sentences for the body: actor + duty + object + clause, plus a few standalone rules.
_ACTORS = (
    "Công chức tiếp nhận hồ sơ", "Chuyên viên thụ lý hồ sơ", "Lãnh đạo phòng chuyên môn",
    "Văn thư Sở", "Bộ phận Một cửa", "Người được giao xử lý hồ sơ", "Thư ký ISO của Sở",
    "Trưởng các phòng chuyên môn", "Cán bộ, công chức được phân công", "Văn phòng Sở",
)
_DUTIES = (
    "có trách nhiệm kiểm tra", "chịu trách nhiệm theo dõi", "thực hiện cập nhật",
    "phối hợp rà soát", "kịp thời báo cáo", "hướng dẫn đầy đủ", "tổ chức lưu trữ",
    "tổng hợp và đề xuất sửa đổi", "công khai", "định kỳ đối chiếu",
)
_OBJECTS = (
    "tính đầy đủ, hợp lệ của thành phần hồ sơ",
    "tình trạng giải quyết hồ sơ trên Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh",
    "các văn bản quy phạm pháp luật có liên quan", "kết quả giải quyết thủ tục hành chính",
    "danh mục tài liệu nội bộ và tài liệu có nguồn gốc bên ngoài",
    "ý kiến phản ánh, kiến nghị của tổ chức, cá nhân", "số liệu báo cáo định kỳ",
    "các biểu mẫu kèm theo quy trình", "thông tin về thời hạn giải quyết",
    "hồ sơ lưu theo quy định về công tác văn thư, lưu trữ",
    "các trường hợp hồ sơ giải quyết quá hạn", "sự không phù hợp phát hiện trong quá trình thực hiện",
)
_CLAUSES = (
    "", "", " trước khi trình Lãnh đạo Sở phê duyệt", " theo đúng thời hạn quy định",
    " trong thời hạn 01 ngày làm việc", " khi có thay đổi về văn bản quy phạm pháp luật",
    " để bảo đảm công khai, minh bạch", " theo yêu cầu của tiêu chuẩn TCVN ISO 9001:2015",
    " và chịu trách nhiệm trước Giám đốc Sở về kết quả thực hiện", " định kỳ hằng quý",
    " thông qua Cổng Dịch vụ công quốc gia", " ngay sau khi nhận được hồ sơ",
)
_RULES = (
    "Trường hợp hồ sơ chưa đầy đủ, hợp lệ thì hướng dẫn tổ chức, cá nhân bổ sung, hoàn thiện "
    "một lần bằng Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.",
    "Trường hợp hồ sơ quá hạn giải quyết, cơ quan giải quyết phải có văn bản xin lỗi tổ chức, "
    "cá nhân và hẹn lại ngày trả kết quả.",
    "Khi phát hiện sự không phù hợp, phòng chuyên môn xác định nguyên nhân và đề xuất hành động "
    "khắc phục phù hợp.",
    "Không yêu cầu tổ chức, cá nhân nộp thêm giấy tờ ngoài thành phần hồ sơ đã được công bố.",
    "Kết quả giải quyết được trả trực tiếp, qua dịch vụ bưu chính công ích hoặc trên môi trường "
    "điện tử theo đề nghị của tổ chức, cá nhân.",
    "Việc sửa đổi, bổ sung quy trình được thực hiện khi có thay đổi về quy định của pháp luật "
    "hoặc yêu cầu quản lý của cơ quan.",
    "Mọi thay đổi của tài liệu đều được ghi nhận tại trang theo dõi sửa đổi và thông báo tới "
    "các đơn vị có liên quan.",
    "Tài liệu hết hiệu lực được thu hồi, đóng dấu \"Tài liệu lỗi thời\" và lưu riêng để tránh "
    "sử dụng nhầm.",
)


# ============================================================================================
# Document blocks (one description, three renderings).


@dataclass(frozen=True)
class _P:
    text: str
    kind: str = "body"  # body | title | heading | bold | note | bullet


@dataclass(frozen=True)
class _T:
    rows: tuple[tuple[str, ...], ...]  # a cell's paragraphs are separated by "\n"
    widths: tuple[float, ...]  # fractions of the text width
    bold_first_row: bool = True
    borders: bool = True
    align: str = "L"  # L | C
    size: float = 0.0  # font size in points; 0: the body size


_Block = _P | _T


@dataclass(frozen=True)
class _Document:
    header: tuple[_Block, ...]
    body: tuple[_Block, ...]
    footer: str


def _rng_for(spec: ProcedureSpec, salt: str = "") -> random.Random:
    """A random generator that depends only on the spec's code (stable across runs)."""
    return random.Random(zlib.crc32(f"{code_key(spec.code)}|{salt}".encode()))


def _office_name(office: str) -> str:
    return OFFICES.get(office, f"Phòng {office}")


def _vn_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _agency_abbr(agency: str) -> str:
    """``Sở Lao động - Thương binh và Xã hội`` → ``SLĐTBXH``."""
    words = [w for w in agency.replace("-", " ").split() if w.lower() != "và"]
    return "".join(w[0].upper() for w in words)


def _person(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE_M)} {rng.choice(_GIVEN_M)}"
    return f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE_F)} {rng.choice(_GIVEN_F)}"


def _signers(spec: ProcedureSpec) -> tuple[tuple[str, str], ...]:
    if spec.signers:
        return spec.signers
    rng = _rng_for(spec, "signers")
    office = _office_name(spec.office)
    if spec.office == "VP":
        reviewer = "Chánh Văn phòng"
    elif office.startswith("Phòng "):
        reviewer = "Trưởng phòng " + office[len("Phòng "):]
    else:
        reviewer = "Trưởng " + office
    approver = rng.choice(("Giám đốc Sở", "Phó Giám đốc Sở"))
    return (
        (_person(rng), f"Chuyên viên {office}"),
        (_person(rng), reviewer),
        (_person(rng), approver),
    )


def _is_internal(spec: ProcedureSpec) -> bool:
    return not spec.tthc


def _legal(spec: ProcedureSpec) -> tuple[str, ...]:
    if spec.legal:
        return spec.legal
    keys: tuple[str, ...] = ()
    title = spec.title.lower()
    for topics in _TOPICS.values():
        for topic in topics:
            if topic.obj.lower() in title:
                keys = topic.law
                break
        if keys:
            break
    if _is_internal(spec):
        keys = tuple(dict.fromkeys(_ISO_LAW + keys))
    else:
        keys = tuple(dict.fromkeys(keys + _ONE_STOP_LAW))
    return tuple(_LAW[k] for k in keys)


def _dossier(spec: ProcedureSpec) -> tuple[str, ...]:
    if spec.dossier:
        return spec.dossier
    title = spec.title.lower()
    for topic in _ALL_TTHC_TOPICS:
        if topic.obj.lower() in title and topic.dossier:
            return topic.dossier
    return _GENERIC_DOSSIER


def _deadline(spec: ProcedureSpec) -> int:
    if spec.deadline_days:
        return max(spec.deadline_days, 4)
    return _rng_for(spec, "deadline").choice((5, 7, 10, 12, 15, 20))


def _days(value: float) -> str:
    if value == int(value):
        return f"{int(value):02d} ngày"
    return f"{value:.1f}".replace(".", ",") + " ngày"


def _default_steps(spec: ProcedureSpec) -> tuple[Step, ...]:
    office = _office_name(spec.office)
    if _is_internal(spec):
        rng = _rng_for(spec, "steps")
        lead = rng.choice(("Lãnh đạo Sở", "Giám đốc Sở"))
        return (
            Step(f"Xác định yêu cầu, lập kế hoạch thực hiện công việc {spec.title.lower()}",
                 f"Chuyên viên {office}", _days(rng.choice((1, 2, 3))), "BM.01"),
            Step("Tổ chức thực hiện, thu thập thông tin và lập hồ sơ theo biểu mẫu",
                 f"Các phòng chuyên môn, {office}", _days(rng.choice((3, 5, 7))), "BM.02"),
            Step("Xem xét, kiểm tra kết quả thực hiện; đề xuất điều chỉnh nếu cần",
                 "Thư ký ISO, Lãnh đạo phòng", _days(rng.choice((1, 2))), "BM.03"),
            Step("Phê duyệt kết quả thực hiện", lead, _days(1), "Văn bản phê duyệt"),
            Step("Thông báo kết quả, cập nhật và lưu hồ sơ theo quy định", office,
                 _days(rng.choice((0.5, 1))), "BM.04"),
        )
    n = _deadline(spec)
    return (
        Step("Tiếp nhận hồ sơ, kiểm tra thành phần hồ sơ; lập Phiếu tiếp nhận hồ sơ và hẹn trả "
             "kết quả", "Công chức Sở tại Trung tâm Phục vụ hành chính công", _days(0.5),
             "BM.01, BM.02, BM.03"),
        Step(f"Chuyển hồ sơ về {office} để giải quyết", "Công chức tiếp nhận hồ sơ", _days(0.5),
             "BM.04"),
        Step("Thẩm định hồ sơ, dự thảo văn bản kết quả giải quyết thủ tục hành chính",
             f"Chuyên viên {office}", _days(n - 3), "Dự thảo kết quả"),
        Step("Xem xét, ký nháy dự thảo và trình Lãnh đạo Sở", f"Lãnh đạo {office}", _days(0.5),
             "Hồ sơ trình ký"),
        Step("Xem xét, phê duyệt kết quả giải quyết", "Lãnh đạo Sở", _days(1), "Kết quả đã ký"),
        Step("Vào số, đóng dấu, phát hành văn bản; chuyển kết quả về Trung tâm Phục vụ hành "
             "chính công", "Văn thư Sở", _days(0.5), "Sổ văn bản đi"),
        Step("Trả kết quả cho tổ chức, cá nhân và thu phí, lệ phí (nếu có)",
             "Công chức Sở tại Trung tâm Phục vụ hành chính công", "Theo giấy hẹn", "BM.05"),
    )


def spec_steps(spec: ProcedureSpec) -> tuple[Step, ...]:
    """The steps the document of ``spec`` lists in its steps table (its own, else the usual ones)."""
    return spec.steps or _default_steps(spec)


def _forms(spec: ProcedureSpec) -> tuple[tuple[str, str], ...]:
    if spec.forms:
        return spec.forms
    if _is_internal(spec):
        return (
            ("BM.01", f"Kế hoạch thực hiện {spec.title[0].lower() + spec.title[1:]}"),
            ("BM.02", "Phiếu ghi nhận kết quả thực hiện"),
            ("BM.03", "Phiếu đề nghị điều chỉnh, bổ sung"),
            ("BM.04", "Sổ theo dõi thực hiện"),
        )
    return (
        ("BM.01", "Phiếu tiếp nhận hồ sơ và hẹn trả kết quả"),
        ("BM.02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        ("BM.03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
        ("BM.04", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
        ("BM.05", "Sổ theo dõi hồ sơ"),
    )


def _decision(spec: ProcedureSpec) -> str:
    if spec.decision:
        return spec.decision
    number = _rng_for(spec, "decision").randint(12, 480)
    return f"{number}/QĐ-{_agency_abbr(spec.agency)}"


def _metadata_blocks(spec: ProcedureSpec) -> tuple[tuple[_Block, ...], tuple[_Block, ...]]:
    """(page-header blocks, body blocks) holding the metadata, per layout."""
    rev = f"{spec.revision:02d}"
    issued, effective = _vn_date(spec.issued), _vn_date(spec.effective)
    office = _office_name(spec.office)
    layout = spec.metadata_layout
    if layout == "header_table":
        table = _T(
            rows=(
                (f"Mã hiệu: {spec.code}", f"Lần ban hành: {rev}", f"Ngày ban hành: {issued}"),
                (f"Ngày hiệu lực: {effective}", f"Lĩnh vực: {spec.field or _INTERNAL_FIELD}",
                 f"Đơn vị soạn thảo: {office}"),
            ),
            widths=(0.34, 0.28, 0.38),
            bold_first_row=False,
        )
        return (), (table,)
    if layout == "paragraphs":
        dates = f"Ngày ban hành: {issued}; Ngày hiệu lực: {effective}"
        return (), (
            _P(f"Mã số: {spec.code}", "bold"),
            _P(f"Lần ban hành: {rev}"),
            _P(dates),
            _P(f"Lĩnh vực: {spec.field or _INTERNAL_FIELD}"),
        )
    if layout == "page_header":
        table = _T(
            rows=((f"Mã hiệu: {spec.code}", f"Lần ban hành: {rev}", f"Ngày ban hành: {issued}",
                   f"Ngày hiệu lực: {effective}"),),
            widths=(0.28, 0.2, 0.26, 0.26),
            bold_first_row=False,
            size=8.0,
        )
        return (table,), ()
    table = _T(  # split_cells
        rows=(("Mã hiệu", spec.code), ("Lần ban hành", rev), ("Ngày ban hành", issued),
              ("Ngày hiệu lực", effective), ("Lĩnh vực", spec.field or _INTERNAL_FIELD)),
        widths=(0.3, 0.7),
        bold_first_row=False,
    )
    return (), (table,)


def _bullets(lines: Sequence[str], last: str = ".") -> list[_P]:
    out = [_P(f"- {line};", "bullet") for line in lines]
    if out:
        out[-1] = _P(f"- {lines[-1]}{last}", "bullet")
    return out


def _document(spec: ProcedureSpec) -> _Document:
    """The blocks of one procedure document in reading order (header, title, metadata, signatures,
    the numbered sections, the revision table). Long but flat: one section after another, as the
    printed document reads; splitting it would only scatter the order of the page."""
    office = _office_name(spec.office)
    title_lc = spec.title[0].lower() + spec.title[1:]
    header, meta = _metadata_blocks(spec)
    signers = _signers(spec)
    body: list[_Block] = [
        _T(
            rows=((f"UBND TỈNH {spec.province.upper()}\n{spec.agency.upper()}",
                   "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"),),
            widths=(0.45, 0.55), borders=False, align="C", size=9.5,
        ),
        _P("QUY TRÌNH", "title"),
        _P(spec.title, "title"),
    ]
    decided = f" ngày {_vn_date(spec.issued)}" if spec.issued else ""
    body.append(_P(f"(Ban hành kèm theo Quyết định số {_decision(spec)}{decided} của Giám đốc "
                   f"{spec.agency})", "note"))
    body.extend(meta)
    body.append(_T(
        rows=(("", "Người soạn thảo", "Người kiểm tra", "Người phê duyệt"),
              ("Họ và tên",) + tuple(name for name, _ in signers),
              ("Chức vụ",) + tuple(pos for _, pos in signers),
              ("Chữ ký", "(Đã ký)", "(Đã ký)", "(Đã ký)")),
        widths=(0.16, 0.28, 0.28, 0.28), align="C",
    ))

    internal = _is_internal(spec)
    body.append(_P("1. MỤC ĐÍCH", "heading"))
    if internal:
        body.append(_P(f"Quy định thống nhất trình tự, trách nhiệm thực hiện công việc "
                       f"{title_lc} tại {spec.agency} tỉnh {spec.province}, bảo đảm đáp ứng "
                       f"yêu cầu của tiêu chuẩn TCVN ISO 9001:2015."))
    else:
        body.append(_P(f"Quy định trình tự, cách thức thực hiện thủ tục hành chính {title_lc} "
                       f"nhằm bảo đảm giải quyết đúng quy định của pháp luật, đúng thời hạn, "
                       f"công khai, minh bạch."))
    body.append(_P("2. PHẠM VI ÁP DỤNG", "heading"))
    if internal:
        body.append(_P(f"Quy trình này áp dụng đối với {office} và các phòng chuyên môn thuộc "
                       f"{spec.agency}."))
    else:
        body.append(_P(f"Quy trình này áp dụng đối với tổ chức, cá nhân có nhu cầu thực hiện "
                       f"thủ tục {title_lc}; {office}, công chức tại Trung tâm Phục vụ hành "
                       f"chính công tỉnh {spec.province} và các cá nhân, đơn vị có liên quan."))
    legal = _legal(spec)
    body.append(_P("3. TÀI LIỆU VIỆN DẪN", "heading"))
    body.extend(_bullets(legal))
    body.append(_P("4. ĐỊNH NGHĨA, TỪ VIẾT TẮT", "heading"))
    abbr = _ABBREVIATIONS[:6] if not internal else (_ABBREVIATIONS[4],) + _ABBREVIATIONS[1:4]
    body.append(_T(rows=(("Ký hiệu", "Diễn giải"),) + tuple(abbr), widths=(0.25, 0.75)))

    body.append(_P("5. NỘI DUNG QUY TRÌNH", "heading"))
    section = 1
    if not internal:
        body.append(_P("5.1. Cơ sở pháp lý", "bold"))
        body.extend(_bullets(legal[:-1] or legal))
        body.append(_P("5.2. Thành phần hồ sơ", "bold"))
        body.extend(_bullets(_dossier(spec)))
        body.append(_P("Số lượng hồ sơ: 01 (một) bộ."))
        body.append(_P("5.3. Thời hạn giải quyết", "bold"))
        body.append(_P(f"{_deadline(spec):02d} ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ."))
        body.append(_P("5.4. Nơi tiếp nhận và trả kết quả", "bold"))
        body.append(_P(f"Trung tâm Phục vụ hành chính công tỉnh {spec.province} hoặc nộp trực "
                       f"tuyến qua Cổng Dịch vụ công quốc gia."))
        body.append(_P("5.5. Lệ phí", "bold"))
        body.append(_P(spec.fee or "Không."))
        body.append(_P("5.6. Mã thủ tục hành chính", "bold"))
        body.extend(_P(f"Mã TTHC: {code}") for code in spec.tthc)
        section = 7
    else:
        body.append(_P("5.1. Yêu cầu chung", "bold"))
        body.append(_P(f"{office} chủ trì, phối hợp với các phòng chuyên môn thực hiện; kết quả "
                       f"được báo cáo Lãnh đạo Sở và lưu theo quy định."))
        section = 2
    body.append(_P(f"5.{section}. Quy trình xử lý công việc", "bold"))
    steps = spec_steps(spec)
    body.append(_T(
        rows=(("Bước", "Nội dung công việc", "Trách nhiệm", "Thời gian", "Biểu mẫu/Kết quả"),)
        + tuple((f"B{i}", s.content, s.responsible, s.duration, s.form)
                for i, s in enumerate(steps, 1)),
        widths=(0.08, 0.38, 0.22, 0.13, 0.19),
    ))
    if spec.body_paragraphs:
        body.append(_P(f"5.{section + 1}. Một số lưu ý khi thực hiện", "bold"))
        body.extend(_P(p) for p in spec.body_paragraphs)

    body.append(_P("6. BIỂU MẪU", "heading"))
    forms = _forms(spec)
    body.append(_T(rows=(("TT", "Mã hiệu", "Tên biểu mẫu"),)
                   + tuple((str(i), c, n) for i, (c, n) in enumerate(forms, 1)),
                   widths=(0.08, 0.22, 0.70)))
    body.append(_P("7. HỒ SƠ CẦN LƯU", "heading"))
    records = [(str(i), n, office, "05 năm") for i, (_, n) in enumerate(forms, 1)]
    records.append((str(len(records) + 1), "Các văn bản, tài liệu khác có liên quan", office,
                    "Theo quy định"))
    body.append(_T(rows=(("TT", "Hồ sơ lưu", "Nơi lưu", "Thời gian lưu"),) + tuple(records),
                   widths=(0.08, 0.47, 0.27, 0.18)))
    body.append(_P(f"Hồ sơ được lưu tại {office}; hết thời hạn lưu, chuyển lưu trữ cơ quan "
                   f"theo quy định hiện hành."))
    footer = (f"{spec.agency} tỉnh {spec.province} - Hệ thống quản lý chất lượng "
              f"TCVN ISO 9001:2015")
    return _Document(header=header, body=tuple(body), footer=footer)


# ============================================================================================
# Plain text, as the extractor gives it.


def _block_lines(block: _Block) -> list[str]:
    if isinstance(block, _P):
        return [block.text]
    return [" | ".join(cell.replace("\n", " ") for cell in row) for row in block.rows]


def spec_text(spec: ProcedureSpec) -> str:
    """The document's plain text as the extract stage returns it: page header first, then the
    body, then the footer; a table row is one line with cells joined by ``" | "``."""
    doc = _document(spec)
    lines: list[str] = []
    for block in doc.header + doc.body:
        lines.extend(_block_lines(block))
    lines.append(doc.footer)
    return "\n".join(lines)


# ============================================================================================
# Word.

_DOCX_FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


class _FixedTimeZip:
    """A python-docx physical package writer that stamps every zip entry with one fixed time."""

    def __init__(self, buffer: io.BytesIO) -> None:
        self._zip = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri, blob: bytes) -> None:  # type: ignore[no-untyped-def]
        info = zipfile.ZipInfo(pack_uri.membername, date_time=_DOCX_FIXED_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, blob)

    def close(self) -> None:
        self._zip.close()


def _docx_bytes(document) -> bytes:  # type: ignore[no-untyped-def]
    """The document's bytes, the same for the same content (no save-time timestamps).

    Writes the package through python-docx's ``PackageWriter`` steps with our own zip writer;
    should those internals change, falls back to ``save`` plus a rewrite of the zip.
    """
    try:
        from docx.opc.pkgwriter import PackageWriter

        package = document.part.package
        parts = package.parts
        for part in parts:
            part.before_marshal()
        buffer = io.BytesIO()
        writer = _FixedTimeZip(buffer)
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, parts)
        writer.close()
        return buffer.getvalue()
    except (ImportError, AttributeError, TypeError):  # pragma: no cover - python-docx changed
        buffer = io.BytesIO()
        document.save(buffer)
        return _normalised_zip(buffer.getvalue())


def _normalised_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the same document gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_DOCX_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TWIPS_PER_MM = 1440 / 25.4
_DOCX_TEXT_W_MM = 160.0  # A4 with 30 mm left and 20 mm right margins
_DOCX_BASE_HALF_PT = 24  # 12 pt


def _x(text: str) -> str:
    return xml_escape(_XML_UNSAFE.sub("", text))


def _w_run(text: str, bold: bool = False, italic: bool = False, half_pt: int = 0) -> str:
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    if half_pt:
        props += f'<w:sz w:val="{half_pt}"/><w:szCs w:val="{half_pt}"/>'
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{_x(text)}</w:t></w:r>'


def _w_paragraph(text: str, jc: str = "", indent_twips: int = 0, **run: object) -> str:
    ppr = ""
    if indent_twips or jc:
        ind = f'<w:ind w:left="{indent_twips}"/>' if indent_twips else ""
        ppr = f"<w:pPr>{ind}" + (f'<w:jc w:val="{jc}"/>' if jc else "") + "</w:pPr>"
    body = _w_run(text, **run) if text else ""  # type: ignore[arg-type]
    return f"<w:p>{ppr}{body}</w:p>"


def _docx_block_xml(block: _Block) -> str:
    """WordprocessingML for one block (rendered as a string: one XML parse per document is
    far faster than python-docx's element-by-element API)."""
    if isinstance(block, _P):
        kind = block.kind
        if kind == "title":
            return _w_paragraph(block.text, "center", bold=True, half_pt=_DOCX_BASE_HALF_PT + 4)
        if kind in ("heading", "bold"):
            return _w_paragraph(block.text, bold=True)
        if kind == "note":
            return _w_paragraph(block.text, "center", italic=True)
        if kind == "bullet":
            return _w_paragraph(block.text, "both", indent_twips=284)
        return _w_paragraph(block.text, "both")
    total = round(_DOCX_TEXT_W_MM * _TWIPS_PER_MM)
    widths = [round(total * w) for w in block.widths]
    half_pt = round(block.size * 2) if block.size else 0
    jc = "center" if block.align == "C" else ""
    style = '<w:tblStyle w:val="TableGrid"/>' if block.borders else ""
    parts = [
        f'<w:tbl><w:tblPr>{style}<w:tblW w:w="{total}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
        'w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        "".join(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    for r, row in enumerate(block.rows):
        bold = r == 0 and block.bold_first_row
        parts.append("<w:tr>")
        for value, width in zip(row, widths):
            paragraphs = "".join(
                _w_paragraph(part, jc, bold=bold, half_pt=half_pt) for part in value.split("\n")
            )
            parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                         f"{paragraphs}</w:tc>")
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _docx_elements(blocks: Sequence[_Block]) -> list:  # type: ignore[type-arg]
    """Parse the blocks' XML once and return the new ``w:p``/``w:tbl`` elements."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    xml = "".join(_docx_block_xml(block) for block in blocks)
    body = parse_xml(f"<w:body {nsdecls('w')}>{xml}</w:body>")
    return list(body)


def build_docx(spec: ProcedureSpec, path: Path) -> Path:
    """Write ``spec`` as a Word document at ``path`` (parents created) and return ``path``.

    For the ``page_header`` layout the metadata table is in the section's page header.
    """
    from docx import Document
    from docx.shared import Mm, Pt

    path = Path(path)
    blocks = _document(spec)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(20)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.header_distance = section.footer_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(_DOCX_BASE_HALF_PT / 2)

    if blocks.header:
        header = section.header
        header.is_linked_to_previous = False
        anchor = header._element.p_lst[0]  # a header must end with a paragraph: keep it last
        for element in _docx_elements(blocks.header):
            anchor.addprevious(element)
    body = document.element.body
    sect_pr = body.sectPr
    for element in _docx_elements(blocks.body):
        sect_pr.addprevious(element)
    footer = section.footer
    footer.is_linked_to_previous = False
    footer.paragraphs[0].text = blocks.footer

    props = document.core_properties
    stamp = dt.datetime.combine(spec.issued or dt.date(2024, 1, 1), dt.time(8, 0))
    props.title = spec.title
    props.subject = spec.field or _INTERNAL_FIELD
    props.author = _signers(spec)[0][0]
    props.last_modified_by = _signers(spec)[0][0]
    props.keywords = f"ISO 9001:2015; {spec.code}"
    props.comments = ""
    props.category = _office_name(spec.office)
    props.revision = spec.revision
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp

    data = _docx_bytes(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# ============================================================================================
# PDF: fpdf2 + Roboto, with a small line-breaker of our own (fpdf2's multi_cell is slow).

_PT_MM = 25.4 / 72
_PAGE_W, _PAGE_H = 210.0, 297.0
_MARGIN_L, _MARGIN_R, _MARGIN_T, _MARGIN_B = 25.0, 15.0, 15.0, 18.0
_TEXT_W = _PAGE_W - _MARGIN_L - _MARGIN_R
_BODY_PT = 10.0
_PAD = 1.2  # cell padding, mm


# The characters Vietnamese documents use. Fonts cut down to these load and embed several times
# faster than the whole Roboto; a document with any other character gets the whole fonts.
_PDF_CHARSET: frozenset[int] = frozenset(
    [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x300, 0x324), *range(0x1EA0, 0x1EFA),
     *range(0x2010, 0x2040), 0x20AB, 0x20AC, 0x2116, 0x2122, 0x2212]
)
_FONT_NAMES = ("Roboto", "RobotoBold")
_font_cache: dict[str, tuple[str, str]] = {}


def _full_fonts() -> tuple[str, str]:
    import font_roboto

    return font_roboto.font_files["Roboto"], font_roboto.font_files["RobotoBold"]


def _cut_down_fonts() -> tuple[str, str]:
    """Roboto regular and bold cut down to :data:`_PDF_CHARSET`, made once and kept in the
    temporary directory (a cache: the name carries a digest of the source and the charset)."""
    if "vi" in _font_cache:
        return _font_cache["vi"]
    import hashlib
    import os
    import tempfile

    import fontTools
    from fontTools import subset, ttLib

    sources = _full_fonts()
    folder = Path(tempfile.gettempdir()) / "doccontrol-fonts"
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[str] = []
    for name, source in zip(_FONT_NAMES, sources):
        data = Path(source).read_bytes()
        digest = hashlib.sha256(
            data + repr(sorted(_PDF_CHARSET)).encode() + fontTools.version.encode()
        ).hexdigest()[:16]
        target = folder / f"{name}-vi-{digest}.ttf"
        if not target.is_file():
            font = ttLib.TTFont(io.BytesIO(data))
            options = subset.Options()
            options.notdef_outline = True
            options.layout_features = []
            options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern"]
            options.hinting = False
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=sorted(_PDF_CHARSET))
            subsetter.subset(font)
            partial = folder / f".{target.name}.{os.getpid()}.tmp"
            font.save(str(partial))
            os.replace(partial, target)
        paths.append(str(target))
    _font_cache["vi"] = (paths[0], paths[1])
    return _font_cache["vi"]


def _pdf_fonts(chars: set[str]) -> tuple[str, str]:
    """Font files (regular, bold) able to draw ``chars``."""
    if all(ord(ch) in _PDF_CHARSET for ch in chars):
        try:
            return _cut_down_fonts()
        except OSError:  # no writable temporary directory: use the whole fonts
            pass
    return _full_fonts()


# Advance widths (font units) of words and lines, by style; the cut-down and the whole fonts
# have the same metrics.
_WIDTH_UNITS: dict[tuple[str, str], int] = {}
_WIDTH_CACHE_MAX = 200_000


def _line_height(size_pt: float) -> float:
    return size_pt * _PT_MM * 1.35


class _PdfWriter:
    """Lays blocks out on A4 pages: paragraphs, bordered tables, a page header and a footer."""

    def __init__(
        self, spec: ProcedureSpec, header: tuple[_Block, ...], footer: str, chars: set[str]
    ) -> None:
        from fpdf import FPDF

        writer = self

        class _Pdf(FPDF):  # type: ignore[misc]
            def header(self) -> None:
                writer._draw_page_header()

            def footer(self) -> None:
                writer._draw_footer()

        pdf = _Pdf(format="A4", unit="mm")
        pdf.set_auto_page_break(False)
        pdf.set_margins(_MARGIN_L, _MARGIN_T, _MARGIN_R)
        regular, bold = _pdf_fonts(chars)
        pdf.add_font("Roboto", "", regular)
        pdf.add_font("Roboto", "B", bold)
        stamp = dt.datetime.combine(spec.issued or dt.date(2024, 1, 1), dt.time(8, 0),
                                    tzinfo=dt.timezone.utc)
        pdf.set_creation_date(stamp)
        pdf.set_title(spec.title)
        pdf.set_author(_signers(spec)[0][0])
        pdf.set_subject(spec.field or _INTERNAL_FIELD)
        pdf.set_keywords(f"ISO 9001:2015; {spec.code}")
        pdf.set_creator("doccontrol.samples")
        pdf.set_producer("doccontrol.samples (fpdf2)")
        pdf.set_lang("vi")
        self.pdf = pdf
        self.header_blocks = header
        self.footer_text = footer
        self.y = _MARGIN_T
        self._cw = {style: pdf.fonts[f"roboto{style}"].cw for style in ("", "B")}
        self._style = ("", 0.0)

    # -- text measuring and drawing --------------------------------------------------------

    def _font(self, style: str, size: float) -> None:
        if self._style != (style, size):
            self.pdf.set_font("Roboto", style, size)
            self._style = (style, size)

    def _width(self, text: str) -> float:
        """Width in mm of ``text`` in the current font, from the font's advance widths."""
        style, size = self._style
        key = (style, text)
        units = _WIDTH_UNITS.get(key)
        if units is None:
            cw = self._cw[style]
            units = sum(cw[ord(ch)] for ch in text)
            if len(_WIDTH_UNITS) > _WIDTH_CACHE_MAX:
                _WIDTH_UNITS.clear()
            _WIDTH_UNITS[key] = units
        return units * size / 1000 * _PT_MM

    def _wrap(self, text: str, width: float) -> list[str]:
        """Greedy word wrap of ``text`` into lines no wider than ``width`` (current font)."""
        lines: list[str] = []
        space = self._width(" ")
        current: list[str] = []
        current_w = 0.0
        for word in text.split():
            w = self._width(word)
            while w > width and len(word) > 1:  # a word longer than the line: cut it
                cut = max(1, int(len(word) * width / w))
                if current:
                    lines.append(" ".join(current))
                    current, current_w = [], 0.0
                lines.append(word[:cut])
                word = word[cut:]
                w = self._width(word)
            extra = w if not current else space + w
            if current and current_w + extra > width:
                lines.append(" ".join(current))
                current, current_w = [word], w
            else:
                current.append(word)
                current_w += extra
        if current:
            lines.append(" ".join(current))
        return lines or [""]

    def _text(self, x: float, top: float, line: str, size: float) -> None:
        if line:
            self.pdf.text(x, top + size * _PT_MM * 1.0, line)

    # -- pages -------------------------------------------------------------------------------

    def _new_page(self) -> None:
        self.y = _MARGIN_T
        self.pdf.add_page()  # calls header(), which moves self.y below the page header
        self._style = ("", 0.0)

    def _ensure(self, height: float) -> None:
        if self.y + height > _PAGE_H - _MARGIN_B:
            self._new_page()

    def _draw_page_header(self) -> None:
        if not self.header_blocks:
            return
        self.y = 8.0
        for block in self.header_blocks:
            self._block(block, in_header=True)
        self.y += 3.0

    def _draw_footer(self) -> None:
        self._font("", 7.5)
        text = f"{self.footer_text} - Trang {self.pdf.page_no()}"
        self._text(_MARGIN_L, _PAGE_H - 12.0, text, 7.5)

    # -- blocks ------------------------------------------------------------------------------

    def _paragraph(self, block: _P) -> None:
        size = _BODY_PT
        style, align, indent, before = "", "J", 0.0, 0.0
        if block.kind == "title":
            style, size, align, before = "B", 12.0, "C", 1.0
        elif block.kind == "heading":
            style, before = "B", 2.0
        elif block.kind == "bold":
            style, before = "B", 1.0
        elif block.kind == "note":
            align, size = "C", 9.5
        elif block.kind == "bullet":
            indent = 4.0
        self._font(style, size)
        lh = _line_height(size)
        self.y += before
        width = _TEXT_W - indent
        for line in self._wrap(block.text, width):
            self._ensure(lh)
            self._font(style, size)
            x = _MARGIN_L + indent
            if align == "C":
                x = _MARGIN_L + (_TEXT_W - self._width(line)) / 2
            self._text(x, self.y, line, size)
            self.y += lh
        self.y += 0.8

    def _table(self, block: _T, in_header: bool) -> None:
        size = block.size or _BODY_PT
        lh = _line_height(size)
        widths = [w * _TEXT_W for w in block.widths]
        self.y += 1.0
        for r, row in enumerate(block.rows):
            style = "B" if (r == 0 and block.bold_first_row) else ""
            self._font(style, size)
            cells = []
            for value, width in zip(row, widths):
                lines: list[str] = []
                for part in value.split("\n"):
                    lines.extend(self._wrap(part, width - 2 * _PAD))
                cells.append(lines)
            height = max(len(lines) for lines in cells) * lh + 2 * _PAD
            if not in_header:
                self._ensure(height)
                self._font(style, size)
            x = _MARGIN_L
            for lines, width in zip(cells, widths):
                if block.borders:
                    self.pdf.rect(x, self.y, width, height)
                top = self.y + _PAD
                for line in lines:
                    lx = x + _PAD
                    if block.align == "C":
                        lx = x + (width - self._width(line)) / 2
                    self._text(lx, top, line, size)
                    top += lh
                x += width
            self.y += height
        self.y += 1.5

    def _block(self, block: _Block, in_header: bool = False) -> None:
        if isinstance(block, _T):
            self._table(block, in_header)
        else:
            self._paragraph(block)

    def render(self, body: tuple[_Block, ...]) -> bytes:
        self._new_page()
        for block in body:
            self._block(block)
        return bytes(self.pdf.output())


def build_pdf(spec: ProcedureSpec, path: Path) -> Path:
    """Write ``spec`` as a PDF at ``path`` (parents created) and return ``path``.

    Text is drawn with the embedded (subset) Roboto font, so it extracts as NFC Vietnamese.
    For the ``page_header`` layout the metadata table is drawn on top of every page.
    """
    path = Path(path)
    doc = _document(spec)
    chars: set[str] = set(doc.footer)
    for block in doc.header + doc.body:
        chars.update(*(_block_lines(block)))
    data = _PdfWriter(spec, doc.header, doc.footer, chars).render(doc.body)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def build_file(spec: ProcedureSpec, path: Path) -> Path:
    """Build ``.docx`` or ``.pdf`` according to ``path``'s suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return build_docx(spec, path)
    if suffix == ".pdf":
        return build_pdf(spec, path)
    raise ValueError(f"cannot build {suffix!r}: use .docx or .pdf")


def sample_filename(spec: ProcedureSpec, ext: str) -> str:
    """A file name an office might give the document: ``qt-01-vp_lan-02.docx``."""
    return f"{slugify(spec.code)}_lan-{spec.revision:02d}.{ext.lstrip('.')}"


# ============================================================================================
# The demo set and generated sets.


def _sentence(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return rng.choice(_RULES)
    return (f"{rng.choice(_ACTORS)} {rng.choice(_DUTIES)} {rng.choice(_OBJECTS)}"
            f"{rng.choice(_CLAUSES)}.")


def _paragraph_text(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


_DOCUMENT_CONTROL_STEPS_1 = (
    Step("Đề nghị biên soạn mới hoặc sửa đổi, bổ sung tài liệu", "Các phòng chuyên môn",
         "01 ngày", "BM.01"),
    Step("Biên soạn dự thảo tài liệu", "Người được phân công biên soạn", "05 ngày", "Dự thảo"),
    Step("Xem xét nội dung dự thảo", "Lãnh đạo phòng chuyên môn", "02 ngày", "Dự thảo đã xem xét"),
    Step("Phê duyệt và ký ban hành tài liệu", "Giám đốc Sở", "01 ngày", "Quyết định ban hành"),
    Step("Phân phối tài liệu, cập nhật Danh mục tài liệu nội bộ", "Thư ký ISO", "01 ngày",
         "BM.02, BM.03"),
)
_DOCUMENT_CONTROL_STEPS_2 = (
    Step("Đề nghị biên soạn mới hoặc sửa đổi, bổ sung tài liệu", "Các phòng chuyên môn",
         "01 ngày", "BM.01"),
    Step("Biên soạn dự thảo tài liệu", "Người được phân công biên soạn", "04 ngày", "Dự thảo"),
    Step("Lấy ý kiến góp ý của các phòng chuyên môn có liên quan đối với dự thảo",
         "Người biên soạn, các phòng chuyên môn", "03 ngày", "Bảng tổng hợp ý kiến"),
    Step("Xem xét nội dung dự thảo", "Lãnh đạo phòng chuyên môn", "01 ngày", "Dự thảo đã xem xét"),
    Step("Phê duyệt và ký ban hành tài liệu", "Giám đốc Sở", "01 ngày", "Quyết định ban hành"),
    Step("Phân phối tài liệu bản điện tử trên hệ thống quản lý văn bản, cập nhật Danh mục tài "
         "liệu nội bộ; thu hồi tài liệu lỗi thời", "Thư ký ISO", "01 ngày", "BM.02, BM.03, BM.04"),
)
_DOCUMENT_CONTROL_FORMS = (
    ("BM.01", "Phiếu đề nghị biên soạn, sửa đổi tài liệu"),
    ("BM.02", "Danh mục tài liệu nội bộ"),
    ("BM.03", "Danh mục tài liệu có nguồn gốc bên ngoài"),
    ("BM.04", "Sổ theo dõi phân phối, thu hồi tài liệu"),
)


def demo_specs() -> list[ProcedureSpec]:
    """Twelve procedures of four offices of a labour and social affairs department, plus a
    second revision of ``QT-01/VP`` (Kiểm soát tài liệu, changed steps) as the last item.

    Data, one literal per procedure: its length is the list's, not logic's."""
    d = dt.date
    doc_control_1 = ProcedureSpec(
        code="QT-01/VP", title="Kiểm soát tài liệu", office="VP", revision=1,
        issued=d(2023, 3, 15), effective=d(2023, 3, 15), metadata_layout="header_table",
        steps=_DOCUMENT_CONTROL_STEPS_1, forms=_DOCUMENT_CONTROL_FORMS[:3],
        body_paragraphs=(
            "Tài liệu được phân phối bản giấy có đóng dấu \"Tài liệu kiểm soát\" tới các phòng "
            "chuyên môn; mỗi phòng lưu một bộ tài liệu có hiệu lực.",
        ),
    )
    specs = [
        doc_control_1,
        ProcedureSpec(
            code="QT-02/VP", title="Kiểm soát hồ sơ", office="VP", revision=1,
            issued=d(2023, 3, 15), effective=d(2023, 4, 1), metadata_layout="paragraphs",
            forms=(("BM.01", "Danh mục hồ sơ"), ("BM.02", "Phiếu mượn hồ sơ"),
                   ("BM.03", "Biên bản hủy hồ sơ hết thời hạn lưu")),
        ),
        ProcedureSpec(
            code="QT 03/VP", title="Đánh giá nội bộ", office="VP", revision=2,
            issued=d(2024, 9, 20), effective=d(2024, 10, 1), metadata_layout="page_header",
            forms=(("BM.01", "Chương trình đánh giá nội bộ"), ("BM.02", "Kế hoạch đánh giá"),
                   ("BM.03", "Phiếu ghi chép đánh giá"), ("BM.04", "Báo cáo đánh giá nội bộ")),
        ),
        ProcedureSpec(
            code="QT-04/VP", title="Hành động khắc phục", office="VP", revision=1,
            issued=d(2023, 5, 8), effective=d(2023, 5, 8), metadata_layout="split_cells",
            forms=(("BM.01", "Phiếu yêu cầu hành động khắc phục"),
                   ("BM.02", "Sổ theo dõi hành động khắc phục")),
        ),
        ProcedureSpec(
            code="QT-01/LĐTBXH",
            title="Tiếp nhận, luân chuyển và trả kết quả giải quyết thủ tục hành chính theo cơ "
            "chế một cửa, một cửa liên thông",
            office="VP", revision=2, issued=d(2024, 1, 15), effective=d(2024, 2, 1),
            metadata_layout="page_header", legal=tuple(_LAW[k] for k in _ONE_STOP_LAW + ("iso",)),
        ),
        ProcedureSpec(
            code="QT-LĐVL-01",
            title="Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
            office="LDVL", revision=3, issued=d(2024, 1, 15), effective=d(2024, 1, 15),
            tthc=("1.000105",), field="Việc làm", metadata_layout="header_table",
            deadline_days=5, fee="600.000 đồng/giấy phép",
        ),
        ProcedureSpec(
            code="QT-LĐVL-02", title="Giải quyết hưởng trợ cấp thất nghiệp", office="LDVL",
            revision=2, issued=d(2023, 11, 2), effective=d(2023, 11, 15),
            tthc=("1.001978", "1.001973"), field="Việc làm", metadata_layout="paragraphs",
            deadline_days=20,
        ),
        ProcedureSpec(
            code="QT-LĐVL-03",
            title="Cấp giấy phép hoạt động dịch vụ việc làm của doanh nghiệp hoạt động dịch vụ "
            "việc làm", office="LDVL", revision=1, issued=d(2022, 6, 30), effective=d(2022, 7, 1),
            tthc=("2.001955",), field="Việc làm", metadata_layout="split_cells",
            deadline_days=7, fee="Không quy định.",
        ),
        ProcedureSpec(
            code="QT.NCC.01",
            title="Giải quyết chế độ ưu đãi đối với người hoạt động kháng chiến bị nhiễm chất độc "
            "hóa học", office="NCC", revision=2, issued=d(2022, 8, 12), effective=d(2022, 9, 1),
            tthc=("1.002519",), field="Người có công", metadata_layout="split_cells",
            deadline_days=12,
        ),
        ProcedureSpec(
            code="QT.NCC.02", title="Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", office="NCC",
            revision=1, issued=d(2022, 8, 12), effective=d(2022, 9, 1), tthc=("1.002410",),
            field="Người có công", metadata_layout="page_header", deadline_days=10,
        ),
        ProcedureSpec(
            code="QT-BTXH-01",
            title="Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở "
            "trợ giúp xã hội cấp tỉnh", office="BTXH", revision=1, issued=d(2023, 2, 20),
            effective=d(2023, 3, 1), tthc=("2.000286",), field="Bảo trợ xã hội",
            metadata_layout="header_table", deadline_days=7,
        ),
        ProcedureSpec(
            code="QT-BTXH-02",
            title="Cấp giấy chứng nhận đăng ký thành lập cơ sở trợ giúp xã hội ngoài công lập "
            "thuộc thẩm quyền của Sở Lao động - Thương binh và Xã hội", office="BTXH",
            revision=1, issued=d(2023, 2, 20), effective=None, tthc=("1.001776",),
            field="Bảo trợ xã hội", metadata_layout="paragraphs", deadline_days=5,
        ),
        replace(
            doc_control_1, revision=2, issued=d(2024, 6, 10), effective=d(2024, 7, 1),
            steps=_DOCUMENT_CONTROL_STEPS_2, forms=_DOCUMENT_CONTROL_FORMS,
            body_paragraphs=(
                "Tài liệu được phân phối bản điện tử trên hệ thống quản lý văn bản và điều hành "
                "của Sở; bản giấy chỉ cấp khi phòng chuyên môn có yêu cầu.",
                "Tài liệu lỗi thời được thu hồi trong thời hạn 05 ngày làm việc kể từ ngày tài "
                "liệu mới có hiệu lực.",
            ),
        ),
    ]
    return specs


_CODE_STYLES = ("slash", "dot", "dash", "space")


def _make_code(style: str, office: str, number: int) -> str:
    with_d, folded = _OFFICE_ABBR.get(office, (office.upper(), office.upper()))
    if style == "slash":
        return f"QT-{number:02d}/{with_d}"
    if style == "dot":
        return f"QT.{folded}.{number:02d}"
    if style == "dash":
        return f"QT-{with_d}-{number:02d}"
    return f"QT {number:02d}/{folded}"


def _generated_title(rng: random.Random, office: str, province: str) -> tuple[str, _Topic]:
    topics = _TOPICS.get(office) or _ALL_TTHC_TOPICS
    topic = rng.choice(topics)
    action = rng.choice(topic.actions)
    qualifiers = _INTERNAL_QUALIFIERS if topic.internal else _TITLE_QUALIFIERS
    qualifier = rng.choice(qualifiers).format(province=province, office_name=_office_name(office))
    return f"{action} {topic.obj}{qualifier}", topic


def generated_specs(
    n: int,
    seed: int = 0,
    offices: Sequence[str] = ("VP", "LDVL", "NCC", "BTXH"),
    target_bytes: int = 0,
) -> list[ProcedureSpec]:
    """``n`` varied, realistic procedure specs, the same for the same arguments.

    Codes are unique (by ``code_key``); each office writes its codes in one style of its own
    (``QT-07/LĐVL``, ``QT.NCC.07``, ``QT-BTXH-07``, ``QT 07/VP``). Layouts, revisions, dates,
    TTHC codes and body text vary. With ``target_bytes`` the body is padded with varied sentences
    until :func:`spec_text` is about that many UTF-8 bytes (within one paragraph).
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    offices = tuple(dict.fromkeys(offices))
    if not offices:
        raise ValueError("at least one office is needed")
    rng = random.Random(seed)
    styles = list(_CODE_STYLES)
    rng.shuffle(styles)
    office_style = {office: styles[i % len(styles)] for i, office in enumerate(offices)}
    counters = {office: 0 for office in offices}
    used: set[str] = set()
    province = "Lạng Sơn"
    specs: list[ProcedureSpec] = []
    start = dt.date(2019, 1, 1).toordinal()
    span = dt.date(2025, 6, 30).toordinal() - start
    for index in range(n):
        office = offices[index % len(offices)]
        while True:
            counters[office] += 1
            code = _make_code(office_style[office], office, counters[office])
            if code_key(code) not in used:
                used.add(code_key(code))
                break
        title, topic = _generated_title(rng, office, province)
        issued = dt.date.fromordinal(start + rng.randrange(span))
        effective = None if rng.random() < 0.1 else issued + dt.timedelta(days=rng.choice((0, 0, 1, 10, 15)))
        tthc: tuple[str, ...] = ()
        if not topic.internal:
            tthc = tuple(dict.fromkeys(
                f"{rng.choice('1112')}.{rng.randrange(0, 13000):06d}"
                for _ in range(rng.choice((1, 1, 1, 2)))
            ))
        body = tuple(_paragraph_text(rng, rng.randint(1, 3)) for _ in range(rng.randint(0, 2)))
        spec = ProcedureSpec(
            code=code, title=title, office=office,
            revision=rng.choice((1, 1, 1, 2, 2, 3, 4)), issued=issued, effective=effective,
            tthc=tthc, field=topic.field, province=province, body_paragraphs=body,
            metadata_layout=rng.choice(LAYOUTS), legal=tuple(_LAW[k] for k in (
                (_ISO_LAW if topic.internal else ()) + topic.law
                + (() if topic.internal else _ONE_STOP_LAW))),
            dossier=topic.dossier, fee=topic.fee,
            deadline_days=0 if topic.internal else rng.choice((5, 7, 10, 12, 15, 20)),
        )
        if target_bytes > 0:
            spec = _padded(spec, rng, target_bytes)
        specs.append(spec)
    return specs


def _padded(spec: ProcedureSpec, rng: random.Random, target_bytes: int) -> ProcedureSpec:
    size = len(spec_text(spec).encode("utf-8"))
    if size >= target_bytes:
        return spec
    extra: list[str] = []
    if not spec.body_paragraphs:
        size += len("5.9. Một số lưu ý khi thực hiện\n".encode("utf-8"))
    while size < target_bytes:
        paragraph = _paragraph_text(rng, rng.randint(2, 5))
        extra.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 1
    return replace(spec, body_paragraphs=spec.body_paragraphs + tuple(extra))

