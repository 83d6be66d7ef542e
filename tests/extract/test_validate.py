"""The validate stage: every refusal cause, judged by content and never by name."""

from __future__ import annotations

import os
import unicodedata
import zipfile
from pathlib import Path

import pytest
from support.extract_builders import (
    DOCX_MAIN,
    content_types,
    mark_zip_encrypted,
    new_document,
    ole_file,
    pdf_file,
    rewrite_zip,
    save_docx,
    write_zip,
)

from doccontrol.extract.validate import Limits, sniff
from doccontrol.core.model import Reason, Refused, Stage

LIMITS = Limits()


def refused(path: Path, limits: Limits = LIMITS) -> Reason:
    with pytest.raises(Refused) as info:
        sniff(path, limits)
    reason = info.value.reason
    assert reason.stage is Stage.VALIDATE
    return reason


def assert_clerk_texts(reason: Reason) -> None:
    """Vietnamese with diacritics (NFC), an English line beside it, advice in both."""
    for text in (reason.message_vi, reason.advice_vi, reason.message_en, reason.advice_en):
        assert text.strip()
        assert "{" not in text and "}" not in text
        assert unicodedata.is_normalized("NFC", text)
    assert any(ord(ch) > 127 for ch in reason.message_vi + reason.advice_vi)


@pytest.fixture
def good_docx(tmp_path: Path) -> Path:
    document = new_document()
    document.add_paragraph("Quy trình tiếp nhận hồ sơ")
    return save_docx(document, tmp_path / "good.docx")


# --- accepted files --------------------------------------------------------------------------

def test_docx_and_pdf_are_recognised_by_content_not_name(tmp_path: Path, good_docx: Path) -> None:
    pdf = pdf_file(tmp_path / "a.pdf", ["Quy trình"])
    assert sniff(good_docx, LIMITS) == "docx"
    assert sniff(pdf, LIMITS) == "pdf"
    swapped_docx = tmp_path / "really-a-docx.pdf"
    swapped_docx.write_bytes(good_docx.read_bytes())
    nameless_pdf = tmp_path / "no-extension"
    nameless_pdf.write_bytes(pdf.read_bytes())
    assert sniff(swapped_docx, LIMITS) == "docx"
    assert sniff(nameless_pdf, LIMITS) == "pdf"


def test_pdf_with_leading_junk_is_a_pdf(tmp_path: Path) -> None:
    pdf = pdf_file(tmp_path / "a.pdf", ["x"])
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"\r\n\x00garbage from a mail gateway\n" + pdf.read_bytes())
    assert sniff(junk, LIMITS) == "pdf"


# --- the file-system entry -------------------------------------------------------------------

def test_symlink_is_not_followed(tmp_path: Path, good_docx: Path) -> None:
    link = tmp_path / "link.docx"
    link.symlink_to(good_docx)
    reason = refused(link)
    assert reason.cause == "not_regular_file"
    assert "symlink" in reason.message_vi
    assert_clerk_texts(reason)


def test_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "dangling.docx"
    link.symlink_to(tmp_path / "absent.docx")
    assert refused(link).cause == "not_regular_file"


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.docx"
    os.mkfifo(fifo)
    reason = refused(fifo)
    assert reason.cause == "not_regular_file"
    assert "FIFO" in reason.message_en


def test_directory_and_device(tmp_path: Path) -> None:
    folder = tmp_path / "folder.docx"
    folder.mkdir()
    assert refused(folder).cause == "not_regular_file"
    assert "directory" in refused(folder).message_en
    assert refused(Path("/dev/null")).cause == "not_regular_file"


def test_hard_link_is_refused(tmp_path: Path, good_docx: Path) -> None:
    alias = tmp_path / "alias.docx"
    os.link(good_docx, alias)
    reason = refused(alias)
    assert reason.cause == "hard_link"
    assert "2" in reason.message_en
    assert_clerk_texts(reason)


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.docx"
    empty.touch()
    reason = refused(empty)
    assert reason.cause == "empty"
    assert_clerk_texts(reason)


def test_too_large_with_a_small_limit(tmp_path: Path, good_docx: Path) -> None:
    size = good_docx.stat().st_size
    reason = refused(good_docx, Limits(max_bytes=size - 1))
    assert reason.cause == "too_large"
    assert_clerk_texts(reason)
    assert sniff(good_docx, Limits(max_bytes=size)) == "docx"


def test_vanished_file_is_not_a_refusal(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        sniff(tmp_path / "gone.pdf", LIMITS)


# --- unknown and foreign types ---------------------------------------------------------------

def test_unknown_bytes_name_the_extension(tmp_path: Path) -> None:
    txt = tmp_path / "notes.txt"
    txt.write_text("Quy trình QT-01", encoding="utf-8")
    reason = refused(txt)
    assert reason.cause == "unsupported_type"
    assert ".txt" in reason.message_vi and ".txt" in reason.message_en
    assert_clerk_texts(reason)
    bare = tmp_path / "README"
    bare.write_bytes(b"plain text")
    assert "không có đuôi" in refused(bare).message_vi


def test_pdf_name_with_other_content_says_so(tmp_path: Path) -> None:
    fake = tmp_path / "download.pdf"
    fake.write_bytes(b"<html><body>Session expired</body></html>")
    reason = refused(fake)
    assert reason.cause == "unsupported_type"
    assert ".pdf" in reason.message_vi and "not PDF" in reason.message_en


def test_images_are_named_and_rtf_is_read_through_libreoffice(tmp_path: Path) -> None:
    png = tmp_path / "scan.pdf"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert "PNG" in refused(png).message_vi
    rtf = tmp_path / "old.docx"
    rtf.write_bytes(b"{\\rtf1\\ansi Quy trinh}")
    assert sniff(rtf, LIMITS) == "rtf"  # issue 14: .rtf is read (LibreOffice), refused only without it


# --- OLE: .doc, password-protected Word, other old Office files --------------------------------

def test_legacy_doc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14: a .doc is read through LibreOffice; without it the refusal is today's, naming the
    package to install (the extract stage says so: validation only tells the kind)."""
    from doccontrol.extract import convert, extract_file

    doc = ole_file(tmp_path / "quy-trinh.docx", ["WordDocument", "1Table"])
    assert sniff(doc, LIMITS) == "doc"
    monkeypatch.setattr(convert, "soffice", lambda: None)
    with pytest.raises(Refused) as info:
        extract_file(doc, "doc")
    reason = info.value.reason
    assert reason.cause == "legacy_doc"
    assert "libreoffice-writer-nogui" in reason.advice_vi and "libreoffice-writer-nogui" in reason.advice_en
    assert reason.message_vi == (
        "Tệp là định dạng Word 97-2003 (.doc), hệ thống chỉ nhận .docx hoặc .pdf.")
    assert "Save As" in reason.advice_vi and ".docx" in reason.advice_vi
    assert_clerk_texts(reason)


def test_password_protected_word_file(tmp_path: Path) -> None:
    enc = ole_file(tmp_path / "secret.docx",
                   ["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"])
    reason = refused(enc)
    assert reason.cause == "encrypted"
    assert "mật khẩu" in reason.message_vi and "Word" in reason.message_vi
    assert_clerk_texts(reason)


def test_old_excel_is_unsupported_and_named(tmp_path: Path) -> None:
    xls = ole_file(tmp_path / "bang.xls", ["Workbook"])
    reason = refused(xls)
    assert reason.cause == "unsupported_type"
    assert ".xls" in reason.message_vi


def test_broken_ole_header_is_damaged(tmp_path: Path) -> None:
    good = ole_file(tmp_path / "a.doc", ["WordDocument"]).read_bytes()
    broken = tmp_path / "broken.doc"
    broken.write_bytes(good[:300])
    assert refused(broken).cause == "damaged"
    bad_dir = bytearray(good)
    bad_dir[0x30:0x34] = (999).to_bytes(4, "little")  # directory sector out of range
    broken.write_bytes(bytes(bad_dir))
    assert refused(broken).cause == "damaged"


# --- zips: macros, other formats, bombs, unsafe names ------------------------------------------

def test_macro_enabled_by_vba_part(tmp_path: Path, good_docx: Path) -> None:
    docm = rewrite_zip(good_docx, tmp_path / "macro.docx",
                       add=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake vba")])
    reason = refused(docm)
    assert reason.cause == "macro_enabled"
    assert ".docm" in reason.message_vi
    assert_clerk_texts(reason)


def test_macro_enabled_by_content_type(tmp_path: Path, good_docx: Path) -> None:
    def edit(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(DOCX_MAIN.encode(),
                                b"application/vnd.ms-word.document.macroEnabled.main+xml")
        return data

    assert refused(rewrite_zip(good_docx, tmp_path / "m.docx", edit)).cause == "macro_enabled"


def test_xlsx_named_docx_is_not_docx(tmp_path: Path) -> None:
    xlsx = write_zip(tmp_path / "bang-tinh.docx", [
        ("[Content_Types].xml", content_types(
            ("/xl/workbook.xml",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"))),
        ("xl/workbook.xml", b"<workbook/>"),
    ])
    reason = refused(xlsx)
    assert reason.cause == "not_docx"
    assert "Excel" in reason.message_vi and ".xlsx" in reason.message_en
    assert_clerk_texts(reason)


def test_odt_is_read_and_refused_with_macros_or_a_password(tmp_path: Path) -> None:
    members = [("mimetype", b"application/vnd.oasis.opendocument.text"),
               ("content.xml", b"<office:document-content/>")]
    odt = write_zip(tmp_path / "van-ban.docx", members, compression=zipfile.ZIP_STORED)
    assert sniff(odt, LIMITS) == "odt"  # issue 14: read through LibreOffice
    macro = write_zip(tmp_path / "macro.odt", members + [("Basic/Standard/Module1.xml", b"<x/>")],
                      compression=zipfile.ZIP_STORED)
    assert refused(macro).cause == "macro_enabled"
    locked = write_zip(tmp_path / "locked.odt", members + [
        ("META-INF/manifest.xml", b"<manifest><file-entry><encryption-data/></file-entry></manifest>")],
        compression=zipfile.ZIP_STORED)
    reason = refused(locked)
    assert reason.cause == "encrypted" and ".odt" in reason.message_vi
    assert_clerk_texts(reason)


def test_doc_with_macros_stays_refused(tmp_path: Path) -> None:
    doc = ole_file(tmp_path / "macro.doc", ["WordDocument", "1Table", "Macros"])
    assert refused(doc).cause == "macro_enabled"


def test_plain_zip_is_not_docx(tmp_path: Path) -> None:
    plain = write_zip(tmp_path / "archive.docx", [("readme.txt", b"hello")])
    reason = refused(plain)
    assert reason.cause == "not_docx"
    assert "word/document.xml" in reason.message_en


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    bomb = write_zip(tmp_path / "bomb.docx", [
        ("[Content_Types].xml", content_types(("/word/document.xml", DOCX_MAIN))),
        ("word/document.xml", b"\x00" * (2 * 1024 * 1024)),
    ])
    assert bomb.stat().st_size < 20_000
    reason = refused(bomb)
    assert reason.cause == "zip_bomb"
    assert "ratio" in reason.message_en
    assert_clerk_texts(reason)


def test_zip_bomb_by_total_size(tmp_path: Path) -> None:
    big = write_zip(tmp_path / "big.docx", [
        ("[Content_Types].xml", content_types(("/word/document.xml", DOCX_MAIN))),
        ("word/document.xml", os.urandom(64 * 1024)),
    ])
    reason = refused(big, Limits(max_uncompressed=32 * 1024))
    assert reason.cause == "zip_bomb"
    assert "uncompressed" in reason.message_en


def test_zip_bomb_by_entry_count(tmp_path: Path) -> None:
    many = write_zip(tmp_path / "many.docx", [(f"word/m{i}.xml", b"<x/>") for i in range(60)])
    reason = refused(many, Limits(max_entries=50))
    assert reason.cause == "zip_bomb"
    assert "60 members" in reason.message_en


def test_zip_bomb_by_oversized_directory(tmp_path: Path) -> None:
    names = [(f"word/{'n' * 2000}{i}.xml", b"") for i in range(20)]
    fat = write_zip(tmp_path / "fat.docx", names, compression=zipfile.ZIP_STORED)
    reason = refused(fat, Limits(max_entries=30))
    assert reason.cause == "zip_bomb"
    assert "central directory" in reason.message_en


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/evil.xml", "C:/evil.xml",
                                  "word\\..\\..\\evil.xml", "word/../../evil.xml"])
def test_unsafe_member_names(tmp_path: Path, good_docx: Path, name: str) -> None:
    unsafe = rewrite_zip(good_docx, tmp_path / "unsafe.docx", add=[(name, b"<x/>")])
    reason = refused(unsafe)
    assert reason.cause == "unsafe_zip"
    assert_clerk_texts(reason)


def test_encrypted_zip_members(tmp_path: Path, good_docx: Path) -> None:
    enc = mark_zip_encrypted(rewrite_zip(good_docx, tmp_path / "enc.docx"))
    assert refused(enc).cause == "encrypted"


def test_damaged_zip(tmp_path: Path, good_docx: Path) -> None:
    data = good_docx.read_bytes()
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(data[: len(data) // 2])
    reason = refused(truncated)
    assert reason.cause == "damaged"
    assert "zip" in reason.message_en
    assert_clerk_texts(reason)


def test_doctype_in_content_types_is_xxe(tmp_path: Path, good_docx: Path) -> None:
    def edit(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(b"<Types", b'<!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><Types', 1)
        return data

    reason = refused(rewrite_zip(good_docx, tmp_path / "xxe.docx", edit))
    assert reason.cause == "xxe"
    assert_clerk_texts(reason)


def test_docx_without_content_types_but_with_document_part_is_accepted(
        tmp_path: Path, good_docx: Path) -> None:
    def drop(name: str, data: bytes) -> bytes | None:
        return None if name == "[Content_Types].xml" else data

    assert sniff(rewrite_zip(good_docx, tmp_path / "noct.docx", drop), LIMITS) == "docx"
