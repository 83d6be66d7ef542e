"""Text primitives: NFC, folding, code normal forms."""

from __future__ import annotations

import unicodedata

import pytest

from doccontrol.core.text import clean, code_key, fold, fold_lower, nfc, slugify


def test_nfc_composes_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Quy trình cấp giấy phép")
    assert decomposed != "Quy trình cấp giấy phép"
    assert nfc(decomposed) == "Quy trình cấp giấy phép"


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Đường", "Duong"), ("đương", "duong"), ("dương", "duong"), ("Lần ban hành", "Lan ban hanh"),
     ("LĐTBXH", "LDTBXH"), ("thuỷ hoà", "thuy hoa"), (unicodedata.normalize("NFD", "Ý kiến ở đây"), "Y kien o day")],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_clean_removes_invisible_characters_and_normalises_dashes() -> None:
    assert clean("QT\u201301\u00a0/\u200bLĐ") == "QT-01 /LĐ"


@pytest.mark.parametrize(
    ("a", "b"),
    [("QT-01/LĐTBXH", "qt-01/ldtbxh"), ("QT - 01 / LĐTBXH", "qt-01/ldtbxh"), ("QT–01/LĐTBXH", "qt-01/ldtbxh"),
     (unicodedata.normalize("NFD", "QT-01/LĐTBXH"), "QT-01/LDTBXH"), ("QT.VL.01", "qt.vl.01")],
)
def test_code_key_equal_forms(a: str, b: str) -> None:
    assert code_key(a) == code_key(b)


def test_code_key_keeps_distinct_punctuation() -> None:
    assert code_key("QT.VL.01") != code_key("QT-VL-01")
    assert fold_lower("ĐỒNG") == "dong"


def test_slugify_is_safe_for_paths_and_refs() -> None:
    assert slugify("QT-01/LĐTBXH") == "qt-01-ldtbxh"
    assert slugify("../../etc") == "etc"
    assert slugify("///") == "unnamed"
