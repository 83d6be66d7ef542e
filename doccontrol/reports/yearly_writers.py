"""Writers of the yearly report: docx (Nghị định 30/2020/NĐ-CP layout), markdown, json.

The docx and markdown follow the template (``template.py``): its text with the figures filled
in, its tables, its marked places for people. The json carries the figures themselves.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from doccontrol.core import conformity as conf
from doccontrol.core import coverage as cov
from doccontrol.core import review as rv
from doccontrol.core.config import office_order
from doccontrol.core.labels import date_vi, percent_vi
from doccontrol.reports import template as tpl
from doccontrol.reports.nd30 import date_line, number_line, recipient_lines
from doccontrol.reports.yearly import CAUSE_VI, CoverageFigures, FlaggedItem, ProcedureChange, YearlyReport

FORMATS = ("docx", "md", "json")
KIND = "BC"
KIND_VI = "Báo cáo"
CATALOG_EVENT_VI = {"added": "thêm mới", "amended": "sửa đổi, bổ sung", "renamed": "đổi tên",
                    "abolished": "bãi bỏ", "updated": "cập nhật"}
NONE_VI = "(không có / none)"


@dataclass(frozen=True)
class Table:
    headings: list[str]
    rows: list[list[str]]
    shares: list[float]  # relative column widths (millimetres on a portrait A4 page)
    numeric: tuple[int, ...] = ()


def _office(report: YearlyReport, code: str) -> str:
    if not code:
        return "(chưa giao phòng)"
    name = report.office_names.get(code)
    return f"{name} ({code})" if name and name != code else code


def _coverage_values(prefix: str, figures: CoverageFigures | None) -> dict[str, str]:
    if figures is None:
        return {f"{prefix}_percent": "chưa có danh mục TTHC", f"{prefix}_covered": "0", f"{prefix}_total": "0"}
    return {f"{prefix}_percent": percent_vi(figures.percent), f"{prefix}_covered": str(figures.covered),
            f"{prefix}_total": str(figures.total)}


def values(report: YearlyReport) -> dict[str, str]:
    """The figures a template may name as ``{{name}}``, formatted for people."""
    s = report.settings
    out = {
        "year": str(report.year),
        "agency": s.agency,
        "agency_upper": s.agency.upper(),
        "parent_agency": s.parent_agency,
        "place": s.place,
        "generated": date_vi(report.generated),
        "period_start": date_vi(report.period_start.date()),
        "period_end": date_vi(report.period_end.date()),
        "commit_start": (report.commit_start or "")[:12],
        "commit_end": (report.commit_end or "")[:12],
        "review_months": str(report.review_months),
        "in_force_total": str(report.in_force_total),
        "new_count": str(len({c.code for c in report.new})),
        "revised_count": str(len({c.code for c in report.revised})),
        "revisions_count": str(len(report.revised)),
        "withdrawn_count": str(len({c.code for c in report.withdrawn})),
        "reviews_count": str(len(report.reviews)),
        "overdue_count": str(len(report.overdue)),
        "laws_replaced_count": str(len(report.laws_replaced)),
        "decisions_count": str(len(report.decisions)),
        "uncovered_count": str(len(report.uncovered)),
        "flagged_count": str(len({f.code for f in report.flagged})),
        **{f"{reason}_count": str(n) for reason, n in conformity_counts(report).items()},
        "processed_count": str(report.ingest.processed),
        "ingested_count": str(report.ingest.ingested),
        "duplicate_count": str(report.ingest.duplicates),
        "refused_count": str(report.ingest.refused),
    }
    out.update(_coverage_values("coverage_start", report.coverage_start))
    out.update(_coverage_values("coverage_end", report.coverage_end))
    return out


def conformity_counts(report: YearlyReport) -> dict[str, int]:
    """How many procedures to revise each conformity check found at the period's end
    (``core.conformity``: ``tthc_changed``, ``deadline_exceeded``, ...)."""
    return {reason: len({f.code for f in report.flagged if f.reason == reason}) for reason in conf.REASONS}


def _change_rows(kind: str, changes: Sequence[ProcedureChange], report: YearlyReport) -> list[list[str]]:
    return [[kind, c.code, c.title, c.office, str(c.revision), date_vi(c.date), c.note] for c in changes]


def _tally(figures: CoverageFigures | None, office: str) -> str:
    if figures is None:
        return "—"
    t = figures.by_office.get(office)
    return f"{t.covered}/{t.total} ({percent_vi(t.percent)})" if t else "—"


def _numbered(rows: Sequence[Sequence[str]]) -> list[list[str]]:
    """Rows with a first column "TT" counting from 1."""
    return [[str(i), *r] for i, r in enumerate(rows, start=1)]


def _in_force_table(report: YearlyReport) -> Table:
    rows = _numbered([[_office(report, o.office), str(o.count), ", ".join(o.codes)] for o in report.in_force])
    if report.in_force:
        rows.append(["", "Tổng cộng", str(report.in_force_total), ""])
    return Table(["TT", "Phòng, đơn vị", "Số quy trình", "Mã hiệu"], rows, [12, 60, 25, 68], (0, 2))


def _changes_table(report: YearlyReport) -> Table:
    changes = (_change_rows("Ban hành mới", report.new, report) + _change_rows("Sửa đổi, bổ sung", report.revised, report)
               + _change_rows("Bãi bỏ", report.withdrawn, report))
    return Table(["TT", "Nội dung", "Mã hiệu", "Tên quy trình", "Phòng", "Lần BH", "Ngày", "Ghi chú"],
                 _numbered(changes), [10, 20, 29, 40, 14, 11, 24, 17], (0, 4, 5, 6))


def _reviews_table(report: YearlyReport) -> Table:
    return Table(["TT", "Mã hiệu", "Tên quy trình", "Lần BH", "Ngày rà soát", "Phòng xác nhận: ghi chú"],
                 _numbered([[c.code, c.title, str(c.revision), date_vi(c.date), c.note] for c in report.reviews]),
                 [10, 30, 52, 12, 24, 37], (0, 3, 4))


def _laws_replaced_table(report: YearlyReport) -> Table:
    return Table(["TT", "Văn bản", "Thay thế, sửa đổi bởi", "Căn cứ", "Ngày ghi nhận", "Quy trình còn dẫn chiếu"],
                 _numbered([[law.ref, ", ".join(law.by), law.decision, date_vi(law.date), ", ".join(law.citing)]
                            for law in report.laws_replaced]),
                 [10, 32, 32, 35, 24, 32], (0, 4))


def _overdue_table(report: YearlyReport) -> Table:
    return Table(["TT", "Mã hiệu", "Tên quy trình", "Phòng", "Hạn rà soát", "Lý do"],
                 _numbered([[o.code, o.title, o.office, date_vi(o.due),
                             "; ".join(rv.REASON_VI.get(r, r) for r in o.reasons) + (f" — {o.detail}" if o.detail else "")]
                            for o in report.overdue]),
                 [10, 30, 40, 17, 24, 44], (0, 3, 4))


def _catalog_decisions_table(report: YearlyReport) -> Table:
    return Table(["TT", "Quyết định", "Ngày quyết định", "Ngày cập nhật", "Nội dung"],
                 _numbered([[d.decision, date_vi(d.decision_date), date_vi(d.imported),
                             "; ".join(f"{CATALOG_EVENT_VI.get(k, k)}: {n}" for k, n in sorted(d.counts.items()))]
                            for d in report.decisions]),
                 [10, 40, 24, 24, 67], (0, 2, 3))


def _coverage_by_office_table(report: YearlyReport) -> Table:
    """Coverage by office at the start and at the end of the period, offices in the configuration's order."""
    offices = office_order({*(report.coverage_start.by_office if report.coverage_start else {}),
                            *(report.coverage_end.by_office if report.coverage_end else {})}, report.office_names)
    rows = [[_office(report, o), _tally(report.coverage_start, o), _tally(report.coverage_end, o)] for o in offices]
    if report.coverage_start or report.coverage_end:
        rows.append(["Tổng cộng", _total(report.coverage_start), _total(report.coverage_end)])
    return Table(["Phòng, đơn vị", f"Đầu năm ({date_vi(report.period_start.date())})",
                  f"Cuối kỳ ({date_vi(report.period_end.date())})"], rows, [75, 45, 45], (1, 2))


def _uncovered_table(report: YearlyReport) -> Table:
    return Table(["TT", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Phòng"],
                 _numbered([[u.code, u.name, u.field, _office(report, u.office)] for u in report.uncovered]),
                 [10, 25, 70, 30, 30], (0,))


def _flagged_table(report: YearlyReport) -> Table:
    """One row per procedure to review, its reasons listed together."""
    groups: dict[str, list[FlaggedItem]] = {}
    for f in report.flagged:
        groups.setdefault(f.code, []).append(f)
    return Table(["TT", "Mã hiệu", "Tên quy trình", "Phòng", "Lý do"],
                 _numbered([[g[0].code, g[0].title, _office(report, g[0].office),
                             "; ".join(f"{cov.REASON_VI.get(f.reason, f.reason)}" + (f": {f.detail}" if f.detail else "")
                                       for f in g)]
                            for g in groups.values()]),
                 [10, 30, 45, 25, 55], (0,))


def _refusals_table(report: YearlyReport) -> Table:
    return Table(["TT", "Nguyên nhân", "Mã", "Số tệp"],
                 _numbered([[CAUSE_VI.get(c, c), c, str(n)] for c, n in report.ingest.by_cause]),
                 [10, 90, 40, 25], (0, 3))


_TABLES: dict[str, Callable[[YearlyReport], Table]] = {
    "in_force_by_office": _in_force_table,
    "changes": _changes_table,
    "reviews": _reviews_table,
    "laws_replaced": _laws_replaced_table,
    "overdue": _overdue_table,
    "catalog_decisions": _catalog_decisions_table,
    "coverage_by_office": _coverage_by_office_table,
    "uncovered": _uncovered_table,
    "flagged": _flagged_table,
    "refusals": _refusals_table,
}


def tables(report: YearlyReport) -> dict[str, Table]:
    """The tables a template may place with ``{{table:name}}``."""
    return {name: build(report) for name, build in _TABLES.items()}


def _total(figures: CoverageFigures | None) -> str:
    if figures is None:
        return "chưa có danh mục"
    return f"{figures.covered}/{figures.total} ({percent_vi(figures.percent)})"


def filled_blocks(report: YearlyReport, template_text: str) -> tuple[list[tpl.Block], dict[str, Table]]:
    all_tables = tables(report)
    return tpl.fill(tpl.parse_template(template_text), values(report), all_tables), all_tables


def subject(report: YearlyReport) -> str:
    return report.settings.subject.replace("{year}", str(report.year))


# --------------------------------------------------------------------------------------------
# json


def to_dict(report: YearlyReport) -> dict[str, object]:
    """The figures as plain data (dates ISO 8601)."""

    def change(c: ProcedureChange) -> dict[str, object]:
        return {"code": c.code, "title": c.title, "office": c.office, "revision": c.revision,
                "date": c.date.isoformat(), "note": c.note}

    def coverage(f: CoverageFigures | None) -> dict[str, object] | None:
        if f is None:
            return None
        return {"total": f.total, "covered": f.covered, "percent": f.percent,
                "by_office": {k: {"total": t.total, "covered": t.covered, "percent": t.percent}
                              for k, t in f.by_office.items()}}

    s = report.settings
    return {
        "year": report.year,
        "period_start": report.period_start.isoformat(timespec="seconds"),
        "period_end": report.period_end.isoformat(timespec="seconds"),
        "generated": report.generated.isoformat(),
        "commit_start": report.commit_start,
        "commit_end": report.commit_end,
        "agency": s.agency,
        "parent_agency": s.parent_agency,
        "review_months": report.review_months,
        "in_force": {"total": report.in_force_total,
                     "by_office": [{"office": o.office, "name": o.name, "count": o.count, "codes": list(o.codes)}
                                   for o in report.in_force]},
        "new": [change(c) for c in report.new],
        "revised": [change(c) for c in report.revised],
        "withdrawn": [change(c) for c in report.withdrawn],
        "reviews": [change(c) for c in report.reviews],
        "overdue": [{"code": o.code, "title": o.title, "office": o.office,
                     "due": o.due.isoformat() if o.due else None, "days_overdue": o.days_overdue,
                     "reasons": list(o.reasons), "detail": o.detail} for o in report.overdue],
        "laws_replaced": [{"ref": law.ref, "by": list(law.by), "decision": law.decision,
                           "date": law.date.isoformat(), "citing": list(law.citing)} for law in report.laws_replaced],
        "catalog_decisions": [{"decision": d.decision, "decision_date": d.decision_date.isoformat()
                               if d.decision_date else None, "imported": d.imported.isoformat(),
                               "counts": dict(d.counts)} for d in report.decisions],
        "coverage_start": coverage(report.coverage_start),
        "coverage_end": coverage(report.coverage_end),
        "uncovered": [{"code": u.code, "name": u.name, "field": u.field, "office": u.office} for u in report.uncovered],
        "flagged": [{"code": f.code, "title": f.title, "office": f.office, "reason": f.reason, "detail": f.detail}
                    for f in report.flagged],
        "conformity": conformity_counts(report),
        "ingest": {"processed": report.ingest.processed, "ingested": report.ingest.ingested,
                   "duplicates": report.ingest.duplicates, "refused": report.ingest.refused,
                   "by_cause": [{"cause": c, "label": CAUSE_VI.get(c, c), "count": n}
                                for c, n in report.ingest.by_cause]},
        "journal_problems": list(report.journal_problems),
    }


def render_json(report: YearlyReport, template_text: str) -> str:
    data = to_dict(report)
    data["to_fill"] = tpl.fills(filled_blocks(report, template_text)[0])
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------------------------
# markdown


def _md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _md_table(table: Table) -> list[str]:
    if not table.rows:
        return [f"_{NONE_VI}_"]
    out = ["| " + " | ".join(_md_cell(h) for h in table.headings) + " |",
           "|" + "|".join(" --- " for _ in table.headings) + "|"]
    out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
    return out


def render_md(report: YearlyReport, template_text: str) -> str:
    s = report.settings
    blocks, all_tables = filled_blocks(report, template_text)
    lines = [
        f"{s.parent_agency.upper()}  ",
        f"**{s.agency.upper()}**  ",
        number_line(s.number, KIND, s.symbol),
        "",
        f"**{_md_cell('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')}**  ",
        "**Độc lập - Tự do - Hạnh phúc**",
        "",
        f"*{date_line(s.place, report.generated)}*",
        "",
        "# BÁO CÁO",
        "",
        f"**{subject(report)}**",
        "",
    ]
    for block in blocks:
        if block.kind == tpl.HEADING1:
            lines += [f"## {block.text}", ""]
        elif block.kind == tpl.HEADING2:
            lines += [f"### {block.text}", ""]
        elif block.kind == tpl.ITEM:
            lines += [f"- {block.text}"]
        elif block.kind == tpl.TABLE:
            lines += [*_md_table(all_tables[block.text]), ""]
        elif block.kind == tpl.FILL:
            lines += [f"> **[CẦN BỔ SUNG / TO BE FILLED IN: {block.text}]**", ""]
        else:
            lines += [block.text, ""]
    lines += ["", "**Nơi nhận:**", ""]
    lines += [f"{line}  " for line in recipient_lines(s.recipients, s.archive)]
    lines += ["", f"**{s.signer_authority.upper()}**  ", f"**{s.signer_title.upper()}**  ", "",
              f"**{s.signer_name}**" if s.signer_name else "", ""]
    lines += [f"<!-- doccontrol: kho tài liệu tại commit {report.commit_end or '-'} "
              f"(đầu năm: {report.commit_start or '-'}) -->", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# docx


def render_docx(report: YearlyReport, template_text: str) -> bytes:
    from doccontrol.reports import nd30

    s = report.settings
    blocks, all_tables = filled_blocks(report, template_text)
    doc = nd30.new_document()
    nd30.header_block(doc, s.parent_agency, s.agency, number_line(s.number, KIND, s.symbol),
                      date_line(s.place, report.generated))
    nd30.title_block(doc, "BÁO CÁO", [subject(report)])
    for block in blocks:
        if block.kind == tpl.HEADING1:
            p = nd30.body_paragraph(doc, block.text, bold=True)
            p.paragraph_format.space_before = nd30._pt(6)
        elif block.kind == tpl.HEADING2:
            nd30.body_paragraph(doc, block.text, bold=True)
        elif block.kind == tpl.ITEM:
            nd30.body_paragraph(doc, f"- {block.text}")
        elif block.kind == tpl.TABLE:
            table = all_tables[block.text]
            if table.rows:
                nd30.data_table(doc, table.headings, table.rows, table.shares, numeric=table.numeric)
            else:
                nd30.body_paragraph(doc, NONE_VI, italic=True)
        elif block.kind == tpl.FILL:
            nd30.to_fill(doc, block.text)
        else:
            nd30.body_paragraph(doc, block.text)
    nd30.signature_block(doc, s.recipients, s.archive, s.signer_authority, s.signer_title, s.signer_name)
    nd30.page_numbers(doc)
    doc.core_properties.title = f"{KIND_VI} {subject(report)}"
    doc.core_properties.subject = subject(report)
    doc.core_properties.author = s.agency
    doc.core_properties.comments = f"doccontrol: commit {report.commit_end or '-'}"
    doc.core_properties.language = "vi-VN"
    return nd30.to_bytes(doc)


_WRITERS: dict[str, Callable[[YearlyReport, str], str | bytes]] = {
    "docx": render_docx,
    "md": render_md,
    "json": render_json,
}


def render(report: YearlyReport, fmt: str, template_text: str) -> str | bytes:
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}") from None
    return writer(report, template_text)


__all__: Sequence[str] = ["FORMATS", "render", "tables", "values", "to_dict", "Table"]
