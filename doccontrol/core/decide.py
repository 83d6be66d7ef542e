"""The revision rules (pure): what a dropped file does to the controlled set."""

from __future__ import annotations

from doccontrol.core.model import Action, Decision, Drop, ProcedureState, Reason, Stage


def may_change(office: str, owner: str, controller: str) -> bool:
    """The ownership rule: an office changes (revises, withdraws, reviews) its own procedures;
    the document controller office changes any office's."""
    return office in (owner, controller)


def decide(current: ProcedureState | None, drop: Drop, controller: str) -> Decision:
    """Decide what to do with ``drop`` given the procedure's ``current`` state (None if new).

    - a new code: a new procedure, owned by the dropping office;
    - a code owned by another office: refused, unless the dropping office is the controller;
    - identical bytes to the current revision: a duplicate (nothing to commit);
    - identical text, other bytes (a re-save): refused, "trùng nội dung";
    - a higher revision: a new revision (also revives a withdrawn procedure);
    - the same or a lower revision with other content: refused, the revision must increase.
    """
    if current is None:
        return Decision(Action.NEW, owner=drop.office)
    if not may_change(drop.office, current.office, controller):
        return Decision(Action.REFUSE, reason=not_owner(current, drop), owner=current.office)
    if drop.sha256 == current.sha256:
        return Decision(Action.DUPLICATE, owner=current.office)
    if drop.text_sha256 == current.text_sha256:
        return Decision(Action.REFUSE, reason=same_content(current), owner=current.office)
    if drop.metadata.revision > current.revision:
        return Decision(Action.REVISION, owner=current.office)
    return Decision(Action.REFUSE, reason=revision_not_increased(current, drop), owner=current.office)


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
