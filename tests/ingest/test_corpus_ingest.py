"""Every file of ../shared/corpus through the whole pipeline: a reason for each, nothing lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support.workspace import inbox_files, make_workspace, quarantined, run_process


@pytest.mark.slow  # the whole corpus through `python -m doccontrol ingest`
def test_every_corpus_file_is_quarantined_with_a_reason(tmp_path: Path, corpus_dir: Path) -> None:
    home = make_workspace(tmp_path)
    sources = sorted(p for p in corpus_dir.rglob("*") if p.is_file() and not p.name.startswith("LICENSE") and p.suffix in (".pdf", ".docx"))
    assert len(sources) > 90
    for source in sources:
        shutil.copyfile(source, home / "inbox" / "LDVL" / source.name)
    result = run_process(home, "ingest", "--inbox", "--json", timeout=540)
    assert "Traceback" not in result.stderr
    records = json.loads(result.stdout)
    assert len(records) == len(sources)
    # None of these is a procedure with a code, so each one must be refused, with a reason.
    assert {r["status"] for r in records} == {"quarantined"}, [r for r in records if r["status"] != "quarantined"]
    assert result.returncode == 1
    assert inbox_files(home) == []
    kept = quarantined(home)
    assert sorted(p.name for p in kept) == sorted(p.name for p in sources)
    for source in sources:
        copy = home / "quarantine" / "LDVL" / source.name
        assert copy.read_bytes() == source.read_bytes(), source.name
        reason = (home / "quarantine" / "LDVL" / f"{source.name}.reason.txt").read_text(encoding="utf-8")
        assert "Lý do:" in reason and "Cách xử lý:" in reason and "Cause:" in reason
    causes = {Path(r["file"]).name: r["cause"] for r in records}
    assert causes["pypdf_enc_r2-user-password.pdf"] == "encrypted"
    assert causes["pypdf_enc_r2-owner-password.pdf"] == "no_code"  # opens with the empty password
    assert causes["001-trivial_minimal-document.pdf"] in {"no_code", "no_text"}
