"""When an offer takes place: its schedules, the days it is closed, its next dates.

A schedule is weekly on its weekdays (`byday`), or monthly on the n-th of those
weekdays (`week_of_month`: 1 to 5, or -1 for the last), or every n weeks counted
from a first date (`every_weeks`, `first_date`), or once (`date`). Staff at the desk
read "Di., 08.12., 09:30–11:30", never "jeden zweiten Dienstag" to work out, and a
family is never sent to a closed door: the public holidays of the town's Land and
the closures an offer or its provider names (a Kita's closing days, a summer break)
are skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKEND = frozenset({"SA", "SU"})
EVENING = "18:00"
"""A session is in the evening when it lasts past 18:00."""
HORIZON_DAYS = 120
"""How far ahead next dates are looked for; a monthly meeting shows three times."""

LANDS = {
    "BW": "Baden-Württemberg", "BY": "Bayern", "BE": "Berlin", "BB": "Brandenburg",
    "HB": "Bremen", "HH": "Hamburg", "HE": "Hessen", "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen", "NW": "Nordrhein-Westfalen", "RP": "Rheinland-Pfalz",
    "SL": "Saarland", "SN": "Sachsen", "ST": "Sachsen-Anhalt", "SH": "Schleswig-Holstein",
    "TH": "Thüringen",
}
"""The German Länder by their ISO 3166-2 codes; each has its own public holidays."""


@dataclass(frozen=True)
class Schedule:
    opens_at: str
    closes_at: str
    byday: tuple[str, ...] = ()
    date: str | None = None
    description: str | None = None
    week_of_month: tuple[int, ...] = ()
    every_weeks: int = 1
    first_date: str | None = None

    @classmethod
    def from_record(cls, record: dict) -> Schedule:
        return cls(opens_at=record["opens_at"], closes_at=record["closes_at"],
                   byday=tuple(record.get("byday") or ()), date=record.get("date"),
                   description=record.get("description"),
                   week_of_month=tuple(record.get("week_of_month") or ()),
                   every_weeks=record.get("every_weeks") or 1,
                   first_date=record.get("first_date"))

    @property
    def around_the_clock(self) -> bool:
        """Reachable day and night, every day: a crisis line, not an opening time."""
        return (self.opens_at, self.closes_at) == ("00:00", "23:59") and len(self.byday) == 7

    @property
    def on_weekend(self) -> bool:
        """Held on a Saturday or Sunday (a line open around the clock is not "at the
        weekend": it is always reachable)."""
        if self.around_the_clock:
            return False
        if self.date:
            return dt.date.fromisoformat(self.date).weekday() >= 5
        return bool(WEEKEND & set(self.byday))

    @property
    def in_evening(self) -> bool:
        return not self.around_the_clock and self.closes_at > EVENING

    def on_day(self, day: dt.date) -> bool:
        if self.date:
            return self.date == day.isoformat()
        if WEEKDAYS[day.weekday()] not in self.byday:
            return False
        if self.week_of_month:
            nth = (day.day - 1) // 7 + 1
            last = (day + dt.timedelta(days=7)).month != day.month
            return nth in self.week_of_month or (-1 in self.week_of_month and last)
        if self.every_weeks > 1:
            first = dt.date.fromisoformat(self.first_date)
            monday = first - dt.timedelta(days=first.weekday())
            return day >= first and ((day - monday).days // 7) % self.every_weeks == 0
        return True


@dataclass(frozen=True)
class Closure:
    """Days an offer or a provider is closed, first and last included."""

    first: str
    last: str
    note: str | None = None

    @classmethod
    def from_record(cls, record: dict) -> Closure:
        return cls(record["from"], record["to"], record.get("note"))

    def covers(self, day: dt.date) -> bool:
        return self.first <= day.isoformat() <= self.last


@lru_cache(maxsize=64)
def _holidays(land: str, year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.Germany(subdiv=land, years=year))


@dataclass(frozen=True)
class Holidays:
    """The public holidays of one Land (none without a Land)."""

    land: str | None = None

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.land is not None and \
            day in _holidays(self.land, day.year)

    def name(self, day: dt.date) -> str | None:
        import holidays

        if self.land is None:
            return None
        return holidays.Germany(subdiv=self.land, years=day.year, language="de").get(day)


NO_HOLIDAYS = Holidays()


def _days(start: dt.date, count: int) -> Iterator[dt.date]:
    for n in range(count):
        yield start + dt.timedelta(days=n)


def is_closed(day: dt.date, holidays: Holidays, closures: Iterable[Closure],
              open_on_holidays: bool = False) -> bool:
    """Whether nothing takes place on that day: a public holiday (unless the offer is
    held on holidays) or one of the closures."""
    return (day in holidays and not open_on_holidays) or any(c.covers(day) for c in closures)


def next_dates(schedules: Iterable[Schedule], day: dt.date, count: int = 3, *,
               valid_from: str | None = None, valid_to: str | None = None,
               holidays: Holidays = NO_HOLIDAYS, closures: tuple[Closure, ...] = (),
               open_on_holidays: bool = False,
               now: dt.time | None = None) -> list[tuple[dt.date, str, str]]:
    """The next `count` sessions from `day` on as (day, opens, closes), within the
    validity, never on a closed day. A session of `day` that is over (closes before
    `now`) is left out."""
    schedules = sorted(schedules, key=lambda s: s.opens_at)
    start = day
    if valid_from and valid_from > day.isoformat():
        start = dt.date.fromisoformat(valid_from)
    found: list[tuple[dt.date, str, str]] = []
    for date in _days(start, HORIZON_DAYS):
        if valid_to and date.isoformat() > valid_to:
            break
        if is_closed(date, holidays, closures, open_on_holidays):
            continue
        for s in schedules:
            if not s.on_day(date):
                continue
            if date == day and now is not None and s.closes_at <= now.strftime("%H:%M"):
                continue
            found.append((date, s.opens_at, s.closes_at))
        if len(found) >= count:
            break
    return found[:count]
