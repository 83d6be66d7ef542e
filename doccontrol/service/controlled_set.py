"""Reading the controlled set (list, show, history, diff, export) and withdrawing a procedure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
from pathlib import Path

from doccontrol.core import dates
from doccontrol.core.config import list_order
from doccontrol.core.decide import may_change
from doccontrol.core.labels import date_vi
from doccontrol.core.model import EFFECTIVE_DOCUMENT, EFFECTIVE_INGEST, ProcedureState, ProcedureStatus, RevisionRecord
from doccontrol.core.names import export_name
from doccontrol.core.text_diff import unified_diff
from doccontrol.errors import UsageError
from doccontrol.repo.blobs import BlobStream
from doccontrol.repo.gateway import Repository
from doccontrol.service.offices import office_code
from doccontrol.workspace import Workspace

STATUSES = (ProcedureStatus.CURRENT.value, ProcedureStatus.WITHDRAWN.value, "all")


def check_status(status: str) -> None:
    if status not in STATUSES:
        raise UsageError(f"Trạng thái không hợp lệ: {status}.", f"Unknown status {status!r}: {', '.join(STATUSES)}.")


def select(states: list[ProcedureState], office: str | None, status: str) -> list[ProcedureState]:
    """The procedures of ``office`` (None: all) with ``status`` (``all``: any)."""
    return [s for s in states if (office is None or s.office == office) and (status == "all" or s.status == status)]


def procedures(workspace: Workspace, office: str | None = None, status: str = ProcedureStatus.CURRENT) -> list[ProcedureState]:
    check_status(status)
    office = office_code(workspace, office)
    with Repository(workspace) as repo:
        return list_order(select(repo.procedures(), office, status), workspace.config.offices)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def list_record(state: ProcedureState) -> dict[str, object]:
    """A procedure as ``list --json`` and ``show --json`` print it: ``effective`` is the day its
    revision took effect, ``effective_source`` says whether the document states it (``document``)
    or it is the day the revision was loaded (``ingest``); ``ingested``: ngày đưa vào kho."""
    effective, source = dates.effective_of(state)
    return {
        "code": state.code,
        "title": state.title,
        "office": state.office,
        "revision": state.revision,
        "issued": _iso(state.issued),
        "effective": _iso(effective),
        "effective_source": source,
        "ingested": _iso(dates.ingested_day(state)),
        "status": state.status,
        "tthc": list(state.tthc),
    }


def revision_record(record: RevisionRecord, zone: dt.tzinfo | None = None) -> dict[str, object]:
    """One revision (or withdrawal) as ``show --json`` and ``history --json`` print it: ``date``
    is when it entered the repository (ISO 8601, in ``zone``: the workspace's), ``effective``
    when it took effect."""
    return {
        "revision": record.revision,
        "commit": record.commit,
        "date": dates.iso_in_zone(record.date, zone),
        "effective": _iso(record.effective),
        "effective_source": record.effective_source or None,
        "historical": record.historical,
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
        """The revisions by number (one loaded late, as history, in its place)."""
        return sorted((r for r in self.history if r.action == "ingest"), key=lambda r: r.revision)


def detail(workspace: Workspace, code: str) -> Detail:
    with Repository(workspace) as repo:
        state = repo.get(code)
        return Detail(state=state, history=repo.history(state))


def _check_revision(state: ProcedureState, revisions: list[RevisionRecord], revision: int) -> None:
    if revision not in {r.revision for r in revisions}:
        known = ", ".join(str(r.revision) for r in revisions)
        raise UsageError(
            f"Quy trình {state.code} không có lần ban hành {revision} (có: {known}).",
            f"Procedure {state.code} has no revision {revision} (known: {known}).",
        )


def diff(workspace: Workspace, code: str, from_rev: int | None = None, to_rev: int | None = None) -> str:
    """Unified diff of the extracted texts of two revisions (default: the last two)."""
    with Repository(workspace) as repo:
        state = repo.get(code)
        revisions = repo.revisions(state)
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
        old = repo.text_at(state, from_rev)
        new = repo.text_at(state, to_rev)
    return unified_diff(old, new, f"{state.code} lần {from_rev}", f"{state.code} lần {to_rev}")


def export(workspace: Workspace, code: str, revision: int | None = None) -> tuple[bytes, ProcedureState]:
    """The original bytes of a revision (default: the newest) and the state at that revision."""
    then, stream = export_stream(workspace, code, revision)
    return b"".join(stream), then


def export_stream(workspace: Workspace, code: str, revision: int | None = None) -> tuple[ProcedureState, BlobStream]:
    """The state at a revision (default: the newest) and its original bytes as a stream
    (``BlobStream``: its ``size`` first, then chunks from ``git cat-file``; read it to the end or
    close it). The revision is found by its tag, else in the history (which then says the known ones)."""
    with Repository(workspace) as repo:
        state = repo.get(code)
        wanted = revision if revision is not None else state.revision
        if not repo.revision_tagged(state, wanted):  # the tag: a file read
            _check_revision(state, repo.revisions(state), wanted)  # else the history decides (and says)
        return repo.original_stream(state, wanted)


def export_target(output: str | Path, state: ProcedureState, force: bool) -> Path:
    """Where ``export -o OUTPUT`` writes: into OUTPUT when it is a folder (under
    :func:`doccontrol.core.names.export_name`), else OUTPUT itself. UsageError for a folder that does not exist
    (``-o missing/``) and, without ``force``, for a file that exists."""
    as_folder = str(output).endswith(("/", os.sep))  # kept as typed: Path() would drop the slash
    path = Path(output)
    if path.is_dir():
        target = path / export_name(state.slug, state.revision, state.ext)
    elif as_folder or not path.parent.is_dir():
        folder = path if as_folder else path.parent
        raise UsageError(f"Không có thư mục {folder}.", f"No such folder: {folder}")
    else:
        target = path
    if (target.exists() or target.is_symlink()) and not force:
        raise UsageError(
            f"Đã có tệp {target}; không ghi đè (dùng --force nếu muốn ghi đè).",
            f"{target} exists: not overwritten (use --force to overwrite it).",
        )
    if target.is_dir():
        raise UsageError(f"{target} là một thư mục.", f"{target} is a folder.")
    return target


def export_to(workspace: Workspace, code: str, output: str | Path, revision: int | None = None,
              force: bool = False) -> tuple[Path, ProcedureState, int]:
    """Write the original bytes of a revision (see :func:`export`) to :func:`export_target`;
    (the file written, the state at that revision, its size). Written whole or not at all."""
    data, state = export(workspace, code, revision)
    target = export_target(output, state, force)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    try:
        if force:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)  # fails if the name appeared meanwhile: never an overwrite
    except FileExistsError as exc:
        raise UsageError(f"Đã có tệp {target}; không ghi đè.", f"{target} exists: not overwritten.") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target, state, len(data)


def keep_readers_open() -> None:
    """This process is a long-running reader (the web server): keep one ``git cat-file`` process
    per repository open between reads (``repo.blobs.SHARED``), so that a page reads revisions'
    texts and metadata without starting a process."""
    from doccontrol.repo.blobs import SHARED

    SHARED.keep()


def read_ahead(workspace: Workspace) -> None:
    """What a long-running reader (the web server) keeps, read before its first page asks: the
    catalog, its names and the links (``Repository.tthc_reference``) and the index of which
    commits touch each procedure (``Repository.index_history``). Never raises: a read-ahead that
    fails is logged, and the pages read for themselves."""
    try:
        with Repository(workspace) as repo:
            repo.tthc_reference()
            repo.index_history()
    except Exception:  # noqa: BLE001 - a read-ahead never takes the server down
        logging.getLogger(__name__).exception("reading ahead failed")


def revision_text(workspace: Workspace, code: str, revision: int | None = None) -> str:
    """The extracted text of a revision (default: the newest), as committed (``text.txt``)."""
    with Repository(workspace) as repo:
        state = repo.get(code)
        return repo.text_at(state, revision if revision is not None else state.revision)


def actor_office(workspace: Workspace, office: str | None) -> str:
    """The office acting (default: the document controller); UsageError for an unknown one."""
    actor = office_code(workspace, office or workspace.config.controller)
    assert actor is not None
    return actor


def require_owner(workspace: Workspace, actor: str, state: ProcedureState, verb_vi: str, verb_en: str) -> None:
    """UsageError unless ``actor`` may change ``state`` (the ownership rule of ``core.decide``)."""
    if not may_change(actor, state.office, workspace.config.controller):
        raise UsageError(
            f"Phòng {actor} không được {verb_vi} quy trình {state.code} của phòng {state.office}.",
            f"Office {actor} may not {verb_en} {state.code}, which belongs to {state.office}.",
        )


def withdraw(workspace: Workspace, code: str, reason: str, office: str | None = None,
             effective: dt.date | None = None) -> tuple[ProcedureState, str]:
    """Mark a procedure withdrawn (bãi bỏ): a commit; it stays in history, never listed as current.

    ``effective``: the day the withdrawal takes effect (the abolishing decision's date; default
    today); the procedure is in force until the day before, whenever this is recorded."""
    reason = " ".join(reason.split())
    if not reason:
        raise UsageError("Cần ghi lý do bãi bỏ (--reason).", "A reason is required (--reason).")
    actor = actor_office(workspace, office)
    with Repository(workspace) as repo, repo.write(actor, "withdraw") as tx:
        state = tx.get(code)
        require_owner(workspace, actor, state, "bãi bỏ", "withdraw")
        if state.status == ProcedureStatus.WITHDRAWN:
            raise UsageError(
                f"Quy trình {state.code} đã bị bãi bỏ từ trước.", f"{state.code} is already withdrawn."
            )
        since, _ = dates.effective_of(state)
        if effective is not None and since is not None and effective < since:
            raise UsageError(
                f"Ngày bãi bỏ {date_vi(effective)} trước ngày hiệu lực {date_vi(since)} của lần ban hành "
                f"{state.revision} của {state.code}.",
                f"The withdrawal date {effective} is before {state.code} revision {state.revision} took effect ({since}).",
            )
        now = dates.now_iso()
        withdrawn = dataclasses.replace(
            state, status=ProcedureStatus.WITHDRAWN, withdrawn_reason=reason, withdrawn_at=now, updated_at=now,
            withdrawn_effective=effective or dates.today(),
        )
        commit = tx.commit_withdrawal(withdrawn, reason,
                                      effective_source=EFFECTIVE_DOCUMENT if effective else EFFECTIVE_INGEST)
    return withdrawn, commit
