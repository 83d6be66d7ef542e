"""A repository's history as doccontrol's commits tell it: one parser of ``git log`` output.

Each commit's trailers say what it did (see ``messages``); :class:`Event` carries them, and a
procedure's :class:`~doccontrol.core.model.RevisionRecord` list is read from its events.

Parsing is strict and never raises: a commit whose message ``messages`` cannot read, or whose
trailers are not well formed for its action or name another office than its author, is an
event with the action ``unreadable`` and its ``problem``; it counts for nothing (no revision,
no withdrawal, no tag to repair) and ``verify`` reports it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from doccontrol.core import names
from doccontrol.core.model import RevisionRecord
from doccontrol.repo import messages
from doccontrol.repo.gitcmd import AUTHOR_DOMAIN

if TYPE_CHECKING:
    from doccontrol.repo.blobs import BlobReader
    from doccontrol.repo.gitcmd import Git

# commit, author date, committer date (strict ISO), author email, raw message; with ``-z`` each
# record ends with NUL. The author date of a revision or withdrawal is its effective day.
LOG_FORMAT = "--format=%H%x1f%aI%x1f%cI%x1f%ae%x1f%B"
_COMMIT = re.compile(r"[0-9a-f]{40}")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class Event:
    """One commit of the controlled repository, as its trailers describe it."""

    commit: str
    date: dt.datetime  # committer date (timezone-aware): when it entered the repository
    action: str  # the Action trailer: ingest, withdraw, review, catalog-import, link, ...; other; unreadable
    office: str
    trailers: Mapping[str, str]
    subject: str
    body: str
    problem: str = field(default="")  # why the commit is unreadable ("" when it is not)
    authored: dt.datetime | None = None  # author date: a revision's or withdrawal's effective day

    @property
    def revision(self) -> int:
        value = self.trailers.get("Revision", "")
        return int(value) if value.isdigit() else 0

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


def author_office(email: str) -> str:
    """The office a commit's author e-mail names (``""`` for anyone but an office)."""
    local, _, domain = email.partition("@")
    return local.upper() if domain == AUTHOR_DOMAIN else ""


def _date(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return _EPOCH


def parse_entry(entry: str) -> Event:
    """One record of :data:`LOG_FORMAT` output (never raises: an unreadable commit is an event)."""
    parts = entry.split("\x1f", 4)
    if len(parts) != 5 or not _COMMIT.fullmatch(parts[0]):
        return Event(commit=parts[0][:40] if _COMMIT.match(parts[0]) else "", date=_EPOCH,
                     action=messages.UNREADABLE, office="", trailers={}, subject="", body="",
                     problem="a git log record that does not parse")
    commit, authored, date, email, message = parts
    office = author_office(email)
    try:
        parsed = messages.parse_message(message)
        action = messages.check_trailers(parsed.trailers, office)
    except messages.MessageError as exc:
        return Event(commit=commit, date=_date(date), action=messages.UNREADABLE, office=office, trailers={},
                     subject=names.printable(message.split("\n", 1)[0])[:200], body="", problem=str(exc),
                     authored=_date(authored))
    return Event(commit=commit, date=_date(date), action=action, office=parsed.trailers.get("Office") or office,
                 trailers=parsed.trailers, subject=parsed.subject, body=parsed.body, authored=_date(authored))


def parse_log(out: str) -> list[Event]:
    """Events from ``git log -z`` output written with :data:`LOG_FORMAT`, in the log's order."""
    return [parse_entry(entry.strip("\n")) for entry in out.split("\0") if entry.strip("\n")]


def read_log(git: Git, *args: str) -> list[Event]:
    """``git log -z LOG_FORMAT ARGS`` as events (bytes that are not UTF-8 read as U+FFFD)."""
    return parse_log(git.bytes("log", "-z", LOG_FORMAT, *args).decode("utf-8", "replace"))


def procedure_events(git: Git, folder: str, review_file: str) -> list[Event]:
    """A procedure's commits, oldest first: those that touch its folder (every revision and
    withdrawal writes a ``meta.json`` there or under ``history/``; nothing else writes there) and
    those that record its reviews.

    One path per ``git log``: git's changed-path Bloom filters (the commit-graph the transaction
    writes) answer a single path and are skipped for several. The review file is only ever
    written, never deleted: with none in the working tree there is no review to look for. Reviews
    are rare; each is placed after the folder's commits that are its ancestors (one more log of
    the folder up to it). The gateway keeps the answer until a commit touches the folder or the
    review file (``read_memo``)."""
    events = read_log(git, "--reverse", "--", folder)
    if git.head() and (git.path / review_file).is_file():
        events = _with_reviews(git, folder, events, read_log(git, "--reverse", "--", review_file))
    return events


def events_of(git: Git, commits: list[str]) -> list[Event]:
    """The events of these commits, in this order (``git log --no-walk``: no walk)."""
    return read_log(git, "--no-walk=unsorted", *commits) if commits else []


def events_in(blobs: BlobReader, commits: list[str]) -> list[Event]:
    """:func:`events_of` read through a blob reader (the commit objects themselves, each turned
    into the record ``git log`` writes with :data:`LOG_FORMAT`): no process when the reader is the
    one a long-lived reader keeps (``blobs.SHARED``). A commit the reader cannot give is unreadable."""
    return [parse_entry(_log_record(commit, blobs.read(commit)).strip("\n")) for commit in commits]


def _log_record(commit: str, raw: bytes | None) -> str:
    """A commit object as the :data:`LOG_FORMAT` record ``git log`` writes of it (``%H``, ``%aI``,
    ``%cI``, ``%ae``, ``%B``: the message after the headers, as stored); "" when it is not one."""
    if raw is None:
        return ""
    head, _, message = raw.decode("utf-8", "replace").partition("\n\n")
    people = {}
    for line in head.split("\n"):
        kind, _, rest = line.partition(" ")
        if kind in ("author", "committer") and kind not in people:
            people[kind] = rest
    author, committer = people.get("author", ""), people.get("committer", "")
    email = author[author.rfind("<") + 1:author.rfind(">")] if "<" in author else ""
    return "\x1f".join((commit, _strict_iso(author), _strict_iso(committer), email, message))


def _strict_iso(person: str) -> str:
    """``%aI``/``%cI`` of an author or committer line (``Name <email> 1700000000 +0700``)."""
    try:
        seconds, offset = person[person.rfind(">") + 1:].split()
        sign = -1 if offset[0] == "-" else 1
        zone = dt.timezone(sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
        return dt.datetime.fromtimestamp(int(seconds), zone).isoformat()
    except (ValueError, IndexError, OverflowError, OSError):
        return ""


def _with_reviews(git: Git, folder: str, events: list[Event], reviews: list[Event]) -> list[Event]:
    """``events`` (the folder's, oldest first) with ``reviews`` each after its last ancestor there."""
    position = {event.commit: index for index, event in enumerate(events)}
    reviews = [review for review in reviews if review.commit not in position]
    if not reviews:
        return events
    keyed: list[tuple[int, int, int, Event]] = [(index, 1, 0, event) for index, event in enumerate(events)]
    for number, review in enumerate(reviews):
        before = [position[c] for c in git.run("log", "--format=%H", review.commit, "--", folder).split()
                  if c in position]
        keyed.append((max(before, default=-1), 2, number, review))  # right after its last ancestor
    return [event for *_, event in sorted(keyed, key=lambda k: k[:3])]


def unreadable(events: list[Event]) -> list[Event]:
    return [e for e in events if e.action == messages.UNREADABLE]


def revision_record(event: Event) -> RevisionRecord:
    """A procedure's history entry (revision, withdrawal, review) from its commit."""
    return RevisionRecord(
        action=event.action,
        revision=event.revision,
        commit=event.commit,
        date=event.date.isoformat(),
        office=event.office,
        sha256=event.trailers.get("Sha256", ""),
        source=names.readable(event.trailers.get("Source-File", "")),
        note=event.body if event.action != messages.INGEST else "",
        effective=event.effective,
        effective_source=event.effective_source,
        historical=event.historical,
    )
