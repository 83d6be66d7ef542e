"""Support for the watcher tests: a ``doccontrol watch`` process, waiting for it, reading what it did."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from support import documents
from support.waiting import wait_until
from support.workspace import git


def code_for(number: int) -> str:
    """The watcher tests' procedure codes: ``QT-0042/W``."""
    return documents.code_for(number, "W")


def start_watcher(home: Path, log: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """``doccontrol watch`` as a real process in its own session (so signals sent to it, and
    ``killpg``, reach it and its children only), its output appended to ``log``."""
    with open(log, "ab") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "doccontrol", "--home", str(home), "watch", *args],
            stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})}, start_new_session=True,
        )


def log_text(log: Path) -> str:
    """What the watcher printed (its console: one line for people per file)."""
    return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""


def logged(home: Path) -> str:
    """The watcher's ``key=value`` log, ``logs/doccontrol.log`` (what these tests parse)."""
    path = home / "logs" / "doccontrol.log"
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def wait_started(log: Path, timeout: float = 30.0) -> None:
    """Wait for the watcher's start line. The watcher starts its observer (inotify watches, or
    the poller's first snapshot, both set up before ``observer.start()`` returns) before it logs
    that line, and rescans the inbox right after it: a file written from then on is seen."""
    wait_until(lambda: "watch start" in log_text(log), timeout, "the watcher to start", log=log)


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
