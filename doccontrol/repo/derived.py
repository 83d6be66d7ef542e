"""The repository's derived state (``core.derived``) kept in its git directory.

``.git/doccontrol/state.json`` — never in the work tree, never committed — holds what the master
list, ``status`` and the web's list and status pages read of every procedure, keyed by the
commit it was derived from and a format version. It is:

- **read** through the gateway (:meth:`Repository.derived <doccontrol.repo.gateway.Repository.derived>`)
  and trusted only when its format is this one and its commit is HEAD; otherwise (missing,
  unreadable, another format, another commit: a commit made by plain git behind its back) it is
  rebuilt from git (:func:`build`) and written back when the repository is writable;
- **updated** in the unit of work that makes commits (``Transaction.end``), incrementally
  (:func:`update`): only the procedure folders the commits changed are re-read, their links
  recomputed; every link is recomputed when the catalog, the manual links or the catalog's scope
  changed;
- **compared** by ``verify`` with one rebuilt from git (:func:`build`, ``core.derived.differences``).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from doccontrol.core import derived
from doccontrol.repo import layout
from doccontrol.repo.gitcmd import Git

if TYPE_CHECKING:
    from doccontrol.core.model import ProcedureState
    from doccontrol.repo.blobs import BlobReader

FOLDER = "doccontrol"  # in the git directory
STATE_FILE = "state.json"
_LINK_INPUTS = (layout.CATALOG_FILE, layout.LINKS_FILE, layout.SCOPE_FILE)


def state_path(git: Git) -> Path:
    return git.git_dir / FOLDER / STATE_FILE


def read(git: Git) -> derived.DerivedState | None:
    """The derived state kept for this repository, whatever its commit (None: none, or unreadable)."""
    try:
        return derived.from_json(state_path(git).read_bytes())
    except (OSError, ValueError):
        return None


def write(git: Git, state: derived.DerivedState) -> None:
    """Replace the kept derived state atomically (a reader sees the old file or the new one)."""
    import tempfile

    folder = state_path(git).parent
    folder.mkdir(exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=".state-", suffix=".tmp", dir=folder)
    try:
        os.fchmod(handle, 0o644)  # readable as the repository's other files are (a web server of another user)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(derived.to_json(state))
        os.replace(tmp, state_path(git))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove(git: Git) -> None:
    state_path(git).unlink(missing_ok=True)


def _commit_date(git: Git, commit: str) -> dt.datetime:
    return dt.datetime.fromisoformat(git.run("log", "-1", "--format=%cI", commit).strip())


def build(git: Git, commit: str) -> derived.DerivedState:
    """The derived state of the repository at ``commit``, from git alone (every procedure read)."""
    from doccontrol.repo.snapshot import load_snapshot

    snap = load_snapshot(git, commit)
    rows = tuple(derived.row_of(s) for s in snap.states)
    return derived.DerivedState(
        commit=commit, date=snap.date or _commit_date(git, commit), rows=rows,
        links=derived.linked_tthc(rows, snap.links, snap.catalog, snap.scope), entered=snap.committed(),
        has_catalog=snap.catalog is not None,
    )


def _text(blobs: BlobReader, commit: str, path: str) -> str | None:
    raw = blobs.read(f"{commit}:{path}")
    return raw.decode("utf-8") if raw is not None else None


def _changed_rows(blobs: BlobReader, commit: str, folders: set[str]) -> dict[str, derived.Row | None]:
    """The rows of ``folders`` at ``commit`` (None: the folder holds no procedure any more)."""
    from doccontrol.repo.snapshot import state_from_meta

    out: dict[str, derived.Row | None] = {}
    for folder in sorted(folders):
        meta = layout.meta_path(folder)
        raw = blobs.read(f"{commit}:{meta}")

        def text_of(folder: str = folder) -> str:
            return _text(blobs, commit, layout.text_path(folder)) or ""

        out[folder] = derived.row_of(state_from_meta(raw, text_of)) if raw is not None else None
    return out


def _entered(git: Git, since: str, until: str) -> dict[str, dt.datetime]:
    """Code key → when its revision was committed, for the revisions committed after ``since``."""
    from doccontrol.repo import history, messages

    out: dict[str, dt.datetime] = {}
    for event in history.read_log(git, "--reverse", f"{since}..{until}"):
        key = event.trailers.get("Code-Key")
        if event.action == messages.INGEST and key and not event.historical:
            out[key] = event.date
    return out


_MEMO: dict[str, derived.DerivedState] = {}  # git dir → the last derived state this process used


def current(git: Git, head: str, lock_root: Path | None) -> derived.DerivedState:
    """The derived state at ``head``. In order: the one this process last used, if of ``head``;
    else that one brought forward (``head`` descends from it: a long-running reader such as the
    web server follows each new commit at the cost of what it changed); else the kept file, if of
    ``head``; else rebuilt from git and, with ``lock_root`` (the workspace, when the repository is
    writable), written back while no writer holds its lock (a writer's unit of work keeps it)."""
    key = str(git.git_dir)
    known = _MEMO.get(key)
    if known is not None and known.commit == head:
        return known
    state = None
    if known is not None and _descends(git, known.commit, head):
        state = update(git, known, head)
    if state is None:
        kept = read(git)
        state = kept if kept is not None and kept.commit == head else None
    if state is None:
        state = build(git, head)
        if lock_root is not None:
            _write_back(git, state, lock_root)
    _MEMO[key] = state
    return state


def forget(git: Git) -> None:
    """Drop what this process remembers of the repository's derived state (tests, ``verify``)."""
    _MEMO.pop(str(git.git_dir), None)
    _STATES.pop(str(git.git_dir), None)


_STATES: dict[str, tuple[str, dict[str, ProcedureState]]] = {}  # git dir → (commit, folder → its state)


def states_at(git: Git, head: str, read_all: Callable[[], list[ProcedureState]]) -> list[ProcedureState]:
    """Every procedure's state at ``head`` in ``read_all``'s order (office, then folder): the ones
    this process read at an ancestor of ``head``, with the folders changed since read again from
    git; else ``read_all()`` (the work tree)."""
    from doccontrol.repo.blobs import SHARED
    from doccontrol.repo.state_files import state_from_json

    key = str(git.git_dir)
    known = _STATES.get(key)
    if known is not None and known[0] != head and _descends(git, known[0], head):
        changed = git.changed_paths(known[0], head)
        states = dict(known[1])
        with SHARED.reader(git.path) as blobs:
            for folder in {f for path in changed if (f := layout.procedure_of(path))}:
                raw = blobs.read(f"{head}:{layout.meta_path(folder)}")
                if raw is None:
                    states.pop(folder, None)
                else:
                    states[folder] = state_from_json(raw.decode("utf-8"))
        known = (head, dict(sorted(states.items(), key=lambda item: tuple(item[0].split("/", 1)))))
    elif known is None or known[0] != head:
        known = (head, {layout.procedure_dir(s.office, s.slug): s for s in read_all()})
    _STATES[key] = known
    return list(known[1].values())


def _descends(git: Git, ancestor: str, commit: str) -> bool:
    from doccontrol.repo.gitcmd import GitError

    try:
        git.run("merge-base", "--is-ancestor", ancestor, commit)
    except GitError:
        return False
    return True


def _write_back(git: Git, state: derived.DerivedState, lock_root: Path) -> bool:
    """Write ``state`` while it is of HEAD and no writer holds the lock; True when written."""
    from doccontrol.repo.lock import lock_is_held

    try:
        if not lock_is_held(lock_root) and git.head() == state.commit:
            write(git, state)
            return True
    except OSError:
        pass  # a cache: the next reader builds it again
    return False


def update(git: Git, old: derived.DerivedState, commit: str) -> derived.DerivedState:
    """``old`` (the derived state of an ancestor of ``commit``) brought to ``commit``: the
    procedure folders changed between them re-read, their links recomputed (every link when the
    catalog, the links or the scope changed), the revisions committed meanwhile recorded."""
    from doccontrol.core.scope import scope_from_json

    from doccontrol.repo.blobs import SHARED

    changed = git.changed_paths(old.commit, commit)
    folders = {folder for path in changed if (folder := layout.procedure_of(path))}
    inputs_changed = any(path in _LINK_INPUTS for path in changed)
    with SHARED.reader(git.path) as blobs:
        rows = _changed_rows(blobs, commit, folders)
        links_text = _text(blobs, commit, layout.LINKS_FILE) if (folders or inputs_changed) else None
        manual = _manual_links(links_text) if links_text is not None else {}
        has_catalog = old.has_catalog
        if layout.CATALOG_FILE in changed:
            has_catalog = bool(git.run("ls-tree", "--name-only", commit, "--", layout.CATALOG_FILE).strip())

        def catalog_and_scope(for_rows: list[derived.Row]) -> tuple[Mapping[str, object] | None, object]:
            if not has_catalog:
                return None, None
            if not derived.needs_catalog_names(for_rows, manual):
                return {}, None  # names not needed: the codes' normal forms need no catalog
            from doccontrol.core.catalog import catalog_from_json

            scope_text = _text(blobs, commit, layout.SCOPE_FILE)
            catalog_text = _text(blobs, commit, layout.CATALOG_FILE)
            return (catalog_from_json(catalog_text) if catalog_text is not None else None,
                    scope_from_json(scope_text) if scope_text is not None else None)

        def recompute(for_rows: list[derived.Row]) -> Mapping[str, tuple[str, ...]]:
            catalog, scope = catalog_and_scope(for_rows)
            return derived.linked_tthc(for_rows, manual, catalog, scope)

        moved = derived.with_rows(old, rows, _entered(git, old.commit, commit), commit, _commit_date(git, commit),
                                  has_catalog, recompute if not inputs_changed else lambda _rows: {})
        if inputs_changed:
            moved = derived.with_links(moved, recompute)
    return moved


_LINKS: list[tuple[str, dict[str, set[str]]]] = []  # the links file this process last read, and its manual links


def _manual_links(text: str) -> dict[str, set[str]]:
    """The manual links of a links file (``core.coverage.links_from_json``), parsed once per text:
    a long-running reader brings the derived state to each new commit, and the file (thousands of
    internal procedures' codes put in their normal form) rarely changes. Shared: read only."""
    from doccontrol.core.coverage import links_from_json

    kept = _LINKS[0] if _LINKS else None
    if kept is not None and kept[0] == text:
        return kept[1]
    manual = links_from_json(text)[0]
    _LINKS[:] = [(text, manual)]
    return manual


class Check(NamedTuple):  # a named tuple: created at import by every command, a dataclass costs more
    """What ``verify`` found of the kept derived state: ``kept`` is ``agrees``, ``differs``,
    ``unreadable``, ``missing``, ``other_commit`` or ``other_format`` (the last three are not
    problems: such a file is never trusted, only rebuilt); ``differences``: one line each."""

    kept: str
    differences: tuple[str, ...] = ()
    rewritten: bool = False  # the state rebuilt from git was written in its place

    @property
    def clean(self) -> bool:
        return self.kept not in ("differs", "unreadable")


def check(git: Git, head: str, lock_root: Path | None) -> Check:
    """Rebuild the derived state at ``head`` from git and compare the kept one with it; the
    rebuilt one then replaces it (with ``lock_root``, while no writer holds the lock)."""
    import json

    rebuilt = build(git, head)
    try:
        raw = state_path(git).read_bytes()
    except OSError:
        raw = None
    if raw is None:
        found = Check("missing")
    else:
        try:
            data = json.loads(raw)
            fmt = data.get("format") if isinstance(data, dict) else None
        except ValueError:
            fmt = None
            data = None
        if not isinstance(data, dict):
            found = Check("unreadable", ("the file is not JSON",))
        elif fmt != derived.FORMAT:
            found = Check("other_format")
        else:
            try:
                kept = derived.from_json(raw)
            except ValueError as exc:
                found = Check("unreadable", (str(exc),))
            else:
                differences = tuple(derived.differences(kept, rebuilt)) if kept.commit == head else ()
                found = Check("differs" if differences else "agrees" if kept.commit == head else "other_commit",
                              differences)
    forget(git)
    if lock_root is not None and found.kept != "agrees":
        return Check(found.kept, found.differences, rewritten=_write_back(git, rebuilt, lock_root))
    return found


# --- results kept per commit (the coverage report) ----------------------------------------------------

RESULTS = "results"  # .git/doccontrol/results/<commit>-<key>.pickle: only those of one commit are kept


def _result_path(git: Git, commit: str, key: str) -> Path:
    return git.git_dir / FOLDER / RESULTS / f"{commit}-{key}.pickle"


def kept_result(git: Git, commit: str, key: str) -> object | None:
    """A result computed from the repository at ``commit`` with the settings ``key`` names (a
    digest the caller makes of every setting the result depends on); None when none was kept or
    it cannot be read. Written only by this process's user, in the git directory (whoever can
    write there can change the repository itself)."""
    import pickle

    try:
        return pickle.loads(_result_path(git, commit, key).read_bytes())  # noqa: S301 - our own file, see above
    except Exception:  # noqa: BLE001 - missing, half-written by an older version, unreadable: compute again
        return None


def keep_result(git: Git, commit: str, key: str, value: object, lock_root: Path) -> bool:
    """Keep ``value`` for ``commit`` and ``key`` (results of older commits removed) while ``commit``
    is HEAD and no writer holds the lock (the work tree then is the commit's); True when kept."""
    import pickle
    import tempfile

    from doccontrol.repo.lock import lock_is_held

    folder = _result_path(git, commit, key).parent
    try:
        if lock_is_held(lock_root) or git.head() != commit:
            return False
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.pickle"):
            if not old.name.startswith(f"{commit}-"):
                old.unlink(missing_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=".result-", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, _result_path(git, commit, key))
        return True
    except OSError:
        return False


def kept_results(git: Git, commit: str) -> list[tuple[str, object]]:
    """Every result kept for ``commit``: (its settings key, its value), those that can be read."""
    folder = git.git_dir / FOLDER / RESULTS
    keys = sorted(path.name[len(commit) + 1:-len(".pickle")] for path in folder.glob(f"{commit}-*.pickle"))
    return [(key, value) for key in keys if (value := kept_result(git, commit, key)) is not None]


def drop_result(git: Git, commit: str, key: str) -> None:
    """Remove the result kept for ``commit`` and ``key`` (``verify`` found it wrong)."""
    _result_path(git, commit, key).unlink(missing_ok=True)
