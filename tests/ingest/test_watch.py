"""``doccontrol watch`` end to end: a real watcher process, real files, real signals.

Small stability windows (0.3-0.5 s) keep the set fast; the timing targets live in bench/watch.py.
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest
from support.documents import DocFactory
from support.waiting import wait_until, writer_idle
from support.watch import (
    code_for,
    inbox_count,
    ingest_subjects,
    journal,
    kill,
    logged,
    quarantined_names,
    revision_tags,
    start_watcher,
    stop,
    wait_started,
)
from support.workspace import git, run_process

pytestmark = pytest.mark.slow  # every test runs a watcher: a process, a thread, or `watch --once`

FAST = ("--stable-seconds", "0.3")


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return tmp_path / "watch.out"


def _text(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")


def children_of(pid: int) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = dict(line.split(":\t", 1) for line in (entry / "status").read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append((int(entry.name), fields.get("Name", "").strip()))
    return sorted(found)


def _assert_clean(home: Path) -> None:
    assert git(home, "status", "--porcelain") == ""
    assert list((home / "logs" / ".staging").iterdir()) == []


def test_burst_of_200_drops(home: Path, docs: DocFactory, log: Path) -> None:
    watcher = start_watcher(home, log, *FAST)
    try:
        wait_started(log)
        offices = ("VP", "LDVL", "NCC", "BTXH")
        for n in range(200):
            docs.write(home / "inbox" / offices[n % 4] / f"qt-{n:04d}.docx", code_for(n))
        wait_until(lambda: len(revision_tags(home)) == 200 and inbox_count(home) == 0, 150, "200 revisions", log=log)
        # Once the last batch is over (the index updated and the store closed after the drops left),
        # nothing is left running but the extraction worker and multiprocessing's resource
        # tracker: no git (cat-file, fast-import) process is kept or leaked.
        wait_until(lambda: [name for _, name in children_of(watcher.pid)] in (["python"] * 2, ["python"]), 30,
                 f"the git processes to end: {children_of(watcher.pid)}", log=log)
    finally:
        assert stop(watcher) == 0
    subjects = ingest_subjects(home)
    assert len(subjects) == 200 and len(set(subjects)) == 200
    assert quarantined_names(home) == []
    text = logged(home)
    assert text.count("outcome=ingested") == 200
    assert "office=NCC file=qt-0002.docx outcome=ingested code=QT-0002/W revision=1 seconds=" in text
    assert "watch stop" in text and "ingested=200" in text
    assert _text(log).count(": đã tiếp nhận — QT-") == 200  # and one line per file for people on the console
    _assert_clean(home)


def test_slow_writer_is_ingested_once_whole(home: Path, docs: DocFactory, log: Path) -> None:
    data = docs.data(code_for(1))
    watcher = start_watcher(home, log, "--stable-seconds", "0.5")
    try:
        wait_started(log)
        target = home / "inbox" / "LDVL" / "slow copy.docx"
        pieces = [data[i : i + len(data) // 12 + 1] for i in range(0, len(data), len(data) // 12 + 1)]
        with open(target, "wb") as handle:
            for number, piece in enumerate(pieces):
                handle.write(piece)
                handle.flush()
                # A copy over a slow share: steady writes, then a stall longer than the window. These
                # sleeps are the writer's pace, the scenario under test, not a wait for the watcher.
                time.sleep(1.6 if number == len(pieces) // 2 else 0.2)
        wait_until(lambda: revision_tags(home) == ["qt-0001-w/r1"] and inbox_count(home) == 0, 30, "the slow file", log=log)
        wait_until(lambda: writer_idle(home), 30, "the watcher to end its batch", log=log)
    finally:
        assert stop(watcher) == 0
    assert quarantined_names(home) == []
    assert "outcome=retry_later cause=damaged" in logged(home)  # the stall was noticed, not quarantined
    committed = git(home, "ls-tree", "-r", "--name-only", "HEAD")
    original = next(line for line in committed.splitlines() if line.endswith("original.docx"))
    stored = run_git_bytes(home, "show", f"HEAD:{original}")
    assert stored == data
    assert [r["status"] for r in journal(home)] == ["ingested"]


def run_git_bytes(home: Path, *args: str) -> bytes:
    import subprocess

    return subprocess.run(["git", "-C", str(home / "procedures"), *args], capture_output=True, check=True).stdout


def test_rename_saves_moves_and_temp_files(home: Path, docs: DocFactory, log: Path, tmp_path: Path) -> None:
    inbox = home / "inbox" / "VP"
    ignored = [
        "~$QT word.docx", "~WRD0001.tmp", ".~lock.QT libre.docx#", "scratch.tmp", "download.part",
        "bản tải.crdownload", ".goutputstream-ABC123", ".hidden.docx", "Thumbs.db", "desktop.ini",
    ]
    watcher = start_watcher(home, log, *FAST)
    try:
        wait_started(log)
        for name in ignored:
            (inbox / name).write_bytes(b"temporary bytes that are not a document")
        # Word: write ~WRDxxxx.tmp, then rename it to the document's name.
        docs.write(inbox / "~WRD0002.tmp", code_for(11))
        os.rename(inbox / "~WRD0002.tmp", inbox / "QT word.docx")
        # LibreOffice: write lu<random>.tmp, then rename.
        docs.write(inbox / "lu4711x.tmp", code_for(12))
        os.rename(inbox / "lu4711x.tmp", inbox / "QT libre.docx")
        # GNOME (gedit, file roller): .goutputstream-XXXX, then rename.
        docs.write(inbox / ".goutputstream-Q1W2E3", code_for(13))
        os.rename(inbox / ".goutputstream-Q1W2E3", inbox / "QT gnome.docx")
        # Moved in from elsewhere on the same file system (no write event at all in the inbox).
        docs.write(tmp_path / "elsewhere" / "moved.docx", code_for(14))
        os.rename(tmp_path / "elsewhere" / "moved.docx", inbox / "moved.docx")
        wait_until(lambda: len(revision_tags(home)) == 4, 30, "four revisions", log=log)
        # Deliberately a fixed time: the ignored files must stay untouched while the watcher runs
        # (an observation window, not a wait for a condition).
        time.sleep(1.0)
    finally:
        assert stop(watcher) == 0
    assert sorted(revision_tags(home)) == ["qt-0011-w/r1", "qt-0012-w/r1", "qt-0013-w/r1", "qt-0014-w/r1"]
    assert quarantined_names(home) == []
    assert sorted(p.name for p in inbox.iterdir()) == sorted(ignored)  # untouched
    text = _text(log) + logged(home)
    assert "~WRD" not in text and "Thumbs.db" not in text and "lu4711x" not in text


def test_folder_moved_in_is_ingested_and_pruned(home: Path, docs: DocFactory, log: Path, tmp_path: Path) -> None:
    outside = tmp_path / "batch"
    for n in range(3):
        docs.write(outside / "sub folder" / f"doc {n}.docx", code_for(20 + n))
    docs.write(outside / "top.docx", code_for(23))
    watcher = start_watcher(home, log, *FAST, "--rescan-seconds", "1")
    try:
        wait_started(log)
        os.rename(outside, home / "inbox" / "NCC" / "batch")
        wait_until(lambda: len(revision_tags(home)) == 4, 30, "the moved-in folder", log=log)
        wait_until(lambda: not (home / "inbox" / "NCC" / "batch").exists(), 10, "the empty folder to go", log=log)
    finally:
        assert stop(watcher) == 0
    assert (home / "inbox" / "NCC").is_dir()  # the office folder itself stays
    records = journal(home)
    assert {r["office"] for r in records} == {"NCC"} and len(records) == 4


def test_poll_mode_survives_the_share_going_away(home: Path, docs: DocFactory, log: Path) -> None:
    inbox = home / "inbox"
    watcher = start_watcher(home, log, "--poll", "--interval", "0.2", *FAST)
    try:
        wait_started(log)
        for n in range(5):
            docs.write(inbox / "BTXH" / f"p{n}.docx", code_for(30 + n))
        wait_until(lambda: len(revision_tags(home)) == 5, 30, "five revisions by polling", log=log)
        # The share disappears (the folder is gone), a file arrives there meanwhile, it comes back.
        os.rename(inbox, home / "inbox-away")
        wait_until(lambda: "inbox unavailable" in logged(home), 30, "the watcher to notice the share is gone", log=log)
        docs.write(home / "inbox-away" / "BTXH" / "while away.docx", code_for(35))
        os.rename(home / "inbox-away", inbox)
        wait_until(lambda: len(revision_tags(home)) == 6, 30, "the file that arrived during the outage", log=log)
        docs.write(inbox / "LDVL" / "after.docx", code_for(36))
        wait_until(lambda: len(revision_tags(home)) == 7, 30, "a file after the outage", log=log)
        assert watcher.poll() is None
    finally:
        assert stop(watcher) == 0
    assert quarantined_names(home) == []
    assert "watching" in logged(home) and "again" in logged(home)


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT to the process group"])
def test_signal_finishes_the_file_in_hand_and_exits_0(home: Path, docs: DocFactory, log: Path, how: str) -> None:
    total = 24
    watcher = start_watcher(home, log, *FAST)
    try:
        wait_started(log)
        for n in range(total):
            docs.write(home / "inbox" / "LDVL" / f"s{n:02d}.docx", code_for(100 + n))
        wait_until(lambda: len(revision_tags(home)) >= 3, 60, "a few revisions", log=log)
    finally:
        if how == "SIGTERM":
            watcher.send_signal(signal.SIGTERM)
        else:
            os.killpg(watcher.pid, signal.SIGINT)  # Ctrl-C in a terminal: every process of the group
        code = watcher.wait(timeout=30)
    assert code == 0, _text(log)
    assert "watch stop" in logged(home)
    done = len(revision_tags(home))
    assert done + inbox_count(home) == total  # none lost, none half-done
    assert quarantined_names(home) == []  # no commit killed half-way (git ignores the group's SIGINT)
    _assert_clean(home)
    rest = run_process(home, "watch", "--once", *FAST)
    assert rest.returncode == 0, rest.stderr
    assert len(revision_tags(home)) == total and inbox_count(home) == 0


@pytest.mark.parametrize("crash", ["kill -9", "after_commit:2", "after_quarantine:2"])
def test_kill_9_in_a_burst_then_restart_accounts_for_every_file(
    home: Path, docs: DocFactory, log: Path, crash: str
) -> None:
    good, every = 24, 8
    env = {} if crash == "kill -9" else {"DOCCONTROL_FAULT": crash}
    watcher = start_watcher(home, log, *FAST, env=env)
    try:
        wait_started(log)
        for n in range(good):
            docs.write(home / "inbox" / ("VP", "NCC")[n % 2] / f"k{n:02d}.docx", code_for(200 + n))
            if n % every == 0:
                (home / "inbox" / "NCC" / f"ghi chú {n}.txt").write_text("không phải quy trình", encoding="utf-8")
        if crash == "kill -9":
            wait_until(lambda: len(revision_tags(home)) >= 8, 60, "the burst to be under way", log=log)
            kill(watcher)
        else:
            assert watcher.wait(timeout=60) == -signal.SIGKILL, _text(log)
    finally:
        kill(watcher)
    assert len(revision_tags(home)) < good or inbox_count(home) > 0  # it really was mid-burst
    restarted = start_watcher(home, log, *FAST)
    try:
        wait_until(lambda: inbox_count(home) == 0, 90, "the restart to finish the burst", log=log)
    finally:
        assert stop(restarted) == 0
    tags = revision_tags(home)
    assert sorted(tags) == sorted(f"qt-{200 + n:04d}-w/r1" for n in range(good))
    subjects = ingest_subjects(home)
    assert len(subjects) == good and len(set(subjects)) == good  # one commit each, none twice
    assert quarantined_names(home) == sorted(f"ghi chú {n}.txt" for n in range(0, good, every))
    _assert_clean(home)


def test_a_second_watcher_refuses_to_start(home: Path, log: Path) -> None:
    first = start_watcher(home, log, *FAST)
    try:
        wait_started(log)
        second = run_process(home, "watch", "--once", timeout=60)
        assert second.returncode == 2
        assert "Đã có một tiến trình theo dõi" in second.stderr and f"pid {first.pid}" in second.stderr
        assert "Traceback" not in second.stderr
        status = run_process(home, "status", "--json")
        assert '"running": true' in status.stdout and f'"pid": {first.pid}' in status.stdout
    finally:
        assert stop(first) == 0
    status = run_process(home, "status", "--json")
    assert '"running": false' in status.stdout
    assert run_process(home, "watch", "--once").returncode == 0  # the lock went with the process


def test_a_manual_ingest_gets_in_while_the_watcher_works(
    home: Path, docs: DocFactory, log: Path, tmp_path: Path
) -> None:
    total = 50
    watcher = start_watcher(home, log, *FAST)
    try:
        wait_started(log)
        for n in range(total):
            docs.write(home / "inbox" / "LDVL" / f"m{n:02d}.docx", code_for(300 + n))
        wait_until(lambda: len(revision_tags(home)) >= 3, 60, "the watcher to be busy", log=log)
        manual = docs.write(tmp_path / "manual.docx", code_for(399))
        started = time.monotonic()
        result = run_process(home, "ingest", str(manual), "--office", "VP", env={"DOCCONTROL_LOCK_TIMEOUT": "20"})
        assert result.returncode == 0, result.stderr
        assert time.monotonic() - started < 15
        wait_until(lambda: inbox_count(home) == 0, 90, "the rest", log=log)
    finally:
        assert stop(watcher) == 0
    assert len(revision_tags(home)) == total + 1
    subjects = ingest_subjects(home)  # newest first
    manual_at = next(i for i, s in enumerate(subjects) if s.startswith(code_for(399)))
    assert 0 < manual_at < total  # it got in between the watcher's batches


def test_damaged_file_young_is_retried_then_quarantined(home: Path, log: Path) -> None:
    watcher = start_watcher(home, log, *FAST, "--young-seconds", "3")
    try:
        wait_started(log)
        broken = home / "inbox" / "VP" / "hỏng.docx"
        broken.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a zip that never got its end record
        wait_until(lambda: quarantined_names(home) == ["hỏng.docx"], 30, "the damaged file to be quarantined", log=log)
    finally:
        assert stop(watcher) == 0
    text = logged(home)
    assert "outcome=retry_later cause=damaged attempt=1" in text
    assert re.search(r"office=VP file=hỏng.docx outcome=quarantined code=- revision=- seconds=\S+ cause=damaged reason=", text)
    reason = (home / "quarantine" / "VP" / "hỏng.docx.reason.txt").read_text(encoding="utf-8")
    assert "Lý do:" in reason and "Cause: damaged" in reason


def test_once_drains_the_backlog(home: Path, docs: DocFactory) -> None:
    for n in range(6):
        docs.write(home / "inbox" / "VP" / f"b{n}.docx", code_for(400 + n))
    (home / "inbox" / "VP" / "old damaged.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n")
    result = run_process(home, "watch", "--once", *FAST, "--young-seconds", "0")
    assert result.returncode == 0, result.stderr
    assert len(revision_tags(home)) == 6
    assert quarantined_names(home) == ["old damaged.pdf"]  # old: refused at once, no waiting
    text = logged(home)
    assert "retry_later" not in text
    assert text.count("outcome=ingested") == 6 and "outcome=quarantined" in text
    # Issue 16: the console speaks to a person: one Vietnamese line per file, the reason of a refusal.
    console = result.stdout.splitlines()
    assert "outcome=" not in result.stdout and "office=" not in result.stdout
    assert sum(1 for line in console if re.fullmatch(r"\d\d:\d\d:\d\d \[VP\] b\d\.docx: đã tiếp nhận — QT-04\d\d/W lần 1 \(quy "
                                                    r"trình mới.*\)", line)) == 6, console
    (refused,) = [line for line in console if "old damaged.pdf" in line]
    assert "bị cách ly — " in refused and "PDF" in refused, refused
    assert "Bắt đầu theo dõi" in console[0] and "Đã dừng theo dõi: 6 tệp tiếp nhận" in console[-1], console
    assert inbox_count(home) == 0


def test_an_unexpected_failure_of_one_file_does_not_stop_the_watcher(
    home: Path, docs: DocFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import logging

    from doccontrol.ingest import pipeline
    from doccontrol.ingest.watch import WatchOptions, watch
    from doccontrol.ingest.watch_log import close_logging, setup_logging
    from doccontrol.workspace import open_workspace

    for n in range(3):
        docs.write(home / "inbox" / "VP" / f"ok{n}.docx", code_for(950 + n))
    docs.write(home / "inbox" / "VP" / "boom.docx", code_for(960))
    original = pipeline.Ingestor.process

    def flaky(self: pipeline.Ingestor, item: object, keep_source: bool = False) -> object:
        if getattr(item, "name", "") == "boom.docx":
            raise OSError(5, "Input/output error")  # a share that failed under our feet
        return original(self, item, keep_source)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline.Ingestor, "process", flaky)
    workspace = open_workspace(home)
    out = io.StringIO()
    logger = setup_logging(workspace, out)
    try:
        summary = watch(workspace, WatchOptions(stable_seconds=0.1, once=True), logger)
    finally:
        close_logging()
    assert summary.outcomes == {"ingested": 3} and summary.errors == 1 and summary.left_waiting == 1
    text = logged(home)  # the key=value log; the console says it to a person:
    assert "office=VP file=boom.docx outcome=error" in text and "retry_in=5s" in text
    assert "[VP] boom.docx: lỗi khi xử lý (OSError: [Errno 5] Input/output error); thử lại sau 5 giây." in out.getvalue()
    assert [p.name for p in (home / "inbox" / "VP").iterdir()] == ["boom.docx"]  # kept, tried again later
    assert len(revision_tags(home)) == 3
    assert logging.getLogger("doccontrol.ingest.watch").handlers == []


def test_lost_events_only_delay_a_file_an_overflow_rescans_at_once(
    home: Path, docs: DocFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import logging
    import threading

    from watchdog.events import FileSystemEventHandler

    from doccontrol.ingest import observer as observer_module
    from doccontrol.ingest.watch import Watcher, WatchOptions
    from doccontrol.ingest.watch_log import close_logging, setup_logging
    from doccontrol.workspace import open_workspace

    # Every event is lost (as after a queue overflow): only scans can find files.
    monkeypatch.setattr(observer_module, "_make_handler", lambda sink, timely=True: FileSystemEventHandler())
    workspace = open_workspace(home)
    out = io.StringIO()
    logger = setup_logging(workspace, out)
    watcher = Watcher(workspace, WatchOptions(stable_seconds=0.1, rescan_seconds=60), logger)
    thread = threading.Thread(target=watcher.run)
    thread.start()
    try:
        wait_until(lambda: "watch start" in out.getvalue(), 30, "the watcher to start")
        docs.write(home / "inbox" / "VP" / "unseen.docx", code_for(970))
        # Deliberately a fixed time: without events or a rescan the file must stay untaken for a
        # while (an observation window, not a wait for a condition).
        time.sleep(1.5)
        assert revision_tags(home) == []  # no event, no rescan yet: still waiting
        logging.getLogger("watchdog.observers.inotify_c").warning("Inotify queue overflowed; filesystem events were lost")
        wait_until(lambda: revision_tags(home) == ["qt-0970-w/r1"], 30, "the rescan after the overflow")
    finally:
        watcher.request_stop("test")
        thread.join(timeout=60)
        close_logging()
    assert "inotify queue overflow: full rescan" in logged(home)  # the key=value log (the console: for people)
