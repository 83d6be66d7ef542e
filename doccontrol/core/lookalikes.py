"""Letters of other scripts that look like Latin letters, folded to them (pure).

A procedure code is written in Latin letters and digits. A Cyrillic ``Т`` or a Greek ``Ο`` typed
into one (a keyboard layout left on, a code copied from a web page) looks the same to a clerk but
makes another code. :func:`fold_lookalikes` maps such letters to the Latin letter they look like,
so that codes compare equal (``core.text.code_key``) and meet the ownership rule.

The table holds the Cyrillic and Greek letters that Unicode's confusables data (UTS #39,
``confusables.txt``) lists as confusable with a Latin letter, upper and lower case. A lower-case
letter whose capital looks Latin but which itself does not (Cyrillic ``т``, ``н``, ``к``, ``м``,
``в``; Greek ``τ``, ``η``, ``κ``, ``μ``, ``ν``, ``υ``) is folded to the same letter as its capital:
the normal form is lower case, so ``QТ`` and ``qт`` must fold alike. Full-width letters and digits,
ligatures (``ﬁ``) and Roman numeral signs (``Ⅱ``) are not here: NFKC folds them
(``unicodedata.normalize("NFKC", ...)``, applied before this table).
"""

from __future__ import annotations

__all__ = ["LOOKALIKES", "fold_lookalikes", "has_lookalikes"]

#: letter of another script → the Latin letter it looks like
LOOKALIKES: dict[str, str] = {
    # Cyrillic capitals and their small letters
    "А": "A", "а": "a", "В": "B", "в": "b", "С": "C", "с": "c", "Е": "E", "е": "e",
    "Н": "H", "н": "h", "І": "I", "і": "i", "Ј": "J", "ј": "j", "К": "K", "к": "k",
    "М": "M", "м": "m", "О": "O", "о": "o", "Р": "P", "р": "p", "Ѕ": "S", "ѕ": "s",
    "Т": "T", "т": "t", "Х": "X", "х": "x", "У": "Y", "у": "y", "Ү": "Y", "ү": "y",
    "Һ": "H", "һ": "h", "Ԁ": "D", "ԁ": "d", "Ԛ": "Q", "ԛ": "q", "Ԝ": "W", "ԝ": "w",
    "Ӏ": "I", "ӏ": "l",
    # Greek capitals and their small letters
    "Α": "A", "α": "a", "Β": "B", "β": "b", "Ε": "E", "ε": "e", "Ζ": "Z", "ζ": "z",
    "Η": "H", "η": "h", "Ι": "I", "ι": "i", "Κ": "K", "κ": "k", "Μ": "M", "μ": "m",
    "Ν": "N", "ν": "n", "Ο": "O", "ο": "o", "Ρ": "P", "ρ": "p", "Τ": "T", "τ": "t",
    "Υ": "Y", "υ": "y", "Χ": "X", "χ": "x",
}

_TABLE = str.maketrans(LOOKALIKES)


def fold_lookalikes(text: str) -> str:
    """``text`` with every Cyrillic or Greek look-alike of a Latin letter replaced by it:
    ``"QТ-01"`` (Cyrillic ``Т``) → ``"QT-01"``. Other characters are kept."""
    return text.translate(_TABLE)


def has_lookalikes(text: str) -> bool:
    """Whether ``text`` holds a letter that :func:`fold_lookalikes` would change."""
    return any(ch in LOOKALIKES for ch in text)
