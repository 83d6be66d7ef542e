"""The private staging copy of a dropped file: what later stages read, and how we know the
original is still the file that was copied."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import uuid
from dataclasses import dataclass
from pathlib import Path

from doccontrol.core.model import Limits, Refused
from doccontrol.ingest.reasons import hard_linked, not_regular, too_large


@dataclass(frozen=True)
class Staged:
    """A private copy of a dropped file and what identifies the original at the time of copying."""

    path: Path
    sha256: str
    size: int
    identity: tuple[int, int, int, int]  # (device, inode, size, mtime_ns) of the original


def stage_copy(path: Path, staging: Path, limits: Limits) -> Staged:
    """Copy the dropped file into the staging area, refusing what is not a plain regular file.

    The original is opened without following links and without blocking (a FIFO must not hang
    us); the checks use the opened descriptor, so the file we check is the file we copy.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise
    if stat.S_ISLNK(info.st_mode):
        raise Refused(not_regular("lối tắt / liên kết tượng trưng", "a symbolic link"))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused(not_regular("lối tắt / liên kết tượng trưng", "a symbolic link")) from exc
        if exc.errno == errno.ENOENT:
            raise FileNotFoundError(str(path)) from exc
        raise Refused(not_regular(f"không mở được: {exc.strerror}", f"cannot be opened: {exc}")) from exc
    with os.fdopen(fd, "rb") as source:
        info = os.fstat(source.fileno())
        if not stat.S_ISREG(info.st_mode):
            kind = "thư mục" if stat.S_ISDIR(info.st_mode) else "FIFO / thiết bị"
            raise Refused(not_regular(kind, "a directory" if stat.S_ISDIR(info.st_mode) else "a FIFO or device"))
        if info.st_nlink > 1:
            raise Refused(hard_linked())
        if info.st_size > limits.max_bytes:
            raise Refused(too_large(info.st_size, limits.max_bytes))
        staging.mkdir(parents=True, exist_ok=True)
        suffix = Path(path.name).suffix.lower()[:10]
        suffix = suffix if suffix[1:].isascii() and suffix[1:].isalnum() else ""  # the name's bytes stay out
        target = staging / f"{uuid.uuid4().hex}{suffix}"
        digest = hashlib.sha256()
        size = 0
        with open(target, "wb") as sink:
            for block in iter(lambda: source.read(1 << 20), b""):
                size += len(block)
                if size > limits.max_bytes:
                    sink.close()
                    target.unlink()
                    raise Refused(too_large(size, limits.max_bytes))
                digest.update(block)
                sink.write(block)
        identity = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    return Staged(path=target, sha256=digest.hexdigest(), size=size, identity=identity)


def unchanged_since(path: Path, staged: Staged) -> bool:
    """True when ``path`` is still the file that was staged (same inode, size and mtime)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns) == staged.identity


def clean_staging(staging: Path) -> None:
    """Remove staged copies left by an interrupted run (their originals are still in the inbox)."""
    for leftover in staging.glob("*"):
        with contextlib.suppress(OSError):
            leftover.unlink()
