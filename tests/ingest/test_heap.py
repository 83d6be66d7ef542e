"""The watcher gives the C heap's free memory back after each batch (glibc's malloc_trim)."""

from __future__ import annotations

import ctypes.util
import sys

import pytest

from doccontrol.ingest import heap


@pytest.mark.skipif(not sys.platform.startswith("linux") or ctypes.util.find_library("c") is None,
                    reason="malloc_trim is glibc's")
def test_free_memory_is_released_where_glibc_is() -> None:
    blocks = [bytearray(64 * 1024) for _ in range(256)]  # 16 MB in the C heap, then freed
    del blocks
    assert heap.release_free_memory() is True


def test_without_malloc_trim_nothing_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_looked", True)
    monkeypatch.setattr(heap, "_trim", None)
    assert heap.release_free_memory() is False
