"""``doccontrol province …``: the province view over every department's controlled repository.

The province folder is found as a workspace is (``--home``, ``$DOCCONTROL_HOME``, walking up to a
``province.toml``). Everything here only reads the departments' repositories (their mirrors).
Imports are kept light at the top: ``province search`` is timed as a whole process.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from doccontrol.cli.app import EXIT_OK, EXIT_PROBLEM, emit_json, found_once, main, say
from doccontrol.errors import UsageError
from doccontrol.province.home import Province, open_province


def get_province(ctx: click.Context) -> Province:
    """The province folder for this command (found once, as a workspace is)."""
    return found_once(ctx, "province", open_province)  # type: ignore[no-any-return]


def _write(data: str | bytes, output: Path | None, fmt: str, binary: bool) -> None:
    from doccontrol.cli.reports import _write as write_output  # what ``report`` and ``list`` do

    write_output(data, output, fmt, binary)


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        say(warning)


@main.group()
def province() -> None:
    """The province view: every department's repository (read-only mirrors), one coverage, one search."""


@province.command("init")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help='The province, e.g. "UBND tỉnh Lạng Sơn".')
def province_init(path: Path, name: str | None) -> None:
    """Create a province folder at PATH (province.toml, mirrors/, state/, cache/)."""
    from doccontrol.province.home import init

    created = init(path, name)
    say(f"Đã tạo thư mục tỉnh {created.root} ({created.config.name}). Thêm sở: doccontrol province add MÃ URL "
        f'--name "Tên sở" (province folder created)')


@province.command("add")
@click.argument("code")
@click.argument("url")
@click.option("--name", help='The department\'s Vietnamese name, e.g. "Sở Tư pháp".')
@click.pass_context
def province_add(ctx: click.Context, code: str, url: str, name: str | None) -> None:
    """Add department CODE whose repository is at URL (any URL git accepts: https://, ssh://,
    git://, a path); again with the same CODE: change its URL or name."""
    from doccontrol.province.home import add_department
    from doccontrol.repo.mirror import redact

    updated, new = add_department(get_province(ctx), code, url, name)
    dept = updated.department(code)
    say(f"{'Đã thêm' if new else 'Đã sửa'} sở {dept.code} — {dept.name}: {redact(dept.url)} "
        f"({'added' if new else 'updated'}; fetch it with: doccontrol province sync)")


@province.command("departments")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def province_departments(ctx: click.Context, as_json: bool) -> None:
    """The departments, their URL and what their last sync said."""
    from doccontrol.province.home import read_state
    from doccontrol.repo.mirror import redact
    from doccontrol.reports.province import STATUS_VI

    prov = get_province(ctx)
    state = read_state(prov)
    rows = [{"code": d.code, "name": d.name, "url": redact(d.url), **{k: state.get(d.code, {}).get(k) for k in
             ("status", "tip", "last_success", "last_attempt", "message")}} for d in prov.config.departments.values()]
    if as_json:
        emit_json(rows)
        return
    from doccontrol.cli.tables import table

    click.echo(table([[r["code"], r["name"], r["url"], STATUS_VI.get(str(r["status"] or "never"), str(r["status"])),
                       str(r["tip"] or "—")[:10], str(r["last_success"] or "—")] for r in rows],
                     ["Mã (code)", "Sở (department)", "Địa chỉ git (URL)", "Đồng bộ (sync)", "Commit", "Lần cuối (last)"]))


def _sync_line(done: int, total: int, outcome: Any) -> str:
    from doccontrol.core.province import SYNC_VI, SyncKind

    what = SYNC_VI[outcome.kind]
    if outcome.accepted:
        what = "đã chấp nhận lịch sử viết lại"
    if outcome.kind in (SyncKind.NEW, SyncKind.UPDATED) or outcome.accepted:
        what += f", {outcome.commits} commit"
    line = f"[{done}/{total}] {outcome.code}: {what} ({outcome.kind.value}, {outcome.seconds:.1f} s)"
    if outcome.kind is SyncKind.REWRITTEN:
        line = (f"[{done}/{total}] !!! {outcome.code}: LỊCH SỬ TRÊN MÁY CHỦ ĐÃ BỊ VIẾT LẠI (forced push) — giữ bản đã "
                f"đồng bộ {str(outcome.tip)[:10]}, máy chủ có {str(outcome.incoming)[:10]}"
                + (f"; tag đổi: {', '.join(outcome.moved_tags[:5])}" if outcome.moved_tags else "")
                + f". Kiểm tra với sở; nhận bản mới: doccontrol province sync --accept-rewritten {outcome.code}\n"
                f"    (history rewritten on the server: the mirror keeps what it had, nothing replaced)")
    elif outcome.message:
        line += f"\n    {outcome.message}"
    return line


@province.command("sync")
@click.argument("codes", nargs=-1)
@click.option("--jobs", type=click.IntRange(1, 64), help="Departments fetched at once (default: [sync] jobs).")
@click.option("--accept-rewritten", "accept", multiple=True, metavar="CODE",
              help="Take CODE's rewritten history (the old tip is kept under refs/province/replaced/).")
@click.option("--timeout", type=click.IntRange(1, 86400), metavar="SECONDS",
              help="One department's fetch, at most (default: [sync] timeout_seconds; a first sync of a large "
                   "department may need more).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def province_sync(ctx: click.Context, codes: tuple[str, ...], jobs: int | None, accept: tuple[str, ...],
                  timeout: int | None, as_json: bool) -> None:
    """Fetch every department (or CODES) into its read-only mirror, several at once.

    Exit 0 when every department was fetched; 1 when one was unreachable, refused, or its history
    was rewritten (flagged, its mirror kept); 2 for usage errors.
    """
    from doccontrol.province.sync import sync

    prov = get_province(ctx)
    if not prov.config.departments:
        raise UsageError("Chưa có sở nào: doccontrol province add MÃ URL --name \"Tên sở\".",
                         "No department yet: add one with 'doccontrol province add CODE URL --name NAME'.")
    report = sync(prov, codes, jobs, accept, progress=lambda d, t, o: say(_sync_line(d, t, o)), timeout=timeout)
    if report.index:
        say(f"Chỉ mục tìm kiếm: {report.index} (search index)")
    problems = report.problems
    say(f"Đồng bộ {len(report.outcomes)} sở trong {report.seconds:.1f} s: {len(problems)} có vấn đề. "
        f"({len(report.outcomes)} departments synced, {len(problems)} with a problem)")
    if as_json:
        emit_json({"departments": [o.as_json() for o in report.outcomes], "index": report.index,
                   "seconds": report.seconds})
    ctx.exit(EXIT_PROBLEM if problems else EXIT_OK)


@province.command("coverage")
@click.option("--department", help="Only this department.")
@click.option("--office", help="Only this office of each department (with --department: of that one).")
@click.option("--field", help="Only this field (lĩnh vực).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "xlsx", "html"]), default="text",
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--fail-under", type=click.FloatRange(0, 100), default=100.0, show_default=True)
@click.pass_context
def province_coverage(ctx: click.Context, department: str | None, office: str | None, field: str | None, fmt: str,
                      as_json: bool, output: Path | None, fail_under: float) -> None:
    """Each department against its own catalog and scope, and the province's totals.

    Exit 0 only when every department has figures, the province's percent is at least
    --fail-under and nothing is flagged; 1 otherwise; 2 for usage errors.
    """
    from doccontrol.core.labels import percent_vi
    from doccontrol.province import figures
    from doccontrol.reports import province as writers

    fmt = "json" if as_json else fmt
    pc = figures.coverage(get_province(ctx), department, office, field)
    _write(writers.render_coverage(pc, fmt), output, fmt, fmt == "xlsx")
    _warn(pc.warnings)
    ok = writers.coverage_ok(pc, fail_under)
    if fmt == "text" or output is not None:
        say(f"Toàn tỉnh: {percent_vi(pc.percent)} ({pc.covered}/{pc.total}); {pc.flagged_count} quy trình cần xem xét; "
            f"{'ĐẠT' if ok else 'CHƯA ĐẠT'} (ngưỡng {percent_vi(fail_under)}).\n"
            f"(province coverage {percent_vi(pc.percent)}; {'passed' if ok else 'failed'})")
    ctx.exit(EXIT_OK if ok else EXIT_PROBLEM)


@province.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--department", help="Only this department's procedures.")
@click.option("--office", help="Only this office's procedures.")
@click.option("--all-revisions", is_flag=True, help="Also superseded revisions.")
@click.option("--include-withdrawn", is_flag=True, help="Also withdrawn procedures.")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def province_search(ctx: click.Context, query: tuple[str, ...], department: str | None, office: str | None,
                    all_revisions: bool, include_withdrawn: bool, limit: int, as_json: bool) -> None:
    """Full-text search over every department, with or without diacritics."""
    from doccontrol.cli.tables import render_snippet
    from doccontrol.province import search as province_search_
    from doccontrol.search import SearchRequest

    request = SearchRequest(query=" ".join(query), office=office, all_revisions=all_revisions,
                            include_withdrawn=include_withdrawn, limit=limit, department=department)
    found = province_search_.search(get_province(ctx), request)
    for notice in found.notices:
        say(notice)
    if as_json:
        emit_json([{"department": h.department, "code": h.code, "title": h.title, "office": h.office,
                    "revision": h.revision, "status": h.status, "score": round(h.score, 4), "snippet": h.snippet}
                   for h in found.hits])
        return
    if not found.hits:
        say("Không tìm thấy quy trình nào. (no results)")
        return
    color = sys.stdout.isatty()
    for number, hit in enumerate(found.hits, 1):
        head = f"{number}. [{hit.department}] {hit.code} — {hit.title}"
        click.echo(click.style(head, bold=True) if color else head)
        click.echo(f"   Sở {hit.department} · phòng {hit.office} · lần ban hành {hit.revision} · {hit.status}")
        if hit.snippet:
            click.echo(f"   {render_snippet(hit.snippet, color)}")


@province.command("list")
@click.option("--department", help="Only this department.")
@click.option("--office", help="Only this office.")
@click.option("--status", type=click.Choice(["current", "withdrawn", "all"]), default="current", show_default=True)
@click.option("--as-of", "as_of", metavar="DATE", help="The procedures in force on DATE (effective dates).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def province_list(ctx: click.Context, department: str | None, office: str | None, status: str, as_of: str | None,
                  fmt: str, as_json: bool, output: Path | None) -> None:
    """The province's master list: every department's, as its own ``list`` gives it."""
    from doccontrol.cli.reports import parse_day
    from doccontrol.core.dates import end_of_day
    from doccontrol.province import figures
    from doccontrol.reports import province as writers

    prov = get_province(ctx)
    day = parse_day(as_of)
    lists = figures.master_lists(prov, department, office, status, end_of_day(day) if day else None)
    fmt = "json" if as_json else fmt
    rows = [(d.part, d.master, d.problem) for d in lists]
    _write(writers.render_list(rows, prov.config.name, fmt), output, fmt, False)
    _warn([d.part.warning for d in lists if d.part.warning])
    say(f"{sum(d.master.total for d in lists if d.master)} quy trình của {len(lists)} sở. (procedures)")


@province.command("report")
@click.option("--year", type=click.IntRange(1900, 2199), required=True)
@click.option("--department", help="Only this department.")
@click.option("--as-of", "as_of", metavar="DATE", help="Figures as of DATE (default: 31/12 of the year).")
@click.option("--date", "signed", metavar="DATE", help="The date written on the report (default: today).")
@click.option("--format", "fmt", type=click.Choice(["docx", "md", "json"]), help="Default: from -o, else docx.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def province_report(ctx: click.Context, year: int, department: str | None, as_of: str | None, signed: str | None,
                    fmt: str | None, output: Path | None) -> None:
    """The consolidated yearly figures per department (Nghị định 30/2020/NĐ-CP layout)."""
    from doccontrol.cli.reports import parse_day
    from doccontrol.core import dates
    from doccontrol.province import figures
    from doccontrol.reports import province as writers

    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output is not None else ""
        fmt = {"md": "md", "json": "json"}.get(suffix, "docx")
    if fmt == "docx" and output is None:
        output = Path(f"bao-cao-iso-toan-tinh-{year}.docx")
    prov = get_province(ctx)
    found = figures.yearly_reports(prov, year, department, parse_day(as_of), parse_day(signed, "--date"))
    rows = [(d.part, d.report, d.problem) for d in found]
    _write(writers.render_report(rows, prov.config.name, year, fmt, parse_day(signed, "--date") or dates.today()),
           output, fmt, fmt == "docx")
    _warn([d.part.warning for d in found if d.part.warning])
    total = sum(d.report.in_force_total for d in found if d.report)
    say(f"Báo cáo năm {year}: {total} quy trình đang áp dụng ở {len(found)} sở. (consolidated report)")


@province.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8090, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True)
@click.pass_context
def province_serve(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve the province's read-only web view (a department menu; search, coverage, lists)."""
    from doccontrol.cli.serve import run_server
    from doccontrol.web.province import create_province_app

    prov = get_province(ctx)
    run_server(create_province_app(prov), host, port, threads)
