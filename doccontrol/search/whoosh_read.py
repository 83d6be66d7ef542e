"""Reading whoosh postings in bulk and ranking documents, in plain Python.

Whoosh's matchers score one posting at a time through a tree of Python objects: for a query
whose syllables occur in every procedure that is several microseconds per posting per term,
hundreds of milliseconds per query at 20,000 procedures.  Here a query is a flat list of
weighted terms (:class:`Part`) with required groups, and:

- a term's postings are decoded straight into lists, in global document numbers; they and
  their document sets are kept per open reader (bounded: a long-lived web view reuses them);
- the required groups (every query syllable must occur) are sets of documents, intersected;
- BM25 per field, times a field weight, each field's length normalisation looked up in a table
  of its 256 length codes. The parts with the highest possible contribution are visited first
  and only their candidates scored (MaxScore): once the k-th best score found is above what any
  other document could still get from the parts not visited, the top k is known; the syllables
  every procedure shares ("hồ sơ" in all 40,000 documents at 20,000 procedures) then never need
  a pass of their own. Otherwise BM25 is added posting by posting into one score list, for the
  candidates only (a byte per document says which), and the top k come from one partial sort.
  (One plain loop: ``map`` chains over ``operator`` functions measured two to three times slower.)

Both ways are exact (no heuristics: the same documents, scores and ties), and without numpy:
importing it cost a whole ``doccontrol search`` process more than the ranking itself (issue 15).
The arithmetic is the one numpy did, operation by operation, so scores are the same to the bit.
Stored fields (the hits' titles and texts) are read from whoosh's column without its reader's
per-document loop (:class:`StoredColumn`).
"""

from __future__ import annotations

import heapq
import io
from bisect import bisect_left, bisect_right
import math
import pickle
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import neg
from pathlib import Path
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3PerDocReader, _lenfield
from whoosh.reading import CorruptIndexError, TermNotFound
from whoosh.util.numeric import byte_to_length

from doccontrol.search import postings_cache
from doccontrol.search.plan import Part

K1 = 1.2
DEFAULT_B = 0.75
_LENGTH_TABLE = [float(byte_to_length(i)) for i in range(256)]
# Ranking by MaxScore looks each scored document up in every part: with more parts than this (a
# query of four or five syllables and its bigrams) that measured slower than scoring every candidate.
MAX_PRUNED_PARTS = 8
MAX_CACHED = 3_000_000  # postings and document sets kept per open reader (items of lists and sets)


@dataclass(frozen=True)
class Postings:
    """The decoded postings of one term over all segments, in global document numbers."""

    ids: list[int]  # ascending
    weights: list[float]  # the term's count in the document (an int where the postings cache gives it)

    @property
    def size(self) -> int:
        return len(self.ids)


EMPTY = Postings([], [])


def _block_lists(n: int, data: tuple[Any, Any, Any]) -> tuple[list[int], list[float]]:
    """Docnums and weights of one W3 posting block (ids delta-encoded, weights minified)."""
    ids = list(accumulate(data[0]))
    w = data[1]
    if w is None:
        weights = [1.0] * n
    elif isinstance(w, float):
        weights = [w] * n
    else:
        weights = array("d", w).tolist()
    return ids, weights


def _decode_term(terms: Any, field: str, tbytes: bytes) -> tuple[list[int], list[float]] | None:
    """All (docnum, weight) of one term in one segment.

    Reads the term's whole posting list with one read and parses the W3 blocks in memory
    (``[int length][pickled block info][zlib'd pickled (ids, weights, values)]``, the last
    block with a negative length): whoosh's matcher reads each block header through a
    dozen small reads.
    """
    try:
        info = terms.term_info(field, tbytes)
    except TermNotFound:
        return None
    if info.is_inlined():
        ids, weights, _ = info.inlined_postings()
        return list(ids), array("d", weights).tolist()
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves the unpacked tuple
        length = length[0]
    raw = terms._postfile.get(offset, length)
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        raise CorruptIndexError(f"bad postings header for {field}:{tbytes!r} at {offset}")
    stream = io.BytesIO(raw)
    all_ids: list[int] = []
    all_weights: list[float] = []
    pos = 4
    try:
        while True:
            size = int.from_bytes(raw[pos:pos + 4], "big", signed=True)
            last = size < 0
            end = pos + 4 + abs(size)
            stream.seek(pos + 4)
            count, _, _, compression, _, _ = pickle.load(stream)
            data = raw[stream.tell():end]
            if compression:
                data = zlib.decompress(data)
            ids, weights = _block_lists(count, pickle.loads(data))
            all_ids.extend(ids)
            all_weights.extend(weights)
            pos = end
            if last or pos >= len(raw):
                break
    except (pickle.UnpicklingError, zlib.error, ValueError, TypeError, EOFError) as e:
        raise CorruptIndexError(f"damaged postings for {field}:{tbytes!r}: {e!r}") from e
    return all_ids, all_weights


class StoredColumn:
    """One segment's stored fields, read as whoosh's ``_stored`` column holds them (each
    document's fields pickled and zlib-compressed, one after the other, then the lengths and,
    in a segment of more than 32,768 documents, the offsets) without whoosh's column reader:
    for a smaller segment that reader derives every document's offset from the lengths in a
    Python loop when it opens (about 10 ms per 20,000 documents, paid by every search process
    for the ten hits it prints); here that is one ``accumulate``."""

    def __init__(self, leaf: Any) -> None:
        perdoc = leaf._perdoc
        self.schema = leaf.schema
        self.file = None
        if not perdoc.has_column("_stored"):
            return
        if "_stored" not in perdoc._colfiles:  # (registered: the reader closes it)
            perdoc._colfiles["_stored"] = perdoc._get_column_file("_stored")
        dbfile, base, length = perdoc._colfiles["_stored"]
        n = perdoc.doc_count_all()
        last = base + length - 1
        lengths_code = chr(dbfile.get_byte(last))
        offsets: Sequence[int] | None = None
        if lengths_code == "X":  # the offsets were written too (VarBytesColumn.Writer.finish)
            lengths_code, offsets_code = chr(dbfile.get_byte(last - 2)), chr(dbfile.get_byte(last - 1))
            start = (last - 2) - n * array(offsets_code).itemsize
            offsets = dbfile.get_array(start, offsets_code, n)
            last = start
        self.lengths = dbfile.get_array(last - n * array(lengths_code).itemsize, lengths_code, n)
        self.offsets = offsets if offsets is not None else list(accumulate(self.lengths, initial=0))
        self.file, self.base = dbfile, base

    def get(self, docnum: int) -> dict[str, Any]:
        """The document's stored fields, as ``SegmentReader.stored_fields`` gives them."""
        size = self.lengths[docnum] if self.file is not None else 0
        if not size:
            return {}
        raw = self.file.get(self.base + self.offsets[docnum], size)  # type: ignore[union-attr]
        fields = pickle.loads(zlib.decompress(raw)) or {}
        return {name: value for name, value in fields.items() if name in self.schema}


class Lists:
    """Decoded postings and field lengths of one open reader (one index snapshot).

    ``reader``: whoosh's reader of the index (one segment's or several); ``folder``: the index
    directory, where the segments' postings caches are (:mod:`doccontrol.search.postings_cache`).
    """

    def __init__(self, reader: Any, folder: Path | None = None) -> None:
        self.reader = reader
        self.leaves: list[tuple[Any, int]] = list(reader.leaf_readers())
        self._caches: list[postings_cache.Reader | None] = [None] * len(self.leaves)
        self.folder = folder
        self.doc_count = reader.doc_count_all()
        self._kept: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()  # key → (value, items)
        self._cached = 0
        self._norms: dict[tuple[str, float], list[float]] = {}
        self._codes: dict[str, bytes] = {}
        self._bases = [offset for _, offset in self.leaves]
        self._stored: list[StoredColumn | None] = [None] * len(self.leaves)

    def stored(self, docnum: int) -> dict[str, Any]:
        """A document's stored fields (as ``reader.stored_fields``, the column opened cheaply)."""
        i = bisect_right(self._bases, docnum) - 1
        leaf, base = self.leaves[i]
        if not isinstance(getattr(leaf, "_perdoc", None), W3PerDocReader):
            return leaf.stored_fields(docnum - base)  # type: ignore[no-any-return]
        column = self._stored[i]
        if column is None:
            column = self._stored[i] = StoredColumn(leaf)
        return column.get(docnum - base)

    def _recall(self, key: Hashable) -> Any:
        found = self._kept.get(key)
        if found is None:
            return None
        self._kept.move_to_end(key)
        return found[0]

    def _keep(self, key: Hashable, value: Any, items: int) -> Any:
        self._kept[key] = (value, items)
        self._cached += items
        while self._cached > MAX_CACHED and len(self._kept) > 1:
            _, (_, dropped) = self._kept.popitem(last=False)
            self._cached -= dropped
        return value

    def postings(self, field: str, term: str) -> Postings:
        key = ("postings", field, term)
        found = self._recall(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        tbytes = term.encode("utf-8")
        ids: list[int] = []
        weights: list[float] = []
        for i, (reader, offset) in enumerate(self.leaves):
            decoded: tuple[list[int], list[Any]] | None = self._cache(i).get(field, term, offset)
            if decoded is None:
                decoded = _decode_term(reader._terms, field, tbytes)
                if decoded is not None and offset:
                    decoded = [d + offset for d in decoded[0]], decoded[1]
            if decoded is None:
                continue
            ids.extend(decoded[0])
            weights.extend(decoded[1])
        postings = Postings(ids, weights) if ids else EMPTY
        return self._keep(key, postings, postings.size)  # type: ignore[no-any-return]

    def documents(self, field: str, term: str) -> frozenset[int]:
        """The documents a term's postings list (deleted ones too), as a set."""
        key = ("documents", field, term)
        found = self._recall(key)
        if found is None:
            found = self._keep(key, frozenset(self.postings(field, term).ids), self.postings(field, term).size)
        return found  # type: ignore[no-any-return]

    def _cache(self, i: int) -> postings_cache.Reader:
        cache = self._caches[i]
        if cache is None:
            reader = self.leaves[i][0]
            segment = reader.segment()
            if self.folder is None or segment is None:
                path = Path("/nonexistent")
            else:
                path = self.folder / (segment.segment_id() + postings_cache.EXTENSION)
            cache = self._caches[i] = postings_cache.Reader(path)
        return cache

    def close(self) -> None:
        for cache in self._caches:
            if cache is not None:
                cache.close()

    def length_codes(self, field: str) -> bytes:
        """The length code of ``field`` in every document, one byte each (as whoosh stores it)."""
        found = self._codes.get(field)
        if found is None:
            chunks = []
            for reader, _ in self.leaves:
                n = reader.doc_count_all()
                column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
                codes = b""
                if column is not None:
                    try:  # the column is one byte per document: read it in one go
                        codes = bytes(column._dbfile.get(column._basepos, column._count))[:n]
                    except AttributeError:  # another column implementation: slow but correct
                        codes = bytes(column[i] for i in range(n))
                chunks.append(codes.ljust(n, b"\0"))
            found = self._codes[field] = b"".join(chunks)
        return found

    def lengths(self, field: str) -> list[float]:
        """The length of ``field`` in every document (whoosh stores it in one byte)."""
        return [_LENGTH_TABLE[code] for code in self.length_codes(field)]

    def norms(self, field: str, b: float) -> list[float]:
        """``K1 * (1 - b + b * length / average length)`` for each of the 256 length codes."""
        key = (field, b)
        found = self._norms.get(key)
        if found is None:
            avg = self.reader.field_length(field) / (self.doc_count or 1) or 1.0  # whoosh's avg_field_length
            found = [K1 * (1.0 - b + b * length / avg) for length in _LENGTH_TABLE]
            self._norms[key] = found
        return found


def idf(doc_count: int, df: int) -> float:
    """Whoosh's idf (as in its BM25F): ``log(N / (df + 1)) + 1``."""
    return math.log(doc_count / (df + 1)) + 1.0


def top_k(lists: Lists, parts: Sequence[Part], allowed: set[int], k: int,
          field_b: dict[str, float], exclude: Iterable[int] = ()) -> list[tuple[int, float]]:
    """The ``k`` best ``(docnum, score)`` among ``allowed`` documents that match every required
    group; ties go to the lower document number.

    Exact either way: first by :func:`_top_k_pruned` (score only the documents of the parts that
    can still matter), else every candidate (:func:`_top_k_all`)."""
    exclude = set(exclude)
    groups: dict[int, list[Part]] = {}
    terms: list[_Scoring] = []
    for part in parts:
        if part.group is not None:
            groups.setdefault(part.group, []).append(part)
        if part.scored and lists.postings(part.field, part.term).size:
            terms.append(_Scoring(lists, part, field_b))
    required = [[lists.postings(p.field, p.term) for p in members] for members in groups.values()]
    found = _top_k_pruned(terms, required, allowed, exclude, k)
    if found is not None:
        return found
    keep = allowed.difference(exclude)
    for members in groups.values():  # a document must be in every group (in one part of it)
        if len(members) == 1:
            keep &= lists.documents(members[0].field, members[0].term)
        else:
            keep &= set().union(*(lists.documents(p.field, p.term) for p in members))
    if not groups:
        keep &= set().union(*(lists.documents(term.field, term.term) for term in terms))
    return _top_k_all(lists, terms, keep, k) if keep else []


def _position(ids: list[int], d: int) -> int:
    """Where ``d`` is in the ascending ``ids``; -1 when it is not there."""
    i = bisect_left(ids, d)
    return i if i < len(ids) and ids[i] == d else -1


class _Scoring:
    """One scored part: its postings, BM25's constant factor, each length code's normalisation,
    and the most any document can get from it (a bound for pruning)."""

    def __init__(self, lists: Lists, part: Part, field_b: dict[str, float]) -> None:
        self.field, self.term = part.field, part.term
        self.postings = lists.postings(part.field, part.term)
        # whoosh's document frequency: postings in all segments, deleted documents too
        self.factor = part.weight * idf(lists.doc_count, self.postings.size) * (K1 + 1.0)
        self.norms = lists.norms(part.field, field_b.get(part.field, DEFAULT_B))
        self.codes = lists.length_codes(part.field)

    def bound(self) -> float:
        """At least any document's score from this part: ``w / (w + norm)`` grows with the weight
        ``w`` and falls with the length's ``norm`` (the shortest length has the smallest), with a
        margin for rounding."""
        most = max(self.postings.weights)
        return self.factor * most / (most + min(self.norms)) * (1.0 + 1e-9) + 1e-12


def _top_k_all(lists: Lists, terms: Sequence[_Scoring], keep: set[int], k: int) -> list[tuple[int, float]]:
    """Every candidate scored: one pass over each part's postings."""
    n = lists.doc_count
    wanted = bytes(map(keep.__contains__, range(n)))
    scores = [0.0] * n
    for term in terms:  # in the parts' order: each document's sum is added up as numpy did
        factor, norms, codes = term.factor, term.norms, term.codes
        for d, w in zip(term.postings.ids, term.postings.weights):
            if wanted[d]:
                scores[d] += factor * w / (w + norms[codes[d]])
    candidates = list(keep)
    best = heapq.nsmallest(k, zip(map(neg, map(scores.__getitem__, candidates)), candidates))
    return [(d, -s) for s, d in best]


def _top_k_pruned(terms: Sequence[_Scoring], groups: Sequence[Sequence[Postings]], allowed: set[int],
                  exclude: set[int], k: int) -> list[tuple[int, float]] | None:
    """The top ``k`` found by scoring only the candidates of the parts with the highest bounds
    (MaxScore): once the ``k``-th best score found exceeds what a document could get from the
    parts not yet visited, no other document can enter. None when that does not happen while
    it still saves work (then every candidate is scored).

    Scores are the same floats as :func:`_top_k_all`'s (each document's parts added in the
    parts' order); a document not scored here scores less than the ``k``-th, so no tie changes.
    """
    if not terms or len(terms) > MAX_PRUNED_PARTS:
        return None
    bounds = [term.bound() for term in terms]
    order = sorted(range(len(terms)), key=lambda i: -bounds[i])
    # Scoring every candidate reads each posting once; scoring one document here looks it up in
    # each part (measured four to eight times a posting's cost): beyond this many, that is cheaper.
    budget = sum(term.postings.size for term in terms) // (8 * len(terms))
    scores: dict[int, float] = {}
    for place, i in enumerate(order):
        rest = sum(bounds[j] for j in order[place + 1:])  # (0.0 exactly once every part is visited)
        fresh = allowed.intersection(terms[i].postings.ids).difference(exclude, scores)
        if len(scores) + len(fresh) > budget:
            return None
        for d in fresh:
            if all(any(_position(p.ids, d) >= 0 for p in group) for group in groups):
                scores[d] = _score(terms, d)
        if len(scores) >= k:
            best = heapq.nsmallest(k, zip(map(neg, scores.values()), scores))
            if -best[-1][0] > rest * (1.0 + 1e-9):
                return [(d, -s) for s, d in best]
    return None


def _score(terms: Sequence[_Scoring], d: int) -> float:
    """One document's score: its parts added in order (as :func:`_top_k_all` adds them)."""
    score = 0.0
    for term in terms:
        i = _position(term.postings.ids, d)
        if i >= 0:
            w = term.postings.weights[i]
            score += term.factor * w / (w + term.norms[term.codes[d]])
    return score
