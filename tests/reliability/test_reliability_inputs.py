"""Hostile input (issue 6): every bad file is refused with a clear reason or ingested correctly,
nothing outside the workspace is read or written, and the accounting is exact.

One workspace takes the whole hostile set through ``doccontrol ingest --inbox`` (a real process),
another through a running watcher. (The files of ``../shared/corpus`` go through ``ingest`` in
``test_corpus_ingest.py`` and through a watcher in ``bench/stress.py --phases hostile``.)
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from support.documents import DocFactory
from support.reliability import (
    Hostile,
    Ledger,
    Sentinel,
    account,
    code_for,
    doccontrol,
    hostile_set,
    inbox_waiting,
    ingest_here,
    repository_checks,
    revisions,
    start_watcher,
    wait_drained,
)
from support.waiting import wait_until, writer_idle
from support.watch import wait_started

pytestmark = pytest.mark.slow  # the hostile set through real processes and a watcher

FAST_LIMITS = {"extract_timeout_seconds": "4"}


def _set_limits(home: Path, **values: str) -> None:
    text = (home / "doccontrol.toml").read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        lines.append(f"{key} = {values[key]}" if key in values else line)
    (home / "doccontrol.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def sentinel(tmp_path_factory: pytest.TempPathFactory, docs: DocFactory) -> Sentinel:
    return Sentinel.create(tmp_path_factory.mktemp("outside"), docs)


@pytest.fixture(scope="module")
def hostile(docs: DocFactory, sentinel: Sentinel) -> list[Hostile]:
    return hostile_set(docs, sentinel)


def _outcome_of(records: list[dict[str, object]], hostile: Hostile) -> str | None:
    wanted = {unicodedata.normalize("NFC", hostile.name), hostile.name}
    for record in records:
        path = Path(str(record["file"]))
        if path.name in wanted or (hostile.kind == "dir" and path.parent.name in wanted):
            return str(record["status"] if record["status"] != "quarantined" else record["cause"])
    return None


def _assert_outcomes(records: list[dict[str, object]], items: list[Hostile]) -> dict[str, str]:
    outcomes = {item.name: _outcome_of(records, item) for item in items}
    wrong = {
        name: (got, item.expect) for item, (name, got) in zip(items, outcomes.items())
        if got not in item.expect and not (got == "duplicate" and "ingested" in item.expect)
    }
    assert not wrong, wrong
    return {name: str(got) for name, got in outcomes.items()}


def test_hostile_set_through_ingest(home: Path, sentinel: Sentinel, hostile: list[Hostile]) -> None:
    _set_limits(home, **FAST_LIMITS)
    ledger = Ledger(home)
    items = hostile
    for item in items:
        item.place(ledger)
    result = doccontrol(home, "ingest", "--inbox", "--json")
    assert result.returncode == 1, result.stderr  # refused files: exit 1, never a crash (2)
    assert "Traceback" not in result.stderr
    records = json.loads(result.stdout)
    _assert_outcomes(records, items)
    # Every refusal carries a reason a clerk can read, in Vietnamese and English.
    for record in records:
        if record["status"] == "quarantined":
            reason = Path(str(record["quarantined_to"]) + ".reason.txt").read_text(encoding="utf-8")
            assert "Lý do:" in reason and "Cách xử lý:" in reason and "Reason:" in reason, reason
    accounting = account(home, ledger.drops)
    assert accounting.exact, accounting.problems()
    assert accounting.lost == [] and accounting.twice == []
    assert sentinel.changes() == []
    assert not (sentinel.folder / "evil.txt").exists() and not (home / "outside-evil.txt").exists()
    checks = repository_checks(home)
    assert checks["fsck_ok"] and checks["worktree_clean"] and checks["verify_ok"], checks
    # Good files with hard names are stored under the NFC name they were dropped with.
    sources = {rev.source for rev in revisions(home)}
    assert "Quy trình cấp phép lao động.docx" in sources
    assert "đ" * 125 + ".docx" in sources


def test_refused_file_with_a_255_byte_name_is_quarantined_with_its_reason(home: Path, docs: DocFactory) -> None:
    ledger = Ledger(home)
    long_name = "đ" * 122 + "-rong.docx"  # 254 bytes: the reason file's name cannot just append .reason.txt
    assert len(long_name.encode()) == 254
    ledger.write("LDVL", long_name, b"")
    ledger.write("LDVL", "tiếp theo.docx", docs.data(code_for(1, "LONG")))
    code, records = ingest_here(home)
    assert code == 1
    assert sorted(str(r["status"]) for r in records) == ["ingested", "quarantined"]
    refused = next(r for r in records if r["status"] == "quarantined")
    assert refused["cause"] == "empty"
    copy = Path(str(refused["quarantined_to"]))
    assert copy.is_file() and len(copy.name.encode()) <= 255 - len(".reason.txt")
    reason = copy.with_name(copy.name + ".reason.txt").read_text(encoding="utf-8")
    assert f"Tệp: {long_name}" in reason  # the clerk sees the name as dropped
    accounting = account(home, ledger.drops)
    assert accounting.exact, accounting.problems()
    # Two different long names stay two different quarantined files.
    ledger.write("LDVL", "đ" * 122 + "-hai.docx", b"x")
    ledger.write("LDVL", "đ" * 122 + "-ba.docx", b"y")
    assert ingest_here(home)[0] == 1
    assert account(home, ledger.drops).exact


def test_hostile_set_through_the_watcher(home: Path, tmp_path: Path, sentinel: Sentinel, hostile: list[Hostile]) -> None:
    """The same drops land in a running watcher: it stays up and takes them all."""
    _set_limits(home, **FAST_LIMITS)
    ledger = Ledger(home)
    log = tmp_path / "watch.log"
    watcher = start_watcher(home, log, "--stable-seconds", "0.2", "--rescan-seconds", "1", "--young-seconds", "0")
    try:
        wait_started(log)
        items = hostile
        for item in items:
            item.place(ledger)
        wait_drained(home, watcher, log, 150)
        assert inbox_waiting(home) == 0, log.read_text(encoding="utf-8", errors="replace")[-3000:]
        wait_until(lambda: writer_idle(home), 30, "the watcher to end its last batch", log=log)
        assert watcher.poll() is None  # still up after all of it
    finally:
        watcher.terminate()
        assert watcher.wait(timeout=60) == 0
    records = [json.loads(line) for line in (home / "logs" / "ingest.jsonl").read_text(encoding="utf-8").splitlines()]
    _assert_outcomes(records, items)
    accounting = account(home, ledger.drops)
    assert accounting.exact, accounting.problems()
    assert sentinel.changes() == []
    checks = repository_checks(home)
    assert checks["fsck_ok"] and checks["worktree_clean"] and checks["verify_ok"], checks
    assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")


def test_nothing_is_read_through_a_link_swapped_in_after_the_scan(home: Path, docs: DocFactory,
                                                                  sentinel: Sentinel) -> None:
    """A regular file replaced by a symlink to an outside file between scan and ingest is refused."""
    ledger = Ledger(home)
    path = ledger.write("LDVL", "đổi.docx", docs.data(code_for(1, "SWAP")))
    path.unlink()
    path.symlink_to(sentinel.folder / "outside.docx")
    result = doccontrol(home, "ingest", str(path), "--json")
    records = json.loads(result.stdout)
    assert records[0]["cause"] == "not_regular_file"
    assert revisions(home) == []
    assert sentinel.changes() == []
    assert (sentinel.folder / "outside.docx").is_file()
    shutil.rmtree(home / "quarantine")
