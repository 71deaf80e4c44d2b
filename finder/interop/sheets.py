"""The spreadsheet template and the files it travels in: xlsx and CSV, read and written.

Staff who keep offers in Excel or LibreOffice get one row per offer (sheet "Angebote")
and one per provider (sheet "Anbieter"), with German headers. This module knows the
columns, reads what Excel and LibreOffice write (xlsx; CSV in UTF-8 with or without
BOM or in Windows-1252, with commas or semicolons) into plain text cells that remember
their sheet, row and column, and writes the catalogue out in the same shape.
finder.interop.sheet_layout makes a table of each sheet as people keep it (title lines,
merged cells, sum lines); finder.interop.sheet_import turns its rows into content.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from finder.interop.sheet_layout import (  # noqa: F401 - Table and column_letter for importers
    HEADER_SCAN,
    Merged,
    Table,
    column_letter,
    table_from_grid,
)

OFFER_SHEET = "Angebote"
PROVIDER_SHEET = "Anbieter"
NOTES_SHEET = "Hinweise"
CSV_NAMES = {OFFER_SHEET: "angebote.csv", PROVIDER_SHEET: "anbieter.csv"}


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    hint: str


OFFER_COLUMNS = (
    Column("ID", "id", "Kennung aus Kleinbuchstaben, Ziffern und Bindestrichen; ändert sich nie. "
                       "Leer: wird aus dem Titel gebildet."),
    Column("Anbieter-ID", "provider", "ID des Anbieters (Blatt Anbieter oder schon im Katalog)."),
    Column("Titel", "name", "Pflicht. Name des Angebots auf Deutsch."),
    Column("Kurzbeschreibung", "summary", "Pflicht. Ein Satz, den eine müde Mutter versteht."),
    Column("Beschreibung", "description", "Pflicht. Was passiert, für wen, was mitbringen."),
    Column("Themen", "topics", "Pflicht. Themen-IDs oder deutsche Namen, mit Komma getrennt."),
    Column("Lebensphasen", "phases", "Leer: ergibt sich aus dem Alter."),
    Column("Alter von (Monate)", "min_age_months", "Alter des Kindes in Monaten; Schwangerschaft "
                                                   "-9 bis -1. Leer: jedes Alter."),
    Column("Alter bis (Monate)", "max_age_months", "z. B. 71 für bis sechs Jahre."),
    Column("Alter", "ages", "Statt der Monate auch in Worten: 3-6 Jahre, 3 bis 6, ab 12, bis 10, "
                            "6-18 Monate, U3, Ü3, Schulkinder (6–15 Jahre), Schwangerschaft, "
                            "0-99 (jedes Alter)."),
    Column("Zielgruppe", "audience", "Kind, Eltern oder Familie."),
    Column("Form", "attending_type", "vor Ort, online, Telefon, zu Hause, in Kita oder Schule "
                                     "oder Begleitung. Leer: vor Ort."),
    Column("Einzugsgebiet", "service_areas", "stadtweit oder Stadtteile, mit Komma getrennt."),
    Column("Ort", "location.name", "Name des Ortes, wenn nicht beim Anbieter."),
    Column("Straße und Hausnummer", "location.address_1", "Leer: Adresse des Anbieters."),
    Column("PLZ", "location.postal_code", ""),
    Column("Stadt", "location.city", "Leer: der Name der Stadt."),
    Column("Stadtteil", "location.district", "Leer: aus der PLZ (postal_codes in districts.yaml) oder den "
                                                  "Koordinaten (districts.geojson)."),
    Column("Breitengrad", "location.latitude", "z. B. 52.5200. Leer: kein Kartenpunkt; der "
                                               "Stadtteil dann aus der Spalte Stadtteil oder "
                                               "der PLZ (districts.yaml)."),
    Column("Längengrad", "location.longitude", "z. B. 13.4050"),
    Column("Rollstuhlgerecht", "location.wheelchair_accessible", "ja oder nein"),
    Column("Barrierefreiheit", "location.accessibility", "Stufen, Aufzug, WC …"),
    Column("Zeiten", "schedules", "z. B. Mo–Fr 07:30–16:00; 2. Di 09:30–11:30 (zweiter Dienstag im "
           "Monat, auch 1./3. Mi oder letzter Sa); alle 2 Wochen ab 2026-11-14 Sa 15:00–17:30; "
           "2027-01-21 19:00–20:30"),
    Column("Zeiten (Hinweis)", "schedule_description", "z. B. Jeden zweiten Dienstag im Monat."),
    Column("Kostenlos", "free", "Pflicht: ja oder nein."),
    Column("Kosten", "fees_description", "Pflicht, wenn nicht kostenlos."),
    Column("Sprachen", "languages", "Sprachcodes, z. B. de, tr, ar. Leer: de."),
    Column("Telefon", "phones", "Mehrere mit Semikolon trennen. Leer: wie beim Anbieter."),
    Column("E-Mail", "email", "Leer: wie beim Anbieter."),
    Column("Webseite", "url", "Leer: wie beim Anbieter."),
    Column("Anmeldung nötig", "registration_required", "ja oder nein. Leer: nein."),
    Column("Anmeldung", "application_process", "Wie man sich anmeldet."),
    Column("Plätze", "capacity", "Anzahl der Plätze, z. B. einer Kita."),
    Column("Gültig ab", "valid_from", "Datum, z. B. 2027-01-01 oder 01.01.2027"),
    Column("Gültig bis", "valid_to", "Nach diesem Tag nicht mehr gezeigt."),
    Column("Zuletzt geprüft", "assured_date", "Datum der letzten Prüfung."),
    Column("Schließtage", "closures", "Tage ohne Termine, mit Semikolon getrennt, z. B. "
                                      "24.12.2026–01.01.2027 Weihnachten; 14.05.2027"),
    Column("An Feiertagen", "open_on_holidays", "ja, wenn es auch an Feiertagen stattfindet. "
                                                "Leer: nein."),
    Column("Erste Anlaufstelle", "first_contact", "ja für Stellen, die bei jeder Frage "
                                                  "weiterhelfen (Familienbüro, Erstberatung, "
                                                  "Familienzentrum). Leer: nein."),
)
PROVIDER_COLUMNS = (
    Column("ID", "id", "Pflicht. Kennung aus Kleinbuchstaben, Ziffern und Bindestrichen."),
    Column("Name", "name", "Pflicht."),
    Column("Art", "kind", "z. B. kita, family_centre, counselling"),
    Column("Beschreibung", "description", ""),
    Column("Webseite", "website", ""),
    Column("E-Mail", "email", ""),
    Column("Telefon", "phones", "Mehrere mit Semikolon trennen."),
    Column("Straße und Hausnummer", "address_1", "Adresse; Angebote ohne eigenen Ort finden "
                                                 "hier statt."),
    Column("PLZ", "postal_code", ""),
    Column("Stadt", "city", ""),
    Column("Stadtteil", "district", "Leer: aus der PLZ (postal_codes in districts.yaml) oder den "
                                                  "Koordinaten (districts.geojson)."),
    Column("Breitengrad", "latitude", ""),
    Column("Längengrad", "longitude", ""),
    Column("Barrierefreiheit", "accessibility", ""),
    Column("Rollstuhlgerecht", "wheelchair_accessible", "ja oder nein"),
    Column("Schließtage", "closures", "Tage, an denen alle Angebote ausfallen, z. B. "
                                      "24.12.2026–01.01.2027 Weihnachten"),
)
COLUMNS = {OFFER_SHEET: OFFER_COLUMNS, PROVIDER_SHEET: PROVIDER_COLUMNS}

WEEKDAYS_DE = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
WEEKDAY_IDS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ATTENDING_DE = {"in_person": "vor Ort", "online": "online", "phone": "Telefon",
                "at_home": "zu Hause", "outreach": "in Kita oder Schule",
                "accompanying": "Begleitung"}
AUDIENCE_DE = {"child": "Kind", "parents": "Eltern", "family": "Familie"}


class SheetFileError(ValueError):
    """A file that cannot be read as a spreadsheet at all; the message says why."""


# --- reading ------------------------------------------------------------------


def read(path: Path, expected: frozenset[str] = frozenset()) -> dict[str, Table]:
    """The tables of a spreadsheet file, by sheet name, in the workbook's order.

    xlsx: every sheet (our template's Hinweise sheet aside). CSV: the file is the offers
    sheet; a file named like it with -anbieter (or anbieter.csv beside angebote.csv) is
    the providers sheet. A directory holds angebote.csv and anbieter.csv. expected: the
    column names looked for when finding each sheet's header row.
    """
    path = Path(path)
    if path.is_dir():
        tables = {}
        for position, (name, file_name) in enumerate(CSV_NAMES.items(), start=1):
            if (path / file_name).exists():
                tables[name] = read_csv(path / file_name, name, expected, position)
        if not tables:
            raise SheetFileError(f"{path} holds neither {CSV_NAMES[OFFER_SHEET]} nor "
                                 f"{CSV_NAMES[PROVIDER_SHEET]}")
        return tables
    if not path.exists():
        raise SheetFileError(f"{path} does not exist")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, expected)
    if suffix in (".csv", ".txt", ".tsv"):
        tables = {OFFER_SHEET: read_csv(path, OFFER_SHEET, expected)}
        for sibling in _provider_csv_names(path):
            if sibling.exists():
                tables[PROVIDER_SHEET] = read_csv(sibling, PROVIDER_SHEET, expected, 2)
                break
        return tables
    raise SheetFileError(f"{path.name}: not a spreadsheet this finder reads (.xlsx or .csv)")


def _provider_csv_names(path: Path) -> list[Path]:
    names = [path.with_name(f"{path.stem}-anbieter{path.suffix}")]
    if path.name.lower() == CSV_NAMES[OFFER_SHEET]:
        names.append(path.with_name(CSV_NAMES[PROVIDER_SHEET]))
    return names


def read_xlsx(path: Path, expected: frozenset[str] = frozenset()) -> dict[str, Table]:
    """Every sheet of a workbook; a merged cell's value stands in each row of its range
    (a provider's name merged over its offers' rows belongs to each of them)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as error:
        raise SheetFileError(f"{path.name}: cannot be read as an Excel workbook ({error})") from None
    try:
        ours = OFFER_SHEET in workbook.sheetnames
        tables = {}
        for position, worksheet in enumerate(workbook.worksheets, start=1):
            if ours and worksheet.title == NOTES_SHEET:
                continue
            grid = [[_cell_text(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
            merged = tuple(_fill_merged(grid, worksheet.merged_cells.ranges))
            tables[worksheet.title] = table_from_grid(worksheet.title, grid, expected,
                                                      position=position, encoding="xlsx",
                                                      merged=merged)
        return tables
    finally:
        workbook.close()


def _fill_merged(grid: list[list[str]], ranges: Iterable) -> list[Merged]:
    """Write each vertically merged range's value into every row of its first column."""
    done = []
    for span in ranges:
        top, left, bottom = span.min_row, span.min_col, span.max_row
        if bottom <= top or top > len(grid) or left > len(grid[top - 1]):
            continue
        value = grid[top - 1][left - 1]
        if not value:
            continue
        for row in grid[top:bottom]:
            if left - 1 < len(row):
                row[left - 1] = value
        done.append(Merged(top, bottom, left - 1, value))
    return done


def _cell_text(value: Any) -> str:
    """A cell as the text a person sees: whole numbers without .0, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def read_csv(path: Path, name: str, expected: frozenset[str] = frozenset(),
             position: int = 1) -> Table:
    """A CSV file as Excel or LibreOffice writes it: the encoding and the separator are
    found out, not asked for."""
    raw = path.read_bytes()
    text, encoding = decode(raw)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise SheetFileError(f"{path.name}: not a readable CSV file ({error})") from None
    if not records:
        raise SheetFileError(f"{path.name} is empty")
    grid, undecodable = [], {}
    for number, values in enumerate(records, start=1):
        row = []
        for column, value in enumerate(values):
            if _has_escapes(value):
                # Bytes that were not UTF-8 in a UTF-8 file: most often one cell pasted
                # from a Windows-1252 source. Read it the Windows way, and say so.
                value = _windows_reading(value)
                undecodable[(number, column)] = value.strip()
            row.append(value.strip())
        grid.append(row)
    return table_from_grid(name, grid, expected, position=position, encoding=encoding,
                           undecodable=undecodable)


def decode(raw: bytes) -> tuple[str, str]:
    """UTF-8 with or without BOM, else Windows-1252. A UTF-8 file (BOM, or mostly valid
    UTF-8) with a few stray bytes keeps them as escapes, for the cell to be reported."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", "surrogateescape"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", "surrogateescape")
    stray = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    multibyte = sum(1 for ch in text if ord(ch) > 127 and not "\udc80" <= ch <= "\udcff")
    if multibyte > stray:
        return text, "utf-8"
    return raw.decode("cp1252", "replace"), "cp1252"


def _has_escapes(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _windows_reading(value: str) -> str:
    data = value.encode("utf-8", "surrogateescape")
    out, i = [], 0
    while i < len(data):
        # Decode valid UTF-8 runs as UTF-8 and single stray bytes as Windows-1252.
        for size in (4, 3, 2, 1):
            chunk = data[i:i + size]
            try:
                out.append(chunk.decode("utf-8"))
                i += size
                break
            except UnicodeDecodeError:
                continue
        else:
            out.append(data[i:i + 1].decode("cp1252", "replace"))
            i += 1
    return "".join(out)


def sniff_delimiter(text: str) -> str:
    """Semicolon (German Excel, LibreOffice), comma, or tab: the one that splits the
    header line into the most columns (title lines above it may have no separator, so
    the widest of the first lines counts)."""
    lines = text.splitlines()[:HEADER_SCAN]
    counts = {d: max((len(next(csv.reader([line], delimiter=d), [])) for line in lines), default=0)
              for d in (";", ",", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ";"))


# --- writing ------------------------------------------------------------------


def catalogue_rows(content_dir: Path) -> dict[str, list[dict[str, str]]]:
    """The content folder as template rows: header → text, per sheet.

    The provider files are read as written (an offer's place is only filled in when the
    file gives one), after the whole content has been validated."""
    from finder import content as content_module

    content_dir = Path(content_dir)
    content_module.load(content_dir)  # raises ContentError: no export of broken content
    offers, providers = [], []
    for path in sorted((content_dir / "providers").glob("*.yaml")):
        raw = yaml.load(path.read_text(encoding="utf-8"),  # noqa: S506  # nosec B506
                        Loader=content_module.Loader)
        providers.append(_provider_row(raw))
        for offer in raw.get("offers") or []:
            offers.append(_offer_row(offer, raw["id"]))
    return {OFFER_SHEET: offers, PROVIDER_SHEET: providers}


def _provider_row(raw: dict) -> dict[str, str]:
    row = {}
    for column in PROVIDER_COLUMNS:
        row[column.header] = format_value(column.field, raw.get(column.field))
    return row


def _offer_row(raw: dict, provider_id: str) -> dict[str, str]:
    locations = raw.get("locations") or []
    if len(locations) > 1:
        raise SheetFileError(f"offer {raw['id']!r} has {len(locations)} places; the spreadsheet "
                             "holds one place per offer")
    location = locations[0] if locations else {}
    row = {}
    for column in OFFER_COLUMNS:
        if column.field == "provider":
            value: Any = provider_id
        elif column.field.startswith("location."):
            value = location.get(column.field.split(".", 1)[1])
        else:
            value = raw.get(column.field)
        row[column.header] = format_value(column.field, value)
    return row


def format_value(field_name: str, value: Any) -> str:
    """One field as the text of its cell."""
    if value is None or value == [] or value == "":
        return ""
    if field_name == "schedules":
        return format_schedules(value)
    if field_name == "closures":
        def german(day) -> str:
            day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
            return day.strftime("%d.%m.%Y")
        spans = [c if isinstance(c, dict) else {"from": c, "to": c} for c in value]
        return "; ".join(
            (german(c["from"]) if c.get("to", c["from"]) == c["from"]
             else f"{german(c['from'])}–{german(c['to'])}")
            + (f" {c['note']}" if c.get("note") else "") for c in spans)
    if field_name in ("open_on_holidays", "first_contact"):
        return "ja" if value else ""
    if field_name == "service_areas":
        return "stadtweit" if value in ("citywide", ["citywide"]) else ", ".join(value)
    if field_name == "attending_type":
        return ATTENDING_DE.get(value, str(value))
    if field_name == "audience":
        return AUDIENCE_DE.get(value, str(value))
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list):
        separator = "; " if field_name.endswith("phones") else ", "
        return separator.join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return str(value)


def format_schedules(schedules: list[dict]) -> str:
    parts = []
    for item in schedules:
        if item.get("date"):
            when = format_value("date", item["date"])
        else:
            days = item.get("byday") or []
            days = [days] if isinstance(days, str) else days
            when = _day_ranges([WEEKDAY_IDS.index(d) for d in days if d in WEEKDAY_IDS])
            if item.get("week_of_month"):
                weeks = item["week_of_month"]
                weeks = "/".join("letzter" if w == -1 else f"{w}."
                                 for w in ([weeks] if isinstance(weeks, int) else weeks))
                when = f"{weeks} {when}"
            elif (item.get("every_weeks") or 1) > 1:
                when = f"alle {item['every_weeks']} Wochen ab {item['first_date']} {when}"
        text = f"{when} {item.get('opens_at')}–{item.get('closes_at')}"
        if item.get("description"):
            text += f" ({item['description']})"
        parts.append(text)
    return "; ".join(parts)


def _day_ranges(days: list[int]) -> str:
    """Mo–Fr for five days in a row, Mo, Mi, Fr otherwise."""
    days = sorted(set(days))
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"{WEEKDAYS_DE[days[0]]}–{WEEKDAYS_DE[days[-1]]}"
    return ", ".join(WEEKDAYS_DE[d] for d in days)


def write_xlsx(path: Path, rows: dict[str, list[dict[str, str]]]) -> None:
    """The template workbook: Angebote, Anbieter and Hinweise (what each column takes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, columns in COLUMNS.items():
        sheet = workbook.create_sheet(name)
        sheet.append([c.header for c in columns])
        for row in rows.get(name, []):
            sheet.append([_number(c, row.get(c.header, "")) for c in columns])
        for i, column in enumerate(columns):
            sheet.cell(row=1, column=i + 1).font = Font(bold=True)
            sheet.column_dimensions[column_letter(i)].width = max(12, min(40, len(column.header) + 4))
        sheet.freeze_panes = "C2" if name == OFFER_SHEET else "B2"
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append(["Blatt", "Spalte", "Was hineingehört"])
    for name, columns in COLUMNS.items():
        for column in columns:
            notes.append([name, column.header, column.hint])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    notes.column_dimensions["B"].width = 24
    notes.column_dimensions["C"].width = 90
    for row in notes.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True)
    workbook.save(path)


NUMBER_FIELDS = {"min_age_months", "max_age_months", "capacity", "latitude", "longitude",
                 "location.latitude", "location.longitude"}


def _number(column: Column, text: str) -> Any:
    """Ages, places and coordinates as numbers in Excel (not "number stored as text")."""
    if column.field in NUMBER_FIELDS and text:
        try:
            return int(text) if text.lstrip("-").isdigit() else float(text)
        except ValueError:
            return text
    return text


def write_csv(target: Path, rows: dict[str, list[dict[str, str]]]) -> list[Path]:
    """CSV as German Excel opens it without asking: UTF-8 with BOM, semicolons.

    A directory gets angebote.csv and anbieter.csv; a file name gets the offers and a
    file beside it named <name>-anbieter.csv the providers."""
    target = Path(target)
    if target.suffix.lower() == ".csv":
        paths = {OFFER_SHEET: target, PROVIDER_SHEET: _provider_csv_names(target)[0]}
    else:
        target.mkdir(parents=True, exist_ok=True)
        paths = {name: target / file_name for name, file_name in CSV_NAMES.items()}
    for name, path in paths.items():
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            columns = COLUMNS[name]
            writer.writerow([c.header for c in columns])
            for row in rows.get(name, []):
                writer.writerow([row.get(c.header, "") for c in columns])
    return list(paths.values())
