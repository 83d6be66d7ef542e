"""A real git server for tests and benchmarks: ``git daemon`` on 127.0.0.1, a free port, a folder
of bare repositories (``--export-all --enable=receive-pack``: anyone on this machine may fetch and
push, which is what a test wants)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def git_daemon(base: Path) -> Iterator[int]:
    """Serve the repositories under ``base`` as ``git://127.0.0.1:<port>/<name>``; yields the port."""
    port = free_port()
    process = subprocess.Popen(
        ["git", "daemon", "--export-all", "--enable=receive-pack", "--reuseaddr", f"--base-path={base}",
         "--listen=127.0.0.1", f"--port={port}", str(base)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("git daemon did not start")
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
