"""Shared fixtures, and the rule that keeps ``pytest -m "not slow"`` a quick loop.

The tests are grouped by component (``core/``, ``extract/``, ``repo/``, ``search/``, ``ingest/``,
``reports/``, ``web/``, ``cli/``, ``reliability/``); what they share lives in the ``support``
package beside them (importable as ``support`` from any test: ``pythonpath`` in pyproject.toml).

Fixtures every test may ask for:

- ``home``: a fresh workspace (``doccontrol init`` with the offices VP, LDVL, NCC, BTXH; VP is
  the document controller) at ``tmp_path/ws``. A module that needs more (a field map, procedures
  already ingested) extends it under the same name.
- ``docs``: a ``DocFactory`` for the session: distinct real .docx procedures in milliseconds.
- ``story``: the two-year workspace of ``support.reports_builders``, built once per session;
  read-only (copy it with ``copy_of`` first to change anything).
- ``demo_run``: ``doccontrol demo`` run once per session as the README's first command (a real
  process in a fresh folder): its output and its workspace (``doccontrol-demo`` in that folder).
- ``shared_dir``, ``corpus_dir``, ``tthc_exports_dir``: ``../shared`` and its parts; the tests
  that use them skip where it is absent (a user's clone).

Every test runs as a fresh user would (an empty HOME, no git identity, no workspace named in the
environment). A test that starts ``python -m doccontrol``, a watcher, a server, LibreOffice or
Chromium must be marked ``slow``: :func:`_slow_processes_are_marked` fails it otherwise.
"""

from __future__ import annotations

import multiprocessing.forkserver
import multiprocessing.util
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

pytest.register_assert_rewrite("support")  # helpers' own asserts explain themselves, as in tests

from support.documents import DocFactory  # noqa: E402
from support.workspace import isolated_environment, make_workspace  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test as a fresh user would: an empty HOME, no git identity, no workspace env."""
    isolated_environment(monkeypatch, tmp_path_factory.mktemp("home"))


@pytest.fixture(autouse=True)
def _no_kept_blob_readers() -> Iterator[None]:
    """A test that starts the web view as ``serve`` does keeps git readers open (``repo.blobs.SHARED``):
    they end with the test, and the next test reads as a command does."""
    yield
    from doccontrol.repo.blobs import SHARED

    SHARED.close()
    SHARED.enabled = False


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fresh workspace with the four offices at ``tmp_path/ws``."""
    return make_workspace(tmp_path)


@pytest.fixture(scope="session")
def docs(tmp_path_factory: pytest.TempPathFactory) -> DocFactory:
    return DocFactory(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def story(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two-year workspace (read-only: see ``support.reports_builders``)."""
    from support.reports_builders import build_two_year_workspace

    return build_two_year_workspace(tmp_path_factory.mktemp("story"))


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """(the finished process, its folder) of ``python -m doccontrol demo`` run once for the session
    (the demo OCRs a scan: tens of seconds), as a fresh user in an empty folder. The workspace is
    ``folder / "doccontrol-demo"``; a test may run the demo again there (it rebuilds the same)."""
    folder = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "HOME": str(tmp_path_factory.mktemp("demo-home")), "GIT_CONFIG_NOSYSTEM": "1"}
    env["GIT_CONFIG_GLOBAL"] = str(Path(env["HOME"]) / ".gitconfig-absent")
    done = subprocess.run([sys.executable, "-m", "doccontrol", "demo"], cwd=folder, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL, env=env)
    return done, folder


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (a user's clone): shared corpus tests skipped")
    return SHARED


@pytest.fixture
def corpus_dir(shared_dir: Path) -> Path:
    path = shared_dir / "corpus"
    if not path.is_dir():
        pytest.skip("../shared/corpus is absent")
    return path


@pytest.fixture
def tthc_exports_dir(shared_dir: Path) -> Path:
    path = shared_dir / "data" / "tthc-exports"
    if not path.is_dir():
        pytest.skip("../shared/data/tthc-exports is absent")
    return path


# --- the slow marker -------------------------------------------------------------------------------

# Programs whose start alone makes a test slow (besides a Python interpreter).
SLOW_PROGRAMS = ("soffice", "libreoffice", "chromium", "chromedriver", "tesseract")


def _slow_command(args: object) -> str | None:
    """What in ``args`` (a Popen argument) is a slow process to start, or None. Git and the
    other small tools doccontrol runs take milliseconds; a Python interpreter takes a second
    (with doccontrol's imports), LibreOffice and Chromium more."""
    if isinstance(args, (str, bytes, Path)):
        words = [str(args)]
    elif isinstance(args, Sequence):
        words = [str(a) for a in args]
    else:
        return None
    if not words:
        return None
    if words[0] == sys.executable:
        return " ".join(words[:3])
    name = Path(words[0]).name
    return name if name in SLOW_PROGRAMS else None


@pytest.fixture(autouse=True)
def _slow_processes_are_marked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A test not marked ``slow`` fails when it starts a Python interpreter (``python -m
    doccontrol``: the CLI, a watcher, a server; the extraction worker or a process pool of
    multiprocessing, which every ingest starts) or LibreOffice or Chromium, so that ``-m "not
    slow"`` stays a loop of seconds that runs in this process. Fixtures of wider scope (a
    workspace built once for a module or the session) are not counted: they are paid once."""
    if request.node.get_closest_marker("slow") is not None:
        yield
        return

    def refuse(what: str) -> None:
        pytest.fail(f"{request.node.nodeid} starts {what}: mark it @pytest.mark.slow", pytrace=False)

    original_popen = subprocess.Popen.__init__
    original_spawn = multiprocessing.util.spawnv_passfds

    def popen(self: subprocess.Popen[bytes], args: object, *rest: object, **kwargs: object) -> None:
        what = _slow_command(args)
        if what is not None:
            refuse(what)
        original_popen(self, args, *rest, **kwargs)  # type: ignore[arg-type]

    def spawn(path: str, args: Sequence[str], passfds: Sequence[int]) -> int:
        refuse(f"a multiprocessing process ({' '.join(map(str, args[1:3]))} ...)")
        return original_spawn(path, args, passfds)

    original_fork = multiprocessing.forkserver.connect_to_new_process

    def forked(fds: Sequence[int]) -> object:  # a worker from an already running fork server
        refuse("a multiprocessing process (from the fork server)")
        return original_fork(fds)

    monkeypatch.setattr(subprocess.Popen, "__init__", popen)
    monkeypatch.setattr(multiprocessing.util, "spawnv_passfds", spawn)
    monkeypatch.setattr(multiprocessing.forkserver, "connect_to_new_process", forked)
    yield
