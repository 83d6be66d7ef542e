"""Fast bulk writing of whoosh segments, for full rebuilds.

Whoosh's own writer sends every posting through an external sort (a tuple per posting, temp
files, a merge) and looks up each document's field length once per posting; for 20,000
procedures of ~8 KB that is most of a rebuild.  A rebuild knows all documents up front and
numbers them in order, so postings can be collected per term in arrays (already in document
order) and written block by block with the W3 codec's own postings writer.  The files are
ordinary whoosh segments: whoosh reads, merges and updates them as if it had written them.

Relies on the W3 codec's writer classes (``whoosh.codec.whoosh3``) of whoosh3 >= 3.54;
:func:`doccontrol.search.whoosh_backend.WhooshBackend.check` and the tests read the result
back through whoosh.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import traceback
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, _DEF_INDEX_NAME

FieldsFn = Callable[[Any], dict[str, Any]]


# Postings per block.  Whoosh's default (128) suits skipping one posting list along another;
# doccontrol's reader decodes whole lists, where fewer, bigger blocks cost less per posting.
# Readers take the size from each block's header; segments whoosh writes later use 128.
BLOCK_LIMIT = 1024

# A posting is one integer while collected: docnum << _SHIFT | min(count, _MAX_COUNT).
_SHIFT = 12
_MAX_COUNT = (1 << _SHIFT) - 1


def _new_postings() -> array:
    return array("Q")


class SegmentBuilder:
    """Collects documents in memory and writes them as one whoosh segment."""

    def __init__(self, storage: FileStorage, schema: Schema) -> None:
        self.storage = storage
        self.schema = schema
        self.codec = W3Codec(blocklimit=BLOCK_LIMIT)
        self.segment = self.codec.new_segment(storage, _DEF_INDEX_NAME)
        self.perdoc = self.codec.per_document_writer(storage, self.segment)
        self.docnum = 0
        # fieldname -> term -> postings (docnum << _SHIFT | count)
        self.postings: dict[str, defaultdict[str, array]] = {}
        # fieldname -> field length of every document (scorable fields)
        self.lengths: dict[str, array] = {}
        self.fields = sorted(schema.items())
        for name, field in self.fields:
            if field.indexed:
                self.postings[name] = defaultdict(_new_postings)
                if field.scorable:
                    self.lengths[name] = array("I")

    def add(self, fields: dict[str, Any]) -> None:
        docnum = self.docnum
        base = docnum << _SHIFT
        perdoc = self.perdoc
        perdoc.start_doc(docnum)
        for name, field in self.fields:
            value = fields.get(name)
            if value is None:
                if field.scorable:
                    self.lengths[name].append(0)
                continue
            length = 0
            if field.indexed:
                counts = _term_counts(field, value)
                get = self.postings[name].__getitem__
                for postings, n in zip(map(get, counts), counts.values()):
                    postings.append(base | (n if n < _MAX_COUNT else _MAX_COUNT))
                if field.scorable:
                    length = sum(counts.values())
                    self.lengths[name].append(length)
            perdoc.add_field(name, field, value if field.stored else None, length)
        perdoc.finish_doc()
        self.docnum += 1

    def finish(self) -> Any:
        """Write the postings, close the files, assemble the compound segment file."""
        self.perdoc.close()
        fieldwriter = self.codec.field_writer(self.storage, self.segment)
        mask = _MAX_COUNT
        for name, field in self.fields:
            terms = self.postings.get(name)
            if not terms:
                continue
            lengths = self.lengths.get(name)
            fieldwriter.start_field(name, field)
            # str order is code point order, which is the UTF-8 byte order whoosh needs
            for term in sorted(terms):
                packed = terms[term]
                ids = array("I", [p >> _SHIFT for p in packed])
                weights = array("f", [p & mask for p in packed])
                fieldwriter.start_term(term.encode("utf-8"))
                _write_postings(fieldwriter._postwriter, ids, weights, lengths)
                fieldwriter.finish_term()
            fieldwriter.finish_field()
            terms.clear()
        fieldwriter.close()
        self.segment.set_doc_count(self.docnum)
        self.segment.create_compound_file(self.storage)
        self.segment.compound = True
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


def _write_postings(writer: W3PostingsWriter, ids: array, weights: array,
                    lengths: array | None) -> None:
    """Write one term's postings in full blocks, with the statistics whoosh records."""
    limit = writer._blocklimit
    n = len(ids)
    for start in range(0, n, limit):
        block_ids = ids[start:start + limit]
        block_weights = weights[start:start + limit]
        writer._ids = block_ids
        writer._weights = block_weights
        writer._values = []
        writer._maxweight = max(block_weights)
        if lengths is not None:
            block_lengths = [lengths[i] for i in block_ids if lengths[i]]
            writer._minlength = min(block_lengths) if block_lengths else None
            writer._maxlength = max(block_lengths) if block_lengths else 0
        else:
            writer._minlength = None
            writer._maxlength = 0
        writer._write_block(last=start + limit >= n)


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
