"""``doccontrol ingest``: run waiting or given files through the pipeline."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from doccontrol import service
from doccontrol.cli.app import EXIT_OK, EXIT_PROBLEM, emit_json, get_workspace, main, say
from doccontrol.core.labels import ingest_status_vi
from doccontrol.core.model import IngestStatus, Outcome
from doccontrol.core.names import printable
from doccontrol.errors import UsageError
from doccontrol.ingest.inbox import InboxItem
from doccontrol.workspace import Workspace


def describe(outcome: Outcome) -> str:
    """``[NCC] qt-05.docx: đã tiếp nhận — QT-05/NCC lần 2``; a refused or duplicate file with its reason."""
    head = f"[{outcome.office}] {printable(Path(outcome.file).name)}: {ingest_status_vi(outcome.status)}"
    if outcome.status == IngestStatus.INGESTED:
        return f"{head} — {printable(outcome.code or '')} lần {outcome.revision}"
    return f"{head} — {printable(outcome.reason or '')}"


def summary(outcomes: list[Outcome]) -> str:
    counts = Counter(o.status for o in outcomes)
    ingested, duplicate, quarantined = (counts[s] for s in IngestStatus)
    return (
        f"Tổng cộng {len(outcomes)} tệp: {ingested} đã tiếp nhận, {duplicate} trùng, {quarantined} cách ly.\n"
        f"(total {len(outcomes)}: {ingested} ingested, {duplicate} duplicate, {quarantined} quarantined)"
    )


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--inbox", "from_inbox", is_flag=True, help="Process everything waiting in inbox/<OFFICE>/.")
@click.option("--office", help="The office the given FILES come from (for files outside the inbox).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON record per file on stdout.")
@click.pass_context
def ingest(ctx: click.Context, files: tuple[Path, ...], from_inbox: bool, office: str | None, as_json: bool) -> None:
    """Check files into the controlled repository, or quarantine them with a reason.

    Exit 0 when nothing was refused, 1 when a file went to quarantine.
    """
    if not files and not from_inbox:
        raise UsageError(
            "Cần chỉ ra tệp cần tiếp nhận, hoặc dùng --inbox.", "Give FILES to ingest, or use --inbox."
        )
    workspace = get_workspace(ctx)
    items = [(item, False) for item in service.inbox_items(workspace)] if from_inbox else []
    items += service.items_for_files(workspace, files, office)
    run_items(ctx, workspace, items, as_json)


def page_progress(name: str, done: int, total: int) -> None:
    """A line on stderr per page of a long file (a scan being read by OCR)."""
    if done:
        say(f"  {name}: đã đọc trang {done}/{total} (OCR page {done} of {total})")


def run_items(ctx: click.Context, workspace: Workspace, items: list[tuple[InboxItem, bool]], as_json: bool) -> None:
    """Ingest ``items`` with progress on stderr, print what happened, exit 0 or 1 (any quarantined)."""
    if not items:
        say("Không có tệp nào đang chờ. (nothing waiting in the inbox)")
        if as_json:
            emit_json([])
        ctx.exit(EXIT_OK)
    lines: list[str] = []
    if len(items) > 1 and not as_json:
        with click.progressbar(length=len(items), label="Đang tiếp nhận", file=sys.stderr) as bar:

            def advance(outcome: Outcome | None) -> None:
                bar.update(1)
                if outcome is not None:
                    lines.append(describe(outcome))

            outcomes = service.ingest(workspace, items, progress=advance, on_page=page_progress)
    else:
        outcomes = service.ingest(workspace, items, on_page=page_progress)
        lines = [describe(o) for o in outcomes]
    if as_json:
        emit_json([o.as_json() for o in outcomes])
    else:
        for line in lines:
            click.echo(line)
        say(summary(outcomes))
    ctx.exit(EXIT_PROBLEM if any(o.status == IngestStatus.QUARANTINED for o in outcomes) else EXIT_OK)


@main.command()
@click.argument("names", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Retry every quarantined file.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON record per file on stdout.")
@click.pass_context
def retry(ctx: click.Context, names: tuple[str, ...], everything: bool, as_json: bool) -> None:
    """Run quarantined files through the ingest again, after the cause was fixed.

    NAMES as `doccontrol quarantine` lists them (OFFICE/NAME, or NAME in any office). An accepted
    file leaves the quarantine with its reason; a refused one stays, beside its new reason.
    Exit 0 when all were accepted, 1 when one was refused again.
    """
    workspace = get_workspace(ctx)
    run_items(ctx, workspace, service.retry_items(workspace, names, everything), as_json)
