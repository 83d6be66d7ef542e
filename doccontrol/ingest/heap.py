"""Give the memory a batch freed back to the system between the watcher's batches.

A batch reads procedures, git's output and the extraction worker's results by the hundred and
frees them again. Python keeps its small objects in arenas of its own (pymalloc, 1 MiB each),
which go back to the system only when wholly empty: the objects that live on land between the
freed ones and pin the arenas, so the watcher's resident memory ratchets up with each bigger
batch although what it uses does not (measured for issue 15: 50 arenas, 52 MB, holding 25 MB of
objects). Hence :func:`restart_with_system_allocator` (``PYTHONMALLOC=malloc``: Python's objects
in the C heap) and :func:`release_free_memory`: glibc's ``malloc_trim(0)`` returns the free pages
of every arena of the C heap (not only its top) to the system. It costs a few milliseconds, so
the watcher calls it once after a batch, never per file.

Where the C library is not glibc (musl, macOS) there is nothing to call: nothing is restarted and
:func:`release_free_memory` does nothing and says so by returning False.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

_trim: Callable[[int], int] | None = None
_looked = False


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none."""
    global _trim, _looked
    if not _looked:
        _looked = True
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                function = libc.malloc_trim
            except (OSError, AttributeError):
                function = None
            if function is not None:
                function.argtypes = [ctypes.c_size_t]
                function.restype = ctypes.c_int
                _trim = function
    return _trim


def release_free_memory() -> bool:
    """Return the C heap's free pages to the system (glibc). True when it could be asked."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


ALLOCATOR_VARIABLE = "PYTHONMALLOC"
SYSTEM_ALLOCATOR = "malloc"


def restart_argv(environ: Mapping[str, str], argv: Sequence[str], orig_argv: Sequence[str],
                 trim_available: bool) -> list[str] | None:
    """The arguments (after the interpreter) to start this watcher again with Python's objects in
    the C heap, or None when it is not to be done: the allocator already chosen (by this restart
    or by the user), no ``malloc_trim`` to give pages back, or not started as ``doccontrol``
    itself (``python -m doccontrol`` or the ``doccontrol`` script: never from inside another
    program, such as the tests' in-process runner)."""
    if environ.get(ALLOCATOR_VARIABLE) or not trim_available or not argv or len(orig_argv) < 2:
        return None
    started_as = Path(argv[0])
    if not (started_as.name == "doccontrol" or (started_as.name == "__main__.py" and started_as.parent.name == "doccontrol")):
        return None
    return list(orig_argv[1:])


def restart_with_system_allocator() -> None:
    """Replace this process (same pid, same arguments) by one whose Python objects live in the C
    heap (see :func:`restart_argv`); returns only when that is not to be done. Call it before
    anything is opened or locked."""
    rest = restart_argv(os.environ, sys.argv, getattr(sys, "orig_argv", []), _malloc_trim() is not None)
    if rest is None:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *rest], {**os.environ, ALLOCATOR_VARIABLE: SYSTEM_ALLOCATOR})
