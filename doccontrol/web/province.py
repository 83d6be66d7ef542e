"""The province's read-only web view (``doccontrol province serve``): a department menu; search over
every department; the province's coverage and each department's; the master lists.

The same guarantees as the department's site (``web.app``): GET and HEAD only, no request body
(served by ``cli.serve.run_server``, whose limits refuse one with 413), every value escaped by the templates, the same security headers and error pages. The
province's figures are computed by ``doccontrol.province`` (from the mirrors, through the
department's own functions) and kept per sync: a result is keyed by the sync state's stamp, so it
is never older than the mirrors. A search never waits for a sync: when the index is behind and a
sync holds the lock, it answers from the index as it is and says so.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Flask, abort, render_template, request, url_for

from doccontrol.errors import UsageError, WorkspaceError
from doccontrol.province import figures
from doccontrol.province import search as province_search
from doccontrol.province.home import Province, load, read_state
from doccontrol.reports import coverage_report as cr
from doccontrol.reports import province as writers
from doccontrol.search import SearchRequest, open_backend, snippet_segments
from doccontrol.core.labels import percent_vi
from doccontrol.web.app import _choose_language, _headers

T = TypeVar("T")
bp = Blueprint("province", __name__)


class ProvinceSite:
    """The province folder and the results computed since the last sync (keyed by its stamp)."""

    def __init__(self, province: Province) -> None:
        self.root = province.root
        self._province = province
        self._lock = threading.Lock()
        self._cache: dict[tuple[object, ...], object] = {}
        self._stamp: tuple[int, int, int] | None = None

    def stamp(self) -> tuple[int, int, int]:
        """Changes with every sync (its state file) and every edit of province.toml."""
        def one(path: os.PathLike[str]) -> tuple[int, int]:
            try:
                info = os.stat(path)
            except OSError:
                return (0, 0)
            return info.st_mtime_ns, info.st_size
        state, config = one(self._province.state_path), one(self._province.config_path)
        return state[0], state[1] ^ config[1], config[0]

    @property
    def province(self) -> Province:
        stamp = self.stamp()
        with self._lock:
            if stamp != self._stamp:
                if self._stamp is not None and stamp[2] != self._stamp[2]:
                    self._province = load(self.root)
                self._cache.clear()
                self._stamp = stamp
            return self._province

    def cached(self, name: str, args: tuple[object, ...], compute: Callable[[], T]) -> T:
        province = self.province
        key = (name, args)
        with self._lock:
            if key in self._cache:
                return self._cache[key]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            if self._province is province:
                self._cache[key] = value
        return value


def site() -> ProvinceSite:
    from flask import current_app

    return current_app.extensions["doccontrol-province"]  # type: ignore[no-any-return]


def _page(template: str, **values: Any) -> str:
    province = site().province
    state = read_state(province)
    flags = {code: entry.get("status") for code, entry in state.items() if entry.get("status") in ("rewritten", "failed")}
    warnings = values.pop("warnings", None)
    if warnings is None:
        warnings = [writers.DepartmentPart(c, d.name, str(state.get(c, {}).get("status") or "never"),
                                           str(state.get(c, {}).get("message") or ""), "").warning
                    for c, d in province.config.departments.items() if c in flags]
    return render_template(template, province_name=province.config.name,
                           departments=list(province.config.departments.values()), flags=flags,
                           warnings=[w for w in warnings if w], department=values.pop("department", None), **values)


def _department(code: str | None) -> Any:
    if not code:
        return None
    try:
        return site().province.department(code)
    except UsageError:
        abort(404)


@bp.get("/")
def search() -> Any:
    q = request.args.get("q", "").strip()[:500]
    selected = _department(request.args.get("department"))
    hits: list[Any] = []
    notices: list[str] = []
    if q:
        province = site().province
        search_request = SearchRequest(query=q, department=selected.code if selected else None,
                                       office=request.args.get("office") or None, limit=50)
        try:
            found = province_search.search(province, search_request, wait=False)
            hits, notices = found.hits, found.notices
        except WorkspaceError as exc:
            notices = [exc.message_vi]
            hits = open_backend(province.index_dir, province.config.engine).search(search_request)
    names = {c: d.name for c, d in site().province.config.departments.items()}
    return _page("province/search.html", active="search", q=q, hits=hits, notices=notices, names=names,
                 selected=selected.code if selected else "", segments=snippet_segments)


@bp.get("/coverage")
def coverage() -> Any:
    pc = site().cached("coverage", (), lambda: figures.coverage(site().province))
    header = [("Tỉnh (province)", pc.province),
              ("Tỷ lệ toàn tỉnh (province coverage)", f"{percent_vi(pc.percent)} ({pc.covered}/{pc.total})"),
              ("Quy trình cần xem xét (to review)", str(pc.flagged_count))]
    return _page("province/tables.html", active="coverage", title_vi="Bao phủ TTHC toàn tỉnh",
                 title_en="Coverage, every department", header=header, parts=writers.parts(pc))


PAGE_ROWS = 500  # rows of a master list on one page (the whole list is a download: /list.csv)


def _lists(code: str | None) -> list[figures.DepartmentList]:
    """The master list of one department (or of every one), each department's kept until the next
    sync (the list of every department warms each department's page, and the other way round)."""
    codes = [code] if code else list(site().province.config.departments)
    return [one for c in codes
            for one in site().cached("list", (c,), lambda c=c: figures.master_lists(site().province, c))]


def _list_rows(code: str | None) -> list[list[str]]:
    """The master list's rows of one department (or of every one), kept until the next sync."""
    return site().cached("list-rows", (code,),
                         lambda: writers.list_rows([(d.part, d.master, d.problem) for d in _lists(code)]))


def _pager(code: str | None, total: int, page: int) -> dict[str, Any]:
    """Which rows a page shows and the links to the pages around it."""
    pages = max(1, -(-total // PAGE_ROWS))
    page = min(max(1, page), pages)

    def link(n: int) -> str:
        return url_for("province.master_list", department=code, page=n if n > 1 else None)

    return {"page": page, "pages": pages, "first": (page - 1) * PAGE_ROWS, "total": total,
            "previous": link(page - 1) if page > 1 else None, "next": link(page + 1) if page < pages else None}


@bp.get("/department/<code>")
def department(code: str) -> Any:
    dept = _department(code)
    pc = site().cached("coverage", (), lambda: figures.coverage(site().province))
    row = next((d for d in pc.departments if d.part.code == dept.code), None)
    header = [("Sở (department)", dept.name), ("Mã (code)", dept.code),
              ("Đồng bộ (sync)", writers.STATUS_VI.get(row.part.status, row.part.status) if row else "—"),
              ("Lần đồng bộ thành công (last success)", row.part.last_success if row else "—"),
              ("Commit", (row.commit or "—") if row else "—")]
    parts: list[Any] = []
    if row is not None and row.report is not None:
        header += [(k, v) for k, v in cr._summary_rows(row.report)]
        keep = ("by_office", "by_field", "uncovered", "flagged")
        parts = [p for p in cr.report_parts(row.report, row.context or cr.ReportContext()) if p[0] in keep]
    elif row is not None:
        header.append(("Số liệu (figures)", row.problem))
    rows = _list_rows(dept.code)
    pager = None
    if rows:
        parts.append(("list", "Danh mục quy trình đang áp dụng", "Master list", writers.LIST_HEADINGS[1:],
                      [r[1:] for r in rows[:PAGE_ROWS]]))
        pager = _pager(dept.code, len(rows), 1)
    return _page("province/tables.html", active="department", department=dept, title_vi=dept.name,
                 title_en=f"Department {dept.code}", header=header, parts=parts, pager=pager,
                 downloads=[("CSV", url_for("province.master_list_csv", department=dept.code))] if rows else [])


def _page_number() -> int:
    try:
        return int(request.args.get("page", "1"))
    except ValueError:
        abort(404)


@bp.get("/list")
def master_list() -> Any:
    """The province's master list, one page of ``PAGE_ROWS`` rows at a time, of every department
    or of one (``?department=``); the whole of it is a download (``/list.csv``)."""
    selected = _department(request.args.get("department"))
    code = selected.code if selected else None
    lists = _lists(None)
    summary = [[d.part.label, str(d.master.total) if d.master else "—", d.problem] for d in lists]
    rows = _list_rows(code)
    pager = _pager(code, len(rows), _page_number())
    shown = rows[pager["first"]:pager["first"] + PAGE_ROWS]
    parts = [("by_department", "Theo sở", "By department", ["Sở (department)", "Quy trình (procedures)", ""], summary),
             ("list", "Danh mục quy trình đang áp dụng", "Master list", writers.LIST_HEADINGS, shown)]
    return _page("province/tables.html", active="list", department=selected,
                 title_vi="Danh mục tài liệu toàn tỉnh" if selected is None else f"Danh mục tài liệu — {selected.name}",
                 title_en="The province's master list", header=[], parts=parts, pager=pager,
                 downloads=[("CSV", url_for("province.master_list_csv", department=code))])


@bp.get("/list.csv")
def master_list_csv() -> Any:
    """The whole master list (of every department, or of one), as ``province list --format csv``."""
    from flask import Response

    selected = _department(request.args.get("department"))
    code = selected.code if selected else None

    def compute() -> bytes:
        data = writers.render_list([(d.part, d.master, d.problem) for d in _lists(code)], site().province.config.name,
                                   "csv")
        return data if isinstance(data, bytes) else data.encode("utf-8")

    name = f"danh-muc-{code.lower()}.csv" if code else "danh-muc-toan-tinh.csv"
    return Response(site().cached("list-csv", (code,), compute), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def create_province_app(province: Province, *, testing: bool = False) -> Flask:
    """The province's read-only web view."""
    app = Flask("doccontrol.web", static_folder="static", template_folder="templates")
    app.config.update(TESTING=testing, MAX_CONTENT_LENGTH=1024, SEND_FILE_MAX_AGE_DEFAULT=3600,
                      TEMPLATES_AUTO_RELOAD=False)
    app.extensions["doccontrol-province"] = ProvinceSite(province)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.register_blueprint(bp)
    app.before_request(_choose_language)
    app.after_request(_headers)
    app.register_error_handler(Exception, _province_error)
    return app


def _province_error(exc: Exception) -> Any:
    from werkzeug.exceptions import HTTPException

    if isinstance(exc, HTTPException) and (exc.code or 500) < 500:
        return _plain_error(exc.code or 400)
    return _unexpected_plain(exc)


def _plain_error(status: int) -> Any:
    from flask import Response

    text = {404: "Không tìm thấy trang (not found)", 405: "Trang chỉ đọc (read-only: GET only)",
            413: "Không nhận dữ liệu gửi lên (no request body)",
            500: "Đã xảy ra lỗi (something went wrong)"}.get(status, "Yêu cầu không hợp lệ (bad request)")
    return Response(f"<!DOCTYPE html><html lang=\"vi\"><meta charset=\"utf-8\"><title>{status}</title><h1>{text}</h1>",
                    status=status, mimetype="text/html")


def _unexpected_plain(exc: Exception) -> Any:
    import logging

    logging.getLogger("doccontrol.web").error("province page failed: %r", exc, exc_info=exc)
    return _plain_error(500) if not isinstance(exc, UsageError) else _plain_error(400)


