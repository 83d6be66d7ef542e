"""Vietnamese text primitives: NFC, diacritic folding, code normal forms.

Every other module goes through these functions; folding lives here and only here.
"""

from __future__ import annotations

import re
import unicodedata

# đ/Đ are letters of their own: NFD does not decompose them, so fold them by hand.
_STROKE = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})

# Characters that Word and PDF producers put into text where a plain space or hyphen is meant.
_SPACE_LIKE = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")


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


def fold(text: str) -> str:
    """Remove diacritics (``Đường`` → ``Duong``); case is kept.

    Works on NFC or NFD input. The result is ASCII for Vietnamese text.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_STROKE))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def fold_lower(text: str) -> str:
    """Folded and lower-cased: the form used to compare labels and names."""
    return fold(text).lower()


_CODE_SPACES = re.compile(r"\s+")
_CODE_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")


def code_key(code: str) -> str:
    """The normal form of a procedure code: ``QT-01/LĐTBXH`` → ``qt-01/ldtbxh``.

    Case, spacing, dash variants and diacritics are folded; other punctuation is kept, because
    ``QT.VL.01`` and ``QT-VL-01`` may well be different documents.
    """
    text = clean(code)
    text = _CODE_SPACES.sub("", fold_lower(text))
    return _CODE_EDGE_PUNCT.sub("", text)


_SLUG_BAD = re.compile(r"[^a-z0-9]+")


def slugify(code: str) -> str:
    """A file-system and git-ref safe name for a code: ``QT-01/LĐTBXH`` → ``qt-01-ldtbxh``."""
    slug = _SLUG_BAD.sub("-", code_key(code)).strip("-")
    return slug or "unnamed"


def squash_spaces(text: str) -> str:
    """Collapse runs of white space into one space and strip the ends."""
    return " ".join(text.split())
