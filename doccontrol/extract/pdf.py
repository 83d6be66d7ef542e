"""Text of a PDF with pypdf: all pages in order, joined by line breaks.

A file encrypted with an owner password only opens with the empty user password and is read like
any other; one that needs a user password is refused as ``encrypted``. A PDF with (almost) no
letters in its text layer is a scan and is refused as ``no_text``. Anything pypdf cannot parse is
``damaged``, with pypdf's words in the English line.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PasswordType, PdfReader
from pypdf.generic import IndirectObject

from doccontrol.extract.validate import encrypted_fields, refusal
from doccontrol.core import legacy_fonts
from doccontrol.core.model import DocProperties, Extracted, Refused, Stage
from doccontrol.core.text import clean

# Typographic ligatures (U+FB00-FB06) that PDF producers emit for "fi", "ffl"...: spelled out,
# so that the words can be searched.
_LIGATURES = str.maketrans({
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st",
})

# Fewer letters than this in the whole text layer: a scan, or a drawing without words.
MIN_LETTERS = 20


def _damaged(exc: BaseException | str) -> Refused:
    detail = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    return refusal(Stage.EXTRACT, "damaged", kind="pdf", detail=str(detail)[:300])


def _info_string(info: object, key: str) -> str:
    """A readable string from the document information dictionary, else ""."""
    try:
        value = info.get(key) if hasattr(info, "get") else None  # type: ignore[attr-defined]
        if isinstance(value, IndirectObject):
            value = value.get_object()
    except Exception:  # noqa: BLE001 - an unreadable property is simply absent
        return ""
    return value if isinstance(value, str) else ""


def _properties(reader: PdfReader) -> DocProperties:
    try:
        info = reader.metadata
    except Exception:  # noqa: BLE001 - unreadable metadata must not refuse a readable text
        return DocProperties()
    if info is None:
        return DocProperties()
    return DocProperties(
        title=_info_string(info, "/Title"),
        subject=_info_string(info, "/Subject"),
        author=_info_string(info, "/Author"),
    )


def letter_count(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def extract_pdf(path: Path) -> Extracted:
    """Text and properties of the PDF at ``path``; raises ``Refused`` (extract stage)."""
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            _open_with_empty_password(reader)
        pages = reader.pages
        texts = [page.extract_text() or "" for page in pages]
        count = len(pages)
    except (Refused, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on malformed input
        raise _damaged(exc) from None
    properties = _properties(reader)
    # A PDF typed in TCVN3/VNI fonts without a Unicode map gives their bytes: decoded before
    # clean(), which drops U+00AD (TCVN3's ư).
    raw, legacy = legacy_fonts.repair_text("\n".join(texts))
    text = clean(raw).translate(_LIGATURES)
    if letter_count(text) < MIN_LETTERS:
        raise refusal(Stage.EXTRACT, "no_text")
    return Extracted(kind="pdf", text=text, properties=properties, pages=count,
                     legacy_encoding=legacy or "")


def _open_with_empty_password(reader: PdfReader) -> None:
    try:
        result = reader.decrypt("")
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001 - unsupported algorithm, missing crypto provider...
        logging.getLogger(__name__).debug("decrypt failed: %s", exc)
        raise refusal(Stage.EXTRACT, "encrypted", **encrypted_fields("pdf")) from None
    if result == PasswordType.NOT_DECRYPTED:
        raise refusal(Stage.EXTRACT, "encrypted", **encrypted_fields("pdf"))
