"""Plain data that flows between the stages. No I/O here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from enum import Enum, StrEnum

from doccontrol.core.names import escape, has_undecodable, readable
if TYPE_CHECKING:  # the step rules (and their deadline rules) load when a step table is made
    from doccontrol.core.steps import StepTable


@dataclass(frozen=True)
class Limits:
    """Resource limits for validation and extraction of one file."""

    max_bytes: int = 50 * 1024 * 1024  # file size
    max_uncompressed: int = 200 * 1024 * 1024  # docx: sum of uncompressed member sizes
    max_ratio: float = 100.0  # docx: uncompressed / compressed
    max_entries: int = 5000  # docx: zip members
    timeout_seconds: float = 60.0  # extraction wall time per file
    memory_mb: int = 1024  # extraction address-space limit
    # The converters get limits of their own, sized for them (the ones above are too small):
    ocr_page_seconds: float = 180.0  # OCR: wall time per scanned page (render, straighten, read)
    ocr_memory_mb: int = 2048  # OCR: address-space limit while pages are read
    ocr_max_pages: int = 200  # OCR: a longer scan is refused (it would hold the ingest for hours)
    ocr_language: str = "vie"  # Tesseract's language data
    convert_seconds: float = 180.0  # LibreOffice (.doc, .odt, .rtf): wall time per file
    convert_memory_mb: int = 4096  # LibreOffice: address-space limit


@dataclass(frozen=True)
class DocProperties:
    """Document-level properties read from the file (docx core properties, PDF info)."""

    title: str = ""
    subject: str = ""
    author: str = ""


@dataclass(frozen=True)
class OcrWord:
    """One word Tesseract recognised, with its confidence (0-100)."""

    text: str
    confidence: float


@dataclass(frozen=True)
class OcrResult:
    """How the text of a scan was recognised: its mean word confidence (0-100) and its words."""

    mean_confidence: float
    pages: int
    words: tuple[OcrWord, ...] = ()
    engine: str = ""  # e.g. "tesseract 5.3.0 (vie)"


@dataclass(frozen=True)
class Extracted:
    """What the extract stage returns: the NFC text in reading order and the properties."""

    kind: str  # "docx" | "pdf" | "doc" | "odt" | "rtf"
    text: str
    properties: DocProperties = field(default_factory=DocProperties)
    pages: int = 0
    ocr: OcrResult | None = None  # set when the text was recognised from the page images
    legacy_encoding: str = ""  # "tcvn3" / "vni" (comma-separated): text converted from those fonts


@dataclass(frozen=True)
class MetadataProblem:
    """Something the document states that cannot be true (``Lần ban hành: 00``, ``Ngày ban
    hành: 31/02/2024``), found by the metadata reader. A blocking one refuses the file: the
    pipeline turns it into a quarantine :class:`Reason` with :meth:`reason`."""

    cause: str  # machine-readable id: "invalid_revision", "invalid_date"
    field: str  # what was being read: "revision", "issued", "effective"
    value: str  # the value as the document writes it
    message_vi: str
    advice_vi: str
    message_en: str
    advice_en: str
    blocking: bool = True

    def reason(self) -> Reason:
        return Reason(Stage.METADATA, self.cause, self.message_vi, self.advice_vi, self.message_en,
                      self.advice_en)


def _no_steps() -> StepTable:
    """An empty step table (``core.steps`` imported only now: reading a workspace does not need it)."""
    from doccontrol.core.steps import StepTable

    return StepTable()


@dataclass(frozen=True)
class Metadata:
    """What the metadata reader found in a document's text.

    ``revision`` is 1 when the document states none, and also when what it states is impossible;
    then ``problems`` holds a blocking problem that says so. ``issued`` is the ngày ban hành,
    else the date of the decision the procedure was issued with ("ban hành kèm theo Quyết định
    số ... ngày ...", ``issued_from_decision``); ``effective`` the ngày hiệu lực as stated.
    """

    code: str | None
    code_key: str | None
    title: str
    revision: int
    revision_stated: bool
    issued: dt.date | None = None
    effective: dt.date | None = None
    tthc: tuple[str, ...] = ()  # national TTHC codes in short normal form, e.g. "1.001234"
    citations: tuple[str, ...] = ()  # legal documents cited, normal form, e.g. "152/2020/NĐ-CP"
    issued_from_decision: bool = False  # issued read from the issuing decision's line, no label
    problems: tuple[MetadataProblem, ...] = ()
    steps: StepTable = field(default_factory=_no_steps)  # the steps (Bước | Nội dung | Thời gian ...), core.steps; empty: none

    @property
    def document_effective(self) -> dt.date | None:
        """The day this revision takes effect as the document says: the ngày hiệu lực, else the
        ngày ban hành (or the issuing decision's date); None when it says neither (the caller
        then falls back to the ingest date)."""
        return self.effective or self.issued

    @property
    def effective_source(self) -> str | None:
        """Where :attr:`document_effective` comes from: ``"effective"`` (ngày hiệu lực),
        ``"issued"`` (ngày ban hành), ``"decision"`` (the issuing decision's date) or None."""
        if self.effective:
            return "effective"
        if self.issued:
            return "decision" if self.issued_from_decision else "issued"
        return None

    @property
    def blocking_problems(self) -> tuple[MetadataProblem, ...]:
        return tuple(p for p in self.problems if p.blocking)


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
    RETRY_LATER = "retry_later"  # not final: the file looks half-written, or its commit was lost (never journaled)


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
    text_source: str = ""  # "ocr" when the text was recognised from a scan
    ocr_confidence: float | None = None
    legacy_encoding: str = ""
    identity_source: str = ""  # "file_name": the code/revision came from the file's name


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
        """The record ``--json`` prints and the journal keeps. Paths are valid Unicode (bytes of a
        name that are not UTF-8 shown as U+FFFD); such a path is also given losslessly, escaped
        (``file_escaped``, ``quarantined_to_escaped``: see ``core.names.escape``)."""
        record: dict[str, object] = {
            "file": readable(self.file),
            "office": self.office,
            "status": self.status,
            "code": self.code,
            "revision": self.revision,
            "reason": self.reason,
            "cause": self.cause,
            "commit": self.commit,
            "quarantined_to": readable(self.quarantined_to) if self.quarantined_to is not None else None,
            "action": self.action,
            "effective": self.effective.isoformat() if self.effective else None,
            "effective_source": self.effective_source,
        }
        for key, path in (("file", self.file), ("quarantined_to", self.quarantined_to)):
            if path is not None and has_undecodable(path):
                record[f"{key}_escaped"] = escape(path)
        return record
