"""Fast bulk writing of whoosh segments, for full rebuilds.

Whoosh's own writer sends every posting through an external sort (a tuple per posting, temp
files, a merge), looks up each document's field length once per posting and encodes each
block posting by posting in Python; for 20,000 procedures of ~8 KB that took minutes.  A
rebuild knows all documents up front and numbers them in order, so here each document adds a
few arrays per field (term ids and counts, C-level calls), the postings are grouped by term
with one numpy sort per field, and each term's blocks are encoded with numpy and written in
the W3 codec's format (the same bytes and statistics ``W3PostingsWriter`` writes).  Several
processes each build one segment.  The files are ordinary whoosh segments: whoosh reads,
merges and updates them as if it had written them.

Relies on internals of the W3 codec (``whoosh.codec.whoosh3``: block layout, term info,
the per-document writer) of whoosh3 3.54; tests check that whoosh's own matchers read the
result exactly as written, and that whoosh merges these segments with its own.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import traceback
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pickle import dumps
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE, WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, _DEF_INDEX_NAME
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte

from doccontrol.search import postings_cache

FieldsFn = Callable[[Any], dict[str, Any]]


# Postings per block.  Whoosh's default (128) suits skipping one posting list along another;
# doccontrol's reader decodes whole lists, where fewer, bigger blocks cost less per posting.
# Readers take the size from each block's header; segments whoosh writes later use 128.
BLOCK_LIMIT = 1024
_COMPRESSION = 3  # zlib level, as the W3 codec

class _Vocabulary(dict[str, int]):
    """term -> term id, numbering new terms as they come."""

    def __missing__(self, term: str) -> int:
        tid = self[term] = len(self)
        return tid


@dataclass
class _FieldPostings:
    """The postings of one field, as added: per document its term ids and counts, in order.

    Inverted (grouped by term) only when the segment is written, with numpy; adding a document
    costs a few C-level calls per field, nothing per posting in Python.
    """

    vocabulary: _Vocabulary = field(default_factory=_Vocabulary)
    term_ids: array = field(default_factory=lambda: array("I"))
    counts: array = field(default_factory=lambda: array("I"))
    per_doc: array = field(default_factory=lambda: array("I"))  # postings of each document

    def add(self, counts: dict[str, int]) -> None:
        self.term_ids.extend(map(self.vocabulary.__getitem__, counts))
        self.counts.extend(counts.values())
        self.per_doc.append(len(counts))

    def skip(self) -> None:
        self.per_doc.append(0)

    def by_term(self) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
        """(term, docnums, counts) for every term, in term order (UTF-8 byte order)."""
        if not self.vocabulary:
            return
        terms = sorted(self.vocabulary)  # code point order is UTF-8 byte order
        rank = np.empty(len(terms), dtype=np.int64)
        rank[[self.vocabulary[t] for t in terms]] = np.arange(len(terms))
        keys = rank[np.frombuffer(self.term_ids, dtype=np.uint32)]
        docs = np.repeat(np.arange(len(self.per_doc), dtype=np.int64),
                         np.frombuffer(self.per_doc, dtype=np.uint32))
        counts = np.frombuffer(self.counts, dtype=np.uint32)
        order = np.argsort(keys, kind="stable")  # stable: documents stay in order per term
        docs = docs[order]
        counts = counts[order].astype(np.float64)
        bounds = np.searchsorted(keys[order], np.arange(len(terms) + 1))
        for i, term in enumerate(terms):
            yield term, docs[bounds[i]:bounds[i + 1]], counts[bounds[i]:bounds[i + 1]]


class SegmentBuilder:
    """Collects documents in memory and writes them as one whoosh segment."""

    def __init__(self, storage: FileStorage, schema: Schema) -> None:
        self.storage = storage
        self.schema = schema
        self.codec = W3Codec(blocklimit=BLOCK_LIMIT)
        self.segment = self.codec.new_segment(storage, _DEF_INDEX_NAME)
        self.perdoc = self.codec.per_document_writer(storage, self.segment)
        self.docnum = 0
        self.postings: dict[str, _FieldPostings] = {}
        # fieldname -> field length of every document (scorable fields)
        self.lengths: dict[str, array] = {}
        self.fields = sorted(schema.items())
        for name, fieldtype in self.fields:
            if fieldtype.indexed:
                self.postings[name] = _FieldPostings()
                if fieldtype.scorable:
                    self.lengths[name] = array("I")

    def add(self, fields: dict[str, Any]) -> None:
        perdoc = self.perdoc
        perdoc.start_doc(self.docnum)
        for name, fieldtype in self.fields:
            value = fields.get(name)
            length = 0
            if fieldtype.indexed:
                if value is None:
                    self.postings[name].skip()
                else:
                    counts = _term_counts(fieldtype, value)
                    self.postings[name].add(counts)
                    length = sum(counts.values())
                if fieldtype.scorable:
                    self.lengths[name].append(length)
            if value is not None:
                perdoc.add_field(name, fieldtype, value if fieldtype.stored else None,
                                 length if fieldtype.scorable else 0)
                if fieldtype.column_type is not None:
                    perdoc.add_column_value(name, fieldtype.column_type,
                                            fieldtype.to_column_value(value))
        perdoc.finish_doc()
        self.docnum += 1

    def finish(self) -> Any:
        """Write the postings, close the files, assemble the compound segment file."""
        self.perdoc.close()
        fieldwriter = self.codec.field_writer(self.storage, self.segment)
        postfile = fieldwriter._postfile
        term_table = fieldwriter._tindex
        cache = postings_cache.Writer()
        for name, fieldtype in self.fields:
            postings = self.postings.get(name)
            if postings is None or not postings.vocabulary:
                continue
            lengths = self.lengths.get(name)
            lengths_np = np.frombuffer(lengths, dtype=np.uint32) if lengths is not None else None
            fieldwriter.start_field(name, fieldtype)
            prefix = pack_ushort(fieldwriter._fieldid)
            for term, ids, weights in postings.by_term():
                if ids.size <= _SMALL:
                    info = _write_small(postfile, ids.tolist(), weights.tolist(), lengths)
                else:
                    info = _write_postings(postfile, ids, weights, lengths_np)
                    if ids.size >= postings_cache.MIN_POSTINGS:
                        cache.add(name, term, ids, weights)
                term_table.add(prefix + term.encode("utf-8"), info.to_bytes())
            fieldwriter.finish_field()
            del self.postings[name]
        fieldwriter.close()
        self.segment.set_doc_count(self.docnum)
        self.segment.create_compound_file(self.storage)
        self.segment.compound = True
        # after the compound file: it takes in every file named after the segment
        cache.write(Path(self.storage.folder) / (self.segment.segment_id() + postings_cache.EXTENSION))
        return self.segment


def _term_counts(field: Any, value: Any) -> dict[str, int]:
    """term -> count of one field value, as whoosh would index it."""
    counts = getattr(field, "term_counts", None)
    if counts is not None:
        return counts(value)
    out: dict[str, int] = {}
    for tbytes, freq, _, _ in field.index(value):
        out[tbytes.decode("utf-8")] = freq
    return out


_SMALL = 48  # posting lists up to this long are written without numpy (cheaper when short)


def _write_small(postfile: Any, ids: list[int], weights: list[float],
                 lengths: array | None) -> W3TermInfo:
    """:func:`_write_postings` for a short list (one block), in plain Python."""
    if lengths is not None:
        block_lengths = [n for n in (lengths[i] for i in ids) if n]
        min_len = min(block_lengths) if block_lengths else None
        max_len = max(block_lengths) if block_lengths else 0
    else:
        min_len, max_len = None, 0
    deltas = [ids[0]] + [b - a for a, b in zip(ids, ids[1:])]
    first = weights[0]
    if all(w == first for w in weights):
        mini_weights: Any = None if first == 1.0 else first
    else:
        mini_weights = tuple(weights)
    max_weight = max(weights)
    return _write_blocks(postfile, [(deltas, mini_weights, ids[-1], max_weight, min_len, max_len)],
                         ids, weights, min_len, max_len)


def _write_blocks(postfile: Any, blocks: list[tuple[Any, ...]], ids: Any, weights: Any,
                  min_len: int | None, max_len: int) -> W3TermInfo:
    info = W3TermInfo()
    start = postfile.tell()
    postfile.write(WHOOSH3_HEADER_MAGIC)
    for i, (deltas, mini_weights, last_id, max_weight, block_min, block_max) in enumerate(blocks):
        data = dumps((tuple(deltas), mini_weights, None), 2)
        compression = _COMPRESSION if len(data) >= COMPRESSION_MIN_SIZE else 0
        if compression:
            data = zlib.compress(data, compression)
        header = dumps((len(deltas), last_id, max_weight, compression,
                        length_to_byte(block_min), length_to_byte(block_max)), 2)
        size = len(header) + len(data)
        postfile.write_int(-size if i == len(blocks) - 1 else size)
        postfile.write(header)
        postfile.write(data)
    info._weight = float(weights.sum() if isinstance(weights, np.ndarray) else sum(weights))
    info._df = len(ids)
    info._minlength = min_len
    info._maxlength = max_len
    info._maxweight = max(block[3] for block in blocks)
    info._minid = int(ids[0])
    info._maxid = int(ids[-1])
    info.set_extent(start, postfile.tell() - start)
    return info


def _write_postings(postfile: Any, ids: np.ndarray, weights: np.ndarray,
                    lengths: np.ndarray | None) -> W3TermInfo:
    """Write one term's postings as W3 blocks and return its term info.

    The bytes and statistics of ``W3PostingsWriter`` (the header magic, then per block: its
    length, negative for the last; the pickled block info; the pickled, compressed
    ``(delta-encoded ids, weights, values)``), computed per block with numpy instead of per
    posting.
    """
    blocks = []
    min_lengths = []
    max_length = 0
    deltas = np.diff(ids, prepend=0)
    deltas[0::BLOCK_LIMIT] = ids[0::BLOCK_LIMIT]  # each block starts from 0
    for first in range(0, ids.size, BLOCK_LIMIT):
        block_ids = ids[first:first + BLOCK_LIMIT]
        block_weights = weights[first:first + BLOCK_LIMIT]
        if lengths is not None:
            block_lengths = lengths[block_ids]
            block_lengths = block_lengths[block_lengths > 0]
        else:
            block_lengths = block_ids[:0]
        min_len = int(block_lengths.min()) if block_lengths.size else None
        max_len = int(block_lengths.max()) if block_lengths.size else 0
        if min_len is not None:
            min_lengths.append(min_len)
        max_length = max(max_length, max_len)
        w0 = float(block_weights[0])
        if (block_weights == w0).all():
            mini_weights: Any = None if w0 == 1.0 else w0
        else:
            mini_weights = tuple(block_weights.tolist())
        blocks.append((deltas[first:first + BLOCK_LIMIT].tolist(), mini_weights,
                       int(block_ids[-1]), float(block_weights.max()), min_len, max_len))
    return _write_blocks(postfile, blocks, ids, weights,
                         min(min_lengths) if min_lengths else None, max_length)


def write_toc(storage: FileStorage, schema: Schema, segments: list[Any], generation: int) -> None:
    TOC(schema, segments, generation).write(storage, _DEF_INDEX_NAME)


# --- several processes ----------------------------------------------------------------------

_BATCH = 64


def _worker(folder: str, schema_bytes: bytes, fields_fn: FieldsFn, jobs: Any,
            results: Any) -> None:
    try:
        schema = pickle.loads(schema_bytes)
        builder = SegmentBuilder(FileStorage(folder), schema)
        while True:
            batch = jobs.get()
            if batch is None:
                break
            for doc in batch:
                builder.add(fields_fn(doc))
        segment = builder.finish() if builder.docnum else None
        results.put(("ok", segment))
    except BaseException:  # noqa: BLE001 - reported to the parent
        results.put(("error", traceback.format_exc()))


def build_segments(folder: str, schema: Schema, docs: Iterable[Any], fields_fn: FieldsFn,
                   procs: int, start_method: str) -> list[Any]:
    """Write ``docs`` as ``procs`` segments in parallel; return the segments in doc order.

    Documents are dealt to the workers in batches, round robin; the order of documents across
    segments does not matter to the index (each is found by its terms and ids).
    """
    if procs <= 1:
        builder = SegmentBuilder(FileStorage(folder), schema)
        for doc in docs:
            builder.add(fields_fn(doc))
        return [builder.finish()] if builder.docnum else []

    ctx = multiprocessing.get_context(start_method)
    results = ctx.Queue()
    schema_bytes = pickle.dumps(schema)
    workers = []
    job_queues = []
    for _ in range(procs):
        jobs = ctx.Queue(maxsize=8)
        proc = ctx.Process(target=_worker, args=(folder, schema_bytes, fields_fn, jobs, results),
                           daemon=True)
        proc.start()
        workers.append(proc)
        job_queues.append(jobs)
    try:
        batch: list[Any] = []
        turn = 0
        for doc in docs:
            batch.append(doc)
            if len(batch) == _BATCH:
                _put(job_queues[turn], batch, workers[turn])
                turn = (turn + 1) % procs
                batch = []
        if batch:
            _put(job_queues[turn], batch, workers[turn])
        for jobs, proc in zip(job_queues, workers):
            _put(jobs, None, proc)
        segments = []
        for _ in workers:
            status, payload = _get(results, workers)
            if status == "error":
                raise RuntimeError(f"index writer process failed:\n{payload}")
            if payload is not None:
                segments.append(payload)
        for proc in workers:
            proc.join()
        return segments
    finally:
        for proc in workers:
            if proc.is_alive():
                proc.terminate()
                proc.join()


def _put(jobs: Any, item: Any, proc: Any) -> None:
    while True:
        try:
            jobs.put(item, timeout=1.0)
            return
        except queue.Full:
            if not proc.is_alive():
                raise RuntimeError("index writer process died") from None


def _get(results: Any, workers: list[Any]) -> tuple[str, Any]:
    while True:
        try:
            return results.get(timeout=1.0)
        except queue.Empty:
            if not any(p.is_alive() for p in workers) and results.empty():
                raise RuntimeError("index writer processes died without a result") from None


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
