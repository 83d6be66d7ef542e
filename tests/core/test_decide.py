"""The revision rules, on plain data."""

from __future__ import annotations

import pytest

from doccontrol.core.decide import decide
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
        (state(), drop(revision=1), Action.REFUSE, "revision_not_increased"),
        (state(office="NCC"), drop(office="LDVL"), Action.REFUSE, "not_owner"),
        (state(office="NCC"), drop(office="LDVL", sha="a", text="ta"), Action.REFUSE, "not_owner"),
        (state(office="NCC"), drop(office="VP", revision=3), Action.REVISION, None),  # the controller may
        (state(status="withdrawn"), drop(revision=3), Action.REVISION, None),  # a higher revision revives
        (state(status="withdrawn"), drop(revision=2), Action.REFUSE, "revision_not_increased"),
    ],
)
def test_decide(current: ProcedureState | None, dropped: Drop, action: Action, cause: str | None) -> None:
    decision = decide(current, dropped, controller="VP")
    assert decision.action is action
    assert (decision.reason.cause if decision.reason else None) == cause
    if decision.reason:
        assert decision.reason.message_vi and decision.reason.message_en and decision.reason.advice_vi


def test_owner_stays_with_the_creating_office_when_the_controller_revises() -> None:
    decision = decide(state(office="NCC"), drop(office="VP", revision=5), controller="VP")
    assert decision.owner == "NCC"
    assert decide(None, drop(office="VP"), controller="VP").owner == "VP"


def test_refusal_messages_name_the_numbers() -> None:
    reason = decide(state(revision=4), drop(revision=3), controller="VP").reason
    assert reason is not None
    assert "Lần ban hành phải tăng" in reason.message_vi and "04" in reason.message_vi and "05" in reason.advice_vi
