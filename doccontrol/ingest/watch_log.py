"""The watcher's log and console.

``logs/doccontrol.log`` gets one ``key=value`` line per event (for the administrator and for
tools that read it); the console (a terminal, or the journal of a service) speaks to a person:
one Vietnamese line per file, accepted or quarantined and why, and a line when the watcher
starts, stops or cannot work, each with the time in the workspace's time zone. A record carries
its line for people in the ``people`` attribute (``extra={"people": …}``, :func:`for_people`);
a record without one reaches the console only when it is a warning or an error, as it is; an
empty one (a traceback) stays in the file.

Names are data: a value is quoted when it holds spaces, quotes or control characters, and every
line goes through :func:`doccontrol.core.names.printable` (:class:`SafeFormatter`), so a file
name can neither add a line to the log nor send escape sequences to the administrator's
terminal; the continuation lines of a traceback are marked ``  | ``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import logging.handlers
import sys
import threading
from pathlib import Path
from typing import Any

from doccontrol.core.dates import in_zone
from doccontrol.core.model import IngestStatus, Outcome
from doccontrol.core.names import is_control, printable, readable
from doccontrol.workspace import Workspace

LOG_NAME = "doccontrol.log"  # in logs/
LOG_MAX_BYTES = 10 * 2**20
LOG_BACKUPS = 5
LOGGER_NAME = "doccontrol.ingest.watch"


def quote(value: object) -> str:
    """``value`` as one token of a log line: as it is when plain, else JSON-quoted and printable."""
    text = readable(str(value))
    if text and not any(ch.isspace() or ch in '"=\\' or is_control(ch) for ch in text):
        return text
    return printable(json.dumps(text, ensure_ascii=False))


class SafeFormatter(logging.Formatter):
    """Every log line printable (:func:`printable`); a multi-line message (a traceback) keeps its
    lines, each continuation marked ``  | `` so that no text in it can pass for a log line."""

    def format(self, record: logging.LogRecord) -> str:
        first, *rest = super().format(record).split("\n")
        return "\n".join([printable(first), *(f"  | {printable(line)}" for line in rest)])


PEOPLE = "people"  # the attribute of a log record that holds its line for people


def for_people(text: str) -> dict[str, str]:
    """The ``extra`` of a log call: ``log.info(technical, extra=for_people("Vietnamese"))``;
    ``""`` keeps the record off the console."""
    return {PEOPLE: text}


class PeopleFilter(logging.Filter):
    """The console's records: those with a line for people, and warnings and errors without one."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = getattr(record, PEOPLE, None)
        return bool(text) if text is not None else record.levelno >= logging.WARNING


class PeopleFormatter(logging.Formatter):
    """``14:05:08 [VP] QT-01.docx: đã tiếp nhận — QT-01/VP lần 2 (…)``: the time in the workspace's
    zone, then the record's line for people (else ``! `` and its technical first line); printable."""

    def __init__(self, zone: dt.tzinfo | None) -> None:
        super().__init__()
        self.zone = zone

    def format(self, record: logging.LogRecord) -> str:
        moment = in_zone(dt.datetime.fromtimestamp(record.created).astimezone(), self.zone)
        text = getattr(record, PEOPLE, None) or "! " + record.getMessage().split("\n", 1)[0]
        return printable(f"{moment:%H:%M:%S} {text}")


def format_outcome(outcome: Outcome) -> str:
    """One log line for one file: office, file, outcome, code, revision, seconds (pure)."""
    fields: list[tuple[str, object]] = [
        ("office", outcome.office),
        ("file", Path(outcome.file).name),
        ("outcome", outcome.status),
        ("code", outcome.code or "-"),
        ("revision", outcome.revision if outcome.revision is not None else "-"),
        ("seconds", f"{outcome.seconds:.3f}"),
    ]
    if outcome.commit:
        fields.append(("commit", outcome.commit[:12]))
    if outcome.status == IngestStatus.QUARANTINED:
        fields.append(("cause", outcome.cause or "-"))
        fields.append(("reason", outcome.reason or ""))
    return " ".join(f"{key}={quote(value)}" for key, value in fields)


def format_event(office: str, path: Path, event: str, **extra: object) -> str:
    fields: list[tuple[str, object]] = [("office", office), ("file", path.name), ("outcome", event)]
    fields += list(extra.items())
    return " ".join(f"{key}={quote(value)}" for key, value in fields)


class OverflowAlarm(logging.Handler):
    """watchdog reports an inotify queue overflow only in its log: turn that line into a flag."""

    def __init__(self, flag: threading.Event) -> None:
        super().__init__(level=logging.WARNING)
        self.flag = flag

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            if "overflow" in record.getMessage().lower():
                self.flag.set()


def setup_logging(workspace: Workspace, stream: Any = None) -> logging.Logger:
    """The watcher's log: stdout and ``logs/doccontrol.log`` (rotated), one line per event."""
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(logging.INFO)
    logger.propagate = False
    formatter = SafeFormatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S%z")
    workspace.logs.mkdir(parents=True, exist_ok=True)
    file_handler = logging.handlers.RotatingFileHandler(
        workspace.logs / LOG_NAME, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    file_handler.setFormatter(formatter)
    console = logging.StreamHandler(stream or sys.stdout)
    console.setFormatter(PeopleFormatter(workspace.config.zone))
    console.addFilter(PeopleFilter())
    for handler in (file_handler, console):
        logger.addHandler(handler)
    # watchdog's own warnings (a share that cannot be read, ...) go to the same places.
    wd_logger = logging.getLogger("watchdog")
    for handler in list(wd_logger.handlers):
        if getattr(handler, "_doccontrol", False):
            wd_logger.removeHandler(handler)
    for handler in (file_handler, console):
        proxy = _Forward(handler)
        wd_logger.addHandler(proxy)
    wd_logger.setLevel(logging.WARNING)
    return logger


class _Forward(logging.Handler):
    _doccontrol = True

    def __init__(self, target: logging.Handler) -> None:
        super().__init__(level=logging.WARNING)
        self.target = target

    def emit(self, record: logging.LogRecord) -> None:
        self.target.handle(record)


def close_logging() -> None:
    for name in (LOGGER_NAME, "watchdog"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if name == LOGGER_NAME or getattr(handler, "_doccontrol", False):
                logger.removeHandler(handler)
                handler.close()
