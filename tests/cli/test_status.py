"""``doccontrol status``: what is waiting, quarantined, controlled, last ingested, watching, unpushed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.documents import DocFactory
from support.watch import code_for, set_config
from support.workspace import run, run_json

import doccontrol.service.searching
from doccontrol import service
from doccontrol.service import status as status_module
from doccontrol.service.status import last_ingest, status_of
from doccontrol.workspace import open_workspace


def test_a_fresh_workspace(home: Path) -> None:
    data = run_json(home, "status")
    assert data["inbox_waiting"] == 0 and data["quarantined"] == 0
    assert data["procedures_current"] == 0 and data["procedures_withdrawn"] == 0
    assert data["last_ingest"] is None
    assert data["watcher"] == {"running": False, "pid": None, "host": "", "since": "", "mode": ""}
    assert data["remote"]["configured"] is False
    text = run(home, "status").stdout
    assert "Tệp đang chờ trong inbox (waiting in the inbox): 0" in text
    assert "không chạy (not running)" in text and "chưa có (none yet)" in text


@pytest.mark.slow
def test_counts_after_some_work(home: Path, docs: DocFactory) -> None:
    for n in range(3):
        docs.write(home / "inbox" / "LDVL" / f"a{n}.docx", code_for(600 + n))
    (home / "inbox" / "NCC" / "ghi chú.txt").write_text("không phải quy trình", encoding="utf-8")
    assert run(home, "ingest", "--inbox").exit_code == 1  # one refused
    assert run(home, "withdraw", code_for(600), "--reason", "Hết hiệu lực").exit_code == 0
    docs.write(home / "inbox" / "VP" / "waiting 1.docx", code_for(700))
    docs.write(home / "inbox" / "VP" / "sub" / "waiting 2.docx", code_for(701))
    (home / "inbox" / "VP" / "~$waiting 1.docx").write_bytes(b"owner file")  # ignored, not waiting
    (home / "inbox" / "lost.docx").write_bytes(b"dropped outside any office folder")
    data = run_json(home, "status")
    assert data["inbox_waiting"] == 3 and data["inbox_by_folder"] == {".": 1, "VP": 2}
    assert data["quarantined"] == 1 and data["quarantined_by_office"] == {"NCC": 1}
    assert (data["procedures_current"], data["procedures_withdrawn"]) == (2, 1)
    last = data["last_ingest"]
    assert last["status"] == "quarantined" and last["office"] == "NCC" and last["file"].endswith("ghi chú.txt")


def test_last_ingest_reads_the_end_of_a_long_journal_and_skips_a_cut_line(tmp_path: Path) -> None:
    journal = tmp_path / "ingest.jsonl"
    lines = [json.dumps({"n": n, "status": "ingested", "pad": "x" * 200}) for n in range(2000)]
    journal.write_text("\n".join(lines) + '\n{"n": 2000, "status": "ingest', encoding="utf-8")  # a crash mid-line
    assert last_ingest(journal)["n"] == 1999  # type: ignore[index]
    assert last_ingest(tmp_path / "absent.jsonl") is None


@pytest.mark.slow
def test_the_index_part_is_the_one_freshness_check(home: Path, docs: DocFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """``status`` reports the index through ``service.index_freshness``: current, behind (a commit
    the index does not reflect yet), and an error when the check itself fails."""
    workspace = open_workspace(home)
    assert status_of(workspace).index["state"] == "current"
    docs.write(home / "inbox" / "VP" / "x.docx", code_for(901))
    service.ingest(workspace, [(item, False) for item in service.inbox_items(workspace)], index=False)
    report = status_of(workspace)
    assert report.index["state"] == "behind" and report.index["behind"] is True
    assert "chậm hơn kho (behind the repository)" in status_module.render(report)

    def broken(ws: object, check_files: bool = False) -> None:
        raise RuntimeError("index locked")

    monkeypatch.setattr(doccontrol.service.searching, "index_freshness", broken)
    assert status_of(workspace).index == {"state": "error", "detail": "RuntimeError: index locked"}


@pytest.mark.slow
def test_the_real_index_report_after_an_ingest(home: Path, docs: DocFactory) -> None:
    docs.write(home / "inbox" / "VP" / "x.docx", code_for(900))
    assert run(home, "ingest", "--inbox").exit_code == 0
    index = run_json(home, "status")["index"]
    assert index["behind"] is False, index
    assert "khớp với kho (up to date)" in run(home, "status").stdout


@pytest.mark.slow
def test_unpushed_commits_are_shown_when_a_remote_is_configured(home: Path, docs: DocFactory, tmp_path: Path) -> None:
    set_config(home, "git", 'remote = "https://vp:s3cret@git.example.invalid/so.git"')
    docs.write(home / "inbox" / "VP" / "x.docx", code_for(800))
    assert run(home, "ingest", "--inbox").exit_code == 0
    data = run_json(home, "status")
    assert data["remote"]["configured"] is True
    assert data["remote"]["url"] == "https://vp:***@git.example.invalid/so.git"
    assert data["remote"]["unpushed_commits"] == 2 and data["remote"]["unpushed_tags"] == 1
    assert "s3cret" not in run(home, "status").stdout
