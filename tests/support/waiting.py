"""Waiting for a condition instead of sleeping a fixed time.

A fixed ``time.sleep`` is either too short on a loaded machine (a flaky test) or too long on an
idle one (a slow suite). ``wait_until`` polls the condition the sleep stood for and fails with a
message naming it. The predicates here are the conditions the tests wait for most often.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def wait_until(predicate: Callable[[], T], timeout: float, what: str, *, interval: float = 0.05,
               log: Path | None = None) -> T:
    """Poll ``predicate`` every ``interval`` seconds until it returns a true value, and return
    that value; after ``timeout`` seconds fail with ``what`` in the message (and the tail of
    ``log``, a process's output, where given). An ``AssertionError`` raised by the predicate
    (e.g. "the watcher is still up") ends the wait at once."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    detail = ""
    if log is not None and log.exists():
        detail = "\n" + log.read_text(encoding="utf-8", errors="replace")[-3000:]
    raise AssertionError(f"timed out after {timeout:g}s waiting for {what}{detail}")


def _status(pid: int) -> dict[str, str]:
    """The fields of ``/proc/<pid>/status``; empty once the process is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return {}
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def process_ended(pid: int) -> bool:
    """The process has exited: it is gone, or a zombie its parent has not reaped yet."""
    status = _status(pid)
    return not status or status.get("State", "").startswith(("Z", "X"))


def signal_handled(pid: int, signum: signal.Signals) -> bool:
    """``signum``, sent to ``pid``, is no longer pending: the process has received it (ran its
    handler, ignored it, or died of it)."""
    status = _status(pid)
    if not status:
        return True
    bit = 1 << (int(signum) - 1)
    pending = int(status.get("SigPnd", "0"), 16) | int(status.get("ShdPnd", "0"), 16)
    return not pending & bit


def writer_idle(root: Path) -> bool:
    """Nobody holds the workspace's writer lock: a watcher has finished its batch (commits made
    durable, drops released, the search index updated, all under that lock)."""
    from doccontrol.repo.lock import lock_is_held

    return not lock_is_held(root)
