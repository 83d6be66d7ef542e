"""Support for the watcher tests (no tests here): many distinct documents fast, a watcher process.

Building a .docx with ``doccontrol.samples.build_docx`` takes ~70 ms; the burst tests need
hundreds. ``DocFactory`` builds one document per test session and makes each further one by
replacing the procedure code inside its zip (a few ms): real, distinct, parseable documents.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from helpers import git, spec

from doccontrol.demo.samples import build_docx

PLACEHOLDER = "QT-900/ZZW"


class DocFactory:
    """Distinct, valid procedure documents (.docx) differing by their code."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        template = build_docx(spec(code=PLACEHOLDER, office="LDVL", tthc=()), folder / "template.docx")
        with zipfile.ZipFile(template) as zf:
            self.parts = [(info, zf.read(info)) for info in zf.infolist()]
        assert any(PLACEHOLDER.encode() in data for _, data in self.parts)

    def data(self, code: str) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in self.parts:
                zf.writestr(info, data.replace(PLACEHOLDER.encode(), code.encode()))
        return out.getvalue()

    def write(self, path: Path, code: str) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.data(code))
        return path


def code_for(number: int) -> str:
    return f"QT-{number:04d}/W"


def start_watcher(home: Path, log: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """``doccontrol watch`` as a real process (own session, so signals reach only it)."""
    handle = open(log, "ab")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "doccontrol", "--home", str(home), "watch", *args],
            stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})}, start_new_session=True,
        )
    finally:
        handle.close()


def wait_for(predicate: Callable[[], bool], timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    detail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{detail}")


def wait_started(log: Path, timeout: float = 30.0) -> None:
    """The watcher has finished its start-up scan when it logs its start line and observes."""
    wait_for(lambda: log.exists() and "watch start" in log.read_text(encoding="utf-8", errors="replace"),
             timeout, "the watcher to start", log)
    time.sleep(0.3)  # the observer is started right after the start line


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 60) -> int:
    if process.poll() is None:
        process.send_signal(sig)
    return process.wait(timeout=timeout)


def kill(process: subprocess.Popen[bytes]) -> None:
    """kill -9 the watcher and whatever it started (the extraction worker, git)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def inbox_count(home: Path) -> int:
    return sum(1 for p in (home / "inbox").rglob("*") if p.is_file() or p.is_symlink())


def quarantined_names(home: Path) -> list[str]:
    return sorted(
        p.name for p in (home / "quarantine").rglob("*")
        if (p.is_file() or p.is_symlink()) and not p.name.endswith(".reason.txt") and not p.name.startswith(".")
    )


def revision_tags(home: Path) -> list[str]:
    return git(home, "tag", "-l").split()


def ingest_subjects(home: Path) -> list[str]:
    return [s for s in git(home, "log", "--format=%s").splitlines() if " lần " in s]


def journal(home: Path) -> list[dict[str, object]]:
    path = home / "logs" / "ingest.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def set_config(home: Path, section: str, text: str) -> None:
    """Replace the body of ``[section]`` in doccontrol.toml."""
    path = home / "doccontrol.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    skipping = False
    for line in lines:
        if line.strip().startswith("["):
            skipping = line.strip() == f"[{section}]"
            if skipping:
                out.append(line)
                out.extend(text.strip().splitlines())
                continue
        if not skipping:
            out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
