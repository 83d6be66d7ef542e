"""Periodic review of procedures and laws replaced (pure: dataclasses in, dataclasses out).

A procedure's review clock starts at the later of

- its current revision's effective date (ngày hiệu lực, else ngày ban hành read from the
  document), else the date its current revision was committed (ngày đưa vào kho), and
- its last confirmed review (``doccontrol review confirm``);

it is due ``review_months`` later (``[review] months`` in ``doccontrol.toml``, default 12). A
procedure that cites a legal document recorded as replaced or amended (``doccontrol laws
replaced``) after both its current revision was committed and its last review is due at once,
for the reason ``cites_replaced_law``, until it gets a new revision or a confirmed review.

The files kept in the controlled repository, and their JSON forms, are here too:
``_reviews/<slug>.json`` (a procedure's confirmed reviews) and ``_laws/replaced.json`` (the
laws recorded as replaced). The adapter that reads and commits them is
``doccontrol.repo`` (the gateway) and ``doccontrol.service.reports``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from doccontrol.core import conformity as conf
from doccontrol.core.citations import citation_key
from doccontrol.core.model import ProcedureState, ProcedureStatus
from doccontrol.core.labels import natural_key
from doccontrol.core.text import nfc

REASON_PERIOD = "period"
REASON_REPLACED_LAW = "cites_replaced_law"
REASONS = (REASON_REPLACED_LAW, *conf.REASONS, REASON_PERIOD)
REASON_VI = {
    REASON_PERIOD: "Đến hạn rà soát định kỳ",
    REASON_REPLACED_LAW: "Dẫn chiếu văn bản pháp luật đã được thay thế, sửa đổi",
    **conf.REASON_VI,
}
REASON_EN = {
    REASON_PERIOD: "the review period has run out",
    REASON_REPLACED_LAW: "cites a legal document recorded as replaced or amended",
    **conf.REASON_EN,
}
START_EFFECTIVE = "effective"
START_ISSUED = "issued"
START_COMMITTED = "committed"
START_REVIEW = "review"
START_VI = {START_EFFECTIVE: "ngày hiệu lực", START_ISSUED: "ngày ban hành", START_COMMITTED: "ngày đưa vào kho",
            START_REVIEW: "lần rà soát gần nhất"}

REVIEWS_FORMAT = "doccontrol.reviews"
LAWS_FORMAT = "doccontrol.laws"
FILES_VERSION = 1
LAWS_FILE = "_laws/replaced.json"


class RecordError(ValueError):
    """A reviews or laws file that cannot be read."""


# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class ReviewRecord:
    """One confirmed review: the procedure still holds, no new revision needed."""

    date: dt.datetime  # when it was recorded (timezone-aware)
    office: str  # who confirmed it
    note: str
    revision: int  # the revision that was reviewed


@dataclass(frozen=True)
class ReplacedLaw:
    """A legal document recorded as replaced or amended."""

    ref: str  # normal form (doccontrol.citations), "152/2020/NĐ-CP"
    by: tuple[str, ...]  # the replacing or amending documents, normal form
    decision: str  # free text: where it was decided or published
    recorded_at: dt.datetime  # when it was recorded (timezone-aware)
    office: str

    @property
    def key(self) -> str:
        return citation_key(self.ref)


def _iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds")


def _when(value: object, what: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise RecordError(f"{what}: invalid date {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.astimezone()


def reviews_to_json(code: str, code_key: str, records: Sequence[ReviewRecord]) -> str:
    doc = {
        "format": REVIEWS_FORMAT,
        "version": FILES_VERSION,
        "code": nfc(code),
        "code_key": code_key,
        "reviews": [
            {"date": _iso(r.date), "office": r.office, "note": nfc(r.note), "revision": r.revision}
            for r in sorted(records, key=lambda r: r.date)
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def reviews_from_json(text: str) -> tuple[str, list[ReviewRecord]]:
    """``(code_key, reviews oldest first)`` from what :func:`reviews_to_json` wrote."""
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict) or doc.get("format") != REVIEWS_FORMAT:
            raise RecordError("not a doccontrol reviews file")
        records = [
            ReviewRecord(
                date=_when(item["date"], "review"),
                office=str(item.get("office", "")),
                note=nfc(str(item.get("note", ""))),
                revision=int(item.get("revision", 0) or 0),
            )
            for item in doc.get("reviews", [])
        ]
        return str(doc["code_key"]), sorted(records, key=lambda r: r.date)
    except (KeyError, TypeError, ValueError) as exc:
        raise RecordError(f"malformed reviews file: {exc}") from exc


def laws_to_json(records: Sequence[ReplacedLaw]) -> str:
    doc = {
        "format": LAWS_FORMAT,
        "version": FILES_VERSION,
        "replaced": [
            {"ref": r.ref, "key": r.key, "by": list(r.by), "decision": nfc(r.decision),
             "recorded_at": _iso(r.recorded_at), "office": r.office}
            for r in records
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def laws_from_json(text: str) -> list[ReplacedLaw]:
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict) or doc.get("format") != LAWS_FORMAT:
            raise RecordError("not a doccontrol laws file")
        return [
            ReplacedLaw(
                ref=nfc(str(item["ref"])),
                by=tuple(nfc(str(b)) for b in item.get("by", [])),
                decision=nfc(str(item.get("decision", ""))),
                recorded_at=_when(item["recorded_at"], "law"),
                office=str(item.get("office", "")),
            )
            for item in doc.get("replaced", [])
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise RecordError(f"malformed laws file: {exc}") from exc


# --------------------------------------------------------------------------------------------
# Due dates


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class ReviewStatus:
    """Where a current procedure stands with its review."""

    code: str
    code_key: str
    title: str
    office: str
    revision: int
    start: dt.date | None  # when the clock started
    start_source: str  # "effective" | "issued" | "committed" | "review"
    due: dt.date | None  # when the period runs out (None: no date known at all → due now)
    last_review: ReviewRecord | None
    replaced: tuple[ReplacedLaw, ...]  # replaced laws it still cites since its revision/review
    citations: tuple[str, ...] = ()
    findings: tuple[conf.Finding, ...] = ()  # what the conformity checks found (core.conformity)

    def overdue_days(self, today: dt.date) -> int:
        """Days past the due date (negative: days left)."""
        return (today - self.due).days if self.due else 0

    def reasons(self, today: dt.date, within_days: int = 0) -> tuple[str, ...]:
        """Why it is due by ``today + within_days`` (empty: not due)."""
        out: list[str] = []
        if self.replaced:
            out.append(REASON_REPLACED_LAW)
        out += [f.reason for f in self.findings]
        if self.due is None or self.due <= today + dt.timedelta(days=within_days):
            out.append(REASON_PERIOD)
        return tuple(out)

    def urgency(self) -> dt.date:
        """The date it became (or becomes) due: the earlier of its period, a replaced law and a
        TTHC change."""
        dates = [r.recorded_at.date() for r in self.replaced] + [f.since for f in self.findings if f.since]
        if self.due is not None:
            dates.append(self.due)
        return min(dates) if dates else dt.date.min


def replaced_cited(
    citations: Iterable[str],
    committed: dt.datetime | None,
    last_review: dt.datetime | None,
    laws: Sequence[ReplacedLaw],
) -> tuple[ReplacedLaw, ...]:
    """The replaced laws among ``citations`` recorded after both the current revision was
    committed and the last review (the latest record per document)."""
    keys = {citation_key(c) for c in citations}
    marks = [t for t in (committed, last_review) if t is not None]
    since = max(marks) if marks else None
    latest: dict[str, ReplacedLaw] = {}
    for law in laws:
        if law.key in keys and (since is None or law.recorded_at > since):
            prev = latest.get(law.key)
            if prev is None or law.recorded_at >= prev.recorded_at:
                latest[law.key] = law
    return tuple(sorted(latest.values(), key=lambda law: (law.recorded_at, law.ref)))


def review_status(
    state: ProcedureState,
    committed: dt.datetime | None,
    reviews: Sequence[ReviewRecord],
    laws: Sequence[ReplacedLaw],
    months: int,
    findings: Sequence[conf.Finding] = (),
) -> ReviewStatus:
    """The review clock of one procedure.

    ``committed``: when its current revision entered the repository; ``reviews``: its confirmed
    reviews; ``laws``: every law recorded as replaced (those recorded later than the moment of
    interest must already be left out by the caller).
    """
    last = max(reviews, key=lambda r: r.date) if reviews else None
    start: dt.date | None = None
    source = START_ISSUED
    if state.effective is not None:
        start, source = state.effective, START_EFFECTIVE
    elif state.issued is not None:
        start = state.issued
    elif committed is not None:
        start, source = committed.date(), START_COMMITTED
    if last is not None and (start is None or last.date.date() > start):
        start, source = last.date.date(), START_REVIEW
    return ReviewStatus(
        code=state.code,
        code_key=state.code_key,
        title=state.title,
        office=state.office,
        revision=state.revision,
        start=start,
        start_source=source,
        due=add_months(start, months) if start is not None else None,
        last_review=last,
        replaced=replaced_cited(state.citations, committed, last.date if last else None, laws),
        citations=state.citations,
        findings=tuple(findings),
    )


def review_statuses(
    states: Iterable[ProcedureState],
    committed: Mapping[str, dt.datetime],
    reviews: Mapping[str, Sequence[ReviewRecord]],
    laws: Sequence[ReplacedLaw],
    months: int,
    findings: Mapping[str, Sequence[conf.Finding]] | None = None,
) -> list[ReviewStatus]:
    """The review status of every current procedure (by code key in ``committed``/``reviews``/
    ``findings``, the last from the conformity checks)."""
    found = findings or {}
    return [
        review_status(s, committed.get(s.code_key), reviews.get(s.code_key, ()), laws, months,
                      found.get(s.code_key, ()))
        for s in states
        if s.status == ProcedureStatus.CURRENT
    ]


def due_reviews(
    statuses: Iterable[ReviewStatus], today: dt.date, within_days: int = 0, office: str | None = None
) -> list[ReviewStatus]:
    """The procedures due by ``today + within_days`` (for ``office`` only, when given), the most
    overdue first."""
    due = [
        s for s in statuses
        if (office is None or s.office == office) and s.reasons(today, within_days)
    ]
    return sorted(due, key=lambda s: (s.urgency(), s.office, natural_key(s.code_key)))


def replaced_law_detail(replaced: Sequence[ReplacedLaw]) -> str:
    """``Dẫn chiếu 152/2020/NĐ-CP (thay thế, sửa đổi bởi 70/2023/NĐ-CP; ghi nhận 12/03/2024)``."""
    parts = []
    for law in replaced:
        by = ", ".join(law.by) or "—"
        decision = f"; {law.decision}" if law.decision else ""
        parts.append(f"{law.ref} (thay thế, sửa đổi bởi {by}{decision}; ghi nhận {law.recorded_at:%d/%m/%Y})")
    return "Dẫn chiếu " + "; ".join(parts)
