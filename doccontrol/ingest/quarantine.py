"""Moving a refused file into ``quarantine/<OFFICE>/`` beside its reason, never losing it.

The quarantined copy and its reason are written and fsynced before the inbox file goes; a name
already taken by other bytes gets a suffix, identical bytes already there are reused (a re-run
after a crash converges).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import stat
import uuid
from collections.abc import Callable
from pathlib import Path

from doccontrol import faults
from doccontrol.ingest.inbox import REASON_SUFFIX


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{uuid.uuid4().hex}.tmp")  # short: ``path``'s name may be near NAME_MAX
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


NAME_MAX = 255  # bytes in one file name (ext4, xfs, btrfs, tmpfs...)


def fitted_name(stem: str, tail: str, room: int) -> str:
    """``stem + tail`` if it fits in ``room`` bytes (UTF-8), else the stem cut at a character
    boundary and marked with a short digest of it (distinct long names stay distinct), then ``tail``."""
    if len((stem + tail).encode("utf-8")) <= room:
        return stem + tail
    mark = "~" + hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
    budget = room - len(tail.encode("utf-8")) - len(mark)
    return stem.encode("utf-8")[: max(0, budget)].decode("utf-8", "ignore") + mark + tail


def quarantine_target(folder: Path, name: str, sha256: str | None) -> tuple[Path, bool]:
    """Where a refused file goes; (path, already_there) — identical bytes already there are reused.

    The name is the dropped name, shortened when needed so that its reason file
    (``<name>.reason.txt``) still fits in one file name.
    """
    stem, suffix = Path(name).stem, Path(name).suffix
    if len(suffix.encode("utf-8")) > 32:
        stem, suffix = name, ""
    room = NAME_MAX - len(REASON_SUFFIX)
    for n in range(1, 10_000):
        candidate = folder / fitted_name(stem, (f" ({n})" if n > 1 else "") + suffix, room)
        if not os.path.lexists(candidate):
            return candidate, False
        if sha256 and candidate.is_file() and not candidate.is_symlink() and sha256_file(candidate) == sha256:
            return candidate, True
    raise OSError(f"too many quarantined files named {name}")


def _move_entry(source: Path, target: Path) -> None:
    """Move a directory entry as it is (a link stays a link, it is never followed)."""
    try:
        os.rename(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
            source.unlink()
        elif stat.S_ISREG(os.lstat(source).st_mode):
            shutil.copyfile(source, target)
            with open(target, "rb+") as handle:
                os.fsync(handle.fileno())
            source.unlink()
        # anything else (a FIFO, a device on another file system) stays, beside its reason


def _copy_durably(source: Path, target: Path) -> None:
    """Copy our staged bytes to ``target`` through a short temporary name (the target's may be near
    NAME_MAX) that is the same for the same target, so a copy left by a crash is overwritten by
    the re-run, not left behind."""
    tmp = target.with_name(f".{hashlib.sha1(target.name.encode('utf-8')).hexdigest()[:16]}.tmp")
    shutil.copyfile(source, tmp)
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, target)


def _same_entry(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def quarantine(
    folder: Path, source: Path, name: str, reason_text: str, staged: Path | None, sha256: str | None,
    remove_source: bool, source_unchanged: Callable[[], bool],
) -> Path:
    """Put a refused file into ``folder`` beside ``<name>.reason.txt``; returns where it went.

    ``staged``: our private copy (None when the file was never copied: a link, a FIFO, too
    large, an unknown office — then the directory entry itself is moved). ``remove_source``:
    the file came from the inbox (a file named on the command line stays where it is); it is
    removed only if ``source_unchanged()`` (nobody rewrote it meanwhile).
    """
    folder.mkdir(parents=True, exist_ok=True)
    if staged is None and source.parent == folder:  # retried from here and never read: it stays
        target, already = source, True
    else:
        target, already = quarantine_target(folder, name, sha256)
    if staged is not None and not already:
        _copy_durably(staged, target)
        faults.point("after_quarantine_copy")
    _write_durably(target.with_name(target.name + REASON_SUFFIX), reason_text.encode("utf-8"))
    _fsync_dir(folder)
    faults.point("after_quarantine")
    if remove_source and _same_entry(source, target):
        pass  # a quarantined file tried again and refused again: it stays, beside its new reason
    elif remove_source:
        if staged is None:
            _move_entry(source, target)
        elif source_unchanged():
            source.unlink()
        _fsync_dir(source.parent)
    return target
