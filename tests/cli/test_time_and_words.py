"""Issue 16: people's time and words. Times in the workspace's time zone (``[agency] timezone``,
default Asia/Ho_Chi_Minh) wherever a clerk reads them, ISO 8601 with the offset in JSON; labels in
Vietnamese (no ``_khong-ro-phong``, no reason codes, no doubled word); one order of offices and
codes in every list; the office's name beside its code in search results."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.catalog_builders import tthc
from support.coverage_scenario import proc
from support.reports_builders import copy_of
from support.watch import set_config
from support.workspace import run, run_json

from doccontrol.core import coverage as cov
from doccontrol.core.config import ConfigError, Config, parse_config, render_config
from doccontrol.core.labels import timestamp_vi
from doccontrol.ingest.inbox import InboxItem
from doccontrol.ingest.reasons import unknown_office
from doccontrol.web import create_app

UTC_MOMENT = "2026-12-03T06:55:30+00:00"  # 13:55:30 in Hà Nội


@pytest.fixture
def machine_in_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The server's clock in UTC (as on most servers), whatever this machine's zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_workspace_time_zone_is_configuration() -> None:
    assert Config().timezone == "Asia/Ho_Chi_Minh"
    assert 'timezone = "Asia/Ho_Chi_Minh"' in render_config({"VP": "Văn phòng"}, "VP")
    paris = parse_config({"agency": {"timezone": "Europe/Paris"}, "offices": {"VP": "Văn phòng"}})
    assert timestamp_vi(UTC_MOMENT, paris.zone) == "03/12/2026 07:55"
    assert timestamp_vi(UTC_MOMENT, Config().zone) == "03/12/2026 13:55"
    with pytest.raises(ConfigError) as refused:
        parse_config({"agency": {"timezone": "Asia/Hanoi-ish"}, "offices": {"VP": "Văn phòng"}})
    assert "timezone" in refused.value.render()


def _quarantine(home: Path, folder: str, name: str) -> None:
    target = home / "quarantine" / folder
    target.mkdir(parents=True, exist_ok=True)
    (target / name).write_bytes(b"x")
    (target / f"{name}.reason.txt").write_text(f"Tệp: {name}\nLý do: thử.\n", encoding="utf-8")


def test_status_speaks_the_workspace_time_and_words(home: Path, machine_in_utc: None) -> None:
    (home / "logs" / "ingest.jsonl").write_text(json.dumps(
        {"time": UTC_MOMENT, "file": "qt-01.docx", "office": "VP", "status": "ingested", "code": "QT-01/VP",
         "revision": 1}) + "\n", encoding="utf-8")
    _quarantine(home, "BTXH", "a.docx")
    _quarantine(home, "_khong-ro-phong", "lost.pdf")
    _quarantine(home, "LDVL", "b.docx")
    (home / "inbox" / "stray.docx").write_bytes(b"dropped outside the office folders")
    data = run_json(home, "status")
    assert data["last_ingest"]["time"] == "2026-12-03T13:55:30+07:00" and data["timezone"] == "Asia/Ho_Chi_Minh"
    assert list(data["quarantined_by_office"]) == ["LDVL", "BTXH", "_khong-ro-phong"]  # offices as configured
    text = run(home, "status").stdout
    assert "03/12/2026 13:55" in text and "06:55" not in text
    assert "chưa rõ phòng (no office): 1" in text and "_khong-ro-phong" not in text
    assert "ngoài thư mục các phòng (outside the office folders): 1" in text
    page = create_app(home, testing=True).test_client().get("/status").get_data(as_text=True)
    assert "03/12/2026 13:55" in page and "06:55" not in page
    assert "chưa rõ phòng" in page and "_khong-ro-phong" not in page
    set_config(home, "agency", 'name = "Sở Lao động - Thương binh và Xã hội"\ncontroller = "VP"\n'
                               'timezone = "Europe/Paris"')
    assert run_json(home, "status")["last_ingest"]["time"] == "2026-12-03T07:55:30+01:00"


def test_the_reason_of_a_file_outside_the_office_folders_says_it_once() -> None:
    reason = unknown_office(InboxItem(Path("/w/inbox/lost.docx"), None, ""))
    assert reason.message_vi == ("Tệp được gửi thẳng vào thư mục inbox, không phải thư mục của một phòng đã khai báo.")
    elsewhere = unknown_office(InboxItem(Path("/w/inbox/XYZ/a.docx"), None, "XYZ"))
    assert elsewhere.message_vi.startswith("Tệp được gửi vào thư mục 'XYZ',")


def test_review_reasons_are_words(story: Path) -> None:
    result = run(story, "review", "--as-of", "31/12/2024")
    assert "Đến hạn rà soát định kỳ" in result.stdout or "Dẫn chiếu văn bản pháp luật" in result.stdout
    assert "period" not in result.stdout and "cites_replaced_law" not in result.output
    assert "period =" not in result.stderr  # the legend names reasons in words, Vietnamese = English


def test_search_results_name_the_office(story: Path, tmp_path: Path) -> None:
    home = copy_of(story, tmp_path)  # a search may bring the index up to the repository
    found = run(home, "search", "giấy phép lao động")
    assert found.exit_code == 0 and "Phòng Lao động - Việc làm (LDVL) · lần ban hành" in found.stdout
    page = create_app(home, testing=True).test_client().get("/?q=gi%E1%BA%A5y+ph%C3%A9p").get_data(as_text=True)
    assert "Phòng Lao động - Việc làm (LDVL)" in page


# --- one order -------------------------------------------------------------------------------------


CODES = ["QT-10/VP", "QT-04/VP", "QT 03/VP", "QT-2/VP", "QT-01/VP"]
NATURAL = ["QT-01/VP", "QT-2/VP", "QT 03/VP", "QT-04/VP", "QT-10/VP"]


def test_codes_sort_one_way() -> None:
    from doccontrol.core.labels import code_order

    assert sorted(CODES, key=code_order) == NATURAL


def test_coverage_lists_offices_as_configured_and_codes_naturally() -> None:
    catalog = {"1.000001": tthc("1.000001", "Cấp giấy phép hoạt động", "Việc làm"),
               "1.000002": tthc("1.000002", "Giải quyết chế độ thờ cúng", "Người có công")}
    internal = [proc(c, f"Quy trình nội bộ số {n}", "VP") for n, c in enumerate(CODES)]
    report = cov.compute_coverage(catalog, internal, {}, CODES, {"Việc làm": "LDVL", "Người có công": "NCC"},
                                  offices=["VP", "NCC", "LDVL"])
    assert list(report.by_office) == ["NCC", "LDVL"]  # configured order, not alphabetical
    assert [i.code for i in report.internal] == NATURAL
    assert [u.office for u in report.uncovered] == ["NCC", "LDVL"]


def test_lists_follow_the_configured_office_order(story: Path) -> None:
    """Offices VP, LDVL, NCC, BTXH as configured, never their folders' alphabetical order."""
    listed = run_json(story, "list", "--status", "all")
    assert [r["office"] for r in listed] == ["LDVL", "LDVL", "NCC", "BTXH"]
    then = run_json(story, "list", "--as-of", "2023-12-31")
    assert [r["office"] for r in then] == ["LDVL", "NCC", "BTXH"]
    assert list(run_json(story, "coverage")["by_office"]) == ["LDVL", "NCC"]


@pytest.mark.slow  # an ingest (its extraction worker)
def test_a_quarantine_reason_is_written_in_the_workspace_time(home: Path, machine_in_utc: None) -> None:
    (home / "inbox" / "lost.docx").write_bytes(b"dropped outside the office folders")
    (home / "inbox" / "VP" / "not word.docx").write_bytes(b"not a Word file")
    result = run(home, "ingest", "--inbox")
    assert result.exit_code == 1
    assert "[chưa rõ phòng (no office)] lost.docx: bị cách ly — Tệp được gửi thẳng vào thư mục inbox" in result.stdout
    for reason in (home / "quarantine" / "_khong-ro-phong" / "lost.docx.reason.txt",
                   home / "quarantine" / "VP" / "not word.docx.reason.txt"):
        text = reason.read_text(encoding="utf-8")
        stamp = next(line for line in text.splitlines() if line.startswith("Thời gian: "))
        assert stamp.endswith("+07:00"), stamp
    lost = (home / "quarantine" / "_khong-ro-phong" / "lost.docx.reason.txt").read_text(encoding="utf-8")
    assert "Phòng: chưa rõ phòng (no office)" in lost and "_khong-ro-phong" not in lost.split("\n\n")[0]
    assert json.loads((home / "logs" / "ingest.jsonl").read_text(encoding="utf-8").splitlines()[-1])["time"].endswith(
        "+07:00")
