"""Which commits touch each procedure folder: an index a long-running reader (the web server)
builds once and extends as HEAD moves, so that a procedure's history is read by its commits'
ids (``git log --no-walk``: no walk of the repository) instead of ``git log -- <folder>``, which
walks every commit (~0.1 s of CPU at 40,000 commits even with changed-path Bloom filters: the
false positives cost a diff of an office's tree of thousands of entries).

Built from one walk of the commit messages, without diffs: a revision or withdrawal commit names
its procedure's folder in its trailers (``Owner``/``Slug``: ``Transaction`` writes them for every
commit it makes in a procedure's folder). Every other commit (a catalog import, a link, the first
commit, a commit without doccontrol's trailers, made by hand) is diffed (``git diff-tree``, one
process for all of them): it counts for the folders it really touches. The index reflects one
commit; it is extended by the commits after it (``OLD..NEW``), and dropped when that range cannot
be read (a commit git no longer has).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from doccontrol.core.config import OFFICE_CODE
from doccontrol.repo import layout, messages

if TYPE_CHECKING:
    from doccontrol.repo.gitcmd import Git

_FORMAT = "--format=%H%x1f%P%x1f%(trailers:key=Action,key=Owner,key=Slug,separator=%x1f)"
_IN_FOLDER = (messages.INGEST, messages.WITHDRAW)  # the actions that write in a procedure's folder


@dataclass
class FolderIndex:
    """Procedure folder → the commits that touch it, oldest first, as of ``commit``."""

    commit: str
    by_folder: dict[str, list[str]] = field(default_factory=dict)

    def commits(self, folder: str) -> list[str]:
        return list(self.by_folder.get(folder, ()))


def _named_folder(record: str) -> tuple[str, str | None]:
    """(commit, the procedure folder its trailers name, or None: it has to be diffed)."""
    commit, _parents, *trailers = record.strip("\n").split("\x1f")
    found = dict(t.partition(": ")[::2] for t in trailers if ": " in t)
    owner, slug = found.get("Owner", ""), found.get("Slug", "")
    if (found.get("Action") in _IN_FOLDER and OFFICE_CODE.fullmatch(owner) and layout.is_slug(slug)):
        return commit, layout.procedure_dir(owner, slug)
    return commit, None


def _touched(git: Git, commits: list[str]) -> dict[str, set[str]]:
    """Commit → the procedure folders it changes (one ``git diff-tree`` for them all)."""
    if not commits:
        return {}
    out = git.run("diff-tree", "-r", "--name-only", "--no-renames", "--root", "-z", "--stdin",
                  input="".join(f"{c}\n" for c in commits))
    found: dict[str, set[str]] = {c: set() for c in commits}
    current = None
    for token in out.split("\0"):
        if token in found:  # a commit's id starts its paths (a commit that changes nothing has none)
            current = token
        elif token and current is not None and (folder := layout.procedure_of(token)):
            found[current].add(folder)
    return found


class NotDescendant(Exception):
    """HEAD does not descend from the commit the index reflects (a history rewritten)."""


def _add(git: Git, index: FolderIndex, since: str | None, until: str) -> None:
    """Add the commits after ``since`` up to ``until`` (all of them for None), oldest first.
    NotDescendant when ``until`` does not descend from ``since`` (the oldest new commit's parent
    must be ``since``: doccontrol's history is one line)."""
    revs = f"{since}..{until}" if since else until
    records = [r for r in git.run("log", "-z", "--reverse", _FORMAT, revs).split("\0") if r.strip("\n")]
    if since and (not records or since not in records[0].strip("\n").split("\x1f")[1].split()):
        raise NotDescendant(f"{until} does not follow {since}")
    named = [_named_folder(record) for record in records]
    diffed = _touched(git, [commit for commit, folder in named if folder is None])
    for commit, folder in named:
        for each in ({folder} if folder is not None else diffed.get(commit, set())):
            index.by_folder.setdefault(each, []).append(commit)
    index.commit = until


class HistoryIndexes:
    """The process's indexes, one per repository, kept at HEAD when asked (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._indexes: dict[Path, FolderIndex] = {}

    def build(self, git: Git) -> None:
        """Build the repository's index (a walk of every commit's message: seconds at 40,000)."""
        head = git.head()
        if head is None:
            return
        index = FolderIndex(commit="")
        _add(git, index, None, head)
        with self._lock:
            self._indexes[git.path] = index

    def commits(self, git: Git, folder: str) -> list[str] | None:
        """The commits touching ``folder``, oldest first, at HEAD; None when there is no index
        (never built in this process, or dropped)."""
        with self._lock:
            index = self._indexes.get(git.path)
            if index is None:
                return None
            head = git.head()
            if head is None:
                return None
            if index.commit != head:
                from doccontrol.repo.gitcmd import GitError

                try:
                    _add(git, index, index.commit, head)
                except (GitError, NotDescendant):
                    del self._indexes[git.path]
                    return None
            return index.commits(folder)


INDEXES = HistoryIndexes()
