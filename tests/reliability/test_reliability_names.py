"""Hostile names (issue 12), with the exact accounting of the issue-6 campaign: names that try to
forge commit trailers, ANSI/OSC and bidi sequences, names that are not UTF-8, a file named like
another's reason, office folders with odd names — through ``ingest --inbox`` and a running
watcher. Every dropped file is committed, a duplicate or quarantined; nothing lost, nothing
twice, nothing attributed to another office; history, ``verify``, ``status`` and the web agree.

(The other inputs of issue 12 are tested where they are handled: settings in
``tests/core/test_config.py`` and ``tests/cli/test_config_cli.py``, catalogs in
``tests/extract/test_catalog_files.py``, spreadsheets in ``tests/reports/test_formula_injection.py``,
``export`` in ``tests/cli/test_export_cli.py``, the web in ``tests/web/test_web_hostile.py`` and
``test_web_serve.py``, the encoder in ``tests/repo/test_names_in_git.py``.)
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import pytest
from support.documents import DocFactory
from support.reliability import (
    Hostile,
    Ledger,
    account,
    hostile_names,
    inbox_waiting,
    ingest_here,
    repository_checks,
    revisions,
    start_watcher,
    wait_drained,
)
from support.waiting import wait_until, writer_idle
from support.watch import wait_started
from support.workspace import run_json

from doccontrol.core.names import unescape
from doccontrol.web import create_app

pytestmark = pytest.mark.slow  # real ingests (the extraction worker) and a watcher


def _name_of(record: dict[str, object]) -> str:
    path = unescape(str(record["file_escaped"])) if "file_escaped" in record else str(record["file"])
    return unicodedata.normalize("NFC", path.replace("\\", "/").rsplit("/", 1)[-1])


def _check_outcomes(records: list[dict[str, object]], items: list[Hostile]) -> None:
    wanted = {(item.office, unicodedata.normalize("NFC", item.name)): item.expect for item in items}
    got = {}
    for record in records:
        folder = unescape(str(record.get("file_escaped", record["file"]))).replace("\\", "/").rsplit("/", 2)[-2]
        office = folder if folder != "inbox" else ""
        got[(unicodedata.normalize("NFC", office), _name_of(record))] = (
            record["status"] if record["status"] != "quarantined" else record["cause"])
    wrong = {key: (got.get(key), expect) for key, expect in wanted.items() if got.get(key) not in expect}
    assert not wrong, wrong


def _check_after(home: Path, ledger: Ledger) -> None:
    accounting = account(home, ledger.drops)
    assert accounting.exact, accounting.problems()
    checks = repository_checks(home)
    assert checks["fsck_ok"] and checks["worktree_clean"] and checks["verify_ok"], checks
    # History says what was dropped: code 1 has revisions 1 and 2 by LDVL, nothing withdrawn.
    history = run_json(home, "history", "QT-0001/NAME")
    assert [(h["action"], h["revision"], h["office"]) for h in history] == [("ingest", 1, "LDVL"), ("ingest", 2, "LDVL")]
    assert history[0]["source"] == "e\rRevision: 7\r.docx"
    assert all(r.office_trailer == "LDVL" for r in revisions(home))
    # Every reason: one line per field, the name's own lines escaped.
    for reason in (home / "quarantine").rglob("*.reason.txt"):
        lines = reason.read_text(encoding="utf-8").splitlines()
        assert [line.split(":", 1)[0] for line in lines].count("Lý do") == 1, lines
        assert not any(ch in "".join(lines) for ch in "\r\x1b\x07\u202e\u2028\x85")
    # status and the web show every quarantined file (none named like a reason is hidden).
    copies = [p for p in (home / "quarantine").rglob("*") if p.is_file() and not p.name.endswith(".reason.txt")]
    status = run_json(home, "status")
    assert status["quarantined"] == len(copies) == accounting.quarantined
    page = create_app(home, testing=True).test_client().get("/status").get_data(as_text=True)
    assert "a.docx.reason (2).txt" in page and "b.docx.reason (2).txt" in page and "\ufffd" in page


def test_hostile_names_through_ingest(home: Path, docs: DocFactory) -> None:
    ledger = Ledger(home)
    for wave in hostile_names(docs):
        for item in wave:
            item.place(ledger)
        code, records = ingest_here(home)
        assert code == 1  # refused files among them, never a crash (2)
        _check_outcomes(records, wave)
    assert inbox_waiting(home) == 0
    _check_after(home, ledger)


def test_hostile_names_through_the_watcher(home: Path, tmp_path: Path, docs: DocFactory) -> None:
    ledger = Ledger(home)
    log = tmp_path / "watch.log"
    watcher = start_watcher(home, log, "--stable-seconds", "0.2", "--rescan-seconds", "1", "--young-seconds", "0")
    try:
        wait_started(log)
        for wave in hostile_names(docs):
            for item in wave:
                item.place(ledger)
            wait_drained(home, watcher, log, 120)
            wait_until(lambda: writer_idle(home), 30, "the watcher to end its batch", log=log)
        assert watcher.poll() is None
    finally:
        watcher.terminate()
        assert watcher.wait(timeout=60) == 0
    records = [json.loads(line) for line in (home / "logs" / "ingest.jsonl").read_text(encoding="utf-8").splitlines()]
    _check_outcomes(records, [item for wave in hostile_names(docs) for item in wave])
    _check_after(home, ledger)
    # The console (a line for people each, behind the time of day) and the key=value log file
    # (behind the date, a traceback's lines marked "  | "): valid UTF-8, nothing a terminal obeys.
    console = log.read_bytes().decode("utf-8")
    assert all(re.match(r"\d\d:\d\d:\d\d ", line) for line in console.splitlines() if line), console[-2000:]
    text = console + (home / "logs" / "doccontrol.log").read_bytes().decode("utf-8")
    assert "\x1b" not in text and "\u202e" not in text and "Traceback" not in text
    logged = (home / "logs" / "doccontrol.log").read_bytes().decode("utf-8")
    assert all(line[:4].isdigit() or line.startswith("  | ") for line in logged.splitlines() if line)
    os.sync()
