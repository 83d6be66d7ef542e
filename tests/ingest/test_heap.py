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


PYTHON = "/usr/bin/python3"


def test_the_watcher_restarts_itself_with_the_c_allocator_once() -> None:
    module = ["/venv/lib/doccontrol/__main__.py", "--home", "/ws", "watch"]
    assert heap.restart_argv({}, module, [PYTHON, "-m", "doccontrol", "--home", "/ws", "watch"], True) == [
        "-m", "doccontrol", "--home", "/ws", "watch"]
    script = ["/opt/venv/bin/doccontrol", "watch"]
    assert heap.restart_argv({}, script, [PYTHON, "/opt/venv/bin/doccontrol", "watch"], True) == [
        "/opt/venv/bin/doccontrol", "watch"]
    # Already restarted (or chosen by the user): never again.
    assert heap.restart_argv({"PYTHONMALLOC": "malloc"}, script, [PYTHON, *script], True) is None
    assert heap.restart_argv({"PYTHONMALLOC": "pymalloc"}, script, [PYTHON, *script], True) is None
    # No malloc_trim: nothing to gain.
    assert heap.restart_argv({}, script, [PYTHON, *script], False) is None


def test_never_from_inside_another_program() -> None:
    """The tests' in-process runner (or any program calling the CLI) is never replaced."""
    pytest_argv = ["/venv/lib/pytest/__main__.py", "-q", "tests"]
    assert heap.restart_argv({}, pytest_argv, [PYTHON, "-m", "pytest", "-q", "tests"], True) is None
    assert heap.restart_argv({}, ["/x/other/__main__.py"], [PYTHON, "-m", "other"], True) is None
    assert heap.restart_argv({}, [], [PYTHON], True) is None
