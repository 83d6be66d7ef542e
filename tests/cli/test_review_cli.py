"""review, review confirm, cites and laws replaced end to end, on the two-year workspace
(``reports_builders.py``): due dates as the repository stood, confirmations that reset the clock
and show in show/history, replaced laws flowing into review and coverage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.workspace import git, run, run_json
from support.reports_builders import copy_of


def review_json(home: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = run(home, "review", *args, "--json")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def test_due_at_the_end_of_2024(story: Path) -> None:
    code, due = review_json(story, "--as-of", "2024-12-31")
    assert code == 1
    assert [(d["code"], d["reasons"], d["due"], d["days_overdue"]) for d in due] == [
        ("QT-05/NCC", ["period"], "2024-03-10", 296),  # issued 10/03/2023, 12 months
        ("QT-01/LĐTBXH", ["cites_replaced_law"], "2025-02-25", -56),  # revision 2 of 25/02/2024 cites 152/2020
    ]
    qt05, qt01 = due
    assert qt05["start"] == "2023-03-10" and qt05["start_source"] == "issued" and qt05["office"] == "NCC"
    assert qt05["office_name"] == "Phòng Người có công" and qt05["last_review"] is None
    assert qt01["replaced"][0]["ref"] == "152/2020/NĐ-CP" and qt01["replaced"][0]["by"] == ["70/2023/NĐ-CP"]
    assert qt01["replaced"][0]["recorded_at"].startswith("2024-05-05")


def test_due_in_mid_2024_before_the_review_was_confirmed(story: Path) -> None:
    _, due = review_json(story, "--as-of", "2024-06-10")
    assert [(d["code"], d["reasons"]) for d in due] == [
        ("QT-05/NCC", ["period"]),
        ("QT-01/LĐTBXH", ["cites_replaced_law"]),
        ("QT-02/LĐTBXH", ["cites_replaced_law"]),  # cites "152/2020/ND-CP", written without diacritics
        ("QT-09/BTXH", ["period"]),  # no issue date: committed 01/06/2023
    ]
    assert due[3]["start_source"] == "committed" and due[3]["due"] == "2024-06-01"


def test_a_confirmed_review_clears_the_law_and_restarts_the_clock(story: Path) -> None:
    _, due = review_json(story, "--as-of", "2024-06-30")
    assert "QT-02/LĐTBXH" not in [d["code"] for d in due]  # confirmed on 20/06/2024
    _, soon = review_json(story, "--as-of", "2025-06-01", "--due-within", "30")
    qt02 = next(d for d in soon if d["code"] == "QT-02/LĐTBXH")
    assert qt02["start"] == "2024-06-20" and qt02["start_source"] == "review" and qt02["due"] == "2025-06-20"
    assert qt02["reasons"] == ["period"] and qt02["last_review"]["office"] == "VP"
    assert "Nghị định 70/2023/NĐ-CP" in qt02["last_review"]["note"]


def test_due_within_lists_what_falls_due_soon_without_failing(story: Path) -> None:
    code, due = review_json(story, "--as-of", "2024-01-01", "--due-within", "80")
    assert code == 0  # nothing is due yet on 01/01/2024
    assert [(d["code"], d["due"], d["days_overdue"]) for d in due] == [
        ("QT-01/LĐTBXH", "2024-02-01", -31), ("QT-05/NCC", "2024-03-10", -69)]
    assert review_json(story, "--as-of", "2024-01-01") == (0, [])
    assert review_json(story, "--as-of", "2024-02-01")[0] == 1


def test_office_filter_and_text_output(story: Path) -> None:
    _, due = review_json(story, "--as-of", "2024-12-31", "--office", "NCC")
    assert [d["code"] for d in due] == ["QT-05/NCC"]
    result = run(story, "review", "--as-of", "31/12/2024")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Mã hiệu") and lines[2].startswith("QT-05/NCC") and lines[3].startswith("QT-01/LĐTBXH")
    # issue 16: the reasons in Vietnamese, not their codes
    assert "Dẫn chiếu văn bản pháp luật đã được thay thế" in lines[3] and "152/2020/NĐ-CP" in lines[3]
    assert "cites_replaced_law" not in result.output and "period" not in result.stdout
    assert run(story, "review", "--office", "XYZ").exit_code == 2
    assert run(story, "review", "--as-of", "31/02/2024").exit_code == 2


def test_cites_finds_every_current_procedure_whatever_the_spelling(story: Path) -> None:
    data = run_json(story, "cites", "Nghị định số 152/2020/ND-CP")
    assert data["ref"] == "152/2020/NĐ-CP" and data["label"] == "Nghị định 152/2020/NĐ-CP"
    assert [p["code"] for p in data["procedures"]] == ["QT-01/LĐTBXH", "QT-02/LĐTBXH"]
    assert data["replaced"][0]["by"] == ["70/2023/NĐ-CP"]
    assert all("152/2020/NĐ-CP" in p["citations"] for p in data["procedures"])
    # QT-09 cites 61/2018 too, but it is withdrawn
    assert [p["code"] for p in run_json(story, "cites", "61/2018/nd-cp")["procedures"]] == ["QT-01/LĐTBXH", "QT-05/NCC"]
    assert [p["code"] for p in run_json(story, "cites", "131/2021/NĐ-CP")["procedures"]] == ["QT-05/NCC"]
    none = run_json(story, "cites", "99/2099/NĐ-CP")
    assert none["procedures"] == [] and none["replaced"] == []
    text = run(story, "cites", "45/2019/QH14")
    assert text.exit_code == 0 and "QT-01/LĐTBXH" in text.stdout and "QT-02/LĐTBXH" in text.stdout
    assert run(story, "cites", "không phải số hiệu").exit_code == 2


def test_replaced_law_flows_into_coverage(story: Path) -> None:
    result = run(story, "coverage", "--json")
    assert result.exit_code == 1
    flagged = json.loads(result.stdout)["flagged"]
    law = [f for f in flagged if f["reason"] == "cites_replaced_law"]
    assert [f["code"] for f in law] == ["QT-01/LĐTBXH"]  # QT-02 was reviewed after the record
    assert "152/2020/NĐ-CP" in law[0]["detail"] and "70/2023/NĐ-CP" in law[0]["detail"]
    text = run(story, "coverage")
    assert "cites_replaced_law" in text.stdout and "Dẫn chiếu văn bản pháp luật đã được thay thế" in text.stdout


def test_confirm_is_a_commit_shown_by_show_and_history_and_clears_the_flags(story: Path, tmp_path: Path) -> None:
    home = copy_of(story, tmp_path)
    result = run(home, "review", "confirm", "QT-01/LĐTBXH", "--note", "Đã rà soát theo Nghị định 70/2023/NĐ-CP",
                 "--office", "LDVL", "--json")
    assert result.exit_code == 0, result.output
    confirmed = json.loads(result.stdout)
    assert confirmed["code"] == "QT-01/LĐTBXH" and confirmed["revision"] == 2 and confirmed["office"] == "LDVL"
    message = git(home, "log", "-1", "--format=%an|%s%n%b", confirmed["commit"])
    assert message.startswith("Phòng Lao động - Việc làm (LDVL)|QT-01/LĐTBXH rà soát:")
    assert "Action: review" in message and "Code-Key: qt-01/ldtbxh" in message and "Revision: 2" in message
    assert git(home, "show", "--name-only", "--format=", confirmed["commit"]).split() == ["_reviews/qt-01-ldtbxh.json"]
    shown = run_json(home, "show", "QT-01/LĐTBXH")
    assert [(r["office"], r["note"]) for r in shown["reviews"]] == [("LDVL", "Đã rà soát theo Nghị định 70/2023/NĐ-CP")]
    text = run(home, "show", "QT-01/LĐTBXH").stdout
    assert "Các lần rà soát" in text and "Đã rà soát theo Nghị định 70/2023/NĐ-CP" in text
    history = run_json(home, "history", "QT-01/LĐTBXH")
    assert [h["action"] for h in history] == ["ingest", "ingest", "review"]
    assert "rà soát" in run(home, "history", "QT-01/LĐTBXH").stdout
    _, due = review_json(home)
    assert "QT-01/LĐTBXH" not in [d["code"] for d in due]  # the clock restarts today
    flagged = json.loads(run(home, "coverage", "--json").stdout)["flagged"]
    assert not [f for f in flagged if f["reason"] == "cites_replaced_law"]
    # the review of 2024 still stands as it was
    assert review_json(home, "--as-of", "2024-12-31")[1][1]["code"] == "QT-01/LĐTBXH"


@pytest.mark.parametrize(("args", "message"), [
    (["QT-09/BTXH", "--note", "x"], "bãi bỏ"),  # withdrawn
    (["QT-01/LĐTBXH", "--note", "   "], "--note"),
    (["QT-01/LĐTBXH", "--note", "x", "--office", "NCC"], "không được"),  # another office's procedure
    (["QT-77/XX", "--note", "x"], "Không có quy trình"),
])
def test_confirm_refusals(story: Path, tmp_path: Path, args: list[str], message: str) -> None:
    home = copy_of(story, tmp_path)
    head = git(home, "rev-parse", "HEAD")
    result = run(home, "review", "confirm", *args)
    assert result.exit_code == 2 and message in result.stderr
    assert git(home, "rev-parse", "HEAD") == head


def test_recording_another_replaced_law(story: Path, tmp_path: Path) -> None:
    home = copy_of(story, tmp_path)
    result = run(home, "laws", "replaced", "Bộ luật Lao động số 45/2019/QH14", "--by", "Luật số 99/2025/QH15",
                 "--decision", "Bộ luật Lao động sửa đổi", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["ref"] == "45/2019/QH14" and record["by"] == ["99/2025/QH15"] and record["office"] == "VP"
    assert record["citing"] == ["QT-01/LĐTBXH", "QT-02/LĐTBXH"]
    message = git(home, "log", "-1", "--format=%B")
    assert "Action: laws-replaced" in message and "Ref: 45/2019/QH14" in message
    assert [r["ref"] for r in run_json(home, "laws", "list")] == ["152/2020/NĐ-CP", "45/2019/QH14"]
    _, due = review_json(home)
    reasons = {d["code"]: d["reasons"] for d in due}
    assert "cites_replaced_law" in reasons["QT-01/LĐTBXH"] and "cites_replaced_law" in reasons["QT-02/LĐTBXH"]
    assert "cites_replaced_law" not in reasons.get("QT-05/NCC", [])
    assert run(home, "laws", "replaced", "không rõ", "--by", "70/2023/NĐ-CP").exit_code == 2
    assert run(home, "laws", "replaced", "70/2023/NĐ-CP", "--by", "70/2023/ND-CP").exit_code == 2
    assert run(home, "laws", "replaced", "70/2023/NĐ-CP").exit_code == 2  # --by is required
