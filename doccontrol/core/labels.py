"""The Vietnamese a clerk reads, once: names of statuses and actions, dates, and natural code order.

Every face (the CLI, the web view, the printed reports) takes these from here, so a procedure is
"hiện hành" and a date is ``05/03/2024`` wherever it is shown. Tables map a machine value (what
``meta.json``, ``logs/ingest.jsonl`` and ``--json`` carry) to its (Vietnamese, English) pair; an
unknown value stands for itself. Pure data and small functions: no I/O.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from collections.abc import Callable, Iterable, Mapping

from doccontrol.core.dates import in_zone
from doccontrol.core.model import IngestStatus, ProcedureStatus
from doccontrol.core.text import code_key
from doccontrol.core.lazy_pattern import lazy_pattern

Pair = tuple[str, str]  # (Vietnamese, English)

# The status of a procedure, and of a revision in the search index ("superseded": an older revision).
PROCEDURE_STATUS: dict[str, Pair] = {
    ProcedureStatus.CURRENT.value: ("hiện hành", "current"),
    "superseded": ("đã thay thế", "superseded"),
    ProcedureStatus.WITHDRAWN.value: ("đã bãi bỏ", "withdrawn"),
}

# What one commit in a procedure's history did.
ACTION: dict[str, Pair] = {
    "ingest": ("ban hành", "issued"),
    "withdraw": ("bãi bỏ", "withdrawn"),
    "review": ("rà soát", "reviewed"),
}

# What happened to one dropped file.
INGEST_STATUS: dict[str, Pair] = {
    IngestStatus.INGESTED.value: ("đã tiếp nhận", "ingested"),
    IngestStatus.DUPLICATE.value: ("trùng lặp", "duplicate"),
    IngestStatus.QUARANTINED.value: ("bị cách ly", "quarantined"),
    IngestStatus.RETRY_LATER.value: ("chưa xong, sẽ thử lại", "not done, to be tried again"),
}

# Why a procedure is linked to a TTHC (coverage).
LINK_SOURCE: dict[str, Pair] = {
    "document": ("mã trong văn bản", "code in the document"),
    "manual": ("liên kết thủ công", "linked by hand"),
    "name": ("trùng tên", "same name"),
}

# Where a revision's effective date comes from (``core.model.EFFECTIVE_DOCUMENT``, ``EFFECTIVE_INGEST``).
EFFECTIVE_SOURCE: dict[str, Pair] = {
    "document": ("theo văn bản", "stated in the document"),
    "ingest": ("ngày đưa vào kho", "the day it was loaded: the document states no date"),
}

# The status of a TTHC in the national catalog (``core.catalog.STATUS_ACTIVE``, ``STATUS_ABOLISHED``;
# spelled out here because the catalog parser takes its formats from this module).
TTHC_STATUS: dict[str, Pair] = {
    "active": ("đang áp dụng", "in force"),
    "abolished": ("đã bãi bỏ", "abolished"),
}


# Folders of the inbox and the quarantine that are no office's.
UNASSIGNED_FOLDER = "_khong-ro-phong"  # quarantine/<this>/: files dropped outside any office's folder
INBOX_ROOT = "."  # a file straight in inbox/, as ``status`` counts it
FOLDER: dict[str, Pair] = {
    UNASSIGNED_FOLDER: ("chưa rõ phòng", "no office"),
    INBOX_ROOT: ("ngoài thư mục các phòng", "outside the office folders"),
}


def folder_vi(folder: str) -> str:
    """An inbox or quarantine folder as a clerk reads it: an office code as it is, the folder of
    files that belong to no office as ``chưa rõ phòng (no office)``."""
    name_vi, name_en = pair(FOLDER, folder)
    return f"{name_vi} ({name_en})" if folder in FOLDER else folder


LEGACY_ENCODING: dict[str, Pair] = {
    "tcvn3": ("TCVN3 (ABC, .VnTime)", "TCVN3 (ABC, .VnTime)"),
    "vni": ("VNI (VNI-Times)", "VNI (VNI-Times)"),
}


def ocr_mark(confidence: float | None) -> Pair | None:
    """The short mark of a procedure whose text was read from a scan: ``bản scan, OCR 95%``."""
    if confidence is None:
        return None
    return (f"bản scan, OCR {confidence:.0f}%", f"scan, OCR {confidence:.0f}%")


def text_origin(text_source: str, ocr_confidence: float | None, legacy_encoding: str,
                identity_source: str) -> list[Pair]:
    """How a revision's text and identity were had, when not simply read from the file: the
    OCR and its mean confidence, a legacy font converted, a code taken from the file name."""
    notes: list[Pair] = []
    if text_source == "ocr":
        confidence = ocr_confidence if ocr_confidence is not None else 0.0
        notes.append((f"nhận dạng chữ (OCR) từ bản scan, độ tin cậy trung bình {percent_vi(confidence)}",
                      f"OCR of a scan, mean word confidence {confidence:.1f}%"))
    for encoding in filter(None, legacy_encoding.split(",")):
        name_vi, name_en = pair(LEGACY_ENCODING, encoding)
        notes.append((f"chuyển từ phông chữ cũ {name_vi} sang Unicode",
                      f"converted from the legacy font encoding {name_en} to Unicode"))
    if identity_source == "file_name":
        notes.append(("mã hiệu và lần ban hành lấy theo tên tệp (bản scan không đọc được chắc chắn)",
                      "code and revision taken from the file name (not read with confidence in the scan)"))
    return notes


def pair(table: Mapping[str, Pair], key: str) -> Pair:
    """The (Vietnamese, English) pair for ``key``; an unknown key stands for itself."""
    return table.get(key, (key, key))


def vi(table: Mapping[str, Pair], key: str) -> str:
    """The Vietnamese for ``key`` (an unknown key as it is)."""
    return pair(table, key)[0]


def status_vi(status: str) -> str:
    """``current`` → ``hiện hành``."""
    return vi(PROCEDURE_STATUS, status)


def action_vi(action: str) -> str:
    """``ingest`` → ``ban hành``."""
    return vi(ACTION, action)


def ingest_status_vi(status: str) -> str:
    """``quarantined`` → ``bị cách ly``."""
    return vi(INGEST_STATUS, status)


# --- dates ------------------------------------------------------------------------------------------


def date_vi(value: dt.date | None, empty: str = "") -> str:
    """A day as Vietnamese documents write it: ``05/03/2024`` (``empty`` for none)."""
    return f"{value:%d/%m/%Y}" if value else empty


def effective_vi(value: dt.date | None, source: str, empty: str = "") -> str:
    """An effective date, marked when it is not the document's: ``05/03/2024``, or
    ``01/06/2023 (ngày đưa vào kho)`` for a document that states no date."""
    text = date_vi(value, empty)
    return f"{text} ({vi(EFFECTIVE_SOURCE, source)})" if value and source == "ingest" else text


def datetime_vi(value: dt.datetime | None, empty: str = "", zone: dt.tzinfo | None = None) -> str:
    """A moment to the minute, as the clock in ``zone`` (the workspace's) reads it:
    ``25/11/2026 21:31`` (``empty`` for none)."""
    return f"{in_zone(value, zone):%d/%m/%Y %H:%M}" if value else empty


def moment_vi(value: dt.date | dt.datetime | None, empty: str = "", zone: dt.tzinfo | None = None) -> str:
    """A day, or a moment when ``value`` has a time of day."""
    if isinstance(value, dt.datetime):
        return datetime_vi(value, empty, zone)
    return date_vi(value, empty)


def timestamp_vi(value: object, zone: dt.tzinfo | None = None) -> str:
    """An ISO 8601 time (commit dates, journal times) as ``25/11/2026 21:31`` in ``zone`` (the
    workspace's time zone); unreadable ones as they are."""
    text = str(value or "")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return datetime_vi(moment, zone=zone)


# --- figures ----------------------------------------------------------------------------------------


def percent_vi(value: float) -> str:
    """A percentage as every face shows it: two decimals, rounded DOWN, a decimal comma and a
    space before the sign (``92.857`` → ``92,85 %``), so nothing short of 100 % ever reads 100 %."""
    hundredths = max(0, math.floor(round(value * 100, 6)))  # round first: 66.66 * 100 is 6665.999…
    whole, part = divmod(hundredths, 100)
    return f"{whole},{part:02d} %"


# --- order and width --------------------------------------------------------------------------------

_DIGIT_RUNS = lazy_pattern(r"(\d+)")


@lru_cache(maxsize=1 << 16)
def natural_key(text: str) -> tuple[str | int, ...]:
    """Sort key where digit runs compare as numbers: ``qt-2`` before ``qt-10``.

    ``re.split`` with a group alternates text and digit runs, so text sits at even places and
    numbers at odd ones: two keys never compare a number with a string. Remembered (a province's
    20,000 codes are sorted again at every commit the web server follows).
    """
    return tuple(int(part) if place % 2 else part for place, part in enumerate(_DIGIT_RUNS.split(text)))


def code_order(code: str) -> tuple[str | int, ...]:
    """The one order of procedure codes, in every list: by their normal form (``core.text.code_key``:
    ``QT 03/VP`` = ``QT-03/VP``), numbers in numeric order: ``QT-2``, ``QT 03``, ``QT-04``, ``QT-10``."""
    return natural_key(code_key(code))


def office_rank(configured: Iterable[str]) -> Callable[[str], tuple[int, str]]:
    """The one order of offices: the configuration's, then offices no longer configured by code
    (the key of ``core.config.office_order``)."""
    order = {code: i for i, code in enumerate(configured)}
    return lambda office: (order.get(office, len(order)), office)


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


__all__ = [
    "ACTION", "EFFECTIVE_SOURCE", "FOLDER", "INBOX_ROOT", "UNASSIGNED_FOLDER", "folder_vi", "INGEST_STATUS", "LEGACY_ENCODING", "LINK_SOURCE", "PROCEDURE_STATUS", "TTHC_STATUS",
    "Pair", "action_vi", "code_order", "date_vi", "datetime_vi", "effective_vi", "ingest_status_vi", "moment_vi", "natural_key",
    "ocr_mark", "office_rank", "pair", "percent_vi", "shorten", "status_vi", "text_origin", "timestamp_vi",
    "vi",
]
