"""The coverage scenario on plain data shared by ``core/test_coverage.py`` and
``reports/test_coverage_report.py``: a catalog of TTHC, procedures covering some of them by each
link source, manual links, internal procedures and the field → office map."""

from __future__ import annotations

import datetime as dt

from support.catalog_builders import tthc

from doccontrol.core.catalog import Tthc
from doccontrol.core.coverage import CoverageReport, ProcedureInfo, compute_coverage
from doccontrol.core.text import code_key

AMENDED_ON = dt.date(2024, 3, 12)


def catalog() -> dict[str, Tthc]:
    entries = [
        tthc("1.000001", "Cấp giấy phép lao động cho người nước ngoài làm việc tại Việt Nam", "Việc làm"),
        tthc("1.000002", "Gia hạn giấy phép lao động cho người nước ngoài làm việc tại Việt Nam", "Việc làm",
             events=[(AMENDED_ON, "345/QĐ-UBND", "amended")]),
        tthc("1.000003", "Giải quyết hưởng trợ cấp thất nghiệp", "Việc làm"),
        tthc("2.000004", "Thành lập trung tâm giáo dục nghề nghiệp công lập", "Giáo dục nghề nghiệp"),
        tthc("2.000005", "Đăng ký hoạt động giáo dục nghề nghiệp cho trung tâm giáo dục nghề nghiệp",
             "Giáo dục nghề nghiệp"),
        tthc("1.000006", "Cấp lại giấy phép hoạt động dịch vụ việc làm", "Việc làm", status="abolished",
             events=[(dt.date(2024, 1, 5), "20/QĐ-UBND", "abolished")]),
        tthc("1.000007", "Trợ cấp xã hội hằng tháng", "Bảo trợ xã hội"),
        tthc("1.000008", "Hỗ trợ chi phí mai táng", "Bảo trợ xã hội"),
        tthc("1.000009", "Tặng bằng khen của Chủ tịch UBND tỉnh", "Thi đua – Khen thưởng"),
    ]
    return {t.code: t for t in entries}


FIELD_OFFICES = {"Việc làm": "LĐ-VL", "Giáo dục nghề nghiệp": "GDNN", "bao tro xa hoi": "BTXH"}


def proc(code: str, title: str, office: str, *, tthc: tuple[str, ...] = (), status: str = "current",
         revised: dt.date | None = dt.date(2024, 5, 1)) -> ProcedureInfo:
    return ProcedureInfo(code=code, code_key=code_key(code), title=title, office=office, revision=1,
                         status=status, issued=dt.date(2022, 1, 1) if revised else None,
                         revision_date=revised, tthc=tthc)


def procedures() -> list[ProcedureInfo]:
    return [
        # (a) a code in the document, long form
        proc("QT-01/LĐVL", "Quy trình cấp giấy phép lao động", "LĐ-VL", tthc=("1.000001.000.00.00.H37",)),
        # revised before its TTHC was amended → needs review
        proc("QT-02/LĐVL", "Quy trình gia hạn giấy phép lao động", "LĐ-VL", tthc=("1.000002",),
             revised=dt.date(2023, 12, 1)),
        # (c) the title equals the TTHC name once normalised → a "name" link
        proc("QT-03/LĐVL", "QUY TRÌNH giải quyết thủ tục hành chính: Giải quyết hưởng trợ cấp thất nghiệp.",
             "LĐ-VL"),
        # (b) a manual link (keyed by code key)
        proc("QT-04/GDNN", "Quy trình thành lập trung tâm", "GDNN"),
        # no link at all; its title is close to 2.000005 → a suggestion, not a link
        proc("QT-05/GDNN", "Quy trình đăng ký hoạt động giáo dục nghề nghiệp của trung tâm giáo dục nghề nghiệp",
             "GDNN"),
        # a code that is not in the catalog
        proc("QT-06/LĐVL", "Quy trình hỗ trợ học nghề", "LĐ-VL", tthc=("9.999999",)),
        # an abolished TTHC
        proc("QT-07/LĐVL", "Quy trình cấp lại giấy phép dịch vụ việc làm", "LĐ-VL", tthc=("1.000006",)),
        # withdrawn: was the only cover of 1.000007
        proc("QT-08/BTXH", "Quy trình trợ cấp xã hội hằng tháng", "BTXH", tthc=("1.000007",), status="withdrawn"),
        # a second current procedure for 1.000001
        proc("QT-09/LĐVL", "Quy trình tiếp nhận hồ sơ giấy phép lao động", "LĐ-VL", tthc=("1.000001",)),
        # internal: never flagged
        proc("QT-10/VP", "Quy trình kiểm soát tài liệu", "VP"),
    ]


MANUAL = {"QT-04/GDNN": {"2.000004"}, "qt-99": {"1.000008"}}
INTERNAL = {"qt-10/vp"}


def report(**kw: object) -> CoverageReport:
    return compute_coverage(catalog(), procedures(), MANUAL, INTERNAL, FIELD_OFFICES, **kw)  # type: ignore[arg-type]
