"""The repository side of reports, reviews and replaced laws (an adapter: git in, plain data out).

- :func:`commit_as_of`: the commit that was the repository's state at a moment
  (``git rev-list -1 --before``), so a list or a report can be reproduced as it stood then;
- :func:`load_snapshot`: the procedures, catalog, links, reviews and replaced laws of one commit
  (``git ls-tree -r`` + one ``git cat-file --batch``), and the history's events up to it;
- :func:`confirm_review`, :func:`record_replaced_law`: the commits of ``review confirm`` and
  ``laws replaced`` (``_reviews/<slug>.json``, ``_laws/replaced.json``), under the writer lock.

The rules (due dates, which laws still count) are in ``doccontrol.review``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from doccontrol.core import catalog as cat
from doccontrol.core import coverage as cov
from doccontrol.core import review as rv
from doccontrol.core.citations import citation_key, citation_refs, parse_citation
from doccontrol.errors import UsageError
from doccontrol.repo.indexing import BlobReader
from doccontrol.core.model import ProcedureState
from doccontrol.repo.store import BRANCH, META, TEXT, Store, format_message, parse_trailers, review_path, state_from_json
from doccontrol.core.text import squash_spaces
from doccontrol.service.tthc import CATALOG_FILE, LINKS_FILE, revision_date
from doccontrol.repo.lock import writer_lock
from doccontrol.workspace import Workspace

REVIEWS_DIR = "_reviews"


# --------------------------------------------------------------------------------------------
# History


@dataclass(frozen=True)
class Event:
    """One commit of the controlled repository, as its trailers describe it."""

    commit: str
    date: dt.datetime  # author date (timezone-aware)
    action: str  # the Action trailer: ingest, withdraw, review, catalog-import, link, laws-replaced, ...
    office: str
    trailers: Mapping[str, str]
    subject: str
    body: str


def _parse_events(out: str) -> list[Event]:
    events: list[Event] = []
    for entry in out.split("\x1e"):
        entry = entry.strip("\n")
        if not entry:
            continue
        commit, date, email, message = entry.split("\x1f", 3)
        trailers = parse_trailers(message)
        paragraphs = [p for p in message.strip().split("\n\n") if p.strip()]
        body = "\n\n".join(paragraphs[1:-1]) if len(paragraphs) > 2 else ""
        events.append(
            Event(
                commit=commit,
                date=dt.datetime.fromisoformat(date),
                action=trailers.get("Action", "other"),
                office=trailers.get("Office") or email.split("@", 1)[0].upper(),
                trailers=trailers,
                subject=paragraphs[0] if paragraphs else "",
                body=body,
            )
        )
    return events


def read_events(store: Store, commit: str | None) -> list[Event]:
    """Every commit up to ``commit`` (its ancestors and itself), oldest first."""
    if not commit:
        return []
    return _parse_events(store.git("log", "--reverse", "--format=%H%x1f%aI%x1f%ae%x1f%B%x1e", commit))


def commit_as_of(store: Store, when: dt.datetime) -> str | None:
    """The newest commit made at or before ``when`` (None when the repository is younger)."""
    if store.head() is None:
        return None
    out = store.git("rev-list", "-1", f"--before=@{int(when.timestamp())}", f"refs/heads/{BRANCH}").strip()
    return out or None


def end_of_day(day: dt.date) -> dt.datetime:
    """The last second of ``day``, local time."""
    return dt.datetime.combine(day, dt.time(23, 59, 59)).astimezone()


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0, 0)).astimezone()


# --------------------------------------------------------------------------------------------
# Snapshots


@dataclass
class Snapshot:
    """The controlled repository at one commit."""

    commit: str | None
    date: dt.datetime | None  # the commit's date
    states: list[ProcedureState]  # every procedure (current and withdrawn), office then slug order
    catalog: dict[str, cat.Tthc] | None
    links: dict[str, set[str]]
    internal: set[str]
    reviews: dict[str, list[rv.ReviewRecord]]  # code key → confirmed reviews, oldest first
    laws: list[rv.ReplacedLaw]
    events: list[Event] = field(default_factory=list)  # every commit up to this one, oldest first

    def current(self) -> list[ProcedureState]:
        return [s for s in self.states if s.status == "current"]

    def committed(self) -> dict[str, dt.datetime]:
        """Code key → when its current revision was committed (its last ingest)."""
        out: dict[str, dt.datetime] = {}
        for event in self.events:
            key = event.trailers.get("Code-Key")
            if event.action == "ingest" and key:
                out[key] = event.date
        return out

    def statuses(self, months: int) -> list[rv.ReviewStatus]:
        return rv.review_statuses(self.states, self.committed(), self.reviews, self.laws, months)

    def replaced_law_details(self, months: int) -> dict[str, str]:
        """Code key → detail, for current procedures that still cite a replaced law."""
        return {s.code_key: rv.replaced_law_detail(s.replaced) for s in self.statuses(months) if s.replaced}

    def coverage(self, config_field_offices: Mapping[str, str], months: int, office: str | None = None,
                 suggest_limit: int = 0) -> cov.CoverageReport | None:
        """Coverage at this commit (None when no catalog had been imported yet)."""
        if self.catalog is None:
            return None
        infos = [cov.procedure_info(s, revision_date(s)) for s in self.states]
        return cov.compute_coverage(
            self.catalog, infos, self.links, self.internal, config_field_offices, office,
            suggest_limit=suggest_limit, replaced_law=self.replaced_law_details(months),
        )


def _ls_tree(store: Store, commit: str) -> list[str]:
    out = store.git_bytes("ls-tree", "-r", "-z", "--name-only", commit)
    return [p.decode("utf-8") for p in out.split(b"\0") if p]


def _state_from_meta(raw: bytes, text_of: Callable[[], str]) -> ProcedureState:
    """A state from a meta.json; one written before citations were read gets them from its text."""
    data = json.loads(raw.decode("utf-8"))
    state = state_from_json(raw.decode("utf-8"))
    if "citations" not in data:
        text = text_of()
        if text:
            state = dataclasses.replace(state, citations=citation_refs(text))
    return state


def load_snapshot(store: Store, commit: str | None, with_events: bool = True) -> Snapshot:
    """The repository at ``commit`` (an empty snapshot for None)."""
    if not commit:
        return Snapshot(None, None, [], None, {}, set(), {}, [], [])
    paths = _ls_tree(store, commit)
    metas = sorted(p for p in paths if p.endswith(f"/{META}") and p.count("/") == 2 and not p.startswith("_"))
    review_files = sorted(p for p in paths if p.startswith(f"{REVIEWS_DIR}/") and p.endswith(".json"))
    present = set(paths)
    states: list[ProcedureState] = []
    reviews: dict[str, list[rv.ReviewRecord]] = {}
    catalog = None
    links: dict[str, set[str]] = {}
    internal: set[str] = set()
    laws: list[rv.ReplacedLaw] = []
    with BlobReader(store.path) as blobs:
        for meta in metas:
            folder = meta.rsplit("/", 1)[0]

            def text_of(folder: str = folder) -> str:
                data = blobs.read(f"{commit}:{folder}/{TEXT}") if f"{folder}/{TEXT}" in present else None
                return data.decode("utf-8") if data else ""

            raw = blobs.read(f"{commit}:{meta}")
            if raw is not None:
                states.append(_state_from_meta(raw, text_of))
        for path in review_files:
            raw = blobs.read(f"{commit}:{path}")
            if raw is not None:
                key, records = rv.reviews_from_json(raw.decode("utf-8"))
                reviews[key] = records
        if CATALOG_FILE in present:
            raw = blobs.read(f"{commit}:{CATALOG_FILE}")
            catalog = cat.catalog_from_json(raw.decode("utf-8")) if raw is not None else None
        if LINKS_FILE in present:
            raw = blobs.read(f"{commit}:{LINKS_FILE}")
            if raw is not None:
                links, internal = cov.links_from_json(raw.decode("utf-8"))
        if rv.LAWS_FILE in present:
            raw = blobs.read(f"{commit}:{rv.LAWS_FILE}")
            if raw is not None:
                laws = rv.laws_from_json(raw.decode("utf-8"))
    date = dt.datetime.fromisoformat(store.git("log", "-1", "--format=%aI", commit).strip())
    events = read_events(store, commit) if with_events else []
    return Snapshot(commit, date, states, catalog, links, internal, reviews, laws, events)


def replaced_law_details(store: Store, months: int) -> dict[str, str]:
    """Code key → detail, for the current procedures that still cite a law recorded as replaced
    (no git reading at all while no law was ever recorded)."""
    if not (store.path / rv.LAWS_FILE).is_file():
        return {}
    return load_snapshot(store, store.head()).replaced_law_details(months)


def snapshot_as_of(store: Store, when: dt.datetime | None) -> Snapshot:
    """The repository as it stood at ``when`` (None: now, i.e. HEAD)."""
    commit = store.head() if when is None else commit_as_of(store, when)
    return load_snapshot(store, commit)


# --------------------------------------------------------------------------------------------
# Writing: confirmed reviews and replaced laws


def _now() -> int:
    return int(time.time())


def _actor(workspace: Workspace, office: str | None) -> str:
    actor = office or workspace.config.controller
    if actor not in workspace.config.offices:
        raise UsageError(f"Phòng '{actor}' chưa được khai báo.", f"Unknown office '{actor}'.")
    return actor


def load_reviews(store: Store, state: ProcedureState) -> list[rv.ReviewRecord]:
    path = store.path / review_path(state.slug)
    if not path.is_file():
        return []
    return rv.reviews_from_json(path.read_text(encoding="utf-8"))[1]


def load_laws(store: Store) -> list[rv.ReplacedLaw]:
    path = store.path / rv.LAWS_FILE
    return rv.laws_from_json(path.read_text(encoding="utf-8")) if path.is_file() else []


def confirm_review(
    workspace: Workspace, code: str, note: str, office: str | None = None, timestamp: int | None = None
) -> tuple[ProcedureState, rv.ReviewRecord, str]:
    """Record that a current procedure was reviewed and still holds: one commit, no new revision."""
    note = squash_spaces(note)
    if not note:
        raise UsageError("Cần ghi nội dung rà soát (--note).", "A note is required (--note).")
    config = workspace.config
    actor = _actor(workspace, office)
    when = timestamp if timestamp is not None else _now()
    with writer_lock(workspace.root, "review confirm"), Store(workspace.procedures) as store:
        store.recover()
        state = store.get(code)
        if actor not in (state.office, config.controller):
            raise UsageError(
                f"Phòng {actor} không được xác nhận rà soát quy trình {state.code} của phòng {state.office}.",
                f"Office {actor} may not confirm the review of {state.code}, which belongs to {state.office}.",
            )
        if state.status != "current":
            raise UsageError(
                f"Quy trình {state.code} đã bị bãi bỏ, không rà soát được.",
                f"{state.code} is withdrawn: there is nothing to review.",
            )
        record = rv.ReviewRecord(
            date=dt.datetime.fromtimestamp(when).astimezone(), office=actor, note=note, revision=state.revision
        )
        records = [*load_reviews(store, state), record]
        content = rv.reviews_to_json(state.code, state.code_key, records).encode("utf-8")
        commit = store.write_review(state, content, note, actor, config.office_name(actor), timestamp=when)
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
    workspace: Workspace,
    ref: str,
    by: Sequence[str],
    decision: str = "",
    office: str | None = None,
    timestamp: int | None = None,
) -> tuple[rv.ReplacedLaw, str]:
    """Record that a legal document was replaced or amended: one commit of ``_laws/replaced.json``."""
    config = workspace.config
    actor = _actor(workspace, office)
    normal = normal_ref(ref)
    replacing = tuple(dict.fromkeys(normal_ref(b, "--by") for b in by))
    if not replacing:
        raise UsageError("Cần ít nhất một văn bản thay thế (--by).", "Give the replacing document (--by).")
    if any(citation_key(b) == citation_key(normal) for b in replacing):
        raise UsageError("Văn bản không thể tự thay thế chính nó.", "A document cannot replace itself.")
    when = timestamp if timestamp is not None else _now()
    record = rv.ReplacedLaw(
        ref=normal, by=replacing, decision=squash_spaces(decision),
        recorded_at=dt.datetime.fromtimestamp(when).astimezone(), office=actor,
    )
    with writer_lock(workspace.root, "laws replaced"), Store(workspace.procedures) as store:
        store.recover()
        records = [*load_laws(store), record]
        message = format_message(
            f"Văn bản {normal} được thay thế, sửa đổi bởi {', '.join(replacing)}",
            {"Action": "laws-replaced", "Office": actor, "Ref": normal, "By": ", ".join(replacing),
             "Decision": record.decision or "-"},
            body=record.decision,
        )
        commit = store.commit_changes(
            {rv.LAWS_FILE: rv.laws_to_json(records).encode("utf-8")}, message, actor, config.office_name(actor),
            timestamp=when,
        )
    return record, commit
