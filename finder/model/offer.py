"""Offers, providers and the places offers are held at, with every rule about them.

An `Offer` is made once from the record a build keeps (the same record the content
files give) and then only asked: its text in a language, whether it is current or
stale on a day, its next dates, whether a wheelchair gets in, how it is attended,
its ages in words. The website, the desk, the slip, the API, the bot and the
coordinator all ask these questions here, so that each is answered one way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from finder.model import ages, words
from finder.model.schedule import NO_HOLIDAYS, Closure, Holidays, Schedule, next_dates

STALE_DAYS = 365
"""An offer nobody has confirmed for longer than this is shown with a note."""

ATTENDANCE = ("in_person", "online", "phone", "at_home", "outreach", "accompanying")
"""How a family takes part: at a place; online; by phone; someone comes to the family's
home; someone comes to the child's Kita or school (outreach); someone goes with the
family to appointments."""
REMOTE = frozenset({"online", "phone"})
COMES_TO_FAMILY = frozenset({"at_home", "outreach", "accompanying"})
"""Offers that come to the family count where they serve, not where their office is."""

TRANSLATABLE = {
    "provider": ("name", "description", "accessibility"),
    "offer": ("name", "summary", "description", "application_process", "fees_description",
              "schedule_description"),
}
"""The texts of providers and offers that can be translated."""


TRANSLATION_STATES = ("original", "missing", "unreviewed", "outdated", "reviewed")
"""How far a reader can trust a text in their language: the German itself; no translation
(the German is shown); translated but nobody has checked it against the German yet (or it
was edited since); made or checked from a German text that has changed since
(Offer.outdated_translation); checked against the German as it is."""


def fingerprint(texts: Iterable[str | None]) -> str:
    """A short fingerprint of some texts, blind to line breaks and spacing: a review records
    the translation it checked, so that an edit to it later shows."""
    joined = "\x1f".join(" ".join((text or "").split()) for text in texts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:12]


def translation_fingerprint(kind: str, translated: dict[str, str]) -> str:
    """What a review records of the translation it checked: one fingerprint of its texts,
    field by field in a fixed order. (The German it checked against is named per text by
    translated_from, the marks outdated_translation reads.)"""
    return fingerprint(translated.get(k) for k in sorted(TRANSLATABLE[kind]))


def is_current(valid_from: str | None, valid_to: str | None, day: dt.date) -> bool:
    """Whether an offer runs on that day: from valid_from to valid_to, both included;
    without them it runs until further notice."""
    iso = day.isoformat()
    return (valid_from is None or valid_from <= iso) and (valid_to is None or valid_to >= iso)


def is_stale(assured_date: str | None, day: dt.date) -> bool:
    """Whether nobody has confirmed the offer for over STALE_DAYS (or ever)."""
    return assured_date is None or assured_date < (day - dt.timedelta(days=STALE_DAYS)).isoformat()


def text_hash(text: str | None) -> str:
    """A short mark of a German text, the same however its lines are wrapped: a
    translation file keeps it as `translated_from`, naming the German it was made from."""
    plain = " ".join((text or "").split())
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()[:8]


def _outdated(record, lang: str) -> tuple[str, ...]:
    """The texts whose translation into lang was made from another German text than
    today's (the translation file says which by translated_from); a translation without
    that mark is not known to be older."""
    marks = record.translated_from.get(lang, {})
    translated = record.translations.get(lang, {})
    return tuple(key for key, mark in marks.items()
                 if translated.get(key) and mark != text_hash(getattr(record, key)))


def _text_in(record, translations: dict, key: str, lang: str) -> tuple[str, bool]:
    """A text in lang, else the German; and whether it fell back to German."""
    if lang != "de":
        translated = translations.get(lang, {}).get(key)
        if translated:
            return translated, False
    german = getattr(record, key) or ""
    return german, lang != "de" and bool(german)


def _state(record, kind: str, lang: str) -> str:
    """The one answer to "can a reader trust this translation?" (TRANSLATION_STATES): older
    than the German by the same marks as outdated_translation; else reviewed only if a
    review checked exactly these texts."""
    if lang == "de":
        return "original"
    translated = record.translations.get(lang, {})
    if not any(translated.values()):
        return "missing"
    if _outdated(record, lang):
        return "outdated"
    review = record.reviews.get(lang)
    if not review or review.get("translation") != translation_fingerprint(kind, translated):
        return "unreviewed"
    return "reviewed"


@dataclass(frozen=True, eq=False)
class Location:
    """A place where an offer is held or a provider has its office."""

    address_1: str
    postal_code: str = ""
    city: str = ""
    name: str | None = None
    district: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    accessibility: str | None = None
    wheelchair_accessible: bool | None = None
    """True or False where someone said so; None where nothing is known."""

    @classmethod
    def from_record(cls, record: dict) -> Location:
        return cls(address_1=record.get("address_1") or "",
                   postal_code=str(record.get("postal_code") or ""),
                   city=record.get("city") or "", name=record.get("name"),
                   district=record.get("district"), latitude=record.get("latitude"),
                   longitude=record.get("longitude"), accessibility=record.get("accessibility"),
                   wheelchair_accessible=record.get("wheelchair_accessible"))

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def address_lines(self) -> list[str]:
        lines = [self.name or "", self.address_1, f"{self.postal_code} {self.city}".strip()]
        return [line for line in lines if line]

    def as_record(self) -> dict:
        return {"name": self.name, "address_1": self.address_1, "postal_code": self.postal_code,
                "city": self.city, "district": self.district, "latitude": self.latitude,
                "longitude": self.longitude, "accessibility": self.accessibility,
                "wheelchair_accessible": self.wheelchair_accessible}


@dataclass(frozen=True, eq=False)
class Provider:
    id: str
    name: str
    kind: str | None = None
    description: str | None = None
    website: str | None = None
    email: str | None = None
    phones: tuple[str, ...] = ()
    location: Location | None = None
    accessibility: str | None = None
    translations: dict = field(default_factory=dict)
    translated_by: dict = field(default_factory=dict)
    reviews: dict = field(default_factory=dict)
    """Per language, the review of its texts: by whom, on which day, and the fingerprints
    of the German and of the translation it checked."""
    closures: tuple[Closure, ...] = ()
    source: str = ""
    translated_from: dict = field(default_factory=dict)
    """Per language, per text: the hash of the German the translation was made from."""

    @classmethod
    def from_record(cls, record: dict) -> Provider:
        location = record.get("location")
        return cls(id=record["id"], name=record["name"], kind=record.get("kind"),
                   description=record.get("description"), website=record.get("website"),
                   email=record.get("email"), phones=tuple(record.get("phones") or ()),
                   location=Location.from_record(location) if location else None,
                   accessibility=record.get("accessibility"),
                   translations=record.get("translations") or {},
                   translated_by=record.get("translated_by") or {},
                   reviews=record.get("reviews") or {},
                   closures=tuple(Closure.from_record(c) for c in record.get("closures") or ()),
                   source=record.get("source") or "",
                   translated_from=record.get("translated_from") or {})

    def text_in(self, key: str, lang: str) -> tuple[str, bool]:
        """A text in lang, and whether it is the German because there is no translation."""
        return _text_in(self, self.translations, key, lang)

    def translation_state(self, lang: str) -> str:
        """Whether the provider's texts in lang are the German, missing, unreviewed, older
        than the German or reviewed (TRANSLATION_STATES)."""
        return _state(self, "provider", lang)

    def text(self, key: str, lang: str) -> str:
        return self.text_in(key, lang)[0]

    def outdated_translation(self, lang: str) -> tuple[str, ...]:
        """The texts whose translation into lang is older than their German."""
        return _outdated(self, lang)

    def as_record(self, lang: str = "de") -> dict:
        """The provider as a plain record (the content's shape), texts in lang."""
        record = {k: getattr(self, k) for k in ("id", "name", "kind", "description", "website",
                                                "email", "accessibility", "source")}
        record.update(phones=list(self.phones), translations=self.translations,
                      translated_by=self.translated_by,
                      location=self.location.as_record() if self.location else None,
                      closures=[{"from": c.first, "to": c.last, "note": c.note}
                                for c in self.closures])
        record.update({k: self.text(k, lang) or getattr(self, k)
                       for k in TRANSLATABLE["provider"]})
        return record


@dataclass(frozen=True, eq=False)
class Offer:
    id: str
    provider_id: str
    name: str
    summary: str
    description: str
    topics: tuple[str, ...]
    phases: tuple[str, ...]
    min_age_months: int | None = None
    max_age_months: int | None = None
    audience: str = "child"
    attending_type: str = "in_person"
    service_areas: tuple[str, ...] = ()
    locations: tuple[Location, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    schedule_description: str | None = None
    free: bool = False
    fees_description: str | None = None
    languages: tuple[str, ...] = ("de",)
    phones: tuple[str, ...] = ()
    email: str | None = None
    url: str | None = None
    registration_required: bool = False
    application_process: str | None = None
    capacity: int | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    assured_date: str | None = None
    translations: dict = field(default_factory=dict)
    translated_by: dict = field(default_factory=dict)
    reviews: dict = field(default_factory=dict)
    """Per language, the review of its texts: by whom, on which day, and the fingerprints
    of the German and of the translation it checked."""
    closures: tuple[Closure, ...] = ()
    """The offer's own closures and its provider's."""
    open_on_holidays: bool = False
    first_contact: bool = False
    """A place that helps with any question (a family office, first-contact advice, the
    youth office's social service, a family centre): shown first when nothing fits exactly."""
    holidays: Holidays = NO_HOLIDAYS
    """The public holidays of the town's Land: no session takes place on them."""
    source: str = ""
    translated_from: dict = field(default_factory=dict)
    """Per language, per text: the hash of the German the translation was made from."""

    @classmethod
    def from_record(cls, record: dict, holidays: Holidays = NO_HOLIDAYS,
                    provider_closures: tuple[Closure, ...] = ()) -> Offer:
        """An offer from its record (as the content gives it and the build keeps it)."""
        own = tuple(Closure.from_record(c) for c in record.get("closures") or ())
        return cls(
            id=record["id"], provider_id=record["provider_id"], name=record["name"],
            summary=record["summary"], description=record["description"],
            topics=tuple(record["topics"]), phases=tuple(record["phases"]),
            min_age_months=record.get("min_age_months"),
            max_age_months=record.get("max_age_months"),
            audience=record.get("audience") or "child",
            attending_type=record.get("attending_type") or "in_person",
            service_areas=tuple(record.get("service_areas") or ()),
            locations=tuple(Location.from_record(x) for x in record.get("locations") or ()),
            schedules=tuple(Schedule.from_record(s) for s in record.get("schedules") or ()),
            schedule_description=record.get("schedule_description"),
            free=bool(record.get("free")), fees_description=record.get("fees_description"),
            languages=tuple(record.get("languages") or ("de",)),
            phones=tuple(record.get("phones") or ()), email=record.get("email"),
            url=record.get("url"),
            registration_required=bool(record.get("registration_required")),
            application_process=record.get("application_process"),
            capacity=record.get("capacity"), valid_from=record.get("valid_from"),
            valid_to=record.get("valid_to"), assured_date=record.get("assured_date"),
            translations=record.get("translations") or {},
            translated_by=record.get("translated_by") or {},
            reviews=record.get("reviews") or {},
            closures=own + tuple(provider_closures),
            open_on_holidays=bool(record.get("open_on_holidays")),
            first_contact=bool(record.get("first_contact")),
            holidays=holidays, source=record.get("source") or "",
            translated_from=record.get("translated_from") or {})

    # --- texts --------------------------------------------------------------------------

    def text_in(self, key: str, lang: str) -> tuple[str, bool]:
        """A text in lang, and whether it is the German because there is no translation."""
        return _text_in(self, self.translations, key, lang)

    def text(self, key: str, lang: str) -> str:
        return self.text_in(key, lang)[0]

    def translated(self, lang: str) -> bool:
        """Whether the offer has its name in lang (German always)."""
        return lang == "de" or bool(self.translations.get(lang, {}).get("name"))

    def outdated_translation(self, lang: str) -> tuple[str, ...]:
        """The texts whose translation into lang was made from an older German text
        (translated_from in the translation file names it): the one rule by which the
        offer page says "the translation may be out of date" and translators get their
        list."""
        return _outdated(self, lang)

    def translation_state(self, lang: str) -> str:
        """Whether the offer's texts in lang are the German, missing, unreviewed, older than
        the German or reviewed (TRANSLATION_STATES): the offer page warns of the middle two.
        "Older" is outdated_translation's rule, asked here, not a second one."""
        return _state(self, "offer", lang)

    # --- time ---------------------------------------------------------------------------

    def is_current(self, day: dt.date) -> bool:
        return is_current(self.valid_from, self.valid_to, day)

    def is_stale(self, day: dt.date) -> bool:
        return is_stale(self.assured_date, day)

    def next_dates(self, day: dt.date, count: int = 3,
                   now: dt.time | None = None) -> list[tuple[dt.date, str, str]]:
        """The next sessions from day on, never on a public holiday or a closed day;
        none for a line open around the clock (there is no date to tell)."""
        if self.always_reachable:
            return []
        return next_dates(self.schedules, day, count, valid_from=self.valid_from,
                          valid_to=self.valid_to, holidays=self.holidays,
                          closures=self.closures, open_on_holidays=self.open_on_holidays,
                          now=now)

    def next_dates_in_words(self, day: dt.date, lang: str, count: int = 3,
                            now: dt.time | None = None) -> list[str]:
        """The next sessions as "Di., 8.12., 09:30–11:30" in lang."""
        return words.date_lines(self.next_dates(day, count, now), lang)

    def hours_in_words(self, day: dt.date, lang: str) -> list[str]:
        """The opening hours as lines ("Mo., Mi. 09:00–12:00") in lang."""
        return words.hours_lines(self.schedules, day, lang)

    def closures_ahead(self, day: dt.date, within_days: int = 60) -> list[Closure]:
        """The closures that have not ended and begin within the next weeks, in order."""
        until = (day + dt.timedelta(days=within_days)).isoformat()
        return sorted((c for c in self.closures if c.last >= day.isoformat() and c.first <= until),
                      key=lambda c: c.first)

    @property
    def always_reachable(self) -> bool:
        """A line open day and night (a crisis line), which is something else than an
        activity on Saturdays."""
        return any(s.around_the_clock for s in self.schedules)

    @property
    def has_sessions(self) -> bool:
        """Whether its dates are sessions a family goes to (a group, a course, an open
        consultation on site), not the hours in which a phone or online line answers or home
        visits are arranged: only such a date is one to be reminded of."""
        return self.attending_type == "in_person" and not self.always_reachable

    @property
    def open_weekends(self) -> bool:
        return any(s.on_weekend for s in self.schedules)

    @property
    def open_evenings(self) -> bool:
        return any(s.in_evening for s in self.schedules)

    # --- who and where ------------------------------------------------------------------

    def fits_age(self, age_months: int) -> bool:
        return ages.fits(self.min_age_months, self.max_age_months, age_months)

    def ages_in_words(self, lang: str) -> str:
        return ages.age_range_words(self.min_age_months, self.max_age_months, lang)

    @property
    def districts(self) -> tuple[str, ...]:
        """The districts the offer is held in (its places'), sorted."""
        return tuple(sorted({loc.district for loc in self.locations if loc.district}))

    @property
    def wheelchair(self) -> bool | None:
        """True when a wheelchair gets into one of its places, False when none of its
        places can be reached in one, None when nobody said (or it has no place)."""
        known = [loc.wheelchair_accessible for loc in self.locations]
        if any(k is True for k in known):
            return True
        if known and all(k is False for k in known):
            return False
        return None

    @property
    def remote(self) -> bool:
        return self.attending_type in REMOTE

    @property
    def comes_to_family(self) -> bool:
        return self.attending_type in COMES_TO_FAMILY

    def as_record(self, lang: str = "de") -> dict:
        """The offer as a plain record (the content's shape, for exports and the API),
        its texts in lang where translated."""
        record = {k: getattr(self, k) for k in (
            "id", "provider_id", "min_age_months", "max_age_months", "audience",
            "attending_type", "free", "email", "url", "registration_required", "capacity",
            "valid_from", "valid_to", "assured_date", "translations", "translated_by",
            "source", "open_on_holidays", "first_contact")}
        record.update({k: list(getattr(self, k)) for k in (
            "topics", "phases", "service_areas", "languages", "phones", "districts")})
        record["locations"] = [loc.as_record() for loc in self.locations]
        record["schedules"] = [{"byday": list(s.byday), "date": s.date, "opens_at": s.opens_at,
                                "closes_at": s.closes_at, "description": s.description,
                                "week_of_month": list(s.week_of_month),
                                "every_weeks": s.every_weeks, "first_date": s.first_date}
                               for s in self.schedules]
        record["closures"] = [{"from": c.first, "to": c.last, "note": c.note}
                              for c in self.closures]
        record.update({k: self.text(k, lang) or None for k in TRANSLATABLE["offer"]})
        record["wheelchair_accessible"] = self.wheelchair
        return record
