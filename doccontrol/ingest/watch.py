"""``doccontrol watch``: turn every file that lands in ``inbox/<OFFICE>/`` into a revision or a
quarantined file, without anyone running a command.

The parts, each small and explicit:

- ``Signature`` / ``StabilityTracker`` (pure, the clock is passed in): which files are waiting,
  since when each has been quiet, and which are due. A file is due when nothing happened to it
  for the stability window: no event and the same size, mtime and ctime.
- ``RetryPolicy`` (pure): a young ``.docx``/``.pdf`` that does not parse yet (a copy that
  stalled, a save in progress) is tried again later with a growing delay; an old one, or one
  that failed too often, goes through the pipeline and is quarantined with its reason.
- ``incomplete_reason``: the readiness check before the pipeline ("then it must parse"): the
  file type is judged by content (``sniff``), a zip must have its end record, a PDF its ``%%EOF``.
- ``_Hints``: the watchdog handler. Events are hints, not the truth: a hint only makes the
  worker look at a path again (``stat``); a delete never does anything but forget a waiting file.
- ``Watcher``: the single worker. It owns the observer (native inotify, or polling for network
  shares), the full rescans (at start, every ``rescan_seconds``, at once on an inotify queue
  overflow or when the observer died, e.g. a share that went away and came back), and runs
  the ingest pipeline (``doccontrol.pipeline.Ingestor``, unchanged) under the workspace writer
  lock, taken per small batch so that a manual ``doccontrol ingest`` gets in between.
- ``WatcherLock``: one watcher per workspace (``logs/watch.lock``, ``flock``); a second one
  refuses to start.

Crash safety comes from the pipeline: a file leaves the inbox only after its bytes are committed
or quarantined, and a re-run converges (same bytes → duplicate). The watcher adds nothing that
could be lost: its state is in memory and rebuilt from the inbox by the start-up scan.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import logging.handlers
import os
import queue
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from doccontrol.ingest import pipeline
from doccontrol import service
from doccontrol.errors import WorkspaceError
from doccontrol.extract.sandbox import Extractor
from doccontrol.extract.validate import Limits, sniff
from doccontrol.ingest.inbox import InboxItem, is_ignored, item_for, scan
from doccontrol.core.model import Extracted, Outcome, Refused
from doccontrol.repo.store import Store
from doccontrol.core.config import CONFIG_NAME, WatchSettings
from doccontrol.repo.lock import writer_lock
from doccontrol.workspace import Workspace, load

WATCH_LOCK_NAME = "watch.lock"  # in logs/
LOG_NAME = "doccontrol.log"  # in logs/
LOG_MAX_BYTES = 10 * 2**20
LOG_BACKUPS = 5
_LOGGER = "doccontrol.ingest.watch"

# Causes of a refusal that a file still being written produces; others are final at once.
INCOMPLETE_CAUSES = frozenset({"damaged", "empty"})
PDF_TAIL_BYTES = 2048


# --- stability (pure) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """What identifies one state of a file: inode, size and both change times."""

    dev: int
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, info: os.stat_result) -> Signature:
        return cls(info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)

    @property
    def changed_at(self) -> float:
        """Wall-clock time of the last change the file system recorded (mtime or ctime)."""
        return max(self.mtime_ns, self.ctime_ns) / 1e9


@dataclass
class Candidate:
    """A file waiting in the inbox."""

    path: Path
    signature: Signature
    quiet_since: float  # monotonic time of the last known change or event
    not_before: float = 0.0  # monotonic time before which it is not tried (retry backoff)
    attempts: int = 0  # times it looked incomplete (did not parse) so far
    errors: int = 0  # unexpected failures so far
    parked: bool = False  # not tried again until the file changes (or the watcher restarts)


class StabilityTracker:
    """Which inbox files are waiting and which are due. No I/O: callers pass stats and clocks.

    ``now`` is a monotonic clock, ``wall`` the wall clock (only to read a file's mtime/ctime age).
    A newly seen or changed file counts as quiet since its recorded change time, but never as
    quiet for longer than the window: a file found by a rescan long after it was written is due
    at once, and a file server whose clock is behind ours can shorten the wait by at most the
    window (the readiness check and the retries cover that). An event for a file restarts its
    window.
    """

    def __init__(self, window: float) -> None:
        self.window = max(0.0, window)
        self._files: dict[Path, Candidate] = {}

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, path: object) -> bool:
        return path in self._files

    def get(self, path: Path) -> Candidate | None:
        return self._files.get(path)

    def paths(self) -> list[Path]:
        return list(self._files)

    def observe(self, path: Path, signature: Signature, now: float, wall: float, event_at: float | None = None) -> Candidate:
        """Record a stat of ``path`` (and the time of an event for it, if one came)."""
        candidate = self._files.get(path)
        if candidate is None or candidate.signature != signature:
            age = min(max(0.0, wall - signature.changed_at), self.window)
            quiet_since = now - age
            if event_at is not None:
                quiet_since = max(quiet_since, event_at)
            if candidate is None:
                candidate = Candidate(path=path, signature=signature, quiet_since=quiet_since)
                self._files[path] = candidate
            else:
                candidate.signature = signature
                candidate.quiet_since = max(candidate.quiet_since, quiet_since)
                candidate.parked = False
                candidate.errors = 0
        elif event_at is not None:
            candidate.quiet_since = max(candidate.quiet_since, event_at)
        return candidate

    def forget(self, path: Path) -> None:
        self._files.pop(path, None)

    def ready_at(self, candidate: Candidate) -> float:
        return max(candidate.quiet_since + self.window, candidate.not_before)

    def due(self, now: float) -> list[Path]:
        """Files quiet for the whole window and not held back, in the order they arrived
        (their last recorded change), so revision 1 dropped before revision 2 goes first."""
        ready = [c for c in self._files.values() if not c.parked and self.ready_at(c) <= now]
        ready.sort(key=lambda c: (c.signature.changed_at, str(c.path)))
        return [c.path for c in ready]

    def confirm(self, path: Path, signature: Signature, now: float, wall: float) -> bool:
        """True when ``path`` still has the signature it had when it became due."""
        candidate = self._files.get(path)
        if candidate is not None and candidate.signature == signature:
            return True
        self.observe(path, signature, now, wall)
        return False

    def defer(self, path: Path, until: float, *, attempt: bool = False, error: bool = False) -> None:
        candidate = self._files.get(path)
        if candidate is None:
            return
        candidate.not_before = until
        candidate.attempts += int(attempt)
        candidate.errors += int(error)

    def park(self, path: Path) -> None:
        candidate = self._files.get(path)
        if candidate is not None:
            candidate.parked = True

    def next_wakeup(self) -> float | None:
        """The monotonic time at which the next file becomes due (None: nothing waiting)."""
        times = [self.ready_at(c) for c in self._files.values() if not c.parked]
        return min(times) if times else None

    def settling(self, now: float) -> int:
        """Files that are being written or will soon be due (not parked, not in a long retry wait)."""
        return sum(
            1 for c in self._files.values()
            if not c.parked and (c.not_before <= now or c.not_before - now <= self.window)
        )

    def counts(self) -> dict[str, int]:
        parked = sum(1 for c in self._files.values() if c.parked)
        retrying = sum(1 for c in self._files.values() if not c.parked and (c.attempts or c.errors))
        return {"waiting": len(self._files), "retrying": retrying, "parked": parked}


@dataclass(frozen=True)
class RetryPolicy:
    """When to try a file again that did not parse (or failed unexpectedly). Pure.

    A file whose last change is less than ``young_seconds`` old may still be on its way (a
    copy over a slow share, a save through a temp file): it is tried again after
    ``first_delay``, then twice as long each time up to ``max_delay``, at most
    ``max_attempts`` times. After that, or once the file is old, the pipeline decides.
    """

    young_seconds: float = 300.0
    max_attempts: int = 6
    first_delay: float = 2.0
    max_delay: float = 60.0

    def delay(self, attempts: int, age: float) -> float | None:
        """Seconds to wait before the next try, or None: do not wait, let the pipeline refuse it."""
        if attempts >= self.max_attempts or age >= self.young_seconds:
            return None
        return float(min(self.max_delay, self.first_delay * 2**attempts))

    def error_delay(self, errors: int) -> float | None:
        """After an unexpected failure (an I/O error on a share, a bug): wait, at most 5 times."""
        if errors >= 5:
            return None
        return float(min(self.max_delay * 5, 5.0 * 2**errors))


# --- readiness ------------------------------------------------------------------------------------


def incomplete_reason(path: Path, limits: Limits) -> str | None:
    """Why ``path`` looks like a file still being written (None: it looks whole).

    Only the signs of an unfinished write count: nothing written yet, a zip without its end
    record (written last), a PDF without ``%%EOF``. A file that is whole but wrong (encrypted,
    a macro document, an image) is for the pipeline to refuse, with its reason, at once.
    ``OSError`` (a share gone away) is raised to the caller.
    """
    try:
        kind = sniff(path, limits)
    except Refused as refused:
        return refused.reason.cause if refused.reason.cause in INCOMPLETE_CAUSES else None
    if kind == "pdf":
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - PDF_TAIL_BYTES))
            if b"%%EOF" not in handle.read():
                return "pdf_without_eof"
    return None


class RetryLater(Exception):
    """Raised through the pipeline (from the extractor) to leave a young file for a later try."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class _YoungFileGuard:
    """Wraps the pipeline's extractor: a ``damaged`` refusal of a young file becomes ``RetryLater``.

    The pipeline is used unchanged: ``RetryLater`` is not a ``Refused``, so ``Ingestor.process``
    lets it through after removing its staged copy; the inbox file is untouched.
    """

    def __init__(self, extractor: Extractor) -> None:
        self.extractor = extractor
        self.may_retry = False

    def extract(self, path: Path, kind: str) -> Extracted:
        try:
            return self.extractor.extract(path, kind)
        except Refused as refused:
            if self.may_retry and refused.reason.cause in INCOMPLETE_CAUSES:
                raise RetryLater(refused.reason.cause) from refused
            raise


# --- options ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchOptions:
    poll: bool = False
    interval: float = 1.0  # seconds between polls (polling observer)
    stable_seconds: float = 2.0
    rescan_seconds: float = 60.0
    once: bool = False
    batch_files: int = 20  # files per hold of the writer lock (one group commit)
    batch_seconds: float = 2.0  # ... or this long from the first file, whichever comes first
    lock_wait: float = 1.0  # seconds to wait for the writer lock before looking around again
    idle_close_seconds: float = 120.0  # stop the extraction worker after this long without work
    push_retry_seconds: float = 10.0  # first wait after a failed push (doubles, up to 10 min)
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @classmethod
    def from_settings(cls, settings: WatchSettings, young_seconds: float | None = None, **overrides: Any) -> WatchOptions:
        """Options from ``[watch]`` in doccontrol.toml, with command-line values (not None) on top."""
        values: dict[str, Any] = {
            "poll": settings.poll,
            "interval": settings.interval,
            "stable_seconds": settings.stable_seconds,
            "rescan_seconds": settings.rescan_seconds,
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        if "retry" not in values:
            young = RetryPolicy.young_seconds if young_seconds is None else young_seconds
            values["retry"] = RetryPolicy(young_seconds=young, first_delay=max(1.0, float(values["stable_seconds"])))
        return cls(**values)


# --- the watcher lock -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WatcherInfo:
    pid: int
    host: str
    since: str
    mode: str


class AlreadyWatching(WorkspaceError):
    """A second watcher on the same workspace (exit 2)."""


def _lock_path(workspace: Workspace) -> Path:
    return workspace.logs / WATCH_LOCK_NAME


def _read_info(path: Path) -> WatcherInfo | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return WatcherInfo(int(data["pid"]), str(data["host"]), str(data["since"]), str(data.get("mode", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def running_watcher(workspace: Workspace) -> WatcherInfo | None:
    """The watcher running on this workspace, if any (checked without disturbing it)."""
    path = _lock_path(workspace)
    if not path.exists():
        return None
    try:
        with open(path, "rb") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EAGAIN, errno.EACCES):
                    return _read_info(path) or WatcherInfo(0, "", "", "")
                raise
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            return None
    except FileNotFoundError:
        return None


class WatcherLock:
    """One watcher per workspace: an exclusive ``flock`` on ``logs/watch.lock``, held for life.

    The kernel drops the lock when the holder dies (``kill -9`` included), so a restart never
    has to guess whether an old pid file is stale. A reader (``status``) takes a shared lock for
    an instant; a starting watcher retries briefly so that such a look is never mistaken for a
    second watcher.
    """

    def __init__(self, workspace: Workspace, mode: str) -> None:
        self.path = _lock_path(workspace)
        self.mode = mode
        self._handle: Any = None

    def acquire(self, attempts: int = 10) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        for attempt in range(attempts):
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    handle.close()
                    raise
                if attempt == attempts - 1:
                    handle.close()
                    info = _read_info(self.path)
                    who = f"pid {info.pid} trên máy {info.host}, từ {info.since}" if info else "một tiến trình khác"
                    who_en = f"pid {info.pid} on {info.host}, since {info.since}" if info else "another process"
                    raise AlreadyWatching(
                        f"Đã có một tiến trình theo dõi thư mục nhận của không gian làm việc này ({who}).",
                        f"A watcher is already running on this workspace ({who_en}); lock {self.path}.",
                    ) from exc
                time.sleep(0.05)
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "mode": self.mode,
        }
        try:  # who holds it, for people and ``status``; the flock alone is the lock
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(record) + "\n")
            handle.flush()
        except OSError:  # a full disk must not keep the watcher from starting
            pass
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.seek(0)
                self._handle.truncate()
            with contextlib.suppress(OSError):
                self._handle.close()  # closing releases the flock
            self._handle = None

    def __enter__(self) -> WatcherLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


# --- logging ----------------------------------------------------------------------------------------


def _quote(value: object) -> str:
    text = str(value)
    if text and not any(ch.isspace() or ch in '"=\\' for ch in text):
        return text
    return json.dumps(text, ensure_ascii=False)


def format_outcome(outcome: Outcome) -> str:
    """One log line for one file: office, file, outcome, code, revision, seconds (pure)."""
    fields: list[tuple[str, object]] = [
        ("office", outcome.office),
        ("file", Path(outcome.file).name),
        ("outcome", outcome.status),
        ("code", outcome.code or "-"),
        ("revision", outcome.revision if outcome.revision is not None else "-"),
        ("seconds", f"{outcome.seconds:.3f}"),
    ]
    if outcome.commit:
        fields.append(("commit", outcome.commit[:12]))
    if outcome.status == "quarantined":
        fields.append(("cause", outcome.cause or "-"))
        fields.append(("reason", outcome.reason or ""))
    return " ".join(f"{key}={_quote(value)}" for key, value in fields)


def _format_event(office: str, path: Path, event: str, **extra: object) -> str:
    fields: list[tuple[str, object]] = [("office", office), ("file", path.name), ("outcome", event)]
    fields += list(extra.items())
    return " ".join(f"{key}={_quote(value)}" for key, value in fields)


class _OverflowAlarm(logging.Handler):
    """watchdog reports an inotify queue overflow only in its log: turn that line into a flag."""

    def __init__(self, flag: threading.Event) -> None:
        super().__init__(level=logging.WARNING)
        self.flag = flag

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            if "overflow" in record.getMessage().lower():
                self.flag.set()


def setup_logging(workspace: Workspace, stream: Any = None) -> logging.Logger:
    """The watcher's log: stdout and ``logs/doccontrol.log`` (rotated), one line per event."""
    logger = logging.getLogger(_LOGGER)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(logging.INFO)
    logger.propagate = False
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S%z")
    workspace.logs.mkdir(parents=True, exist_ok=True)
    file_handler = logging.handlers.RotatingFileHandler(
        workspace.logs / LOG_NAME, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    console = logging.StreamHandler(stream or sys.stdout)
    for handler in (file_handler, console):
        handler.setFormatter(formatter)
        logger.addHandler(handler)
    # watchdog's own warnings (a share that cannot be read, ...) go to the same places.
    wd_logger = logging.getLogger("watchdog")
    for handler in list(wd_logger.handlers):
        if getattr(handler, "_doccontrol", False):
            wd_logger.removeHandler(handler)
    for handler in (file_handler, console):
        proxy = _Forward(handler)
        wd_logger.addHandler(proxy)
    wd_logger.setLevel(logging.WARNING)
    return logger


class _Forward(logging.Handler):
    _doccontrol = True

    def __init__(self, target: logging.Handler) -> None:
        super().__init__(level=logging.WARNING)
        self.target = target

    def emit(self, record: logging.LogRecord) -> None:
        self.target.handle(record)


def close_logging() -> None:
    for name in (_LOGGER, "watchdog"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if name == _LOGGER or getattr(handler, "_doccontrol", False):
                logger.removeHandler(handler)
                handler.close()


# --- events -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hint:
    """Something to look at: a file path, a folder tree, or everything (``kind``)."""

    kind: str  # "file" | "tree" | "rescan"
    path: str = ""
    at: float = 0.0  # monotonic time the event arrived
    activity: bool = False  # the event means someone wrote to/moved the file just now


def _event_types() -> list[type[Any]]:
    from watchdog.events import (
        DirCreatedEvent,
        DirDeletedEvent,
        DirModifiedEvent,
        DirMovedEvent,
        FileClosedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
    )

    # Not opened / closed-without-write: our own reading of a file must not look like activity.
    return [
        DirCreatedEvent, DirDeletedEvent, DirModifiedEvent, DirMovedEvent, FileClosedEvent,
        FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent,
    ]


def _make_handler(sink: Callable[[Hint], None], timely: bool = True) -> Any:
    """The watchdog handler. ``timely``: events arrive when the change happens (inotify); a
    polling observer reports a change up to one interval late, so its events only say "look",
    and the file's own times tell when it changed."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler

    class _Hints(FileSystemEventHandler):
        """Turns watchdog events into hints for the worker (runs in the observer's thread)."""

        def on_any_event(self, event: FileSystemEvent) -> None:
            kind = event.event_type
            if kind in ("opened", "closed_no_write"):
                return
            now = time.monotonic()
            if not timely:
                kind = {"created": "seen", "modified": "seen", "closed": "seen"}.get(kind, kind)
            src = os.fsdecode(event.src_path)
            dest = os.fsdecode(event.dest_path) if getattr(event, "dest_path", "") else ""
            if event.is_directory:
                if kind in ("created", "moved"):
                    sink(Hint("tree", dest or src, now))
                elif kind == "deleted":
                    sink(Hint("file", src, now))  # the watched folder itself: checked by health
                return
            if kind == "moved":
                sink(Hint("file", src, now))
                if dest:
                    sink(Hint("file", dest, now, activity=timely))
                return
            sink(Hint("file", src, now, activity=kind in ("created", "modified", "closed")))

    return _Hints()


# --- the worker --------------------------------------------------------------------------------------


@dataclass
class WatchSummary:
    """What a watcher run did (for ``--once`` and the tests)."""

    outcomes: dict[str, int] = field(default_factory=dict)
    retried: int = 0
    errors: int = 0
    left_waiting: int = 0
    stopped_by: str = ""

    def count(self, status: str) -> None:
        self.outcomes[status] = self.outcomes.get(status, 0) + 1


class Watcher:
    """The single worker: observer, rescans, stability, ingest under the writer lock, signals."""

    def __init__(self, workspace: Workspace, options: WatchOptions, logger: logging.Logger | None = None) -> None:
        self.workspace = workspace
        self.options = options
        self.log = logger or logging.getLogger(_LOGGER)
        self.tracker = StabilityTracker(options.stable_seconds)
        self.summary = WatchSummary()
        self._hints: queue.SimpleQueue[Hint] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._overflow = threading.Event()
        self._observer: Any = None
        self._inbox_identity: tuple[int, int] | None = None
        self._extractor: Extractor | None = None
        self._last_work = time.monotonic()
        self._next_rescan = 0.0
        self._next_health = 0.0
        self._config_mtime = self._config_stamp()
        self._empty_seen: set[Path] = set()
        self._pusher: Any = None
        self._busy_logged = False
        self._inbox_missing_logged = False

    # -- control -------------------------------------------------------------------------------

    def request_stop(self, why: str = "") -> None:
        if not self._stop.is_set():
            self.summary.stopped_by = why
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self) -> WatchSummary:
        """Watch until stopped (or, with ``once``, until the backlog is drained). Holds the watcher lock."""
        mode = "once" if self.options.once else ("poll" if self.options.poll else "native")
        lock = WatcherLock(self.workspace, mode)
        lock.acquire()
        alarm = _OverflowAlarm(self._overflow)
        logging.getLogger("watchdog.observers.inotify_c").addHandler(alarm)
        restore = self._install_signals()
        try:
            self._start_pusher()
            if not self.options.once:
                self._start_observer()  # before the first scan, so nothing arriving meanwhile is missed
            self.log.info(
                "watch start pid=%d mode=%s stable_seconds=%g interval=%g rescan_seconds=%g inbox=%s",
                os.getpid(), mode, self.options.stable_seconds, self.options.interval,
                self.options.rescan_seconds, _quote(self.workspace.inbox),
            )
            self._rescan()
            self._loop()
        finally:
            restore()
            logging.getLogger("watchdog.observers.inotify_c").removeHandler(alarm)
            self._stop_observer()
            self._close_extractor()
            self._stop_pusher()
            self.summary.left_waiting = len(self.tracker)
            counts = self.summary.outcomes
            self.log.info(
                "watch stop pid=%d reason=%s ingested=%d duplicate=%d quarantined=%d retried=%d errors=%d waiting=%d",
                os.getpid(), self.summary.stopped_by or "done", counts.get("ingested", 0),
                counts.get("duplicate", 0), counts.get("quarantined", 0), self.summary.retried,
                self.summary.errors, self.summary.left_waiting,
            )
            lock.release()
        return self.summary

    def _install_signals(self) -> Callable[[], None]:
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

        def handler(signum: int, _frame: object) -> None:
            self.request_stop(signal.Signals(signum).name)

        for sig in previous:
            signal.signal(sig, handler)

        def restore() -> None:
            for sig, old in previous.items():
                signal.signal(sig, old)

        return restore

    # -- the loop ------------------------------------------------------------------------------

    def _loop(self) -> None:
        while not self.stopping:
            self._drain_hints()
            now = time.monotonic()
            if self._overflow.is_set():
                self._overflow.clear()
                self.log.warning("inotify queue overflow: full rescan")
                self._rescan()
            if not self.options.once and now >= self._next_health:
                self._next_health = now + min(2.0, max(0.5, self.options.interval))
                self._check_observer()
            if now >= self._next_rescan and not self.options.once:
                self._rescan()
            due = self.tracker.due(time.monotonic())
            if due:
                self._work(due)
                continue
            if self.options.once and self.tracker.settling(time.monotonic()) == 0:
                self._rescan()
                if self.tracker.settling(time.monotonic()) == 0 and not self.tracker.due(time.monotonic()):
                    self.summary.stopped_by = self.summary.stopped_by or "drained"
                    return
                continue
            self._idle(now)
            self._wait()

    def _wait(self) -> None:
        now = time.monotonic()
        wake = self.tracker.next_wakeup()
        timeout = 0.25
        if wake is not None:
            timeout = min(timeout, max(0.005, wake - now))
        try:
            hint = self._hints.get(timeout=timeout)
        except queue.Empty:
            return
        self._apply_hints([hint])

    def _idle(self, now: float) -> None:
        if self._extractor is not None and now - self._last_work > self.options.idle_close_seconds:
            self._extractor.close()  # started again on the next file

    # -- hints and scans -------------------------------------------------------------------------

    def _drain_hints(self) -> None:
        hints: list[Hint] = []
        while True:
            try:
                hints.append(self._hints.get_nowait())
            except queue.Empty:
                break
        if hints:
            self._apply_hints(hints)

    def _apply_hints(self, hints: Iterable[Hint]) -> None:
        files: dict[str, Hint] = {}
        for hint in hints:
            if hint.kind == "rescan":
                self._next_rescan = 0.0
            elif hint.kind == "tree":
                for path in self._walk(Path(hint.path)):
                    self._look(path, hint.at)
            else:
                old = files.get(hint.path)
                if old is None or (hint.activity and (not old.activity or hint.at > old.at)):
                    files[hint.path] = hint
        for hint in files.values():
            self._look(Path(hint.path), hint.at if hint.activity else None)

    def _look(self, path: Path, event_at: float | None = None) -> None:
        """Stat ``path`` and update the tracker: a file waits, a vanished one is forgotten."""
        if item_for(self.workspace.inbox, path, self.workspace.config.offices) is None:
            return
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            self.tracker.forget(path)
            return
        except OSError:
            return  # a share that cannot be read just now: keep what we know, look again later
        if os.path.isdir(path) and not os.path.islink(path):
            for inner in self._walk(path):
                self._look(inner, event_at)
            return
        self.tracker.observe(path, Signature.of(info), time.monotonic(), time.time(), event_at)

    def _walk(self, folder: Path) -> Iterator[Path]:
        inbox = self.workspace.inbox
        try:
            folder.relative_to(inbox)
        except ValueError:
            return
        if not folder.is_dir() or folder.is_symlink():
            if folder.exists() or folder.is_symlink():
                yield folder
            return
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            here = Path(dirpath)
            links = [d for d in dirnames if (here / d).is_symlink()]
            dirnames[:] = sorted(d for d in dirnames if not is_ignored(d) and d not in links)
            for name in sorted(filenames) + links:
                if not is_ignored(name):
                    yield here / name

    def _rescan(self) -> None:
        """Look at every file in the inbox (events are hints; this is the truth)."""
        self._next_rescan = time.monotonic() + max(1.0, self.options.rescan_seconds)
        self._maybe_reload_config()
        inbox = self.workspace.inbox
        if not inbox.is_dir():
            if not self._inbox_missing_logged:
                self.log.warning("inbox unavailable: %s (waiting for it to come back)", _quote(inbox))
                self._inbox_missing_logged = True
            return
        self._inbox_missing_logged = False
        seen: set[Path] = set()
        try:
            for item in scan(inbox, self.workspace.config.offices):
                seen.add(item.path)
                self._look(item.path)
        except OSError as exc:
            self.log.warning("rescan failed (will retry): %s", exc)
            return
        for path in self.tracker.paths():
            if path not in seen:
                self._look(path)
        self._prune_folders()

    def _prune_folders(self) -> None:
        """Remove sub-folders (moved in, now processed) that were empty at two rescans in a row."""
        inbox = self.workspace.inbox
        empty: set[Path] = set()
        for dirpath, dirnames, filenames in os.walk(inbox, topdown=False):
            here = Path(dirpath)
            if here == inbox or (here.parent == inbox and here.name in self.workspace.config.offices):
                continue
            if any(is_ignored(part) for part in here.relative_to(inbox).parts):
                continue
            with contextlib.suppress(OSError):
                if not any(here.iterdir()):
                    empty.add(here)
        for folder in sorted(empty & self._empty_seen, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self._empty_seen = empty

    def _config_stamp(self) -> int | None:
        try:
            return os.stat(self.workspace.root / CONFIG_NAME).st_mtime_ns
        except OSError:
            return None

    def _maybe_reload_config(self) -> None:
        stamp = self._config_stamp()
        if stamp is None or stamp == self._config_mtime:
            return
        self._config_mtime = stamp
        try:
            workspace = load(self.workspace.root)
            workspace.ensure_dirs()
        except WorkspaceError as exc:
            self.log.error("doccontrol.toml changed but cannot be read, keeping the old settings: %s", exc.message_en)
            return
        self.workspace = workspace
        self.log.info("doccontrol.toml reloaded: offices=%s", ",".join(workspace.config.offices))

    # -- the observer ------------------------------------------------------------------------------

    def _start_observer(self) -> None:
        inbox = self.workspace.inbox
        if not inbox.is_dir():
            return
        if self.options.poll:
            from watchdog.observers.polling import PollingObserver

            observer: Any = PollingObserver(timeout=max(0.05, self.options.interval))
        else:
            from watchdog.observers import Observer

            observer = Observer()
        handler = _make_handler(self._hints.put, timely=not self.options.poll)
        observer.schedule(handler, str(inbox), recursive=True, event_filter=_event_types())
        observer.daemon = True
        try:
            observer.start()
        except OSError as exc:
            self.log.error("cannot watch %s: %s (rescans every %gs still find files)", _quote(inbox), exc,
                           self.options.rescan_seconds)
            return
        info = os.stat(inbox)
        self._inbox_identity = (info.st_dev, info.st_ino)
        self._observer = observer

    def _stop_observer(self) -> None:
        observer, self._observer = self._observer, None
        if observer is not None:
            with contextlib.suppress(Exception):
                observer.stop()
                observer.join(timeout=10)

    def _observer_healthy(self) -> bool:
        observer = self._observer
        if observer is None or not observer.is_alive():
            return False
        if any(not emitter.is_alive() for emitter in observer.emitters) or not observer.emitters:
            return False
        try:
            info = os.stat(self.workspace.inbox)
        except OSError:
            return False
        return (info.st_dev, info.st_ino) == self._inbox_identity

    def _check_observer(self) -> None:
        """Restart the observer when it died or the inbox was replaced (a share back after an outage)."""
        if self._observer_healthy():
            return
        if not self.workspace.inbox.is_dir():
            if self._observer is not None:
                self.log.warning("inbox unavailable: %s (waiting for it to come back)", _quote(self.workspace.inbox))
                self._inbox_missing_logged = True
                self._stop_observer()
            return
        self._stop_observer()
        self._start_observer()
        if self._observer is not None:
            self.log.info("watching %s again (%s); full rescan", _quote(self.workspace.inbox),
                          "polling" if self.options.poll else "native events")
            self._rescan()

    # -- pushing ------------------------------------------------------------------------------------

    def _start_pusher(self) -> None:
        if not self.workspace.config.git_remote:
            return
        from doccontrol.repo import remote

        self._pusher = remote.Pusher(self.workspace, self.log, retry_seconds=self.options.push_retry_seconds)
        self._pusher.start()

    def _stop_pusher(self) -> None:
        pusher, self._pusher = self._pusher, None
        if pusher is None:
            return
        if self.options.once:
            pusher.flush()
        pusher.stop()

    # -- ingesting ------------------------------------------------------------------------------------

    def _extractor_for_batch(self) -> Extractor:
        if self._extractor is None:
            self._extractor = Extractor(self.workspace.config.limits)
        return self._extractor

    def _close_extractor(self) -> None:
        extractor, self._extractor = self._extractor, None
        if extractor is not None:
            extractor.close()

    def _work(self, due: list[Path]) -> None:
        """Process a small batch of due files under the writer lock, then let others in."""
        batch = due[: max(1, self.options.batch_files)]
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(writer_lock(self.workspace.root, "watch", timeout=self.options.lock_wait))
            except WorkspaceError as exc:  # a manual ingest (or another writer) has it: look around, try again
                if not self._busy_logged:
                    self.log.info("workspace busy, waiting: %s", exc.message_en)
                    self._busy_logged = True
                return
            self._busy_logged = False
            try:
                committed = self._process_batch(batch)
            except Exception:  # the repository or the extractor failed: never die, try again shortly
                self.summary.errors += 1
                self.log.error("batch failed, retrying shortly:\n%s", traceback.format_exc().rstrip())
                until = time.monotonic() + 5.0
                for path in batch:
                    self.tracker.defer(path, until)
                return
        self._last_work = time.monotonic()
        if committed and self._pusher is not None:
            self._pusher.request()
        wake = self.tracker.next_wakeup()
        if wake is not None and wake <= time.monotonic() and not self.stopping:
            time.sleep(0.1)  # more is due: first let a waiting manual ingest take the writer lock

    def _process_batch(self, batch: list[Path]) -> bool:
        """One hold of the writer lock: a store opened for it (its commit stream ends with it),
        the files through the pipeline with group commit, then one ``sync`` that makes the
        commits durable, releases the drops and updates the index before the lock goes."""
        workspace = self.workspace
        deadline = float("inf")  # set at the first file: recovering a big repository takes its own time
        done: list[tuple[Path, Signature, Outcome | None]] = []
        held = _block_signals()  # every process started in here (git, fast-import, the worker) inherits it
        try:
            with Store(workspace.procedures) as store:
                for line in store.recover():
                    self.log.warning("recover: %s", line)
                pipeline.clean_staging(workspace)
                guard = _YoungFileGuard(self._extractor_for_batch())
                ingestor = pipeline.Ingestor(
                    workspace, store, cast(Extractor, guard), service.commit_hooks(workspace),
                    group_commit=True, group_max_files=max(1, self.options.batch_files),
                    group_max_seconds=self.options.batch_seconds,
                )
                try:
                    for index, path in enumerate(batch):
                        _let_signals_in(held)  # a SIGTERM waiting since the last file stops us here
                        if self.stopping or (index and time.monotonic() > deadline):
                            break
                        if not index:
                            deadline = time.monotonic() + self.options.batch_seconds
                        self._drain_hints()
                        result = self._process_one(ingestor, guard, path)
                        if result is not None:
                            done.append((path, *result))
                finally:
                    ingestor.sync()
        finally:
            _unblock_signals(held)
        for path, signature, outcome in done:
            self._after(path, signature, outcome)
        return any(outcome is not None and outcome.status == "ingested" for _, _, outcome in done)

    def _process_one(
        self, ingestor: pipeline.Ingestor, guard: _YoungFileGuard, path: Path
    ) -> tuple[Signature, Outcome | None] | None:
        """Run one due file through the pipeline: (its signature, the outcome), or None when it
        was not taken (changed, not ready, left for a retry, failed)."""
        tracker = self.tracker
        candidate = tracker.get(path)
        if candidate is None or candidate.parked:
            return None
        try:
            signature = Signature.of(os.lstat(path))
        except FileNotFoundError:
            tracker.forget(path)
            return None
        except OSError as exc:
            self._failed(path, f"stat: {exc}")
            return None
        now, wall = time.monotonic(), time.time()
        if not tracker.confirm(path, signature, now, wall):
            return None  # changed since it became due: wait for a new quiet window
        if tracker.ready_at(candidate) > now:
            return None
        item = item_for(self.workspace.inbox, path, self.workspace.config.offices)
        if item is None:
            tracker.forget(path)
            return None
        age = max(0.0, wall - signature.changed_at)
        delay = self.options.retry.delay(candidate.attempts, age)
        try:
            why = incomplete_reason(path, self.workspace.config.limits) if delay is not None else None
        except OSError as exc:
            self._failed(path, f"read: {exc}")
            return None
        if why is not None and delay is not None:
            self._retry(item, path, why, delay)
            return None
        guard.may_retry = delay is not None
        try:
            outcome = ingestor.process(item)
        except RetryLater as later:
            assert delay is not None
            self._retry(item, path, later.cause, delay)
            return None
        except Exception as exc:  # noqa: BLE001 - one file must never stop the watcher
            self._failed(path, f"{type(exc).__name__}: {exc}", traceback.format_exc())
            return None
        return signature, outcome

    def _after(self, path: Path, signature: Signature, outcome: Outcome | None) -> None:
        if outcome is not None:
            self.summary.count(outcome.status)
            line = format_outcome(outcome)
            (self.log.warning if outcome.status == "quarantined" else self.log.info)(line)
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            self.tracker.forget(path)
            return
        except OSError:
            return
        now = Signature.of(info)
        if now == signature:
            # Still there, unchanged: the pipeline could not move it (nothing else will change that).
            self.tracker.park(path)
            self.log.error(_format_event(outcome.office if outcome else "-", path, "left_in_inbox"))
        else:
            self.tracker.observe(path, now, time.monotonic(), time.time())  # changed meanwhile: again

    def _retry(self, item: InboxItem, path: Path, why: str, delay: float) -> None:
        self.summary.retried += 1
        self.tracker.defer(path, time.monotonic() + delay, attempt=True)
        candidate = self.tracker.get(path)
        attempts = candidate.attempts if candidate else 0
        self.log.info(_format_event(item.office or "-", path, "retry_later", cause=why, attempt=attempts,
                                    retry_in=f"{delay:g}s"))

    def _failed(self, path: Path, what: str, trace: str = "") -> None:
        self.summary.errors += 1
        candidate = self.tracker.get(path)
        errors = candidate.errors if candidate else 0
        delay = self.options.retry.error_delay(errors)
        office = (item_for(self.workspace.inbox, path, self.workspace.config.offices) or InboxItem(path, None, "")).office
        if delay is None:
            self.tracker.park(path)
            self.log.error(_format_event(office or "-", path, "error", detail=what, next="left in inbox until it changes"))
        else:
            self.tracker.defer(path, time.monotonic() + delay, error=True)
            self.log.error(_format_event(office or "-", path, "error", detail=what, retry_in=f"{delay:g}s"))
        if trace:
            self.log.error(trace.rstrip())


# While files are in hand (a batch under the writer lock), SIGINT/SIGTERM are blocked in the
# working thread, so the git, fast-import and extraction processes started meanwhile inherit
# them blocked: a Ctrl-C (which the terminal sends to the whole process group) or a stop sent to
# the whole control group does not kill a commit half-way. The handler only sets the stop flag;
# it runs when another thread (the observer) receives the signal, or between two files, when the
# working thread lets pending signals in; the flag is read between files.
_HELD = {signal.SIGINT, signal.SIGTERM}


def _block_signals() -> set[signal.Signals] | None:
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)


def _unblock_signals(previous: set[signal.Signals] | None) -> None:
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _let_signals_in(previous: set[signal.Signals] | None) -> None:
    """Deliver pending SIGINT/SIGTERM (their handler runs now), then hold them again."""
    if previous is not None and not (_HELD & previous):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
        signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)


def watch(workspace: Workspace, options: WatchOptions, logger: logging.Logger | None = None) -> WatchSummary:
    """Run a watcher on ``workspace`` until SIGTERM/SIGINT (or, with ``options.once``, until drained)."""
    return Watcher(workspace, options, logger).run()
