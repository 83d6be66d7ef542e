"""A controlled procedure's current state (what its ``meta.json`` records) and one commit of its
history. No I/O here.

Apart from :mod:`doccontrol.core.model` so that a command that reads only the repository's derived
state (``list``, ``status``) does not create these classes at start-up; ``core.model`` still
offers both names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from doccontrol.core.steps import StepTable


@dataclass(frozen=True)
class ProcedureState:
    """The current state of one controlled procedure, as its metadata file records it."""

    code: str
    code_key: str
    slug: str
    office: str
    title: str
    revision: int
    status: str  # a ProcedureStatus value: "current" | "withdrawn"
    sha256: str
    text_sha256: str
    source: str
    ext: str
    issued: dt.date | None = None
    effective: dt.date | None = None
    tthc: tuple[str, ...] = ()
    withdrawn_reason: str = ""
    withdrawn_at: str = ""
    updated_at: str = ""
    citations: tuple[str, ...] = ()  # legal documents cited (doccontrol.citations normal form)
    # How the text was had, when not simply read from the file (meta.json omits them when empty):
    text_source: str = ""  # "ocr": recognised from a scan's page images
    ocr_confidence: float | None = None  # the mean word confidence of that OCR, 0-100
    legacy_encoding: str = ""  # "tcvn3" / "vni": converted from a legacy Vietnamese font
    identity_source: str = ""  # "file_name": code and revision read from the file's name
    ingested_at: str = ""  # when this revision entered the repository (ngày đưa vào kho), ISO 8601
    withdrawn_effective: dt.date | None = None  # the day the withdrawal took effect (the abolishing decision's)
    steps: StepTable | None = None  # the revision's steps (core.steps); None: read before steps were read


@dataclass(frozen=True)
class RevisionRecord:
    """One commit in a procedure's history (an ingested revision, a withdrawal, ...)."""

    action: str  # "ingest" | "withdraw"
    revision: int
    commit: str
    date: str  # ISO 8601 commit date: when it entered the repository
    office: str  # the office the commit is attributed to (its author)
    sha256: str = ""
    source: str = ""
    note: str = ""
    effective: dt.date | None = None  # when it took effect (revisions and withdrawals)
    effective_source: str = ""  # EFFECTIVE_DOCUMENT | EFFECTIVE_INGEST ("" for other actions)
    historical: bool = False  # a revision recorded after a higher one (kept under history/)
