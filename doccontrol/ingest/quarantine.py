"""Moving a refused file into ``quarantine/<OFFICE>/`` beside its reason, never losing it.

The quarantined copy and its reason are written and fsynced (and their folder) before the inbox
file goes. The quarantine never overwrites: a name is free only when neither the copy nor its
``<name>.reason.txt`` is there, so a name already taken (by another copy, or by a reason file)
gets a suffix ``(2)``, ``(3)``...; identical bytes already there under the name are reused (a
re-run after a crash converges). A copy's name never ends in ``.reason.txt`` (a file dropped
under such a name is kept as ``x.reason (2).txt``), so what is a copy and what is a reason is
never in doubt (:func:`entries`). Names are kept as the file system gave them, bytes that are
not UTF-8 included.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from doccontrol import faults
from doccontrol.core.names import name_bytes
from doccontrol.ingest.inbox import REASON_SUFFIX


def sha256_file(path: Path) -> str:
    import hashlib  # not at start-up: ``status`` counts the quarantine with this module's ``entries``

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
    """``stem + tail`` if it fits in ``room`` bytes (as the file system stores it), else the stem
    cut at a character boundary and marked with a short digest of it (distinct long names stay
    distinct), then ``tail``."""
    if len(name_bytes(stem + tail)) <= room:
        return stem + tail
    import hashlib

    mark = "~" + hashlib.sha1(name_bytes(stem)).hexdigest()[:8]
    budget = room - len(name_bytes(tail)) - len(mark)
    cut = stem
    while cut and len(name_bytes(cut)) > budget:
        cut = cut[:-1]
    return cut + mark + tail


def _name_parts(name: str) -> tuple[str, str]:
    """(stem, suffix) of a dropped name; a suffix over 32 bytes is no suffix."""
    stem, suffix = Path(name).stem, Path(name).suffix
    if len(name_bytes(suffix)) > 32:
        return name, ""
    return stem, suffix


def is_free(folder: Path, name: str) -> bool:
    """True when a copy may be written as ``name``: neither it nor its reason file is there, and
    it does not itself end in ``.reason.txt``."""
    return (not name.endswith(REASON_SUFFIX) and not os.path.lexists(folder / name)
            and not os.path.lexists(folder / (name + REASON_SUFFIX)))


def quarantine_target(folder: Path, name: str, sha256: str | None) -> tuple[Path, bool]:
    """Where a refused file goes; (path, already_there) — identical bytes already there are reused.

    The name is the dropped name, shortened when needed so that its reason file
    (``<name>.reason.txt``) still fits in one file name, with a suffix ``(n)`` when taken.
    ``sha256`` None: the entry itself will be moved (a link, a FIFO); a name whose reason is
    there without its entry (a move interrupted by a crash) is then taken again.
    """
    stem, suffix = _name_parts(name)
    room = NAME_MAX - len(REASON_SUFFIX)
    for n in range(1, 10_000):
        candidate = fitted_name(stem, (f" ({n})" if n > 1 else "") + suffix, room)
        if is_free(folder, candidate):
            return folder / candidate, False
        path, reason = folder / candidate, folder / (candidate + REASON_SUFFIX)
        if candidate.endswith(REASON_SUFFIX):
            continue
        if sha256 and path.is_file() and not path.is_symlink() and sha256_file(path) == sha256:
            return path, True
        if sha256 is None and not os.path.lexists(path) and reason.is_file() and not reason.is_symlink():
            return path, False
    raise OSError(f"too many quarantined files named {name}")


def entries(names: Iterable[str]) -> list[tuple[str, str | None]]:
    """(quarantined file, its reason file or None) among the names of one quarantine folder.

    A name ending in ``.reason.txt`` is a reason when the file it explains is there; otherwise it
    is itself a quarantined file (dropped under such a name before this rule, or its copy taken
    away by a clerk) and is listed, never hidden. Dot-files are temporaries.
    """
    present = {n for n in names if not n.startswith(".")}
    listed = []
    for name in sorted(present):
        if name.endswith(REASON_SUFFIX) and name[: -len(REASON_SUFFIX)] in present:
            continue
        reason = name + REASON_SUFFIX
        listed.append((name, reason if reason in present else None))
    return listed


def _move_entry(source: Path, target: Path) -> None:
    """Move a directory entry as it is (a link stays a link, it is never followed), durably:
    the source goes only once the target's folder is on disk."""
    if os.path.lexists(target):
        raise FileExistsError(str(target))
    try:
        os.rename(source, target)
        _fsync_dir(target.parent)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif stat.S_ISREG(os.lstat(source).st_mode):
        import shutil

        shutil.copyfile(source, target)
        with open(target, "rb+") as handle:
            os.fsync(handle.fileno())
    else:
        return  # anything else (a FIFO, a device on another file system) stays, beside its reason
    _fsync_dir(target.parent)
    source.unlink()


def _copy_durably(source: Path, target: Path) -> None:
    """Copy our staged bytes to ``target`` through a short temporary name (the target's may be near
    NAME_MAX) that is the same for the same target, so a copy left by a crash is overwritten by
    the re-run, not left behind."""
    import hashlib
    import shutil

    tmp = target.with_name(f".{hashlib.sha1(name_bytes(target.name)).hexdigest()[:16]}.tmp")
    shutil.copyfile(source, tmp)
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    if os.path.lexists(target):  # chosen free under the writer lock: someone else put it there
        raise FileExistsError(str(target))
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
