"""Start-up: a command loads only what it uses (``cli.app.COMMAND_MODULES``, the lazy ``service``).

Start-up time is measured by ``bench/cli.py``, never here; these tests check the structure that
keeps it short: which modules a command line loads.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.workspace import use_engine

from doccontrol.cli import app, main

# Libraries that cost tens of milliseconds to import; a command that does not use them must not load them.
HEAVY = ("lxml", "pypdf", "openpyxl", "whoosh", "numpy", "git", "flask", "docx", "PIL", "watchdog", "rapidfuzz",
         "fpdf", "doccontrol.core.metadata", "doccontrol.extract.docx", "doccontrol.extract.pdf",
         "doccontrol.ingest.watch")


def _loaded(*args: str, watched: tuple[str, ...] = HEAVY) -> list[str]:
    """The ``watched`` modules (the heavy ones) loaded by ``doccontrol ARGS`` in a fresh interpreter."""
    code = ("import sys\nfrom doccontrol.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {watched!r} if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    return eval(done.stderr.strip().splitlines()[-1])  # noqa: S307 - our own printed list


# What ``status`` and ``list`` (of a current derived state: no git process) do not use, beyond HEAVY:
# the ingest stages' data (``core.stages``), the gateway's parts for histories and writers (read
# memo, history index, writer lock, commit messages), the printable master list's writers and
# the standard modules only those load (processes, logging, host names, digests, HTML escaping).
READ_UNUSED = HEAVY + ("doccontrol.core.stages", "doccontrol.repo.read_memo", "doccontrol.repo.history_index",
                       "doccontrol.repo.lock", "doccontrol.repo.messages", "doccontrol.repo.transaction",
                       "doccontrol.cli.reports", "doccontrol.reports.sheets", "subprocess", "logging", "socket",
                       "html")
# ``status`` also reads the index's freshness (``service.searching``: the search package's files)
# and the quarantine; ``list`` nothing more than the derived state: not even a procedure's state
# (``core.procedure``) nor the text wrapper of help and printable lists.
LIST_UNUSED = READ_UNUSED + ("hashlib", "doccontrol.repo.blobs", "doccontrol.search", "doccontrol.ingest",
                             "doccontrol.core.procedure", "textwrap")
# ``--help`` lists the commands from ``app.COMMAND_SUMMARIES``: no workspace, repository, rule or use case.
HELP_UNUSED = READ_UNUSED + ("hashlib", "doccontrol.repo.blobs", "doccontrol.search", "doccontrol.ingest",
                             "doccontrol.core.procedure", "doccontrol.workspace", "doccontrol.repo",
                             "doccontrol.core.model", "doccontrol.core.config", "doccontrol.service", "tomllib",
                             "zoneinfo", "dataclasses")


@pytest.mark.slow
def test_help_loads_no_workspace_no_repository_and_no_command() -> None:
    commands = tuple(f"doccontrol.cli.{module}" for module in sorted(set(app.COMMAND_MODULES.values())))
    assert _loaded("--help", watched=HELP_UNUSED + commands) == []


@pytest.mark.slow
def test_status_and_list_load_only_what_they_use(home: object) -> None:
    CliRunner().invoke(main, ["--home", str(home), "list"])  # the derived state written, as after any commit
    assert _loaded("--home", str(home), "status", watched=READ_UNUSED) == []
    assert _loaded("--home", str(home), "list", watched=LIST_UNUSED) == []


def test_every_command_is_in_the_map() -> None:
    """Each module registers exactly the commands the map gives it (a new command needs its line)."""
    for module in sorted(set(app.COMMAND_MODULES.values())):
        importlib.import_module(f"doccontrol.cli.{module}")
    registered = {name: cmd.callback.__module__.rsplit(".", 1)[-1] for name, cmd in app.main.commands.items()
                  if cmd.callback is not None}
    groups = {name for name, cmd in app.main.commands.items() if cmd.callback is None}
    assert {**registered, **{g: app.COMMAND_MODULES[g] for g in groups}} == app.COMMAND_MODULES


def test_the_coverage_formats_are_the_reports() -> None:
    from doccontrol.cli import coverage as cli_coverage
    from doccontrol.reports import coverage_report

    assert cli_coverage.REPORT_FORMATS == coverage_report.FORMATS


def test_help_lists_each_command_with_its_own_summary() -> None:
    """``--help`` lists the commands from ``app.COMMAND_SUMMARIES`` (no module imported): each must
    be what click would show from the command itself, at any width."""

    for module in sorted(set(app.COMMAND_MODULES.values())):
        importlib.import_module(f"doccontrol.cli.{module}")
    assert set(app.COMMAND_SUMMARIES) == set(app.COMMAND_MODULES)
    for name, summary in app.COMMAND_SUMMARIES.items():
        command = app.main.commands[name]
        assert not command.hidden, name
        for limit in (30, 45, 70, 120, 300):
            shown = app.short_help(summary, limit)  # what --help lists (cli.help.short_help)
            assert shown == command.get_short_help_str(limit), (name, limit)


# What a search of a current index does not use: numpy, whoosh's searcher and queries (code filters
# load them), the bulk writer's processes, the repository gateway and its unit of work, git's
# library, the step rules. ``bench/cli.py`` times the whole process; this keeps it lean.
SEARCH_UNUSED = ("numpy", "whoosh.searching", "whoosh.query", "multiprocessing", "git", "lxml", "pypdf", "openpyxl",
                 "flask", "docx", "doccontrol.search.whoosh_bulk", "doccontrol.repo.gateway",
                 "doccontrol.repo.transaction", "doccontrol.core.steps", "doccontrol.core.deadlines",
                 "doccontrol.core.coverage", "doccontrol.core.metadata")


# Nor does it need the index's upkeep (reading revisions through git) or OpenSSL's digests.
CURRENT_INDEX_UNUSED = SEARCH_UNUSED + ("doccontrol.repo.index_sync", "doccontrol.repo.blobs", "subprocess")


@pytest.mark.slow
def test_search_of_a_current_index_loads_only_what_it_uses(story: object) -> None:
    assert _loaded("--home", str(story), "search", "hồ sơ", watched=CURRENT_INDEX_UNUSED + ("tantivy",)) == []


@pytest.mark.slow
def test_search_of_a_current_tantivy_index_loads_only_what_it_uses(home: Path) -> None:
    """tantivy's recorded commit is read from its files: neither whoosh nor the gateway is loaded."""
    use_engine(home, "tantivy")
    assert _loaded("--home", str(home), "search", "quy trình",
                   watched=CURRENT_INDEX_UNUSED + ("whoosh", "hashlib", "secrets")) == []


@pytest.mark.slow
def test_province_search_modules_load_only_what_they_use() -> None:
    """``province search`` (tantivy) imports its command, the province's search and the engine."""
    code = ("import sys, doccontrol.cli.province, doccontrol.province.search, doccontrol.search.tantivy_backend\n"
            f"print(sorted(m for m in {SEARCH_UNUSED + ('whoosh',)!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"
