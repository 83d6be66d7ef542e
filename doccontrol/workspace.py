"""The workspace on disk: find it, load ``doccontrol.toml``, its folders, and writing a new one.

The configuration itself is plain data (``doccontrol.core.config``); the repository inside the
workspace is reached through ``doccontrol.repo``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from doccontrol.core.config import (
    CONFIG_NAME,
    DEFAULT_CONTROLLER,
    DEFAULT_OFFICES,
    Config,
    parse_config,
    render_config,
)
from doccontrol.errors import WorkspaceError

__all__ = ["CONFIG_NAME", "DEFAULT_CONTROLLER", "Config", "Workspace", "find_root", "load", "open_workspace",
           "read_toml", "search_upwards", "write_new"]


@dataclass(frozen=True)
class Workspace:
    root: Path
    config: Config

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def procedures(self) -> Path:
        return self.root / "procedures"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def staging(self) -> Path:
        """Private copies of files being processed (so a file that changes under us is noticed)."""
        return self.logs / ".staging"

    def folders(self) -> list[Path]:
        """The folders of the workspace (the office inbox folders included)."""
        return [self.inbox, self.procedures, self.index_dir, self.quarantine, self.logs, self.staging,
                *(self.inbox / code for code in self.config.offices)]

    def check_folders(self) -> None:
        """WorkspaceError (one line per path) when a workspace folder is something else (a file)."""
        blocked = [p for p in self.folders() if (p.exists() or p.is_symlink()) and not p.is_dir()]
        if blocked:
            names = ", ".join(str(p.relative_to(self.root)) for p in blocked)
            raise WorkspaceError(
                f"Trong không gian làm việc, {names} phải là thư mục nhưng đang là tệp. Hãy đổi tên hoặc xoá.",
                f"In the workspace, {names} must be a folder but is a file: rename or remove it.",
            )

    def ensure_dirs(self) -> None:
        """Create the folders a (possibly hand-edited) configuration asks for."""
        self.check_folders()
        for path in self.folders():
            path.mkdir(parents=True, exist_ok=True)


# --- finding and loading -------------------------------------------------------------------------


def find_root(home: str | os.PathLike[str] | None, cwd: Path | None = None) -> Path:
    """The workspace root: ``--home``/``DOCCONTROL_HOME`` if given, else walk up from ``cwd``."""
    if home:
        root = Path(home).expanduser().resolve()
        if not (root / CONFIG_NAME).is_file():
            raise WorkspaceError(
                f"Không tìm thấy không gian làm việc tại {root} (thiếu {CONFIG_NAME}).",
                f"No workspace at {root}: {CONFIG_NAME} is missing. Create one with 'doccontrol init {root}'.",
            )
        return root
    start = (cwd or Path.cwd()).resolve()
    found = search_upwards(start, CONFIG_NAME)
    if found is not None:
        return found
    raise WorkspaceError(
        "Không tìm thấy không gian làm việc doccontrol (thư mục có doccontrol.toml).",
        f"No doccontrol workspace found from {start} upwards. Use --home PATH, set DOCCONTROL_HOME, "
        "or create one with 'doccontrol init PATH'.",
    )


def search_upwards(start: Path, name: str) -> Path | None:
    """The first of ``start`` and its parents that holds a file ``name`` (as git finds its folder)."""
    for candidate in (start, *start.parents):
        if (candidate / name).is_file():
            return candidate
    return None


def read_toml(path: Path) -> dict[str, object]:
    """A configuration file's data; WorkspaceError (exit 2) when it is missing or not TOML."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise WorkspaceError(f"Thiếu tệp {path}.", f"{path} is missing.") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorkspaceError(
            f"Tệp cấu hình {path} bị lỗi: {exc}", f"The configuration {path} cannot be read: {exc}"
        ) from exc


def load(root: Path) -> Workspace:
    path = root / CONFIG_NAME
    config = parse_config(read_toml(path), path)
    workspace = Workspace(root=root, config=config)
    workspace.check_folders()
    if not workspace.procedures.joinpath(".git").exists():
        raise WorkspaceError(
            f"Kho tài liệu {workspace.procedures} không phải kho git.",
            f"The controlled repository {workspace.procedures} is missing or is not a git repository.",
        )
    return workspace


def open_workspace(home: str | os.PathLike[str] | None, cwd: Path | None = None) -> Workspace:
    workspace = load(find_root(home, cwd))
    workspace.ensure_dirs()
    return workspace


# --- creating ------------------------------------------------------------------------------------


def write_new(
    root: Path,
    offices: Mapping[str, str] | None = None,
    controller: str = DEFAULT_CONTROLLER,
    agency: str | None = None,
    parent_agency: str | None = None,
    province: str | None = None,
    field_offices: Mapping[str, str] | None = None,
) -> Workspace:
    """Write a new workspace's ``doccontrol.toml`` and folders at ``root`` (refuses to overwrite a
    configuration). The repository and the index are created by ``service.init``.

    Everything is checked before anything is written: the configuration as it will be read back
    (ConfigError lists every problem: an office code or name that cannot be one, ...) and the
    folders (none of them may be a file), so a refused ``init`` leaves nothing behind.
    """
    root = root.expanduser().resolve()
    if (root / CONFIG_NAME).exists():
        raise WorkspaceError(
            f"Đã có không gian làm việc tại {root}.", f"{root} is already a workspace ({CONFIG_NAME} exists)."
        )
    if root.exists() and not root.is_dir():
        raise WorkspaceError(f"{root} là một tệp, không phải thư mục.", f"{root} is a file, not a folder.")
    chosen = dict(offices or DEFAULT_OFFICES)
    if controller not in chosen:
        chosen = {controller: DEFAULT_OFFICES.get(controller, controller), **chosen}
    text = render_config(
        chosen,
        controller,
        agency or Config.agency,
        parent_agency or Config.parent_agency,
        province or Config.province,
        field_offices,
    )
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # render_config escapes every value: a bug, said plainly
        raise WorkspaceError(f"Không tạo được tệp cấu hình hợp lệ: {exc}", f"Cannot write a valid configuration: {exc}") from exc
    workspace = Workspace(root=root, config=parse_config(raw, root / CONFIG_NAME))
    workspace.check_folders()
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{CONFIG_NAME}.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, root / CONFIG_NAME)
    workspace.ensure_dirs()
    return workspace
