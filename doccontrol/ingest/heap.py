"""Give the C heap's free memory back to the system between the watcher's batches.

A batch allocates and frees tens of megabytes in the C heap (git's output, the extracted text,
the search index's segment buffers); glibc keeps what was freed for later, scattered between
the blocks still in use, so a long-running watcher's resident memory creeps up although what it
uses stays flat. ``malloc_trim(0)`` returns the free pages of every arena (not only the top of
the heap) to the system. It costs a few milliseconds, so the watcher calls it once after a batch,
never per file.

Where the C library is not glibc (musl, macOS) there is nothing to call: :func:`release_free_memory`
then does nothing and says so by returning False.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable

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
