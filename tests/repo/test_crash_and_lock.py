"""Crashes at the dangerous points, stale locks, and the single-writer lock, with real processes."""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.workspace import drop, git, inbox_files, quarantined, run_json, run_process, spec

from doccontrol.repo.lock import LOCK_NAME


pytestmark = pytest.mark.slow  # every test runs doccontrol as a real process (crashes, locks)


@pytest.mark.parametrize("point", ["after_stage", "after_extract", "after_commit"])
def test_crash_then_rerun_converges_to_one_revision(home: Path, point: str) -> None:
    drop(home, "LDVL", spec())
    crashed = run_process(home, "ingest", "--inbox", env={"DOCCONTROL_FAULT": point})
    assert crashed.returncode == -9, crashed.stderr
    assert len(inbox_files(home)) == 1  # the drop is still there: nothing lost
    rerun = run_process(home, "ingest", "--inbox", "--json")
    assert rerun.returncode == 0, rerun.stderr
    status = json.loads(rerun.stdout)[0]["status"]
    assert status == ("duplicate" if point == "after_commit" else "ingested")
    assert inbox_files(home) == []
    assert git(home, "tag", "-l").split() == ["qt-01-ldtbxh/r1"]
    assert git(home, "log", "--format=%s").count("QT-01/LĐTBXH lần 1") == 1
    assert git(home, "status", "--porcelain") == ""
    assert list((home / "logs" / ".staging").iterdir()) == []


def test_crash_after_quarantine_does_not_quarantine_twice(home: Path) -> None:
    (home / "inbox" / "LDVL" / "broken.docx").write_bytes(b"PK\x03\x04 broken")
    crashed = run_process(home, "ingest", "--inbox", env={"DOCCONTROL_FAULT": "after_quarantine"})
    assert crashed.returncode == -9
    rerun = run_process(home, "ingest", "--inbox")
    assert rerun.returncode == 1
    assert [p.name for p in quarantined(home)] == ["broken.docx"]
    assert inbox_files(home) == []


def test_interrupted_write_and_stale_git_index_lock_are_repaired(home: Path) -> None:
    (home / "procedures" / "LDVL" / "half").mkdir(parents=True)
    (home / "procedures" / "LDVL" / "half" / "meta.json").write_text("{", encoding="utf-8")
    (home / "procedures" / ".git" / "index.lock").write_text("", encoding="utf-8")
    drop(home, "LDVL", spec())
    result = run_process(home, "ingest", "--inbox")
    assert result.returncode == 0, result.stderr
    assert not (home / "procedures" / "LDVL" / "half").exists()
    assert git(home, "status", "--porcelain") == ""
    assert "recover" in (home / "logs" / "doccontrol.log").read_text(encoding="utf-8")


def test_stale_lock_file_from_a_dead_process_is_recovered(home: Path) -> None:
    (home / LOCK_NAME).write_text("999999\tsomewhere\t0\tingest\n", encoding="utf-8")
    drop(home, "LDVL", spec())
    result = run_process(home, "ingest", "--inbox")
    assert result.returncode == 0, result.stderr
    assert run_json(home, "list")[0]["code"] == "QT-01/LĐTBXH"


def test_a_held_lock_makes_a_second_writer_wait_then_fail_clearly(home: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         # The holder keeps the lock until it is killed below (its sleep is its lifetime, not a wait).
         "import fcntl,sys,time; f=open(sys.argv[1],'a'); fcntl.flock(f,fcntl.LOCK_EX); print('held',flush=True); time.sleep(30)",
         str(home / LOCK_NAME)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        drop(home, "LDVL", spec())
        result = run_process(home, "ingest", "--inbox", env={"DOCCONTROL_LOCK_TIMEOUT": "1"})
        assert result.returncode == 2
        assert "bận" in result.stderr and "Traceback" not in result.stderr
        assert len(inbox_files(home)) == 1
    finally:
        holder.kill()
        holder.wait()
    assert run_process(home, "ingest", "--inbox").returncode == 0


def test_lock_is_released_on_exit(home: Path) -> None:
    drop(home, "LDVL", spec())
    assert run_process(home, "ingest", "--inbox").returncode == 0
    with open(home / LOCK_NAME, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # would raise if still held
