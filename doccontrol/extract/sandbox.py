"""Extraction in a persistent worker process with a wall-time and an address-space limit.

``Extractor`` keeps one worker process, started lazily on the first request. Workers come from
multiprocessing's ``forkserver`` (the parent may run threads, so no plain ``fork``): one clean
server process per parent, started with the extractors' module loaded, forks each worker in a
few milliseconds where a ``spawn`` would start and import a whole interpreter (half a second per
ingest session). A worker takes the parent's environment and working directory as they are when
it starts (``_serve``), as a spawned one would. The worker limits its address
space (``RLIMIT_AS``), ignores SIGINT (the parent decides when to stop it) and serves
``(path, kind)`` requests over a pipe, answering with an ``Extracted`` or a ``Reason``.

The parent waits at most ``timeout_seconds`` for an answer. A converter sized larger (OCR of a
scan, LibreOffice) says so first: the worker sends ``("progress", (done, total, seconds))``
before each slow step (a page of OCR, a conversion), and the parent then waits up to those
``seconds`` for the next word, passing the progress on to ``on_progress``. The worker's address
space is limited to ``memory_mb``, raised for a converter to its own limit while it runs
(``extract/limits.py``). On a timeout the parent kills and reaps the
worker and refuses the file as ``timeout``; a ``MemoryError`` in the worker is ``memory``; a
worker that dies (killed by the kernel, a crash in a C library) is ``memory`` for SIGKILL and
``damaged`` otherwise, with the signal named in the English line. After any of these the worker is
gone and the next request starts a new one.

Testing hook: the environment variable ``DOCCONTROL_TEST_EXTRACT_FAULT`` (``hang``, ``memory``,
``segv``, ``kill``) makes the worker misbehave before each extraction. It is read only inside the
worker and is inert unless set.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
import warnings
from pathlib import Path
from types import TracebackType
from typing import Any

from collections.abc import Callable

from doccontrol.extract import extract_file
from doccontrol.extract.limits import hard_limit_mb
from doccontrol.extract.validate import CONVERTED_REFUSALS, Limits, refusal
from doccontrol.core.model import Extracted, Reason, Refused, Stage

#: What the parent tells its caller while a file is read: (file name, pages done, pages in all).
OnProgress = Callable[[str, int, int], None]

FAULT_ENV = "DOCCONTROL_TEST_EXTRACT_FAULT"
_START_TIMEOUT = 60.0  # seconds for a fresh interpreter to import the extractors and report
_STOP_GRACE = 2.0  # seconds a worker gets to leave on its own before it is killed
_STEP_GRACE = 10.0  # beyond a converter's own time: it stops its program and answers itself

_log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# The worker (runs in the child process)
# ---------------------------------------------------------------------------------------------

def _apply_fault(fault: str, memory_mb: int) -> None:
    """Misbehave on purpose, for the tests of the parent's time and memory handling."""
    if fault == "hang":
        while True:
            time.sleep(3600)
    elif fault == "memory":
        # Ask for four times the limit in 16 MiB pieces; without the limit this succeeds.
        hoard = [bytearray(16 * 1024 * 1024) for _ in range(memory_mb // 4 + 1)]
        del hoard
    elif fault == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif fault == "kill":
        os.kill(os.getpid(), signal.SIGKILL)


def _take_parent_context(environ: dict[str, str], cwd: str) -> None:
    """The parent's environment and working directory now (the fork server has its own, older)."""
    os.environ.clear()
    os.environ.update(environ)
    try:
        os.chdir(cwd)
    except OSError:  # the parent's directory is gone: paths sent are absolute anyway
        pass


def _serve(conn: multiprocessing.connection.Connection, limits: Limits, environ: dict[str, str],
           cwd: str) -> None:
    """Worker main: set the limits, then answer requests until told to stop or the pipe closes."""
    import resource

    _take_parent_context(environ, cwd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    warnings.simplefilter("ignore")
    memory_mb = limits.memory_mb
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024, hard_limit_mb(limits) * 1024 * 1024))
    conn.send(("ready", os.getpid()))

    def progress(done: int, total: int, seconds: float) -> None:
        conn.send(("progress", (done, total, seconds)))

    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        path, kind = request
        answer: tuple[str, Any]
        try:
            _apply_fault(os.environ.get(FAULT_ENV, ""), memory_mb)
            if kind in CONVERTED_REFUSALS:
                progress(0, 1, limits.convert_seconds)
            answer = ("ok", extract_file(Path(path), kind, limits, ocr=True, progress=progress))
        except Refused as exc:
            answer = ("memory", None) if exc.reason.cause == "memory" else ("refused", exc.reason)
        except MemoryError:
            answer = ("memory", None)
        except Exception as exc:  # noqa: BLE001 - report, never die silently
            answer = ("error", f"{type(exc).__name__}: {exc}"[:300])
        try:
            conn.send(answer)
        except MemoryError:
            conn.send(("memory", None))
        if answer[0] == "memory":
            return  # the heap may be in a poor state: the parent starts a fresh worker


# ---------------------------------------------------------------------------------------------
# The parent side
# ---------------------------------------------------------------------------------------------

def _context() -> multiprocessing.context.BaseContext:
    """The fork server's context, with this module loaded in the server (so a worker starts ready)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    return ctx


def _cwd() -> str:
    try:
        return os.getcwd()
    except OSError:
        return "/"


class Extractor:
    """Extract files in one persistent, resource-limited worker process. A context manager."""

    def __init__(self, limits: Limits, on_progress: OnProgress | None = None) -> None:
        self.limits = limits
        self.on_progress = on_progress
        self.label: str | None = None  # the name progress is reported under (the caller's name for the file)
        self._ctx = _context()
        self._proc: multiprocessing.process.BaseProcess | None = None
        self._conn: multiprocessing.connection.Connection | None = None
        self._lock = threading.Lock()
        self.restarts = 0  # workers started after the first one (kills, crashes)
        self._started = 0

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def worker_pid(self) -> int | None:
        """The pid of the live worker, if one is running."""
        return self._proc.pid if self._proc is not None else None

    def extract(self, path: Path, kind: str) -> Extracted:
        """Extract ``path`` as ``kind`` in the worker; raises ``Refused`` (stage extract)."""
        with self._lock:
            conn = self._ensure_worker()
            try:
                conn.send((str(path), kind))
            except OSError:  # the idle worker died since the last request: one fresh try
                self._stop(kill=True)
                conn = self._ensure_worker()
                conn.send((str(path), kind))
            status, payload = self._answer(conn, self.label or Path(path).name, kind)
            if status == "ok":
                assert isinstance(payload, Extracted)
                return payload
            if status == "refused":
                assert isinstance(payload, Reason)
                raise Refused(payload)
            if status == "memory":
                self._stop(kill=True)
                raise refusal(Stage.EXTRACT, "memory", memory_mb=self.limits.memory_mb)
            raise refusal(Stage.EXTRACT, "damaged", kind=kind, detail=str(payload))

    def _answer(self, conn: multiprocessing.connection.Connection, name: str, kind: str) -> tuple[str, Any]:
        """The worker's answer; progress on the way is passed on and sets the next wait."""
        wait, grace = self.limits.timeout_seconds, 0.0
        while True:
            if not conn.poll(wait + grace):
                self._stop(kill=True)
                raise refusal(Stage.EXTRACT, "timeout", seconds=f"{wait:g}")
            try:
                status, payload = conn.recv()
            except (EOFError, OSError):
                exitcode = self._stop(kill=True)
                raise self._died(exitcode, kind) from None
            if status != "progress":
                return status, payload
            done, total, wait = payload
            grace = _STEP_GRACE
            if self.on_progress is not None:
                self.on_progress(name, done, total)

    def close(self) -> None:
        """Stop the worker (it may be started again by a later ``extract``)."""
        with self._lock:
            self._stop(kill=False)

    # -- internals -----------------------------------------------------------------------------

    def _ensure_worker(self) -> multiprocessing.connection.Connection:
        if self._proc is not None and self._conn is not None:
            return self._conn
        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(target=_serve, args=(child_conn, self.limits, dict(os.environ), _cwd()),
                                 name="doccontrol-extract", daemon=True)
        try:
            proc.start()
        except BaseException:
            parent_conn.close()
            raise
        finally:
            child_conn.close()  # the parent keeps only its end, so a dead worker reads as EOF
        self._proc, self._conn = proc, parent_conn
        if self._started:
            self.restarts += 1
        self._started += 1
        try:
            ready = parent_conn.poll(_START_TIMEOUT) and parent_conn.recv()
        except (EOFError, OSError):
            ready = False
        if not ready or ready[0] != "ready":
            exitcode = self._stop(kill=True)
            raise RuntimeError(
                f"the extraction worker did not start (exit code {exitcode}); "
                f"is memory_mb={self.limits.memory_mb} too small for the interpreter?")
        return parent_conn

    def _stop(self, kill: bool) -> int | None:
        """End the worker (politely unless ``kill``), reap it, release its pipe and sentinel."""
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if proc is None:
            return None
        if conn is not None:
            if not kill:
                try:
                    conn.send(None)
                except OSError:
                    pass
                proc.join(_STOP_GRACE)
            conn.close()
        if proc.is_alive():
            proc.kill()
        proc.join()
        exitcode = proc.exitcode
        proc.close()
        return exitcode

    def _died(self, exitcode: int | None, kind: str) -> Refused:
        if exitcode is not None and exitcode < 0:
            try:
                name = signal.Signals(-exitcode).name
            except ValueError:
                name = f"signal {-exitcode}"
            if -exitcode == signal.SIGKILL:
                return refusal(Stage.EXTRACT, "memory", memory_mb=self.limits.memory_mb,
                               why=f"; the worker was killed by {name}, "
                                      "probably the kernel's out-of-memory killer")
            return refusal(Stage.EXTRACT, "damaged", kind=kind,
                           detail=f"the extraction worker died with {name}")
        return refusal(Stage.EXTRACT, "damaged", kind=kind,
                       detail=f"the extraction worker exited with status {exitcode}")

