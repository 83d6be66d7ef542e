"""A group of commits lost with the writer: fast-import dies after some of a group's commits were
written but before they were made durable. Those commits do not exist, so their files must stay in
the inbox, answered "not done" (retry_later, cause commit_lost), and never be journaled as
ingested; the next run takes them and nothing is lost."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from support.workspace import drop, inbox_files, quarantined, run, run_json, spec

from doccontrol.repo.commitstream import CommitStream

pytestmark = pytest.mark.slow  # every ingest starts the sandboxed extraction worker

CODES = ("QT-01/VP", "QT-02/VP", "QT-03/VP")


def _drop_three(home: Path) -> None:
    for code in CODES:
        drop(home, "VP", spec(code=code, office="VP", title=f"Quy trình thử nghiệm {code}"))


def _journal(home: Path) -> list[dict[str, object]]:
    path = home / "logs" / "ingest.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _kill_before(method: str, call: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kill fast-import just before the ``call``-th call of ``CommitStream.<method>``."""
    original: Callable[..., object] = getattr(CommitStream, method)
    calls = {"n": 0}

    def dying(self: CommitStream, *args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == call:
            self.process.kill()
            self.process.wait()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(CommitStream, method, dying)


def test_writer_dying_mid_group_gives_the_group_back(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _drop_three(home)
    _kill_before("commit", 3, monkeypatch)  # two commits written, not yet durable; the third finds it dead
    result = run(home, "ingest", "--inbox", "--json")
    assert result.exit_code == 1, result.output
    records = {r["code"]: r for r in json.loads(result.stdout)}
    assert [records[c]["status"] for c in CODES] == ["retry_later", "retry_later", "quarantined"]
    assert records["QT-01/VP"]["cause"] == "commit_lost" and records["QT-01/VP"]["commit"] is None
    assert records["QT-03/VP"]["cause"] == "commit_failed"
    # The first two are still in the inbox, the third in the quarantine; none was journaled ingested.
    assert sorted(p.name for p in inbox_files(home)) == ["QT-01_VP-r1.docx", "QT-02_VP-r1.docx"]
    assert [p.name for p in quarantined(home)] == ["QT-03_VP-r1.docx"]
    assert not any(r["status"] == "ingested" for r in _journal(home))
    assert run_json(home, "list") == []

    monkeypatch.undo()
    again = run(home, "ingest", "--inbox", "--json")
    assert again.exit_code == 0, again.output
    assert sorted(r["code"] for r in json.loads(again.stdout)) == ["QT-01/VP", "QT-02/VP"]
    assert {r["code"] for r in run_json(home, "list")} == {"QT-01/VP", "QT-02/VP"}
    assert inbox_files(home) == []
    assert [r["code"] for r in _journal(home) if r["status"] == "ingested"] == ["QT-01/VP", "QT-02/VP"]


def test_writer_dying_before_the_checkpoint_gives_the_group_back(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _drop_three(home)
    _kill_before("checkpoint", 1, monkeypatch)  # all three written; fast-import dies before making them durable
    result = run(home, "ingest", "--inbox")
    assert result.exit_code == 1, result.output
    assert "3 tệp chưa lưu được vào kho" in result.stderr
    assert "chưa xong, sẽ thử lại" in result.stdout
    assert len(inbox_files(home)) == 3 and quarantined(home) == []
    assert not any(r["status"] == "ingested" for r in _journal(home))
    assert run_json(home, "list") == []

    monkeypatch.undo()
    again = run(home, "ingest", "--inbox")
    assert again.exit_code == 0, again.output
    assert {r["code"] for r in run_json(home, "list")} == set(CODES)
    assert inbox_files(home) == []
    assert run(home, "verify").exit_code == 0
