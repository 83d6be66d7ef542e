"""Vietnamese text primitives: NFC, diacritic folding, code normal forms.

Every other module goes through these functions; folding lives here and only here.
"""

from __future__ import annotations

import unicodedata

from doccontrol.core.lookalikes import fold_lookalikes
from doccontrol.core.lazy_pattern import lazy_pattern

# đ/Đ are letters of their own: NFD does not decompose them, so fold them by hand.
_STROKE = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})

# Characters that Word and PDF producers put into text where a plain space or hyphen is meant.
_SPACE_LIKE = lazy_pattern(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_ZERO_WIDTH = lazy_pattern(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_DASHES = lazy_pattern(r"[\u2010-\u2015\u2212]")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the one form used inside doccontrol."""
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """NFC plus the invisible clean-up every extracted text needs.

    Zero-width characters and soft hyphens are removed, exotic spaces become plain spaces,
    typographic dashes become ``-``. Line breaks are kept.
    """
    text = nfc(text)
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACE_LIKE.sub(" ", text)
    text = _DASHES.sub("-", text)
    return text


def _fold_slowly(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_STROKE))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


class _FoldTable(dict[int, str]):
    """Each character's folded form, computed the first time it is met (for ``str.translate``)."""

    def __missing__(self, codepoint: int) -> str:
        folded = self[codepoint] = _fold_slowly(chr(codepoint))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Remove diacritics (``Đường`` → ``Duong``); case is kept.

    Works on NFC or NFD input. The result is ASCII for Vietnamese text. Characters are folded
    one by one through a table filled as they are met (a combining mark folds to nothing), which
    gives what NFD, dropping the combining marks and NFC give, several times faster.
    """
    if text.isascii():
        return text
    folded = text.translate(_FOLD_TABLE)
    return folded if folded.isascii() else unicodedata.normalize("NFC", folded)


def fold_lower(text: str) -> str:
    """Folded and lower-cased: the form used to compare labels and names."""
    return fold(text).lower()


def nfkc(text: str) -> str:
    """Unicode NFKC: full-width letters and digits (``１２``), ligatures (``ﬁ``) and Roman
    numeral signs (``Ⅱ``) become plain ones. For codes and numbers only: it is lossy for prose
    (``m²`` → ``m2``), so titles and text stay NFC."""
    return unicodedata.normalize("NFKC", text)


# A soft separator: white space, "-" (every dash, after clean()), "_". A letter next to a digit
# ("QT01") has an implied one. Any other punctuation ("." "/" ...) is a hard separator.
_LETTER_DIGIT = lazy_pattern(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_SOFT_RUN = lazy_pattern(r"[\s_-]+")
_SOFT_AROUND_HARD = lazy_pattern(r"-*([^\w-]+)-*")
_CODE_EDGE_PUNCT = lazy_pattern(r"^[\W_]+|[\W_]+$")


def code_key(code: str) -> str:
    """The normal form of a procedure code, the one codes are compared by:
    ``QT-01/LĐTBXH`` → ``qt-01/ldtbxh``.

    - case and diacritics are folded (``đ`` → ``d``), NFKC folds full-width characters,
      ligatures and Roman numeral signs, and Cyrillic or Greek letters that look Latin become
      the Latin letter (``core.lookalikes``);
    - *soft* separators are one and the same: white space, any dash and ``_`` between two
      parts, and the place where letters meet digits, all become one ``-``: ``QT 01 LĐTBXH`` =
      ``QT-01-LĐTBXH`` = ``QT01 LĐTBXH`` = ``QT_01_LDTBXH`` → ``qt-01-ldtbxh``;
    - *hard* separators, every other punctuation (``.``, ``/`` ...), are kept, and a soft one
      beside them is dropped: ``QT - 01 / LĐTBXH`` → ``qt-01/ldtbxh``. ``QT.VL.01`` and
      ``QT-VL-01`` stay distinct, as ``QT-01/VP`` and ``QT-01-VP`` do: an agency may well
      number two series that way, while nobody keeps ``QT01`` and ``QT 01`` apart.

    Applied to a key it returns the key, and applied to what the former normal form made of a
    code (spaces removed: ``qt01ldtbxh``) it gives the same key as the code itself unless the
    removed space stood between two letters or two digits.
    """
    text = fold_lower(fold_lookalikes(nfkc(clean(code))))
    text = _LETTER_DIGIT.sub("-", text)
    text = _SOFT_RUN.sub("-", text)
    text = _SOFT_AROUND_HARD.sub(r"\1", text)
    return _CODE_EDGE_PUNCT.sub("", text)


_SLUG_BAD = lazy_pattern(r"[^a-z0-9]+")


def slugify(code: str) -> str:
    """A file-system and git-ref safe name for a code: ``QT-01/LĐTBXH`` → ``qt-01-ldtbxh``."""
    slug = _SLUG_BAD.sub("-", code_key(code)).strip("-")
    return slug or "unnamed"


def squash_spaces(text: str) -> str:
    """Collapse runs of white space into one space and strip the ends."""
    return " ".join(text.split())
