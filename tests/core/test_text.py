"""Text primitives: NFC, folding, code normal forms."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from doccontrol.core.lookalikes import LOOKALIKES, fold_lookalikes, has_lookalikes
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


# ------------------------------------------------------------------------------------------
# The code normal form (issue 12.4): soft separators are one, hard ones are kept, look-alikes fold.

SAME_CODE = [
    # inner spaces, dashes, underscores and letter/digit boundaries are one soft separator
    ("spaces", "QT 01 LĐTBXH", "qt-01-ldtbxh"),
    ("dashes", "QT-01-LĐTBXH", "qt-01-ldtbxh"),
    ("folded", "qt-01-ldtbxh", "qt-01-ldtbxh"),
    ("glued", "QT01LĐTBXH", "qt-01-ldtbxh"),
    ("underscores", "QT_01_LĐTBXH", "qt-01-ldtbxh"),
    ("mixed-soft", "QT - 01_ LĐTBXH", "qt-01-ldtbxh"),
    ("en-dash", "QT–01–LĐTBXH", "qt-01-ldtbxh"),
    ("space-before-slash", "QT 05/VP", "qt-05/vp"),
    ("glued-slash", "QT05/VP", "qt-05/vp"),
    ("spaced-slash", "QT-01 / LĐTBXH", "qt-01/ldtbxh"),
    ("number-first", "01/QT-SLĐTBXH", "01/qt-sldtbxh"),
    ("dot-then-dash", "QT.01-VP", "qt.01-vp"),
    ("words-in-code", "QT-TTHC-01", "qt-tthc-01"),
    ("space-then-slash", "QT 03/VP", "qt-03/vp"),
    ("edges", " -QT-01- ", "qt-01"),
    # look-alikes (NFKC, then Cyrillic and Greek letters that look Latin)
    ("cyrillic-te", "QТ-01/VP", "qt-01/vp"),
    ("cyrillic-many", "QТ-01/ВР", "qt-01/bp"),
    ("cyrillic-es-o", "ОС-01", "oc-01"),
    ("greek", "QΤ-0Ι/ΚΗ", "qt-0-i/kh"),
    ("full-width", "ＱＴ－０１／ＶＰ", "qt-01/vp"),
    ("full-width-digits", "QT-１２", "qt-12"),
    ("ligature", "QT-ﬁ-01", "qt-fi-01"),
    ("roman-sign", "QT-Ⅱ", "qt-ii"),
    ("nfd", unicodedata.normalize("NFD", "QT-01/LĐTBXH"), "qt-01/ldtbxh"),
]


@pytest.mark.parametrize("code,key", [c[1:] for c in SAME_CODE], ids=[c[0] for c in SAME_CODE])
def test_code_key_normal_form(code: str, key: str) -> None:
    assert code_key(code) == key
    assert code_key(key) == key  # a key is its own normal form


DISTINCT_CODES = [
    ("dot-vs-dash", "QT.VL.01", "QT-VL-01"),
    ("slash-vs-dash", "QT-01/VP", "QT-01-VP"),
    ("dot-vs-slash", "QT.01", "QT/01"),
    ("number", "QT-01", "QT-10"),
    ("two-digit-runs", "QT-0102", "QT 01 02"),
    ("other-office", "QT 01 LĐTBXH", "QT 01 VP"),
    ("roman-is-not-digit", "QT-II", "QT-2"),
]


@pytest.mark.parametrize("a,b", [c[1:] for c in DISTINCT_CODES], ids=[c[0] for c in DISTINCT_CODES])
def test_code_key_keeps_distinctions_that_matter(a: str, b: str) -> None:
    assert code_key(a) != code_key(b)


def _former_code_key(code: str) -> str:
    """What ``code_key`` made of a code before issue 12: spaces dropped, all else kept."""
    text = re.sub(r"\s+", "", fold_lower(clean(code)))
    return re.sub(r"^[\W_]+|[\W_]+$", "", text)


@pytest.mark.parametrize("code", ["QT-01/LĐTBXH", "QT 05/VP", "QT 01 LĐTBXH", "QT.VL.01", "QT-BTXH-07",
                                  "QT 07/VP", "01/QT-SLĐTBXH", "QТ-01/VP", "ＱＴ－０１", "QT01"])
def test_stored_keys_upgrade_by_normalising_them_again(code: str) -> None:
    """A key stored by the former normal form gives the code's new key when normalised again,
    unless a dropped space stood between two letters or two digits (then compare by ``code``)."""
    assert code_key(_former_code_key(code)) == code_key(code)
    assert code_key(_former_code_key("QT VP 01")) != code_key("QT VP 01")


def test_slug_derives_from_the_normal_form() -> None:
    for code in ("QT 01 LĐTBXH", "QT-01-LĐTBXH", "QТ-01-LĐTBXH", "QT01 LĐTBXH"):
        assert slugify(code) == "qt-01-ldtbxh"
    assert slugify("QT 05/VP") == "qt-05-vp"


@pytest.mark.parametrize("letter", sorted(LOOKALIKES))
def test_every_lookalike_folds_to_a_latin_letter(letter: str) -> None:
    latin = fold_lookalikes(letter)
    assert latin.isascii() and latin.isalpha() and len(latin) == 1
    assert has_lookalikes(letter) and not has_lookalikes(latin)
    assert code_key(f"QT-{letter}1") == code_key(f"QT-{latin}1")


def test_lookalikes_keep_other_text() -> None:
    assert fold_lookalikes("Quy trình QT-01 (Đ) Жж") == "Quy trình QT-01 (Đ) Жж"


# ------------------------------------------------------------------------------------------
# fold: the per-character table gives what NFD, dropping the marks and NFC give.


def _fold_reference(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def test_fold_matches_the_reference_on_every_vietnamese_letter_and_random_text() -> None:
    vietnamese = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
    letters = vietnamese + vietnamese.upper()
    assert fold(letters) == _fold_reference(letters) == fold(unicodedata.normalize("NFD", letters))
    rng = random.Random(3)
    alphabet = [chr(c) for c in range(0x20, 0x2100)] + ["\u0301", "\u0323", "\u0309", "đ", "Đ"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        if rng.random() < 0.3:
            text = unicodedata.normalize("NFD", text)
        assert fold(text) == _fold_reference(text), repr(text)
