"""``doccontrol watch``, ``doccontrol status`` and ``doccontrol push``."""

from __future__ import annotations

import click

from doccontrol.repo import remote
from doccontrol.service import status as status_module
from doccontrol.cli.app import EXIT_OK, EXIT_PROBLEM, JSON_HELP, emit_json, get_workspace, main, say
from doccontrol.errors import UsageError


def _positive(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and value < 0:
        raise click.BadParameter("must be ≥ 0")
    return value


def _interval(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and value < 0.05:
        raise click.BadParameter("must be at least 0.05 seconds")
    return value


@main.command()
@click.option("--poll/--no-poll", default=None,
              help="Poll the folder instead of native events (for SMB/CIFS/NFS shares). Default: [watch] poll.")
@click.option("--interval", type=float, callback=_interval, metavar="S",
              help="Seconds between polls with --poll. Default: [watch] interval (1).")
@click.option("--stable-seconds", type=float, callback=_positive, metavar="S",
              help="A file must stay unchanged this long before it is ingested. Default: [watch] stable_seconds (2).")
@click.option("--rescan-seconds", type=float, callback=_positive, metavar="S",
              help="Seconds between full rescans of the inbox. Default: [watch] rescan_seconds (60).")
@click.option("--once", is_flag=True, help="Drain what is waiting in the inbox, then exit (for cron and tests).")
@click.option("--push-retry-seconds", type=float, callback=_positive, hidden=True,
              help="First wait after a failed push (doubles up to 10 minutes).")
@click.option("--young-seconds", type=float, callback=_positive, hidden=True,
              help="A file changed less than this long ago that does not parse is tried again (default 300).")
@click.pass_context
def watch(ctx: click.Context, poll: bool | None, interval: float | None, stable_seconds: float | None,
          rescan_seconds: float | None, once: bool, push_retry_seconds: float | None,
          young_seconds: float | None) -> None:
    """Watch inbox/<OFFICE>/ and ingest every file that lands there, one at a time.

    A file is taken when it has been unchanged for the stability window and parses; a young
    .docx/.pdf that does not parse yet is tried again later. Stop with SIGTERM or Ctrl-C: the
    file in hand is finished first. One line per file goes to stdout and logs/doccontrol.log.
    Exit 0 (also with --once when files were quarantined: see the log); 2 when another watcher
    already runs on this workspace.
    """
    from doccontrol.ingest.heap import restart_with_system_allocator

    restart_with_system_allocator()  # a long-running process: memory it frees must go back (ingest.heap)
    from doccontrol.ingest.watch import WatchOptions, watch as run_watch  # the ingest: only for this command
    from doccontrol.ingest.watch_log import close_logging, setup_logging

    workspace = get_workspace(ctx)
    options = WatchOptions.from_settings(
        workspace.config.watch,
        young_seconds=young_seconds,
        poll=poll,
        interval=interval,
        stable_seconds=stable_seconds,
        rescan_seconds=rescan_seconds,
        once=once,
        push_retry_seconds=push_retry_seconds,
    )
    logger = setup_logging(workspace, click.get_text_stream("stdout"))
    try:
        run_watch(workspace, options, logger)
    finally:
        close_logging()
    ctx.exit(EXIT_OK)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Inbox, quarantine, procedures, last ingest, watcher, search index and remote at a glance."""
    result = status_module.status_of(get_workspace(ctx))
    if as_json:
        emit_json(result.as_json())
    else:
        click.echo(status_module.render(result))


@main.command()
@click.option("--timeout", type=float, default=remote.PUSH_TIMEOUT, show_default=True, metavar="S",
              help="Give up after this many seconds (the commits stay queued).")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def push(ctx: click.Context, timeout: float, as_json: bool) -> None:
    """Push the controlled repository (commits and tags) to [git] remote now.

    A running watcher does this after every commit; this command is for cron without a watcher
    and for checking the connection. Exit 1 when the push failed (nothing is lost).
    """
    workspace = get_workspace(ctx)
    if not workspace.config.git_remote:
        raise UsageError(
            "Chưa cấu hình máy chủ git trung tâm ([git] remote trong doccontrol.toml).",
            "No central remote is configured: set [git] remote in doccontrol.toml.",
        )
    result = remote.push(workspace, timeout=timeout)
    if as_json:
        emit_json({"ok": result.ok, "message": result.message, "seconds": result.seconds,
                   "commits": result.commits, "tags": result.tags})
    elif result.ok:
        say(f"Đã đẩy lên máy chủ trung tâm: {result.commits} commit, {result.tags} tag ({result.seconds:.1f} s).\n"
            f"(pushed to {remote.redact(workspace.config.git_remote)})")
    else:
        say(f"Không đẩy được lên máy chủ trung tâm; các commit vẫn được giữ lại để đẩy sau.\n"
            f"(push failed, commits stay queued locally: {result.message})")
    ctx.exit(EXIT_OK if result.ok else EXIT_PROBLEM)
