"""Dates of documents and days of reports (pure), and the one clock reading that stamps records
(:func:`unix_now`, :func:`now_iso`)."""

from __future__ import annotations

import datetime as dt
import time

from doccontrol.core.model import EFFECTIVE_DOCUMENT, EFFECTIVE_INGEST, ProcedureState


def unix_now() -> int:
    """Now, in whole seconds since the epoch. The one clock reading of doccontrol: call it (and
    :func:`now_iso`) through this module, ``dates.unix_now()``, so a test can set the time."""
    return int(time.time())


def now_iso() -> str:
    """Now, local time with its offset, to the second (``2026-12-03T15:04:05+07:00``)."""
    return dt.datetime.fromtimestamp(unix_now()).astimezone().isoformat(timespec="seconds")


def end_of_day(day: dt.date) -> dt.datetime:
    """The last second of ``day``, local time."""
    return dt.datetime.combine(day, dt.time(23, 59, 59)).astimezone()


def start_of_day(day: dt.date) -> dt.datetime:
    """The first second of ``day``, local time."""
    return dt.datetime.combine(day, dt.time(0, 0, 0)).astimezone()


def day_of(moment: str) -> dt.date | None:
    """The day of an ISO 8601 moment (``2024-03-05T09:00:00+07:00`` → 5 March 2024); None when unreadable."""
    try:
        return dt.datetime.fromisoformat(moment).date() if moment else None
    except ValueError:
        return None


def effective_date(issued: dt.date | None, effective: dt.date | None,
                   ingested: dt.date | None) -> tuple[dt.date | None, str]:
    """When a revision took effect, and where that date comes from: the document's ngày hiệu lực,
    else its ngày ban hành (``document``), else the day it entered the repository (``ingest``)."""
    if effective or issued:
        return effective or issued, EFFECTIVE_DOCUMENT
    return ingested, EFFECTIVE_INGEST


def ingested_day(state: ProcedureState) -> dt.date | None:
    """The day the state's revision entered the repository (ngày đưa vào kho). Metadata written
    before that was recorded has only ``updated_at``, the ingest time until a withdrawal."""
    return day_of(state.ingested_at) or day_of(state.updated_at)


def effective_of(state: ProcedureState) -> tuple[dt.date | None, str]:
    """The effective date of the state's revision and its source (see :func:`effective_date`)."""
    return effective_date(state.issued, state.effective, ingested_day(state))


def revision_date(state: ProcedureState) -> dt.date | None:
    """The date a revision took effect (:func:`effective_of` without its source)."""
    return effective_of(state)[0]


def noon(day: dt.date) -> int:
    """Noon of ``day``, local time, in seconds since the epoch: the author date of a commit that
    took effect that day (noon, so that the day reads the same in every time zone of the region)."""
    return int(dt.datetime.combine(day, dt.time(12, 0)).astimezone().timestamp())


def today() -> dt.date:
    """Today, by the one clock (:func:`unix_now`)."""
    return dt.datetime.fromtimestamp(unix_now()).date()
