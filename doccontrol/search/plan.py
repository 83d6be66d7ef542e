"""What a query asks of an index, independent of the engine: weighted terms with required groups.

A query (``search.query.ParsedQuery``) becomes a flat list of :class:`Part`: each the BM25 of one
pre-analysed term in one field, times a weight; the parts of a *group* are alternatives of which a
document must match one (every syllable of the query must occur). Both engines rank with these
parts (whoosh through ``whoosh_read.top_k``, tantivy through boolean queries), so a query means
the same on either.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import count

from doccontrol.search import vietnamese
from doccontrol.search.query import ParsedQuery, Syllable


@dataclass(frozen=True)
class Part:
    """One weighted term of a query: BM25 of ``term`` in ``field``, times ``weight``."""

    field: str
    term: str
    weight: float
    group: int | None = None  # required group: a document must match a part of every group
    scored: bool = True  # False: only a requirement, no score


# How much a match in each field counts (multiplies the field's BM25).  Titles are short and
# say what a procedure is: they weigh most; adjacent syllables (bigrams) weigh more than
# scattered ones; exact spellings count for queries typed with diacritics.
FIELD_WEIGHTS: dict[str, float] = {
    "body_f": 1.0,
    "body_x": 1.0,
    "body_bi": 1.5,
    "title_f": 3.0,
    "title_x": 3.0,
    "title_bi": 4.0,
}
# For a query typed with diacritics the exact spellings carry the weight; a title that only
# matches folded (``dưỡng`` for ``đương``) gets this much instead of ``title_f``.
FOLDED_TITLE_WEIGHT_WHEN_ACCENTED = 0.5
# BM25 length normalisation: weak for titles (a long title is not a worse match).
FIELD_B: dict[str, float] = {"title_f": 0.3, "title_x": 0.3, "title_bi": 0.3}


def text_parts(q: ParsedQuery) -> list[list[Part]]:
    """The weighted terms of the query; several lists are alternatives (code phrases)."""
    accented = q.accented
    parts: list[Part] = []
    groups = count(1)
    seen: set[str] = set()
    for syl in q.free:
        if syl.folded in seen:
            continue
        seen.add(syl.folded)
        group = next(groups)
        # Every syllable must occur (folded); with diacritics typed, the exact spelling
        # scores and the folded one only admits.
        parts.append(Part("body_f", syl.folded, FIELD_WEIGHTS["body_f"], group,
                          scored=not accented))
        if accented:
            parts.append(Part("title_f", syl.folded, FOLDED_TITLE_WEIGHT_WHEN_ACCENTED))
            parts.append(Part("body_x", syl.exact, FIELD_WEIGHTS["body_x"]))
            parts.append(Part("title_x", syl.exact, FIELD_WEIGHTS["title_x"]))
        else:
            parts.append(Part("title_f", syl.folded, FIELD_WEIGHTS["title_f"]))
    for run in q.runs:
        for bigram in dict.fromkeys(vietnamese.bigrams([s.folded for s in run])):
            parts.append(Part("body_bi", bigram, FIELD_WEIGHTS["body_bi"]))
            parts.append(Part("title_bi", bigram, FIELD_WEIGHTS["title_bi"]))
    for phrase in q.phrases:
        parts.extend(_phrase_parts(phrase, accented, groups))
    if parts:
        return [parts]
    # Only codes: documents that cite one of them in their text.
    return [_phrase_parts(p, False, count(1)) for p in q.code_phrases]


def _phrase_parts(phrase: Sequence[Syllable], exact: bool, groups: Iterator[int]) -> list[Part]:
    """Parts every document containing the phrase matches (its bigrams, or its syllable),
    each required (a group of its own)."""
    if len(phrase) == 1:
        syl = phrase[0]
        if exact:
            return [Part("body_x", syl.exact, FIELD_WEIGHTS["body_x"], next(groups)),
                    Part("title_x", syl.exact, FIELD_WEIGHTS["title_x"])]
        return [Part("body_f", syl.folded, FIELD_WEIGHTS["body_f"], next(groups)),
                Part("title_f", syl.folded, FIELD_WEIGHTS["title_f"])]
    parts = []
    for bigram in dict.fromkeys(vietnamese.bigrams([s.folded for s in phrase])):
        parts.append(Part("body_bi", bigram, FIELD_WEIGHTS["body_bi"], next(groups)))
        parts.append(Part("title_bi", bigram, FIELD_WEIGHTS["title_bi"]))
    return parts
