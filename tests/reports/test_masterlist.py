"""The master list (danh mục tài liệu): every format, --as-of from history, reproducible."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import docx
import openpyxl
from support.workspace import git, run, run_json
from support.reports_builders import copy_of

from doccontrol.reports.masterlist import format_for, natural_key


def commit_before(home: Path, when: str) -> str:
    """Independently of doccontrol: the newest commit of main at or before ``when``."""
    return git(home, "rev-list", "-1", f"--before={when}", "main").strip()


def list_json(home: Path, *args: str) -> dict[str, object]:
    result = run(home, "list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def codes(data: dict[str, object]) -> list[tuple[str, str, int]]:
    return [(o["office"], p["code"], p["revision"]) for o in data["offices"] for p in o["procedures"]]  # type: ignore[index,union-attr]


def test_plain_list_json_keeps_its_record_shape(story: Path) -> None:
    records = run_json(story, "list")
    assert [r["code"] for r in records] == ["QT-01/LĐTBXH", "QT-02/LĐTBXH", "QT-05/NCC"]
    assert all(set(r) == {"code", "title", "office", "revision", "issued", "effective", "effective_source", "ingested",
                          "status", "tthc"} for r in records)
    as_of = run_json(story, "list", "--as-of", "2023-12-31")
    # issue 16: one order everywhere (configured offices VP, LDVL, NCC, BTXH), not the folders' alphabetical one
    assert [(r["code"], r["revision"]) for r in as_of] == [("QT-01/LĐTBXH", 1), ("QT-05/NCC", 1), ("QT-09/BTXH", 1)]
    assert all(set(r) == set(records[0]) for r in as_of)


def test_as_of_reads_the_history(story: Path) -> None:
    end_2023 = list_json(story, "--as-of", "2023-12-31")
    assert end_2023["commit"] == commit_before(story, "2023-12-31 23:59:59")
    assert end_2023["as_of"].startswith("2023-12-31T23:59:59")
    assert codes(end_2023) == [("LDVL", "QT-01/LĐTBXH", 1), ("NCC", "QT-05/NCC", 1), ("BTXH", "QT-09/BTXH", 1)]
    end_2024 = list_json(story, "--as-of", "31/12/2024")
    assert end_2024["commit"] == commit_before(story, "2024-12-31 23:59:59")
    assert codes(end_2024) == [("LDVL", "QT-01/LĐTBXH", 2), ("LDVL", "QT-02/LĐTBXH", 1), ("NCC", "QT-05/NCC", 1)]
    everything = list_json(story, "--as-of", "2024-12-31", "--status", "all")
    withdrawn = [p for o in everything["offices"] for p in o["procedures"] if p["status"] == "withdrawn"]
    assert [p["code"] for p in withdrawn] == ["QT-09/BTXH"]
    now = list_json(story)
    assert now["commit"] == git(story, "rev-parse", "HEAD").strip() and now["as_of"] is None
    assert codes(now)[-1] == ("NCC", "QT-05/NCC", 2)
    before = list_json(story, "--as-of", "2020-01-01")
    assert before["commit"] is None and before["offices"] == [] and before["total"] == 0


def test_last_years_list_is_reproduced_exactly_after_more_commits(story: Path, tmp_path: Path) -> None:
    home = copy_of(story, tmp_path)
    first = list_json(home, "--as-of", "2024-12-31")
    assert run(home, "review", "confirm", "QT-05/NCC", "--note", "vẫn phù hợp").exit_code == 0
    assert run(home, "withdraw", "QT-02/LĐTBXH", "--reason", "thay bằng quy trình mới").exit_code == 0
    again = list_json(home, "--as-of", "2024-12-31")
    assert {k: v for k, v in first.items() if k != "generated"} == {k: v for k, v in again.items() if k != "generated"}
    csv_then = run(home, "list", "--as-of", "2024-12-31", "--format", "csv").stdout_bytes
    # issue 16: the CSV's dates are ISO 8601, a lone TTHC code marked as text (core.cells.csv_cell)
    assert [r for r in csv.reader(io.StringIO(csv_then.decode("utf-8-sig"))) if r and r[0] == "LDVL"] == [
        ["LDVL", "Phòng Lao động - Việc làm", "1", "QT-01/LĐTBXH",
         "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "2", "2024-02-25", "'1.000105"],
        ["LDVL", "Phòng Lao động - Việc làm", "2", "QT-02/LĐTBXH",
         "Cấp lại giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "1", "2024-01-10",
         "'1.000459"],
    ]


def test_office_filter_and_linked_tthc(story: Path, tmp_path: Path) -> None:
    assert codes(list_json(story, "--office", "NCC")) == [("NCC", "QT-05/NCC", 2)]
    home = copy_of(story, tmp_path)
    assert run(home, "link", "QT-05/NCC", "1.001978").exit_code == 0
    ncc = list_json(home, "--office", "NCC")["offices"][0]["procedures"][0]  # type: ignore[index]
    assert ncc["tthc"] == ["1.002410", "1.001978"]  # the document's code, then the manual link


def test_text_csv_html(story: Path) -> None:
    text = run(story, "list", "--as-of", "2024-12-31", "--format", "text").stdout
    commit = commit_before(story, "2024-12-31 23:59:59")
    for needle in ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "DANH MỤC TÀI LIỆU HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG",
                   "Tại thời điểm (as of): 31/12/2024 23:59", commit, "Phòng Lao động - Việc làm (LDVL): 2 quy trình",
                   "QT-02/LĐTBXH", "10/01/2024", "1.000459"):
        assert needle in text, needle
    data = run(story, "list", "--format", "csv").stdout_bytes
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["DANH MỤC TÀI LIỆU HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG"]
    assert ["Cơ quan (agency)", "Sở Lao động - Thương binh và Xã hội"] in rows
    assert any(r and r[0].startswith("Phiên bản kho") and git(story, "rev-parse", "HEAD").strip() in r[1] for r in rows)
    page = run(story, "list", "--format", "html").stdout
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "QT-05/NCC" in page
    assert "Phòng Người có công (NCC): 1 quy trình" in page


def test_xlsx_and_docx_files(story: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "danh-muc.xlsx"
    result = run(story, "list", "--as-of", "2024-12-31", "-o", str(xlsx))  # the format from the name
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(xlsx).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert values[1] == ["DANH MỤC TÀI LIỆU HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG"]
    entries = [v for v in values if len(v) >= 5 and isinstance(v[0], int)]
    assert [(v[1], v[3]) for v in entries] == [("QT-01/LĐTBXH", 2), ("QT-02/LĐTBXH", 1), ("QT-05/NCC", 1)]
    assert sheet.page_setup.orientation == "landscape"
    out = tmp_path / "danh-muc.docx"
    assert run(story, "list", "--format", "docx", "-o", str(out)).exit_code == 0
    document = docx.Document(str(out))
    section = document.sections[0]
    assert section.page_width > section.page_height  # landscape A4
    assert abs(section.page_width.mm - 297) < 1 and abs(section.page_height.mm - 210) < 1
    body = "\n".join(p.text for p in document.paragraphs)
    head = git(story, "rev-parse", "HEAD").strip()
    assert "DANH MỤC TÀI LIỆU HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG" in body
    assert head[:12] in body and head not in body  # issue 16: on paper, a short commit id
    tables = document.tables[1:]  # the first is the heading block
    assert [[c.text for c in row.cells][1] for t in tables for row in t.rows[1:]] == [
        "QT-01/LĐTBXH", "QT-02/LĐTBXH", "QT-05/NCC"]
    assert run(story, "list", "--format", "docx").exit_code == 0  # not a terminal here: bytes to stdout


def test_format_for_and_natural_order() -> None:
    assert [format_for(n) for n in ("a.XLSX", "b.htm", "c.docx", "d", "e.pdf")] == ["xlsx", "html", "docx", "text",
                                                                                      "text"]
    assert sorted(["qt-10", "qt-2", "qt-1"], key=natural_key) == ["qt-1", "qt-2", "qt-10"]


def test_the_entries_of_rows_are_made_once_per_row_object_and_never_stale() -> None:
    from doccontrol.core import derived
    from doccontrol.core.config import Config
    from doccontrol.reports.masterlist import EntryMemo, entry_of_row, row_groups

    def row(folder: str, code: str, status: str = derived.CURRENT) -> derived.Row:
        return derived.Row(folder, code, code.lower(), f"Quy trình {code}", folder.split("/")[0], 2, status,
                           "2024-01-02", "2024-01-03", "document", "2024-01-04", ("1.000105",), None)

    rows = [row("VP/qt-10", "QT-10"), row("VP/qt-2", "QT-2"), row("NCC/qt-1", "QT-1")]
    memo = EntryMemo()
    first = memo.entries(rows, {})
    assert first == [entry_of_row(r) for r in rows]
    again = memo.entries(rows, {"qt-2": ("1.2",)})
    assert again[0] is first[0] and again[2] is first[2]  # the same row objects: their entries kept
    assert again[1] == entry_of_row(rows[1], ("1.2",))  # its links changed: made again
    equal_but_new = row("VP/qt-10", "QT-10", derived.WITHDRAWN)
    assert memo.entries([equal_but_new], {})[0].status == derived.WITHDRAWN
    config = Config(agency="Sở", offices={"VP": "Văn phòng", "NCC": "Phòng Người có công"})
    groups = row_groups(rows, config)
    assert [(g.office, [e.code for e in g.entries]) for g in groups] == [("VP", ["QT-2", "QT-10"]), ("NCC", ["QT-1"])]
