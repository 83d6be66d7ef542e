"""One watcher per workspace: ``logs/watch.lock``, an exclusive ``flock`` held for the watcher's life."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from doccontrol.errors import WorkspaceError
from doccontrol.workspace import Workspace

WATCH_LOCK_NAME = "watch.lock"  # in logs/


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
        import socket  # the host's name, for people: not imported by ``status``, which reads the lock

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
