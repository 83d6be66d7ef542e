"""Load, ownership and integrity (issue 6), with exact accounting.

- many files dropped at once across all offices into a running watcher while searches run;
- a file replaced again and again while it is being copied;
- two offices dropping the same procedure code at once;
- an office never revises another office's procedure (only the controller may); a file straight in
  ``inbox/`` or in an unknown folder is refused; the commit author is the folder's office;
- every revision's recorded sha256 matches its stored bytes, ``export`` returns them, and
  ``doccontrol verify`` reports any mismatch.

The 2,000-file run is in ``bench/stress.py``; here 80 files keep the test bounded.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
from support.documents import DocFactory
from support.reliability import (
    CONTROLLER,
    OFFICES,
    Ledger,
    account,
    code_for,
    doccontrol,
    git,
    inbox_waiting,
    ingest_here,
    repository_checks,
    revisions,
    sha256,
    start_watcher,
    wait_drained,
)
from support.waiting import wait_until, writer_idle
from support.watch import wait_started

from doccontrol import service
from doccontrol.search import SearchRequest
from doccontrol.workspace import open_workspace


pytestmark = pytest.mark.slow  # watcher processes under load, searches in threads, real processes


def _drain(home: Path, watcher: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    wait_drained(home, watcher, log, timeout)
    assert inbox_waiting(home) == 0, log.read_text(encoding="utf-8", errors="replace")[-3000:]


def _stop(watcher: subprocess.Popen[bytes]) -> None:
    watcher.terminate()
    assert watcher.wait(timeout=60) == 0


def _assert_exact(home: Path, ledger: Ledger) -> None:
    accounting = account(home, ledger.drops)
    assert accounting.exact, accounting.problems()
    checks = repository_checks(home)
    assert checks["fsck_ok"] and checks["worktree_clean"] and checks["verify_ok"], checks


class Searcher(threading.Thread):
    """Searches the workspace in a loop (as the web view or a clerk would) while it is written."""

    def __init__(self, home: Path) -> None:
        super().__init__(daemon=True)
        self.workspace = open_workspace(home)
        self.stop = threading.Event()
        self.searches = 0
        self.errors: list[str] = []
        self.max_hits = 0

    def run(self) -> None:
        queries = ["QT-0001/LOAD", "giấy phép lao động", "lao dong", "Cấp giấy phép", "QT-0070/LOAD"]
        while not self.stop.is_set():
            try:
                outcome = service.search(self.workspace, SearchRequest(query=queries[self.searches % len(queries)]))
                self.max_hits = max(self.max_hits, len(outcome.hits))
            except Exception as exc:  # noqa: BLE001 - every error is a failure of the test
                self.errors.append(f"{type(exc).__name__}: {exc}")
            self.searches += 1
            time.sleep(0.02)  # a clerk's pace between searches (the load itself, not a wait)


def test_many_files_at_once_while_searching(home: Path, docs: DocFactory, tmp_path: Path) -> None:
    ledger = Ledger(home)
    log = tmp_path / "watch.log"
    watcher = start_watcher(home, log, "--stable-seconds", "0.3", "--rescan-seconds", "2")
    searcher = Searcher(home)
    try:
        wait_started(log)
        searcher.start()
        offices = list(OFFICES)
        for n in range(80):
            ledger.write(offices[n % 4], f"{code_for(n, 'LOAD').replace('/', '_')}.docx", docs.data(code_for(n, "LOAD")))
        _drain(home, watcher, log, 180)
        wait_until(lambda: writer_idle(home), 60, "the watcher to end its last batch (index updated)", log=log)
        searched = searcher.searches
        wait_until(lambda: searcher.searches > searched, 30, "a search of the final index")
    finally:
        searcher.stop.set()
        searcher.join(timeout=60)
        _stop(watcher)
    assert searcher.errors == [], searcher.errors[:5]
    assert searcher.searches >= 20
    _assert_exact(home, ledger)
    assert len(revisions(home)) == 80
    final = service.search(open_workspace(home), SearchRequest(query="QT-0070/LOAD"))
    assert [hit.code for hit in final.hits][:1] == ["QT-0070/LOAD"]


def test_file_replaced_while_it_is_being_copied(home: Path, docs: DocFactory, tmp_path: Path) -> None:
    """One path is rewritten in place, slowly, with revisions 1..4: only complete versions may ever
    be committed (never a torn mix), and the last one must be."""
    versions = [docs.data(code_for(1, "REPL"), revision) for revision in (1, 2, 3, 4)]
    complete = {sha256(v) for v in versions}
    log = tmp_path / "watch.log"
    watcher = start_watcher(home, log, "--stable-seconds", "0.4", "--rescan-seconds", "1")
    target = home / "inbox" / "LDVL" / "đang chép.docx"
    try:
        wait_started(log)
        for round_ in range(3):
            for data in versions:
                with open(target, "wb") as handle:  # truncate, then write in pieces, as a slow copy does
                    for start in range(0, len(data), 2048):
                        handle.write(data[start:start + 2048])
                        handle.flush()
                        time.sleep(0.01)  # the copy's pace: the scenario under test, not a wait
                time.sleep(0.15 if round_ < 2 else 0.0)  # a pause between rewrites, as above
        _drain(home, watcher, log, 60)
    finally:
        _stop(watcher)
    held = [rev.sha256_bytes for rev in revisions(home)]
    assert held and set(held) <= complete, "a torn copy was committed"
    assert held[-1] == sha256(versions[-1]) or sha256(versions[-1]) in held
    quarantined = [p for p in (home / "quarantine").rglob("*") if p.is_file() and not p.name.endswith(".reason.txt")]
    assert all(sha256(p.read_bytes()) in complete for p in quarantined), "a torn copy was quarantined"
    assert len(held) == len(set(held))


def test_two_offices_drop_the_same_code_at_once(home: Path, docs: DocFactory, tmp_path: Path) -> None:
    ledger = Ledger(home)
    log = tmp_path / "watch.log"
    watcher = start_watcher(home, log, "--stable-seconds", "0.3", "--rescan-seconds", "1")
    try:
        wait_started(log)
        for n in range(10):
            code = code_for(n, "SAME")
            # The same procedure (other bytes) from two offices in the same instant.
            ledger.write("LDVL", f"{n}.docx", docs.data(code, 1, salt="LDVL"))
            ledger.write("NCC", f"{n}.docx", docs.data(code, 1, salt="NCC"))
        _drain(home, watcher, log, 60)
    finally:
        _stop(watcher)
    _assert_exact(home, ledger)
    revs = revisions(home)
    assert len(revs) == 10  # one revision per code, whichever office came first owns it
    assert all(rev.author_office == rev.owner for rev in revs)
    reasons = [p.read_text(encoding="utf-8") for p in (home / "quarantine").rglob("*.reason.txt")]
    assert len(reasons) == 10
    assert all("Cause: not_owner" in r or "Cause: same_content" in r for r in reasons), reasons


def test_ownership_and_authors(home: Path, docs: DocFactory) -> None:
    ledger = Ledger(home)
    code = code_for(1, "OWN")

    def ingest() -> list[dict[str, object]]:
        code, records = ingest_here(home)
        assert code in (0, 1)
        return records

    ledger.write("LDVL", "r1.docx", docs.data(code, 1))
    assert [r["status"] for r in ingest()] == ["ingested"]
    ledger.write("NCC", "r2 của NCC.docx", docs.data(code, 2))  # another office: refused
    ledger.write("BTXH", "r3 của BTXH.docx", docs.data(code, 3))
    records = ingest()
    assert {r["cause"] for r in records} == {"not_owner"}
    ledger.write(CONTROLLER, "r2 của VP.docx", docs.data(code, 2))  # the controller may
    assert [r["status"] for r in ingest()] == ["ingested"]
    ledger.write("LDVL", "r3.docx", docs.data(code, 3))  # the owner still may
    assert [r["status"] for r in ingest()] == ["ingested"]
    ledger.write("", "thẳng vào inbox.docx", docs.data(code_for(2, "OWN")))
    ledger.write("KHONGCO", "phòng lạ.docx", docs.data(code_for(3, "OWN")))
    ledger.write("LDVL/thư mục con", "lồng.docx", docs.data(code_for(4, "OWN")))  # a moved-in folder: LDVL's
    records = ingest()
    causes = {Path(str(r["file"])).name: r["cause"] or r["status"] for r in records}
    assert causes == {"thẳng vào inbox.docx": "unknown_office", "phòng lạ.docx": "unknown_office",
                      "lồng.docx": "ingested"}
    _assert_exact(home, ledger)
    revs = {rev.tag: rev for rev in revisions(home)}
    assert [revs[t].author_office for t in ("qt-0001-own/r1", "qt-0001-own/r2", "qt-0001-own/r3")] == ["LDVL", "VP", "LDVL"]
    assert {rev.owner for rev in revs.values()} == {"LDVL"}
    assert revs["qt-0004-own/r1"].author_office == "LDVL"
    # The author is also what git itself shows.
    authors = git(home, "log", "--format=%ae %s").splitlines()
    assert any(line.startswith("vp@") and "QT-0001/OWN lần 2" in line for line in authors)
    assert not any(line.startswith(("ncc@", "btxh@")) for line in authors)


def test_integrity_export_and_verify_report_tampering(home: Path, docs: DocFactory) -> None:
    ledger = Ledger(home)
    for n in range(3):
        ledger.write("NCC", f"{n} r1.docx", docs.data(code_for(n, "INT"), 1))
    assert ingest_here(home)[0] == 0
    ledger.write("NCC", "0 r2.docx", docs.data(code_for(0, "INT"), 2))
    assert ingest_here(home)[0] == 0
    _assert_exact(home, ledger)
    workspace = open_workspace(home)
    dropped = {d.sha256 for d in ledger.drops}
    for code, revision in ((code_for(0, "INT"), 1), (code_for(0, "INT"), 2), (code_for(2, "INT"), 1)):
        data, state = service.export(workspace, code, revision)
        assert sha256(data) == state.sha256 and sha256(data) in dropped

    # Tampering 1: the work-tree copy of the current revision is changed by hand.
    original = home / "procedures" / "NCC" / "qt-0001-int" / "original.docx"
    saved = original.read_bytes()
    original.write_bytes(saved + b"tampered")
    report = service.verify(workspace).as_json()
    assert not report["healthy"] and any("QT-0001/INT" in m for m in report["integrity"]["mismatches"])
    original.write_bytes(saved)

    # Tampering 2: a commit (by hand, outside doccontrol) replaces stored bytes, and the tag is moved.
    env = {**os.environ, "GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@x", "GIT_COMMITTER_NAME": "x",
           "GIT_COMMITTER_EMAIL": "x@x"}
    original.write_bytes(b"PK other bytes")
    repo = str(home / "procedures")
    subprocess.run(["git", "-C", repo, "commit", "-qam", "tamper"], check=True, env=env)
    subprocess.run(["git", "-C", repo, "tag", "-f", "qt-0001-int/r1", "HEAD"], check=True, capture_output=True)
    verdict = doccontrol(home, "verify", "--json")  # the command itself, once: exit 1 and the mismatch
    report = json.loads(verdict.stdout)
    assert verdict.returncode == 1 and not report["healthy"]
    assert any("QT-0001/INT lần 1" in m and "sha256" in m for m in report["integrity"]["mismatches"]), report
