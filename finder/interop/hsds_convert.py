"""HSDS tables as our providers and their offers: organizations become providers and
services offers, our own export field for field, foreign terms through the mapping, and
whatever cannot be mapped goes into the report.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

from finder import content as content_module
from finder.content import EMAIL, PHONE, URL
from finder.content.translations import REVIEW_FIELDS
from finder.interop.hsds import CITYWIDE, FIELDS, PROVIDER_ID_SCHEME, taxonomy_id, term_id
from finder.interop.hsds_mapping import mapping_key
from finder.model import MAX_MONTHS, PHASE_IDS, TOPIC_IDS

SUMMARY_LENGTH = 200


@dataclass
class Report:
    """What an import did and what it could not map."""

    providers: int = 0
    offers: int = 0
    skipped: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        if message not in self.unmapped:
            self.unmapped.append(message)

    def lines(self) -> list[str]:
        out = [f"imported {self.offers} offers of {self.providers} providers"]
        out += [f"skipped: {s}" for s in self.skipped]
        out += [f"not mapped: {u}" for u in self.unmapped]
        return out


def to_providers(tables: dict[str, dict[str, dict]], mapping: dict, districts: list[dict],
                 report: Report) -> list[dict]:
    """The providers, each with its offers, of the HSDS tables (read_tables); what was left
    out or not mapped goes into report."""
    return _Converter(tables, mapping, districts, report).providers()


class _Converter:
    def __init__(self, tables: dict, mapping: dict, districts: list[dict], report: Report):
        self.t = {name: list(rows.values()) for name, rows in tables.items()}
        self.mapping = mapping
        self.district_ids = {d["id"] for d in districts}
        self.district_names = {mapping_key(d["name"]): d["id"] for d in districts}
        self.report = report
        self.terms = {str(r.get("id")): r for r in self.t.get("taxonomy_term", [])}
        self.ours = {}
        for taxonomy, codes in (("topics", TOPIC_IDS), ("phases", PHASE_IDS),
                                ("districts", [*self.district_ids, CITYWIDE]),
                                ("fields", list(FIELDS))):
            for code in codes:
                self.ours[term_id(taxonomy, code)] = (taxonomy, code)
        self.our_taxonomies = {taxonomy_id(k): k for k in ("topics", "phases", "districts",
                                                            "fields")}
        self.used_ids: set[str] = set()
        self._indexes: dict[tuple[str, str], dict[str, list[dict]]] = {}

    def rows(self, table: str, **where) -> list[dict]:
        """The rows of a table whose one column has a value (an index per column)."""
        (column, value), = where.items()
        index = self._indexes.get((table, column))
        if index is None:
            index = self._indexes[(table, column)] = {}
            for row in self.t.get(table, []):
                index.setdefault(str(row.get(column)), []).append(row)
        return index.get(str(value), [])

    def attributes(self, link_id: str) -> list[tuple[str, str, str, str]]:
        """(taxonomy, code, link_type, value) of each attribute of an object; foreign
        terms as ("", code or name, …)."""
        found = []
        for row in self.rows("attribute", link_id=link_id):
            term_key = str(row.get("taxonomy_term_id"))
            term = self.terms.get(term_key, {})
            if term_key in self.ours:
                taxonomy, code = self.ours[term_key]
            elif str(term.get("taxonomy_id")) in self.our_taxonomies and term.get("code"):
                taxonomy, code = self.our_taxonomies[str(term["taxonomy_id"])], term["code"]
            else:
                taxonomy, code = "", str(term.get("code") or term.get("name") or "")
                if code:
                    found.append(("", code, str(term.get("name") or code), ""))
                continue
            found.append((taxonomy, code, str(row.get("link_type") or ""),
                          str(row.get("value") or "")))
        return found

    def field(self, attributes, code: str) -> str | None:
        for taxonomy, found, _, value in attributes:
            if taxonomy == "fields" and found == code:
                return value
        return None

    def closures(self, attributes) -> list[dict]:
        """Days closed, from our own export's closure attributes."""
        found = []
        for taxonomy, code, link_type, value in attributes:
            if taxonomy == "fields" and code == "closure" and \
                    re.fullmatch(r"\d{4}-\d\d-\d\d/\d{4}-\d\d-\d\d", link_type):
                first, last = link_type.split("/")
                found.append({"from": first, "to": last, **({"note": value} if value else {})})
        return found

    def translations(self, attributes) -> tuple[dict, dict, dict]:
        texts: dict[str, dict[str, str]] = {}
        translators: dict[str, str] = {}
        german: dict[str, str] = {}
        for taxonomy, code, link_type, value in attributes:
            if taxonomy != "fields":
                continue
            if code == "translation" and ":" in link_type:
                lang, name = link_type.split(":", 1)
                if lang == "de":
                    german[name] = value
                else:
                    texts.setdefault(lang, {})[name] = value
            elif code == "translator" and link_type:
                translators[link_type] = value
        return texts, translators, german

    def reviews(self, attributes) -> dict[str, dict]:
        """The reviews of the translations, per language, from our own export (a value that
        is no review is left out: the translation then counts as not yet reviewed)."""
        found = {}
        for taxonomy, code, link_type, value in attributes:
            if taxonomy == "fields" and code == "translation_review" and link_type:
                try:
                    review = json.loads(value)
                except ValueError:
                    continue
                if isinstance(review, dict) and set(review) == REVIEW_FIELDS:
                    found[link_type] = review
        return found

    def marks(self, attributes) -> dict[str, dict[str, str]]:
        """Per language, the marks of the German each translated text was made from."""
        found: dict[str, dict[str, str]] = {}
        for taxonomy, code, link_type, value in attributes:
            if taxonomy == "fields" and code == "translated_from" and link_type:
                try:
                    marks = json.loads(value)
                except ValueError:
                    continue
                if isinstance(marks, dict):
                    found[link_type] = {str(k): str(v) for k, v in marks.items()}
        return found

    def unique_id(self, wanted: str | None, name: str, kind: str) -> str:
        base = wanted if wanted and content_module.ID.match(wanted) else \
            self.mapping["id_prefix"] + _slug(name or kind)
        candidate, n = base, 2
        while candidate in self.used_ids:
            candidate, n = f"{base}-{n}", n + 1
        self.used_ids.add(candidate)
        return candidate

    # --- organizations ---

    def providers(self) -> list[dict]:
        providers = []
        for org in self.t.get("organization", []):
            provider = self.provider(org)
            offers = [o for o in (self.offer(s, provider)
                                  for s in self.rows("service", organization_id=org.get("id")))
                      if o is not None]
            provider["offers"] = offers
            providers.append(provider)
            self.report.offers += len(offers)
        orphans = [s for s in self.t.get("service", [])
                   if not self.rows("organization", id=s.get("organization_id"))]
        for service in orphans:
            self.report.skipped.append(f"service {service.get('name')!r}: no organization")
        self.report.providers = len(providers)
        return providers

    def provider(self, org: dict) -> dict:
        attributes = self.attributes(str(org.get("id")))
        ours = [r.get("identifier") for r in self.rows("organization_identifier",
                                                       organization_id=org.get("id"))
                if r.get("identifier_scheme") == PROVIDER_ID_SCHEME]
        pid = self.unique_id(ours[0] if ours else None, str(org.get("name") or ""), "provider")
        texts, translators, german = self.translations(attributes)
        provider = {"id": pid, "name": _text(org.get("name")) or pid,
                    "kind": self.field(attributes, "provider_kind"),
                    "description": _text(org.get("description")),
                    "website": self.checked(org.get("website"), URL, f"website of {pid}"),
                    "email": self.checked(org.get("email"), EMAIL, f"e-mail of {pid}"),
                    "phones": self.phones(self.rows("phone", organization_id=org.get("id")), pid)}
        locations = self.rows("location", organization_id=org.get("id"))
        place = self.location(locations[0], f"provider {pid}") if locations else None
        if place is not None:
            provider.update({k: v for k, v in place.items() if k != "name"})
        elif german.get("accessibility"):
            provider["accessibility"] = german["accessibility"]
        if self.closures(attributes):
            provider["closures"] = self.closures(attributes)
        if texts:
            provider["translations"] = texts
        provider["_translated_by"] = translators
        provider["_reviews"] = self.reviews(attributes)
        provider["_marks"] = self.marks(attributes)
        return provider

    # --- services ---

    def offer(self, service: dict, provider: dict) -> dict | None:
        sid = str(service.get("id"))
        name = _text(service.get("name"))
        if not name:
            self.report.skipped.append(f"service {sid}: no name")
            return None
        attributes = self.attributes(sid)
        ours = self.field(attributes, "offer_id") is not None
        oid = self.unique_id(self.field(attributes, "offer_id"), name, "offer")
        what = f"offer {oid}"
        description = _text(service.get("description"), block=True)
        summary = _text(service.get("alternate_name")) if ours else first_sentence(description)
        offer: dict = {"id": oid, "name": name, "summary": summary or name,
                       "description": description or summary or name}
        terms = self.topics_and_phases(attributes, what, name)
        if terms is None:
            return None
        topics, phases = terms
        offer["topics"] = list(dict.fromkeys(topics))
        if phases:
            offer["phases"] = list(dict.fromkeys(phases))
        self.add_fields(offer, attributes, service, ours)
        self.add_places(offer, sid, what)
        schedules, notes = self.schedules(self.rows("schedule", service_id=sid), what)
        if schedules:
            offer["schedules"] = schedules
        if notes:
            offer["schedule_description"] = "\n".join(notes)
        self.add_costs(offer, service, sid, what)
        self.add_contact(offer, service, sid, what)
        self.add_registration(offer, service, attributes)
        texts, translators, _ = self.translations(attributes)
        if texts:
            offer["translations"] = texts
        offer["_translated_by"] = translators
        offer["_reviews"] = self.reviews(attributes)
        offer["_marks"] = self.marks(attributes)
        return offer

    def topics_and_phases(self, attributes, what: str, name: str) -> tuple[list, list] | None:
        """Our topics and phases of a service, foreign terms through the mapping; None
        (the offer skipped) when no term gives a topic."""
        topics, phases = [], []
        for taxonomy, code, label, _ in attributes:
            if taxonomy == "topics" and code in TOPIC_IDS:
                topics.append(code)
            elif taxonomy == "phases" and code in PHASE_IDS:
                phases.append(code)
            elif taxonomy == "":
                mapped_topics = self.mapping["topics"].get(mapping_key(code)) or \
                    self.mapping["topics"].get(mapping_key(label))
                mapped_phases = self.mapping["phases"].get(mapping_key(code)) or \
                    self.mapping["phases"].get(mapping_key(label))
                topics += mapped_topics or []
                phases += mapped_phases or []
                if not mapped_topics and not mapped_phases:
                    self.report.note(f"taxonomy term {label!r} (code {code!r})")
        if not topics and self.mapping.get("default_topic"):
            topics = [self.mapping["default_topic"]]
        if not topics:
            self.report.skipped.append(f"{what} ({name}): no term maps to a topic; add one to "
                                       "the mapping's topics or set default_topic")
            return None
        return topics, phases

    def add_fields(self, offer: dict, attributes, service: dict, ours: bool) -> None:
        """Our own fields from the attributes; the ages from the standard's years where
        the service is not ours."""
        for key in ("audience", "attending_type", "valid_from", "valid_to"):
            value = self.field(attributes, key)
            if value:
                offer[key] = value
        for flag in ("open_on_holidays", "first_contact"):
            if self.field(attributes, flag) == "true":
                offer[flag] = True
        if self.closures(attributes):
            offer["closures"] = self.closures(attributes)
        for key, years, completed in (("min_age_months", service.get("minimum_age"), False),
                                      ("max_age_months", service.get("maximum_age"), True)):
            value = self.field(attributes, key)
            if value is not None and re.fullmatch(r"-?[0-9]+", value):
                offer[key] = int(value)
            elif years not in (None, "") and not ours:
                months = _months(years, completed)
                if months is not None:
                    offer[key] = months

    def add_places(self, offer: dict, sid: str, what: str) -> None:
        """The service's locations (online without one) and its service areas."""
        locations = []
        for sal in self.rows("service_at_location", service_id=sid):
            for row in self.rows("location", id=sal.get("location_id")):
                place = self.location(row, what)
                if place is not None:
                    locations.append(place)
        if locations:
            offer["locations"] = locations
        if "attending_type" not in offer and not locations:
            offer["attending_type"] = "online"
            self.report.note(f"{what}: no usable address, imported as an offer online or by "
                             "phone")
        areas = []
        for area in self.rows("service_area", service_id=sid):
            codes = [c for t, c, _, _ in self.attributes(str(area.get("id"))) if t == "districts"]
            mapped = codes or self.mapping["districts"].get(mapping_key(area.get("name") or ""))
            if mapped:
                areas += mapped
            elif area.get("name"):
                self.report.note(f"service area {_short(area['name'])!r} of {what}")
        if areas:
            offer["service_areas"] = "citywide" if CITYWIDE in areas else list(dict.fromkeys(areas))

    def add_costs(self, offer: dict, service: dict, sid: str, what: str) -> None:
        """Free or not, and what it costs: from the cost options, else the mapping's
        default_free (an offer of unknown cost counts as not free)."""
        costs = self.rows("cost_option", service_id=sid)
        fees = _text(service.get("fees_description"), block=True)
        if any(_number(c.get("amount")) == 0 for c in costs):
            offer["free"] = True
        elif fees or costs:
            offer["free"] = False
        elif self.mapping.get("default_free") is not None:
            offer["free"] = self.mapping["default_free"]
        else:
            offer["free"] = False
            self.report.note(f"{what}: no cost given, marked as not free")
        if fees:
            offer["fees_description"] = fees
        elif not offer["free"]:
            offer["fees_description"] = "; ".join(
                " ".join(str(c[k]) for k in ("option", "amount", "currency", "amount_description")
                         if c.get(k) not in (None, "")) for c in costs) or self.mapping["fees_description"]

    def add_contact(self, offer: dict, service: dict, sid: str, what: str) -> None:
        """The languages spoken, phones, e-mail and web address."""
        languages = []
        for row in self.rows("language", service_id=sid):
            code = str(row.get("code") or "").lower()
            if re.fullmatch(r"[a-z]{2,3}", code):
                languages.append(code)
            else:
                self.report.note(f"language {row.get('name') or code!r} of {what}: no ISO code")
        if languages:
            offer["languages"] = list(dict.fromkeys(languages))
        phones = self.phones(self.rows("phone", service_id=sid), what)
        if phones:
            offer["phones"] = phones
        for key, pattern in (("email", EMAIL), ("url", URL)):
            value = self.checked(service.get(key), pattern, f"{key} of {what}")
            if value:
                offer[key] = value

    def add_registration(self, offer: dict, service: dict, attributes) -> None:
        """Places, whether to register and how, and when the offer was last checked."""
        capacity = self.field(attributes, "capacity")
        if capacity is not None and capacity.isdigit():
            offer["capacity"] = int(capacity)
        registration = self.field(attributes, "registration_required")
        if registration is not None:
            offer["registration_required"] = registration == "true"
        process = _text(service.get("application_process"), block=True)
        if process:
            offer["application_process"] = process
        assured = str(service.get("assured_date") or "")[:10]
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", assured):
            offer["assured_date"] = assured

    def location(self, row: dict, what: str) -> dict | None:
        lid = str(row.get("id"))
        if row.get("location_type") == "virtual":
            return None
        addresses = self.rows("address", location_id=lid)
        address = next((a for a in addresses if a.get("address_type") != "postal"),
                       addresses[0] if addresses else {})
        lat, lon = _number(row.get("latitude")), _number(row.get("longitude"))
        if not address.get("address_1") or lat is None or lon is None:
            self.report.note(f"location {row.get('name') or lid!r} of {what}: needs an address "
                             "with latitude and longitude")
            return None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.report.note(f"location {row.get('name') or lid!r} of {what}: latitude {lat} "
                             f"and longitude {lon} are no place on Earth")
            return None
        attributes = self.attributes(lid)
        district = next((c for t, c, _, _ in attributes if t == "districts"), None)
        if district is None:
            for candidate in (address.get("region"), address.get("city"),
                              address.get("postal_code"), row.get("name")):
                if candidate:
                    found = self.mapping["districts"].get(mapping_key(candidate)) or \
                        ([self.district_names[mapping_key(candidate)]]
                         if mapping_key(candidate) in self.district_names else None)
                    if found:
                        district = found[0]
                        break
        district = district or self.mapping.get("default_district")
        if district is None:
            self.report.note(f"district of {address.get('address_1')!r}, "
                             f"{address.get('city') or ''} ({what}): add it to the mapping's "
                             "districts or set default_district")
            return None
        access = self.rows("accessibility", location_id=lid)
        accessibility = "\n".join(_text(a.get("description")) or _text(a.get("details")) or ""
                                  for a in access).strip()
        wheelchair = self.field(attributes, "wheelchair_accessible")
        place = {"name": _text(row.get("name")), "address_1": _text(address["address_1"]),
                 "postal_code": str(address.get("postal_code") or ""),
                 "city": _text(address.get("city")), "district": district,
                 "latitude": lat, "longitude": lon, "accessibility": accessibility or None}
        if wheelchair is not None:
            place["wheelchair_accessible"] = wheelchair == "true"
        return {k: v for k, v in place.items() if v not in (None, "")}

    def schedules(self, rows: list[dict], what: str) -> tuple[list[dict], list[str]]:
        result, notes = [], []
        for row in rows:
            opens, closes = _time(row.get("opens_at")), _time(row.get("closes_at"))
            rule = [RULE_DAY.fullmatch(d.strip().upper())
                    for d in str(row.get("byday") or "").split(",") if d.strip()]
            days = list(dict.fromkeys(m.group(2) for m in rule if m))
            weeks = sorted({int(m.group(1)) for m in rule if m and m.group(1)})
            freq = str(row.get("freq") or "WEEKLY").upper()
            interval = _whole(row.get("interval")) or 1
            date = str(row.get("dtstart") or row.get("valid_from") or "")[:10]
            description = _text(row.get("description"))
            if opens and closes and opens < closes and days and all(rule) \
                    and ((freq == "WEEKLY" and not weeks and interval == 1)
                         or (freq == "MONTHLY" and weeks and interval == 1
                             and all(w in (1, 2, 3, 4, 5, -1) for w in weeks)
                             and all(m.group(1) for m in rule))
                         or (freq == "WEEKLY" and not weeks and 1 < interval <= 8
                             and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", date))):
                entry = {"byday": days, "opens_at": opens, "closes_at": closes}
                if weeks:
                    entry["week_of_month"] = weeks
                if interval > 1:
                    entry["every_weeks"], entry["first_date"] = interval, date
            elif opens and closes and opens < closes and not days and \
                    re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", date):
                entry = {"date": date, "opens_at": opens, "closes_at": closes}
            else:
                if description:
                    notes.append(description)
                elif opens or days:
                    self.report.note(f"schedule {row.get('id')} of {what}: not weekly or "
                                     "once with opening times")
                continue
            if description:
                entry["description"] = description
            result.append(entry)
        return result, notes

    def phones(self, rows: list[dict], what: str) -> list[str]:
        numbers = []
        for row in rows:
            number = str(row.get("number") or "").strip().strip('"').strip()
            if PHONE.match(number):
                numbers.append(number)
            elif number:
                self.report.note(f"phone {number!r} of {what}")
        return list(dict.fromkeys(numbers))

    def checked(self, value, pattern: re.Pattern, what: str) -> str | None:
        if value in (None, ""):
            return None
        if pattern.match(str(value)):
            return str(value)
        self.report.note(f"{what}: {value!r}")
        return None


def _text(value, block: bool = False) -> str | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    return text if block else " ".join(text.split())


def first_sentence(text: str | None) -> str | None:
    """A summary made from a description: its first sentence (the sheet import's too)."""
    if not text:
        return None
    flat = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", flat)
    sentence = match.group(1) if match else flat
    return sentence if len(sentence) <= SUMMARY_LENGTH else sentence[:SUMMARY_LENGTH - 1] + "…"


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:59] + "…"


def _number(value) -> float | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        return float(value) if not isinstance(value, (int, float)) else value
    except ValueError:
        return None


def _months(years, completed: bool) -> int | None:
    value = _number(years)
    if value is None or value < 0:
        return None
    months = int(round(value * 12)) + (11 if completed else 0)
    return months if months <= MAX_MONTHS else None


RULE_DAY = re.compile(r"([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)")
"""An iCalendar BYDAY entry: a weekday, with an ordinal in a monthly rule (2TU, -1SA)."""


def _whole(value) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if re.fullmatch(r"[0-9]{1,3}", text) else None


def _time(value) -> str | None:
    match = re.match(r"^([0-9]{1,2}):([0-9]{2})", str(value or ""))
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def _slug(text: str) -> str:
    text = text.replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-")
    return slug or "eintrag"
