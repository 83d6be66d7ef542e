"""TCVN3 (ABC) and VNI text back to Unicode: letter by letter over the whole alphabet, every tone,
both cases; fonts; judging a text without fonts."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

from doccontrol.core import legacy_fonts as lf
from doccontrol.core.text import clean

# Each row: the Unicode letters with the tones in the order none, grave, hook, tilde, acute, dot
# below; then the same letters as a TCVN3 (ABC) text and as a VNI text shows them in a
# Western font (what Word stores for a run in .VnTime / VNI-Times).
ROWS = [
    ("a à ả ã á ạ", "a µ ¶ · ¸ ¹", "a aø aû aõ aù aï"),
    ("ă ằ ẳ ẵ ắ ặ", "¨ » ¼ ½ ¾ Æ", "aê aè aú aü aé aë"),
    ("â ầ ẩ ẫ ấ ậ", "© Ç È É Ê Ë", "aâ aà aå aã aá aä"),
    ("e è ẻ ẽ é ẹ", "e Ì Î Ï Ð Ñ", "e eø eû eõ eù eï"),
    ("ê ề ể ễ ế ệ", "ª Ò Ó Ô Õ Ö", "eâ eà eå eã eá eä"),
    ("i ì ỉ ĩ í ị", "i × Ø Ü Ý Þ", "i ì æ ó í ò"),
    ("o ò ỏ õ ó ọ", "o ß á â ã ä", "o oø oû oõ où oï"),
    ("ô ồ ổ ỗ ố ộ", "« å æ ç è é", "oâ oà oå oã oá oä"),
    ("ơ ờ ở ỡ ớ ợ", "¬ ê ë ì í î", "ô ôø ôû ôõ ôù ôï"),
    ("u ù ủ ũ ú ụ", "u ï ñ ò ó ô", "u uø uû uõ uù uï"),
    ("ư ừ ử ữ ứ ự", "\u00ad õ ö ÷ ø ù", "ö öø öû öõ öù öï"),
    ("y ỳ ỷ ỹ ý ỵ", "y ú û ü ý þ", "y yø yû yõ yù î"),
    ("đ", "®", "ñ"),
]
# The capitals VNI writes with capital marks; TCVN3 has its own slots only for the capitals
# without tone (a toned capital is a small letter's byte in a capitals font, .VnTimeH).
VNI_CAPITALS = [
    ("A À Ả Ã Á Ạ", "A AØ AÛ AÕ AÙ AÏ"),
    ("Ă Ằ Ẳ Ẵ Ắ Ặ", "AÊ AÈ AÚ AÜ AÉ AË"),
    ("Â Ầ Ẩ Ẫ Ấ Ậ", "AÂ AÀ AÅ AÃ AÁ AÄ"),
    ("E È Ẻ Ẽ É Ẹ", "E EØ EÛ EÕ EÙ EÏ"),
    ("Ê Ề Ể Ễ Ế Ệ", "EÂ EÀ EÅ EÃ EÁ EÄ"),
    ("I Ì Ỉ Ĩ Í Ị", "I Ì Æ Ó Í Ò"),
    ("O Ò Ỏ Õ Ó Ọ", "O OØ OÛ OÕ OÙ OÏ"),
    ("Ô Ồ Ổ Ỗ Ố Ộ", "OÂ OÀ OÅ OÃ OÁ OÄ"),
    ("Ơ Ờ Ở Ỡ Ớ Ợ", "Ô ÔØ ÔÛ ÔÕ ÔÙ ÔÏ"),
    ("U Ù Ủ Ũ Ú Ụ", "U UØ UÛ UÕ UÙ UÏ"),
    ("Ư Ừ Ử Ữ Ứ Ự", "Ö ÖØ ÖÛ ÖÕ ÖÙ ÖÏ"),
    ("Y Ỳ Ỷ Ỹ Ý Ỵ", "Y YØ YÛ YÕ YÙ Î"),
    ("Đ", "Ñ"),
]
TCVN3_CAPITALS = "¡ ¢ £ ¤ ¥ ¦ §"  # Ă Â Ê Ô Ơ Ư Đ


def _pairs(unicode_row: str, legacy_row: str) -> list[tuple[str, str]]:
    letters, legacy = unicode_row.split(" "), legacy_row.split(" ")
    assert len(letters) == len(legacy)
    return list(zip(legacy, letters))


@pytest.mark.parametrize("row", ROWS, ids=[r[0].split()[0] for r in ROWS])
def test_tcvn3_every_small_letter_and_tone(row: tuple[str, str, str]) -> None:
    for legacy, letter in _pairs(row[0], row[1]):
        assert lf.decode_tcvn3(legacy) == letter, (legacy, letter)
        # in a capitals font (.VnTimeH) the same byte is the capital
        assert lf.decode_tcvn3(legacy, capitals=True) == letter.upper()


@pytest.mark.parametrize("row", ROWS, ids=[r[0].split()[0] for r in ROWS])
def test_vni_every_small_letter_and_tone(row: tuple[str, str, str]) -> None:
    for legacy, letter in _pairs(row[0], row[2]):
        assert lf.decode_vni(legacy) == letter, (legacy, letter)


@pytest.mark.parametrize("row", VNI_CAPITALS, ids=[r[0].split()[0] for r in VNI_CAPITALS])
def test_vni_every_capital_and_tone(row: tuple[str, str]) -> None:
    for legacy, letter in _pairs(row[0], row[1]):
        assert lf.decode_vni(legacy) == letter, (legacy, letter)


def test_the_rows_cover_the_whole_alphabet() -> None:
    small = {letter for row in ROWS for letter in row[0].split()}
    assert len(small) == 12 * 6 + 1  # twelve vowels with six tones each, and đ
    capitals = {letter for row in VNI_CAPITALS for letter in row[0].split()}
    assert capitals == {letter.upper() for letter in small}
    assert all(unicodedata.is_normalized("NFC", x) for x in small | capitals)


def test_tcvn3_capitals_without_tone() -> None:
    assert lf.decode_tcvn3(TCVN3_CAPITALS) == "Ă Â Ê Ô Ơ Ư Đ"


def test_tcvn3_agrees_with_the_c_library_table() -> None:
    """glibc's TCVN5712-1 converter, an independent implementation of the standard, gives the
    same letter for every byte 0xA1-0xFF (where it has one)."""
    if shutil.which("iconv") is None:
        pytest.skip("iconv is not installed")
    for byte in range(0xA1, 0x100):
        run = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([byte]),
                             capture_output=True, check=False)
        if run.returncode != 0:
            pytest.skip("this iconv has no TCVN5712-1")
        expected = unicodedata.normalize("NFC", run.stdout.decode("utf-8"))
        assert lf.decode_tcvn3(chr(byte)) == expected, hex(byte)


def test_words_and_sentences() -> None:
    assert lf.decode_tcvn3("Céng hßa x· héi chñ nghÜa ViÖt Nam") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert lf.decode_tcvn3("Quy tr×nh") == "Quy trình"
    assert lf.decode_tcvn3("céng hoµ x· héi", capitals=True) == "CỘNG HOÀ XÃ HỘI"
    assert lf.decode_vni("Ñoäc laäp - Töï do - Haïnh phuùc") == "Độc lập - Tự do - Hạnh phúc"
    assert lf.decode_vni("Ngöôøi lao ñoäng") == "Người lao động"
    assert lf.decode_vni("OÂng") == "Ông"


def test_the_soft_hyphen_is_the_letter_u_horn_so_decode_before_cleaning() -> None:
    legacy = "ng\u00adêi lao ®éng"
    assert lf.decode_tcvn3(legacy) == "người lao động"
    assert clean(legacy) != legacy  # clean() drops U+00AD: decoding must come first
    assert lf.decode_tcvn3(clean(legacy)) == "ngời lao động"


def test_combining_tone_marks_compose() -> None:
    assert lf.decode_tcvn3("a\u00b3") == "á"  # 0xB3 is the combining acute


def test_fonts() -> None:
    assert lf.encoding_of_font(".VnTime") == lf.TCVN3
    assert lf.encoding_of_font(".VnArial Narrow") == lf.TCVN3
    assert lf.encoding_of_font(".VnTimeH") == lf.TCVN3 and lf.is_capitals_font(".VnTimeH")
    assert not lf.is_capitals_font(".VnTime")
    assert lf.encoding_of_font("VNI-Times") == lf.VNI
    assert lf.encoding_of_font("VNI-Helve-Condense") == lf.VNI
    for unicode_font in ("Times New Roman", "Arial", "VnTimes", "", None):
        assert lf.encoding_of_font(unicode_font) is None


def test_repair_text_judges_by_the_text() -> None:
    tcvn3 = "Céng hßa x· héi chñ nghÜa ViÖt Nam\nQuy tr×nh cÊp giÊy phÐp lao ®éng\nMã hiệu: QT-01"
    text, encoding = lf.repair_text(tcvn3)
    assert encoding == lf.TCVN3
    assert text == "Cộng hòa xã hội chủ nghĩa Việt Nam\nQuy trình cấp giấy phép lao động\nMã hiệu: QT-01"
    vni = "Ñoäc laäp - Töï do - Haïnh phuùc\nQuy trình caáp giaáy pheùp lao ñoäng"
    text, encoding = lf.repair_text(vni)
    assert (text, encoding) == ("Độc lập - Tự do - Hạnh phúc\nQuy trình cấp giấy phép lao động", lf.VNI)


@pytest.mark.parametrize("text", [
    "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc",
    "Diện tích 3 × 4 m², © 2024, giá 5 €",
    "Mã hiệu: QT-01/LĐTBXH",
    "",
])
def test_unicode_text_is_never_touched(text: str) -> None:
    assert lf.repair_text(text) == (text, None)
