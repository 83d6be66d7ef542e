"""The extract stage: NFC text and document properties of a validated file.

``extract_file`` runs in the calling process; ``sandbox.Extractor`` runs the same function in a
worker process with time and memory limits (and the converters' own, larger ones). Validation
(``validate.sniff``) comes first and decides the ``kind``: .docx and .pdf are read here, .doc,
.odt and .rtf through LibreOffice (``convert``), a PDF without a text layer through OCR
(``ocr``, when asked for).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from collections.abc import Callable

from doccontrol.core.model import DocProperties, Extracted, Limits, Refused, Stage
from doccontrol.core.text import clean
from doccontrol.extract.validate import CONVERTED_REFUSALS, refusal, sniff

__all__ = ["Limits", "extract_file", "sniff"]

_KINDS = ("docx", "pdf")


def _extractor(kind: str) -> Callable[[Path], Extracted]:
    """The reader of ``kind``, imported when first needed (python-docx and pypdf load lxml, PIL...)."""
    if kind == "docx":
        from doccontrol.extract.docx import extract_docx

        return extract_docx
    from doccontrol.extract.pdf import extract_pdf

    return extract_pdf


def _one_line(value: str) -> str:
    """A document property as one clean line: NFC, no control characters, spaces squashed."""
    text = clean(value)
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _tidy(properties: DocProperties) -> DocProperties:
    return DocProperties(title=_one_line(properties.title), subject=_one_line(properties.subject),
                         author=_one_line(properties.author))


def _read(path: Path, kind: str, limits: Limits, ocr: bool, progress: object) -> Extracted:
    if kind in CONVERTED_REFUSALS:
        from doccontrol.extract.convert import convert_and_extract

        return convert_and_extract(path, kind, limits)
    try:
        return _extractor(kind)(path)
    except Refused as refused:
        if not (ocr and kind == "pdf" and refused.reason.cause == "no_text"):
            raise
    return _recognise(path, limits, progress)


def _recognise(path: Path, limits: Limits, progress: object) -> Extracted:
    """A PDF without a text layer, read by OCR; ``no_text`` when even OCR finds no letters."""
    from doccontrol.extract.ocr import ocr_pdf
    from doccontrol.extract.pdf import MIN_LETTERS, letter_count

    text, result = ocr_pdf(path, limits, progress)  # type: ignore[arg-type]
    if letter_count(text) < MIN_LETTERS:
        raise refusal(Stage.EXTRACT, "no_text")
    return Extracted(kind="pdf", text=text, pages=result.pages, ocr=result)


def extract_file(path: Path, kind: str, limits: Limits | None = None, *, ocr: bool = False,
                 progress: object = None) -> Extracted:
    """Extract ``path`` as ``kind`` ("docx" | "pdf" | "doc" | "odt" | "rtf") in this process.

    ``ocr``: read a PDF without a text layer by OCR (the sandboxed worker asks for it) instead
    of refusing it as ``no_text``; ``progress(done, total, seconds)`` hears of each page.
    ``limits``: the converters' limits (LibreOffice, OCR).

    Raises ``Refused`` with ``stage=Stage.EXTRACT`` for every file it cannot read, including
    ``memory`` when the process runs out of memory; never another exception for a bad file.
    """
    if kind not in _KINDS and kind not in CONVERTED_REFUSALS:
        raise ValueError(f"unknown document kind {kind!r}")
    try:
        extracted = _read(Path(path), kind, limits or Limits(), ocr, progress)
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
