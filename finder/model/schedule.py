"""When an offer next takes place: the dates its schedules give, from a day on.

A schedule is weekly on its weekdays (`byday`), or monthly on the n-th of those
weekdays (`week_of_month`: 1 to 5, or -1 for the last), or every n weeks counted
from a first date (`every_weeks`, `first_date`), or once (`date`). Staff at the desk
read "Di., 08.12., 09:30–11:30", never "jeden zweiten Dienstag" to work out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
HORIZON_DAYS = 120
"""How far ahead next dates are looked for; a monthly meeting shows three times."""


def _on_day(schedule: dict, day: dt.date) -> bool:
    if schedule.get("date"):
        return schedule["date"] == day.isoformat()
    if WEEKDAYS[day.weekday()] not in schedule["byday"]:
        return False
    weeks = schedule.get("week_of_month") or ()
    if weeks:
        nth = (day.day - 1) // 7 + 1
        last = (day + dt.timedelta(days=7)).month != day.month
        return nth in weeks or (-1 in weeks and last)
    every = schedule.get("every_weeks") or 1
    if every > 1:
        first = dt.date.fromisoformat(schedule["first_date"])
        monday = first - dt.timedelta(days=first.weekday())
        return day >= first and ((day - monday).days // 7) % every == 0
    return True


def _days(start: dt.date, count: int) -> Iterator[dt.date]:
    for n in range(count):
        yield start + dt.timedelta(days=n)


def next_dates(offer: dict, today: dt.date | None = None, count: int = 3,
               now: dt.time | None = None) -> list[tuple[dt.date, str, str]]:
    """The next `count` sessions as (day, opens, closes), within the offer's validity.
    A session of today that is over (closes before `now`) is left out."""
    today = today or dt.date.today()
    start = today
    if offer.get("valid_from") and offer["valid_from"] > today.isoformat():
        start = dt.date.fromisoformat(offer["valid_from"])
    until = offer.get("valid_to")
    found: list[tuple[dt.date, str, str]] = []
    for day in _days(start, HORIZON_DAYS):
        if until and day.isoformat() > until:
            break
        for s in sorted(offer["schedules"], key=lambda s: s["opens_at"]):
            if not _on_day(s, day):
                continue
            if day == today and now is not None and s["closes_at"] <= now.strftime("%H:%M"):
                continue
            found.append((day, s["opens_at"], s["closes_at"]))
        if len(found) >= count:
            break
    return found[:count]


def around_the_clock(schedule: dict) -> bool:
    return (schedule["opens_at"], schedule["closes_at"]) == ("00:00", "23:59") and \
        len(schedule["byday"]) == 7
