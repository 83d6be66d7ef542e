"""``doccontrol ingest``: run waiting or given files (or whole folder trees) through the pipeline,
or say what that would do (``--dry-run``)."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from doccontrol import service
from doccontrol.cli.app import EXIT_OK, EXIT_PROBLEM, emit_json, get_workspace, main, say
from doccontrol.core.model import IngestStatus, Outcome
from doccontrol.core.outcomes import describe
from doccontrol.errors import UsageError

if TYPE_CHECKING:
    from doccontrol.ingest.inbox import InboxItem
    from doccontrol.workspace import Workspace

def summary(outcomes: list[Outcome], skipped: int = 0, planned: bool = False) -> str:
    """Counts by status, the ingested ones by kind, the refused ones by cause; Vietnamese, then English."""
    counts = Counter(o.status for o in outcomes)
    ingested, duplicate, quarantined = (counts[s] for s in (IngestStatus.INGESTED, IngestStatus.DUPLICATE,
                                                            IngestStatus.QUARANTINED))
    kinds = Counter(o.action for o in outcomes if o.status == IngestStatus.INGESTED)
    causes = Counter(o.cause for o in outcomes if o.status == IngestStatus.QUARANTINED)
    verb_vi, verb_en = ("sẽ ", "would be ") if planned else ("", "")
    lines = [
        f"{'Chạy thử (không ghi gì): ' if planned else ''}Tổng cộng {len(outcomes)} tệp: {ingested} {verb_vi}tiếp nhận "
        f"({kinds['new']} quy trình mới, {kinds['revision']} lần ban hành mới, {kinds['historical']} lần ban hành "
        f"trước ghi bổ sung), {duplicate} trùng, {quarantined} {verb_vi}cách ly"
        + (f"; {skipped} tệp không phải văn bản, bỏ qua." if skipped else "."),
    ]
    if causes:
        lines.append("Lý do cách ly: " + ", ".join(f"{cause} {n}" for cause, n in causes.most_common()))
    unfinished = counts[IngestStatus.RETRY_LATER]
    if unfinished:
        lines.append(f"{unfinished} tệp chưa lưu được vào kho, vẫn ở chỗ cũ: chạy lại lệnh để tiếp nhận. "
                     f"({unfinished} files not committed, left where they were: run the command again.)")
    lines.append(
        f"({'dry run, nothing written: ' if planned else ''}total {len(outcomes)}: {ingested} {verb_en}ingested "
        f"({kinds['new']} new, {kinds['revision']} revisions, {kinds['historical']} earlier revisions), "
        f"{duplicate} duplicate, {quarantined} {verb_en}quarantined" + (f"; {skipped} other files skipped)" if skipped else ")")
    )
    return "\n".join(lines)


def _items(ctx: click.Context, files: tuple[Path, ...], from_inbox: bool, office: str | None,
           recursive: bool) -> tuple[list[tuple[InboxItem, bool]], list[Path]]:
    """The items to ingest (the inbox's, given files, every document of given folders) and the
    other files of those folders, skipped."""
    workspace = get_workspace(ctx)
    items = [(item, False) for item in service.inbox_items(workspace)] if from_inbox else []
    skipped: list[Path] = []
    plain: list[Path] = []
    for path in files:
        if not path.is_dir() or path.is_symlink():
            plain.append(path)
            continue
        if not recursive:
            raise UsageError(f"{path} là thư mục: dùng --recursive để tiếp nhận cả thư mục.",
                             f"{path} is a folder: use --recursive to load the whole folder tree.")
        load = service.folder_items(workspace, path, office)
        items += load.items
        skipped += load.skipped
    items += service.items_for_files(workspace, plain, office)
    return items, skipped


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--inbox", "from_inbox", is_flag=True, help="Process everything waiting in inbox/<OFFICE>/.")
@click.option("--office", metavar="CODE", help="The office the given FILES or folders come from (for files outside the inbox).")
@click.option("-r", "--recursive", is_flag=True,
              help="Load every document (.docx, .pdf, …) in the given folders and their sub-folders.")
@click.option("--dry-run", is_flag=True, help="Say what would happen; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON record per file on stdout.")
@click.pass_context
def ingest(ctx: click.Context, files: tuple[Path, ...], from_inbox: bool, office: str | None, recursive: bool,
           dry_run: bool, as_json: bool) -> None:
    """Check files into the controlled repository, or quarantine them with a reason.

    A folder given with --recursive is loaded whole (a department's existing collection): its
    files are never moved or deleted; several revisions of one procedure, in any order, are
    committed in revision order, and a revision older than the current one is recorded as
    history. Exit 0 when nothing was refused, 1 when a file went (or, with --dry-run, would go)
    to quarantine.
    """
    if not files and not from_inbox:
        raise UsageError(
            "Cần chỉ ra tệp cần tiếp nhận, hoặc dùng --inbox.", "Give FILES to ingest, or use --inbox."
        )
    workspace = get_workspace(ctx)
    items, skipped = _items(ctx, files, from_inbox, office, recursive)
    run_items(ctx, workspace, items, as_json, len(skipped), dry_run)


def page_progress(name: str, done: int, total: int) -> None:
    """A line on stderr per page of a long file (a scan being read by OCR)."""
    if done:
        say(f"  {name}: đã đọc trang {done}/{total} (OCR page {done} of {total})")


def run_items(ctx: click.Context, workspace: Workspace, items: list[tuple[InboxItem, bool]], as_json: bool,
              skipped: int = 0, dry_run: bool = False) -> None:
    """Ingest ``items`` (or, ``dry_run``, say what would happen) with progress on stderr, print what
    happened, exit 0 or 1 (a file quarantined, or that would be)."""
    if not items:
        say("Không có tệp nào đang chờ. (nothing waiting in the inbox)")
        if as_json:
            emit_json([])
        ctx.exit(EXIT_OK)

    def run(progress: Callable[[Outcome | None], None] | None = None) -> list[Outcome]:
        if dry_run:
            return service.plan(workspace, items, progress=progress)
        return service.ingest(workspace, items, progress=progress, on_page=page_progress)

    settled: list[Outcome] = []  # in the order settled; described at the end, as they finally are
    if len(items) > 1 and not as_json:
        label = "Đang đọc thử" if dry_run else "Đang tiếp nhận"
        with click.progressbar(length=len(items), label=label, file=sys.stderr) as bar:

            def advance(outcome: Outcome | None) -> None:
                bar.update(1)
                if outcome is not None:
                    settled.append(outcome)

            outcomes = run(advance)
    else:
        outcomes = run()
        settled = outcomes
    lines = [describe(o, dry_run) for o in settled]
    if as_json:
        emit_json([{**o.as_json(), "dry_run": dry_run} if dry_run else o.as_json() for o in outcomes])
    else:
        for line in lines:
            click.echo(line)
        say(summary(outcomes, skipped, dry_run))
    done = (IngestStatus.INGESTED, IngestStatus.DUPLICATE)  # anything else (refused, not committed) is a problem
    ctx.exit(EXIT_PROBLEM if any(o.status not in done for o in outcomes) else EXIT_OK)


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
