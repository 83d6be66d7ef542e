"""Document time (pure): which revision of each procedure was in force on a day.

The repository records *when something entered it* (a commit); a procedure's life is told by
*when each revision took effect* (its effective date: ngày hiệu lực, else ngày ban hành, else the
day it was loaded) and when its withdrawal took effect. A department that loads five years of
procedures in one afternoon has every commit dated that afternoon; the list of procedures in force
at the end of 2023 must still be the one that was in force then. So every "as of a day" question
(``list --as-of``, the yearly report, reviews) is answered from these events, never from commit
times.

The rule, for one procedure, over its events that took effect on or before the day, taken in
order of effective date (then of entry into the repository):

- a revision is in force from its effective date, unless a higher-numbered one already is (a
  historical revision loaded late never displaces a newer one);
- a withdrawal ends it from its effective date;
- a revision numbered above the one that was withdrawn revives the procedure (as ingest does).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

INGEST = "ingest"
WITHDRAW = "withdraw"


@dataclass(frozen=True)
class TimelineEvent:
    """A revision or a withdrawal of one procedure, with the day it took effect."""

    code_key: str
    kind: str  # INGEST | WITHDRAW
    revision: int  # the revision committed (INGEST) or the one that was current (WITHDRAW)
    effective: dt.date
    effective_source: str  # core.model.EFFECTIVE_DOCUMENT | EFFECTIVE_INGEST
    order: int  # position in the repository's history (0 = its first commit)
    commit: str
    office: str = ""  # the owner office the commit names
    historical: bool = False  # a revision recorded after a higher one
    note: str = ""  # a withdrawal's reason


@dataclass(frozen=True)
class Standing:
    """Where one procedure stood on a day: the revision in force, and the withdrawal that ended
    it (None while it is in force)."""

    revision: TimelineEvent
    withdrawal: TimelineEvent | None = None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawal is not None

    def events(self) -> tuple[TimelineEvent, ...]:
        """The events that decide this standing."""
        return (self.revision,) if self.withdrawal is None else (self.revision, self.withdrawal)


def _in_effect_order(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    return sorted(events, key=lambda e: (e.effective, e.order))


def _standing(events: Sequence[TimelineEvent]) -> Standing | None:
    """One procedure's standing after ``events`` (already in effect order)."""
    revision: TimelineEvent | None = None
    withdrawal: TimelineEvent | None = None
    for event in events:
        if event.kind == INGEST:
            if withdrawal is not None and event.revision > withdrawal.revision:
                withdrawal = None  # a higher revision after the withdrawal revives the procedure
            if revision is None or event.revision > revision.revision:
                revision = event
        elif event.kind == WITHDRAW and revision is not None:
            withdrawal = event
    return Standing(revision, withdrawal) if revision is not None else None


def standing_on(events: Iterable[TimelineEvent], day: dt.date | None) -> dict[str, Standing]:
    """Code key → where the procedure stood at the end of ``day`` (None: with every event, however
    late it takes effect). Procedures with no revision in effect yet are absent."""
    by_key: dict[str, list[TimelineEvent]] = defaultdict(list)
    for event in events:
        if day is None or event.effective <= day:
            by_key[event.code_key].append(event)
    out: dict[str, Standing] = {}
    for key, found in by_key.items():
        standing = _standing(_in_effect_order(found))
        if standing is not None:
            out[key] = standing
    return out


@dataclass(frozen=True)
class PeriodChanges:
    """What took effect in a period: revisions that brought a procedure into existence (lần 1, or
    the earliest revision known when it is numbered 1), other revisions, withdrawals."""

    new: tuple[TimelineEvent, ...]
    revised: tuple[TimelineEvent, ...]
    withdrawn: tuple[TimelineEvent, ...]


def changes_between(events: Iterable[TimelineEvent], start: dt.date, end: dt.date) -> PeriodChanges:
    """The revisions and withdrawals that took effect from ``start`` to ``end`` (both included),
    in effect order. A revision is *new* when it is the procedure's first in effect order and is
    numbered 1; every other revision is a revision (lần 3 of a procedure whose earlier revisions
    were never loaded was still a revision when it took effect)."""
    ordered = _in_effect_order(events)
    first: dict[str, TimelineEvent] = {}
    for e in ordered:
        if e.kind == INGEST:
            first.setdefault(e.code_key, e)
    new: list[TimelineEvent] = []
    revised: list[TimelineEvent] = []
    withdrawn: list[TimelineEvent] = []
    for e in ordered:
        if not start <= e.effective <= end:
            continue
        if e.kind == WITHDRAW:
            withdrawn.append(e)
        elif first[e.code_key] is e and e.revision <= 1:
            new.append(e)
        else:
            revised.append(e)
    return PeriodChanges(tuple(new), tuple(revised), tuple(withdrawn))


def deciding_order(standings: Iterable[Standing]) -> int | None:
    """The newest repository position among the events that decide ``standings`` (None: none):
    the repository at that commit already gives the same standings."""
    orders = [e.order for s in standings for e in s.events()]
    return max(orders) if orders else None
