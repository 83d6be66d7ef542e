"""The bundled demo, as the README's first command runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow  # the README's first command, as real processes
def test_demo_builds_a_workspace_and_can_be_run_again(
        demo_run: tuple[subprocess.CompletedProcess[str], Path], tmp_path: Path) -> None:
    command = [sys.executable, "-m", "doccontrol", "demo"]
    first, folder = demo_run  # the first run, in a fresh folder (shared with the browser test)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    for heading in ("Danh mục tài liệu hiện hành", "Thay đổi giữa hai lần ban hành", "Tìm kiếm không dấu",
                    "Kiểm tra 100% TTHC", "Tệp bị cách ly"):
        assert heading in out, heading
    assert "Lần ban hành phải tăng" in out and "Tỷ lệ" in out
    home = folder / "doccontrol-demo"
    listed = json.loads(subprocess.run([sys.executable, "-m", "doccontrol", "--home", str(home), "list", "--json"],
                                       capture_output=True, text=True, check=True).stdout)
    assert len(listed) == 12 and all(p["status"] == "current" for p in listed)
    verify = subprocess.run([sys.executable, "-m", "doccontrol", "--home", str(home), "verify"], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout
    next_steps = out.split("Tiếp theo (next)", 1)[1].splitlines()
    cd, listing = (line.split("#")[0].strip() for line in next_steps[1:3])
    bare = subprocess.run(["/bin/sh", "-c", f"{cd} && {listing}"], cwd=folder, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, stdin=subprocess.DEVNULL)
    assert bare.returncode == 0 and "QT-01/VP" in bare.stdout, (listing, bare.stderr)  # no venv on PATH
    again = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert again.returncode == 0, again.stderr
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("mine", encoding="utf-8")
    refused = subprocess.run([*command, "--dir", str(tmp_path / "other")], capture_output=True, text=True)
    assert refused.returncode == 2 and (tmp_path / "other" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_next_steps_name_a_program_that_runs_without_an_active_venv(tmp_path: Path) -> None:
    """Issue 16: "Tiếp theo: doccontrol list" failed with "command not found" outside the venv."""
    from doccontrol.cli.demo import program

    script = tmp_path / "venv" / "bin" / "doccontrol"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    assert program(str(script), None, "/x/python") == str(script)  # not on PATH: its full path
    assert program(str(script), str(script), "/x/python") == "doccontrol"  # the venv is active
    assert program(str(script), "/usr/bin/doccontrol", "/x/python") == str(script)  # another one would answer
    assert program("/src/doccontrol/__main__.py", "/usr/bin/doccontrol", "/my venv/bin/python") == \
        "'/my venv/bin/python' -m doccontrol"
