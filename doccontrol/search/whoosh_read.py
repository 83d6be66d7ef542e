"""Reading whoosh postings in bulk and ranking documents with numpy.

Whoosh's matchers score one posting at a time through a tree of Python objects: for a query
whose syllables occur in every procedure that is several microseconds per posting per term,
hundreds of milliseconds per query at 20,000 procedures.  Here a query is a flat list of
weighted terms (:class:`Part`) with required groups, and:

- a term's postings are decoded block by block straight into arrays (cached per open
  searcher, bounded), in global document numbers;
- the required groups (every query syllable must occur) become boolean masks;
- BM25 per field, times a field weight, is computed for a whole posting list at once and
  added into one score vector; the top k come from ``argpartition``.

Every candidate is scored exactly (no pruning heuristics), in a few milliseconds.
"""

from __future__ import annotations

import io
import math
import pickle
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, _lenfield
from whoosh.reading import CorruptIndexError, TermNotFound
from whoosh.util.numeric import byte_to_length

from doccontrol.search import postings_cache
from doccontrol.search.plan import Part

K1 = 1.2
DEFAULT_B = 0.75
_LENGTH_TABLE = np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)
MAX_CACHED_POSTINGS = 8_000_000  # decoded postings kept per open searcher (8 bytes each)


@dataclass(frozen=True)
class Postings:
    """The decoded postings of one term over all segments, in global document numbers."""

    ids: np.ndarray  # int64, ascending
    weights: np.ndarray  # float64 (the term's count in the document)

    @property
    def size(self) -> int:
        return int(self.ids.size)


EMPTY = Postings(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


def _block_arrays(n: int, data: tuple[Any, Any, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Docnums and weights of one W3 posting block (ids delta-encoded, weights minified)."""
    # (array() then frombuffer is quicker than numpy.array() on a tuple of Python numbers)
    ids = np.cumsum(np.frombuffer(array("q", data[0]), dtype=np.int64))
    w = data[1]
    if w is None:
        weights = np.ones(n, dtype=np.float64)
    elif isinstance(w, float):
        weights = np.full(n, w, dtype=np.float64)
    else:
        weights = np.frombuffer(array("d", w), dtype=np.float64)
    return ids, weights


def _decode_term(terms: Any, field: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray] | None:
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
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves the unpacked tuple
        length = length[0]
    raw = terms._postfile.get(offset, length)
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        raise CorruptIndexError(f"bad postings header for {field}:{tbytes!r} at {offset}")
    stream = io.BytesIO(raw)
    id_blocks = []
    weight_blocks = []
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
            ids, weights = _block_arrays(count, pickle.loads(data))
            id_blocks.append(ids)
            weight_blocks.append(weights)
            pos = end
            if last or pos >= len(raw):
                break
    except (pickle.UnpicklingError, zlib.error, ValueError, TypeError, EOFError) as e:
        raise CorruptIndexError(f"damaged postings for {field}:{tbytes!r}: {e!r}") from e
    if len(id_blocks) == 1:
        return id_blocks[0], weight_blocks[0]
    return np.concatenate(id_blocks), np.concatenate(weight_blocks)


class Lists:
    """Decoded postings and field lengths of one open searcher (one index snapshot).

    ``folder``: the index directory, where the segments' postings caches are
    (:mod:`doccontrol.search.postings_cache`).
    """

    def __init__(self, searcher: Any, folder: Path | None = None) -> None:
        self.searcher = searcher
        self.leaves = [(s.reader(), offset) for s, offset in searcher.leaf_searchers()]
        self._caches: list[postings_cache.Reader | None] = [None] * len(self.leaves)
        self.folder = folder
        self.doc_count = searcher.doc_count_all()
        self._postings: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._cached = 0
        self._norms: dict[tuple[str, float], np.ndarray] = {}

    def postings(self, field: str, term: str) -> Postings:
        key = (field, term)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        tbytes = term.encode("utf-8")
        id_chunks = []
        weight_chunks = []
        for i, (reader, offset) in enumerate(self.leaves):
            decoded = self._cache(i).get(field, term)
            if decoded is None:
                decoded = _decode_term(reader._terms, field, tbytes)
            if decoded is None:
                continue
            ids, weights = decoded
            id_chunks.append(ids + offset if offset else ids)
            weight_chunks.append(weights)
        if not id_chunks:
            postings = EMPTY
        elif len(id_chunks) == 1:
            postings = Postings(id_chunks[0], weight_chunks[0])
        else:
            postings = Postings(np.concatenate(id_chunks), np.concatenate(weight_chunks))
        self._postings[key] = postings
        self._cached += postings.size
        while self._cached > MAX_CACHED_POSTINGS and len(self._postings) > 1:
            _, old = self._postings.popitem(last=False)
            self._cached -= old.size
        return postings

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

    def lengths(self, field: str) -> np.ndarray:
        """The length of ``field`` in every document (whoosh stores it in one byte)."""
        chunks = []
        for reader, _ in self.leaves:
            n = reader.doc_count_all()
            column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
            codes = np.zeros(n, dtype=np.uint8)
            if column is not None:
                try:  # the column is one byte per document: read it in one go
                    raw = column._dbfile.get(column._basepos, column._count)
                    codes[: len(raw)] = np.frombuffer(raw, dtype=np.uint8)[:n]
                except AttributeError:  # another column implementation: slow but correct
                    codes[:] = [column[i] for i in range(n)]
            chunks.append(_LENGTH_TABLE[codes])
        return np.concatenate(chunks) if chunks else np.zeros(0)

    def norms(self, field: str, b: float) -> np.ndarray:
        """``K1 * (1 - b + b * length / average length)`` of every document."""
        key = (field, b)
        found = self._norms.get(key)
        if found is None:
            avg = self.searcher.avg_field_length(field) or 1.0
            found = K1 * (1.0 - b + b * self.lengths(field) / avg)
            self._norms[key] = found
        return found


def idf(doc_count: int, df: int) -> float:
    """Whoosh's idf (as in its BM25F): ``log(N / (df + 1)) + 1``."""
    return math.log(doc_count / (df + 1)) + 1.0


def top_k(lists: Lists, parts: Sequence[Part], allowed: np.ndarray, k: int,
          field_b: dict[str, float], exclude: Iterable[int] = ()) -> list[tuple[int, float]]:
    """The ``k`` best ``(docnum, score)`` among ``allowed`` documents (a boolean mask) that
    match every required group; ties go to the lower document number."""
    n = lists.doc_count
    keep = allowed.copy()
    excluded = np.fromiter(exclude, dtype=np.int64)
    if excluded.size:
        keep[excluded] = False
    groups: dict[int, np.ndarray] = {}
    scores = np.zeros(n, dtype=np.float64)
    any_scored = np.zeros(n, dtype=bool)
    for part in parts:
        postings = lists.postings(part.field, part.term)
        if part.group is not None:
            present = groups.get(part.group)
            if present is None:
                present = groups[part.group] = np.zeros(n, dtype=bool)
            present[postings.ids] = True
        if part.scored and postings.size:
            # whoosh's document frequency: postings in all segments, deleted documents too
            df = postings.size
            factor = part.weight * idf(n, df) * (K1 + 1.0)
            norms = lists.norms(part.field, field_b.get(part.field, DEFAULT_B))
            w = postings.weights
            scores[postings.ids] += factor * w / (w + norms[postings.ids])
            any_scored[postings.ids] = True
    for present in groups.values():
        keep &= present
    if not groups:
        keep &= any_scored
    candidates = np.flatnonzero(keep)
    if candidates.size == 0:
        return []
    cand_scores = scores[candidates]
    if candidates.size > k:
        # The k best, with every document that ties the k-th score (for a stable order).
        kth = np.partition(cand_scores, candidates.size - k)[candidates.size - k]
        chosen = cand_scores >= kth
        candidates = candidates[chosen]
        cand_scores = cand_scores[chosen]
    order = np.lexsort((candidates, -cand_scores))[:k]
    return [(int(candidates[i]), float(cand_scores[i])) for i in order]
