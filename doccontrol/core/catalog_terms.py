"""A TTHC's terms as a catalog publishes them: its deadline, fee, legal basis and place (pure).

Provincial decisions that publish TTHC carry, besides code and name, the columns *Thời hạn giải
quyết*, *Phí, lệ phí*, *Căn cứ pháp lý* and *Địa điểm thực hiện*; ``core.catalog`` reads them
(header found by name) and keeps them per TTHC. This module says when a new value is a change:

- a deadline changes when its normal form does (``core.deadlines``: amount, unit, from when);
  ``05 ngày làm việc`` and ``5 Ngày làm việc`` are the same, and a deadline that cannot be read
  is compared by its words;
- a legal basis changes when the documents it names (``core.citations`` normal forms) do; a
  basis naming none is compared by its words;
- fee and place compare by their words (case, spacing and punctuation aside).

A change of deadline or legal basis is what makes linked procedures ``tthc_changed``
(``core.conformity``); its detail says what changed, old and new.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from doccontrol.core import deadlines as dl
from doccontrol.core.citations import citation_key, citation_refs
from doccontrol.core.labels import shorten
from doccontrol.core.text import nfc, squash_spaces

DEADLINE = "deadline"
FEE = "fee"
BASIS = "basis"
PLACE = "place"
TERMS = (DEADLINE, FEE, BASIS, PLACE)
#: the terms whose change makes linked procedures due for review
CHECKED = (DEADLINE, BASIS)
TERM_VI = {DEADLINE: "Thời hạn giải quyết", FEE: "Phí, lệ phí", BASIS: "Căn cứ pháp lý", PLACE: "Địa điểm thực hiện"}
TERM_EN = {DEADLINE: "deadline", FEE: "fee", BASIS: "legal basis", PLACE: "place"}

_NON_WORD = re.compile(r"[\W_]+")
SHOWN = 160  # characters of an old or new value quoted in a change's detail


def _words(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", nfc(text).casefold()).split())


def same_deadline(old: str, new: str) -> bool:
    a, b = dl.parse_deadline(old), dl.parse_deadline(new)
    if a.duration is not None and b.duration is not None:
        return a.duration.key() == b.duration.key()
    return _words(old) == _words(new)


def _refs(text: str) -> dict[str, str]:
    return {citation_key(r): r for r in citation_refs(text)}


def same_basis(old: str, new: str) -> bool:
    a, b = _refs(old), _refs(new)
    if a or b:
        return set(a) == set(b)
    return _words(old) == _words(new)


def same(term: str, old: str, new: str) -> bool:
    if term == DEADLINE:
        return same_deadline(old, new)
    if term == BASIS:
        return same_basis(old, new)
    return _words(old) == _words(new)


def change_detail(term: str, old: str, new: str) -> str:
    """``Thời hạn giải quyết: «15 ngày» → «10 ngày»``; for a legal basis also which documents were
    added and dropped."""
    quoted = f"«{shorten(squash_spaces(old), SHOWN)}» → «{shorten(squash_spaces(new), SHOWN)}»"
    if term != BASIS:
        return f"{TERM_VI[term]}: {quoted}"
    a, b = _refs(old), _refs(new)
    added = [b[k] for k in b if k not in a]
    dropped = [a[k] for k in a if k not in b]
    parts = ([f"thêm {', '.join(added)}"] if added else []) + ([f"bỏ {', '.join(dropped)}"] if dropped else [])
    return f"{TERM_VI[term]}: {'; '.join(parts) + ' — ' if parts else ''}{quoted}"


def deadline_problem(text: str) -> tuple[str, str] | None:
    """(Vietnamese, English) why a deadline cell cannot be read, None when it can (or is empty)."""
    reading = dl.parse_deadline(text)
    if reading.kind != dl.UNREADABLE:
        return None
    return reading.why_vi, reading.why_en


def deadline_label(text: str) -> str:
    """What a deadline cell reads as: ``5 ngày làm việc, kể từ khi nhận đủ hồ sơ``, or
    ``KHÔNG ĐỌC ĐƯỢC (why)``."""
    reading = dl.parse_deadline(text)
    if reading.duration is None:
        return f"KHÔNG ĐỌC ĐƯỢC ({reading.why_vi})"
    receipt = ", kể từ khi nhận đủ hồ sơ" if reading.duration.start == dl.START_RECEIPT else ""
    return reading.duration.label() + receipt


def terms_lines(values: Mapping[str, str], width: int = 110) -> list[str]:
    """The terms a catalog publishes for one TTHC (``term → text``), one a line, Vietnamese; the
    deadline with what it reads as (``… → 5 ngày làm việc``)."""
    lines = []
    for term in TERMS:
        value = values.get(term, "")
        if value:
            shown = shorten(squash_spaces(value), width)
            if term == DEADLINE:
                shown += f" → {deadline_label(value)}"
            lines.append(f"{TERM_VI[term]}: {shown}")
    return lines


def terms_of(t: object) -> dict[str, str]:
    """``term → text`` of a TTHC (any object with the terms as attributes)."""
    return {term: str(getattr(t, term, "") or "") for term in TERMS}
