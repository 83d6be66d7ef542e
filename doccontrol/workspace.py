"""The workspace: find it, create it, read ``doccontrol.toml``, and the single-writer lock."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import socket
import time
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from doccontrol.errors import WorkspaceError
from doccontrol.extract.validate import Limits
from doccontrol.text import nfc

CONFIG_NAME = "doccontrol.toml"
LOCK_NAME = ".doccontrol.lock"
DEFAULT_CONTROLLER = "VP"
DEFAULT_OFFICES: dict[str, str] = {"VP": "Văn phòng"}
OFFICE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
# Folder names inside procedures/ that are not offices (catalog, links, ...).
RESERVED_PREFIX = "_"


@dataclass(frozen=True)
class WatchSettings:
    poll: bool = False
    interval: float = 1.0
    stable_seconds: float = 2.0
    rescan_seconds: float = 60.0


@dataclass(frozen=True)
class Config:
    """Everything that differs between agencies: names, offices, limits. Never constants in code."""

    agency: str = "Sở Lao động - Thương binh và Xã hội"
    parent_agency: str = "UBND tỉnh Lạng Sơn"
    province: str = "Lạng Sơn"
    offices: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_OFFICES))
    controller: str = DEFAULT_CONTROLLER
    limits: Limits = field(default_factory=Limits)
    field_offices: Mapping[str, str] = field(default_factory=dict)
    review_months: int = 12
    git_remote: str = ""
    watch: WatchSettings = field(default_factory=WatchSettings)
    report: Mapping[str, object] = field(default_factory=dict)

    def office_name(self, code: str) -> str:
        return self.offices.get(code, code)


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

    def ensure_dirs(self) -> None:
        """Create the folders a (possibly hand-edited) configuration asks for."""
        for path in (self.inbox, self.procedures, self.index_dir, self.quarantine, self.logs, self.staging):
            path.mkdir(parents=True, exist_ok=True)
        for code in self.config.offices:
            (self.inbox / code).mkdir(exist_ok=True)


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
    for candidate in (start, *start.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
    raise WorkspaceError(
        "Không tìm thấy không gian làm việc doccontrol (thư mục có doccontrol.toml).",
        f"No doccontrol workspace found from {start} upwards. Use --home PATH, set DOCCONTROL_HOME, "
        "or create one with 'doccontrol init PATH'.",
    )


def load(root: Path) -> Workspace:
    path = root / CONFIG_NAME
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise WorkspaceError(f"Thiếu tệp {path}.", f"{path} is missing.") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorkspaceError(
            f"Tệp cấu hình {path} bị lỗi: {exc}", f"The configuration {path} cannot be read: {exc}"
        ) from exc
    config = parse_config(raw, path)
    workspace = Workspace(root=root, config=config)
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


def _table(raw: Mapping[str, object], key: str, path: Path) -> Mapping[str, object]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise WorkspaceError(f"Mục [{key}] trong {path} không hợp lệ.", f"[{key}] in {path} must be a table.")
    return value


def parse_config(raw: Mapping[str, object], path: Path = Path(CONFIG_NAME)) -> Config:
    """Validate the TOML data into a Config (pure)."""
    agency = _table(raw, "agency", path)
    offices_raw = _table(raw, "offices", path)
    offices: dict[str, str] = {}
    for code, name in offices_raw.items():
        if not OFFICE_CODE.match(code) or code.startswith(RESERVED_PREFIX):
            raise WorkspaceError(
                f"Mã phòng '{code}' không hợp lệ trong {path}.",
                f"Office code '{code}' in {path} is invalid: letters, digits, '-' and '_' only.",
            )
        offices[code] = nfc(str(name))
    if not offices:
        raise WorkspaceError(f"{path} chưa khai báo phòng nào ([offices]).", f"{path} declares no [offices].")
    controller = str(agency.get("controller", DEFAULT_CONTROLLER))
    if controller not in offices:
        raise WorkspaceError(
            f"Phòng kiểm soát tài liệu '{controller}' không có trong [offices] của {path}.",
            f"The document controller office '{controller}' is not one of the [offices] in {path}.",
        )
    limits_raw = _table(raw, "limits", path)
    defaults = Limits()
    try:
        limits = Limits(
            max_bytes=int(float(limits_raw.get("max_file_mb", defaults.max_bytes / 2**20)) * 2**20),
            max_uncompressed=int(
                float(limits_raw.get("max_uncompressed_mb", defaults.max_uncompressed / 2**20)) * 2**20
            ),
            max_ratio=float(limits_raw.get("max_compression_ratio", defaults.max_ratio)),
            max_entries=int(limits_raw.get("max_zip_entries", defaults.max_entries)),
            timeout_seconds=float(limits_raw.get("extract_timeout_seconds", defaults.timeout_seconds)),
            memory_mb=int(limits_raw.get("extract_memory_mb", defaults.memory_mb)),
        )
        watch_raw = _table(raw, "watch", path)
        watch = WatchSettings(
            poll=bool(watch_raw.get("poll", False)),
            interval=float(watch_raw.get("interval", 1.0)),
            stable_seconds=float(watch_raw.get("stable_seconds", 2.0)),
            rescan_seconds=float(watch_raw.get("rescan_seconds", 60.0)),
        )
        review_months = int(_table(raw, "review", path).get("months", 12))
    except (TypeError, ValueError) as exc:
        raise WorkspaceError(f"Giá trị không hợp lệ trong {path}: {exc}", f"Invalid value in {path}: {exc}") from exc
    fields = _table(raw, "fields", path)
    field_offices = {nfc(str(name)): str(office) for name, office in fields.items()}
    git_raw = _table(raw, "git", path)
    return Config(
        agency=nfc(str(agency.get("name", Config.agency))),
        parent_agency=nfc(str(agency.get("parent", Config.parent_agency))),
        province=nfc(str(agency.get("province", Config.province))),
        offices=offices,
        controller=controller,
        limits=limits,
        field_offices=field_offices,
        review_months=review_months,
        git_remote=str(git_raw.get("remote", "")),
        watch=watch,
        report=dict(_table(raw, "report", path)),
    )


# --- creating ------------------------------------------------------------------------------------


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_str(key)


def render_config(
    offices: Mapping[str, str],
    controller: str,
    agency: str = Config.agency,
    parent_agency: str = Config.parent_agency,
    province: str = Config.province,
    field_offices: Mapping[str, str] | None = None,
) -> str:
    """The text of a new ``doccontrol.toml``, commented for the people who will edit it."""
    limits = Limits()
    lines = [
        "# doccontrol workspace configuration. Agency, offices and fields are configuration:",
        "# when departments merge or rename, edit this file (the history stays in procedures/).",
        "",
        "[agency]",
        f"name = {_toml_str(nfc(agency))}",
        f"parent = {_toml_str(nfc(parent_agency))}",
        f"province = {_toml_str(nfc(province))}",
        "# The office that keeps the controlled set and may revise any office's procedure.",
        f"controller = {_toml_str(controller)}",
        "",
        "# One inbox folder per office: inbox/<CODE>/",
        "[offices]",
    ]
    lines += [f"{_toml_key(code)} = {_toml_str(nfc(name))}" for code, name in offices.items()]
    lines += [
        "",
        "# Fields (lĩnh vực) of the TTHC catalog and the office responsible for each.",
        "[fields]",
    ]
    lines += [f"{_toml_key(nfc(name))} = {_toml_str(code)}" for name, code in (field_offices or {}).items()]
    lines += [
        "",
        "[limits]",
        f"max_file_mb = {limits.max_bytes // 2**20}",
        f"max_uncompressed_mb = {limits.max_uncompressed // 2**20}",
        f"max_compression_ratio = {limits.max_ratio:g}",
        f"max_zip_entries = {limits.max_entries}",
        f"extract_timeout_seconds = {limits.timeout_seconds:g}",
        f"extract_memory_mb = {limits.memory_mb}",
        "",
        "[watch]",
        "poll = false            # true for SMB/CIFS/NFS shares, where native events never fire",
        "interval = 1.0          # seconds between polls",
        "stable_seconds = 2.0    # a file must stay unchanged this long before it is ingested",
        "rescan_seconds = 60.0   # full rescan of the inbox (events are a hint, not the truth)",
        "",
        "[review]",
        "months = 12",
        "",
        "[git]",
        '# remote = "https://git.example.invalid/so-ldtbxh/procedures.git"',
        "",
    ]
    return "\n".join(lines)


def init(
    root: Path,
    offices: Mapping[str, str] | None = None,
    controller: str = DEFAULT_CONTROLLER,
    agency: str | None = None,
    parent_agency: str | None = None,
    province: str | None = None,
    field_offices: Mapping[str, str] | None = None,
) -> Workspace:
    """Create a workspace at ``root`` (idempotent on the folders; refuses to overwrite a config)."""
    from doccontrol import store  # local import: store depends on workspace

    root = root.expanduser().resolve()
    if (root / CONFIG_NAME).exists():
        raise WorkspaceError(
            f"Đã có không gian làm việc tại {root}.", f"{root} is already a workspace ({CONFIG_NAME} exists)."
        )
    chosen = dict(offices or DEFAULT_OFFICES)
    for code in chosen:
        if not OFFICE_CODE.match(code) or code.startswith(RESERVED_PREFIX):
            raise WorkspaceError(f"Mã phòng '{code}' không hợp lệ.", f"Invalid office code '{code}'.")
    if controller not in chosen:
        chosen = {controller: DEFAULT_OFFICES.get(controller, controller), **chosen}
    root.mkdir(parents=True, exist_ok=True)
    text = render_config(
        chosen,
        controller,
        agency or Config.agency,
        parent_agency or Config.parent_agency,
        province or Config.province,
        field_offices,
    )
    (root / CONFIG_NAME).write_text(text, encoding="utf-8")
    workspace = Workspace(root=root, config=parse_config(tomllib.loads(text)))
    workspace.ensure_dirs()
    store.init_repository(workspace.procedures)
    from doccontrol import indexing

    indexing.rebuild(workspace)  # an empty index that reflects the first commit
    return workspace


# --- the writer lock -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LockInfo:
    pid: int
    host: str
    since: float
    purpose: str


def read_lock_info(root: Path) -> LockInfo | None:
    try:
        fields = (root / LOCK_NAME).read_text(encoding="utf-8").split("\t")
        return LockInfo(int(fields[0]), fields[1], float(fields[2]), fields[3].strip())
    except (OSError, ValueError, IndexError):
        return None


def lock_is_held(root: Path) -> bool:
    """True when another process holds the writer lock (checked without taking it for long)."""
    path = root / LOCK_NAME
    if not path.exists():
        return False
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                return True
            raise
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return False


@contextlib.contextmanager
def writer_lock(root: Path, purpose: str, timeout: float | None = None) -> Iterator[None]:
    """One writer per workspace (git and the index), across processes.

    ``flock`` is released by the kernel when its holder dies, so a lock left behind by a crash
    is recovered without any guessing: the file may remain, but nobody holds it. A writer waits
    up to ``timeout`` seconds (default ``DOCCONTROL_LOCK_TIMEOUT`` or 300) for another to finish.
    """
    if timeout is None:
        timeout = float(os.environ.get("DOCCONTROL_LOCK_TIMEOUT", "300"))
    path = root / LOCK_NAME
    handle = open(path, "a+", encoding="utf-8")
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = read_lock_info(root)
                    who = f"pid {holder.pid} ({holder.purpose})" if holder else "another process"
                    raise WorkspaceError(
                        f"Không gian làm việc đang bận: {who} đang ghi.",
                        f"The workspace is busy: {who} holds the writer lock {path}.",
                    ) from exc
                time.sleep(0.05)
        handle.seek(0)
        handle.truncate()
        record = f"{os.getpid()}\t{socket.gethostname()}\t{time.time():.3f}\t{purpose}\n"
        try:  # who holds the lock, for messages only: a full disk must not keep a writer out
            os.write(handle.fileno(), record.encode("utf-8"))
        except OSError:
            pass
        yield
    finally:
        handle.close()  # closing the descriptor releases the flock
