"""Dates of documents and days of reports (pure), and the one clock reading that stamps records
(:func:`unix_now`, :func:`now_iso`)."""

from __future__ import annotations

import datetime as dt
import time

from doccontrol.core.model import ProcedureState


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


def revision_date(state: ProcedureState) -> dt.date | None:
    """The date a revision took effect: its effective date, else issue date, else when it was committed."""
    if state.effective or state.issued:
        return state.effective or state.issued
    try:
        return dt.datetime.fromisoformat(state.updated_at).date() if state.updated_at else None
    except ValueError:
        return None
