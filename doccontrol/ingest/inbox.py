"""The drop folder: which files are waiting, which names to ignore, whose they are."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from doccontrol.core.text import nfc

# Temp and system files that editors, copy tools and operating systems leave in shared folders.
IGNORED_PATTERNS = (
    "~$*",  # Word owner files
    "~WRD*.tmp",  # Word temp saves
    ".~lock.*#",  # LibreOffice locks
    "*.tmp",
    "*.part",
    "*.crdownload",
    "*.partial",
    ".goutputstream-*",  # GNOME save temp
    "Thumbs.db",
    "desktop.ini",
    ".DS_Store",
)
REASON_SUFFIX = ".reason.txt"


def is_ignored(name: str) -> bool:
    """True for temp and system files, and for dotfiles; such names are never ingested."""
    if name.startswith("."):
        return True
    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, pattern.lower()) for pattern in IGNORED_PATTERNS)


@dataclass(frozen=True)
class InboxItem:
    """A file waiting in the inbox, as the watcher or ``ingest`` hands it to the pipeline.

    ``office`` is None when it is not in a known office's folder.
    """

    path: Path
    office: str | None
    folder: str  # the first folder under inbox/ ("" for a file straight in inbox/)
    may_be_incomplete: bool = False  # young enough to be still on its way: retry, do not refuse, if it looks cut
    # A quarantined file tried again (``doccontrol retry``): the name it was dropped under, and
    # its reason file, which leaves with it when it is accepted.
    dropped_name: str = ""
    reason_file: Path | None = None

    @property
    def name(self) -> str:
        return nfc(self.path.name)

    @property
    def source_name(self) -> str:
        """The name the file was dropped under (a quarantined copy may carry a " (2)")."""
        return nfc(self.dropped_name) if self.dropped_name else self.name


def item_for(inbox: Path, path: Path, offices: Mapping[str, str]) -> InboxItem | None:
    """The inbox item for ``path``, or None when the path is not inside ``inbox`` or is ignored."""
    try:
        relative = path.relative_to(inbox)
    except ValueError:
        return None
    parts = relative.parts
    if not parts or any(is_ignored(part) for part in parts):
        return None
    folder = parts[0] if len(parts) > 1 else ""
    return InboxItem(path=path, office=folder if folder in offices else None, folder=folder)


def scan(inbox: Path, offices: Mapping[str, str]) -> Iterator[InboxItem]:
    """Every file waiting in the inbox, oldest first within a folder walk.

    Folders moved in are walked; symbolic links to folders are not followed (a link is
    reported as an item of its own and refused by validation).
    """
    if not inbox.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(inbox, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not is_ignored(d) and not (here / d).is_symlink())
        entries = sorted(filenames) + sorted(d for d in os.listdir(here) if (here / d).is_symlink() and d not in filenames)
        for name in entries:
            if is_ignored(name):
                continue
            item = item_for(inbox, here / name, offices)
            if item is not None:
                yield item


def prune_empty_folders(inbox: Path, keep: Mapping[str, str]) -> None:
    """Remove empty sub-folders left after a moved-in folder was ingested (office folders stay)."""
    for dirpath, _dirnames, _filenames in os.walk(inbox, topdown=False):
        here = Path(dirpath)
        if here == inbox or (here.parent == inbox and here.name in keep):
            continue
        try:
            here.rmdir()
        except OSError:
            pass
