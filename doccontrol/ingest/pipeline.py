"""The ingest pipeline: stage → validate → extract → read → decide → commit → finish.

Every stage is a function with one job; the rules live in pure modules (``core.metadata``,
``core.decide``); this module moves bytes between the inbox, the staging area, the controlled
repository (through a :class:`~doccontrol.repo.transaction.Transaction`) and the quarantine, in
an order that never loses a file:

- the file is first copied into a private staging area (so later stages see one fixed content);
- a file leaves the inbox only after its bytes are safe: committed (and fsynced by git), or
  written into the quarantine beside its reason;
- a crash at any point leaves either the inbox file or the commit, and a re-run converges
  (same bytes → duplicate, not a second revision; same quarantined bytes → not a second copy).

The one entry that opens a transaction and an extractor around an :class:`Ingestor` is
``doccontrol.ingest.session``; ``ingest`` and ``watch`` both use it.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from doccontrol import faults
from doccontrol.core import dates
from doccontrol.core.decide import commit_order, decide, needs_earlier
from doccontrol.core.labels import UNASSIGNED_FOLDER
from doccontrol.core.model import Action, Decision, Drop, IngestStatus, Outcome, ProcedureState, Reason, Refused
from doccontrol.ingest import journal, quarantine, reasons
from doccontrol.ingest.inbox import InboxItem
from doccontrol.ingest.prepare import (
    Prepared,
    Reading,
    NAME_READER,
    RetryLater,
    TextExtractor,
    new_state,
    read_drop,
    text_digest,
)
from doccontrol.ingest.staging import Staged, unchanged_since
from doccontrol.repo.transaction import Transaction
from doccontrol.workspace import Workspace

UNASSIGNED = UNASSIGNED_FOLDER  # quarantine folder for files outside any known office folder
RETRY_LATER = IngestStatus.RETRY_LATER  # not final: the file looks half-written, or its commit was lost
COMMIT_LOST = "commit_lost"  # the cause of a retry_later whose group of commits was lost with the writer
COMMIT_LOST_VI = ("Chưa lưu được vào kho: tiến trình ghi dừng trước khi nhóm tệp được lưu bền; tệp vẫn ở chỗ cũ "
                  "và sẽ được tiếp nhận lại. (Not committed: the writer stopped before the group was durable; "
                  "the file stays where it was and will be taken again.)")

__all__ = ["COMMIT_LOST", "RETRY_LATER", "UNASSIGNED", "Ingestor", "RetryLater", "TextExtractor", "decision_for", "new_state",
           "read_drop", "text_digest", "NAME_READER"]


class ControlledView(Protocol):
    """What a decision needs to know of the controlled set (the transaction, or a dry run's view)."""

    def find(self, code_key: str) -> ProcedureState | None: ...

    def earlier_revisions(self, state: ProcedureState) -> dict[int, str]: ...


def decision_for(view: ControlledView, drop: Drop, controller: str) -> tuple[Decision, ProcedureState | None]:
    """The decision on ``drop`` (``core.decide``) and the procedure's current state, reading the
    earlier revisions only when the rule needs them."""
    assert drop.metadata.code_key
    current = view.find(drop.metadata.code_key)
    earlier = view.earlier_revisions(current) if current is not None and needs_earlier(current, drop) else {}
    return decide(current, drop, controller, earlier), current


def record_decision(outcome: Outcome, decision: Decision, state: ProcedureState | None) -> None:
    """What an outcome says about a revision committed (or that would be): which kind, when it
    takes effect and where that date comes from."""
    outcome.action = decision.action.value
    if state is not None:
        outcome.effective, outcome.effective_source = dates.effective_of(state)


class _TransactionView:
    """The controlled set as the ingest transaction sees it."""

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def find(self, code_key: str) -> ProcedureState | None:
        return self.tx.find(code_key)

    def earlier_revisions(self, state: ProcedureState) -> dict[int, str]:
        """Revision → sha256 of the procedure's other revisions (this session's commits made
        durable first; asked only for a drop not numbered above the current revision)."""
        return {r.revision: r.sha256 for r in self.tx.revisions(state) if r.revision != state.revision}


class Ingestor:
    """Runs items through the stages inside one transaction (under the writer lock)."""

    def __init__(
        self,
        workspace: Workspace,
        tx: Transaction,
        extractor: TextExtractor,
        group_commit: bool = False,
        group_max_files: int = 50,
        group_max_seconds: float = 1.0,
    ) -> None:
        """``group_commit``: write commits without waiting for each to reach the disk, and make a
        group of them durable at once (one round of fsyncs) every ``group_max_files`` files or
        ``group_max_seconds``, and at :meth:`sync`. Drops leave the inbox only after that; the
        search index is updated right after, under the same lock. Without it, every commit is
        durable, released and indexed on its own.
        """
        self.workspace = workspace
        self.tx = tx
        self.view = _TransactionView(tx)
        self.reading = Reading(workspace, extractor, workspace.staging)
        self.journal = journal.path_in(workspace.logs)
        self.group_commit = group_commit
        self.group_max_files = group_max_files
        self.group_max_seconds = group_max_seconds
        self._unreleased: list[tuple[InboxItem, Staged]] = []
        self._unjournaled: list[Outcome] = []  # outcomes whose commits are not durable yet (group commit)
        self._group_started = 0.0

    # One file, and a batch --------------------------------------------------------------------------

    def process(self, item: InboxItem, keep_source: bool = False) -> Outcome | None:
        """Ingest one file. Returns None when the file vanished before it could be read.

        ``keep_source``: the file is not in the inbox (``ingest FILE``): it is never moved or deleted;
        a refused file is copied into the quarantine. An item that ``may_be_incomplete`` and looks
        half-written gets the outcome ``retry_later`` (not journaled, the file untouched).
        """
        ready = self._prepare(item, keep_source)
        return self._settle(ready) if isinstance(ready, Prepared) else ready

    def process_batch(
        self, items: Sequence[tuple[InboxItem, bool]], progress: Callable[[Outcome | None], None] | None = None
    ) -> list[Outcome]:
        """Ingest ``(item, keep_source)`` pairs: every file is read first, then committed in
        ``core.decide.commit_order`` (one procedure's revisions in revision order, however they
        were dropped). Returns the outcomes in the items' order (none for a file that vanished);
        ``progress`` hears of each file as it is settled."""
        slots: list[Outcome | None] = [None] * len(items)
        ready: list[tuple[int, Prepared]] = []
        try:
            for index, (item, keep_source) in enumerate(items):
                result = self._prepare(item, keep_source)
                if isinstance(result, Prepared):
                    ready.append((index, result))
                    continue
                slots[index] = result
                if progress:
                    progress(result)
            for place in commit_order([prepared.key for _, prepared in ready]):
                index, prepared = ready[place]
                slots[index] = self._settle(prepared)
                if progress:
                    progress(slots[index])
        finally:
            for _, prepared in ready:
                prepared.discard()
        return [outcome for outcome in slots if outcome is not None]

    def _prepare(self, item: InboxItem, keep_source: bool) -> Prepared | Outcome | None:
        """Read one file (nothing committed yet): Prepared, or the final outcome of a refused file,
        ``retry_later``, or None when it vanished."""
        started = time.monotonic()
        office = item.office or UNASSIGNED
        outcome = Outcome(file=str(item.path), office=office, status=IngestStatus.QUARANTINED)
        try:
            return self.reading.read(item, keep_source, outcome)
        except Refused as refused:  # quarantined when its turn comes (Prepared keeps its staged copy)
            return Prepared(item, keep_source, self.reading.staged, None, None, outcome, started, refused.reason)
        except FileNotFoundError:
            self.reading.discard()
            return None  # gone before we could read it (moved away by its owner): nothing to account
        except RetryLater as later:
            self.reading.discard()
            outcome.status, outcome.cause = RETRY_LATER, later.cause
            return outcome

    def _settle(self, prepared: Prepared) -> Outcome | None:
        """Decide on a read file and commit it, or quarantine it; then journal it."""
        item, outcome = prepared.item, prepared.outcome
        try:
            try:
                if prepared.refusal is not None:
                    raise Refused(prepared.refusal)
                self._decide_and_commit(prepared)
            except Refused as refused:
                self._quarantine(item, item.office or UNASSIGNED, refused.reason, prepared.staged, outcome,
                                 prepared.keep_source)
        except FileNotFoundError:
            return None  # gone before it could be quarantined: nothing to account
        finally:
            prepared.discard()
        return self._done(outcome, prepared.started)

    def _done(self, outcome: Outcome, started: float) -> Outcome:
        """Journal a settled file; make the group durable when it is big or old enough."""
        outcome.seconds = round(time.monotonic() - started, 3)
        if self.group_commit and self.tx.pending:
            self._unjournaled.append(outcome)  # journaled, in order, once the group is durable: never a lost commit
        else:
            self._journal(outcome)
        if self._unreleased and (
            len(self._unreleased) >= self.group_max_files
            or time.monotonic() - self._group_started >= self.group_max_seconds
        ):
            self.sync()
        return outcome

    def sync(self) -> None:
        """Make the commits written so far durable, then journal them, release their drops and
        update the index. If the writer stopped first, the group is given back (:meth:`_give_back`)."""
        try:
            self.tx.make_durable()
        except Exception:  # noqa: BLE001 - fast-import died before the checkpoint: its group is gone
            self.tx.recover()
            self._give_back()
            return
        faults.point("after_commit")
        unjournaled, self._unjournaled = self._unjournaled, []
        for outcome in unjournaled:
            self._journal(outcome)
        unreleased, self._unreleased = self._unreleased, []
        for item, staged in unreleased:
            if unchanged_since(item.path, staged):
                # No fsync needed: if the unlink is lost in a crash, the file reappears and a
                # re-run finds it a duplicate of what is already committed.
                item.path.unlink()
                if item.reason_file is not None:  # a quarantined file accepted on retry
                    item.reason_file.unlink(missing_ok=True)
                faults.point("after_release")
        self.tx.update_index(final=False)

    def _decide_and_commit(self, prepared: Prepared) -> None:
        """The decision (``core.decide``), then a commit: a new procedure, a new revision or a
        historical one; or a duplicate, released; a refusal raises Refused."""
        drop, outcome, extracted, staged = prepared.drop, prepared.outcome, prepared.extracted, prepared.staged
        assert drop is not None and extracted is not None and staged is not None and drop.metadata.code_key
        if drop.identity_source:
            drop = self._adopt_existing_code(drop)
        decision, current = decision_for(self.view, drop, self.workspace.config.controller)
        if decision.action is Action.REFUSE:
            assert decision.reason is not None
            raise Refused(decision.reason)
        if decision.action is Action.DUPLICATE:
            assert current is not None
            outcome.status = IngestStatus.DUPLICATE
            outcome.revision = decision.duplicate_of
            outcome.reason = f"trùng tệp đã lưu: {current.code} lần {decision.duplicate_of}"
            outcome.cause = "duplicate"
            self._release(prepared.item, staged, prepared.keep_source)
            return
        historical = decision.action is Action.HISTORICAL
        slug = current.slug if current else self.tx.new_slug(drop.metadata.code_key)
        state = new_state(drop, current, decision.owner, slug, historical)
        try:
            commit = self.tx.commit_revision(
                state, staged.path.read_bytes(), extracted.text, drop.office,
                durable=not self.group_commit, historical=historical, source_file=drop.source_name,
            )
        except Exception as exc:  # the repository refused the write: keep the file, never lose it
            group_pending = self.tx.pending
            self.tx.recover()
            if group_pending and not self.tx.pending:  # the writer stopped: the group's commits went with it
                self._give_back()
            raise Refused(reasons.commit_failed(f"{type(exc).__name__}: {exc}")) from exc
        outcome.status = IngestStatus.INGESTED
        outcome.commit = commit
        record_decision(outcome, decision, state)
        self._release(prepared.item, staged, prepared.keep_source)

    def _give_back(self) -> None:
        """The writer stopped before the group was durable, so its commits do not exist. Their
        drops stay where they are (never released) and their outcomes become ``retry_later``
        (cause ``commit_lost``), never journaled as ingested: the watcher takes them again, and
        ``ingest`` reports them and exits 1. A file quarantined meanwhile stays quarantined."""
        for outcome in self._unjournaled:
            if outcome.status == IngestStatus.QUARANTINED:  # final whatever became of the group
                self._journal(outcome)
                continue
            outcome.status, outcome.cause, outcome.reason = RETRY_LATER, COMMIT_LOST, COMMIT_LOST_VI
            outcome.commit = outcome.action = None
        self._unjournaled = []
        self._unreleased = []

    def _adopt_existing_code(self, drop: Drop) -> Drop:
        """A code from a file name has ``-`` for ``/`` (``QT-01-LĐTBXH``): it names the procedure
        ``QT-01/LĐTBXH`` already controlled when that is the one procedure in its folder."""
        assert drop.metadata.code_key
        if self.tx.find(drop.metadata.code_key) is not None:
            return drop
        same = self.tx.find_same_slug(drop.metadata.code_key)
        if len(same) != 1:
            return drop
        metadata = dataclasses.replace(drop.metadata, code=same[0].code, code_key=same[0].code_key)
        return dataclasses.replace(drop, metadata=metadata)

    def _release(self, item: InboxItem, staged: Staged, keep_source: bool) -> None:
        """The drop's bytes are in the repository: remove it from the inbox once that is durable."""
        if keep_source:
            if not self.group_commit:
                self.tx.update_index()
            return
        if not self._unreleased:
            self._group_started = time.monotonic()
        self._unreleased.append((item, staged))
        if not self.group_commit:
            self.sync()

    def _quarantine(
        self, item: InboxItem, office: str, reason: Reason, staged: Staged | None, outcome: Outcome,
        keep_source: bool,
    ) -> None:
        sha = staged.sha256 if staged else None
        when = dates.now_iso(self.workspace.config.zone)  # read by a clerk: the workspace's time zone
        text = reasons.render_reason(reason, item.source_name, office, when, sha or "")
        target = quarantine.quarantine(
            self.workspace.quarantine / office, item.path, item.source_name, text,
            staged.path if staged else None, sha, remove_source=not keep_source,
            source_unchanged=lambda: staged is not None and unchanged_since(item.path, staged),
        )
        outcome.status = IngestStatus.QUARANTINED
        outcome.reason = reason.message_vi
        outcome.cause = reason.cause
        outcome.quarantined_to = str(target)

    def _journal(self, outcome: Outcome) -> None:
        journal.append(self.journal, journal.record_of(outcome, dates.now_iso(self.workspace.config.zone)))
