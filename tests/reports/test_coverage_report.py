"""The report writers: text, json, csv, xlsx, html."""

from __future__ import annotations

import csv
import datetime as dt
import html.parser
import io
import json
from dataclasses import replace

import pytest
from support import coverage_scenario as scenario

from doccontrol.core.coverage import REPORT_KEYS, CoverageReport, compute_coverage
from doccontrol.reports.coverage_report import (
    CSV_HEADINGS,
    FORMATS,
    XLSX_SHEETS,
    ReportContext,
    render,
    render_csv,
    render_html,
    render_json,
    render_text,
    render_xlsx,
)

CTX = ReportContext(
    agency="Sở Lao động - Thương binh và Xã hội tỉnh Lạng Sơn",
    generated=dt.date(2024, 11, 20),
    office_names={"GDNN": "Phòng Giáo dục nghề nghiệp"},
)


@pytest.fixture(scope="module")
def report() -> CoverageReport:
    return scenario.report()


def test_text(report: CoverageReport) -> None:
    out = render_text(report, CTX)
    for heading in ("Tổng số TTHC", "Đã có quy trình", "Tỷ lệ", "TTHC chưa có quy trình",
                    "Quy trình cần xem xét", "Theo phòng", "Theo lĩnh vực", "Cảnh báo", "Quy trình nội bộ"):
        assert heading in out
    assert "50,00 %" in out and "20/11/2024" in out and CTX.agency in out
    assert "345/QĐ-UBND ngày 12/03/2024" in out
    lines = out.splitlines()
    legend = next(line for line in lines if line.startswith("Lý do: "))
    for label in ("no_tthc_link = Chưa gắn với thủ tục hành chính nào",
                  "unknown_tthc = Dẫn chiếu mã TTHC không có trong danh mục",
                  "abolished_tthc = Dẫn chiếu TTHC đã bị bãi bỏ",
                  "needs_review = TTHC đã được sửa đổi sau ngày ban hành quy trình, cần rà soát"):
        assert label in legend
    assert any(line.startswith("Reasons: no_tthc_link = not linked to any TTHC") for line in lines)
    assert any(line.startswith("Hint:") for line in lines)  # the English hint line
    assert "2.000005 (93)" in out  # a suggestion with its score, code intact
    # every table is a rectangle: its lines have one width
    block: list[str] = []
    for line in lines + [""]:
        if line.startswith(("|", "+")):
            block.append(line)
        elif block:
            assert len({len(b) for b in block}) == 1, block
            block = []


def test_text_of_an_empty_report() -> None:
    out = render_text(compute_coverage({}, [], {}, set(), {}))
    assert "(không có / none)" in out and "100,00 %" in out


def test_json(report: CoverageReport) -> None:
    data = json.loads(render_json(report, CTX))
    assert tuple(data) == REPORT_KEYS
    assert (data["total"], data["covered"], data["percent"]) == (8, 4, 50.0)
    assert [f["reason"] for f in data["flagged"]] == ["no_tthc_link", "needs_review", "unknown_tthc",
                                                      "abolished_tthc"]
    assert "Việc làm" in render_json(report)  # UTF-8 characters as themselves


def test_csv(report: CoverageReport) -> None:
    data = render_csv(report, CTX)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == CSV_HEADINGS
    assert all(len(r) == len(CSV_HEADINGS) for r in rows)
    parts = [r[0] for r in rows[1:]]
    counts = {p: parts.count(p) for p in set(parts)}
    assert counts == {"summary": 3, "conformity": 4, "by_office": 4, "by_field": 4, "uncovered": 4, "flagged": 4,
                      "link": 7, "suggestion": len(report.suggestions), "warning": 4, "internal": 1,
                      "decision": 3}  # "conformity": the four checks of issue 18, each with its count
    assert {r[2]: r[9] for r in rows if r[0] == "conformity"} == {
        "tthc_changed": "0", "deadline_exceeded": "0", "deadline_unreadable": "0", "legal_basis_missing": "0"}
    summary = {r[2]: r[9] for r in rows if r[0] == "summary"}
    assert summary == {"total": "8", "covered": "4", "percent": "50,00 %"}  # the one percentage format
    flagged = [r for r in rows if r[0] == "flagged"]
    # issue 16: a lone TTHC code is a number to a spreadsheet, so the CSV marks it as text
    assert (flagged[2][2], flagged[2][6], flagged[2][7]) == ("QT-06/LĐVL", "unknown_tthc", "'9.999999")


def test_xlsx(report: CoverageReport, tmp_path) -> None:
    from openpyxl import load_workbook

    data = render_xlsx(report, CTX)
    path = tmp_path / "coverage.xlsx"
    path.write_bytes(data)
    wb = load_workbook(path)
    assert wb.sheetnames == list(XLSX_SHEETS.values())
    summary = wb[XLSX_SHEETS["summary"]]
    values = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert values["Cơ quan (agency)"] == CTX.agency
    assert values["Ngày lập (generated)"] == "20/11/2024"
    # a cell holding codes carries its own line breaks, at spaces (tests/reports/test_paper.py)
    assert "345/QĐ-UBND ngày 12/03/2024" in " ".join(values["Căn cứ danh mục (catalog decisions)"].split())
    assert values["Tổng số TTHC (total TTHC in scope)"] == 8
    assert values["Đã có quy trình (covered by a current procedure)"] == 4
    assert values["Tỷ lệ (coverage)"] == pytest.approx(0.5)
    assert values["GDNN - Phòng Giáo dục nghề nghiệp"] == "2"
    uncovered = wb[XLSX_SHEETS["uncovered"]]
    rows = list(uncovered.iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == "Mã TTHC (code)"
    assert [r[0] for r in rows[1:]] == ["1.000009", "1.000007", "1.000008", "2.000005"]
    assert uncovered.freeze_panes == "A3" and uncovered.auto_filter.ref == "A2:E6"
    assert uncovered["A2"].font.b and summary["A1"].value.startswith("BÁO CÁO")
    flagged = list(wb[XLSX_SHEETS["flagged"]].iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in flagged] == ["QT-05/GDNN", "QT-02/LĐVL", "QT-06/LĐVL", "QT-07/LĐVL"]
    assert flagged[3][3] == "Dẫn chiếu TTHC đã bị bãi bỏ (abolished_tthc)"
    links = list(wb[XLSX_SHEETS["links"]].iter_rows(min_row=3, values_only=True))
    assert len(links) == 7 and {r[4] for r in links} >= {"trùng tên (name)", "liên kết thủ công (manual)"}
    decisions = list(wb[XLSX_SHEETS["decisions"]].iter_rows(min_row=3, values_only=True))
    assert decisions[-1] == ("345/QĐ-UBND", "12/03/2024")


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[override]
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data):  # type: ignore[override]
        self.text.append(data)


def test_html_is_standalone_and_escaped(report: CoverageReport) -> None:
    evil = "<script>alert('x')</script> & \"QT\""
    bad = replace(report, flagged=[replace(report.flagged[0], title=evil, detail="<b>đậm</b>")])
    page = render_html(bad, replace(CTX, agency="Sở <LĐTBXH> & \"Lạng Sơn\""))
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;QT&quot;" in page
    assert "Sở &lt;LĐTBXH&gt; &amp; &quot;Lạng Sơn&quot;" in page
    parser = _Collector()
    parser.feed(page)
    assert "script" not in parser.tags and "link" not in parser.tags and "img" not in parser.tags
    assert not any(name in ("src", "href") for name, _ in parser.attrs)  # no external assets
    text = "".join(parser.text)
    assert evil in text  # what the reader sees is the original text
    for heading in ("Tổng số TTHC", "TTHC chưa có quy trình", "Quy trình cần xem xét", "@media print"):
        assert heading in page


def test_render_dispatch(report: CoverageReport) -> None:
    for fmt in FORMATS:
        out = render(report, fmt, CTX)
        assert isinstance(out, bytes if fmt in ("csv", "xlsx") else str) and out
    with pytest.raises(ValueError):
        render(report, "pdf", CTX)


def test_scope_is_shown(report: CoverageReport) -> None:
    scoped = scenario.report(office="GDNN")
    assert "phòng GDNN - Phòng Giáo dục nghề nghiệp" in render_text(scoped, CTX)
    assert "toàn bộ / all" in render_text(report, CTX)
