"""The value of a revision label (``Lần ban hành: 02``) read as a number, or as impossible (pure).

What a value may say, after NFKC (full-width ``０２`` is ``02``):

- digits, after an optional ``lần`` / ``lần thứ`` or ``v`` / ``ver`` / ``version``: ``02``,
  ``lần 3``, ``lần thứ 4``, ``v3``; a version's minor part is dropped (``2.1`` → 2); a pair
  ``02/01`` (lần ban hành / lần sửa đổi, as many headers write it) gives its first number;
- a Roman numeral from I to X (``II`` → 2; in capitals, or in small letters ``ii`` … ``x`` of two
  letters or more, so that words such as ``mix`` are not numerals);
- a Vietnamese ordinal or number word: ``lần đầu``, ``đầu tiên``, ``thứ nhất`` → 1, ``thứ hai``
  … ``thứ mười``, ``một`` … ``mười`` standing alone.

Impossible values are reported, never read as 1: ``00`` (zero), ``-1`` (negative), ``1000`` or
``999999999999`` (more than ``MAX_REVISION``), a Roman numeral above X (``XII``: write it in
digits). Anything else (a date, ``Trang 1/5``, words, an empty form ``....``) is not a revision
value at all: :func:`read_revision_value` returns None and the reader looks further.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from doccontrol.core.metadata_problems import MAX_REVISION
from doccontrol.core.text import fold_lower, nfkc
from doccontrol.core.vnpattern import compile_folded

__all__ = ["ROMAN_MAX", "RevisionValue", "read_revision_value"]

#: the largest Roman numeral read as a revision
ROMAN_MAX = 10


@dataclass(frozen=True)
class RevisionValue:
    """A revision label's value: ``number`` when it is a revision, else ``why`` it cannot be one
    (``zero``, ``negative``, ``too_large``, ``roman``)."""

    number: int | None
    written: str
    why: str = ""


_ORDINAL_PREFIX = compile_folded(r"[ \t]*(?:lan[ \t]*(?:thu[ \t]*)?)?")
_VERSION_PREFIX = compile_folded(r"(?:v(?:er(?:sion)?)?\.?[ \t]*)?")
_NUMBER = re.compile(r"(-[ \t]*)?([0-9]+)(?:\.[0-9]+)*(?![0-9/]|[.\-][0-9])")
_PAIR = re.compile(r"([0-9]{1,2})[ \t]*/[ \t]*[0-9]{1,2}(?![0-9/]|[.\-][0-9])")
_ROMAN = re.compile(
    r"(M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))(?![^\W_])", re.IGNORECASE
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_FIRST = compile_folded(r"(?:dau(?:[ \t]+tien)?|thu[ \t]+nhat)(?![^\W_])")
_WORDS = ("mot", "hai", "ba", "bon", "nam", "sau", "bay", "tam", "chin", "muoi")
_ORDINAL_WORD = compile_folded(r"thu[ \t]+(hai|ba|tu|bon|nam|sau|bay|tam|chin|muoi)(?![^\W_])")
_BARE_WORD = compile_folded(rf"({'|'.join(_WORDS)})(?=[ \t]*(?:$|[.,;:()\[\]|/]))")


def _roman_value(numeral: str) -> int:
    total = 0
    values = [_ROMAN_VALUES[ch] for ch in numeral.upper()]
    for i, value in enumerate(values):
        total += -value if i + 1 < len(values) and values[i + 1] > value else value
    return total


def _numeric(value: str, pos: int) -> RevisionValue | None:
    version = _VERSION_PREFIX.match(value, pos)
    start = version.end() if version else pos
    pair = _PAIR.match(value, start)
    if pair:
        return _checked(int(pair.group(1)), pair.group(0))
    number = _NUMBER.match(value, start)
    if number is None:
        return None
    written = number.group(0)
    if number.group(1):
        return RevisionValue(None, written, "negative")
    return _checked(int(number.group(2)), written)


def _checked(number: int, written: str) -> RevisionValue:
    if number == 0:
        return RevisionValue(None, written, "zero")
    if number > MAX_REVISION:
        return RevisionValue(None, written, "too_large")
    return RevisionValue(number, written)


def _worded(value: str, pos: int) -> RevisionValue | None:
    roman = _ROMAN.match(value, pos)
    if roman and roman.group(1):
        numeral = roman.group(1)
        if numeral.isupper() or (len(numeral) > 1 and not set(numeral) - set("ivx")):
            number = _roman_value(numeral)
            return RevisionValue(number if number <= ROMAN_MAX else None, numeral,
                                 "" if number <= ROMAN_MAX else "roman")
    first = _FIRST.match(value, pos)
    if first:
        return RevisionValue(1, first.group(0))
    ordinal = _ORDINAL_WORD.match(value, pos)
    if ordinal:
        word = fold_lower(ordinal.group(1))
        return RevisionValue(4 if word == "tu" else _WORDS.index(word) + 1, ordinal.group(0))
    bare = _BARE_WORD.match(value, pos)
    if bare:
        return RevisionValue(_WORDS.index(fold_lower(bare.group(1))) + 1, bare.group(1))
    return None


def read_revision_value(value: str) -> RevisionValue | None:
    """What the value of a revision label says (see the module's docstring), or None when it is
    not a revision value."""
    value = nfkc(value)
    pos = _ORDINAL_PREFIX.match(value).end()  # type: ignore[union-attr]  # matches the empty string
    return _numeric(value, pos) or _worded(value, pos)
