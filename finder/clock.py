"""The day and the time, read once at the edge (a request, a bot update, a command).

Everything below the edge takes `today` from its caller. FINDER_TODAY (an ISO date)
fixes the day for a whole process: the tests set it, so that they pass on any day, and
a coordinator can preview the catalogue as it will be on a later day.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo


class ClockError(ValueError):
    pass


def today() -> dt.date:
    """The day: FINDER_TODAY if it is set, else the system's date."""
    fixed = os.environ.get("FINDER_TODAY")
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            raise ClockError(f"FINDER_TODAY must be a date like 2026-12-07, not {fixed!r}") from None
    return dt.date.today()


def now() -> dt.datetime:
    """The local time of day on `today()` (the date fixed by FINDER_TODAY, the time the
    system's)."""
    current = dt.datetime.now()
    day = today()
    return current if day == current.date() else dt.datetime.combine(day, current.time())


def now_in(zone: str) -> dt.datetime:
    """The moment in a time zone (the town's, an IANA name): on the day FINDER_TODAY fixes,
    if it is set, at the zone's time of day; else the zone's own date and time."""
    current = dt.datetime.now(ZoneInfo(zone))
    if os.environ.get("FINDER_TODAY"):
        return dt.datetime.combine(today(), current.time(), tzinfo=ZoneInfo(zone))
    return current


def moment() -> dt.datetime:
    """The real moment in UTC, not on the day FINDER_TODAY fixes: when something is
    recorded or written (a proposal decided, a user added, a build made) says when a
    person or a build acted."""
    return dt.datetime.now(dt.UTC)


def stamp() -> str:
    """moment() as the records keep it: ISO 8601, to the second."""
    return moment().isoformat(timespec="seconds")
