"""Reading the controlled set: ``list``, ``show``, ``history``, ``diff``, ``export``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from doccontrol import service
from doccontrol.cli.app import emit_json, get_workspace, main, say
from doccontrol.core.model import ProcedureState

STATUS_VI = {"current": "hiện hành", "withdrawn": "đã bãi bỏ"}
ACTION_VI = {"ingest": "ban hành", "withdraw": "bãi bỏ", "review": "rà soát"}


def _table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(out)


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@main.command("list")
@click.option("--office", help="Only this office's procedures.")
@click.option("--status", type=click.Choice(service.STATUSES), default="current", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "xlsx", "html", "docx"]),
              help="The master list to print and post, with agency, date and commit (default: from -o).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write it to a file.")
@click.option("--as-of", "as_of", metavar="DATE", help="The list as it stood on DATE (2024-12-31 or 31/12/2024).")
@click.pass_context
def list_(ctx: click.Context, office: str | None, status: str, as_json: bool, fmt: str | None,
          output: Path | None, as_of: str | None) -> None:
    """The master list (danh mục tài liệu) of controlled procedures."""
    from doccontrol.cli.reports import emit_master_list

    if emit_master_list(ctx, office, status, fmt, output, as_of, as_json):
        return
    states = service.procedures(get_workspace(ctx), office, status)
    if as_json:
        emit_json([service.list_record(s) for s in states])
        return
    if not states:
        say("Chưa có quy trình nào. (no procedures)")
        return
    rows = [
        [
            s.code,
            str(s.revision),
            s.issued.strftime("%d/%m/%Y") if s.issued else "",
            s.office,
            STATUS_VI.get(s.status, s.status),
            _short(s.title),
        ]
        for s in states
    ]
    click.echo(_table(rows, ["Mã hiệu", "Lần BH", "Ngày BH", "Phòng", "Trạng thái", "Tên quy trình"]))
    say(f"{len(states)} quy trình. ({len(states)} procedures)")


def _describe_state(state: ProcedureState) -> list[str]:
    lines = [
        f"Mã hiệu:        {state.code}",
        f"Tên:            {state.title}",
        f"Phòng:          {state.office}",
        f"Lần ban hành:   {state.revision}",
        f"Ngày ban hành:  {state.issued.strftime('%d/%m/%Y') if state.issued else '—'}",
        f"Ngày hiệu lực:  {state.effective.strftime('%d/%m/%Y') if state.effective else '—'}",
        f"Trạng thái:     {STATUS_VI.get(state.status, state.status)}",
        f"Mã TTHC:        {', '.join(state.tthc) if state.tthc else '—'}",
        f"Dẫn chiếu:      {', '.join(state.citations) if state.citations else '—'}",
        f"Tệp gốc:        {state.source} (sha256 {state.sha256[:12]}…)",
    ]
    if state.status == "withdrawn":
        lines.insert(0, f"!!! ĐÃ BÃI BỎ (withdrawn) {state.withdrawn_at}: {state.withdrawn_reason}")
    return lines


@main.command()
@click.argument("code")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def show(ctx: click.Context, code: str, as_json: bool) -> None:
    """A procedure's metadata and every revision."""
    found = service.detail(get_workspace(ctx), code)
    if as_json:
        record = service.list_record(found.state)
        record.update(
            effective=found.state.effective.isoformat() if found.state.effective else None,
            sha256=found.state.sha256,
            source=found.state.source,
            withdrawn_reason=found.state.withdrawn_reason or None,
            revisions=[service.revision_record(r) for r in found.revisions],
            reviews=[{"revision": r.revision, "date": r.date, "office": r.office, "note": r.note, "commit": r.commit}
                     for r in found.history if r.action == "review"],
            citations=list(found.state.citations),
        )
        emit_json(record)
        return
    click.echo("\n".join(_describe_state(found.state)))
    click.echo("\nCác lần ban hành (revisions):")
    rows = [[str(r.revision), r.date[:10], r.office, r.source, r.commit[:10]] for r in found.revisions]
    click.echo(_table(rows, ["Lần", "Ngày", "Phòng", "Tệp", "Commit"]))
    reviews = [r for r in found.history if r.action == "review"]
    if reviews:
        click.echo("\nCác lần rà soát (confirmed reviews):")
        rows = [[str(r.revision), r.date[:10], r.office, _short(r.note, 60), r.commit[:10]] for r in reviews]
        click.echo(_table(rows, ["Lần", "Ngày", "Phòng", "Ghi chú", "Commit"]))


@main.command()
@click.argument("code")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def history(ctx: click.Context, code: str, as_json: bool) -> None:
    """Every change of a procedure: revisions, withdrawals, reviews."""
    found = service.detail(get_workspace(ctx), code)
    if as_json:
        emit_json(
            [
                {**service.revision_record(r), "action": r.action, "note": r.note or None}
                for r in found.history
            ]
        )
        return
    rows = [
        [r.date[:19].replace("T", " "), ACTION_VI.get(r.action, r.action), str(r.revision), r.office, _short(r.note or r.source, 50), r.commit[:10]]
        for r in found.history
    ]
    click.echo(_table(rows, ["Thời gian", "Việc", "Lần", "Phòng", "Ghi chú / tệp", "Commit"]))


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
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Where to write the file.")
@click.pass_context
def export(ctx: click.Context, code: str, revision: int | None, output: Path) -> None:
    """Write the original bytes of a revision to OUTPUT (byte-identical to what was dropped)."""
    data, state = service.export(get_workspace(ctx), code, revision)
    if output.is_dir():
        output = output / (state.source or f"{state.slug}-r{state.revision}.{state.ext}")
    output.write_bytes(data)
    say(f"Đã ghi {state.code} lần {state.revision} ({len(data)} byte) vào {output}")
