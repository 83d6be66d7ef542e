"""The dry run of an ingest: what a batch would do, without writing anything.

Every file is read as the ingest reads it (staged in a private temporary folder, validated,
extracted in the sandboxed worker, its metadata read), then the same decisions are taken in the
same order (``core.decide.commit_order``), against the repository as it is plus what the batch's
earlier files would have added. Nothing is committed, quarantined, moved or journaled, and no
writer lock is taken.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from doccontrol.core.decide import commit_order
from doccontrol.core.model import Action, Decision, IngestStatus, Outcome, ProcedureState, Refused
from doccontrol.extract.sandbox import Extractor
from doccontrol.ingest.inbox import InboxItem
from doccontrol.ingest.pipeline import UNASSIGNED, decision_for, record_decision
from doccontrol.ingest.prepare import Prepared, Reading, RetryLater, new_state
from doccontrol.repo.gateway import Repository
from doccontrol.workspace import Workspace


class _PlannedView:
    """The controlled set as it would stand after the batch's files decided so far."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.states: dict[str, ProcedureState] = {}  # code key → its state after the batch so far
        self.added: dict[str, dict[int, str]] = {}  # code key → revisions the batch would add (→ sha256)

    def find(self, code_key: str) -> ProcedureState | None:
        return self.states.get(code_key) or self.repo.find(code_key)

    def earlier_revisions(self, state: ProcedureState) -> dict[int, str]:
        known = dict(self.added.get(state.code_key, {}))
        stored = self.repo.find(state.code_key)
        if stored is not None:
            known.update({r.revision: r.sha256 for r in self.repo.revisions(stored)})
        known.pop(state.revision, None)
        return known

    def new_slug(self, code_key: str) -> str:
        return self.repo.new_slug(code_key)

    def record(self, decision: Decision, current: ProcedureState | None, state: ProcedureState) -> None:
        revisions = self.added.setdefault(state.code_key, {})
        if decision.action is Action.HISTORICAL:
            revisions[state.revision] = state.sha256
            return
        if current is not None:
            revisions[current.revision] = current.sha256
        self.states[state.code_key] = state


def _settle(view: _PlannedView, prepared: Prepared, controller: str) -> Outcome:
    """What settling one read file would do."""
    outcome, drop = prepared.outcome, prepared.drop
    assert drop is not None and drop.metadata.code_key
    decision, current = decision_for(view, drop, controller)
    if decision.action is Action.REFUSE:
        assert decision.reason is not None
        outcome.reason, outcome.cause = decision.reason.message_vi, decision.reason.cause
        return outcome
    if decision.action is Action.DUPLICATE:
        assert current is not None
        outcome.status, outcome.cause, outcome.revision = IngestStatus.DUPLICATE, "duplicate", decision.duplicate_of
        outcome.reason = f"trùng tệp đã lưu: {current.code} lần {decision.duplicate_of}"
        return outcome
    slug = current.slug if current else view.new_slug(drop.metadata.code_key)
    state = new_state(drop, current, decision.owner, slug, decision.action is Action.HISTORICAL)
    view.record(decision, current, state)
    outcome.status = IngestStatus.INGESTED
    record_decision(outcome, decision, state)
    return outcome


def plan_items(
    workspace: Workspace,
    items: Sequence[tuple[InboxItem, bool]],
    progress: Callable[[Outcome | None], None] | None = None,
) -> list[Outcome]:
    """The outcomes ingesting ``items`` would have, in the items' order (none for a file that
    vanished). A refused file's outcome says ``quarantined`` with its reason; nothing is written."""
    slots: list[Outcome | None] = [None] * len(items)
    ready: list[tuple[int, Prepared]] = []
    with Repository(workspace) as repo, Extractor(workspace.config.limits) as extractor, \
            tempfile.TemporaryDirectory(prefix="doccontrol-plan-") as tmp:
        reading = Reading(workspace, extractor, Path(tmp))
        view = _PlannedView(repo)
        for index, (item, keep_source) in enumerate(items):
            outcome = Outcome(file=str(item.path), office=item.office or UNASSIGNED, status=IngestStatus.QUARANTINED)
            try:
                ready.append((index, reading.read(item, keep_source, outcome)))
            except Refused as refused:
                outcome.reason, outcome.cause = refused.reason.message_vi, refused.reason.cause
                slots[index] = outcome
                if progress:
                    progress(outcome)
            except (FileNotFoundError, RetryLater):
                if progress:
                    progress(None)
            finally:
                reading.discard()  # only what was read is needed from here on
        for place in commit_order([prepared.key for _, prepared in ready]):
            index, prepared = ready[place]
            slots[index] = _settle(view, prepared, workspace.config.controller)
            if progress:
                progress(slots[index])
    return [outcome for outcome in slots if outcome is not None]
