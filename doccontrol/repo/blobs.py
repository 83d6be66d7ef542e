"""Reading many blobs through one ``git cat-file --batch`` process (not one process per blob),
whole or streamed in chunks."""

from __future__ import annotations

from pathlib import Path

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
        header = self.process.stdout.readline().decode("utf-8", "replace").split()
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
