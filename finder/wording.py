"""Words the website and the bot share: how an age range, a ranking reason or a
relaxation step is said. German texts are the message ids; each front end passes
its own gettext, so the same catalogue entry serves both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache

from babel.dates import format_date, format_skeleton, get_day_names
from babel.support import NullTranslations, Translations

from finder import config
from finder.model import schedule
from finder.model.schedule import WEEKDAYS

LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru", "fa")


def N_(text: str) -> str:
    """Marks a text for translation where it is translated later."""
    return text


@cache
def _catalogue(lang: str) -> NullTranslations:
    if lang == "de":
        return NullTranslations()
    return Translations.load(str(config.PROJECT_ROOT / "translations"), [lang], "messages")


def t(lang: str, text: str, **variables) -> str:
    """A German text in lang (for a reader other than the request's: the bot's chats,
    the family's half of a referral slip), with the variables filled in."""
    result = _catalogue(lang if lang in LANGUAGES else "de").ugettext(text)
    return result % variables if variables else result


def tn(lang: str, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return _catalogue(lang if lang in LANGUAGES else "de").ungettext(singular, plural, num) \
        % variables


WHY = {
    "district": N_("in %(district)s"),
    "citywide": N_("für die ganze Stadt"),
    "online": N_("online oder am Telefon"),
    "at_home": N_("kommt zu Ihnen nach Hause"),
    "neighbour": N_("im Nachbarstadtteil"),
    "nearby": N_("in der Nähe"),
    "elsewhere": N_("in einem anderen Stadtteil"),
}
"""Why a hit is shown (finder.search.WHY_ORDER)."""

RELAXED = {
    "nearby_districts": N_("auch Stadtteile in der Nähe"),
    "whole_town": N_("die ganze Stadt"),
    "any_topic": N_("alle Themen"),
    "no_words": N_("ohne Suchwörter"),
    "weekend": N_("nicht nur am Wochenende"),
    "evening": N_("nicht nur abends"),
    "online": N_("nicht nur online"),
    "free": N_("auch Angebote, die etwas kosten"),
    "lang_spoken": N_("auch in anderen Sprachen"),
    "wheelchair": N_("auch nicht barrierefreie Orte"),
    "phase": N_("alle Lebensphasen"),
    "ages": N_("alle Altersstufen"),
}
"""What a relaxation step (finder.search.RELAXATIONS) shows instead."""


MONTHLY = {
    1: N_("jeden ersten %(day)s im Monat"),
    2: N_("jeden zweiten %(day)s im Monat"),
    3: N_("jeden dritten %(day)s im Monat"),
    4: N_("jeden vierten %(day)s im Monat"),
    5: N_("jeden fünften %(day)s im Monat"),
    -1: N_("jeden letzten %(day)s im Monat"),
}
"""A monthly schedule (week_of_month) in words."""


def date_lines(offer: dict, lang: str, _: Callable[..., str], count: int = 3,
               today: dt.date | None = None) -> list[str]:
    """The next sessions as "Di., 8.12., 09:30–11:30"; empty when the offer has no
    schedule, or is open around the clock (there is no date to tell)."""
    if any(schedule.around_the_clock(s) for s in offer["schedules"]):
        return []
    comma = "، " if lang in ("ar", "fa") else ", "
    return [f"{format_skeleton('MEd', day, locale=lang)}{comma}{opens}–{closes}"
            for day, opens, closes in schedule.next_dates(offer, today, count)]


def age_range(low: int | None, high: int | None, _: Callable[..., str],
              ngettext: Callable[..., str]) -> str:
    """For whom, in words a parent reads at a glance: "3 Jahre bis 6 Jahre"."""

    def years(months: int) -> str:
        if months < 12:
            return ngettext("%(num)d Monat", "%(num)d Monate", months)
        return ngettext("%(num)d Jahr", "%(num)d Jahre", months // 12)

    if low is None and high is None:
        return _("für Familien mit Kindern jeden Alters")
    if high is not None and high < 0:
        return _("in der Schwangerschaft")
    # An upper bound of 71 months means "until the sixth birthday": say 6 years.
    upper = None if high is None else (high + 1 if high % 12 == 11 else high)
    if low is not None and low < 0 and upper is not None:
        return _("von der Schwangerschaft bis %(age)s", age=years(upper))
    low = max(low or 0, 0)
    if upper is None:
        return _("ab %(age)s", age=years(low))
    return _("%(low)s bis %(high)s", low=years(low) if low else "0", high=years(upper))


def schedule_lines(offer: dict, lang: str, _: Callable[..., str]) -> list[str]:
    """Opening hours as lines like "Mo., Mi. 09:00–12:00" or "05.12.2026 09:00–16:30";
    dated sessions that are over are left out."""
    names = get_day_names("abbreviated", locale=lang)
    today = dt.date.today().isoformat()
    lines = []
    for s in offer["schedules"]:
        if s["date"]:
            if s["date"] < today:
                continue
            when = format_date(dt.date.fromisoformat(s["date"]), "medium", locale=lang)
        else:
            days = [WEEKDAYS.index(d) for d in s["byday"]]
            if s.get("week_of_month"):
                wide = get_day_names("wide", locale=lang)
                when = ", ".join(_(MONTHLY[week], day=wide[d])
                                 for week in s["week_of_month"] for d in days)
            elif (s.get("every_weeks") or 1) > 1:
                when = _("alle %(num)d Wochen: %(days)s", num=s["every_weeks"],
                         days=", ".join(names[d] for d in days))
            elif days == list(range(7)):
                when = _("täglich")
            elif days == list(range(5)):
                when = _("Mo–Fr")
            else:
                when = ", ".join(names[d] for d in days)
        hours = _("rund um die Uhr") if (s["opens_at"], s["closes_at"]) == ("00:00", "23:59") \
            else f"{s['opens_at']}–{s['closes_at']}"
        lines.append(f"{when} {hours}")
    return lines


EMERGENCY_TITLE = N_("Hilfe sofort – Tag und Nacht")
EMERGENCY_INTRO = N_("Sie sind nicht allein. Hier hilft man Ihnen sofort, kostenlos und auf "
                     "Wunsch ohne Namen:")
EMERGENCY_DANGER = N_("In akuter Gefahr: 110 (Polizei) oder 112 (Rettungsdienst).")
EMERGENCY_LOCAL = N_("Hilfe in der Stadt")


def helpline_text(helpline: dict, field: str, lang: str) -> str:
    """A helpline's name, hours or audience in the reader's language, else German."""
    return helpline["translations"].get(lang, {}).get(field) or helpline[field]


def town_name(town: dict, lang: str) -> str:
    """The town's name as a language writes it (town.yaml's names), else as it is."""
    return town.get("names", {}).get(lang) or town.get("name", "")
