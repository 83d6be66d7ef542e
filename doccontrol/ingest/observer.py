"""File-system events as hints: watchdog's observer over the inbox, turned into :class:`Hint` objects.

Events are hints, not the truth: a hint only makes the worker look at a path again (``stat``);
a delete never does anything but forget a waiting file. :class:`InboxObserver` starts the
native (inotify) or polling observer, tells whether it is still healthy (alive, and watching the
same inbox folder: a share that went away and came back is a new folder), and stops it.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Hint:
    """Something to look at: a file path, a folder tree, or everything (``kind``)."""

    kind: str  # "file" | "tree" | "rescan"
    path: str = ""
    at: float = 0.0  # monotonic time the event arrived
    activity: bool = False  # the event means someone wrote to/moved the file just now


def _event_types() -> list[type[Any]]:
    from watchdog.events import (
        DirCreatedEvent,
        DirDeletedEvent,
        DirModifiedEvent,
        DirMovedEvent,
        FileClosedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
    )

    # Not opened / closed-without-write: our own reading of a file must not look like activity.
    return [
        DirCreatedEvent, DirDeletedEvent, DirModifiedEvent, DirMovedEvent, FileClosedEvent,
        FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent,
    ]


def _make_handler(sink: Callable[[Hint], None], timely: bool = True) -> Any:
    """The watchdog handler. ``timely``: events arrive when the change happens (inotify); a
    polling observer reports a change up to one interval late, so its events only say "look",
    and the file's own times tell when it changed."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler

    class _Hints(FileSystemEventHandler):
        """Turns watchdog events into hints for the worker (runs in the observer's thread)."""

        def on_any_event(self, event: FileSystemEvent) -> None:
            kind = event.event_type
            if kind in ("opened", "closed_no_write"):
                return
            now = time.monotonic()
            if not timely:
                kind = {"created": "seen", "modified": "seen", "closed": "seen"}.get(kind, kind)
            src = os.fsdecode(event.src_path)
            dest = os.fsdecode(event.dest_path) if getattr(event, "dest_path", "") else ""
            if event.is_directory:
                if kind in ("created", "moved"):
                    sink(Hint("tree", dest or src, now))
                elif kind == "deleted":
                    sink(Hint("file", src, now))  # the watched folder itself: checked by health
                return
            if kind == "moved":
                sink(Hint("file", src, now))
                if dest:
                    sink(Hint("file", dest, now, activity=timely))
                return
            sink(Hint("file", src, now, activity=kind in ("created", "modified", "closed")))

    return _Hints()


class InboxObserver:
    """watchdog's observer over one inbox folder, feeding ``sink`` with hints."""

    def __init__(self, inbox: Path, sink: Callable[[Hint], None], poll: bool, interval: float) -> None:
        self.inbox = inbox
        self.sink = sink
        self.poll = poll
        self.interval = interval
        self._observer: Any = None
        self._identity: tuple[int, int] | None = None

    @property
    def running(self) -> bool:
        return self._observer is not None

    def start(self) -> None:
        """Start watching; OSError when the folder cannot be watched (the caller logs it)."""
        if self.poll:
            from watchdog.observers.polling import PollingObserver

            observer: Any = PollingObserver(timeout=max(0.05, self.interval))
        else:
            from watchdog.observers import Observer

            observer = Observer()
        handler = _make_handler(self.sink, timely=not self.poll)
        observer.schedule(handler, str(self.inbox), recursive=True, event_filter=_event_types())
        observer.daemon = True
        observer.start()
        info = os.stat(self.inbox)
        self._identity = (info.st_dev, info.st_ino)
        self._observer = observer

    def stop(self) -> None:
        observer, self._observer = self._observer, None
        if observer is not None:
            with contextlib.suppress(Exception):
                observer.stop()
                observer.join(timeout=10)

    def healthy(self) -> bool:
        """Alive, every emitter alive, and the inbox is still the folder it started on."""
        observer = self._observer
        if observer is None or not observer.is_alive():
            return False
        if any(not emitter.is_alive() for emitter in observer.emitters) or not observer.emitters:
            return False
        try:
            info = os.stat(self.inbox)
        except OSError:
            return False
        return (info.st_dev, info.st_ino) == self._identity
