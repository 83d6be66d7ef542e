"""Reading many blobs through one ``git cat-file --batch`` process (not one process per blob),
whole or streamed in chunks; a long-lived reader (the web server) keeps one such process per
repository between requests (:data:`SHARED`)."""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

CHUNK = 64 * 1024


class BlobReader:
    """``read("<commit-ish>:<path>")`` → bytes, or None when there is no such blob;
    ``stream(spec)`` → a :class:`BlobStream` of it (the reader's last use)."""

    def __init__(self, repo_path: Path) -> None:
        import subprocess  # when a reader is opened: importing this module (``status``) starts nothing

        self.process = subprocess.Popen(
            ["git", "-C", str(repo_path), "cat-file", "--batch"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )

    def _header(self, spec: str) -> int | None:
        """Ask for ``spec``; the size of its contents that follow (None: no such object)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(spec.encode("utf-8") + b"\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise OSError("git cat-file ended")  # never read as "no such object"
        header = line.decode("utf-8", "replace").split()
        if len(header) != 3:
            return None  # "<spec> missing"
        return int(header[2])

    def read(self, spec: str) -> bytes | None:
        size = self._header(spec)
        if size is None:
            return None
        assert self.process.stdout is not None
        data = self.process.stdout.read(size)
        self.process.stdout.read(1)  # the newline after the contents
        return data

    def stream(self, spec: str, chunk: int = CHUNK) -> BlobStream | None:
        """The contents of ``spec`` as a stream of chunks (None when there is no such object).
        The stream owns the reader from then on: it closes it when read to the end or closed."""
        size = self._header(spec)
        return None if size is None else BlobStream(self, size, chunk)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)
        if self.process.stdout:
            self.process.stdout.close()

    def abort(self) -> None:
        """End the process now, whatever it still has to write."""
        self.process.kill()
        self.process.wait(timeout=30)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe:
                pipe.close()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class BlobStream:
    """One blob's bytes as ``git cat-file --batch`` writes them, in chunks of at most ``chunk``
    bytes: never the whole blob in memory. An iterable a WSGI server sends and then closes: read to
    the end it ends the process; closed before (the client went away) it stops it."""

    def __init__(self, reader: BlobReader, size: int, chunk: int = CHUNK) -> None:
        self.size = size
        self._reader: BlobReader | None = reader
        self._chunk = chunk
        self._remaining = size

    def __iter__(self) -> BlobStream:
        return self  # its own iterator: whoever wraps it (a byte range) closes this very object

    def __next__(self) -> bytes:
        reader = self._reader
        if reader is None:
            raise StopIteration
        assert reader.process.stdout is not None
        if self._remaining <= 0:
            reader.process.stdout.read(1)  # the newline after the contents
            self._reader = None
            reader.close()
            raise StopIteration
        data = reader.process.stdout.read(min(self._chunk, self._remaining))
        if not data:
            self.close()
            raise OSError(f"git cat-file ended {self._remaining} bytes before the end of the blob")
        self._remaining -= len(data)
        return data

    def close(self) -> None:
        """Stop the process unless the blob was read to the end (idempotent)."""
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.abort()


class SharedReaders:
    """Blob readers kept open between reads, one ``git cat-file --batch`` per repository, for a
    long-lived reader that opts in (:meth:`keep`: ``doccontrol serve``): a page reads a revision's
    text or metadata without starting a process (~5 ms each on a quiet machine, far more on a busy
    one). Off, :meth:`reader` is a new reader closed after use, as everywhere else.

    One read at a time per repository (a lock, reentrant: a block may use the reader again inside; a
    read is a fraction of a millisecond). A reader
    whose process ended is replaced; one whose use raised is dropped (its pipe may be out of step).
    Objects written after the process started are found: git looks at new packs when an object is
    not in those it knows. Streams (downloads) never use these: a slow client would hold the lock.
    """

    def __init__(self, max_readers: int = 4) -> None:
        self._lock = threading.Lock()
        self._readers: OrderedDict[Path, tuple[BlobReader, threading.RLock]] = OrderedDict()
        self._max = max_readers
        self.enabled = False

    def keep(self) -> None:
        """Keep readers open from now on (this process is a long-lived reader)."""
        self.enabled = True

    @contextlib.contextmanager
    def reader(self, repo_path: Path) -> Iterator[BlobReader]:
        """A reader of ``repo_path``'s blobs for the ``with`` block: the kept one when readers are
        kept, else a new one closed at the end of the block."""
        if not self.enabled:
            with BlobReader(repo_path) as fresh:
                yield fresh
            return
        reader, lock = self._slot(repo_path)
        with lock:
            try:
                yield reader
            except BaseException:
                self._drop(repo_path, reader)
                raise

    def _slot(self, repo_path: Path) -> tuple[BlobReader, threading.RLock]:
        evicted = []
        with self._lock:
            slot = self._readers.get(repo_path)
            if slot is not None and slot[0].process.poll() is not None:  # its process ended: a new one
                evicted.append(slot)
                slot = None
            if slot is None:
                slot = self._readers[repo_path] = (BlobReader(repo_path), threading.RLock())
            self._readers.move_to_end(repo_path)
            while len(self._readers) > self._max:
                evicted.append(self._readers.popitem(last=False)[1])
        for old, in_use in evicted:
            with in_use:  # ended once its user is done with it
                _end(old)
        return slot

    def _drop(self, repo_path: Path, reader: BlobReader) -> None:
        with self._lock:
            slot = self._readers.get(repo_path)
            if slot is not None and slot[0] is reader:
                del self._readers[repo_path]
        _end(reader)

    def close(self) -> None:
        """End every kept reader's process."""
        with self._lock:
            readers = [slot[0] for slot in self._readers.values()]
            self._readers.clear()
        for reader in readers:
            _end(reader)


def _end(reader: BlobReader) -> None:
    try:
        reader.abort()
    except OSError:
        pass


SHARED = SharedReaders()  # the process's (off unless a long-lived reader keeps them)
