"""Values as lists write them, read without a mapping table: ages ("3-6 Jahre", "ab 12",
"U3", "Schulkinder"), yes and no ("ja", "x", "✓", "nein", "-"), German dates, phone
numbers with slashes and dashes, weekdays and times ("Mo-Fr 8-16 Uhr", "dienstags
9:30-11 Uhr"), costs ("kostenlos", "5 € im Monat") and languages by code or German name.

Each reader returns our value or raises Unreadable with a message that shows the forms
it understands; finder.interop.sheet_records names the cell.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from finder.content import PHONE, SPOKEN_LANGUAGE, TIME
from finder.model import EXPECTING_MONTHS, MAX_MONTHS

WEEKDAY_IDS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class Unreadable(ValueError):
    """A cell that says something in a form this module does not read."""


# --- ages ---------------------------------------------------------------------------

AGE_FORMS = ("3-6 Jahre, 3 bis 6, ab 12, bis 10, 6-18 Monate, U3, Ü3, Schulkinder (6–15 Jahre), "
             "Schwangerschaft, or 0-99 for every age")
NAMED_AGES: dict[str, tuple[int | None, int | None]] = {
    "schulkinder": (72, 191),
    "grundschulkinder": (72, 119),
    "schwangere": EXPECTING_MONTHS,
    "schwangerschaft": EXPECTING_MONTHS,
    "werdende eltern": EXPECTING_MONTHS,
    "alle": (None, None),
    "alle altersgruppen": (None, None),
    "jedes alter": (None, None),
    "ohne altersgrenze": (None, None),
}
"""Ages lists name in words. "Schulkinder" is a default of ours: 6 to 15 years, the
primary and secondary school phases; a town whose list means otherwise maps the word."""
_NUMBER = r"(\d{1,2})"
_AGE_UNIT = re.compile(r"\s*\b(jahren|jahre|jahr|j\.|j|monaten|monate|monat|mon\.|m\.)\s*$")
_PREGNANCY_UNTIL = re.compile(rf"^(?:ab\s+)?(?:der\s+)?schwangerschaft\s*(?:-|bis)\s*{_NUMBER}$")


def ages(text: str) -> tuple[int | None, int | None]:
    """An age range in months (None: open) from the words of a list's age column."""
    said = " ".join(text.casefold().replace("–", "-").replace("—", "-").split()).strip(" .")
    if not said:
        return None, None
    if said in NAMED_AGES:
        return NAMED_AGES[said]
    unit = _AGE_UNIT.search(said)
    months = bool(unit) and unit[1].startswith("m")
    if unit:
        said = said[:unit.start()].strip()
    found = _PREGNANCY_UNTIL.match(said)
    if found:
        return EXPECTING_MONTHS[0], _last(int(found[1]), months)
    for pattern, make in _AGE_PATTERNS:
        found = re.fullmatch(pattern, said)
        if found:
            low, high = make(*(int(g) for g in found.groups()), months)
            return _checked(text, low, high)
    raise Unreadable(f"{text!r} is not an age in a form this import reads: {AGE_FORMS}")


def _first(number: int, months: bool) -> int:
    return number if months else number * 12


def _last(number: int, months: bool) -> int:
    """The last month of an age: "bis 6 Jahre" counts in completed years, up to 83 months."""
    return number if months else number * 12 + 11


_AGE_PATTERNS = (
    (rf"(?:u|unter)\s*{_NUMBER}", lambda n, m: (0, _first(n, m) - 1)),
    (rf"(?:ü|ue|über|ueber)\s*{_NUMBER}", lambda n, m: (_first(n, m), None)),
    (rf"(?:ab|von)\s*{_NUMBER}", lambda n, m: (_first(n, m), None)),
    (rf"bis\s*{_NUMBER}", lambda n, m: (0, _last(n, m))),
    (rf"(?:von\s*)?{_NUMBER}\s*(?:-|bis)\s*{_NUMBER}", lambda a, b, m: (_first(a, m), _last(b, m))),
    (_NUMBER, lambda n, m: (_first(n, m), _last(n, m))),
)


def _checked(text: str, low: int | None, high: int | None) -> tuple[int | None, int | None]:
    """0-99 is every age; an upper bound past the oldest age we keep leaves it open."""
    if high is not None and high > MAX_MONTHS:
        high = None
    if low == 0 and high is None:
        return None, None
    if low is not None and low > MAX_MONTHS:
        raise Unreadable(f"{text!r}: the finder keeps ages up to {MAX_MONTHS // 12} years")
    if low is not None and high is not None and low > high:
        raise Unreadable(f"{text!r}: the age range ends before it starts")
    return low, high


# --- yes and no, dates ------------------------------------------------------------------

YES = {"ja", "j", "yes", "y", "x", "1", "true", "wahr", "✓", "✔", "☑", "✅", "vorhanden"}
NO = {"nein", "n", "no", "0", "false", "falsch", "-", "–", "—", "✗", "✘", "❌", "nicht vorhanden"}
YES_NO_FORMS = "ja, x or ✓ for yes; nein or - for no"


def yes_no(text: str) -> bool | None:
    """True, False, or None for an empty cell."""
    said = text.strip().casefold()
    if not said:
        return None
    if said in YES:
        return True
    if said in NO:
        return False
    raise Unreadable(f"{text!r} must be yes or no: {YES_NO_FORMS}")


MONTHS_DE = ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
             "oktober", "november", "dezember")
DATE_FORMS = "31.01.2027, 31.1.27, 31. Januar 2027 or 2027-01-31"


def date(text: str) -> str | None:
    """An ISO date from the ways German lists write one; None for an empty cell."""
    said = text.strip()
    if not said:
        return None
    day = date_or_none(said)
    if day is None:
        raise Unreadable(f"{text!r} is not a date like {DATE_FORMS}")
    return day


def date_or_none(text: str) -> str | None:
    said = text.strip().casefold()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}(t.*)?", said):
            return dt.date.fromisoformat(said[:10]).isoformat()
        found = re.fullmatch(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4}|\d{2})", said)
        if found:
            year = int(found[3]) + (2000 if len(found[3]) == 2 else 0)
            return dt.date(year, int(found[2]), int(found[1])).isoformat()
        found = re.fullmatch(r"(\d{1,2})\.\s*([a-zä]+)\s+(\d{4})", said)
        if found and found[2] in MONTHS_DE:
            return dt.date(int(found[3]), MONTHS_DE.index(found[2]) + 1, int(found[1])).isoformat()
    except ValueError:
        return None
    return None


# --- phones ----------------------------------------------------------------------------

_PHONE_LABEL = re.compile(r"^(tel(efon)?|fon|mobil|handy|festnetz)\.?\s*:?\s*", re.IGNORECASE)


def clean_phone(text: str) -> str:
    """Phone numbers as lists write them: a "Tel.:" in front, dashes of every kind, dots,
    runs of spaces, a town's prefix put in front of a number that already had the
    country code (+4930+4930…)."""
    text = _PHONE_LABEL.sub("", text.strip())
    text = text.replace("–", "-").replace("—", "-").replace(".", " ")
    if text.count("+") > 1:
        text = "+" + text.rsplit("+", 1)[1]
    return " ".join(text.split())


def phones(text: str) -> tuple[list[str], list[str]]:
    """(the numbers, the parts that are no phone number) of a cell with one or several
    numbers, separated by semicolons, commas, line breaks or "oder"."""
    good, bad = [], []
    for part in re.split(r"[;,\n]|\boder\b", text):
        if not part.strip():
            continue
        phone = clean_phone(part)
        (good if PHONE.match(phone) else bad).append(phone if PHONE.match(phone) else part.strip())
    return good, bad


# --- weekdays and times ----------------------------------------------------------------

DAY_NAMES: dict[str, int] = {}
for _i, (_short, _long) in enumerate(zip(("mo", "di", "mi", "do", "fr", "sa", "so"), (
        "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"))):
    DAY_NAMES.update({_short: _i, _long: _i, _long + "s": _i, WEEKDAY_IDS[_i].casefold(): _i})
DAY_NAMES.update({"sonnabend": 5, "sonnabends": 5})
SCHEDULE_FORMS = ("Mo–Fr 07:30–16:00, Mo-Fr 8-16 Uhr, dienstags 9:30-11 Uhr, Mo, Mi 9–12; "
                  "2. Di 09:30–11:30 (second Tuesday of a month, also 1./3. Mi or letzter Sa); "
                  "alle 2 Wochen ab 14.11.2026 Sa 15:00–17:30; 21.01.2027 19:00–20:30")
_TIME = r"\d{1,2}(?:[:.]\d{2})?"
SCHEDULE = re.compile(
    rf"^(?P<when>.+?)[\s,:]+(?:von\s+)?(?P<opens>{_TIME})\s*(?:Uhr)?\s*(?:-|–|—|bis)\s*"
    rf"(?P<closes>{_TIME})(?:\s*Uhr)?\s*(?:\((?P<note>[^)]*)\))?$", re.IGNORECASE)
MONTHLY = re.compile(r"^(?P<weeks>(?:(?:[1-5]\.|letzte[rns]?)\s*(?:/|,|und)?\s*)+)\s+(?P<days>\D.*)$",
                     re.IGNORECASE)
EVERY = re.compile(r"^alle\s+(?P<n>[2-8])\s+Wochen\s+ab\s+(?P<first>[\d.-]+)\s+(?P<days>.+)$",
                   re.IGNORECASE)
_NEXT_DAY = re.compile(r"(?:,|;|\bund\b)\s*(?=(?:mo|di|mi|do|fr|sa|so)[a-z]*\.?(?:\s|-|–|,|$))",
                       re.IGNORECASE)


def schedule_parts(text: str) -> list[str]:
    """A cell's times, one part a line: split at semicolons and line breaks, and where a
    comma or "und" is followed by the next day with its own times ("Mo-Do 9-12, Fr 9-11")."""
    parts = []
    for chunk in re.split(r"[;\n]", text):
        pieces = [p.strip() for p in _NEXT_DAY.split(chunk) if p.strip()]
        pending = ""
        for piece in pieces:
            pending = f"{pending}, {piece}" if pending else piece
            if re.search(r"\d", pending) and SCHEDULE.match(pending):
                parts.append(pending)
                pending = ""
        if pending:
            parts.append(pending)
    return parts


def schedule(part: str) -> dict[str, Any]:
    """One weekly, monthly, fortnightly or dated time of an offer in the content's shape."""
    found = SCHEDULE.match(part.strip())
    if not found:
        raise Unreadable(f"{part!r} is not a day and time like {SCHEDULE_FORMS}")
    when = found["when"].strip(" ,:")
    when = re.sub(r"\s+von$", "", when, flags=re.IGNORECASE)
    item: dict[str, Any] = {}
    monthly, every = MONTHLY.match(when), EVERY.match(when)
    if monthly:
        item["week_of_month"] = sorted({-1 if last else int(n) for n, last in
                                        re.findall(r"([1-5])\.|(letzte)", monthly["weeks"])})
        when = monthly["days"]
    elif every:
        first = date_or_none(every["first"])
        if first is None:
            raise Unreadable(f"{every['first']!r} is not a date like {DATE_FORMS}")
        item["every_weeks"], item["first_date"] = int(every["n"]), first
        when = every["days"]
    day = date_or_none(when)
    if day and not (monthly or every):
        item["date"] = day
    else:
        item["byday"] = [WEEKDAY_IDS[d] for d in weekdays(when)]
    opens, closes = _time(found["opens"]), _time(found["closes"])
    if not TIME.match(opens) or not TIME.match(closes) or closes <= opens:
        raise Unreadable(f"{part!r}: opening hours must be like 09:00–12:30")
    item["opens_at"], item["closes_at"] = opens, closes
    if found["note"]:
        item["description"] = found["note"].strip()
    return item


def weekdays(text: str) -> list[int]:
    """The days of "Mo–Fr", "Mo, Mi", "Mo + Do", "montags und mittwochs" (0 is Monday)."""
    days: list[int] = []
    for piece in re.split(r"\s*(?:,|\+|/|&|\bund\b)\s*", text.casefold()):
        span = [s.strip(" .") for s in re.split(r"\s*(?:-|–|—|\bbis\b)\s*", piece)]
        if not piece.strip() or len(span) > 2 or not all(s in DAY_NAMES for s in span):
            raise Unreadable(f"{text!r} names no weekdays (Mo, Di, Mi, Do, Fr, Sa, So, or "
                             "Montag, dienstags …) or date")
        first, last = DAY_NAMES[span[0]], DAY_NAMES[span[-1]]
        days += list(range(first, last + 1)) if first <= last else []
    if not days:
        raise Unreadable(f"{text!r} names no weekdays in order (Mo–Fr, not Fr–Mo)")
    return sorted(set(days))


def _time(text: str) -> str:
    hours, _, minutes = text.replace(".", ":").partition(":")
    return f"{int(hours):02d}:{minutes or '00'}"


def names_no_time(text: str) -> bool:
    """A times cell without a single digit ("nach Vereinbarung") is a note, not a time."""
    return bool(text.strip()) and not re.search(r"\d", text)


# --- costs and languages ---------------------------------------------------------------

FREE_WORDS = {"kostenlos", "kostenfrei", "gratis", "frei", "umsonst", "entgeltfrei", "keine",
              "keine kosten", "0", "0 €", "0,00 €", "0 euro", "0,-", "-"}


def is_free_text(text: str) -> bool:
    return " ".join(text.casefold().split()).strip(" .") in FREE_WORDS


def names_an_amount(text: str) -> bool:
    return bool(re.search(r"\d", text)) or "€" in text or "euro" in text.casefold()


@lru_cache(maxsize=1)
def _language_codes() -> dict[str, str]:
    """German language names (Babel's) → codes: "türkisch" → tr."""
    from babel import Locale

    names = {name.casefold(): code for code, name in Locale.parse("de").languages.items()
             if SPOKEN_LANGUAGE.match(code)}
    # Lists write the adjective more often than the noun.
    names.update({"deutsch": "de", "englisch": "en", "türkisch": "tr", "arabisch": "ar",
                  "russisch": "ru", "ukrainisch": "uk", "persisch": "fa", "farsi": "fa",
                  "dari": "prs", "kurdisch": "ku", "polnisch": "pl", "rumänisch": "ro",
                  "französisch": "fr", "spanisch": "es", "italienisch": "it",
                  "gebärdensprache": "gsg"})
    return names


def languages(text: str) -> tuple[list[str], list[str]]:
    """(codes, parts that name no language) of "de, tr", "Deutsch, Türkisch", "deutsch/englisch"."""
    codes, bad = [], []
    for part in re.split(r"\s*(?:,|;|/|\+|&|\bund\b)\s*", text.strip()):
        if not part:
            continue
        code = part if SPOKEN_LANGUAGE.match(part) else _language_codes().get(part.casefold())
        if code is None:
            bad.append(part)
        elif code not in codes:
            codes.append(code)
    return codes, bad
