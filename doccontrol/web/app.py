"""The Flask application: configuration, language, security headers and error pages.

The site is read-only by construction: every route answers GET (and HEAD) only, no route calls
a library function that writes (``service.search`` may bring the derived search index up to the
repository, as every search does), no view reads a request body, and templates escape every value.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, Response, g, has_request_context, render_template, request
from werkzeug.exceptions import HTTPException

from doccontrol.errors import DoccontrolError, NotFound, UsageError, WorkspaceError
from doccontrol.repo.gateway import Repository
from doccontrol.core import labels as core_labels
from doccontrol.core.catalog_terms import deadline_label
from doccontrol.core.labels import effective_vi
from doccontrol.web import labels
from doccontrol.repo.lock import lock_is_held
from doccontrol.workspace import CONFIG_NAME, Workspace, load

log = logging.getLogger("doccontrol.web")

T = TypeVar("T")

CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
LANG_COOKIE = "doccontrol_lang"


class Site:
    """What the app keeps between requests: the workspace (its configuration re-read when
    ``doccontrol.toml`` changes) and a small cache of derived results keyed by the repository's
    HEAD commit, so that a result is never older than the repository."""

    def __init__(self, workspace: Workspace, cache_size: int = 48) -> None:
        self._root = workspace.root
        self._workspace = workspace
        self._config_stamp = self._stamp()
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[object, ...], object] = OrderedDict()
        self._cache_size = cache_size
        self._warming: set[tuple[object, ...]] = set()
        self._computing: dict[tuple[object, ...], threading.Event] = {}  # key → set when its computation ends

    def _stamp(self) -> tuple[int, int] | None:
        try:
            info = (self._root / CONFIG_NAME).stat()
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size

    @property
    def workspace(self) -> Workspace:
        stamp = self._stamp()
        if stamp != self._config_stamp:
            with self._lock:
                self._workspace = load(self._root)
                self._config_stamp = stamp
        return self._workspace

    def head(self) -> str:
        """The repository's HEAD commit, read once per request."""
        if has_request_context() and "doccontrol_head" in g:
            return str(g.doccontrol_head)
        head = self._head_now()
        if has_request_context():
            g.doccontrol_head = head
        return head

    def _key(self, name: str, args: tuple[object, ...]) -> tuple[object, ...]:
        return (name, args, self.head(), self._config_stamp)

    def _lookup(self, key: tuple[object, ...]) -> tuple[bool, object]:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return True, self._cache[key]
        return False, None

    def _keep(self, key: tuple[object, ...], value: object) -> None:
        """Keep ``value`` unless a writer holds the lock now or HEAD moved since the key was made."""
        if lock_is_held(self._root) or self._head_now() != key[2]:
            return
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def cached(self, name: str, args: tuple[object, ...], compute: Callable[[], T]) -> T:
        """``compute()`` once per (name, args, HEAD commit, configuration).

        Nothing is kept while a writer holds the workspace lock (the work tree may be between a
        commit and its files), nor when HEAD moved during the computation. One computation per
        key at a time: a request that asks while another thread computes it waits for its value.
        """
        if lock_is_held(self._root):
            return compute()
        key = self._key(name, args)
        while True:
            found, value = self._lookup(key)
            if found:
                if isinstance(value, DoccontrolError):  # kept by a background computation
                    raise value
                return value  # type: ignore[return-value]
            with self._lock:
                running = self._computing.get(key)
                if running is None:
                    running = self._computing[key] = threading.Event()
                    break
            running.wait(timeout=120)  # another thread computes it (e.g. :meth:`follow`): its value is ours
            with self._lock:
                if self._computing.get(key) is running:  # it never finished: compute it here
                    self._computing.pop(key, None)
        try:
            value = compute()
            self._keep(key, value)
            return value
        finally:
            with self._lock:
                self._computing.pop(key, None)
            running.set()

    def ready_or_warm(self, name: str, args: tuple[object, ...], compute: Callable[[], T]) -> T | None:
        """The value :meth:`cached` keeps for this key if it is there; else None, and the value is
        computed in a background thread (once per key) for the requests that follow. A
        :class:`DoccontrolError` raised by ``compute`` is kept as the value."""
        if lock_is_held(self._root):
            return None
        key = self._key(name, args)
        found, value = self._lookup(key)
        if found:
            return value  # type: ignore[return-value]
        with self._lock:
            if key in self._warming or key in self._computing:
                return None
            self._warming.add(key)
            running = self._computing[key] = threading.Event()  # :meth:`cached` waits for it: computed once

        def work() -> None:
            try:
                try:
                    result: object = compute()
                except DoccontrolError as exc:
                    result = exc
                self._keep(key, result)
            except Exception:  # noqa: BLE001 - a warm-up never takes the server down
                log.exception("background computation of %s failed", name)
            finally:
                with self._lock:
                    self._warming.discard(key)
                    self._computing.pop(key, None)
                running.set()

        threading.Thread(target=work, name=f"doccontrol-web-{name}", daemon=True).start()
        return None

    def _head_now(self) -> str:
        with Repository(self.workspace) as repo:
            return repo.head() or ""

    def follow(self, app: Flask, interval: float = 0.5) -> None:
        """Follow the repository (``doccontrol serve``): when HEAD moves and no writer holds the
        lock, bring what the pages read up to the new commit at once, before anyone asks —
        the derived state (the master list's and the status page's rows: what the commit
        changed), the status page's check of the index's files, then the coverage reports (whole and per office, each computed once per
        commit and kept beside the repository) and their pages. Runs until the process ends."""
        self.prepare(app)
        seen = ""
        while True:
            try:
                head = self._head_now()
                if head and head != seen and not lock_is_held(self._root):
                    self.warm(app)
                    seen = head
            except Exception:  # noqa: BLE001 - following never takes the server down
                log.exception("following the repository failed")
            time.sleep(interval)

    def prepare(self, app: Flask) -> None:
        """Compile every page's template once, before the first request of each page pays it."""
        try:
            for name in app.jinja_env.list_templates(extensions=["html"]):
                app.jinja_env.get_template(name)
        except Exception:  # noqa: BLE001 - a page compiles its template when asked
            log.exception("compiling the templates failed")

    def warm(self, app: Flask) -> None:
        """What :meth:`follow` computes for the commit at HEAD (every value kept by :meth:`cached`)."""
        from doccontrol import service

        workspace = self.workspace
        service.procedure_rows(workspace)  # the derived state, brought to HEAD in this process
        with app.test_request_context("/list"):
            app.view_functions["site.master_list"]()
        with app.test_request_context("/status"):  # the index's files checked: each new file hashed once
            app.view_functions["site.status_page"]()
        service.tthc.follow_coverage(workspace)  # what every coverage report shares, brought to HEAD
        for office in (None, *workspace.config.offices):
            path = "/coverage" + (f"?office={office}" if office else "")
            with app.test_request_context(path):
                try:
                    app.view_functions["site.coverage"]()
                except DoccontrolError:
                    return  # no catalog: nothing to compute
        for office in (None, *workspace.config.offices):  # then kept beside the repository (the CLI reads them)
            key = self._key("coverage", (office, None))
            found, value = self._lookup(key)
            if found and isinstance(value, service.tthc.CoverageResult):
                service.tthc.keep_coverage(workspace, str(key[2]), office, None, value.report)
        # What this process keeps now (procedure states, derived rows, the coverage basis) lives
        # until the next commits: out of the cyclic collector's way, so that its full passes do not
        # stop every request for a third of a second after each commit (garbage first). What was
        # frozen after the previous commit is unfrozen first: frozen cycles are never collected.
        gc.unfreeze()
        gc.collect()
        gc.freeze()


def site() -> Site:
    from flask import current_app

    return current_app.extensions["doccontrol"]  # type: ignore[no-any-return]


def create_app(workspace: Workspace | str | Path, *, testing: bool = False, warm: bool = False) -> Flask:
    """The read-only web view of ``workspace`` (a :class:`Workspace` or its folder).

    ``warm``: start reading ahead (the catalog and its names, the index of each procedure's
    commits: ``service.read_ahead``) and computing the coverage report in the background at once,
    so that the first procedure and coverage pages of a large repository do not wait for them
    (``doccontrol serve``).
    """
    if not isinstance(workspace, Workspace):
        workspace = load(Path(workspace).expanduser().resolve())
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(
        TESTING=testing,
        MAX_CONTENT_LENGTH=1024,  # nothing is ever submitted: a view that read a body would get 413
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.extensions["doccontrol"] = Site(workspace)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(
        t=_label, tp=_label_plain, status_label=_status_label, action_label=_action_label,
        source_label=lambda source: labels.both(labels.LINK_SOURCE, source, current_lang()),
        finding_label=lambda reason: labels.both(labels.FINDING, reason, current_lang()),
        deadline_label=deadline_label,
        text_origin=_text_origin, ocr_mark=lambda conf: _pair_label(core_labels.ocr_mark(conf)),
        lang_url=_lang_url, site_agency=lambda: site().workspace.config.agency,
        office_name=lambda code: site().workspace.config.office_name(code),
        effective_vi=effective_vi,
    )
    app.jinja_env.filters["basename"] = _basename

    from doccontrol.web import views

    app.register_blueprint(views.bp)
    app.before_request(_choose_language)
    app.after_request(_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
    if warm:
        from doccontrol import service

        state = app.extensions["doccontrol"]
        service.keep_readers_open()
        threading.Thread(target=service.read_ahead, args=(state.workspace,), name="doccontrol-web-read-ahead",
                         daemon=True).start()
        state.ready_or_warm("coverage", (None, None), lambda: service.coverage(state.workspace, None, None))
        threading.Thread(target=state.follow, args=(app,), name="doccontrol-web-follow", daemon=True).start()
    return app


def _pair_label(pair: tuple[str, str] | None) -> Any:
    return labels.both({"": pair}, "", current_lang()) if pair else ""


def _text_origin(state: Any) -> list[Any]:
    """How a revision's text was had (OCR and its confidence, a legacy font, a code from the name)."""
    notes = core_labels.text_origin(state.text_source, state.ocr_confidence, state.legacy_encoding,
                                    state.identity_source)
    return [_pair_label(note) for note in notes]


def _basename(path: object) -> str:
    """The last part of a path as the journal records it (``/ws/inbox/VP/QT-01.docx`` → ``QT-01.docx``)."""
    return str(path).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


# --- language ---------------------------------------------------------------------------------------


def _choose_language() -> None:
    asked = request.args.get("lang")
    if asked in labels.LANGS:
        g.lang = asked
        g.set_lang = asked
    else:
        cookie = request.cookies.get(LANG_COOKIE)
        g.lang = cookie if cookie in labels.LANGS else labels.DEFAULT_LANG


def current_lang() -> str:
    return str(getattr(g, "lang", labels.DEFAULT_LANG))


def _label(key: str) -> Any:
    return labels.both(labels.LABELS, key, current_lang())


def _label_plain(key: str) -> str:
    return labels.plain(labels.LABELS, key, current_lang())


def _status_label(status: str) -> Any:
    return labels.both(labels.STATUS, status, current_lang())


def _action_label(action: str) -> Any:
    return labels.both(labels.ACTION, action, current_lang())


def _lang_url() -> str:
    """This page in the other language."""
    other = "vi" if current_lang() == "en" else "en"
    args = request.args.to_dict()
    args["lang"] = other
    from urllib.parse import urlencode

    return f"{request.path}?{urlencode(args)}"


# --- headers ----------------------------------------------------------------------------------------


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-cache")
    if getattr(g, "set_lang", None):
        response.set_cookie(LANG_COOKIE, g.set_lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


# --- errors -----------------------------------------------------------------------------------------


def error_page(status: int, title_key: str, help_key: str = "", message_vi: str = "", message_en: str = "",
               error_id: str = "") -> tuple[str, int]:
    return render_template(
        "error.html", status=status, title_key=title_key, help_key=help_key,
        message_vi=message_vi, message_en=message_en, error_id=error_id,
    ), status


def _http_error(exc: HTTPException) -> Any:
    status = exc.code or 500
    if status == 404:
        return error_page(404, "error_404", "error_404_help")
    if status == 405:
        return error_page(405, "error_405", "error_405_help")
    if status >= 500:
        return _unexpected(exc)
    return error_page(status, "error_400", message_en=str(exc.description or exc.name))


def doccontrol_error(exc: DoccontrolError) -> tuple[str, int]:
    """A library error as a page: unknown code or revision → 404, workspace trouble → 503, else 400."""
    if isinstance(exc, NotFound):
        return error_page(404, "error_404", "error_404_help", exc.message_vi, exc.message_en)
    if isinstance(exc, WorkspaceError):
        return error_page(503, "error_503", "", exc.message_vi, exc.message_en)
    if isinstance(exc, UsageError):
        return error_page(400, "error_400", "", exc.message_vi, exc.message_en)
    return error_page(500, "error_500", "error_500_help", exc.message_vi, exc.message_en)


def _unexpected(exc: Exception) -> Any:
    if isinstance(exc, HTTPException) and (exc.code or 500) < 500:
        return _http_error(exc)
    if isinstance(exc, DoccontrolError):
        return doccontrol_error(exc)
    error_id = f"{dt.datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    log.error("error %s on %s %s", error_id, request.method, request.path, exc_info=exc)
    try:
        return error_page(500, "error_500", "error_500_help", error_id=error_id)
    except Exception:  # noqa: BLE001 - the error page itself failed: a plain page, still no traceback
        log.exception("error page failed for %s", error_id)
        body = (
            "<!DOCTYPE html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Lỗi</title>"
            f"<h1>Đã xảy ra lỗi (something went wrong)</h1><p>Mã lỗi (error id): {error_id}</p>"
        )
        return Response(body, status=500, mimetype="text/html")
