"""Writing commits through one long-lived ``git fast-import`` process.

Starting ``git add`` and ``git commit`` for every revision costs several process starts and a
rewrite of the whole git index file each time (tens of milliseconds, growing with the
repository). ``git fast-import`` writes many commits from one process, without the index:
each revision is a commit plus its tag, then a ``checkpoint`` that writes the pack and updates
the refs (fsynced as ``core.fsync`` says), and ``get-mark`` answers only once that is done —
so when :meth:`CommitStream.commit` returns, the commit is durable. Callers that ingest many
files may write several commits and then one :meth:`CommitStream.checkpoint` (group commit).

The stream never touches the work tree or the index; the store writes the work-tree files and
syncs the index once when the stream is closed.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from doccontrol.repo import messages

_UNSAFE_EMAIL = re.compile(r"[<>\s\x00-\x1f\x7f-\x9f]")

class CommitStreamError(RuntimeError):
    """fast-import refused a command or died."""


@dataclass(frozen=True)
class Person:
    name: str
    email: str


def _tz_offset(timestamp: int) -> str:
    offset = time.localtime(timestamp).tm_gmtoff
    sign = "+" if offset >= 0 else "-"
    offset = abs(offset)
    return f"{sign}{offset // 3600:02d}{offset % 3600 // 60:02d}"


_SAFE_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*")


def _safe_path(path: str) -> str:
    """A repository path or tag name as ``layout`` builds them: ASCII letters, digits, ``_.-`` and
    ``/`` (never a quote, a space, a control character, ``..`` or a leading ``/``); ValueError else."""
    if len(path) > 1024 or not _SAFE_PATH.fullmatch(path) or ".." in path.split("/"):
        raise ValueError(f"unsafe repository path {path!r}")
    return path


def _person(who: Person) -> str:
    """``Name <email>`` for an author or committer line: neither part can end or forge the line."""
    email = who.email
    if not email or _UNSAFE_EMAIL.search(email):
        raise ValueError(f"unsafe e-mail in a commit identity: {email!r}")
    return f"{messages.identity_name(who.name)} <{email}>"


class CommitStream:
    """A ``git fast-import`` process for one repository and branch. Close it when done."""

    def __init__(self, repo_path: Path, branch: str, parent: str | None, pass_fds: tuple[int, ...] = ()) -> None:
        """``pass_fds``: descriptors the process keeps (the writer lock's: held until fast-import exits)."""
        self.branch = branch
        self.parent = parent
        self.pending = False  # commits written but not yet checkpointed
        self.broken = False  # an operation failed: the process is gone or going, with what was pending
        self._mark = 0
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            ["git", "-C", str(repo_path), "fast-import", "--quiet", "--date-format=raw"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, pass_fds=pass_fds,
        )

    def _error(self, what: str) -> CommitStreamError:
        self.broken = True
        self._stderr.seek(0)
        detail = self._stderr.read().decode("utf-8", "replace").strip()
        return CommitStreamError(f"git fast-import failed while {what}: {detail or 'no message'}")

    def commit(
        self,
        message: str,
        author: Person,
        committer: Person,
        changes: Mapping[str, bytes | None],
        tags: Sequence[str] = (),
        timestamp: int | None = None,
        durable: bool = True,
        authored: int | None = None,
    ) -> str:
        """Write one commit (``None`` deletes a path) and its tags; return its id.

        ``timestamp``: the commit's time (default now); ``authored``: its author date when that
        differs (a revision's effective day; the committer date stays when it was written).
        ``durable``: checkpoint before returning (pack written, refs updated, fsynced). Otherwise
        the commit is durable only after the next :meth:`checkpoint` (group commit: many
        revisions, one round of fsyncs).
        """
        assert self.process.stdin is not None and self.process.stdout is not None
        when = int(timestamp if timestamp is not None else time.time())
        author_when = int(authored) if authored is not None else when
        self._mark += 1
        mark = self._mark
        encoded = message.encode("utf-8")
        chunks = [
            f"commit refs/heads/{self.branch}\nmark :{mark}\n".encode(),
            f"author {_person(author)} {author_when} {_tz_offset(author_when)}\n".encode(),
            f"committer {_person(committer)} {when} {_tz_offset(when)}\n".encode(),
            f"data {len(encoded)}\n".encode(), encoded, b"\n",
        ]
        if self.parent:
            chunks.append(f"from {self.parent}\n".encode())
        for path, content in changes.items():
            path = _safe_path(path)
            if content is None:
                chunks.append(f"D {path}\n".encode())
            else:
                chunks += [f"M 100644 inline {path}\ndata {len(content)}\n".encode(), content, b"\n"]
        chunks.append(b"\n")
        for tag in tags:
            chunks.append(f"reset refs/tags/{_safe_path(tag)}\nfrom :{mark}\n\n".encode())
        if durable:
            chunks.append(b"checkpoint\n\n")
        chunks.append(f"get-mark :{mark}\n".encode())
        try:
            self.process.stdin.write(b"".join(chunks))
            self.process.stdin.flush()
        except BrokenPipeError as exc:
            raise self._error("writing a commit") from exc
        answer = self.process.stdout.readline().decode("ascii", "replace").strip()
        if len(answer) != 40:
            raise self._error("waiting for the commit")
        self.parent = f":{mark}"  # fast-import names its own commits by mark, even before a checkpoint
        self.pending = not durable
        return answer

    def checkpoint(self) -> None:
        """Make every commit written so far durable: pack and refs written and fsynced."""
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(b"checkpoint\n\nprogress checkpoint\n")
            self.process.stdin.flush()
        except BrokenPipeError as exc:
            raise self._error("checkpointing") from exc
        if self.process.stdout.readline().strip() != b"progress checkpoint":
            raise self._error("checkpointing")
        self.pending = False

    @property
    def stopped(self) -> bool:
        """True when the process has exited or an operation on it failed (nothing more can be written)."""
        return self.broken or self.process.poll() is not None

    def close(self) -> None:
        if self.process.stdin and not self.process.stdin.closed:
            try:
                self.process.stdin.close()
            except BrokenPipeError:
                pass
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        self._stderr.close()
