"""The revision rules, on plain data."""

from __future__ import annotations

import pytest

from doccontrol.core.decide import commit_order, decide
from doccontrol.core.model import Action, Drop, Metadata, ProcedureState


def state(office: str = "LDVL", revision: int = 2, sha: str = "a", text: str = "ta", status: str = "current") -> ProcedureState:
    return ProcedureState(
        code="QT-01/LĐTBXH", code_key="qt-01/ldtbxh", slug="qt-01-ldtbxh", office=office, title="T",
        revision=revision, status=status, sha256=sha, text_sha256=text, source="a.docx", ext="docx",
    )


def drop(office: str = "LDVL", revision: int = 3, sha: str = "b", text: str = "tb") -> Drop:
    meta = Metadata(code="QT-01/LĐTBXH", code_key="qt-01/ldtbxh", title="T", revision=revision, revision_stated=True)
    return Drop(office=office, source_name="b.docx", ext="docx", sha256=sha, text_sha256=text, metadata=meta)


@pytest.mark.parametrize(
    ("current", "dropped", "action", "cause"),
    [
        (None, drop(), Action.NEW, None),
        (state(), drop(revision=3), Action.REVISION, None),
        (state(), drop(sha="a", text="ta", revision=2), Action.DUPLICATE, None),
        (state(), drop(sha="a", text="ta", revision=9), Action.DUPLICATE, None),  # same bytes win over the number
        (state(), drop(sha="x", text="ta", revision=3), Action.REFUSE, "same_content"),
        (state(), drop(revision=2), Action.REFUSE, "revision_not_increased"),
        (state(), drop(revision=1), Action.HISTORICAL, None),  # an older revision not yet loaded
        (state(office="NCC"), drop(office="LDVL"), Action.REFUSE, "not_owner"),
        (state(office="NCC"), drop(office="LDVL", sha="a", text="ta"), Action.REFUSE, "not_owner"),
        (state(office="NCC"), drop(office="VP", revision=3), Action.REVISION, None),  # the controller may
        (state(status="withdrawn"), drop(revision=3), Action.REVISION, None),  # a higher revision revives
        (state(status="withdrawn"), drop(revision=2), Action.REFUSE, "revision_not_increased"),
        (state(status="withdrawn"), drop(revision=1), Action.HISTORICAL, None),
        (state(revision=4), drop(revision=2), Action.REFUSE, "revision_taken"),  # lần 2 is there already
        (state(revision=4), drop(revision=2, sha="r2"), Action.DUPLICATE, None),  # lần 2's very bytes
        (state(revision=4), drop(revision=3), Action.HISTORICAL, None),
    ],
)
def test_decide(current: ProcedureState | None, dropped: Drop, action: Action, cause: str | None) -> None:
    earlier = {1: "r1", 2: "r2"} if current is not None and current.revision == 4 else {}
    decision = decide(current, dropped, controller="VP", earlier=earlier)
    assert decision.action is action
    assert (decision.reason.cause if decision.reason else None) == cause
    if decision.reason:
        assert decision.reason.message_vi and decision.reason.message_en and decision.reason.advice_vi


def test_owner_stays_with_the_creating_office_when_the_controller_revises() -> None:
    decision = decide(state(office="NCC"), drop(office="VP", revision=5), controller="VP")
    assert decision.owner == "NCC"
    assert decide(None, drop(office="VP"), controller="VP").owner == "VP"


def test_refusal_messages_name_the_numbers() -> None:
    reason = decide(state(revision=4), drop(revision=4), controller="VP").reason
    assert reason is not None
    assert "Lần ban hành phải tăng" in reason.message_vi and "04" in reason.message_vi and "05" in reason.advice_vi


def test_duplicates_name_the_revision_they_repeat() -> None:
    assert decide(state(revision=4), drop(revision=2, sha="r2"), "VP", {2: "r2"}).duplicate_of == 2
    assert decide(state(revision=4, sha="x"), drop(revision=4, sha="x"), "VP").duplicate_of == 4


def test_a_batch_is_committed_in_revision_order_per_procedure() -> None:
    keys = [("a", 3), None, ("b", 1), ("a", 1), ("a", 2), ("b", 4), ("b", 2), ("c", 1)]
    order = commit_order(keys)
    assert order == [3, 1, 2, 4, 0, 6, 5, 7]
    assert [keys[i] for i in order if keys[i] and keys[i][0] == "a"] == [("a", 1), ("a", 2), ("a", 3)]
    assert sorted(order) == list(range(len(keys)))
