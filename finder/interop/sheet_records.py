"""One row in our template's columns as a provider or an offer in the shape of a provider
file, every cell checked and every problem named on the row.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from finder import content as content_module
from finder.content import EMAIL, ID, PHONE, SPOKEN_LANGUAGE, URL
from finder.interop import sheets
from finder.interop.sheet_mapping import Row
from finder.model import MAX_MONTHS, MIN_MONTHS, PHASE_IDS, TOPIC_IDS


class Vocabulary:
    """What the cells may name: topics and phases (ids or German labels), districts."""

    def __init__(self, content_dir: Path):
        root = Path(content_dir)
        vocabulary = yaml.safe_load((root / "vocabulary.yaml").read_text(encoding="utf-8")) or {}
        districts = yaml.safe_load((root / "districts.yaml").read_text(encoding="utf-8")) or {}
        self.topics = self._names(TOPIC_IDS, vocabulary.get("topics") or {})
        self.phases = self._names(PHASE_IDS, vocabulary.get("phases") or {})
        self.districts = {}
        for d in districts.get("districts") or []:
            if isinstance(d, dict) and d.get("id"):
                self.districts[str(d["id"]).casefold()] = d["id"]
                if d.get("name"):
                    self.districts[str(d["name"]).casefold()] = d["id"]

    @staticmethod
    def _names(ids, entries: dict) -> dict[str, str]:
        names = {i.casefold(): i for i in ids}
        for key, entry in entries.items():
            label = ((entry or {}).get("labels") or {}).get("de")
            if key in ids and label:
                names[label.casefold()] = key
        return names


YES = {"ja", "j", "yes", "y", "x", "1", "true", "wahr"}
NO = {"nein", "n", "no", "0", "false", "falsch", "-"}
ATTENDING = {"vor ort": "in_person", "in_person": "in_person", "online": "online",
             "zu hause": "at_home", "at_home": "at_home", "telefon": "phone", "phone": "phone",
             "am telefon": "phone", "in kita oder schule": "outreach", "kita/schule": "outreach",
             "outreach": "outreach", "begleitung": "accompanying",
             "accompanying": "accompanying"}
AUDIENCE = {"kind": "child", "child": "child", "eltern": "parents", "parents": "parents",
            "familie": "family", "family": "family"}
DAYS = {name.casefold(): i for i, name in enumerate(sheets.WEEKDAYS_DE)}
DAYS.update({d.casefold(): i for i, d in enumerate(sheets.WEEKDAY_IDS)})
SCHEDULE = re.compile(
    r"^(?P<when>.+?)\s+(?P<opens>\d{1,2}(?:[:.]\d{2})?)\s*(?:Uhr)?\s*(?:-|–|—|bis)\s*"
    r"(?P<closes>\d{1,2}(?:[:.]\d{2})?)"
    r"(?:\s*Uhr)?\s*(?:\((?P<note>[^)]*)\))?$")
MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                      "\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")


def _split(text: str, separators: str = ",;") -> list[str]:
    return [part.strip() for part in re.split(f"[{separators}]", text) if part.strip()]


def check_encoding(row: Row) -> None:
    """Text that went through the wrong encoding once: 'MÃ¼ller' for 'Müller', or '�'."""
    for header, value in row.cells.items():
        if not value:
            continue
        if MOJIBAKE.search(value):
            try:
                meant = value.encode("cp1252").decode("utf-8")
            except UnicodeError:
                meant = None
            if meant:
                row.problem(header, f"text in another encoding (Windows-1252 in a UTF-8 file): "
                                    f"did you mean {meant!r}? Save the file as UTF-8 and check "
                                    "this cell")
                continue
        if "\ufffd" in value:
            row.problem(header, "text with an unreadable character (�): the file was saved in "
                                "another encoding; save it as UTF-8 and check this cell")


def _ids(row: Row, header: str, names: dict[str, str], kind: str) -> list[str]:
    result = []
    for part in _split(row.cells[header]):
        key = names.get(part.casefold())
        if key is None:
            row.problem(header, f"unknown {kind} {part!r}")
        elif key not in result:
            result.append(key)
    return result


def _int(row: Row, header: str, low: int, high: int, what: str) -> int | None:
    text = row.cells[header].strip()
    if not text:
        return None
    if not re.fullmatch(r"-?\d+([.,]0+)?", text):
        row.problem(header, f"{text!r} is not {what}")
        return None
    value = int(re.split(r"[.,]", text)[0])
    if not low <= value <= high:
        row.problem(header, f"{value} is not {what}")
        return None
    return value


def _bool(row: Row, header: str, default: bool | None) -> bool | None:
    text = row.cells[header].strip().casefold()
    if not text:
        return default
    if text in YES:
        return True
    if text in NO:
        return False
    row.problem(header, f"{row.cells[header]!r} must be ja or nein")
    return default


def _float(row: Row, header: str, bound: float) -> float | None:
    text = row.cells[header].strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        row.problem(header, f"{row.cells[header]!r} is not a coordinate like 52.5200")
        return None
    if not -bound <= value <= bound:
        row.problem(header, f"{value} is out of range for a coordinate")
        return None
    return round(value, 6)


def _date(row: Row, header: str) -> str | None:
    text = row.cells[header].strip()
    if not text:
        return None
    german = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    try:
        if german:
            day, month, year = (int(g) for g in german.groups())
            return dt.date(year, month, day).isoformat()
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        row.problem(header, f"{text!r} is not a date like 2027-01-31 or 31.01.2027")
        return None


def clean_phone(text: str) -> str:
    """Phone numbers as lists write them: dashes of every kind, dots, a town's prefix put
    in front of a number that already had the country code (+4930+4930…)."""
    text = text.replace("–", "-").replace("—", "-").replace(".", " ").strip()
    if text.count("+") > 1:
        text = "+" + text.rsplit("+", 1)[1]
    return text


def _phones(row: Row, header: str) -> list[str]:
    result = []
    for part in _split(row.cells[header], ";,"):
        phone = clean_phone(part)
        if not PHONE.match(phone):
            row.problem(header, f"malformed phone number {part!r}")
            continue
        result.append(phone)
    return result


def _email(row: Row, header: str) -> str | None:
    text = row.cells[header].strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if not text:
        return None
    if not EMAIL.match(text):
        row.problem(header, f"malformed e-mail address {text!r}")
        return None
    return text


def _url(row: Row, header: str) -> str | None:
    text = row.cells[header].strip()
    if not text:
        return None
    if not re.match(r"^https?://", text, re.IGNORECASE) and re.match(r"^[\w-]+(\.[\w-]+)+", text):
        text = "https://" + text
    if not URL.match(text):
        row.problem(header, f"malformed web address {row.cells[header]!r}")
        return None
    return text


def _time(text: str) -> str:
    hours, _, minutes = re.sub(r"[.]", ":", text).partition(":")
    return f"{int(hours):02d}:{minutes or '00'}"


MONTHLY = re.compile(r"^(?P<weeks>(?:(?:[1-5]\.|letzte[rns]?)\s*(?:/|,|und)?\s*)+)\s+(?P<days>\D.*)$",
                     re.IGNORECASE)
EVERY = re.compile(r"^alle\s+(?P<n>[2-8])\s+Wochen\s+ab\s+(?P<first>[\d.-]+)\s+(?P<days>.+)$",
                   re.IGNORECASE)


def _date_text(text: str) -> str | None:
    """2027-01-21 or 21.01.2027 as an ISO date; None when it is no date."""
    found = re.fullmatch(r"(\d{4}-\d{2}-\d{2})|(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    try:
        if found and found[1]:
            return dt.date.fromisoformat(found[1]).isoformat()
        if found:
            return dt.date(int(found[4]), int(found[3]), int(found[2])).isoformat()
    except ValueError:
        return None
    return None


def _schedules(row: Row, header: str) -> list[dict]:
    result = []
    for part in _split(row.cells[header], ";"):
        found = SCHEDULE.match(part)
        if not found:
            row.problem(header, f"{part!r} is not a time like 'Mo–Fr 07:30–16:00' or "
                                "'2027-01-21 19:00–20:30'")
            continue
        when = found["when"].strip()
        item: dict[str, Any] = {}
        # "2. Di", "1./3. Mi", "letzter Sa": monthly; "alle 2 Wochen ab 2026-11-14 Sa": every n weeks.
        monthly, every = MONTHLY.match(when), EVERY.match(when)
        if monthly:
            item["week_of_month"] = sorted({-1 if last else int(n) for n, last in
                                            re.findall(r"([1-5])\.|(letzte)", monthly["weeks"])})
            when = monthly["days"]
        elif every:
            first = _date_text(every["first"])
            if first is None:
                row.problem(header, f"{every['first']!r} is not a date")
                continue
            item["every_weeks"], item["first_date"] = int(every["n"]), first
            when = every["days"]
        day_text = when.replace(" ", "")
        date = re.fullmatch(r"(\d{4}-\d{2}-\d{2})|(\d{1,2})\.(\d{1,2})\.(\d{4})", when)
        if date and not (monthly or every):
            item["date"] = _date_text(when)
            if item["date"] is None:
                row.problem(header, f"{when!r} is not a date")
                continue
        else:
            days: list[int] = []
            ok = True
            for piece in day_text.split(","):
                span = re.split(r"[-–—]", piece)
                if not all(s.casefold() in DAYS for s in span) or len(span) > 2:
                    ok = False
                    break
                first, last = DAYS[span[0].casefold()], DAYS[span[-1].casefold()]
                days += list(range(first, last + 1)) if first <= last else []
            if not ok or not days:
                row.problem(header, f"{when!r} names no weekdays (Mo, Di, Mi, Do, Fr, Sa, So) "
                                    "or date")
                continue
            ordered = sorted(set(days))
            item["byday"] = [sheets.WEEKDAY_IDS[d] for d in ordered]
        opens, closes = _time(found["opens"]), _time(found["closes"])
        if not content_module.TIME.match(opens) or not content_module.TIME.match(closes) \
                or closes <= opens:
            row.problem(header, f"{part!r}: opening hours must be like 09:00–12:30")
            continue
        item["opens_at"], item["closes_at"] = opens, closes
        if found["note"]:
            item["description"] = found["note"].strip()
        result.append(item)
    return result


def slug(text: str) -> str:
    text = text.casefold().replace("ß", "ss").replace("ä", "ae").replace("ö", "oe") \
        .replace("ü", "ue")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-") or "angebot"


def _text(row: Row, header: str, what: str | None = None) -> str | None:
    text = row.cells[header].strip()
    if not text:
        if what:
            row.problem(header, f"no German {what}")
        return None
    return text


def offer_from_row(row: Row, vocabulary: Vocabulary) -> tuple[str | None, dict]:
    """(provider id, offer dict in the shape of a provider file) for one row."""
    check_encoding(row)
    c = row.cells
    name = _text(row, "Titel", "title")
    offer: dict[str, Any] = {"id": _offer_id(row, name)}
    provider = _provider_id(row)
    offer["name"] = name
    offer["summary"] = _text(row, "Kurzbeschreibung", "summary")
    offer["description"] = _text(row, "Beschreibung", "description")
    offer["topics"] = _ids(row, "Themen", vocabulary.topics, "topic")
    if not offer["topics"] and c["Themen"].strip() == "":
        row.problem("Themen", "no topic")
    offer["phases"] = _ids(row, "Lebensphasen", vocabulary.phases, "life phase")
    offer["min_age_months"], offer["max_age_months"] = _ages(row)
    if c["Zielgruppe"].strip():
        offer["audience"] = _choice(row, "Zielgruppe", AUDIENCE, "Kind, Eltern or Familie")
    if c["Form"].strip():
        offer["attending_type"] = _choice(row, "Form", ATTENDING, "vor Ort, online, Telefon, zu Hause, "
                                                                  "in Kita oder Schule or Begleitung")
    offer["service_areas"] = _service_areas(row, vocabulary)
    location = _location(row, vocabulary, {
        "name": "Ort", "address_1": "Straße und Hausnummer", "postal_code": "PLZ", "city": "Stadt",
        "district": "Stadtteil", "latitude": "Breitengrad", "longitude": "Längengrad",
        "wheelchair_accessible": "Rollstuhlgerecht", "accessibility": "Barrierefreiheit"})
    if location:
        offer["locations"] = [location]
    offer["free"], offer["fees_description"] = _costs(row)
    offer["languages"] = _languages(row)
    offer["phones"] = _phones(row, "Telefon")
    offer["email"] = _email(row, "E-Mail")
    offer["url"] = _url(row, "Webseite")
    offer["registration_required"] = _bool(row, "Anmeldung nötig", None)
    offer["application_process"] = _text(row, "Anmeldung")
    offer["capacity"] = _int(row, "Plätze", 0, 1_000_000, "a number of places")
    offer["schedule_description"] = _text(row, "Zeiten (Hinweis)")
    offer["schedules"] = _schedules(row, "Zeiten")
    offer["valid_from"] = _date(row, "Gültig ab")
    offer["valid_to"] = _date(row, "Gültig bis")
    offer["assured_date"] = _date(row, "Zuletzt geprüft")
    offer["closures"] = _closures(row, "Schließtage")
    if c.get("An Feiertagen", "").strip():
        offer["open_on_holidays"] = _bool(row, "An Feiertagen", None)
    if c.get("Erste Anlaufstelle", "").strip():
        offer["first_contact"] = _bool(row, "Erste Anlaufstelle", None)
    return provider, {k: v for k, v in offer.items() if v is not None and v != []}


def _offer_id(row: Row, name: str | None) -> str | None:
    """The row's id, or one made from the title."""
    oid = row.cells["ID"].strip()
    if not oid and name:
        oid = slug(name)
    if oid and not ID.match(oid):
        row.problem("ID", f"id {oid!r} must be lower-case letters, digits and dashes")
    return oid or None


def _provider_id(row: Row) -> str | None:
    provider = row.cells["Anbieter-ID"].strip() or None
    if provider is None:
        row.problem("Anbieter-ID", "no provider id")
    elif not ID.match(provider):
        row.problem("Anbieter-ID", f"provider id {provider!r} must be lower-case letters, "
                                   "digits and dashes")
    return provider


def _ages(row: Row) -> tuple[int | None, int | None]:
    """The age range in months, from pregnancy on."""
    low, high = MIN_MONTHS, MAX_MONTHS
    what = f"an age in months from {low} (pregnancy) to {high}"
    first = _int(row, "Alter von (Monate)", low, high, what)
    last = _int(row, "Alter bis (Monate)", low, high, what)
    if None not in (first, last) and first > last:
        row.problem("Alter bis (Monate)", f"the age range ends ({last}) before it starts ({first})")
    return first, last


def _choice(row: Row, header: str, choices: dict[str, str], allowed: str) -> str | None:
    """Our id for a German word (or an id) of the cell; allowed names them in the message."""
    value = choices.get(row.cells[header].strip().casefold())
    if value is None:
        row.problem(header, f"{row.cells[header]!r} must be {allowed}")
    return value


def _service_areas(row: Row, vocabulary: Vocabulary) -> str | list[str] | None:
    areas = row.cells["Einzugsgebiet"].strip()
    if areas.casefold() in ("stadtweit", "citywide", "ganze stadt"):
        return "citywide"
    if areas:
        return _ids(row, "Einzugsgebiet", vocabulary.districts, "district")
    return None


def _costs(row: Row) -> tuple[bool | None, str | None]:
    """(free, what it costs): an offer that costs money says what."""
    free = _bool(row, "Kostenlos", None)
    if free is None and not row.cells["Kostenlos"].strip():
        row.problem("Kostenlos", "say ja or nein")
    fees = _text(row, "Kosten")
    if free is False and not fees:
        row.problem("Kosten", "the offer costs money: say what it costs")
    return free, fees


def _languages(row: Row) -> list[str] | None:
    languages = _split(row.cells["Sprachen"])
    for lang in languages:
        if not SPOKEN_LANGUAGE.match(lang):
            row.problem("Sprachen", f"{lang!r} is no language code like de, tr, ar")
    return [lang for lang in languages if SPOKEN_LANGUAGE.match(lang)] or None


_DAY = r"\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}"
CLOSURE = re.compile(rf"^(?P<first>{_DAY})(?:\s*[–-]\s*(?P<last>{_DAY}))?(?:\s+(?P<note>.+))?$")


def _closures(row: Row, header: str) -> list[dict]:
    """Days closed: "24.12.2026–01.01.2027 Weihnachten; 2027-05-14", each a day or a span
    and an optional reason."""
    result = []
    for part in _split(row.cells.get(header, ""), ";"):
        found = CLOSURE.match(part)
        first = _date_text(found["first"]) if found else None
        last = _date_text(found["last"]) if found and found["last"] else first
        if first is None or last is None or last < first:
            row.problem(header, f"{part!r} is not a day or span like 24.12.2026–01.01.2027 "
                                "(with a reason after it if you like)")
            continue
        result.append({"from": first, "to": last, **({"note": found["note"].strip()}
                                                      if found["note"] else {})})
    return result


def _location(row: Row, vocabulary: Vocabulary, headers: dict[str, str]) -> dict | None:
    if not any(row.cells[h].strip() for h in headers.values()):
        return None
    location: dict[str, Any] = {
        "name": _text(row, headers["name"]) if "name" in headers else None,
        "address_1": _text(row, headers["address_1"]),
        # Excel drops the leading zero of 01234 typed into a number cell.
        "postal_code": _postal_code(_text(row, headers["postal_code"])),
        "city": _text(row, headers["city"]),
    }
    district = row.cells[headers["district"]].strip()
    if district:
        location["district"] = vocabulary.districts.get(district.casefold())
        if location["district"] is None:
            row.problem(headers["district"], f"unknown district {district!r}")
    location["latitude"] = _float(row, headers["latitude"], 90)
    location["longitude"] = _float(row, headers["longitude"], 180)
    if not location["address_1"]:
        row.problem(headers["address_1"], "a place needs its street and number")
    if location["latitude"] is None or location["longitude"] is None:
        row.problem(headers["latitude"], "a place needs latitude and longitude")
    location["wheelchair_accessible"] = _bool(row, headers["wheelchair_accessible"], None)
    location["accessibility"] = _text(row, headers["accessibility"])
    return {k: v for k, v in location.items() if v is not None}


def _postal_code(text: str | None) -> str | None:
    return text.zfill(5) if text and text.isdigit() and len(text) == 4 else text


def provider_from_row(row: Row, vocabulary: Vocabulary) -> dict:
    check_encoding(row)
    c = row.cells
    pid = c["ID"].strip()
    if not pid:
        row.problem("ID", "no provider id")
    elif not ID.match(pid):
        row.problem("ID", f"provider id {pid!r} must be lower-case letters, digits and dashes")
    provider: dict[str, Any] = {
        "id": pid or None,
        "name": _text(row, "Name", "name"),
        "kind": _text(row, "Art"),
        "description": _text(row, "Beschreibung"),
        "website": _url(row, "Webseite"),
        "email": _email(row, "E-Mail"),
        "phones": _phones(row, "Telefon"),
    }
    location = _location(row, vocabulary, {
        "address_1": "Straße und Hausnummer", "postal_code": "PLZ", "city": "Stadt",
        "district": "Stadtteil", "latitude": "Breitengrad", "longitude": "Längengrad",
        "wheelchair_accessible": "Rollstuhlgerecht", "accessibility": "Barrierefreiheit"})
    if location:
        provider.update(location)
    provider["closures"] = _closures(row, "Schließtage")
    return {k: v for k, v in provider.items() if v is not None and v != []}
