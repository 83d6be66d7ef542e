"""Faults (issue 6): kill -9 at every fault point, stale locks, a damaged search index, a full
disk, a read-only quarantine. After each: a restart, then the exact accounting, ``git fsck``,
a clean work tree and ``doccontrol verify``.

The long runs (hundreds of drops, hundreds of kills) are in ``bench/stress.py``; these are bounded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.documents import DocFactory
from support.reliability import (
    Ledger,
    account,
    code_for,
    doccontrol,
    fault_campaign,
    git,
    inbox_waiting,
    ingest_here,
    make_workspace,
    repository_checks,
    start_watcher,
    wait_drained,
    watcher_round,
)
from support.waiting import wait_until
from support.watch import log_text, logged

from doccontrol import service
from doccontrol.search import SearchRequest
from doccontrol.repo.lock import writer_lock
from doccontrol.workspace import open_workspace

pytestmark = pytest.mark.slow  # kill -9 of real processes and watchers, full and read-only disks


def _assert_exact(home: Path, ledger: Ledger, index_must_agree: bool = True) -> dict[str, object]:
    accounting = account(home, ledger.drops)
    assert accounting.exact, accounting.problems()
    checks = repository_checks(home)
    assert checks["fsck_ok"], checks["fsck"]
    assert checks["worktree_clean"], checks["status"]
    verify = checks["verify"]
    assert isinstance(verify, dict)
    assert verify["integrity"]["mismatches"] == [], verify
    if index_must_agree:
        assert checks["verify_ok"], verify
    return checks


# --- kill -9 at each fault point, through `doccontrol ingest` ----------------------------------------


# (fault point, good files, a bad file too): one workspace, one crash and one re-run after another.
KILL_POINTS = [
    ("after_stream_commit:2", 3, False),  # the second commit is in fast-import, the work tree not yet
    ("before_checkpoint", 3, False),  # three commits written, none durable
    ("after_release:2", 3, False),  # two of three drops released, the index not updated
    ("after_quarantine_copy", 1, True),  # the refused file's copy is there, its reason is not
]


def test_kill_at_each_fault_point_then_rerun_converges(home: Path, docs: DocFactory) -> None:
    ledger = Ledger(home)
    for round_, (point, files, bad) in enumerate(KILL_POINTS):
        before = len(git(home, "tag", "-l").split())
        for n in range(files):
            ledger.write(("LDVL", "NCC", "VP")[n % 3], f"qt {round_}-{n}.docx", docs.data(code_for(10 * round_ + n, "KP")))
        if bad:
            ledger.write("BTXH", f"hỏng {round_}.docx", docs.data(code_for(99, "KP"))[:900])
        crashed = doccontrol(home, "ingest", "--inbox", env={"DOCCONTROL_FAULT": point})
        assert crashed.returncode == -9, (point, crashed.stderr)
        code, records = ingest_here(home)
        assert code in (0, 1), point
        assert len(records) <= files + bad, point
        _assert_exact(home, ledger, index_must_agree=False)  # the index catches up at the next ingest or search
        # Nothing twice: one revision per good drop, one quarantined copy per bad one.
        assert len(git(home, "tag", "-l").split()) == before + files, point


def test_rerun_after_a_crash_finds_an_older_revision_a_duplicate(home: Path, docs: DocFactory) -> None:
    """Revisions 1 and 2 of one code committed in one group, then a crash before their drops left
    the inbox: on the re-run revision 1's bytes are already in the repository (not the current
    revision any more). They are a duplicate — not a refusal "the revision must increase" with a
    quarantined copy of a committed file."""
    ledger = Ledger(home)
    code = code_for(1, "OLD")
    ledger.write("LDVL", "lần 1.docx", docs.data(code, 1))
    ledger.write("LDVL", "lần 2.docx", docs.data(code, 2))
    os.utime(home / "inbox" / "LDVL" / "lần 1.docx", (1, 1))  # the older drop goes first
    crashed = doccontrol(home, "ingest", "--inbox", env={"DOCCONTROL_FAULT": "after_commit"})
    assert crashed.returncode == -9, crashed.stderr
    assert sorted(git(home, "tag", "-l").split()) == ["qt-0001-old/r1", "qt-0001-old/r2"]
    code_, records = ingest_here(home)
    assert [(Path(str(r["file"])).name, r["status"], r["revision"]) for r in records] == [
        ("lần 1.docx", "duplicate", 1), ("lần 2.docx", "duplicate", 2)]
    assert code_ == 0
    assert not [p for p in (home / "quarantine").rglob("*") if p.is_file()]
    _assert_exact(home, ledger, index_must_agree=False)  # killed before the index update: see below


# --- the search index after a crash before it was updated -------------------------------------------


def test_index_catches_up_after_a_crash_before_indexing(home: Path, docs: DocFactory) -> None:
    ledger = Ledger(home)
    ledger.write("LDVL", "a.docx", docs.data(code_for(1, "IDX")))
    assert doccontrol(home, "ingest", "--inbox", env={"DOCCONTROL_FAULT": "before_index"}).returncode == -9
    ledger.write("NCC", "b.docx", docs.data(code_for(2, "IDX")))
    assert ingest_here(home)[0] == 0
    found = service.search(open_workspace(home), SearchRequest(query="QT-0001/IDX")).hits
    assert found, "a committed procedure cannot be found by search"
    _assert_exact(home, ledger)


# --- kill -9 of the watcher at random points, with a fixed seed --------------------------------------


def test_watcher_killed_at_random_points_loses_nothing(home: Path, docs: DocFactory, tmp_path: Path) -> None:
    """32 drops in 2 waves; after each wave the watcher is killed twice (a fault point with a random
    count, or kill -9 of its process group from outside at a random moment), then restarted."""
    ledger = Ledger(home)
    figures = fault_campaign(home, ledger, docs, drops=32, waves=2, seed=20261125, log=tmp_path / "watch.log",
                             external_kills=0.3, rounds_per_wave=2, max_count=3)
    assert figures["faults_fired"] >= 3, figures
    assert figures["left_in_inbox"] == 0
    _assert_exact(home, ledger, index_must_agree=False)
    # After such crashes a repair (or the next ingest or search) brings the index back.
    assert service.verify(open_workspace(home), repair=True).healthy


# --- stale locks --------------------------------------------------------------------------------------


def test_stale_git_locks_left_by_a_killed_git_are_recovered(home: Path, docs: DocFactory) -> None:
    """A git process killed while it updated refs (kill -9 of the whole group, a power cut) leaves
    ``*.lock`` files; only doccontrol writes here, under its own lock, so they are stale."""
    ledger = Ledger(home)
    ledger.write("LDVL", "a.docx", docs.data(code_for(1, "LK")))
    assert ingest_here(home)[0] == 0
    git_dir = home / "procedures" / ".git"
    (git_dir / "index.lock").write_text("")
    (git_dir / "refs" / "heads" / "main.lock").write_text("")
    (git_dir / "packed-refs.lock").write_text("")
    (git_dir / "refs" / "tags" / "qt-0002-lk").mkdir(parents=True)
    (git_dir / "refs" / "tags" / "qt-0002-lk" / "r1.lock").write_text("")
    ledger.write("LDVL", "b.docx", docs.data(code_for(2, "LK")))
    assert ingest_here(home)[0] == 0
    assert sorted(git(home, "tag", "-l").split()) == ["qt-0001-lk/r1", "qt-0002-lk/r1"]
    assert not list(git_dir.rglob("*.lock"))
    _assert_exact(home, ledger)


def test_stale_writer_and_watcher_lock_files_do_not_block_a_restart(home: Path, docs: DocFactory, tmp_path: Path) -> None:
    ledger = Ledger(home)
    (home / ".doccontrol.lock").write_text("424242\tsomewhere\t0\tingest\n", encoding="utf-8")
    (home / "logs" / "watch.lock").write_text('{"pid": 424242, "host": "x", "since": "", "mode": "native"}\n')
    for n in range(3):
        ledger.write("NCC", f"{n}.docx", docs.data(code_for(n, "STALE")))
    result = watcher_round(home, tmp_path / "watch.log", timeout=60)
    assert not result.fired and result.waiting_after == 0
    _assert_exact(home, ledger)


# --- a damaged or deleted search index ----------------------------------------------------------------


def test_damaged_index_is_reported_rebuilt_and_search_never_errors(home: Path, docs: DocFactory) -> None:
    ledger = Ledger(home)
    for n in range(4):
        ledger.write(("LDVL", "NCC")[n % 2], f"{n}.docx", docs.data(code_for(n, "IX")))
    assert ingest_here(home)[0] == 0
    workspace = open_workspace(home)
    index = home / "index"
    for round_, damage in enumerate(("deleted", "emptied", "garbled")):
        if damage == "deleted":
            shutil.rmtree(index)
        else:
            for path in index.rglob("*"):  # every file but the pointer to the live generation
                if path.is_file() and path.name != "CURRENT":
                    path.write_bytes(b"" if damage == "emptied" else os.urandom(max(16, path.stat().st_size)))
        assert not service.verify(workspace).healthy, damage  # the damage is reported
        hits = service.search(workspace, SearchRequest(query="QT-0002/IX")).hits  # rebuilt on the way
        assert [hit.code for hit in hits][:1] == ["QT-0002/IX"], damage
        ledger.write("BTXH", f"sau {damage}.docx", docs.data(code_for(10 + round_, "IX")))
        assert ingest_here(home)[0] == 0
        _assert_exact(home, ledger)


def test_garbled_index_pointer_is_rebuilt_and_search_never_errors(home: Path, docs: DocFactory) -> None:
    ledger = Ledger(home)
    ledger.write("LDVL", "a.docx", docs.data(code_for(2, "IX")))
    assert ingest_here(home)[0] == 0
    (home / "index" / "CURRENT").write_bytes(b"\x8a\xa7" + os.urandom(30))
    found = doccontrol(home, "search", "QT-0002/IX", "--json")
    assert found.returncode == 0, found.stderr
    assert [hit["code"] for hit in json.loads(found.stdout)][:1] == ["QT-0002/IX"]


# --- a full disk (a small tmpfs) and a read-only quarantine (a read-only mount) -----------------------


def _mount(target: Path, options: str) -> bool:
    target.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
                              capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True, timeout=20)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    if not _mount(mount, "size=12m"):
        pytest.skip("cannot mount a tmpfs here (needs root and mount rights): full-disk test skipped")
    try:
        yield mount
    finally:
        _umount(mount)


def _fill(folder: Path, leave: int) -> Path:
    """Fill the file system of ``folder`` until only ``leave`` bytes are free."""
    stats = os.statvfs(folder)
    filler = folder / "filler.bin"
    with open(filler, "wb") as handle:
        try:
            handle.write(b"\0" * max(0, stats.f_bavail * stats.f_frsize - leave))
        except OSError:
            pass
    return filler


def test_writer_lock_is_taken_on_a_full_disk(small_disk: Path) -> None:
    """The lock's record (who holds it) is for messages only: a full disk must not keep a writer
    (or the watcher, which takes it per batch) from locking, e.g. to quarantine or to recover."""
    root = small_disk / "ws"
    root.mkdir()
    _fill(small_disk, 0)
    with writer_lock(root, "ingest", timeout=1):
        probe = subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path; from doccontrol.repo.lock import "
             "lock_is_held; sys.exit(0 if lock_is_held(Path(sys.argv[1])) else 1)", str(root)],
            capture_output=True, timeout=60)
        assert probe.returncode == 0, probe.stderr  # another process sees it held


# What the watcher's log shows when it meets a full disk.
DISK_FULL = ("batch failed", "No space left on device", "Out of diskspace", "commit_failed")


def test_full_disk_then_space_again_loses_nothing(small_disk: Path, docs: DocFactory, tmp_path: Path) -> None:
    home = make_workspace(small_disk / "ws")
    ledger = Ledger(home)
    for n in range(3):
        ledger.write("LDVL", f"trước {n}.docx", docs.data(code_for(n, "DISK")))
    log = tmp_path / "watch.log"
    watcher = start_watcher(home, log, "--stable-seconds", "0.2", "--rescan-seconds", "1")
    try:
        wait_until(lambda: inbox_waiting(home) == 0, 60, "the first drops to be ingested", log=log)
        assert inbox_waiting(home) == 0
        before, before_file = len(log_text(log)), len(logged(home))
        filler = _fill(small_disk, 600_000)
        written = 0
        for n in range(3, 40):
            try:
                ledger.write(("LDVL", "NCC", "VP")[n % 3], f"đầy {n}.docx", docs.data(code_for(n, "DISK")))
                written += 1
            except OSError:
                break  # the drop itself no longer fits: it was never dropped
        assert written >= 2
        # The watcher meets ENOSPC (staging, git, journal, index: it logs the failed batch) and
        # must stay up; it keeps being watched for that until the drops are in (below).
        # the console (for people) and the key=value log file (for tools) together: the watcher's log
        wait_until(lambda: any(sign in log_text(log)[before:] + logged(home)[before_file:] for sign in DISK_FULL), 60,
                   "the watcher to meet the full disk", log=log)
        assert watcher.poll() is None, log.read_text(encoding="utf-8", errors="replace")[-3000:]
        filler.unlink()
        wait_drained(home, watcher, log, 60)
        assert inbox_waiting(home) == 0, log.read_text(encoding="utf-8", errors="replace")[-3000:]
    finally:
        watcher.terminate()
        watcher.wait(timeout=60)
    for leftover in (home / "inbox").rglob(".drop-*"):
        leftover.unlink()  # a partial temp file of a drop that did not fit (not a drop)
    _assert_exact(home, ledger, index_must_agree=False)


def test_read_only_quarantine_keeps_the_refused_file_until_it_is_writable(home: Path, docs: DocFactory) -> None:
    quarantine = home / "quarantine" / "LDVL"
    if not _mount(quarantine, "ro,size=1m"):
        pytest.skip("cannot mount a read-only tmpfs here: read-only quarantine test skipped")
    ledger = Ledger(home)
    try:
        ledger.write("LDVL", "tốt 1.docx", docs.data(code_for(1, "RO")))
        ledger.write("LDVL", "hỏng.docx", b"PK\x03\x04 not a document")
        ledger.write("NCC", "tốt 2.docx", docs.data(code_for(2, "RO")))
        first = doccontrol(home, "ingest", "--inbox")
        assert first.returncode == 2 and "Read-only" in first.stderr
        assert (home / "inbox" / "LDVL" / "hỏng.docx").exists()  # not lost: still in the inbox
    finally:
        _umount(quarantine)
    assert ingest_here(home)[0] == 1  # the refused file is quarantined now
    _assert_exact(home, ledger)
