"""The TTHC catalog and the links in the controlled repository, and coverage over them (use cases).

Files, each with its history in git (see ``doccontrol.repo.layout``): the normalised catalog
(one commit per import, the decision in the message) and the manual links with the
internal-procedure list (one commit per change). The rules are pure and live in
``core.catalog`` and ``core.coverage``; this module reads the files through the repository
gateway and feeds the pure functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from doccontrol.core import catalog as cat
from doccontrol.core import conformity as conf
from doccontrol.core import coverage as cov
from doccontrol.core import dates
from doccontrol.core import organisation as org_rules
from doccontrol.core.dates import revision_date
from doccontrol.core.config import Config
from doccontrol.core.model import ProcedureState
from doccontrol.core.scope import CatalogScope, ScopeError, make_scope, scope_to_json
from doccontrol.errors import UsageError
from doccontrol.repo import layout, messages
from doccontrol.repo.gateway import Repository
from doccontrol.repo.snapshot import Snapshot
from doccontrol.reports.coverage_report import ReportContext
from doccontrol.service.controlled_set import actor_office
from doccontrol.service.offices import office_code
from doccontrol.workspace import Workspace

if TYPE_CHECKING:
    from doccontrol.core.coverage_basis import CoverageBasis


def no_catalog() -> UsageError:
    return UsageError(
        "Chưa có danh mục TTHC. Hãy nhập danh mục: doccontrol catalog import TỆP.xlsx",
        "No TTHC catalog has been imported yet: run 'doccontrol catalog import FILE'.",
    )


def empty_catalog(path: Path, problems: list[str]) -> UsageError:
    """A file with no TTHC row holding a valid code (empty, header only, the wrong file): nothing
    is imported (exit 2, as for a file that cannot be read)."""
    first = f" ({problems[0]})" if problems else ""
    return UsageError(
        f"Danh mục {path.name} không có dòng TTHC nào có mã hợp lệ (tệp trống, chỉ có dòng tiêu đề, "
        f"hoặc không phải danh mục); không nhập gì.{first}",
        f"The catalog {path.name} has no TTHC row with a valid code (empty, a header only, or not a "
        f"catalog): nothing was imported.",
    )


@dataclass(frozen=True)
class ImportResult:
    changes: cat.CatalogChanges
    problems: list[str]
    rows: int
    commit: str | None
    decision: str
    #: the current procedures linked to a TTHC whose deadline or legal basis this import changed
    #: (``tthc_changed`` from now on, until their next revision or confirmed review)
    to_revise: tuple[str, ...] = ()


def import_catalog(workspace: Workspace, path: Path, decision: str | None = None) -> ImportResult:
    """Read a catalog file and fold it into the repository's catalog: one commit per import."""
    from doccontrol.extract.catalog_files import parse_catalog_file  # the file readers: only when importing

    try:
        parsed = parse_catalog_file(path)
    except cat.CatalogError as exc:
        raise UsageError(f"Không đọc được danh mục {path.name}: {exc}", f"Cannot read the catalog {path}: {exc}") from exc
    except FileNotFoundError as exc:
        raise UsageError(f"Không có tệp {path}.", f"No such file: {path}") from exc
    if not any(row.code for row in parsed.rows):
        raise empty_catalog(path, parsed.problems)
    ref = cat.find_decision(decision) if decision else cat.decision_of(parsed)
    # The decision's number names it; its date travels beside it in the catalog's events.
    label = ref.number if ref else (decision.strip() if decision else f"tệp {path.name}")
    date = ref.date if ref else None
    with Repository(workspace) as repo, repo.write(workspace.config.controller, "catalog import") as tx:
        merged, changes = cat.merge_catalog(repo.catalog() or {}, parsed, label, date, dates.now_iso())
        summary = (
            f"{len(changes.added)} mới, {len(changes.amended)} sửa đổi, {len(changes.renamed)} đổi tên, "
            f"{len(changes.abolished)} bãi bỏ"
        )
        commit = tx.commit_files(
            {layout.CATALOG_FILE: cat.catalog_to_json(merged).encode("utf-8")},
            f"Danh mục TTHC: {label} ({summary})",
            {"Action": messages.CATALOG_IMPORT, "Source-File": path.name, "Decision": label},
        )
        to_revise = _linked_to(repo, merged, set(changes.terms_changed), workspace) if changes.terms_changed else ()
    return ImportResult(changes=changes, problems=list(parsed.problems), rows=len(parsed.rows), commit=commit,
                        decision=label, to_revise=to_revise)


def _linked_to(repo: Repository, catalog: dict[str, cat.Tthc], codes: set[str], workspace: Workspace
               ) -> tuple[str, ...]:
    """The current procedures the conformity checks find ``tthc_changed`` for one of ``codes``."""
    links, internal = repo.links()
    states = repo.procedures()
    found = cov.conformity_findings(catalog, procedure_infos(states, repo.last_reviews()), links, internal,
                                    repo.catalog_scope(), conformity_settings(workspace.config))
    code_of = {s.code_key: s.code for s in states}
    return tuple(sorted(code_of[key] for key, fs in found.items()
                        if any(f.reason == conf.REASON_TTHC_CHANGED and codes & set(f.tthc) for f in fs)))


def catalog_entries(workspace: Workspace, field: str | None = None, status: str | None = None) -> list[cat.Tthc]:
    with Repository(workspace) as repo:
        catalog = repo.catalog()
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
    force: bool = False,
) -> LinkResult:
    """Add or remove manual links (or the internal mark) of a procedure: a commit with history.

    A link to a TTHC code the catalog does not hold (a typo, or a catalog not imported yet) is
    refused unless ``force``; with it, the link is made and the codes are named in the result."""
    actor = actor_office(workspace, office)
    with Repository(workspace) as repo, repo.write(actor, "link") as tx:
        state = tx.get(procedure)
        links, internals = repo.links()
        try:
            for code in tthc:
                links = cov.add_link(links, state.code, code) if add else cov.remove_link(links, state.code, code)
        except cov.LinkError as exc:
            raise UsageError(str(exc), str(exc)) from exc
        unknown = cov.not_in_catalog(tthc, repo.catalog()) if add else []
        if unknown and not force:
            raise UsageError(
                f"Mã TTHC không có trong danh mục đã nhập: {', '.join(unknown)}. Kiểm tra lại mã, hoặc dùng "
                "--force nếu vẫn muốn liên kết.",
                f"Not in the imported TTHC catalog: {', '.join(unknown)}. Check the code, or link anyway with --force.",
            )
        if internal:
            internals = internals | {state.code_key} if add else internals - {state.code_key}
        what = ", ".join(cat.tthc_key(c) or c for c in tthc) or ("nội bộ (internal)" if internal else "")
        verb = "liên kết" if add else "bỏ liên kết"
        commit = tx.commit_files(
            {layout.LINKS_FILE: cov.links_to_json(links, internals).encode("utf-8")},
            f"{state.code}: {verb} {what}",
            {"Action": messages.LINK if add else messages.UNLINK, "Code-Key": state.code_key},
        )
    return LinkResult(commit, tuple(unknown))


@dataclass(frozen=True)
class LinkResult:
    commit: str | None  # None: nothing changed
    not_in_catalog: tuple[str, ...] = ()  # linked with --force although the catalog does not hold them


def procedure_infos(states: Iterable[ProcedureState],
                    reviewed: Mapping[str, dt.datetime] | None = None) -> list[cov.ProcedureInfo]:
    """What coverage knows of each procedure (``reviewed``: code key → its last confirmed review)."""
    reviewed = reviewed or {}
    return [cov.procedure_info(s, revision_date(s), reviewed.get(s.code_key)) for s in states]


def conformity_settings(config: Config) -> conf.Settings:
    """The conformity checks' settings from ``doccontrol.toml`` (``[review] working_hours_per_day``)."""
    return conf.Settings.of(config.working_hours_per_day)


@dataclass(frozen=True)
class CoverageResult:
    report: cov.CoverageReport
    context: ReportContext


@dataclass(frozen=True)
class CoverageInputs:
    """Everything coverage reads from a repository (its work tree now, or a snapshot)."""

    catalog: dict[str, cat.Tthc]
    states: list[ProcedureState]
    links: dict[str, set[str]]
    internal: set[str]
    replaced: dict[str, str]  # code key → the replaced law a current procedure still cites
    scope: CatalogScope
    fields: dict[str, str]  # field → office: the repository's, then [fields] of doccontrol.toml
    reviewed: Mapping[str, dt.datetime]  # code key → the procedure's last confirmed review


def coverage_inputs(snapshot: Snapshot, config: Config) -> CoverageInputs:
    """What coverage reads, from the repository at one commit (``[fields]`` of ``config`` filling
    in the fields the repository does not map, as for the work tree)."""
    if snapshot.catalog is None:
        raise no_catalog()
    return CoverageInputs(snapshot.catalog, list(snapshot.states), snapshot.links, snapshot.internal,
                          snapshot.replaced_law_details(config.review_months), snapshot.scope,
                          org_rules.field_offices(snapshot.organisation, config.field_offices),
                          {key: max(r.date for r in records) for key, records in snapshot.reviews.items() if records})


def coverage_from(inputs: CoverageInputs, config: Config, office: str | None = None, field: str | None = None
                  ) -> CoverageResult:
    """The 100% TTHC check over ``inputs`` (the one computation behind ``coverage``, the web's
    coverage page and the province's figures for a department)."""
    _known_office(config, office)
    report = cov.compute_coverage(
        inputs.catalog, procedure_infos(inputs.states, inputs.reviewed), inputs.links, inputs.internal, inputs.fields,
        office, field, replaced_law=inputs.replaced, catalog_scope=inputs.scope,
        conformity=conformity_settings(config), offices=list(config.offices),
    )
    return CoverageResult(report=report, context=report_context(config))


def _known_office(config: Config, office: str | None) -> None:
    if office is not None and office not in config.offices:
        raise UsageError(f"Phòng '{office}' chưa được khai báo.", f"Unknown office '{office}'.")


@dataclass(frozen=True)
class _Followed:
    """What this process computed last for a workspace's coverage (a long-running reader such as
    the web server follows each commit): the basis of every office's report (``core.coverage_basis``),
    the commit and settings it is of, and each procedure state's :class:`ProcedureInfo` (the
    repository gateway hands the same state objects back for the procedures a commit did not
    change, so their infos and entries are taken over as they are)."""

    head: str
    settings: tuple[object, ...]
    infos: dict[int, tuple[ProcedureState, dt.datetime | None, cov.ProcedureInfo]]
    basis: CoverageBasis


_FOLLOWED: dict[Path, _Followed] = {}


def _infos_reusing(states: Sequence[ProcedureState], reviewed: Mapping[str, dt.datetime],
                   known: Mapping[int, tuple[ProcedureState, dt.datetime | None, cov.ProcedureInfo]]
                   ) -> dict[int, tuple[ProcedureState, dt.datetime | None, cov.ProcedureInfo]]:
    """:func:`procedure_infos` of ``states`` by their identity, those of ``known`` taken over."""
    out: dict[int, tuple[ProcedureState, dt.datetime | None, cov.ProcedureInfo]] = {}
    for s in states:
        when = reviewed.get(s.code_key)
        found = known.get(id(s))
        if found is None or found[0] is not s or found[1] != when:
            found = (s, when, cov.procedure_info(s, revision_date(s), when))
        out[id(s)] = found
    return out


def _followed_basis(workspace: Workspace, head: str, inputs: CoverageInputs) -> CoverageBasis:
    """The basis of the coverage reports at ``head``: this process's last one if it is of ``head``
    and the same settings, else computed from it for what changed (``core.coverage_basis``), and
    kept for the next commit while no writer holds the lock and HEAD did not move meanwhile."""
    from doccontrol.core.coverage_basis import coverage_basis
    from doccontrol.repo.lock import lock_is_held

    config = workspace.config
    settings = (config.working_hours_per_day, config.review_months)
    last = _FOLLOWED.get(workspace.root)
    if last is not None and last.head == head and last.settings == settings:
        return last.basis
    infos = _infos_reusing(inputs.states, inputs.reviewed, last.infos if last is not None else {})
    basis = coverage_basis(inputs.catalog, [infos[id(s)][2] for s in inputs.states], inputs.links, inputs.internal,
                           replaced_law=inputs.replaced, catalog_scope=inputs.scope,
                           conformity=conformity_settings(config), previous=last.basis if last is not None else None)
    with Repository(workspace) as repo:
        if not lock_is_held(workspace.root) and repo.head() == head:
            _FOLLOWED[workspace.root] = _Followed(head, settings, infos, basis)
    return basis


def report_context(config: Config) -> ReportContext:
    """Who the report is for and when it was produced (now)."""
    return ReportContext(agency=config.agency, generated=dt.datetime.now(config.zone).replace(microsecond=0),
                         office_names=dict(config.offices))


COVERAGE_KEPT_FORMAT = 2  # bump when the coverage rules change what a kept report would say, or its form


def coverage_key(config: Config, office: str | None, field: str | None) -> str:
    """A digest of everything a coverage report depends on besides the repository at one commit:
    the scope asked for and the settings of ``doccontrol.toml`` it reads, and doccontrol's version."""
    import hashlib
    import json

    from doccontrol import __version__

    settings = [COVERAGE_KEPT_FORMAT, __version__, office, field, sorted(config.field_offices.items()),
                config.review_months, config.working_hours_per_day, list(config.offices)]
    return hashlib.sha256(json.dumps(settings, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()[:24]


def coverage(workspace: Workspace, office: str | None = None, field: str | None = None, *, keep: bool = True
             ) -> CoverageResult:
    """The 100% TTHC check over the repository's catalog, links and procedures (reads only).

    Computed once per commit and settings: the report is kept beside the repository
    (``Repository.keep_result``, keyed by HEAD and :func:`coverage_key`), so that ``coverage``
    and the web's coverage pages do not compute it again until the repository or a setting changes.
    A process that asks again after a new commit (the web server) computes only what the commit
    changed (:func:`_followed_basis`); it keeps the report later (``keep=False``, then
    :func:`keep_coverage`), not while someone waits for it."""
    office = office_code(workspace, office)
    key = coverage_key(workspace.config, office, field)
    with Repository(workspace) as repo:
        head = repo.head()
        kept = _kept_report(repo.kept_result(head, key)) if head else None
        if kept is not None:
            return CoverageResult(report=kept, context=report_context(workspace.config))
        inputs = _inputs_at_head(repo, workspace.config)
        if inputs is None:
            raise no_catalog()
    if head:
        from doccontrol.core.coverage_basis import report_of

        basis = _followed_basis(workspace, head, inputs)
        result = CoverageResult(report_of(basis, inputs.fields, office, field, list(workspace.config.offices)),
                                report_context(workspace.config))
        if keep:
            keep_coverage(workspace, head, office, field, result.report)
        return result
    return coverage_from(inputs, workspace.config, office, field)


def keep_coverage(workspace: Workspace, head: str, office: str | None, field: str | None,
                  report: cov.CoverageReport) -> None:
    """Keep ``report``, computed from the repository at ``head``, beside the repository (not when
    HEAD moved on: ``Repository.keep_result``)."""
    with Repository(workspace) as repo:
        repo.keep_result(head, coverage_key(workspace.config, office, field), cov.report_to_plain(report))


def follow_coverage(workspace: Workspace) -> None:
    """Bring this process's basis of the coverage reports (:func:`_followed_basis`) to HEAD, even
    when the reports of HEAD are kept beside the repository: what a long-running reader (the web
    server) does for each commit it follows, so that the next commit costs what it changes."""
    with Repository(workspace) as repo:
        head = repo.head()
        inputs = _inputs_at_head(repo, workspace.config) if head else None
    if head and inputs is not None:
        _followed_basis(workspace, head, inputs)


def _inputs_at_head(repo: Repository, config: Config) -> CoverageInputs | None:
    """What coverage reads from the repository at HEAD (None: no catalog was imported), as a
    long-running reader keeps it (the catalog, links and procedure states of unchanged files shared)."""
    catalog = repo.shared_catalog()
    if catalog is None:
        return None
    links, internal = repo.shared_links()
    return CoverageInputs(catalog, repo.procedures_at_head(), links, internal,  # type: ignore[arg-type]
                          repo.replaced_law_details(config.review_months), repo.catalog_scope(), repo.field_offices(),
                          repo.last_reviews())


@dataclass(frozen=True)
class KeptCoverageCheck:
    """What ``verify`` found of the coverage reports kept for HEAD: how many it computed again
    whole from git, and those that differed (removed: the next reader computes them again)."""

    checked: int
    differing: tuple[str, ...] = ()  # "office=…, field=…" of each

    @property
    def clean(self) -> bool:
        return not self.differing


def check_kept_coverage(workspace: Workspace) -> KeptCoverageCheck:
    """``verify``: every coverage report kept for HEAD under the settings of ``doccontrol.toml`` now
    (those kept by the web server were brought forward from an earlier commit's) computed again
    whole from the repository at HEAD and compared; one that differs is removed."""
    config = workspace.config
    with Repository(workspace) as repo:
        head = repo.head()
        kept = [(key, report) for key, value in (repo.kept_results(head) if head else [])
                if (report := _kept_report(value)) is not None and key == coverage_key(config, report.office, report.field)]
        if not kept or head is None:
            return KeptCoverageCheck(0)
        inputs = coverage_inputs(repo.snapshot(head), config)
        differing = []
        for key, report in kept:
            if coverage_from(inputs, config, report.office, report.field).report != report:
                differing.append(f"office={report.office or '*'}, field={report.field or '*'}")
                repo.drop_result(head, key)
    return KeptCoverageCheck(len(kept), tuple(differing))


def _kept_report(kept: object) -> cov.CoverageReport | None:
    """The report a kept result holds (``core.coverage.report_to_plain``); None when it holds none."""
    if not isinstance(kept, tuple):
        return None
    try:
        return cov.report_from_plain(kept)
    except (ValueError, TypeError, IndexError):
        return None


def linked_tthc(workspace: Workspace, code: str) -> list[tuple[str, str, str]]:
    """(TTHC code, name from the catalog or "", source) for one procedure, for detail views: the
    links the coverage report lists for it (``core.coverage.links_of_one``: the procedure alone
    against the catalog's names, which a long-running reader keeps between calls)."""
    with Repository(workspace) as repo:
        state = repo.get(code)
        reference = repo.tthc_reference()
    links = cov.links_of_one(procedure_infos([state])[0], reference.links, reference.catalog, reference.names)
    return [(link.tthc, link.name, link.source) for link in links]


def catalog(workspace: Workspace) -> Mapping[str, cat.Tthc]:
    """The current TTHC catalog ({} when none was imported), as the process keeps it between
    calls until a commit changes it (``Repository.tthc_reference``): shared, so read only."""
    with Repository(workspace) as repo:
        return repo.tthc_reference().catalog


# --- the catalog's scope, and undoing an import ------------------------------------------------------


@dataclass(frozen=True)
class ScopeResult:
    scope: CatalogScope
    in_scope: int  # active TTHC in scope
    active: int  # active TTHC in the catalog
    has_catalog: bool
    commit: str | None = None  # the commit that recorded it (when it was set)


def catalog_scope(workspace: Workspace) -> ScopeResult:
    """The catalog's scope and how many active TTHC it holds."""
    with Repository(workspace) as repo:
        scope, catalog = repo.catalog_scope(), repo.catalog()
    in_scope, active = scope.count(catalog or {})
    return ScopeResult(scope, in_scope, active, catalog is not None)


def set_catalog_scope(workspace: Workspace, agencies: Sequence[str] = (), levels: Sequence[str] = (),
                      fields: Sequence[str] = (), codes: Sequence[str] = (), office: str | None = None) -> ScopeResult:
    """Replace the catalog's scope (an empty one clears it): one commit of ``_catalog/scope.json``."""
    try:
        scope = make_scope(agencies, levels, fields, codes)
    except ScopeError as exc:
        raise UsageError(str(exc), str(exc)) from exc
    actor = actor_office(workspace, office)
    described = scope.describe()
    with Repository(workspace) as repo, repo.write(actor, "catalog scope") as tx:
        commit = tx.commit_files(
            {layout.SCOPE_FILE: scope_to_json(scope).encode("utf-8")},
            f"Phạm vi danh mục TTHC: {described[0]}",
            {"Action": messages.CATALOG_SCOPE}, body=described[1],
        )
        catalog = repo.catalog()
    in_scope, active = scope.count(catalog or {})
    return ScopeResult(scope, in_scope, active, catalog is not None, commit)


@dataclass(frozen=True)
class UndoResult:
    reverted: str  # the import commit reverted
    decision: str  # its decision label
    commit: str | None  # the new commit (None when it changed nothing)
    total: int  # TTHC in the catalog now


def undo_catalog_import(workspace: Workspace, office: str | None = None) -> UndoResult:
    """Revert the last import not yet reverted: the catalog goes back to what it was before it, in
    a new commit (nothing is erased from the history)."""
    actor = actor_office(workspace, office)
    with Repository(workspace) as repo, repo.write(actor, "catalog undo") as tx:
        changes = repo.catalog_changes()
        target = cat.import_to_undo(
            [(e.commit, e.trailers.get(messages.REVERTS) if e.action == messages.CATALOG_UNDO else None)
             for e in changes])
        if target is None:
            raise UsageError("Không có lần nhập danh mục nào để hoàn tác.", "There is no catalog import to undo.")
        event = next(e for e in changes if e.commit == target)
        before = repo.file_before(target, layout.CATALOG_FILE)
        decision = event.trailers.get("Decision", "")
        commit = tx.commit_files(
            {layout.CATALOG_FILE: before},
            f"Hoàn tác nhập danh mục TTHC: {decision or target[:10]}",
            {"Action": messages.CATALOG_UNDO, messages.REVERTS: target, "Decision": decision or "-"},
        )
        total = len(repo.catalog() or {})
    return UndoResult(target, decision, commit, total)


# --- fields (lĩnh vực) → offices ---------------------------------------------------------------------


def fields(workspace: Workspace) -> list[org_rules.FieldRow]:
    """Every field of the TTHC in scope, with its count, its office or a suggested one."""
    config = workspace.config
    with Repository(workspace) as repo:
        catalog = repo.catalog()
        if catalog is None:
            raise no_catalog()
        org, scope = repo.organisation(), repo.catalog_scope()
        links, internal = repo.links()
        states = [s for s in repo.procedures() if s.status == "current"]
    report = cov.compute_coverage(catalog, procedure_infos(states), links, internal, {}, suggest_limit=0,
                                  catalog_scope=scope)
    in_scope = [c for c, t in catalog.items() if t.active and scope.holds(t)]
    owner = {s.code: s.office for s in states}
    return org_rules.field_rows(catalog, in_scope, org, config.field_offices, report.links, owner,
                                list(config.offices))


def assign_field(workspace: Workspace, field_name: str, office: str | None, by: str | None = None
                 ) -> tuple[str, str | None, bool]:
    """Give a field to an office (None: take it back): a commit of the organisation file, which
    also records the offices' current names. Returns (the field as the catalog spells it, the
    commit or None when nothing changed, whether the catalog knows the field)."""
    name = " ".join(field_name.split())
    if not name:
        raise UsageError("Cần tên lĩnh vực.", "Give the field's name.")
    office = office_code(workspace, office)
    actor = actor_office(workspace, by)
    with Repository(workspace) as repo, repo.write(actor, "fields assign") as tx:
        known = {cov.words_key(t.field): t.field for t in (repo.catalog() or {}).values() if t.field}
        spelled = known.get(cov.words_key(name), name)
        current = repo.organisation()
        org = org_rules.assign(org_rules.Organisation(dict(workspace.config.offices), dict(current.fields)),
                               spelled, office)
        what = f"giao phòng {office}" if office else "bỏ giao phòng"
        commit = tx.commit_files(
            {layout.ORGANISATION_FILE: org_rules.organisation_to_json(org).encode("utf-8")},
            f"Lĩnh vực {spelled}: {what}", {"Action": messages.FIELDS, "Field": spelled, "Field-Office": office or "-"},
        )
    return spelled, commit, cov.words_key(name) in known
