"""The pages: each reads through the same library functions as the CLI and renders a template.

GET only. Procedures are addressed by their code (any written form: ``QT-01/LĐTBXH`` =
``qt-01/ldtbxh``), revisions by number; a file is never addressed by a path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import time
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, send_file, url_for

from doccontrol.reports import coverage_report, masterlist
from doccontrol import service
from doccontrol.service import status, tthc
from doccontrol.service.conformity import procedure_conformity
from doccontrol.errors import NotFound, UsageError
from doccontrol.core.dates import effective_of, ingested_day
from doccontrol.core.model import ProcedureState, ProcedureStatus
from doccontrol.search import snippet_segments
from doccontrol.web import labels, present
from doccontrol.web.app import current_lang, doccontrol_error, site

bp = Blueprint("site", __name__)

MAX_FIELD = 200


def _not_found(exc: UsageError) -> Any:
    """An unknown revision is a missing page, whatever the library calls it."""
    return doccontrol_error(_as_not_found(exc))


def _as_not_found(exc: UsageError) -> UsageError:
    return exc if isinstance(exc, NotFound) else NotFound(exc.message_vi, exc.message_en)


def _timestamp_vi(value: object) -> str:
    """A time as people read it: in the workspace's time zone (``[agency] timezone``)."""
    return present.timestamp_vi(value, site().workspace.config.zone)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    try:
        return int(value) if value.strip() else None
    except ValueError:
        abort(404)


# --- search -----------------------------------------------------------------------------------------


@bp.get("/")
def search() -> Any:
    workspace = site().workspace
    form = present.search_form(request.args, workspace.config.offices)
    outcome = service.search(workspace, form.request, wait=False) if form.query else None
    more = None
    if outcome is not None and len(outcome.hits) >= form.limit and form.limit < present.MAX_LIMIT:
        more = form.args(limit=min(form.limit + present.PAGE, present.MAX_LIMIT))
    return render_template(
        "search.html", active="search", form=form, outcome=outcome, more=more,
        offices=workspace.config.offices, scopes=present.SCOPES, segments=snippet_segments,
    )


# --- a procedure ------------------------------------------------------------------------------------


@bp.get("/procedure/<path:code>")
def procedure(code: str) -> Any:
    workspace = site().workspace
    found = service.detail(workspace, code)
    state = found.state
    revisions = found.revisions
    numbers = [r.revision for r in revisions]
    shown = _int_arg("rev")
    if shown is None:
        shown = state.revision
    if shown not in numbers:
        abort(404)
    try:
        text = service.revision_text(workspace, state.code, shown)
    except UsageError as exc:
        return _not_found(exc)
    links = _linked_tthc(state)
    checked = procedure_conformity(workspace, state, [code for code, _, _ in links])
    diff_to = numbers[-1] if numbers else None
    diff_from = numbers[-2] if len(numbers) > 1 else None
    effective, effective_source = effective_of(state)
    return render_template(
        "procedure.html", active="", state=state, revisions=list(reversed(revisions)), history=found.history,
        numbers=numbers, shown=shown, text=text, links=links, diff_from=diff_from, diff_to=diff_to,
        date_vi=present.date_vi, timestamp_vi=_timestamp_vi, effective=effective,
        effective_source=effective_source, ingested=ingested_day(state), checked=checked,
    )


def _linked_tthc(state: ProcedureState) -> list[tuple[str, str, str]]:
    """(TTHC code, name from the catalog or "", link source) of a procedure, as coverage links them
    (``tthc.linked_tthc``: the procedure alone against the catalog's names, which the server keeps
    until a commit changes the catalog, its scope or the links: no coverage run, and a new commit
    elsewhere costs nothing). Codes the document cites that are not listed (a withdrawn
    procedure) are added with their catalog names."""
    workspace = site().workspace
    links = list(tthc.linked_tthc(workspace, state.code))
    known = {link[0] for link in links}
    missing = [cited for cited in state.tthc if cited not in known]
    if missing:
        catalog = service.catalog(workspace)
        for cited in missing:
            entry = catalog.get(cited)
            links.append((cited, entry.name if entry is not None else "", "document"))
    return links


@bp.get("/diff/<path:code>")
def diff(code: str) -> Any:
    workspace = site().workspace
    found = service.detail(workspace, code)
    state = found.state
    numbers = [r.revision for r in found.revisions]
    to_rev = _int_arg("to")
    from_rev = _int_arg("from")
    if to_rev is None:
        to_rev = numbers[-1]
    if from_rev is None:
        earlier = [n for n in numbers if n < to_rev]
        from_rev = earlier[-1] if earlier else to_rev
    if from_rev not in numbers or to_rev not in numbers:
        abort(404)
    try:
        unified = service.diff(workspace, state.code, from_rev, to_rev) if from_rev != to_rev else ""
    except UsageError as exc:
        return _not_found(exc)
    hunks = present.diff_hunks(unified)
    removed, added = present.diff_counts(hunks)
    return render_template(
        "diff.html", active="", state=state, numbers=numbers, from_rev=from_rev, to_rev=to_rev,
        hunks=hunks, removed=removed, added=added,
    )


@bp.get("/download/<int:rev>/<path:code>")
def download(rev: int, code: str) -> Any:
    """The original of a revision, streamed from git in chunks with its length (never whole in
    memory); an ETag (its SHA-256), conditional requests and byte ranges as ``send_file`` gives."""
    workspace = site().workspace
    try:
        then, stream = service.export_stream(workspace, code, rev)
    except UsageError as exc:
        return _not_found(exc)
    response = Response(stream, mimetype=present.content_type(then.ext), direct_passthrough=True)
    response.content_length = stream.size
    response.headers.set("Content-Disposition", "attachment", filename=present.download_name(then))
    response.cache_control.no_cache = True
    response.cache_control.max_age = 0
    response.expires = int(time.time())  # type: ignore[assignment]
    if then.sha256:
        response.set_etag(then.sha256)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    try:
        return response.make_conditional(request, accept_ranges=True, complete_length=stream.size)
    except BaseException:  # a range it cannot satisfy (416): git is stopped, the error page follows
        stream.close()
        raise


# --- the master list --------------------------------------------------------------------------------


@bp.get("/list")
def master_list() -> Any:
    workspace = site().workspace
    offices = workspace.config.offices
    office = request.args.get("office", "")
    office = office if office in offices else ""
    list_status = request.args.get("status", ProcedureStatus.CURRENT.value)
    list_status = list_status if list_status in present.LIST_STATUSES else ProcedureStatus.CURRENT.value
    sort = request.args.get("sort", "code")
    sort = sort if sort in present.SORT_KEYS else "code"
    descending = request.args.get("order") == "desc"

    def sorted_groups() -> list[tuple[masterlist.OfficeGroup, list[masterlist.MasterEntry]]]:
        # From the repository's derived state (no meta.json read), once per HEAD and choice.
        groups = masterlist.row_groups(service.procedure_rows(workspace), workspace.config, office or None, list_status)
        return present.list_groups(groups, sort, descending)

    groups = site().cached("list_groups", (office, list_status, sort, descending), sorted_groups)
    shown = present.list_page(groups, _int_arg("page") or 1, present.LIST_PAGE)
    return render_template(
        "list.html", active="list", groups=shown.groups, page=shown,
        total=sum(len(entries) for _, entries in groups), offices=offices, office=office, list_status=list_status,
        statuses=present.LIST_STATUSES, sort=sort, descending=descending, sort_keys=present.SORT_KEYS,
        today=dt.datetime.now(workspace.config.zone).date(), date_vi=present.date_vi,
    )


# --- coverage ---------------------------------------------------------------------------------------

REPORT_TYPES = {
    "text": ("txt", "text/plain; charset=utf-8"),
    "json": ("json", "application/json"),
    "csv": ("csv", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "html": ("html", "text/html; charset=utf-8"),
}
SHOWN_PARTS = ("by_office", "by_field", "uncovered", "flagged", "warnings", "internal", "decisions")


def _coverage_scope() -> tuple[str | None, str | None]:
    workspace = site().workspace
    office = request.args.get("office", "") or None
    if office is not None and office not in workspace.config.offices:
        abort(404)
    field = " ".join(request.args.get("field", "").split())[:MAX_FIELD] or None
    return office, field


def _coverage(office: str | None, field: str | None) -> service.tthc.CoverageResult:
    workspace = site().workspace
    # kept beside the repository by the follower once every page is ready (``Site.warm``)
    return site().cached("coverage", (office, field), lambda: service.coverage(workspace, office, field, keep=False))


def _missing_catalog(exc: UsageError) -> bool:
    return exc.message_en == tthc.no_catalog().message_en


@bp.get("/coverage")
def coverage() -> Any:
    workspace = site().workspace
    office, field = _coverage_scope()
    fields = sorted(workspace.config.field_offices)
    try:
        result = _coverage(office, field)
    except UsageError as exc:
        if not _missing_catalog(exc):
            raise
        return render_template(
            "coverage.html", active="coverage", result=None, missing=exc, office=office, field=field,
            offices=workspace.config.offices, fields=fields,
        )
    report, ctx = result.report, result.context

    def parts_of() -> dict[str, tuple[str, str, list[str], list[list[str]]]]:
        # the links and suggestions are only counted here (the downloads hold them): no rows made
        shown = dataclasses.replace(report, links=[], suggestions=[])
        return {key: (vi, en, headings, rows) for key, vi, en, headings, rows in coverage_report.report_parts(shown, ctx)}

    # The tables of a report are the same until the repository changes: made once; each long
    # part is shown a page at a time (``<part>_page``), as the master list is.
    parts = site().cached("coverage_parts", (office, field), parts_of)
    pages = {key: present.part_page(len(parts[key][3]), _int_arg(f"{key}_page") or 1) for key in SHOWN_PARTS}

    def page_url(key: str, number: int) -> str:
        args = {k: v for k, v in request.args.items() if k != f"{key}_page"}
        if number > 1:
            args[f"{key}_page"] = str(number)
        return url_for("site.coverage", **args) + f"#{key}"

    def render() -> str:
        return render_template(
            "coverage.html", active="coverage", result=result, report=report, missing=None, office=office,
            field=field, offices=workspace.config.offices, fields=sorted(set(fields) | {k for k in report.by_field if k}),
            parts=parts, shown_parts=SHOWN_PARTS, pages=pages, page_url=page_url,
            summary=coverage_report._summary_rows(report), flagged=report.flagged_procedures(),
            header=coverage_report._header_lines(report, ctx), legend=coverage_report.reason_legend(),
            hint=(coverage_report.HINT_VI, coverage_report.HINT_EN), formats=REPORT_TYPES,
        )

    # A page of a report is the same until the repository changes: rendered once (per language).
    shown = tuple(pages[key].number for key in SHOWN_PARTS)
    return site().cached("coverage_page", (office, field, current_lang(), shown, request.query_string), render)


@bp.get("/coverage/report.<fmt>")
def coverage_download(fmt: str) -> Any:
    if fmt not in REPORT_TYPES:
        abort(404)
    office, field = _coverage_scope()
    try:
        result = _coverage(office, field)
    except UsageError as exc:
        if _missing_catalog(exc):
            return _not_found(exc)
        raise
    rendered = coverage_report.render(result.report, fmt, result.context)
    data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
    ext, mimetype = REPORT_TYPES[fmt]
    scope = "-".join(x for x in (office, field) if x)
    name = f"bao-cao-bao-phu-tthc{'-' + scope if scope else ''}-{dt.date.today():%Y%m%d}.{ext}"
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- status -----------------------------------------------------------------------------------------


@bp.get("/status")
def status_page() -> Any:
    workspace = site().workspace
    current = status.status_of(workspace)
    index = dict(current.index)
    return render_template(
        "status.html", active="status", status=current, index=index, index_state=present.index_state(index),
        quarantined=service.quarantined_files(workspace), ingests=service.recent_ingests(workspace, 20),
        timestamp_vi=_timestamp_vi, size_vi=present.size_vi, reason_summary=present.reason_summary,
        ingest_label=_ingest_label, folder_label=_folder_label,
    )


def _ingest_label(value: object) -> Any:
    return labels.both(labels.INGEST_STATUS, str(value), current_lang())


def _folder_label(folder: object) -> Any:
    """An inbox or quarantine folder: an office's code, or what a folder of no office holds."""
    return labels.both(labels.FOLDER, str(folder), current_lang())
