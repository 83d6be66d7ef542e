"""Plain data that flows between the stages. No I/O here.

The controlled procedures' state (:class:`ProcedureState`, :class:`RevisionRecord`, the statuses)
and the limits live here; the ingest stages' own data (extracted text, metadata, reasons,
decisions, outcomes) in :mod:`doccontrol.core.stages`, created only when a command uses it and
still importable from here (``from doccontrol.core.model import Reason``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from doccontrol.core.stages import (  # noqa: F401
        STAGE_VI,
        Action,
        Decision,
        DocProperties,
        Drop,
        Extracted,
        Metadata,
        MetadataProblem,
        OcrResult,
        OcrWord,
        Outcome,
        Reason,
        Refused,
        Stage,
    )
    from doccontrol.core.steps import StepTable

# The names of ``core.stages`` this module offers too (loaded when first asked for: PEP 562).
_STAGE_NAMES = frozenset({"DocProperties", "OcrWord", "OcrResult", "Extracted", "MetadataProblem", "Metadata", "Stage",
                          "STAGE_VI", "Reason", "Refused", "Drop", "Action", "Decision", "Outcome"})


def __getattr__(name: str) -> Any:
    if name in _STAGE_NAMES:
        from doccontrol.core import stages

        value = getattr(stages, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
