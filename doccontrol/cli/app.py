"""The click group, its global options and the exit-code convention.

Exit codes: 0 success; 1 the work found a problem (a refused file, a coverage gap); 2 usage or
workspace errors. With ``--json`` only JSON goes to stdout; messages go to stderr.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from typing import Any

import click

from doccontrol import __version__
from doccontrol.errors import DoccontrolError
from doccontrol.workspace import Workspace, open_workspace

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2

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
    "watch": "watch", "status": "watch", "push": "watch",
}


class DoccontrolGroup(click.Group):
    """Loads each command's module when it is needed, and turns doccontrol's errors into a
    message and an exit code, never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(f"doccontrol.cli.{COMMAND_MODULES[cmd_name]}")  # registers its commands
        return super().get_command(ctx, cmd_name)

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
        except Exception as exc:  # a bug: say so plainly, keep the traceback for those who ask
            if os.environ.get("DOCCONTROL_DEBUG"):
                raise
            click.echo(
                f"doccontrol: lỗi không mong đợi: {type(exc).__name__}: {exc}\n"
                "  (unexpected error; run again with DOCCONTROL_DEBUG=1 to see the traceback)",
                err=True,
            )
            ctx.exit(EXIT_USAGE)


@click.group(cls=DoccontrolGroup)
@click.version_option(__version__, prog_name="doccontrol")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=str),
    envvar="DOCCONTROL_HOME",
    help="Workspace folder (else $DOCCONTROL_HOME, else found by walking up from here).",
)
@click.pass_context
def main(ctx: click.Context, home: str | None) -> None:
    """Document control for ISO 9001:2015 procedures (quy trình ISO).

    Offices drop .docx/.pdf files into inbox/<OFFICE>/; doccontrol checks them into a git-backed
    controlled repository, one commit per revision, and quarantines what it cannot accept.
    """
    ctx.ensure_object(dict)
    ctx.obj["home"] = home


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
