"""What ``doccontrol status`` reports (and the web view will show): one function, one dataclass.

Read-only: nothing here takes the writer lock or contacts a server. The parts:

- files waiting in the inbox and files in quarantine, per office folder;
- procedures current / withdrawn;
- the last ingest (the last line of ``logs/ingest.jsonl``, which the pipeline appends);
- the watcher: running or not, its pid (from its lock, see ``doccontrol.watch``);
- the search index against the repository (``service.index_freshness``);
- the central git remote, when ``[git] remote`` is set: commits and tags not pushed yet and the
  outcome of the last push.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from doccontrol.core.config import orphan_owner_messages, orphan_owners
from doccontrol.core.dates import iso_in_zone
from doccontrol.core.labels import INBOX_ROOT, folder_vi, office_rank, timestamp_vi
from doccontrol.repo import remote
from doccontrol.service.listing import derived_state
from doccontrol.core.names import printable, readable
from doccontrol.ingest.inbox import scan
from doccontrol.ingest.quarantine import entries as quarantine_entries
from doccontrol.ingest.watch_lock import running_watcher
from doccontrol.workspace import Workspace

_TAIL_BYTES = 64 * 1024


@dataclass(frozen=True)
class WatcherStatus:
    running: bool
    pid: int | None = None
    host: str = ""
    since: str = ""
    mode: str = ""


@dataclass(frozen=True)
class RemoteStatus:
    configured: bool
    url: str = ""
    unpushed_commits: int | None = None  # None: could not be computed
    unpushed_tags: int | None = None
    last_attempt: str = ""
    last_success: str = ""
    last_error: str = ""
    failures: int = 0


@dataclass(frozen=True)
class Status:
    root: str
    inbox_waiting: int
    inbox_by_folder: dict[str, int]
    quarantined: int
    quarantined_by_office: dict[str, int]
    procedures_current: int
    procedures_withdrawn: int
    last_ingest: dict[str, Any] | None
    watcher: WatcherStatus
    index: dict[str, Any]
    remote: RemoteStatus
    problems: list[str] = field(default_factory=list)
    timezone: str = ""  # the workspace's: every time above is given in it, ISO 8601 with its offset

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def status_of(workspace: Workspace) -> Status:
    """The status of ``workspace``; its times in the workspace's time zone (``[agency] timezone``)."""
    problems: list[str] = []
    zone = workspace.config.zone
    waiting = Counter(readable(item.folder) or INBOX_ROOT for item in scan(workspace.inbox, workspace.config.offices))
    quarantined = _quarantined(workspace.quarantine)
    try:
        state = derived_state(workspace)  # the counts kept beside the repository: no meta.json read
        current, withdrawn = state.counts() if state is not None else (0, 0)
        orphans = orphan_owners(workspace.config, state.current_offices() if state is not None else ())
        problems += [f"{vi} ({en})" for vi, en in orphan_owner_messages(workspace.config, orphans)]
    except Exception as exc:  # noqa: BLE001 - status reports, it does not fail
        problems.append(f"procedures: {type(exc).__name__}: {exc}")
        current = withdrawn = 0
    return Status(
        root=str(workspace.root),
        inbox_waiting=sum(waiting.values()),
        inbox_by_folder=_in_office_order(waiting, workspace.config.offices),
        quarantined=sum(quarantined.values()),
        quarantined_by_office=_in_office_order(quarantined, workspace.config.offices),
        procedures_current=current,
        procedures_withdrawn=withdrawn,
        last_ingest=_in_zone(last_ingest(workspace.logs / "ingest.jsonl"), zone),
        watcher=_watcher(workspace, zone),
        index=index_status(workspace),
        remote=remote_status(workspace, problems, zone),
        problems=problems,
        timezone=workspace.config.timezone,
    )


def _in_office_order(counts: Counter[str], offices: Mapping[str, str]) -> dict[str, int]:
    """Folder counts in the one order of offices (the configuration's, then other folders)."""
    return {folder: counts[folder] for folder in sorted(counts, key=office_rank(offices))}


def _in_zone(record: dict[str, Any] | None, zone: dt.tzinfo) -> dict[str, Any] | None:
    """A journal record with its ``time`` in ``zone``."""
    if record is None or not isinstance(record.get("time"), str):
        return record
    return {**record, "time": iso_in_zone(record["time"], zone)}


def _quarantined(folder: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    if not folder.is_dir():
        return counts
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        here = Path(dirpath)
        if here == folder:
            continue
        office = here.relative_to(folder).parts[0]
        names = filenames + [d for d in os.listdir(here) if (here / d).is_symlink() and d not in filenames]
        counts[readable(office)] += len(quarantine_entries(names))
    return +counts


def last_ingest(journal: Path) -> dict[str, Any] | None:
    """The last record of the ingest journal (read from the end: the file only grows)."""
    from doccontrol.ingest.journal import read_last

    found = read_last(journal, 1, _TAIL_BYTES)
    return found[0] if found else None


def _watcher(workspace: Workspace, zone: dt.tzinfo | None = None) -> WatcherStatus:
    info = running_watcher(workspace)
    if info is None:
        return WatcherStatus(running=False)
    return WatcherStatus(running=True, pid=info.pid or None, host=info.host, since=iso_in_zone(info.since, zone),
                         mode=info.mode)


def index_status(workspace: Workspace) -> dict[str, Any]:
    """The search index against the repository (its files checked): ``state`` current, behind or
    unavailable, ``behind``, the commit it reflects and HEAD; ``error`` if that cannot be told."""
    from doccontrol.service.searching import index_freshness

    try:
        return index_freshness(workspace, check_files=True).as_json()
    except Exception as exc:  # noqa: BLE001 - status reports, it does not fail
        return {"state": "error", "detail": f"{type(exc).__name__}: {exc}"}


def remote_status(workspace: Workspace, problems: list[str] | None = None,
                  zone: dt.tzinfo | None = None) -> RemoteStatus:
    url = workspace.config.git_remote
    if not url:
        return RemoteStatus(configured=False)
    state = remote.read_state(workspace)
    commits: int | None
    tags: int | None
    try:
        waiting = remote.unpushed(workspace.procedures)
        commits, tags = waiting.commits, waiting.tags
    except Exception as exc:  # noqa: BLE001
        commits = tags = None
        if problems is not None:
            problems.append(f"remote: {exc}")
    return RemoteStatus(
        configured=True,
        url=remote.redact(url),
        unpushed_commits=commits,
        unpushed_tags=tags,
        last_attempt=iso_in_zone(state.last_attempt, zone) if state.last_attempt else "",
        last_success=iso_in_zone(state.last_success, zone) if state.last_success else "",
        last_error=state.last_error,
        failures=state.failures,
    )


# --- text for people ----------------------------------------------------------------------------------


def _by(counts: dict[str, int]) -> str:
    return ", ".join(f"{folder_vi(name)}: {n}" for name, n in counts.items())


def _counts_lines(status: Status) -> list[str]:
    waiting = f"Tệp đang chờ trong inbox (waiting in the inbox): {status.inbox_waiting}"
    if status.inbox_by_folder:
        waiting += f"  [{_by(status.inbox_by_folder)}]"
    quarantined = f"Tệp bị cách ly (quarantined): {status.quarantined}"
    if status.quarantined_by_office:
        quarantined += f"  [{_by(status.quarantined_by_office)}]"
    return [
        waiting,
        quarantined,
        f"Quy trình hiện hành / đã bãi bỏ (procedures current / withdrawn): "
        f"{status.procedures_current} / {status.procedures_withdrawn}",
    ]


def _last_ingest_line(last: dict[str, Any] | None) -> str:
    if not last:
        return "Lần tiếp nhận gần nhất (last ingest): chưa có (none yet)"
    what = f"{last.get('status', '?')}"
    if last.get("code"):
        what += f" {last.get('code')} lần {last.get('revision')}"
    return (
        f"Lần tiếp nhận gần nhất (last ingest): {timestamp_vi(last.get('time', '?'))}  [{last.get('office', '?')}] "
        f"{Path(str(last.get('file', '?'))).name}: {what}"
    )


def _watcher_line(watcher: WatcherStatus) -> str:
    if not watcher.running:
        return "Tiến trình theo dõi (watcher): không chạy (not running)"
    return (
        f"Tiến trình theo dõi (watcher): đang chạy (running), pid {watcher.pid}"
        + (f", {watcher.mode}" if watcher.mode else "")
        + (f", từ (since) {timestamp_vi(watcher.since)}" if watcher.since else "")
    )


def _index_line(index: dict[str, Any]) -> str:
    state = str(index.get("state", "unknown"))
    if state not in ("current", "behind", "unavailable"):
        detail = f": {index['detail']}" if index.get("detail") else ""
        return f"Chỉ mục tìm kiếm (search index): chưa rõ (unknown){detail}"
    verdict = " — chậm hơn kho (behind the repository)" if index.get("behind") else " — khớp với kho (up to date)"
    return f"Chỉ mục tìm kiếm (search index): {state}{verdict}"


def _remote_lines(remote_: RemoteStatus) -> list[str]:
    if not remote_.configured:
        return ["Máy chủ git trung tâm (central remote): chưa cấu hình (not configured)"]
    pending = (
        "?" if remote_.unpushed_commits is None
        else f"{remote_.unpushed_commits} commit, {remote_.unpushed_tags} tag"
    )
    lines = [f"Máy chủ git trung tâm (central remote): {remote_.url}", f"  Chưa đẩy lên (not pushed yet): {pending}"]
    if remote_.last_success:
        lines.append(f"  Đẩy thành công gần nhất (last successful push): {timestamp_vi(remote_.last_success)}")
    if remote_.last_error:
        lines.append(
            f"  Lần đẩy gần nhất bị lỗi (last push failed, {remote_.failures} lần liên tiếp / in a row): "
            f"{remote_.last_error}"
        )
    return lines


def render(status: Status) -> str:
    """The status as a short bilingual report (Vietnamese, with English beside it)."""
    lines = [f"Không gian làm việc (workspace): {status.root}", *_counts_lines(status),
             _last_ingest_line(status.last_ingest), _watcher_line(status.watcher), _index_line(status.index),
             *_remote_lines(status.remote)]
    lines += [f"Lỗi (problem): {problem}" for problem in status.problems]
    return "\n".join(printable(line) for line in lines)  # names (folders, files) cannot add lines
