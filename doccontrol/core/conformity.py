"""Does the procedure say what the law says? Its steps against the TTHC's deadline, its citations
against the TTHC's legal basis, and the TTHC changes it has not caught up with (pure).

Four findings, each about one current procedure and the active TTHC it is linked to (by code,
by hand or by name: ``core.coverage`` decides the links):

- ``deadline_exceeded``: its steps add up to more than the TTHC's *thời hạn giải quyết*;
- ``deadline_unreadable``: the deadline, or a step's time, cannot be read
  (``core.deadlines``), or the procedure has no steps with times to compare;
- ``legal_basis_missing``: the TTHC's *căn cứ pháp lý* names a document (by number and symbol,
  ``core.citations``) that the procedure does not cite;
- ``tthc_changed``: a catalog import changed the TTHC's deadline or legal basis after the
  procedure's current revision entered the repository and after its last confirmed review: until
  its next revision or confirmed review. The finding says what changed, old and new.

How the steps are added up (:func:`step_total`), units explicit:

- a working day is ``hours_per_day`` working hours (8 unless ``[review] working_hours_per_day``
  says otherwise); a step's bare ``ngày`` counts in the deadline's kind of day (the table shares
  out that deadline), its bare ``giờ`` as working hours;
- a deadline in working days or hours (or within the day) is compared in working hours; one in
  calendar days (a month: 30 days) in days — unless a step is written in working days or hours:
  then the deadline counts the working days its calendar days always hold, whatever day they
  start on (15 days hold at least 10), and everything is compared in working hours;
- a deadline counted from the receipt of the dossier (``kể từ ngày nhận đủ hồ sơ``, or within the
  day) starts the clock at the receiving step: the steps before it (the applicant's own) are not
  counted;
- steps the table says run alongside another (``song song với bước 3``) count once, as the
  longest of them;
- ``Theo giấy hẹn`` / ``Không tính`` take no time; an empty time is not counted (and said).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from doccontrol.core import deadlines as dl
from doccontrol.core.catalog import EVENT_TERMS, Tthc
from doccontrol.core.citations import citation_key, citation_refs
from doccontrol.core.labels import date_vi
from doccontrol.core.steps import StepTable

REASON_TTHC_CHANGED = "tthc_changed"
REASON_DEADLINE_EXCEEDED = "deadline_exceeded"
REASON_DEADLINE_UNREADABLE = "deadline_unreadable"
REASON_LEGAL_BASIS_MISSING = "legal_basis_missing"
REASONS = (REASON_TTHC_CHANGED, REASON_DEADLINE_EXCEEDED, REASON_DEADLINE_UNREADABLE, REASON_LEGAL_BASIS_MISSING)
REASON_VI = {
    REASON_TTHC_CHANGED: "TTHC đã thay đổi thời hạn giải quyết hoặc căn cứ pháp lý, cần rà soát",
    REASON_DEADLINE_EXCEEDED: "Tổng thời gian các bước vượt thời hạn giải quyết của TTHC",
    REASON_DEADLINE_UNREADABLE: "Không đọc được thời hạn giải quyết hoặc thời gian các bước",
    REASON_LEGAL_BASIS_MISSING: "Không dẫn chiếu văn bản thuộc căn cứ pháp lý của TTHC",
}
REASON_EN = {
    REASON_TTHC_CHANGED: "a catalog import changed its TTHC's deadline or legal basis since its revision or review",
    REASON_DEADLINE_EXCEEDED: "its steps add up to more than its TTHC's deadline",
    REASON_DEADLINE_UNREADABLE: "the TTHC's deadline or a step's time cannot be read",
    REASON_LEGAL_BASIS_MISSING: "the TTHC's legal basis names a document the procedure does not cite",
}

DEFAULT_HOURS_PER_DAY = 8.0
DAYS_PER_MONTH = 30
WORKING = "working_hour"  # the unit totals are compared in for working time
CALENDAR = "day"


@dataclass(frozen=True)
class Settings:
    """What the checks need from the configuration."""

    hours_per_day: Fraction = Fraction(8)

    @classmethod
    def of(cls, hours_per_day: float) -> Settings:
        return cls(Fraction(hours_per_day).limit_denominator(60))


@dataclass(frozen=True)
class Finding:
    """One finding on a procedure: its reason, the TTHC it concerns, what a person reads."""

    reason: str
    tthc: tuple[str, ...]
    detail: str  # Vietnamese
    detail_en: str = ""
    since: dt.date | None = None  # tthc_changed: the day the change was recorded


# --------------------------------------------------------------------------------------------
# Adding up the steps
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepTotal:
    """A step table added up against one deadline, in ``unit`` (WORKING or CALENDAR)."""

    total: Fraction
    unit: str
    allowed: Fraction  # the deadline in the same unit
    counted: tuple[str, ...]  # labels of the steps counted
    before_receipt: tuple[str, ...] = ()  # steps before the receiving step, not counted
    unreadable: tuple[tuple[str, str, str], ...] = ()  # (label, time as written, why)
    empty: tuple[str, ...] = ()  # steps without a time
    parallel: tuple[tuple[str, ...], ...] = ()  # groups of steps counted once
    calendar_days: Fraction | None = None  # a calendar deadline turned into working days: its days
    durations: int = 0  # counted steps that state a duration

    @property
    def timed(self) -> bool:
        """At least one counted step states a duration (``Theo giấy hẹn`` alone is none)."""
        return self.durations > 0

    @property
    def exceeded(self) -> bool:
        return self.total > self.allowed


_LABEL_NUMBER = re.compile(r"\d+[a-z]?(?:\.\d+)?")


@lru_cache(maxsize=4096)
def _label_key(label: str) -> str:
    m = _LABEL_NUMBER.search(label.lower())
    return m.group() if m else label.strip().lower()


def _family(deadline: dl.Duration, explicit_working: bool) -> str:
    if deadline.same_day or deadline.unit in (dl.UNIT_WORKING_DAY, dl.UNIT_WORKING_HOUR, dl.UNIT_HOUR):
        return WORKING
    return WORKING if explicit_working else CALENDAR


def _in_unit(d: dl.Duration, unit: str, hpd: Fraction) -> Fraction:
    """A step's duration in the comparison unit (its bare days in the deadline's kind of day)."""
    days = DAYS_PER_MONTH if d.unit == dl.UNIT_MONTH else 1
    if unit == CALENDAR:
        return d.amount * days if d.unit in (dl.UNIT_DAY, dl.UNIT_MONTH) else d.amount / hpd
    if d.unit in (dl.UNIT_WORKING_HOUR, dl.UNIT_HOUR):
        return d.amount
    return d.amount * days * hpd


@lru_cache(maxsize=4096)
def _step_value(time: str, unit: str, hpd_num: int, hpd_den: int) -> Fraction:
    """A step time as written, in the comparison unit (0 when it states no duration). Cached by
    the words (and the hours per day as two ints, cheap to hash): tables repeat the same few
    spellings, and coverage adds up every table."""
    r = dl.parse_step_time(time)
    hpd = Fraction(hpd_num, hpd_den)
    return _in_unit(r.duration, unit, hpd) if r.kind == dl.READ and r.duration is not None else Fraction(0)


def _sum(values: Iterable[Fraction]) -> Fraction:
    """Their sum; whole numbers (most step times in hours or days) added as ints, which is
    several times faster than adding Fractions."""
    values = list(values)
    if all(v.denominator == 1 for v in values):
        return Fraction(sum(v.numerator for v in values))
    return sum(values, Fraction(0))


@lru_cache(maxsize=4096)
def _explicit_working(time: str) -> bool:
    """The step time is written in working days or hours."""
    d = dl.parse_step_time(time).duration
    return d is not None and d.unit in (dl.UNIT_WORKING_DAY, dl.UNIT_WORKING_HOUR)


def _allowed(deadline: dl.Duration, unit: str, hpd: Fraction) -> tuple[Fraction, Fraction | None]:
    """The deadline in ``unit`` (and, for a calendar deadline compared in working hours, its days)."""
    if deadline.same_day or deadline.unit == dl.UNIT_WORKING_DAY:
        return deadline.amount * hpd, None
    if deadline.unit in (dl.UNIT_WORKING_HOUR, dl.UNIT_HOUR):
        return deadline.amount, None
    days = deadline.amount * (DAYS_PER_MONTH if deadline.unit == dl.UNIT_MONTH else 1)
    if unit == CALENDAR:
        return days, None
    return dl.working_days_in(days) * hpd, days


class _Groups:
    """Steps run alongside each other: a union of labels, each group counted as its longest step."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            key = self.parent[key]
        return key

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def step_total(table: StepTable, deadline: dl.Duration, settings: Settings) -> StepTotal:
    """The steps of ``table`` added up against ``deadline`` (the rules in the module docstring).

    Long for the rules it applies in order: the receipt, the readings, the groups of parallel
    steps, the sum; each is a few lines.
    """
    hpd = settings.hours_per_day
    steps = list(table.steps)
    before: tuple[str, ...] = ()
    if deadline.start == dl.START_RECEIPT or deadline.same_day:
        first = next((i for i, s in enumerate(steps) if s.receiving), 0)
        before, steps = tuple(s.label for s in steps[:first]), steps[first:]
    readings = [(s, s.reading) for s in steps]
    unit = _family(deadline, any(_explicit_working(s.time) for s in steps))
    allowed, calendar_days = _allowed(deadline, unit, hpd)
    groups = _Groups()
    keys = {_label_key(s.label) for s in steps}
    for s in steps:
        alongside = s.parallel_with
        other = _label_key(alongside) if alongside else ""
        if other and other in keys:
            groups.join(_label_key(s.label), other)
    longest: dict[str, Fraction] = {}
    members: dict[str, list[str]] = {}
    unreadable: list[tuple[str, str, str]] = []
    empty: list[str] = []
    for s, r in readings:
        root = groups.find(_label_key(s.label))
        members.setdefault(root, []).append(s.label)
        if r.kind == dl.UNREADABLE:
            unreadable.append((s.label, r.text, r.why_vi))
        elif r.kind == dl.STEP_EMPTY:
            empty.append(s.label)
        value = _step_value(s.time, unit, hpd.numerator, hpd.denominator)
        if root not in longest or value > longest[root]:
            longest[root] = value
    return StepTotal(
        total=_sum(longest.values()), unit=unit, allowed=allowed, counted=tuple(s.label for s in steps),
        before_receipt=before, unreadable=tuple(unreadable), empty=tuple(empty),
        parallel=tuple(tuple(m) for m in members.values() if len(m) > 1), calendar_days=calendar_days,
        durations=sum(1 for _, r in readings if r.duration is not None),
    )


def amount_label(value: Fraction, unit: str, settings: Settings) -> str:
    """``5 ngày làm việc``, ``4,5 ngày làm việc (36 giờ)``, ``20 ngày``."""
    if unit == CALENDAR:
        return f"{dl.amount_vi(value)} ngày"
    days = value / settings.hours_per_day
    hours = f" ({dl.amount_vi(value)} giờ)" if days.denominator != 1 else ""
    return f"{dl.amount_vi(days)} ngày làm việc{hours}"


def plain_total(table: StepTable, settings: Settings) -> str:
    """The steps' total with no deadline to compare with (for ``show``): every time as working
    time, bare days as working days; ``""`` when no step states a time."""
    total = step_total(table, dl.Duration(Fraction(1), dl.UNIT_WORKING_DAY), settings)
    if not total.timed:
        return ""
    return amount_label(total.total, total.unit, settings)


# --------------------------------------------------------------------------------------------
# The findings
# --------------------------------------------------------------------------------------------


def _notes(total: StepTotal, settings: Settings) -> str:
    notes = []
    if total.before_receipt:
        notes.append(f"tính từ bước tiếp nhận hồ sơ, không tính {', '.join(total.before_receipt)}")
    if total.parallel:
        notes.append("các bước song song tính một lần: " + "; ".join(" = ".join(g) for g in total.parallel))
    if total.calendar_days is not None:
        notes.append(f"{dl.amount_vi(total.calendar_days)} ngày theo lịch luôn có ít nhất "
                     f"{dl.amount_vi(total.allowed / settings.hours_per_day)} ngày làm việc")
    if total.unit == WORKING:
        notes.append(f"{dl.amount_vi(settings.hours_per_day)} giờ = 1 ngày làm việc")
    if total.empty:
        notes.append(f"không ghi thời gian: {', '.join(total.empty)}")
    return f" ({'; '.join(notes)})" if notes else ""


def _deadline_findings(code: str, t: Tthc, steps: StepTable | None, settings: Settings) -> list[Finding]:
    """``deadline_exceeded`` / ``deadline_unreadable`` of one procedure against one TTHC."""
    if not t.deadline or steps is None:
        return []  # nothing to compare with, or the revision's steps were never read
    reading = dl.parse_deadline(t.deadline)
    if reading.kind == dl.STEP_EMPTY:
        return []
    if reading.duration is None:
        return [Finding(REASON_DEADLINE_UNREADABLE, (code,),
                        f"TTHC {code}: thời hạn giải quyết «{reading.text}» không đọc được ({reading.why_vi})",
                        f"TTHC {code}: the deadline '{reading.text}' cannot be read ({reading.why_en})")]
    deadline = reading.duration
    if not steps:
        return [Finding(REASON_DEADLINE_UNREADABLE, (code,),
                        f"quy trình không có bảng các bước có thời gian để đối chiếu với thời hạn "
                        f"{deadline.label()} của TTHC {code}",
                        f"the procedure has no steps with times to compare with TTHC {code}'s deadline "
                        f"({deadline.label_en()})")]
    total = step_total(steps, deadline, settings)
    out: list[Finding] = []
    if total.unreadable or not total.timed:
        parts = [f"bước {label}: «{text}» ({why})" for label, text, why in total.unreadable]
        if not total.timed and not total.unreadable:
            parts.append("không bước nào ghi thời gian")
        out.append(Finding(REASON_DEADLINE_UNREADABLE, (code,),
                           f"TTHC {code}: không đọc được thời gian — " + "; ".join(parts),
                           f"TTHC {code}: step times cannot be read — " +
                           "; ".join(f"step {label}: '{text}'" for label, text, _ in total.unreadable)))
    if total.exceeded:
        what = "các bước đọc được" if total.unreadable else "các bước"
        out.append(Finding(
            REASON_DEADLINE_EXCEEDED, (code,),
            f"TTHC {code}: {what} cộng lại {amount_label(total.total, total.unit, settings)}, vượt thời hạn "
            f"{amount_label(total.allowed, total.unit, settings)} («{deadline.text}»){_notes(total, settings)}",
            f"TTHC {code}: the steps add up to more than its deadline ({deadline.label_en()})",
        ))
    return out


@lru_cache(maxsize=8192)
def _cited_key(ref: str) -> str:
    """:func:`citation_key`, cached: coverage compares every procedure's citations."""
    return citation_key(ref)


@lru_cache(maxsize=8192)
def _basis_refs(basis: str) -> tuple[tuple[str, str], ...]:
    """(key, normal form) of the documents a legal basis names."""
    return tuple((citation_key(r), r) for r in citation_refs(basis))


def _basis_finding(code: str, t: Tthc, cited: frozenset[str]) -> Finding | None:
    refs = [r for k, r in _basis_refs(t.basis) if k not in cited] if t.basis else []
    if not refs:
        return None
    return Finding(REASON_LEGAL_BASIS_MISSING, (code,),
                   f"TTHC {code} căn cứ {', '.join(refs)}, quy trình không dẫn chiếu",
                   f"TTHC {code} rests on {', '.join(refs)}, which the procedure does not cite")


def recorded_at(text: str) -> dt.datetime | None:
    """When a catalog change was recorded (ISO 8601), None when it is not said or unreadable."""
    try:
        moment = dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return moment if moment is None or moment.tzinfo else moment.astimezone()


def _changed_findings(code: str, t: Tthc, since: dt.datetime | None) -> list[Finding]:
    """The changes of the TTHC's deadline or legal basis recorded at or after ``since`` (the
    procedure's current revision or last review: a change in the same second is not yet seen)."""
    out = []
    for e in t.history:
        when = recorded_at(e.recorded)
        if e.kind != EVENT_TERMS or when is None or (since is not None and when < since):
            continue
        by = f"theo {e.decision}" + (f" ngày {date_vi(e.date)}" if e.date else "")
        out.append(Finding(REASON_TTHC_CHANGED, (code,),
                           f"TTHC {code} ({by}; ghi nhận {date_vi(when.date())}): {e.detail}",
                           f"TTHC {code} changed ({e.decision}, recorded {when.date().isoformat()}): {e.detail}",
                           since=when.date()))
    return out


def check(linked: Iterable[str], catalog: Mapping[str, Tthc], steps: StepTable | None,
          citations: Sequence[str], since: dt.datetime | None, settings: Settings) -> list[Finding]:
    """Every finding on one current procedure, in :data:`REASONS` order, one per reason (the TTHC
    and details of several joined). ``linked``: the TTHC codes it is linked to; only active ones
    in the catalog are checked. ``since``: when its current revision entered the repository or
    it was last confirmed reviewed, the later (None: unknown, every change counts)."""
    cited = frozenset(_cited_key(c) for c in citations)
    found: list[Finding] = []
    for code in linked:
        t = catalog.get(code)
        if t is None or not t.active:
            continue
        found += _changed_findings(code, t, since)
        found += _deadline_findings(code, t, steps, settings)
        basis = _basis_finding(code, t, cited)
        if basis is not None:
            found.append(basis)
    return merge(found)


def merge(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per reason, in :data:`REASONS` order: codes and details joined."""
    by_reason: dict[str, list[Finding]] = {}
    for f in findings:
        by_reason.setdefault(f.reason, []).append(f)
    out = []
    for reason in REASONS:
        group = by_reason.get(reason)
        if group:
            codes = tuple(dict.fromkeys(c for f in group for c in f.tthc))
            dates = [f.since for f in group if f.since is not None]
            out.append(Finding(reason, codes, "; ".join(f.detail for f in group),
                               "; ".join(f.detail_en for f in group if f.detail_en), min(dates) if dates else None))
    return out
