"""The watcher's small parts, without a watcher: stability, retries, readiness, log lines, lock, events."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from support.workspace import make_workspace, spec

from doccontrol import workspace as ws_module
from doccontrol.core.model import Limits, Outcome
from doccontrol.demo.samples import build_docx, build_pdf
from doccontrol.extract.validate import incomplete_reason
from doccontrol.ingest.observer import Hint, _make_handler
from doccontrol.ingest.stability import RetryPolicy, Signature, StabilityTracker
from doccontrol.ingest.watch import WatchOptions
from doccontrol.ingest.watch_lock import AlreadyWatching, WatcherLock, running_watcher
from doccontrol.ingest.watch_log import format_outcome
from doccontrol.core.config import WatchSettings

WALL = 1_700_000_000.0  # a wall-clock "now" for the tracker


def sig(size: int = 100, changed: float = WALL - 3600, ino: int = 7) -> Signature:
    ns = int(changed * 1e9)
    return Signature(dev=1, ino=ino, size=size, mtime_ns=ns, ctime_ns=ns)


P = Path("/ws/inbox/VP/a.docx")
Q = Path("/ws/inbox/VP/b.docx")


# --- StabilityTracker --------------------------------------------------------------------------------


def test_an_old_file_found_by_a_scan_is_due_at_once() -> None:
    tracker = StabilityTracker(window=2.0)
    tracker.observe(P, sig(), now=100.0, wall=WALL)
    assert tracker.due(100.0) == [P]


def test_a_fresh_file_waits_for_the_whole_window() -> None:
    tracker = StabilityTracker(window=2.0)
    tracker.observe(P, sig(changed=WALL), now=100.0, wall=WALL)
    assert tracker.due(101.9) == []
    assert tracker.next_wakeup() == pytest.approx(102.0)
    assert tracker.due(102.0) == [P]


def test_the_credit_from_the_file_time_never_exceeds_the_window_and_a_future_time_gives_none() -> None:
    tracker = StabilityTracker(window=2.0)
    tracker.observe(P, sig(changed=WALL - 0.5), now=100.0, wall=WALL)  # written half a second ago
    assert tracker.next_wakeup() == pytest.approx(101.5)
    tracker.observe(Q, sig(changed=WALL + 30), now=100.0, wall=WALL)  # a file server's clock ahead of ours
    assert tracker.ready_at(tracker.get(Q)) == pytest.approx(102.0)  # type: ignore[arg-type]


def test_events_and_changes_restart_the_window() -> None:
    tracker = StabilityTracker(window=2.0)
    tracker.observe(P, sig(size=10, changed=WALL), now=100.0, wall=WALL)
    tracker.observe(P, sig(size=10, changed=WALL), now=101.5, wall=WALL + 1.5, event_at=101.5)  # an event
    assert tracker.due(102.5) == []
    tracker.observe(P, sig(size=20, changed=WALL + 2.4), now=102.4, wall=WALL + 2.4)  # it grew
    assert tracker.due(104.3) == []
    assert tracker.due(104.4) == [P]


def test_confirm_catches_a_change_since_the_file_became_due() -> None:
    tracker = StabilityTracker(window=1.0)
    tracker.observe(P, sig(size=10), now=100.0, wall=WALL)
    assert tracker.confirm(P, sig(size=10), now=100.0, wall=WALL)
    assert not tracker.confirm(P, sig(size=11, changed=WALL), now=100.0, wall=WALL)
    assert tracker.due(100.5) == [] and tracker.due(101.0) == [P]


def test_defer_park_forget_and_counts() -> None:
    tracker = StabilityTracker(window=0.0)
    tracker.observe(P, sig(), now=100.0, wall=WALL)
    tracker.observe(Q, sig(ino=8), now=100.0, wall=WALL)
    tracker.defer(P, until=110.0, attempt=True)
    assert tracker.due(105.0) == [Q] and tracker.get(P).attempts == 1  # type: ignore[union-attr]
    tracker.park(Q)
    assert tracker.due(200.0) == [P]
    assert tracker.counts() == {"waiting": 2, "retrying": 1, "parked": 1}
    tracker.observe(Q, sig(ino=8, size=5), now=200.0, wall=WALL)  # a parked file that changes is back
    assert Q in tracker.due(200.0)
    tracker.forget(P)
    assert P not in tracker and len(tracker) == 1


def test_due_files_come_in_the_order_they_arrived() -> None:
    tracker = StabilityTracker(window=1.0)
    tracker.observe(Q, sig(changed=WALL - 50, ino=2), now=100.0, wall=WALL)  # revision 1, older
    tracker.observe(P, sig(changed=WALL - 10, ino=1), now=100.0, wall=WALL)  # revision 2
    assert tracker.due(100.0) == [Q, P]


def test_settling_counts_files_that_will_soon_be_due_but_not_long_retries() -> None:
    tracker = StabilityTracker(window=1.0)
    tracker.observe(P, sig(changed=WALL), now=100.0, wall=WALL)
    tracker.observe(Q, sig(ino=9), now=100.0, wall=WALL)
    tracker.defer(Q, until=160.0, attempt=True)
    assert tracker.settling(100.0) == 1


# --- RetryPolicy -------------------------------------------------------------------------------------


def test_retry_policy_backs_off_and_is_bounded() -> None:
    policy = RetryPolicy(young_seconds=300, max_attempts=4, first_delay=2, max_delay=10)
    assert [policy.delay(n, age=5) for n in range(5)] == [2, 4, 8, 10, None]
    assert policy.delay(0, age=300) is None  # old: the pipeline decides at once
    assert policy.error_delay(0) == 5 and policy.error_delay(5) is None


def test_options_from_settings_and_overrides() -> None:
    settings = WatchSettings(poll=True, interval=3.0, stable_seconds=4.0, rescan_seconds=30.0)
    options = WatchOptions.from_settings(settings, stable_seconds=0.5, poll=None, once=True)
    assert (options.poll, options.interval, options.stable_seconds, options.rescan_seconds, options.once) == (
        True, 3.0, 0.5, 30.0, True,
    )
    assert options.retry.first_delay == 1.0 and options.retry.young_seconds == 300
    assert WatchOptions.from_settings(settings, young_seconds=0).retry.young_seconds == 0


# --- readiness -----------------------------------------------------------------------------------------


def test_incomplete_reason_tells_a_file_in_transit_from_a_wrong_one(tmp_path: Path) -> None:
    limits = Limits()
    whole = build_docx(spec(), tmp_path / "whole.docx")
    assert incomplete_reason(whole, limits) is None
    data = whole.read_bytes()
    (tmp_path / "half.docx").write_bytes(data[: len(data) // 2])
    assert incomplete_reason(tmp_path / "half.docx", limits) == "damaged"
    (tmp_path / "empty.docx").write_bytes(b"")
    assert incomplete_reason(tmp_path / "empty.docx", limits) == "empty"
    pdf = build_pdf(spec(), tmp_path / "whole.pdf")
    assert incomplete_reason(pdf, limits) is None
    pdf_data = pdf.read_bytes()
    (tmp_path / "half.pdf").write_bytes(pdf_data[: len(pdf_data) // 2])
    assert incomplete_reason(tmp_path / "half.pdf", limits) == "pdf_without_eof"
    # Whole but wrong: for the pipeline to refuse at once, with its reason.
    (tmp_path / "notes.txt").write_text("không phải quy trình", encoding="utf-8")
    assert incomplete_reason(tmp_path / "notes.txt", limits) is None
    with zipfile.ZipFile(tmp_path / "sheet.docx", "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    assert incomplete_reason(tmp_path / "sheet.docx", limits) is None


# --- log lines ------------------------------------------------------------------------------------------


def test_one_log_line_per_file() -> None:
    ingested = Outcome(file="/ws/inbox/LDVL/QT 01.docx", office="LDVL", status="ingested", code="QT-01/LĐTBXH",
                       revision=2, commit="0123456789abcdef0123", seconds=0.4567)
    assert format_outcome(ingested) == (
        'office=LDVL file="QT 01.docx" outcome=ingested code=QT-01/LĐTBXH revision=2 seconds=0.457 commit=0123456789ab'
    )
    refused = Outcome(file="/ws/inbox/VP/x.txt", office="VP", status="quarantined", cause="unsupported_type",
                      reason="Không nhận dạng được loại tệp", seconds=0.01)
    assert format_outcome(refused) == (
        'office=VP file=x.txt outcome=quarantined code=- revision=- seconds=0.010 cause=unsupported_type '
        'reason="Không nhận dạng được loại tệp"'
    )


# --- the watcher lock ------------------------------------------------------------------------------------


def test_the_watcher_lock_is_exclusive_and_visible(tmp_path: Path) -> None:
    workspace = ws_module.open_workspace(make_workspace(tmp_path))
    assert running_watcher(workspace) is None
    with WatcherLock(workspace, "native"):
        info = running_watcher(workspace)
        assert info is not None and info.pid == os.getpid() and info.mode == "native"
        with pytest.raises(AlreadyWatching) as raised:
            WatcherLock(workspace, "poll").acquire(attempts=2)
        assert raised.value.exit_code == 2 and f"pid {os.getpid()}" in raised.value.message_vi
    assert running_watcher(workspace) is None


# --- events -> hints ---------------------------------------------------------------------------------------


def _event(kind: str, src: str, dest: str = "", is_directory: bool = False) -> SimpleNamespace:
    return SimpleNamespace(event_type=kind, src_path=src, dest_path=dest, is_directory=is_directory)


def test_events_become_hints() -> None:
    hints: list[Hint] = []
    handler = _make_handler(hints.append)
    handler.on_any_event(_event("opened", "/i/VP/a.docx"))  # our own reading: nothing
    handler.on_any_event(_event("closed_no_write", "/i/VP/a.docx"))
    handler.on_any_event(_event("closed", "/i/VP/a.docx"))
    handler.on_any_event(_event("moved", "/i/VP/~WRD0001.tmp", "/i/VP/a.docx"))
    handler.on_any_event(_event("moved", "/elsewhere/d", "/i/VP/d", is_directory=True))
    handler.on_any_event(_event("deleted", "/i/VP/b.docx"))
    handler.on_any_event(_event("modified", "/i/VP", is_directory=True))
    got = [(h.kind, h.path, h.activity) for h in hints]
    assert got == [
        ("file", "/i/VP/a.docx", True),
        ("file", "/i/VP/~WRD0001.tmp", False),
        ("file", "/i/VP/a.docx", True),
        ("tree", "/i/VP/d", False),
        ("file", "/i/VP/b.docx", False),
    ]


def test_polling_events_only_say_look_the_file_times_tell_when() -> None:
    hints: list[Hint] = []
    handler = _make_handler(hints.append, timely=False)
    handler.on_any_event(_event("created", "/i/VP/a.docx"))
    handler.on_any_event(_event("modified", "/i/VP/a.docx"))
    handler.on_any_event(_event("moved", "/i/VP/x.tmp", "/i/VP/b.docx"))
    assert [(h.path, h.activity) for h in hints] == [
        ("/i/VP/a.docx", False), ("/i/VP/a.docx", False), ("/i/VP/x.tmp", False), ("/i/VP/b.docx", False),
    ]


def test_an_inotify_overflow_reported_in_watchdogs_log_raises_the_rescan_flag() -> None:
    import logging
    import threading

    from doccontrol.ingest.watch_log import OverflowAlarm as _OverflowAlarm

    flag = threading.Event()
    alarm = _OverflowAlarm(flag)
    logger = logging.getLogger("watchdog.observers.inotify_c")
    logger.addHandler(alarm)
    try:
        logger.warning("Some other warning")
        assert not flag.is_set()
        logger.warning("Inotify queue overflowed; filesystem events were lost")
        assert flag.is_set()
    finally:
        logger.removeHandler(alarm)
