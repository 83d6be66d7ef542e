"""A per-segment side file with the long posting lists in a form numpy reads directly.

Decoding a whoosh posting list costs about a quarter of a microsecond per posting (zlib, then
unpickling a tuple of Python numbers per block of 1,024); the syllables every procedure
shares have a posting in every document, so a fresh process (one ``doccontrol search``) spent
most of its time there.  When the bulk writer writes a segment it already holds each list as
arrays, so it also writes the long ones here: document-number gaps and counts as small
unsigned integers, zlib level 1, with a CRC-32 of each entry.  Reading one is a file read,
a ``zlib.decompress`` and a running sum (no numpy: the reader is part of every search process).

The file belongs to its segment: it is named like the segment's files
(``MAIN_<segment id>.dcp``), so whoosh deletes it together with the segment when it merges
the segment away, and the generation's checksums cover it.  It is only an accelerator: a list
that is not in it (segments whoosh wrote itself, short lists) is decoded from the segment.
A damaged entry (CRC mismatch) raises ``CorruptIndexError``, never returns wrong postings.

Layout: ``b"DCP2"``; the compressed entries one after the other; the keys
(``field\\0term`` in UTF-8, sorted, joined by newlines); a table of six unsigned 64-bit
numbers per key (offset, size, postings, gap width, count width, CRC-32); at the very end the
offsets of the keys and of the table and the number of keys, 8 bytes big-endian each.  A
reader loads the keys with one ``split`` and finds a term by bisection (a fresh process opens
a few of these per search, so no dict or JSON to build).
"""

from __future__ import annotations

import struct
import zlib
from array import array
from bisect import bisect_left
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh.reading import CorruptIndexError

if TYPE_CHECKING:  # the writer runs in the bulk writer's processes, which have numpy loaded
    import numpy as np

MAGIC = b"DCP2"
EXTENSION = ".dcp"
MIN_POSTINGS = 256  # shorter lists decode fast enough from the segment
_UINT = {1: "u1", 2: "u2", 4: "u4"}  # numpy's names of the unsigned widths (native byte order)
_ARRAY = {1: "B", 2: "H", 4: "I"}  # the same widths as array codes
_ENTRY = struct.Struct(">6Q")  # offset, size, postings, gap width, count width, CRC-32


def _width(max_value: int) -> int:
    return 1 if max_value < 1 << 8 else 2 if max_value < 1 << 16 else 4


class Writer:
    """Collects entries in memory; :meth:`write` puts the file down."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = [MAGIC]
        self.offset = len(MAGIC)
        self.entries: dict[bytes, tuple[int, ...]] = {}

    def add(self, field: str, term: str, ids: np.ndarray, counts: np.ndarray) -> None:
        import numpy as np

        gaps = np.diff(ids, prepend=0)
        gap_bytes = _width(int(gaps.max()))
        count_bytes = _width(int(counts.max()))
        raw = gaps.astype(_UINT[gap_bytes]).tobytes() + counts.astype(_UINT[count_bytes]).tobytes()
        data = zlib.compress(raw, 1)
        key = f"{field}\0{term}".encode("utf-8")
        self.entries[key] = (self.offset, len(data), int(ids.size), gap_bytes, count_bytes,
                             zlib.crc32(data))
        self.chunks.append(data)
        self.offset += len(data)

    def write(self, path: Path) -> None:
        if not self.entries:
            return
        keys = sorted(self.entries)
        table = b"".join(_ENTRY.pack(*self.entries[k]) for k in keys)
        keys_blob = b"\n".join(keys)
        with open(path, "wb") as f:
            f.writelines(self.chunks)
            f.write(keys_blob)
            f.write(table)
            f.write(self.offset.to_bytes(8, "big"))
            f.write((self.offset + len(keys_blob)).to_bytes(8, "big"))
            f.write(len(keys).to_bytes(8, "big"))


class Reader:
    """One segment's side file (absent: every lookup answers None)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = None
        self.keys: list[bytes] = []
        self.table = b""  # six big-endian unsigned 64-bit numbers per key (``_ENTRY``)
        try:
            f = open(path, "rb")
        except FileNotFoundError:
            return
        try:
            f.seek(0, 2)
            size = f.tell()
            if size < len(MAGIC) + 24:
                raise CorruptIndexError(f"postings cache too short: {path}")
            f.seek(size - 24)
            footer = f.read(24)
            keys_at, table_at, n = (int.from_bytes(footer[i:i + 8], "big") for i in (0, 8, 16))
            f.seek(0)
            if (f.read(len(MAGIC)) != MAGIC or not len(MAGIC) <= keys_at <= table_at
                    or table_at + 48 * n != size - 24):
                raise CorruptIndexError(f"postings cache damaged: {path}")
            f.seek(keys_at)
            keys = f.read(table_at - keys_at).split(b"\n")
            table = f.read(48 * n)
            if len(keys) != n or len(table) != 48 * n:
                raise CorruptIndexError(f"postings cache keys damaged: {path}")
        except BaseException:
            f.close()
            raise
        self._file = f
        self.keys = keys
        self.table = table

    def entry(self, field: str, term: str) -> tuple[int, ...] | None:
        key = f"{field}\0{term}".encode("utf-8")
        i = bisect_left(self.keys, key)
        if i == len(self.keys) or self.keys[i] != key:
            return None
        return tuple(_ENTRY.unpack_from(self.table, 48 * i))

    def get(self, field: str, term: str, first: int = 0) -> tuple[list[int], list[int]] | None:
        """(document numbers plus ``first``, counts) of a term, or None when it is not here. The
        counts stay integers: in BM25's arithmetic a small integer is the same as its float."""
        entry = self.entry(field, term)
        if entry is None or self._file is None:
            return None
        offset, size, n, gap_bytes, count_bytes, crc = entry
        if gap_bytes not in _ARRAY or count_bytes not in _ARRAY:
            raise CorruptIndexError(f"postings cache entry damaged ({field}): {self.path}")
        self._file.seek(offset)
        data = self._file.read(size)
        if len(data) != size or zlib.crc32(data) != crc:
            raise CorruptIndexError(f"postings cache entry damaged ({field}): {self.path}")
        raw = zlib.decompress(data)
        if len(raw) != n * (gap_bytes + count_bytes):
            raise CorruptIndexError(f"postings cache entry damaged ({field}): {self.path}")
        gaps = array(_ARRAY[gap_bytes], raw[:n * gap_bytes])
        counts = array(_ARRAY[count_bytes], raw[n * gap_bytes:])
        return list(accumulate(gaps, initial=first))[1:], counts.tolist()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
