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

import contextlib
import dataclasses
import hashlib
import time
from pathlib import Path
from typing import Protocol

from doccontrol import faults
from doccontrol.core import dates
from doccontrol.core.decide import decide
from doccontrol.core.metadata import read_metadata
from doccontrol.core.metadata_problems import blocking_reason
from doccontrol.core.names import readable
from doccontrol.core.scan_identity import NameReader, ScanIdentity, read_file_name, scan_identity
from doccontrol.core.text import code_key
from doccontrol.core.model import (
    Action,
    Drop,
    Extracted,
    IngestStatus,
    Outcome,
    ProcedureState,
    ProcedureStatus,
    Reason,
    Refused,
)
from doccontrol.extract.validate import INCOMPLETE_CAUSES, incomplete_reason, sniff
from doccontrol.ingest import journal, quarantine, reasons
from doccontrol.ingest.inbox import InboxItem
from doccontrol.ingest.staging import Staged, stage_copy, unchanged_since
from doccontrol.repo.transaction import Transaction
from doccontrol.workspace import Workspace

UNASSIGNED = "_khong-ro-phong"  # quarantine folder for files outside any known office folder
RETRY_LATER = "retry_later"  # an outcome that is not final: the file looks half-written


class TextExtractor(Protocol):
    def extract(self, path: Path, kind: str) -> Extracted: ...


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: How the code and revision of a scan are read from its file name when its text is not sure of
#: them (``core.scan_identity``): swap in another reader here.
NAME_READER: NameReader = read_file_name


def read_drop(extracted: Extracted, staged: Staged, office: str, name: str, kind: str) -> Drop:
    """The metadata stage: what the document says about itself. Refuses a document without a code,
    one whose revision or dates cannot be (``core.metadata_problems``), and a scan whose code and
    revision are neither read with confidence nor in its file name."""
    metadata = read_metadata(extracted.text, extracted.properties)
    identity_source = ""
    if extracted.ocr is not None:
        identity = scan_identity(metadata, extracted.ocr, name, NAME_READER)
        if not isinstance(identity, ScanIdentity):
            raise Refused(identity)
        metadata = dataclasses.replace(metadata, code=identity.code, code_key=code_key(identity.code),
                                       revision=identity.revision, revision_stated=True)
        identity_source = identity.source
    if not metadata.code or not metadata.code_key:
        raise Refused(reasons.no_code())
    blocking = blocking_reason(metadata.problems)
    if blocking is not None:
        raise Refused(blocking)
    return Drop(
        office=office,
        source_name=name,
        ext=kind,
        sha256=staged.sha256,
        text_sha256=text_digest(extracted.text),
        metadata=metadata,
        text_source="ocr" if extracted.ocr is not None else "",
        ocr_confidence=extracted.ocr.mean_confidence if extracted.ocr is not None else None,
        legacy_encoding=extracted.legacy_encoding,
        identity_source=identity_source,
    )


def new_state(drop: Drop, current: ProcedureState | None, owner: str, slug: str) -> ProcedureState:
    """The procedure's state after committing ``drop`` as its newest revision (pure but for the clock)."""
    meta = drop.metadata
    assert meta.code and meta.code_key
    return ProcedureState(
        code=meta.code,
        code_key=meta.code_key,
        slug=current.slug if current else slug,
        office=owner,
        title=meta.title,
        revision=meta.revision,
        status=ProcedureStatus.CURRENT,
        sha256=drop.sha256,
        text_sha256=drop.text_sha256,
        source=readable(drop.source_name),
        ext=drop.ext,
        issued=meta.issued,
        effective=meta.effective,
        tthc=meta.tthc,
        updated_at=dates.now_iso(),
        citations=meta.citations,
        text_source=drop.text_source,
        ocr_confidence=drop.ocr_confidence,
        legacy_encoding=drop.legacy_encoding,
        identity_source=drop.identity_source,
    )


class RetryLater(Exception):
    """The file looks half-written (its item said it may be): leave it for a later try."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


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
        self.extractor = extractor
        self.journal = journal.path_in(workspace.logs)
        self.group_commit = group_commit
        self.group_max_files = group_max_files
        self.group_max_seconds = group_max_seconds
        self._unreleased: list[tuple[InboxItem, Staged]] = []
        self._group_started = 0.0

    # One file -------------------------------------------------------------------------------------

    def process(self, item: InboxItem, keep_source: bool = False) -> Outcome | None:
        """Ingest one file. Returns None when the file vanished before it could be read.

        ``keep_source``: the file is not in the inbox (``ingest FILE``): it is never moved or deleted;
        a refused file is copied into the quarantine. An item that ``may_be_incomplete`` and looks
        half-written gets the outcome ``retry_later`` (not journaled, the file untouched).
        """
        started = time.monotonic()
        office = item.office or UNASSIGNED
        outcome = Outcome(file=str(item.path), office=office, status=IngestStatus.QUARANTINED)
        staged: Staged | None = None
        try:
            try:
                self._check_item(item)
                staged = stage_copy(item.path, self.workspace.staging, self.workspace.config.limits)
                faults.point("after_stage")
                self._ingest_staged(item, staged, outcome, keep_source)
            except Refused as refused:
                self._quarantine(item, office, refused.reason, staged, outcome, keep_source)
        except FileNotFoundError:
            return None  # gone before we could read it (moved away by its owner): nothing to account
        except RetryLater as later:
            outcome.status, outcome.cause = RETRY_LATER, later.cause
            return outcome
        finally:
            if staged is not None:
                with contextlib.suppress(FileNotFoundError):
                    staged.path.unlink()
        outcome.seconds = round(time.monotonic() - started, 3)
        self._journal(outcome)
        if self._unreleased and (
            len(self._unreleased) >= self.group_max_files
            or time.monotonic() - self._group_started >= self.group_max_seconds
        ):
            self.sync()
        return outcome

    def _check_item(self, item: InboxItem) -> None:
        """Before reading anything: whose file is it, and is it whole yet (when it may not be)?"""
        if item.office is None:
            raise Refused(reasons.unknown_office(item))
        if item.may_be_incomplete and (why := incomplete_reason(item.path, self.workspace.config.limits)):
            raise RetryLater(why)

    def _ingest_staged(self, item: InboxItem, staged: Staged, outcome: Outcome, keep_source: bool) -> None:
        """Validate, extract, read and decide on the staged copy, then commit or refuse."""
        assert item.office is not None
        kind = sniff(staged.path, self.workspace.config.limits)
        if hasattr(self.extractor, "label"):  # progress of a long file is told under its own name
            self.extractor.label = item.source_name
        try:
            extracted = self.extractor.extract(staged.path, kind)
        except Refused as refused:
            if item.may_be_incomplete and refused.reason.cause in INCOMPLETE_CAUSES:
                raise RetryLater(refused.reason.cause) from refused
            raise
        faults.point("after_extract")
        drop = read_drop(extracted, staged, item.office, item.source_name, kind)
        if drop.identity_source:
            drop = self._adopt_existing_code(drop)
        outcome.code = drop.metadata.code
        outcome.revision = drop.metadata.revision
        self._decide_and_commit(drop, extracted, staged, item, outcome, keep_source)

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

    def sync(self) -> None:
        """Make the commits written so far durable, then release their drops and update the index."""
        self.tx.make_durable()
        faults.point("after_commit")
        unreleased, self._unreleased = self._unreleased, []
        for item, staged in unreleased:
            if unchanged_since(item.path, staged):
                # No fsync needed: if the unlink is lost in a crash, the file reappears and a
                # re-run finds it a duplicate of what is already committed.
                item.path.unlink()
                if item.reason_file is not None:  # a quarantined file accepted on retry
                    item.reason_file.unlink(missing_ok=True)
                faults.point("after_release")
        self.tx.update_index()

    def _decide_and_commit(
        self, drop: Drop, extracted: Extracted, staged: Staged, item: InboxItem, outcome: Outcome, keep_source: bool
    ) -> None:
        assert drop.metadata.code_key
        current = self.tx.find(drop.metadata.code_key)
        decision = decide(current, drop, self.workspace.config.controller)
        duplicate_of = current.revision if decision.action is Action.DUPLICATE and current else None
        if decision.action is Action.REFUSE:
            assert decision.reason is not None
            duplicate_of = self._committed_revision(current, drop, decision.reason.cause)
            if duplicate_of is None:
                raise Refused(decision.reason)
        if duplicate_of is not None:
            assert current is not None
            outcome.status = IngestStatus.DUPLICATE
            outcome.revision = duplicate_of
            outcome.reason = f"trùng tệp đã lưu: {current.code} lần {duplicate_of}"
            outcome.cause = "duplicate"
            self._release(item, staged, keep_source)
            return
        slug = current.slug if current else self.tx.new_slug(drop.metadata.code_key)
        state = new_state(drop, current, decision.owner, slug)
        try:
            commit = self.tx.commit_revision(
                state, staged.path.read_bytes(), extracted.text, drop.office, durable=not self.group_commit,
                source_file=drop.source_name,
            )
        except Exception as exc:  # the repository refused the write: keep the file, never lose it
            self.tx.recover()
            raise Refused(reasons.commit_failed(f"{type(exc).__name__}: {exc}")) from exc
        outcome.status = IngestStatus.INGESTED
        outcome.commit = commit
        self._release(item, staged, keep_source)

    def _committed_revision(self, current: ProcedureState | None, drop: Drop, cause: str) -> int | None:
        """The earlier revision of ``current`` that holds exactly the dropped bytes, if any.

        A crash after a group of commits but before their drops left the inbox leaves, say,
        revisions 1 and 2 committed and both drops waiting: on the re-run revision 1's bytes are
        no longer the current revision's, yet they are committed — a duplicate, not a refusal
        ("the revision must increase") with a quarantined copy of a committed file. Asked only
        for a refusal the dropping office may hear about its own procedure (not ``not_owner``).
        """
        if current is None or cause == "not_owner":
            return None
        for record in self.tx.revisions(current):  # this session's commits made durable first (rare path)
            if record.sha256 == drop.sha256:
                return record.revision
        return None

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
        text = reasons.render_reason(reason, item.source_name, office, dates.now_iso(), sha or "")
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
        journal.append(self.journal, journal.record_of(outcome, dates.now_iso()))
