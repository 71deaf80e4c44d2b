"""Our catalogue in the shape of Open Referral HSDS 3.0.

Offers become services, providers organizations, addresses locations. What HSDS has
no field for travels where the standard allows it: topics, life phases and districts
as taxonomy terms, and the rest (ages in months, audience, translations, …) as
attributes whose taxonomy term names our field. The same functions feed
`finder export hsds` and the JSON API, and finder.hsds_import reads them back.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from functools import lru_cache

from finder.i18n import N_, t
from finder.model import PHASE_IDS, TOPIC_IDS
from finder.model.ages import age_range_words
from finder.wording import town_name

HSDS_VERSION = "3.0"
NAMESPACE = uuid.UUID("6f1d7c2e-3b7a-5a43-9d0e-7c1f0a2b9e11")
"""Our UUIDs are derived from our ids, so an export names the same offer alike every time."""

TAXONOMIES = {
    "topics": ("Familienwegweiser: Themen", "The topics of the Familienwegweiser (fixed ids)."),
    "phases": ("Familienwegweiser: Lebensphasen",
               "The life phases of the prevention chain, pregnancy to the start of working life."),
    "districts": ("Familienwegweiser: Stadtteile", "The districts of the town."),
    "fields": ("Familienwegweiser: Felder",
               "Fields of the Familienwegweiser content format that HSDS has no place for; "
               "the attribute's value holds the field's value."),
}
FIELDS = {
    "offer_id": "The offer's id in the Familienwegweiser content.",
    "audience": "Who the offer is for: child, parents or family.",
    "min_age_months": "The youngest age in months (negative: during pregnancy).",
    "max_age_months": "The oldest age in months.",
    "attending_type": "in_person, online, phone, at_home, outreach (at the child's Kita or "
                      "school) or accompanying (goes with the family to appointments).",
    "registration_required": "true or false.",
    "valid_from": "First day of the offer (YYYY-MM-DD).",
    "valid_to": "Last day of the offer (YYYY-MM-DD).",
    "provider_kind": "The kind of provider.",
    "wheelchair_accessible": "true or false: the place can be reached in a wheelchair.",
    "capacity": "Places (a Kita's, for example): a whole number.",
    "closure": "Days closed: link_type is FIRST/LAST (YYYY-MM-DD), the value the reason.",
    "open_on_holidays": "true when the offer takes place on public holidays too.",
    "first_contact": "true for a place that helps with any question (a family office, "
                     "first-contact advice, a family centre).",
    "translation": "A translated text; link_type is <language>:<field>.",
    "translator": "Who translated into a language; link_type is the language.",
    "translation_review": "Who checked the translation into a language, when, and the "
                          "fingerprint of the translation; link_type is the language, the "
                          "value JSON.",
    "translated_from": "The marks of the German texts a translation was made from or checked "
                       "against; link_type is the language, the value JSON {field: mark}.",
}
CITYWIDE = "citywide"
ELIGIBILITY = {
    "child": N_("Kinder und Jugendliche: %(ages)s"),
    "parents": N_("Eltern von Kindern: %(ages)s"),
    "family": N_("Familien mit Kindern: %(ages)s"),
}
"""HSDS's eligibility in words, by the offer's audience."""
PROVIDER_ID_SCHEME = "familienwegweiser"


def uid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def taxonomy_id(key: str) -> str:
    return uid("taxonomy", key)


def term_id(taxonomy: str, code: str) -> str:
    return uid("term", taxonomy, code)


def _clean(obj: dict, keep: tuple[str, ...] = ()) -> dict:
    """HSDS leaves out what is unknown rather than writing null (keep: required fields)."""
    return {k: v for k, v in obj.items() if k in keep or (v is not None and v != [] and v != "")}


class Mapper:
    """Turns our records (from finder.content or a built catalogue: both have the same
    shape) into HSDS objects. Holds the vocabulary, districts and town they refer to, and
    the language of the texts it words itself (eligibility, "free", language and term
    names); the records' own texts come in that language already (Offer.as_record(lang))."""

    def __init__(self, vocabulary: dict, districts: dict[str, dict], town: dict, lang: str = "de"):
        self.vocabulary = vocabulary
        self.districts = districts
        self.town = town
        self.lang = lang

    # --- taxonomies -----------------------------------------------------------

    def taxonomies(self) -> list[dict]:
        return [{"id": taxonomy_id(key), "name": name, "description": description,
                 "version": HSDS_VERSION} for key, (name, description) in TAXONOMIES.items()]

    def _label(self, kind: str, key: str) -> str:
        labels = self.vocabulary.get(kind, {}).get(key, {}).get("labels") or {}
        return labels.get(self.lang) or labels.get("de") or key

    def terms(self) -> list[dict]:
        """Every term of our four taxonomies."""
        result = []
        for code in TOPIC_IDS:
            result.append(self.term("topics", code))
        for code in PHASE_IDS:
            result.append(self.term("phases", code))
        for code in [*self.districts, CITYWIDE]:
            result.append(self.term("districts", code))
        for code in FIELDS:
            result.append(self.term("fields", code))
        return result

    def term(self, taxonomy: str, code: str) -> dict:
        if taxonomy == "topics":
            name = self._label("topic", code)
        elif taxonomy == "phases":
            name = self._label("phase", code)
        elif taxonomy == "districts":
            name = f"{town_name(self.town, self.lang) or 'Stadt'} ({t(self.lang, 'ganze Stadt')})" \
                if code == CITYWIDE else self.districts[code]["name"]
        else:
            name = code
        description = FIELDS.get(code, name) if taxonomy == "fields" else name
        return {"id": term_id(taxonomy, code), "code": code, "name": name,
                "description": description, "taxonomy": TAXONOMIES[taxonomy][0],
                "taxonomy_id": taxonomy_id(taxonomy),
                "language": "de" if taxonomy == "fields" else self.lang}

    def _attribute(self, link_id: str, entity: str, taxonomy: str, code: str,
                   link_type: str | None = None, value: object = None) -> dict:
        term = self.term(taxonomy, code)
        return _clean({
            "id": uid("attribute", link_id, taxonomy, code, link_type or code, value),
            "link_id": link_id, "link_entity": entity, "link_type": link_type or code,
            "taxonomy_term_id": term["id"], "value": None if value is None else str(value),
            "taxonomy_term": term,
        })

    # --- providers ------------------------------------------------------------

    def organization_id(self, provider_id: str) -> str:
        return uid("provider", provider_id)

    def organization(self, provider: dict, services: Iterable[dict] = ()) -> dict:
        oid = self.organization_id(provider["id"])
        location = provider.get("location")
        attributes = []
        if provider.get("kind"):
            attributes.append(self._attribute(oid, "organization", "fields", "provider_kind",
                                              value=provider["kind"]))
        if provider.get("accessibility") and not location:
            attributes.append(self._attribute(oid, "organization", "fields", "translation",
                                              "de:accessibility", provider["accessibility"]))
        attributes += self._translations(oid, "organization", provider)
        attributes += self._closures(oid, "organization", provider)
        return _clean({
            "id": oid,
            "name": provider["name"],
            "description": provider.get("description") or "",
            "email": provider.get("email"),
            "website": provider.get("website"),
            "phones": [self.phone(number, oid, "organization_id") for number in provider["phones"]],
            "locations": [self.location(location, provider["id"])] if location else [],
            "organization_identifiers": [{
                "id": uid("identifier", provider["id"]), "organization_id": oid,
                "identifier_scheme": PROVIDER_ID_SCHEME, "identifier_type": "id",
                "identifier": provider["id"]}],
            "attributes": attributes,
            "services": list(services),
        }, keep=("description",))

    def _closures(self, link_id: str, entity: str, record: dict) -> list[dict]:
        return [self._attribute(link_id, entity, "fields", "closure", f"{c['from']}/{c['to']}",
                                c.get("note") or "") for c in record.get("closures") or ()]

    def _translations(self, link_id: str, entity: str, record: dict) -> list[dict]:
        result = []
        for lang in sorted(record.get("translations") or {}):
            for field, text in sorted(record["translations"][lang].items()):
                result.append(self._attribute(link_id, entity, "fields", "translation",
                                              f"{lang}:{field}", text))
        for lang, translator in sorted((record.get("translated_by") or {}).items()):
            result.append(self._attribute(link_id, entity, "fields", "translator", lang, translator))
        for lang, marks in sorted((record.get("translated_from") or {}).items()):
            result.append(self._attribute(link_id, entity, "fields", "translated_from", lang,
                                          json.dumps(marks, sort_keys=True)))
        for lang, review in sorted((record.get("reviews") or {}).items()):
            result.append(self._attribute(link_id, entity, "fields", "translation_review", lang,
                                          json.dumps(review, ensure_ascii=False, sort_keys=True)))
        return result

    def phone(self, number: str, owner: str, key: str) -> dict:
        return {"id": uid("phone", owner, number), key: owner, "number": number, "type": "voice"}

    # --- locations ------------------------------------------------------------

    def location_id(self, location: dict) -> str:
        # Everything we keep about a place is in its id: the same address with another
        # accessibility note is another HSDS location.
        return uid("location", location.get("name"), location["address_1"],
                   location.get("postal_code"), location.get("city"), location.get("district"),
                   location["latitude"], location["longitude"], location.get("accessibility"),
                   bool(location.get("wheelchair_accessible")))

    def location(self, location: dict, provider_id: str | None = None) -> dict:
        lid = self.location_id(location)
        attributes = []
        if location.get("district"):
            attributes.append(self._attribute(lid, "location", "districts", location["district"]))
        if location.get("wheelchair_accessible") is not None:  # not known: no attribute
            attributes.append(self._attribute(
                lid, "location", "fields", "wheelchair_accessible",
                value=str(bool(location["wheelchair_accessible"])).lower()))
        district = self.districts.get(location.get("district") or "", {})
        return _clean({
            "id": lid,
            "location_type": "physical",
            "organization_id": self.organization_id(provider_id) if provider_id else None,
            "name": location.get("name"),
            "latitude": location.get("latitude"),
            "longitude": location.get("longitude"),
            "addresses": [_clean({
                "id": uid("address", lid), "location_id": lid,
                "address_1": location["address_1"], "city": location.get("city") or "",
                "region": district.get("name"),
                "state_province": self.town.get("region") or "",
                "postal_code": location.get("postal_code") or "", "country": "DE",
                "address_type": "physical"}, keep=("city", "state_province", "postal_code"))],
            "accessibility": [{"id": uid("accessibility", lid), "location_id": lid,
                               "description": location["accessibility"]}]
            if location.get("accessibility") else [],
            "attributes": attributes,
        })

    # --- offers ---------------------------------------------------------------

    def service_id(self, offer_id: str) -> str:
        return uid("offer", offer_id)

    def service(self, offer: dict, provider: dict | None = None, full: bool = True) -> dict:
        """One offer as an HSDS service: with everything (full) or only the one-to-one
        fields of the list shape."""
        sid = self.service_id(offer["id"])
        service = _clean({
            "id": sid,
            "organization_id": self.organization_id(offer["provider_id"]),
            "name": offer["name"],
            "alternate_name": offer.get("summary"),
            "description": offer.get("description"),
            "url": offer.get("url"),
            "email": offer.get("email"),
            "status": "active",
            "application_process": offer.get("application_process"),
            "fees_description": offer.get("fees_description"),
            "eligibility_description": self.eligibility(offer),
            "minimum_age": _years(offer.get("min_age_months"), completed=False),
            "maximum_age": _years(offer.get("max_age_months"), completed=True),
            "assured_date": offer.get("assured_date"),
        })
        if not full:
            return service
        attributes = [self._attribute(sid, "service", "fields", "offer_id", value=offer["id"])]
        attributes += [self._attribute(sid, "service", "topics", t) for t in offer["topics"]]
        attributes += [self._attribute(sid, "service", "phases", p) for p in offer["phases"]]
        for key in ("audience", "min_age_months", "max_age_months", "attending_type",
                    "valid_from", "valid_to", "capacity"):
            if offer.get(key) is not None:
                attributes.append(self._attribute(sid, "service", "fields", key, value=offer[key]))
        attributes.append(self._attribute(sid, "service", "fields", "registration_required",
                                          value=str(bool(offer["registration_required"])).lower()))
        for flag in ("open_on_holidays", "first_contact"):
            if offer.get(flag):
                attributes.append(self._attribute(sid, "service", "fields", flag, value="true"))
        attributes += self._translations(sid, "service", offer)
        attributes += self._closures(sid, "service", offer)
        schedules = [self.schedule(s, sid, i) for i, s in enumerate(offer["schedules"])]
        if offer.get("schedule_description"):
            schedules.append({"id": uid("schedule", sid, "description"), "service_id": sid,
                              "description": offer["schedule_description"]})
        service.update(_clean({
            "phones": [self.phone(number, sid, "service_id") for number in offer["phones"]],
            "schedules": schedules,
            "service_areas": [self.service_area(area, sid) for area in offer["service_areas"]],
            "service_at_locations": [self.service_at_location(offer, loc) for loc in
                                     offer["locations"]],
            "languages": [self.language(code, sid) for code in offer["languages"]],
            "cost_options": self.cost_options(offer, sid),
            "attributes": attributes,
        }))
        if provider is not None:
            service["organization"] = self.organization(provider)
        return service

    def cost_options(self, offer: dict, service_id: str) -> list[dict]:
        """Free of charge as HSDS says it: a cost option of amount 0."""
        if not offer["free"]:
            return []
        return [{"id": uid("cost", service_id), "service_id": service_id,
                 "option": t(self.lang, "kostenlos"), "amount": 0, "currency": "EUR"}]

    def eligibility(self, offer: dict) -> str | None:
        """Who may come, in words: the audience and the age range as every reader words it
        (finder.model.ages)."""
        low, high = offer.get("min_age_months"), offer.get("max_age_months")
        if low is None and high is None:
            return None
        who = ELIGIBILITY.get(offer.get("audience") or "child", ELIGIBILITY["child"])
        return t(self.lang, who, ages=age_range_words(low, high, self.lang))

    def schedule(self, schedule: dict, service_id: str, index: int) -> dict:
        sid = uid("schedule", service_id, index)
        weeks, every = schedule.get("week_of_month") or [], schedule.get("every_weeks") or 1
        if schedule.get("byday") and weeks:
            # iCalendar's monthly rule: 2TU is the second Tuesday, -1SA the last Saturday.
            timing = {"freq": "MONTHLY", "interval": 1,
                      "byday": ",".join(f"{w}{d}" for w in weeks for d in schedule["byday"])}
        elif schedule.get("byday"):
            timing = {"freq": "WEEKLY", "interval": every, "byday": ",".join(schedule["byday"])}
            if every > 1:
                timing["dtstart"] = schedule["first_date"]
        else:
            timing = {"dtstart": schedule["date"], "valid_from": schedule["date"],
                      "valid_to": schedule["date"], "count": 1}
        return _clean({"id": sid, "service_id": service_id, **timing,
                       "opens_at": schedule["opens_at"], "closes_at": schedule["closes_at"],
                       "description": schedule.get("description")})

    def service_area(self, area: str, service_id: str) -> dict:
        aid = uid("area", service_id, area)
        name = self.term("districts", area)["name"]
        return {"id": aid, "service_id": service_id, "name": name, "extent_type": "other",
                "attributes": [self._attribute(aid, "service_area", "districts", area)]}

    def language(self, code: str, service_id: str) -> dict:
        return {"id": uid("language", service_id, code), "service_id": service_id,
                "code": code, "name": _language_names(self.lang).get(code) or code}

    def service_at_location_id(self, offer_id: str, location: dict) -> str:
        return uid("service_at_location", offer_id, self.location_id(location))

    def service_at_location(self, offer: dict, location: dict, with_service: bool = False,
                            provider: dict | None = None) -> dict:
        sid = self.service_id(offer["id"])
        result = {"id": self.service_at_location_id(offer["id"], location), "service_id": sid,
                  "location_id": self.location_id(location),
                  "location": self.location(location)}
        if with_service:
            result["service"] = self.service(offer, provider, full=False)
        return result


@lru_cache(maxsize=8)
def _language_names(lang: str) -> dict[str, str]:
    """Language names in lang, from Babel's locale data."""
    from babel import Locale

    return dict(Locale.parse(lang).languages)


def _years(months: int | None, completed: bool) -> float | None:
    """HSDS ages are in years; ours are in months (kept exact in an attribute). The upper
    bound is in completed years: 323 months is "up to 26"."""
    if months is None or months < 0:
        return None
    if completed:
        return months // 12
    return months // 12 if months % 12 == 0 else round(months / 12, 2)


# --- the tabular form: the standard's tables, their files and columns ---------------

TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    table: (path, tuple(columns.split())) for table, path, columns in (
        ("organization", "organizations.csv", "id name alternate_name description email website "
         "tax_status tax_id year_incorporated legal_status logo uri parent_organization_id"),
        ("program", "programs.csv", "id organization_id name alternate_name description"),
        ("service", "services.csv", "id organization_id program_id name alternate_name "
         "description url email status interpretation_services application_process "
         "fees_description wait_time fees accreditations eligibility_description minimum_age "
         "maximum_age assured_date assurer_email licenses alert last_modified"),
        ("attribute", "attributes.csv", "id link_id taxonomy_term_id link_type link_entity value"),
        ("service_at_location", "service_at_location.csv", "id service_id location_id description"),
        ("location", "locations.csv", "id location_type url organization_id name alternate_name "
         "description transportation latitude longitude external_identifier "
         "external_identifier_type"),
        ("phone", "phones.csv", "id location_id service_id organization_id contact_id "
         "service_at_location_id number extension type description"),
        ("contact", "contacts.csv", "id organization_id service_id service_at_location_id "
         "location_id name title department email"),
        ("address", "addresses.csv", "id location_id attention address_1 address_2 city region "
         "state_province postal_code country address_type"),
        ("schedule", "schedules.csv", "id service_id location_id service_at_location_id "
         "valid_from valid_to dtstart timezone until count wkst freq interval byday byweekno "
         "bymonthday byyearday description opens_at closes_at schedule_link attending_type notes"),
        ("service_area", "service_areas.csv", "id service_id name description extent extent_type uri"),
        ("language", "languages.csv", "id service_id location_id phone_id name code note"),
        ("accessibility", "accessibility.csv", "id location_id description details url"),
        ("cost_option", "cost_options.csv", "id service_id valid_from valid_to option currency "
         "amount amount_description"),
        ("organization_identifier", "organization_identifiers.csv",
         "id organization_id identifier_scheme identifier_type identifier"),
        ("taxonomy_term", "taxonomy_terms.csv", "id code name description parent_id taxonomy "
         "language taxonomy_id term_uri"),
        ("taxonomy", "taxonomies.csv", "id name description uri version"),
    )
}
NESTED = {
    # key inside an HSDS object -> the table its objects belong to
    "organization": "organization", "organizations": "organization", "services": "service",
    "service": "service", "program": "program", "programs": "program",
    "attributes": "attribute", "service_at_locations": "service_at_location",
    "location": "location", "locations": "location", "phones": "phone", "contacts": "contact",
    "addresses": "address", "schedules": "schedule", "service_areas": "service_area",
    "languages": "language", "accessibility": "accessibility", "cost_options": "cost_option",
    "organization_identifiers": "organization_identifier", "taxonomy_term": "taxonomy_term",
    "taxonomy_detail": "taxonomy",
}
# The foreign key a nested object gets from its parent, where the parent does not say.
PARENT_KEY = {"organization": "organization_id", "service": "service_id",
              "location": "location_id", "service_at_location": "service_at_location_id"}


def flatten(obj: dict, table: str, tables: dict[str, dict[str, dict]],
            parent: tuple[str, str] | None = None) -> None:
    """Walk a nested HSDS object into rows of the standard's tables (by id, first wins).
    A child without the link to its parent gets it (phones of a service get service_id)."""
    if not isinstance(obj, dict):
        return
    row = {k: v for k, v in obj.items() if not isinstance(v, (dict, list))}
    if parent is not None:
        parent_table, parent_id = parent
        key = PARENT_KEY.get(parent_table)
        columns = TABLES.get(table, ("", ()))[1]
        if key in columns and not row.get(key):
            row[key] = parent_id
        if table == "attribute":
            row.setdefault("link_id", parent_id)
            row.setdefault("link_entity", parent_table)
    if table == "attribute" and isinstance(obj.get("taxonomy_term"), dict):
        row.setdefault("taxonomy_term_id", obj["taxonomy_term"].get("id"))
    if table == "taxonomy_term" and isinstance(obj.get("taxonomy_detail"), dict):
        row.setdefault("taxonomy_id", obj["taxonomy_detail"].get("id"))
    rows = tables.setdefault(table, {})
    row_id = str(row.get("id") or f"_{len(rows)}")
    known = rows.get(row_id)
    if known is None:
        rows[row_id] = row
    else:
        # The same object met again (a location under its organization and under a
        # service): what one occurrence lacks, the other may say.
        for key, value in row.items():
            if known.get(key) in (None, ""):
                known[key] = value
        row = known
    for key, value in obj.items():
        child_table = NESTED.get(key)
        if child_table is None:
            continue
        if key == "organization" and table == "service" and isinstance(value, dict):
            row.setdefault("organization_id", value.get("id"))
        if key == "service" and isinstance(value, dict):
            row.setdefault("service_id", value.get("id"))
        if key == "location" and isinstance(value, dict):
            row.setdefault("location_id", value.get("id"))
        children = value if isinstance(value, list) else [value]
        for child in children:
            # A nested parent (a service's organization) does not get a link to its child.
            link = None if key in ("organization", "service") else (table, row_id)
            flatten(child, child_table, tables, link)
