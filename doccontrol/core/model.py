"""Plain data that flows between the stages. No I/O here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum, StrEnum


@dataclass(frozen=True)
class Limits:
    """Resource limits for validation and extraction of one file."""

    max_bytes: int = 50 * 1024 * 1024  # file size
    max_uncompressed: int = 200 * 1024 * 1024  # docx: sum of uncompressed member sizes
    max_ratio: float = 100.0  # docx: uncompressed / compressed
    max_entries: int = 5000  # docx: zip members
    timeout_seconds: float = 60.0  # extraction wall time per file
    memory_mb: int = 1024  # extraction address-space limit


@dataclass(frozen=True)
class DocProperties:
    """Document-level properties read from the file (docx core properties, PDF info)."""

    title: str = ""
    subject: str = ""
    author: str = ""


@dataclass(frozen=True)
class Extracted:
    """What the extract stage returns: the NFC text in reading order and the properties."""

    kind: str  # "docx" | "pdf"
    text: str
    properties: DocProperties = field(default_factory=DocProperties)
    pages: int = 0


@dataclass(frozen=True)
class Metadata:
    """What the metadata reader found in a document's text."""

    code: str | None
    code_key: str | None
    title: str
    revision: int
    revision_stated: bool
    issued: dt.date | None = None
    effective: dt.date | None = None
    tthc: tuple[str, ...] = ()  # national TTHC codes in short normal form, e.g. "1.001234"
    citations: tuple[str, ...] = ()  # legal documents cited, normal form, e.g. "152/2020/NĐ-CP"


class Stage(str, Enum):
    """Pipeline stages, as named in quarantine reasons."""

    VALIDATE = "validate"
    EXTRACT = "extract"
    METADATA = "metadata"
    DECIDE = "decide"
    COMMIT = "commit"


STAGE_VI = {
    Stage.VALIDATE: "kiểm tra tệp",
    Stage.EXTRACT: "đọc nội dung",
    Stage.METADATA: "đọc thông tin tài liệu",
    Stage.DECIDE: "xét phiên bản",
    Stage.COMMIT: "lưu vào kho",
}


@dataclass(frozen=True)
class Reason:
    """Why a file was refused, for a clerk (Vietnamese) with an English line beside it."""

    stage: Stage
    cause: str  # machine-readable id: "encrypted", "no_text", "no_code", ...
    message_vi: str
    advice_vi: str
    message_en: str
    advice_en: str = ""

    def one_line(self) -> str:
        return f"{self.message_vi} ({self.cause})"


class Refused(Exception):
    """Raised by a stage that refuses a file."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.message_en)
        self.reason = reason


class ProcedureStatus(StrEnum):
    """Whether a controlled procedure is in force. The values are what ``meta.json`` stores."""

    CURRENT = "current"
    WITHDRAWN = "withdrawn"


class IngestStatus(StrEnum):
    """What happened to one dropped file. The values are what ``logs/ingest.jsonl`` and ``--json`` print."""

    INGESTED = "ingested"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"


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
    ingested_at: str = ""  # when this revision entered the repository (ngày đưa vào kho), ISO 8601
    withdrawn_effective: dt.date | None = None  # the day the withdrawal took effect (the abolishing decision's)


# Where an effective date comes from: the document (ngày hiệu lực, else ngày ban hành), or the day it
# entered the repository (the document states no date).
EFFECTIVE_DOCUMENT = "document"
EFFECTIVE_INGEST = "ingest"
# The status a revision recorded after a higher one (a historical revision) carries in its meta.json.
SUPERSEDED = "superseded"


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


@dataclass(frozen=True)
class Drop:
    """A validated, extracted file and what was read from it, ready for the decision."""

    office: str
    source_name: str
    ext: str
    sha256: str
    text_sha256: str
    metadata: Metadata


class Action(str, Enum):
    NEW = "new"
    REVISION = "revision"
    HISTORICAL = "historical"  # an older revision the procedure does not have yet: recorded, not current
    DUPLICATE = "duplicate"
    REFUSE = "refuse"


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: Reason | None = None
    owner: str = ""  # the office that owns the procedure after the decision
    duplicate_of: int | None = None  # for DUPLICATE: the revision that holds the same bytes


@dataclass
class Outcome:
    """What happened to one dropped file. ``status``: an :class:`IngestStatus` value."""

    file: str
    office: str
    status: str  # an IngestStatus value: "ingested" | "duplicate" | "quarantined"
    code: str | None = None
    revision: int | None = None
    reason: str | None = None
    cause: str | None = None
    commit: str | None = None
    quarantined_to: str | None = None
    seconds: float = 0.0
    action: str | None = None  # for an ingested file: "new" | "revision" | "historical"
    effective: dt.date | None = None  # the revision's effective date
    effective_source: str | None = None  # EFFECTIVE_DOCUMENT | EFFECTIVE_INGEST

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "office": self.office,
            "status": self.status,
            "code": self.code,
            "revision": self.revision,
            "reason": self.reason,
            "cause": self.cause,
            "commit": self.commit,
            "quarantined_to": self.quarantined_to,
            "action": self.action,
            "effective": self.effective.isoformat() if self.effective else None,
            "effective_source": self.effective_source,
        }
