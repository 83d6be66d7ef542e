"""Plain data that flows between the stages. No I/O here.

The statuses, the effective-date sources and the limits live here; a procedure's state and history
records in :mod:`doccontrol.core.procedure`, the ingest stages' own data (extracted text, metadata,
reasons, decisions, outcomes) in :mod:`doccontrol.core.stages`: both created only when a command
uses them (a dataclass costs milliseconds to create) and still importable from here
(``from doccontrol.core.model import ProcedureState, Reason``).
"""

from __future__ import annotations

import importlib
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from doccontrol.core.procedure import ProcedureState, RevisionRecord  # noqa: F401
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

# The names this module offers from ``core.procedure`` and ``core.stages``, each module loaded when
# one of its names is first asked for (PEP 562).
_HOMES = {
    **dict.fromkeys(("ProcedureState", "RevisionRecord"), "procedure"),
    **dict.fromkeys(("DocProperties", "OcrWord", "OcrResult", "Extracted", "MetadataProblem", "Metadata", "Stage",
                     "STAGE_VI", "Reason", "Refused", "Drop", "Action", "Decision", "Outcome"), "stages"),
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(importlib.import_module(f"doccontrol.core.{_HOMES[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Limits(NamedTuple):
    """Resource limits for validation and extraction of one file (a named tuple: every command's
    configuration makes one, and creating a frozen dataclass costs milliseconds at start-up)."""

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


# Where an effective date comes from: the document (ngày hiệu lực, else ngày ban hành), or the day it
# entered the repository (the document states no date).
EFFECTIVE_DOCUMENT = "document"
EFFECTIVE_INGEST = "ingest"
# The status a revision recorded after a higher one (a historical revision) carries in its meta.json.
SUPERSEDED = "superseded"
