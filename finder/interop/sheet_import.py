"""From spreadsheet rows to content files: check every cell, report every bad one.

The rows come from finder.sheets (our template) or, through a column mapping file,
from a town's own list (its column names, its values, constants for every row). Each
row becomes an offer of a provider; every problem names its sheet, row and column.
Nothing is written while any row is bad, unless skip_bad: then the good rows are
written and the report lists the rest. A row adds an offer to its provider or replaces
the offer of the same id; the provider's other offers stay. The files are written by finder.contentfiles,
which validates them with the whole content before content/ changes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from finder import content as content_module
from finder.content import EMAIL, ID, PHONE, SPOKEN_LANGUAGE, URL, ContentError
from finder.content import files as contentfiles
from finder.interop import sheets
from finder.interop.sheets import OFFER_SHEET, PROVIDER_SHEET, Table
from finder.model import MAX_MONTHS, MIN_MONTHS, PHASE_IDS, TOPIC_IDS


@dataclass(frozen=True, order=True)
class SheetProblem:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}, row {self.row}" if self.row else self.sheet
        return f"{where}, column {self.column}: {self.message}" if self.column else \
            f"{where}: {self.message}"


class ImportError_(Exception):
    """The import wrote nothing; carries every problem."""

    def __init__(self, problems: list):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ImportResult:
    written: list[Path]
    offers: int
    providers: int
    skipped: list[SheetProblem] = field(default_factory=list)
    """Problems of rows left out (skip_bad)."""
    notes: list[SheetProblem] = field(default_factory=list)
    """Values left out by the mapping's drop_bad, the rows kept."""
    skipped_rows: int = 0

    def report(self) -> str:
        lines = [f"Imported {self.offers} offers of {self.providers} providers "
                 f"into {len(self.written)} files."]
        if self.skipped:
            lines.append(f"Left out {self.skipped_rows} rows with problems:")
            lines += [f"  {p}" for p in self.skipped]
        if self.notes:
            lines.append(f"Values left out, rows kept ({len(self.notes)}):")
            lines += [f"  {p}" for p in self.notes]
        return "\n".join(lines) + "\n"


# --- the mapping file -------------------------------------------------------------------


@dataclass
class SheetMapping:
    """How one foreign sheet's columns become our template's columns."""

    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    drop_bad: set[str] = field(default_factory=set)
    from_offers: bool = False


@dataclass
class ColumnMapping:
    offers: SheetMapping
    providers: SheetMapping | None


MAPPING_KEYS = {"sheet", "columns", "templates", "values", "constants", "drop_bad", "from_offers"}
TEMPLATE_FIELD = re.compile(r"\{([^{}:]+)(?::(\d+))?\}")
"""{column} in a template, or {column:2} for its first two characters."""


def load_mapping(path: Path) -> ColumnMapping:
    """Read a column mapping file; raise ContentError naming its line."""
    path = Path(path)
    try:
        data = content_module.load_yaml(path)
    except OSError as error:
        raise ContentError([content_module.Problem(str(path), 1, f"cannot read: {error}")]) from None
    problems = []

    def section(name: str, sheet: str) -> SheetMapping | None:
        raw = data.get(name) if isinstance(data, dict) else None
        if raw is None:
            return None
        line = data.lines.get(name, 1) if hasattr(data, "lines") else 1
        if not isinstance(raw, dict):
            problems.append(content_module.Problem(str(path), line, f"{name} must be a mapping"))
            return None
        known = {c.header for c in sheets.COLUMNS[sheet]}
        for key in raw:
            if key not in MAPPING_KEYS:
                problems.append(content_module.Problem(
                    str(path), raw.lines.get(key, line),
                    f"unknown key {key!r} in {name} (allowed: {', '.join(sorted(MAPPING_KEYS))})"))
        result = SheetMapping(sheet=raw.get("sheet"), from_offers=raw.get("from_offers") is True)
        for key in ("columns", "templates", "values", "constants"):
            entries = raw.get(key) or {}
            if not isinstance(entries, dict):
                problems.append(content_module.Problem(str(path), raw.lines.get(key, line),
                                                       f"{name}.{key} must be a mapping"))
                continue
            for header, value in entries.items():
                if header not in known:
                    problems.append(content_module.Problem(
                        str(path), entries.lines.get(header, line),
                        f"{name}.{key}: {header!r} is no column of our sheet {sheet} "
                        f"(columns: {', '.join(sorted(known))})"))
                    continue
                if key == "values":
                    if not isinstance(value, dict):
                        problems.append(content_module.Problem(
                            str(path), entries.lines.get(header, line),
                            f"{name}.values.{header} must map their values to ours"))
                        continue
                    value = {str(k).strip(): _as_text(v) for k, v in value.items()}
                else:
                    value = _as_text(value)
                getattr(result, key)[header] = value
        drop = raw.get("drop_bad") or []
        result.drop_bad = {str(h) for h in (drop if isinstance(drop, list) else [drop])}
        return result

    if not isinstance(data, dict):
        raise ContentError([content_module.Problem(str(path), 1, "a mapping file is a YAML "
                                                                 "mapping with offers: and providers:")])
    offers = section("offers", OFFER_SHEET) or SheetMapping()
    providers = section("providers", PROVIDER_SHEET)
    if problems:
        raise ContentError(problems)
    return ColumnMapping(offers, providers)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


# --- rows through the mapping -----------------------------------------------------------


@dataclass
class Row:
    """One row in our columns, remembering where each value came from."""

    sheet: str
    number: int
    cells: dict[str, str]
    origin: dict[str, str]
    """Our header → the column to name in a message (theirs, or ours)."""
    problems: list[SheetProblem] = field(default_factory=list)
    notes: list[SheetProblem] = field(default_factory=list)
    drop_bad: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    """Our columns whose value the mapping could not give (already reported)."""

    def problem(self, header: str, message: str) -> None:
        if header in self.failed:
            return
        problem = SheetProblem(self.sheet, self.number, self.origin.get(header, header), message)
        if header in self.drop_bad:
            self.notes.append(problem)
            self.cells[header] = ""
        else:
            self.problems.append(problem)


def mapped_rows(table: Table, mapping: SheetMapping | None, ours: str) -> list[Row]:
    """The table's rows in our template's columns."""
    known = [c.header for c in sheets.COLUMNS[ours]]
    rows = []
    for number, cells in table.rows:
        row = Row(table.name, number, {}, {}, drop_bad=set(mapping.drop_bad) if mapping else set())
        for header in known:
            reported = len(row.problems)
            value, origin = _mapped_value(header, cells, mapping, table, number, row)
            if len(row.problems) > reported:
                row.failed.add(header)
            row.cells[header] = value
            row.origin[header] = origin
        for (bad_row, header), reading in table.undecodable.items():
            if bad_row == number:
                row.problems.append(SheetProblem(
                    table.name, number, _named(header, table),
                    f"text in another encoding (Windows-1252 in a UTF-8 file): did you mean "
                    f"{reading!r}? Save the file as UTF-8 and check this cell"))
        rows.append(row)
    return rows


def _named(header: str, table: Table) -> str:
    letter = table.letters.get(header)
    return f"{header} ({letter})" if letter else header


def _mapped_value(header: str, cells: dict[str, str], mapping: SheetMapping | None, table: Table,
                  number: int, row: Row) -> tuple[str, str]:
    if mapping is not None and header in mapping.templates:
        template = mapping.templates[header]
        names = [name for name, _ in TEMPLATE_FIELD.findall(template)]
        origin = ", ".join(_named(n, table) for n in names) if names else f"{header} (constant)"

        def fill(found: re.Match) -> str:
            text = cells.get(found[1], "")
            return text[:int(found[2])] if found[2] else text

        value, origin = TEMPLATE_FIELD.sub(fill, template).strip(), origin
    else:
        source = mapping.columns.get(header, header) if mapping is not None else header
        if source in cells:
            value, origin = cells[source], _named(source, table)
        elif mapping is not None and header in mapping.constants:
            return mapping.constants[header], f"{header} (constant)"
        else:
            return "", header
    table_values = mapping.values.get(header) if mapping is not None else None
    if table_values is not None and value:
        if value not in table_values:
            row.problems.append(SheetProblem(table.name, number, origin,
                                             f"value {value!r} has no entry in the mapping's "
                                             f"values for {header}"))
            return "", origin
        value = table_values[value]
    return value, origin


# --- cells to fields --------------------------------------------------------------------


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
    offer: dict[str, Any] = {}
    oid = c["ID"].strip()
    if not oid and name:
        oid = slug(name)
    if oid and not ID.match(oid):
        row.problem("ID", f"id {oid!r} must be lower-case letters, digits and dashes")
    offer["id"] = oid or None
    provider = c["Anbieter-ID"].strip() or None
    if provider is None:
        row.problem("Anbieter-ID", "no provider id")
    elif not ID.match(provider):
        row.problem("Anbieter-ID", f"provider id {provider!r} must be lower-case letters, "
                                   "digits and dashes")
    offer["name"] = name
    offer["summary"] = _text(row, "Kurzbeschreibung", "summary")
    offer["description"] = _text(row, "Beschreibung", "description")
    offer["topics"] = _ids(row, "Themen", vocabulary.topics, "topic")
    if not offer["topics"] and c["Themen"].strip() == "":
        row.problem("Themen", "no topic")
    offer["phases"] = _ids(row, "Lebensphasen", vocabulary.phases, "life phase")
    low, high = MIN_MONTHS, MAX_MONTHS
    what = f"an age in months from {low} (pregnancy) to {high}"
    offer["min_age_months"] = _int(row, "Alter von (Monate)", low, high, what)
    offer["max_age_months"] = _int(row, "Alter bis (Monate)", low, high, what)
    if None not in (offer["min_age_months"], offer["max_age_months"]) and \
            offer["min_age_months"] > offer["max_age_months"]:
        row.problem("Alter bis (Monate)", f"the age range ends ({offer['max_age_months']}) before "
                                          f"it starts ({offer['min_age_months']})")
    if c["Zielgruppe"].strip():
        offer["audience"] = AUDIENCE.get(c["Zielgruppe"].strip().casefold())
        if offer["audience"] is None:
            row.problem("Zielgruppe", f"{c['Zielgruppe']!r} must be Kind, Eltern or Familie")
    if c["Form"].strip():
        offer["attending_type"] = ATTENDING.get(c["Form"].strip().casefold())
        if offer["attending_type"] is None:
            row.problem("Form", f"{c['Form']!r} must be vor Ort, online, Telefon, zu Hause, "
                                  "in Kita oder Schule or Begleitung")
    areas = c["Einzugsgebiet"].strip()
    if areas.casefold() in ("stadtweit", "citywide", "ganze stadt"):
        offer["service_areas"] = "citywide"
    elif areas:
        offer["service_areas"] = _ids(row, "Einzugsgebiet", vocabulary.districts, "district")
    location = _location(row, vocabulary, {
        "name": "Ort", "address_1": "Straße und Hausnummer", "postal_code": "PLZ", "city": "Stadt",
        "district": "Stadtteil", "latitude": "Breitengrad", "longitude": "Längengrad",
        "wheelchair_accessible": "Rollstuhlgerecht", "accessibility": "Barrierefreiheit"})
    if location:
        offer["locations"] = [location]
    free = _bool(row, "Kostenlos", None)
    if free is None and not c["Kostenlos"].strip():
        row.problem("Kostenlos", "say ja or nein")
    offer["free"] = free
    offer["fees_description"] = _text(row, "Kosten")
    if free is False and not offer["fees_description"]:
        row.problem("Kosten", "the offer costs money: say what it costs")
    languages = _split(c["Sprachen"])
    for lang in languages:
        if not SPOKEN_LANGUAGE.match(lang):
            row.problem("Sprachen", f"{lang!r} is no language code like de, tr, ar")
    offer["languages"] = [lang for lang in languages if SPOKEN_LANGUAGE.match(lang)] or None
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
    return provider, {k: v for k, v in offer.items() if v is not None and v != []}


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


# --- the import -------------------------------------------------------------------------


def import_sheet(path: Path, content_dir: Path, mapping: ColumnMapping | None = None,
                 skip_bad: bool = False, replace: bool = False) -> ImportResult:
    """Read a spreadsheet into content_dir; raise ImportError_ (nothing written) on any
    bad row unless skip_bad. replace: the sheet lists all offers of the providers it
    names; their offers that it does not list are removed."""
    content_dir = Path(content_dir)
    vocabulary = Vocabulary(content_dir)
    offer_sheet = mapping.offers.sheet if mapping else None
    try:
        tables = sheets.read(path, offer_sheet)
    except sheets.SheetFileError as error:
        raise ImportError_([SheetProblem(Path(path).name, 0, "", str(error))]) from None
    if mapping and offer_sheet is None and OFFER_SHEET not in tables and len(tables) == 1:
        tables = {OFFER_SHEET: next(iter(tables.values()))}
    if OFFER_SHEET not in tables:
        raise ImportError_([SheetProblem(Path(path).name, 0, "", f"no sheet {OFFER_SHEET!r} "
                                                                 f"(found: {', '.join(tables)})")])
    offer_table = tables[OFFER_SHEET]
    header_problems = _unknown_headers(offer_table, mapping.offers if mapping else None,
                                       OFFER_SHEET)
    offer_rows = mapped_rows(offer_table, mapping.offers if mapping else None, OFFER_SHEET)

    provider_rows: list[Row] = []
    provider_mapping = mapping.providers if mapping else None
    if provider_mapping is not None and provider_mapping.from_offers:
        provider_rows = mapped_rows(Table(offer_table.name, offer_table.headers, offer_table.rows,
                                          offer_table.letters), provider_mapping, PROVIDER_SHEET)
    elif PROVIDER_SHEET in tables:
        header_problems += _unknown_headers(tables[PROVIDER_SHEET], provider_mapping, PROVIDER_SHEET)
        provider_rows = mapped_rows(tables[PROVIDER_SHEET], provider_mapping, PROVIDER_SHEET)
    if header_problems:
        raise ImportError_(header_problems)

    providers: dict[str, dict] = {}
    provider_row_of: dict[str, Row] = {}
    for row in provider_rows:
        provider = provider_from_row(row, vocabulary)
        pid = provider.get("id")
        if pid is None:
            continue
        if pid in providers:
            if provider_mapping is not None and provider_mapping.from_offers:
                continue  # the same provider named again by its next offer
            row.problem("ID", f"provider {pid!r} is given twice (first in row "
                              f"{provider_row_of[pid].number})")
            continue
        providers[pid] = {**provider, "offers": []}
        provider_row_of[pid] = row

    seen: dict[str, Row] = {}
    offers: list[tuple[Row, str | None, dict]] = []
    for row in offer_rows:
        pid, offer = offer_from_row(row, vocabulary)
        oid = offer.get("id")
        if oid and oid in seen:
            if not row.cells["ID"].strip():  # an id made from the title: make it unique
                n = 2
                while f"{oid}-{n}" in seen:
                    n += 1
                oid = offer["id"] = f"{oid}-{n}"
            else:
                row.problem("ID", f"offer id {oid!r} is given twice (first in row "
                                  f"{seen[oid].number})")
        if oid:
            seen.setdefault(oid, row)
        if pid and pid not in providers:
            existing = _existing(content_dir, pid)
            if existing is not None:
                providers[pid] = {**existing, "offers": []}
            else:
                row.problem("Anbieter-ID", f"unknown provider {pid!r}: not on the sheet "
                                           f"{PROVIDER_SHEET} and not in the catalogue")
        offers.append((row, pid, offer))

    bad_providers = {pid for pid, row in provider_row_of.items() if row.problems}
    bad_rows = [row for row in provider_rows + offer_rows if row.problems]
    problems = sorted(p for row in provider_rows + offer_rows for p in row.problems)
    notes = sorted(p for row in provider_rows + offer_rows for p in row.notes)
    if problems and not skip_bad:
        raise ImportError_(problems)

    kept_offers = 0
    for row, pid, offer in offers:
        if row.problems or pid in bad_providers or pid not in providers:
            continue
        providers[pid]["offers"].append(offer)
        kept_offers += 1
    written_providers = []
    for pid, provider in providers.items():
        if pid in bad_providers or not (provider["offers"] or pid in provider_row_of):
            continue
        # Offers of the provider that the sheet does not name stay as they are.
        before = [] if replace else (_existing(content_dir, pid) or {}).get("offers") or []
        new = {o["id"]: o for o in provider["offers"]}
        merged = [new.pop(o.get("id"), o) for o in before if isinstance(o, dict)]
        written_providers.append({**provider, "offers": merged + list(new.values())})
    try:
        written = contentfiles.write_providers(content_dir, written_providers)
    except ContentError as error:
        raise ImportError_(error.problems) from None
    return ImportResult(written, kept_offers, len(written_providers),
                        skipped=problems, notes=notes, skipped_rows=len(bad_rows))


def _existing(content_dir: Path, pid: str) -> dict | None:
    """The provider file of that id as written, or None."""
    path = content_dir / "providers" / f"{pid}.yaml"
    if not path.exists():
        return None
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return raw if isinstance(raw, dict) else None


def _unknown_headers(table: Table, mapping: SheetMapping | None, ours: str) -> list[SheetProblem]:
    """A column nobody asked for is most often a typo in a header: say so, once."""
    known = {c.header for c in sheets.COLUMNS[ours]}
    if mapping is not None:
        used = set(mapping.columns.values())
        for template in mapping.templates.values():
            used |= {name for name, _ in TEMPLATE_FIELD.findall(template)}
        return [SheetProblem(table.name, 1, h,
                             f"the mapping names column {h!r}, which this sheet does not have")
                for h in sorted(used - set(table.headers))]
    return [SheetProblem(table.name, 1, _named(h, table),
                         f"unknown column {h!r} (the template's columns: {', '.join(known)})")
            for h in table.headers if h not in known]
