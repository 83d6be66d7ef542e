"""The yearly ISO report: every figure on the two-year history, the markdown, the template."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from support.workspace import git, run
from support.reports_builders import copy_of

from doccontrol.reports.nd30 import date_line, number_line, recipient_lines
from doccontrol.reports.template import TemplateError, default_template, fill, fills, parse_template
from doccontrol.reports.yearly import initials, report_settings
from doccontrol.core.config import Config


def report_json(home: Path, *args: str) -> dict[str, object]:
    result = run(home, "report", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def changes(items: object) -> list[tuple[object, ...]]:
    return [(c["code"], c["office"], c["revision"], c["date"]) for c in items]  # type: ignore[index,union-attr]


def test_every_figure_of_2024(story: Path) -> None:
    data = report_json(story, "--year", "2024", "--date", "2024-11-05")
    assert data["year"] == 2024 and data["generated"] == "2024-11-05"
    assert data["period_start"].startswith("2024-01-01T00:00:00") and data["period_end"].startswith("2024-12-31T23:59:59")
    assert data["commit_end"] == git(story, "rev-list", "-1", "--before=2024-12-31 23:59:59", "main").strip()
    assert data["commit_start"] == git(story, "rev-list", "-1", "--before=2023-12-31 23:59:59", "main").strip()
    # procedures in force by office at the end of the year (QT-09 withdrawn, QT-05 r2 is of 2025)
    assert data["in_force"] == {"total": 3, "by_office": [
        {"office": "LDVL", "name": "Phòng Lao động - Việc làm", "count": 2, "codes": ["QT-01/LĐTBXH", "QT-02/LĐTBXH"]},
        {"office": "NCC", "name": "Phòng Người có công", "count": 1, "codes": ["QT-05/NCC"]}]}
    # new, revised, withdrawn during the year, with codes, on the day each took effect (the issue
    # dates the documents state, not the days they were loaded: 15/01 and 01/03)
    assert changes(data["new"]) == [("QT-02/LĐTBXH", "LDVL", 1, "2024-01-10")]
    assert changes(data["revised"]) == [("QT-01/LĐTBXH", "LDVL", 2, "2024-02-25")]
    assert changes(data["withdrawn"]) == [("QT-09/BTXH", "BTXH", 1, "2024-08-01")]
    assert data["withdrawn"][0]["note"] == "Gộp vào quy trình chung của Sở"
    # reviews confirmed; procedures overdue for review at the end of the year
    assert changes(data["reviews"]) == [("QT-02/LĐTBXH", "LDVL", 1, "2024-06-20")]
    assert data["reviews"][0]["note"] == "VP: Đã đối chiếu Nghị định 70/2023/NĐ-CP: vẫn phù hợp"
    assert [(o["code"], o["reasons"], o["due"], o["days_overdue"]) for o in data["overdue"]] == [
        ("QT-05/NCC", ["period"], "2024-03-10", 296), ("QT-01/LĐTBXH", ["cites_replaced_law"], "2025-02-25", -56)]
    assert data["laws_replaced"] == [{"ref": "152/2020/NĐ-CP", "by": ["70/2023/NĐ-CP"],
                                      "decision": "Nghị định 70/2023/NĐ-CP sửa đổi, bổ sung", "date": "2024-05-05",
                                      "citing": ["QT-01/LĐTBXH", "QT-02/LĐTBXH"]}]
    # catalog decisions imported during the year (345/QĐ-UBND was 2023's)
    assert data["catalog_decisions"] == [{"decision": "77/QĐ-UBND", "decision_date": "2024-04-05",
                                          "imported": "2024-04-10", "counts": {"added": 1, "amended": 1}}]
    # coverage at the start and the end of the year, per office
    assert data["coverage_start"] == {"total": 3, "covered": 2, "percent": 66.66, "by_office": {
        "LDVL": {"total": 2, "covered": 1, "percent": 50.0}, "NCC": {"total": 1, "covered": 1, "percent": 100.0}}}
    assert data["coverage_end"] == {"total": 4, "covered": 3, "percent": 75.0, "by_office": {
        "LDVL": {"total": 3, "covered": 2, "percent": 66.66}, "NCC": {"total": 1, "covered": 1, "percent": 100.0}}}
    assert data["uncovered"] == [{"code": "1.001978", "name": "Giải quyết hưởng trợ cấp thất nghiệp",
                                  "field": "Việc làm", "office": "LDVL"}]
    assert [(f["code"], f["reason"]) for f in data["flagged"]] == [
        ("QT-01/LĐTBXH", "cites_replaced_law"), ("QT-05/NCC", "needs_review")]
    # files processed at ingest during the year, refused by cause (2023's and 2025's not counted)
    assert data["ingest"] == {"processed": 5, "ingested": 2, "duplicates": 1, "refused": 2, "by_cause": [
        {"cause": "legacy_doc", "label": "Định dạng Word cũ (.doc)", "count": 1},
        {"cause": "no_code", "label": "Không có mã hiệu quy trình", "count": 1}]}
    assert len(data["to_fill"]) == 5 and data["journal_problems"] == []


def test_2023_and_a_mid_year_as_of(story: Path) -> None:
    y2023 = report_json(story, "--year", "2023")
    # effective dates: the documents' issue dates; QT-09 states none, so the day it was loaded
    assert changes(y2023["new"]) == [("QT-01/LĐTBXH", "LDVL", 1, "2023-02-01"), ("QT-05/NCC", "NCC", 1, "2023-03-10"),
                                     ("QT-09/BTXH", "BTXH", 1, "2023-06-01")]
    # nothing before 2023 (the repository's own first commit, made by init, is dated when the test runs)
    assert y2023["coverage_start"] is None and y2023["commit_start"] is None
    assert [d["decision"] for d in y2023["catalog_decisions"]] == ["345/QĐ-UBND"]
    assert y2023["ingest"]["by_cause"] == [{"cause": "no_code", "label": "Không có mã hiệu quy trình", "count": 1}]
    assert y2023["in_force"]["total"] == 3 and y2023["overdue"] == []
    mid = report_json(story, "--year", "2024", "--as-of", "2024-06-30")
    assert mid["period_end"].startswith("2024-06-30T23:59:59")
    assert mid["in_force"]["total"] == 4 and mid["withdrawn"] == []  # QT-09 was withdrawn in August
    assert [(o["code"], o["reasons"]) for o in mid["overdue"]] == [
        ("QT-05/NCC", ["period"]), ("QT-01/LĐTBXH", ["cites_replaced_law"]), ("QT-09/BTXH", ["period"])]
    assert mid["ingest"]["processed"] == 5 and len(mid["reviews"]) == 1
    assert run(story, "report", "--year", "2024", "--as-of", "2023-05-01").exit_code == 2


def test_markdown_follows_the_template(story: Path) -> None:
    result = run(story, "report", "--year", "2024", "--format", "md", "--date", "05/11/2024")
    assert result.exit_code == 0, result.output
    md = result.stdout
    for needle in (
        "UBND TỈNH LẠNG SƠN", "**SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI**", "Số: 125/BC-SLĐTBXH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "*Lạng Sơn, ngày 05 tháng 11 năm 2024*",
        "# BÁO CÁO", "Tình hình thực hiện Hệ thống quản lý chất lượng theo tiêu chuẩn TCVN ISO 9001:2015 năm 2024",
        "## I. KẾT QUẢ THỰC HIỆN", "## II. TỒN TẠI, HẠN CHẾ", "## III. PHƯƠNG HƯỚNG, ĐỀ XUẤT",
        "có 3 quy trình ISO đang áp dụng", "ban hành mới 1 quy trình; sửa đổi, bổ sung 1 quy trình (1 lần ban hành); "
        "bãi bỏ 1 quy trình", "đầu năm 66,66 % (2/3 thủ tục); cuối kỳ báo cáo 75,00 % (3/4 thủ tục)",
        "| 1 | Phòng Lao động - Việc làm (LDVL) | 2 | QT-01/LĐTBXH, QT-02/LĐTBXH |",
        "| 1 | 1.001978 | Giải quyết hưởng trợ cấp thất nghiệp | Việc làm | Phòng Lao động - Việc làm (LDVL) |",
        "| 1 | Định dạng Word cũ (.doc) | legacy_doc | 1 |", "| 1 | 77/QĐ-UBND | 05/04/2024 | 10/04/2024 |",
        "tiếp nhận 5 tệp", "**Nơi nhận:**", "- Sở Khoa học và Công nghệ (b/c);", "- Lưu: VT, VP.",
        "**KT. GIÁM ĐỐC**", "**Nguyễn Văn A**",
    ):
        assert needle in md, needle
    assert md.count("[CẦN BỔ SUNG / TO BE FILLED IN:") == 5
    assert "Kết quả đánh giá nội bộ năm 2024" in md and "{{" not in md


def test_a_department_template(story: Path, tmp_path: Path) -> None:
    home = copy_of(story, tmp_path)
    (home / "mau-bao-cao.md").write_text(
        "# I. SỐ LIỆU\n\nCó {{in_force_total}} quy trình; {{overdue_count}} quá hạn.\n\n{{table:overdue}}\n\n"
        "# II. KIẾN NGHỊ\n\n{{fill:Kiến nghị của Văn phòng}}\n", encoding="utf-8")
    config = home / "doccontrol.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[report]\n", '[report]\ntemplate = "mau-bao-cao.md"\n'),
                      encoding="utf-8")
    md = run(home, "report", "--year", "2024", "--format", "md").stdout
    assert "## I. SỐ LIỆU" in md and "Có 3 quy trình; 2 quá hạn." in md and "| 1 | QT-05/NCC |" in md
    assert "KẾT QUẢ THỰC HIỆN" not in md and "Kiến nghị của Văn phòng" in md
    (home / "mau-bao-cao.md").write_text("{{so_quy_trinh}}\n\n{{table:khong_co}}\n", encoding="utf-8")
    bad = run(home, "report", "--year", "2024", "--format", "md")
    assert bad.exit_code == 2 and "so_quy_trinh" in bad.stderr and "khong_co" in bad.stderr
    config.write_text(config.read_text(encoding="utf-8").replace("[report]\n", '[report]\nsigner = "x"\n'),
                      encoding="utf-8")
    assert run(home, "report", "--year", "2024", "--format", "md").exit_code == 2


def test_docx_by_default_named_after_the_year(story: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(story, "report", "--year", "2024")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bao-cao-iso-2024.docx").read_bytes()[:2] == b"PK"


def test_template_parsing() -> None:
    blocks = parse_template("<!-- a\ncomment -->\n# I. A\n\nline one\nline two\n\n- item\n{{table:t}}\n"
                            "{{fill:viết {{year}}}}\n")
    assert [(b.kind, b.text) for b in blocks] == [("heading1", "I. A"), ("paragraph", "line one line two"),
                                                  ("item", "item"), ("table", "t"), ("fill", "viết {{year}}")]
    filled = fill(blocks, {"year": "2024"}, ["t"])
    assert fills(filled) == ["viết 2024"]
    with pytest.raises(TemplateError, match="nope"):
        fill(parse_template("{{nope}}"), {"year": "2024"}, [])
    shipped = parse_template(default_template())
    assert [b.text for b in shipped if b.kind == "heading1"] == [
        "I. KẾT QUẢ THỰC HIỆN", "II. TỒN TẠI, HẠN CHẾ", "III. PHƯƠNG HƯỚNG, ĐỀ XUẤT"]


def test_settings_and_the_decree_lines() -> None:
    settings = report_settings(Config())
    assert settings.symbol == "SLĐTBXH" and settings.place == "Lạng Sơn" and settings.archive == "VT, VP"
    assert settings.parent_agency == "UBND tỉnh Lạng Sơn" and settings.number == ""
    assert initials("Sở Giáo dục và Đào tạo") == "SGDĐT"
    assert date_line("Lạng Sơn", dt.date(2024, 11, 5)) == "Lạng Sơn, ngày 05 tháng 11 năm 2024"
    assert date_line("Hà Nội", dt.date(2024, 2, 9)) == "Hà Nội, ngày 09 tháng 02 năm 2024"
    assert date_line("Hà Nội", dt.date(2024, 3, 19)) == "Hà Nội, ngày 19 tháng 3 năm 2024"
    assert number_line("", "BC", "SLĐTBXH") == "Số:       /BC-SLĐTBXH"
    assert number_line("125", "BC", "SLĐTBXH") == "Số: 125/BC-SLĐTBXH"
    assert recipient_lines(["Lãnh đạo Sở;", " Các phòng "], "VT, VP") == ["- Lãnh đạo Sở;", "- Các phòng;",
                                                                          "- Lưu: VT, VP."]
