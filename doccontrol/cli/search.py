"""``doccontrol search``, ``reindex`` and ``verify``."""

from __future__ import annotations

import sys

import click

from doccontrol import service
from doccontrol.cli.app import EXIT_OK, EXIT_PROBLEM, JSON_HELP, emit_json, get_workspace, main, say
from doccontrol.core.labels import status_vi
from doccontrol.cli.tables import render_snippet
from doccontrol.search import Hit, SearchRequest





def hit_record(hit: Hit) -> dict[str, object]:
    return {
        "code": hit.code,
        "title": hit.title,
        "office": hit.office,
        "revision": hit.revision,
        "status": hit.status,
        "score": round(hit.score, 4),
        "snippet": hit.snippet,
    }


@main.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--office", metavar="CODE", help="Only this office's procedures.")
@click.option("--all-revisions", is_flag=True, help="Also superseded revisions.")
@click.option("--include-withdrawn", is_flag=True, help="Also withdrawn procedures.")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="At most this many results.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def search(ctx: click.Context, query: tuple[str, ...], office: str | None, all_revisions: bool,
           include_withdrawn: bool, limit: int, as_json: bool) -> None:
    """Full-text search, with or without diacritics (có dấu hoặc không dấu).

    Quote a phrase for an exact match ("trợ cấp thất nghiệp"); filter with code:, tthc:, office:.
    Codes work as they are written: QT-01/LĐTBXH, qt-01/ldtbxh, 1.001234.
    """
    request = SearchRequest(
        query=" ".join(query), office=office, all_revisions=all_revisions,
        include_withdrawn=include_withdrawn, limit=limit,
    )
    found = service.search(get_workspace(ctx), request)
    for notice in found.notices:
        say(notice)
    if as_json:
        emit_json([hit_record(h) for h in found.hits])
        return
    if not found.hits:
        say("Không tìm thấy quy trình nào. (no results)")
        return
    color = sys.stdout.isatty()
    offices = get_workspace(ctx).config.offices
    for number, hit in enumerate(found.hits, 1):
        status = status_vi(hit.status)
        head = f"{number}. {hit.code} — {hit.title}"
        click.echo(click.style(head, bold=True) if color else head)
        name = offices.get(hit.office, "")
        office = f"{name} ({hit.office})" if name and name != hit.office else f"Phòng {hit.office}"
        click.echo(f"   {office} · lần ban hành {hit.revision} · {status}")
        if hit.snippet:
            click.echo(f"   {render_snippet(hit.snippet, color)}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def reindex(ctx: click.Context, as_json: bool) -> None:
    """Rebuild the search index from the controlled repository (swapped in atomically)."""
    count = service.reindex(get_workspace(ctx))
    if as_json:
        emit_json({"documents": count})
    else:
        say(f"Đã tạo lại chỉ mục tìm kiếm: {count} tài liệu (index rebuilt: {count} documents)")


@main.command()
@click.option("--repair", is_flag=True, help="Rebuild the index when it differs from the repository.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def verify(ctx: click.Context, repair: bool, as_json: bool) -> None:
    """Check the index against the repository and every revision's bytes against its sha256.

    Exit 0 when everything agrees, 1 when a difference remains.
    """
    report = service.verify(get_workspace(ctx), repair=repair)
    if as_json:
        emit_json(report.as_json())
    else:
        index = report.index
        click.echo(f"Kho tài liệu: {report.integrity.revisions_checked} lần ban hành đã kiểm tra sha256; "
                   f"{len(report.integrity.mismatches)} sai lệch.")
        for line in report.integrity.mismatches:
            click.echo(f"  ! {line}")
        if report.integrity.unreadable:
            click.echo(f"Lịch sử: {len(report.integrity.unreadable)} commit không đọc được "
                       f"(of {report.integrity.commits_checked} commits, unreadable ones are not counted).")
        for line in report.integrity.unreadable:
            click.echo(f"  ! {line}")
        _derived_lines(report)
        _kept_coverage_lines(report)
        if index.healthy:
            click.echo("Chỉ mục tìm kiếm: khớp với kho tài liệu. (index agrees with the repository)")
        else:
            click.echo("Chỉ mục tìm kiếm: KHÔNG khớp với kho tài liệu. (index differs from the repository)")
            for problem in index.problems:
                click.echo(f"  ! {problem}")
            for label, ids in (("thiếu/missing", index.missing), ("cũ/stale", index.stale), ("thừa/extra", index.extra)):
                if ids:
                    click.echo(f"  {label}: {len(ids)}: {', '.join(ids[:10])}{' …' if len(ids) > 10 else ''}")
            if not repair:
                click.echo("  Chạy 'doccontrol verify --repair' để tạo lại chỉ mục. (run verify --repair)")
        if index.repaired:
            click.echo(f"Đã sửa chỉ mục (repaired): {index.repaired}")
    ctx.exit(EXIT_OK if report.healthy else EXIT_PROBLEM)


_DERIVED_KEPT = {
    "agrees": "khớp với kho (agrees with the repository)",
    "differs": "KHÔNG khớp với kho (differs from the repository)",
    "unreadable": "KHÔNG đọc được (unreadable)",
    "missing": "chưa có, đã tạo từ kho (missing: rebuilt from the repository)",
    "other_commit": "của một commit khác, đã tạo lại (of another commit: rebuilt)",
    "other_format": "của phiên bản khác, đã tạo lại (of another format: rebuilt)",
}


def _derived_lines(report: service.VerifyReport) -> None:
    """What verify found of the derived state kept in the repository's git directory."""
    found = report.derived
    if found is None:
        return
    click.echo(f"Dữ liệu dẫn xuất (derived state, .git/doccontrol): {_DERIVED_KEPT.get(found.kept, found.kept)}")
    for line in found.differences[:20]:
        click.echo(f"  ! khác (differs): {line}")
    if len(found.differences) > 20:
        click.echo(f"  … {len(found.differences) - 20} khác nữa (more)")
    if not found.clean and found.rewritten:
        click.echo("  Đã tạo lại từ kho (rebuilt from the repository).")


def _kept_coverage_lines(report: service.VerifyReport) -> None:
    """What verify found of the coverage reports kept for HEAD (nothing when none was kept)."""
    found = report.coverage
    if found is None or not found.checked:
        return
    if found.clean:
        click.echo(f"Báo cáo bao phủ TTHC đã lưu: {found.checked} báo cáo khớp với kho. "
                   f"(kept coverage reports agree with the repository)")
        return
    click.echo(f"Báo cáo bao phủ TTHC đã lưu: {len(found.differing)}/{found.checked} KHÔNG khớp với kho, đã xoá. "
               f"(kept coverage reports differ from the repository: removed)")
    for line in found.differing:
        click.echo(f"  ! khác (differs): {line}")
