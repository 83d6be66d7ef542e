"""The yearly report on ISO implementation (báo cáo tình hình thực hiện ISO): its figures (pure).

:func:`build_yearly_report` takes the procedures in force just before the year and at its end (or
``--as-of``), by their effective dates — two :class:`~doccontrol.repo.snapshot.Snapshot` — and the
ingest journal's records, and computes every figure of the report. Nothing is estimated or invented: what only
people know (internal audit, satisfaction survey, corrective actions) is left to the template's
marked places (``{{fill:…}}``).

:func:`report_settings` reads the ``[report]`` table of ``doccontrol.toml`` (documented in
``docs/reports.md``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from doccontrol.core import conformity as conf
from doccontrol.core import coverage as cov
from doccontrol.core import review as rv
from doccontrol.core import timeline as tl
from doccontrol.core.labels import code_order, date_vi
from doccontrol.core.model import IngestStatus, ProcedureState
from doccontrol.core.citations import citation_key
from doccontrol.errors import UsageError
from doccontrol.repo.snapshot import Event, Snapshot
from doccontrol.core.text import fold_lower, nfc
from doccontrol.core.config import Config

CAUSE_VI: dict[str, str] = {
    "unknown_office": "Gửi vào thư mục không phải của phòng nào",
    "not_regular_file": "Không phải tệp thông thường (lối tắt, liên kết)",
    "hard_link": "Tệp là liên kết cứng",
    "too_large": "Tệp quá dung lượng cho phép",
    "empty": "Tệp rỗng",
    "no_code": "Không có mã hiệu quy trình",
    "encrypted": "Tệp có mật khẩu",
    "no_text": "Bản quét, không có lớp văn bản",
    "damaged": "Tệp bị hỏng",
    "legacy_doc": "Định dạng Word cũ (.doc)",
    "macro_enabled": "Tệp Word có macro (.docm)",
    "not_docx": "Không phải tệp Word hợp lệ",
    "unsupported_type": "Loại tệp không được hỗ trợ",
    "zip_bomb": "Tệp nén bất thường",
    "unsafe_zip": "Cấu trúc tệp không an toàn",
    "xxe": "Nội dung XML không an toàn",
    "timeout": "Đọc tệp quá thời gian cho phép",
    "memory": "Đọc tệp vượt giới hạn bộ nhớ",
    "revision_not_increased": "Lần ban hành không tăng",
    "same_content": "Trùng nội dung với bản đã lưu",
    "not_owner": "Quy trình thuộc phòng khác",
    "commit_failed": "Lỗi khi lưu vào kho",
}

DEFAULT_SUBJECT = "Tình hình thực hiện Hệ thống quản lý chất lượng theo tiêu chuẩn TCVN ISO 9001:2015 năm {year}"
DEFAULT_RECIPIENTS = (
    "Sở Khoa học và Công nghệ (b/c)",
    "Ban Chỉ đạo ISO Sở",
    "Lãnh đạo Sở",
    "Các phòng chuyên môn thuộc Sở",
)
REPORT_KEYS = ("parent_agency", "agency", "symbol", "number", "place", "subject", "signer_authority",
               "signer_title", "signer_name", "recipients", "archive", "template")


# --------------------------------------------------------------------------------------------
# Settings


@dataclass(frozen=True)
class ReportSettings:
    """What the report says about its issuer (``[report]`` in doccontrol.toml, defaults from ``[agency]``)."""

    parent_agency: str
    agency: str
    symbol: str  # "SLĐTBXH" in "Số: …/BC-SLĐTBXH"
    number: str  # "" until the document is registered
    place: str
    subject: str  # may hold "{year}"
    signer_authority: str
    signer_title: str
    signer_name: str
    recipients: tuple[str, ...]
    archive: str
    template: str  # "" = the template shipped with doccontrol


_SMALL_WORDS = frozenset({"va", "cua", "thuoc"})


def initials(name: str) -> str:
    """``Sở Lao động - Thương binh và Xã hội`` → ``SLĐTBXH`` (small words left out)."""
    out = []
    for word in nfc(name).split():
        if word[0].isalpha() and fold_lower(word) not in _SMALL_WORDS:
            out.append(word[0].upper())
    return "".join(out)


def report_settings(config: Config) -> ReportSettings:
    """The ``[report]`` table with its defaults; UsageError for an unknown key or a wrong type."""
    raw = dict(config.report)
    unknown = sorted(set(raw) - set(REPORT_KEYS))
    if unknown:
        raise UsageError(
            f"Khóa không hợp lệ trong [report] của doccontrol.toml: {', '.join(unknown)}.",
            f"Unknown key(s) in [report] of doccontrol.toml: {', '.join(unknown)}. Known: {', '.join(REPORT_KEYS)}.",
        )

    def text(key: str, default: str) -> str:
        value = raw.get(key, default)
        if not isinstance(value, (str, int)):
            raise UsageError(f"[report] {key} phải là chuỗi.", f"[report] {key} must be a string.")
        return nfc(str(value)).strip()

    recipients = raw.get("recipients", list(DEFAULT_RECIPIENTS))
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        raise UsageError("[report] recipients phải là danh sách chuỗi.", "[report] recipients must be a list of strings.")
    agency = text("agency", config.agency)
    return ReportSettings(
        parent_agency=text("parent_agency", config.parent_agency),
        agency=agency,
        symbol=text("symbol", initials(agency)),
        number=text("number", ""),
        place=text("place", config.province),
        subject=text("subject", DEFAULT_SUBJECT),
        signer_authority=text("signer_authority", "KT. GIÁM ĐỐC"),
        signer_title=text("signer_title", "PHÓ GIÁM ĐỐC"),
        signer_name=text("signer_name", ""),
        recipients=tuple(nfc(r).strip() for r in recipients if r.strip()),
        archive=text("archive", f"VT, {config.controller}"),
        template=text("template", ""),
    )


# --------------------------------------------------------------------------------------------
# Figures


@dataclass(frozen=True)
class ProcedureChange:
    code: str
    title: str
    office: str
    revision: int
    date: dt.date
    note: str = ""  # withdrawal reason, review note


@dataclass(frozen=True)
class OfficeCount:
    office: str
    name: str
    count: int
    codes: tuple[str, ...]


@dataclass(frozen=True)
class OverdueItem:
    code: str
    title: str
    office: str
    due: dt.date | None
    days_overdue: int
    reasons: tuple[str, ...]
    detail: str


@dataclass(frozen=True)
class LawReplacedItem:
    ref: str
    by: tuple[str, ...]
    decision: str
    date: dt.date
    citing: tuple[str, ...]  # current procedures citing it at the period's end


@dataclass(frozen=True)
class DecisionImported:
    decision: str
    decision_date: dt.date | None
    imported: dt.date
    counts: Mapping[str, int]  # catalog event kind → number of TTHC


@dataclass(frozen=True)
class OfficeTally:
    total: int
    covered: int
    percent: float


@dataclass(frozen=True)
class CoverageFigures:
    total: int
    covered: int
    percent: float
    by_office: Mapping[str, OfficeTally]


@dataclass(frozen=True)
class UncoveredItem:
    code: str
    name: str
    field: str
    office: str


@dataclass(frozen=True)
class FlaggedItem:
    code: str
    title: str
    office: str
    reason: str
    detail: str


@dataclass(frozen=True)
class IngestFigures:
    processed: int
    ingested: int
    duplicates: int
    refused: int
    by_cause: tuple[tuple[str, int], ...]  # (cause, count), most frequent first


@dataclass(frozen=True)
class YearlyReport:
    year: int
    period_start: dt.datetime
    period_end: dt.datetime
    generated: dt.date
    commit_start: str | None
    commit_end: str | None
    settings: ReportSettings
    office_names: Mapping[str, str]
    review_months: int
    in_force: tuple[OfficeCount, ...]
    new: tuple[ProcedureChange, ...]
    revised: tuple[ProcedureChange, ...]
    withdrawn: tuple[ProcedureChange, ...]
    reviews: tuple[ProcedureChange, ...]
    overdue: tuple[OverdueItem, ...]
    laws_replaced: tuple[LawReplacedItem, ...]
    decisions: tuple[DecisionImported, ...]
    coverage_start: CoverageFigures | None
    coverage_end: CoverageFigures | None
    uncovered: tuple[UncoveredItem, ...]
    flagged: tuple[FlaggedItem, ...]
    ingest: IngestFigures
    journal_problems: tuple[str, ...] = field(default=())

    @property
    def in_force_total(self) -> int:
        return sum(o.count for o in self.in_force)


def _in_period(when: dt.datetime, start: dt.datetime, end: dt.datetime) -> bool:
    return start <= when <= end


def _coverage_figures(report: cov.CoverageReport | None) -> CoverageFigures | None:
    if report is None:
        return None
    return CoverageFigures(
        total=report.total, covered=report.covered, percent=report.percent,
        by_office={k: OfficeTally(t.total, t.covered, t.percent) for k, t in report.by_office.items()},
    )


def _changes(end: Snapshot, start_day: dt.date, end_day: dt.date
             ) -> tuple[list[ProcedureChange], list[ProcedureChange], list[ProcedureChange], tl.PeriodChanges]:
    """(new, revised, withdrawn) in the period, by the day each took effect (``core.timeline``),
    named as the repository knows each procedure at the period's end."""
    titles = {s.code_key: (s.code, s.title, s.office) for s in end.states}
    found = tl.changes_between(end.timeline, start_day, end_day)

    def change(e: tl.TimelineEvent) -> ProcedureChange:
        code, title, office = titles.get(e.code_key, (e.code_key, "", e.office))
        return ProcedureChange(code, title, office, e.revision, e.effective, e.note)

    return ([change(e) for e in found.new], [change(e) for e in found.revised], [change(e) for e in found.withdrawn],
            found)


def _reviews(events: Sequence[Event], titles: Mapping[str, tuple[str, str, str]]) -> list[ProcedureChange]:
    """The reviews confirmed in the period (on the day they were recorded)."""
    out = []
    for e in events:
        key = e.trailers.get("Code-Key")
        if e.action != "review" or not key:
            continue
        code, title, office = titles.get(key, (key, "", e.trailers.get("Owner", e.office)))
        out.append(ProcedureChange(code, title, office, e.revision, e.date.date(),
                                   f"{e.office}: {e.body}" if e.body else e.office))
    return out


def _deciding_commit(end: Snapshot, found: tl.PeriodChanges) -> str | None:
    """The commit the report's figures are read from: the end snapshot's deciding commit, or a
    later one that recorded a change of the period (a revision superseded within the year)."""
    orders = [e.order for e in (*found.new, *found.revised, *found.withdrawn)]
    if end.commit is not None:
        orders.append(next(i for i, e in enumerate(end.events) if e.commit == end.commit))
    return end.events[max(orders)].commit if orders else None


def _decisions(events: Sequence[Event], end: Snapshot) -> list[DecisionImported]:
    out: list[DecisionImported] = []
    seen: set[str] = set()
    for e in events:
        if e.action != "catalog-import":
            continue
        label = e.trailers.get("Decision", "")
        if label in seen:
            continue
        seen.add(label)
        counts: Counter[str] = Counter()
        date: dt.date | None = None
        for t in (end.catalog or {}).values():
            kinds = {ev.kind for ev in t.history if ev.decision == label}
            for ev in t.history:
                if ev.decision == label and ev.date and date is None:
                    date = ev.date
            counts.update(kinds)
        out.append(DecisionImported(label, date, e.date.date(), dict(counts)))
    return out


def _journal_figures(records: Iterable[Mapping[str, object]], start: dt.datetime, end: dt.datetime
                     ) -> tuple[IngestFigures, list[str]]:
    processed = ingested = duplicates = refused = 0
    causes: Counter[str] = Counter()
    problems: list[str] = []
    for n, record in enumerate(records, start=1):
        try:
            when = dt.datetime.fromisoformat(str(record["time"]))
        except (KeyError, ValueError):
            problems.append(f"bản ghi {n} không có thời gian hợp lệ / record {n} has no valid time")
            continue
        when = when if when.tzinfo else when.astimezone()
        if not _in_period(when, start, end):
            continue
        processed += 1
        status = record.get("status")
        if status == IngestStatus.INGESTED:
            ingested += 1
        elif status == IngestStatus.DUPLICATE:
            duplicates += 1
        elif status == IngestStatus.QUARANTINED:
            refused += 1
            causes[str(record.get("cause") or "unknown")] += 1
    by_cause = tuple(sorted(causes.items(), key=lambda kv: (-kv[1], kv[0])))
    return IngestFigures(processed, ingested, duplicates, refused, by_cause), problems


def _in_force(config: Config, current: Sequence[ProcedureState]) -> list[OfficeCount]:
    """The procedures in force by office, in the configuration's office order."""
    out = []
    for office in config.office_order(s.office for s in current):
        codes = sorted((s.code for s in current if s.office == office), key=code_order)
        out.append(OfficeCount(office, config.office_name(office), len(codes), tuple(codes)))
    return out


def _overdue(end: Snapshot, months: int, today: dt.date, settings: conf.Settings) -> list[OverdueItem]:
    """The procedures due for review on ``today``, with what their due date counts from."""
    return [
        OverdueItem(s.code, s.title, s.office, s.due, s.overdue_days(today), s.reasons(today), _overdue_detail(s))
        for s in rv.due_reviews(end.statuses(months, settings), today)
    ]


def _overdue_detail(s: rv.ReviewStatus) -> str:
    """Why a procedure is due: the replaced laws it cites, what the conformity checks found, else
    what its period counts from."""
    parts = [rv.replaced_law_detail(s.replaced)] if s.replaced else []
    parts += [f.detail for f in s.findings]
    if not parts and s.start:
        parts.append(f"Rà soát lần cuối / bắt đầu tính: {date_vi(s.start)} ({rv.START_VI[s.start_source]})")
    return "; ".join(parts)


def _laws_replaced(end: Snapshot, current: Sequence[ProcedureState], start: dt.datetime, stop: dt.datetime
                   ) -> list[LawReplacedItem]:
    """The laws recorded as replaced in the period, each with the current procedures citing it."""
    citing: dict[str, list[str]] = defaultdict(list)
    for s in current:
        for ref in s.citations:
            citing[citation_key(ref)].append(s.code)
    return [
        LawReplacedItem(law.ref, law.by, law.decision, law.recorded_at.date(), tuple(sorted(citing.get(law.key, []))))
        for law in end.laws if _in_period(law.recorded_at, start, stop)
    ]


def _coverage_lists(report: cov.CoverageReport | None) -> tuple[tuple[UncoveredItem, ...], tuple[FlaggedItem, ...]]:
    """(uncovered TTHC, flagged procedures) at the end of the period; empty without a catalog."""
    if report is None:
        return (), ()
    return (tuple(UncoveredItem(u.code, u.name, u.field, u.office) for u in report.uncovered),
            tuple(FlaggedItem(f.code, f.title, f.office, f.reason, f.detail) for f in report.flagged))


def build_yearly_report(
    start: Snapshot,
    end: Snapshot,
    journal: Iterable[Mapping[str, object]],
    config: Config,
    year: int,
    period_start: dt.datetime,
    period_end: dt.datetime,
    generated: dt.date,
) -> YearlyReport:
    """Every figure of the yearly report (pure). ``start``: the procedures in force the day before
    ``period_start``; ``end``: those in force on ``period_end``'s day (``Snapshot`` from
    ``load_in_force``: by effective dates; reviews, laws and catalog imports by the day they were
    recorded); ``journal``: the records of ``logs/ingest.jsonl`` (files processed, by when)."""
    months = config.review_months
    settings = conf.Settings.of(config.working_hours_per_day)
    current = end.current()
    titles = {s.code_key: (s.code, s.title, s.office) for s in end.states}
    period_events = [e for e in end.events if _in_period(e.date, period_start, period_end)]
    new, revised, withdrawn, found = _changes(end, period_start.date(), period_end.date())
    reviews = _reviews(period_events, titles)
    cov_end_report = end.coverage(config.field_offices, months, conformity=settings)
    uncovered, flagged = _coverage_lists(cov_end_report)
    ingest, problems = _journal_figures(journal, period_start, period_end)
    return YearlyReport(
        year=year,
        period_start=period_start,
        period_end=period_end,
        generated=generated,
        commit_start=start.commit,
        commit_end=_deciding_commit(end, found),
        settings=report_settings(config),
        office_names=dict(config.offices),
        review_months=months,
        in_force=tuple(_in_force(config, current)),
        new=tuple(new),
        revised=tuple(revised),
        withdrawn=tuple(withdrawn),
        reviews=tuple(reviews),
        overdue=tuple(_overdue(end, months, period_end.date(), settings)),
        laws_replaced=tuple(_laws_replaced(end, current, period_start, period_end)),
        decisions=tuple(_decisions(period_events, end)),
        coverage_start=_coverage_figures(start.coverage(config.field_offices, months, conformity=settings)),
        coverage_end=_coverage_figures(cov_end_report),
        uncovered=uncovered,
        flagged=flagged,
        ingest=ingest,
        journal_problems=tuple(problems),
    )
