"""``doccontrol province sync``: fetch every department into its read-only mirror, several at once.

Each department is fetched in a thread of a bounded pool (``[sync] jobs``, ``--jobs``), with its
own time limit; one that is unreachable or refuses is reported and skipped, the others go on. What
a fetch brought is taken only when the server's history descends from the mirror's tip and no
revision tag moved (``core.province.decide_sync``); a rewritten history (a forced push) leaves the
mirror as it was and flags the department in every sync and every view until it is accepted
(``--accept-rewritten CODE``: the old tip is kept under ``refs/province/replaced/``).

Only what changed is re-read: a department whose tip moved gets its figures recomputed (its
cache) and its procedures changed since the last sync re-indexed (``province.search``); the
others are not opened. One sync at a time per province folder (the writer lock of ``repo.lock``).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from doccontrol.core import dates
from doccontrol.core.province import Department, SyncKind, decide_sync
from doccontrol.province.home import Province, read_state, write_state
from doccontrol.repo import mirror
from doccontrol.repo.lock import writer_lock

ACCEPTED = "accepted"  # a rewritten history taken deliberately (--accept-rewritten)


@dataclass(frozen=True)
class SyncOutcome:
    code: str
    name: str
    kind: SyncKind
    previous: str | None  # the mirror's tip before
    tip: str | None  # the mirror's tip after
    incoming: str | None = None  # the server's tip (a rewritten history: the one not taken)
    commits: int = 0  # commits taken
    message: str = ""
    seconds: float = 0.0
    moved_tags: tuple[str, ...] = ()
    accepted: bool = False  # a rewritten history taken with --accept-rewritten

    @property
    def changed(self) -> bool:
        return self.tip is not None and self.tip != self.previous

    def as_json(self) -> dict[str, object]:
        return {"department": self.code, "name": self.name, "status": ACCEPTED if self.accepted else self.kind.value,
                "previous": self.previous, "tip": self.tip, "incoming": self.incoming, "commits": self.commits,
                "message": self.message, "seconds": self.seconds, "moved_tags": list(self.moved_tags)}


@dataclass
class SyncReport:
    outcomes: list[SyncOutcome] = field(default_factory=list)
    index: str = ""  # what the search index update did
    seconds: float = 0.0

    @property
    def problems(self) -> list[SyncOutcome]:
        return [o for o in self.outcomes if o.kind in (SyncKind.FAILED, SyncKind.REWRITTEN) and not o.accepted]


Progress = Callable[[int, int, SyncOutcome], None]


def _sync_one(province: Province, dept: Department, accept: bool, timeout: float | None = None) -> SyncOutcome:
    started = time.monotonic()
    path = province.mirror(dept.code)
    mirror.ensure(path)
    mirror.clear_stale_locks(path)  # left by a git command killed in an earlier sync (we hold the lock)
    previous = mirror.tip(path)
    fetched = mirror.fetch(path, dept.url, timeout or province.config.timeout, shown=previous)

    def outcome(kind: SyncKind, tip: str | None, **kw: object) -> SyncOutcome:
        return SyncOutcome(dept.code, dept.name, kind, previous, tip, seconds=round(time.monotonic() - started, 3),
                           **kw)  # type: ignore[arg-type]

    if not fetched.ok or fetched.tip is None:
        return outcome(SyncKind.FAILED, previous, message=fetched.message)
    incoming = fetched.tip
    descends = previous is None or previous == incoming or mirror.descends(path, previous, incoming)
    # an unchanged tip: its tags were not fetched (mirror.fetch), so nothing to compare
    tags = mirror.tag_refs(path) if previous is not None and previous != incoming else ({}, {})
    moved = tuple(mirror.moved_tags(path, tags))
    kind = decide_sync(previous, incoming, descends, moved)
    if kind is SyncKind.REWRITTEN and not accept:
        return outcome(kind, previous, incoming=incoming, moved_tags=moved,
                       message="lịch sử trên máy chủ đã bị viết lại (không còn chứa bản đã đồng bộ); giữ bản cũ "
                               "(the server's history was rewritten: the mirror keeps what it had)")
    if kind is SyncKind.UNCHANGED:  # its branch only was fetched: nothing else to read
        return outcome(kind, previous, incoming=incoming)
    keep_as = dt.datetime.now().strftime("%Y%m%dT%H%M%S") if kind is SyncKind.REWRITTEN else None
    commits = mirror.count_commits(path, None if kind is SyncKind.REWRITTEN else previous, incoming)
    mirror.promote(path, incoming, keep_as=keep_as)
    # the figures' code is imported only when a tip moved
    from doccontrol.province import department as dep

    dep.refresh(province, dept)  # the department's figures at its new tip, computed once
    return outcome(kind, incoming, incoming=incoming, commits=commits, moved_tags=moved,
                   accepted=kind is SyncKind.REWRITTEN,
                   message="đã chấp nhận lịch sử mới; bản cũ giữ trong refs/province/replaced/ "
                           "(the rewritten history was accepted; the old tip is kept)" if keep_as else "")


def _shown(province: Province, code: str) -> str | None:
    path = province.mirror(code)
    return mirror.tip(path) if mirror.is_mirror(path) else None


def _record(province: Province, outcomes: Iterable[SyncOutcome]) -> None:
    state = read_state(province)
    stamp = dates.now_iso()
    for o in outcomes:
        entry = dict(state.get(o.code, {}))
        entry.update({"status": ACCEPTED if o.accepted else o.kind.value, "tip": o.tip, "last_attempt": stamp,
                      "message": o.message, "incoming": o.incoming if o.kind is SyncKind.REWRITTEN else None,
                      "moved_tags": list(o.moved_tags)})
        if o.kind not in (SyncKind.FAILED, SyncKind.REWRITTEN) or o.accepted:
            entry["last_success"] = stamp
        state[o.code] = entry
    write_state(province, state)


def sync(province: Province, codes: Sequence[str] = (), jobs: int | None = None,
         accept_rewritten: Sequence[str] = (), progress: Progress | None = None,
         timeout: float | None = None) -> SyncReport:
    """Fetch the departments (all, or ``codes``), at most ``jobs`` at once, each within
    ``timeout`` seconds (default: ``[sync] timeout_seconds``); then bring the search index up to
    the new tips. ``progress(done, total, outcome)`` is called as each one ends."""
    from doccontrol.province import search as province_search

    started = time.monotonic()
    chosen = [province.department(c) for c in codes] if codes else list(province.config.departments.values())
    accept = {province.department(c).code for c in accept_rewritten}
    report = SyncReport()
    done = 0
    lock = threading.Lock()

    def run(dept: Department) -> SyncOutcome:
        nonlocal done
        try:
            result = _sync_one(province, dept, dept.code in accept, timeout)
        except Exception as exc:  # noqa: BLE001 - one department's trouble never stops the others
            result = SyncOutcome(dept.code, dept.name, SyncKind.FAILED, None, _shown(province, dept.code),
                                 message=str(exc)[:600])
        with lock:
            done += 1
            if progress is not None:
                progress(done, len(chosen), result)
        return result

    with writer_lock(province.root, "province sync"):
        with ThreadPoolExecutor(max_workers=max(1, jobs or province.config.jobs),
                                thread_name_prefix="province-sync") as pool:
            report.outcomes = list(pool.map(run, chosen))
        _record(province, report.outcomes)
        report.index = province_search.update(province)
    report.seconds = round(time.monotonic() - started, 3)
    return report
