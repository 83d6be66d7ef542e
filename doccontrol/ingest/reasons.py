"""Why the ingest refuses a file, in words a clerk can read (Vietnamese, with an English line).

The refusals of the file itself (type, size, zip bombs, encryption...) are in
``doccontrol.extract.validate``; these are the ones the ingest adds. Pure.
"""

from __future__ import annotations

from doccontrol.core.labels import folder_vi
from doccontrol.core.model import STAGE_VI, Reason, Stage
from doccontrol.core.names import escape, printable
from doccontrol.ingest.inbox import InboxItem


def size_text(size: float) -> str:
    """A size for people: ``20 MB``, ``0.5 MB``, ``512 KB``, ``10 byte`` (never "0 MB" for a
    limit below one megabyte)."""
    for unit, scale in (("MB", 2**20), ("KB", 2**10)):
        if size >= scale or unit == "KB" and size >= 1000:
            return f"{size / scale:.2f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{size:.0f} byte"


def unknown_office(item: InboxItem) -> Reason:
    folder = printable(item.folder)
    where = f"vào thư mục '{folder}'" if item.folder else "thẳng vào thư mục inbox"
    return Reason(
        stage=Stage.VALIDATE,
        cause="unknown_office",
        message_vi=f"Tệp được gửi {where}, không phải thư mục của một phòng đã khai báo.",
        advice_vi="Gửi tệp vào đúng thư mục của phòng mình: inbox/<MÃ PHÒNG>/.",
        message_en=f"The file was dropped {'into ' + repr(folder) if item.folder else 'straight into inbox/'}, "
        "which is not a configured office's folder.",
        advice_en="Drop it into your office's folder: inbox/<OFFICE>/.",
    )


def not_regular(detail_vi: str, detail_en: str) -> Reason:
    return Reason(
        stage=Stage.VALIDATE,
        cause="not_regular_file",
        message_vi=f"Không phải một tệp thông thường ({detail_vi}).",
        advice_vi="Sao chép chính tệp .docx hoặc .pdf (không phải lối tắt/liên kết) vào thư mục của phòng.",
        message_en=f"Not a regular file ({detail_en}).",
        advice_en="Copy the .docx or .pdf file itself (not a shortcut or link) into the office folder.",
    )


def hard_linked() -> Reason:
    return Reason(
        stage=Stage.VALIDATE,
        cause="hard_link",
        message_vi="Tệp là một liên kết cứng (hard link) tới tệp khác, có thể nằm ngoài thư mục nhận.",
        advice_vi="Sao chép tệp (không tạo liên kết) vào thư mục của phòng.",
        message_en="The file is a hard link to another file, possibly outside the inbox.",
        advice_en="Copy the file (do not link it) into the office folder.",
    )


def too_large(size: int, limit: int) -> Reason:
    return Reason(
        stage=Stage.VALIDATE,
        cause="too_large",
        message_vi=f"Tệp quá lớn: {size_text(size)}, giới hạn {size_text(limit)}.",
        advice_vi="Giảm dung lượng (nén ảnh, bỏ ảnh quét không cần thiết) rồi gửi lại.",
        message_en=f"The file is too large: {size_text(size)}, the limit is {size_text(limit)}.",
        advice_en="Make it smaller (compress or remove scanned images) and drop it again.",
    )


def no_code() -> Reason:
    return Reason(
        stage=Stage.METADATA,
        cause="no_code",
        message_vi="Không tìm thấy mã hiệu quy trình (Mã hiệu / Mã số / Mã quy trình / Ký hiệu) trong tài liệu.",
        advice_vi="Ghi mã hiệu vào phần đầu tài liệu, ví dụ 'Mã hiệu: QT-01/LĐTBXH', rồi gửi lại.",
        message_en="No procedure code (Mã hiệu / Mã số / Mã quy trình / Ký hiệu) found in the document.",
        advice_en="Add the code to the document header, e.g. 'Mã hiệu: QT-01/LĐTBXH', and drop it again.",
    )


def commit_failed(detail: str) -> Reason:
    return Reason(
        stage=Stage.COMMIT,
        cause="commit_failed",
        message_vi="Không lưu được vào kho tài liệu (lỗi hệ thống).",
        advice_vi="Báo cho bộ phận quản trị hệ thống; tệp được giữ lại trong khu cách ly.",
        message_en=f"The commit failed: {detail}",
        advice_en="Tell the administrator; the file is kept in quarantine.",
    )


def render_reason(reason: Reason, item_name: str, office: str, when: str, sha256: str = "") -> str:
    """The text of ``<name>.reason.txt``: Vietnamese first, then English, then the machine's words.

    Every line is :func:`printable`: a name (or an error message quoting one) cannot add a line
    or reach a terminal as escape sequences. A name that is not plain (bytes that are not UTF-8,
    control characters) is also given losslessly, escaped (``Name-Escaped:``).
    """
    lines = [
        f"Tệp: {item_name}",
        f"Phòng: {folder_vi(office)}",
        f"Thời gian: {when}",
        f"Bước: {STAGE_VI[reason.stage]}",
        f"Lý do: {reason.message_vi}",
        f"Cách xử lý: {reason.advice_vi}",
        "",
        f"File: {item_name}",
        f"Stage: {reason.stage.value}",
        f"Reason: {reason.message_en}",
    ]
    if reason.advice_en:
        lines.append(f"What to do: {reason.advice_en}")
    lines.append(f"Cause: {reason.cause}")
    if sha256:
        lines.append(f"Sha256: {sha256}")
    if printable(item_name) != item_name:
        lines.append(f"Name-Escaped: {escape(item_name)}")
    return "\n".join(printable(line) for line in lines) + "\n"
