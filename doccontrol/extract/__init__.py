"""The extract stage: NFC text and document properties of a validated .docx or .pdf.

``extract_file`` runs in the calling process; ``sandbox.Extractor`` runs the same function in a
worker process with time and memory limits. Validation (``validate.sniff``) comes first and
decides the ``kind``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from doccontrol.extract.docx import extract_docx
from doccontrol.extract.pdf import extract_pdf
from doccontrol.extract.validate import Limits, refusal, sniff
from doccontrol.core.model import DocProperties, Extracted, Refused, Stage
from doccontrol.core.text import clean

__all__ = ["Limits", "extract_file", "sniff"]

_EXTRACTORS = {"docx": extract_docx, "pdf": extract_pdf}


def _one_line(value: str) -> str:
    """A document property as one clean line: NFC, no control characters, spaces squashed."""
    text = clean(value)
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _tidy(properties: DocProperties) -> DocProperties:
    return DocProperties(title=_one_line(properties.title), subject=_one_line(properties.subject),
                         author=_one_line(properties.author))


def extract_file(path: Path, kind: str) -> Extracted:
    """Extract ``path`` as ``kind`` ("docx" | "pdf") in this process.

    Raises ``Refused`` with ``stage=Stage.EXTRACT`` for every file it cannot read, including
    ``memory`` when the process runs out of memory; never another exception for a bad file.
    """
    try:
        extractor = _EXTRACTORS[kind]
    except KeyError:
        raise ValueError(f"unknown document kind {kind!r}") from None
    try:
        extracted = extractor(Path(path))
    except Refused:
        raise
    except MemoryError:
        raise refusal(Stage.EXTRACT, "memory") from None
    except RecursionError:
        raise refusal(Stage.EXTRACT, "damaged", kind=kind, detail="structure nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - a bad file must end as a refusal, not a crash
        raise refusal(Stage.EXTRACT, "damaged", kind=kind,
                      detail=f"{type(exc).__name__}: {exc}"[:300]) from None
    return dataclasses.replace(extracted, properties=_tidy(extracted.properties))
