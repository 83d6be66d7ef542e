"""The ingest pipeline: stage → validate → extract → read → decide → commit → finish.

Every stage is a function with one job; the rules live in pure modules (``metadata``,
``decide``); this module moves bytes between the inbox, the staging area, the controlled
repository and the quarantine, in an order that never loses a file:

- the file is first copied into a private staging area (so later stages see one fixed content);
- a file leaves the inbox only after its bytes are safe: committed (and fsynced by git), or
  written into the quarantine beside its reason;
- a crash at any point leaves either the inbox file or the commit, and a re-run converges
  (same bytes → duplicate, not a second revision; same quarantined bytes → not a second copy).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import stat
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from doccontrol import faults
from doccontrol.core.decide import decide
from doccontrol.extract.sandbox import Extractor
from doccontrol.extract.validate import Limits, sniff
from doccontrol.ingest.inbox import REASON_SUFFIX, InboxItem
from doccontrol.core.metadata import read_metadata
from doccontrol.core.model import (
    STAGE_VI,
    Action,
    Drop,
    Extracted,
    Outcome,
    ProcedureState,
    Reason,
    Refused,
    Stage,
)
from doccontrol.repo.store import Store, now_iso, sha256_file
from doccontrol.core.text import nfc
from doccontrol.workspace import Workspace

UNASSIGNED = "_khong-ro-phong"  # quarantine folder for files outside any known office folder

CommitHook = Callable[[Store, ProcedureState, str], None]


@dataclass(frozen=True)
class Staged:
    """A private copy of a dropped file and what identifies the original at the time of copying."""

    path: Path
    sha256: str
    size: int
    identity: tuple[int, int, int, int]  # (device, inode, size, mtime_ns) of the original


# --- reasons a clerk can read -----------------------------------------------------------------------


def unknown_office(item: InboxItem) -> Reason:
    where = f"thư mục '{item.folder}'" if item.folder else "thẳng vào thư mục inbox"
    return Reason(
        stage=Stage.VALIDATE,
        cause="unknown_office",
        message_vi=f"Tệp được gửi vào {where}, không phải thư mục của một phòng đã khai báo.",
        advice_vi="Gửi tệp vào đúng thư mục của phòng mình: inbox/<MÃ PHÒNG>/.",
        message_en=f"The file was dropped {'into ' + repr(item.folder) if item.folder else 'straight into inbox/'}, "
        "which is not a configured office's folder.",
        advice_en="Drop it into your office's folder: inbox/<OFFICE>/.",
    )


def not_regular(detail_vi: str, detail_en: str) -> Reason:
    return Reason(
        stage=Stage.VALIDATE,
        cause="not_regular_file",
        message_vi=f"Không phải một tệp thông thường ({detail_vi}).",
        advice_vi="Sao chép chính tệp .docx hoặc .pdf (không phải lối tắt/liên kết) vào thư mục của phòng.",
        message_en=f"Not a regular file ({detail_en}).",
        advice_en="Copy the .docx or .pdf file itself (not a shortcut or link) into the office folder.",
    )


def hard_linked() -> Reason:
    return Reason(
        stage=Stage.VALIDATE,
        cause="hard_link",
        message_vi="Tệp là một liên kết cứng (hard link) tới tệp khác, có thể nằm ngoài thư mục nhận.",
        advice_vi="Sao chép tệp (không tạo liên kết) vào thư mục của phòng.",
        message_en="The file is a hard link to another file, possibly outside the inbox.",
        advice_en="Copy the file (do not link it) into the office folder.",
    )


def too_large(size: int, limit: int) -> Reason:
    return Reason(
        stage=Stage.VALIDATE,
        cause="too_large",
        message_vi=f"Tệp quá lớn: {size / 2**20:.1f} MB, giới hạn {limit / 2**20:.0f} MB.",
        advice_vi="Giảm dung lượng (nén ảnh, bỏ ảnh quét không cần thiết) rồi gửi lại.",
        message_en=f"The file is too large: {size / 2**20:.1f} MB, the limit is {limit / 2**20:.0f} MB.",
        advice_en="Make it smaller (compress or remove scanned images) and drop it again.",
    )


def no_code() -> Reason:
    return Reason(
        stage=Stage.METADATA,
        cause="no_code",
        message_vi="Không tìm thấy mã hiệu quy trình (Mã hiệu / Mã số / Mã quy trình / Ký hiệu) trong tài liệu.",
        advice_vi="Ghi mã hiệu vào phần đầu tài liệu, ví dụ 'Mã hiệu: QT-01/LĐTBXH', rồi gửi lại.",
        message_en="No procedure code (Mã hiệu / Mã số / Mã quy trình / Ký hiệu) found in the document.",
        advice_en="Add the code to the document header, e.g. 'Mã hiệu: QT-01/LĐTBXH', and drop it again.",
    )


def commit_failed(detail: str) -> Reason:
    return Reason(
        stage=Stage.COMMIT,
        cause="commit_failed",
        message_vi="Không lưu được vào kho tài liệu (lỗi hệ thống).",
        advice_vi="Báo cho bộ phận quản trị hệ thống; tệp được giữ lại trong khu cách ly.",
        message_en=f"The commit failed: {detail}",
        advice_en="Tell the administrator; the file is kept in quarantine.",
    )


def render_reason(reason: Reason, item_name: str, office: str, sha256: str = "") -> str:
    lines = [
        f"Tệp: {item_name}",
        f"Phòng: {office}",
        f"Thời gian: {now_iso()}",
        f"Bước: {STAGE_VI[reason.stage]}",
        f"Lý do: {reason.message_vi}",
        f"Cách xử lý: {reason.advice_vi}",
        "",
        f"File: {item_name}",
        f"Stage: {reason.stage.value}",
        f"Reason: {reason.message_en}",
    ]
    if reason.advice_en:
        lines.append(f"What to do: {reason.advice_en}")
    lines.append(f"Cause: {reason.cause}")
    if sha256:
        lines.append(f"Sha256: {sha256}")
    return "\n".join(lines) + "\n"


# --- stages -------------------------------------------------------------------------------------------


def stage_copy(path: Path, staging: Path, limits: Limits) -> Staged:
    """Copy the dropped file into the staging area, refusing what is not a plain regular file.

    The original is opened without following links and without blocking (a FIFO must not hang
    us); the checks use the opened descriptor, so the file we check is the file we copy.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise
    if stat.S_ISLNK(info.st_mode):
        raise Refused(not_regular("lối tắt / liên kết tượng trưng", "a symbolic link"))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused(not_regular("lối tắt / liên kết tượng trưng", "a symbolic link")) from exc
        if exc.errno == errno.ENOENT:
            raise FileNotFoundError(str(path)) from exc
        raise Refused(not_regular(f"không mở được: {exc.strerror}", f"cannot be opened: {exc}")) from exc
    with os.fdopen(fd, "rb") as source:
        info = os.fstat(source.fileno())
        if not stat.S_ISREG(info.st_mode):
            kind = "thư mục" if stat.S_ISDIR(info.st_mode) else "FIFO / thiết bị"
            raise Refused(not_regular(kind, "a directory" if stat.S_ISDIR(info.st_mode) else "a FIFO or device"))
        if info.st_nlink > 1:
            raise Refused(hard_linked())
        if info.st_size > limits.max_bytes:
            raise Refused(too_large(info.st_size, limits.max_bytes))
        staging.mkdir(parents=True, exist_ok=True)
        target = staging / f"{uuid.uuid4().hex}{Path(path.name).suffix.lower()[:10]}"
        digest = hashlib.sha256()
        size = 0
        with open(target, "wb") as sink:
            for block in iter(lambda: source.read(1 << 20), b""):
                size += len(block)
                if size > limits.max_bytes:
                    sink.close()
                    target.unlink()
                    raise Refused(too_large(size, limits.max_bytes))
                digest.update(block)
                sink.write(block)
        identity = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    return Staged(path=target, sha256=digest.hexdigest(), size=size, identity=identity)


def unchanged_since(path: Path, staged: Staged) -> bool:
    """True when ``path`` is still the file that was staged (same inode, size and mtime)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns) == staged.identity


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_drop(extracted: Extracted, staged: Staged, office: str, name: str, kind: str) -> Drop:
    """The metadata stage: what the document says about itself. Refuses a document without a code."""
    metadata = read_metadata(extracted.text, extracted.properties)
    if not metadata.code or not metadata.code_key:
        raise Refused(no_code())
    return Drop(
        office=office,
        source_name=name,
        ext=kind,
        sha256=staged.sha256,
        text_sha256=text_digest(extracted.text),
        metadata=metadata,
    )


def new_state(drop: Drop, current: ProcedureState | None, owner: str, slug: str) -> ProcedureState:
    """The procedure's state after committing ``drop`` as its newest revision (pure)."""
    meta = drop.metadata
    assert meta.code and meta.code_key
    return ProcedureState(
        code=meta.code,
        code_key=meta.code_key,
        slug=current.slug if current else slug,
        office=owner,
        title=meta.title,
        revision=meta.revision,
        status="current",
        sha256=drop.sha256,
        text_sha256=drop.text_sha256,
        source=drop.source_name,
        ext=drop.ext,
        issued=meta.issued,
        effective=meta.effective,
        tthc=meta.tthc,
        updated_at=now_iso(),
        citations=meta.citations,
    )


# --- moving files safely -------------------------------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{uuid.uuid4().hex}.tmp")  # short: ``path``'s name may be near NAME_MAX
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


NAME_MAX = 255  # bytes in one file name (ext4, xfs, btrfs, tmpfs...)


def fitted_name(stem: str, tail: str, room: int) -> str:
    """``stem + tail`` if it fits in ``room`` bytes (UTF-8), else the stem cut at a character
    boundary and marked with a short digest of it (distinct long names stay distinct), then ``tail``."""
    if len((stem + tail).encode("utf-8")) <= room:
        return stem + tail
    mark = "~" + hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
    budget = room - len(tail.encode("utf-8")) - len(mark)
    return stem.encode("utf-8")[: max(0, budget)].decode("utf-8", "ignore") + mark + tail


def quarantine_target(folder: Path, name: str, sha256: str | None) -> tuple[Path, bool]:
    """Where a refused file goes; (path, already_there) — identical bytes already there are reused.

    The name is the dropped name, shortened when needed so that its reason file
    (``<name>.reason.txt``) still fits in one file name.
    """
    stem, suffix = Path(name).stem, Path(name).suffix
    if len(suffix.encode("utf-8")) > 32:
        stem, suffix = name, ""
    room = NAME_MAX - len(REASON_SUFFIX)
    for n in range(1, 10_000):
        candidate = folder / fitted_name(stem, (f" ({n})" if n > 1 else "") + suffix, room)
        if not os.path.lexists(candidate):
            return candidate, False
        if sha256 and candidate.is_file() and not candidate.is_symlink() and sha256_file(candidate) == sha256:
            return candidate, True
    raise OSError(f"too many quarantined files named {name}")


def _move_entry(source: Path, target: Path) -> None:
    """Move a directory entry as it is (a link stays a link, it is never followed)."""
    try:
        os.rename(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
            source.unlink()
        elif stat.S_ISREG(os.lstat(source).st_mode):
            shutil.copyfile(source, target)
            with open(target, "rb+") as handle:
                os.fsync(handle.fileno())
            source.unlink()
        # anything else (a FIFO, a device on another file system) stays, beside its reason


# --- the pipeline --------------------------------------------------------------------------------------


class Ingestor:
    """Runs drops through the stages. Call under the workspace writer lock."""

    def __init__(
        self,
        workspace: Workspace,
        store: Store,
        extractor: Extractor,
        on_commit: list[CommitHook] | None = None,
        group_commit: bool = False,
        group_max_files: int = 50,
        group_max_seconds: float = 1.0,
    ) -> None:
        """``group_commit``: write commits without waiting for each to reach the disk, and make a
        group of them durable at once (one round of fsyncs) every ``group_max_files`` files or
        ``group_max_seconds``, and at :meth:`sync`. Drops leave the inbox only after that; the
        search index is updated right after, under the same lock. Without it, every commit is
        durable, released and indexed on its own.
        """
        self.workspace = workspace
        self.store = store
        self.extractor = extractor
        self.on_commit = on_commit or []
        self.journal = workspace.logs / "ingest.jsonl"
        self.group_commit = group_commit
        self.group_max_files = group_max_files
        self.group_max_seconds = group_max_seconds
        self._unreleased: list[tuple[InboxItem, Staged]] = []
        self._group_started = 0.0

    # One file -------------------------------------------------------------------------------------

    def process(self, item: InboxItem, keep_source: bool = False) -> Outcome | None:
        """Ingest one file. Returns None when the file vanished before it could be read.

        ``keep_source``: the file is not in the inbox (``ingest FILE``): it is never moved or deleted;
        a refused file is copied into the quarantine.
        """
        started = time.monotonic()
        office = item.office or UNASSIGNED
        outcome = Outcome(file=str(item.path), office=office, status="quarantined")
        staged: Staged | None = None
        try:
            try:
                if item.office is None:
                    raise Refused(unknown_office(item))
                staged = stage_copy(item.path, self.workspace.staging, self.workspace.config.limits)
                faults.point("after_stage")
                kind = sniff(staged.path, self.workspace.config.limits)
                extracted = self.extractor.extract(staged.path, kind)
                faults.point("after_extract")
                drop = read_drop(extracted, staged, item.office, item.name, kind)
                outcome.code = drop.metadata.code
                outcome.revision = drop.metadata.revision
                self._decide_and_commit(drop, extracted, staged, item, outcome, keep_source)
            except Refused as refused:
                self._quarantine(item, office, refused.reason, staged, outcome, keep_source)
        except FileNotFoundError:
            return None  # gone before we could read it (moved away by its owner): nothing to account
        finally:
            if staged is not None:
                with contextlib.suppress(FileNotFoundError):
                    staged.path.unlink()
        outcome.seconds = round(time.monotonic() - started, 3)
        self._journal(outcome)
        if self._unreleased and (
            len(self._unreleased) >= self.group_max_files
            or time.monotonic() - self._group_started >= self.group_max_seconds
        ):
            self.sync()
        return outcome

    def sync(self) -> None:
        """Make the commits written so far durable, then release their drops and update the index."""
        if self.store.pending():
            faults.point("before_checkpoint")
        self.store.checkpoint()
        faults.point("after_commit")
        unreleased, self._unreleased = self._unreleased, []
        for item, staged in unreleased:
            if unchanged_since(item.path, staged):
                # No fsync needed: if the unlink is lost in a crash, the file reappears and a
                # re-run finds it a duplicate of what is already committed.
                item.path.unlink()
                faults.point("after_release")
        finish_hooks(self.on_commit, self.store)

    def _decide_and_commit(
        self, drop: Drop, extracted: Extracted, staged: Staged, item: InboxItem, outcome: Outcome, keep_source: bool
    ) -> None:
        assert drop.metadata.code_key
        current = self.store.find(drop.metadata.code_key)
        decision = decide(current, drop, self.workspace.config.controller)
        duplicate_of = current.revision if decision.action is Action.DUPLICATE and current else None
        if decision.action is Action.REFUSE:
            assert decision.reason is not None
            duplicate_of = self._committed_revision(current, drop, decision.reason.cause)
            if duplicate_of is None:
                raise Refused(decision.reason)
        if duplicate_of is not None:
            assert current is not None
            outcome.status = "duplicate"
            outcome.revision = duplicate_of
            outcome.reason = f"trùng tệp đã lưu: {current.code} lần {duplicate_of}"
            outcome.cause = "duplicate"
            self._release(item, staged, keep_source)
            return
        slug = current.slug if current else self.store.new_slug(drop.metadata.code_key)
        state = new_state(drop, current, decision.owner, slug)
        config = self.workspace.config
        try:
            commit = self.store.write_revision(
                state, staged.path, extracted.text, drop.office, config.office_name(drop.office),
                durable=not self.group_commit,
            )
        except Exception as exc:  # the repository refused the write: keep the file, never lose it
            self.store.recover()
            raise Refused(commit_failed(f"{type(exc).__name__}: {exc}")) from exc
        outcome.status = "ingested"
        outcome.commit = commit
        for hook in self.on_commit:
            hook(self.store, state, commit)
        self._release(item, staged, keep_source)

    def _committed_revision(self, current: ProcedureState | None, drop: Drop, cause: str) -> int | None:
        """The earlier revision of ``current`` that holds exactly the dropped bytes, if any.

        A crash after a group of commits but before their drops left the inbox leaves, say,
        revisions 1 and 2 committed and both drops waiting: on the re-run revision 1's bytes are
        no longer the current revision's, yet they are committed — a duplicate, not a refusal
        ("the revision must increase") with a quarantined copy of a committed file. Asked only
        for a refusal the dropping office may hear about its own procedure (not ``not_owner``).
        """
        if current is None or cause == "not_owner":
            return None
        self.store.checkpoint()  # commits of this session become visible to git log (rare path)
        for record in self.store.revisions(current):
            if record.sha256 == drop.sha256:
                return record.revision
        return None

    def _release(self, item: InboxItem, staged: Staged, keep_source: bool) -> None:
        """The drop's bytes are in the repository: remove it from the inbox once that is durable."""
        if keep_source:
            if not self.group_commit:
                finish_hooks(self.on_commit, self.store)
            return
        if not self._unreleased:
            self._group_started = time.monotonic()
        self._unreleased.append((item, staged))
        if not self.group_commit:
            self.sync()

    def _quarantine(
        self,
        item: InboxItem,
        office: str,
        reason: Reason,
        staged: Staged | None,
        outcome: Outcome,
        keep_source: bool,
    ) -> None:
        folder = self.workspace.quarantine / office
        folder.mkdir(parents=True, exist_ok=True)
        sha = staged.sha256 if staged else None
        target, already = quarantine_target(folder, item.name, sha)
        if staged is not None and not already:
            # A regular file we copied: write our copy durably, then remove the original if unchanged.
            # A short name (the target's may be near NAME_MAX), the same for the same target, so
            # a copy left by a crash here is overwritten by the re-run, not left behind.
            tmp = target.with_name(f".{hashlib.sha1(target.name.encode('utf-8')).hexdigest()[:16]}.tmp")
            shutil.copyfile(staged.path, tmp)
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, target)
            faults.point("after_quarantine_copy")
        _write_durably(target.with_name(target.name + REASON_SUFFIX), render_reason(reason, item.name, office, sha or "").encode("utf-8"))
        _fsync_dir(folder)
        faults.point("after_quarantine")
        if keep_source:
            pass  # a file given on the command line stays where it is
        elif staged is None:
            # Not copied (a link, a FIFO, too large, unknown office): move the entry itself.
            _move_entry(item.path, target)
        elif unchanged_since(item.path, staged):
            item.path.unlink()
        _fsync_dir(item.path.parent)
        outcome.status = "quarantined"
        outcome.reason = reason.message_vi
        outcome.cause = reason.cause
        outcome.quarantined_to = str(target)

    def _journal(self, outcome: Outcome) -> None:
        from doccontrol.ingest import journal

        journal.append(self.journal, journal.record_of(outcome, now_iso()))


def clean_staging(workspace: Workspace) -> None:
    """Remove staged copies left by an interrupted run (their originals are still in the inbox)."""
    for leftover in workspace.staging.glob("*"):
        with contextlib.suppress(OSError):
            leftover.unlink()


@contextlib.contextmanager
def session(workspace: Workspace, on_commit: list[CommitHook] | None = None) -> Iterator[Ingestor]:
    """An ingest session: the repository recovered, a sandboxed extractor, closed afterwards.

    The caller holds the writer lock.
    """
    hooks = on_commit or []
    with Store(workspace.procedures) as store, Extractor(workspace.config.limits) as extractor:
        repaired = store.recover()
        clean_staging(workspace)
        if repaired:
            with open(workspace.logs / "doccontrol.log", "a", encoding="utf-8") as log:
                for line in repaired:
                    log.write(f"{now_iso()} recover: {line}\n")
        ingestor = Ingestor(workspace, store, extractor, hooks, group_commit=True)
        try:
            yield ingestor
        finally:
            ingestor.sync()


def finish_hooks(hooks: list[CommitHook], store: Store) -> None:
    """Let hooks that batch their work (the search index) finish it, before the lock is released."""
    for hook in hooks:
        flush = getattr(hook, "flush", None)
        if flush is not None:
            flush(store)

