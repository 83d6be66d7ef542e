"""The house's rules, checked on the source: which package may import which, and no cycles.

Imports run one way: the faces (``cli``, ``web``) → the use cases (``service``) → ``ingest`` and
``reports`` → the adapters (``repo``, ``extract``, ``search``) → the pure ``core``. Nothing imports
a face (the ``serve`` command, which starts the web face, is the one exception). See
docs/architecture.md.
"""

from __future__ import annotations

import ast
import functools
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "doccontrol"

# package → the packages it may import (besides itself). Top-level modules count as packages.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "faults": set(),
    "core": {"errors"},
    "workspace": {"core", "errors"},
    "demo": {"core"},
    "extract": {"core", "errors"},
    "search": {"core", "errors"},
    "repo": {"core", "errors", "faults", "search", "workspace"},
    "ingest": {"core", "errors", "faults", "extract", "repo", "workspace"},
    "reports": {"core", "errors", "repo", "workspace"},
    "service": {"core", "errors", "extract", "repo", "search", "ingest", "reports", "workspace"},
    # the province view: reads the departments' mirrors (repo), computes through the same use cases
    "province": {"core", "errors", "repo", "search", "reports", "service", "workspace"},
    "cli": {"core", "errors", "service", "ingest", "reports", "search", "repo", "workspace", "demo", "web",
            "province"},
    "web": {"core", "errors", "service", "reports", "search", "repo", "workspace", "province"},
}
ENTRY_POINTS = {"__init__", "__main__"}


def _package_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> set[str]:
    """The doccontrol packages ``path`` imports (at any depth of the file, lazy imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "doccontrol" and len(parts) > 1 and not parts[1].startswith("__"):
                found.add(parts[1])
    return found


@functools.lru_cache(maxsize=1)
def _graph() -> dict[str, dict[str, set[str]]]:
    """package → imported package → the files that import it."""
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in PACKAGE.rglob("*.py"):
        package = _package_of(path)
        if package in ENTRY_POINTS:
            continue
        for imported in _imports(path):
            if imported != package and imported not in ENTRY_POINTS:
                graph[package][imported].add(str(path.relative_to(PACKAGE)))
    return graph


def test_every_package_is_known() -> None:
    packages = {_package_of(p) for p in PACKAGE.rglob("*.py")} - ENTRY_POINTS
    assert packages <= set(ALLOWED), f"new package(s) without import rules: {packages - set(ALLOWED)}"


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_run_one_way(package: str) -> None:
    wrong = {imported: sorted(files) for imported, files in _graph()[package].items() if imported not in ALLOWED[package]}
    assert not wrong, f"{package} may not import {sorted(wrong)}: {wrong}"


def test_no_cycle_between_packages() -> None:
    graph = {package: set(targets) for package, targets in _graph().items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                pytest.fail(f"import cycle: {' → '.join([*trail, node, nxt])}")
            if state.get(nxt) is None:
                visit(nxt, [*trail, node])
        state[node] = 2

    for package in sorted(graph):
        if state.get(package) is None:
            visit(package, [])


@pytest.mark.slow
def test_opening_a_workspace_loads_no_extractor_or_git() -> None:
    """``doccontrol.workspace`` (found and read by every command) must not pull in lxml, pypdf or GitPython."""
    import subprocess
    import sys

    code = ("import sys, doccontrol.workspace, doccontrol.core.config; "
            "print(sorted(m for m in ('lxml', 'pypdf', 'git', 'whoosh', 'docx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.slow
def test_list_and_status_load_only_what_they_use(tmp_path: Path) -> None:
    """``list`` and ``status`` read the repository's derived state: neither the catalog's, coverage's
    and conformity's rules, the step tables, the snapshot reader nor any heavy library is loaded."""
    import subprocess
    import sys

    from support.commits import commit_procedure
    from support.workspace import make_workspace

    home = make_workspace(tmp_path)
    commit_procedure(home, "LDVL", "QT-01/LĐTBXH")  # the derived state made by init is kept by each unit of work
    heavy = ("doccontrol.core.catalog", "doccontrol.core.coverage", "doccontrol.core.conformity",
             "doccontrol.core.steps", "doccontrol.core.deadlines", "doccontrol.repo.snapshot",
             "doccontrol.service.conformity", "doccontrol.service.tthc", "lxml", "pypdf", "whoosh", "tantivy",
             "openpyxl", "docx", "flask")
    for command in ("list", "status"):
        code = ("import sys\nfrom doccontrol.cli.app import main\n"
                f"try:\n    main(['--home', {str(home)!r}, {command!r}], prog_name='doccontrol')\n"
                "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
                f"print(sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert done.stderr.strip().splitlines()[-1] == "[]", (command, done.stderr)
        assert "QT-01/LĐTBXH" in done.stdout or command == "status"
