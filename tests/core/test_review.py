"""The review clock and replaced laws (pure): due dates, what starts the clock, what clears a flag."""

from __future__ import annotations

import datetime as dt

import pytest

from doccontrol.core import review as rv
from doccontrol.core.model import ProcedureState

D = dt.date
TZ = dt.timezone(dt.timedelta(hours=7))


def at(y: int, m: int, d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=TZ)


def state(code: str = "QT-01", issued: D | None = None, citations: tuple[str, ...] = (), office: str = "LDVL",
          status: str = "current") -> ProcedureState:
    return ProcedureState(code=code, code_key=code.lower(), slug=code.lower(), office=office, title=f"Quy trình {code}",
                          revision=1, status=status, sha256="x", text_sha256="y", source="a.docx", ext="docx",
                          issued=issued, citations=citations)


def law(ref: str, when: dt.datetime, by: tuple[str, ...] = ("70/2023/NĐ-CP",)) -> rv.ReplacedLaw:
    return rv.ReplacedLaw(ref=ref, by=by, decision="", recorded_at=when, office="VP")


def review(when: dt.datetime, note: str = "vẫn phù hợp") -> rv.ReviewRecord:
    return rv.ReviewRecord(date=when, office="VP", note=note, revision=1)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2024, 1, 15), 12, D(2025, 1, 15)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),  # leap day: the month's last day
    (D(2024, 1, 31), 1, D(2024, 2, 29)),
    (D(2023, 1, 31), 1, D(2023, 2, 28)),
    (D(2024, 11, 30), 3, D(2025, 2, 28)),
    (D(2024, 12, 31), 6, D(2025, 6, 30)),
    (D(2024, 5, 10), 0, D(2024, 5, 10)),
    (D(2024, 5, 10), 24, D(2026, 5, 10)),
])
def test_add_months(day: D, months: int, expected: D) -> None:
    assert rv.add_months(day, months) == expected


def test_the_clock_starts_at_the_issue_date() -> None:
    s = rv.review_status(state(issued=D(2023, 3, 10)), at(2023, 4, 1), [], [], 12)
    assert (s.start, s.start_source, s.due) == (D(2023, 3, 10), "issued", D(2024, 3, 10))
    assert s.reasons(D(2024, 3, 9)) == ()
    assert s.reasons(D(2024, 3, 10)) == ("period",)
    assert s.overdue_days(D(2024, 12, 31)) == 296


def test_without_an_issue_date_the_commit_date_starts_it() -> None:
    s = rv.review_status(state(), at(2023, 6, 1), [], [], 12)
    assert (s.start, s.start_source, s.due) == (D(2023, 6, 1), "committed", D(2024, 6, 1))


def test_a_later_confirmed_review_restarts_it_an_earlier_one_does_not() -> None:
    later = rv.review_status(state(issued=D(2023, 3, 10)), at(2023, 4, 1), [review(at(2024, 2, 1))], [], 12)
    assert (later.start, later.start_source, later.due) == (D(2024, 2, 1), "review", D(2025, 2, 1))
    earlier = rv.review_status(state(issued=D(2024, 3, 10)), at(2024, 4, 1), [review(at(2024, 2, 1))], [], 12)
    assert (earlier.start, earlier.start_source) == (D(2024, 3, 10), "issued")
    assert earlier.last_review is not None and earlier.last_review.date == at(2024, 2, 1)


def test_review_months_is_used() -> None:
    s = rv.review_status(state(issued=D(2024, 1, 31)), None, [], [], 6)
    assert s.due == D(2024, 7, 31)


def test_no_date_at_all_is_due_now() -> None:
    s = rv.review_status(state(), None, [], [], 12)
    assert s.due is None and s.reasons(D(2020, 1, 1)) == ("period",)


def test_a_replaced_law_flags_procedures_that_still_cite_it() -> None:
    cited = ("45/2019/QH14", "152/2020/NĐ-CP")
    laws = [law("152/2020/NĐ-CP", at(2024, 5, 5))]
    flagged = rv.review_status(state(issued=D(2024, 2, 25), citations=cited), at(2024, 3, 1), [], laws, 12)
    assert [x.ref for x in flagged.replaced] == ["152/2020/NĐ-CP"]
    assert flagged.reasons(D(2024, 5, 6)) == ("cites_replaced_law",)
    assert flagged.urgency() == D(2024, 5, 5)
    # a revision committed after the record, or a review confirmed after it, clears the flag
    revised = rv.review_status(state(issued=D(2024, 2, 25), citations=cited), at(2024, 6, 1), [], laws, 12)
    assert revised.replaced == ()
    reviewed = rv.review_status(state(issued=D(2024, 2, 25), citations=cited), at(2024, 3, 1),
                                [review(at(2024, 6, 20))], laws, 12)
    assert reviewed.replaced == () and reviewed.reasons(D(2024, 12, 31)) == ()
    # a procedure that does not cite it is not flagged
    other = rv.review_status(state(issued=D(2024, 2, 25), citations=("61/2018/NĐ-CP",)), at(2024, 3, 1), [], laws, 12)
    assert other.replaced == ()


def test_citations_compare_by_key() -> None:
    for written in ("Nghị định 152/2020/ND-CP", "152/2020/NĐ-CP"):
        laws = [law(written, at(2024, 5, 5))]
        s = rv.review_status(state(citations=("152/2020/NĐ-CP",)), at(2024, 1, 1), [], laws, 12)
        assert len(s.replaced) == 1, written


def test_the_latest_record_of_a_document_counts() -> None:
    laws = [law("152/2020/NĐ-CP", at(2024, 1, 5)), law("152/2020/NĐ-CP", at(2024, 9, 1), ("99/2024/NĐ-CP",))]
    s = rv.review_status(state(citations=("152/2020/NĐ-CP",)), at(2023, 1, 1), [review(at(2024, 3, 1))], laws, 12)
    assert [(x.recorded_at, x.by) for x in s.replaced] == [(at(2024, 9, 1), ("99/2024/NĐ-CP",))]
    assert "99/2024/NĐ-CP" in rv.replaced_law_detail(s.replaced)


def test_due_reviews_most_overdue_first_office_filter_and_within() -> None:
    states = [
        state("QT-01", issued=D(2024, 2, 25), citations=("152/2020/NĐ-CP",)),
        state("QT-05", issued=D(2023, 3, 10), office="NCC"),
        state("QT-07", issued=D(2024, 1, 20)),
        state("QT-08", issued=D(2024, 6, 1)),
        state("QT-09", issued=D(2020, 1, 1), status="withdrawn"),
    ]
    committed = {s.code_key: at(2024, 3, 1) for s in states}
    statuses = rv.review_statuses(states, committed, {}, [law("152/2020/NĐ-CP", at(2024, 5, 5))], 12)
    assert [s.code for s in statuses] == ["QT-01", "QT-05", "QT-07", "QT-08"]  # withdrawn: never due
    today = D(2024, 12, 31)
    assert [s.code for s in rv.due_reviews(statuses, today)] == ["QT-05", "QT-01"]
    assert [s.code for s in rv.due_reviews(statuses, today, within_days=30)] == ["QT-05", "QT-01", "QT-07"]
    assert [s.code for s in rv.due_reviews(statuses, today, office="NCC")] == ["QT-05"]
    soon = rv.due_reviews(statuses, today, within_days=30)[2]
    assert soon.reasons(today) == () and soon.reasons(today, 30) == ("period",)


def test_records_round_trip_through_json() -> None:
    reviews = [review(at(2024, 6, 20), "Đã đối chiếu"), review(at(2024, 1, 2))]
    key, back = rv.reviews_from_json(rv.reviews_to_json("QT-01", "qt-01", reviews))
    assert key == "qt-01" and back == sorted(reviews, key=lambda r: r.date)
    laws = [law("152/2020/NĐ-CP", at(2024, 5, 5))]
    assert rv.laws_from_json(rv.laws_to_json(laws)) == laws
    with pytest.raises(rv.RecordError):
        rv.laws_from_json('{"format": "other"}')
    with pytest.raises(rv.RecordError):
        rv.reviews_from_json('{"format": "doccontrol.reviews", "reviews": [{"date": "not a date"}]}')
