"""What a long-running reader (the web server) keeps between requests: values read from the
repository at HEAD, each with the repository paths it was read from, kept until a commit changes
one of those paths.

When HEAD moves, one ``git diff --name-only OLD NEW`` says which paths the new commits changed and
only the values read from them are dropped: a revision of one procedure leaves every other
procedure's history, the parsed catalog and its name index as they were. When that cannot be told
(no HEAD seen before, a commit git does not know after a recovery) everything of that repository
is dropped.

A value is kept only when it was computed while no writer held the workspace's lock and HEAD did
not move meanwhile: a writer moves HEAD before it writes the work tree, so a value read from the
work tree then may be older than its HEAD. Such a value is still returned, just not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from doccontrol.repo.lock import lock_is_held

if TYPE_CHECKING:
    from doccontrol.repo.gitcmd import Git

T = TypeVar("T")

MAX_ENTRIES = 4096  # per process: procedure histories are small; the catalog is one entry


def changed_set(changed: Iterable[str]) -> frozenset[str]:
    """The changed file paths and every folder above them (``A/b/c`` → ``A``, ``A/b``, ``A/b/c``):
    a value read from a path is stale when that path is in this set."""
    out: set[str] = set()
    for path in changed:
        parts = path.split("/")
        out.update("/".join(parts[: n + 1]) for n in range(len(parts)))
    return frozenset(out)


class ReadMemo:
    """Values keyed by (repository, key), each with the paths it depends on (see the module)."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._heads: dict[Path, str] = {}  # repository → the HEAD its entries reflect
        self._entries: OrderedDict[tuple[Path, Hashable], tuple[tuple[str, ...], object]] = OrderedDict()
        self._max = max_entries

    def get(self, git: Git, workspace_root: Path, key: Hashable, paths: Iterable[str],
            compute: Callable[[], T]) -> T:
        """The value of ``key`` at HEAD: kept, else ``compute()`` (kept when it is safe to)."""
        head = git.head() or ""
        self._follow(git, head)
        slot = (git.path, key)
        with self._lock:
            if slot in self._entries:
                self._entries.move_to_end(slot)
                return self._entries[slot][1]  # type: ignore[return-value]
        value = compute()
        if (git.head() or "") == head and not lock_is_held(workspace_root):
            with self._lock:
                if self._heads.get(git.path) == head:
                    self._entries[slot] = (tuple(paths), value)
                    while len(self._entries) > self._max:
                        self._entries.popitem(last=False)
        return value

    def _follow(self, git: Git, head: str) -> None:
        """Bring the repository's entries to ``head``: drop those whose paths the commits since
        the HEAD they reflect changed (all of them when that cannot be told)."""
        with self._lock:
            known = self._heads.get(git.path)
        if known == head:
            return
        paths = _changed_paths(git, known, head)
        changed = None if paths is None else changed_set(paths)
        with self._lock:
            if self._heads.get(git.path) != known:
                changed = None  # another thread moved it meanwhile: start over, simply
            for slot in [s for s in self._entries if s[0] == git.path]:
                if changed is None or not changed.isdisjoint(self._entries[slot][0]):
                    del self._entries[slot]
            self._heads[git.path] = head

    def clear(self) -> None:
        with self._lock:
            self._heads.clear()
            self._entries.clear()


def _changed_paths(git: Git, before: str | None, after: str) -> list[str] | None:
    """The paths changed between two commits (None when that cannot be told)."""
    from doccontrol.repo.gitcmd import GitError

    if not before or not after:
        return None
    try:
        return git.changed_paths(before, after)
    except GitError:
        return None


MEMO = ReadMemo()  # the process's memo (the web server's threads share it)
