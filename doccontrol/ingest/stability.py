"""Which inbox files are waiting and which are due (pure: callers pass stats and clocks).

- ``Signature``: what identifies one state of a file (inode, size, both change times);
- ``StabilityTracker``: since when each waiting file has been quiet, and which are due. A file is
  due when nothing happened to it for the stability window: no event and the same signature;
- ``RetryPolicy``: a young ``.docx``/``.pdf`` that does not parse yet (a copy that stalled, a save
  in progress) is tried again later with a growing delay; an old one, or one that failed too
  often, goes through the pipeline and is quarantined with its reason.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from doccontrol.ingest.inbox import InboxItem


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
    item: InboxItem | None = None  # what the pipeline gets (office, folder), read once from the path


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

    def observe(
        self, path: Path, signature: Signature, now: float, wall: float, event_at: float | None = None,
        item: InboxItem | None = None,
    ) -> Candidate:
        """Record a stat of ``path`` (and the time of an event for it, if one came; and its inbox item)."""
        candidate = self._files.get(path)
        if candidate is None or candidate.signature != signature:
            age = min(max(0.0, wall - signature.changed_at), self.window)
            quiet_since = now - age
            if event_at is not None:
                quiet_since = max(quiet_since, event_at)
            if candidate is None:
                candidate = Candidate(path=path, signature=signature, quiet_since=quiet_since, item=item)
                self._files[path] = candidate
            else:
                candidate.signature = signature
                candidate.quiet_since = max(candidate.quiet_since, quiet_since)
                candidate.parked = False
                candidate.errors = 0
        elif event_at is not None:
            candidate.quiet_since = max(candidate.quiet_since, event_at)
        if item is not None:
            candidate.item = item
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
