"""Incremental updates of a whoosh index, written as segments by the bulk builder.

Whoosh's own writer costs 60–100 ms per document of a procedure (every posting through its
external sort, encoded one by one), and its merges pay that again for every document they
copy: at 20,000 procedures the index update was most of an ingest. An update here does what
whoosh's writer would do, with the rebuild's segment builder (:mod:`whoosh_bulk`, ~1 ms a
document):

- the documents of the replaced procedures (and the record of the reflected commit) are marked
  deleted in the segments that hold them (the deletions live in the table of contents, as
  whoosh keeps them);
- the new documents and the new record are written as one new segment;
- segments are kept few by tiers (a tier: the number of digits of a segment's live document
  count): when a tier (up to :data:`MAX_MERGE_TIER`) holds :data:`MERGE_FACTOR` segments, their live documents are copied
  (from their stored fields and columns, checked by fingerprint) into the new segment and they
  are dropped. A document is copied about once per tier, so the cost follows the documents
  written, not the size of the index;
- a new table of contents (generation + 1, written atomically by whoosh) makes it all visible at
  once; files no longer used are removed as whoosh's writer removes them.

The caller holds the workspace's writer lock; whoosh's own write lock is taken too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader, TermNotFound

from doccontrol.search import whoosh_bulk

MERGE_FACTOR = 8  # segments of one tier that are merged into the next new segment
# Segments of more than 999 live documents are never merged here: a merge holds the postings of
# what it copies in memory (~10 KB a procedure), so at most ~8,000 documents are copied at once.
# ``reindex`` writes the whole index anew.
MAX_MERGE_TIER = 3

FieldsFn = Callable[[dict[str, Any], str, bytes], dict[str, Any]]


def tier(live_docs: int) -> int:
    """A segment's tier: the number of digits of its live document count."""
    return len(str(max(1, live_docs)))


def to_merge(live: Sequence[tuple[Any, int]]) -> list[Any]:
    """The segments to copy into the new one: every segment of each tier that holds at least
    :data:`MERGE_FACTOR` of them, from the lowest tier up to :data:`MAX_MERGE_TIER`, a tier's
    merge counting as one segment of the tier above (pure: ``live`` is (segment, live documents)
    pairs)."""
    by_tier: dict[int, list[tuple[Any, int]]] = {}
    for segment, count in live:
        by_tier.setdefault(tier(count), []).append((segment, count))
    chosen: list[Any] = []
    carried = 0  # live documents merged so far: they land in one segment of a higher tier
    for level in sorted(by_tier):
        if level > MAX_MERGE_TIER:
            break
        group = by_tier[level]
        extra = 1 if carried and tier(carried) == level else 0
        if len(group) + extra >= MERGE_FACTOR:
            chosen += [segment for segment, _ in group]
            carried += sum(count for _, count in group)
    return chosen


def _delete_terms(reader: SegmentReader, segment: Any, field: str, values: Iterable[str]) -> None:
    for value in values:
        try:
            ids = reader.postings(field, value).all_ids()
        except TermNotFound:
            continue
        for docnum in ids:
            segment.delete_document(docnum)


def _copy_live(storage: FileStorage, schema: Any, segment: Any, builder: whoosh_bulk.SegmentBuilder,
               fields_from_stored: FieldsFn) -> None:
    reader = SegmentReader(storage, schema, segment)
    try:
        code_keys = reader.column_reader("code_key")
        prints = reader.column_reader("fingerprint", translate=False)
        for docnum in range(segment.doc_count_all()):
            if not segment.is_deleted(docnum):
                builder.add(fields_from_stored(reader.stored_fields(docnum), code_keys[docnum], prints[docnum]))
    finally:
        reader.close()


def update(storage: FileStorage, schema: Any, indexname: str, field: str, delete: set[str],
           new_fields: Iterable[dict[str, Any]], fields_from_stored: FieldsFn) -> list[Any]:
    """Delete the documents whose ``field`` is one of ``delete``, add ``new_fields`` (whoosh field
    dicts) as one new segment, merge by tiers, and publish a new table of contents. Returns the
    segments of the new generation."""
    lock = storage.lock(f"{indexname}_WRITELOCK")
    if not lock.acquire(blocking=False):
        raise RuntimeError(f"search index is locked by another writer: {storage.folder}")
    try:
        toc = whoosh_index.TOC.read(storage, indexname, schema=schema)
        live: list[tuple[Any, int]] = []
        for segment in toc.segments:
            reader = SegmentReader(storage, schema, segment)
            try:
                _delete_terms(reader, segment, field, sorted(delete))
            finally:
                reader.close()
            count = segment.doc_count_all() - segment.deleted_count()
            if count > 0:
                live.append((segment, count))
        merged = to_merge(live)
        builder = whoosh_bulk.SegmentBuilder(storage, schema)
        for segment in merged:
            _copy_live(storage, schema, segment, builder, fields_from_stored)
        for fields in new_fields:
            builder.add(fields)
        segments = [segment for segment, _ in live if not any(segment is m for m in merged)]
        segments.append(builder.finish())
        generation = toc.generation + 1
        whoosh_bulk.write_toc(storage, schema, segments, generation)
        whoosh_index.clean_files(storage, indexname, generation, segments)
        return segments
    finally:
        lock.release()
