"""An offer's times in words, in the reader's language, through Babel and the gettext
catalogues: "Di., 8.12., 09:30–11:30" for the next dates, "Mo., Mi. 09:00–12:00" or
"jeden zweiten Dienstag im Monat" for the opening hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from babel.dates import format_date, format_skeleton, get_day_names

from finder.i18n import N_, t
from finder.model.schedule import WEEKDAYS, Schedule
from finder.model.vocabulary import RTL

MONTHLY = {
    1: N_("jeden ersten %(day)s im Monat"),
    2: N_("jeden zweiten %(day)s im Monat"),
    3: N_("jeden dritten %(day)s im Monat"),
    4: N_("jeden vierten %(day)s im Monat"),
    5: N_("jeden fünften %(day)s im Monat"),
    -1: N_("jeden letzten %(day)s im Monat"),
}
"""A monthly schedule (week_of_month) in words."""

ISOLATE, END = "\u2068", "\u2069"
"""First-strong isolate: a time span keeps its own left-to-right order inside Arabic or
Persian text, so 19:00–06:00 never reads as 06:00–19:00."""


def time_span(opens: str, closes: str, lang: str) -> str:
    span = f"{opens}–{closes}"
    return f"{ISOLATE}{span}{END}" if lang in RTL else span


def day_in_words(day: dt.date, lang: str) -> str:
    """A day as "Di., 8.12." in the reader's language."""
    return format_skeleton("MEd", day, locale=lang)


def time_in_words(hhmm: str, lang: str) -> str:
    """A time of day ("18:00") that keeps its order inside Arabic or Persian text."""
    return f"{ISOLATE}{hhmm}{END}" if lang in RTL else hhmm


def date_lines(dates: Iterable[tuple[dt.date, str, str]], lang: str) -> list[str]:
    """Next dates as "Di., 8.12., 09:30–11:30" in the reader's language."""
    comma = "، " if lang in RTL else ", "
    return [f"{day_in_words(day, lang)}{comma}{time_span(opens, closes, lang)}"
            for day, opens, closes in dates]


def hours_lines(schedules: Iterable[Schedule], day: dt.date, lang: str) -> list[str]:
    """Opening hours as lines like "Mo., Mi. 09:00–12:00" or "05.12.2026 09:00–16:30";
    dated sessions before `day` are left out."""
    names = get_day_names("abbreviated", locale=lang)
    lines = []
    for s in schedules:
        if s.date:
            if s.date < day.isoformat():
                continue
            when = format_date(dt.date.fromisoformat(s.date), "medium", locale=lang)
        else:
            days = [WEEKDAYS.index(d) for d in s.byday]
            if s.week_of_month:
                wide = get_day_names("wide", locale=lang)
                when = ", ".join(t(lang, MONTHLY[week], day=wide[d])
                                 for week in s.week_of_month for d in days)
            elif s.every_weeks > 1:
                when = t(lang, "alle %(num)d Wochen: %(days)s", num=s.every_weeks,
                         days=", ".join(names[d] for d in days))
            elif days == list(range(7)):
                when = t(lang, "täglich")
            elif days == list(range(5)):
                when = t(lang, "Mo–Fr")
            else:
                when = ", ".join(names[d] for d in days)
        hours = t(lang, "rund um die Uhr") if s.around_the_clock or \
            (s.opens_at, s.closes_at) == ("00:00", "23:59") else time_span(s.opens_at, s.closes_at, lang)
        lines.append(f"{when} {hours}")
    return lines
