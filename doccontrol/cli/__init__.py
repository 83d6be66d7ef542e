"""The ``doccontrol`` command line. Commands live in the modules of this package.

The modules are imported when a command is looked up (``DoccontrolGroup.get_command``), not
when the package is: ``doccontrol province search`` is timed as a whole process, and importing
every command (and so every use case) costs most of a second. A command named in ``LAZY_HINTS``
imports only its module; any other name imports them all, in this order.
"""

from doccontrol.cli.app import main

main.lazy_modules = (
    "doccontrol.cli.admin", "doccontrol.cli.coverage", "doccontrol.cli.demo", "doccontrol.cli.ingest",
    "doccontrol.cli.read", "doccontrol.cli.search", "doccontrol.cli.watch", "doccontrol.cli.reports",
    "doccontrol.cli.serve", "doccontrol.cli.province",
)
main.lazy_hints = {"province": "doccontrol.cli.province"}

__all__ = ["main"]
