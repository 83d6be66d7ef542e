"""Vietnamese text typed in the pre-Unicode font encodings, TCVN3 (ABC) and VNI, back to Unicode.

Before Unicode, Vietnamese Word files were typed in fonts that draw Vietnamese letters in the
slots of Western ones. The file stores what Windows-1252 calls those slots, so the text reads as
"Céng hßa" (TCVN3, fonts ``.VnTime``, ``.VnArial`` ...) or "Ñoäc laäp" (VNI, fonts ``VNI-Times``
...). This module turns such text back into Unicode NFC. Pure functions, no I/O.

- **TCVN3** is the 8-bit table of TCVN 5712:1993 (VN3, the one the ABC fonts implement): one
  byte per letter, 0xA1-0xFE (and the five combining tone marks 0xB0-0xB4). The capitals with
  a tone have no slot there: they are typed with the same bytes as the small letters in a
  capitals-only font (``.VnTimeH``, ``.VnArialH`` ...): :func:`decode_tcvn3` with
  ``capitals=True``. The slots the fuller VN1 table gives to capitals inside 0xA0-0xFF are read
  as those capitals; 0x80-0x9F (where Windows-1252 has quotes and dashes that ABC texts really
  use) and the control range are left as they are.
- **VNI** writes a letter as its base letter followed by one or two marks that are themselves
  Latin-1 letters (``a`` + ``ù`` = á, ``o`` + ``ä`` = ộ, ``ö`` = ư, ``ô`` = ơ, ``ñ`` = đ),
  capitals with capital marks (``AÙ`` = Á).

A byte stored as the Latin-1 character of the same number (what a PDF without a ToUnicode map
gives) reads the same as its Windows-1252 character.

Where the fonts are known (a .docx run's ``w:rFonts``), :func:`encoding_of_font` names the
encoding. Where they are not (a PDF's text, a text without fonts), :func:`repair_text` judges by
the text itself: it converts only when the text is plainly not Unicode Vietnamese (many words
that are no Vietnamese syllable) and the conversion makes them syllables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "TCVN3",
    "VNI",
    "could_be_legacy",
    "decode",
    "decode_tcvn3",
    "decode_vni",
    "detect_encoding",
    "encoding_of_font",
    "is_capitals_font",
    "repair_text",
]

TCVN3 = "tcvn3"
VNI = "vni"

# --- TCVN3 (TCVN 5712:1993) ------------------------------------------------------------------

# byte -> letter, 0xA1-0xFF. The small letters in the order of the alphabet, each with its five
# tones (grave, hook, tilde, acute, dot below), then the capitals without tone, then the
# capitals the VN1 table puts in this range.
_TCVN3_BYTES: dict[int, str] = {
    # a à ả ã á ạ / ă ằ ẳ ẵ ắ ặ / â ầ ẩ ẫ ấ ậ
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xA8: "ă", 0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xA9: "â", 0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xAE: "đ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xAA: "ê", 0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xAB: "ô", 0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xAC: "ơ", 0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xAD: "ư", 0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
    # capitals without tone
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    # the VN1 capitals with tone that sit in 0xA0-0xFF
    0xAF: "Ằ", 0xBA: "Ẳ", 0xBF: "Ẵ", 0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ", 0xC4: "Ấ",
    0xC5: "Ề", 0xCD: "Ể", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xE0: "Ổ", 0xF0: "Ỗ", 0xFF: "Ố",
    # combining tone marks (grave, hook, tilde, acute, dot below), composed by NFC
    0xB0: "\u0300", 0xB1: "\u0309", 0xB2: "\u0303", 0xB3: "\u0301", 0xB4: "\u0323",
}


def _char_of_byte(byte: int) -> set[str]:
    """The characters a legacy byte is found as in Unicode text: its Windows-1252 character
    (what Word stores for a run in such a font) and its Latin-1 character (what PDFs give)."""
    chars = {chr(byte)}
    try:
        chars.add(bytes([byte]).decode("cp1252"))
    except UnicodeDecodeError:
        pass
    return chars


_TCVN3_TABLE: dict[int, str] = {
    ord(ch): letter for byte, letter in _TCVN3_BYTES.items() for ch in _char_of_byte(byte)
}


def decode_tcvn3(text: str, capitals: bool = False) -> str:
    """TCVN3 text (as Word or a PDF gives it) in Unicode NFC: ``"Céng hßa"`` → ``"Cộng hòa"``.

    ``capitals``: the text is in a capitals-only font (``.VnTimeH``): it is shown in capitals.
    """
    decoded = unicodedata.normalize("NFC", text.translate(_TCVN3_TABLE))
    return decoded.upper() if capitals else decoded


# --- VNI ------------------------------------------------------------------------------------

# The marks that follow a base letter, as small letters (the capital forms are their .upper()):
# mark -> (the modifier it adds: "^" circumflex, "(" breve, "" none; the tone: one of "`?~'." or "").
_VNI_MARKS: dict[str, tuple[str, str]] = {
    "ù": ("", "'"), "ø": ("", "`"), "û": ("", "?"), "õ": ("", "~"), "ï": ("", "."),
    "â": ("^", ""), "á": ("^", "'"), "à": ("^", "`"), "å": ("^", "?"), "ã": ("^", "~"), "ä": ("^", "."),
    "ê": ("(", ""), "é": ("(", "'"), "è": ("(", "`"), "ú": ("(", "?"), "ü": ("(", "~"), "ë": ("(", "."),
}
# Letters VNI writes as one character: ơ, ư, đ and the i's and ỵ.
_VNI_SINGLE: dict[str, str] = {
    "ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
}
_TONE_MARK = {"'": "\u0301", "`": "\u0300", "?": "\u0309", "~": "\u0303", ".": "\u0323", "": ""}
_MODIFIER = {"^": "\u0302", "(": "\u0306", "": ""}
# Which bases take which modifier (VNI puts the circumflex on a, e, o and the breve on a only).
_TAKES = {"^": "aeo", "(": "a", "": "aeiouyơư"}


def _vni_compose(base: str, modifier: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + _MODIFIER[modifier] + _TONE_MARK[tone])


def _vni_table() -> tuple[dict[str, str], dict[str, str]]:
    """(pairs, singles): two-character sequences and single characters to their letters."""
    pairs: dict[str, str] = {}
    for base in "aeiouyơư":
        for mark, (modifier, tone) in _VNI_MARKS.items():
            if base not in _TAKES[modifier]:
                continue
            vni_base = {"ơ": "ô", "ư": "ö"}.get(base, base)
            if vni_base in ("ô", "ö") and modifier:
                continue
            letter = _vni_compose(base, modifier, tone)
            pairs[vni_base + mark] = letter
            pairs[(vni_base + mark).upper()] = letter.upper()
            pairs[vni_base.upper() + mark] = letter.upper()  # "Oân": a capital typed before a small mark
    singles = dict(_VNI_SINGLE)
    singles.update({k.upper(): v.upper() for k, v in _VNI_SINGLE.items()})
    return pairs, singles


_VNI_PAIRS, _VNI_SINGLES = _vni_table()
_VNI_PATTERN = re.compile(
    "|".join(re.escape(seq) for seq in sorted(_VNI_PAIRS, key=len, reverse=True))
    + "|[" + re.escape("".join(_VNI_SINGLES)) + "]"
)


def decode_vni(text: str) -> str:
    """VNI text in Unicode NFC: ``"Ñoäc laäp"`` → ``"Độc lập"``."""

    def letter(match: re.Match[str]) -> str:
        seq = match.group()
        return _VNI_PAIRS.get(seq) or _VNI_SINGLES[seq]

    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(letter, text))


def decode(text: str, encoding: str, capitals: bool = False) -> str:
    """``text`` decoded from ``encoding`` (:data:`TCVN3` or :data:`VNI`)."""
    if encoding == TCVN3:
        return decode_tcvn3(text, capitals)
    if encoding == VNI:
        return decode_vni(text)
    raise ValueError(f"unknown legacy encoding {encoding!r}")


_CP1252_HIGH = frozenset(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))


def could_be_legacy(text: str) -> bool:
    """Whether ``text`` holds only characters a legacy 8-bit font run can store (Latin-1 and
    the Windows-1252 punctuation): a run with "ộ" or "ư" in it is Unicode whatever its font."""
    return all(ord(ch) < 0x100 or ch in _CP1252_HIGH for ch in text)


# --- fonts -----------------------------------------------------------------------------------

# ABC fonts are ".Vn" + name (".VnTime", ".VnArial", ".VnTimeH"); VNI fonts "VNI-" + name.
_TCVN3_FONT = re.compile(r"^\s*\.?vn[a-z]", re.IGNORECASE)
_VNI_FONT = re.compile(r"^\s*vni[-_ ]", re.IGNORECASE)
_NOT_LEGACY_FONT = re.compile(r"^\s*vn[-_ ]?(?:times|arial)?\s*$", re.IGNORECASE)


def encoding_of_font(font: str | None) -> str | None:
    """:data:`TCVN3` for an ABC font (``.VnTime``, ``.VnArialH``), :data:`VNI` for a VNI font
    (``VNI-Times``), else None. A Unicode font named "Vn..." without the leading dot
    (``VnTimes`` is not one) is only taken for TCVN3 when the dot is there."""
    if not font:
        return None
    if _VNI_FONT.match(font):
        return VNI
    stripped = font.strip()
    if stripped.startswith(".") and _TCVN3_FONT.match(stripped) and not _NOT_LEGACY_FONT.match(stripped[1:]):
        return TCVN3
    return None


def is_capitals_font(font: str | None) -> bool:
    """An ABC capitals-only font: ``.VnTimeH``, ``.VnArialH``, ``.VnAvantH`` (name ending in H)."""
    return bool(font) and encoding_of_font(font) == TCVN3 and font.strip().endswith("H")  # type: ignore[union-attr]


# --- judging by the text ---------------------------------------------------------------------

# The Vietnamese alphabet in Unicode: base letters and every toned form (NFC).
_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")


def _vietnamese_letters() -> tuple[frozenset[str], frozenset[str]]:
    toned: set[str] = set()
    plain: set[str] = set("bcdđghklmnpqrstvx" + "fjwz")
    for vowel in _VOWELS:
        for tone in _TONES:
            letter = unicodedata.normalize("NFC", vowel + tone)
            (toned if tone else plain).add(letter)
    both = lambda letters: {c for x in letters for c in (x, x.upper())}  # noqa: E731
    return frozenset(both(plain)), frozenset(both(toned))


_PLAIN_LETTERS, _TONED_LETTERS = _vietnamese_letters()
_WORD = re.compile(r"[^\s\d!-/:-@\[-`{-~]+")  # runs of anything but blanks, digits and ASCII punctuation


def _is_syllable(word: str) -> bool:
    """Whether ``word`` is spelled with Vietnamese letters only and carries at most one tone."""
    tones = 0
    for ch in word:
        if ch in _TONED_LETTERS:
            tones += 1
        elif ch not in _PLAIN_LETTERS:
            return False
    return tones <= 1


def _score(words: Iterable[str]) -> int:
    """How many of ``words`` are syllables."""
    return sum(1 for word in words if _is_syllable(word))


def _non_ascii_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if not w.isascii()]


# At least this many words must change from non-syllables to syllables, and the broken words
# must be at least this share of the words with non-ASCII letters: a Unicode text with a stray
# "×" or "©" is never touched.
MIN_REPAIRED_WORDS = 3
MIN_BROKEN_SHARE = 0.2


def detect_encoding(text: str) -> str | None:
    """:data:`TCVN3` or :data:`VNI` when ``text`` is plainly typed in that encoding, else None."""
    words = _non_ascii_words(text)
    if not words:
        return None
    raw = _score(words)
    broken = len(words) - raw
    if broken < MIN_REPAIRED_WORDS or broken < MIN_BROKEN_SHARE * len(words):
        return None
    best, best_score = None, raw + MIN_REPAIRED_WORDS - 1
    for encoding in (TCVN3, VNI):
        score = _score(_WORD.findall(decode(" ".join(words), encoding)))
        if score > best_score:
            best, best_score = encoding, score
    return best


def repair_text(text: str) -> tuple[str, str | None]:
    """``(text in Unicode, the encoding it was in)``; ``(text, None)`` when it was Unicode.

    Judged by the text alone (for PDFs and files without font names). When the text as a whole
    is in a legacy encoding, each line is converted when that makes more of its words
    Vietnamese syllables (a line already in Unicode, in a document that mixes both, stays).
    """
    encoding = detect_encoding(text)
    if encoding is None:
        return text, None
    lines = text.split("\n")
    for number, line in enumerate(lines):
        words = _non_ascii_words(line)
        if not words:
            continue
        decoded = decode(line, encoding)
        if _score(_WORD.findall(decoded)) > _score(_WORD.findall(line)):
            lines[number] = decoded
    return "\n".join(lines), encoding
