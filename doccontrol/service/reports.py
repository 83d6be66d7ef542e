"""Keeping procedures current and reporting: the master list (now or as of a date), reviews due and
confirmed, legal documents replaced and who cites them, the yearly ISO report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from doccontrol.core import conformity as conf
from doccontrol.core import review as rv
from doccontrol.core.citations import citation_key, parse_citation
from doccontrol.core import dates
from doccontrol.core.dates import end_of_day, start_of_day
from doccontrol.core.config import Config, list_order
from doccontrol.core.model import ProcedureState, ProcedureStatus
from doccontrol.core.text import squash_spaces
from doccontrol.errors import DoccontrolError, UsageError
from doccontrol.ingest import journal
from doccontrol.repo import layout, messages
from doccontrol.repo.gateway import Repository
from doccontrol.repo.snapshot import Snapshot
from doccontrol.service.controlled_set import actor_office, check_status, require_owner, select
from doccontrol.service.offices import office_code
from doccontrol.workspace import Workspace

if TYPE_CHECKING:
    from doccontrol.reports.masterlist import MasterList
    from doccontrol.reports.yearly import YearlyReport


def _snapshot_as_of(workspace: Workspace, as_of: dt.datetime | None) -> Snapshot:
    """The repository now (None), or the procedures in force on ``as_of``'s day (effective dates)."""
    with Repository(workspace) as repo:
        return repo.snapshot_as_of(as_of)


def master_list(
    workspace: Workspace, as_of: dt.datetime | None = None, office: str | None = None, status: str = ProcedureStatus.CURRENT
) -> MasterList:
    """The master list (danh mục tài liệu) now, or of the procedures in force on ``as_of``'s day."""
    check_status(status)
    office = office_code(workspace, office)
    if as_of is None:  # now: from the repository's derived state (every procedure is not read again)
        from doccontrol.service.listing import master_list_now

        return master_list_now(workspace, office, status)
    return master_list_of(_snapshot_as_of(workspace, as_of), workspace.config, as_of, office, status)


def master_list_of(snapshot: Snapshot, config: Config, as_of: dt.datetime | None = None, office: str | None = None,
                   status: str = ProcedureStatus.CURRENT) -> MasterList:
    """The master list of the repository at ``snapshot`` (the one computation behind ``list`` and
    the province's list of a department)."""
    from doccontrol.reports.masterlist import build_master_list

    check_status(status)
    zone = config.zone
    return build_master_list(snapshot, config, dt.datetime.now(zone).replace(microsecond=0),
                             as_of, office, status, zone)


def procedures_as_of(
    workspace: Workspace, as_of: dt.datetime, office: str | None = None, status: str = ProcedureStatus.CURRENT
) -> tuple[list[ProcedureState], str | None]:
    """The procedures in force (or withdrawn) on ``as_of``'s day, and the commit that decides them."""
    check_status(status)
    office = office_code(workspace, office)
    snap = _snapshot_as_of(workspace, as_of)
    return list_order(select(snap.states, office, status), workspace.config.offices), snap.commit


def review_due(
    workspace: Workspace, within_days: int = 0, office: str | None = None, as_of: dt.date | None = None
) -> tuple[list[rv.ReviewStatus], dt.date]:
    """The current procedures due for review by ``as_of`` (default today) + ``within_days``, the
    most overdue first; and the day that was taken as today."""
    office = office_code(workspace, office)
    today = as_of or dates.today()
    snap = _snapshot_as_of(workspace, end_of_day(as_of) if as_of else None)
    statuses = snap.statuses(workspace.config.review_months, conf.Settings.of(workspace.config.working_hours_per_day))
    return rv.due_reviews(statuses, today, within_days, office), today


def confirm_review(
    workspace: Workspace, code: str, note: str, office: str | None = None, timestamp: int | None = None
) -> tuple[ProcedureState, rv.ReviewRecord, str]:
    """Record that a current procedure was reviewed and still holds: one commit, no new revision
    (resets its review clock)."""
    note = squash_spaces(note)
    if not note:
        raise UsageError("Cần ghi nội dung rà soát (--note).", "A note is required (--note).")
    actor = actor_office(workspace, office)
    when = timestamp if timestamp is not None else dates.unix_now()
    with Repository(workspace) as repo, repo.write(actor, "review confirm") as tx:
        state = tx.get(code)
        require_owner(workspace, actor, state, "xác nhận rà soát", "confirm the review of")
        if state.status != ProcedureStatus.CURRENT:
            raise UsageError(
                f"Quy trình {state.code} đã bị bãi bỏ, không rà soát được.",
                f"{state.code} is withdrawn: there is nothing to review.",
            )
        record = rv.ReviewRecord(
            date=dt.datetime.fromtimestamp(when).astimezone(), office=actor, note=note, revision=state.revision
        )
        records = [*repo.reviews(state), record]
        content = rv.reviews_to_json(state.code, state.code_key, records).encode("utf-8")
        commit = tx.commit_review(state, content, note, timestamp=when)
    return state, record, commit


def normal_ref(ref: str, option: str = "REF") -> str:
    """The normal form of a legal reference typed by a person; UsageError when it names none."""
    found = parse_citation(ref)
    if found is None:
        raise UsageError(
            f"Không đọc được số, ký hiệu văn bản «{ref}» (ví dụ: 152/2020/NĐ-CP, 45/2019/QH14).",
            f"{option} {ref!r} is not a legal document's number and symbol (e.g. 152/2020/NĐ-CP, 45/2019/QH14).",
        )
    return found.ref


def record_replaced_law(
    workspace: Workspace, ref: str, by: Sequence[str], decision: str = "", office: str | None = None,
    timestamp: int | None = None,
) -> tuple[rv.ReplacedLaw, str, list[ProcedureState]]:
    """Record that a legal document was replaced or amended (one commit of the laws file); also
    returns the current procedures that still cite it (from now on flagged by ``review`` and
    ``coverage``)."""
    actor = actor_office(workspace, office)
    normal = normal_ref(ref)
    replacing = tuple(dict.fromkeys(normal_ref(b, "--by") for b in by))
    if not replacing:
        raise UsageError("Cần ít nhất một văn bản thay thế (--by).", "Give the replacing document (--by).")
    if any(citation_key(b) == citation_key(normal) for b in replacing):
        raise UsageError("Văn bản không thể tự thay thế chính nó.", "A document cannot replace itself.")
    when = timestamp if timestamp is not None else dates.unix_now()
    record = rv.ReplacedLaw(
        ref=normal, by=replacing, decision=squash_spaces(decision),
        recorded_at=dt.datetime.fromtimestamp(when).astimezone(), office=actor,
    )
    with Repository(workspace) as repo, repo.write(actor, "laws replaced") as tx:
        records = [*repo.laws(), record]
        commit = tx.commit_files(
            {layout.LAWS_FILE: rv.laws_to_json(records).encode("utf-8")},
            f"Văn bản {normal} được thay thế, sửa đổi bởi {', '.join(replacing)}",
            {"Action": messages.LAWS_REPLACED, "Ref": normal, "By": ", ".join(replacing),
             "Decision": record.decision or "-"},
            body=record.decision, timestamp=when,
        )
    assert commit is not None  # the laws file always grows by one record
    return record, commit, cites(workspace, record.ref)[1]


def replaced_laws(workspace: Workspace) -> list[rv.ReplacedLaw]:
    with Repository(workspace) as repo:
        return repo.laws()


def cites(workspace: Workspace, ref: str) -> tuple[str, list[ProcedureState], list[rv.ReplacedLaw]]:
    """Every current procedure that cites the legal document ``ref`` (any spelling of its number
    and symbol): (normal form, procedures, the records of its replacement)."""
    normal = normal_ref(ref)
    key = citation_key(normal)
    snap = _snapshot_as_of(workspace, None)
    citing = [s for s in snap.current() if any(citation_key(c) == key for c in s.citations)]
    return normal, citing, [law for law in snap.laws if law.key == key]


def yearly_report(
    workspace: Workspace, year: int, as_of: dt.date | None = None, generated: dt.date | None = None
) -> YearlyReport:
    """The figures of the yearly ISO report, from the repository as of the year's end (or ``as_of``)."""
    with Repository(workspace) as repo:
        return yearly_report_of(lambda day: repo.in_force(day), journal.read_all(journal.path_in(workspace.logs)),
                                workspace.config, year, as_of, generated)


def yearly_report_of(
    in_force: Callable[[dt.date], Snapshot], records: Iterable[Mapping[str, object]], config: Config, year: int,
    as_of: dt.date | None = None, generated: dt.date | None = None,
) -> YearlyReport:
    """The yearly report's figures from ``in_force`` (the procedures in force on a day, from one
    repository) and the ingest journal's ``records`` (the one computation behind ``report`` and
    the province's report of a department, which has no journal: the repository does not keep it)."""
    from doccontrol.reports.yearly import build_yearly_report

    if not 1900 <= year <= 2199:
        raise UsageError(f"Năm không hợp lệ: {year}.", f"Invalid year: {year}.")
    first_day, last_day = dt.date(year, 1, 1), as_of or dt.date(year, 12, 31)
    if last_day < first_day:
        raise UsageError(
            f"Ngày --as-of phải thuộc năm {year} trở về sau.", f"--as-of must not be before the start of {year}."
        )
    today = dates.today()
    if first_day > today:
        raise no_data(year, f"năm {year} chưa bắt đầu", f"{year} has not begun")
    last_day = min(last_day, today)  # a report never counts "up to" a day that has not come
    before = in_force(first_day - dt.timedelta(days=1))
    after = in_force(last_day)
    report = build_yearly_report(before, after, records, config, year, start_of_day(first_day),
                                 end_of_day(last_day), generated or today)
    if not report.in_force and not (report.new or report.revised or report.withdrawn):
        raise no_data(year, "không có quy trình nào có hiệu lực trong năm",
                      "no procedure was in force during the year")
    return report


def no_data(year: int, why_vi: str, why_en: str) -> DoccontrolError:
    """The report of a year without data: said, and exit 1 (effective dates decide the year)."""
    return DoccontrolError(
        f"Không có số liệu để báo cáo năm {year}: {why_vi} (theo ngày hiệu lực của các quy trình).",
        f"No data to report for {year}: {why_en} (by the procedures' effective dates).",
    )


def yearly_template(workspace: Workspace) -> str:
    """The yearly report's template: ``[report] template`` (relative to the workspace), else the
    one shipped with doccontrol."""
    from doccontrol.reports.template import default_template
    from doccontrol.reports.yearly import report_settings

    name = report_settings(workspace.config).template
    if not name:
        return default_template()
    path = Path(name) if Path(name).is_absolute() else workspace.root / name
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Không đọc được mẫu báo cáo {path}: {exc}", f"Cannot read the report template {path}: {exc}") from exc
