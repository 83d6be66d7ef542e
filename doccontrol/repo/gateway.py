"""The repository gateway: one object per workspace through which everything reads and writes the
controlled repository (``procedures/``) and the search index derived from it.

Reads never wait and never lock. Writes go through one unit of work::

    with repository.write("VP", "withdraw") as tx:
        state = tx.get(code)
        tx.commit_withdrawal(...)

which takes the workspace's writer lock, brings the repository back to its last commit after a
crash (logged once), writes commits through one ``git fast-import`` stream, and on exit makes
them durable and brings the index up to them (typed: the procedures the transaction touched).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from doccontrol.core.text import code_key as normal_code
from doccontrol.errors import NotFound
from doccontrol.repo import layout
from doccontrol.repo.gitcmd import Git, GitError
from doccontrol.repo.refs import read_ref
from doccontrol.repo.state_files import state_from_json
from doccontrol.workspace import Workspace

MAX_REF_PATTERNS = 256  # slugs asked of one ``for-each-ref`` by pattern; more: every tag listed once

if TYPE_CHECKING:
    from doccontrol.core.model import ProcedureState, RevisionRecord
    from doccontrol.core import coverage as cov
    from doccontrol.core import review as rv
    from doccontrol.core import timeline as tl
    from doccontrol.core.catalog import Tthc
    from doccontrol.core.derived import DerivedState
    from doccontrol.repo.derived import Check as DerivedCheck
    from doccontrol.core.organisation import Organisation
    from doccontrol.core.scope import CatalogScope
    from doccontrol.repo import history, snapshot
    from doccontrol.repo.blobs import BlobReader, BlobStream
    from doccontrol.repo.index_sync import IndexSync
    from doccontrol.repo.transaction import Transaction


class TthcReference(NamedTuple):  # a named tuple: created at import by every command, a dataclass costs more
    """The catalog (short code → TTHC), its names as titles link them and the manual links (code →
    TTHC codes): see :meth:`Repository.tthc_reference`."""

    catalog: Mapping[str, Tthc]
    names: cov.CatalogNames
    links: Mapping[str, set[str]]


class Repository:
    """The controlled repository of one workspace. Use as a context manager (closes git)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.path: Path = workspace.procedures
        self._git: Git | None = None
        self._index: IndexSync | None = None
        self._by_key: dict[str, str] | None = None  # every procedure's folder by its code's normal form
        self._remembered: dict[str, str] = {}  # ... and those this process's transactions committed

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the git processes and close the index files this object opened (a long-lived
        process such as the watcher opens a repository per batch: nothing may wait for the
        garbage collector)."""
        if self._git is not None:
            self._git.close()
            self._git = None
        if self._index is not None:
            self._index.close()

    @property
    def git(self) -> Git:
        """The git runner (for the modules of ``doccontrol.repo`` only)."""
        if self._git is None:
            self._git = Git(self.path)
        return self._git

    @property
    def index(self) -> IndexSync:
        """The search index kept in step with this repository."""
        if self._index is None:
            from doccontrol.repo.index_sync import IndexSync

            self._index = IndexSync(self)
        return self._index

    # --- writing ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def write(
        self, actor: str | None, why: str, timeout: float | None = None, update_index: bool = True
    ) -> Iterator[Transaction]:
        """The unit of work: lock, recovery, commits, durability and the index update on exit.

        ``actor``: the office the commits are attributed to (None: each commit names its own,
        as ingest does with the dropping office). ``why``: what the lock holder is doing, for
        messages (``ingest``, ``withdraw``, ...). ``timeout``: seconds to wait for another
        writer (default ``DOCCONTROL_LOCK_TIMEOUT`` or 300); WorkspaceError (exit 2) after that.
        ``update_index=False`` leaves the index behind (it catches up at the next search); only
        the ingest benchmark uses it, to time the pipeline alone.
        """
        from doccontrol.repo.lock import writer_lock
        from doccontrol.repo.transaction import Transaction

        with writer_lock(self.workspace.root, why, timeout=timeout) as lock_fd:
            self.git.inherited_fds = (lock_fd,)  # every git process started meanwhile holds the lock too
            try:
                tx = Transaction(self, actor, update_index, lock_fd)
                tx.begin()
                try:
                    yield tx
                except BaseException:
                    tx.end(success=False)
                    raise
                tx.end(success=True)
            finally:
                self.git.inherited_fds = ()

    # --- the current procedures (the work tree reflects HEAD) --------------------------------------

    def head(self) -> str | None:
        return self.git.head()

    def folder(self, state: ProcedureState) -> Path:
        return self.path / layout.procedure_dir(state.office, state.slug)

    def _office_folders(self) -> list[Path]:
        """The top-level folders that may hold procedures (never ``.git`` or a reserved one)."""
        return sorted(p for p in self.path.iterdir() if layout.is_office_folder(p.name) and p.is_dir())

    def _folders_named(self, slug: str) -> list[Path]:
        """The procedure folders named ``slug`` (none for a name that is not a slug: nothing is
        globbed, nothing outside the office folders read)."""
        if not layout.is_slug(slug):
            return []
        return [office / slug for office in self._office_folders() if (office / slug / layout.META).is_file()]

    def read_state(self, folder: Path) -> ProcedureState:
        return state_from_json((folder / layout.META).read_text(encoding="utf-8"))

    def procedures(self) -> list[ProcedureState]:
        """Every procedure's current state (current and withdrawn), in office then slug order."""
        states = []
        for office in self._office_folders():
            for meta in sorted(office.glob(f"*/{layout.META}")):
                states.append(state_from_json(meta.read_text(encoding="utf-8")))
        return states

    def procedures_at_head(self) -> list[ProcedureState]:
        """:meth:`procedures`, remembered by this process per HEAD: when HEAD moves on, only the
        procedure folders its commits changed are read again (a long-running reader such as the
        web server reads 20,000 ``meta.json`` once, not at every commit)."""
        from doccontrol.repo import derived

        head = self.head()
        if head is None:
            return []
        return derived.states_at(self.git, head, self.procedures)

    def find(self, code_key: str) -> ProcedureState | None:
        """The procedure whose code normal form is ``code_key``, in any office.

        Looked up in the folders its slug names first; a procedure stored under a slug made by an
        older normal form of codes lives elsewhere, so the procedures are then read once (per
        repository object, kept up to date by its transactions) and compared by key.
        """
        for slug in layout.candidate_slugs(code_key):
            for folder in self._folders_named(slug):
                state = self.read_state(folder)
                if state.code_key == code_key:
                    return state
        if self._by_key is None:
            self._by_key = self._folders_by_key()
        folder = self._remembered.get(code_key) or self._by_key.get(code_key)
        if folder is None or not (self.path / folder / layout.META).is_file():
            return None
        state = self.read_state(self.path / folder)
        return state if state.code_key == code_key else None

    def _folders_by_key(self) -> dict[str, str]:
        """Every procedure's folder by its code's normal form: from the derived state when it is of
        HEAD (one file; the work tree is HEAD's in a unit of work), else from every ``meta.json``
        (20,000 files at province scale: seconds, once per repository object)."""
        from doccontrol.repo import derived

        kept = derived.read(self.git)
        if kept is not None and kept.commit == self.head():
            return {row.code_key: row.folder for row in kept.rows}
        return {state.code_key: layout.procedure_dir(state.office, state.slug) for state in self.procedures()}

    def remember(self, state: ProcedureState) -> None:
        """A transaction committed ``state``: later lookups see it."""
        self._remembered[state.code_key] = layout.procedure_dir(state.office, state.slug)

    def get(self, code: str) -> ProcedureState:
        """The procedure with ``code`` (any spelling of it); NotFound (exit 2) when there is none."""
        state = self.find(normal_code(code))
        if state is None:
            raise NotFound(
                f"Không có quy trình mã '{code}' trong kho.", f"No procedure with code '{code}' in the repository."
            )
        return state

    def find_same_slug(self, code_key: str) -> list[ProcedureState]:
        """The procedures filed in the folder ``code_key`` would get (any code): ``qt-01-ldtbxh``
        holds ``QT-01/LĐTBXH``, which is how a file name, without ``/``, writes that code."""
        first, _ = layout.candidate_slugs(code_key)
        return [self.read_state(folder) for folder in self._folders_named(first)]

    def new_slug(self, code_key: str) -> str:
        """A folder name for a new procedure: its slug, or the slug with a hash if taken."""
        first, second = layout.candidate_slugs(code_key)
        return first if not self._folders_named(first) else second

    # --- repository files other than procedures -------------------------------------------------

    def _file_text(self, rel: str) -> str | None:
        path = self.path / rel
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def catalog(self) -> dict[str, Tthc] | None:
        """The TTHC catalog (None when none was imported)."""
        from doccontrol.core.catalog import catalog_from_json

        text = self._file_text(layout.CATALOG_FILE)
        return catalog_from_json(text) if text is not None else None

    def tthc_reference(self) -> TthcReference:
        """What one procedure's TTHC links are computed from (``core.coverage.links_of_one``):
        the catalog, its names and the manual links. Kept by the process's read memo until a
        commit changes the catalog, its scope or the links (a long-running reader parses the
        catalog once, not per request): shared, so read only."""
        from doccontrol.core import coverage as cov
        from doccontrol.repo.read_memo import MEMO

        def catalog() -> Mapping[str, Tthc]:
            return self.shared_catalog() or {}

        names = MEMO.get(self.git, self.workspace.root, "catalog names", (layout.CATALOG_FILE, layout.SCOPE_FILE),
                         lambda: cov.catalog_names(catalog(), self.catalog_scope()))
        links = MEMO.get(self.git, self.workspace.root, "links", (layout.LINKS_FILE,), lambda: self.links()[0])
        return TthcReference(catalog(), names, links)

    def shared_links(self) -> tuple[dict[str, set[str]], set[str]]:
        """:meth:`links`, kept by the process's read memo until a commit changes them: shared, so
        read only."""
        from doccontrol.repo.read_memo import MEMO

        return MEMO.get(self.git, self.workspace.root, "links and internal", (layout.LINKS_FILE,), self.links)

    def shared_catalog(self) -> Mapping[str, Tthc] | None:
        """:meth:`catalog`, kept by the process's read memo until a commit changes it (a
        long-running reader parses it once, and the same object says "unchanged" to the coverage
        computation): shared, so read only."""
        from doccontrol.repo.read_memo import MEMO

        return MEMO.get(self.git, self.workspace.root, "catalog", (layout.CATALOG_FILE,), self.catalog)

    def organisation(self) -> Organisation:
        """The offices' names and the fields → offices map the repository keeps (empty when none)."""
        from doccontrol.core.organisation import Organisation, organisation_from_json

        text = self._file_text(layout.ORGANISATION_FILE)
        return organisation_from_json(text) if text is not None else Organisation()

    def field_offices(self) -> dict[str, str]:
        """The field → office map every figure uses (the repository's, then ``[fields]``)."""
        from doccontrol.core.organisation import field_offices

        return field_offices(self.organisation(), self.workspace.config.field_offices)

    def catalog_scope(self) -> CatalogScope:
        """Which TTHC of the catalog are the workspace's own (an empty scope: all)."""
        from doccontrol.core.scope import CatalogScope, scope_from_json

        text = self._file_text(layout.SCOPE_FILE)
        return scope_from_json(text) if text is not None else CatalogScope()

    def has_catalog_scope(self) -> bool:
        return (self.path / layout.SCOPE_FILE).is_file()

    def catalog_changes(self) -> list[history.Event]:
        """The commits that changed the catalog, newest first (imports and undos)."""
        from doccontrol.repo import history

        return history.read_log(self.git, "--", layout.CATALOG_FILE)

    def file_before(self, commit: str, rel: str) -> bytes | None:
        """A repository file as it was just before ``commit`` (None when it did not exist; every
        commit doccontrol writes has a parent, the repository's first made by ``init``)."""
        with self._reader() as blobs:
            return blobs.read(f"{commit}^:{rel}")

    def links(self) -> tuple[dict[str, set[str]], set[str]]:
        """Manual links (procedure code → TTHC codes) and the internal procedures' code keys."""
        from doccontrol.core import coverage as cov

        text = self._file_text(layout.LINKS_FILE)
        return cov.links_from_json(text) if text is not None else ({}, set())

    def laws(self) -> list[rv.ReplacedLaw]:
        """Legal documents recorded as replaced, oldest first."""
        from doccontrol.core import review as rv

        text = self._file_text(layout.LAWS_FILE)
        return rv.laws_from_json(text) if text is not None else []

    def has_laws(self) -> bool:
        return (self.path / layout.LAWS_FILE).is_file()

    def reviews(self, state: ProcedureState) -> list[rv.ReviewRecord]:
        """A procedure's confirmed reviews, oldest first."""
        from doccontrol.core import review as rv

        text = self._file_text(layout.review_path(state.slug))
        return rv.reviews_from_json(text)[1] if text is not None else []

    def last_reviews(self) -> dict[str, dt.datetime]:
        """Code key → when each procedure's last review was confirmed (those reviewed at all)."""
        from doccontrol.core import review as rv

        folder = self.path / layout.REVIEWS_DIR
        out: dict[str, dt.datetime] = {}
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            key, records = rv.reviews_from_json(path.read_text(encoding="utf-8"))
            if records:
                out[key] = max(r.date for r in records)
        return out

    # --- history --------------------------------------------------------------------------------

    def history(self, state: ProcedureState) -> list[RevisionRecord]:
        """Every commit of this procedure (revisions, historical ones included, withdrawals,
        confirmed reviews), in the order they entered the repository; each revision and withdrawal
        with the day it took effect."""
        from doccontrol.repo.read_memo import MEMO  # the memo and the lock it checks: not at start-up

        folder = layout.procedure_dir(state.office, state.slug)
        review = layout.review_path(state.slug)
        return list(MEMO.get(self.git, self.workspace.root, ("history", folder, review), (folder, review),
                             lambda: self._read_history(folder, review)))

    def _read_history(self, folder: str, review: str) -> list[RevisionRecord]:
        """The folder's commits from the process's history index when it has one (no walk; a
        procedure with reviews is read by its logs, to place them), else by ``git log``."""
        from doccontrol.repo import history, messages, snapshot
        from doccontrol.repo.history_index import INDEXES

        commits = None if (self.path / review).is_file() else INDEXES.commits(self.git, folder)
        if commits is None:
            events = history.procedure_events(self.git, folder, review)
        else:
            with self._reader() as blobs:
                events = history.events_in(blobs, commits)
        events = [event for event in events if event.action != messages.UNREADABLE]
        if not any(snapshot.needs_meta_for_effective(e) for e in events):
            return [snapshot.revision_record(e, None) for e in events]
        with self._reader() as blobs:
            return [snapshot.revision_record(e, blobs) for e in events]

    def index_history(self) -> None:
        """Build this process's index of which commits touch each procedure folder
        (``history_index``): for a long-running reader, before its first history."""
        from doccontrol.repo.history_index import INDEXES

        INDEXES.build(self.git)

    def revisions(self, state: ProcedureState) -> list[RevisionRecord]:
        """Every revision of the procedure, by revision number (a historical one in its place)."""
        return sorted((r for r in self.history(state) if r.action == "ingest"), key=lambda r: r.revision)

    def timeline(self) -> list[tl.TimelineEvent]:
        """Every revision and withdrawal of the repository, with its effective date and its source."""
        from doccontrol.repo import snapshot

        head = self.head()
        if head is None:
            return []
        events = snapshot.read_events(self.git, head)
        with self.blobs() as blobs:
            return snapshot.timeline_events(events, blobs)

    def revision_numbers(self, *slugs: str) -> dict[str, list[int]]:
        """slug → revision numbers, from the tags (one git process; all slugs, or just ``slugs``:
        past a few hundred, all the tags are listed once rather than a pattern each)."""
        prefixes = [f"{layout.TAGS}/{slug}/" for slug in slugs] if 0 < len(slugs) <= MAX_REF_PATTERNS else [layout.TAGS]
        out = self.git.run("for-each-ref", "--format=%(refname:strip=2)", *prefixes)
        found: dict[str, list[int]] = defaultdict(list)
        for name in out.split():
            parsed = layout.parse_revision_tag(name)
            if parsed:
                found[parsed[0]].append(parsed[1])
        wanted = set(slugs)
        return {s: sorted(revs) for s, revs in found.items() if not wanted or s in wanted}

    def revision_commit(self, state: ProcedureState, revision: int) -> str:
        """The commit of one revision (its tag, else found in the history); NotFound if none."""
        try:
            return self.git.run("rev-parse", "--verify", "-q",
                                f"{layout.revision_ref(state.slug, revision)}^{{commit}}").strip()
        except GitError:
            for record in self.revisions(state):
                if record.revision == revision:
                    return record.commit
        raise NotFound(
            f"Quy trình {state.code} không có lần ban hành {revision}.",
            f"Procedure {state.code} has no revision {revision}.",
        )

    def revision_home(self, state: ProcedureState, revision: int) -> str:
        """The folder that holds revision ``revision``'s files at its tag: its ``history/r<N>/``
        folder for a historical revision (kept in the work tree from then on), else the
        procedure's folder."""
        folder = layout.procedure_dir(state.office, state.slug)
        historical = layout.history_dir(folder, revision)
        return historical if (self.path / layout.meta_path(historical)).is_file() else folder

    def revision_tagged(self, state: ProcedureState, revision: int) -> bool:
        """Whether revision ``revision`` of the procedure has its tag (read from the refs: no process)."""
        return read_ref(self.git.git_dir, layout.revision_ref(state.slug, revision)) is not None

    def _revision_spec(self, state: ProcedureState, revision: int, file_of: Callable[[str], str]) -> str:
        """``<object>:<path>`` of one of a revision's files for ``git cat-file``: the object its tag
        names (read from the refs: no process), else the commit its history gives (NotFound when
        it has no such revision); the path in the revision's folder (:meth:`revision_home`)."""
        root = read_ref(self.git.git_dir, layout.revision_ref(state.slug, revision))
        if root is None:
            root = self.revision_commit(state, revision)
        return f"{root}:{file_of(self.revision_home(state, revision))}"

    @staticmethod
    def _blob(blobs: BlobReader, spec: str) -> bytes:
        data = blobs.read(spec)
        if data is None:
            raise GitError(f"no object {spec} in the repository")
        return data

    def state_at(self, state: ProcedureState, revision: int) -> ProcedureState:
        spec = self._revision_spec(state, revision, layout.meta_path)
        with self._reader() as blobs:
            return state_from_json(self._blob(blobs, spec).decode("utf-8"))

    def text_at(self, state: ProcedureState, revision: int) -> str:
        """The extracted text of a revision (one git process, or the kept reader of a long-lived
        reader: ``blobs.SHARED``)."""
        spec = self._revision_spec(state, revision, layout.text_path)
        with self._reader() as blobs:
            return self._blob(blobs, spec).decode("utf-8")

    def original_at(self, state: ProcedureState, revision: int) -> tuple[bytes, ProcedureState]:
        """The dropped bytes of one revision, and the procedure's state at that revision."""
        then, stream = self.original_stream(state, revision)
        return b"".join(stream), then

    def original_stream(self, state: ProcedureState, revision: int) -> tuple[ProcedureState, BlobStream]:
        """The procedure's state at one revision and that revision's dropped bytes as a stream
        (:class:`BlobStream`: the blob read in chunks from the one ``git cat-file`` process that
        read the state, never whole in memory, its size known first). Read it to the end or close it."""
        meta = self._revision_spec(state, revision, layout.meta_path)
        root, _, _ = meta.partition(":")
        blobs = self.blobs()
        try:
            then = state_from_json(self._blob(blobs, meta).decode("utf-8"))
            spec = f"{root}:{layout.original_path(self.revision_home(state, revision), then.ext)}"
            stream = blobs.stream(spec)
            if stream is None:
                raise GitError(f"no object {spec} in the repository")
        except BaseException:
            blobs.abort()
            raise
        return then, stream

    def changed_procedures(self, since: str | None, until: str) -> set[str] | None:
        """Procedure folders (``OFFICE/slug``) changed between two commits.

        None when that cannot be told (no ``since``, or a commit the repository does not know).
        Commits outside procedure folders (catalog, links, reviews) change no procedure.
        """
        if not since:
            return None
        if since == until:
            return set()
        try:
            changed = self.git.changed_paths(since, until)
        except GitError:
            return None
        return {folder for path in changed if (folder := layout.procedure_of(path))}

    def _reader(self) -> contextlib.AbstractContextManager[BlobReader]:
        """A blob reader for a ``with`` block: the one a long-lived reader keeps (``blobs.SHARED``),
        else a new one."""
        from doccontrol.repo.blobs import SHARED

        return SHARED.reader(self.path)

    def blobs(self) -> BlobReader:
        """A reader of many blobs through one git process (close it, or use ``with``)."""
        from doccontrol.repo.blobs import BlobReader

        return BlobReader(self.path)

    # --- the repository at a moment -------------------------------------------------------------

    def commit_as_of(self, when: dt.datetime) -> str | None:
        """The newest commit made at or before ``when`` (None when the repository is younger)."""
        from doccontrol.repo import snapshot

        return snapshot.commit_as_of(self.git, when)

    def snapshot(self, commit: str | None, with_events: bool = True) -> snapshot.Snapshot:
        """The repository at ``commit`` (an empty snapshot for None: before the first commit)."""
        from doccontrol.repo import snapshot

        return snapshot.load_snapshot(self.git, commit, with_events)

    def in_force(self, day: dt.date, head: str | None = None) -> snapshot.Snapshot:
        """The procedures in force on ``day`` by their effective dates (``snapshot.load_in_force``),
        read from the repository at ``head`` (default HEAD)."""
        from doccontrol.repo import snapshot

        return snapshot.load_in_force(self.git, day, head)

    def snapshot_as_of(self, when: dt.datetime | None) -> snapshot.Snapshot:
        """Now (None: the repository at HEAD), or the procedures in force on ``when``'s day."""
        return self.snapshot(self.head()) if when is None else self.in_force(when.date())

    def derived(self) -> DerivedState | None:
        """The derived state of the repository at HEAD (``repo.derived``: kept in the git directory,
        trusted only when it is of HEAD, else rebuilt from git); None for an empty repository."""
        from doccontrol.repo import derived

        head = self.head()
        if head is None:
            return None
        writable = os.access(self.git.git_dir, os.W_OK)
        return derived.current(self.git, head, self.workspace.root if writable else None)

    def check_derived(self) -> DerivedCheck | None:
        """``verify``: the derived state rebuilt from git and compared with the kept one, which it
        then replaces (``repo.derived.check``); None for an empty repository."""
        from doccontrol.repo import derived

        head = self.head()
        if head is None:
            return None
        writable = os.access(self.git.git_dir, os.W_OK)
        return derived.check(self.git, head, self.workspace.root if writable else None)

    def kept_result(self, commit: str, key: str) -> object | None:
        """A result kept for ``commit`` and the settings ``key`` names (``repo.derived.kept_result``)."""
        from doccontrol.repo import derived

        return derived.kept_result(self.git, commit, key)

    def kept_results(self, commit: str) -> list[tuple[str, object]]:
        """Every result kept for ``commit``, with its settings key (``verify``)."""
        from doccontrol.repo import derived

        return derived.kept_results(self.git, commit)

    def drop_result(self, commit: str, key: str) -> None:
        """Remove a result kept for ``commit`` (not in a read-only repository)."""
        from doccontrol.repo import derived

        if os.access(self.git.git_dir, os.W_OK):
            derived.drop_result(self.git, commit, key)

    def keep_result(self, commit: str, key: str, value: object) -> bool:
        """Keep a result computed at ``commit`` (not in a read-only repository, nor while a writer
        holds the lock or HEAD moved on: ``repo.derived.keep_result``)."""
        from doccontrol.repo import derived

        if not os.access(self.git.git_dir, os.W_OK):
            return False
        return derived.keep_result(self.git, commit, key, value, self.workspace.root)

    def replaced_law_details(self, months: int) -> dict[str, str]:
        """Code key → detail, for the current procedures that still cite a law recorded as replaced
        (no git reading at all while no law was ever recorded)."""
        if not self.has_laws():
            return {}
        return self.snapshot(self.head()).replaced_law_details(months)


_REPOSITORY_README = """# Kho tài liệu kiểm soát (controlled repository)

Do doccontrol quản lý — đừng sửa tay. Managed by doccontrol: do not edit by hand.

- `<PHÒNG>/<mã-quy-trình>/original.*` — tệp gốc của lần ban hành hiện hành (byte-identical)
- `<PHÒNG>/<mã-quy-trình>/text.txt` — nội dung văn bản trích xuất (for `git diff` / `git grep`)
- `<PHÒNG>/<mã-quy-trình>/meta.json` — thông tin tài liệu (metadata)
- Mỗi lần ban hành là một commit và một tag `<mã-quy-trình>/r<N>`.
"""


def create_repository(workspace: Workspace, fields: Mapping[str, str] | None = None) -> None:
    """Create the workspace's repository (idempotent) with its first commit, the organisation
    (the offices' names, ``fields`` → offices) and an empty index that reflects it."""
    from doccontrol.core.organisation import Organisation, assign, organisation_to_json
    from doccontrol.repo.gitcmd import init_repository

    controller = workspace.config.controller
    org = Organisation(dict(workspace.config.offices))
    for name, office in (fields or {}).items():
        org = assign(org, name, office)
    init_repository(workspace.procedures, _REPOSITORY_README, "Khởi tạo kho tài liệu kiểm soát",
                    controller, workspace.config.office_name(controller),
                    {layout.ORGANISATION_FILE: organisation_to_json(org)})
    with Repository(workspace) as repo:
        with repo.write(controller, "init") as tx:
            tx.rebuild_index()
        repo.derived()  # the derived state from the first commit on: every unit of work keeps it from here
