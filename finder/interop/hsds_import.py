"""`finder import hsds PATH`: Open Referral HSDS 3.0 data into content/ YAML.

Reads HSDS JSON (one object, a list, an API page, a folder of files) or the tabular
data package (CSV files with or without datapackage.json), joins everything into the
standard's tables, and turns organizations into providers and services into offers.
Our own export comes back field for field (finder.hsds puts our fields into taxonomy
terms and attributes); foreign taxonomy terms, districts and the like are mapped with
a mapping file, and whatever cannot be mapped is listed in the report.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from finder import content as content_module
from finder.content import EMAIL, PHONE, URL, ContentError, Problem
from finder.interop.hsds import CITYWIDE, FIELDS, PROVIDER_ID_SCHEME, TABLES, flatten, taxonomy_id, term_id
from finder.model import MAX_MONTHS, PHASE_IDS, TOPIC_IDS

MAPPING_FIELDS = {"topics", "phases", "districts", "default_topic", "default_district",
                  "default_free", "fees_description", "id_prefix"}
UNKNOWN_COST = "Kosten bitte beim Anbieter erfragen."
SUMMARY_LENGTH = 200


class HsdsImportError(Exception):
    """The input or the mapping cannot be read; the message names the file."""


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


# --- reading ----------------------------------------------------------------------------


def read_tables(path: Path) -> dict[str, dict[str, dict]]:
    """Every HSDS object found at path, as rows of the standard's tables by id."""
    path = Path(path)
    tables: dict[str, dict[str, dict]] = {}
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".json", ".csv"))
        if (path / "datapackage.json").exists():
            _read_package(path / "datapackage.json", tables)
            files = [p for p in files if p.suffix == ".json" and p.name != "datapackage.json"]
        for file in files:
            _read_file(file, tables)
    elif path.exists():
        if path.name == "datapackage.json":
            _read_package(path, tables)
        else:
            _read_file(path, tables)
    else:
        raise HsdsImportError(f"{path}: no such file or folder")
    return tables


_BY_FILE = {file_name: table for table, (file_name, _) in TABLES.items()}
_BY_FILE["funding.csv"] = "funding"


def _read_file(path: Path, tables: dict) -> None:
    if path.suffix == ".csv":
        table = _BY_FILE.get(path.name)
        if table is not None:
            _read_csv(path, table, tables)
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HsdsImportError(f"{path}: not readable JSON: {error}") from None
    _read_json(data, tables, path.stem)


def _read_json(data, tables: dict, hint: str = "") -> None:
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]  # a page of the HSDS API
    if isinstance(data, dict) and data and all(k.endswith(".csv") for k in data):
        for file_name, rows in data.items():  # the tabular form as JSON
            table = _BY_FILE.get(file_name)
            if table is not None and isinstance(rows, list):
                for row in rows:
                    if isinstance(row, dict):
                        tables.setdefault(table, {}).setdefault(str(row.get("id")), dict(row))
        return
    for obj in data if isinstance(data, list) else [data]:
        if isinstance(obj, dict):
            flatten(obj, _kind(obj, hint), tables)


def _kind(obj: dict, hint: str) -> str:
    """Which HSDS object this is: by its file name, else by its fields."""
    for prefix, table in (("service_at_location", "service_at_location"),
                          ("taxonomy_term", "taxonomy_term"), ("taxonom", "taxonomy"),
                          ("organization", "organization"), ("service", "service"),
                          ("location", "location")):
        if hint.startswith(prefix):
            return table
    if "service" in obj and "location" in obj or {"service_id", "location_id"} <= set(obj):
        return "service_at_location"
    if "status" in obj or "service_areas" in obj or "service_at_locations" in obj:
        return "service"
    if "location_type" in obj:
        return "location"
    if {"code", "taxonomy_id", "parent_id", "term_uri", "taxonomy_detail"} & set(obj):
        return "taxonomy_term"
    if set(obj) <= {"id", "name", "description", "uri", "version", "metadata"} \
            and {"uri", "version"} & set(obj):
        return "taxonomy"
    return "organization"


def _read_package(path: Path, tables: dict) -> None:
    try:
        package = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        package = None  # the CSV files beside it still say what they hold by their names
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        # Some packages (the official example's) point elsewhere; read the CSVs beside it.
        for file in sorted(path.parent.glob("*.csv")):
            _read_file(file, tables)
        return
    for resource in resources:
        file_name = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(file_name, str) or "/" in file_name or "\\" in file_name:
            continue
        table = _BY_FILE.get(file_name) or resource.get("name")
        csv_path = path.parent / file_name
        if table and csv_path.exists():
            _read_csv(csv_path, table, tables)


def _read_csv(path: Path, table: str, tables: dict) -> None:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                clean = {k: v for k, v in row.items() if k and v not in (None, "")}
                tables.setdefault(table, {}).setdefault(str(clean.get("id")), clean)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise HsdsImportError(f"{path}: not a readable CSV file: {error}") from None


# --- the mapping file -------------------------------------------------------------------


def read_mapping(path: Path | None, district_ids: set[str]) -> dict:
    """The mapping file: foreign term codes or names to our topics, phases, districts."""
    data = {}
    if path is not None:
        try:
            data = content_module.load_yaml(Path(path)) or {}
        except ContentError as error:
            raise HsdsImportError(str(error)) from None
        except (OSError, UnicodeDecodeError) as error:
            raise HsdsImportError(f"{path}: cannot read: {error}") from None
    problems = []

    def line(mapping, key) -> int:
        return getattr(mapping, "lines", {}).get(key, getattr(mapping, "line", 1))

    if not isinstance(data, dict):
        raise HsdsImportError(f"{path}:1: the mapping must be a mapping of sections")
    for key in data:
        if key not in MAPPING_FIELDS:
            problems.append(f"{path}:{line(data, key)}: unknown section {key!r} "
                            f"(known: {', '.join(sorted(MAPPING_FIELDS))})")
    result = {"topics": {}, "phases": {}, "districts": {}}
    for section, known in (("topics", TOPIC_IDS), ("phases", PHASE_IDS),
                           ("districts", district_ids | {CITYWIDE})):
        entries = data.get(section) or {}
        if not isinstance(entries, dict):
            problems.append(f"{path}:{line(data, section)}: {section} must map foreign names "
                            "to our ids")
            continue
        for foreign, ours in entries.items():
            values = ours if isinstance(ours, list) else [ours]
            bad = [v for v in values if v not in known]
            if bad:
                problems.append(f"{path}:{line(entries, foreign)}: unknown {section[:-1]} "
                                f"{', '.join(map(repr, bad))} for {foreign!r}")
                continue
            result[section][_key(str(foreign))] = values
    for key, known in (("default_topic", TOPIC_IDS), ("default_district", district_ids)):
        if data.get(key) is not None and data[key] not in known:
            problems.append(f"{path}:{line(data, key)}: unknown {key[8:]} {data[key]!r}")
        result[key] = data.get(key)
    if "default_free" in data and not isinstance(data["default_free"], bool):
        problems.append(f"{path}:{line(data, 'default_free')}: default_free is true or false")
    result["default_free"] = data.get("default_free")
    result["fees_description"] = data.get("fees_description") or UNKNOWN_COST
    result["id_prefix"] = str(data.get("id_prefix") or "")
    if problems:
        raise HsdsImportError("\n".join(problems))
    return result


def _key(text: str) -> str:
    return " ".join(str(text).casefold().split())


# --- HSDS tables -> provider dicts ------------------------------------------------------


class _Converter:
    def __init__(self, tables: dict, mapping: dict, districts: list[dict], report: Report):
        self.t = {name: list(rows.values()) for name, rows in tables.items()}
        self.mapping = mapping
        self.district_ids = {d["id"] for d in districts}
        self.district_names = {_key(d["name"]): d["id"] for d in districts}
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
        summary = _text(service.get("alternate_name")) if ours else _first_sentence(description)
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
                mapped_topics = self.mapping["topics"].get(_key(code)) or \
                    self.mapping["topics"].get(_key(label))
                mapped_phases = self.mapping["phases"].get(_key(code)) or \
                    self.mapping["phases"].get(_key(label))
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
        if self.field(attributes, "open_on_holidays") == "true":
            offer["open_on_holidays"] = True
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
            mapped = codes or self.mapping["districts"].get(_key(area.get("name") or ""))
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
                    found = self.mapping["districts"].get(_key(candidate)) or \
                        ([self.district_names[_key(candidate)]]
                         if _key(candidate) in self.district_names else None)
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


def _first_sentence(text: str | None) -> str | None:
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


# --- writing ----------------------------------------------------------------------------


def import_hsds(source: Path, content_dir: Path, mapping_path: Path | None = None) -> Report:
    """Read HSDS at source into content_dir: providers/<id>.yaml and, for languages whose
    translator is known, translations/<lang>.yaml. Nothing changes unless all of the
    content, old and new, validates (ContentError otherwise)."""
    from finder.content.files import write_providers

    content_dir = Path(content_dir)
    districts = _districts(content_dir)
    mapping = read_mapping(mapping_path, {d["id"] for d in districts})
    report = Report()
    converter = _Converter(read_tables(source), mapping, districts, report)
    providers = converter.providers()
    files = _translation_files(content_dir, providers)
    with tempfile.TemporaryDirectory(prefix=".hsds-", dir=content_dir.parent) as tmp:
        staging = Path(tmp) / content_dir.name
        shutil.copytree(content_dir, staging, symlinks=True)
        for lang, text in files.items():
            (staging / "translations").mkdir(exist_ok=True)
            (staging / "translations" / f"{lang}.yaml").write_text(text, encoding="utf-8")
        try:
            written = write_providers(staging, providers, keep_translations=False)
        except ContentError as error:
            raise ContentError([Problem(p.file.replace(str(staging), str(content_dir)), p.line,
                                        p.message) for p in error.problems]) from None
        for path in written:
            target = content_dir / "providers" / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            report.written.append(str(target))
        for lang in files:
            target = content_dir / "translations" / f"{lang}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staging / "translations" / f"{lang}.yaml", target)
            report.written.append(str(target))
    return report


def _districts(content_dir: Path) -> list[dict]:
    path = content_dir / "districts.yaml"
    if not path.exists():
        raise HsdsImportError(f"{path}: the content folder needs its districts.yaml (and "
                           "vocabulary.yaml) before offers can be imported")
    data = content_module.load_yaml(path) or {}
    return [{"id": d.get("id"), "name": d.get("name") or d.get("id")}
            for d in data.get("districts") or [] if isinstance(d, dict)]


def _translation_files(content_dir: Path, providers: list[dict]) -> dict[str, str]:
    """Translations whose translator is known go into translations/<lang>.yaml (the way
    the content keeps them); the others stay in the provider files."""
    entries: dict[str, dict] = {}
    translators: dict[str, str] = {}
    for provider in providers:
        for kind, record in [("providers", provider)] + [("offers", o) for o in provider["offers"]]:
            for lang, translator in record.pop("_translated_by", {}).items():
                texts = (record.get("translations") or {}).pop(lang, None)
                if texts is None:
                    continue
                if translators.setdefault(lang, translator) != translator:
                    record["translations"][lang] = texts  # a second translator: keep inline
                    continue
                entries.setdefault(lang, {"providers": {}, "offers": {}})[kind][record["id"]] = texts
            if "translations" in record and not record["translations"]:
                del record["translations"]
    files = {}
    for lang, sections in entries.items():
        existing = content_dir / "translations" / f"{lang}.yaml"
        if existing.exists():
            old = yaml.safe_load(existing.read_text(encoding="utf-8")) or {}
            if old.get("translator") != translators[lang]:
                raise ContentError([Problem(str(existing), 1, f"translations/{lang}.yaml has "
                                            f"another translator than the imported texts")])
            for kind in ("providers", "offers"):
                sections[kind] = {**(old.get(kind) or {}), **sections[kind]}
        body = {"language": lang, "translator": translators[lang],
                **{k: v for k, v in sections.items() if v}}
        files[lang] = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100)
    return files
