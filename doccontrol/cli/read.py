"""Reading the controlled set: ``list``, ``show``, ``history``, ``diff``, ``export``."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from doccontrol import service
from doccontrol.cli.app import JSON_HELP, emit_json, get_workspace, main, say
from doccontrol.cli.tables import table
from doccontrol.core.dates import effective_of, ingested_day, iso_in_zone
from doccontrol.core.labels import (
    EFFECTIVE_SOURCE,
    action_vi,
    date_vi,
    effective_vi,
    shorten,
    status_vi,
    text_origin,
    timestamp_vi,
    vi,
)
from doccontrol.core.model import ProcedureStatus
from doccontrol.core.names import printable
from doccontrol.reports import masterlist

if TYPE_CHECKING:
    from doccontrol.core.model import ProcedureState, RevisionRecord
    from doccontrol.service.conformity import ProcedureConformity

TITLE_WIDTH = 70  # characters of a title shown in a terminal table


def master_table(ml: masterlist.MasterList) -> str:
    """The master list as terminal tables, one per office: the rows and order of every other
    layout (``--format``, the web page), titles shortened to fit a terminal."""
    blocks = []
    for group in ml.groups:
        shown = [[*row[:2], shorten(row[2], TITLE_WIDTH), *row[3:]] for row in masterlist.rows(group, ml)]
        blocks.append(f"{masterlist.group_title(group)}\n{table(shown, masterlist.headings(ml))}")
    return "\n\n".join(blocks)


@main.command("list")
@click.option("--office", metavar="CODE", help="Only this office's procedures.")
@click.option("--status", type=click.Choice(masterlist.STATUSES), default=ProcedureStatus.CURRENT.value, show_default=True,
              help="Current procedures, withdrawn ones, or all of them.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.option("--format", "fmt", type=click.Choice(masterlist.FORMATS),
              help="The master list to print and post, with agency, date and commit (default: from -o).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write it to a file.")
@click.option("--as-of", "as_of", metavar="DATE", help="The list as it stood on DATE (2024-12-31 or 31/12/2024).")
@click.pass_context
def list_(ctx: click.Context, office: str | None, status: str, as_json: bool, fmt: str | None,
          output: Path | None, as_of: str | None) -> None:
    """The master list (danh mục tài liệu) of controlled procedures."""
    if fmt is not None or output is not None or as_of is not None:  # the printable list: its module only then
        from doccontrol.cli.reports import emit_master_list

        emit_master_list(ctx, office, status, fmt, output, as_of, as_json)
        return
    workspace = get_workspace(ctx)
    if as_json:  # the record shape of `list --json`, in repository order
        emit_json([service.list_record(s) for s in service.procedures(workspace, office, status)])
        return
    ml = service.master_list(workspace, None, office, status)
    if not ml.groups:
        say("Chưa có quy trình nào. (no procedures)")
        return
    click.echo(master_table(ml))
    say(f"{ml.total} quy trình. ({ml.total} procedures)")


def _describe_state(state: ProcedureState, zone: dt.tzinfo) -> list[str]:
    effective, source = effective_of(state)
    lines = [
        f"Mã hiệu:        {state.code}",
        f"Tên:            {state.title}",
        f"Phòng:          {state.office}",
        f"Lần ban hành:   {state.revision}",
        f"Ngày ban hành:  {date_vi(state.issued, '—')}",
        f"Ngày hiệu lực:  {date_vi(effective, '—')} ({vi(EFFECTIVE_SOURCE, source)})",
        f"Đưa vào kho:    {date_vi(ingested_day(state), '—')}",
        f"Trạng thái:     {status_vi(state.status)}",
        f"Mã TTHC:        {', '.join(state.tthc) if state.tthc else '—'}",
        f"Dẫn chiếu:      {', '.join(state.citations) if state.citations else '—'}",
        f"Tệp gốc:        {state.source} (sha256 {state.sha256[:12]}…)",
    ]
    for note_vi, note_en in text_origin(state.text_source, state.ocr_confidence, state.legacy_encoding,
                                        state.identity_source):
        lines.append(f"Nội dung:       {note_vi} ({note_en})")
    if state.status == ProcedureStatus.WITHDRAWN:
        since = f" từ ngày {date_vi(state.withdrawn_effective)}" if state.withdrawn_effective else ""
        lines.insert(0, f"!!! ĐÃ BÃI BỎ (withdrawn){since} (ghi nhận {timestamp_vi(state.withdrawn_at, zone)}): "
                        f"{state.withdrawn_reason}")
    return [printable(line) for line in lines]


def _revision_label(record: RevisionRecord) -> str:
    """``2``, or ``2 (ghi bổ sung)`` for a revision loaded after a higher one."""
    return f"{record.revision} (ghi bổ sung)" if record.historical else str(record.revision)


@main.command()
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def show(ctx: click.Context, code: str, as_json: bool) -> None:
    """A procedure's metadata and every revision."""
    workspace = get_workspace(ctx)
    zone = workspace.config.zone
    from doccontrol.service.conformity import conformity_json, procedure_conformity  # only here: the catalog's rules

    found = service.detail(workspace, code)
    checked = procedure_conformity(workspace, found.state)
    if as_json:
        record = service.list_record(found.state)
        record.update(
            withdrawn_effective=found.state.withdrawn_effective.isoformat() if found.state.withdrawn_effective else None,
            sha256=found.state.sha256,
            source=found.state.source,
            withdrawn_reason=found.state.withdrawn_reason or None,
            revisions=[service.revision_record(r, zone) for r in found.revisions],
            reviews=[{"revision": r.revision, "date": iso_in_zone(r.date, zone), "office": r.office, "note": r.note,
                      "commit": r.commit}
                     for r in found.history if r.action == "review"],
            citations=list(found.state.citations),
        )
        record.update(conformity_json(checked, found.state))
        emit_json(record)
        return
    click.echo("\n".join(_describe_state(found.state, zone)))
    click.echo("\nCác lần ban hành (revisions):")
    rows = [[_revision_label(r), effective_vi(r.effective, r.effective_source), timestamp_vi(r.date, zone)[:10], r.office,
             r.source, r.commit[:10]] for r in found.revisions]
    click.echo(table(rows, ["Lần", "Hiệu lực (effective)", "Vào kho (loaded)", "Phòng", "Tệp", "Commit"]))
    reviews = [r for r in found.history if r.action == "review"]
    if reviews:
        click.echo("\nCác lần rà soát (confirmed reviews):")
        rows = [[str(r.revision), timestamp_vi(r.date, zone)[:10], r.office, shorten(r.note, 60), r.commit[:10]]
                for r in reviews]
        click.echo(table(rows, ["Lần", "Ngày", "Phòng", "Ghi chú", "Commit"]))
    click.echo("\n".join(printable(line) for line in conformity_lines(found.state, checked)))


def conformity_lines(state: ProcedureState, checked: ProcedureConformity) -> list[str]:
    """The steps with their times, the linked TTHC's terms and what the checks found."""
    from doccontrol.core.catalog_terms import terms_lines, terms_of
    from doccontrol.core.conformity import REASON_VI

    lines = ["", "Các bước (steps):"]
    steps = state.steps
    if steps is None:
        lines.append("  (chưa đọc: lần ban hành này được lưu trước khi doccontrol đọc các bước / not read for this "
                     "revision)")
    elif not steps:
        lines.append("  (không tìm thấy bảng các bước / no steps table found)")
    else:
        rows = [[s.label, shorten(s.content, 50), shorten(s.responsible, 24), s.time or "—", s.reading.label()]
                for s in steps.steps]
        lines += table(rows, ["Bước", "Nội dung", "Trách nhiệm", "Thời gian", "Đọc là (read as)"]).splitlines()
        if checked.steps_total:
            lines.append(f"Tổng thời gian các bước: {checked.steps_total} ({checked.hours_per_day:g} giờ = 1 ngày "
                         f"làm việc) / steps total")
        if steps.total:
            lines.append(f"Tổng thời gian ghi trong bảng: {steps.total} / total stated")
    for t in checked.linked:
        lines += ["", f"TTHC {t.tthc.code}: {t.tthc.name}"]
        terms = terms_lines(terms_of(t.tthc))
        lines += [f"  {line}" for line in terms] or ["  (danh mục không ghi thời hạn, căn cứ pháp lý)"]
    if checked.findings:
        lines += ["", "Đối chiếu với TTHC (checks against the TTHC):"]
        lines += [f"  ! {REASON_VI[f.reason]} ({f.reason}): {f.detail}" for f in checked.findings]
    elif checked.linked and state.status == ProcedureStatus.CURRENT:
        lines += ["", "Đối chiếu với TTHC: không có vấn đề (checks against the TTHC: nothing found)"]
    return lines


@main.command()
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def history(ctx: click.Context, code: str, as_json: bool) -> None:
    """Every change of a procedure: revisions, withdrawals, reviews."""
    workspace = get_workspace(ctx)
    zone = workspace.config.zone
    found = service.detail(workspace, code)
    if as_json:
        emit_json(
            [
                {**service.revision_record(r, zone), "action": r.action, "note": r.note or None}
                for r in found.history
            ]
        )
        return
    rows = [
        [effective_vi(r.effective, r.effective_source, "—"), timestamp_vi(r.date, zone), action_vi(r.action),
         _revision_label(r), r.office, shorten(r.note or r.source, 50), r.commit[:10]]
        for r in found.history
    ]
    click.echo(table(rows, ["Hiệu lực (effective)", "Vào kho (recorded)", "Việc", "Lần", "Phòng", "Ghi chú / tệp",
                            "Commit"]))


@main.command()
@click.argument("code")
@click.option("--from", "from_rev", type=int, help="Older revision (default: the one before --to).")
@click.option("--to", "to_rev", type=int, help="Newer revision (default: the newest).")
@click.pass_context
def diff(ctx: click.Context, code: str, from_rev: int | None, to_rev: int | None) -> None:
    """Text diff between two revisions of a procedure (default: the last two)."""
    text = service.diff(get_workspace(ctx), code, from_rev, to_rev)
    if not text:
        say("Hai lần ban hành có nội dung văn bản giống nhau. (no text difference)")
        return
    color = sys.stdout.isatty()
    for line in text.splitlines():
        if color and line.startswith("+") and not line.startswith("+++"):
            click.secho(line, fg="green")
        elif color and line.startswith("-") and not line.startswith("---"):
            click.secho(line, fg="red")
        else:
            click.echo(line)


@main.command()
@click.argument("code")
@click.option("--rev", "revision", type=int, help="Revision to export (default: the newest).")
@click.option("-o", "--output", type=click.Path(path_type=str), required=True,
              help="A file, or an existing folder (the file is then named <code-slug>_r<N>.<ext>).")
@click.option("--force", is_flag=True, help="Overwrite a file that exists.")
@click.pass_context
def export(ctx: click.Context, code: str, revision: int | None, output: str, force: bool) -> None:
    """Write the original bytes of a revision to OUTPUT (byte-identical to what was dropped)."""
    target, state, size = service.export_to(get_workspace(ctx), code, output, revision, force)
    say(printable(f"Đã ghi {state.code} lần {state.revision} ({size} byte) vào {target}"))
