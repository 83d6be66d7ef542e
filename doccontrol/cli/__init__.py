"""The ``doccontrol`` command line. Commands live in the modules of this package."""

from doccontrol.cli.app import main

__all__ = ["main"]
