"""The controlled repository: a git repository under ``procedures/`` (the git adapter).

Layout, one folder per procedure, owned by the office that created it::

    procedures/<OFFICE>/<slug>/original.<ext>   the dropped bytes, byte-identical
    procedures/<OFFICE>/<slug>/text.txt         the extracted text (git diff / git grep work on it)
    procedures/<OFFICE>/<slug>/meta.json        the procedure's current metadata

One commit per revision (author = the office, committer = doccontrol), a tag ``<slug>/r<N>`` per
revision. This module holds no rules: it writes what the pipeline decided and reads it back.
Commits are written through one ``git fast-import`` process per session (see
``commitstream.py``); reads go through GitPython (refs in pure Python, other reads as
short-lived git commands, so no ``git cat-file`` processes are left running); the Repo object
is closed after use.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

import git

from doccontrol import faults
from doccontrol.repo.commitstream import CommitStream, Person
from doccontrol.errors import NotFound, WorkspaceError
from doccontrol.core.model import ProcedureState, RevisionRecord
from doccontrol.core.text import slugify

COMMITTER_NAME = "doccontrol"
COMMITTER_EMAIL = "doccontrol@localhost"
AUTHOR_DOMAIN = "offices.doccontrol.invalid"
META = "meta.json"
TEXT = "text.txt"
ORIGINAL_STEM = "original"
RESERVED_DIRS = ("_catalog", "_links", "_reviews", "_laws")
BRANCH = "main"

_REPO_CONFIG = {
    "core.quotepath": "false",
    "core.autocrlf": "false",
    "core.fsync": "committed,index",
    "core.fsyncMethod": "fsync",
    "gc.autoDetach": "false",
    "commit.gpgsign": "false",
    "tag.gpgsign": "false",
    "i18n.commitEncoding": "utf-8",
}


def init_repository(path: Path) -> None:
    """Create the controlled repository (idempotent) with an initial commit."""
    path.mkdir(parents=True, exist_ok=True)
    repo = git.Repo.init(path, initial_branch="main") if not (path / ".git").exists() else git.Repo(path)
    try:
        with repo.config_writer() as writer:
            for key, value in _REPO_CONFIG.items():
                section, option = key.split(".", 1)
                writer.set_value(section, option, value)
        readme = path / "README.md"
        if not repo.head.is_valid():
            readme.write_text(_REPOSITORY_README, encoding="utf-8")
            repo.git.add("README.md")
            repo.git.commit("-q", "--no-verify", "-m", "Khởi tạo kho tài liệu kiểm soát", env=_env("VP", "Văn phòng"))
    finally:
        repo.close()


_REPOSITORY_README = """# Kho tài liệu kiểm soát (controlled repository)

Do doccontrol quản lý — đừng sửa tay. Managed by doccontrol: do not edit by hand.

- `<PHÒNG>/<mã-quy-trình>/original.*` — tệp gốc của lần ban hành hiện hành (byte-identical)
- `<PHÒNG>/<mã-quy-trình>/text.txt` — nội dung văn bản trích xuất (for `git diff` / `git grep`)
- `<PHÒNG>/<mã-quy-trình>/meta.json` — thông tin tài liệu (metadata)
- Mỗi lần ban hành là một commit và một tag `<mã-quy-trình>/r<N>`.
"""


def author_email(office: str) -> str:
    return f"{office.lower()}@{AUTHOR_DOMAIN}"


def _author_name(office: str, office_name: str) -> str:
    return f"{office_name} ({office})" if office_name and office_name != office else office


def _env(office: str, office_name: str) -> dict[str, str]:
    return {
        "GIT_AUTHOR_NAME": _author_name(office, office_name),
        "GIT_AUTHOR_EMAIL": author_email(office),
        "GIT_COMMITTER_NAME": COMMITTER_NAME,
        "GIT_COMMITTER_EMAIL": COMMITTER_EMAIL,
    }


# --- metadata files (pure) ----------------------------------------------------------------------------


def state_to_json(state: ProcedureState) -> str:
    data = dataclasses.asdict(state)
    data["issued"] = state.issued.isoformat() if state.issued else None
    data["effective"] = state.effective.isoformat() if state.effective else None
    data["tthc"] = list(state.tthc)
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _date(value: object) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def state_from_json(text: str) -> ProcedureState:
    data = json.loads(text)
    known = {f.name for f in dataclasses.fields(ProcedureState)}
    values = {key: value for key, value in data.items() if key in known}
    values["issued"] = _date(values.get("issued"))
    values["effective"] = _date(values.get("effective"))
    values["tthc"] = tuple(values.get("tthc") or ())
    values["citations"] = tuple(values.get("citations") or ())
    values["revision"] = int(values.get("revision", 1))
    return ProcedureState(**values)


def parse_trailers(message: str) -> dict[str, str]:
    """``Key: value`` lines of the last paragraph of a commit message."""
    paragraphs = [p for p in message.strip().split("\n\n") if p.strip()]
    trailers: dict[str, str] = {}
    if len(paragraphs) < 2:
        return trailers
    for line in paragraphs[-1].splitlines():
        key, sep, value = line.partition(": ")
        if sep and key and " " not in key:
            trailers[key] = value.strip()
    return trailers


def format_message(subject: str, trailers: Mapping[str, object], body: str = "") -> str:
    parts = [subject.replace("\n", " ").strip()]
    if body.strip():
        parts.append(body.strip())
    parts.append("\n".join(f"{key}: {str(value).replace(chr(10), ' ')}" for key, value in trailers.items()))
    return "\n\n".join(parts) + "\n"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def revision_tag(slug: str, revision: int) -> str:
    return f"{slug}/r{revision}"


def review_path(slug: str) -> str:
    """The repository file that records a procedure's confirmed reviews (``_reviews/<slug>.json``)."""
    return f"_reviews/{slug}.json"


def _atomic_write(path: Path, data: bytes) -> None:
    """Replace a work-tree file atomically (readers never see half a file).

    No fsync: durability comes from the commit (git fsyncs objects and refs); a work tree
    left behind by a crash is reset to the last commit by ``Store.recover``.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class Store:
    """The git adapter. Use as a context manager so the GitPython Repo is closed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stream: CommitStream | None = None
        try:
            self.repo = git.Repo(path)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
            raise WorkspaceError(
                f"Kho tài liệu {path} không phải kho git.", f"{path} is not a git repository."
            ) from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
            self.sync_index()
        self.repo.close()

    def sync_index(self) -> None:
        """Make git's index match HEAD (the commit stream bypasses it), so ``git status`` is clean."""
        self.git("reset", "-q")

    # --- low level ----------------------------------------------------------------------------

    def git(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        return self.repo.git.execute(["git", *args], env=env, strip_newline_in_stdout=False)  # type: ignore[call-overload,no-any-return]

    def git_bytes(self, *args: str) -> bytes:
        return self.repo.git.execute(["git", *args], stdout_as_string=False, strip_newline_in_stdout=False)  # type: ignore[call-overload,no-any-return]

    def head(self) -> str | None:
        """The current commit, read from the refs by GitPython (no git process)."""
        try:
            return self.repo.head.commit.hexsha
        except ValueError:
            return None

    # --- finding procedures -----------------------------------------------------------------------

    def _dirs_named(self, slug: str) -> list[Path]:
        return [p for p in self.path.glob(f"*/{slug}") if (p / META).is_file() and not p.parent.name.startswith("_")]

    def find(self, code_key: str) -> ProcedureState | None:
        """The procedure whose code normal form is ``code_key``, in any office."""
        for slug in candidate_slugs(code_key):
            for folder in self._dirs_named(slug):
                state = self.read_state(folder)
                if state.code_key == code_key:
                    return state
        return None

    def get(self, code: str) -> ProcedureState:
        from doccontrol.core.text import code_key as normalise

        state = self.find(normalise(code))
        if state is None:
            raise NotFound(
                f"Không có quy trình mã '{code}' trong kho.", f"No procedure with code '{code}' in the repository."
            )
        return state

    def new_slug(self, code_key: str) -> str:
        """A folder name for a new procedure: its slug, or the slug with a hash if taken."""
        first, second = candidate_slugs(code_key)
        return first if not self._dirs_named(first) else second

    def read_state(self, folder: Path) -> ProcedureState:
        return state_from_json((folder / META).read_text(encoding="utf-8"))

    def states(self) -> Iterator[ProcedureState]:
        """Every procedure's current state, in office then slug order."""
        for meta in sorted(self.path.glob(f"*/*/{META}")):
            if meta.parent.parent.name.startswith("_"):
                continue
            yield state_from_json(meta.read_text(encoding="utf-8"))

    def folder(self, state: ProcedureState) -> Path:
        return self.path / state.office / state.slug

    def relpath(self, state: ProcedureState) -> str:
        return f"{state.office}/{state.slug}"

    # --- writing ----------------------------------------------------------------------------------

    def _commit_stream(self) -> CommitStream:
        if self._stream is None:
            self._stream = CommitStream(self.path, BRANCH, self.head())
        return self._stream

    def commit_changes(
        self,
        changes: Mapping[str, bytes | None],
        message: str,
        office: str,
        office_name: str,
        tags: tuple[str, ...] = (),
        timestamp: int | None = None,
        durable: bool = True,
    ) -> str:
        """Commit ``changes`` (path → bytes, None deletes); then update the work tree.

        Durable on return unless ``durable=False``; then :meth:`checkpoint` makes it so.
        Author = the office, committer = doccontrol: no git identity is needed anywhere.
        """
        author = Person(_author_name(office, office_name), author_email(office))
        committer = Person(COMMITTER_NAME, COMMITTER_EMAIL)
        commit = self._commit_stream().commit(message, author, committer, changes, tags, timestamp, durable)
        faults.point("after_stream_commit")
        for rel, content in changes.items():
            target = self.path / rel
            if content is None:
                target.unlink(missing_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                _atomic_write(target, content)
        return commit

    def write_revision(
        self,
        state: ProcedureState,
        original: Path,
        text: str,
        author_office: str,
        author_name: str,
        timestamp: int | None = None,
        durable: bool = True,
    ) -> str:
        """Commit one revision (bytes, text, metadata) and its tag. Returns the commit id."""
        rel = self.relpath(state)
        changes: dict[str, bytes | None] = {
            f"{rel}/{old.name}": None
            for old in self.folder(state).glob(f"{ORIGINAL_STEM}.*")
            if old.name != f"{ORIGINAL_STEM}.{state.ext}"
        }
        changes[f"{rel}/{ORIGINAL_STEM}.{state.ext}"] = original.read_bytes()
        changes[f"{rel}/{TEXT}"] = text.encode("utf-8")
        changes[f"{rel}/{META}"] = state_to_json(state).encode("utf-8")
        subject = f"{state.code} lần {state.revision}: {state.title or '(không có tên)'}"
        message = format_message(
            subject,
            {
                "Action": "ingest",
                "Office": author_office,
                "Owner": state.office,
                "Revision": state.revision,
                "Code-Key": state.code_key,
                "Slug": state.slug,
                "Source-File": state.source,
                "Sha256": state.sha256,
            },
        )
        tag = revision_tag(state.slug, state.revision)
        return self.commit_changes(changes, message, author_office, author_name, (tag,), timestamp, durable)

    def pending(self) -> bool:
        """True when commits were written with ``durable=False`` and not yet checkpointed."""
        return self._stream is not None and self._stream.pending

    def checkpoint(self) -> None:
        """Make the commits written with ``durable=False`` durable (refs and tags on disk)."""
        if self._stream is not None and self._stream.pending:
            self._stream.checkpoint()

    def tag(self, name: str, commit: str) -> None:
        """A lightweight tag, written as a ref by GitPython (no git process)."""
        git.Reference.create(self.repo, f"refs/tags/{name}", commit, force=True)

    def write_withdrawal(
        self, state: ProcedureState, reason: str, office: str, office_name: str, timestamp: int | None = None
    ) -> str:
        message = format_message(
            f"{state.code} bãi bỏ: {reason.splitlines()[0] if reason else ''}",
            {
                "Action": "withdraw",
                "Office": office,
                "Owner": state.office,
                "Revision": state.revision,
                "Code-Key": state.code_key,
                "Slug": state.slug,
            },
            body=reason,
        )
        changes: dict[str, bytes | None] = {f"{self.relpath(state)}/{META}": state_to_json(state).encode("utf-8")}
        return self.commit_changes(changes, message, office, office_name, timestamp=timestamp)

    def write_review(
        self, state: ProcedureState, content: bytes, note: str, office: str, office_name: str,
        timestamp: int | None = None,
    ) -> str:
        """Commit a confirmed review (no new revision): ``content`` is the procedure's reviews file."""
        message = format_message(
            f"{state.code} rà soát: {note.splitlines()[0] if note else ''}",
            {
                "Action": "review",
                "Office": office,
                "Owner": state.office,
                "Revision": state.revision,
                "Code-Key": state.code_key,
                "Slug": state.slug,
            },
            body=note,
        )
        return self.commit_changes({review_path(state.slug): content}, message, office, office_name, timestamp=timestamp)

    def write_files(
        self, files: Mapping[str, bytes], message: str, office: str, office_name: str, timestamp: int | None = None
    ) -> str | None:
        """Commit repository files (catalog, links, reviews). None when nothing changed."""
        changed: dict[str, bytes | None] = {
            rel: data for rel, data in files.items()
            if not (self.path / rel).is_file() or (self.path / rel).read_bytes() != data
        }
        if not changed:
            return None
        return self.commit_changes(changed, message, office, office_name, timestamp=timestamp)

    # --- recovery ---------------------------------------------------------------------------------

    def recover(self) -> list[str]:
        """Bring the repository back to its last commit after a crash. Call under the writer lock.

        Returns what was repaired, for the log. Only doccontrol writes here, and only under the
        lock, so anything uncommitted is the leftover of an interrupted write; its inbox file is
        still in the inbox (files leave it only after the commit), so discarding it loses nothing.
        """
        repaired: list[str] = []
        for lock in stale_git_locks(self.path / ".git"):
            lock.unlink(missing_ok=True)
            repaired.append(f"removed a stale .git/{lock.relative_to(self.path / '.git')}")
        self.sync_index()
        status = self.git("status", "--porcelain", "--untracked-files=all").strip()
        if status:
            self.git("reset", "-q", "--hard", "HEAD")
            self.git("clean", "-q", "-fd")
            repaired.append("discarded an interrupted, uncommitted write: " + status.replace("\n", "; ")[:300])
        head = self.head()
        if head:
            trailers = parse_trailers(self.git("log", "-1", "--format=%B", head))
            if trailers.get("Action") == "ingest" and trailers.get("Slug") and trailers.get("Revision"):
                tag = revision_tag(trailers["Slug"], int(trailers["Revision"]))
                if not self.git("tag", "-l", tag).strip():
                    self.tag(tag, head)
                    repaired.append(f"created the missing tag {tag}")
        return repaired

    # --- reading history --------------------------------------------------------------------------

    def history(self, state: ProcedureState) -> list[RevisionRecord]:
        """Every commit of this procedure (revisions, withdrawals, confirmed reviews), oldest first."""
        out = self.git(
            "log", "--reverse", "--format=%H%x1f%aI%x1f%ae%x1f%B%x1e", "--", f"{self.relpath(state)}/{META}",
            review_path(state.slug),
        )
        records: list[RevisionRecord] = []
        for entry in out.split("\x1e"):
            entry = entry.strip("\n")
            if not entry:
                continue
            commit, date, email, message = entry.split("\x1f", 3)
            trailers = parse_trailers(message)
            office = trailers.get("Office") or email.split("@", 1)[0].upper()
            records.append(
                RevisionRecord(
                    action=trailers.get("Action", "other"),
                    revision=int(trailers.get("Revision", "0") or 0),
                    commit=commit,
                    date=date,
                    office=office,
                    sha256=trailers.get("Sha256", ""),
                    source=trailers.get("Source-File", ""),
                    note=_body(message) if trailers.get("Action") != "ingest" else "",
                )
            )
        return records

    def revisions(self, state: ProcedureState) -> list[RevisionRecord]:
        return [r for r in self.history(state) if r.action == "ingest"]

    def _revision_commit(self, state: ProcedureState, revision: int) -> str:
        tag = revision_tag(state.slug, revision)
        try:
            return self.git("rev-parse", "--verify", "-q", f"refs/tags/{tag}^{{commit}}").strip()
        except git.GitCommandError:
            for record in self.revisions(state):
                if record.revision == revision:
                    return record.commit
        raise NotFound(
            f"Quy trình {state.code} không có lần ban hành {revision}.",
            f"Procedure {state.code} has no revision {revision}.",
        )

    def state_at(self, state: ProcedureState, revision: int) -> ProcedureState:
        commit = self._revision_commit(state, revision)
        return state_from_json(self.git("show", f"{commit}:{self.relpath(state)}/{META}"))

    def text_at(self, state: ProcedureState, revision: int) -> str:
        commit = self._revision_commit(state, revision)
        return self.git_bytes("show", f"{commit}:{self.relpath(state)}/{TEXT}").decode("utf-8")

    def original_at(self, state: ProcedureState, revision: int) -> tuple[bytes, ProcedureState]:
        then = self.state_at(state, revision)
        commit = self._revision_commit(state, revision)
        data = self.git_bytes("cat-file", "blob", f"{commit}:{self.relpath(state)}/{ORIGINAL_STEM}.{then.ext}")
        return data, then


def stale_git_locks(git_dir: Path) -> list[Path]:
    """Lock files a git process killed half-way leaves behind: the index's, HEAD's, packed-refs'
    and every ref's (``refs/**/*.lock``, e.g. ``refs/heads/main.lock`` from a fast-import killed
    during a checkpoint). Any of them blocks every later write until removed."""
    found = [git_dir / name for name in ("index.lock", "HEAD.lock", "packed-refs.lock") if (git_dir / name).exists()]
    refs = git_dir / "refs"
    if refs.is_dir():
        found += sorted(p for p in refs.rglob("*.lock") if p.is_file() or p.is_symlink())
    return found


def _body(message: str) -> str:
    paragraphs = [p for p in message.strip().split("\n\n") if p.strip()]
    return "\n\n".join(paragraphs[1:-1]) if len(paragraphs) > 2 else ""


def candidate_slugs(code_key: str) -> tuple[str, str]:
    """The folder names a code may live under: its slug, else the slug plus a short hash.

    Slugs fold punctuation (``qt-01/x`` and ``qt.01.x`` share one), so the second form keeps
    distinct codes apart without making every folder name ugly.
    """
    slug = slugify(code_key)
    return slug, f"{slug}-{hashlib.sha1(code_key.encode('utf-8')).hexdigest()[:6]}"


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")
