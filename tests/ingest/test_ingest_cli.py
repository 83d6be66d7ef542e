"""The foundation end to end through the CLI, on real .docx/.pdf files built in the tests."""

from __future__ import annotations

import dataclasses
import json
import os
import unicodedata
from pathlib import Path

import docx
import pytest
from support.extract_builders import ole_file
from support.workspace import (
    drop,
    git,
    inbox_files,
    make_workspace,
    quarantined,
    revised,
    run,
    run_json,
    spec,
)


def test_init_creates_the_workspace(home: Path) -> None:
    for name in ("doccontrol.toml", "inbox/VP", "inbox/LDVL", "procedures/.git", "index", "quarantine", "logs"):
        assert (home / name).exists(), name
    text = (home / "doccontrol.toml").read_text(encoding="utf-8")
    assert 'LDVL = "Phòng Lao động - Việc làm"' in text and 'controller = "VP"' in text


def test_init_refuses_an_existing_workspace(home: Path) -> None:
    result = run(home, "init", str(home))
    assert result.exit_code == 2
    assert "Đã có" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["header_table", "paragraphs", "page_header", "split_cells"])
@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_each_metadata_layout_is_ingested(home: Path, layout: str, kind: str) -> None:
    the_spec = spec(code="QT-LDVL-03", revision=2, metadata_layout=layout, tthc=("1.001234",))
    drop(home, "LDVL", the_spec, kind=kind)
    records = run_json(home, "ingest", "--inbox")
    assert [(r["status"], r["code"], r["revision"]) for r in records] == [("ingested", "QT-LDVL-03", 2)]
    listed = run_json(home, "list")
    assert listed[0]["code"] == "QT-LDVL-03" and listed[0]["office"] == "LDVL" and listed[0]["revision"] == 2
    assert listed[0]["tthc"] == ["1.001234"]
    assert inbox_files(home) == []


@pytest.mark.slow
def test_commit_tag_author_and_layout(home: Path) -> None:
    the_spec = spec()
    dropped = drop(home, "LDVL", the_spec)
    original = dropped.read_bytes()
    result = run(home, "ingest", "--inbox")
    assert result.exit_code == 0, result.output
    folder = home / "procedures" / "LDVL" / "qt-01-ldtbxh"
    assert (folder / "original.docx").read_bytes() == original
    assert "Cấp giấy phép lao động" in (folder / "text.txt").read_text(encoding="utf-8")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["code"] == "QT-01/LĐTBXH" and meta["revision"] == 1 and meta["office"] == "LDVL"
    log = git(home, "log", "-1", "--format=%an|%ae|%cn|%s%n%b")
    assert log.startswith("Phòng Lao động - Việc làm (LDVL)|ldvl@offices.doccontrol.invalid|doccontrol|QT-01/LĐTBXH lần 1: ")
    assert "Office: LDVL" in log and "Revision: 1" in log and f"Source-File: {dropped.name}" in log
    assert "Sha256: " in log
    assert git(home, "tag", "-l").split() == ["qt-01-ldtbxh/r1"]


@pytest.mark.slow
def test_duplicate_is_reported_and_removed(home: Path) -> None:
    the_spec = spec()
    first = drop(home, "LDVL", the_spec)
    copy = first.read_bytes()
    run(home, "ingest", "--inbox")
    commits = git(home, "rev-list", "--count", "HEAD")
    (home / "inbox" / "LDVL" / "copy again.docx").write_bytes(copy)
    records = run_json(home, "ingest", "--inbox")
    assert [r["status"] for r in records] == ["duplicate"]
    assert git(home, "rev-list", "--count", "HEAD") == commits
    assert inbox_files(home) == [] and quarantined(home) == []


@pytest.mark.slow
def test_resave_with_same_text_is_quarantined_as_same_content(home: Path) -> None:
    the_spec = spec()
    drop(home, "LDVL", the_spec, kind="docx")
    run(home, "ingest", "--inbox")
    drop(home, "LDVL", the_spec, kind="pdf")  # same text, other bytes
    docx_text = (home / "procedures/LDVL/qt-01-ldtbxh/text.txt").read_text(encoding="utf-8")
    result = run(home, "ingest", "--inbox", "--json")
    record = json.loads(result.stdout)[0]
    if record["cause"] == "same_content":
        assert result.exit_code == 1
        reason = next((home / "quarantine" / "LDVL").glob("*.reason.txt")).read_text(encoding="utf-8")
        assert "Trùng nội dung" in reason
    else:  # the PDF's text layout differs from Word's: then it is refused as not a higher revision
        assert record["cause"] == "revision_not_increased", (record, docx_text[:200])


@pytest.mark.slow
def test_same_text_other_bytes_docx_is_same_content(home: Path, tmp_path: Path) -> None:
    """A re-save of the very same document (other bytes, identical text) is 'trùng nội dung'."""
    import zipfile

    first = drop(home, "LDVL", spec())
    data = first.read_bytes()
    run(home, "ingest", "--inbox")
    resaved = home / "inbox" / "LDVL" / "resaved.docx"
    (tmp_path / "src.docx").write_bytes(data)
    with zipfile.ZipFile(tmp_path / "src.docx") as src, zipfile.ZipFile(resaved, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info.filename), compresslevel=1)  # other bytes, same parts
    assert resaved.read_bytes() != data
    records = run_json(home, "ingest", "--inbox")
    assert records[0]["status"] == "quarantined" and records[0]["cause"] == "same_content"
    assert quarantined(home)[0].name == "resaved.docx"


@pytest.mark.slow
def test_revision_bump_history_diff_and_export(home: Path, tmp_path: Path) -> None:
    the_spec = spec()
    rev1 = drop(home, "LDVL", the_spec).read_bytes()
    run(home, "ingest", "--inbox")
    rev2_path = drop(home, "LDVL", revised(the_spec, 2), kind="pdf")
    rev2 = rev2_path.read_bytes()
    records = run_json(home, "ingest", "--inbox")
    assert [(r["status"], r["revision"]) for r in records] == [("ingested", 2)]
    shown = run_json(home, "show", "qt-01/ldtbxh")
    assert shown["revision"] == 2 and [r["revision"] for r in shown["revisions"]] == [1, 2]
    assert all(len(r["commit"]) == 40 and len(r["sha256"]) == 64 for r in shown["revisions"])
    diff = run(home, "diff", "QT-01/LĐTBXH")
    assert diff.exit_code == 0 and "+" in diff.stdout and "Bổ sung bước kiểm tra hồ sơ trực tuyến" in diff.stdout
    for revision, expected in ((1, rev1), (2, rev2)):
        out = tmp_path / f"r{revision}.bin"
        result = run(home, "export", "QT-01/LĐTBXH", "--rev", str(revision), "-o", str(out))
        assert result.exit_code == 0, result.output
        assert out.read_bytes() == expected
    assert git(home, "tag", "-l").split() == ["qt-01-ldtbxh/r1", "qt-01-ldtbxh/r2"]
    assert (home / "procedures/LDVL/qt-01-ldtbxh/original.pdf").exists()
    assert not (home / "procedures/LDVL/qt-01-ldtbxh/original.docx").exists()
    history = run_json(home, "history", "QT-01/LĐTBXH")
    assert [h["action"] for h in history] == ["ingest", "ingest"]


@pytest.mark.slow
def test_a_number_already_taken_is_refused_an_older_one_is_historical(home: Path) -> None:
    the_spec = spec(revision=3)
    drop(home, "LDVL", the_spec)
    run(home, "ingest", "--inbox")
    drop(home, "LDVL", revised(the_spec, 2), name="older.docx")
    drop(home, "LDVL", revised(the_spec, 3, "Một thay đổi khác."), name="same.docx")
    result = run(home, "ingest", "--inbox", "--json")
    assert result.exit_code == 1
    found = {r["file"].rsplit("/", 1)[-1]: (r["status"], r["cause"], r["action"]) for r in json.loads(result.stdout)}
    assert found == {"older.docx": ("ingested", None, "historical"),  # lần 2, loaded after lần 3
                     "same.docx": ("quarantined", "revision_not_increased", None)}
    reason = (home / "quarantine" / "LDVL" / "same.docx.reason.txt").read_text(encoding="utf-8")
    assert "Lần ban hành phải tăng" in reason and "Reason:" in reason
    drop(home, "LDVL", revised(the_spec, 2, "Lần 2 khác."), name="older-again.docx")
    again = run_json(home, "ingest", "--inbox")
    assert [(r["status"], r["cause"]) for r in again] == [("quarantined", "revision_taken")]
    assert run_json(home, "show", "QT-01/LĐTBXH")["revision"] == 3


@pytest.mark.slow
def test_ownership(home: Path) -> None:
    the_spec = spec(office="NCC")
    drop(home, "NCC", the_spec)
    run(home, "ingest", "--inbox")
    drop(home, "LDVL", revised(the_spec, 2), name="takeover.docx")
    records = run_json(home, "ingest", "--inbox")
    assert records[0]["cause"] == "not_owner"
    drop(home, "VP", revised(the_spec, 2), name="by-controller.docx")
    records = run_json(home, "ingest", "--inbox")
    assert records[0]["status"] == "ingested"
    assert git(home, "log", "-1", "--format=%ae").strip() == "vp@offices.doccontrol.invalid"
    assert run_json(home, "show", the_spec.code)["office"] == "NCC"  # still the owner's


@pytest.mark.slow
def test_nfd_input_is_stored_nfc(home: Path) -> None:
    nfd = dataclasses.replace(
        spec(),
        code=unicodedata.normalize("NFD", "QT-02/LĐTBXH"),
        title=unicodedata.normalize("NFD", "Giải quyết hưởng trợ cấp thất nghiệp"),
    )
    drop(home, "LDVL", nfd, name=unicodedata.normalize("NFD", "Quy trình trợ cấp.docx"))
    records = run_json(home, "ingest", "--inbox")
    assert records[0]["status"] == "ingested"
    listed = run_json(home, "list")[0]
    assert listed["code"] == "QT-02/LĐTBXH" and unicodedata.is_normalized("NFC", listed["title"])
    assert "Giải quyết hưởng trợ cấp thất nghiệp" in listed["title"]
    text = (home / "procedures/LDVL/qt-02-ldtbxh/text.txt").read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.slow
def test_refusals_have_clear_reasons(home: Path) -> None:
    inbox = home / "inbox"
    ole_file(inbox / "LDVL" / "old.doc", ["WordDocument", "1Table"])
    (inbox / "LDVL" / "notes.txt").write_text("Mã hiệu: QT-99", encoding="utf-8")
    (inbox / "stray.docx").write_bytes(b"x")
    (inbox / "KHAC").mkdir()
    (inbox / "KHAC" / "other.pdf").write_bytes(b"%PDF-1.4\n")
    untitled = docx.Document()
    untitled.add_paragraph("QUY TRÌNH")
    untitled.add_paragraph("Tiếp nhận hồ sơ trợ cấp thất nghiệp")
    untitled.add_paragraph("Lần ban hành: 01. Ngày ban hành: 05/03/2024. Không ghi mã hiệu.")
    untitled.save(str(inbox / "LDVL" / "nocode.docx"))
    result = run(home, "ingest", "--inbox", "--json")
    assert result.exit_code == 1
    causes = {Path(r["file"]).name: r["cause"] for r in json.loads(result.stdout)}
    assert causes == {
        "old.doc": "legacy_doc",
        "notes.txt": "unsupported_type",
        "stray.docx": "unknown_office",
        "other.pdf": "unknown_office",
        "nocode.docx": "no_code",
    }
    assert inbox_files(home) == []
    assert len(quarantined(home)) == 5
    doc_reason = (home / "quarantine" / "LDVL" / "old.doc.reason.txt").read_text(encoding="utf-8")
    assert ".docx" in doc_reason and "Cách xử lý" in doc_reason and "What to do" in doc_reason
    assert (home / "quarantine" / "_khong-ro-phong" / "stray.docx").exists()


@pytest.mark.slow
def test_withdraw_and_revive(home: Path) -> None:
    the_spec = spec()
    drop(home, "LDVL", the_spec)
    run(home, "ingest", "--inbox")
    result = run(home, "withdraw", "QT-01/LĐTBXH", "--reason", "Thủ tục đã bị bãi bỏ theo Quyết định 12/QĐ-UBND")
    assert result.exit_code == 0, result.output
    assert run_json(home, "list") == []
    withdrawn = run_json(home, "list", "--status", "withdrawn")
    assert [w["status"] for w in withdrawn] == ["withdrawn"]
    assert "ĐÃ BÃI BỎ" in run(home, "show", "QT-01/LĐTBXH").stdout
    again = run(home, "withdraw", "QT-01/LĐTBXH", "--reason", "x")
    assert again.exit_code == 2
    drop(home, "LDVL", revised(the_spec, 2))
    run(home, "ingest", "--inbox")
    listed = run_json(home, "list")
    assert [(x["code"], x["revision"], x["status"]) for x in listed] == [("QT-01/LĐTBXH", 2, "current")]
    assert [h["action"] for h in run_json(home, "history", "QT-01/LĐTBXH")] == ["ingest", "withdraw", "ingest"]


@pytest.mark.slow
def test_ingest_given_files_keeps_them(home: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    from doccontrol.demo.samples import build_docx

    path = build_docx(spec(code="QT-05/VP", office="VP"), outside / "qt05.docx")
    result = run(home, "ingest", str(path), "--office", "VP")
    assert result.exit_code == 0, result.output
    assert path.exists()
    assert run_json(home, "list")[0]["code"] == "QT-05/VP"
    missing_office = run(home, "ingest", str(path))
    assert missing_office.exit_code == 2 and "--office" in missing_office.stderr


def test_usage_and_workspace_errors(tmp_path: Path) -> None:
    nowhere = tmp_path / "nowhere"
    nowhere.mkdir()
    result = run(nowhere, "list")
    assert result.exit_code == 2 and "doccontrol init" in result.stderr
    home = make_workspace(tmp_path)
    assert run(home, "ingest").exit_code == 2
    assert run(home, "show", "QT-404").exit_code == 2
    assert run(home, "export", "QT-404", "-o", str(tmp_path / "x")).exit_code == 2
    (home / "doccontrol.toml").write_text("[offices\n", encoding="utf-8")
    broken = run(home, "list")
    assert broken.exit_code == 2 and "doccontrol.toml" in broken.stderr


def test_workspace_is_found_by_env_and_by_walking_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from doccontrol.cli import main

    home = make_workspace(tmp_path)
    runner = CliRunner()
    by_env = runner.invoke(main, ["list", "--json"], env={"DOCCONTROL_HOME": str(home)})
    assert by_env.exit_code == 0 and json.loads(by_env.stdout) == []
    monkeypatch.chdir(home / "inbox" / "VP")
    by_walk = runner.invoke(main, ["list", "--json"])
    assert by_walk.exit_code == 0 and json.loads(by_walk.stdout) == []


@pytest.mark.slow
def test_json_output_is_only_json(home: Path) -> None:
    drop(home, "LDVL", spec())
    (home / "inbox" / "LDVL" / "bad.docx").write_bytes(b"not a zip")
    result = run(home, "ingest", "--inbox", "--json")
    records = json.loads(result.stdout)
    assert {r["status"] for r in records} == {"ingested", "quarantined"}
    assert set(records[0]) >= {"file", "status", "code", "revision", "reason"}
    assert result.exit_code == 1


def test_symlink_fifo_and_hard_link_are_refused_without_touching_targets(home: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.docx"
    secret.write_bytes(b"outside the workspace")
    folder = home / "inbox" / "LDVL"
    os.symlink(secret, folder / "link.docx")
    os.link(secret, folder / "hard.docx")
    os.mkfifo(folder / "pipe.pdf")
    records = run_json(home, "ingest", "--inbox")
    causes = {Path(r["file"]).name: r["cause"] for r in records}
    assert causes == {"link.docx": "not_regular_file", "hard.docx": "hard_link", "pipe.pdf": "not_regular_file"}
    assert secret.read_bytes() == b"outside the workspace"
    assert (home / "quarantine" / "LDVL" / "link.docx").is_symlink()
    assert inbox_files(home) == []
