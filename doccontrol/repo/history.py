"""A repository's history as doccontrol's commits tell it: one parser of ``git log`` output.

Each commit's trailers say what it did (see ``messages``); :class:`Event` carries them, and a
procedure's :class:`~doccontrol.core.model.RevisionRecord` list is read from its events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from doccontrol.core.model import RevisionRecord
from doccontrol.repo import messages

# commit, author date, committer date (strict ISO), author email, raw message; records end with \x1e.
LOG_FORMAT = "--format=%H%x1f%aI%x1f%cI%x1f%ae%x1f%B%x1e"


@dataclass(frozen=True)
class Event:
    """One commit of the controlled repository, as its trailers describe it."""

    commit: str
    date: dt.datetime  # committer date (timezone-aware): when it entered the repository
    action: str  # the Action trailer: ingest, withdraw, review, catalog-import, link, laws-replaced, ...
    office: str
    trailers: Mapping[str, str]
    subject: str
    body: str
    authored: dt.datetime | None = None  # author date: a revision's or withdrawal's effective day

    @property
    def revision(self) -> int:
        try:
            return int(self.trailers.get("Revision", "0") or 0)
        except ValueError:
            return 0

    @property
    def effective(self) -> dt.date | None:
        """The effective date the commit's trailers record (None for older commits and others)."""
        try:
            return dt.date.fromisoformat(self.trailers.get(messages.EFFECTIVE, ""))
        except ValueError:
            return None

    @property
    def effective_source(self) -> str:
        return self.trailers.get(messages.EFFECTIVE_SOURCE, "")

    @property
    def historical(self) -> bool:
        return self.trailers.get(messages.HISTORICAL, "") == "yes"


def parse_log(out: str) -> list[Event]:
    """Events from ``git log`` output written with :data:`LOG_FORMAT`, in the log's order."""
    events: list[Event] = []
    for entry in out.split("\x1e"):
        entry = entry.strip("\n")
        if not entry:
            continue
        commit, authored, date, email, message = entry.split("\x1f", 4)
        parsed = messages.parse_message(message)
        events.append(
            Event(
                commit=commit,
                date=dt.datetime.fromisoformat(date),
                authored=dt.datetime.fromisoformat(authored),
                action=parsed.trailers.get("Action", "other"),
                office=parsed.trailers.get("Office") or email.split("@", 1)[0].upper(),
                trailers=parsed.trailers,
                subject=parsed.subject,
                body=parsed.body,
            )
        )
    return events


def revision_record(event: Event) -> RevisionRecord:
    """A procedure's history entry (revision, withdrawal, review) from its commit."""
    return RevisionRecord(
        action=event.action,
        revision=event.revision,
        commit=event.commit,
        date=event.date.isoformat(),
        office=event.office,
        sha256=event.trailers.get("Sha256", ""),
        source=event.trailers.get("Source-File", ""),
        note=event.body if event.action != messages.INGEST else "",
        effective=event.effective,
        effective_source=event.effective_source,
        historical=event.historical,
    )
