"""The revision rules (pure): what a dropped file does to the controlled set."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from doccontrol.core.model import Action, Decision, Drop, ProcedureState, Reason, Stage


def may_change(office: str, owner: str, controller: str) -> bool:
    """The ownership rule: an office changes (revises, withdraws, reviews) its own procedures;
    the document controller office changes any office's."""
    return office in (owner, controller)


def needs_earlier(current: ProcedureState | None, drop: Drop) -> bool:
    """Whether :func:`decide` needs the procedure's earlier revisions for ``drop``: only when its
    number is not above the current one (a higher number can hold no earlier revision's bytes)."""
    return current is not None and drop.metadata.revision <= current.revision


def decide(current: ProcedureState | None, drop: Drop, controller: str,
           earlier: Mapping[int, str] | None = None) -> Decision:
    """Decide what to do with ``drop`` given the procedure's ``current`` state (None if new) and
    ``earlier``: revision number → sha256 of its other revisions (needed when
    :func:`needs_earlier`; empty otherwise).

    - a new code: a new procedure, owned by the dropping office;
    - a code owned by another office: refused, unless the dropping office is the controller;
    - identical bytes to the current revision, or to an earlier one: a duplicate (nothing to commit);
    - identical text, other bytes (a re-save): refused, "trùng nội dung";
    - a higher revision: a new revision (also revives a withdrawn procedure);
    - a lower revision the procedure does not have yet: a historical revision (recorded, never
      current: a department loading its history, lần 2 after lần 3);
    - a revision number it already has, with other content: refused (the current number: the
      revision must increase; an earlier one: that revision is already controlled).
    """
    if current is None:
        return Decision(Action.NEW, owner=drop.office)
    if not may_change(drop.office, current.office, controller):
        return Decision(Action.REFUSE, reason=not_owner(current, drop), owner=current.office)
    if drop.sha256 == current.sha256:
        return Decision(Action.DUPLICATE, owner=current.office, duplicate_of=current.revision)
    known = earlier or {}
    same_bytes = [revision for revision, sha in known.items() if sha == drop.sha256]
    if same_bytes:
        return Decision(Action.DUPLICATE, owner=current.office, duplicate_of=same_bytes[0])
    if drop.text_sha256 == current.text_sha256:
        return Decision(Action.REFUSE, reason=same_content(current), owner=current.office)
    stated = drop.metadata.revision
    if stated > current.revision:
        return Decision(Action.REVISION, owner=current.office)
    if stated < current.revision and stated not in known:
        return Decision(Action.HISTORICAL, owner=current.office)
    if stated < current.revision:
        return Decision(Action.REFUSE, reason=revision_taken(current, drop), owner=current.office)
    return Decision(Action.REFUSE, reason=revision_not_increased(current, drop), owner=current.office)


def commit_order(keys: Sequence[tuple[str, int] | None]) -> list[int]:
    """The order in which to commit a batch: ``keys[i]`` is item i's (code key, revision), None
    for an item that will not be committed. Items of one procedure are committed in revision order
    (lần 3, lần 1, lần 2 dropped together: 1, 2, 3); each takes one of the places its procedure's
    items held, so unrelated items keep their order. Returns item indices."""
    places: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key is not None:
            places.setdefault(key[0], []).append(i)
    order = list(range(len(keys)))
    for positions in places.values():
        by_revision = sorted(positions, key=lambda i: (keys[i][1], i))  # type: ignore[index]
        for place, item in zip(positions, by_revision):
            order[place] = item
    return order


def not_owner(current: ProcedureState, drop: Drop) -> Reason:
    return Reason(
        stage=Stage.DECIDE,
        cause="not_owner",
        message_vi=(
            f"Quy trình {current.code} thuộc phòng {current.office}; phòng {drop.office} không được ban hành "
            "lần mới của quy trình này."
        ),
        advice_vi=(
            f"Gửi tệp vào thư mục của phòng {current.office}, hoặc nhờ bộ phận kiểm soát tài liệu "
            "ban hành thay. Nếu đây là quy trình khác, hãy dùng mã hiệu khác."
        ),
        message_en=f"Procedure {current.code} belongs to office {current.office}; {drop.office} may not revise it.",
        advice_en=f"Drop it in the {current.office} folder, or ask the document controller office.",
    )


def same_content(current: ProcedureState) -> Reason:
    return Reason(
        stage=Stage.DECIDE,
        cause="same_content",
        message_vi=(
            f"Trùng nội dung: tệp có nội dung giống hệt lần ban hành {current.revision} hiện hành của "
            f"{current.code} (chỉ khác cách lưu tệp). Không tạo lần ban hành mới."
        ),
        advice_vi="Không cần làm gì nếu chỉ lưu lại tệp. Nếu có sửa đổi, hãy sửa nội dung và tăng lần ban hành.",
        message_en=(
            f"Same content as the current revision {current.revision} of {current.code} (only re-saved); "
            "no new revision."
        ),
        advice_en="Nothing to do for a re-save; to revise, change the content and raise the revision.",
    )


def revision_not_increased(current: ProcedureState, drop: Drop) -> Reason:
    stated = drop.metadata.revision
    return Reason(
        stage=Stage.DECIDE,
        cause="revision_not_increased",
        message_vi=(
            f"Lần ban hành phải tăng: tệp ghi lần ban hành {stated:02d} nhưng {current.code} đã có lần "
            f"ban hành {current.revision:02d} với nội dung khác."
        ),
        advice_vi=f"Sửa mục 'Lần ban hành' trong tài liệu thành {current.revision + 1:02d} (hoặc cao hơn) rồi gửi lại.",
        message_en=(
            f"The revision must increase: the file says revision {stated} but {current.code} already has "
            f"revision {current.revision} with other content."
        ),
        advice_en=f"Set 'Lần ban hành' to {current.revision + 1} or higher and drop it again.",
    )


def revision_taken(current: ProcedureState, drop: Drop) -> Reason:
    stated = drop.metadata.revision
    return Reason(
        stage=Stage.DECIDE,
        cause="revision_taken",
        message_vi=(
            f"Lần ban hành {stated:02d} của {current.code} đã có trong kho với nội dung khác tệp này "
            f"(lần ban hành hiện hành là {current.revision:02d})."
        ),
        advice_vi=(
            f"Kiểm tra mục 'Lần ban hành' trong tài liệu. Nếu đây là lần ban hành mới, ghi "
            f"{current.revision + 1:02d} (hoặc cao hơn) rồi gửi lại; nếu là bản cũ đã lưu, không cần gửi."
        ),
        message_en=(
            f"{current.code} already has revision {stated} with other content "
            f"(its current revision is {current.revision})."
        ),
        advice_en=f"Check 'Lần ban hành': a new revision is {current.revision + 1} or higher.",
    )
