"""What is waiting in the inbox, as the watcher knows it: hints and rescans turned into stats.

:class:`InboxScanner` looks at paths (``stat``) when a hint or a rescan says so and records them
in a :class:`~doccontrol.ingest.stability.StabilityTracker` with their inbox item (the office is
read from the path once). The full rescan is the truth; events only make it look sooner.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from doccontrol.ingest.inbox import is_ignored, item_for, scan
from doccontrol.ingest.observer import Hint
from doccontrol.ingest.stability import StabilityTracker, Signature
from doccontrol.ingest.watch_log import for_people, quote
from doccontrol.workspace import Workspace


class InboxScanner:
    """The inbox's waiting files, kept in ``tracker``; ``workspace`` may be replaced on reload."""

    def __init__(self, workspace: Workspace, tracker: StabilityTracker, log: logging.Logger) -> None:
        self.workspace = workspace
        self.tracker = tracker
        self.log = log
        self._empty_seen: set[Path] = set()
        self._missing_logged = False
        self.rescan_requested = False  # a hint asked for a full rescan

    def apply(self, hints: Iterable[Hint]) -> None:
        """Look at what the hints point at (the latest activity per file counts)."""
        files: dict[str, Hint] = {}
        for hint in hints:
            if hint.kind == "rescan":
                self.rescan_requested = True
            elif hint.kind == "tree":
                for path in self._walk(Path(hint.path)):
                    self.look(path, hint.at)
            else:
                old = files.get(hint.path)
                if old is None or (hint.activity and (not old.activity or hint.at > old.at)):
                    files[hint.path] = hint
        for hint in files.values():
            self.look(Path(hint.path), hint.at if hint.activity else None)

    def look(self, path: Path, event_at: float | None = None) -> None:
        """Stat ``path`` and update the tracker: a file waits, a vanished one is forgotten."""
        item = item_for(self.workspace.inbox, path, self.workspace.config.offices)
        if item is None:
            return
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            self.tracker.forget(path)
            return
        except OSError:
            return  # a share that cannot be read just now: keep what we know, look again later
        if os.path.isdir(path) and not os.path.islink(path):
            for inner in self._walk(path):
                self.look(inner, event_at)
            return
        self.tracker.observe(path, Signature.of(info), time.monotonic(), time.time(), event_at, item=item)

    def _walk(self, folder: Path) -> Iterator[Path]:
        inbox = self.workspace.inbox
        try:
            folder.relative_to(inbox)
        except ValueError:
            return
        if not folder.is_dir() or folder.is_symlink():
            if folder.exists() or folder.is_symlink():
                yield folder
            return
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            here = Path(dirpath)
            links = [d for d in dirnames if (here / d).is_symlink()]
            dirnames[:] = sorted(d for d in dirnames if not is_ignored(d) and d not in links)
            for name in sorted(filenames) + links:
                if not is_ignored(name):
                    yield here / name

    def rescan(self) -> None:
        """Look at every file in the inbox (events are hints; this is the truth)."""
        self.rescan_requested = False
        inbox = self.workspace.inbox
        if not inbox.is_dir():
            self.note_missing()
            return
        self._missing_logged = False
        seen: set[Path] = set()
        try:
            for item in scan(inbox, self.workspace.config.offices):
                seen.add(item.path)
                self.look(item.path)
        except OSError as exc:
            self.log.warning("rescan failed (will retry): %s", exc,
                             extra=for_people(f"Không quét được thư mục nhận ({exc}); sẽ thử lại."))
            return
        for path in self.tracker.paths():
            if path not in seen:
                self.look(path)
        self._prune_folders()

    def note_missing(self) -> None:
        """The inbox folder is gone (a share away): say so once until it is back."""
        if not self._missing_logged:
            self.log.warning("inbox unavailable: %s (waiting for it to come back)", quote(self.workspace.inbox),
                             extra=for_people(f"Không truy cập được thư mục nhận {self.workspace.inbox}; chờ đến khi "
                                              "có lại (inbox unavailable)."))
            self._missing_logged = True

    def _prune_folders(self) -> None:
        """Remove sub-folders (moved in, now processed) that were empty at two rescans in a row."""
        inbox = self.workspace.inbox
        empty: set[Path] = set()
        for dirpath, _dirnames, _filenames in os.walk(inbox, topdown=False):
            here = Path(dirpath)
            if here == inbox or (here.parent == inbox and here.name in self.workspace.config.offices):
                continue
            if any(is_ignored(part) for part in here.relative_to(inbox).parts):
                continue
            with contextlib.suppress(OSError):
                if not any(here.iterdir()):
                    empty.add(here)
        for folder in sorted(empty & self._empty_seen, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self._empty_seen = empty
