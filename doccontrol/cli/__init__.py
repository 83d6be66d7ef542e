"""The ``doccontrol`` command line. Commands live in the modules of this package."""

from doccontrol.cli import admin, coverage, demo, ingest, read, search  # noqa: F401  (they register their commands)
from doccontrol.cli import watch  # noqa: F401
from doccontrol.cli import reports  # noqa: F401
from doccontrol.cli import serve  # noqa: F401
from doccontrol.cli.app import main

__all__ = ["main"]
