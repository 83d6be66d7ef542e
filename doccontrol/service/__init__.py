"""The library API over a workspace: what the CLI (and later the web view) call.

Each function opens what it needs and closes it again; writers take the workspace lock,
readers never do.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from doccontrol.ingest import pipeline
from doccontrol.service import tthc
from doccontrol.core.catalog import Tthc
from doccontrol.errors import UsageError, WorkspaceError
from doccontrol.ingest.inbox import InboxItem, item_for, prune_empty_folders, scan
from doccontrol.core.model import Outcome, ProcedureState, RevisionRecord
from doccontrol.search import Hit, IndexUnavailable, SearchRequest

if TYPE_CHECKING:
    from doccontrol.repo.indexing import IndexReport
    from doccontrol.repo.integrity import IntegrityReport
from doccontrol.repo.store import Store, now_iso
from doccontrol.repo.lock import writer_lock
from doccontrol.core.config import DEFAULT_CONTROLLER
from doccontrol.workspace import Workspace, write_new

STATUSES = ("current", "withdrawn", "all")


def commit_hooks(workspace: Workspace) -> list[pipeline.CommitHook]:
    """What must follow every commit in the same step: the search index."""
    from doccontrol.repo import indexing

    return [indexing.commit_hook(workspace)]


# --- creating a workspace ------------------------------------------------------------------------------


def init(
    root: Path,
    offices: Mapping[str, str] | None = None,
    controller: str = DEFAULT_CONTROLLER,
    agency: str | None = None,
    parent_agency: str | None = None,
    province: str | None = None,
    field_offices: Mapping[str, str] | None = None,
) -> Workspace:
    """Create a workspace at ``root``: configuration, folders, the repository with its first
    commit and an empty index that reflects it. Refuses to overwrite a configuration."""
    from doccontrol.repo import indexing, store

    workspace = write_new(root, offices, controller, agency, parent_agency, province, field_offices)
    store.init_repository(workspace.procedures)
    indexing.rebuild(workspace)
    return workspace


# --- ingest ---------------------------------------------------------------------------------------------


def inbox_items(workspace: Workspace) -> list[InboxItem]:
    """Files waiting in the inbox, oldest first (revision 1 dropped before revision 2 goes first)."""

    def age(item: InboxItem) -> tuple[int, str]:
        try:
            return item.path.lstat().st_mtime_ns, str(item.path)
        except FileNotFoundError:
            return 0, str(item.path)

    return sorted(scan(workspace.inbox, workspace.config.offices), key=age)


def items_for_files(workspace: Workspace, files: Sequence[Path], office: str | None) -> list[tuple[InboxItem, bool]]:
    """Items for files named on the command line: (item, keep_source).

    A file inside the inbox is treated as an inbox drop (its office is its folder, it is moved
    on). A file elsewhere needs ``office`` and is never moved or deleted.
    """
    inbox = workspace.inbox.resolve()
    result: list[tuple[InboxItem, bool]] = []
    for file in files:
        absolute = Path(file).absolute()
        inside = item_for(inbox, absolute.parent.resolve() / absolute.name, workspace.config.offices)
        if inside is not None and (office is None or office == inside.office):
            result.append((inside, False))
            continue
        if office is None:
            raise UsageError(
                f"Cần chỉ rõ phòng cho tệp {file}: --office MÃ_PHÒNG.",
                f"{file} is not in an office's inbox folder: say whose it is with --office CODE.",
            )
        if office not in workspace.config.offices:
            raise UsageError(
                f"Phòng '{office}' chưa được khai báo trong doccontrol.toml.",
                f"Unknown office '{office}'. Known: {', '.join(workspace.config.offices)}.",
            )
        if not absolute.exists() and not absolute.is_symlink():
            raise UsageError(f"Không có tệp {file}.", f"No such file: {file}")
        result.append((InboxItem(path=absolute, office=office, folder=office), True))
    return result


def ingest(
    workspace: Workspace,
    items: Iterable[tuple[InboxItem, bool]],
    progress: Callable[[Outcome | None], None] | None = None,
    index: bool = True,
) -> list[Outcome]:
    """Run items through the pipeline under the writer lock. Returns one outcome per file still there.

    ``index=False`` leaves the search index behind (it catches up at the next search); only the
    benchmark uses it, to time the pipeline alone.
    """
    outcomes: list[Outcome] = []
    hooks = commit_hooks(workspace) if index else []
    with writer_lock(workspace.root, "ingest"), pipeline.session(workspace, hooks) as ingestor:
        for item, keep_source in items:
            outcome = ingestor.process(item, keep_source=keep_source)
            if outcome is not None:
                outcomes.append(outcome)
            if progress:
                progress(outcome)
    prune_empty_folders(workspace.inbox, workspace.config.offices)
    return outcomes


# --- reading the controlled set ----------------------------------------------------------------------


def procedures(workspace: Workspace, office: str | None = None, status: str = "current") -> list[ProcedureState]:
    if status not in STATUSES:
        raise UsageError(f"Trạng thái không hợp lệ: {status}.", f"Unknown status {status!r}: {', '.join(STATUSES)}.")
    with Store(workspace.procedures) as store:
        states = list(store.states())
    return [
        s
        for s in states
        if (office is None or s.office == office) and (status == "all" or s.status == status)
    ]


def list_record(state: ProcedureState) -> dict[str, object]:
    return {
        "code": state.code,
        "title": state.title,
        "office": state.office,
        "revision": state.revision,
        "issued": state.issued.isoformat() if state.issued else None,
        "status": state.status,
        "tthc": list(state.tthc),
    }


def revision_record(record: RevisionRecord) -> dict[str, object]:
    return {
        "revision": record.revision,
        "commit": record.commit,
        "date": record.date,
        "sha256": record.sha256,
        "source": record.source,
        "office": record.office,
    }


@dataclasses.dataclass(frozen=True)
class Detail:
    state: ProcedureState
    history: list[RevisionRecord]

    @property
    def revisions(self) -> list[RevisionRecord]:
        return [r for r in self.history if r.action == "ingest"]


def detail(workspace: Workspace, code: str) -> Detail:
    with Store(workspace.procedures) as store:
        state = store.get(code)
        return Detail(state=state, history=store.history(state))


def _check_revision(state: ProcedureState, revisions: list[RevisionRecord], revision: int) -> None:
    if revision not in {r.revision for r in revisions}:
        known = ", ".join(str(r.revision) for r in revisions)
        raise UsageError(
            f"Quy trình {state.code} không có lần ban hành {revision} (có: {known}).",
            f"Procedure {state.code} has no revision {revision} (known: {known}).",
        )


def diff(workspace: Workspace, code: str, from_rev: int | None = None, to_rev: int | None = None) -> str:
    """Unified diff of the extracted texts of two revisions (default: the last two)."""
    with Store(workspace.procedures) as store:
        state = store.get(code)
        revisions = store.revisions(state)
        numbers = [r.revision for r in revisions]
        to_rev = to_rev if to_rev is not None else numbers[-1]
        if from_rev is None:
            earlier = [n for n in numbers if n < to_rev]
            if not earlier:
                raise UsageError(
                    f"Quy trình {state.code} chỉ có một lần ban hành, không có gì để so sánh.",
                    f"{state.code} has a single revision: nothing to compare.",
                )
            from_rev = earlier[-1]
        _check_revision(state, revisions, from_rev)
        _check_revision(state, revisions, to_rev)
        old = store.text_at(state, from_rev).splitlines(keepends=True)
        new = store.text_at(state, to_rev).splitlines(keepends=True)
    lines = difflib.unified_diff(
        old, new, fromfile=f"{state.code} lần {from_rev}", tofile=f"{state.code} lần {to_rev}", lineterm="\n"
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def export(workspace: Workspace, code: str, revision: int | None = None) -> tuple[bytes, ProcedureState]:
    """The original bytes of a revision (default: the newest) and the state at that revision."""
    with Store(workspace.procedures) as store:
        state = store.get(code)
        revisions = store.revisions(state)
        wanted = revision if revision is not None else state.revision
        _check_revision(state, revisions, wanted)
        return store.original_at(state, wanted)


# --- withdrawing -------------------------------------------------------------------------------------------


def withdraw(workspace: Workspace, code: str, reason: str, office: str | None = None) -> tuple[ProcedureState, str]:
    """Mark a procedure withdrawn (bãi bỏ): a commit; it stays in history, never listed as current."""
    reason = " ".join(reason.split())
    if not reason:
        raise UsageError("Cần ghi lý do bãi bỏ (--reason).", "A reason is required (--reason).")
    config = workspace.config
    actor = office or config.controller
    if actor not in config.offices:
        raise UsageError(f"Phòng '{actor}' chưa được khai báo.", f"Unknown office '{actor}'.")
    with writer_lock(workspace.root, "withdraw"), Store(workspace.procedures) as store:
        store.recover()
        state = store.get(code)
        if actor not in (state.office, config.controller):
            raise UsageError(
                f"Phòng {actor} không được bãi bỏ quy trình {state.code} của phòng {state.office}.",
                f"Office {actor} may not withdraw {state.code}, which belongs to {state.office}.",
            )
        if state.status == "withdrawn":
            raise UsageError(
                f"Quy trình {state.code} đã bị bãi bỏ từ trước.", f"{state.code} is already withdrawn."
            )
        withdrawn = dataclasses.replace(
            state, status="withdrawn", withdrawn_reason=reason, withdrawn_at=now_iso(), updated_at=now_iso()
        )
        commit = store.write_withdrawal(withdrawn, reason, actor, config.office_name(actor))
        hooks = commit_hooks(workspace)
        for hook in hooks:
            hook(store, withdrawn, commit)
        pipeline.finish_hooks(hooks, store)
    return withdrawn, commit


# --- search ------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class SearchOutcome:
    hits: list[Hit]
    notices: list[str]  # what was done to the index on the way (rebuilt, caught up), for people


def _freshness(workspace: Workspace) -> str:
    """"current", "behind" or "unavailable" — cheaply (no checksums), for every search."""
    from doccontrol.repo import indexing

    try:
        reflected = indexing.backend(workspace).reflected_commit()
    except IndexUnavailable:
        return "unavailable"
    with Store(workspace.procedures) as store:
        changed = indexing.changed_folders(store, reflected, store.head() or "")
    return "current" if changed == set() else "behind"


def search(workspace: Workspace, request: SearchRequest) -> SearchOutcome:
    """Search the index; bring it up to the repository first when it is behind or unreadable.

    Readers never wait for writers: if another process holds the writer lock (an ingest is
    under way), the search runs on the index as it is and says so.
    """
    from doccontrol.repo import indexing

    notices: list[str] = []
    state = _freshness(workspace)
    if state != "current":
        try:
            with writer_lock(workspace.root, "index", timeout=0 if state == "behind" else None):
                done = indexing.catch_up(workspace)
            if done:
                notices.append(
                    f"Chỉ mục tìm kiếm chưa khớp với kho tài liệu nên đã được cập nhật ({done}). "
                    f"(the search index was behind the repository: {done})"
                )
        except WorkspaceError:
            notices.append(
                "Đang có tiến trình ghi vào kho; kết quả có thể chưa gồm thay đổi mới nhất. "
                "(a writer is busy; results may miss the newest change)"
            )
    index = indexing.backend(workspace)
    try:
        hits = index.search(request)
    except IndexUnavailable as exc:
        with writer_lock(workspace.root, "index"):
            indexing.rebuild(workspace)
        notices.append(f"Chỉ mục tìm kiếm hỏng nên đã được tạo lại. (the index was damaged and was rebuilt: {exc})")
        hits = indexing.backend(workspace).search(request)
    return SearchOutcome(hits=hits, notices=notices)


def reindex(workspace: Workspace) -> int:
    """Rebuild the index from the repository (searches keep working on the old one meanwhile)."""
    from doccontrol.repo import indexing

    with writer_lock(workspace.root, "reindex"):
        return indexing.rebuild(workspace)


@dataclasses.dataclass
class VerifyReport:
    index: IndexReport
    integrity: IntegrityReport

    @property
    def healthy(self) -> bool:
        return self.index.healthy and not self.integrity.mismatches

    def as_json(self) -> dict[str, object]:
        return {"healthy": self.healthy, "index": self.index.as_json(), "integrity": self.integrity.as_json()}


def verify(workspace: Workspace, repair: bool = False) -> VerifyReport:
    """Compare the index with the repository and check every revision's bytes; optionally repair the index."""
    from doccontrol.repo import indexing, integrity

    index_report = indexing.compare(workspace)
    if repair and not index_report.healthy:
        with writer_lock(workspace.root, "verify --repair"):
            indexing.rebuild(workspace)
        before = index_report
        index_report = indexing.compare(workspace)
        index_report.repaired = (
            f"rebuilt: {len(before.missing)} missing, {len(before.stale)} stale, {len(before.extra)} extra, "
            f"{len(before.problems)} problem(s) before"
        )
    with Store(workspace.procedures) as store:
        integrity_report = integrity.check_revisions(store)
    return VerifyReport(index=index_report, integrity=integrity_report)


# --- the TTHC catalog, links and coverage (see tthc.py) ------------------------------------------------


def coverage(workspace: Workspace, office: str | None = None, field: str | None = None) -> tthc.CoverageResult:
    """The coverage report and its context; UsageError (exit 2) when no catalog was imported."""
    return tthc.coverage(workspace, office, field)


def catalog(workspace: Workspace) -> dict[str, Tthc]:
    """The current TTHC catalog ({} when none was imported)."""
    with Store(workspace.procedures) as store:
        return tthc.load_catalog(store) or {}


# --- more reads for the web view ------------------------------------------------------------------------


def revision_text(workspace: Workspace, code: str, revision: int | None = None) -> str:
    """The extracted text of a revision (default: the newest), as committed (``text.txt``)."""
    with Store(workspace.procedures) as store:
        state = store.get(code)
        return store.text_at(state, revision if revision is not None else state.revision)


@dataclasses.dataclass(frozen=True)
class QuarantinedFile:
    """A refused file waiting in ``quarantine/<folder>/``, and the reason written beside it."""

    folder: str  # the office folder under quarantine/
    name: str  # the path below that folder (NFC)
    size: int
    modified: str  # ISO 8601, local time
    reason: str  # the text of ``<name>.reason.txt`` ("" when there is none)


def quarantined_files(workspace: Workspace, reason_bytes: int = 16 * 1024) -> list[QuarantinedFile]:
    """Every file in the quarantine, newest first, with its reason (read, never followed through links)."""
    import datetime as dt
    import os

    from doccontrol.ingest.inbox import REASON_SUFFIX
    from doccontrol.core.text import nfc

    root = workspace.quarantine
    found: list[tuple[float, QuarantinedFile]] = []
    if not root.is_dir():
        return []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (here / d).is_symlink())
        if here == root:
            continue
        links = [d for d in os.listdir(here) if (here / d).is_symlink() and d not in filenames]
        for name in sorted(filenames) + sorted(links):
            if name.startswith(".") or name.endswith(REASON_SUFFIX):
                continue
            path = here / name
            info = path.lstat()
            reason = ""
            try:
                fd = os.open(path.with_name(name + REASON_SUFFIX), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                with os.fdopen(fd, "rb") as handle:
                    reason = handle.read(reason_bytes).decode("utf-8", errors="replace")
            except OSError:
                pass
            relative = path.relative_to(root)
            found.append((info.st_mtime, QuarantinedFile(
                folder=relative.parts[0],
                name=nfc("/".join(relative.parts[1:])),
                size=info.st_size,
                modified=dt.datetime.fromtimestamp(info.st_mtime).astimezone().isoformat(timespec="seconds"),
                reason=reason,
            )))
    found.sort(key=lambda pair: (-pair[0], pair[1].folder, pair[1].name))
    return [entry for _, entry in found]


def recent_ingests(workspace: Workspace, count: int = 20, tail_bytes: int = 512 * 1024) -> list[dict[str, object]]:
    """The last ``count`` records of ``logs/ingest.jsonl``, newest first (read from the end of the file)."""
    from doccontrol.ingest import journal

    return journal.read_last(journal.path_in(workspace.logs), count, tail_bytes)


# --- reports: master list, reviews, legal citations, the yearly report (see reports/) ----------------

import datetime as dt  # noqa: E402  (used by the report functions below)

if TYPE_CHECKING:
    from doccontrol.reports.masterlist import MasterList
    from doccontrol.repo.snapshot import Snapshot
    from doccontrol.reports.yearly import YearlyReport
    from doccontrol.core.review import ReplacedLaw, ReviewRecord, ReviewStatus


def _snapshot_as_of(workspace: Workspace, as_of: dt.datetime | None) -> Snapshot:
    from doccontrol.repo import snapshot as repo

    with Store(workspace.procedures) as store:
        return repo.snapshot_as_of(store, as_of)


def master_list(
    workspace: Workspace, as_of: dt.datetime | None = None, office: str | None = None, status: str = "current"
) -> MasterList:
    """The master list (danh mục tài liệu) now, or as the repository stood at ``as_of``."""
    from doccontrol.reports.masterlist import build_master_list

    if status not in STATUSES:
        raise UsageError(f"Trạng thái không hợp lệ: {status}.", f"Unknown status {status!r}: {', '.join(STATUSES)}.")
    snap = _snapshot_as_of(workspace, as_of)
    return build_master_list(snap, workspace.config, dt.datetime.now().astimezone().replace(microsecond=0),
                             as_of, office, status)


def procedures_as_of(
    workspace: Workspace, as_of: dt.datetime, office: str | None = None, status: str = "current"
) -> tuple[list[ProcedureState], str | None]:
    """The procedures as the repository stood at ``as_of`` and the commit that was then."""
    if status not in STATUSES:
        raise UsageError(f"Trạng thái không hợp lệ: {status}.", f"Unknown status {status!r}: {', '.join(STATUSES)}.")
    snap = _snapshot_as_of(workspace, as_of)
    chosen = [s for s in snap.states if (office is None or s.office == office) and (status == "all" or s.status == status)]
    return chosen, snap.commit


def review_due(
    workspace: Workspace, within_days: int = 0, office: str | None = None, as_of: dt.date | None = None
) -> tuple[list[ReviewStatus], dt.date]:
    """The current procedures due for review by ``as_of`` (default today) + ``within_days``, the
    most overdue first; and the day that was taken as today."""
    from doccontrol.core import review as rv
    from doccontrol.repo.snapshot import end_of_day

    if office is not None and office not in workspace.config.offices:
        raise UsageError(f"Phòng '{office}' chưa được khai báo.", f"Unknown office '{office}'.")
    today = as_of or dt.date.today()
    snap = _snapshot_as_of(workspace, end_of_day(as_of) if as_of else None)
    statuses = snap.statuses(workspace.config.review_months)
    return rv.due_reviews(statuses, today, within_days, office), today


def confirm_review(
    workspace: Workspace, code: str, note: str, office: str | None = None, timestamp: int | None = None
) -> tuple[ProcedureState, ReviewRecord, str]:
    """Record that a procedure was reviewed and still holds (a commit; resets its review clock)."""
    from doccontrol.repo import snapshot as repo

    return repo.confirm_review(workspace, code, note, office, timestamp)


def record_replaced_law(
    workspace: Workspace, ref: str, by: Sequence[str], decision: str = "", office: str | None = None,
    timestamp: int | None = None,
) -> tuple[ReplacedLaw, str, list[ProcedureState]]:
    """Record that a legal document was replaced or amended; also returns the current procedures
    that still cite it (from now on flagged by ``review`` and ``coverage``)."""
    from doccontrol.repo import snapshot as repo

    record, commit = repo.record_replaced_law(workspace, ref, by, decision, office, timestamp)
    return record, commit, cites(workspace, record.ref)[1]


def replaced_laws(workspace: Workspace) -> list[ReplacedLaw]:
    from doccontrol.repo import snapshot as repo

    with Store(workspace.procedures) as store:
        return repo.load_laws(store)


def cites(workspace: Workspace, ref: str) -> tuple[str, list[ProcedureState], list[ReplacedLaw]]:
    """Every current procedure that cites the legal document ``ref`` (any spelling of its number
    and symbol): (normal form, procedures, the records of its replacement)."""
    from doccontrol.core.citations import citation_key
    from doccontrol.repo import snapshot as repo

    normal = repo.normal_ref(ref)
    key = citation_key(normal)
    snap = _snapshot_as_of(workspace, None)
    citing = [s for s in snap.current() if any(citation_key(c) == key for c in s.citations)]
    return normal, citing, [law for law in snap.laws if law.key == key]


def yearly_report(
    workspace: Workspace, year: int, as_of: dt.date | None = None, generated: dt.date | None = None
) -> YearlyReport:
    """The figures of the yearly ISO report, from the repository as of the year's end (or ``as_of``)."""
    from doccontrol.ingest import journal
    from doccontrol.repo import snapshot as repo
    from doccontrol.reports.yearly import build_yearly_report

    if not 1900 <= year <= 2199:
        raise UsageError(f"Năm không hợp lệ: {year}.", f"Invalid year: {year}.")
    start = repo.start_of_day(dt.date(year, 1, 1))
    end = repo.end_of_day(as_of or dt.date(year, 12, 31))
    if end < start:
        raise UsageError(
            f"Ngày --as-of phải thuộc năm {year} trở về sau.", f"--as-of must not be before the start of {year}."
        )
    with Store(workspace.procedures) as store:
        first = repo.load_snapshot(store, repo.commit_as_of(store, start - dt.timedelta(seconds=1)))
        last = repo.load_snapshot(store, repo.commit_as_of(store, end))
    records = journal.read_all(journal.path_in(workspace.logs))
    return build_yearly_report(first, last, records, workspace.config, year, start, end,
                               generated or dt.date.today())


def yearly_template(workspace: Workspace) -> str:
    """The yearly report's template: ``[report] template`` (relative to the workspace), else the
    one shipped with doccontrol."""
    from doccontrol.reports.template import default_template
    from doccontrol.reports.yearly import report_settings

    name = report_settings(workspace.config).template
    if not name:
        return default_template()
    path = Path(name) if Path(name).is_absolute() else workspace.root / name
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Không đọc được mẫu báo cáo {path}: {exc}", f"Cannot read the report template {path}: {exc}") from exc
