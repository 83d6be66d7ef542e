"""The stages before the decision: check the item, stage a private copy, validate it by content,
extract its text and read what it says about itself. Nothing here writes to the repository or the
quarantine, so the ingest (``pipeline.Ingestor``) and the dry run (``plan``) share it.

Reading every file of a batch first lets the ingest commit one procedure's revisions in revision
order, however they were dropped (``core.decide.commit_order``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from doccontrol import faults
from doccontrol.core import dates
from doccontrol.core.metadata import read_metadata
from doccontrol.core.metadata_problems import blocking_reason
from doccontrol.core.names import readable
from doccontrol.core.scan_identity import NameReader, ScanIdentity, read_file_name, scan_identity
from doccontrol.core.text import code_key
from doccontrol.core.model import (
    SUPERSEDED,
    Drop,
    Extracted,
    Outcome,
    ProcedureState,
    ProcedureStatus,
    Reason,
    Refused,
)
from doccontrol.extract.validate import INCOMPLETE_CAUSES, incomplete_reason, sniff
from doccontrol.ingest import reasons
from doccontrol.ingest.inbox import InboxItem
from doccontrol.ingest.staging import Staged, stage_copy
from doccontrol.workspace import Workspace


class TextExtractor(Protocol):
    def extract(self, path: Path, kind: str) -> Extracted: ...


class RetryLater(Exception):
    """The file looks half-written (its item said it may be): leave it for a later try."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


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


def new_state(drop: Drop, current: ProcedureState | None, owner: str, slug: str,
              historical: bool = False) -> ProcedureState:
    """The procedure's state after committing ``drop`` as its newest revision, or as a historical
    one (``historical``: the state recorded beside it, marked superseded). Pure but for the clock."""
    meta = drop.metadata
    assert meta.code and meta.code_key
    now = dates.now_iso()
    return ProcedureState(
        code=meta.code,
        code_key=meta.code_key,
        slug=current.slug if current else slug,
        office=owner,
        title=meta.title,
        revision=meta.revision,
        status=SUPERSEDED if historical else ProcedureStatus.CURRENT,
        sha256=drop.sha256,
        text_sha256=drop.text_sha256,
        source=readable(drop.source_name),
        ext=drop.ext,
        issued=meta.issued,
        effective=meta.effective,
        tthc=meta.tthc,
        updated_at=now,
        citations=meta.citations,
        ingested_at=now,
        text_source=drop.text_source,
        ocr_confidence=drop.ocr_confidence,
        legacy_encoding=drop.legacy_encoding,
        identity_source=drop.identity_source,
        steps=meta.steps,
    )


@dataclass
class Prepared:
    """One file read and ready for the decision, or refused while it was read (``refusal``: it is
    quarantined in its turn, so a batch is journaled in the order it was given). Its staged copy
    is deleted once it is settled."""

    item: InboxItem
    keep_source: bool
    staged: Staged | None
    extracted: Extracted | None
    drop: Drop | None
    outcome: Outcome
    started: float  # time.monotonic() when its processing started
    refusal: Reason | None = None

    @property
    def key(self) -> tuple[str, int] | None:
        """(code key, revision): what orders a batch's commits (None for a refused file)."""
        if self.drop is None or not self.drop.metadata.code_key:
            return None
        return self.drop.metadata.code_key, self.drop.metadata.revision

    def discard(self) -> None:
        if self.staged is not None:
            with contextlib.suppress(FileNotFoundError):
                self.staged.path.unlink()


def check_item(workspace: Workspace, item: InboxItem) -> None:
    """Before reading anything: whose file is it, and is it whole yet (when it may not be)?"""
    if item.office is None:
        raise Refused(reasons.unknown_office(item))
    if item.may_be_incomplete and (why := incomplete_reason(item.path, workspace.config.limits)):
        raise RetryLater(why)


class Reading:
    """Reads one item into a :class:`Prepared`; on a refusal, :attr:`staged` is the copy made so
    far (for the quarantine), else None."""

    def __init__(self, workspace: Workspace, extractor: TextExtractor, staging: Path) -> None:
        self.workspace = workspace
        self.extractor = extractor
        self.staging = staging
        self.staged: Staged | None = None

    def read(self, item: InboxItem, keep_source: bool, outcome: Outcome) -> Prepared:
        """Stage, validate, extract and read ``item``; raises Refused, RetryLater, FileNotFoundError."""
        started = time.monotonic()
        self.staged = None
        check_item(self.workspace, item)
        assert item.office is not None
        limits = self.workspace.config.limits
        self.staged = stage_copy(item.path, self.staging, limits)
        faults.point("after_stage")
        kind = sniff(self.staged.path, limits)
        if hasattr(self.extractor, "label"):  # progress of a long file is told under its own name
            self.extractor.label = item.source_name
        try:
            extracted = self.extractor.extract(self.staged.path, kind)
        except Refused as refused:
            if item.may_be_incomplete and refused.reason.cause in INCOMPLETE_CAUSES:
                raise RetryLater(refused.reason.cause) from refused
            raise
        faults.point("after_extract")
        drop = read_drop(extracted, self.staged, item.office, item.source_name, kind)
        outcome.code = drop.metadata.code
        outcome.revision = drop.metadata.revision
        return Prepared(item, keep_source, self.staged, extracted, drop, outcome, started)

    def discard(self) -> None:
        """Delete the staged copy of a file that was not prepared."""
        if self.staged is not None:
            with contextlib.suppress(FileNotFoundError):
                self.staged.path.unlink()
            self.staged = None
