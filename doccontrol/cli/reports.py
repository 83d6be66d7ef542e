"""Keeping procedures current and reporting: ``review``, ``review confirm``, ``cites``,
``laws replaced``, ``laws list``, ``report``; and the master list formats of ``list``."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from doccontrol import service
from doccontrol.cli.app import EXIT_OK, EXIT_PROBLEM, JSON_HELP, emit_json, get_workspace, main, say
from doccontrol.cli.tables import table
from doccontrol.core.labels import date_vi, shorten
from doccontrol.errors import UsageError
from doccontrol.core.model import ProcedureState

if TYPE_CHECKING:
    from doccontrol.core import review as rv


def parse_day(value: str | None, option: str = "--as-of") -> dt.date | None:
    """``2024-12-31`` or ``31/12/2024`` (as Vietnamese documents write dates)."""
    from doccontrol.core.date_text import parse_date

    if value is None:
        return None
    text = value.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    day = parse_date(text)
    if day is None:
        raise UsageError(
            f"Ngày không hợp lệ cho {option}: «{value}» (ví dụ 2024-12-31 hoặc 31/12/2024).",
            f"Invalid date for {option}: {value!r} (e.g. 2024-12-31 or 31/12/2024).",
        )
    return day


def _write(data: str | bytes, output: Path | None, fmt: str, binary: bool) -> None:
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if output is not None:
        output.write_bytes(payload)
        say(f"Đã ghi ({fmt}) vào {output}")
    elif binary and sys.stdout.isatty():
        raise UsageError(f"Định dạng {fmt} cần -o TỆP.", f"The {fmt} format is binary: write it with -o FILE.")
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()


def _d(value: dt.date | None) -> str:
    return date_vi(value, "—")


# --- the master list (called by ``list``) --------------------------------------------------------------


def emit_master_list(
    ctx: click.Context, office: str | None, status: str, fmt: str | None, output: Path | None, as_of: str | None,
    as_json: bool,
) -> bool:
    """``list`` with ``--format``, ``-o`` or ``--as-of``; False when none of them was given (the
    plain ``list`` then prints as it always did)."""
    from doccontrol.reports import masterlist
    from doccontrol.core.dates import end_of_day

    if fmt is None and output is None and as_of is None:
        return False
    workspace = get_workspace(ctx)
    day = parse_day(as_of)
    when = end_of_day(day) if day else None
    if as_json and fmt is None:  # --json keeps the record shape of `list --json`
        if when is None:
            states = service.procedures(workspace, office, status)
        else:
            states, commit = service.procedures_as_of(workspace, when, office, status)
            say(f"Danh mục tại {date_vi(day)} (as of), commit {commit or '—'}")
        _write(service_json(states), output, "json", False)
        return True
    if fmt is None:
        fmt = masterlist.format_for(str(output)) if output is not None else "text"
    ml = service.master_list(workspace, when, office, status)
    _write(masterlist.render(ml, fmt), output, fmt, fmt in masterlist.BINARY_FORMATS)
    say(f"{ml.total} quy trình; commit {ml.commit[:12] if ml.commit else '—'}"
        + (f"; tại {date_vi(day)}" if day else ""))
    return True


def service_json(states: list[ProcedureState]) -> str:
    import json

    return json.dumps([service.list_record(s) for s in states], ensure_ascii=False, indent=2) + "\n"


# --- review ---------------------------------------------------------------------------------------------


def _status_json(s: rv.ReviewStatus, today: dt.date, within: int, office_names: dict[str, str]) -> dict[str, object]:
    return {
        "code": s.code,
        "title": s.title,
        "office": s.office,
        "office_name": office_names.get(s.office, s.office),
        "revision": s.revision,
        "start": s.start.isoformat() if s.start else None,
        "start_source": s.start_source,
        "due": s.due.isoformat() if s.due else None,
        "days_overdue": s.overdue_days(today),
        "reasons": list(s.reasons(today, within)),
        "last_review": {"date": s.last_review.date.isoformat(timespec="seconds"), "office": s.last_review.office,
                        "note": s.last_review.note} if s.last_review else None,
        "replaced": [{"ref": law.ref, "by": list(law.by), "decision": law.decision,
                      "recorded_at": law.recorded_at.isoformat(timespec="seconds")} for law in s.replaced],
        "findings": [{"reason": f.reason, "tthc": list(f.tthc), "detail": f.detail, "detail_en": f.detail_en}
                     for f in s.findings],
    }


@main.group(invoke_without_command=True)
@click.option("--due-within", "within", type=click.IntRange(0, 3650), default=0, show_default=True,
              help="Also list procedures that fall due within this many days.")
@click.option("--office", metavar="CODE", help="Only this office's procedures.")
@click.option("--as-of", "as_of", metavar="DATE", help="As the repository stood on DATE, due by DATE.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def review(ctx: click.Context, within: int, office: str | None, as_of: str | None, as_json: bool) -> None:
    """Procedures due for review (rà soát), the most overdue first, and why.

    A procedure is due [review] months after the later of its issue date (else the date its
    revision was committed) and its last confirmed review; at once when it cites a law recorded
    as replaced since then, or when the checks against its TTHC find something (tthc_changed,
    deadline_exceeded, deadline_unreadable, legal_basis_missing). Exit 1 when a procedure is due
    now, 0 otherwise.
    """
    from doccontrol.core import review as rv

    if ctx.invoked_subcommand is not None:
        return
    workspace = get_workspace(ctx)
    due, today = service.review_due(workspace, within, office, parse_day(as_of))
    names = dict(workspace.config.offices)
    now_due = [s for s in due if s.reasons(today)]
    if as_json:
        emit_json([_status_json(s, today, within, names) for s in due])
    elif not due:
        say(f"Không có quy trình nào đến hạn rà soát{f' trong {within} ngày tới' if within else ''}. "
            f"(nothing due for review)")
    else:
        rows = []
        for s in due:
            reasons = "; ".join(rv.REASON_VI.get(r, r) for r in s.reasons(today, within))
            why = "; ".join(([rv.replaced_law_detail(s.replaced)] if s.replaced else [])
                            + [f.detail for f in s.findings]) or (
                f"từ {_d(s.start)} ({rv.START_VI[s.start_source]})" if s.start else "không rõ ngày")
            days = s.overdue_days(today)
            rows.append([s.code, s.office, str(s.revision), _d(s.due),
                         str(days) if days > 0 else ("0" if days == 0 else f"còn {-days}"),
                         reasons, shorten(why, 70)])
        click.echo(table(rows, ["Mã hiệu", "Phòng", "Lần BH", "Hạn rà soát", "Quá hạn (ngày)", "Lý do", "Căn cứ"]))
        shown = [r for r in rv.REASONS if any(r in s.reasons(today, within) for s in due)]
        say(f"{len(now_due)} quy trình đến hạn, {len(due) - len(now_due)} sắp đến hạn (tại {date_vi(today)}). "
            f"({len(now_due)} due, {len(due) - len(now_due)} due soon; reasons: "
            + "; ".join(f"{rv.REASON_VI[k]} = {rv.REASON_EN[k]}" for k in shown) + ")")
    ctx.exit(EXIT_PROBLEM if now_due else EXIT_OK)


@review.command("confirm")
@click.argument("code")
@click.option("--note", required=True, help="What was checked (Vietnamese is fine).")
@click.option("--office", metavar="CODE", help="Who confirms (default: the document controller office).")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def review_confirm(ctx: click.Context, code: str, note: str, office: str | None, as_json: bool) -> None:
    """Record that CODE was reviewed and still holds, without a new revision (a commit)."""
    state, record, commit = service.confirm_review(get_workspace(ctx), code, note, office)
    if as_json:
        emit_json({"code": state.code, "revision": state.revision, "office": record.office,
                   "date": record.date.isoformat(timespec="seconds"), "note": record.note, "commit": commit})
        return
    say(f"Đã ghi nhận rà soát {state.code} lần {state.revision} ({record.office}, {date_vi(record.date)}): "
        f"{record.note} [commit {commit[:10]}]")


# --- citations and replaced laws --------------------------------------------------------------------------


@main.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def cites(ctx: click.Context, ref: str, as_json: bool) -> None:
    """Every current procedure that cites the legal document REF (e.g. 152/2020/NĐ-CP)."""
    from doccontrol.core.citations import describe

    normal, citing, replaced = service.cites(get_workspace(ctx), ref)
    if as_json:
        emit_json({
            "ref": normal,
            "label": describe(normal),
            "replaced": [{"by": list(law.by), "decision": law.decision,
                          "recorded_at": law.recorded_at.isoformat(timespec="seconds")} for law in replaced],
            "procedures": [{**service.list_record(s), "citations": list(s.citations)} for s in citing],
        })
        return
    say(f"Văn bản (document): {describe(normal)}")
    for law in replaced:
        say(f"  ! đã được thay thế, sửa đổi bởi {', '.join(law.by)} (ghi nhận {date_vi(law.recorded_at)}"
            f"{'; ' + law.decision if law.decision else ''})")
    if citing:
        rows = [[s.code, s.office, str(s.revision), shorten(s.title, 60)] for s in citing]
        click.echo(table(rows, ["Mã hiệu", "Phòng", "Lần BH", "Tên quy trình"]))
    say(f"{len(citing)} quy trình hiện hành dẫn chiếu văn bản này. ({len(citing)} current procedures cite it)")


@main.group()
def laws() -> None:
    """Legal documents recorded as replaced or amended."""


@laws.command("replaced")
@click.argument("ref")
@click.option("--by", "by", multiple=True, required=True, help="The replacing or amending document (repeatable).")
@click.option("--decision", default="", help='Where it was decided or published, free text.')
@click.option("--office", metavar="CODE", help="Who records it (default: the document controller office).")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def laws_replaced(ctx: click.Context, ref: str, by: tuple[str, ...], decision: str, office: str | None,
                  as_json: bool) -> None:
    """Record that the legal document REF was replaced or amended by --by (a commit).

    From then on `review` and `coverage` flag the current procedures that still cite REF
    (cites_replaced_law), until each gets a new revision or a confirmed review.
    """
    record, commit, citing = service.record_replaced_law(get_workspace(ctx), ref, by, decision, office)
    if as_json:
        emit_json({"ref": record.ref, "by": list(record.by), "decision": record.decision,
                   "recorded_at": record.recorded_at.isoformat(timespec="seconds"), "office": record.office,
                   "commit": commit, "citing": [s.code for s in citing]})
        return
    say(f"Đã ghi nhận: {record.ref} được thay thế, sửa đổi bởi {', '.join(record.by)} [commit {commit[:10]}]")
    if citing:
        say(f"{len(citing)} quy trình còn dẫn chiếu {record.ref}, cần rà soát: " + ", ".join(s.code for s in citing))
    else:
        say(f"Không có quy trình hiện hành nào dẫn chiếu {record.ref}. (no current procedure cites it)")


@laws.command("list")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def laws_list(ctx: click.Context, as_json: bool) -> None:
    """The legal documents recorded as replaced or amended, oldest first."""
    records = service.replaced_laws(get_workspace(ctx))
    if as_json:
        emit_json([{"ref": r.ref, "by": list(r.by), "decision": r.decision, "office": r.office,
                    "recorded_at": r.recorded_at.isoformat(timespec="seconds")} for r in records])
        return
    rows = [[r.ref, ", ".join(r.by), _d(r.recorded_at.date()), r.office, shorten(r.decision, 50)] for r in records]
    click.echo(table(rows, ["Văn bản", "Thay thế, sửa đổi bởi", "Ngày ghi nhận", "Phòng", "Căn cứ"]))
    say(f"{len(records)} văn bản. ({len(records)} records)")


# --- the yearly report ----------------------------------------------------------------------------------


@main.command()
@click.option("--year", type=click.IntRange(1900, 2199), required=True, help="The year reported on.")
@click.option("--as-of", "as_of", metavar="DATE", help="Figures as of DATE (default: 31/12 of the year).")
@click.option("--date", "signed", metavar="DATE", help="The date written on the report (default: today).")
@click.option("--format", "fmt", type=click.Choice(["docx", "md", "json"]),
              help="Default: from -o's extension, else docx.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write it (docx default: ./bao-cao-iso-YEAR.docx; md/json default: stdout).")
@click.pass_context
def report(ctx: click.Context, year: int, as_of: str | None, signed: str | None, fmt: str | None,
           output: Path | None) -> None:
    """The yearly report on ISO implementation (báo cáo tình hình thực hiện ISO).

    A .docx laid out under Nghị định 30/2020/NĐ-CP; its sections come from an editable template
    ([report] template in doccontrol.toml), its figures from the repository as of the year's end.
    """
    from doccontrol.reports import template, yearly_writers

    workspace = get_workspace(ctx)
    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output is not None else ""
        fmt = {"md": "md", "markdown": "md", "json": "json"}.get(suffix, "docx")
    if fmt == "docx" and output is None:
        output = Path(f"bao-cao-iso-{year}.docx")
    figures = service.yearly_report(workspace, year, parse_day(as_of), parse_day(signed, "--date"))
    try:
        rendered = yearly_writers.render(figures, fmt, service.yearly_template(workspace))
    except template.TemplateError as exc:
        raise UsageError(str(exc), str(exc)) from exc
    _write(rendered, output, fmt, fmt == "docx")
    say(f"Báo cáo năm {year}: {figures.in_force_total} quy trình đang áp dụng; commit "
        f"{(figures.commit_end or '—')[:12]}; tại {date_vi(figures.period_end)}.")
    for problem in figures.journal_problems:
        say(f"  ! logs/ingest.jsonl: {problem}")
