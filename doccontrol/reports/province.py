"""The province's views over every department, the department a dimension everywhere (pure
writers: data in, ``str``/``bytes`` out).

- coverage: each department's own coverage report (as its ``coverage`` computes it), the
  province's totals, by department, by department and office, by department and field, the TTHC
  without a procedure and the procedures to review, each with its department; in the formats of
  ``coverage`` (text, json, csv, xlsx, html);
- the master list: every department's list side by side (text, json, csv);
- the yearly report: the consolidated figures per department, laid out as a Vietnamese
  administrative report (Nghị định 30/2020/NĐ-CP) in .docx, or as markdown or json.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

from doccontrol.core import coverage as cov
from doccontrol.core.labels import date_vi, datetime_vi, percent_vi
from doccontrol.reports import coverage_report as cr
from doccontrol.reports import masterlist as ml_writers
from doccontrol.reports import sheets
from doccontrol.reports.masterlist import MasterList
from doccontrol.reports.yearly import YearlyReport

COVERAGE_FORMATS = cr.FORMATS
LIST_FORMATS = ("text", "json", "csv")
REPORT_FORMATS = ("docx", "md", "json")
TITLE_VI = "BÁO CÁO MỨC ĐỘ BAO PHỦ THỦ TỤC HÀNH CHÍNH BẰNG QUY TRÌNH ISO — TOÀN TỈNH"
TITLE_EN = "Coverage of administrative procedures (TTHC) by ISO procedures — every department"
STATUS_VI = {"new": "lần đầu đồng bộ", "updated": "đã cập nhật", "unchanged": "không đổi", "accepted": "đã nhận lịch sử mới",
             "rewritten": "LỊCH SỬ BỊ VIẾT LẠI (giữ bản cũ)", "failed": "không lấy được", "never": "chưa đồng bộ"}
REWRITTEN = "rewritten"


@dataclass(frozen=True)
class DepartmentPart:
    """A department as every province view names it, with what its last sync said."""

    code: str
    name: str
    status: str  # the last sync's outcome (core.province.SyncKind value, "accepted" or "never")
    message: str
    last_success: str  # ISO time of the last sync that succeeded ("" never)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})" if self.name != self.code else self.code

    @property
    def warning(self) -> str:
        """What every view says loudly about the department's data ("" when nothing)."""
        if self.status == REWRITTEN:
            return (f"! {self.label}: lịch sử trên máy chủ đã bị viết lại; số liệu theo bản đã đồng bộ trước đó "
                    f"(the server's history was rewritten: figures from the mirror kept)")
        if self.status == "failed":
            return f"! {self.label}: lần đồng bộ gần nhất không lấy được dữ liệu (last sync failed): {self.message}"
        return ""


@dataclass(frozen=True)
class DepartmentCoverage:
    part: DepartmentPart
    commit: str | None
    report: cov.CoverageReport | None
    context: cr.ReportContext | None
    problem: str = ""  # why there is no report


@dataclass(frozen=True)
class ProvinceCoverage:
    province: str
    generated: dt.datetime
    departments: tuple[DepartmentCoverage, ...]
    office: str | None = None
    field: str | None = None

    @property
    def reports(self) -> list[tuple[DepartmentPart, cov.CoverageReport, cr.ReportContext]]:
        return [(d.part, d.report, d.context or cr.ReportContext()) for d in self.departments if d.report is not None]

    @property
    def total(self) -> int:
        return sum(r.total for _, r, _ in self.reports)

    @property
    def covered(self) -> int:
        return sum(r.covered for _, r, _ in self.reports)

    @property
    def percent(self) -> float:
        return _percent(self.covered, self.total)

    @property
    def flagged_count(self) -> int:
        return sum(r.flagged_count for _, r, _ in self.reports)

    @property
    def warnings(self) -> list[str]:
        return [d.part.warning for d in self.departments if d.part.warning]


def _percent(covered: int, total: int) -> float:
    """As ``core.coverage`` computes a percentage (rounded down to 2 decimals; 100 for nothing to cover)."""
    return cov._percent(covered, total)


def coverage_ok(pc: ProvinceCoverage, fail_under: float = 100.0) -> bool:
    """The exit policy of ``coverage``, over the province: every department has figures, the
    province's percent is at least ``fail_under`` and nothing is flagged."""
    return (all(d.report is not None for d in pc.departments) and pc.percent >= fail_under
            and pc.flagged_count == 0)


# --- the tables --------------------------------------------------------------------------------------


def _by_department(pc: ProvinceCoverage) -> list[list[str]]:
    rows = []
    for d in pc.departments:
        r = d.report
        if r is None:
            rows.append([d.part.label, "—", "—", "—", "—", d.problem])
        else:
            rows.append([d.part.label, str(r.total), str(r.covered), percent_vi(r.percent), str(r.flagged_count),
                         STATUS_VI.get(d.part.status, d.part.status)])
    rows.append(["TOÀN TỈNH (province)", str(pc.total), str(pc.covered), percent_vi(pc.percent), str(pc.flagged_count), ""])
    return rows


def parts(pc: ProvinceCoverage) -> list[cr.Part]:
    """The province's tables (key, Vietnamese title, English title, headings, rows)."""
    by_office, by_field, uncovered, flagged = [], [], [], []
    for part, r, ctx in pc.reports:
        for k, t in r.by_office.items():
            by_office.append([part.code, cr.office_label(k, ctx), str(t.total), str(t.covered), percent_vi(t.percent)])
        for k, t in r.by_field.items():
            by_field.append([part.code, k or "(trống)", str(t.total), str(t.covered), percent_vi(t.percent)])
        uncovered += [[part.code, u.code, u.name, u.field, cr.office_label(u.office, ctx)] for u in r.uncovered]
        flagged += [[part.code, p.code, p.title, cr.office_label(p.office, ctx),
                     "; ".join(cr.reason_label(x) for x in p.reasons)] for p in r.flagged_procedures()]
    return [
        ("by_department", "Theo sở", "By department",
         ["Sở (department)", "Tổng số TTHC (total)", "Đã có quy trình (covered)", "Tỷ lệ (coverage)",
          "Cần xem xét (to review)", "Đồng bộ (sync)"], _by_department(pc)),
        ("by_office", "Theo sở và phòng", "By department and office",
         ["Sở", "Phòng (office)", "Tổng số TTHC (total)", "Đã có quy trình (covered)", "Tỷ lệ (coverage)"], by_office),
        ("by_field", "Theo sở và lĩnh vực", "By department and field",
         ["Sở", "Lĩnh vực (field)", "Tổng số TTHC (total)", "Đã có quy trình (covered)", "Tỷ lệ (coverage)"], by_field),
        ("uncovered", "TTHC chưa có quy trình", "TTHC without a current procedure",
         ["Sở", "Mã TTHC (code)", "Tên thủ tục (name)", "Lĩnh vực (field)", "Phòng (office)"], uncovered),
        ("flagged", "Quy trình cần xem xét", "Procedures to review",
         ["Sở", "Mã quy trình (code)", "Tên quy trình (title)", "Phòng (office)", "Lý do (reason)"], flagged),
    ]


def _header(pc: ProvinceCoverage) -> list[tuple[str, str]]:
    scope = "toàn bộ (everything)"
    if pc.office or pc.field:
        scope = ", ".join(x for x in (f"phòng {pc.office}" if pc.office else "", f"lĩnh vực {pc.field}" if pc.field else "") if x)
    return [("Tỉnh (province)", pc.province), ("Ngày lập (generated)", datetime_vi(pc.generated)),
            ("Phạm vi (scope)", scope), ("Số sở (departments)", str(len(pc.departments))),
            ("Tỷ lệ toàn tỉnh (province coverage)", f"{percent_vi(pc.percent)} ({pc.covered}/{pc.total})")]


# --- coverage writers --------------------------------------------------------------------------------


def render_coverage_text(pc: ProvinceCoverage) -> str:
    lines = [TITLE_VI, TITLE_EN, ""] + [f"{k}: {v}" for k, v in _header(pc)]
    lines += ["", *pc.warnings] if pc.warnings else []
    widths = {"by_department": [36, 8, 10, 10, 10, 22], "by_office": [10, 30, 8, 10, 10],
              "by_field": [10, 36, 8, 10, 10], "uncovered": [10, 10, 48, 20, 20], "flagged": [10, 14, 40, 20, 30]}
    for key, title_vi, title_en, headings, rows in parts(pc):
        lines += ["", f"{title_vi} / {title_en} ({len(rows)})"]
        lines += cr._text_table(headings, rows, widths[key]) if rows else ["(không có / none)"]
    lines += ["", *cr.reason_legend(), ""]
    return "\n".join(lines)


def coverage_to_dict(pc: ProvinceCoverage) -> dict[str, object]:
    """The province's figures; each department's ``report`` is exactly its ``coverage --json``."""
    return {
        "province": pc.province, "generated": pc.generated.isoformat(timespec="seconds"),
        "office": pc.office, "field": pc.field,
        "total": pc.total, "covered": pc.covered, "percent": pc.percent, "flagged_count": pc.flagged_count,
        "departments": [
            {"code": d.part.code, "name": d.part.name, "sync": d.part.status, "warning": d.part.warning or None,
             "commit": d.commit, "problem": d.problem or None,
             "report": cov.report_to_dict(d.report) if d.report is not None else None}
            for d in pc.departments
        ],
    }


def render_coverage_json(pc: ProvinceCoverage) -> str:
    return json.dumps(coverage_to_dict(pc), ensure_ascii=False, indent=2) + "\n"


def render_coverage_csv(pc: ProvinceCoverage) -> bytes:
    """One long table, a row per figure or finding, the department in the first column."""
    buf = io.StringIO(newline="")
    w = sheets.CsvRows(buf)
    for key, title_vi, _title_en, headings, rows in parts(pc):
        w.writerow(["part", "Phần", *headings])
        for row in rows:
            w.writerow([key, title_vi, *row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def render_coverage_xlsx(pc: ProvinceCoverage) -> bytes:
    from openpyxl.styles import Font

    xw = cr._XlsxWriter()
    ws = xw.sheet("Tổng hợp", [40, 40])
    sheets.append(ws, [xw.styled(ws, TITLE_VI, font=Font(bold=True, size=13))])
    sheets.append(ws, [xw.styled(ws, TITLE_EN, font=Font(italic=True))])
    for k, v in _header(pc):
        sheets.append(ws, [xw.styled(ws, k), v])
    for warning in pc.warnings:
        sheets.append(ws, [warning])
    names = {"by_department": "Theo sở", "by_office": "Theo phòng", "by_field": "Theo lĩnh vực",
             "uncovered": "TTHC chưa có QT", "flagged": "QT cần xem xét"}
    for key, title_vi, title_en, headings, rows in parts(pc):
        sheet = xw.sheet(names[key], [24] + [18] * (len(headings) - 1))
        sheets.append(sheet, [xw.styled(sheet, f"{title_vi} ({title_en})", font=Font(bold=True, size=12))])
        sheets.append(sheet, xw.heading_row(sheet, headings))
        for row in rows:
            sheets.append(sheet, row)
    return xw.to_bytes()


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def render_coverage_html(pc: ProvinceCoverage) -> str:
    body = [f"<h1>{_e(TITLE_VI)}</h1>", f'<p class="en">{_e(TITLE_EN)}</p>', "<dl>"]
    body += [f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in _header(pc)] + ["</dl>"]
    body += [f"<p><strong>{_e(w)}</strong></p>" for w in pc.warnings]
    for key, title_vi, title_en, headings, rows in parts(pc):
        numeric = {1, 2, 4} if key == "by_department" else ({2, 3} if key in ("by_office", "by_field") else set())
        body.append(f"<h2>{_e(title_vi)} <small>/ {_e(title_en)} ({len(rows)})</small></h2>")
        body.append(cr._html_table(headings, rows, numeric))
    return ("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(TITLE_VI)}</title><style>{cr._CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def render_coverage(pc: ProvinceCoverage, fmt: str) -> str | bytes:
    writers = {"text": render_coverage_text, "json": render_coverage_json, "csv": render_coverage_csv,
               "xlsx": render_coverage_xlsx, "html": render_coverage_html}
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(writers)}")
    return writers[fmt](pc)  # type: ignore[operator]


# --- the master list -----------------------------------------------------------------------------------


LIST_HEADINGS = ["Sở (department)", "TT", "Mã hiệu (code)", "Tên quy trình (title)", "Phòng (office)",
                 "Lần BH (rev.)", "Ngày hiệu lực (effective)", "Mã TTHC (linked TTHC)"]


def list_rows(lists: Sequence[tuple[DepartmentPart, MasterList | None, str]]) -> list[list[str]]:
    rows = []
    for part, ml, _ in lists:
        if ml is None:
            continue
        n = 0
        for group in ml.groups:
            for entry in group.entries:
                n += 1
                rows.append([part.code, str(n), entry.code, entry.title, entry.office, str(entry.revision),
                             date_vi(entry.effective, "—"), ", ".join(entry.tthc)])
    return rows


def render_list(lists: Sequence[tuple[DepartmentPart, MasterList | None, str]], province: str, fmt: str) -> str | bytes:
    """The province's master list; in json each department's ``master_list`` is its own
    ``list --format json``."""
    if fmt == "json":
        return json.dumps({"province": province, "departments": [
            {"code": p.code, "name": p.name, "sync": p.status, "warning": p.warning or None, "problem": problem or None,
             "master_list": ml_writers.to_dict(ml) if ml is not None else None} for p, ml, problem in lists]},
            ensure_ascii=False, indent=2, default=str) + "\n"
    rows = list_rows(lists)
    if fmt == "csv":
        buf = io.StringIO(newline="")
        w = sheets.CsvRows(buf)
        w.writerow(LIST_HEADINGS)
        for row in rows:
            w.writerow(row)
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(LIST_FORMATS)}")
    lines = [f"DANH MỤC TÀI LIỆU HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG — {province}", ""]
    for part, ml, problem in lists:
        lines.append(f"{part.label}: {ml.total if ml else '—'} quy trình"
                     + (f"; commit {ml.commit[:12]}" if ml and ml.commit else "") + (f" — {problem}" if problem else ""))
        if part.warning:
            lines.append(part.warning)
    lines += ["", *cr._text_table(LIST_HEADINGS, rows, [10, 4, 16, 50, 8, 6, 12, 20])] if rows else ["", "(không có / none)"]
    return "\n".join(lines) + "\n"


# --- the consolidated yearly report --------------------------------------------------------------------

REPORT_HEADINGS = ["TT", "Sở (department)", "QT đang áp dụng (in force)", "Ban hành mới (new)", "Sửa đổi (revised)",
                   "Bãi bỏ (withdrawn)", "Rà soát (reviews)", "Quá hạn rà soát (overdue)", "TTHC trong phạm vi (TTHC)",
                   "Có quy trình (covered)", "Tỷ lệ (coverage)"]


def report_rows(reports: Sequence[tuple[DepartmentPart, YearlyReport | None, str]]) -> list[list[str]]:
    rows = []
    totals = [0] * 8
    for n, (part, r, problem) in enumerate(reports, start=1):
        if r is None:
            rows.append([str(n), part.label, problem, "", "", "", "", "", "", "", ""])
            continue
        c = r.coverage_end
        values = [r.in_force_total, len(r.new), len(r.revised), len(r.withdrawn), len(r.reviews), len(r.overdue),
                  c.total if c else 0, c.covered if c else 0]
        totals = [a + b for a, b in zip(totals, values)]
        rows.append([str(n), part.label, *map(str, values[:6]), str(c.total) if c else "—", str(c.covered) if c else "—",
                     percent_vi(c.percent) if c else "—"])
    rows.append(["", "TOÀN TỈNH (province)", *map(str, totals), percent_vi(_percent(totals[7], totals[6]))])
    return rows


def report_to_dict(reports: Sequence[tuple[DepartmentPart, YearlyReport | None, str]], province: str, year: int
                   ) -> dict[str, object]:
    from doccontrol.reports.yearly_writers import to_dict

    def figures(r: YearlyReport) -> dict[str, object]:
        data = to_dict(r)
        data.pop("ingest", None)  # the ingest journal stays on the department's machine
        data.pop("journal_problems", None)
        return data

    return {"province": province, "year": year, "departments": [
        {"code": p.code, "name": p.name, "sync": p.status, "warning": p.warning or None, "problem": problem or None,
         "figures": figures(r) if r is not None else None} for p, r, problem in reports]}


def _subject(year: int) -> str:
    return f"Tình hình thực hiện Hệ thống quản lý chất lượng theo tiêu chuẩn TCVN ISO 9001:2015 của các sở năm {year}"


def render_report(reports: Sequence[tuple[DepartmentPart, YearlyReport | None, str]], province: str, year: int,
                  fmt: str, generated: dt.date) -> str | bytes:
    """The consolidated yearly report: a table by department (with the province's totals), then
    each department's procedures in force by office."""
    rows = report_rows(reports)
    if fmt == "json":
        return json.dumps(report_to_dict(reports, province, year), ensure_ascii=False, indent=2) + "\n"
    detail = [(p, [[o.name or o.office, str(o.count)] for o in r.in_force]) for p, r, _ in reports if r is not None]
    warnings = [p.warning for p, _, _ in reports if p.warning]
    intro = (f"Số liệu lấy từ kho tài liệu kiểm soát của từng sở (bản đồng bộ gần nhất), tính như báo cáo năm "
             f"{year} của chính sở đó; số tệp đã xử lý được giữ tại máy của sở, không có trong báo cáo này.")
    if fmt == "md":
        out = [f"# BÁO CÁO — {_subject(year)}", "", f"{province}, {date_vi(generated)}", "", intro, "", *warnings, "",
               "## Tổng hợp theo sở", "", "| " + " | ".join(REPORT_HEADINGS) + " |",
               "|" + "---|" * len(REPORT_HEADINGS)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
        for part, office_rows in detail:
            out += ["", f"## {part.label}: quy trình đang áp dụng theo phòng", "", "| Phòng | Số quy trình |", "|---|---|"]
            out += [f"| {a} | {b} |" for a, b in office_rows]
        return "\n".join(out) + "\n"
    if fmt != "docx":
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}")
    from doccontrol.reports import nd30

    doc = nd30.new_document(landscape=True)
    nd30.header_block(doc, province, "VĂN PHÒNG ĐIỀU PHỐI ISO", nd30.number_line("", "BC", "ISO"),
                      nd30.date_line(province.replace("UBND tỉnh ", "").strip() or province, generated))
    nd30.title_block(doc, "BÁO CÁO", [_subject(year)])
    nd30.body_paragraph(doc, intro)
    for warning in warnings:
        nd30.body_paragraph(doc, warning, italic=True)
    nd30.body_paragraph(doc, "I. TỔNG HỢP THEO SỞ", bold=True)
    nd30.data_table(doc, REPORT_HEADINGS, rows, [4, 22, 9, 8, 8, 8, 8, 8, 9, 8, 8], numeric=set(range(2, 11)))
    nd30.body_paragraph(doc, "II. QUY TRÌNH ĐANG ÁP DỤNG THEO PHÒNG CỦA TỪNG SỞ", bold=True)
    for part, office_rows in detail:
        nd30.body_paragraph(doc, part.label, bold=True)
        nd30.data_table(doc, ["Phòng (office)", "Số quy trình (procedures)"], office_rows, [70, 30], numeric={1})
    nd30.signature_block(doc, ["Ủy ban nhân dân tỉnh (b/c)", "Các sở, ban, ngành"], "VT", "TL. CHỦ TỊCH",
                         "CHÁNH VĂN PHÒNG", "")
    nd30.page_numbers(doc)
    doc.core_properties.title = f"Báo cáo {_subject(year)}"
    doc.core_properties.language = "vi-VN"
    return nd30.to_bytes(doc)
