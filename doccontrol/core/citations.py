"""Legal citations: the legal documents a procedure cites, in a normal form (pure, no I/O).

A Vietnamese legal document is named by its number and symbol (số, ký hiệu): ``152/2020/NĐ-CP``
(number / year / type-issuer), ``45/2019/QH14`` (a law: the legislature in the symbol),
``02/2020/UBTVQH14`` (an ordinance), ``345/QĐ-UBND`` (no year: an individual decision),
``30c/NQ-CP`` (a letter after the number). The number and symbol identify the document, so they
are what is kept; the type word before them ("Nghị định", "Luật", ...) only names the kind.

What is read from a text:

- a number (1-5 digits, an optional letter), ``/``, an optional year ``/``, then a symbol whose
  first part is a document type (``NĐ``, ``TT``, ``TTLT``, ``QĐ``, ``NQ``, ``NQLT``, ``CT``,
  ``VBHN``, ``KH``, ``L-CTN``) or a legislature (``QH14``, ``UBTVQH14``), followed by the issuer
  parts joined by ``-``;
- a symbol without a type part (``67/CP``, ``1234/UBND-VX``) only right after a type word
  ("Nghị định số 67/CP");
- spacing, ``số`` / ``số:``, diacritics and case do not matter (``152 / 2020 / nd - cp``), a
  symbol wrapped at a hyphen over the next line (``26/2014/TT-`` / ``BKHCN``) is joined, a type
  glued to its issuer (``NĐCP``) is split, and a number below 10 gets its leading zero;
- the procedure's own issuing decision, "(Ban hành kèm theo Quyết định số ...)" opening a line,
  is not a citation.

The normal form (:attr:`Citation.ref`) is written the official way (``NĐ``, ``QĐ``, ``TTg``,
``HĐND``, ``BLĐTBXH``); :func:`citation_key` is its folded, upper-case form, the one to compare.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from doccontrol.core.text import clean, fold

__all__ = [
    "KINDS_VI",
    "Citation",
    "citation_key",
    "citation_refs",
    "describe",
    "find_citations",
    "parse_citation",
]

#: kind id → Vietnamese name of the document type
KINDS_VI: dict[str, str] = {
    "hien_phap": "Hiến pháp",
    "bo_luat": "Bộ luật",
    "luat": "Luật",
    "phap_lenh": "Pháp lệnh",
    "lenh": "Lệnh",
    "nghi_dinh": "Nghị định",
    "thong_tu_lien_tich": "Thông tư liên tịch",
    "thong_tu": "Thông tư",
    "quyet_dinh": "Quyết định",
    "nghi_quyet_lien_tich": "Nghị quyết liên tịch",
    "nghi_quyet": "Nghị quyết",
    "chi_thi": "Chỉ thị",
    "van_ban_hop_nhat": "Văn bản hợp nhất",
    "ke_hoach": "Kế hoạch",
    "quoc_hoi": "Luật, Bộ luật hoặc Nghị quyết của Quốc hội",
    "ubtvqh": "Pháp lệnh hoặc Nghị quyết của Ủy ban Thường vụ Quốc hội",
    "khac": "Văn bản",
}

# The type part of a symbol (folded, upper case) → kind.
_TYPE_ABBR: dict[str, str] = {
    "ND": "nghi_dinh",
    "TT": "thong_tu",
    "TTLT": "thong_tu_lien_tich",
    "QD": "quyet_dinh",
    "NQ": "nghi_quyet",
    "NQLT": "nghi_quyet_lien_tich",
    "CT": "chi_thi",
    "VBHN": "van_ban_hop_nhat",
    "KH": "ke_hoach",
}
_QH = re.compile(r"QH\d{0,2}")
_UBTVQH = re.compile(r"UBTVQH\d{0,2}")

# Symbol parts as officially written, by their folded upper-case form. Parts not listed keep
# the form they are written in (upper case).
_DISPLAY: dict[str, str] = {
    "ND": "NĐ",
    "QD": "QĐ",
    "TTG": "TTg",
    "HDND": "HĐND",
    "HDTP": "HĐTP",
    "BLDTBXH": "BLĐTBXH",
    "SLDTBXH": "SLĐTBXH",
    "LDTBXH": "LĐTBXH",
    "BGDDT": "BGDĐT",
    "BKHDT": "BKHĐT",
    "BCD": "BCĐ",
    "BCDISO": "BCĐISO",
    "DCS": "ĐCS",
    "BCDTW": "BCĐTW",
    "TLD": "TLĐ",
    "TWDTN": "TWĐTN",
}
# Issuers a type may be glued to ("NĐCP"): only these are split off.
_GLUED_ISSUERS = frozenset({"CP", "TTG", "UBND", "HDND", "BLDTBXH", "BTC", "BNV", "BYT", "BTP", "VPCP",
                            "BKHCN", "BCA", "BQP", "BXD", "BGDDT", "BTTTT", "BKHDT", "BNNPTNT"})

# Type words before a number (folded, lower case) → kind. "pháp luật" is listed so that its
# "luật" is not taken for a law.
_TYPE_WORDS: dict[str, str] = {
    "bo luat": "bo_luat",
    "phap luat": "",
    "luat": "luat",
    "phap lenh": "phap_lenh",
    "lenh": "lenh",
    "nghi dinh": "nghi_dinh",
    "thong tu lien tich": "thong_tu_lien_tich",
    "thong tu": "thong_tu",
    "quyet dinh": "quyet_dinh",
    "nghi quyet lien tich": "nghi_quyet_lien_tich",
    "nghi quyet": "nghi_quyet",
    "chi thi": "chi_thi",
    "van ban hop nhat": "van_ban_hop_nhat",
    "ke hoach": "ke_hoach",
}
_WORDS_ALT = "|".join(sorted((w.replace(" ", r"\s+") for w in _TYPE_WORDS), key=len, reverse=True))
_ANY_TYPE_WORD = re.compile(rf"\b({_WORDS_ALT})\b")
_TYPE_WORD_BEFORE = re.compile(rf"\b({_WORDS_ALT})\s*(?:so\b)?\s*[:.]?\s*$")
_ISSUING_CLAUSE = re.compile(r"^\W*ban\s+hanh\s+kem\s+theo\s+quyet\s+dinh\s*(?:so\b)?\s*[:.]?\s*$")

_WRAP = r"[ \t]*(?:\n[ \t]*){0,2}"  # blanks, and at most two line breaks after a separator
_HEAD = re.compile(
    rf"(?<![\w./\\\-])([0-9]{{1,5}})([a-zA-ZđĐ]?)[ \t]*/{_WRAP}(?:((?:19|20)[0-9]{{2}})[ \t]*/{_WRAP})?"
)
_PART = re.compile(r"[^\W_]+")
_HYPHEN = re.compile(rf"([ \t]*)-({_WRAP})")
_MAX_PARTS = 6
_CONTEXT = 150  # characters of the same line looked at for the kind of a law


@dataclass(frozen=True)
class Citation:
    """One cited legal document."""

    ref: str  # normal form: "152/2020/NĐ-CP"
    kind: str  # a key of KINDS_VI
    number: str  # "152", "30c", "01"
    year: int | None
    symbol: str  # "NĐ-CP"

    @property
    def key(self) -> str:
        return citation_key(self.ref)

    @property
    def kind_vi(self) -> str:
        return KINDS_VI.get(self.kind, KINDS_VI["khac"])

    def label(self) -> str:
        """``Nghị định 152/2020/NĐ-CP``."""
        return f"{self.kind_vi} {self.ref}" if self.kind in _NAMED_KINDS else self.ref


_NAMED_KINDS = frozenset(KINDS_VI) - {"quoc_hoi", "ubtvqh", "khac"}


def citation_key(ref: str) -> str:
    """The form citations compare in: folded, upper case, no blanks (``152/2020/ND-CP``).

    Accepts a normal form or anything :func:`parse_citation` reads; text that names no
    document gives its folded, upper-case, blank-free self.
    """
    found = parse_citation(ref) if not _is_normal(ref) else None
    text = found.ref if found else ref
    return re.sub(r"\s+", "", fold(clean(text)).upper())


def _is_normal(ref: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{2,5}[a-zđ]?/(?:[0-9]{4}/)?[^\W_]+(?:-[^\W_]+)*", ref))


def _folded(part: str) -> str:
    return fold(part).upper()


def _display(part: str) -> str:
    return _DISPLAY.get(_folded(part), part.upper())


def _plain_part(part: str, spaced: bool) -> bool:
    """Whether ``part`` may continue a symbol after a hyphen (``spaced``: blanks around it)."""
    if not any(ch.isalpha() for ch in part) and not part.isdigit():
        return False
    if _folded(part) in _DISPLAY:
        return True
    if part.upper() == part:
        return True
    return not spaced and part.lower() == part


def _symbol_parts(text: str, pos: int) -> tuple[list[str], int]:
    """The parts of a symbol starting at ``pos`` (``NĐ``, ``CP``) and where it ends."""
    first = _PART.match(text, pos)
    if first is None:
        return [], pos
    parts = [first.group()]
    end = first.end()
    while len(parts) < _MAX_PARTS:
        hyphen = _HYPHEN.match(text, end)
        if hyphen is None:
            break
        nxt = _PART.match(text, hyphen.end())
        if nxt is None:
            break
        spaced = bool(hyphen.group(1) or hyphen.group(2))
        if not _plain_part(nxt.group(), spaced):
            break
        parts.append(nxt.group())
        end = nxt.end()
    return parts, end


def _kind_of(parts: list[str], word_kind: str | None) -> tuple[str | None, list[str]]:
    """The kind a symbol names, and its parts (a glued type split off), or (None, parts)."""
    head = _folded(parts[0])
    if head in _TYPE_ABBR:
        return (_TYPE_ABBR[head] if len(parts) > 1 else None), parts
    if head == "L" and len(parts) > 1 and _folded(parts[1]) == "CTN":
        return "lenh", parts
    if _QH.fullmatch(head):
        return (word_kind if word_kind in ("luat", "bo_luat", "nghi_quyet") else "quoc_hoi"), parts
    if _UBTVQH.fullmatch(head):
        return (word_kind if word_kind in ("phap_lenh", "nghi_quyet") else "ubtvqh"), parts
    for abbr in sorted(_TYPE_ABBR, key=len, reverse=True):
        rest = head[len(abbr):]
        if head.startswith(abbr) and rest in _GLUED_ISSUERS:
            cut = len(parts[0]) - len(rest)
            return _TYPE_ABBR[abbr], [parts[0][:cut], parts[0][cut:], *parts[1:]]
    if word_kind and len(head) >= 2 and parts[0].upper() == parts[0] and any(ch.isalpha() for ch in head):
        return word_kind, parts
    return None, parts


def _line_before(text: str, start: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    return fold(text[max(line_start, start - _CONTEXT):start]).lower()


def _word_kind(before: str) -> tuple[str | None, str | None]:
    """(kind of the type word right before the number, kind of the last type word of the line)."""
    right = _TYPE_WORD_BEFORE.search(before)
    immediate = _TYPE_WORDS[" ".join(right.group(1).split())] if right else None
    last = None
    for match in _ANY_TYPE_WORD.finditer(before):
        last = _TYPE_WORDS[" ".join(match.group(1).split())] or last
    return immediate or None, last


def _number(digits: str, letter: str) -> str:
    return f"{int(digits):02d}{letter.lower()}"


def _citations(text: str) -> list[Citation]:
    found: list[Citation] = []
    for head in _HEAD.finditer(text):
        parts, _ = _symbol_parts(text, head.end())
        if not parts:
            continue
        before = _line_before(text, head.start())
        if _ISSUING_CLAUSE.search(before):
            continue
        immediate, last = _word_kind(before)
        kind, parts = _kind_of(parts, immediate or (last if _QH.fullmatch(_folded(parts[0])) or
                                                     _UBTVQH.fullmatch(_folded(parts[0])) else None))
        if kind is None:
            continue
        symbol = "-".join(_display(p) for p in parts)
        year = int(head.group(3)) if head.group(3) else None
        number = _number(head.group(1), head.group(2))
        ref = f"{number}/{year}/{symbol}" if year else f"{number}/{symbol}"
        found.append(Citation(ref=ref, kind=kind, number=number, year=year, symbol=symbol))
    return found


def find_citations(text: str) -> tuple[Citation, ...]:
    """Every legal document cited in ``text``, one per document (by key), in order of first
    appearance."""
    seen: dict[str, Citation] = {}
    for citation in _citations(clean(text).replace("\r\n", "\n").replace("\r", "\n")):
        seen.setdefault(citation.key, citation)
    return tuple(seen.values())


def citation_refs(text: str) -> tuple[str, ...]:
    """The normal forms of the documents cited in ``text`` (what a procedure's metadata keeps)."""
    return tuple(c.ref for c in find_citations(text))


def parse_citation(text: str) -> Citation | None:
    """The one document a reference names (``"Nghị định số 152/2020/NĐ-CP"``, ``"152/2020/nd-cp"``),
    or ``None`` when it names none."""
    found = _citations(clean(text).strip())
    return found[0] if found else None


def describe(ref: str) -> str:
    """``Nghị định 152/2020/NĐ-CP`` for a normal form (the kind read from the symbol)."""
    found = parse_citation(ref)
    return found.label() if found else ref
