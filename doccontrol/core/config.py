"""The workspace's configuration (``doccontrol.toml``) as plain data: parse and render, no I/O.

Agency, offices, fields and limits differ between agencies and change when departments merge:
they are configuration, never constants in code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from doccontrol.core.model import Limits
from doccontrol.core.text import nfc
from doccontrol.errors import WorkspaceError

CONFIG_NAME = "doccontrol.toml"
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

    def office_order(self, offices: Iterable[str]) -> list[str]:
        """``offices`` in this configuration's order (see :func:`office_order`)."""
        return office_order(offices, self.offices)


def office_order(offices: Iterable[str], configured: Iterable[str]) -> list[str]:
    """``offices`` (each once) in the order of ``configured``; offices no longer configured
    (renamed, merged) come after, by code. Every list by office follows this order."""
    order = {code: i for i, code in enumerate(configured)}
    return sorted(set(offices), key=lambda o: (order.get(o, len(order)), o))



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
        "# Fields (lĩnh vực) of the TTHC catalog and the office responsible for each: set them with",
        "# `doccontrol fields assign \"Việc làm\" LDVL` (kept in the repository, with history). Entries",
        "# here still count, for the fields the repository does not map.",
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
