"""Documents of a department's real size, to print: a master list of 150 procedures with long
codes and three-digit numbers, a coverage table of 300 TTHC."""

from __future__ import annotations

import datetime as dt

from support.catalog_builders import tthc
from support.coverage_scenario import proc

from doccontrol.core import coverage as cov
from doccontrol.reports import coverage_report, masterlist

OFFICES = {"LDVL": "Phòng Lao động - Việc làm - An toàn lao động", "NCC": "Phòng Người có công",
           "BTXH": "Phòng Bảo trợ xã hội - Trẻ em - Phòng, chống tệ nạn xã hội"}
TITLE = "Quy trình giải quyết thủ tục cấp, cấp lại, gia hạn giấy phép lao động cho người nước ngoài số {n}"


def big_master_list() -> masterlist.MasterList:
    """150 procedures in three offices: numbers of three digits, codes long and unbroken."""
    groups = []
    for k, (office, name) in enumerate(OFFICES.items()):
        entries = tuple(
            masterlist.MasterEntry(f"QT-LĐTBXH-{office}-{n:03d}/2024", "", TITLE.format(n=n), office, 1 + n % 3,
                                   dt.date(2024, 3, 11), dt.date(2024, 3, 11), "current",
                                   (f"1.{1000 + n:06d}", f"2.{2000 + n:06d}.000.00.00.H37"))
            for n in range(50 * k + 1, 50 * k + 51))
        groups.append(masterlist.OfficeGroup(office, name, entries))
    moment = dt.datetime(2024, 11, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    return masterlist.MasterList("Sở Lao động - Thương binh và Xã hội tỉnh Lạng Sơn", "UBND tỉnh Lạng Sơn", moment,
                                 None, "0123456789abcdef0123456789abcdef01234567", moment, "current", tuple(groups))


def big_coverage() -> bytes:
    fields = {"Việc làm": "LDVL", "Người có công": "NCC", "Bảo trợ xã hội": "BTXH"}
    catalog = {f"1.{n:06d}": tthc(f"1.{n:06d}", f"Thủ tục hành chính về chế độ, chính sách số {n} đối với người "
                                                f"lao động và gia đình", list(fields)[n % 3]) for n in range(1, 301)}
    internal = [proc(f"QT-LĐTBXH-{o}-{n:03d}/2024", TITLE.format(n=n), o) for n, o in enumerate(OFFICES, 1)]
    report = cov.compute_coverage(catalog, internal, {}, [p.code for p in internal], fields, offices=list(OFFICES))
    return coverage_report.render_xlsx(report)
