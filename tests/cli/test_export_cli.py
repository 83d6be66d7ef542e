"""``export`` (issue 12): written as ``<code-slug>_r<N>.<ext>`` unless told a file name, never
under the name the office chose, never over an existing file without ``--force``."""

from __future__ import annotations

from pathlib import Path

from support.commits import commit_procedure
from support.workspace import run


def test_export_into_a_folder_never_uses_the_dropped_name(home: Path) -> None:
    data = commit_procedure(home, "LDVL", "QT-01/LĐTBXH", source="doccontrol.toml")
    config = (home / "doccontrol.toml").read_bytes()
    result = run(home, "export", "QT-01/LĐTBXH", "-o", str(home))
    assert result.exit_code == 0, result.output
    assert (home / "doccontrol.toml").read_bytes() == config
    assert (home / "qt-01-ldtbxh_r1.pdf").read_bytes() == data


def test_export_refuses_to_overwrite_without_force(home: Path, tmp_path: Path) -> None:
    commit_procedure(home, "LDVL", "QT-01/X", revision=1)
    second = commit_procedure(home, "LDVL", "QT-01/X", revision=2)
    target = tmp_path / "ban.pdf"
    target.write_bytes(b"someone else's file")
    refused = run(home, "export", "QT-01/X", "-o", str(target))
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert target.read_bytes() == b"someone else's file"
    assert run(home, "export", "QT-01/X", "-o", str(target), "--force").exit_code == 0
    assert target.read_bytes() == second
    out = tmp_path / "out"
    out.mkdir()
    assert run(home, "export", "QT-01/X", "--rev", "1", "-o", str(out)).exit_code == 0
    assert run(home, "export", "QT-01/X", "--rev", "1", "-o", str(out)).exit_code == 2  # no silent overwrite
    assert sorted(p.name for p in out.iterdir()) == ["qt-01-x_r1.pdf"]


def test_export_to_a_missing_folder_is_an_error(home: Path, tmp_path: Path) -> None:
    commit_procedure(home, "LDVL", "QT-01/X")
    for output in (f"{tmp_path / 'missing'}/", str(tmp_path / "missing" / "a.pdf")):
        result = run(home, "export", "QT-01/X", "-o", output)
        assert result.exit_code == 2 and "missing" in result.stderr, result.output
    assert not (tmp_path / "missing").exists()
