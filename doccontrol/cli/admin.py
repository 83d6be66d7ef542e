"""Workspace administration: ``init`` and ``withdraw``."""

from __future__ import annotations

from pathlib import Path

import click

from doccontrol import service, workspace
from doccontrol.cli.app import JSON_HELP, emit_json, get_workspace, main, say
from doccontrol.errors import UsageError
from doccontrol.core.labels import date_vi
from doccontrol.core.names import printable
from doccontrol.core.text import nfc


def parse_office(value: str) -> tuple[str, str]:
    code, sep, name = value.partition("=")
    code = code.strip()
    name = name.strip().strip('"').strip("'")
    if not code:
        raise UsageError(f"--office '{value}' không hợp lệ.", f"--office expects CODE=\"Tên phòng\", got {value!r}.")
    return code, nfc(name) if sep and name else code


@main.command(workspace=False)
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--office", "offices", multiple=True, metavar='CODE="Tên phòng"', help="An office (repeatable).")
@click.option("--controller", default=workspace.DEFAULT_CONTROLLER, show_default=True,
              help="The document controller office (may revise any office's procedure).")
@click.option("--agency", help="The agency's name (e.g. 'Sở Nội vụ').")
@click.option("--parent", "parent_agency", help="The parent agency (e.g. 'UBND tỉnh Lạng Sơn').")
@click.option("--province", help="The province (for reports).")
@click.option("--field", "fields", multiple=True, metavar='"Lĩnh vực=CODE"',
              help="The office that answers for a field of the TTHC catalog (repeatable).")
def init(path: Path, offices: tuple[str, ...], controller: str, agency: str | None,
         parent_agency: str | None, province: str | None, fields: tuple[str, ...]) -> None:
    """Create a workspace at PATH: doccontrol.toml, inbox/<OFFICE>/, procedures/ (git), index/, quarantine/, logs/."""
    chosen = dict(parse_office(o) for o in offices) or None
    mapped = dict(parse_field(f) for f in fields)
    created = service.init(path, chosen, controller, agency, parent_agency, province, mapped)
    say(f"Đã tạo không gian làm việc tại {created.root}")
    say(f"  Phòng: {', '.join(f'{c} ({n})' for c, n in created.config.offices.items())}")
    if mapped:
        say(f"  Lĩnh vực: {', '.join(f'{f} → {o}' for f, o in mapped.items())}")
    say(f"  Thư mục nhận tệp: {created.inbox}/<MÃ PHÒNG>/")
    say(f"(workspace created; edit {created.config_path} to change agency, offices and limits; "
        "map fields to offices with `doccontrol fields assign`)")


def parse_field(value: str) -> tuple[str, str]:
    """``"Việc làm=LDVL"`` → (``Việc làm``, ``LDVL``)."""
    name, sep, office = value.rpartition("=")
    name, office = nfc(name.strip().strip('"').strip("'")), office.strip()
    if not sep or not name or not office:
        raise UsageError(f"--field '{value}' không hợp lệ (ví dụ: --field \"Việc làm=LDVL\").",
                         f"--field expects \"Field name=OFFICE\", got {value!r}.")
    return name, office


@main.command()
@click.argument("code")
@click.option("--reason", required=True, help="Why the procedure is withdrawn (lý do bãi bỏ).")
@click.option("--effective", metavar="DATE",
              help="The day the withdrawal takes effect: the abolishing decision's date (default: today).")
@click.option("--office", metavar="CODE", help="Who withdraws it (default: the document controller office).")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def withdraw(ctx: click.Context, code: str, reason: str, effective: str | None, office: str | None,
             as_json: bool) -> None:
    """Mark a procedure withdrawn (bãi bỏ). It stays in history and is never listed as current
    from the day the withdrawal takes effect."""
    from doccontrol.cli.reports import parse_day

    state, commit = service.withdraw(get_workspace(ctx), code, reason, office, parse_day(effective, "--effective"))
    since = state.withdrawn_effective.isoformat() if state.withdrawn_effective else None
    if as_json:
        emit_json({**service.list_record(state), "commit": commit, "reason": state.withdrawn_reason,
                   "withdrawn_effective": since})
        return
    say(printable(f"Đã bãi bỏ {state.code} (lần {state.revision}) từ ngày {date_vi(state.withdrawn_effective)}: "
                  f"{state.withdrawn_reason}  [commit {commit[:10]}]"))


@main.command()
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def doctor(ctx: click.Context, as_json: bool) -> None:
    """What is still missing for true figures: a catalog and its scope, an office for every field,
    dates in the documents, procedures flagged by coverage, the watcher. Exit 1 when something is."""
    from doccontrol.service.doctor import LISTED, doctor as diagnose

    found = diagnose(get_workspace(ctx))
    if as_json:
        emit_json(found.as_json())
    else:
        for check in found.checks:
            click.echo(f"[{'OK' if check.ok else 'THIẾU'}] {check.message_vi}")
            click.echo(f"      ({check.message_en})")
            for item in check.items[:LISTED]:
                click.echo(f"      - {item}")
            if len(check.items) > LISTED:
                click.echo(f"      … và {len(check.items) - LISTED} mục khác (and {len(check.items) - LISTED} more)")
            if check.hint_vi:
                click.echo(f"      → {check.hint_vi}")
        missing = sum(1 for c in found.checks if not c.ok)
        say(f"{missing} việc cần làm. ({missing} thing(s) to do)" if missing else "Đã đủ. (nothing missing)")
    ctx.exit(0 if found.healthy else 1)
