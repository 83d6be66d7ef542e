"""A procedure code at the start of a label's value, as the document writes it (pure).

A code is one or a few tokens of letters and digits joined by ``- . / _`` (``QT-01/LĐTBXH``,
``QT.VL.01``, ``01/QT-SLĐTBXH``, ``QT-TTHC-01``), or separated by spaces (``QT 05/VP``,
``QT 01 LĐTBXH``): a space joins a code's next token when the token before is a capitalised
abbreviation (``QT`` + ``05/VP``) or ends in a digit and the next one is an abbreviation
(``QT 01`` + ``LĐTBXH``). An abbreviation is a short run of capitals without tone marks that
is not a Vietnamese word: ``LĐTBXH``, ``VP``, ``UBND`` are; ``QUY``, ``LẦN`` are not (two
letters always are: ``TE``, ``CA``). The code holds a letter and a digit or a separator.

Full-width characters and ligatures are folded (NFKC), and when every letter of the code is
Latin once look-alikes are folded, Cyrillic or Greek look-alikes become the Latin letter they
look like (``QТ-01``, Cyrillic ``Т`` → ``QT-01``): the code is stored as people read it.
"""

from __future__ import annotations

import re

from doccontrol.core.date_text import NUMERIC_DATE
from doccontrol.core.lookalikes import fold_lookalikes
from doccontrol.core.text import fold, fold_lower, nfkc, squash_spaces
from doccontrol.core.tthc_codes import TTHC_EXACT

__all__ = ["code_from", "is_abbreviation", "is_vietnamese_syllable"]

# A Vietnamese syllable, folded: onset, one to three vowels, coda.
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?"
)
_PLAIN_LETTERS = re.compile(r"[A-Za-zĐđ]+")
_MAX_ABBREVIATION = 8


def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` (any case, with or without diacritics) has the shape of one Vietnamese
    syllable: ``quy``, ``trình``, ``lao``, ``te``; not ``ldtbxh``, ``vp``, ``ubnd``, ``iso``."""
    return _SYLLABLE.fullmatch(fold_lower(word)) is not None


def is_abbreviation(token: str, capitals_only: bool = True) -> bool:
    """Whether ``token`` reads as an abbreviation inside a code: letters without tone marks
    (``Đ`` allowed), at most eight, in capitals (unless ``capitals_only`` is False), and not a
    Vietnamese word, unless it has only two letters."""
    token = fold_lookalikes(token)
    if not _PLAIN_LETTERS.fullmatch(token) or len(token) > _MAX_ABBREVIATION:
        return False
    if capitals_only and not token.isupper():
        return False
    return len(token) <= 2 or not is_vietnamese_syllable(token)


_CODE_TOKEN = re.compile(r"[^\W_]+(?:[-./_][^\W_]+)*[-./_]?")
_LONE_SEPARATOR = frozenset("-/.")
_TOKEN_TRAIL = ",;)]}\"'”’"
_TOKEN_LEAD = "([{\"'“‘"
_HAS_LETTER = re.compile(r"[^\W\d_]")
_HAS_DIGIT_OR_SEP = re.compile(r"[0-9\-./_]")
_LEADING_LETTERS = re.compile(r"[^\W\d_]+")
_MAX_CODE_TOKENS = 5
_MAX_CODE_LENGTH = 60


def _letters_only_upper(token: str) -> bool:
    return token.isalpha() and token.isupper() and len(token) <= 8


def _code_like(token: str) -> bool:
    """A token that may follow a space inside a code: it holds a digit, or it opens with an
    abbreviation (``VP``, ``LĐTBXH-2``); a word ("Lần", "QUY") does not."""
    if any(ch.isdigit() for ch in token):
        return True
    head = _LEADING_LETTERS.match(token)
    return head is not None and is_abbreviation(head.group())


def _joinable(prev: str, token: str) -> bool:
    """Whether a space between ``prev`` and ``token`` is inside the code."""
    if prev in _LONE_SEPARATOR or prev[-1] in "-./_":
        return _code_like(token)
    if _letters_only_upper(prev):
        return token[0].isdigit() or _code_like(token)
    return prev[-1].isdigit() and is_abbreviation(token)


def _tokens(segment: str) -> list[str]:
    """The code's tokens at the start of ``segment`` (see the module's docstring)."""
    parts: list[str] = []
    for index, raw in enumerate(segment.split()):
        if index >= _MAX_CODE_TOKENS:
            break
        token = raw.lstrip(_TOKEN_LEAD) if index == 0 else raw
        if token.endswith(":"):  # "Mã số thuế:" - a word of another label
            return [] if not parts else parts
        if token in _LONE_SEPARATOR:
            if not parts:
                break
            parts.append(token)
            continue
        stripped = token.rstrip(_TOKEN_TRAIL)
        ended = stripped != token or stripped.endswith(".")  # "QT.VL.01." ends a sentence
        token = stripped.rstrip(".") if ended else stripped
        if not token or not _CODE_TOKEN.fullmatch(token):
            break
        if parts and not _joinable(parts[-1], token):
            break
        parts.append(token)
        if ended:
            break
    while parts and parts[-1] in _LONE_SEPARATOR:
        parts.pop()
    return parts


def _as_latin(code: str) -> str:
    folded = fold_lookalikes(code)
    if folded == code or any(ch.isalpha() and not fold(ch).isascii() for ch in folded):
        return code
    return folded


def code_from(segment: str) -> str | None:
    """A procedure code at the start of ``segment``, or ``None``.

    Reading stops at a word that is not part of a code ("Lần", "thuế:"), at punctuation that
    ends a value, or after a few tokens. A TTHC code, a date or letters alone are not a code.
    """
    code = squash_spaces(" ".join(_tokens(nfkc(segment)))).rstrip("-./_")
    if (
        not code
        or len(code) > _MAX_CODE_LENGTH
        or not _HAS_LETTER.search(code)
        or not _HAS_DIGIT_OR_SEP.search(code)
        or TTHC_EXACT.search(code)
        or NUMERIC_DATE.search(code)
    ):
        return None
    return _as_latin(code)
