"""PDF extraction: Vietnamese text layer, passwords, scans, truncated files."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from support.extract_builders import encrypt_pdf, image_only_pdf, pdf_file

from doccontrol.extract import extract_file
from doccontrol.extract.validate import Limits, sniff
from doccontrol.core.model import Extracted, Refused, Stage

PAGE_1 = "QUY TRÌNH tiếp nhận và giải quyết hồ sơ\nMã hiệu: QT-05/SLĐTBXH"
PAGE_2 = "Lần ban hành: 03. Ngày hiệu lực: 15/01/2024. Đường dây nóng ưu tiên."


def refused(path: Path) -> Refused:
    with pytest.raises(Refused) as info:
        extract_file(path, sniff(path, Limits()))
    assert info.value.reason.stage is Stage.EXTRACT
    return info.value


@pytest.fixture
def procedure_pdf(tmp_path: Path) -> Path:
    return pdf_file(tmp_path / "qt.pdf", [PAGE_1, PAGE_2], title="Quy trình QT-05")


def test_vietnamese_text_pages_and_title(procedure_pdf: Path) -> None:
    result = extract_file(procedure_pdf, "pdf")
    assert isinstance(result, Extracted)
    assert result.kind == "pdf"
    assert result.pages == 2
    assert result.text.split("\n") == PAGE_1.split("\n") + [PAGE_2]
    assert result.properties.title == "Quy trình QT-05"


def test_nfd_text_comes_out_nfc(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", PAGE_2)
    assert nfd != PAGE_2
    pdf = pdf_file(tmp_path / "nfd.pdf", [nfd], title=unicodedata.normalize("NFD", "Tiêu đề"))
    result = extract_file(pdf, "pdf")
    assert result.text == PAGE_2
    assert result.properties.title == "Tiêu đề"


def test_ligatures_are_spelled_out(tmp_path: Path) -> None:
    pdf = pdf_file(tmp_path / "lig.pdf", ["Các tài liệu: ﬁle, ﬂow, oﬃce, baﬄe — đủ chữ để đọc."])
    assert "file, flow, office, baffle" in extract_file(pdf, "pdf").text


def test_user_password_is_refused_as_encrypted(tmp_path: Path, procedure_pdf: Path) -> None:
    locked = encrypt_pdf(procedure_pdf, tmp_path / "locked.pdf", "mat-khau", "chu-so-huu")
    reason = refused(locked).reason
    assert reason.cause == "encrypted"
    assert "mật khẩu" in reason.message_vi and "password" in reason.message_en
    assert reason.advice_vi and reason.advice_en


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_owner_password_only_opens(tmp_path: Path, procedure_pdf: Path, algorithm: str) -> None:
    owner_only = encrypt_pdf(procedure_pdf, tmp_path / "owner.pdf", "", "chu-so-huu", algorithm)
    result = extract_file(owner_only, sniff(owner_only, Limits()))
    assert "QT-05/SLĐTBXH" in result.text
    assert result.pages == 2


def test_image_only_pdf_has_no_text(tmp_path: Path) -> None:
    error = refused(image_only_pdf(tmp_path / "scan.pdf"))
    reason = error.reason
    assert reason.cause == "no_text"
    assert "scan" in reason.message_vi and "scanned" in reason.message_en
    assert ".docx" in reason.advice_vi and "Word" in reason.advice_vi


def test_a_few_letters_are_still_no_text(tmp_path: Path) -> None:
    assert refused(pdf_file(tmp_path / "few.pdf", ["Trang 1 / 2 — 15"])).reason.cause == "no_text"


def test_garbage_after_the_header_is_damaged(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    error = refused(bad)
    assert error.reason.cause == "damaged"
    assert "PDF" in error.reason.message_en


def test_truncated_at_many_offsets_never_crashes(tmp_path: Path, procedure_pdf: Path) -> None:
    data = procedure_pdf.read_bytes()
    outcomes: dict[str, int] = {}
    for fraction in (0.02, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.97, 0.995):
        cut = tmp_path / f"cut-{fraction}.pdf"
        cut.write_bytes(data[: int(len(data) * fraction)])
        try:
            result = extract_file(cut, sniff(cut, Limits()))
            assert isinstance(result, Extracted)
            outcome = "extracted"
        except Refused as exc:
            assert exc.reason.cause in {"damaged", "no_text"}, exc.reason
            outcome = exc.reason.cause
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes.get("damaged", 0) + outcomes.get("no_text", 0) >= 1, outcomes


def test_unknown_kind_is_a_programming_error(procedure_pdf: Path) -> None:
    with pytest.raises(ValueError):
        extract_file(procedure_pdf, "xlsx")
