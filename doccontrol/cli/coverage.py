"""The TTHC catalog, links and the 100% coverage check: ``catalog``, ``link``, ``unlink``, ``coverage``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from typing import TYPE_CHECKING

from doccontrol.core.names import printable
from doccontrol import service
from doccontrol.core import catalog_terms
from doccontrol.core import deadlines as dl
from doccontrol.core.catalog import STATUS_ABOLISHED, STATUS_ACTIVE, Tthc, tthc_to_json
from doccontrol.core.labels import TTHC_STATUS, percent_vi, vi
from doccontrol.cli.app import EXIT_OK, EXIT_PROBLEM, JSON_HELP, emit_json, get_workspace, main, say
from doccontrol.cli.tables import table
from doccontrol.errors import UsageError

if TYPE_CHECKING:
    from doccontrol.service import tthc

# The report's formats (``reports.coverage_report.FORMATS``, checked by the tests), here so that
# listing the commands does not load the coverage rules.
REPORT_FORMATS = ("text", "json", "csv", "xlsx", "html")



@main.group()
def catalog() -> None:
    """The published TTHC catalog (danh mục thủ tục hành chính)."""


@catalog.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--decision", help='The decision that published it, e.g. "345/QĐ-UBND ngày 12/3/2024".')
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def catalog_import(ctx: click.Context, file: Path, decision: str | None, as_json: bool) -> None:
    """Import a catalog (.xlsx, or .csv in UTF-8 or Windows-1258): one commit, with history.

    Exit 1 when rows were skipped for lack of a valid code (they are listed with their row numbers).
    """
    result = service.tthc.import_catalog(get_workspace(ctx), file, decision)
    changes = result.changes
    if as_json:
        emit_json({
            "decision": result.decision, "commit": result.commit, "rows": result.rows,
            "added": list(changes.added), "amended": list(changes.amended), "renamed": list(changes.renamed),
            "abolished": list(changes.abolished), "reinstated": list(changes.reinstated),
            "updated": list(changes.updated), "terms_changed": list(changes.terms_changed),
            "to_revise": list(result.to_revise), "missing": list(changes.missing), "problems": result.problems,
        })
    else:
        say(f"Đã nhập danh mục từ {printable(file.name)} ({printable(result.decision)}): {result.rows} dòng; "
            f"{len(changes.added)} mới, {len(changes.amended)} sửa đổi, {len(changes.renamed)} đổi tên, "
            f"{len(changes.abolished)} bãi bỏ, {len(changes.unchanged)} không đổi.")
        if changes.terms_changed:
            say(f"  {len(changes.terms_changed)} TTHC đổi thời hạn giải quyết hoặc căn cứ pháp lý: "
                f"{', '.join(changes.terms_changed)}; {len(result.to_revise)} quy trình liên quan cần rà soát"
                f"{': ' + printable(', '.join(result.to_revise)) if result.to_revise else ''}. "
                f"({len(changes.terms_changed)} TTHC changed their deadline or legal basis; "
                f"{len(result.to_revise)} linked procedures to review: tthc_changed)")
        if changes.missing:
            say(f"  {len(changes.missing)} TTHC đang áp dụng không có trong tệp này (giữ nguyên): "
                f"{', '.join(changes.missing[:10])}{' …' if len(changes.missing) > 10 else ''}")
        if result.commit is None:
            say("  Danh mục không thay đổi: không tạo commit. (catalog unchanged, no commit)")
        if service.tthc.catalog_scope(get_workspace(ctx)).scope.empty:
            say('  Chưa giới hạn phạm vi: mọi TTHC trong danh mục đều được tính. Giới hạn bằng '
                'doccontrol catalog scope --agency "TÊN CƠ QUAN". (no scope yet: every TTHC counts)')
        for problem in result.problems:
            say(f"  ! {printable(problem)}")
    ctx.exit(EXIT_PROBLEM if result.problems else EXIT_OK)


def _scope_lines(result: tthc.ScopeResult) -> list[str]:
    vi_text, en_text = result.scope.describe()
    lines = [f"Phạm vi danh mục: {vi_text}", f"(catalog scope: {en_text})"]
    if result.has_catalog:
        lines.append(f"{result.in_scope}/{result.active} TTHC đang áp dụng trong phạm vi. "
                     f"({result.in_scope} of {result.active} TTHC in force are in scope)")
    else:
        lines.append("Chưa nhập danh mục TTHC. (no catalog imported yet)")
    return lines


def _scope_json(result: tthc.ScopeResult) -> dict[str, object]:
    scope = result.scope
    return {"agencies": list(scope.agencies), "levels": list(scope.levels), "fields": list(scope.fields),
            "codes": list(scope.codes), "description": scope.describe()[0], "description_en": scope.describe()[1],
            "in_scope": result.in_scope, "active": result.active, "commit": result.commit}


@catalog.command("scope")
@click.option("--agency", "agencies", multiple=True, metavar="TEXT",
              help='Implementing agency ("Cơ quan thực hiện") contains TEXT (repeatable: any of them).')
@click.option("--level", "levels", multiple=True, metavar="TEXT", help="Level (cấp thực hiện) contains TEXT.")
@click.option("--field", "fields", multiple=True, metavar="TEXT", help="Field (lĩnh vực) is TEXT.")
@click.option("--code", "codes", multiple=True, metavar="CODE", help="An explicit TTHC code (repeatable).")
@click.option("--clear", is_flag=True, help="Remove the scope: the whole catalog counts.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def catalog_scope(ctx: click.Context, agencies: tuple[str, ...], levels: tuple[str, ...], fields: tuple[str, ...],
                  codes: tuple[str, ...], clear: bool, as_json: bool) -> None:
    """Which TTHC of the catalog are this department's own; without an option, print it.

    A new call replaces the scope. Values of one option are alternatives, options combine with
    "and"; text ignores case, diacritics and punctuation. Kept in the repository with its history;
    coverage, reports and the web count only the TTHC in scope. Exit 1 when the scope holds no
    TTHC of the imported catalog.
    """
    workspace = get_workspace(ctx)
    given = agencies or levels or fields or codes
    if clear and given:
        raise UsageError("--clear không dùng cùng các điều kiện khác.", "--clear takes no other option.")
    if clear or given:
        result = service.tthc.set_catalog_scope(workspace, agencies, levels, fields, codes)
        if result.commit is None:
            say("Phạm vi không thay đổi. (scope unchanged, no commit)")
    else:
        result = service.tthc.catalog_scope(workspace)
    if as_json:
        emit_json(_scope_json(result))
    else:
        for line in _scope_lines(result):
            say(line)
    ctx.exit(EXIT_PROBLEM if result.has_catalog and result.in_scope == 0 else EXIT_OK)


@catalog.command("undo")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def catalog_undo(ctx: click.Context, as_json: bool) -> None:
    """Revert the last catalog import: a new commit puts the catalog back as it was before it
    (nothing is erased from the history). Again: the import before it."""
    result = service.tthc.undo_catalog_import(get_workspace(ctx))
    if as_json:
        emit_json({"reverted": result.reverted, "decision": result.decision, "commit": result.commit,
                   "total": result.total})
        return
    say(f"Đã hoàn tác lần nhập danh mục {result.decision or result.reverted[:10]} (commit {result.reverted[:10]}); "
        f"danh mục còn {result.total} TTHC. [commit {(result.commit or '—')[:10]}]")
    say(f"(reverted the import {result.reverted[:10]}; the catalog holds {result.total} TTHC)")


@catalog.command("list")
@click.option("--field", help="Only this field (lĩnh vực), with or without diacritics.")
@click.option("--status", type=click.Choice([STATUS_ACTIVE, STATUS_ABOLISHED]),
              help="Only TTHC in force (active) or abolished (default: both).")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def catalog_list(ctx: click.Context, field: str | None, status: str | None, as_json: bool) -> None:
    """List the catalog's TTHC."""
    entries = service.tthc.catalog_entries(get_workspace(ctx), field, status)
    if as_json:
        emit_json([catalog_record(t) for t in entries])
        return
    unreadable = 0
    for t in entries:
        click.echo(printable(f"{t.code}  {vi(TTHC_STATUS, t.status):12}  {t.field[:30]:30}  {t.name}"))
        for line in catalog_terms.terms_lines(catalog_terms.terms_of(t)):
            click.echo(printable(f"{'':10}{line}"))
        unreadable += bool(t.deadline) and dl.parse_deadline(t.deadline).kind == dl.UNREADABLE
    say(f"{len(entries)} TTHC.")
    if unreadable:
        say(f"{unreadable} TTHC có thời hạn giải quyết không đọc được (giữ nguyên văn bản). "
            f"({unreadable} deadlines cannot be read: kept as written)")


def catalog_record(t: Tthc) -> dict[str, object]:
    """A TTHC as ``catalog list --json`` prints it: as the catalog keeps it, every term named, the
    deadline read (``core.deadlines``)."""
    record = tthc_to_json(t)
    record.update({term: getattr(t, term) or None for term in catalog_terms.TERMS})
    record["deadline_reading"] = dl.parse_deadline(t.deadline).as_json() if t.deadline else None
    return record


@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def fields(ctx: click.Context, as_json: bool) -> None:
    """Every field (lĩnh vực) of the catalog's TTHC in scope: how many TTHC, which office answers
    for it, or which one to choose (the office whose procedures already cover most of them).

    Exit 1 while a field has no office.
    """
    if ctx.invoked_subcommand is not None:
        return
    workspace = get_workspace(ctx)
    rows = service.tthc.fields(workspace)
    if as_json:
        emit_json([{"field": r.field, "tthc": r.tthc, "office": r.office or None, "source": r.source or None,
                    "suggested": r.suggested or None, "covered_by": dict(r.covered_by)} for r in rows])
    else:
        table_rows = [[r.field, str(r.tthc), r.office or "—", r.source or "",
                       "" if r.office or not r.suggested else f"{r.suggested} ({r.covered_by[r.suggested]} TTHC)"]
                      for r in rows]
        click.echo(table(table_rows, ["Lĩnh vực (field)", "TTHC", "Phòng (office)", "Nguồn (from)",
                                      "Gợi ý (suggested)"]))
        missing = sum(1 for r in rows if not r.office)
        say(f"{len(rows)} lĩnh vực, {missing} chưa giao phòng. Giao: doccontrol fields assign \"LĨNH VỰC\" MÃ_PHÒNG\n"
            f"({len(rows)} fields, {missing} without an office)")
    ctx.exit(EXIT_PROBLEM if any(not r.office for r in rows) else EXIT_OK)


@fields.command("assign")
@click.argument("field")
@click.argument("office")
@click.option("--by", "by", help="Who records it (default: the document controller office).")
@click.pass_context
def fields_assign(ctx: click.Context, field: str, office: str, by: str | None) -> None:
    """Give FIELD (lĩnh vực, any spelling) to OFFICE; "-" takes it back. A commit, with history."""
    spelled, commit, known = service.tthc.assign_field(get_workspace(ctx), field, None if office == "-" else office, by)
    if commit is None:
        say("Không có gì thay đổi. (nothing changed)")
    elif office == "-":
        say(f"Lĩnh vực «{spelled}» không còn giao phòng nào. [commit {commit[:10]}]")
    else:
        say(f"Đã giao lĩnh vực «{spelled}» cho phòng {office}. [commit {commit[:10]}] (field assigned)")
    if not known:
        say(f"  ! Danh mục TTHC hiện chưa có lĩnh vực «{spelled}» (the catalog has no such field yet).")


def _link(ctx: click.Context, procedure: str, codes: tuple[str, ...], internal: bool, office: str | None, add: bool,
          force: bool = False) -> None:
    if not codes and not internal:
        raise UsageError("Cần ít nhất một mã TTHC, hoặc --internal.", "Give at least one TTHC code, or --internal.")
    result = service.tthc.change_links(get_workspace(ctx), procedure, codes, add=add, internal=internal,
                                       office=office, force=force)
    if result.not_in_catalog:
        say(f"  ! Mã TTHC không có trong danh mục, vẫn liên kết theo --force: {', '.join(result.not_in_catalog)} "
            "(not in the catalog, linked anyway)")
    if result.commit is None:
        say("Không có gì thay đổi. (nothing changed)")
    else:
        say(f"Đã {'liên kết' if add else 'bỏ liên kết'} {procedure}: {', '.join(codes) or 'nội bộ'} "
            f"[commit {result.commit[:10]}]")


@main.command()
@click.argument("procedure")
@click.argument("codes", nargs=-1)
@click.option("--internal", is_flag=True, help="Declare an internal procedure that rightly has no TTHC.")
@click.option("--office", metavar="CODE", help="Who makes the link (default: the document controller office).")
@click.option("--force", is_flag=True, help="Link a TTHC code even though the imported catalog does not hold it.")
@click.pass_context
def link(ctx: click.Context, procedure: str, codes: tuple[str, ...], internal: bool, office: str | None,
         force: bool) -> None:
    """Link a procedure to TTHC codes (or declare it internal).

    A code the imported TTHC catalog does not hold is refused (exit 2) unless --force is given.
    """
    _link(ctx, procedure, codes, internal, office, add=True, force=force)


@main.command()
@click.argument("procedure")
@click.argument("codes", nargs=-1)
@click.option("--internal", is_flag=True, help="Remove the internal mark.")
@click.option("--office", metavar="CODE", help="Who removes the link (default: the document controller office).")
@click.pass_context
def unlink(ctx: click.Context, procedure: str, codes: tuple[str, ...], internal: bool, office: str | None) -> None:
    """Remove manual links (or the internal mark) of a procedure."""
    _link(ctx, procedure, codes, internal, office, add=False)


@main.command("coverage")
@click.option("--office", metavar="CODE", help="Only the TTHC of this office's fields and this office's procedures.")
@click.option("--field", help="Only this field (lĩnh vực).")
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True,
              help="The report's layout; csv and xlsx are for spreadsheets (binary xlsx needs -o).")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to a file.")
@click.option("--fail-under", type=click.FloatRange(0, 100), default=100.0, show_default=True,
              help="Exit 1 when the percent covered is below this (or anything is flagged).")
@click.pass_context
def coverage_cmd(ctx: click.Context, office: str | None, field: str | None, fmt: str, as_json: bool,
                 output: Path | None, fail_under: float) -> None:
    """The 100% TTHC check: TTHC without a procedure, procedures without a published TTHC.

    Exit 0 only when the percent is at least --fail-under and nothing is flagged; 1 otherwise;
    2 for usage errors or a workspace without a catalog.
    """
    from doccontrol.core import coverage as cov
    from doccontrol.reports import coverage_report

    fmt = "json" if as_json else fmt
    result = service.coverage(get_workspace(ctx), office, field)
    rendered = coverage_report.render(result.report, fmt, result.context)
    data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
    if output is not None:
        output.write_bytes(data)
        say(f"Đã ghi báo cáo ({fmt}) vào {output}")
    elif isinstance(rendered, bytes) and sys.stdout.isatty():
        raise UsageError(f"Định dạng {fmt} cần -o TỆP.", f"The {fmt} format is binary: write it with -o FILE.")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    report = result.report
    ok = cov.coverage_ok(report, fail_under)
    if not as_json and fmt == "text" or output is not None:
        percent, threshold = percent_vi(report.percent), percent_vi(fail_under)
        say(f"Tỷ lệ TTHC có quy trình: {percent} ({report.covered}/{report.total}); "
            f"{report.flagged_count} quy trình cần xem xét. {'ĐẠT' if ok else 'CHƯA ĐẠT'} (ngưỡng {threshold}).\n"
            f"(coverage {percent} ({report.covered}/{report.total}); {report.flagged_count} procedures to review; "
            f"{'passed' if ok else 'failed'}, threshold {threshold})")
    ctx.exit(EXIT_OK if ok else EXIT_PROBLEM)
