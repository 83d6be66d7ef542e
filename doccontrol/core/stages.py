"""Plain data the ingest stages pass along: what extraction read (:class:`Extracted`), what the
metadata reader found (:class:`Metadata`), why a file was refused (:class:`Reason`), the decision
and what happened to each dropped file (:class:`Outcome`). No I/O here.

Apart from :mod:`doccontrol.core.model` (the controlled procedures' state, which every command
reads) so that a command that only reads the repository does not create these classes at start-up;
``core.model`` still offers every name defined here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from doccontrol.core.names import escape, has_undecodable, readable

if TYPE_CHECKING:
    from doccontrol.core.steps import StepTable


def _no_steps() -> StepTable:
    """An empty step table (``core.steps`` loaded only when a document's steps are made)."""
    from doccontrol.core.steps import StepTable

    return StepTable()


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
