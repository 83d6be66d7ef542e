"""A workspace with a history spread over two years (2023-2025), for the review and report tests.

Every step goes through the real commands (CLI ingest of real .docx files, catalog import of a
CSV, withdraw, laws replaced, review confirm). Only the clock is set: the commit stream's
``time`` and doccontrol's one clock (``core.dates.unix_now``) read a controlled clock, so commits and journal records carry the dates of the story below. Nothing else is faked:
every figure the tests check is computed by doccontrol from that repository and journal. To keep
the build fast, the ingests share one real extraction worker (the sandbox's start-up dominates a
single ingest's time). The ``story`` fixture (conftest.py) builds it once per session; tests
must not change it: :func:`copy_of` gives a copy to change.

The story (offices VP, LDVL, NCC, BTXH; fields Việc làm → LDVL, Người có công → NCC):

2023-02-10  QT-01/LĐTBXH r1 (LDVL), issued 01/02/2023, TTHC 1.000105, cites 152/2020/NĐ-CP
2023-03-15  QT-05/NCC r1 (NCC), issued 10/03/2023, TTHC 1.002410
2023-05-20  catalog: Quyết định 345/QĐ-UBND (15/05/2023): 1.000105, 1.000459 (Việc làm), 1.002410 (NCC)
2023-06-01  QT-09/BTXH r1 (BTXH), no issue date, no TTHC
2023-09-01  a file without a code: refused (no_code)
2024-01-15  QT-02/LĐTBXH r1 (LDVL), issued 10/01/2024, TTHC 1.000459, cites "152/2020/ND-CP"
2024-02-20  QT-02 dropped again (duplicate); a file without a code; a legacy .doc: refused
2024-03-01  QT-01/LĐTBXH r2, issued 25/02/2024
2024-04-10  catalog: Quyết định 77/QĐ-UBND (05/04/2024): 1.002410 amended, 1.001978 new (Việc làm)
2024-05-05  laws replaced: 152/2020/NĐ-CP by 70/2023/NĐ-CP
2024-06-20  review confirmed: QT-02/LĐTBXH (VP)
2024-08-01  QT-09/BTXH withdrawn
2025-02-01  QT-05/NCC r2, issued 20/01/2025; a file without a code: refused
"""

from __future__ import annotations

import datetime as dt
import json
import time
import types
import shutil
from pathlib import Path

import docx
import pytest
from support.extract_builders import ole_file
from support.workspace import drop, isolated_environment, make_workspace, map_fields, run, spec

from doccontrol.repo import commitstream
from doccontrol.core import dates
from doccontrol.ingest import session
from doccontrol.extract.sandbox import Extractor
from doccontrol.extract.validate import Limits

LAW_152 = ("Nghị định số 152/2020/NĐ-CP ngày 30/12/2020 của Chính phủ quy định về người lao động nước ngoài "
           "làm việc tại Việt Nam")
LAW_152_NO_DIACRITICS = "Nghi dinh so 152/2020/ND-CP ngay 30/12/2020 cua Chinh phu"
LAW_45 = "Bộ luật Lao động số 45/2019/QH14 ngày 20/11/2019"
LAW_61 = "Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về thực hiện cơ chế một cửa"
LAW_131 = "Nghị định 131/2021/NĐ-CP ngày 30/12/2021 của Chính phủ"

QD_345 = [
    "(Ban hành kèm theo Quyết định số 345/QĐ-UBND ngày 15/5/2023 của Chủ tịch UBND tỉnh),,,,,",
    "STT,Mã TTHC,Tên thủ tục hành chính,Lĩnh vực,Cấp thực hiện,Ghi chú",
    "I. Lĩnh vực Việc làm,,,,,",
    '1,1.000105,"Cấp giấy phép lao động cho người lao động nước ngoài",Việc làm,Cấp tỉnh,',
    '2,1.000459,"Cấp lại giấy phép lao động cho người lao động nước ngoài",Việc làm,Cấp tỉnh,',
    "II. Lĩnh vực Người có công,,,,,",
    '3,1.002410,"Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",Người có công,Cấp tỉnh,',
]
QD_77 = [
    "(Ban hành kèm theo Quyết định số 77/QĐ-UBND ngày 05/4/2024 của Chủ tịch UBND tỉnh),,,,,",
    "STT,Mã TTHC,Tên thủ tục hành chính,Lĩnh vực,Cấp thực hiện,Ghi chú",
    "PHẦN I. DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH,,,,,",
    '1,1.001978,"Giải quyết hưởng trợ cấp thất nghiệp",Việc làm,Cấp tỉnh,',
    "PHẦN II. DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG,,,,,",
    '1,1.002410,"Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",Người có công,Cấp tỉnh,',
]

QT01 = spec(code="QT-01/LĐTBXH", office="LDVL", issued=dt.date(2023, 2, 1), tthc=("1.000105",),
            title="Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
            legal=(LAW_45, LAW_152, LAW_61))
QT01_R2 = spec(code="QT-01/LĐTBXH", office="LDVL", revision=2, issued=dt.date(2024, 2, 25), tthc=("1.000105",),
               title="Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
               legal=(LAW_45, LAW_152, LAW_61), body_paragraphs=("Bổ sung bước tiếp nhận trực tuyến.",))
QT02 = spec(code="QT-02/LĐTBXH", office="LDVL", issued=dt.date(2024, 1, 10), tthc=("1.000459",),
            title="Cấp lại giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
            legal=(LAW_45, LAW_152_NO_DIACRITICS))
QT05 = spec(code="QT-05/NCC", office="NCC", issued=dt.date(2023, 3, 10), tthc=("1.002410",),
            title="Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", legal=(LAW_131, LAW_61))
QT05_R2 = spec(code="QT-05/NCC", office="NCC", revision=2, issued=dt.date(2025, 1, 20), tthc=("1.002410",),
               title="Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", legal=(LAW_131, LAW_61),
               body_paragraphs=("Cập nhật theo Quyết định 77/QĐ-UBND.",))
QT09 = spec(code="QT-09/BTXH", office="BTXH", tthc=(), title="Quản lý hồ sơ đối tượng bảo trợ xã hội",
            legal=(LAW_61,))


class Clock:
    """The clock the commit stream, the ingest journal and the report commands read."""

    def __init__(self, mp: pytest.MonkeyPatch) -> None:
        self.ts: int | None = None
        shim = types.SimpleNamespace(time=self.time, localtime=time.localtime)
        mp.setattr(commitstream, "time", shim)
        mp.setattr(dates, "unix_now", lambda: int(self.time()))

    def time(self) -> float:
        return float(self.ts) if self.ts is not None else time.time()

    def iso(self) -> str:
        return dt.datetime.fromtimestamp(self.time()).astimezone().isoformat(timespec="seconds")

    def set(self, year: int, month: int, day: int, hour: int = 9) -> None:
        self.ts = int(dt.datetime(year, month, day, hour).astimezone().timestamp())


def no_code_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("BIÊN BẢN HỌP")
    document.add_paragraph("Nội dung cuộc họp rà soát quy trình, không có mã hiệu.")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def ok(result: object) -> None:
    assert getattr(result, "exit_code") in (0, 1), getattr(result, "output")


def ingest(home: Path) -> list[dict[str, object]]:
    result = run(home, "ingest", "--inbox", "--json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def copy_of(home: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ws-copy"
    shutil.copytree(home, target, symlinks=True)
    return target


def build_two_year_workspace(tmp_path: Path) -> Path:
    """Build the workspace of the story (the clock and the extractor are patched only meanwhile)."""
    with pytest.MonkeyPatch.context() as mp:
        home_env = tmp_path / "home"
        home_env.mkdir()
        isolated_environment(mp, home_env)
        clock = Clock(mp)
        shared = reuse_one_extractor(mp)
        try:
            return _story(tmp_path, clock)
        finally:
            shared.close()


def reuse_one_extractor(mp: pytest.MonkeyPatch) -> Extractor:
    """Make every ingest session use one extraction worker (started here; the caller closes
    it): one worker start instead of one per ingest."""
    shared = Extractor(Limits())

    class ReusedExtractor:
        def __init__(self, limits: Limits, on_progress: object = None) -> None:
            del limits, on_progress

        def __enter__(self) -> Extractor:
            return shared

        def __exit__(self, *exc: object) -> None:
            return None

    mp.setattr(session, "Extractor", ReusedExtractor)
    return shared


def _story(tmp_path: Path, clock: Clock) -> Path:
    clock.set(2023, 1, 2)
    home = make_workspace(tmp_path)
    config = map_fields(home)
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[report]\nnumber = "125"\nsigner_name = "Nguyễn Văn A"\n'
        'recipients = ["Sở Khoa học và Công nghệ (b/c)", "Lãnh đạo Sở"]\n',
        encoding="utf-8",
    )

    clock.set(2023, 2, 10)
    drop(home, "LDVL", QT01)
    assert [r["status"] for r in ingest(home)] == ["ingested"]
    clock.set(2023, 3, 15)
    drop(home, "NCC", QT05)
    assert [r["status"] for r in ingest(home)] == ["ingested"]
    clock.set(2023, 5, 20)
    ok(run(home, "catalog", "import", str(write_csv(tmp_path / "qd345.csv", QD_345))))
    clock.set(2023, 6, 1)
    drop(home, "BTXH", QT09)
    assert [r["status"] for r in ingest(home)] == ["ingested"]
    clock.set(2023, 9, 1)
    no_code_docx(home / "inbox" / "LDVL" / "bien-ban.docx")
    assert [r["cause"] for r in ingest(home)] == ["no_code"]

    clock.set(2024, 1, 15)
    drop(home, "LDVL", QT02)
    assert [r["status"] for r in ingest(home)] == ["ingested"]
    clock.set(2024, 2, 20)
    drop(home, "LDVL", QT02, name="QT-02-gui-lai.docx")
    no_code_docx(home / "inbox" / "NCC" / "ghi-chu.docx")
    ole_file(home / "inbox" / "BTXH" / "quy-trinh-cu.doc", ["WordDocument", "1Table"])
    outcomes = ingest(home)
    assert sorted((r["status"], r["cause"]) for r in outcomes) == [
        ("duplicate", "duplicate"), ("quarantined", "legacy_doc"), ("quarantined", "no_code")]
    clock.set(2024, 3, 1)
    drop(home, "LDVL", QT01_R2)
    assert [r["status"] for r in ingest(home)] == ["ingested"]
    clock.set(2024, 4, 10)
    ok(run(home, "catalog", "import", str(write_csv(tmp_path / "qd77.csv", QD_77))))
    clock.set(2024, 5, 5)
    result = run(home, "laws", "replaced", "Nghị định số 152/2020/NĐ-CP", "--by", "70/2023/NĐ-CP",
                 "--decision", "Nghị định 70/2023/NĐ-CP sửa đổi, bổ sung")
    assert result.exit_code == 0, result.output
    clock.set(2024, 6, 20)
    result = run(home, "review", "confirm", "qt-02/ldtbxh", "--note", "Đã đối chiếu Nghị định 70/2023/NĐ-CP: vẫn phù hợp")
    assert result.exit_code == 0, result.output
    clock.set(2024, 8, 1)
    result = run(home, "withdraw", "QT-09/BTXH", "--reason", "Gộp vào quy trình chung của Sở")
    assert result.exit_code == 0, result.output

    clock.set(2025, 2, 1)
    drop(home, "NCC", QT05_R2)
    no_code_docx(home / "inbox" / "VP" / "thu-moi.docx")
    assert sorted(r["status"] for r in ingest(home)) == ["ingested", "quarantined"]
    return home
