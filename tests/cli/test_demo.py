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
    again = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert again.returncode == 0, again.stderr
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("mine", encoding="utf-8")
    refused = subprocess.run([*command, "--dir", str(tmp_path / "other")], capture_output=True, text=True)
    assert refused.returncode == 2 and (tmp_path / "other" / "keep.txt").read_text(encoding="utf-8") == "mine"
