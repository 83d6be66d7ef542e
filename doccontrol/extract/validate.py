"""The validate stage: decide from a file's bytes whether it may be opened at all.

``sniff`` looks at the file system entry (regular file, one link, size) and at the content (magic
bytes, the OLE directory of old Office files, the zip directory of OOXML files) and returns
``"docx"`` or ``"pdf"``, or raises ``Refused`` with a reason a clerk can act on. Nothing here
decompresses a document or parses its text: zip members are judged from the central directory
alone, before any parser sees them.

The refusal vocabulary of the validate and extract stages (``refusal``) lives here too, so the
two stages and the sandbox speak with one voice.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import struct
import zipfile
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from doccontrol.core.model import Limits, Reason, Refused, Stage


# ---------------------------------------------------------------------------------------------
# Refusal vocabulary
# ---------------------------------------------------------------------------------------------

_RESAVE_VI = "Mở tệp bằng Word, chọn Lưu thành (Save As) → Word Document (.docx) rồi gửi lại."
_RESAVE_EN = "Open the file in Word, choose Save As → Word Document (.docx) and send it again."

# cause -> (message_vi, advice_vi, message_en, advice_en); ``{...}`` fields filled by ``refusal``.
_TEXTS: dict[str, tuple[str, str, str, str]] = {
    "not_regular_file": (
        "Mục này là {what_vi}, không phải một tệp tài liệu thông thường.",
        "Hãy sao chép chính tệp tài liệu (.docx hoặc .pdf) vào thư mục nhận, "
        "không đặt lối tắt, liên kết hay thư mục con.",
        "Not a regular file: {what_en}.",
        "Copy the document file itself (.docx or .pdf) into the inbox, not a link or a folder.",
    ),
    "hard_link": (
        "Tệp có {links} liên kết cứng (hard link) nên có thể là bí danh của một tệp nằm ngoài "
        "thư mục nhận; hệ thống không nhận tệp này.",
        "Hãy sao chép (copy) tệp vào thư mục nhận thay vì tạo liên kết tới tệp.",
        "The file has {links} hard links and may alias a file outside the inbox.",
        "Copy the file into the inbox instead of linking it.",
    ),
    "empty": (
        "Tệp rỗng (0 byte), không có nội dung.",
        "Kiểm tra lại tệp gốc rồi gửi lại bản đầy đủ.",
        "The file is empty (0 bytes).",
        "Check the original file and send the complete file again.",
    ),
    "too_large": (
        "Tệp quá lớn ({size_vi}), vượt giới hạn {limit_vi}.",
        "Giảm dung lượng tệp (nén hoặc bớt hình ảnh) rồi gửi lại, "
        "hoặc liên hệ quản trị hệ thống.",
        "The file is too large ({size_en}; the limit is {limit_en}).",
        "Reduce the file size (compress or remove images) and send it again, "
        "or contact the administrator.",
    ),
    "unsupported_type": (
        "{what_vi}; hệ thống chỉ nhận tài liệu Word (.docx) hoặc PDF (.pdf).",
        "Hãy lưu hoặc xuất tài liệu thành .docx (hoặc PDF từ Word) rồi gửi lại.{install_vi}",
        "{what_en}; only Word (.docx) and PDF (.pdf) files are accepted.",
        "Save or export the document as .docx (or as PDF from Word) and send it again.{install_en}",
    ),
    "legacy_doc": (
        "Tệp là định dạng Word 97-2003 (.doc), hệ thống chỉ nhận .docx hoặc .pdf.",
        _RESAVE_VI + "{install_vi}",
        "The file is a Word 97-2003 document (.doc); only .docx and .pdf are accepted.",
        _RESAVE_EN + "{install_en}",
    ),
    "encrypted": (
        "{what_vi} được bảo vệ bằng mật khẩu, hệ thống không đọc được nội dung.",
        "{advice_vi}",
        "{what_en} is password-protected; its text cannot be read.",
        "{advice_en}",
    ),
    "macro_enabled": (
        "Tệp Word có chứa macro (.docm); vì lý do an toàn hệ thống không nhận tệp có macro.",
        "Mở tệp bằng Word, chọn Lưu thành (Save As) → Word Document (.docx) "
        "(macro sẽ được loại bỏ) rồi gửi lại.",
        "The Word file contains macros (.docm); macro-enabled files are not accepted.",
        "Open it in Word, Save As → Word Document (.docx) (this drops the macros) "
        "and send it again.",
    ),
    "not_docx": (
        "Tệp là {what_vi}, không phải tài liệu Word (.docx).",
        "Hệ thống chỉ nhận quy trình dạng .docx hoặc .pdf: hãy mở tệp, lưu thành "
        "Word Document (.docx) hoặc xuất ra PDF rồi gửi lại.{install_vi}",
        "The file is {what_en}, not a Word document (.docx).",
        "Only .docx and .pdf procedures are accepted: save the document as .docx "
        "or export it to PDF and send it again.{install_en}",
    ),
    "zip_bomb": (
        "Tệp có cấu trúc nén bất thường ({detail_vi}), có dấu hiệu tệp độc hại (zip bomb); "
        "hệ thống không mở tệp này.",
        "Kiểm tra lại nguồn gốc tệp; nếu đúng là tài liệu của đơn vị, mở bằng Word, lưu thành "
        "bản mới (.docx) rồi gửi lại.",
        "Abnormal compression ({detail_en}): possible zip bomb; the file was not opened.",
        "Check where the file came from; if it is a genuine document, open it in Word, "
        "save it as a new .docx and send it again.",
    ),
    "unsafe_zip": (
        "Tệp chứa thành phần có tên không an toàn ({detail_vi}), có dấu hiệu tệp độc hại; "
        "hệ thống không mở tệp này.",
        "Kiểm tra lại nguồn gốc tệp; nếu đúng là tài liệu của đơn vị, mở bằng Word, lưu thành "
        "bản mới (.docx) rồi gửi lại.",
        "Unsafe member name in the archive ({detail_en}).",
        "Check where the file came from; if it is a genuine document, open it in Word, "
        "save it as a new .docx and send it again.",
    ),
    "damaged": (
        "Tệp {kind_vi} bị hỏng hoặc không đúng định dạng, hệ thống không đọc được.",
        "Mở thử tệp trên máy: nếu mở được, lưu thành bản mới (.docx, hoặc xuất PDF từ Word) "
        "rồi gửi lại; nếu không mở được, xin lại bản gốc.",
        "The {kind_en} file is damaged or malformed: {detail}.",
        "Open the file; if it opens, save it as a new .docx (or export a PDF from Word) "
        "and send it again; otherwise ask for the original.",
    ),
    "no_text": (
        "Tệp PDF không có lớp chữ (có thể là bản scan/ảnh chụp), hệ thống không đọc được nội dung.",
        "Gửi tệp .docx gốc, hoặc mở tài liệu bằng Word và xuất ra PDF "
        "(Lưu thành → PDF) thay vì scan.",
        "The PDF has no text layer (scanned, no text).",
        "Drop the original .docx, or export the PDF from Word (Save As → PDF) instead of scanning.",
    ),
    "unreadable_conversion": (
        "Tệp {kind_vi} không đọc được (LibreOffice không chuyển đổi được tệp này).",
        "Mở tệp bằng Word, chọn Lưu thành (Save As) → Word Document (.docx) rồi gửi lại; "
        "nếu không mở được, xin lại bản gốc.",
        "The {kind_en} file could not be read: {detail}.",
        "Open it in Word, Save As → Word Document (.docx) and send it again; "
        "if it does not open, ask for the original.",
    ),
    "ocr_missing": (
        "Tệp PDF là bản scan (không có lớp chữ) và máy chủ chưa cài phần mềm nhận dạng chữ "
        "(OCR) tiếng Việt nên chưa đọc được nội dung.",
        "Báo quản trị hệ thống cài các gói: {packages} (lệnh: apt-get install {packages}), "
        "rồi chạy 'doccontrol retry --all'; tệp được giữ trong khu cách ly đến khi đó.",
        "The PDF is a scan (no text layer) and Vietnamese OCR is not installed on this server.",
        "Install the Debian packages {packages} (apt-get install {packages}), then run "
        "'doccontrol retry --all'; the file waits in quarantine until then.",
    ),
    "ocr_too_many_pages": (
        "Bản scan có {pages} trang, vượt giới hạn nhận dạng chữ (OCR) {limit} trang.",
        "Tách tệp thành các quy trình riêng, hoặc gửi bản .docx gốc; nếu cần, quản trị hệ thống "
        "tăng ocr_max_pages trong doccontrol.toml rồi chạy 'doccontrol retry'.",
        "The scan has {pages} pages, over the OCR limit of {limit}.",
        "Split it into separate procedures or send the original .docx; or raise ocr_max_pages "
        "in doccontrol.toml and run 'doccontrol retry'.",
    ),
    "xxe": (
        "Tệp Word chứa khai báo DOCTYPE/ENTITY trong XML, là dấu hiệu tệp bị chỉnh sửa bất thường "
        "hoặc độc hại; hệ thống không mở tệp này.",
        "Mở tệp bằng Word, lưu thành bản mới (.docx) rồi gửi lại; nếu nghi ngờ, "
        "báo cho quản trị hệ thống.",
        "The Word file's XML contains a DOCTYPE/ENTITY declaration ({detail}); not opened.",
        "Open it in Word, save it as a new .docx and send it again; "
        "if in doubt, tell the administrator.",
    ),
    "timeout": (
        "Đọc nội dung tệp mất quá {seconds} giây nên đã bị dừng.",
        "Tệp có thể quá phức tạp hoặc bị hỏng: lưu thành bản mới (hoặc xuất PDF từ Word) rồi "
        "gửi lại; nếu vẫn lỗi, báo quản trị hệ thống.",
        "Reading the file took longer than {seconds} s and was stopped.",
        "The file may be too complex or damaged: save it anew (or export a PDF from Word) "
        "and send it again; if it still fails, tell the administrator.",
    ),
    "memory": (
        "Đọc nội dung tệp cần quá nhiều bộ nhớ{limit_vi} nên đã bị dừng.",
        "Tệp có thể quá phức tạp hoặc bị hỏng: lưu thành bản mới (hoặc xuất PDF từ Word) rồi "
        "gửi lại; nếu vẫn lỗi, báo quản trị hệ thống.",
        "Reading the file needed too much memory{limit_en}{why}; it was stopped.",
        "The file may be too complex or damaged: save it anew (or export a PDF from Word) "
        "and send it again; if it still fails, tell the administrator.",
    ),
}

KIND_VI = {"docx": "Word (.docx)", "pdf": "PDF", "doc": "Word 97-2003 (.doc)",
           "odt": "OpenDocument (.odt)", "rtf": "RTF (.rtf)", "": ""}
KIND_EN = dict(KIND_VI)


class _Blank(dict[str, object]):
    """Format mapping that renders a missing field as an empty string."""

    def __missing__(self, key: str) -> str:
        return ""


def refusal(stage: Stage, cause: str, **fields: object) -> Refused:
    """Build the ``Refused`` for ``cause`` with the clerk-facing texts filled from ``fields``."""
    message_vi, advice_vi, message_en, advice_en = _TEXTS[cause]
    values = _Blank(fields)
    kind = str(fields.get("kind", ""))
    values.setdefault("kind_vi", KIND_VI.get(kind, kind))
    values.setdefault("kind_en", KIND_EN.get(kind, kind))
    values.setdefault("detail", "unknown error")
    if "package" in fields:  # a converter that is not installed: say which package brings it
        values.setdefault("install_vi", f" Hoặc quản trị hệ thống cài gói {fields['package']} để hệ thống "
                                        "tự đọc được loại tệp này, rồi chạy 'doccontrol retry'.")
        values.setdefault("install_en", f" Or have the administrator install the Debian package "
                                        f"{fields['package']} so that such files are read, then run "
                                        "'doccontrol retry'.")
    if "memory_mb" in fields:
        values.setdefault("limit_vi", f" (giới hạn {fields['memory_mb']} MB)")
        values.setdefault("limit_en", f" (limit {fields['memory_mb']} MB)")

    def fill(template: str) -> str:
        return " ".join(template.format_map(values).split())

    return Refused(
        Reason(
            stage=stage,
            cause=cause,
            message_vi=fill(message_vi),
            advice_vi=fill(advice_vi),
            message_en=fill(message_en),
            advice_en=fill(advice_en),
        )
    )


def _refuse(cause: str, **fields: object) -> Refused:
    return refusal(Stage.VALIDATE, cause, **fields)


def encrypted_fields(container: str) -> dict[str, str]:
    """Texts for ``encrypted``: ``container`` is ``"office"``, ``"zip"``, ``"odt"`` or ``"pdf"``."""
    if container == "odt":
        return {
            "what_vi": "Văn bản OpenDocument (.odt)",
            "what_en": "The OpenDocument text",
            "advice_vi": "Mở tệp, gỡ mật khẩu (Lưu thành, bỏ chọn Lưu với mật khẩu), lưu rồi gửi lại.",
            "advice_en": "Open it, save it again without a password and send it again.",
        }
    if container == "pdf":
        return {
            "what_vi": "Tệp PDF",
            "what_en": "The PDF",
            "advice_vi": "Gửi bản PDF không đặt mật khẩu mở tệp (xuất lại từ Word), "
            "hoặc gửi tệp .docx gốc.",
            "advice_en": "Send a PDF without an open password (export it again from Word), "
            "or the original .docx.",
        }
    return {
        "what_vi": "Tệp Word" if container == "office" else "Tệp nén",
        "what_en": "The Word file" if container == "office" else "The archive",
        "advice_vi": "Mở tệp bằng Word, gỡ mật khẩu (Tệp → Thông tin → Bảo vệ tài liệu → "
        "Mã hóa bằng mật khẩu, xóa mật khẩu), lưu rồi gửi lại.",
        "advice_en": "Open it in Word, remove the password (File → Info → Protect Document → "
        "Encrypt with Password, clear it), save and send it again.",
    }


def _size_fields(size: int, limit: int) -> dict[str, str]:
    def en(n: int) -> str:
        return f"{n / (1024 * 1024):.1f} MB"

    return {
        "size_vi": en(size).replace(".", ","),
        "limit_vi": en(limit).replace(".", ","),
        "size_en": en(size),
        "limit_en": en(limit),
    }


# ---------------------------------------------------------------------------------------------
# The file system entry
# ---------------------------------------------------------------------------------------------

_HEAD_BYTES = 8192


def _kind_of_mode(mode: int) -> tuple[str, str]:
    if stat.S_ISLNK(mode):
        return "liên kết tượng trưng (symlink/lối tắt)", "a symbolic link"
    if stat.S_ISDIR(mode):
        return "một thư mục", "a directory"
    if stat.S_ISFIFO(mode):
        return "một đường ống (FIFO)", "a FIFO"
    if stat.S_ISSOCK(mode):
        return "một socket", "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "một tệp thiết bị", "a device file"
    return "một mục đặc biệt của hệ thống tệp", "a special file-system entry"


def _check_entry(st: os.stat_result, limits: Limits) -> None:
    if not stat.S_ISREG(st.st_mode):
        what_vi, what_en = _kind_of_mode(st.st_mode)
        raise _refuse("not_regular_file", what_vi=what_vi, what_en=what_en)
    if st.st_nlink > 1:
        raise _refuse("hard_link", links=st.st_nlink)
    if st.st_size == 0:
        raise _refuse("empty")
    if st.st_size > limits.max_bytes:
        raise _refuse("too_large", **_size_fields(st.st_size, limits.max_bytes))


def _open_checked(path: Path, limits: Limits) -> BinaryIO:
    """Open ``path`` for reading without following a symlink or blocking on a FIFO.

    The entry is judged by ``lstat`` first, and again by ``fstat`` on the opened descriptor,
    so a file swapped between the two looks cannot slip through.
    """
    st = os.lstat(path)  # FileNotFoundError: the file vanished, there is nothing to refuse
    _check_entry(st, limits)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            what_vi, what_en = _kind_of_mode(stat.S_IFLNK)
            raise _refuse("not_regular_file", what_vi=what_vi, what_en=what_en) from None
        raise _refuse("damaged", detail=f"cannot open: {exc.strerror}") from None
    try:
        st2 = os.fstat(fd)
        _check_entry(st2, limits)
        if (st2.st_dev, st2.st_ino) != (st.st_dev, st.st_ino):
            raise _refuse("not_regular_file", what_vi="một mục vừa bị thay thế khi đang kiểm tra",
                          what_en="an entry replaced while it was checked")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


# ---------------------------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

RTF_MAGIC = b"{\\rtf"
#: What each kind of document is called in a refusal when its converter is not installed.
CONVERTED_REFUSALS: dict[str, tuple[str, dict[str, str]]] = {
    "doc": ("legacy_doc", {}),
    "odt": ("not_docx", {"what_vi": "một văn bản OpenDocument (.odt)", "what_en": "an OpenDocument text (.odt)"}),
    "rtf": ("unsupported_type", {"what_vi": "Tệp là định dạng RTF (.rtf)", "what_en": "The file is an RTF document"}),
}

# Formats recognised only to tell the clerk what they dropped.
_OTHER_MAGICS: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "Tệp là ảnh PNG", "The file is a PNG image"),
    (b"\xff\xd8\xff", "Tệp là ảnh JPEG", "The file is a JPEG image"),
    (b"GIF8", "Tệp là ảnh GIF", "The file is a GIF image"),
    (b"II*\x00", "Tệp là ảnh TIFF", "The file is a TIFF image"),
    (b"MM\x00*", "Tệp là ảnh TIFF", "The file is a TIFF image"),
    (b"Rar!", "Tệp là tệp nén RAR", "The file is a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "Tệp là tệp nén 7-Zip", "The file is a 7-Zip archive"),
)


def sniff(path: Path, limits: Limits) -> str:
    """Return ``"docx"``, ``"pdf"``, ``"doc"``, ``"odt"`` or ``"rtf"`` judged by content, not by
    name; else raise ``Refused``. (.doc, .odt and .rtf are read through LibreOffice; the extract
    stage refuses them, as this stage did before, when it is not installed.)

    A path that does not exist raises ``FileNotFoundError`` (a vanished file is not refused).
    """
    path = Path(path)
    with _open_checked(path, limits) as fh:
        head = fh.read(_HEAD_BYTES)
        if not head:
            raise _refuse("empty")
        if head.startswith(OLE_MAGIC):
            return _judge_ole(fh)
        if head.startswith(_ZIP_MAGICS):
            return _judge_zip(fh, limits)
        if b"%PDF-" in head[:1024]:  # readers accept a little junk before the header
            return "pdf"
        if head.startswith(RTF_MAGIC):
            return "rtf"
        raise _unsupported(path, head)


def _unsupported(path: Path, head: bytes) -> Refused:
    ext = path.suffix.lower()
    for magic, what_vi, what_en in _OTHER_MAGICS:
        if head.startswith(magic):
            return _refuse("unsupported_type", what_vi=what_vi, what_en=what_en)
    if ext in (".pdf", ".docx"):
        return _refuse(
            "unsupported_type",
            what_vi=f"Tệp có đuôi {ext} nhưng nội dung không phải {KIND_VI[ext[1:]]}",
            what_en=f"The file is named {ext} but its content is not {KIND_EN[ext[1:]]}",
        )
    if ext:
        return _refuse(
            "unsupported_type",
            what_vi=f"Không nhận dạng được loại tệp (đuôi tên tệp {ext})",
            what_en=f"Unrecognised file type (extension {ext})",
        )
    return _refuse(
        "unsupported_type",
        what_vi="Không nhận dạng được loại tệp (tên tệp không có đuôi)",
        what_en="Unrecognised file type (the name has no extension)",
    )


# --- OLE compound files (Office 97-2003, and password-protected OOXML) ------------------------

_FREESECT = 0xFFFFFFFF
_ENDOFCHAIN = 0xFFFFFFFE
_MAX_SECTOR = 0xFFFFFFFA


class _OleError(Exception):
    pass


def ole_stream_names(fh: BinaryIO) -> set[str]:
    """Names of the storages and streams in an OLE compound file (its directory only).

    A small reader of the [MS-CFB] header, FAT and directory chain; bounded loops, no stream data.
    """
    fh.seek(0, io.SEEK_END)
    size = fh.tell()
    fh.seek(0)
    header = fh.read(512)
    if len(header) < 512 or not header.startswith(OLE_MAGIC):
        raise _OleError("short header")
    shift = struct.unpack_from("<H", header, 0x1E)[0]
    if shift not in (9, 12):
        raise _OleError(f"sector shift {shift}")
    ssz = 1 << shift
    n_fat, first_dir = struct.unpack_from("<II", header, 0x2C)
    first_difat, n_difat = struct.unpack_from("<II", header, 0x44)
    n_sectors = max(0, (size - ssz) // ssz + 1)
    if n_fat > n_sectors:
        raise _OleError("FAT larger than file")

    def sector(sid: int) -> bytes:
        if sid > _MAX_SECTOR or sid >= n_sectors:
            raise _OleError(f"sector {sid} out of range")
        fh.seek((sid + 1) * ssz)
        data = fh.read(ssz)
        if len(data) < ssz:
            data += b"\x00" * (ssz - len(data))
        return data

    fat_sids = [s for s in struct.unpack_from("<109I", header, 0x4C) if s <= _MAX_SECTOR]
    sid, seen = first_difat, 0
    per = ssz // 4
    while sid <= _MAX_SECTOR and seen < n_difat and seen <= n_sectors:
        entries = struct.unpack(f"<{per}I", sector(sid))
        fat_sids.extend(s for s in entries[:-1] if s <= _MAX_SECTOR)
        sid, seen = entries[-1], seen + 1
    fat: list[int] = []
    for fsid in fat_sids[:n_fat]:
        fat.extend(struct.unpack(f"<{per}I", sector(fsid)))

    names: set[str] = set()
    sid, hops = first_dir, 0
    while sid != _ENDOFCHAIN:
        if sid >= len(fat) or hops > len(fat):
            raise _OleError("broken directory chain")
        data = sector(sid)
        for off in range(0, ssz, 128):
            entry = data[off:off + 128]
            name_len = struct.unpack_from("<H", entry, 64)[0]
            obj_type = entry[66]
            if obj_type in (1, 2, 5) and 2 <= name_len <= 64:
                names.add(entry[:name_len - 2].decode("utf-16-le", "replace"))
        sid, hops = fat[sid], hops + 1
    return names


# Storages of a Word 97-2003 file that hold macros (VBA).
_OLE_MACROS = frozenset({"Macros", "_VBA_PROJECT_CUR", "VBA", "_VBA_PROJECT"})


def _judge_ole(fh: BinaryIO) -> str:
    """``"doc"`` for a Word 97-2003 document without macros; every other OLE file is refused
    with what to tell the clerk."""
    try:
        names = ole_stream_names(fh)
    except (_OleError, struct.error, OSError) as exc:
        raise _refuse("damaged", kind="", detail=f"unreadable OLE compound file ({exc})") from None
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise _refuse("encrypted", **encrypted_fields("office"))
    if "WordDocument" in names:
        if names & _OLE_MACROS:
            raise _refuse("macro_enabled")
        return "doc"
    if "Workbook" in names or "Book" in names:
        what = ("Tệp là bảng tính Excel 97-2003 (.xls)", "The file is an Excel 97-2003 workbook (.xls)")
    elif "PowerPoint Document" in names:
        what = ("Tệp là bản trình chiếu PowerPoint 97-2003 (.ppt)",
                "The file is a PowerPoint 97-2003 presentation (.ppt)")
    else:
        what = ("Tệp là định dạng Office 97-2003 (OLE) không phải Word",
                "The file is an Office 97-2003 (OLE) file that is not a Word document")
    raise _refuse("unsupported_type", what_vi=what[0], what_en=what[1])


# --- zip: OOXML and everything else that starts with PK ------------------------------------------

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CD_BYTES_PER_ENTRY = 1024  # generous: a real docx needs ~100 bytes of directory per member

DOCX_MAIN_TYPES = frozenset({
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
})
_MACRO_TYPES = frozenset({
    "application/vnd.ms-word.document.macroenabled.main+xml",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
})
_OTHER_OOXML = (
    ("wordprocessingml.template.main+xml", "một mẫu Word (.dotx)", "a Word template (.dotx)"),
    ("spreadsheetml", "một bảng tính Excel (.xlsx)", "an Excel workbook (.xlsx)"),
    ("ms-excel", "một bảng tính Excel (.xlsx/.xlsm)", "an Excel workbook (.xlsx/.xlsm)"),
    ("presentationml", "một bản trình chiếu PowerPoint (.pptx)", "a PowerPoint presentation (.pptx)"),
    ("ms-powerpoint", "một bản trình chiếu PowerPoint (.pptx/.pptm)",
     "a PowerPoint presentation (.pptx/.pptm)"),
)
_ODF = {
    "application/vnd.oasis.opendocument.text": ("một văn bản OpenDocument (.odt)",
                                                 "an OpenDocument text (.odt)"),
    "application/vnd.oasis.opendocument.spreadsheet": ("một bảng tính OpenDocument (.ods)",
                                                       "an OpenDocument spreadsheet (.ods)"),
    "application/vnd.oasis.opendocument.presentation": ("một bản trình chiếu OpenDocument (.odp)",
                                                        "an OpenDocument presentation (.odp)"),
}
_CONTENT_TYPES_MAX = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")

SAFE_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
    remove_comments=True, remove_pis=True,
)


def xml_declares_dtd(data: bytes) -> str | None:
    """``"DOCTYPE"`` or ``"ENTITY"`` when an XML part declares one (UTF-8 or UTF-16), else None.

    A plain byte search, cheap enough to run over every part before it is parsed; entity
    declarations can only appear inside a DOCTYPE, but both are looked for.
    """
    probe: bytes | str = data
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
        try:
            probe = data.decode("utf-16")
        except UnicodeDecodeError:
            return None  # not UTF-16 after all: the parser will refuse it as damaged
    for mark in ("DOCTYPE", "ENTITY"):
        needle: bytes | str = "<!" + mark if isinstance(probe, str) else b"<!" + mark.encode()
        if needle in probe:  # type: ignore[operator]
            return mark
    return None


def _zip_entry_count(fh: BinaryIO) -> tuple[int, int]:
    """(entries, central directory bytes) from the end-of-central-directory record."""
    fh.seek(0, io.SEEK_END)
    size = fh.tell()
    tail_len = min(size, 65535 + 22 + 20)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(_EOCD)
    if pos < 0 or len(tail) - pos < 22:
        raise _refuse("damaged", kind="docx", detail="no zip end-of-central-directory record")
    entries, cd_size = struct.unpack_from("<HI", tail, pos + 10)
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        loc = pos - 20
        if loc >= 0 and tail[loc:loc + 4] == _EOCD64_LOCATOR:
            (eocd64_offset,) = struct.unpack_from("<Q", tail, loc + 8)
            fh.seek(eocd64_offset)
            rec = fh.read(56)
            if len(rec) == 56 and rec.startswith(_EOCD64):
                entries, cd_size = struct.unpack_from("<QQ", rec, 32)
    return entries, cd_size


def _unsafe_name(name: str) -> bool:
    norm = name.replace("\\", "/")
    return norm.startswith("/") or bool(_DRIVE.match(norm)) or ".." in norm.split("/")


def _judge_zip(fh: BinaryIO, limits: Limits) -> str:
    """``"docx"`` for an OOXML Word document, ``"odt"`` for an OpenDocument text; refuse every
    other zip with its cause."""
    entries, cd_size = _zip_entry_count(fh)
    if entries > limits.max_entries:
        raise _refuse("zip_bomb", detail_vi=f"{entries} thành phần, giới hạn {limits.max_entries}",
                      detail_en=f"{entries} members, limit {limits.max_entries}")
    if cd_size > max(limits.max_entries, 1) * _CD_BYTES_PER_ENTRY:
        raise _refuse("zip_bomb", detail_vi=f"danh mục nén {cd_size} byte",
                      detail_en=f"central directory of {cd_size} bytes")
    fh.seek(0)
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise _refuse("damaged", kind="docx", detail=f"bad zip: {exc}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_entries:
            raise _refuse("zip_bomb", detail_vi=f"{len(infos)} thành phần",
                          detail_en=f"{len(infos)} members")
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        if total > limits.max_uncompressed:
            raise _refuse("zip_bomb", **_bomb_size(total, limits.max_uncompressed))
        ratio = total / max(packed, 1)
        if ratio > limits.max_ratio:
            raise _refuse("zip_bomb", detail_vi=f"tỷ lệ nén {ratio:.0f}:1",
                          detail_en=f"compression ratio {ratio:.0f}:1")
        for info in infos:
            if _unsafe_name(info.filename):
                raise _refuse("unsafe_zip", detail_vi=f"«{info.filename[:80]}»",
                              detail_en=repr(info.filename[:80]))
        return _judge_package(zf, infos)


def _bomb_size(total: int, limit: int) -> dict[str, str]:
    fields = _size_fields(total, limit)
    return {
        "detail_vi": f"giải nén ra {fields['size_vi']}, giới hạn {fields['limit_vi']}",
        "detail_en": f"{fields['size_en']} uncompressed, limit {fields['limit_en']}",
    }


_ODT = "application/vnd.oasis.opendocument.text"
_ODF_MACRO_FOLDERS = ("basic/", "scripts/")


def _judge_odt(zf: zipfile.ZipFile, lower: dict[str, zipfile.ZipInfo]) -> str:
    """An OpenDocument text: refused when it carries macros or is password-protected."""
    if any(name.startswith(_ODF_MACRO_FOLDERS) for name in lower):
        raise _refuse("macro_enabled")
    manifest = lower.get("meta-inf/manifest.xml")
    if manifest is not None and manifest.file_size < _CONTENT_TYPES_MAX:
        if b"encryption-data" in zf.read(manifest):
            raise _refuse("encrypted", **encrypted_fields("odt"))
    return "odt"


def _judge_package(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str:
    lower = {i.filename.lower(): i for i in infos}
    if any(i.flag_bits & 0x1 for i in infos):
        raise _refuse("encrypted", **encrypted_fields("zip"))
    if any(name.rsplit("/", 1)[-1] == "vbaproject.bin" for name in lower):
        raise _refuse("macro_enabled")
    types = _content_types(zf, lower.get("[content_types].xml"))
    if types & _MACRO_TYPES:
        raise _refuse("macro_enabled")
    if types & DOCX_MAIN_TYPES:
        return "docx"
    for marker, what_vi, what_en in _OTHER_OOXML:
        if any(marker in t for t in types):
            raise _refuse("not_docx", what_vi=what_vi, what_en=what_en)
    mimetype = lower.get("mimetype")
    if mimetype is not None and mimetype.file_size < 200:
        odf = zf.read(mimetype).decode("ascii", "replace").strip()
        if odf == _ODT:
            return _judge_odt(zf, lower)
        if odf in _ODF:
            raise _refuse("not_docx", what_vi=_ODF[odf][0], what_en=_ODF[odf][1])
    # No main-document content type, but the part is where Word puts it: let extraction try.
    if "word/document.xml" not in lower:
        raise _refuse("not_docx", what_vi="một tệp nén (zip) không chứa tài liệu Word",
                      what_en="a zip archive without a Word document (no word/document.xml)")
    return "docx"


def _content_types(zf: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> set[str]:
    """Lower-cased content types declared in ``[Content_Types].xml`` (empty when absent)."""
    if info is None:
        return set()
    if info.file_size > _CONTENT_TYPES_MAX:
        raise _refuse("zip_bomb", detail_vi="[Content_Types].xml quá lớn",
                      detail_en="oversized [Content_Types].xml")
    try:
        data = zf.read(info)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError,
            EOFError) as exc:
        raise _refuse("damaged", kind="docx", detail=f"[Content_Types].xml: {exc}") from None
    declared = xml_declares_dtd(data)
    if declared:
        raise refusal(Stage.VALIDATE, "xxe", detail=f"{declared} in [Content_Types].xml")
    try:
        root = etree.fromstring(data, SAFE_XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise _refuse("damaged", kind="docx", detail=f"[Content_Types].xml: {exc}") from None
    return {str(el.get("ContentType", "")).lower() for el in root.iter() if el.get("ContentType")}


# --- readiness: is a file that may still be on its way whole yet? ------------------------------

# Causes of a refusal that a file still being written produces; others are final at once.
INCOMPLETE_CAUSES = frozenset({"damaged", "empty"})
PDF_TAIL_BYTES = 2048


def incomplete_reason(path: Path, limits: Limits) -> str | None:
    """Why ``path`` looks like a file still being written (None: it looks whole).

    Only the signs of an unfinished write count: nothing written yet, a zip without its end
    record (written last), a PDF without ``%%EOF``. A file that is whole but wrong (encrypted,
    a macro document, an image) is for the pipeline to refuse, with its reason, at once.
    ``OSError`` (a share gone away) is raised to the caller.
    """
    try:
        kind = sniff(path, limits)
    except Refused as refused:
        return refused.reason.cause if refused.reason.cause in INCOMPLETE_CAUSES else None
    if kind == "pdf":
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - PDF_TAIL_BYTES))
            if b"%%EOF" not in handle.read():
                return "pdf_without_eof"
    return None
