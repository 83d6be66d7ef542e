"""Snippets and phrase checks on raw text, engine-independent.

A snippet is a short plain-text window of a document around the query's words, with the
matched syllables between :data:`~doccontrol.search.backend.MARK_START` and
:data:`~doccontrol.search.backend.MARK_END` (``[[...]]``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from doccontrol.search import vietnamese
from doccontrol.search.backend import MARK_END, MARK_START
from doccontrol.search.query import ParsedQuery, Syllable
from doccontrol.core.lazy_pattern import lazy_pattern

SNIPPET_CHARS = 240
_WS = lazy_pattern(r"\s+")
_ZERO_WIDTH = lazy_pattern("[\u200b-\u200d\u2060\ufeff\u00ad]")


@lru_cache(maxsize=256)
def _sequence(parts: tuple[tuple[str, bool], ...]) -> re.Pattern[str]:
    return vietnamese.sequence_regex(parts)


@lru_cache(maxsize=256)
def _any(parts: frozenset[tuple[str, bool]]) -> re.Pattern[str]:
    return vietnamese.any_syllable_regex(parts)


def phrase_check(text: str, phrase: Sequence[Syllable], exact: bool) -> bool:
    """True when ``text`` contains the syllables of ``phrase`` adjacent and in order.

    ``exact``: each syllable spelled as typed (either tone placement); otherwise any spelling
    with the same folded letters.
    """
    pattern = _sequence(tuple((s.exact, exact) for s in phrase))
    return vietnamese.find(pattern, vietnamese.prepare(text)) is not None


def _display_form(text: str, prepared: str) -> str:
    """``text`` as shown, with offsets equal to those of its prepared form."""
    if len(text) == len(prepared):
        return text
    shown = _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text))
    return shown if len(shown) == len(prepared) else prepared


def _anchor(prepared: str, q: ParsedQuery) -> int | None:
    """Where the best match of the query starts in ``prepared`` (None: nothing found)."""
    sequences: list[tuple[tuple[str, bool], ...]] = []
    for phrase in q.phrases:
        sequences.append(tuple((s.exact, q.accented) for s in phrase))
    for run in sorted(q.runs, key=len, reverse=True):
        if len(run) > 1:
            if q.accented:
                sequences.append(tuple((s.exact, True) for s in run))
            sequences.append(tuple((s.exact, False) for s in run))
    for phrase in q.code_phrases:
        sequences.append(tuple((s.exact, False) for s in phrase))
    for seq in sequences:
        m = vietnamese.find(_sequence(seq), prepared)
        if m:
            return m.start()
    for exact in ((True, False) if q.accented else (False,)):
        words = frozenset((s.exact, exact) for s in _all_syllables(q))
        if words:
            m = vietnamese.find(_any(words), prepared)
            if m:
                return m.start()
    return None


def _all_syllables(q: ParsedQuery) -> list[Syllable]:
    return [*q.free, *(s for p in q.phrases for s in p), *(s for p in q.code_phrases for s in p)]


def _escape(piece: str) -> str:
    piece = _WS.sub(" ", piece)
    return piece.replace(MARK_START, "[ [").replace(MARK_END, "] ]")


def make_snippet(text: str, q: ParsedQuery, width: int = SNIPPET_CHARS) -> str:
    """A window of ``text`` around the query's best match, matched syllables in ``[[ ]]``."""
    if not text:
        return ""
    prepared = vietnamese.prepare(text)
    shown = _display_form(text, prepared)
    anchor = _anchor(prepared, q)
    start = 0 if anchor is None else max(0, anchor - width // 3)
    end = min(len(prepared), start + width)
    if end == len(prepared):
        start = max(0, end - width)
    if start > 0:  # begin on a word boundary
        space = prepared.find(" ", start, anchor if anchor is not None else end)
        if space != -1:
            start = space + 1
    if end < len(prepared):
        space = prepared.rfind(" ", max(start, (anchor or 0) + 1), end)
        if space != -1:
            end = space
    marks: list[tuple[int, int]] = []
    syllables = _all_syllables(q)
    for exact in ((True, False) if q.accented else (False,)):
        words = frozenset((s.exact, exact) for s in syllables)
        if words:
            marks = [(m.start(), m.end())
                     for m in vietnamese.find_all(_any(words), prepared, start, end)]
            if marks:
                break
    pieces: list[str] = ["…" if start > 0 else ""]
    pos = start
    for s, e in marks:
        pieces.append(_escape(shown[pos:s]))
        pieces.append(MARK_START + shown[s:e] + MARK_END)
        pos = e
    pieces.append(_escape(shown[pos:end]))
    pieces.append("…" if end < len(prepared) else "")
    return "".join(pieces).strip()
