"""Keeping the search index in step with the controlled repository.

The repository is the source of truth; the index is derived. This module turns repository
states into :class:`~doccontrol.search.IndexDoc` records, applies the changes a transaction
committed (typed: which procedure folders, from which commit to which), rebuilds the index,
says how fresh it is (:meth:`IndexSync.freshness`, the one freshness check), and compares it
with the repository document by document (``verify``), so search never disagrees with the
repository silently.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from doccontrol.core.model import ProcedureState, ProcedureStatus
from doccontrol.repo import layout
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
    read_index_state,
)

if TYPE_CHECKING:  # (the blob reader starts git: imported where it is used, never by a search)
    from doccontrol.repo.blobs import BlobReader
    from doccontrol.repo.gateway import Repository
    from doccontrol.workspace import Workspace


@dataclass(frozen=True)
class CommittedChanges:
    """What a transaction committed: the procedure folders (``OFFICE/slug``) it touched, and the
    HEAD before (the commit the index was brought to last) and after."""

    before: str | None
    after: str
    procedures: frozenset[str]


class IndexState(str, enum.Enum):
    CURRENT = "current"  # reflects the repository's HEAD
    BEHIND = "behind"  # readable, but a procedure changed since the commit it reflects
    UNAVAILABLE = "unavailable"  # missing or damaged: only a rebuild brings it back


@dataclass(frozen=True)
class Freshness:
    """How the index stands against the repository."""

    state: IndexState
    head: str
    reflected: str | None = None
    problem: str = ""

    @property
    def behind(self) -> bool:
        return self.state is not IndexState.CURRENT

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {"state": self.state.value, "behind": self.behind, "reflected": self.reflected,
                                   "head": self.head}
        if self.problem:
            data["problem"] = self.problem
        return data


@dataclass
class IndexReport:
    """How the index compares with the repository, document by document."""

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


# --- repository states as index documents ----------------------------------------------------------


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
    return WITHDRAWN if state.status == ProcedureStatus.WITHDRAWN else CURRENT


def revision_files(blobs: BlobReader, folder: str, slug: str, revision: int) -> tuple[str, bytes] | None:
    """(the folder that holds them, meta.json) of one revision at its tag: its historical folder
    (a revision loaded after a higher one), else the procedure's folder; None when neither has it."""
    tag = layout.revision_ref(slug, revision)
    for home in layout.revision_dirs(folder, revision):
        meta = blobs.read(f"{tag}:{layout.meta_path(home)}")
        if meta is not None:
            return home, meta
    return None


def _docs(repo: Repository, state: ProcedureState, older: list[int], blobs: BlobReader | None) -> list[IndexDoc]:
    """The current revision from the work tree, the ``older`` ones (historical ones too) from their tags."""
    from doccontrol.repo.state_files import state_from_json  # (and the step rules: not for a search)

    folder = layout.procedure_dir(state.office, state.slug)
    docs = [_doc(state, (repo.path / layout.text_path(folder)).read_text(encoding="utf-8"), newest_status(state))]
    for revision in older:
        assert blobs is not None
        found = revision_files(blobs, folder, state.slug, revision)
        text = blobs.read(f"{layout.revision_ref(state.slug, revision)}:{layout.text_path(found[0])}") if found else None
        if found is None or text is None:
            continue
        docs.append(_doc(state_from_json(found[1].decode("utf-8")), text.decode("utf-8"), SUPERSEDED))
    return docs


def qualified(doc: IndexDoc, department: str) -> IndexDoc:
    """``doc`` as the province index holds it: its slug and id prefixed by the department
    (``SOTP/qt-01-stp@2``: two departments may use the same code), the department recorded."""
    return dataclasses.replace(doc, doc_id=f"{department}/{doc.doc_id}", slug=f"{department}/{doc.slug}",
                               department=department)


def docs_at(path: Path, commit: str, folders: Iterable[str], department: str) -> dict[str, list[IndexDoc]]:
    """Every revision of the procedures in ``folders`` (``OFFICE/slug``) of the bare repository at
    ``path`` as it is at ``commit``, as the province index holds them (:func:`qualified`), by
    qualified slug; a folder gone at ``commit`` maps to no document (removed from the index)."""
    return dict(iter_docs_at(path, commit, folders, department))


def iter_docs_at(path: Path, commit: str, folders: Iterable[str], department: str
                 ) -> Iterator[tuple[str, list[IndexDoc]]]:
    """:func:`docs_at` one procedure at a time (a whole department's texts are never held at once)."""
    from doccontrol.repo import mirror
    from doccontrol.repo.state_files import state_from_json

    tags = mirror.revision_numbers(path)
    from doccontrol.repo.blobs import BlobReader

    with BlobReader(path) as blobs:
        for folder in sorted(set(folders)):
            slug = layout.slug_of(folder)
            key = f"{department}/{slug}"
            meta = blobs.read(f"{commit}:{layout.meta_path(folder)}")
            text = blobs.read(f"{commit}:{layout.text_path(folder)}")
            if meta is None:
                yield key, []
                continue
            state = state_from_json(meta.decode("utf-8"))
            docs = [_doc(state, (text or b"").decode("utf-8"), newest_status(state))]
            for revision in (r for r in tags.get(state.slug, []) if r < state.revision):
                found = revision_files(blobs, folder, state.slug, revision)
                old = blobs.read(f"{layout.revision_ref(state.slug, revision)}:{layout.text_path(found[0])}") if found else None
                if found is not None and old is not None:
                    docs.append(_doc(state_from_json(found[1].decode("utf-8")), old.decode("utf-8"), SUPERSEDED))
            yield key, [qualified(d, department) for d in docs]


def procedure_folders(path: Path, commit: str) -> set[str]:
    """Every procedure folder (``OFFICE/slug``) of the bare repository at ``path`` at ``commit``."""
    from doccontrol.repo.gitcmd import Git

    with Git(path) as git:
        out = git.bytes("ls-tree", "-r", "-z", "--name-only", commit)
    return {layout.procedure_of(p) or "" for p in out.decode("utf-8").split("\0") if layout.is_meta(p)} - {""}


def docs_for(repo: Repository, states: Iterable[ProcedureState]) -> dict[str, list[IndexDoc]]:
    """Every revision of each procedure, as index documents (the newest first), by slug: one
    ``for-each-ref`` for their tags and, when any has older revisions, one blob reader for all."""
    states = list(states)
    tags = repo.revision_numbers(*(state.slug for state in states)) if states else {}
    older = {state.slug: [r for r in tags.get(state.slug, []) if r < state.revision] for state in states}
    with contextlib.ExitStack() as stack:
        blobs = stack.enter_context(repo.blobs()) if any(older.values()) else None
        return {state.slug: _docs(repo, state, older[state.slug], blobs) for state in states}


def all_docs(repo: Repository) -> Iterator[IndexDoc]:
    """Every revision of every procedure in the repository."""
    tags = repo.revision_numbers()
    with repo.blobs() as blobs:
        for state in repo.procedures():
            older = [r for r in tags.get(state.slug, []) if r < state.revision]
            yield from _docs(repo, state, older, blobs)


# --- the index of one repository --------------------------------------------------------------------


class IndexSync:
    """The search index of one repository: reads for everyone, updates under the writer lock."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self._backend: SearchBackend | None = None

    @property
    def backend(self) -> SearchBackend:
        """The search engine over the index (opened, and its libraries imported, when first used)."""
        if self._backend is None:
            self._backend = open_backend(self.repo.workspace.index_dir, self.repo.workspace.config.search_engine)
        return self._backend

    def close(self) -> None:
        """Close the engine's open files (its searcher); it opens them again when next used."""
        backend, self._backend = self._backend, None
        close = getattr(backend, "close", None)
        if close is not None:
            close()

    # -- reading -------------------------------------------------------------------------------

    def freshness(self, check_files: bool = False) -> Freshness:
        """Is the index current with the repository? Cheap (no checksums) unless ``check_files``.

        Read from the index's own files when they tell it plainly (``search.index_files``: no
        search engine loaded); otherwise from the engine, which also says what is wrong."""
        head = self.repo.head() or ""
        workspace = self.repo.workspace
        recorded = read_index_state(workspace.index_dir, check_files, workspace.config.search_engine)
        if recorded is not None:
            reflected = recorded.commit
        else:
            try:
                problems = self.backend.check() if check_files else []
                if problems:
                    return Freshness(IndexState.UNAVAILABLE, head, problem=problems[0])
                reflected = self.backend.reflected_commit()
            except IndexUnavailable as exc:
                return Freshness(IndexState.UNAVAILABLE, head, problem=str(exc))
        changed = self.repo.changed_procedures(reflected, head)
        state = IndexState.CURRENT if changed == set() else IndexState.BEHIND
        return Freshness(state, head, reflected)

    def compare(self) -> IndexReport:
        """Compare every revision in the repository with the index, by fingerprint."""
        head = self.repo.head() or ""
        expected = {doc.doc_id: fingerprint(doc) for doc in all_docs(self.repo)}
        report = IndexReport(head=head, reflected=None)
        report.problems = self.backend.check()
        if report.problems:
            return report
        try:
            report.reflected = self.backend.reflected_commit()
            actual = self.backend.doc_fingerprints()
        except IndexUnavailable as exc:
            report.problems.append(str(exc))
            return report
        report.missing = sorted(set(expected) - set(actual))
        report.extra = sorted(set(actual) - set(expected))
        report.stale = sorted(d for d in set(expected) & set(actual) if expected[d] != actual[d])
        return report

    # -- updating (under the writer lock: called by the transaction) -----------------------------

    def rebuild(self) -> int:
        """Rebuild from the repository into a new directory, swapped in atomically."""
        head = self.repo.head() or ""
        docs = list(all_docs(self.repo))
        self.backend.rebuild(docs, head)
        return len(docs)

    def apply(self, changes: CommittedChanges) -> None:
        """Index what a transaction committed. When the index reflects exactly the commit the
        changes start from, only the touched procedures are re-read; otherwise (a crash left it
        further behind) everything changed since its commit is too; if it is unreadable, rebuilt."""
        try:
            reflected = self.backend.reflected_commit()
        except IndexUnavailable:
            self.rebuild()
            return
        if reflected == changes.before and reflected is not None:
            self._replace(changes.procedures, changes.after)
        else:
            self.catch_up(also=changes.procedures)

    def catch_up(self, also: Iterable[str] = (), check_files: bool = False) -> str:
        """Make the index reflect HEAD: re-index the procedure folders changed since the commit it
        reflects (plus ``also``); rebuild when that commit is unknown or the index is unreadable
        (``check_files``: verify its files first). Returns what was done ("" if nothing)."""
        head = self.repo.head() or ""
        try:
            problems = self.backend.check() if check_files else []
            reflected = None if problems else self.backend.reflected_commit()
        except IndexUnavailable:
            problems, reflected = ["unavailable"], None
        changed = None if problems else self.repo.changed_procedures(reflected, head)
        if changed is None:
            return f"rebuilt ({self.rebuild()} documents)"
        folders = changed | set(also)
        if not folders:
            return ""
        self._replace(folders, head)
        return f"updated {len(folders)} procedure(s)"

    def _replace(self, folders: Iterable[str], head: str) -> None:
        updates: dict[str, list[IndexDoc]] = {}
        present: list[ProcedureState] = []
        for folder in sorted(folders):
            meta = self.repo.path / layout.meta_path(folder)
            updates[layout.slug_of(folder)] = []  # gone: removed from the index
            if meta.is_file():
                present.append(self.repo.read_state(meta.parent))
        updates.update(docs_for(self.repo, present))
        self.backend.replace_procedures(updates, head)
