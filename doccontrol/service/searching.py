"""Searching, and keeping the index honest: ``search``, ``reindex``, ``verify``, the index's freshness."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doccontrol.errors import WorkspaceError
from doccontrol.repo.refs import reflects_head
from doccontrol.search import Hit, IndexUnavailable, SearchBackend, SearchRequest, open_backend
from doccontrol.search.index_files import generation_stamp
from doccontrol.service.offices import office_code
from doccontrol.workspace import Workspace

if TYPE_CHECKING:  # the gateway, the index's upkeep and the integrity check are imported where used:
    # a search whose index is current needs none of them (``doccontrol search`` is timed as a whole process)
    from doccontrol.repo.gateway import Repository
    from doccontrol.repo.index_sync import Freshness, IndexReport
    from doccontrol.repo.derived import Check as DerivedCheck
    from doccontrol.repo.integrity import IntegrityReport
    from doccontrol.service.tthc import KeptCoverageCheck


@dataclasses.dataclass
class SearchOutcome:
    hits: list[Hit]
    notices: list[str]  # what was done to the index on the way (rebuilt, caught up), for people


def index_freshness(workspace: Workspace, check_files: bool = False) -> Freshness:
    """How the index stands against the repository (``check_files``: also verify its files)."""
    from doccontrol.repo.gateway import Repository

    with Repository(workspace) as repo:
        return repo.index.freshness(check_files)


BUSY_NOTICE = ("Đang có tiến trình ghi vào kho; kết quả lấy từ chỉ mục tìm kiếm gần nhất và có thể chưa gồm "
               "thay đổi mới nhất. (a writer is busy: results come from the last good index and may miss the "
               "newest change)")
UNAVAILABLE_NOTICE = ("Chỉ mục tìm kiếm chưa dùng được và đang có tiến trình ghi vào kho; hãy thử lại sau ít phút. "
                      "(the search index is unavailable while a writer is busy: try again in a few minutes)")


def _catch_up(repo: Repository, fresh: Freshness, wait: bool, notices: list[str]) -> None:
    """Bring a behind or unavailable index up to the repository (a behind one never waits for a
    writer; an unavailable one waits only when ``wait``)."""
    from doccontrol.repo.index_sync import IndexState

    try:
        timeout = None if wait and fresh.state is IndexState.UNAVAILABLE else 0
        with repo.write(None, "index", timeout=timeout) as tx:
            done = tx.catch_up_index()
        if done:
            notices.append(
                f"Chỉ mục tìm kiếm chưa khớp với kho tài liệu nên đã được cập nhật ({done}). "
                f"(the search index was behind the repository: {done})"
            )
    except WorkspaceError:
        notices.append(BUSY_NOTICE)


def _rebuild(repo: Repository, wait: bool, notices: list[str], why: Exception) -> bool:
    """Rebuild a damaged index (waiting for a writer only when ``wait``); False when a writer is busy."""
    try:
        with repo.write(None, "index", timeout=None if wait else 0) as tx:
            tx.rebuild_index()
    except WorkspaceError:
        if wait:
            raise
        notices[:] = [UNAVAILABLE_NOTICE]
        return False
    notices.append(f"Chỉ mục tìm kiếm hỏng nên đã được tạo lại. (the index was damaged and was rebuilt: {why})")
    return True


def search(workspace: Workspace, request: SearchRequest, wait: bool = True) -> SearchOutcome:
    """Search the index; bring it up to the repository first when it is behind or unreadable.

    Readers never wait for writers: if another process holds the writer lock (an ingest is
    under way), a search runs on the index as it is (the last good one: a rebuild swaps its
    new index in whole) and says so. ``wait=False`` (the web: a page never waits for the
    writer lock) also holds for an index that is missing or damaged: then the outcome has no
    hits and says to try again; the CLI (``wait=True``) waits to rebuild it.
    """
    request = dataclasses.replace(request, office=office_code(workspace, request.office))
    if reflects_head(workspace):  # the common case, decided from two small files
        try:
            return SearchOutcome(hits=_backend(workspace).search(request), notices=[])
        except IndexUnavailable:
            pass  # damaged: the whole way below rebuilds it
    return _search_checked(workspace, request, wait)


# Search engines kept open between searches of a long-lived process (the web view): its reader and
# decoded postings serve the next search while the index's files stay as they were
# (``index_files.generation_stamp``); a commit, a rebuild or a damaged file opens a new one.
_OPEN: dict[tuple[str, str], tuple[tuple[object, ...], SearchBackend]] = {}
_OPEN_MAX = 4


def _backend(workspace: Workspace) -> SearchBackend:
    key = (str(workspace.index_dir), workspace.config.search_engine)
    stamp = generation_stamp(workspace.index_dir)
    found = _OPEN.get(key)
    if found is not None and stamp is not None and found[0] == stamp:
        return found[1]
    backend = open_backend(workspace.index_dir, workspace.config.search_engine)
    if stamp is not None:
        while len(_OPEN) >= _OPEN_MAX and key not in _OPEN:
            _OPEN.pop(next(iter(_OPEN)))
        _OPEN[key] = (stamp, backend)
    return backend


def _search_checked(workspace: Workspace, request: SearchRequest, wait: bool) -> SearchOutcome:
    """The search once the index's files do not plainly show it current: freshness from the
    repository (git when needed), catching up or rebuilding as :func:`search` says."""
    from doccontrol.repo.gateway import Repository
    from doccontrol.repo.index_sync import IndexState

    notices: list[str] = []
    with Repository(workspace) as repo:
        fresh = repo.index.freshness()
        if fresh.state is not IndexState.CURRENT:
            _catch_up(repo, fresh, wait, notices)
        try:
            hits = repo.index.backend.search(request)
        except IndexUnavailable as exc:
            if not _rebuild(repo, wait, notices, exc):
                return SearchOutcome(hits=[], notices=notices)
            hits = repo.index.backend.search(request)
    return SearchOutcome(hits=hits, notices=notices)


def reindex(workspace: Workspace) -> int:
    """Rebuild the index from the repository (searches keep working on the old one meanwhile)."""
    from doccontrol.repo.gateway import Repository

    with Repository(workspace) as repo, repo.write(None, "reindex") as tx:
        return tx.rebuild_index()


@dataclasses.dataclass
class VerifyReport:
    index: IndexReport
    integrity: IntegrityReport
    derived: DerivedCheck | None = None  # the derived state kept beside the repository (repo.derived)
    coverage: KeptCoverageCheck | None = None  # the coverage reports kept for HEAD (service.tthc)

    @property
    def healthy(self) -> bool:
        return (self.index.healthy and self.integrity.clean and (self.derived is None or self.derived.clean)
                and (self.coverage is None or self.coverage.clean))

    def as_json(self) -> dict[str, object]:
        derived = None if self.derived is None else {
            "kept": self.derived.kept, "clean": self.derived.clean, "differences": list(self.derived.differences),
            "rewritten": self.derived.rewritten}
        coverage = None if self.coverage is None else {
            "checked": self.coverage.checked, "clean": self.coverage.clean, "differing": list(self.coverage.differing)}
        return {"healthy": self.healthy, "index": self.index.as_json(), "integrity": self.integrity.as_json(),
                "derived": derived, "coverage": coverage}


def verify(workspace: Workspace, repair: bool = False) -> VerifyReport:
    """Compare the index with the repository and check every revision's bytes; optionally repair the index."""
    from doccontrol.repo.gateway import Repository
    from doccontrol.repo.integrity import check_revisions

    with Repository(workspace) as repo:
        index_report = repo.index.compare()
        if repair and not index_report.healthy:
            with repo.write(None, "verify --repair") as tx:
                tx.rebuild_index()
            before = index_report
            index_report = repo.index.compare()
            index_report.repaired = (
                f"rebuilt: {len(before.missing)} missing, {len(before.stale)} stale, {len(before.extra)} extra, "
                f"{len(before.problems)} problem(s) before"
            )
        integrity_report = check_revisions(repo)
        derived_check = repo.check_derived()
    from doccontrol.service.tthc import check_kept_coverage

    return VerifyReport(index=index_report, integrity=integrity_report, derived=derived_check,
                        coverage=check_kept_coverage(workspace))
