"""Parsing a user's query into an engine-independent form.

Syntax (what a clerk types):

- words: ``trợ cấp thất nghiệp`` or without diacritics ``tro cap that nghiep``; every syllable
  must occur (folded); adjacent syllables that stand together in a text rank higher;
- ``"quoted phrases"`` (also “typographic quotes”): the syllables adjacent and in order;
- codes: a word that looks like a procedure code (``QT-01/LĐTBXH``, ``qt-01/ldtbxh``,
  ``QT.VL.01``) or a TTHC code (``1.001234``, ``1.001234.000.00.00.H37``) finds that procedure
  (or those linked to that TTHC) first;
- filters: ``code:QT-VL`` (code equal to, or starting with, the value), ``tthc:1.001234``,
  ``office:VL``; Vietnamese aliases ``mã:``, ``phòng:``; a quoted value (``office:"Việc làm"``)
  may hold spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from doccontrol.core.tthc_codes import tthc_key  # "1.001234.000.00.00.H37" -> "1.001234"
from doccontrol.search import vietnamese
from doccontrol.core.text import clean, code_key, fold_lower, squash_spaces
from doccontrol.core.lazy_pattern import lazy_pattern

__all__ = ["ParsedQuery", "Syllable", "looks_like_code", "office_key", "parse", "tthc_index_keys",
           "tthc_key"]


@dataclass(frozen=True)
class Syllable:
    exact: str  # normalised, lower case, with diacritics as typed
    folded: str

    @property
    def marked(self) -> bool:
        return self.exact != self.folded


@dataclass(frozen=True)
class ParsedQuery:
    runs: tuple[tuple[Syllable, ...], ...] = ()  # free words; each run was typed adjacent
    phrases: tuple[tuple[Syllable, ...], ...] = ()  # quoted
    codes: tuple[str, ...] = ()  # code keys of words that look like procedure codes
    tthc: tuple[str, ...] = ()  # TTHC short keys of words that look like TTHC codes
    code_phrases: tuple[tuple[Syllable, ...], ...] = ()  # the syllables of those code words
    code_filters: tuple[str, ...] = ()
    tthc_filters: tuple[str, ...] = ()
    office_filters: tuple[str, ...] = ()
    accented: bool = False  # typed with diacritics: exact spellings rank first

    @property
    def free(self) -> tuple[Syllable, ...]:
        return tuple(s for run in self.runs for s in run)

    @property
    def has_text(self) -> bool:
        return bool(self.runs or self.phrases)

    @property
    def has_filters(self) -> bool:
        return bool(self.code_filters or self.tthc_filters or self.office_filters)

    @property
    def is_empty(self) -> bool:
        return not (self.has_text or self.codes or self.tthc or self.has_filters)


# --- codes ----------------------------------------------------------------------------------

_CODE_CHARS = lazy_pattern(r"^[^\W_](?:[\w./-]*[^\W_])?$")
_CODE_SEPARATORS = lazy_pattern(r"[./-]")


def tthc_index_keys(codes: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Keys to index for a document's TTHC codes: each full code's key and its short key."""
    keys: list[str] = []
    for code in codes:
        full = code_key(code)
        if not full:
            continue
        keys.append(full)
        short = tthc_key(code)
        if short and short != full:
            keys.append(short)
    return tuple(dict.fromkeys(keys))


def looks_like_code(word: str) -> bool:
    """True for a word shaped like a procedure code: letters and digits joined by ``- . /``."""
    key = code_key(word)
    return (
        bool(_CODE_CHARS.match(key))
        and bool(_CODE_SEPARATORS.search(key))
        and any(ch.isdigit() for ch in key)
        and any(ch.isalpha() for ch in key)
    )


def office_key(office: str) -> str:
    """The form offices are compared in: folded, lower case, single spaces."""
    return squash_spaces(fold_lower(clean(office)))


# --- parsing --------------------------------------------------------------------------------

_FIELD_ALIASES = {
    "code": "code", "ma": "code",
    "tthc": "tthc",
    "office": "office", "phong": "office",
}
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_TOKEN = lazy_pattern(
    r'(?P<field>[^\W\d_]+):(?:"(?P<fquoted>[^"]*)"?|(?P<fvalue>\S+))'
    r'|"(?P<phrase>[^"]*)"?'
    r"|(?P<word>\S+)"
)
_EDGE_PUNCT = lazy_pattern(r"^[^\w]+|[^\w]+$")


def _syllables(text: str) -> tuple[Syllable, ...]:
    exact = vietnamese.syllables(text)
    return tuple(Syllable(e, f) for e, f in zip(exact, vietnamese.folded(exact)))


@dataclass
class _QueryReader:
    """What :func:`parse` has read so far: runs of plain words, quoted phrases, codes, filters."""

    runs: list[tuple[Syllable, ...]] = field(default_factory=list)
    current: list[Syllable] = field(default_factory=list)  # the run of plain words being read
    phrases: list[tuple[Syllable, ...]] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    tthc: list[str] = field(default_factory=list)
    code_phrases: list[tuple[Syllable, ...]] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=lambda: {"code": [], "tthc": [], "office": []})

    def token(self, m: re.Match[str]) -> None:
        if m.group("field") is not None:
            if not self._filter(m):
                self._word(m.group(0))  # an unknown "name:value" is ordinary text
        elif m.group("phrase") is not None:
            self._phrase(m.group("phrase"))
        else:
            self._word(m.group("word"))

    def end_run(self) -> None:
        if self.current:
            self.runs.append(tuple(self.current))
            self.current.clear()

    def _filter(self, m: re.Match[str]) -> bool:
        """``code:``, ``tthc:``, ``office:`` (and their Vietnamese names); False for another name."""
        name = _FIELD_ALIASES.get(fold_lower(m.group("field")))
        if name is None:
            return False
        self.end_run()
        value = squash_spaces((m.group("fquoted") if m.group("fquoted") is not None else m.group("fvalue")) or "")
        if value:
            self.filters[name].append(value)
        return True

    def _phrase(self, text: str) -> None:
        self.end_run()
        syll = _syllables(text)
        if syll:
            self.phrases.append(syll)

    def _word(self, word: str) -> None:
        """A TTHC code, a procedure code (each also a phrase of its syllables), or a plain word."""
        bare = _EDGE_PUNCT.sub("", word)
        short = tthc_key(bare) if bare else None
        if not (short or (bare and looks_like_code(bare))):
            self.current.extend(_syllables(word))
            return
        self.end_run()
        if short:
            self.tthc.append(short)
        else:
            self.codes.append(code_key(bare))
        syll = _syllables(bare)
        if syll:
            self.code_phrases.append(syll)

    def result(self) -> ParsedQuery:
        self.end_run()
        code_filters = tuple(dict.fromkeys(code_key(v) for v in self.filters["code"] if code_key(v)))
        tthc_filters = tuple(dict.fromkeys(tthc_key(v) or code_key(v) for v in self.filters["tthc"]))
        office_filters = tuple(dict.fromkeys(office_key(v) for v in self.filters["office"]))
        all_syllables = [s for run in self.runs for s in run] + [s for p in self.phrases for s in p]
        return ParsedQuery(
            runs=tuple(self.runs),
            phrases=tuple(self.phrases),
            codes=tuple(dict.fromkeys(self.codes)),
            tthc=tuple(dict.fromkeys(self.tthc)),
            code_phrases=tuple(self.code_phrases),
            code_filters=code_filters,
            tthc_filters=tuple(k for k in tthc_filters if k),
            office_filters=tuple(k for k in office_filters if k),
            accented=any(s.marked for s in all_syllables),
        )


def parse(query: str) -> ParsedQuery:
    """Parse a query string (any normalisation form) into a :class:`ParsedQuery`."""
    reader = _QueryReader()
    for m in _TOKEN.finditer(clean(query).translate(_QUOTES)):
        reader.token(m)
    return reader.result()
