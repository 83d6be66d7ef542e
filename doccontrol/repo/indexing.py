"""Keeping the search index in step with the controlled repository (an adapter).

The repository is the source of truth; the index is derived. This module turns repository
states into :class:`~doccontrol.search.IndexDoc` records, updates the index after every commit,
rebuilds it, and checks it against the repository (``verify``), so search never disagrees with
the repository silently.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from doccontrol import faults
from doccontrol.core.model import ProcedureState
from doccontrol.search import (
    CURRENT,
    SUPERSEDED,
    WITHDRAWN,
    IndexDoc,
    IndexUnavailable,
    SearchBackend,
    fingerprint,
    make_doc_id,
    open_backend,
)
from doccontrol.repo.store import META, TEXT, Store, state_from_json
from doccontrol.workspace import Workspace


def _doc(state: ProcedureState, text: str, status: str) -> IndexDoc:
    return IndexDoc(
        doc_id=make_doc_id(state.slug, state.revision),
        slug=state.slug,
        code=state.code,
        code_key=state.code_key,
        office=state.office,
        title=state.title,
        revision=state.revision,
        status=status,
        text=text,
        tthc=tuple(state.tthc),
        issued=state.issued.isoformat() if state.issued else "",
    )


def newest_status(state: ProcedureState) -> str:
    return WITHDRAWN if state.status == "withdrawn" else CURRENT


class BlobReader:
    """Reads many blobs through one ``git cat-file --batch`` process (not one process per blob)."""

    def __init__(self, repo_path: Path) -> None:
        self.process = subprocess.Popen(
            ["git", "-C", str(repo_path), "cat-file", "--batch"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )

    def read(self, spec: str) -> bytes | None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(spec.encode("utf-8") + b"\n")
        self.process.stdin.flush()
        header = self.process.stdout.readline().decode("utf-8", "replace").split()
        if len(header) != 3:
            return None  # "<spec> missing"
        data = self.process.stdout.read(int(header[2]))
        self.process.stdout.read(1)  # the newline after the contents
        return data

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)
        if self.process.stdout:
            self.process.stdout.close()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def revision_tags(store: Store, slug: str | None = None) -> dict[str, list[int]]:
    """slug → revision numbers, from the tags (one git process; all slugs, or just ``slug``)."""
    out = store.git("for-each-ref", "--format=%(refname:strip=2)", f"refs/tags/{slug}/" if slug else "refs/tags")
    revisions: dict[str, list[int]] = defaultdict(list)
    for name in out.split():
        slug, sep, rev = name.rpartition("/r")
        if sep and rev.isdigit():
            revisions[slug].append(int(rev))
    return {slug: sorted(revs) for slug, revs in revisions.items()}


def _docs(store: Store, state: ProcedureState, older: list[int], blobs: BlobReader) -> list[IndexDoc]:
    folder = store.folder(state)
    docs = [_doc(state, (folder / TEXT).read_text(encoding="utf-8"), newest_status(state))]
    rel = store.relpath(state)
    for revision in older:
        tag = f"refs/tags/{state.slug}/r{revision}"
        meta, text = blobs.read(f"{tag}:{rel}/{META}"), blobs.read(f"{tag}:{rel}/{TEXT}")
        if meta is None or text is None:
            continue
        then = state_from_json(meta.decode("utf-8"))
        docs.append(_doc(then, text.decode("utf-8"), SUPERSEDED))
    return docs


def docs_for(store: Store, state: ProcedureState) -> list[IndexDoc]:
    """Every revision of one procedure, as index documents (the newest first)."""
    older = [r for r in revision_tags(store, state.slug).get(state.slug, []) if r < state.revision]
    if not older:
        folder = store.folder(state)
        return [_doc(state, (folder / TEXT).read_text(encoding="utf-8"), newest_status(state))]
    with BlobReader(store.path) as blobs:
        return _docs(store, state, older, blobs)


def all_docs(store: Store) -> Iterator[IndexDoc]:
    """Every revision of every procedure in the repository."""
    tags = revision_tags(store)
    with BlobReader(store.path) as blobs:
        for state in store.states():
            older = [r for r in tags.get(state.slug, []) if r < state.revision]
            yield from _docs(store, state, older, blobs)


# --- the adapter the pipeline and the commands use ---------------------------------------------------


def backend(workspace: Workspace) -> SearchBackend:
    return open_backend(workspace.index_dir)


class IndexUpdater:
    """The pipeline's commit hook: re-index each committed procedure, in batches.

    A whoosh commit costs far more than adding a few documents, so the procedures committed in
    one group are indexed together when the pipeline calls :meth:`flush` — right after their
    commits became durable, under the same writer lock. If the index is missing or damaged it
    is rebuilt from the repository right there, so it never silently lags. Should the process
    die before a flush, the index's reflected commit tells: the next search or
    ``verify --repair`` catches up.
    """

    def __init__(self, workspace: Workspace) -> None:
        self.index = backend(workspace)
        self.pending: dict[str, ProcedureState] = {}

    def __call__(self, store: Store, state: ProcedureState, commit: str) -> None:
        self.pending[state.slug] = state

    def flush(self, store: Store) -> None:
        if not self.pending:
            return
        states, self.pending = self.pending, {}
        faults.point("before_index")
        # Everything changed since the commit the index reflects, not just this batch: a crash
        # after an earlier durable commit and before its indexing must not leave it out for good.
        try:
            bring_up_to_date(store, self.index, also=[store.relpath(s) for s in states.values()])
        except IndexUnavailable:
            self.index.rebuild(list(all_docs(store)), store.head() or "")


def commit_hook(workspace: Workspace) -> IndexUpdater:
    return IndexUpdater(workspace)


def rebuild(workspace: Workspace) -> int:
    """Rebuild the index from the repository into a new directory, swapped in atomically."""
    with Store(workspace.procedures) as store:
        head = store.head() or ""
        docs = list(all_docs(store))
    backend(workspace).rebuild(docs, head)
    return len(docs)


@dataclass
class IndexReport:
    """How the index compares with the repository."""

    head: str
    reflected: str | None
    problems: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # in the repository, not in the index
    stale: list[str] = field(default_factory=list)  # in both, but different
    extra: list[str] = field(default_factory=list)  # in the index only
    repaired: str = ""

    @property
    def healthy(self) -> bool:
        return not (self.problems or self.missing or self.stale or self.extra)

    def as_json(self) -> dict[str, object]:
        return {
            "healthy": self.healthy,
            "head": self.head,
            "reflected": self.reflected,
            "problems": self.problems,
            "missing": self.missing,
            "stale": self.stale,
            "extra": self.extra,
            "repaired": self.repaired or None,
        }


def compare(workspace: Workspace) -> IndexReport:
    """Compare every revision in the repository with the index, by fingerprint."""
    index = backend(workspace)
    with Store(workspace.procedures) as store:
        head = store.head() or ""
        expected = {doc.doc_id: fingerprint(doc) for doc in all_docs(store)}
    report = IndexReport(head=head, reflected=None)
    report.problems = index.check()
    if report.problems:
        return report
    try:
        report.reflected = index.reflected_commit()
        actual = index.doc_fingerprints()
    except IndexUnavailable as exc:
        report.problems.append(str(exc))
        return report
    report.missing = sorted(set(expected) - set(actual))
    report.extra = sorted(set(actual) - set(expected))
    report.stale = sorted(d for d in set(expected) & set(actual) if expected[d] != actual[d])
    return report


def changed_folders(store: Store, reflected: str | None, head: str) -> set[str] | None:
    """Procedure folders (``OFFICE/slug``) changed between ``reflected`` and ``head``.

    None when that cannot be told (no reflected commit, or one the repository does not know):
    then only a rebuild brings the index back. Commits outside procedure folders (catalog,
    links) do not make the index behind.
    """
    if not reflected:
        return None
    if reflected == head:
        return set()
    try:
        out = store.git("diff", "--name-only", "--no-renames", reflected, head)
    except Exception:  # an unknown commit: the index came from another repository or history
        return None
    folders = set()
    for path in out.splitlines():
        parts = path.split("/")
        if len(parts) >= 3 and not parts[0].startswith("_"):
            folders.add(f"{parts[0]}/{parts[1]}")
    return folders


def bring_up_to_date(store: Store, index: SearchBackend, also: Iterable[str] = (), check: bool = False) -> str:
    """Make the index reflect the repository's HEAD. Call under the writer lock.

    Re-indexes the procedure folders changed since the commit the index reflects (plus ``also``)
    in one index commit; rebuilds when that commit is unknown or the index is unreadable
    (``check``: also verify its files first). Returns what was done ("" if nothing).
    """
    head = store.head() or ""
    try:
        problems = index.check() if check else []
        reflected = None if problems else index.reflected_commit()
    except IndexUnavailable:
        problems, reflected = ["unavailable"], None
    changed = None if problems else changed_folders(store, reflected, head)
    if changed is None:
        docs = list(all_docs(store))
        index.rebuild(docs, head)
        return f"rebuilt ({len(docs)} documents)"
    folders = changed | set(also)
    if not folders:
        return ""
    updates: dict[str, list[IndexDoc]] = {}
    for folder in sorted(folders):
        slug = folder.split("/", 1)[1]
        if (store.path / folder / META).is_file():
            updates[slug] = docs_for(store, store.read_state(store.path / folder))
        else:
            updates[slug] = []  # the folder is gone: its documents go too
    index.replace_procedures(updates, head)
    return f"updated {len(updates)} procedure(s)"


def catch_up(workspace: Workspace) -> str:
    """Bring the index up to the repository's HEAD (checking its files first). Call under the writer lock."""
    with Store(workspace.procedures) as store:
        return bring_up_to_date(store, backend(workspace), check=True)


def status_of_index(workspace: Workspace) -> dict[str, object]:
    """For ``doccontrol status``: the commit the index reflects and whether it is behind."""
    index = backend(workspace)
    with Store(workspace.procedures) as store:
        head = store.head() or ""
        problems = index.check()
        if problems:
            return {"state": "unavailable", "behind": True, "reflected": None, "head": head, "problem": problems[0]}
        try:
            reflected = index.reflected_commit()
        except IndexUnavailable as exc:
            return {"state": "unavailable", "behind": True, "reflected": None, "head": head, "problem": str(exc)}
        changed = changed_folders(store, reflected, head)
    behind = changed is None or bool(changed)
    return {"state": "behind" if behind else "current", "behind": behind, "reflected": reflected, "head": head}
