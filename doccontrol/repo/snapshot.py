"""The controlled repository read as plain data (git in, plain data out), two ways:

- :func:`load_snapshot`: the repository *as it stood at one commit* (``git ls-tree -r`` + one
  ``git cat-file --batch``) and the history's events up to it: what ``list`` and ``coverage``
  read now, and what any past commit reproduces exactly;
- :func:`load_in_force`: *the procedures in force on a day*, by document time: each procedure at
  the revision that was in effect then (``core.timeline``, from every revision's and
  withdrawal's effective date, however late it was loaded), with the catalog, links, scope,
  field map, reviews and laws as the repository knew them at that day's end (the newest commit
  made by then, :func:`commit_as_of`). It names the commit that decides it (:attr:`Snapshot.commit`):
  the same call on the repository at that commit gives the same snapshot, and commits made
  later change it only when they change what was in force that day (an older revision loaded
  late, a withdrawal dated back).

Revisions and withdrawals carry their effective date in their trailers; for commits written before
that was recorded it is read from the revision's metadata (:func:`event_effective`).

The rules over a snapshot (coverage, review due dates) are in ``doccontrol.core``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from doccontrol.core import catalog as cat
from doccontrol.core import conformity as conf
from doccontrol.core import coverage as cov
from doccontrol.core import dates
from doccontrol.core import review as rv
from doccontrol.core import timeline as tl
from doccontrol.core.citations import citation_refs
from doccontrol.core.dates import revision_date
from doccontrol.core.organisation import Organisation, field_offices, organisation_from_json
from doccontrol.core.scope import CatalogScope, scope_from_json
from doccontrol.core.model import EFFECTIVE_DOCUMENT, EFFECTIVE_INGEST, ProcedureState, ProcedureStatus, RevisionRecord
from doccontrol.repo import history, layout, messages
from doccontrol.repo.blobs import BlobReader
from doccontrol.repo.gitcmd import Git
from doccontrol.repo.history import Event
from doccontrol.repo.state_files import state_from_json

__all__ = ["Event", "Snapshot", "commit_as_of", "event_effective", "load_in_force", "load_snapshot",
           "revision_record", "timeline_events"]


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
    timeline: list[tl.TimelineEvent] = field(default_factory=list)  # revisions and withdrawals, effective dates
    scope: CatalogScope = field(default_factory=CatalogScope)  # the catalog's scope
    organisation: Organisation = field(default_factory=Organisation)  # offices' names, fields → offices
    day: dt.date | None = None  # for the procedures in force on a day: that day
    entered: dict[str, dt.datetime] | None = None  # code key → when the revision in force was committed

    def current(self) -> list[ProcedureState]:
        return [s for s in self.states if s.status == ProcedureStatus.CURRENT]

    def committed(self) -> dict[str, dt.datetime]:
        """Code key → when its current revision was committed (its last ingest in order; a
        historical revision loaded later does not count)."""
        if self.entered is not None:
            return dict(self.entered)
        out: dict[str, dt.datetime] = {}
        for event in self.events:
            key = event.trailers.get("Code-Key")
            if event.action == messages.INGEST and key and not event.historical:
                out[key] = event.date
        return out

    def infos(self) -> list[cov.ProcedureInfo]:
        """What coverage and the conformity checks know of every procedure (its last confirmed
        review from this snapshot's reviews)."""
        return [cov.procedure_info(s, revision_date(s), _last_review(self.reviews.get(s.code_key)))
                for s in self.states]

    def statuses(self, months: int, conformity: conf.Settings | None = None) -> list[rv.ReviewStatus]:
        """The review status of every current procedure; with ``conformity``, what the conformity
        checks find on it too (``core.conformity``: needs the catalog)."""
        findings = None
        if conformity is not None and self.catalog is not None:
            findings = cov.conformity_findings(self.catalog, self.infos(), self.links, self.internal, self.scope,
                                               conformity)
        return rv.review_statuses(self.states, self.committed(), self.reviews, self.laws, months, findings)

    def replaced_law_details(self, months: int) -> dict[str, str]:
        """Code key → detail, for current procedures that still cite a replaced law."""
        return {s.code_key: rv.replaced_law_detail(s.replaced) for s in self.statuses(months) if s.replaced}

    def coverage(self, config_field_offices: Mapping[str, str], months: int, office: str | None = None,
                 suggest_limit: int = 0, conformity: conf.Settings | None = None) -> cov.CoverageReport | None:
        """Coverage at this commit (None when no catalog had been imported yet): the catalog's
        scope and field map of this commit (``[fields]`` of doccontrol.toml filling in)."""
        if self.catalog is None:
            return None
        return cov.compute_coverage(
            self.catalog, self.infos(), self.links, self.internal, field_offices(self.organisation, config_field_offices),
            office,
            suggest_limit=suggest_limit, replaced_law=self.replaced_law_details(months), catalog_scope=self.scope,
            conformity=conformity,
        )


def _last_review(records: list[rv.ReviewRecord] | None) -> dt.datetime | None:
    return max((r.date for r in records), default=None) if records else None


def commit_as_of(git: Git, when: dt.datetime, head: str | None = None) -> str | None:
    """The newest commit made at or before ``when`` (by commit time; ``head``: among the ancestors
    of that commit, default the branch). None when the repository is younger."""
    if git.head() is None:
        return None
    out = git.run("rev-list", "-1", f"--before=@{int(when.timestamp())}",
                  head or f"refs/heads/{layout.BRANCH}").strip()
    return out or None


# --- effective dates of revisions and withdrawals ------------------------------------------------


def needs_meta_for_effective(event: Event) -> bool:
    """A revision committed before its effective date was recorded in its trailers."""
    return event.action == messages.INGEST and event.effective is None


def _meta_at(blobs: BlobReader, event: Event) -> ProcedureState | None:
    """The metadata a revision commit wrote (its historical folder first, then the procedure's)."""
    slug = event.trailers.get("Slug")
    if not slug:
        return None
    folder = layout.procedure_dir(event.trailers.get("Owner") or event.office, slug)
    for home in (layout.history_dir(folder, event.revision),) if event.historical else (folder,):
        raw = blobs.read(f"{event.commit}:{layout.meta_path(home)}")
        if raw is not None:
            return state_from_json(raw.decode("utf-8"))
    return None


def event_effective(event: Event, blobs: BlobReader | None) -> tuple[dt.date, str]:
    """When a revision or withdrawal took effect, and the source of that date: its trailers; for an
    older revision commit, its metadata (``blobs`` reads it); else the day it was committed."""
    if event.effective is not None:
        return event.effective, event.effective_source or EFFECTIVE_DOCUMENT
    if event.action == messages.INGEST and blobs is not None:
        then = _meta_at(blobs, event)
        if then is not None:
            day, source = dates.effective_date(then.issued, then.effective, event.date.date())
            if day is not None:
                return day, source
    return event.date.date(), EFFECTIVE_INGEST


def revision_record(event: Event, blobs: BlobReader | None) -> RevisionRecord:
    """A procedure's history entry, a revision or withdrawal with its effective date."""
    record = history.revision_record(event)
    if event.action not in (messages.INGEST, messages.WITHDRAW):
        return record
    day, source = event_effective(event, blobs)
    return dataclasses.replace(record, effective=day, effective_source=source)


def timeline_events(events: list[Event], blobs: BlobReader | None) -> list[tl.TimelineEvent]:
    """The revisions and withdrawals among ``events`` (in repository order) with their effective dates."""
    out: list[tl.TimelineEvent] = []
    for order, event in enumerate(events):
        key = event.trailers.get("Code-Key")
        if not key or event.action not in (messages.INGEST, messages.WITHDRAW):
            continue
        day, source = event_effective(event, blobs)
        kind = tl.INGEST if event.action == messages.INGEST else tl.WITHDRAW
        out.append(tl.TimelineEvent(
            code_key=key, kind=kind, revision=event.revision, effective=day, effective_source=source, order=order,
            commit=event.commit, office=event.trailers.get("Owner") or event.office, historical=event.historical,
            note=event.body if kind == tl.WITHDRAW else "",
        ))
    return out


def read_events(git: Git, commit: str | None) -> list[Event]:
    """Every commit up to ``commit`` (its ancestors and itself), oldest first."""
    if not commit:
        return []
    return history.read_log(git, "--reverse", commit)


def _ls_tree(git: Git, commit: str) -> list[str]:
    out = git.bytes("ls-tree", "-r", "-z", "--name-only", commit)
    return [p.decode("utf-8") for p in out.split(b"\0") if p]


def state_from_meta(raw: bytes, text_of: Callable[[], str]) -> ProcedureState:
    """A state from a meta.json; one written before citations were read gets them from its text."""
    data = json.loads(raw.decode("utf-8"))
    state = state_from_json(raw.decode("utf-8"))
    if "citations" not in data:
        text = text_of()
        if text:
            state = dataclasses.replace(state, citations=citation_refs(text))
    return state


@dataclass
class _Files:
    """The repository files of one commit other than procedures, read through one blob reader."""

    catalog: dict[str, cat.Tthc] | None = None
    links: dict[str, set[str]] = field(default_factory=dict)
    internal: set[str] = field(default_factory=set)
    reviews: dict[str, list[rv.ReviewRecord]] = field(default_factory=dict)
    laws: list[rv.ReplacedLaw] = field(default_factory=list)
    scope: CatalogScope = field(default_factory=CatalogScope)
    organisation: Organisation = field(default_factory=Organisation)


def _read_states(blobs: BlobReader, commit: str, paths: list[str]) -> list[ProcedureState]:
    present = set(paths)
    states: list[ProcedureState] = []
    for meta in sorted(p for p in paths if layout.is_meta(p)):
        folder = meta.rsplit("/", 1)[0]

        def text_of(folder: str = folder) -> str:
            path = layout.text_path(folder)
            data = blobs.read(f"{commit}:{path}") if path in present else None
            return data.decode("utf-8") if data else ""

        raw = blobs.read(f"{commit}:{meta}")
        if raw is not None:
            states.append(state_from_meta(raw, text_of))
    return states


def _read_files(blobs: BlobReader, commit: str, paths: list[str]) -> _Files:
    present = set(paths)
    files = _Files()

    def text(path: str) -> str | None:
        raw = blobs.read(f"{commit}:{path}") if path in present else None
        return raw.decode("utf-8") if raw is not None else None

    for path in sorted(p for p in paths if p.startswith(f"{layout.REVIEWS_DIR}/") and p.endswith(".json")):
        if (content := text(path)) is not None:
            key, records = rv.reviews_from_json(content)
            files.reviews[key] = records
    if (content := text(layout.CATALOG_FILE)) is not None:
        files.catalog = cat.catalog_from_json(content)
    if (content := text(layout.LINKS_FILE)) is not None:
        files.links, files.internal = cov.links_from_json(content)
    if (content := text(layout.LAWS_FILE)) is not None:
        files.laws = rv.laws_from_json(content)
    if (content := text(layout.SCOPE_FILE)) is not None:
        files.scope = scope_from_json(content)
    if (content := text(layout.ORGANISATION_FILE)) is not None:
        files.organisation = organisation_from_json(content)
    return files


def load_snapshot(git: Git, commit: str | None, with_events: bool = True) -> Snapshot:
    """The repository at ``commit`` (an empty snapshot for None)."""
    if not commit:
        return Snapshot(None, None, [], None, {}, set(), {}, [], [])
    paths = _ls_tree(git, commit)
    with BlobReader(git.path) as blobs:
        states = _read_states(blobs, commit, paths)
        files = _read_files(blobs, commit, paths)
    date = dt.datetime.fromisoformat(git.run("log", "-1", "--format=%cI", commit).strip())
    events = read_events(git, commit) if with_events else []
    return Snapshot(commit, date, states, files.catalog, files.links, files.internal, files.reviews, files.laws, events,
                    scope=files.scope, organisation=files.organisation)


def _standing_state(blobs: BlobReader, events: list[Event], standing: tl.Standing) -> ProcedureState | None:
    """A procedure's state on the day: the metadata of its revision in force, with its status then."""
    revision = events[standing.revision.order]
    then = _meta_at(blobs, revision)
    if then is None:
        return None
    if standing.withdrawal is None:
        return dataclasses.replace(then, status=ProcedureStatus.CURRENT, withdrawn_reason="", withdrawn_at="",
                                   withdrawn_effective=None)
    withdrawal = events[standing.withdrawal.order]
    return dataclasses.replace(then, status=ProcedureStatus.WITHDRAWN, withdrawn_reason=withdrawal.body,
                               withdrawn_at=withdrawal.date.isoformat(), withdrawn_effective=standing.withdrawal.effective)


def load_in_force(git: Git, day: dt.date, head: str | None = None, events: list[Event] | None = None) -> Snapshot:
    """The procedures in force (and withdrawn) at the end of ``day`` by their effective dates, read
    from the repository at ``head`` (default HEAD); the other files as the repository held them at
    that day's end (module docstring). ``commit``: the commit that decides it. ``events``: the
    history up to ``head`` when the caller has it already (``read_events(git, head)``, e.g. a kept
    snapshot's ``events``): not read again."""
    head = head or git.head()
    if not head:
        return Snapshot(None, None, [], None, {}, set(), {}, [], [], day=day, entered={})
    if not events or events[-1].commit != head:
        events = read_events(git, head)
    files_commit = commit_as_of(git, dates.end_of_day(day), head)
    with BlobReader(git.path) as blobs:
        timeline = timeline_events(events, blobs)
        standings = tl.standing_on(timeline, day)
        found = [(key, _standing_state(blobs, events, s)) for key, s in standings.items()]
        files = _read_files(blobs, files_commit, _ls_tree(git, files_commit)) if files_commit else _Files()
    states = sorted((state for _, state in found if state is not None),
                    key=lambda st: layout.meta_path(layout.procedure_dir(st.office, st.slug)))
    orders = [o for o in (tl.deciding_order(standings.values()),
                          next((i for i, e in enumerate(events) if e.commit == files_commit), None)) if o is not None]
    deciding = events[max(orders)] if orders else None
    entered = {key: events[s.revision.order].date for key, s in standings.items()}
    return Snapshot(deciding.commit if deciding else None, deciding.date if deciding else None, states, files.catalog,
                    files.links, files.internal, files.reviews, files.laws, events, timeline=timeline, day=day,
                    entered=entered, scope=files.scope, organisation=files.organisation)
