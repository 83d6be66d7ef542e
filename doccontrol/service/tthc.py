"""The TTHC catalog and the links in the controlled repository (an adapter), and coverage over them.

Files, each with its history in git:

    procedures/_catalog/catalog.json   the normalised catalog (one commit per import, the decision in the message)
    procedures/_links/links.json       manual links and the internal-procedure list (one commit per change)

The rules are pure and live in ``catalog.py`` and ``coverage.py``; this module reads and writes
the files and feeds the pure functions with the repository's procedures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from doccontrol.core import catalog as cat
from doccontrol.core import coverage as cov
from doccontrol.reports.coverage_report import ReportContext
from doccontrol.errors import UsageError
from doccontrol.core.model import ProcedureState
from doccontrol.repo.store import Store, format_message
from doccontrol.core.text import code_key
from doccontrol.repo.lock import writer_lock
from doccontrol.workspace import Workspace

CATALOG_FILE = "_catalog/catalog.json"
LINKS_FILE = "_links/links.json"


def no_catalog() -> UsageError:
    return UsageError(
        "Chưa có danh mục TTHC. Hãy nhập danh mục: doccontrol catalog import TỆP.xlsx",
        "No TTHC catalog has been imported yet: run 'doccontrol catalog import FILE'.",
    )


def load_catalog(store: Store) -> dict[str, cat.Tthc] | None:
    path = store.path / CATALOG_FILE
    if not path.is_file():
        return None
    return cat.catalog_from_json(path.read_text(encoding="utf-8"))


def load_links(store: Store) -> tuple[dict[str, set[str]], set[str]]:
    path = store.path / LINKS_FILE
    if not path.is_file():
        return {}, set()
    return cov.links_from_json(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ImportResult:
    changes: cat.CatalogChanges
    problems: list[str]
    rows: int
    commit: str | None
    decision: str


def import_catalog(workspace: Workspace, path: Path, decision: str | None = None) -> ImportResult:
    """Read a catalog file and fold it into the repository's catalog: one commit per import."""
    try:
        parsed = cat.parse_catalog_file(path)
    except cat.CatalogError as exc:
        raise UsageError(f"Không đọc được danh mục {path.name}: {exc}", f"Cannot read the catalog {path}: {exc}") from exc
    except FileNotFoundError as exc:
        raise UsageError(f"Không có tệp {path}.", f"No such file: {path}") from exc
    ref = cat.find_decision(decision) if decision else cat.decision_of(parsed)
    # The decision's number names it; its date travels beside it in the catalog's events.
    label = ref.number if ref else (decision.strip() if decision else f"tệp {path.name}")
    date = ref.date if ref else None
    config = workspace.config
    with writer_lock(workspace.root, "catalog import"), Store(workspace.procedures) as store:
        store.recover()
        current = load_catalog(store) or {}
        merged, changes = cat.merge_catalog(current, parsed, label, date)
        summary = (
            f"{len(changes.added)} mới, {len(changes.amended)} sửa đổi, {len(changes.renamed)} đổi tên, "
            f"{len(changes.abolished)} bãi bỏ"
        )
        message = format_message(
            f"Danh mục TTHC: {label} ({summary})",
            {"Action": "catalog-import", "Office": config.controller, "Source-File": path.name, "Decision": label},
        )
        commit = store.write_files(
            {CATALOG_FILE: cat.catalog_to_json(merged).encode("utf-8")},
            message, config.controller, config.office_name(config.controller),
        )
    return ImportResult(changes=changes, problems=list(parsed.problems), rows=len(parsed.rows), commit=commit,
                        decision=label)


def catalog_entries(workspace: Workspace, field: str | None = None, status: str | None = None) -> list[cat.Tthc]:
    with Store(workspace.procedures) as store:
        catalog = load_catalog(store)
    if catalog is None:
        raise no_catalog()
    wanted_field = cov.words_key(field) if field else None
    return [
        t for _, t in sorted(catalog.items())
        if (status is None or t.status == status) and (wanted_field is None or cov.words_key(t.field) == wanted_field)
    ]


def change_links(
    workspace: Workspace,
    procedure: str,
    tthc: Sequence[str],
    add: bool,
    internal: bool = False,
    office: str | None = None,
) -> str | None:
    """Add or remove manual links (or the internal mark) of a procedure: a commit with history."""
    config = workspace.config
    actor = office or config.controller
    with writer_lock(workspace.root, "link"), Store(workspace.procedures) as store:
        store.recover()
        state = store.get(procedure)
        links, internals = load_links(store)
        try:
            for code in tthc:
                links = cov.add_link(links, state.code, code) if add else cov.remove_link(links, state.code, code)
        except cov.LinkError as exc:
            raise UsageError(str(exc), str(exc)) from exc
        if internal:
            internals = internals | {state.code_key} if add else internals - {state.code_key}
        what = ", ".join(cat.tthc_key(c) or c for c in tthc) or ("nội bộ (internal)" if internal else "")
        verb = "liên kết" if add else "bỏ liên kết"
        message = format_message(
            f"{state.code}: {verb} {what}",
            {"Action": "link" if add else "unlink", "Office": actor, "Code-Key": state.code_key},
        )
        return store.write_files(
            {LINKS_FILE: cov.links_to_json(links, internals).encode("utf-8")}, message, actor, config.office_name(actor)
        )


def revision_date(state: ProcedureState) -> dt.date | None:
    """The date a revision took effect: its effective date, else issue date, else when it was committed."""
    if state.effective or state.issued:
        return state.effective or state.issued
    try:
        return dt.datetime.fromisoformat(state.updated_at).date() if state.updated_at else None
    except ValueError:
        return None


def procedure_infos(states: Iterable[ProcedureState]) -> list[cov.ProcedureInfo]:
    return [cov.procedure_info(s, revision_date(s)) for s in states]


def _replaced_law(store: Store, months: int) -> dict[str, str]:
    """Procedures still citing a law recorded as replaced (``doccontrol laws replaced``)."""
    from doccontrol.repo import snapshot as repo  # imported here: reports.repo imports this module

    return repo.replaced_law_details(store, months)


@dataclass(frozen=True)
class CoverageResult:
    report: cov.CoverageReport
    context: ReportContext


def coverage(workspace: Workspace, office: str | None = None, field: str | None = None) -> CoverageResult:
    """The 100% TTHC check over the repository's catalog, links and procedures (reads only)."""
    if office is not None and office not in workspace.config.offices:
        raise UsageError(f"Phòng '{office}' chưa được khai báo.", f"Unknown office '{office}'.")
    with Store(workspace.procedures) as store:
        catalog = load_catalog(store)
        if catalog is None:
            raise no_catalog()
        links, internal = load_links(store)
        states = list(store.states())
        replaced = _replaced_law(store, workspace.config.review_months)
    report = cov.compute_coverage(
        catalog, procedure_infos(states), links, internal, workspace.config.field_offices, office, field,
        replaced_law=replaced,
    )
    config = workspace.config
    context = ReportContext(
        agency=config.agency, generated=dt.datetime.now().replace(microsecond=0), office_names=dict(config.offices)
    )
    return CoverageResult(report=report, context=context)


def linked_tthc(workspace: Workspace, code: str) -> list[tuple[str, str, str]]:
    """(TTHC code, name from the catalog or "", source) for one procedure, for detail views."""
    with Store(workspace.procedures) as store:
        state = store.get(code)
        catalog = load_catalog(store) or {}
        links, internal = load_links(store)
    report = cov.compute_coverage(catalog, procedure_infos([state]), links, internal, workspace.config.field_offices)
    key = code_key(state.code)
    return [(link.tthc, link.name, link.source) for link in report.links if code_key(link.procedure) == key]
