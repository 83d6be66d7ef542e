"""What arrives: files waiting in the inbox, ingesting them, what was refused, the ingest journal."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from doccontrol.core.model import Outcome
from doccontrol.core.text import nfc
from doccontrol.errors import UsageError
from doccontrol.core.names import readable
from doccontrol.ingest.inbox import REASON_SUFFIX, InboxItem, is_ignored, item_for, scan
from doccontrol.ingest.quarantine import entries as quarantine_entries
from doccontrol.service.offices import office_code
from doccontrol.workspace import Workspace


def inbox_items(workspace: Workspace) -> list[InboxItem]:
    """Files waiting in the inbox, oldest first (revision 1 dropped before revision 2 goes first)."""

    def age(item: InboxItem) -> tuple[int, str]:
        try:
            return item.path.lstat().st_mtime_ns, str(item.path)
        except FileNotFoundError:
            return 0, str(item.path)

    return sorted(scan(workspace.inbox, workspace.config.offices), key=age)


def items_for_files(workspace: Workspace, files: Sequence[Path], office: str | None) -> list[tuple[InboxItem, bool]]:
    """Items for files named on the command line: (item, keep_source).

    A file inside the inbox is treated as an inbox drop (its office is its folder, it is moved
    on). A file elsewhere needs ``office`` and is never moved or deleted.
    """
    office = office_code(workspace, office)
    inbox = workspace.inbox.resolve()
    result: list[tuple[InboxItem, bool]] = []
    for file in files:
        absolute = Path(file).absolute()
        inside = item_for(inbox, absolute.parent.resolve() / absolute.name, workspace.config.offices)
        if inside is not None and (office is None or office == inside.office):
            result.append((inside, False))
            continue
        if office is None:
            raise UsageError(
                f"Cần chỉ rõ phòng cho tệp {file}: --office MÃ_PHÒNG.",
                f"{file} is not in an office's inbox folder: say whose it is with --office CODE.",
            )
        if not absolute.exists() and not absolute.is_symlink():
            raise UsageError(f"Không có tệp {file}.", f"No such file: {file}")
        result.append((InboxItem(path=absolute, office=office, folder=office), True))
    return result


# What a folder load takes as a document; other files (spreadsheets, pictures) are counted as skipped.
# Kinds doccontrol refuses (.doc, .docm, ...) are still taken, so that the clerk reads why.
DOCUMENT_SUFFIXES = frozenset({".docx", ".pdf", ".doc", ".docm", ".dotx", ".dot", ".odt", ".rtf"})


@dataclasses.dataclass(frozen=True)
class FolderLoad:
    """The files of a folder tree: the documents to ingest, and the other files left aside."""

    items: list[tuple[InboxItem, bool]]
    skipped: list[Path]


def folder_items(workspace: Workspace, folder: Path, office: str | None) -> FolderLoad:
    """Every document in ``folder`` and its sub-folders (names sorted, temp and system files and
    links to folders left out), for ``office``; never moved or deleted (outside the inbox)."""
    if office is None:
        raise UsageError(
            f"Cần chỉ rõ phòng cho thư mục {folder}: --office MÃ_PHÒNG.",
            f"Say whose documents {folder} holds with --office CODE.",
        )
    office = office_code(workspace, office)
    found: list[Path] = []
    skipped: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not is_ignored(d) and not (here / d).is_symlink())
        for name in sorted(filenames):
            if is_ignored(name):
                continue
            (found if Path(name).suffix.lower() in DOCUMENT_SUFFIXES else skipped).append(here / name)
    return FolderLoad(items_for_files(workspace, found, office), skipped)


def plan(
    workspace: Workspace,
    items: Iterable[tuple[InboxItem, bool]],
    progress: Callable[[Outcome | None], None] | None = None,
) -> list[Outcome]:
    """The dry run: what ingesting ``items`` would do, nothing written (``ingest.plan``)."""
    from doccontrol.ingest.plan import plan_items

    return plan_items(workspace, list(items), progress)


def ingest(
    workspace: Workspace,
    items: Iterable[tuple[InboxItem, bool]],
    progress: Callable[[Outcome | None], None] | None = None,
    index: bool = True,
    on_page: Callable[[str, int, int], None] | None = None,
) -> list[Outcome]:
    """Run items through the one ingest entry (one transaction). Returns one outcome per file still there.

    ``index=False`` leaves the search index behind (it catches up at the next search); only the
    benchmark uses it, to time the pipeline alone. ``on_page(file name, done, total)``: the pages of
    a long file as they are read (OCR of a scan).
    """
    from doccontrol.ingest.session import ingest_items

    return ingest_items(workspace, items, progress, update_index=index, on_page=on_page)


@dataclasses.dataclass(frozen=True)
class QuarantinedFile:
    """A refused file waiting in ``quarantine/<folder>/``, and the reason written beside it."""

    folder: str  # the office folder under quarantine/
    name: str  # the path below that folder (NFC; bytes that are not UTF-8 shown as U+FFFD)
    size: int
    modified: str  # ISO 8601, local time
    reason: str  # the text of ``<name>.reason.txt`` ("" when there is none)


def quarantined_files(workspace: Workspace, reason_bytes: int = 16 * 1024) -> list[QuarantinedFile]:
    """Every file in the quarantine, newest first, with its reason (read, never followed through links)."""
    root = workspace.quarantine
    found: list[tuple[float, QuarantinedFile]] = []
    if not root.is_dir():
        return []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (here / d).is_symlink())
        if here == root:
            continue
        links = [d for d in os.listdir(here) if (here / d).is_symlink() and d not in filenames]
        for name, reason_name in quarantine_entries(filenames + links):
            path = here / name
            info = path.lstat()
            reason = ""
            try:
                if reason_name is not None:
                    fd = os.open(here / reason_name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                    with os.fdopen(fd, "rb") as handle:
                        reason = handle.read(reason_bytes).decode("utf-8", errors="replace")
            except OSError:
                pass
            relative = path.relative_to(root)
            found.append((info.st_mtime, QuarantinedFile(
                folder=readable(relative.parts[0]),
                name=readable(nfc("/".join(relative.parts[1:]))),
                size=info.st_size,
                modified=dt.datetime.fromtimestamp(info.st_mtime, workspace.config.zone).isoformat(timespec="seconds"),
                reason=reason,
            )))
    found.sort(key=lambda pair: (-pair[0], pair[1].folder, pair[1].name))
    return [entry for _, entry in found]


def _dropped_name(reason: str) -> str:
    """The name a quarantined file was dropped under, from the first line of its reason."""
    first = reason.split("\n", 1)[0]
    return first[len("Tệp: "):].strip() if first.startswith("Tệp: ") else ""


def retry_items(workspace: Workspace, names: Sequence[str], everything: bool) -> list[tuple[InboxItem, bool]]:
    """Quarantined files to run through the ingest again (``doccontrol retry``), oldest first.

    ``names``: ``OFFICE/NAME`` or ``NAME`` (in any office's folder) as ``quarantined_files``
    lists them; ``everything``: every quarantined file. A name that is in no folder is a usage
    error. Each item is the quarantined file itself: accepted, it leaves the quarantine with its
    reason file (after its commit is durable); refused again, it stays where it is beside its new
    reason.
    """
    if not names and not everything:
        raise UsageError("Cần chỉ ra tệp cần xử lý lại, hoặc dùng --all.",
                         "Name the quarantined files to retry, or use --all.")
    files = list(reversed(quarantined_files(workspace)))  # oldest first
    chosen: list[QuarantinedFile] = []
    if everything:
        chosen = files
    else:
        for wanted in (nfc(n).strip("/") for n in names):
            matches = [f for f in files if wanted in (f.name, f"{f.folder}/{f.name}")]
            if not matches:
                raise UsageError(f"Không có tệp '{wanted}' trong khu cách ly.",
                                 f"No quarantined file named '{wanted}' (see `doccontrol quarantine`).")
            chosen += [m for m in matches if m not in chosen]
    offices = workspace.config.offices
    items: list[tuple[InboxItem, bool]] = []
    for entry in chosen:
        path = workspace.quarantine / entry.folder / entry.name
        items.append((InboxItem(path=path, office=entry.folder if entry.folder in offices else None,
                                folder=entry.folder, dropped_name=_dropped_name(entry.reason),
                                reason_file=path.with_name(path.name + REASON_SUFFIX)), False))
    return items


def ocr_missing_packages(workspace: Workspace) -> list[str]:
    """The Debian packages OCR of scans still needs on this machine (empty: scans are read)."""
    from doccontrol.extract.ocr import missing_packages

    return missing_packages(workspace.config.limits.ocr_language)


def recent_ingests(workspace: Workspace, count: int = 20, tail_bytes: int = 512 * 1024) -> list[dict[str, object]]:
    """The last ``count`` records of ``logs/ingest.jsonl``, newest first (read from the end of the file)."""
    from doccontrol.ingest import journal

    return journal.read_last(journal.path_in(workspace.logs), count, tail_bytes)
