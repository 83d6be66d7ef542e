"""Settings and folders that cannot work are refused with a message and exit 2, never a traceback
or a half-made workspace (issue 12)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from support.commits import commit_procedure
from support.workspace import run, run_json

from doccontrol.cli import main


def _init(path: Path, *offices: str) -> tuple[int, str]:
    args = ["init", str(path)]
    for office in offices:
        args += ["--office", office]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def test_init_with_an_office_name_holding_a_newline_writes_nothing(tmp_path: Path) -> None:
    code, output = _init(tmp_path / "ws", "VP=Văn phòng", "TC=Tổ chức\n[offices]\nX = \"y\"")
    assert code == 2, output
    assert "TC" in output and "Traceback" not in output
    assert not (tmp_path / "ws").exists()  # nothing half-made


def test_init_reports_every_bad_office_at_once_and_keeps_an_existing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "existing"
    folder.mkdir()
    (folder / "keep.txt").write_text("giữ nguyên", encoding="utf-8")
    code, output = _init(folder, "VP=Văn phòng", "X Y=Phòng X", "TC=Phòng <TC>")
    assert code == 2, output
    assert output.count("\n  - ") == 2, output
    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]


def test_a_configuration_edited_into_trouble_is_refused_with_each_problem(home: Path) -> None:
    config = home / "doccontrol.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("[fields]\n", '[fields]\n"Việc làm" = "KHONGCO"\n')
    text = text.replace("max_zip_entries = 5000", "max_zip_entries = 0")
    text = text.replace("extract_timeout_seconds = 60", "extract_timeout_seconds = -1")
    config.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["--home", str(home), "status"])
    assert result.exit_code == 2
    for what in ("[fields]", "max_zip_entries", "extract_timeout_seconds"):
        assert what in result.stderr
    assert "Traceback" not in result.output


def test_an_index_folder_that_is_a_file_is_a_workspace_error(home: Path) -> None:
    import shutil

    shutil.rmtree(home / "index")
    (home / "index").write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(main, ["--home", str(home), "search", "lao động"])
    assert result.exit_code == 2
    assert "index" in result.stderr and "lỗi không mong đợi" not in result.stderr


def test_renaming_an_office_that_owns_procedures_is_reported_by_status(home: Path) -> None:
    commit_procedure(home, "NCC", "QT-77/NCC")
    config = home / "doccontrol.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('NCC = "Phòng Người có công"',
                                                                 'NGUOICOCONG = "Phòng Người có công"'),
                      encoding="utf-8")
    data = run_json(home, "status")
    assert any("NCC" in p and "(VP)" in p for p in data["problems"]), data["problems"]
    assert "NCC" in run(home, "status").stdout
