"""A provider file: the provider and its offers, each checked field by field and
normalised into the plain record the build writes."""

from __future__ import annotations

from typing import Any

from finder.content import shapes as geo
from finder.content.checker import EMAIL, ID, TIME, URL, AnyLanguage, Checker, is_coordinate
from finder.content.yamlfile import Mapping
from finder.model import ATTENDANCE, MAX_MONTHS, MIN_MONTHS, PHASE_IDS, TOPIC_IDS, phases_for_range
from finder.model.schedule import WEEKDAYS

PROVIDER_FIELDS = {
    "id", "name", "kind", "description", "website", "email", "phones",
    "address_1", "postal_code", "city", "district", "latitude", "longitude",
    "accessibility", "wheelchair_accessible", "translations", "offers", "closures",
}
OFFER_FIELDS = {
    "id", "name", "summary", "description", "topics", "phases",
    "min_age_months", "max_age_months", "attending_type", "service_areas",
    "locations", "schedules", "schedule_description", "free", "fees_description",
    "languages", "phones", "email", "url", "registration_required",
    "application_process", "valid_from", "valid_to", "assured_date", "translations", "audience",
    "capacity", "closures", "open_on_holidays", "first_contact",
}
AUDIENCES = ("child", "parents", "family")
"""Who an offer is for: the child or young person (its ages are theirs), the parents
(its ages, if any, are the children's: a course for parents of toddlers), or the
whole family together."""
ADULT_MONTHS = 18 * 12
LOCATION_FIELDS = {
    "name", "address_1", "postal_code", "city", "district", "latitude", "longitude",
    "accessibility", "wheelchair_accessible",
}
SCHEDULE_FIELDS = {"byday", "date", "opens_at", "closes_at", "description", "week_of_month",
                   "every_weeks", "first_date"}
CLOSURE_FIELDS = {"from", "to", "note"}


def check_provider(c: Checker, data: Any, districts: set[str], seen: dict) -> dict | None:
    if not c.expect_mapping(data, 1, "a provider file"):
        return None
    c.unknown_fields(data, PROVIDER_FIELDS, "provider")
    pid = data.get("id")
    if not isinstance(pid, str) or not ID.match(pid):
        c.problem(c.line_of(data, "id") if "id" in data else 1,
                  f"provider id {pid!r} must be lower-case letters, digits and dashes")
        return None
    if not claim_id(c, seen, "provider", pid, c.line_of(data, "id")):
        return None
    what = f"provider {pid!r}"
    location = None
    if "address_1" in data:
        found = _check_location(c, data, districts, what)
        location = found if found["district"] else None
    return {
        "id": pid,
        "name": c.text(data, "name", what),
        "kind": data.get("kind"),
        "description": c.text(data, "description", what, required=False),
        "website": c.pattern(data, "website", URL, what, "URL"),
        "email": c.pattern(data, "email", EMAIL, what, "e-mail address"),
        "phones": c.phones(data, what),
        "location": location,
        "accessibility": c.text(data, "accessibility", what, required=False),
        "translations": c.translations(data, "provider", what),
        "translated_by": {},
        "reviews": {},
        "translated_from": {},
        "closures": _check_closures(c, data, what),
        "source": c.file,
    }


def check_offer(c: Checker, raw: Any, provider: dict, districts: set[str],
                seen: dict) -> dict | None:
    """One offer of a provider file, checked field by field, as the build's record."""
    oid = _offer_id(c, raw, seen)
    if oid is None:
        return None
    what = f"offer {oid!r}"
    min_age, max_age = _check_ages(c, raw, what)
    audience = _check_audience(c, raw, what, min_age, max_age)
    topics = c.ids(raw, "topics", TOPIC_IDS, "topic", what)
    if not topics:
        c.problem(c.line_of(raw), f"{what} needs at least one topic")
    phases = c.ids(raw, "phases", PHASE_IDS, "life phase", what) or \
        phases_for_range(min_age, max_age)
    attending, locations, service_areas = _check_places(c, raw, provider, districts, what)
    free, fees = _check_cost(c, raw, what)
    valid_from, valid_to = _check_validity(c, raw, what)
    return {
        "id": oid,
        "provider_id": provider["id"],
        "name": c.text(raw, "name", what),
        "summary": c.text(raw, "summary", what),
        "description": c.text(raw, "description", what),
        "topics": topics,
        "phases": phases,
        "min_age_months": min_age,
        "max_age_months": max_age,
        "audience": audience,
        "attending_type": attending,
        "service_areas": service_areas,
        "locations": locations,
        "schedules": check_schedules(c, raw, what),
        "schedule_description": c.text(raw, "schedule_description", what, required=False),
        "free": free,
        "fees_description": fees,
        "languages": c.ids(raw, "languages", AnyLanguage(), "language code", what) or ["de"],
        "phones": c.phones(raw, what) or provider["phones"],
        "email": c.pattern(raw, "email", EMAIL, what, "e-mail address") or provider["email"],
        "url": c.pattern(raw, "url", URL, what, "URL") or provider["website"],
        "registration_required": c.flag(raw, "registration_required", what),
        "application_process": c.text(raw, "application_process", what, required=False),
        "capacity": _check_capacity(c, raw, what),
        "valid_from": valid_from,
        "valid_to": valid_to,
        "assured_date": c.date(raw, "assured_date", what),
        "closures": _check_closures(c, raw, what),
        "open_on_holidays": c.flag(raw, "open_on_holidays", what),
        "first_contact": c.flag(raw, "first_contact", what),
        "translations": c.translations(raw, "offer", what),
        "translated_by": {},
        "reviews": {},
        "translated_from": {},
        "source": f"{c.file}:{c.line_of(raw)}",
    }


def _offer_id(c: Checker, raw: Any, seen: dict) -> str | None:
    if not c.expect_mapping(raw, 1, "an offer"):
        return None
    c.unknown_fields(raw, OFFER_FIELDS, "offer")
    oid = raw.get("id")
    if not isinstance(oid, str) or not ID.match(oid):
        c.problem(c.line_of(raw), f"offer id {oid!r} must be lower-case letters, digits and dashes")
        return None
    if not claim_id(c, seen, "offer", oid, c.line_of(raw, "id")):
        return None
    return oid


def claim_id(c: Checker, seen: dict, kind: str, item_id: str, line: int) -> bool:
    """Note that the current file has this provider or offer id; False (a problem) when
    another file had it first."""
    if item_id in seen:
        c.problem(line, f"duplicate {kind} id {item_id!r} (also in {seen[item_id]})")
        return False
    seen[item_id] = c.file
    return True


def _check_ages(c: Checker, raw: Mapping, what: str) -> tuple[int | None, int | None]:
    """The age range in months; completed years, as the offer's text says them: "8 bis
    14 Jahre" is 96 to 179 months."""
    ages = {}
    for key in ("min_age_months", "max_age_months"):
        value = raw.get(key)
        if value is None:
            ages[key] = None
        elif isinstance(value, int) and not isinstance(value, bool) and \
                MIN_MONTHS <= value <= MAX_MONTHS:
            ages[key] = value
        else:
            ages[key] = None
            c.problem(c.line_of(raw, key), f"{key} of {what} must be a whole number of months "
                                           f"from {MIN_MONTHS} (pregnancy) to {MAX_MONTHS}")
    low, high = ages["min_age_months"], ages["max_age_months"]
    if low is not None and high is not None and low > high:
        c.problem(c.line_of(raw, "min_age_months"),
                  f"impossible age range in {what}: from {low} to {high} months")
    return low, high


def _check_audience(c: Checker, raw: Mapping, what: str, low: int | None,
                    high: int | None) -> str:
    audience = raw.get("audience", "child" if low is not None or high is not None
                       else "family")
    if audience not in AUDIENCES:
        c.problem(c.line_of(raw, "audience"), f"audience of {what} must be one of "
                                              f"{', '.join(AUDIENCES)}")
        return "child"
    if audience == "parents" and low is not None and low >= ADULT_MONTHS:
        c.problem(c.line_of(raw, "min_age_months"),
                  f"{what} is for parents, so its ages are the children's ages; leave them out "
                  "when the offer fits parents of a child of any age")
    return audience


def _check_places(c: Checker, raw: Mapping, provider: dict, districts: set[str],
                  what: str) -> tuple[str, list[dict], list[str]]:
    """How the offer is attended, its places and the districts it serves."""
    attending = raw.get("attending_type", "in_person")
    if attending not in ATTENDANCE:
        c.problem(c.line_of(raw, "attending_type"),
                  f"attending_type of {what} must be one of {', '.join(ATTENDANCE)}")
        attending = "in_person"
    locations = [_at_provider(loc, provider["location"])
                 for loc in _check_locations(c, raw, districts, what)]
    if attending == "in_person" and "locations" not in raw and provider["location"]:
        locations = [provider["location"]]
    areas = raw.get("service_areas")
    if areas == "citywide":
        service_areas = ["citywide"]
    else:
        service_areas = c.ids(raw, "service_areas", districts, "district", what)
    if not service_areas:
        service_areas = sorted({loc["district"] for loc in locations if loc["district"]})
        if attending != "in_person" and not service_areas:
            service_areas = ["citywide"]
    if attending == "in_person" and not locations:
        c.problem(c.line_of(raw), f"{what} takes place in person but has no locations")
    return attending, locations, service_areas


def _at_provider(location: dict, home: dict | None) -> dict:
    """A place without coordinates at its provider's own address (an imported list gives
    the street, not the coordinates) takes the provider's coordinates."""
    if location["latitude"] is not None or home is None or home["latitude"] is None:
        return location

    def address(place: dict) -> tuple[str, str]:
        return " ".join(str(place.get("address_1") or "").casefold().split()), place["postal_code"]

    if address(location) != address(home):
        return location
    return {**location, "latitude": home["latitude"], "longitude": home["longitude"]}


def _check_cost(c: Checker, raw: Mapping, what: str) -> tuple[bool, str | None]:
    free = raw.get("free")
    if not isinstance(free, bool):
        c.problem(c.line_of(raw, "free"), f"{what} must say free: true or free: false")
    fees = c.text(raw, "fees_description", what, required=False)
    if free is False and not fees:
        c.problem(c.line_of(raw, "free"), f"{what} costs money but has no fees_description")
    return free is True, fees


def _check_capacity(c: Checker, raw: Mapping, what: str) -> int | None:
    capacity = raw.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or isinstance(capacity, bool)
                                 or capacity < 0):
        c.problem(c.line_of(raw, "capacity"), f"capacity of {what} must be a whole number of "
                                              "places")
        return None
    return capacity


def _check_validity(c: Checker, raw: Mapping, what: str) -> tuple[str | None, str | None]:
    valid_from = c.date(raw, "valid_from", what)
    valid_to = c.date(raw, "valid_to", what)
    if valid_from and valid_to and valid_from > valid_to:
        c.problem(c.line_of(raw, "valid_to"), f"{what} ends ({valid_to}) before it starts "
                                              f"({valid_from})")
    return valid_from, valid_to


def _check_closures(c: Checker, raw: Mapping, what: str) -> list[dict]:
    """Days the offer or provider is closed: `- {from: 2026-12-23, to: 2027-01-01}`, or
    one day as `- 2026-12-24`; an optional note says why (Betriebsferien)."""
    items = raw.get("closures") or []
    if not isinstance(items, list):
        c.problem(c.line_of(raw, "closures"), f"closures of {what} must be a list")
        return []
    result = []
    for i, item in enumerate(items):
        line = items.lines[i] if hasattr(items, "lines") else c.line_of(raw, "closures")
        if not isinstance(item, dict):
            item = Mapping({"from": item, "to": item})
            item.line, item.lines = line, {"from": line, "to": line}
        c.unknown_fields(item, CLOSURE_FIELDS, "closure")
        first = c.date(item, "from", f"a closure of {what}")
        last = c.date(item, "to", f"a closure of {what}") if "to" in item else first
        if first is None or last is None:
            if "from" not in item:
                c.problem(line, f"a closure of {what} needs from: (and to: for more than a day)")
            continue
        if last < first:
            c.problem(line, f"a closure of {what} ends ({last}) before it starts ({first})")
            continue
        note = item.get("note")
        result.append({"from": first, "to": last,
                       "note": " ".join(note.split()) if isinstance(note, str) else None})
    return result


def _check_locations(c: Checker, raw: Mapping, districts: set[str], what: str) -> list[dict]:
    items = raw.get("locations") or []
    if not isinstance(items, list):
        c.problem(c.line_of(raw, "locations"), f"locations of {what} must be a list")
        return []
    result = []
    for item in items:
        if not c.expect_mapping(item, c.line_of(raw, "locations"), "a location"):
            continue
        c.unknown_fields(item, LOCATION_FIELDS, "location")
        result.append(_check_location(c, item, districts, what))
    return result


def _time(value: Any) -> Any:
    """9:30 and 09:30 are the same time; keep the two-digit form."""
    if isinstance(value, str) and TIME.match(value):
        return value.zfill(5)
    return value


def _check_location(c: Checker, item: Mapping, districts: set[str], what: str) -> dict:
    district = item.get("district")
    lat, lon = item.get("latitude"), item.get("longitude")
    located = is_coordinate(lat, 90) and is_coordinate(lon, 180)
    if (lat is not None or lon is not None) and not located:
        c.problem(c.line_of(item, "latitude" if "latitude" in item else "longitude"),
                  f"location of {what}: latitude and longitude go together, as numbers like "
                  f"51.7000 and 9.8000 (leave both out when they are not known), not {lat}, {lon}")
    shapes = getattr(districts, "shapes", None)
    if shapes is not None and located:
        found = shapes.district_at(lat, lon)
        if found is None:
            c.problem(c.line_of(item, "latitude"), f"coordinates {lat}, {lon} of {what} lie in "
                                                   f"no district of {geo.FILE_NAME}")
            if district is None:
                district = ""  # said once, not again as an unknown district
        elif district is None:
            district = found  # the district from the coordinates
        elif district in districts:
            _check_inside(c, item, districts, district, found, what)
    if district is None:
        district = _district_of_postal_code(c, item, districts, what)
    if district not in districts and district != "":
        c.problem(c.line_of(item, "district"), f"unknown district {district!r} in {what}")
    if not item.get("address_1"):
        c.problem(c.line_of(item), f"location of {what} has no address_1 (street and number)")
    wheelchair = item.get("wheelchair_accessible")
    if wheelchair is not None and not isinstance(wheelchair, bool):
        c.problem(c.line_of(item, "wheelchair_accessible"),
                  "wheelchair_accessible must be true or false (leave it out when it is not known)")
        wheelchair = None
    return {
        "name": item.get("location_name") or item.get("name"),
        "address_1": item.get("address_1"),
        "postal_code": str(item.get("postal_code") or ""),
        "city": item.get("city") or "",
        "district": district if district in districts else None,
        "latitude": lat if located else None,
        "longitude": lon if located else None,
        "accessibility": item.get("accessibility"),
        "wheelchair_accessible": wheelchair,
    }


def _check_inside(c: Checker, item: Mapping, districts, district: str, found: str,
                  what: str) -> None:
    """Coordinates that lie far outside the place a location names. A place without a
    shape of its own is held to the nearest place it lies in that has one (a Planungsraum
    to its Bezirk)."""
    shapes, places = districts.shapes, districts.places
    shaped = next((p for p in [district, *places.ancestors(district)] if shapes.has(p)), None)
    if shaped is None or found == shaped or shaped in places.ancestors(found):
        return
    lat, lon = item.get("latitude"), item.get("longitude")
    outside = shapes.metres_outside(shaped, lat, lon)
    if outside > geo.TOLERANCE_METRES:
        c.problem(c.line_of(item, "district"),
                  f"coordinates {lat}, {lon} of {what} lie in district {found!r}, "
                  f"{outside:.0f} m outside {shaped!r}")


def _district_of_postal_code(c: Checker, item: Mapping, districts: set[str], what: str) -> str:
    """The district of a place that names none and has no coordinates in a district's
    shape: the one district that lists its postal code in districts.yaml; "" (and a
    problem that says what to write) when there is none or more than one."""
    code = str(item.get("postal_code") or "")
    found = getattr(districts, "postal_codes", {}).get(code, [])
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        c.problem(c.line_of(item), f"location of {what} names no district, and its postal code "
                                   f"{code!r} lies in {' and '.join(found)}: write district: with "
                                   "one of them")
    elif code:
        c.problem(c.line_of(item), f"location of {what} names no district, and no district lists "
                                   f"its postal code {code!r} in districts.yaml: write district: "
                                   "or add the code to its district's postal_codes")
    else:
        c.problem(c.line_of(item), f"location of {what} names no district: write district: (or "
                                   "postal_code:, with the code in its district's postal_codes "
                                   "in districts.yaml)")
    return ""


def check_schedules(c: Checker, raw: Mapping, what: str) -> list[dict]:
    """The schedules of an offer (and of the staff behind the bot's /person), each checked."""
    items = raw.get("schedules") or []
    if not isinstance(items, list):
        c.problem(c.line_of(raw, "schedules"), f"schedules of {what} must be a list")
        return []
    result = []
    for item in items:
        if not c.expect_mapping(item, c.line_of(raw, "schedules"), "a schedule"):
            continue
        c.unknown_fields(item, SCHEDULE_FIELDS, "schedule")
        line = c.line_of(item)
        byday = item.get("byday")
        date = c.date(item, "date", what) if "date" in item else None
        if (byday is None) == ("date" not in item):
            c.problem(line, f"a schedule of {what} needs either byday (weekly) or date (once)")
        days: list[str] = []
        if byday is not None:
            days = [byday] if isinstance(byday, str) else list(byday) if isinstance(byday, list) else []
            bad = [d for d in days if d not in WEEKDAYS]
            if bad or not days:
                c.problem(c.line_of(item, "byday"), f"malformed schedule in {what}: byday {byday!r} "
                                                    f"must use {', '.join(WEEKDAYS)}")
        opens, closes = (_time(item.get("opens_at")), _time(item.get("closes_at")))
        for key, value in (("opens_at", opens), ("closes_at", closes)):
            if not isinstance(value, str) or not TIME.match(value):
                c.problem(c.line_of(item, key), f"malformed schedule in {what}: {key} {value!r} "
                                                "must be a time like 09:30")
        if (isinstance(opens, str) and isinstance(closes, str) and TIME.match(opens)
                and TIME.match(closes) and closes <= opens):
            c.problem(c.line_of(item, "closes_at"),
                      f"malformed schedule in {what}: closes at {closes}, before it opens at {opens}")
        weeks, every, first = _check_repeat(c, item, what, date)
        result.append({"byday": days, "date": date, "opens_at": opens, "closes_at": closes,
                       "description": item.get("description"), "week_of_month": weeks,
                       "every_weeks": every, "first_date": first})
    return result


def _check_repeat(c: Checker, item: Mapping, what: str,
                  date: str | None) -> tuple[list[int], int, str | None]:
    """A weekly schedule may repeat monthly (week_of_month: 2 is the second of those
    weekdays in the month, -1 the last) or every n weeks from a first date."""
    weeks = item.get("week_of_month")
    weeks = [] if weeks is None else [weeks] if isinstance(weeks, int) else weeks
    if not isinstance(weeks, list) or any(isinstance(w, bool) or w not in (1, 2, 3, 4, 5, -1)
                                          for w in weeks):
        c.problem(c.line_of(item, "week_of_month"),
                  f"malformed schedule in {what}: week_of_month must be 1 to 5, or -1 for the "
                  f"last, not {item.get('week_of_month')!r}")
        weeks = []
    every = item.get("every_weeks", 1)
    first = c.date(item, "first_date", what)
    if isinstance(every, bool) or not isinstance(every, int) or not 1 <= every <= 8:
        c.problem(c.line_of(item, "every_weeks"),
                  f"malformed schedule in {what}: every_weeks must be a number from 1 to 8")
        every = 1
    elif every > 1 and first is None:
        c.problem(c.line_of(item, "every_weeks"), f"a schedule of {what} every {every} weeks "
                                                  "needs the first_date of one of its meetings")
    if date and (weeks or every > 1):
        c.problem(c.line_of(item), f"a schedule of {what} on a date does not repeat")
    if weeks and every > 1:
        c.problem(c.line_of(item), f"a schedule of {what} repeats either by week_of_month "
                                   "or every_weeks, not both")
    return sorted(set(weeks)), every, first
