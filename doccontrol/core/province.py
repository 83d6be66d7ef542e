"""The province view as data: ``province.toml`` (the departments and where their repositories
are) and the rule that decides what a sync does with what it fetched. Pure: no I/O, no git.

A province (UBND tỉnh, through its ISO coordinating office) reads every department's controlled
repository from the git server the departments push to. Each department is a code (as an office
code: ASCII letters, digits, ``-``, ``_``), its Vietnamese name and a git URL (anything git
accepts: ``https://``, ``ssh://``, ``git://``, a path).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from doccontrol.core.config import OFFICE_CODE, ConfigError, _Reader, _toml_key, _toml_str
from doccontrol.core.text import nfc
from doccontrol.core.lazy_pattern import lazy_pattern

PROVINCE_CONFIG_NAME = "province.toml"
DEFAULT_JOBS = 4
DEFAULT_TIMEOUT = 120.0
ENGINES = ("tantivy", "whoosh")  # the province index: tantivy loads in milliseconds (docs/province.md)
_URL_FORBIDDEN = lazy_pattern(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    url: str


@dataclass(frozen=True)
class ProvinceConfig:
    name: str = "UBND tỉnh"
    departments: Mapping[str, Department] = field(default_factory=dict)  # code → department, in file order
    jobs: int = DEFAULT_JOBS  # departments fetched at once
    timeout: float = DEFAULT_TIMEOUT  # seconds one department's fetch may take
    engine: str = "tantivy"  # the search engine of the province index

    def department(self, code: str) -> Department | None:
        """The department with ``code`` (case does not matter)."""
        found = self.departments.get(code)
        if found is not None:
            return found
        return next((d for c, d in self.departments.items() if c.lower() == code.lower()), None)


def department_code_problem(code: object) -> tuple[str, str] | None:
    """Why ``code`` cannot be a department code (a folder name, a search key), or None."""
    if isinstance(code, str) and OFFICE_CODE.fullmatch(code) and not code.startswith("_"):
        return None
    return (f"Mã sở {code!r} không hợp lệ: chỉ chữ cái không dấu, chữ số, '-' và '_', tối đa 32 ký tự.",
            f"Department code {code!r} is invalid: ASCII letters, digits, '-' and '_' only, at most 32 characters.")


def url_problem(code: str, url: object) -> tuple[str, str] | None:
    """Why ``url`` cannot be a department's git URL (empty, spaces, control characters, an option)."""
    if not isinstance(url, str) or not url.strip() or _URL_FORBIDDEN.search(url) or url.startswith("-"):
        return (f"Địa chỉ git của sở {code} không hợp lệ: {url!r}.",
                f"The git URL of department {code} is invalid: {url!r} (no spaces, not starting with '-').")
    return None


def parse_province(raw: Mapping[str, object], path: object = PROVINCE_CONFIG_NAME) -> ProvinceConfig:
    """Validate ``province.toml``'s data (pure). ConfigError (exit 2) lists every problem."""
    reader = _Reader(raw)
    province = reader.table("province")
    departments: dict[str, Department] = {}
    seen: dict[str, str] = {}
    for code, entry in reader.table("departments").items():
        problem = department_code_problem(code)
        if problem is None and code.lower() in seen:
            problem = (f"Mã sở '{code}' trùng với '{seen[code.lower()]}'.", f"Department code '{code}' repeats '{seen[code.lower()]}'.")
        if problem is None and not isinstance(entry, Mapping):
            problem = (f"[departments.{code}] phải là một bảng (name, url).", f"[departments.{code}] must be a table (name, url).")
        if problem is not None:
            reader.problem(*problem)
            continue
        assert isinstance(entry, Mapping)
        name = reader.text(f"departments.{code}", entry, "name", code)
        url = entry.get("url")
        bad_url = url_problem(code, url)
        if bad_url is not None:
            reader.problem(*bad_url)
            continue
        seen[code.lower()] = code
        departments[code] = Department(code, name or code, str(url).strip())
    sync = reader.table("sync")
    search = reader.table("search")
    engine = reader.text("search", search, "engine", ProvinceConfig.engine)
    if engine not in ENGINES:
        reader.problem(f"[search] engine = {engine!r}: chỉ hỗ trợ {', '.join(ENGINES)}.",
                       f"[search] engine = {engine!r}: one of {', '.join(ENGINES)}.")
    config = ProvinceConfig(
        name=reader.text("province", province, "name", ProvinceConfig.name),
        departments=departments,
        jobs=int(reader.number("sync", sync, "jobs", DEFAULT_JOBS, minimum=1, inclusive=True, integer=True)),
        timeout=reader.number("sync", sync, "timeout_seconds", DEFAULT_TIMEOUT, minimum=0),
        engine=engine,
    )
    if reader.problems:
        from pathlib import Path

        raise ConfigError(Path(str(path)), reader.problems)
    return config


def render_province(config: ProvinceConfig) -> str:
    """The text of ``province.toml``, commented for the people who edit it."""
    lines = [
        "# doccontrol province view: every department's controlled repository, read from the git",
        "# server the departments push to (doccontrol push). Add one with",
        '#   doccontrol province add MÃ URL --name "Tên sở"',
        "",
        "[province]",
        f"name = {_toml_str(nfc(config.name))}",
        "",
        "[sync]",
        f"jobs = {config.jobs}                 # departments fetched at once",
        f"timeout_seconds = {config.timeout:g}   # one department's fetch, at most",
        "",
        "[search]",
        f"engine = {_toml_str(config.engine)}   # tantivy or whoosh (the province's index is rebuilt when it changes)",
        "",
    ]
    for code, dept in config.departments.items():
        lines += [f"[departments.{_toml_key(code)}]", f"name = {_toml_str(nfc(dept.name))}",
                  f"url = {_toml_str(dept.url)}", ""]
    return "\n".join(lines)


def with_department(config: ProvinceConfig, dept: Department) -> ProvinceConfig:
    """A copy of ``config`` with ``dept`` added, or replacing the department of the same code."""
    departments = {c: d for c, d in config.departments.items() if c.lower() != dept.code.lower()}
    departments[dept.code] = dept
    return ProvinceConfig(config.name, departments, config.jobs, config.timeout, config.engine)


# --- what a sync does with what it fetched ---------------------------------------------------------


class SyncKind(str, enum.Enum):
    NEW = "new"  # first fetch of the department
    UPDATED = "updated"  # new commits, descending from the mirror's tip
    UNCHANGED = "unchanged"
    REWRITTEN = "rewritten"  # the server's history no longer contains the mirror's tip: kept, flagged
    FAILED = "failed"  # unreachable, refused, or nothing a department repository has


SYNC_VI = {
    SyncKind.NEW: "lần đầu đồng bộ",
    SyncKind.UPDATED: "đã cập nhật",
    SyncKind.UNCHANGED: "không đổi",
    SyncKind.REWRITTEN: "LỊCH SỬ BỊ VIẾT LẠI — giữ bản cũ",
    SyncKind.FAILED: "không lấy được",
}


def decide_sync(previous: str | None, incoming: str | None, descends: bool, moved_tags: Iterable[str] = ()
                ) -> SyncKind:
    """What a sync does with a fetch: ``previous`` is the mirror's tip (None: never synced),
    ``incoming`` the server's, ``descends`` whether ``previous`` is an ancestor of ``incoming``,
    ``moved_tags`` revision tags the mirror has that the server now points elsewhere.

    A history that was rewritten (a forced push, a tag moved) is never taken silently: the mirror
    keeps what it had and the department is flagged until someone accepts the new history.
    """
    if incoming is None:
        return SyncKind.FAILED
    if previous is None:
        return SyncKind.NEW
    if not descends or any(True for _ in moved_tags):
        return SyncKind.REWRITTEN
    return SyncKind.UNCHANGED if incoming == previous else SyncKind.UPDATED
