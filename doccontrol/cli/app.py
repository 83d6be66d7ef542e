"""The click group, its global options and the exit-code convention.

Exit codes: 0 success; 1 the work found a problem (a refused file, a coverage gap); 2 usage or
workspace errors; 141 (128 + SIGPIPE, what a shell reports for ``ls | head``) when the reader of
stdout went away (``doccontrol search … | head -1``): the command stops quietly. With ``--json``
only JSON goes to stdout; messages go to stderr.

Every command is a :class:`DoccontrolCommand` (groups a :class:`DoccontrolGroup`): ``--home``
is accepted before or after the subcommand, help wraps only at spaces (``cli/help.py``).
"""

from __future__ import annotations

import errno
import importlib
import json
from gettext import gettext
import os
import sys
from typing import TYPE_CHECKING, Any

from collections.abc import Callable

import click

from doccontrol import __version__
from doccontrol.cli.help import DoccontrolContext, short_help
from doccontrol.errors import DoccontrolError

if TYPE_CHECKING:  # finding a workspace is imported by the commands that need one (a light `province search`)
    from doccontrol.workspace import Workspace

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2
EXIT_CLOSED_PIPE = 128 + 13  # 128 + SIGPIPE: what a shell reports for a writer whose reader left

JSON_HELP = "Print the result as JSON on stdout (messages go to stderr)."
HOME_HELP = "Workspace folder (else $DOCCONTROL_HOME, else found by walking up from here)."

# Each command and the module of ``doccontrol.cli`` that defines it. A module is imported when one
# of its commands runs (or ``--help`` lists them all), so a command loads only what it uses.
COMMAND_MODULES = {
    "init": "admin", "withdraw": "admin", "doctor": "admin",
    "catalog": "coverage", "fields": "coverage", "link": "coverage", "unlink": "coverage", "coverage": "coverage",
    "demo": "demo",
    "ingest": "ingest", "retry": "ingest",
    "list": "read", "show": "read", "history": "read", "diff": "read", "export": "read",
    "review": "reports", "cites": "reports", "laws": "reports", "report": "reports",
    "search": "search", "reindex": "search", "verify": "search",
    "serve": "serve",
    "province": "province",
    "watch": "watch", "status": "watch", "push": "watch",
}

# What ``--help`` lists for each command: the first paragraph of its help, so that listing them
# imports none of their modules (``test_startup`` checks these against the commands themselves).
COMMAND_SUMMARIES = {
    'catalog': 'The published TTHC catalog (danh mục thủ tục hành chính).',
    'cites': 'Every current procedure that cites the legal document REF (e.g. 152/2020/NĐ-CP).',
    'coverage': 'The 100% TTHC check: TTHC without a procedure, procedures without a published TTHC.',
    'demo': 'Build a demo workspace from generated sample procedures and run the pipeline on it.',
    'diff': 'Text diff between two revisions of a procedure (default: the last two).',
    'doctor': 'What is still missing for true figures: a catalog and its scope, an office for every field,\n    dates in the documents, procedures flagged by coverage, the watcher. Exit 1 when something is.',
    'export': 'Write the original bytes of a revision to OUTPUT (byte-identical to what was dropped).',
    'fields': "Every field (lĩnh vực) of the catalog's TTHC in scope: how many TTHC, which office answers\n    for it, or which one to choose (the office whose procedures already cover most of them).",
    'history': 'Every change of a procedure: revisions, withdrawals, reviews.',
    'ingest': 'Check files into the controlled repository, or quarantine them with a reason.',
    'init': 'Create a workspace at PATH: doccontrol.toml, inbox/<OFFICE>/, procedures/ (git), index/, quarantine/, logs/.',
    'laws': 'Legal documents recorded as replaced or amended.',
    'link': 'Link a procedure to TTHC codes (or declare it internal).',
    'list': 'The master list (danh mục tài liệu) of controlled procedures.',
    'province': "The province view: every department's repository (read-only mirrors), one coverage, one search.",
    'push': 'Push the controlled repository (commits and tags) to [git] remote now.',
    'reindex': 'Rebuild the search index from the controlled repository (swapped in atomically).',
    'report': 'The yearly report on ISO implementation (báo cáo tình hình thực hiện ISO).',
    'retry': 'Run quarantined files through the ingest again, after the cause was fixed.',
    'review': 'Procedures due for review (rà soát), the most overdue first, and why.',
    'search': 'Full-text search, with or without diacritics (có dấu hoặc không dấu).',
    'serve': 'Serve the read-only web view: search, procedures, master list, coverage, status.',
    'show': "A procedure's metadata and every revision.",
    'status': 'Inbox, quarantine, procedures, last ingest, watcher, search index and remote at a glance.',
    'unlink': 'Remove manual links (or the internal mark) of a procedure.',
    'verify': "Check the index against the repository and every revision's bytes against its sha256.",
    'watch': 'Watch inbox/<OFFICE>/ and ingest every file that lands there, one at a time.',
    'withdraw': 'Mark a procedure withdrawn (bãi bỏ). It stays in history and is never listed as current\n    from the day the withdrawal takes effect.',
}


def _remember_home(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--home`` given after a subcommand: the same as before it (the later one wins)."""
    if value is not None:
        root = ctx.find_root()
        root.ensure_object(dict)
        root.obj["home"] = value
    return value


def home_option() -> click.Option:
    """The ``--home`` every subcommand that reads a workspace accepts (no envvar: the group's reads it)."""
    return click.Option(["--home"], type=click.Path(file_okay=False, path_type=str), expose_value=False,
                        is_eager=True, callback=_remember_home, help=HOME_HELP)


class _Conventions:
    """What every doccontrol command shares: ``--home`` after the command name too, a summary
    cut at the end of its first sentence (not at an "e.g." inside parentheses), help wrapped
    at spaces only."""

    context_class = DoccontrolContext
    params: list[click.Parameter]
    help: str | None
    short_help: str | None

    def _add_home(self, workspace: bool) -> None:
        if workspace and not any(p.name == "home" for p in self.params):
            self.params.append(home_option())

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return self.short_help
        return short_help(self.help or "", limit)


class DoccontrolCommand(_Conventions, click.Command):
    """A doccontrol command; ``workspace=False`` for those that make their own (``init``, ``demo``)."""

    def __init__(self, *args: Any, workspace: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_home(workspace)


def _stdout_closed() -> bool:
    """True when nobody reads stdout any more (the other end of its pipe is closed)."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return False


def _quiet_after_closed_pipe() -> None:
    """Point stdout at /dev/null, so that the flush at exit does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


class DoccontrolGroup(_Conventions, click.Group):
    """Loads each command's module when it is needed, and turns doccontrol's errors into a
    message and an exit code, never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMAND_MODULES))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their summaries, as click lists them, without importing their modules."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            if loaded is None and name not in COMMAND_SUMMARIES:
                loaded = self.get_command(ctx, name)
            if loaded is not None:
                if not loaded.hidden:
                    rows.append((name, loaded.get_short_help_str(limit)))
            else:
                rows.append((name, short_help(COMMAND_SUMMARIES[name], limit)))
        if rows:
            with formatter.section(gettext("Commands")):  # click's own heading (and its translation)
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(f"doccontrol.cli.{COMMAND_MODULES[cmd_name]}")  # registers its commands
        return super().get_command(ctx, cmd_name)

    command_class = DoccontrolCommand
    group_class = type  # sub-groups (catalog, fields, review, laws) are DoccontrolGroups too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_home(True)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DoccontrolError as exc:
            click.echo(f"doccontrol: {exc.render()}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("doccontrol: đã dừng (interrupted)", err=True)
            ctx.exit(130)
        except OSError as exc:
            if exc.errno != errno.EPIPE or not _stdout_closed():
                _unexpected(ctx, exc)
            _quiet_after_closed_pipe()  # `doccontrol search … | head -1`: the reader has what it wanted
            ctx.exit(EXIT_CLOSED_PIPE)
        except Exception as exc:  # a bug: say so plainly, keep the traceback for those who ask
            _unexpected(ctx, exc)


def _unexpected(ctx: click.Context, exc: Exception) -> None:
    if os.environ.get("DOCCONTROL_DEBUG"):
        raise exc
    click.echo(
        f"doccontrol: lỗi không mong đợi: {type(exc).__name__}: {exc}\n"
        "  (unexpected error; run again with DOCCONTROL_DEBUG=1 to see the traceback)",
        err=True,
    )
    ctx.exit(EXIT_USAGE)


@click.group(cls=DoccontrolGroup)
@click.version_option(__version__, prog_name="doccontrol")
@click.option("--home", type=click.Path(file_okay=False, path_type=str), envvar="DOCCONTROL_HOME", help=HOME_HELP)
@click.pass_context
def main(ctx: click.Context, home: str | None) -> None:
    """Document control for ISO 9001:2015 procedures (quy trình ISO).

    Offices drop .docx/.pdf files into inbox/<OFFICE>/; doccontrol checks them into a git-backed
    controlled repository, one commit per revision, and quarantines what it cannot accept.
    """
    ctx.ensure_object(dict)
    ctx.obj["home"] = home  # a --home after the subcommand is read after this one: it wins


def found_once(ctx: click.Context, key: str, find: Callable[[str | None], Any]) -> Any:
    """``find(--home)``, called once per command and cached on the root context under ``key``."""
    root = ctx.find_root()
    root.ensure_object(dict)
    if key not in root.obj:
        root.obj[key] = find(root.obj.get("home"))
    return root.obj[key]


def get_workspace(ctx: click.Context) -> Workspace:
    """The workspace for this command (found once, then cached on the context)."""
    from doccontrol.workspace import open_workspace

    return found_once(ctx, "workspace", open_workspace)  # type: ignore[no-any-return]


def emit_json(data: Any) -> None:
    """Print JSON (and only JSON) on stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def say(message: str) -> None:
    """A message for people: on stderr, so stdout stays clean for data."""
    click.echo(message, err=True)


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()
