"""The code and revision of a scan: confident text, else the file name, else a reason (pure)."""

from __future__ import annotations

import dataclasses

from doccontrol.core.model import Metadata, OcrResult, OcrWord, Reason
from doccontrol.core.scan_identity import (
    FROM_NAME, FROM_TEXT, ScanIdentity, code_confidence, read_file_name, revision_confidence, scan_identity,
)

META = Metadata(code="QT-01/LĐTBXH", code_key="qt-01/ldtbxh", title="T", revision=2, revision_stated=True)


def ocr(*pairs: tuple[str, float]) -> OcrResult:
    return OcrResult(mean_confidence=90.0, pages=1, words=tuple(OcrWord(t, c) for t, c in pairs))


SURE = ocr(("Mã", 95), ("hiệu:", 94), ("QT-01/LĐTBXH", 92), ("Lần", 93), ("ban", 96), ("hành:", 95), ("02", 91))
UNSURE = ocr(("Mã", 95), ("hiệu:", 94), ("QT-01/LĐTBXH", 41), ("Lan", 45), ("ban", 96), ("hành:", 95), ("02.", 50))


def test_confidences() -> None:
    assert code_confidence("QT-01/LĐTBXH", SURE.words) == 92
    assert code_confidence("QT-09/VP", SURE.words) == 0
    assert revision_confidence(2, SURE.words) == 91
    assert revision_confidence(3, SURE.words) == 0
    assert revision_confidence(2, UNSURE.words) == 45


def test_a_confident_text_is_used() -> None:
    assert scan_identity(META, SURE, "scan-0001.pdf") == ScanIdentity("QT-01/LĐTBXH", 2, FROM_TEXT)


def test_an_unsure_text_falls_back_to_the_file_name() -> None:
    assert scan_identity(META, UNSURE, "QT-01-LĐTBXH_lan-2.pdf") == ScanIdentity("QT-01-LĐTBXH", 2, FROM_NAME)


def test_an_unsure_text_without_a_name_is_refused_with_naming_advice() -> None:
    reason = scan_identity(META, UNSURE, "scan-0001.pdf")
    assert isinstance(reason, Reason) and reason.cause == "scan_unreadable"
    assert "_lan-" in reason.advice_vi and "QT-01-LĐTBXH_lan-2.pdf" in reason.advice_en


def test_ocr_confusions_in_a_code_are_not_trusted_however_sure() -> None:
    confused = dataclasses.replace(META, code="QT-0l/LĐTBXH", code_key="qt-0l/ldtbxh")
    words = ocr(("QT-0l/LĐTBXH", 97), ("Lần", 93), ("ban", 96), ("hành:", 95), ("02", 91))
    assert isinstance(scan_identity(confused, words, "x.pdf"), Reason)


def test_a_text_and_a_name_that_disagree_are_refused() -> None:
    reason = scan_identity(META, SURE, "QT-02-LĐTBXH_lan-2.pdf")
    assert isinstance(reason, Reason) and reason.cause == "scan_name_conflict"
    reason = scan_identity(META, SURE, "QT-01-LĐTBXH_lan-3.pdf")
    assert isinstance(reason, Reason) and reason.cause == "scan_name_conflict"
    assert scan_identity(META, SURE, "QT-01-LĐTBXH_lan-2.pdf") == ScanIdentity("QT-01/LĐTBXH", 2, FROM_TEXT)


def test_no_stated_revision_is_not_revision_one_for_a_scan() -> None:
    unstated = dataclasses.replace(META, revision=1, revision_stated=False)
    assert isinstance(scan_identity(unstated, SURE, "scan.pdf"), Reason)


def test_file_names() -> None:
    assert read_file_name("QT-01-LĐTBXH_lan-2.pdf") == ("QT-01-LĐTBXH", 2)
    assert read_file_name("QT.NCC.01_lần-3.pdf") == ("QT.NCC.01", 3)
    for name in ("scan-0007.pdf", "QT-01.pdf", "bien ban_lan-2.pdf", "_lan-2.pdf"):
        assert read_file_name(name) == (None, None), name
