"""The problems the metadata reader reports, in words a clerk can read (pure).

A document that states an impossible revision or date is refused rather than read with a
default: revision 1 for ``Lần ban hành: 00`` would forge the procedure's history, no date for
``31/02/2024`` would silently move it in time. Each problem is a
:class:`~doccontrol.core.model.MetadataProblem` with a cause id, the field and the value as
written, a Vietnamese message and advice with their English lines; :func:`blocking_reason`
makes the one quarantine :class:`~doccontrol.core.model.Reason` of a document's blocking
problems.
"""

from __future__ import annotations

from collections.abc import Sequence

from doccontrol.core.model import MetadataProblem, Reason, Stage

__all__ = [
    "INVALID_DATE",
    "INVALID_REVISION",
    "MAX_REVISION",
    "blocking_reason",
    "invalid_date",
    "invalid_revision",
]

INVALID_REVISION = "invalid_revision"
INVALID_DATE = "invalid_date"

#: the highest revision number accepted; a procedure is not issued a hundredth time
MAX_REVISION = 99

# why → (Vietnamese, English) explanation of an impossible revision value
_REVISION_WHY: dict[str, tuple[str, str]] = {
    "zero": ("lần ban hành bắt đầu từ 1", "revisions start at 1"),
    "negative": ("lần ban hành không thể là số âm", "a revision cannot be negative"),
    "too_large": (f"lần ban hành không thể lớn hơn {MAX_REVISION}",
                  f"a revision cannot be more than {MAX_REVISION}"),
    "roman": ("số La Mã chỉ được đọc từ I đến X", "Roman numerals are read from I to X only"),
}

# field → (Vietnamese label, English name)
_DATE_FIELDS: dict[str, tuple[str, str]] = {
    "issued": ("Ngày ban hành", "The issue date (ngày ban hành)"),
    "effective": ("Ngày hiệu lực", "The effective date (ngày hiệu lực)"),
    "decision": ("Ngày của quyết định ban hành", "The date of the issuing decision"),
}


def invalid_revision(value: str, why: str) -> MetadataProblem:
    """The document states a revision that cannot be one. ``why``: ``zero``, ``negative``,
    ``too_large`` or ``roman`` (a Roman numeral above X)."""
    why_vi, why_en = _REVISION_WHY[why]
    return MetadataProblem(
        cause=INVALID_REVISION,
        field="revision",
        value=value,
        message_vi=f"Lần ban hành ghi trong tài liệu là '{value}': {why_vi}.",
        advice_vi="Sửa lần ban hành trong tài liệu thành số thứ tự đúng (ví dụ 'Lần ban hành: 02') "
        "rồi gửi lại.",
        message_en=f"The document's revision (lần ban hành) reads '{value}': {why_en}.",
        advice_en="Correct the revision in the document (e.g. 'Lần ban hành: 02') and drop it again.",
    )


def invalid_date(value: str, field: str) -> MetadataProblem:
    """The document states a date that does not exist (``31/02/2024``, month 13, a year outside
    1900-2199). ``field``: ``issued``, ``effective`` or ``decision``."""
    label_vi, label_en = _DATE_FIELDS[field]
    return MetadataProblem(
        cause=INVALID_DATE,
        field="issued" if field == "decision" else field,
        value=value,
        message_vi=f"{label_vi} ghi trong tài liệu là '{value}': không có ngày này.",
        advice_vi="Sửa ngày trong tài liệu theo dạng ngày/tháng/năm (ví dụ 05/03/2024) rồi gửi lại.",
        message_en=f"{label_en} in the document reads '{value}': there is no such date.",
        advice_en="Correct the date in the document as day/month/year (e.g. 05/03/2024) and drop it again.",
    )


def blocking_reason(problems: Sequence[MetadataProblem]) -> Reason | None:
    """One quarantine reason for the blocking problems (messages in document order, the first
    one's cause), or None when none blocks."""
    blocking = [p for p in problems if p.blocking]
    if not blocking:
        return None
    if len(blocking) == 1:
        return blocking[0].reason()
    advice_vi = dict.fromkeys(p.advice_vi for p in blocking)
    advice_en = dict.fromkeys(p.advice_en for p in blocking)
    return Reason(
        stage=Stage.METADATA,
        cause=blocking[0].cause,
        message_vi=" ".join(p.message_vi for p in blocking),
        advice_vi=" ".join(advice_vi),
        message_en=" ".join(p.message_en for p in blocking),
        advice_en=" ".join(advice_en),
    )
