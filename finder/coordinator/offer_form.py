"""An offer as its provider reads and corrects it: the fields a provider knows, each as
the text of a form field and back as the content's value, checked with the content's
own rules (finder.content's patterns for phones, e-mail addresses, web addresses and
times; the spreadsheets' syntax for opening times, which the provider can read).

The provider page (finder.web.providers) shows these fields, the coordinator's review
shows a proposal field by field with show(), and an accepted field is written into the
provider file under its content keys.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from babel import Locale

from finder.content import EMAIL, PHONE, SPOKEN_LANGUAGE, URL
from finder.interop.sheet_mapping import Row
from finder.interop.sheet_records import _schedules as read_schedule_cell
from finder.interop.sheet_values import clean_phone
from finder.interop.sheets import format_schedules
from finder.model import MAX_MONTHS, MIN_MONTHS, Offer
from finder.model.ages import age_range_words

MAX_TEXT = 4000
"""Longest text a field takes (a description of a few paragraphs)."""
MAX_LINE = 300


class FieldError(ValueError):
    """A value the provider can correct; the message says how, in plain German."""


@dataclass(frozen=True)
class Field:
    name: str
    """The field's name in the form and in a proposal."""
    label: str
    """What the provider and the coordinator read (German)."""
    keys: tuple[str, ...]
    """The content keys it writes."""
    current: Callable[[Offer], dict[str, Any]]
    """The offer's values under those keys, as the content would say them."""
    read: Callable[[Mapping[str, Any], dict[str, Any]], dict[str, Any]]
    """The form's text as values under those keys (the current ones given); raises
    FieldError."""
    show: Callable[[dict[str, Any]], str]
    """The values in words, for the review."""
    hint: str = ""


def _text(form: Mapping[str, Any], name: str, limit: int = MAX_LINE) -> str:
    value = form.get(name) or ""
    if not isinstance(value, str):
        raise FieldError("Bitte nur Text eingeben.")
    value = value.replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise FieldError(f"Bitte höchstens {limit} Zeichen.")
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise FieldError("Der Text enthält Steuerzeichen.")
    return value


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _required(key: str, limit: int = MAX_LINE, lines: bool = False):
    def read(form, current):
        value = _text(form, key, limit)
        if not value:
            raise FieldError("Bitte ausfüllen: dieser Text wird immer gezeigt.")
        if _one_line(value) == _one_line(current.get(key) or ""):
            return {key: current.get(key)}      # only wrapped differently: unchanged
        return {key: value if lines else _one_line(value)}
    return read


def _optional(key: str, limit: int = MAX_LINE):
    def read(form, current):
        value = _one_line(_text(form, key, limit))
        if value == _one_line(current.get(key) or ""):
            return {key: current.get(key)}
        return {key: value or None}
    return read


def _plain(key: str):
    return lambda offer: {key: getattr(offer, key) or None}


def _said(key: str):
    return lambda values: values.get(key) or "–"


# --- opening times ---------------------------------------------------------------------

def schedule_lines(schedules: list[dict]) -> list[str]:
    """Each opening time as a line of the spreadsheets' syntax: "Di 09:00–11:30",
    "Mo–Fr 08:00–16:00", "2. Sa 10:00–13:00", "2027-01-21 19:00–20:30"."""
    return [format_schedules([s]) for s in schedules]


def _schedule_records(offer: Offer) -> list[dict]:
    records = []
    for s in offer.schedules:
        record = {"byday": list(s.byday) or None, "week_of_month": list(s.week_of_month) or None,
                  "every_weeks": s.every_weeks if s.every_weeks > 1 else None,
                  "first_date": s.first_date, "date": s.date, "opens_at": s.opens_at,
                  "closes_at": s.closes_at, "description": s.description}
        records.append({k: v for k, v in record.items() if v is not None})
    return records


def _read_schedules(form, current):
    text = _text(form, "schedules", MAX_TEXT)
    result = []
    for number, line in enumerate((x.strip() for x in text.split("\n")), start=1):
        if not line:
            continue
        row = Row("Zeiten", number, {"Zeiten": line.replace(";", ",")}, {})
        found = read_schedule_cell(row, "Zeiten")
        if row.problems or len(found) != 1:
            raise FieldError(f"Zeile {number} verstehen wir nicht: „{line}“. Schreiben Sie zum "
                             "Beispiel „Di 09:00–11:30“, „Mo–Fr 08:00–16:00“, „2. Sa "
                             "10:00–13:00“ (jeden 2. Samstag) oder „2027-01-21 19:00–20:30“.")
        result.append(found[0])
    # Unchanged lines keep their record exactly (the syntax has no room for, say, a
    # once-only date's note in another order).
    old = current.get("schedules") or []
    if [format_schedules([s]) for s in result] == [format_schedules([s]) for s in old]:
        return {"schedules": old}
    return {"schedules": result or None}


def _show_schedules(values):
    return "\n".join(schedule_lines(values.get("schedules") or [])) or "–"


# --- ages ------------------------------------------------------------------------------

def age_text(months: int | None, upper: bool) -> str:
    """An age bound as a provider says it: "3" (years), "18 Monate", "Schwangerschaft"."""
    if months is None:
        return ""
    if months < 0:
        return "Schwangerschaft" if months == (-1 if upper else -9) else \
            f"{-months} Monate vor der Geburt"
    if (months + 1 if upper else months) % 12 == 0:
        return str((months + 1) // 12 - 1 if upper else months // 12)
    return f"{months} Monate"


def _age_months(text: str, upper: bool) -> int | None:
    text = " ".join(text.lower().split()).removesuffix(".")
    if not text:
        return None
    if text in ("schwangerschaft", "in der schwangerschaft"):
        return -1 if upper else -9
    found = re.fullmatch(r"(\d{1,2}) (?:monate?|mon|m) vor der geburt", text)
    if found:
        return -int(found[1])
    found = re.fullmatch(r"(\d{1,3}) ?(?:monate?|mon|m)", text)
    if found:
        return int(found[1])
    found = re.fullmatch(r"(\d{1,2})(?: ?(?:jahre?n?|j))?", text)
    if found:
        years = int(found[1])
        return years * 12 + 11 if upper else years * 12
    raise FieldError(f"„{text}“ verstehen wir nicht als Alter. Schreiben Sie eine Zahl von "
                     "Jahren (3), Monate (18 Monate) oder Schwangerschaft.")


def _read_ages(form, current):
    low = _age_months(_text(form, "age_from"), upper=False)
    high = _age_months(_text(form, "age_to"), upper=True)
    for value in (low, high):
        if value is not None and not MIN_MONTHS <= value <= MAX_MONTHS:
            raise FieldError("Das Alter geht von der Schwangerschaft bis 26 Jahre.")
    if low is not None and high is not None and low > high:
        raise FieldError("Das Alter „von“ ist größer als „bis“.")
    return {"min_age_months": low, "max_age_months": high}


def _show_ages(values):
    return age_range_words(values.get("min_age_months"), values.get("max_age_months"), "de")


# --- cost, languages, contact, registration, places -------------------------------------

def _read_cost(form, current):
    free = form.get("free")
    if free not in ("yes", "no"):
        raise FieldError("Bitte wählen: kostenlos oder nicht.")
    fees = _one_line(_text(form, "fees_description")) or None
    if free == "no" and not fees:
        raise FieldError("Bitte schreiben Sie, was es kostet.")
    return {"free": free == "yes", "fees_description": fees}


def _show_cost(values):
    said = "kostenlos" if values.get("free") else "kostet etwas"
    return f"{said}: {values['fees_description']}" if values.get("fees_description") else said


def _read_languages(form, current):
    chosen = form.get("languages") or []
    chosen = [chosen] if isinstance(chosen, str) else list(chosen)
    if not chosen or not all(isinstance(c, str) and SPOKEN_LANGUAGE.match(c) for c in chosen):
        raise FieldError("Bitte mindestens eine Sprache wählen.")
    old = current.get("languages") or []
    if set(chosen) == set(old):
        return {"languages": old}
    return {"languages": [c for c in old if c in chosen] + [c for c in chosen if c not in old]}


def language_names(codes) -> str:
    names = Locale("de").languages
    return ", ".join(names.get(c, c) for c in codes)


def _read_phones(form, current):
    parts = [clean_phone(p) for p in re.split(r"[;,\n]", _text(form, "phones")) if p.strip()]
    for phone in parts:
        if not PHONE.match(phone):
            raise FieldError(f"„{phone}“ ist keine Telefonnummer wie 069 90009 340.")
    old = current.get("phones") or []
    return {"phones": old if parts == old else parts or None}


def _read_email(form, current):
    value = _text(form, "email").removeprefix("mailto:")
    if value and not EMAIL.match(value):
        raise FieldError(f"„{value}“ ist keine E-Mail-Adresse.")
    return {"email": value or None}


def _read_url(form, current):
    value = _text(form, "url")
    if value and not re.match(r"^https?://", value, re.IGNORECASE):
        value = "https://" + value
    if value and not URL.match(value):
        raise FieldError(f"„{value}“ ist keine Webadresse wie https://www.beispiel.de.")
    return {"url": value or None}


def _read_registration(form, current):
    needed = form.get("registration")
    if needed not in ("yes", "no"):
        raise FieldError("Bitte wählen: mit oder ohne Anmeldung.")
    return {"registration_required": needed == "yes",
            "application_process": _one_line(_text(form, "application_process")) or None}


def _show_registration(values):
    said = "Anmeldung nötig" if values.get("registration_required") else "ohne Anmeldung"
    return f"{said}: {values['application_process']}" if values.get("application_process") else said


PLACE_FIELDS = ("name", "address_1", "postal_code")


def _places(offer: Offer) -> dict[str, Any]:
    return {"locations": [{k: v for k, v in loc.as_record().items() if v not in (None, "")}
                          for loc in offer.locations] or None}


def _read_places(form, current):
    old = current.get("locations") or []
    new = []
    for index, place in enumerate(old):
        changed = dict(place)
        for key in PLACE_FIELDS:
            value = _one_line(_text(form, f"place{index}_{key}", 120))
            if key == "postal_code" and value and not re.fullmatch(r"\d{5}", value):
                raise FieldError(f"„{value}“ ist keine Postleitzahl.")
            if key == "address_1" and not value:
                raise FieldError("Bitte Straße und Hausnummer angeben.")
            if value:
                changed[key] = value
            else:
                changed.pop(key, None)
        new.append(changed)
    return {"locations": new or None}


def _show_places(values):
    return "\n".join(", ".join(x for x in (p.get("name"), p.get("address_1"),
                                          f"{p.get('postal_code') or ''} {p.get('city') or ''}".strip())
                               if x) for p in values.get("locations") or []) or "–"


def _read_valid_to(form, current):
    text = _text(form, "valid_to")
    if not text:
        return {"valid_to": None}
    german = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    try:
        day = dt.date(int(german[3]), int(german[2]), int(german[1])) if german \
            else dt.date.fromisoformat(text)
    except ValueError:
        raise FieldError(f"„{text}“ ist kein Datum wie 31.12.2027.") from None
    return {"valid_to": day.isoformat()}


def _show_date(values):
    day = values.get("valid_to")
    return dt.date.fromisoformat(day).strftime("%d.%m.%Y") if day else "unbefristet"


FIELDS: tuple[Field, ...] = (
    Field("name", "Name des Angebots", ("name",), _plain("name"), _required("name"), _said("name")),
    Field("summary", "Kurz gesagt (ein Satz)", ("summary",), _plain("summary"),
          _required("summary"), _said("summary")),
    Field("description", "Beschreibung", ("description",), _plain("description"),
          _required("description", MAX_TEXT, lines=True), _said("description"),
          "Ein paar kurze Absätze: was passiert, für wen, was man mitbringt."),
    Field("schedules", "Zeiten", ("schedules",), lambda o: {"schedules": _schedule_records(o)},
          _read_schedules, _show_schedules,
          "Eine Zeit pro Zeile, zum Beispiel: Di 09:00–11:30 · Mo–Fr 08:00–16:00 · "
          "2. Sa 10:00–13:00 (jeden 2. Samstag im Monat) · 2027-01-21 19:00–20:30 (einmal)"),
    Field("schedule_description", "Zeiten in Worten (freiwillig)", ("schedule_description",),
          _plain("schedule_description"), _optional("schedule_description"),
          _said("schedule_description"), "Zum Beispiel: in den Schulferien geschlossen."),
    Field("valid_to", "Gibt es bis (freiwillig)", ("valid_to",), _plain("valid_to"),
          _read_valid_to, _show_date, "Leer lassen, wenn das Angebot weiterläuft."),
    Field("ages", "Alter", ("min_age_months", "max_age_months"),
          lambda o: {"min_age_months": o.min_age_months, "max_age_months": o.max_age_months},
          _read_ages, _show_ages,
          "In Jahren (3), für Babys in Monaten (18 Monate), oder Schwangerschaft; leer: jedes Alter."),
    Field("cost", "Kosten", ("free", "fees_description"),
          lambda o: {"free": o.free, "fees_description": o.fees_description},
          _read_cost, _show_cost),
    Field("languages", "Sprachen, die dort gesprochen werden", ("languages",),
          lambda o: {"languages": list(o.languages)}, _read_languages,
          lambda v: language_names(v.get("languages") or [])),
    Field("phones", "Telefon", ("phones",), lambda o: {"phones": list(o.phones) or None},
          _read_phones, lambda v: ", ".join(v.get("phones") or []) or "–",
          "Mehrere Nummern mit Komma trennen."),
    Field("email", "E-Mail", ("email",), _plain("email"), _read_email, _said("email")),
    Field("url", "Webseite", ("url",), _plain("url"), _read_url, _said("url")),
    Field("registration", "Anmeldung", ("registration_required", "application_process"),
          lambda o: {"registration_required": o.registration_required,
                     "application_process": o.application_process},
          _read_registration, _show_registration),
    Field("places", "Ort", ("locations",), _places, _read_places, _show_places),
)
BY_NAME = {f.name: f for f in FIELDS}


def current(offer: Offer, town: str = "") -> dict[str, dict[str, Any]]:
    """Per field, the offer's values under its content keys (a place in the town itself
    says no city: the content leaves it out)."""
    values = {f.name: f.current(offer) for f in FIELDS}
    for place in values["places"]["locations"] or []:
        if place.get("city") == town:
            place.pop("city")
    return values


def form_values(offer: Offer) -> dict[str, Any]:
    """The text of each form field, as the provider sees it first."""
    values = {
        "name": offer.name, "summary": offer.summary, "description": offer.description,
        "schedules": "\n".join(schedule_lines(_schedule_records(offer))),
        "schedule_description": offer.schedule_description or "",
        "valid_to": offer.valid_to or "",
        "age_from": age_text(offer.min_age_months, upper=False),
        "age_to": age_text(offer.max_age_months, upper=True),
        "free": "yes" if offer.free else "no", "fees_description": offer.fees_description or "",
        "languages": list(offer.languages), "phones": ", ".join(offer.phones),
        "email": offer.email or "", "url": offer.url or "",
        "registration": "yes" if offer.registration_required else "no",
        "application_process": offer.application_process or "",
    }
    for index, place in enumerate(offer.locations):
        for key in PLACE_FIELDS:
            values[f"place{index}_{key}"] = getattr(place, key) or ""
    return values


@dataclass(frozen=True)
class Reading:
    """What a provider's form says: the fields that changed (old and new values under
    their content keys) and the fields that could not be read, with why."""

    changes: dict[str, dict[str, dict[str, Any]]]
    errors: dict[str, str]


def read(offer: Offer, form: Mapping[str, Any], town: str = "") -> Reading:
    """The form against the offer: what changed, and what cannot be taken as it is."""
    changes, errors = {}, {}
    before = current(offer, town)
    for field in FIELDS:
        try:
            new = field.read(form, before[field.name])
        except FieldError as error:
            errors[field.name] = str(error)
            continue
        if _normal(new) != _normal(before[field.name]):
            changes[field.name] = {"old": before[field.name], "new": new}
    return Reading(changes, errors)


def _normal(values: dict[str, Any]) -> dict[str, Any]:
    """Values compared as the content reads them: empty is the same as missing."""
    return {k: v for k, v in values.items() if v is not None and v is not False
            and v != "" and v != []}


def show(field: str, values: dict[str, Any]) -> str:
    return BY_NAME[field].show(values)
