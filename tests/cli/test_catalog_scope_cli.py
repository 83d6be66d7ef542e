"""catalog scope and catalog undo, fields and init --field, through the CLI (no interpreter started)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from support.workspace import OFFICES, git, run, run_json

from doccontrol.cli import main


def test_init_maps_fields_in_the_repository(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    args = ["init", str(home), "--field", "Việc làm=LDVL", "--field", "Người có công = NCC"]
    for code, name in OFFICES.items():
        args += ["--office", f"{code}={name}"]
    assert CliRunner().invoke(main, args).exit_code == 0
    stored = json.loads((home / "procedures" / "_settings" / "organisation.json").read_text(encoding="utf-8"))
    assert stored["fields"] == {"Người có công": "NCC", "Việc làm": "LDVL"} and stored["offices"] == OFFICES
    assert "Lĩnh vực: Việc làm → VP" in CliRunner().invoke(main, ["init", str(tmp_path / "w2"), "--office", "VP=V",
                                                                    "--field", "Việc làm=VP"]).output
    bad = CliRunner().invoke(main, ["init", str(tmp_path / "w3"), "--office", "VP=V", "--field", "Việc làm=XX"])
    assert bad.exit_code == 2 and "XX" in bad.output
    assert CliRunner().invoke(main, ["init", str(tmp_path / "w4"), "--field", "no-equals"]).exit_code == 2
    assert run(home, "fields").exit_code == 2  # no catalog yet: say so (exit 2), never a traceback


def test_scope_replace_clear_and_undo_with_history(home: Path, tthc_exports_dir: Path) -> None:
    export = tthc_exports_dir / "danh-sach-tthc-BoTuPhap.xlsx"
    assert run(home, "catalog", "scope", "--agency", "Sở Tư pháp").exit_code == 0  # before any catalog: kept
    assert run(home, "catalog", "import", str(export)).exit_code == 0
    shown = run_json(home, "catalog", "scope")
    assert (shown["agencies"], shown["in_scope"], shown["active"]) == (["Sở Tư pháp"], 58, 271)
    narrower = run_json(home, "catalog", "scope", "--agency", "so tu phap", "--field", "Công chứng", "--field", "Luật sư")
    assert (narrower["fields"], narrower["in_scope"]) == (["Công chứng", "Luật sư"], 23)
    nothing = run(home, "catalog", "scope", "--level", "Cấp xã")  # the national export states no level
    assert nothing.exit_code == 1 and "0/271" in nothing.stderr
    assert run(home, "catalog", "scope", "--clear", "--level", "x").exit_code == 2
    assert run_json(home, "catalog", "scope", "--clear")["in_scope"] == 271
    log = git(home, "log", "--format=%s", "--", "_catalog/scope.json").splitlines()
    assert len(log) == 4 and log[0] == "Phạm vi danh mục TTHC: toàn bộ danh mục (chưa giới hạn phạm vi)"
    assert run(home, "catalog", "import", str(tthc_exports_dir / "danh-sach-tthc-BoXayDung.xlsx")).exit_code == 0
    assert len(run_json(home, "catalog", "list")) == 796
    undone = run_json(home, "catalog", "undo")
    assert undone["total"] == 271 and len(run_json(home, "catalog", "list")) == 271
    assert run_json(home, "catalog", "undo")["total"] == 0
    assert run(home, "catalog", "undo").exit_code == 2
    imports = git(home, "log", "--format=%s", "--", "_catalog/catalog.json").splitlines()
    assert len(imports) == 4 and imports[0].startswith("Hoàn tác nhập danh mục TTHC")  # nothing erased


def test_fields_assign_takes_the_catalogs_spelling(home: Path, tthc_exports_dir: Path) -> None:
    assert run(home, "catalog", "import", str(tthc_exports_dir / "danh-sach-tthc-BoTuPhap.xlsx")).exit_code == 0
    assert run(home, "fields", "assign", "cong chung", "VP").exit_code == 0
    assert run(home, "fields", "assign", "Không có", "VP").stderr.count("chưa có lĩnh vực") == 1
    assert run(home, "fields", "assign", "Công chứng", "XX").exit_code == 2
    listed = {r["field"]: r for r in run_json(home, "fields")}
    assert (listed["Công chứng"]["office"], listed["Công chứng"]["source"]) == ("VP", "repository")
    assert run(home, "fields", "assign", "Công chứng", "-").exit_code == 0
    assert {r["field"]: r["office"] for r in run_json(home, "fields")}["Công chứng"] is None
    assert "doccontrol fields assign" in run(home, "fields").stderr
