"""The province folder on disk: find it, load ``province.toml``, create one, add a department.

Province commands find their folder as the others find a workspace: ``--home``, else
``$DOCCONTROL_HOME``, else walking up from the current directory to a ``province.toml``.

Layout::

    province.toml          the departments (code, name, git URL) and the sync settings
    mirrors/<CODE>.git     each department's repository, a bare read-only mirror
    state/sync.json        the outcome of each department's last sync (tip, when, flags)
    cache/<CODE>.pickle    each department's figures at its tip (derived, rebuilt when missing)
    index/                 one search index over every department (derived)
"""

from __future__ import annotations

import json
import os
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from doccontrol.core.province import (
    PROVINCE_CONFIG_NAME,
    Department,
    ProvinceConfig,
    department_code_problem,
    parse_province,
    render_province,
    url_problem,
    with_department,
)
from doccontrol.core.text import nfc
from doccontrol.errors import UsageError, WorkspaceError
from doccontrol.workspace import read_toml, search_upwards


@dataclass(frozen=True)
class Province:
    root: Path
    config: ProvinceConfig

    @property
    def config_path(self) -> Path:
        return self.root / PROVINCE_CONFIG_NAME

    def mirror(self, code: str) -> Path:
        return self.root / "mirrors" / f"{code}.git"

    @property
    def state_path(self) -> Path:
        return self.root / "state" / "sync.json"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    def department(self, code: str) -> Department:
        """The department with ``code``; UsageError (exit 2) for an unknown one."""
        found = self.config.department(code)
        if found is None:
            known = ", ".join(self.config.departments) or "—"
            raise UsageError(f"Không có sở mã '{code}' trong {PROVINCE_CONFIG_NAME} (có: {known}).",
                             f"No department '{code}' in {PROVINCE_CONFIG_NAME} (known: {known}).")
        return found


def find_root(home: str | os.PathLike[str] | None, cwd: Path | None = None) -> Path:
    """The province folder: ``home`` if given, else walk up from ``cwd`` to a ``province.toml``."""
    if home:
        root = Path(home).expanduser().resolve()
        if not (root / PROVINCE_CONFIG_NAME).is_file():
            raise WorkspaceError(
                f"Không tìm thấy thư mục tỉnh tại {root} (thiếu {PROVINCE_CONFIG_NAME}).",
                f"No province folder at {root}: {PROVINCE_CONFIG_NAME} is missing. Create one with "
                f"'doccontrol province init {root}'.",
            )
        return root
    start = (cwd or Path.cwd()).resolve()
    found = search_upwards(start, PROVINCE_CONFIG_NAME)
    if found is not None:
        return found
    raise WorkspaceError(
        f"Không tìm thấy thư mục tỉnh (thư mục có {PROVINCE_CONFIG_NAME}).",
        f"No province folder found from {start} upwards. Use --home PATH, set DOCCONTROL_HOME, or create one "
        "with 'doccontrol province init PATH'.",
    )


def load(root: Path) -> Province:
    path = root / PROVINCE_CONFIG_NAME
    return Province(root, parse_province(read_toml(path), path))


def open_province(home: str | os.PathLike[str] | None, cwd: Path | None = None) -> Province:
    return load(find_root(home, cwd))


def _write_config(root: Path, config: ProvinceConfig) -> None:
    text = render_province(config)
    parse_province(tomllib.loads(text), root / PROVINCE_CONFIG_NAME)  # what is written reads back
    tmp = root / f".{PROVINCE_CONFIG_NAME}.{uuid.uuid4().hex[:8]}.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, root / PROVINCE_CONFIG_NAME)


def init(root: Path, name: str | None = None) -> Province:
    """Create a province folder at ``root`` (refuses an existing one)."""
    root = root.expanduser().resolve()
    if (root / PROVINCE_CONFIG_NAME).exists():
        raise WorkspaceError(f"Đã có thư mục tỉnh tại {root}.", f"{root} is already a province folder.")
    if root.exists() and not root.is_dir():
        raise WorkspaceError(f"{root} là một tệp, không phải thư mục.", f"{root} is a file, not a folder.")
    config = ProvinceConfig(name=nfc(name.strip()) if name and name.strip() else ProvinceConfig.name)
    root.mkdir(parents=True, exist_ok=True)
    _write_config(root, config)
    for folder in ("mirrors", "state", "cache"):
        (root / folder).mkdir(exist_ok=True)
    return Province(root, config)


def add_department(province: Province, code: str, url: str, name: str | None) -> tuple[Province, bool]:
    """Add a department (or change the name and URL of one): (the province, whether it was new)."""
    problem = department_code_problem(code) or url_problem(code, url)
    if problem is not None:
        raise UsageError(*problem)
    existing = province.config.department(code)
    if existing is not None and existing.code != code:
        raise UsageError(f"Đã có sở mã '{existing.code}' (không phân biệt hoa thường).",
                         f"Department '{existing.code}' exists already (case is not told apart).")
    label = nfc(" ".join((name or "").split())) or (existing.name if existing else code)
    config = with_department(province.config, Department(code, label, url.strip()))
    _write_config(province.root, config)
    return Province(province.root, config), existing is None


# --- the sync state file ------------------------------------------------------------------------------


def read_state(province: Province) -> dict[str, dict[str, Any]]:
    """Department code → what its last sync recorded ({} before the first)."""
    try:
        data = json.loads(province.state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}


def write_state(province: Province, state: dict[str, dict[str, Any]]) -> None:
    path = province.state_path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
