"""The code and revision of a scan: read confidently, or taken from the file's name, or refused.

A wrongly read code is worse than none: it files a procedure under another's code. So for a
text that came from OCR the code and the revision read from it (``core.metadata``) are kept
only when Tesseract was sure of the words that carry them (every word at least
:data:`MIN_CONFIDENCE`) and the code has none of OCR's usual confusions (a letter among its
digits: ``QT-0l``, ``QT-O1``). Otherwise they are taken from the file's name when it follows the
documented pattern (``QT-01-LĐTBXH_lan-2.pdf``: the code with ``-`` for ``/``, ``_lan-``, the
revision), and the record says so; a text and a name that disagree, or neither, refuse the file
with a reason that tells the clerk how to name it. Pure.

Reading the name is a function passed in (:data:`NameReader`); :func:`read_file_name` reads the
documented pattern and is the one used until ``core.metadata`` has its own.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

from doccontrol.core.filename_code import code_from_filename
from doccontrol.core.model import Metadata, OcrResult, OcrWord, Reason, Stage
from doccontrol.core.text import code_key, fold_lower, slugify

#: A word's confidence (Tesseract, 0-100) below which what it carries is not trusted.
MIN_CONFIDENCE = 80.0
FROM_TEXT, FROM_NAME = "", "file_name"

#: file name -> (code, revision), either None when the name does not give it.
NameReader = Callable[[str], tuple[str | None, int | None]]



def read_file_name(name: str) -> tuple[str | None, int | None]:
    """The code and revision a file name states on purpose (``QT-01-LĐTBXH_lan-2.pdf`` →
    ``("QT-01-LĐTBXH", 2)``), by the one file-name pattern (``core.filename_code``); a name not
    in it (``scan-0012.pdf``, ``QT-01.pdf``) gives ``(None, None)``."""
    named = code_from_filename(name)
    return (named.code, named.revision) if named is not None else (None, None)


@dataclasses.dataclass(frozen=True)
class ScanIdentity:
    code: str
    revision: int
    source: str  # FROM_TEXT or FROM_NAME (either came from the name)


# --- how sure OCR was -----------------------------------------------------------------------

_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_REVISION_LABELS = (("lan", "ban", "hanh"), ("lan", "bh"), ("lan", "sua", "doi"), ("phien", "ban"))
# Letters OCR reads for digits and digits for letters.
_CONFUSED = re.compile(r"(?<=[0-9])[OoIlSB|]|[OoIl|](?=[0-9])")


def _bare(word: str) -> str:
    return fold_lower(_EDGE.sub("", word))


def code_confidence(code: str, words: Sequence[OcrWord]) -> float:
    """How sure OCR was of ``code``: for each of its parts, the best confidence of a recognised
    word that holds it (the code may be printed on every page); the least over its parts; 0
    when a part is nowhere."""
    parts = code.split()
    best = []
    for part in parts:
        key = code_key(part)
        found = [w.confidence for w in words if key and key in code_key(w.text)]
        best.append(max(found, default=0.0))
    return min(best, default=0.0)


def revision_confidence(revision: int, words: Sequence[OcrWord]) -> float:
    """How sure OCR was of the revision: the best confidence, over the places a revision label
    (``Lần ban hành``, ``Lần sửa đổi``, ``Phiên bản``) is followed by that number, of the
    label's words and the number (0 when it is nowhere)."""
    bare = [_bare(w.text) for w in words]
    best = 0.0
    for label in _REVISION_LABELS:
        size = len(label)
        for i in range(len(bare) - size):
            if tuple(bare[i:i + size]) != label:
                continue
            value = re.match(r"\D*0*([0-9]+)", bare[i + size])
            if value and int(value.group(1)) == revision:
                best = max(best, min(w.confidence for w in words[i:i + size + 1]))
    return best


def _confident_code(metadata: Metadata, ocr: OcrResult) -> str | None:
    code = metadata.code
    if not code or _CONFUSED.search(code):
        return None
    return code if code_confidence(code, ocr.words) >= MIN_CONFIDENCE else None


def _confident_revision(metadata: Metadata, ocr: OcrResult) -> int | None:
    if not metadata.revision_stated:
        return None
    return metadata.revision if revision_confidence(metadata.revision, ocr.words) >= MIN_CONFIDENCE else None


# --- the decision ---------------------------------------------------------------------------

def _naming_advice(name: str) -> tuple[str, str]:
    vi = ("Đặt tên tệp theo mẫu <MÃ HIỆU>_lan-<LẦN BAN HÀNH>.pdf, thay dấu '/' trong mã hiệu bằng '-', "
          f"ví dụ QT-01-LĐTBXH_lan-2.pdf (tệp hiện tên '{name}'), rồi gửi lại; hoặc gửi bản .docx gốc.")
    en = ("Name the file <CODE>_lan-<REVISION>.pdf with '-' for '/' in the code, e.g. "
          f"QT-01-LĐTBXH_lan-2.pdf (it is now '{name}'), and drop it again; or send the original .docx.")
    return vi, en


def unreadable(name: str, what_vi: str, what_en: str) -> Reason:
    advice_vi, advice_en = _naming_advice(name)
    return Reason(
        stage=Stage.METADATA, cause="scan_unreadable",
        message_vi=f"Bản scan đã được nhận dạng chữ (OCR) nhưng không đọc được chắc chắn {what_vi}, "
                   "và tên tệp không ghi thông tin này; hệ thống không lưu để tránh nhầm mã.",
        advice_vi=advice_vi,
        message_en=f"The scan was OCRed but its {what_en} could not be read with confidence, and the "
                   "file name does not give it; not filed, to avoid a wrong code.",
        advice_en=advice_en,
    )


def conflict(name: str, what_vi: str, what_en: str, in_text: str, in_name: str) -> Reason:
    advice_vi, advice_en = _naming_advice(name)
    return Reason(
        stage=Stage.METADATA, cause="scan_name_conflict",
        message_vi=f"{what_vi.capitalize()} đọc được trong bản scan ({in_text}) khác với tên tệp ({in_name}).",
        advice_vi="Kiểm tra lại tài liệu; " + advice_vi,
        message_en=f"The {what_en} read in the scan ({in_text}) differs from the file name's ({in_name}).",
        advice_en="Check the document; " + advice_en,
    )


def scan_identity(metadata: Metadata, ocr: OcrResult, file_name: str,
                  name_reader: NameReader = read_file_name) -> ScanIdentity | Reason:
    """The code and revision to file an OCRed scan under, or why it cannot be filed."""
    text_code = _confident_code(metadata, ocr)
    text_revision = _confident_revision(metadata, ocr)
    name_code, name_revision = name_reader(file_name)
    if text_code and name_code and slugify(text_code) != slugify(name_code):
        return conflict(file_name, "mã hiệu", "code", text_code, name_code)
    if text_revision and name_revision and text_revision != name_revision:
        return conflict(file_name, "lần ban hành", "revision", str(text_revision), str(name_revision))
    code = text_code or name_code
    if code is None:
        return unreadable(file_name, "mã hiệu", "code")
    revision = text_revision or name_revision
    if revision is None:
        return unreadable(file_name, "lần ban hành", "revision")
    from_name = (text_code is None) or (text_revision is None)
    return ScanIdentity(code=code, revision=revision, source=FROM_NAME if from_name else FROM_TEXT)
