"""The unit of work of the controlled repository: every write goes through a :class:`Transaction`.

Open one with :meth:`doccontrol.repo.gateway.Repository.write`. Inside it:

- ``begin``: the repository is brought back to its last commit after a crash (stale git locks
  removed, an interrupted write discarded, a missing revision tag made), logged once to
  ``logs/doccontrol.log``;
- commits are written through one ``git fast-import`` stream (no git index rewrite per commit),
  the work-tree files updated after each; ``durable=False`` commits become durable together at
  :meth:`make_durable` (group commit);
- :meth:`update_index` brings the search index to the procedures committed since the last
  update (what the transaction itself touched; the index catches up further by itself when it
  reflects an older commit);
- ``end``: both of the above, the stream closed, git's index synced to HEAD, the lock released.

This module holds no rules: the callers decide, it writes what they decided.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from doccontrol import faults
from doccontrol.core import dates, names
from doccontrol.core.model import EFFECTIVE_DOCUMENT, EFFECTIVE_INGEST, ProcedureState, RevisionRecord
from doccontrol.repo import history, layout, messages
from doccontrol.repo.commitstream import CommitStream, Person
from doccontrol.repo.gitcmd import COMMITTER_EMAIL, COMMITTER_NAME, apply_settings, author_email, author_name
from doccontrol.repo.index_sync import CommittedChanges
from doccontrol.repo.state_files import state_to_json

if TYPE_CHECKING:
    from doccontrol.repo.gateway import Repository

RECOVERY_LOG = "doccontrol.log"  # in logs/
log = logging.getLogger("doccontrol.repo")
INDEX_UPDATE_SECONDS = 10.0  # inside one long transaction, the index follows its groups at most this often


def _atomic_write(path: Path, data: bytes) -> None:
    """Replace a work-tree file atomically (readers never see half a file).

    No fsync: durability comes from the commit (git fsyncs objects and refs); a work tree
    left behind by a crash is reset to the last commit by the next transaction's recovery.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class Transaction:
    """One writer's work on the repository, under the workspace's writer lock."""

    def __init__(self, repository: Repository, actor: str | None, keep_index: bool = True, lock_fd: int | None = None) -> None:
        self.repository = repository
        self.lock_fd = lock_fd  # the writer lock's descriptor, held by the fast-import process too
        self.actor = actor
        self.keep_index = keep_index  # update the index after commits (False: only the ingest benchmark)
        self.repaired: list[str] = []  # what recovery repaired at the start, for the caller to show
        self._stream: CommitStream | None = None
        self._touched: set[str] = set()  # procedure folders committed since the last index update
        self._index_base: str | None = None  # HEAD when the index was last brought up to date
        self._index_updated_at = time.monotonic()
        self._began_at: str | None = None  # HEAD when the unit of work began

    # --- reads inside the transaction (the work tree follows every commit) ---------------------

    def find(self, code_key: str) -> ProcedureState | None:
        return self.repository.find(code_key)

    def get(self, code: str) -> ProcedureState:
        return self.repository.get(code)

    def new_slug(self, code_key: str) -> str:
        return self.repository.new_slug(code_key)

    def find_same_slug(self, code_key: str) -> list[ProcedureState]:
        return self.repository.find_same_slug(code_key)

    def revisions(self, state: ProcedureState) -> list[RevisionRecord]:
        """The revisions committed so far, this transaction's included (made durable first)."""
        self.make_durable()
        return self.repository.revisions(state)

    # --- life cycle -----------------------------------------------------------------------------

    def begin(self) -> None:
        apply_settings(self.repository.git)  # before recovery: its ``git status`` relies on them
        self.repaired = self.recover()
        if self.repaired:
            logs = self.repository.workspace.logs
            logs.mkdir(parents=True, exist_ok=True)
            with open(logs / RECOVERY_LOG, "a", encoding="utf-8") as log:
                for line in self.repaired:
                    log.write(f"{dates.now_iso()} recover: {line}\n")
        self._index_base = self._began_at = self.repository.head()

    def end(self, success: bool) -> None:
        """Finish: durable commits and the index update (on success), then close the stream.

        On failure the stream is still closed: fast-import then writes what it has (commits
        already made are kept; the next search or ``verify --repair`` brings the index to them).
        """
        try:
            if success:
                self.make_durable()
                self.update_index()
        finally:
            self._close_stream()
            if self.repository.head() != self._began_at:
                self.repository.git.write_commit_graph()
                self._keep_derived_state()

    def _keep_derived_state(self) -> None:
        """Bring the repository's derived state (``repo.derived``) to the new HEAD, incrementally
        from the one of the commit this unit of work began from (the procedures it committed
        re-read). Without one (missing, or of another commit) it is removed, never rebuilt here:
        a write stays cheap, the next reader rebuilds it. A failure fails no write (removed too)."""
        from doccontrol.repo import derived

        git = self.repository.git
        head = self.repository.head()
        try:
            kept = derived.read(git)
            if head is None or kept is None or kept.commit != self._began_at:
                derived.remove(git)
                return
            derived.write(git, derived.update(git, kept, head))
        except Exception:  # noqa: BLE001 - a derived cache: never trusted unless of HEAD, rebuilt when missing
            log.warning("derived state not kept", exc_info=True)
            derived.remove(git)

    def _close_stream(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
            # git's index = HEAD, so ``git status`` is clean: stat data kept where the content is
            # the same, and the cache-tree primed, which lets the next ``git status`` skip HEAD's trees.
            self.repository.git.run("read-tree", "--reset", "HEAD")

    # --- writing ------------------------------------------------------------------------------

    def _commit_stream(self) -> CommitStream:
        if self._stream is None:
            self._stream = CommitStream(self.repository.path, layout.BRANCH, self.repository.head(),
                                        pass_fds=(self.lock_fd,) if self.lock_fd is not None else ())
        return self._stream

    def _office(self, office: str | None) -> str:
        chosen = office or self.actor
        if not chosen:
            raise ValueError("a commit needs an office: give one, or open the transaction with an actor")
        return chosen

    def commit_changes(
        self,
        changes: Mapping[str, bytes | None],
        message: str,
        office: str | None = None,
        tags: tuple[str, ...] = (),
        timestamp: int | None = None,
        durable: bool = True,
        authored: int | None = None,
    ) -> str:
        """Commit ``changes`` (repository path → bytes, None deletes), then update the work tree.

        Durable on return unless ``durable=False``; then :meth:`make_durable` makes it so.
        Author = the office, committer = doccontrol: no git identity is needed anywhere.
        ``authored``: the author date when it is not the commit's time (an effective day).
        """
        who = self._office(office)
        name = self.repository.workspace.config.office_name(who)
        author = Person(author_name(who, name), author_email(who))
        committer = Person(COMMITTER_NAME, COMMITTER_EMAIL)
        commit = self._commit_stream().commit(message, author, committer, changes, tags, timestamp, durable,
                                              authored)
        faults.point("after_stream_commit")
        root = self.repository.path
        for rel, content in changes.items():
            target = root / rel
            if content is None:
                target.unlink(missing_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                _atomic_write(target, content)
            folder = layout.procedure_of(rel)
            if folder:
                self._touched.add(folder)
        return commit

    def commit_revision(
        self, state: ProcedureState, original: bytes, text: str, office: str, durable: bool = True,
        timestamp: int | None = None, source_file: str | None = None, historical: bool = False,
    ) -> str:
        """One revision (bytes, text, metadata) and its tag, by ``office``. Returns the commit id.

        The newest revision replaces the files at the top of the procedure's folder; a historical
        one (``historical``: lower than the current revision, recorded late) goes to its own
        ``history/r<N>/`` folder and leaves the current revision as it is. The author date is the
        revision's effective day when the document states one (``git log`` then tells the
        procedure's story); the committer date is when it was written.

        ``source_file``: the dropped name as the file system gave it (bytes that are not UTF-8
        kept), for the ``Source-File`` trailer, which keeps it losslessly; ``state.source`` (what
        ``meta.json`` and people see) is its readable form. Default: ``state.source``.
        """
        source_file = state.source if source_file is None else source_file
        state = dataclasses.replace(state, source=names.readable(state.source))
        folder = layout.procedure_dir(state.office, state.slug)
        home = layout.history_dir(folder, state.revision) if historical else folder
        keep = layout.original_path(home, state.ext)
        changes: dict[str, bytes | None] = {
            f"{home}/{old.name}": None
            for old in (self.repository.path / home).glob(f"{layout.ORIGINAL_STEM}.*")
            if f"{home}/{old.name}" != keep
        }
        changes[keep] = original
        changes[layout.text_path(home)] = text.encode("utf-8")
        changes[layout.meta_path(home)] = state_to_json(state).encode("utf-8")
        effective, source = dates.effective_of(state)
        trailers: dict[str, object] = {
            "Action": messages.INGEST,
            "Office": office,
            "Owner": state.office,
            "Revision": state.revision,
            "Code-Key": state.code_key,
            "Slug": state.slug,
            "Source-File": source_file,
            "Sha256": state.sha256,
            messages.EFFECTIVE: effective.isoformat() if effective else "",
            messages.EFFECTIVE_SOURCE: source,
        }
        if historical:
            trailers[messages.HISTORICAL] = "yes"
        subject = f"{state.code} lần {state.revision}{' (lần trước, ghi bổ sung)' if historical else ''}: "
        message = messages.format_message(subject + (state.title or "(không có tên)"), trailers)
        tag = layout.revision_tag(state.slug, state.revision)
        authored = dates.noon(effective) if effective and source == EFFECTIVE_DOCUMENT else None
        commit = self.commit_changes(changes, message, office, (tag,), timestamp, durable, authored)
        if not historical:
            self.repository.remember(state)
        return commit

    def _procedure_trailers(self, action: str, office: str, state: ProcedureState) -> dict[str, object]:
        return {"Action": action, "Office": office, "Owner": state.office, "Revision": state.revision,
                "Code-Key": state.code_key, "Slug": state.slug}

    def commit_withdrawal(
        self, state: ProcedureState, reason: str, office: str | None = None, timestamp: int | None = None,
        effective_source: str = EFFECTIVE_INGEST,
    ) -> str:
        """The procedure's metadata marked withdrawn (``state`` already says so, with the day the
        withdrawal takes effect, ``withdrawn_effective``: the commit's author date when it is not
        the day it is recorded)."""
        who = self._office(office)
        trailers = self._procedure_trailers(messages.WITHDRAW, who, state)
        effective = state.withdrawn_effective
        if effective is not None:
            trailers[messages.EFFECTIVE] = effective.isoformat()
            trailers[messages.EFFECTIVE_SOURCE] = effective_source
        message = messages.format_message(
            f"{state.code} bãi bỏ: {reason.splitlines()[0] if reason else ''}", trailers, body=reason,
        )
        folder = layout.procedure_dir(state.office, state.slug)
        changes: dict[str, bytes | None] = {layout.meta_path(folder): state_to_json(state).encode("utf-8")}
        authored = dates.noon(effective) if effective is not None and effective != dates.today() else None
        commit = self.commit_changes(changes, message, who, timestamp=timestamp, authored=authored)
        self.repository.remember(state)
        return commit

    def commit_review(
        self, state: ProcedureState, content: bytes, note: str, office: str | None = None,
        timestamp: int | None = None,
    ) -> str:
        """A confirmed review (no new revision): ``content`` is the procedure's reviews file."""
        who = self._office(office)
        message = messages.format_message(
            f"{state.code} rà soát: {note.splitlines()[0] if note else ''}",
            self._procedure_trailers(messages.REVIEW, who, state), body=note,
        )
        return self.commit_changes({layout.review_path(state.slug): content}, message, who, timestamp=timestamp)

    def commit_files(
        self, files: Mapping[str, bytes | None], subject: str, trailers: Mapping[str, object], body: str = "",
        office: str | None = None, timestamp: int | None = None,
    ) -> str | None:
        """Commit repository files (catalog, scope, links, laws, settings) that changed (None
        deletes one); None when none did.

        ``trailers`` must name the ``Action``; the ``Office`` trailer is added.
        """
        root = self.repository.path
        changed: dict[str, bytes | None] = {
            rel: data for rel, data in files.items()
            if (data is None and (root / rel).is_file())
            or (data is not None and (not (root / rel).is_file() or (root / rel).read_bytes() != data))
        }
        if not changed:
            return None
        who = self._office(office)
        ordered = {"Action": trailers["Action"], "Office": who, **{k: v for k, v in trailers.items() if k != "Action"}}
        message = messages.format_message(subject, ordered, body)
        return self.commit_changes(changed, message, who, timestamp=timestamp)

    @property
    def pending(self) -> bool:
        """True when commits were written with ``durable=False`` and not yet made durable."""
        return self._stream is not None and self._stream.pending

    def make_durable(self) -> None:
        """Make the commits written with ``durable=False`` durable (pack, refs and tags on disk)."""
        if self._stream is not None and self._stream.pending:
            faults.point("before_checkpoint")
            self._stream.checkpoint()

    def update_index(self, final: bool = True) -> None:
        """Bring the search index to the procedures committed since its last update (durable first).

        ``final=False`` (a group made durable inside a long ingest): only when the last update is
        :data:`INDEX_UPDATE_SECONDS` old. Each update writes a segment whose cost grows with its
        distinct terms, so a few big ones cost less than many small ones; the end of the
        transaction always updates."""
        self.make_durable()
        if not self._touched or not self.keep_index:
            return
        if not final and time.monotonic() - self._index_updated_at < INDEX_UPDATE_SECONDS:
            return
        self._index_updated_at = time.monotonic()
        head = self.repository.head() or ""
        changes = CommittedChanges(before=self._index_base, after=head, procedures=frozenset(self._touched))
        self._touched = set()
        faults.point("before_index")
        self.repository.index.apply(changes)
        self._index_base = head

    def catch_up_index(self, check_files: bool = True) -> str:
        """Bring the index up to HEAD whatever it reflects (checking its files first). Returns what
        was done ("" if nothing)."""
        self.make_durable()
        self._touched = set()
        done = self.repository.index.catch_up(check_files=check_files)
        self._index_base = self.repository.head()
        return done

    def rebuild_index(self) -> int:
        """Rebuild the index from the repository (searches keep working on the old one meanwhile)."""
        self.make_durable()
        self._touched = set()
        count = self.repository.index.rebuild()
        self._index_base = self.repository.head()
        return count

    # --- recovery ---------------------------------------------------------------------------------

    def recover(self) -> list[str]:
        """Bring the repository back to its last commit after a crash. Returns what was repaired.

        Only doccontrol writes here, and only under the lock, so anything uncommitted is the
        leftover of an interrupted write; its inbox file is still in the inbox (files leave it
        only after the commit), so discarding it loses nothing.
        """
        git = self.repository.git
        git_dir = self.repository.path / ".git"
        repaired: list[str] = []
        stopped = self._drop_stopped_stream()
        if stopped:
            repaired.append(stopped)
        for lock in stale_git_locks(git_dir):
            lock.unlink(missing_ok=True)
            repaired.append(f"removed a stale .git/{lock.relative_to(git_dir)}")
        status = self._uncommitted()
        if status:
            git.run("reset", "-q", "--hard", "HEAD")
            git.run("clean", "-q", "-fd")
            repaired.append("discarded an interrupted, uncommitted write: " + status.replace("\n", "; ")[:300])
        for tag, commit in self._untagged_revisions():
            git.set_ref(f"{layout.TAGS}/{tag}", commit)
            repaired.append(f"created the missing tag {tag}")
        return repaired


    def _uncommitted(self) -> str:
        """What differs from HEAD (git's index, the work tree, untracked files): ``git status``.

        After a clean end git's index is HEAD (:meth:`_close_stream`), so one ``git status`` —
        made cheap by the untracked cache and the index's cache-tree (``gitcmd.REPO_CONFIG``) —
        says whether anything is left over. Only when it shows something is git's index first
        reset to HEAD (a writer killed before its end leaves it behind its commits) and the work
        tree asked again, so what is discarded is exactly what differs from HEAD, as before.
        """
        git = self.repository.git
        status = git.run("status", "--porcelain", "--untracked-files=all").strip()
        if status:
            git.run("reset", "-q")
            status = git.run("status", "--porcelain", "--untracked-files=all").strip()
        return status

    def _drop_stopped_stream(self) -> str:
        """Forget a fast-import that has stopped (it died, or a write to it failed). The commits it
        had not yet made durable are gone with it: :attr:`pending` turns False, which tells the
        caller that the group it was building must be given back. Returns what was done ("" if
        nothing)."""
        if self._stream is None or not self._stream.stopped:
            return ""
        lost = self._stream.pending
        self._close_stream()
        return "the commit stream had stopped" + ("; its commits not yet durable were discarded" if lost else "")

    def _untagged_revisions(self, window: int = 256) -> list[tuple[str, str]]:
        """(tag, commit) of the recent revision commits whose tag is missing.

        fast-import writes a group's tags after its branch, in an order of its own: a writer
        killed in between leaves some of the group's commits without tags, not always the newest.
        The last ``window`` commits are checked (more than any group: the ingest groups at most
        50 files), in two git processes.
        """
        git = self.repository.git
        if not git.head():
            return []
        wanted: dict[str, str] = {}
        for event in history.read_log(git, f"-n{window}", "HEAD"):  # an unreadable commit is skipped
            slug, revision = event.trailers.get("Slug"), event.revision
            if event.action == messages.INGEST and slug and revision:
                wanted.setdefault(layout.revision_tag(slug, revision), event.commit)
        if not wanted:
            return []
        present = set(git.run("for-each-ref", "--format=%(refname:strip=2)",
                              *(f"{layout.TAGS}/{tag}" for tag in wanted)).split())
        return [(tag, commit) for tag, commit in reversed(wanted.items()) if tag not in present]


def stale_git_locks(git_dir: Path) -> list[Path]:
    """Lock files a git process killed half-way leaves behind: the index's, HEAD's, packed-refs'
    and every ref's (``refs/**/*.lock``, e.g. ``refs/heads/main.lock`` from a fast-import killed
    during a checkpoint). Any of them blocks every later write until removed."""
    found = [git_dir / name for name in ("index.lock", "HEAD.lock", "packed-refs.lock") if (git_dir / name).exists()]
    return found + sorted(_ref_locks(git_dir / "refs"))


def _ref_locks(folder: Path) -> list[Path]:
    """The ``*.lock`` files (or links) under ``folder``, links to folders not followed. One
    ``scandir`` per folder: a repository keeps a loose ref per revision tag (40,000 at 20,000
    procedures), too many for ``Path.rglob``'s pattern matching at the start of every write."""
    found: list[Path] = []
    pending = [str(folder)]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            elif entry.name.endswith(".lock"):
                found.append(Path(entry.path))
    return found
