"""The click group, its global options and the exit-code convention."""

from __future__ import annotations

import click

from doccontrol import __version__


@click.group()
@click.version_option(__version__, prog_name="doccontrol")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=str),
    envvar="DOCCONTROL_HOME",
    help="Workspace folder (else $DOCCONTROL_HOME, else found by walking up from here).",
)
@click.pass_context
def main(ctx: click.Context, home: str | None) -> None:
    """Document control for ISO 9001:2015 procedures (quy trình ISO)."""
    ctx.ensure_object(dict)
    ctx.obj["home"] = home
