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
import json
import os
import sys
from typing import Any

import click

from doccontrol import __version__
from doccontrol.cli.help import DoccontrolContext, short_help
from doccontrol.errors import DoccontrolError
from doccontrol.workspace import Workspace, open_workspace

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2
EXIT_CLOSED_PIPE = 128 + 13  # 128 + SIGPIPE: what a shell reports for a writer whose reader left

JSON_HELP = "Print the result as JSON on stdout (messages go to stderr)."
HOME_HELP = "Workspace folder (else $DOCCONTROL_HOME, else found by walking up from here)."


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
    """Turns doccontrol's errors into a message and an exit code, never a traceback."""

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


def get_workspace(ctx: click.Context) -> Workspace:
    """The workspace for this command (found once, then cached on the context)."""
    root = ctx.find_root()
    root.ensure_object(dict)
    if "workspace" not in root.obj:
        root.obj["workspace"] = open_workspace(root.obj.get("home"))
    return root.obj["workspace"]  # type: ignore[no-any-return]


def emit_json(data: Any) -> None:
    """Print JSON (and only JSON) on stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def say(message: str) -> None:
    """A message for people: on stderr, so stdout stays clean for data."""
    click.echo(message, err=True)


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()
