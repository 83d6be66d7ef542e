"""Helpers for end-to-end tests: a workspace in a temp folder, files built from sample specs, the CLI.

``conftest.py``'s ``home`` fixture is :func:`make_workspace` in the test's ``tmp_path``;
:func:`isolated_environment` is what every test runs under (a fresh user: empty HOME, no git
identity, no workspace in the environment).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from doccontrol.cli import main
from doccontrol.demo.samples import ProcedureSpec, build_docx, build_pdf

OFFICES = {
    "VP": "Văn phòng",
    "LDVL": "Phòng Lao động - Việc làm",
    "NCC": "Phòng Người có công",
    "BTXH": "Phòng Bảo trợ xã hội",
}


# Variables of the user's environment a test must not inherit: a workspace, a git identity.
FOREIGN_VARIABLES = ("DOCCONTROL_HOME", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                     "GIT_COMMITTER_EMAIL", "EMAIL")

# The field → office map of the coverage and report tests (``[fields]`` of doccontrol.toml).
FIELD_MAP = '"Việc làm" = "LDVL"\n"Người có công" = "NCC"\n'


def isolated_environment(mp: pytest.MonkeyPatch, home: Path) -> None:
    """Run as a fresh user would: HOME is ``home`` (empty), no git configuration or identity, no
    workspace named in the environment. Used by the autouse fixture and by the fixtures of wider
    scope that build a workspace before any test runs."""
    mp.setenv("HOME", str(home))
    mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
    mp.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig-absent"))
    for var in FOREIGN_VARIABLES:
        mp.delenv(var, raising=False)


def map_fields(home: Path) -> Path:
    """Map the catalog's fields (lĩnh vực) Việc làm → LDVL and Người có công → NCC in ``home``'s
    doccontrol.toml; returns the configuration's path."""
    config = home / "doccontrol.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[fields]\n", "[fields]\n" + FIELD_MAP),
                      encoding="utf-8")
    return config


def use_engine(home: Path, engine: str) -> Path:
    """Switch ``home``'s search engine (``[search] engine``) and rebuild its index with it (tantivy:
    skips the test when the package is not installed); returns the configuration's path."""
    if engine == "tantivy":
        pytest.importorskip("tantivy", reason="the tantivy engine is not installed (pip install tantivy)")
    config = home / "doccontrol.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r'(?m)^engine = "[a-z]+"', f'engine = "{engine}"', text, count=1), encoding="utf-8")
    result = run(home, "reindex")
    assert result.exit_code == 0, result.output
    return config


def run(home: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """Run the CLI in-process (click's CliRunner) against the workspace at ``home``."""
    runner = CliRunner()
    return runner.invoke(main, ["--home", str(home), *args], env=env, catch_exceptions=False)


def run_json(home: Path, *args: str) -> Any:
    result = run(home, *args, "--json")
    assert result.stdout.strip(), result.output
    return json.loads(result.stdout)


def run_process(home: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a real subprocess (for crashes, locks and signals)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "doccontrol", "--home", str(home), *args],
        capture_output=True, text=True, env=full_env, timeout=timeout, stdin=subprocess.DEVNULL,
    )


def make_workspace(tmp_path: Path) -> Path:
    """A workspace at ``tmp_path/ws`` made by ``doccontrol init`` with the four offices (VP, the
    first, is the document controller)."""
    home = tmp_path / "ws"
    args = ["init", str(home)]
    for code, name in OFFICES.items():
        args += ["--office", f"{code}={name}"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return home


def spec(code: str = "QT-01/LĐTBXH", revision: int = 1, office: str = "LDVL", **kw: Any) -> ProcedureSpec:
    base = dict(
        code=code,
        title=kw.pop("title", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam"),
        office=office,
        revision=revision,
        issued=kw.pop("issued", None),
        effective=kw.pop("effective", None),
        tthc=kw.pop("tthc", ("1.000105",)),
    )
    base.update(kw)
    return ProcedureSpec(**base)  # type: ignore[arg-type]


def drop(home: Path, office: str, the_spec: ProcedureSpec, name: str | None = None, kind: str = "docx") -> Path:
    """Build a document from ``the_spec`` straight into inbox/<office>/."""
    folder = home / "inbox" / office
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or f"{the_spec.code.replace('/', '_')}-r{the_spec.revision}.{kind}")
    (build_docx if kind == "docx" else build_pdf)(the_spec, target)
    return target


def revised(the_spec: ProcedureSpec, revision: int, extra: str = "Bổ sung bước kiểm tra hồ sơ trực tuyến.") -> ProcedureSpec:
    return dataclasses.replace(the_spec, revision=revision, body_paragraphs=(*the_spec.body_paragraphs, extra))


def git(home: Path, *args: str, check: bool = True) -> str:
    """``git`` in the workspace's repository; its standard output."""
    return subprocess.run(
        ["git", "-C", str(home / "procedures"), *args], capture_output=True, text=True, check=check
    ).stdout


def inbox_files(home: Path) -> list[Path]:
    return sorted(p for p in (home / "inbox").rglob("*") if p.is_file() or p.is_symlink())


def quarantined(home: Path) -> list[Path]:
    return sorted(
        p for p in (home / "quarantine").rglob("*")
        if (p.is_file() or p.is_symlink()) and not p.name.endswith(".reason.txt")
    )
