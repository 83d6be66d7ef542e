"""The controlled repository at one commit: procedures, catalog, links, reviews, replaced laws and
the history up to it (git in, plain data out).

- :func:`commit_as_of`: the commit that was the repository's state at a moment
  (``git rev-list -1 --before``), so a list or a report can be reproduced as it stood then;
- :func:`load_snapshot`: the repository at one commit (``git ls-tree -r`` + one
  ``git cat-file --batch``) and the history's events up to it.

The rules over a snapshot (coverage, review due dates) are in ``doccontrol.core``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from doccontrol.core import catalog as cat
from doccontrol.core import coverage as cov
from doccontrol.core import review as rv
from doccontrol.core.citations import citation_refs
from doccontrol.core.dates import revision_date
from doccontrol.core.model import ProcedureState, ProcedureStatus
from doccontrol.repo import history, layout
from doccontrol.repo.blobs import BlobReader
from doccontrol.repo.gitcmd import Git
from doccontrol.repo.history import Event
from doccontrol.repo.state_files import state_from_json

__all__ = ["Event", "Snapshot", "commit_as_of", "load_snapshot"]


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
        return [s for s in self.states if s.status == ProcedureStatus.CURRENT]

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


def commit_as_of(git: Git, when: dt.datetime) -> str | None:
    """The newest commit made at or before ``when`` (None when the repository is younger)."""
    if git.head() is None:
        return None
    out = git.run("rev-list", "-1", f"--before=@{int(when.timestamp())}", f"refs/heads/{layout.BRANCH}").strip()
    return out or None


def read_events(git: Git, commit: str | None) -> list[Event]:
    """Every commit up to ``commit`` (its ancestors and itself), oldest first."""
    if not commit:
        return []
    return history.read_log(git, "--reverse", commit)


def _ls_tree(git: Git, commit: str) -> list[str]:
    out = git.bytes("ls-tree", "-r", "-z", "--name-only", commit)
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


@dataclass
class _Files:
    """The repository files of one commit other than procedures, read through one blob reader."""

    catalog: dict[str, cat.Tthc] | None = None
    links: dict[str, set[str]] = field(default_factory=dict)
    internal: set[str] = field(default_factory=set)
    reviews: dict[str, list[rv.ReviewRecord]] = field(default_factory=dict)
    laws: list[rv.ReplacedLaw] = field(default_factory=list)


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
            states.append(_state_from_meta(raw, text_of))
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
    return files


def load_snapshot(git: Git, commit: str | None, with_events: bool = True) -> Snapshot:
    """The repository at ``commit`` (an empty snapshot for None)."""
    if not commit:
        return Snapshot(None, None, [], None, {}, set(), {}, [], [])
    paths = _ls_tree(git, commit)
    with BlobReader(git.path) as blobs:
        states = _read_states(blobs, commit, paths)
        files = _read_files(blobs, commit, paths)
    date = dt.datetime.fromisoformat(git.run("log", "-1", "--format=%aI", commit).strip())
    events = read_events(git, commit) if with_events else []
    return Snapshot(commit, date, states, files.catalog, files.links, files.internal, files.reviews, files.laws, events)
