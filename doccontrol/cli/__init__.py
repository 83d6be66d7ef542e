"""The ``doccontrol`` command line. Commands live in the modules of this package, loaded when a
command of theirs runs (``app.COMMAND_MODULES``)."""

from doccontrol.cli.app import main

__all__ = ["main"]
