"""Writers of the coverage report: text, json, csv, xlsx, html.

Each writer takes a :class:`~doccontrol.coverage.CoverageReport` and a :class:`ReportContext`
(agency, generated date, catalog decisions, office names) and returns ``str`` (text, json, html)
or ``bytes`` (csv, UTF-8 with a BOM so that Excel reads the Vietnamese; xlsx). No I/O here.

Headings are Vietnamese with the English beside them; numbers are shown the Vietnamese way in the
human formats (``96,15 %``); the JSON keeps plain numbers.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from doccontrol.core import cells
from doccontrol.core import conformity as conf
from doccontrol.core.labels import LINK_SOURCE, moment_vi, percent_vi, vi
from doccontrol.core.coverage import (
    REASON_EN,
    REASON_VI,
    CoverageReport,
    Suggestion,
    Tally,
    report_to_dict,
)
from doccontrol.reports import layout, sheets

FORMATS = ("text", "json", "csv", "xlsx", "html")

TITLE_VI = "BÁO CÁO MỨC ĐỘ BAO PHỦ THỦ TỤC HÀNH CHÍNH BẰNG QUY TRÌNH ISO"
TITLE_EN = "Coverage of administrative procedures (TTHC) by ISO procedures"

WARNING_VI = {
    "multiple_cover": "Nhiều quy trình cho một TTHC",
    "withdrawn_only_cover": "Chỉ có quy trình đã thu hồi",
    "manual_link_unknown_procedure": "Liên kết tới quy trình không có",
    "unassigned_field": "Lĩnh vực chưa giao phòng",
    "internal_with_tthc": "Quy trình nội bộ gắn TTHC",
    "empty_scope": "Không có TTHC trong phạm vi",
}
UNASSIGNED_VI = "(chưa giao phòng)"

HINT_VI = ("Gợi ý: liên kết thủ công bằng «doccontrol link MÃ_QUY_TRÌNH MÃ_TTHC»; khai báo quy trình "
           "nội bộ để không bị cảnh báo; gợi ý theo tên không được tính là đã có quy trình.")
HINT_EN = ("Hint: link by hand with `doccontrol link PROCEDURE TTHC`; declare internal procedures; "
           "name suggestions never count as coverage.")


@dataclass(frozen=True)
class ReportContext:
    """What a report says about itself besides the numbers."""

    agency: str = ""
    generated: dt.date | dt.datetime | None = None
    #: catalog decisions as labels; empty → taken from the report (``report.decisions``)
    decisions: Sequence[str] = ()
    #: office code → display name ("LĐ-VL" → "Phòng Lao động - Việc làm")
    office_names: Mapping[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Shared formatting
# --------------------------------------------------------------------------------------------


def score_vi(value: float) -> str:
    """A suggestion's score as shown: ``87``."""
    return f"{value:.0f}"


def decision_labels(report: CoverageReport, ctx: ReportContext) -> list[str]:
    if ctx.decisions:
        return list(ctx.decisions)
    return [d.decision + (f" ngày {moment_vi(d.date)}" if d.date else "") for d in report.decisions]


def office_label(code: str, ctx: ReportContext) -> str:
    if not code:
        return UNASSIGNED_VI
    name = ctx.office_names.get(code)
    return f"{code} - {name}" if name else code


def scope_label(report: CoverageReport, ctx: ReportContext) -> str:
    parts = []
    if report.office:
        parts.append(f"phòng {office_label(report.office, ctx)}")
    if report.field:
        parts.append(f"lĩnh vực {report.field}")
    return ", ".join(parts) if parts else "toàn bộ / all"


def reason_label(reason: str) -> str:
    """``Dẫn chiếu TTHC đã bị bãi bỏ (abolished_tthc)``: the English is in :func:`reason_legend`."""
    return f"{REASON_VI.get(reason, reason)} ({reason})"


def reason_legend() -> list[str]:
    """Two lines naming every reason: Vietnamese, then English."""
    return ["Lý do: " + "; ".join(f"{k} = {v}" for k, v in REASON_VI.items()),
            "Reasons: " + "; ".join(f"{k} = {v}" for k, v in REASON_EN.items())]


def suggestions_label(items: Sequence[Suggestion], by: str) -> str:
    """``QT-01 (87,5)`` list; ``by`` = "procedure" or "tthc" says which side to name."""
    return "; ".join(f"{getattr(s, by)} ({score_vi(s.score)})" for s in items)


def _summary_rows(report: CoverageReport) -> list[tuple[str, str]]:
    return [
        ("Tổng số TTHC (total TTHC in scope)", str(report.total)),
        ("Đã có quy trình (covered by a current procedure)", str(report.covered)),
        ("Chưa có quy trình (not covered)", str(report.total - report.covered)),
        ("Tỷ lệ (coverage)", percent_vi(report.percent)),
        ("Quy trình cần xem xét (procedures to review)", str(report.flagged_count)),
        *((CONFORMITY_LABEL[r], str(n)) for r, n in report.conformity_counts().items()),
    ]


#: the conformity figures in the summary: how many procedures each check flags
CONFORMITY_LABEL = {
    conf.REASON_TTHC_CHANGED: "Trong đó: TTHC đổi thời hạn, căn cứ pháp lý (of which: TTHC changed)",
    conf.REASON_DEADLINE_EXCEEDED: "Trong đó: vượt thời hạn giải quyết (of which: deadline exceeded)",
    conf.REASON_DEADLINE_UNREADABLE: "Trong đó: không đọc được thời hạn (of which: deadline unreadable)",
    conf.REASON_LEGAL_BASIS_MISSING: "Trong đó: thiếu căn cứ pháp lý (of which: legal basis missing)",
}


def _tally_rows(tallies: Mapping[str, Tally], label: Callable[[str], str]) -> list[list[str]]:
    return [[label(k), str(t.total), str(t.covered), percent_vi(t.percent)] for k, t in tallies.items()]


# The parts of a report as tables: (key, Vietnamese title, English title, headings, rows).
Part = tuple[str, str, str, list[str], list[list[str]]]


def report_parts(report: CoverageReport, ctx: ReportContext) -> list[Part]:
    """The report's tables, shared by the text, xlsx and html writers (and the web page): a
    procedure to review is one row, its reasons listed together."""
    ol = lambda code: office_label(code, ctx)  # noqa: E731
    parts: list[Part] = [
        ("by_office", "Theo phòng", "By office",
         ["Phòng (office)", "Tổng số TTHC (total)", "Đã có quy trình (covered)", "Tỷ lệ (coverage)"],
         _tally_rows(report.by_office, ol)),
        ("by_field", "Theo lĩnh vực", "By field",
         ["Lĩnh vực (field)", "Tổng số TTHC (total)", "Đã có quy trình (covered)", "Tỷ lệ (coverage)"],
         _tally_rows(report.by_field, lambda k: k or "(trống)")),
        ("uncovered", "TTHC chưa có quy trình", "TTHC without a current procedure",
         ["Mã TTHC (code)", "Tên thủ tục (name)", "Lĩnh vực (field)", "Phòng (office)",
          "Gợi ý quy trình (suggested procedures)"],
         [[u.code, u.name, u.field, ol(u.office), suggestions_label(u.suggestions, "procedure")]
          for u in report.uncovered]),
        ("flagged", "Quy trình cần xem xét", "Procedures to review",
         ["Mã quy trình (code)", "Tên quy trình (title)", "Phòng (office)", "Lý do (reason)",
          "Chi tiết (detail)", "Gợi ý TTHC (suggested TTHC)"],
         [[p.code, p.title, ol(p.office), "; ".join(reason_label(r) for r in p.reasons),
           "; ".join(f.detail for f in p.flags if f.detail), suggestions_label(p.suggestions, "tthc")]
          for p in report.flagged_procedures()]),
        ("warnings", "Cảnh báo", "Warnings",
         ["Loại (kind)", "Nội dung (message)", "English"],
         [[f"{WARNING_VI.get(w.kind, w.kind)} ({w.kind})", w.message, w.message_en]
          for w in report.warnings]),
        ("links", "Liên kết quy trình - TTHC", "Procedure-TTHC links",
         ["Mã quy trình (procedure)", "Tên quy trình (title)", "Mã TTHC (TTHC)", "Tên TTHC (name)",
          "Nguồn (source)"],
         [[l.procedure, l.title, l.tthc, l.name, f"{vi(LINK_SOURCE, l.source)} ({l.source})"]
          for l in report.links]),
        ("suggestions", "Gợi ý liên kết theo tên (không tính là đã có)", "Name-based suggestions (not links)",
         ["Mã quy trình (procedure)", "Tên quy trình (title)", "Mã TTHC (TTHC)", "Tên TTHC (name)",
          "Điểm (score)"],
         [[s.procedure, s.title, s.tthc, s.name, score_vi(s.score)]
          for s in report.suggestions]),
        ("internal", "Quy trình nội bộ (không gắn TTHC)", "Internal procedures (no TTHC expected)",
         ["Mã quy trình (code)", "Tên quy trình (title)", "Phòng (office)"],
         [[i.code, i.title, ol(i.office)] for i in report.internal]),
        ("decisions", "Căn cứ danh mục TTHC", "Catalog decisions",
         ["Quyết định (decision)", "Ngày (date)"],
         [[d.decision, moment_vi(d.date)] for d in report.decisions]),
    ]
    return parts


def _header_lines(report: CoverageReport, ctx: ReportContext) -> list[tuple[str, str]]:
    decisions = decision_labels(report, ctx)
    lines = [
        ("Cơ quan (agency)", ctx.agency),
        ("Ngày lập (generated)", moment_vi(ctx.generated)),
        ("Phạm vi (scope)", scope_label(report, ctx)),
        ("Căn cứ danh mục (catalog decisions)", "; ".join(decisions) if decisions else "(chưa có / none)"),
    ]
    if report.catalog_scope[0]:
        lines.insert(3, ("Phạm vi danh mục (catalog scope)", catalog_scope_label(report)))
    return lines


def catalog_scope_label(report: CoverageReport) -> str:
    """``cơ quan thực hiện có «Sở Tư pháp» (… TTHC ngoài phạm vi không tính) / implementing agency …``."""
    vi_text, en_text = report.catalog_scope
    outside = (f" ({report.outside_scope} TTHC ngoài phạm vi, không tính / {report.outside_scope} outside, "
               "not counted)") if report.outside_scope else ""
    return f"{vi_text} / {en_text}{outside}"


# --------------------------------------------------------------------------------------------
# text
# --------------------------------------------------------------------------------------------

_TEXT_PARTS = ("by_office", "by_field", "uncovered", "flagged", "warnings", "internal")


def _text_table(headings: list[str], rows: list[list[str]], widths: list[int]) -> list[str]:
    wrapped_rows = []
    for row in [headings] + rows:
        texts = [" ".join(str(c).split()) for c in row]
        cells = [[t] if len(t) <= w else (textwrap.wrap(t, w) or [""]) for t, w in zip(texts, widths)]
        wrapped_rows.append(cells)
    real = [max(len(line) for cells in wrapped_rows for line in cells[i]) for i in range(len(headings))]
    sep = "+" + "+".join("-" * (w + 2) for w in real) + "+"
    out = [sep]
    for n, cells in enumerate(wrapped_rows):
        height = max(len(c) for c in cells)
        for k in range(height):
            out.append("| " + " | ".join((c[k] if k < len(c) else "").ljust(w)
                                         for c, w in zip(cells, real)) + " |")
        if n == 0:
            out.append(sep.replace("-", "="))
    out.append(sep)
    return out


def render_text(report: CoverageReport, ctx: ReportContext | None = None) -> str:
    """A readable Vietnamese report for a terminal or a plain-text e-mail."""
    ctx = ctx or ReportContext()
    lines = [TITLE_VI, TITLE_EN, ""]
    for label, value in _header_lines(report, ctx):
        lines.append(f"{label}: {value}")
    lines.append("")
    width = max(len(k) for k, _ in _summary_rows(report))
    for label, value in _summary_rows(report):
        lines.append(f"{label.ljust(width, '.')}.. {value}")
    widths_by_part = {
        "by_office": [30, 10, 12, 12],
        "by_field": [36, 10, 12, 12],
        "uncovered": [10, 48, 20, 12, 30],
        "flagged": [14, 36, 8, 26, 36, 18],
        "warnings": [24, 60, 50],
        "internal": [16, 50, 12],
    }
    for key, title_vi, title_en, headings, rows in report_parts(report, ctx):
        if key not in _TEXT_PARTS:
            continue
        lines += ["", f"{title_vi} / {title_en} ({len(rows)})"]
        if not rows:
            lines.append("(không có / none)")
            continue
        lines += _text_table(headings, rows, widths_by_part[key])
        if key == "flagged":
            lines += reason_legend()
    lines += ["", HINT_VI, HINT_EN, ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# json
# --------------------------------------------------------------------------------------------


def render_json(report: CoverageReport, ctx: ReportContext | None = None) -> str:
    """The report's plain data (exactly the report keys), pretty-printed UTF-8 JSON."""
    del ctx  # the JSON carries the report keys only; decisions are in it already
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------------------------
# csv
# --------------------------------------------------------------------------------------------

CSV_HEADINGS = ["part", "Phần", "Mã (code)", "Tên (name/title)", "Lĩnh vực (field)", "Phòng (office)",
                "Lý do / nguồn (reason / source)", "Liên quan (related)", "Điểm (score)",
                "Chi tiết (detail)"]


def render_csv(report: CoverageReport, ctx: ReportContext | None = None) -> bytes:
    """One long table, a row per finding; the ``part`` column says which (machine key) and
    ``Phần`` names it in Vietnamese. UTF-8 with a BOM, comma-separated, CRLF (Excel's CSV)."""
    del ctx
    buf = io.StringIO(newline="")
    w = sheets.CsvRows(buf)
    w.writerow(CSV_HEADINGS)
    w.writerow(["summary", "Tổng hợp", "total", "Tổng số TTHC", "", "", "", "", "", str(report.total)])
    w.writerow(["summary", "Tổng hợp", "covered", "Đã có quy trình", "", "", "", "", "", str(report.covered)])
    w.writerow(["summary", "Tổng hợp", "percent", "Tỷ lệ", "", "", "", "", "", percent_vi(report.percent)])
    for reason, n in report.conformity_counts().items():
        w.writerow(["conformity", "Đối chiếu TTHC", reason, REASON_VI[reason], "", "", reason, "", "", str(n)])
    for k, t in report.by_office.items():
        w.writerow(["by_office", "Theo phòng", k, "", "", k, "", f"{t.covered}/{t.total}", "",
                    percent_vi(t.percent)])
    for k, t in report.by_field.items():
        w.writerow(["by_field", "Theo lĩnh vực", "", "", k, "", "", f"{t.covered}/{t.total}", "",
                    percent_vi(t.percent)])
    for u in report.uncovered:
        w.writerow(["uncovered", "TTHC chưa có quy trình", u.code, u.name, u.field, u.office, "",
                    " ".join(s.procedure for s in u.suggestions), "", ""])
    for f in report.flagged:
        w.writerow(["flagged", "Quy trình cần xem xét", f.code, f.title, "", f.office, f.reason,
                    " ".join(f.tthc), "", f.detail])
    for l in report.links:
        w.writerow(["link", "Liên kết", l.procedure, l.title, "", "", l.source, l.tthc, "", l.name])
    for s in report.suggestions:
        w.writerow(["suggestion", "Gợi ý", s.procedure, s.title, "", "", "", s.tthc, str(s.score), s.name])
    for x in report.warnings:
        w.writerow(["warning", "Cảnh báo", " ".join(x.procedures), x.message, "", "", x.kind,
                    " ".join(x.tthc), "", x.message_en])
    for i in report.internal:
        w.writerow(["internal", "Quy trình nội bộ", i.code, i.title, "", i.office, "", "", "", ""])
    for d in report.decisions:
        w.writerow(["decision", "Căn cứ", d.decision, "", "", "", "", "", "",
                    d.date.isoformat() if d.date else ""])
    return buf.getvalue().encode("utf-8-sig")


# --------------------------------------------------------------------------------------------
# xlsx
# --------------------------------------------------------------------------------------------

XLSX_SHEETS = {
    "summary": "Tổng hợp",
    "uncovered": "Chưa có quy trình",
    "flagged": "Cần xem xét",
    "warnings": "Cảnh báo",
    "links": "Liên kết",
    "suggestions": "Gợi ý",
    "internal": "Nội bộ",
    "decisions": "Căn cứ",
}


XLSX_FONT = "Times New Roman"
XLSX_SIZE = 12  # points: every cell (the titles: 13)
XLSX_TITLE_SIZE = 13
XLSX_PARTS = ("uncovered", "flagged", "warnings", "links", "suggestions", "internal", "decisions")


class _XlsxWriter:
    """Cells of a write-only workbook, styled for print: Times New Roman, bold headings on a
    tinted fill, every cell wrapped at the top, each row as tall as its most wrapped cell."""

    def __init__(self) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill

        self.wb = Workbook(write_only=True)
        self.bold = Font(name=XLSX_FONT, bold=True, size=XLSX_SIZE)
        self.plain = Font(name=XLSX_FONT, size=XLSX_SIZE)
        self.title = Font(name=XLSX_FONT, bold=True, size=XLSX_TITLE_SIZE)
        self.italic = Font(name=XLSX_FONT, italic=True, size=XLSX_SIZE)
        self.head_fill = PatternFill("solid", fgColor="DDEBF7")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(horizontal="left", vertical="top")
        self.rows: dict[str, int] = {}

    def styled(self, ws: Any, value: object, font: Any = None, fill: Any = None, align: Any = None,
               number_format: str | None = None) -> Any:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=cells.cell(value))
        cell.font = self.bold if font is None else font
        if fill is not None:
            cell.fill = fill
        if align is not None:
            cell.alignment = align
        if number_format is not None:
            cell.number_format = number_format
        return cell

    def put(self, ws: Any, values: Sequence[object], widths: Sequence[float], font: Any = None,
            fill: Any = None, styled: Sequence[Any] | None = None) -> None:
        """One row: ``values`` wrapped in ``font`` (plain by default), its height from ``widths``
        (mm); ``styled`` cells, when given, stand for the values as they are written."""
        font = font or self.plain
        size, bold = font.sz or XLSX_SIZE, bool(font.b)
        row = self.rows[ws.title] = self.rows.get(ws.title, 0) + 1
        if values:
            ws.row_dimensions[row].height = layout.row_height_pt(values, widths, size, bold)
        sheets.append(ws, styled if styled is not None else
                      [self.styled(ws, layout.cell_text(v, w, size, bold) if isinstance(v, str) else v, font=font,
                                   fill=fill, align=self.wrap) for v, w in zip(values, widths)])

    def title_row(self, ws: Any, text: str, font: Any = None) -> None:
        """A line across the sheet, unwrapped, its row tall enough for the tone marks of capitals."""
        font = font or self.title
        row = self.rows[ws.title] = self.rows.get(ws.title, 0) + 1
        ws.row_dimensions[row].height = round((font.sz or XLSX_SIZE) * 1.3 + 6, 1)
        sheets.append(ws, [self.styled(ws, text, font=font)])

    def sheet(self, title: str, widths: Sequence[float], head_row: int | None, landscape: bool) -> Any:
        """A sheet printed on A4 (``sheets.a4_page_setup``), its columns ``widths`` mm wide."""
        from openpyxl.utils import get_column_letter

        ws = self.wb.create_sheet(title)
        for j, wdt in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = layout.excel_width(wdt)
        sheets.a4_page_setup(ws, head_row, landscape)
        return ws

    def to_bytes(self) -> bytes:
        self.wb.properties.title = TITLE_VI
        self.wb.properties.creator = "doccontrol"
        buf = io.BytesIO()
        self.wb.save(buf)
        return buf.getvalue()


def _xlsx_summary(xw: _XlsxWriter, report: CoverageReport, ctx: ReportContext, parts: Mapping[str, Part]) -> None:
    """The first sheet, portrait: title, what the report covers, the totals, by office and by
    field; its columns as wide as their words need."""
    pairs = [[label, value] for label, value in [*_header_lines(report, ctx), *_summary_rows(report)]]
    tables = [parts[key] for key in ("by_office", "by_field")]
    content = pairs + [row for part in tables for row in part[4]] + [list(part[3]) for part in tables]
    widths = layout.sheet_widths(["", "", "", ""], [[*r, "", ""][:4] for r in content], sheets.PORTRAIT_TEXT_MM,
                                 XLSX_SIZE)
    ws = xw.sheet(XLSX_SHEETS["summary"], widths, None, landscape=False)
    xw.title_row(ws, TITLE_VI)
    xw.title_row(ws, TITLE_EN, xw.italic)
    xw.put(ws, [], widths)
    for label, value in _header_lines(report, ctx):
        xw.put(ws, [label, value], widths, font=xw.bold, styled=[
            xw.styled(ws, layout.cell_text(label, widths[0], XLSX_SIZE, bold=True), align=xw.wrap),
            xw.styled(ws, layout.cell_text(value, widths[1], XLSX_SIZE), font=xw.plain, align=xw.wrap)])
    xw.put(ws, [], widths)
    for label, value in _summary_rows(report):
        number = (xw.styled(ws, report.percent / 100, font=xw.plain, number_format="0.00%", align=xw.top)
                  if label.startswith("Tỷ lệ") else xw.styled(ws, int(value), font=xw.plain, align=xw.top))
        xw.put(ws, [label, value], widths, font=xw.bold,
               styled=[xw.styled(ws, layout.cell_text(label, widths[0], XLSX_SIZE, bold=True), align=xw.wrap), number])
    for _, title_vi, title_en, headings, rows in tables:
        xw.put(ws, [], widths)
        xw.title_row(ws, f"{title_vi} ({title_en})", xw.bold)
        xw.put(ws, headings, widths, font=xw.bold, fill=xw.head_fill)
        for row in rows:
            xw.put(ws, row, widths)


def _xlsx_part(xw: _XlsxWriter, key: str, part: Part) -> None:
    """One sheet per list: its title, headings frozen, repeated on every printed page and
    filterable, its rows; columns from the content, landscape when the table needs it."""
    from openpyxl.utils import get_column_letter

    _, title_vi, title_en, headings, rows = part
    landscape = layout.needs_landscape(headings, rows, sheets.PORTRAIT_TEXT_MM, XLSX_SIZE)
    widths = layout.sheet_widths(headings, rows, sheets.LANDSCAPE_TEXT_MM if landscape else sheets.PORTRAIT_TEXT_MM,
                                 XLSX_SIZE)
    sheet = xw.sheet(XLSX_SHEETS[key], widths, 2, landscape)
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(headings))}{len(rows) + 2}"
    xw.title_row(sheet, f"{title_vi} ({title_en})")
    xw.put(sheet, headings, widths, font=xw.bold, fill=xw.head_fill)
    for row in rows:
        xw.put(sheet, row, widths)


def render_xlsx(report: CoverageReport, ctx: ReportContext | None = None) -> bytes:
    """A workbook: a summary sheet (agency, date, decisions, totals, by office, by field), then
    one sheet per part, each laid out for A4 (``sheets.a4_page_setup``). Headings bold and
    wrapped, frozen, filterable. Written in openpyxl's streaming (write-only) mode, so large
    reports stay fast."""
    ctx = ctx or ReportContext()
    parts = {p[0]: p for p in report_parts(report, ctx)}
    xw = _XlsxWriter()
    _xlsx_summary(xw, report, ctx, parts)
    for key in XLSX_PARTS:
        _xlsx_part(xw, key, parts[key])
    return xw.to_bytes()


# --------------------------------------------------------------------------------------------
# html
# --------------------------------------------------------------------------------------------

_CSS = """
body{font-family:"Times New Roman",Times,serif;font-size:12pt;margin:2em;color:#000}
h1{font-size:15pt;text-align:center;margin:0}
p.en{text-align:center;font-style:italic;margin:.2em 0 1em}
h2{font-size:13pt;margin-top:1.5em;border-bottom:1px solid #999}
h2 small{font-weight:normal;font-style:italic}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #666;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#e8eef7}
td.n{text-align:right;white-space:nowrap}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px}
dt{font-weight:bold}
.hint{margin-top:2em;font-size:10pt;color:#333}
@media print{body{margin:0}h2{page-break-after:avoid}tr{page-break-inside:avoid}}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _html_table(headings: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    if not rows:
        return "<p>(không có / none)</p>"
    out = ["<table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in headings), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f'<td class="n">{_e(v)}</td>' if j in numeric else f"<td>{_e(v)}</td>"
                                   for j, v in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def render_html(report: CoverageReport, ctx: ReportContext | None = None) -> str:
    """A standalone, printable page: inline CSS, no scripts, no external assets, every value
    escaped."""
    ctx = ctx or ReportContext()
    body = [f"<h1>{_e(TITLE_VI)}</h1>", f'<p class="en">{_e(TITLE_EN)}</p>', "<dl>"]
    for label, value in _header_lines(report, ctx):
        body.append(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>")
    body.append("</dl>")
    body.append(_html_table(["Chỉ tiêu (measure)", "Giá trị (value)"],
                            [[k, v] for k, v in _summary_rows(report)], numeric={1}))
    for key, title_vi, title_en, headings, rows in report_parts(report, ctx):
        numeric = {1, 2, 3} if key in ("by_office", "by_field") else ({4} if key == "suggestions" else set())
        body.append(f"<h2>{_e(title_vi)} <small>/ {_e(title_en)} ({len(rows)})</small></h2>")
        body.append(_html_table(headings, rows, numeric))
    body.append(f'<p class="hint">{"<br>".join(_e(x) for x in reason_legend())}<br>{_e(HINT_VI)}<br>{_e(HINT_EN)}</p>')
    return (
        "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
        f"<title>{_e(TITLE_VI)}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body) + "\n</body></html>\n"
    )


_WRITERS: dict[str, Callable[[CoverageReport, ReportContext | None], str | bytes]] = {
    "text": render_text,
    "json": render_json,
    "csv": render_csv,
    "xlsx": render_xlsx,
    "html": render_html,
}


def render(report: CoverageReport, fmt: str, ctx: ReportContext | None = None) -> str | bytes:
    """Dispatch on a format name (:data:`FORMATS`)."""
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}") from None
    return writer(report, ctx)
