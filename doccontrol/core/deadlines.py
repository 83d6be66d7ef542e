"""Deadlines and step times in a normal form (pure, no I/O).

A TTHC's *thời hạn giải quyết* and the time of each step of a procedure are written in words:
``05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ``, ``15 ngày``, ``03 giờ làm việc``, ``Ngay
trong ngày``, ``Trong thời hạn 10 ngày làm việc…``, ``0,5 ngày``, ``Không quá 02 ngày``. This
module reads them into a :class:`Duration` (an exact amount, a unit, from when the clock runs),
always keeping the original words, and says plainly when a text cannot be read — it never
guesses.

Units are explicit:

- ``working_day`` (*ngày làm việc*), ``day`` (*ngày*: a calendar day in a TTHC's deadline, as
  the law counts it), ``working_hour`` (*giờ làm việc*), ``hour`` (*giờ*), ``month`` (*tháng*);
  a *buổi* is half a working day, a *tuần* seven days (five working days for a *tuần làm việc*);
- a same-day deadline (``Ngay trong ngày``, ``Trong ngày làm việc``) is one working day with
  :attr:`Duration.same_day` set.

What is read:

- a number (``05``, ``0,5``, ``1.5``, ``1/2``, ``năm``, ``nửa``) before a unit; a range
  (``01 - 02 ngày``, ``từ 3 đến 5 ngày``) counts its upper end;
- the words around it (``Trong thời hạn``, ``Không quá``, ``Tối đa``) are kept, not needed;
- the start of the clock after ``kể từ`` / ``tính từ`` / ``sau khi``: :data:`START_RECEIPT`
  when it is the receipt of the dossier (``nhận đủ hồ sơ``, ``tiếp nhận hồ sơ``), else
  :data:`START_OTHER`;
- a restatement in brackets (``02 ngày làm việc (16 giờ)``), a breakdown after ``trong đó`` or
  ``(bao gồm …)``, and exceptions after the main clause (``; trường hợp …``, ``; nếu …``) do not
  make a second deadline;
- a time of day (``sau 15 giờ``, ``trước 10 giờ``) and a date (``ngày 15 tháng 5``) are not
  durations.

Not read (kept as text, the reason said): a number without a unit (``7``: the national portal's
flattened "Thời gian" column), "Không có thông tin", different durations for different cases or
channels (``20 ngày (hoặc 15 ngày đối với nhà ở riêng lẻ)``), no duration at all.

A step's time may also say it takes no time of its own (``Theo giấy hẹn``, ``Không tính``,
``Ngay``): :data:`STEP_NO_TIME`; an empty cell is :data:`STEP_EMPTY`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from doccontrol.core.text import clean, squash_spaces
from doccontrol.core.lazy_pattern import lazy_pattern

__all__ = [
    "Duration", "Reading", "UNIT_VI", "parse_deadline", "parse_step_time", "amount_vi", "working_days_in",
    "times_in", "parallel_label",
]

UNIT_WORKING_DAY = "working_day"
UNIT_DAY = "day"
UNIT_WORKING_HOUR = "working_hour"
UNIT_HOUR = "hour"
UNIT_MONTH = "month"
UNITS = (UNIT_WORKING_DAY, UNIT_DAY, UNIT_WORKING_HOUR, UNIT_HOUR, UNIT_MONTH)
UNIT_VI = {UNIT_WORKING_DAY: "ngày làm việc", UNIT_DAY: "ngày", UNIT_WORKING_HOUR: "giờ làm việc",
           UNIT_HOUR: "giờ", UNIT_MONTH: "tháng"}
UNIT_EN = {UNIT_WORKING_DAY: "working days", UNIT_DAY: "days", UNIT_WORKING_HOUR: "working hours",
           UNIT_HOUR: "hours", UNIT_MONTH: "months"}

START_RECEIPT = "receipt"  # kể từ ngày nhận đủ hồ sơ (hợp lệ)
START_OTHER = "other"  # kể từ another event (a request, a decision, another agency's answer)

READ = "read"  # a duration
STEP_NO_TIME = "no_time"  # a step with no time of its own: "Theo giấy hẹn", "Không tính", "Ngay"
STEP_EMPTY = "empty"  # nothing written
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Duration:
    """A length of time in a normal form. ``text``: the words it was read from."""

    amount: Fraction
    unit: str  # one of UNITS
    text: str = ""
    start: str = ""  # START_RECEIPT, START_OTHER, or "" (not said)
    start_text: str = ""  # "kể từ ngày nhận đủ hồ sơ hợp lệ"
    same_day: bool = False  # "Ngay trong ngày": within the working day (amount 1, working_day)

    def label(self) -> str:
        """``5 ngày làm việc``, ``0,5 ngày``, ``trong ngày (1 ngày làm việc)``."""
        if self.same_day:
            return "trong ngày làm việc"
        return f"{amount_vi(self.amount)} {UNIT_VI[self.unit]}"

    def label_en(self) -> str:
        if self.same_day:
            return "within the working day"
        return f"{amount_en(self.amount)} {UNIT_EN[self.unit]}"

    def key(self) -> tuple[Fraction, str, str, bool]:
        """What makes two deadlines the same (the words around them do not)."""
        return (self.amount, self.unit, self.start, self.same_day)

    def as_json(self) -> dict[str, object]:
        return {"amount": float(self.amount), "unit": self.unit, "start": self.start or None,
                "start_text": self.start_text or None, "same_day": self.same_day, "label": self.label()}


@dataclass(frozen=True)
class Reading:
    """What a deadline or a step time says: a duration, no time, nothing, or unreadable (why)."""

    text: str
    kind: str  # READ, STEP_NO_TIME, STEP_EMPTY, UNREADABLE
    duration: Duration | None = None
    why_vi: str = ""
    why_en: str = ""

    @property
    def readable(self) -> bool:
        return self.kind != UNREADABLE

    def label(self) -> str:
        """What it reads as, for people: ``0,5 ngày``, ``không tính thời gian``, ``—``,
        ``KHÔNG ĐỌC ĐƯỢC``."""
        if self.duration is not None:
            return self.duration.label()
        return {STEP_NO_TIME: "không tính thời gian", STEP_EMPTY: "—"}.get(self.kind, "KHÔNG ĐỌC ĐƯỢC")

    def as_json(self) -> dict[str, object]:
        return {"text": self.text, "kind": self.kind,
                "duration": self.duration.as_json() if self.duration else None,
                "why": self.why_vi or None, "why_en": self.why_en or None}


def amount_vi(amount: Fraction) -> str:
    """``5``, ``0,5``, ``1,25`` (a decimal comma, as Vietnamese documents write it)."""
    if amount.denominator == 1:
        return str(amount.numerator)
    return f"{float(amount):.2f}".rstrip("0").rstrip(".").replace(".", ",")


def amount_en(amount: Fraction) -> str:
    return str(amount.numerator) if amount.denominator == 1 else f"{float(amount):.2f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------------------------
# Patterns (on the lower-cased NFC text; unaccented spellings are accepted where unambiguous)
# --------------------------------------------------------------------------------------------

_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8,
          "chín": 9, "mười": 10, "nửa": Fraction(1, 2), "½": Fraction(1, 2)}
_DIGITS = r"(?:\d{1,4}(?:[.,]\d{1,2})?|[13]/[24]|½)"
_NUMBER_WORD = r"(?:một|hai|ba|bốn|tư|năm|sáu|bảy|bẩy|tám|chín|mười|nửa)"
_NUMBER = rf"(?:{_DIGITS}|{_NUMBER_WORD})"
_LV = r"l[àa]m\s+vi[ệe]c"
_UNITS: tuple[tuple[str, str], ...] = (
    (rf"ng[àa]y\s+{_LV}", "working_day"),
    (rf"gi[ờo]\s+{_LV}", "working_hour"),
    (rf"bu[ổo]i(?:\s+{_LV})?", "half_day"),
    (rf"tu[ầa]n\s+{_LV}", "working_week"),
    (r"tu[ầa]n", "week"),
    (r"ng[àa]y", "day"),
    (r"gi[ờo]|h(?=\s|$|[.,;)])", "hour"),
    (r"th[áa]ng", "month"),
    (r"năm", "year"),
)
_UNIT_RE = "|".join(f"(?P<u{i}>{src})" for i, (src, _) in enumerate(_UNITS))
_DURATION = lazy_pattern(
    rf"(?<![\w./,])(?:(?P<low>{_NUMBER})\s*(?:-|đến|tới|den)\s*)?"
    rf"(?:(?P<num>{_DIGITS})\s*|(?P<word>{_NUMBER_WORD})\s+)(?:{_UNIT_RE})(?!\w)"
)
# Before a number: a date ("ngày 15 tháng"), a time of day ("sau 15 giờ"), an article or clause.
_DATE_BEFORE = lazy_pattern(r"(?:ngày|ngay)\s*$")
_CLOCK_BEFORE = lazy_pattern(r"(?:sau|trước|truoc|lúc|luc|từ|tu|đến|den|khoảng)\s*$")
_MONTH_BEFORE = lazy_pattern(r"(?:tháng|thang)\s*$")
_NOT_DURATION_AFTER = lazy_pattern(r"\s*(?:năm|/\d)")  # "tháng 5 năm 2013", "ngày 01/7"

_START = lazy_pattern(r"(?:kể|ke|tính|tinh)\s+(?:từ|tu)\b|sau\s+khi\b")
_RECEIPT = lazy_pattern(
    r"(?:tiếp\s+nhận|nhận)(?:\s+(?:được|đủ|bổ\s+sung|đầy\s+đủ))*\s+(?:đủ\s+|đầy\s+đủ\s+)?hồ\s+sơ"
    r"|(?:tiep\s+nhan|nhan)(?:\s+(?:duoc|du))*\s+ho\s+so|nộp\s+(?:đủ\s+|đầy\s+đủ\s+)?hồ\s+sơ"
)
_SAME_DAY = lazy_pattern(
    r"^(?:\W*)(?:ngay\s+trong\s+(?:ngày|ngay)|trong\s+(?:cùng\s+)?(?:ngày|ngay)(?:\s+làm\s+việc)?"
    r"|ngay\s+sau\s+khi|trả\s+ngay|giải\s+quyết\s+ngay|ngay)(?!\s+(?:làm\s+việc\s+)?tiếp\s+theo)(?=\W|$)"
)
_NO_TIME = lazy_pattern(
    r"^\W*(?:theo\s+(?:giấy|phiếu|ngày|thời\s+gian|lịch)\s+(?:hẹn|ghi|trên)|theo\s+hẹn|không\s+tính|"
    r"ngay(?:\s+(?:sau\s+khi|khi)\b.*)?$|không\s+quy\s+định\s+thời\s+gian|trong\s+giờ\s+hành\s+chính$)"
)
_APPOINTMENT = lazy_pattern(r"theo\s+(?:giấy|phiếu|ngày)\s+hẹn")
_NOT_STATED = lazy_pattern(r"không\s+có\s+thông\s+tin|không\s+quy\s+định|chưa\s+quy\s+định|^theo\s+quy\s+định")
_EMPTY = lazy_pattern(r"^[\W_]*$")
_BARE_NUMBER = lazy_pattern(rf"^\W*{_NUMBER}\W*$")
_BREAKDOWN = lazy_pattern(r"\btrong\s+đó\b|\(\s*bao\s+gồm\b|\bbao\s+gồm\s*:")
_EXCEPTION = lazy_pattern(r"[;.]\s*(?:-\s*)?(?:trường\s+hợp|nếu|riêng|đối\s+với\s+trường\s+hợp)\b")
_CASE = lazy_pattern(r"\b(?:đối\s+với|trường\s+hợp|hoặc)\b")
_PLUS = lazy_pattern(r"^\s*(?:\+|và|cộng)\s*$")
_PARALLEL = lazy_pattern(r"(?:song\s+song|đồng\s+thời|cùng\s+lúc)(?:\s+(?:với|cùng))?\s+(?:bước\s*|b\s*)?"
                       r"(?P<label>\d+[a-z]?(?:\.\d+)?)")

# Words every spelling of _PARALLEL keeps whether composed (NFC) or not: a cheap first look.
_MAYBE_PARALLEL = lazy_pattern(r"song|ng\s+th|ng\s+l")


def _number(text: str) -> Fraction:
    text = text.strip()
    if text in _WORDS:
        return Fraction(_WORDS[text])
    if "/" in text:
        top, bottom = text.split("/")
        return Fraction(int(top), int(bottom))
    return Fraction(text.replace(",", "."))


@dataclass(frozen=True)
class _Found:
    amount: Fraction
    unit: str
    start: int
    end: int


def _unit_of(match: re.Match[str]) -> str:
    for i, (_, name) in enumerate(_UNITS):
        if match.group(f"u{i}") is not None:
            return name
    raise AssertionError("a duration without a unit")  # pragma: no cover - the pattern has one


def _normal(amount: Fraction, unit: str) -> tuple[Fraction, str]:
    """A found unit in the normal units: a buổi is half a working day, a week seven days."""
    if unit == "half_day":
        return amount / 2, UNIT_WORKING_DAY
    if unit == "working_week":
        return amount * 5, UNIT_WORKING_DAY
    if unit == "week":
        return amount * 7, UNIT_DAY
    if unit == "year":
        return amount * 12, UNIT_MONTH
    return amount, unit


def _durations(low: str) -> list[_Found]:
    """Every duration in the lower-cased text, dates and times of day left out."""
    found: list[_Found] = []
    for m in _DURATION.finditer(low):
        before = low[:m.start()]
        unit = _unit_of(m)
        if _DATE_BEFORE.search(before) and unit in ("month", "day"):
            continue
        if unit == "hour" and _CLOCK_BEFORE.search(before):
            continue
        if unit == "month" and _NOT_DURATION_AFTER.match(low, m.end()):
            continue
        if unit == "year" and (m.group("word") is not None or _MONTH_BEFORE.search(before)):
            continue  # "năm ngày" is five days; "tháng 5 năm 2013" a date
        if m.group("word") is not None and low[m.end() - 1] == "h":
            continue  # "chính": a number word is never followed by the abbreviation "h"
        try:
            amount = _number(m.group("num") or m.group("word"))
            if m.group("low") is not None:
                amount = max(amount, _number(m.group("low")))
        except (ValueError, ZeroDivisionError):
            continue
        amount, unit = _normal(amount, unit)
        found.append(_Found(amount, unit, m.start(), m.end()))
    return found


def _drop_restatements(low: str, found: list[_Found]) -> list[_Found]:
    """A duration alone in brackets right after another (``02 ngày (16 giờ)``) restates it."""
    kept: list[_Found] = []
    for f in found:
        if kept:
            between = low[kept[-1].end:f.start]
            after = low[f.end:f.end + 3]
            if re.fullmatch(r"\s*\(\s*(?:tương\s+đương|tức\s+là|=)?\s*", between) and re.match(r"\s*\)", after):
                continue
        kept.append(f)
    return kept


def _summed(low: str, found: list[_Found]) -> list[_Found]:
    """``01 ngày + 04 giờ``: durations joined by ``+`` / ``và`` add up (same unit kind only)."""
    out: list[_Found] = []
    for f in found:
        if out and _PLUS.match(low[out[-1].end:f.start]) and out[-1].unit == f.unit:
            prev = out.pop()
            out.append(_Found(prev.amount + f.amount, f.unit, prev.start, f.end))
        else:
            out.append(f)
    return out


def _start_of(text: str, low: str, after: int) -> tuple[str, str]:
    """(START_*, the words) of the first ``kể từ …`` after position ``after``."""
    m = _START.search(low, after)
    if m is None:
        return "", ""
    stop = len(low)
    for pattern in (r"[;(]", r"\.\s", r",\s*(?:cơ\s+quan|sở|ủy\s+ban|ubnd|phòng|bộ\s+phận|trung\s+tâm)"):
        cut = re.search(pattern, low[m.start():])
        if cut is not None:
            stop = min(stop, m.start() + cut.start())
    words = text[m.start():stop].strip(" ,.:;-")
    return (START_RECEIPT if _RECEIPT.search(low, m.start(), stop) else START_OTHER), words


def _unreadable(text: str, why_vi: str, why_en: str) -> Reading:
    return Reading(text, UNREADABLE, None, why_vi, why_en)


def _main_clause(low: str) -> int:
    """Where the main clause ends: before an exception (``; trường hợp …``) or a breakdown
    (``trong đó``, ``(bao gồm``)."""
    ends = [m.start() for m in (_EXCEPTION.search(low), _BREAKDOWN.search(low)) if m is not None]
    return min(ends) if ends else len(low)


def _read(text: str, step: bool) -> Reading:
    """The reading shared by deadlines and step times (``step``: bare days and hours are
    working time, and a step may take no time of its own)."""
    words = squash_spaces(clean(text))
    low = words.lower()
    if _EMPTY.match(low):
        return Reading(words, STEP_EMPTY)
    if step and _NO_TIME.match(low):
        return Reading(words, STEP_NO_TIME)
    main = low[:_main_clause(low)]
    found = _summed(main, _drop_restatements(main, _durations(main)))
    same_day = _SAME_DAY.match(main)
    if same_day and not found:
        start, start_text = _start_of(words, main, same_day.end())
        return Reading(words, READ, Duration(Fraction(1), UNIT_WORKING_DAY, words, start or START_RECEIPT,
                                             start_text, same_day=True))
    if not found:
        if _NOT_STATED.search(low):
            return _unreadable(words, "không ghi thời hạn cụ thể", "no definite time is stated")
        if _BARE_NUMBER.match(low):
            return _unreadable(words, "chỉ có con số, không ghi đơn vị (ngày, ngày làm việc hay giờ)",
                               "a number without its unit (days, working days or hours)")
        return _unreadable(words, "không tìm thấy thời hạn (số và đơn vị)", "no duration (a number and a unit)")
    distinct = {(f.amount, f.unit) for f in found}
    if len(distinct) > 1 or (_CASE.search(main[:found[0].start]) and not step):
        listed = ", ".join(words[f.start:f.end] for f in found)
        return _unreadable(words, f"nhiều thời hạn khác nhau theo trường hợp ({listed})",
                           f"several durations for different cases ({listed})")
    first = found[0]
    unit = first.unit
    if step and unit == UNIT_DAY:
        unit = "step_day"  # a step's bare day: counted in the deadline's kind of day (core.conformity)
    if step and unit == UNIT_HOUR:
        unit = UNIT_WORKING_HOUR
    start, start_text = ("", "") if step else _start_of(words, main, first.end)
    return Reading(words, READ, Duration(first.amount, UNIT_DAY if unit == "step_day" else unit, words,
                                         start, start_text))


@lru_cache(maxsize=8192)
def parse_deadline(text: str) -> Reading:
    """A TTHC's *thời hạn giải quyết*: a :class:`Reading` whose ``duration`` is set when it is
    read; ``STEP_EMPTY`` for an empty cell; ``UNREADABLE`` with the reason otherwise."""
    return _read(text, step=False)


@lru_cache(maxsize=8192)
def parse_step_time(text: str) -> Reading:
    """A step's *thời gian*. A bare ``ngày`` stays ``day`` (:mod:`doccontrol.core.conformity`
    counts it in the kind of day of the deadline it is compared with: a step table shares out
    that deadline); a bare ``giờ`` is a working hour; ``Theo giấy hẹn``, ``Không tính``,
    ``Ngay`` are ``STEP_NO_TIME``."""
    return _read(text, step=True)


def times_in(text: str) -> list[str]:
    """Every duration a free text holds, and ``Theo giấy hẹn``, as written, in order (a paragraph
    step's time when no line is labelled ``Thời gian``)."""
    words = squash_spaces(clean(text))
    low = words.lower()
    found = [(f.start, words[f.start:f.end]) for f in _durations(low)]
    found += [(m.start(), words[m.start():m.end()]) for m in _APPOINTMENT.finditer(low)]
    return [written for _, written in sorted(found)]


@lru_cache(maxsize=8192)
def parallel_label(text: str) -> str:
    """The step another runs alongside (``song song với bước 3`` → ``3``), or ``""``."""
    if not _MAYBE_PARALLEL.search(text.lower()):
        return ""  # most step contents: skip the cleaning (coverage reads every step)
    m = _PARALLEL.search(squash_spaces(clean(text)).lower())
    return m.group("label") if m else ""


def working_days_in(days: Fraction) -> Fraction:
    """The working days (Monday to Friday) that ``days`` consecutive calendar days always hold,
    whatever day they start on (public holidays aside): 7 days hold 5, 15 days at least 10."""
    whole = int(days)
    weeks, rest = divmod(whole, 7)
    return Fraction(weeks * 5 + max(0, rest - 2))
