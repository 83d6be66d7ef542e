"""Reading refs from a repository's files in pure Python (no git process, nothing to import).

``HEAD`` is read on every command and page, and before every search: a loose ref file, a
symbolic ref followed, else ``packed-refs``. Only the modules of ``doccontrol.repo`` use it,
and the first look of every search (:func:`reflects_head`: HEAD against the commit the search
index's files record, with nothing more loaded than the two reads need).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from doccontrol.core.lazy_pattern import lazy_pattern

if TYPE_CHECKING:
    from doccontrol.workspace import Workspace

OBJECT_ID = lazy_pattern(r"[0-9a-f]{40}")


def read_ref(git_dir: Path, ref: str, depth: int = 0) -> str | None:
    """The commit a ref names (``HEAD``, ``refs/heads/main``), read from the repository's files:
    a loose ref file, a symbolic ref followed, else ``packed-refs``; None when it names nothing
    (an empty repository). Git replaces ref files by renaming, so a read never sees half of one."""
    if depth > 5:
        return None
    try:
        text = (git_dir / ref).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        text = _packed_ref(git_dir, ref) or ""
    if text.startswith("ref: "):
        return read_ref(git_dir, text[5:].strip(), depth + 1)
    return text if OBJECT_ID.fullmatch(text) else None


def _packed_ref(git_dir: Path, ref: str) -> str | None:
    try:
        lines = (git_dir / "packed-refs").read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    for line in lines:
        sha, _, name = line.partition(" ")
        if name == ref:
            return sha
    return None


def reflects_head(workspace: Workspace) -> bool:
    """Whether the index's own files (the configured engine's) record the repository's HEAD as
    the commit it reflects: the first look of every search (a few small file reads: no git
    process, no gateway, no search engine). False decides nothing: ``IndexSync.freshness`` then tells behind,
    unavailable, or current after all (the commits since changed no procedure)."""
    from doccontrol.search.index_files import read_state  # only a search's first look needs it

    head = read_ref(workspace.procedures / ".git", "HEAD")
    recorded = read_state(workspace.index_dir, engine=workspace.config.search_engine)
    return head is not None and recorded is not None and recorded.commit == head
