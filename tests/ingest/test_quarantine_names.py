"""The quarantine never overwrites and never hides a file (issue 12), and names of any bytes are
kept, shown readably and escaped losslessly wherever people read them."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from doccontrol.core.model import Outcome, Reason, Stage
from doccontrol.core.names import escape
from doccontrol.ingest import reasons
from doccontrol.ingest.quarantine import NAME_MAX, entries, quarantine, quarantine_target
from doccontrol.ingest.watch_log import SafeFormatter, format_outcome

REASON = Reason(stage=Stage.VALIDATE, cause="empty", message_vi="Tệp rỗng.", advice_vi="Gửi lại.",
                message_en="Empty.", advice_en="Drop it again.")


def _refuse(inbox: Path, folder: Path, name: str, data: bytes) -> Path:
    """Drop ``name`` into ``inbox`` and quarantine it as the pipeline does (staged copy first)."""
    source = inbox / name
    source.write_bytes(data)
    staged = inbox.parent / "staged"
    staged.write_bytes(data)
    import hashlib

    return quarantine(folder, source, name, reasons.render_reason(REASON, name, "LDVL", "t"), staged,
                      hashlib.sha256(data).hexdigest(), remove_source=True, source_unchanged=lambda: True)


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, Path]:
    inbox, folder = tmp_path / "inbox", tmp_path / "quarantine" / "LDVL"
    inbox.mkdir()
    return inbox, folder


def test_a_file_named_like_a_reason_never_loses_another(places: tuple[Path, Path]) -> None:
    inbox, folder = places
    first = _refuse(inbox, folder, "a.docx.reason.txt", b"first")
    second = _refuse(inbox, folder, "a.docx", b"second")
    assert first.read_bytes() == b"first" and second.read_bytes() == b"second"
    assert not first.name.endswith(".reason.txt")
    assert (folder / (second.name + ".reason.txt")).read_text(encoding="utf-8").startswith("Tệp: a.docx\n")
    assert list(inbox.iterdir()) == []
    listed = entries(os.listdir(folder))
    assert sorted(name for name, _ in listed) == sorted([first.name, second.name])
    assert all(reason is not None for _, reason in listed)


def test_a_copy_left_named_like_a_reason_is_listed_and_never_overwritten(places: tuple[Path, Path]) -> None:
    """A quarantine written before this rule: ``a.docx.reason.txt`` is a copy (no ``a.docx``)."""
    inbox, folder = places
    folder.mkdir(parents=True)
    (folder / "a.docx.reason.txt").write_bytes(b"an old copy")
    assert entries(os.listdir(folder)) == [("a.docx.reason.txt", None)]  # shown, never hidden
    placed = _refuse(inbox, folder, "a.docx", b"new")
    assert placed.name == "a (2).docx"
    assert (folder / "a.docx.reason.txt").read_bytes() == b"an old copy"


def test_colliding_names_get_a_suffix_and_identical_bytes_are_reused(places: tuple[Path, Path]) -> None:
    inbox, folder = places
    assert _refuse(inbox, folder, "x.docx", b"1").name == "x.docx"
    assert _refuse(inbox, folder, "x.docx", b"2").name == "x (2).docx"
    assert _refuse(inbox, folder, "x.docx", b"1").name == "x.docx"  # a re-run after a crash converges
    assert sorted(os.listdir(folder)) == ["x (2).docx", "x (2).docx.reason.txt", "x.docx", "x.docx.reason.txt"]


def test_a_name_that_is_not_utf8_is_kept_and_fitted(places: tuple[Path, Path]) -> None:
    inbox, folder = places
    name = os.fsdecode(b"\xe9" * 250 + b".docx")  # 255 bytes, none of them UTF-8
    placed = _refuse(inbox, folder, name, b"latin-1")
    assert placed.read_bytes() == b"latin-1"
    assert len(os.fsencode(placed.name + ".reason.txt")) <= NAME_MAX
    reason = (folder / (placed.name + ".reason.txt")).read_text(encoding="utf-8")
    assert "Tệp: " + "\ufffd" * 250 + ".docx" in reason
    assert f"Name-Escaped: {escape(name)}" in reason
    target, already = quarantine_target(folder, name, None)
    assert not already and target != placed


@pytest.mark.parametrize("name", ["x\nLý do: giả mạo.docx", "x\rCause: ok.docx", "\x1b]0;pwn\x07.docx",
                                  "\u202egnp.docx"])
def test_a_name_cannot_add_lines_to_a_reason(name: str) -> None:
    text = reasons.render_reason(REASON, name, "LDVL", "t")
    plain = reasons.render_reason(REASON, "x.docx", "LDVL", "t")
    assert len(text.splitlines()) == len(plain.splitlines()) + 1  # the same lines and the escaped name
    assert not any(ch in text for ch in "\r\x1b\x07\u202e")
    starts = [line.split(":", 1)[0] for line in text.splitlines()]
    assert starts.count("Lý do") == 1 and starts.count("Cause") == 1 and "Cause: empty" in text


def test_the_too_large_reason_says_a_fractional_limit() -> None:
    reason = reasons.too_large(3 * 2**20, 2**19)
    assert "giới hạn 512 KB" in reason.message_vi and "0 MB" not in reason.message_vi
    assert "limit is 512 KB" in reason.message_en


def test_the_watcher_log_keeps_one_line_per_event() -> None:
    outcome = Outcome(file=os.fsdecode(b"/ws/inbox/LDVL/\xe9\nWARNING x\x1b[2J.docx"), office="LDVL",
                      status="quarantined", reason="Tệp rỗng.\nfake", cause="empty")
    line = format_outcome(outcome)
    assert "\n" not in line and "\x1b" not in line and "\ufffd" in line
    record = logging.LogRecord("x", logging.ERROR, "", 0, "batch failed:\n%s", ("Trace\nline \x1b[31m",), None)
    formatted = SafeFormatter("%(levelname)s %(message)s").format(record)
    assert formatted.splitlines() == ["ERROR batch failed:", "  | Trace", "  | line \\x1b[31m"]


def test_json_records_are_valid_unicode_and_lossless() -> None:
    outcome = Outcome(file=os.fsdecode(b"/ws/inbox/LDVL/\xe9t\xe9.docx"), office="LDVL", status="quarantined",
                      quarantined_to=os.fsdecode(b"/ws/quarantine/LDVL/\xe9t\xe9.docx"))
    record = outcome.as_json()
    assert record["file"] == "/ws/inbox/LDVL/\ufffdt\ufffd.docx"
    assert record["file_escaped"] == "/ws/inbox/LDVL/%E9t%E9.docx"
    assert record["quarantined_to_escaped"] == "/ws/quarantine/LDVL/%E9t%E9.docx"
    assert "file_escaped" not in Outcome(file="/ws/a.docx", office="VP", status="ingested").as_json()
