"""``doccontrol watch``: turn every file that lands in ``inbox/<OFFICE>/`` into a revision or a
quarantined file, without anyone running a command.

The watcher only watches: it keeps track of what is waiting (``scanner``, ``stability``), waits
until each file has stayed unchanged for the stability window, and hands due files, as plain
:class:`~doccontrol.ingest.inbox.InboxItem` objects, to the one ingest entry
(:func:`~doccontrol.ingest.session.ingest_session`) — the same that ``doccontrol ingest`` uses —
in small batches, so that a manual ``doccontrol ingest`` gets the writer lock in between. A young
file is handed over as one that ``may_be_incomplete``: if it looks half-written the pipeline
answers ``retry_later`` and the watcher tries it again after a growing delay.

The parts: ``observer`` (watchdog events as hints), ``scanner`` (hints and rescans → stats),
``stability`` (which files are due; the retry policy), ``watch_lock`` (one watcher per
workspace), ``watch_log`` (its log lines). Crash safety comes from the pipeline: a file leaves
the inbox only after its bytes are committed or quarantined, and a re-run converges (same bytes
→ duplicate). The watcher adds nothing that could be lost: its state is in memory and rebuilt
from the inbox by the start-up scan.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from doccontrol.core.config import CONFIG_NAME, WatchSettings
from doccontrol.core.model import IngestStatus, Outcome
from doccontrol.errors import WorkspaceError
from doccontrol.extract.sandbox import Extractor
from doccontrol.ingest.heap import release_free_memory
from doccontrol.ingest.inbox import InboxItem
from doccontrol.ingest.observer import Hint, InboxObserver
from doccontrol.ingest.pipeline import RETRY_LATER, Ingestor
from doccontrol.ingest.scanner import InboxScanner
from doccontrol.ingest.session import ingest_session
from doccontrol.ingest.stability import RetryPolicy, Signature, StabilityTracker
from doccontrol.ingest.watch_lock import WatcherLock
from doccontrol.core.names import printable
from doccontrol.core.outcomes import describe
from doccontrol.ingest.watch_log import LOGGER_NAME, OverflowAlarm, for_people, format_event, format_outcome, quote
from doccontrol.repo.lock import WriterBusy
from doccontrol.workspace import Workspace, load

MODE_VI = {"native": "theo sự kiện của hệ điều hành", "poll": "quét định kỳ", "once": "một lần rồi dừng"}


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
    """The single worker: the observer's hints, rescans, stability, batches handed to the ingest
    entry under the writer lock, and stopping cleanly on SIGTERM/SIGINT."""

    def __init__(self, workspace: Workspace, options: WatchOptions, logger: logging.Logger | None = None) -> None:
        self.workspace = workspace
        self.options = options
        self.log = logger or logging.getLogger(LOGGER_NAME)
        self.tracker = StabilityTracker(options.stable_seconds)
        self.scanner = InboxScanner(workspace, self.tracker, self.log)
        self.summary = WatchSummary()
        self._hints: queue.SimpleQueue[Hint] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._overflow = threading.Event()
        self._observer: InboxObserver | None = None
        self._extractor: Extractor | None = None
        self._last_work = time.monotonic()
        self._next_rescan = 0.0
        self._next_health = 0.0
        self._config_mtime = self._config_stamp()
        self._pusher: Any = None
        self._busy_logged = False

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
        alarm = OverflowAlarm(self._overflow)
        logging.getLogger("watchdog.observers.inotify_c").addHandler(alarm)
        restore = self._install_signals()
        try:
            self._start_pusher()
            if not self.options.once:
                self._start_observer()  # before the first scan, so nothing arriving meanwhile is missed
            self.log.info(
                "watch start pid=%d mode=%s stable_seconds=%g interval=%g rescan_seconds=%g inbox=%s",
                os.getpid(), mode, self.options.stable_seconds, self.options.interval,
                self.options.rescan_seconds, quote(self.workspace.inbox),
                extra=for_people(f"Bắt đầu theo dõi thư mục nhận {self.workspace.inbox} "
                                 f"({MODE_VI.get(mode, mode)}; watch start, pid {os.getpid()})"),
            )
            self._rescan()
            self._loop()
        finally:
            restore()
            logging.getLogger("watchdog.observers.inotify_c").removeHandler(alarm)
            self._stop_observer()
            self._close_extractor()
            self._stop_pusher()
            self._log_stop()
            lock.release()
        return self.summary

    def _log_stop(self) -> None:
        self.summary.left_waiting = len(self.tracker)
        counts = self.summary.outcomes
        ingested, duplicate, quarantined = (
            counts.get(s, 0) for s in (IngestStatus.INGESTED, IngestStatus.DUPLICATE, IngestStatus.QUARANTINED))
        self.log.info(
            "watch stop pid=%d reason=%s ingested=%d duplicate=%d quarantined=%d retried=%d errors=%d waiting=%d",
            os.getpid(), self.summary.stopped_by or "done", ingested, duplicate, quarantined, self.summary.retried,
            self.summary.errors, self.summary.left_waiting,
            extra=for_people(f"Đã dừng theo dõi: {ingested} tệp tiếp nhận, {duplicate} trùng lặp, {quarantined} bị "
                             f"cách ly, {self.summary.left_waiting} còn chờ (watch stop)"),
        )

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
                self.log.warning("inotify queue overflow: full rescan",
                                 extra=for_people("Quá nhiều thay đổi cùng lúc: quét lại toàn bộ thư mục nhận."))
                self._rescan()
            if not self.options.once and now >= self._next_health:
                self._next_health = now + min(2.0, max(0.5, self.options.interval))
                self._check_observer()
            if (now >= self._next_rescan or self.scanner.rescan_requested) and not self.options.once:
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
        self.scanner.apply([hint])

    def _idle(self, now: float) -> None:
        if self._extractor is not None and now - self._last_work > self.options.idle_close_seconds:
            self._extractor.close()  # started again on the next file

    def _drain_hints(self) -> None:
        hints: list[Hint] = []
        while True:
            try:
                hints.append(self._hints.get_nowait())
            except queue.Empty:
                break
        if hints:
            self.scanner.apply(hints)

    def _rescan(self) -> None:
        self._next_rescan = time.monotonic() + max(1.0, self.options.rescan_seconds)
        self._maybe_reload_config()
        self.scanner.rescan()

    # -- configuration -----------------------------------------------------------------------------

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
            self.log.error("doccontrol.toml changed but cannot be read, keeping the old settings: %s", exc.message_en,
                           extra=for_people(f"doccontrol.toml vừa sửa nhưng bị lỗi, vẫn dùng cấu hình cũ: {exc.message_vi}"))
            return
        self.workspace = self.scanner.workspace = workspace
        self.log.info("doccontrol.toml reloaded: offices=%s", ",".join(workspace.config.offices),
                      extra=for_people(f"Đã đọc lại doccontrol.toml; các phòng: {', '.join(workspace.config.offices)}"))

    # -- the observer ------------------------------------------------------------------------------

    def _start_observer(self) -> None:
        inbox = self.workspace.inbox
        if not inbox.is_dir():
            return
        observer = InboxObserver(inbox, self._hints.put, self.options.poll, self.options.interval)
        try:
            observer.start()
        except OSError as exc:
            self.log.error("cannot watch %s: %s (rescans every %gs still find files)", quote(inbox), exc,
                           self.options.rescan_seconds,
                           extra=for_people(f"Không theo dõi được {inbox} ({exc}); vẫn quét lại mỗi "
                                            f"{self.options.rescan_seconds:g} giây."))
            return
        self._observer = observer

    def _stop_observer(self) -> None:
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()

    def _check_observer(self) -> None:
        """Restart the observer when it died or the inbox was replaced (a share back after an outage)."""
        if self._observer is not None and self._observer.healthy():
            return
        if not self.workspace.inbox.is_dir():
            if self._observer is not None:
                self.scanner.note_missing()
                self._stop_observer()
            return
        self._stop_observer()
        self._start_observer()
        if self._observer is not None:
            self.log.info("watching %s again (%s); full rescan", quote(self.workspace.inbox),
                          "polling" if self.options.poll else "native events",
                          extra=for_people(f"Theo dõi lại thư mục nhận {self.workspace.inbox}; quét lại toàn bộ."))
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

    # -- handing files over ------------------------------------------------------------------------

    def _extractor_for_batch(self) -> Extractor:
        if self._extractor is None:
            self._extractor = Extractor(self.workspace.config.limits)
        return self._extractor

    def _close_extractor(self) -> None:
        extractor, self._extractor = self._extractor, None
        if extractor is not None:
            extractor.close()

    def _work(self, due: list[Path]) -> None:
        """Hand a small batch of due files to the ingest entry under the writer lock, then let others in."""
        batch = due[: max(1, self.options.batch_files)]
        try:
            committed = self._process_batch(batch)
        except WriterBusy as exc:  # a manual ingest (or another writer) has it: look around, try again
            if not self._busy_logged:
                self.log.info("workspace busy, waiting: %s", exc.message_en,
                              extra=for_people(f"Kho đang bận, chờ đến lượt: {exc.message_vi}"))
                self._busy_logged = True
            return
        except Exception as exc:  # the repository or the extractor failed: never die, try again shortly
            self.summary.errors += 1
            self.log.error("batch failed, retrying shortly:\n%s", traceback.format_exc().rstrip(),
                           extra=for_people(f"Lỗi khi xử lý các tệp vừa đến, sẽ thử lại sau ít giây ({type(exc).__name__}: "
                                            f"{exc}; chi tiết trong logs/doccontrol.log)."))
            until = time.monotonic() + 5.0
            for path in batch:
                self.tracker.defer(path, until)
            return
        self._busy_logged = False
        self._last_work = time.monotonic()
        release_free_memory()  # what the batch freed goes back to the system, not kept for later
        if committed and self._pusher is not None:
            self._pusher.request()
        wake = self.tracker.next_wakeup()
        if wake is not None and wake <= time.monotonic() and not self.stopping:
            time.sleep(0.1)  # more is due: first let a waiting manual ingest take the writer lock

    def _process_batch(self, batch: list[Path]) -> bool:
        """One hold of the writer lock: one ingest session (its commits made durable, the drops
        released and the index updated before the lock goes). Signals are held meanwhile."""
        deadline = float("inf")  # set at the first file: recovering a big repository takes its own time
        done: list[tuple[Path, Signature, Outcome | None]] = []
        held = _block_signals()  # every process started in here (git, fast-import, the worker) inherits it
        try:
            with ingest_session(
                self.workspace, purpose="watch", lock_timeout=self.options.lock_wait,
                extractor=self._extractor_for_batch(), batch_files=self.options.batch_files,
                batch_seconds=self.options.batch_seconds,
            ) as ingestor:
                for index, path in enumerate(batch):
                    _let_signals_in(held)  # a SIGTERM waiting since the last file stops us here
                    if self.stopping or (index and time.monotonic() > deadline):
                        break
                    if not index:
                        deadline = time.monotonic() + self.options.batch_seconds
                    self._drain_hints()
                    result = self._process_one(ingestor, path)
                    if result is not None:
                        done.append((path, *result))
        finally:
            _unblock_signals(held)
        for path, signature, outcome in done:
            self._after(path, signature, outcome)
        return any(outcome is not None and outcome.status == IngestStatus.INGESTED for _, _, outcome in done)

    def _due_item(self, path: Path) -> tuple[InboxItem, Signature, float] | None:
        """The item of a due file that is still as it was when it became due: (item, signature,
        its age in seconds); None when it is not to be taken now (gone, changed, parked)."""
        candidate = self.tracker.get(path)
        if candidate is None or candidate.parked or candidate.item is None:
            return None
        try:
            signature = Signature.of(os.lstat(path))
        except FileNotFoundError:
            self.tracker.forget(path)
            return None
        except OSError as exc:
            self._failed(path, f"stat: {exc}")
            return None
        now, wall = time.monotonic(), time.time()
        if not self.tracker.confirm(path, signature, now, wall):
            return None  # changed since it became due: wait for a new quiet window
        if self.tracker.ready_at(candidate) > now:
            return None
        return candidate.item, signature, max(0.0, wall - signature.changed_at)

    def _process_one(self, ingestor: Ingestor, path: Path) -> tuple[Signature, Outcome | None] | None:
        """Hand one due file to the pipeline: (its signature, the outcome), or None when it was
        not taken (changed, not ready, left for a retry, failed)."""
        found = self._due_item(path)
        if found is None:
            return None
        item, signature, age = found
        candidate = self.tracker.get(path)
        delay = self.options.retry.delay(candidate.attempts if candidate else 0, age)
        try:
            outcome = ingestor.process(InboxItem(item.path, item.office, item.folder, may_be_incomplete=delay is not None))
        except Exception as exc:  # noqa: BLE001 - one file must never stop the watcher
            self._failed(path, f"{type(exc).__name__}: {exc}", traceback.format_exc())
            return None
        if outcome is not None and outcome.status == RETRY_LATER:
            assert delay is not None
            self._retry(item, path, outcome.cause or "", delay)
            return None
        return signature, outcome

    def _after(self, path: Path, signature: Signature, outcome: Outcome | None) -> None:
        if outcome is not None and outcome.status == RETRY_LATER:  # its group's commits were lost: again
            self.summary.count(outcome.status)
            self.log.warning(format_outcome(outcome), extra=for_people(describe(outcome)))
            self.tracker.defer(path, time.monotonic() + 1.0, error=True)
            return
        if outcome is not None:
            self.summary.count(outcome.status)
            line = format_outcome(outcome)
            (self.log.warning if outcome.status == IngestStatus.QUARANTINED else self.log.info)(
                line, extra=for_people(describe(outcome)))
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
            office = outcome.office if outcome else "-"
            self.log.error(format_event(office, path, "left_in_inbox"), extra=for_people(
                f"[{office}] {printable(path.name)}: không chuyển ra khỏi thư mục nhận được, để nguyên tại đó."))
        else:
            self.tracker.observe(path, now, time.monotonic(), time.time())  # changed meanwhile: again

    def _retry(self, item: InboxItem, path: Path, why: str, delay: float) -> None:
        self.summary.retried += 1
        self.tracker.defer(path, time.monotonic() + delay, attempt=True)
        candidate = self.tracker.get(path)
        attempts = candidate.attempts if candidate else 0
        self.log.info(format_event(item.office or "-", path, "retry_later", cause=why, attempt=attempts,
                                   retry_in=f"{delay:g}s"), extra=for_people(
            f"[{item.office or '-'}] {printable(path.name)}: chưa đọc được (có thể đang được chép vào), "
            f"thử lại sau {delay:g} giây."))

    def _failed(self, path: Path, what: str, trace: str = "") -> None:
        self.summary.errors += 1
        candidate = self.tracker.get(path)
        errors = candidate.errors if candidate else 0
        delay = self.options.retry.error_delay(errors)
        office = candidate.item.office if candidate and candidate.item else None
        head = f"[{office or '-'}] {printable(path.name)}: lỗi khi xử lý ({what})"
        if delay is None:
            self.tracker.park(path)
            self.log.error(format_event(office or "-", path, "error", detail=what, next="left in inbox until it changes"),
                           extra=for_people(f"{head}; để nguyên trong thư mục nhận cho đến khi tệp thay đổi."))
        else:
            self.tracker.defer(path, time.monotonic() + delay, error=True)
            self.log.error(format_event(office or "-", path, "error", detail=what, retry_in=f"{delay:g}s"),
                           extra=for_people(f"{head}; thử lại sau {delay:g} giây."))
        if trace:
            self.log.error(trace.rstrip(), extra=for_people(""))  # the traceback: in the log file only


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
