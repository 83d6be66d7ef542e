"""The single-writer lock of a workspace (``flock``), for git and the index alike."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from doccontrol.errors import WorkspaceError

LOCK_NAME = ".doccontrol.lock"


class WriterBusy(WorkspaceError):
    """Another process held the writer lock for longer than the caller would wait (exit 2)."""


@dataclass(frozen=True)
class LockInfo:
    pid: int
    host: str
    since: float
    purpose: str


def read_lock_info(root: Path) -> LockInfo | None:
    try:
        fields = (root / LOCK_NAME).read_text(encoding="utf-8").split("\t")
        return LockInfo(int(fields[0]), fields[1], float(fields[2]), fields[3].strip())
    except (OSError, ValueError, IndexError):
        return None


def lock_is_held(root: Path) -> bool:
    """True when another process holds the writer lock (checked without taking it for long)."""
    path = root / LOCK_NAME
    if not path.exists():
        return False
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                return True
            raise
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return False


@contextlib.contextmanager
def writer_lock(root: Path, purpose: str, timeout: float | None = None) -> Iterator[int]:
    """One writer per workspace (git and the index), across processes.

    ``flock`` is released by the kernel when its holder dies, so a lock left behind by a crash
    is recovered without any guessing: the file may remain, but nobody holds it. A writer waits
    up to ``timeout`` seconds (default ``DOCCONTROL_LOCK_TIMEOUT`` or 300) for another to finish.

    Yields the lock's file descriptor: a child process given it (``pass_fds``) holds the lock
    too, until it exits — so a git process that outlives a killed writer (``git fast-import``
    finishing its pack after its parent was killed) keeps the next writer out until it is done.
    """
    if timeout is None:
        timeout = float(os.environ.get("DOCCONTROL_LOCK_TIMEOUT", "300"))
    path = root / LOCK_NAME
    handle = open(path, "a+", encoding="utf-8")
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = read_lock_info(root)
                    who = f"pid {holder.pid} ({holder.purpose})" if holder else "another process"
                    raise WriterBusy(
                        f"Không gian làm việc đang bận: {who} đang ghi.",
                        f"The workspace is busy: {who} holds the writer lock {path}.",
                    ) from exc
                time.sleep(0.05)
        handle.seek(0)
        handle.truncate()
        import socket  # the host's name, for messages only: not imported by readers

        record = f"{os.getpid()}\t{socket.gethostname()}\t{time.time():.3f}\t{purpose}\n"
        try:  # who holds the lock, for messages only: a full disk must not keep a writer out
            os.write(handle.fileno(), record.encode("utf-8"))
        except OSError:
            pass
        yield handle.fileno()
    finally:
        handle.close()  # closing the descriptor releases the flock
