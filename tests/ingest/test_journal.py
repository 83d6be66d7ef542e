"""The ingest journal module: append, the last records from the end (a cut line tolerated), all records."""

from __future__ import annotations

import json
from pathlib import Path

from doccontrol.core.model import IngestStatus, Outcome
from doccontrol.ingest import journal


def outcome(n: int) -> Outcome:
    return Outcome(file=f"f{n}.docx", office="VP", status=IngestStatus.INGESTED, code=f"QT-{n}", revision=1)


def write(path: Path, count: int) -> None:
    for n in range(count):
        journal.append(path, journal.record_of(outcome(n), f"2024-01-0{n % 9 + 1}T10:00:00+07:00"))


def test_records_keep_the_outcome_json_shape(tmp_path: Path) -> None:
    path = journal.path_in(tmp_path)
    write(path, 1)
    (line,) = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record == {"time": "2024-01-01T10:00:00+07:00", **outcome(0).as_json(), "seconds": 0.0}
    assert record["status"] == "ingested"


def test_last_records_newest_first_and_all_oldest_first(tmp_path: Path) -> None:
    path = tmp_path / "ingest.jsonl"
    write(path, 5)
    assert [r["code"] for r in journal.read_last(path, 3)] == ["QT-4", "QT-3", "QT-2"]
    assert [r["code"] for r in journal.read_all(path)] == ["QT-0", "QT-1", "QT-2", "QT-3", "QT-4"]
    assert journal.read_last(path, 0) == []


def test_no_journal_yet(tmp_path: Path) -> None:
    assert journal.read_last(tmp_path / "ingest.jsonl", 5) == [] and journal.read_all(tmp_path / "ingest.jsonl") == []


def test_a_line_cut_by_a_crash_is_skipped_and_swallows_nothing(tmp_path: Path) -> None:
    path = tmp_path / "ingest.jsonl"
    write(path, 2)
    with open(path, "ab") as handle:
        handle.write(b'{"time": "2024-01-03T10:00:00+07:00", "file": "cut.do')  # the crash
    assert [r["code"] for r in journal.read_last(path, 5)] == ["QT-1", "QT-0"]
    journal.append(path, journal.record_of(outcome(7), "2024-01-04T10:00:00+07:00"))  # the next run
    assert [r["code"] for r in journal.read_last(path, 5)] == ["QT-7", "QT-1", "QT-0"]
    assert [r["code"] for r in journal.read_all(path)] == ["QT-0", "QT-1", "QT-7"]
    path.write_bytes(path.read_bytes() + b"[1, 2]\nnot json\n\n")
    assert journal.read_last(path, 1)[0]["code"] == "QT-7"


def test_the_tail_starts_on_a_whole_line(tmp_path: Path) -> None:
    path = tmp_path / "ingest.jsonl"
    write(path, 40)
    lines = path.read_bytes().split(b"\n")[:-1]
    last_two = len(lines[-1]) + len(lines[-2]) + 2
    for tail_bytes in (last_two - 1, last_two, last_two + 1):  # cut inside, exactly at, just after a line start
        codes = [r["code"] for r in journal.read_last(path, 10, tail_bytes=tail_bytes)]
        assert codes == (["QT-39"] if tail_bytes < last_two else ["QT-39", "QT-38"]), tail_bytes
