"""One row in our template's columns as a provider or an offer in the shape of a provider
file, every cell checked and every problem named on the row. The values are read in the
forms lists write them (finder.interop.sheet_values).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from finder.content import EMAIL, ID, URL
from finder.content.districts import postal_code_districts
from finder.content.shapes import FILE_NAME as SHAPES_FILE
from finder.content.yamlfile import SAFE_LOADER
from finder.interop import sheet_values as values
from finder.interop.hsds_convert import first_sentence
from finder.interop.sheet_mapping import Row
from finder.model import MAX_MONTHS, MIN_MONTHS, PHASE_IDS, TOPIC_IDS


class Vocabulary:
    """What the cells may name: topics and phases (ids or German labels), districts (ids or
    names), and the districts of postal codes."""

    def __init__(self, content_dir: Path):
        root = Path(content_dir)
        vocabulary = yaml.load((root / "vocabulary.yaml").read_text(encoding="utf-8"),
                               Loader=SAFE_LOADER) or {}  # noqa: S506  # nosec B506
        districts = yaml.load((root / "districts.yaml").read_text(encoding="utf-8"),
                              Loader=SAFE_LOADER) or {}  # noqa: S506  # nosec B506
        self.topics = self._names(TOPIC_IDS, vocabulary.get("topics") or {})
        self.phases = self._names(PHASE_IDS, vocabulary.get("phases") or {})
        self.districts: dict[str, str] = {}
        entries = [d for d in districts.get("districts") or [] if isinstance(d, dict) and d.get("id")]
        for d in entries:
            self.districts[str(d["id"]).casefold()] = d["id"]
            if d.get("name"):
                self.districts[str(d["name"]).casefold()] = d["id"]
        self.district_names = {d["id"]: str(d.get("name") or d["id"]) for d in entries}
        self.postal_codes = postal_code_districts(
            [{"id": d["id"], "postal_codes": [str(c) for c in d.get("postal_codes") or []]}
             for d in entries])
        self.shapes = (root / SHAPES_FILE).exists()
        """Whether coordinates give a place its district (districts.geojson)."""

    @staticmethod
    def _names(ids, entries: dict) -> dict[str, str]:
        names = {i.casefold(): i for i in ids}
        for key, entry in entries.items():
            label = ((entry or {}).get("labels") or {}).get("de")
            if key in ids and label:
                names[label.casefold()] = key
        return names


ATTENDING = {"vor ort": "in_person", "in_person": "in_person", "online": "online",
             "zu hause": "at_home", "at_home": "at_home", "telefon": "phone", "phone": "phone",
             "am telefon": "phone", "in kita oder schule": "outreach", "kita/schule": "outreach",
             "outreach": "outreach", "begleitung": "accompanying",
             "accompanying": "accompanying"}
AUDIENCE = {"kind": "child", "kinder": "child", "jugendliche": "child", "child": "child",
            "eltern": "parents", "mütter": "parents", "väter": "parents", "parents": "parents",
            "familie": "family", "familien": "family", "family": "family"}
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
                                    "this cell", "encoding")
                continue
        if "\ufffd" in value:
            row.problem(header, "text with an unreadable character (�): the file was saved in "
                                "another encoding; save it as UTF-8 and check this cell", "encoding")


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


def _read(row: Row, header: str, reader, default=None):
    """A cell through one of sheet_values' readers; a cell it cannot read is the row's problem."""
    try:
        return reader(row.cells[header])
    except values.Unreadable as error:
        row.problem(header, str(error))
        return default


def _bool(row: Row, header: str, default: bool | None) -> bool | None:
    said = _read(row, header, values.yes_no, default)
    return default if said is None else said


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
    return _read(row, header, values.date)


def _phones(row: Row, header: str) -> list[str]:
    good, bad = values.phones(row.cells[header])
    for part in bad:
        row.problem(header, f"malformed phone number {part!r}")
    return good


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


def _schedules(row: Row, header: str) -> list[dict]:
    result = []
    for part in values.schedule_parts(row.cells[header]):
        item = _read(row, header, lambda _, part=part: values.schedule(part))
        if item is not None:
            result.append(item)
    return result


def _schedule_texts(row: Row) -> tuple[list[dict], str | None]:
    """(times, the note on them): a times cell without a single digit ("nach Vereinbarung")
    is a note, said as such, not a problem."""
    times, note = row.cells["Zeiten"], _text(row, "Zeiten (Hinweis)")
    if values.names_no_time(times):
        row.note("Zeiten", f"{times.strip()!r} names no day and time: taken as the note on the "
                           "times (Zeiten (Hinweis))", "times as a note")
        return [], f"{note} {times.strip()}" if note else times.strip()
    return _schedules(row, "Zeiten"), note


def slug(text: str) -> str:
    text = text.casefold().replace("ß", "ss").replace("ä", "ae").replace("ö", "oe") \
        .replace("ü", "ue")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-") or "angebot"


def alike(one: str, other: str) -> bool:
    """Whether one name is a short form of the other (all its words are in the other):
    "Jugendamt" and "Jugendamt der Stadt Wiesbrück" name the same provider."""
    words = [set(re.findall(r"\w+", name.casefold())) for name in (one, other)]
    return bool(words[0] and words[1]) and (words[0] <= words[1] or words[1] <= words[0])


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
    offer["description"] = _text(row, "Beschreibung", "description")
    # A list with one text column: its first sentence is the summary, as in the HSDS import.
    offer["summary"] = _text(row, "Kurzbeschreibung") or first_sentence(offer["description"]) \
        or _text(row, "Kurzbeschreibung", "summary")
    offer["topics"] = _topics(row, vocabulary)
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
    offer["schedules"], offer["schedule_description"] = _schedule_texts(row)
    offer["valid_from"] = _date(row, "Gültig ab")
    offer["valid_to"] = _date(row, "Gültig bis")
    offer["assured_date"] = _date(row, "Zuletzt geprüft")
    offer["closures"] = _closures(row, "Schließtage")
    if c.get("An Feiertagen", "").strip():
        offer["open_on_holidays"] = _bool(row, "An Feiertagen", None)
    if c.get("Erste Anlaufstelle", "").strip():
        offer["first_contact"] = _bool(row, "Erste Anlaufstelle", None)
    return provider, {k: v for k, v in offer.items() if v is not None and v != []}


def _topics(row: Row, vocabulary: Vocabulary) -> list[str]:
    """At least one topic: a cell of only separators (", ,") names none."""
    before = len(row.problems) + len(row.notes)
    topics = _ids(row, "Themen", vocabulary.topics, "topic")
    if not topics and len(row.problems) + len(row.notes) == before and "Themen" not in row.failed:
        row.problem("Themen", "no topic")
    return topics


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
    """The age range in months, from pregnancy on: from the months columns, or from the
    words of the Alter column ("3-6 Jahre", "ab 12", "U3"), which must then agree."""
    low, high = MIN_MONTHS, MAX_MONTHS
    what = f"an age in months from {low} (pregnancy) to {high}"
    first = _int(row, "Alter von (Monate)", low, high, what)
    last = _int(row, "Alter bis (Monate)", low, high, what)
    if None not in (first, last) and first > last:
        row.problem("Alter bis (Monate)", f"the age range ends ({last}) before it starts ({first})")
    if not row.cells["Alter"].strip():
        return first, last
    said = _read(row, "Alter", values.ages, (None, None))
    if (first, last) != (None, None) and said != (first, last):
        row.problem("Alter", f"{row.cells['Alter']!r} says other ages than the months columns "
                             f"({first}–{last}): leave one of them empty")
    return said if (first, last) == (None, None) else (first, last)


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
    """(free, what it costs): "ja"/"nein" in Kostenlos, or read from the Kosten text
    ("kostenlos" is free, "5 € im Monat" is not); an offer that costs money says what."""
    said, fees = row.cells["Kostenlos"].strip(), _text(row, "Kosten")
    if said and values.is_free_text(said):
        free = True
    elif said and said.casefold() not in values.YES | values.NO and values.names_an_amount(said):
        free, fees = False, fees or said  # the cost itself in the free column
    else:
        free = _bool(row, "Kostenlos", None)
    if free is None and fees:
        free = values.is_free_text(fees)
    if fees and values.is_free_text(fees):
        fees = None
    if free is None and not said:
        row.problem("Kostenlos", "say ja or nein (or what it costs in Kosten)")
    if free is False and not fees:
        row.problem("Kosten", "the offer costs money: say what it costs")
    return free, fees


def _languages(row: Row) -> list[str] | None:
    codes, bad = values.languages(row.cells["Sprachen"])
    for part in bad:
        row.problem("Sprachen", f"{part!r} is no language: write codes like de, tr, ar or "
                                "German names like Deutsch, Türkisch")
    return codes or None


_DAY = r"\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{2,4}"
CLOSURE = re.compile(rf"^(?P<first>{_DAY})(?:\s*[–-]\s*(?P<last>{_DAY}))?(?:\s+(?P<note>.+))?$")


def _closures(row: Row, header: str) -> list[dict]:
    """Days closed: "24.12.2026–01.01.2027 Weihnachten; 2027-05-14", each a day or a span
    and an optional reason."""
    result = []
    for part in _split(row.cells.get(header, ""), ";"):
        found = CLOSURE.match(part)
        first = values.date_or_none(found["first"]) if found else None
        last = values.date_or_none(found["last"]) if found and found["last"] else first
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
    location["latitude"] = _float(row, headers["latitude"], 90)
    location["longitude"] = _float(row, headers["longitude"], 180)
    located = location["latitude"] is not None and location["longitude"] is not None
    if (location["latitude"] is None) != (location["longitude"] is None):
        row.problem(headers["latitude"], "latitude and longitude go together: give both or neither")
    location["district"] = _district(row, vocabulary, headers, location["postal_code"], located)
    if not location["address_1"]:
        row.problem(headers["address_1"], "a place needs its street and number")
    location["wheelchair_accessible"] = _bool(row, headers["wheelchair_accessible"], None)
    location["accessibility"] = _text(row, headers["accessibility"])
    return {k: v for k, v in location.items() if v is not None}


def _district(row: Row, vocabulary: Vocabulary, headers: dict[str, str], postal_code: str | None,
              located: bool) -> str | None:
    """The place's district: the cell's; else the one district that lists its postal code
    in districts.yaml; else, with coordinates and districts.geojson, the build finds it."""
    header = headers["district"]
    said = row.cells[header].strip()
    if said:
        district = vocabulary.districts.get(said.casefold())
        if district is None:
            row.problem(header, f"unknown district {said!r}")
        return district
    found = vocabulary.postal_codes.get(postal_code or "", [])
    if len(found) == 1:
        return found[0]
    if located and vocabulary.shapes:
        return None  # the build takes it from districts.geojson
    if len(found) > 1:
        row.problem(header, f"no district, and the postal code {postal_code!r} lies in "
                            f"{' and '.join(found)}: name the district", "district")
    elif postal_code:
        row.problem(header, f"no district, and no district lists the postal code {postal_code!r} "
                            "in districts.yaml: name the district, or add the code to its "
                            "district's postal_codes", "district")
    else:
        row.problem(header, "no district and no postal code: name the district (or give the "
                            "postal code, listed in districts.yaml)", "district")
    return None


def _postal_code(text: str | None) -> str | None:
    return text.zfill(5) if text and text.isdigit() and len(text) == 4 else text


def provider_from_row(row: Row, vocabulary: Vocabulary) -> dict:
    check_encoding(row)
    pid = row.cells["ID"].strip()
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
