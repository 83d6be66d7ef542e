"""Dates of documents and days of reports (pure), the one clock reading that stamps records
(:func:`unix_now`, :func:`now_iso`), and the workspace's time zone, in which people read times
(``[agency] timezone``, :func:`zone_of`, :func:`in_zone`)."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from typing import TYPE_CHECKING

from doccontrol.core.model import EFFECTIVE_DOCUMENT, EFFECTIVE_INGEST

if TYPE_CHECKING:
    from doccontrol.core.model import ProcedureState


def unix_now() -> int:
    """Now, in whole seconds since the epoch. The one clock reading of doccontrol: call it (and
    :func:`now_iso`) through this module, ``dates.unix_now()``, so a test can set the time."""
    return int(time.time())


def now_iso(zone: dt.tzinfo | None = None) -> str:
    """Now, with its offset, to the second (``2026-12-03T15:04:05+07:00``): in ``zone`` (the
    workspace's, for what people read), else in the machine's local time."""
    now = dt.datetime.fromtimestamp(unix_now()).astimezone()
    return (now.astimezone(zone) if zone is not None else now).isoformat(timespec="seconds")


DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
# Zones known without a time-zone database (a Windows machine without the tzdata package):
# Việt Nam has kept UTC+7 without daylight saving since 1975.
FIXED_ZONES = {DEFAULT_TIMEZONE: dt.timezone(dt.timedelta(hours=7), "+07")}


def zone_of(name: str) -> dt.tzinfo:
    """The time zone an IANA name (``Asia/Ho_Chi_Minh``) stands for; ValueError for an unknown one."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        if name in FIXED_ZONES:
            return FIXED_ZONES[name]
        raise ValueError(f"unknown time zone {name!r}") from None


def in_zone(moment: dt.datetime, zone: dt.tzinfo | None) -> dt.datetime:
    """``moment`` as the clock in ``zone`` reads it (a naive moment is taken as machine-local);
    unchanged without a zone."""
    if zone is None:
        return moment
    return (moment if moment.tzinfo else moment.astimezone()).astimezone(zone)


def iso_in_zone(value: str, zone: dt.tzinfo | None) -> str:
    """An ISO 8601 moment (a journal's, a commit's) in ``zone``, with its offset; as it is when
    it cannot be read."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    return in_zone(moment, zone).isoformat(timespec="seconds")


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
