"""A snapshot brought forward: the repository at a newer commit read from the snapshot of an
ancestor and what changed between the two (``git diff``), not from the whole tree.

``load_snapshot`` reads every procedure's ``meta.json`` and the whole history; a province sync
after a few new commits in a department needs only the procedure folders those commits touched
and the commits themselves. :func:`advance` gives exactly what ``load_snapshot(git, commit)``
gives (``tests/province/test_province_units.py`` compares them) or None when it cannot tell:
the old commit is not an ancestor of the new one (a rewritten history), or a merge lies between
them (the history's order would then be git's to decide). The caller reads the whole repository
then.

To replace a procedure's state exactly, the caller keeps, beside the snapshot, the folder each
state was read from (:class:`Stepped`): a state does not name its folder.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from doccontrol.core.model import ProcedureState
from doccontrol.repo import layout
from doccontrol.repo.blobs import BlobReader
from doccontrol.repo.gitcmd import Git, GitError
from doccontrol.repo.history import read_log
from doccontrol.repo.snapshot import (
    Snapshot,
    _ls_tree,
    _read_files,
    _read_states,
    load_snapshot,
)


@dataclass(frozen=True)
class Stepped:
    """A snapshot with the folder (``OFFICE/slug``) of each of its states, in the same order."""

    snapshot: Snapshot
    folders: tuple[str, ...]


def _folders_of(git: Git, commit: str) -> tuple[str, ...]:
    """The procedure folders of ``commit`` in the order ``load_snapshot`` reads their states."""
    return tuple(meta.rsplit("/", 1)[0] for meta in sorted(p for p in _ls_tree(git, commit) if layout.is_meta(p)))


def load(git: Git, commit: str) -> Stepped:
    """The whole repository at ``commit`` (``load_snapshot``), with its states' folders."""
    snap = load_snapshot(git, commit)
    folders = _folders_of(git, commit)
    # a meta.json that could not be read: the folders are not known, and advance() declines
    return Stepped(snap, folders if len(folders) == len(snap.states) else ())


def _linear_descendant(git: Git, since: str, until: str) -> bool:
    """``since`` is an ancestor of ``until`` and no merge commit lies between them."""
    try:
        git.run("merge-base", "--is-ancestor", since, until)
        return git.run("rev-list", "--count", "--merges", f"{since}..{until}").strip() == "0"
    except GitError:
        return False


def advance(git: Git, previous: Stepped, commit: str) -> Stepped | None:
    """The repository at ``commit`` from ``previous`` (a snapshot of an ancestor, read by
    :func:`load` or by this function); None when that cannot be told (module docstring)."""
    before = previous.snapshot
    if before.commit is None or before.day is not None or len(previous.folders) != len(before.states):
        return None
    if before.commit == commit:
        return previous
    if not _linear_descendant(git, before.commit, commit):
        return None
    changed = git.changed_paths(before.commit, commit)
    folders = {f for p in changed if (f := layout.procedure_of(p))}
    others = [p for p in changed if layout.procedure_of(p) is None]
    events = read_log(git, "--reverse", f"{before.commit}..{commit}")
    if not events or events[-1].commit != commit:
        return None
    kept = [(f, s) for f, s in zip(previous.folders, before.states) if f not in folders]
    present = _ls_tree_under(git, commit, sorted(folders))
    with BlobReader(git.path) as blobs:
        read = _read_states(blobs, commit, present)
        files = _read_files(blobs, commit, _ls_tree(git, commit)) if others else None
    fresh = list(zip((m.rsplit("/", 1)[0] for m in sorted(p for p in present if layout.is_meta(p))), read))
    if len(fresh) != sum(1 for p in present if layout.is_meta(p)):
        return None  # a meta.json that could not be read: let the whole read decide
    merged = sorted(kept + fresh, key=lambda pair: layout.meta_path(pair[0]))
    states: list[ProcedureState] = [s for _, s in merged]
    snap = dataclasses.replace(before, commit=commit, date=events[-1].date, states=states,
                               events=[*before.events, *events])
    if files is not None:
        snap = dataclasses.replace(snap, catalog=files.catalog, links=files.links, internal=files.internal,
                                   reviews=files.reviews, laws=files.laws, scope=files.scope,
                                   organisation=files.organisation)
    return Stepped(snap, tuple(f for f, _ in merged))


def _ls_tree_under(git: Git, commit: str, folders: list[str]) -> list[str]:
    """The paths of ``commit`` under ``folders`` (none for no folder)."""
    if not folders:
        return []
    out = git.bytes("ls-tree", "-r", "-z", "--name-only", commit, "--", *folders, env={"GIT_LITERAL_PATHSPECS": "1"})
    return [p.decode("utf-8") for p in out.split(b"\0") if p]
