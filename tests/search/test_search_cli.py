"""Search through the CLI: the index follows the repository; reindex and verify/repair."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support.workspace import drop, revised, run, run_json, spec

pytestmark = pytest.mark.slow  # every test ingests (the extraction worker) in its workspace


@pytest.fixture
def home(home: Path) -> Path:
    """conftest's fresh workspace with two procedures ingested (and so indexed)."""
    drop(home, "LDVL", spec(code="QT-02/LĐTBXH", title="Giải quyết hưởng trợ cấp thất nghiệp", tthc=("1.001978",)))
    drop(home, "NCC", spec(code="QT.NCC.01", office="NCC", title="Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
                           tthc=("1.002410",)))
    assert run(home, "ingest", "--inbox").exit_code == 0
    return home


def codes(home: Path, *args: str) -> list[str]:
    return [hit["code"] for hit in run_json(home, "search", *args)]


def test_search_with_and_without_diacritics_and_by_code(home: Path) -> None:
    assert codes(home, "trợ cấp thất nghiệp")[0] == "QT-02/LĐTBXH"
    assert codes(home, "tro cap that nghiep")[0] == "QT-02/LĐTBXH"
    assert codes(home, "tho cung liet si")[0] == "QT.NCC.01"
    assert codes(home, "qt-02/ldtbxh")[0] == "QT-02/LĐTBXH"
    assert codes(home, "1.002410")[0] == "QT.NCC.01"
    assert codes(home, "trợ cấp", "--office", "NCC") == ["QT.NCC.01"]
    hit = run_json(home, "search", "thất nghiệp")[0]
    assert set(hit) == {"code", "title", "office", "revision", "status", "score", "snippet"}
    assert "[[" in hit["snippet"]
    text = run(home, "search", "tro cap that nghiep")
    assert text.exit_code == 0 and "QT-02/LĐTBXH" in text.stdout and "hiện hành" in text.stdout


def test_index_follows_revisions_and_withdrawals(home: Path) -> None:
    base = spec(code="QT-02/LĐTBXH", title="Giải quyết hưởng trợ cấp thất nghiệp", tthc=("1.001978",))
    drop(home, "LDVL", revised(base, 2, "Tiếp nhận hồ sơ qua cổng dịch vụ công trực tuyến toàn trình."))
    run(home, "ingest", "--inbox")
    current = run_json(home, "search", "thất nghiệp")
    assert [(h["code"], h["revision"]) for h in current] == [("QT-02/LĐTBXH", 2)]
    every = run_json(home, "search", "thất nghiệp", "--all-revisions")
    assert sorted(h["revision"] for h in every) == [1, 2]
    assert codes(home, "dịch vụ công trực tuyến toàn trình") == ["QT-02/LĐTBXH"]
    run(home, "withdraw", "QT.NCC.01", "--reason", "Bãi bỏ")
    assert "QT.NCC.01" not in codes(home, "thờ cúng liệt sĩ")
    withdrawn = run_json(home, "search", "thờ cúng liệt sĩ", "--include-withdrawn")
    assert [(h["code"], h["status"]) for h in withdrawn] == [("QT.NCC.01", "withdrawn")]


def test_deleted_index_is_rebuilt_and_said(home: Path) -> None:
    shutil.rmtree(home / "index")
    result = run(home, "search", "thất nghiệp", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["code"] == "QT-02/LĐTBXH"
    assert "Chỉ mục" in result.stderr


def test_verify_finds_and_repairs_a_stale_index(home: Path, tmp_path: Path) -> None:
    assert run(home, "verify").exit_code == 0
    saved = tmp_path / "old-index"
    shutil.copytree(home / "index", saved)
    drop(home, "BTXH", spec(code="QT-BTXH-01", office="BTXH", title="Tiếp nhận đối tượng bảo trợ xã hội"))
    run(home, "ingest", "--inbox")
    shutil.rmtree(home / "index")
    shutil.copytree(saved, home / "index")  # the index of before: it lacks the new procedure
    report = run(home, "verify", "--json")
    assert report.exit_code == 1
    data = json.loads(report.stdout)
    assert data["index"]["missing"] == ["qt-btxh-01@1"] and not data["healthy"]
    repaired = run(home, "verify", "--repair", "--json")
    assert repaired.exit_code == 0, repaired.stdout
    assert json.loads(repaired.stdout)["index"]["repaired"]
    assert codes(home, "bảo trợ xã hội")[0] == "QT-BTXH-01"


def test_verify_detects_a_corrupted_index_and_repairs_it(home: Path) -> None:
    segments = sorted(p for p in (home / "index").rglob("*.seg") if p.stat().st_size > 64)
    assert segments, list((home / "index").rglob("*"))
    data = bytearray(segments[0].read_bytes())
    for i in range(32, min(len(data), 4000), 97):
        data[i] ^= 0x5A
    segments[0].write_bytes(bytes(data))
    report = run(home, "verify", "--json")
    assert report.exit_code == 1 and json.loads(report.stdout)["index"]["problems"]
    assert run(home, "verify", "--repair").exit_code == 0
    assert codes(home, "tro cap that nghiep")[0] == "QT-02/LĐTBXH"


def test_reindex(home: Path) -> None:
    result = run(home, "reindex", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == {"documents": 2}
    assert run(home, "verify").exit_code == 0


def test_verify_reports_a_tampered_revision(home: Path) -> None:
    import subprocess

    folder = next((home / "procedures" / "LDVL").iterdir())
    (folder / "original.docx").write_bytes(b"tampered")
    report = run(home, "verify", "--json")
    assert report.exit_code == 1
    assert json.loads(report.stdout)["integrity"]["mismatches"]
    subprocess.run(["git", "-C", str(home / "procedures"), "checkout", "--", "."], check=True)
    assert run(home, "verify").exit_code == 0
