"""Vietnamese text analysis for search, independent of any search engine.

The index and the query go through the same steps:

1. NFC (decomposed input would otherwise split syllables), zero-width characters removed;
2. lower case;
3. split into syllables: runs of letters and digits.  One-letter syllables (``ý``, ``ở``, ``a``)
   are kept; there is no stop-word list and no stemmer;
4. tone placement normalised to one form per syllable (``hòa``/``hoà`` → ``hoà``,
   ``thủy``/``thuỷ`` → ``thuỷ``, ``khỏe``/``khoẻ`` → ``khoẻ``, misplaced ``qúy`` → ``quý``,
   ``gìa`` → ``già``).

That gives the *exact* form of each syllable.  The *folded* form is
:func:`doccontrol.text.fold` of it (diacritics removed, ``đ`` → ``d``).  Proximity is represented
by *bigrams* of adjacent folded syllables (``lao động`` → ``lao_dong``); punctuation between two
syllables does not break a bigram (extracted PDF text breaks lines anywhere).

The tone mark goes on the second vowel of ``oa``, ``oe`` and ``uy`` ("kiểu mới", the placement of
the 2018 orthography rules): that form needs no exception for ``qu`` (``quý`` stays ``quý``).
Only the index form changes; texts are shown as written.

Speed matters (the whole repository is re-analysed on a rebuild), so the per-syllable work
(tone placement, folding) is memoised: a department's vocabulary is a few thousand syllables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from doccontrol.core.text import fold
from doccontrol.core.lazy_pattern import lazy_pattern

BIGRAM_JOINER = "_"

# Combining tone marks (NFD): grave, acute, tilde, hook above, dot below.
_TONE = "\u0300\u0301\u0303\u0309\u0323"
# Combining marks that belong to the vowel itself: circumflex, breve, horn.
_SHAPE = "\u0302\u0306\u031b"

# Rules on the NFD form of one lower-case syllable: the tone moves to the second vowel.
_OA_OE = lazy_pattern(f"o([{_TONE}])([ae][{_SHAPE}]?)")
_UY = lazy_pattern(f"u([{_TONE}])y")
# qu + tone on the u: the u belongs to the consonant, the tone to the next vowel.
_QU = lazy_pattern(f"^qu([{_TONE}])([aeioy][{_SHAPE}]?)")
# gi + tone on the i and another vowel after it (``gìa`` → ``già``); ``gì``, ``gìn`` stay.
_GI = lazy_pattern(f"^gi([{_TONE}])([aeou][{_SHAPE}]?)")
# The old-style placement of oa/oe/uy, for matching raw text that was written that way.
_OLD_OA_OE = lazy_pattern(f"o([ae][{_SHAPE}]?)([{_TONE}])")
_OLD_UY = lazy_pattern(f"uy([{_TONE}])")

_ZERO_WIDTH = lazy_pattern("[\u200b-\u200d\u2060\ufeff\u00ad]")
_SYLLABLE = lazy_pattern(r"(?:[^\W_]|[\u0300-\u036f])+")
# ASCII punctuation and control characters become spaces (bytes.translate is fast) ...
_ASCII_SEPARATORS = bytes.maketrans(
    bytes(range(128)),
    bytes(c if chr(c).isalnum() else 0x20 for c in range(128)),
)
# ... and so do, in UTF-8, U+0080-U+00BF (no-break space, « » · ...) and U+2000-U+2FFF
# (dashes, quotes, ellipsis, bullets, symbols): no Vietnamese letter lives there.
_LATIN1_SYMBOLS = lazy_pattern(rb"\xc2[\x80-\xbf]")
_GENERAL_PUNCTUATION = lazy_pattern(rb"\xe2[\x80-\xbf][\x80-\xbf]")


def _place_tone(syllable: str) -> str:
    """One lower-case syllable with its tone mark where the normal form puts it."""
    if syllable.isascii():
        return syllable
    nfd = unicodedata.normalize("NFD", syllable)
    if not any(mark in nfd for mark in _TONE):
        return syllable
    moved = _OA_OE.sub(r"o\2\1", nfd)
    moved = _UY.sub(r"uy\1", moved)
    moved = _QU.sub(r"qu\2\1", moved)
    moved = _GI.sub(r"gi\2\1", moved)
    return syllable if moved == nfd else unicodedata.normalize("NFC", moved)


class _Memo(dict[str, str]):
    """A dict that computes missing values with ``fn`` (bounded, cleared when full)."""

    def __init__(self, fn: "callable[[str], str]", limit: int = 300_000) -> None:  # type: ignore[valid-type]
        super().__init__()
        self._fn = fn
        self._limit = limit

    def __missing__(self, key: str) -> str:
        if len(self) >= self._limit:
            self.clear()
        value = self._fn(key)
        self[key] = value
        return value


_CANONICAL = _Memo(_place_tone)
_FOLDED = _Memo(fold)


def prepare(text: str) -> str:
    """NFC, zero-width characters removed, lower case: the text syllables are read from.

    For NFC input without zero-width characters the result has the same length as the input,
    so offsets found in it are valid in the original text.
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _ZERO_WIDTH.search(text):
        text = _ZERO_WIDTH.sub("", text)
    return text.lower()


def _raw_syllables(prepared: str) -> list[str]:
    data = prepared.encode("utf-8").translate(_ASCII_SEPARATORS)
    if b"\xc2" in data:
        data = _LATIN1_SYMBOLS.sub(b" ", data)
    if b"\xe2" in data:
        data = _GENERAL_PUNCTUATION.sub(b" ", data)
    parts = data.decode("utf-8").split()
    if all(map(str.isalnum, parts)):
        return parts
    # Rare: other symbols, or stray combining marks NFC could not compose.
    return _SYLLABLE.findall(prepared)


def canonical(syllable: str) -> str:
    """The exact (normal) form of one lower-case NFC syllable."""
    return _CANONICAL[syllable]


def fold_syllable(syllable: str) -> str:
    """:func:`doccontrol.text.fold` of one syllable, memoised."""
    return _FOLDED[syllable]


def syllables(text: str) -> list[str]:
    """The exact syllables of ``text`` (NFC, lower case, normal tone placement), in order."""
    return list(map(_CANONICAL.__getitem__, _raw_syllables(prepare(text))))


def folded(exact: Iterable[str]) -> list[str]:
    """The folded forms of exact syllables."""
    return list(map(_FOLDED.__getitem__, exact))


def has_marks(syllable: str) -> bool:
    """True when the syllable carries diacritics (its folded form differs)."""
    return _FOLDED[syllable] != syllable


def bigrams(folded_syllables: Sequence[str]) -> list[str]:
    """Adjacent pairs of folded syllables: ``["lao", "dong"]`` → ``["lao_dong"]``."""
    return list(map(BIGRAM_JOINER.join, pairwise(folded_syllables)))


@dataclass(frozen=True)
class Analysis:
    """The three token views of one text, as the index stores them."""

    exact: tuple[str, ...]
    folded: tuple[str, ...]
    bigrams: tuple[str, ...]


@lru_cache(maxsize=16)
def analyze(text: str) -> Analysis:
    """Exact syllables, folded syllables and folded bigrams of ``text``.

    Cached for the few most recent texts: an indexer asks for several views of one text.
    """
    exact = syllables(text)
    fold_list = folded(exact)
    return Analysis(tuple(exact), tuple(fold_list), tuple(bigrams(fold_list)))


# --- finding syllables in raw text (phrase check, snippets) ----------------------------------

_LETTER_CLASSES: dict[str, str] = {}


def _build_letter_classes() -> None:
    # Every lower-case letter of Vietnamese that folds to one ASCII letter: Latin-1, ă đ ĩ ũ
    # ơ ư, and the Vietnamese block.  (Small classes: regexes compile fast.)
    extra = [ord(c) for c in "ăđĩũơư"]
    ranges = (range(0x61, 0x7B), range(0xE0, 0x100), extra, range(0x1EA0, 0x1EFA))
    groups: dict[str, set[str]] = {}
    for code in (c for r in ranges for c in r):
        ch = chr(code)
        if ch != ch.lower():
            continue
        base = fold(ch)
        if len(base) == 1 and base.isascii() and base.isalpha():
            groups.setdefault(base, set()).add(ch)
    for base, members in groups.items():
        if len(members) > 1:
            _LETTER_CLASSES[base] = "[" + "".join(sorted(members)) + "]"


_build_letter_classes()


def spellings(syllable: str) -> list[str]:
    """The spellings of an exact syllable that raw text may contain (both tone placements)."""
    forms = [syllable]
    nfd = unicodedata.normalize("NFD", syllable)
    old = _OLD_UY.sub(r"u\1y", _OLD_OA_OE.sub(r"o\2\1", nfd))
    if old != nfd:
        forms.append(unicodedata.normalize("NFC", old))
    return forms


def syllable_pattern(syllable: str, exact: bool) -> str:
    """Regex source for one syllable in :func:`prepare`-d text.

    ``exact``: that spelling (either tone placement); otherwise any spelling that folds to the
    same letters (``duong`` matches ``dương``, ``đường``, ``đương``).
    """
    if exact:
        return "(?:" + "|".join(re.escape(s) for s in spellings(syllable)) + ")"
    return "".join(_LETTER_CLASSES.get(ch, re.escape(ch)) for ch in _FOLDED[syllable])


# Matches must stand alone: no letter or digit right before or after.  The check before the
# match is done in Python (:func:`find`): a leading look-behind would stop the regex engine
# from skipping ahead to the first letter, which makes a search some 30 times slower.
_BOUNDARY_AFTER = r"(?![^\W_])"


def sequence_regex(parts: Sequence[tuple[str, bool]]) -> re.Pattern[str]:
    """A regex for adjacent syllables ``[(syllable, exact), ...]`` in :func:`prepare`-d text.

    Syllables may be separated by any run of non-word characters (spaces, punctuation, line
    breaks), as in the index.  Use it with :func:`find` / :func:`find_all`, which check that
    a match does not start inside a word.
    """
    body = r"[\W_]+".join(syllable_pattern(s, e) for s, e in parts)
    return re.compile(body + _BOUNDARY_AFTER)


def any_syllable_regex(parts: Iterable[tuple[str, bool]]) -> re.Pattern[str]:
    """A regex matching any one of the given syllables (longest alternatives first); use it
    with :func:`find` / :func:`find_all`."""
    sources = sorted({syllable_pattern(s, e) for s, e in parts}, key=len, reverse=True)
    return re.compile("(?:" + "|".join(sources) + ")" + _BOUNDARY_AFTER)


def _starts_word(text: str, start: int) -> bool:
    return start == 0 or not (text[start - 1].isalnum() or unicodedata.combining(text[start - 1]))


def find(pattern: re.Pattern[str], text: str, pos: int = 0,
         endpos: int | None = None) -> re.Match[str] | None:
    """The first match of ``pattern`` in ``text`` that does not start inside a word."""
    end = len(text) if endpos is None else endpos
    while True:
        m = pattern.search(text, pos, end)
        if m is None or _starts_word(text, m.start()):
            return m
        pos = m.start() + 1


def find_all(pattern: re.Pattern[str], text: str, pos: int = 0,
             endpos: int | None = None) -> list[re.Match[str]]:
    """Every match of ``pattern`` that does not start inside a word, left to right."""
    end = len(text) if endpos is None else endpos
    out = []
    while True:
        m = find(pattern, text, pos, end)
        if m is None:
            return out
        out.append(m)
        pos = m.end() if m.end() > m.start() else m.start() + 1


def contains_sequence(text: str, parts: Sequence[tuple[str, bool]]) -> bool:
    """True when ``text`` has the syllables ``parts`` adjacent and in order."""
    return find(sequence_regex(parts), prepare(text)) is not None
