"""Ages: a child's age and an offer's age range, months in, whole years and words out.

Offers keep their range in months (`min_age_months`, `max_age_months`; pregnancy is
below 0), and count the way their own texts do: in completed years. An offer "for
8 to 14 years" has max_age_months 179, the last month before the 15th birthday, and
a 14-year-old fits it, a 15-year-old does not. Search, filters and every front end
use the rules here, so what a card says and what a search finds are the same range.
"""

from __future__ import annotations

from finder.i18n import N_, Nn_, t, tn
from finder.model.vocabulary import MAX_CHILD_AGE_YEARS


def year_months(years: int) -> tuple[int, int]:
    """The first and last month of a child's age in completed years (4 → 48..59)."""
    return years * 12, years * 12 + 11


def fits(low: int | None, high: int | None, age_months: int) -> bool:
    """Whether an age range takes a child of this age: the child's whole year counts,
    so a child of 3 years and 2 months fits an offer that starts at 3 ½."""
    first, last = year_months(age_months // 12)
    return (low is None or low <= last) and (high is None or high >= first)


def fits_pregnancy(low: int | None, high: int | None) -> bool:
    """Whether an age range includes the time before birth."""
    return (low is not None and low < 0) and (high is None or high >= -9)


def valid_child_age(years: object) -> bool:
    return isinstance(years, int) and not isinstance(years, bool) and \
        0 <= years <= MAX_CHILD_AGE_YEARS


# --- in words ---------------------------------------------------------------------------

ANY_AGE = N_("für Familien mit Kindern jeden Alters")
PREGNANCY = N_("in der Schwangerschaft")
UNDER_ONE = N_("unter 1 Jahr")

# Each form once per unit, (singular, plural) as gettext takes them; the number that
# chooses the plural form is the last one said, as CLDR's plural ranges do (1–3 года,
# 3–6 лет). Languages that decline after a preposition (ab 6 Jahren, с 6 лет) have
# their own form for "from" and "until".
FORMS = {
    ("years", "exact"): Nn_("%(num)d Jahr", "%(num)d Jahre"),
    ("years", "range"): Nn_("%(low)d–%(num)d Jahr", "%(low)d–%(num)d Jahre"),
    ("years", "from"): Nn_("ab %(num)d Jahr", "ab %(num)d Jahren"),
    ("years", "until"): Nn_("bis %(num)d Jahr", "bis %(num)d Jahre"),
    ("years", "pregnancy_until"): Nn_("von der Schwangerschaft bis %(num)d Jahr",
                                      "von der Schwangerschaft bis %(num)d Jahre"),
    ("months", "exact"): Nn_("%(num)d Monat", "%(num)d Monate"),
    ("months", "range"): Nn_("%(low)d–%(num)d Monat", "%(low)d–%(num)d Monate"),
    ("months", "from"): Nn_("ab %(num)d Monat", "ab %(num)d Monaten"),
    ("months", "until"): Nn_("bis %(num)d Monat", "bis %(num)d Monate"),
    ("months", "pregnancy_until"): Nn_("von der Schwangerschaft bis %(num)d Monat",
                                       "von der Schwangerschaft bis %(num)d Monate"),
}


def _unit(months: int) -> tuple[str, int]:
    """A bound as the offers' texts say it: whole years from the second birthday on
    (completed years: 179 months is 14), months before (18 months, not 1 year)."""
    if months >= 24 or (months >= 12 and months % 12 == 0):
        return "years", months // 12
    return "months", months


def _say(lang: str, unit: str, form: str, num: int, **more) -> str:
    singular, plural = FORMS[(unit, form)]
    return tn(lang, singular, plural, num, **more)


def age_range_words(low: int | None, high: int | None, lang: str) -> str:
    """For whom, in words a parent reads at a glance: "8–14 Jahre", "ab 16 Jahren",
    "bis 3 Jahre", «3–6 лет», "6–18 Monate", "von der Schwangerschaft bis 1 Jahr"."""
    if low is None and high is None:
        return t(lang, ANY_AGE)
    if high is not None and high < 0:
        return t(lang, PREGNANCY)
    if low is not None and low < 0:
        if high is None:
            return t(lang, ANY_AGE)
        unit, num = _unit(high)
        return _say(lang, unit, "pregnancy_until", num)
    low = low or 0
    if high is None:
        if low == 0:
            return t(lang, ANY_AGE)
        unit, num = _unit(low)
        return _say(lang, unit, "from", num)
    if low == 0:
        if high == 11:
            return t(lang, UNDER_ONE)
        unit, num = _unit(high)
        return _say(lang, unit, "until", num)
    low_unit, low_num = _unit(low)
    high_unit, high_num = _unit(high)
    if low_unit != high_unit:
        return f"{_say(lang, low_unit, 'from', low_num)} {_say(lang, high_unit, 'until', high_num)}"
    if low_num == high_num:
        return _say(lang, low_unit, "exact", low_num)
    return _say(lang, low_unit, "range", high_num, low=low_num)


def child_age_words(years: int, lang: str) -> str:
    """A child's age as a choice in a form: "unter 1 Jahr", "1 Jahr", "2 Jahre"."""
    if years == 0:
        return t(lang, UNDER_ONE)
    return _say(lang, "years", "exact", years)
