"""The province's figures, the department a dimension everywhere: coverage, the master list and
the yearly report of every department, each computed from its mirror by the very functions its
own ``coverage``, ``list`` and ``report`` use (see ``province.department``), then put side by side
with the province's totals (``reports.province``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from doccontrol.core.model import ProcedureStatus
from doccontrol.errors import DoccontrolError, UsageError
from doccontrol.province import department as dep
from doccontrol.province.home import Province, read_state
from doccontrol.reports.masterlist import MasterList
from doccontrol.reports.province import DepartmentCoverage, DepartmentPart, ProvinceCoverage
from doccontrol.reports.yearly import YearlyReport
from doccontrol.service.reports import master_list_of, yearly_report_of
from doccontrol.service.tthc import coverage_from, coverage_inputs


def _part(province: Province, code: str, state: dict[str, dict[str, object]]) -> DepartmentPart:
    dept = province.department(code)
    entry = state.get(dept.code, {})
    return DepartmentPart(dept.code, dept.name, str(entry.get("status") or "never"), str(entry.get("message") or ""),
                          str(entry.get("last_success") or ""))


NEVER_SYNCED = "chưa đồng bộ (never synced)"


def _synced(province: Province, department: str | None, office: str | None
            ) -> Iterator[tuple[DepartmentPart, dep.DepartmentData | None]]:
    """Each department (or the one named) with its data at its synced commit (None: never synced);
    with ``office``, only the departments that have that office (UsageError when the one named
    has not)."""
    state = read_state(province)
    for dept in dep.departments(province, department):
        data = dep.refresh(province, dept)
        if data is not None and office is not None and office not in data.config.offices:
            if department is not None:
                raise UsageError(f"Phòng '{office}' chưa được khai báo.", f"Unknown office '{office}'.")
            continue  # the office is another department's
        yield _part(province, dept.code, state), data


def coverage(province: Province, department: str | None = None, office: str | None = None,
             field: str | None = None) -> ProvinceCoverage:
    """Each department against its own catalog and scope (``office``/``field``: only those of
    each department's), with the province's totals. A department never synced, or without a
    catalog, is listed with what is missing."""
    rows: list[DepartmentCoverage] = []
    for part, data in _synced(province, department, office):
        if data is None:
            rows.append(DepartmentCoverage(part, None, None, None, NEVER_SYNCED))
        elif not data.has_catalog:
            rows.append(DepartmentCoverage(part, data.commit, None, None, "chưa nhập danh mục TTHC (no catalog imported)"))
        else:
            result = data.coverage if office is None and field is None and data.coverage is not None else \
                coverage_from(coverage_inputs(data.snapshot, data.config), data.config, office, field)
            rows.append(DepartmentCoverage(part, data.commit, result.report, result.context))
    return ProvinceCoverage(province.config.name, dep.generated_now(), tuple(rows), office, field)


@dataclass(frozen=True)
class DepartmentList:
    part: DepartmentPart
    master: MasterList | None
    problem: str = ""


def master_lists(province: Province, department: str | None = None, office: str | None = None,
                 status: str = ProcedureStatus.CURRENT, as_of: dt.datetime | None = None) -> list[DepartmentList]:
    """The master list of every department (or one), now or of the procedures in force on
    ``as_of``'s day, as its own ``list`` gives it."""
    out = []
    for part, data in _synced(province, department, office):
        if data is None:
            out.append(DepartmentList(part, None, NEVER_SYNCED))
            continue
        if as_of is None:
            snap = data.snapshot
        else:
            with dep.in_force_reader(province, data.code, data.commit, data) as in_force:
                snap = in_force(as_of.date())  # type: ignore[operator]
        out.append(DepartmentList(part, master_list_of(snap, data.config, as_of, office, status)))
    return out


@dataclass(frozen=True)
class DepartmentReport:
    part: DepartmentPart
    report: YearlyReport | None
    problem: str = ""


def yearly_reports(province: Province, year: int, department: str | None = None, as_of: dt.date | None = None,
                   generated: dt.date | None = None) -> list[DepartmentReport]:
    """The yearly report's figures of every department (or one), as its own ``report`` computes
    them from its repository; the ingest journal stays on the department's machine, so the
    files-processed figures are not part of the province's report."""
    if not 1900 <= year <= 2199:
        raise UsageError(f"Năm không hợp lệ: {year}.", f"Invalid year: {year}.")
    out = []
    for part, data in _synced(province, department, None):
        if data is None:
            out.append(DepartmentReport(part, None, NEVER_SYNCED))
            continue
        try:
            with dep.in_force_reader(province, data.code, data.commit, data) as in_force:
                report = yearly_report_of(in_force, [], data.config, year, as_of, generated)  # type: ignore[arg-type]
        except UsageError:
            raise
        except DoccontrolError as exc:  # no data for that year
            out.append(DepartmentReport(part, None, exc.message_vi))
            continue
        out.append(DepartmentReport(part, report))
    return out
