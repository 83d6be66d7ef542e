"""Document time over plain data: which revision was in force on a day, what changed in a period."""

from __future__ import annotations

import datetime as dt

from doccontrol.core.timeline import (
    INGEST,
    WITHDRAW,
    TimelineEvent,
    changes_between,
    deciding_order,
    standing_on,
)

D = dt.date


def ev(key: str, kind: str, revision: int, effective: dt.date, order: int, note: str = "") -> TimelineEvent:
    return TimelineEvent(key, kind, revision, effective, "document", order, f"c{order}", "LDVL", note=note)


# a procedure loaded in one afternoon, shuffled (lần 3 first), then lần 1 dropped a week later
LOADED = [
    ev("a", INGEST, 3, D(2024, 5, 1), 0),
    ev("a", INGEST, 2, D(2023, 4, 1), 1),
    ev("a", INGEST, 4, D(2025, 2, 1), 2),
    ev("b", INGEST, 1, D(2022, 6, 1), 3),
    ev("b", WITHDRAW, 1, D(2024, 9, 30), 4, "bãi bỏ"),
    ev("a", INGEST, 1, D(2022, 3, 1), 5),  # historical, loaded last
]


def standing(day: dt.date) -> dict[str, tuple[int, bool]]:
    return {k: (s.revision.revision, s.withdrawn) for k, s in standing_on(LOADED, day).items()}


def test_the_revision_in_force_on_each_day() -> None:
    assert standing(D(2022, 1, 1)) == {}
    assert standing(D(2022, 12, 31)) == {"a": (1, False), "b": (1, False)}
    assert standing(D(2023, 12, 31)) == {"a": (2, False), "b": (1, False)}
    assert standing(D(2024, 9, 29)) == {"a": (3, False), "b": (1, False)}
    assert standing(D(2024, 9, 30)) == {"a": (3, False), "b": (1, True)}  # withdrawn from its effective day
    assert standing(D(2025, 12, 31)) == {"a": (4, False), "b": (1, True)}


def test_a_late_older_revision_never_displaces_a_newer_one_and_a_higher_one_revives() -> None:
    late = [ev("x", INGEST, 3, D(2024, 1, 1), 0), ev("x", INGEST, 2, D(2024, 6, 1), 1)]  # dated oddly
    assert standing_on(late, D(2024, 12, 31))["x"].revision.revision == 3
    revived = [ev("x", INGEST, 1, D(2023, 1, 1), 0), ev("x", WITHDRAW, 1, D(2023, 6, 1), 1),
               ev("x", INGEST, 2, D(2024, 1, 1), 2)]
    assert standing_on(revived, D(2023, 12, 31))["x"].withdrawn
    assert not standing_on(revived, D(2024, 1, 1))["x"].withdrawn
    # a withdrawal dated before a revision of the same number does not come undone
    back = [ev("x", INGEST, 1, D(2023, 1, 1), 0), ev("x", INGEST, 2, D(2024, 3, 1), 1),
            ev("x", WITHDRAW, 2, D(2024, 1, 1), 2)]
    assert standing_on(back, D(2024, 12, 31))["x"].withdrawn


def test_changes_in_a_period_by_effective_date() -> None:
    found = changes_between(LOADED, D(2022, 1, 1), D(2022, 12, 31))
    assert [(e.code_key, e.revision) for e in found.new] == [("a", 1), ("b", 1)]
    y2024 = changes_between(LOADED, D(2024, 1, 1), D(2024, 12, 31))
    assert (y2024.new, [e.revision for e in y2024.revised], [e.code_key for e in y2024.withdrawn]) == ((), [3], ["b"])
    # lần 3 whose earlier revisions were never loaded was a revision, not a new procedure
    only_third = [ev("z", INGEST, 3, D(2024, 2, 1), 0)]
    assert changes_between(only_third, D(2024, 1, 1), D(2024, 12, 31)).revised[0].revision == 3


def test_the_deciding_commit_is_the_newest_event_that_decides() -> None:
    assert deciding_order(standing_on(LOADED, D(2022, 12, 31)).values()) == 5  # lần 1 of "a", loaded last
    assert deciding_order(standing_on(LOADED, D(2024, 9, 30)).values()) == 4
    assert deciding_order([]) is None
