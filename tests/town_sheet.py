"""A youth office's own list of offers, as such lists are kept, and its CSV twin.

Made by openpyxl and written byte by byte the way Excel saves "CSV (Trennzeichen-getrennt)"
on a German Windows: Windows-1252, semicolons, the merged cells' value in their first row
only. Its traps: a cover sheet before the list, two title lines above the header, the
provider merged over its offers' rows, a "Summe" line and a source line at the foot, an
empty row, a row copied twice, its own German column names (one of them, "Anmeldung",
a yes/no column with the name of our free-text column), dates as 31.07.2027 and as date
cells, phones like "069 / 90009-341", "ja"/"nein"/"x"/"-", ages as "3-6 Jahre", "ab 12",
"0-99", "U3", "Schulkinder", times as "dienstags 9:30-11 Uhr", addresses without
coordinates, district names of its own, a provider already in the catalogue under a
longer name. `python -m tests.town_sheet DIR` writes both files into DIR.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

HEADERS = ["Nr.", "Träger", "Angebot", "Beschreibung", "Kategorie", "Altersgruppe", "Wann",
           "Straße", "PLZ", "Stadtteil", "Tel.", "E-Mail", "Kosten", "Sprachen", "Anmeldung",
           "Gültig bis", "Rollstuhl", "Bemerkung"]
TITLE = "Angebote für Familien in Wiesbrück – Jugendamt, Netzwerk Frühe Hilfen"
STAND = "Stand: 01.03.2026"

# Each provider with its offers; the provider's name is merged over their rows.
LIST: list[tuple[str, list[list]]] = [
    ("Familienzentrum Nordstadt", [
        [1, "Krabbelgruppe Nordstadt", "Eltern mit Babys treffen sich, spielen und singen. "
         "Eine Fachkraft beantwortet Fragen.", "Eltern-Kind-Gruppe", "U3",
         "dienstags 9:30-11 Uhr", "Lerchenweg 12", 37583, "Nordstadt", "069 / 90009-341",
         "krabbeln@fz-nordstadt.example.org", "kostenlos", "Deutsch, Türkisch", "nein", None,
         "ja", ""],
        [2, "Elterncafé Nordstadt", "Ein offener Treff für Eltern bei Kaffee und Tee. Kinder "
         "spielen nebenan.", "Treffpunkt", "0-99", "Mo, Mi 9–12 Uhr", "Lerchenweg 12", 37583,
         "Nordstadt", "069 / 90009-341", "", "kostenlos", "Deutsch, Arabisch, Türkisch", "-",
         None, "ja", "auch in den Ferien"],
        [3, "Sprachspiele für Kita-Kinder", "Spielerisch Deutsch lernen mit Liedern und "
         "Bilderbüchern.", "Sprachförderung", "3-6 Jahre", "Do 15-16:30 Uhr", "Lerchenweg 12",
         37583, "", "069 / 90009-342", "", "2 € pro Termin", "Deutsch", "ja",
         dt.date(2027, 7, 31), "ja", ""],
    ]),
    ("Jugendamt", [
        [4, "Erziehungssprechstunde", "Fragen zur Erziehung, ohne Termin: Fachkräfte des "
         "Jugendamts hören zu und helfen weiter.", "Beratung", "0-99",
         "Mo-Fr 8-12 Uhr", "Rathausplatz 1", 37581, "Innenstadt", "Tel. 069/90009-343",
         "sprechstunde@jugendamt.example.org", "kostenlos", "deutsch/englisch", "nein", None,
         "x", ""],
        [5, "Familienpaten", "Ehrenamtliche Familienpaten begleiten Familien mit kleinen "
         "Kindern im Alltag.", "Frühe Hilfen", "U3", "nach Vereinbarung", "Rathausplatz 1",
         37581, "Innenstadt", "069 90009 344", "", "kostenlos", "Deutsch", "ja", None, "x",
         "Anfrage per Telefon"],
    ]),
    ("Sportverein Blau-Weiß Wiesbrück e.V.", [
        [6, "Kinderturnen", "Laufen, springen, klettern: Turnen für Kinder im Kita-Alter.",
         "Sport", "3 bis 6", "Sa 10-11 Uhr", "Sportplatzweg 3", 37588, "Am Hafen",
         "069 / 90009-351", "info@blau-weiss.example.org", "15 € im Monat", "Deutsch", "ja",
         None, "-", ""],
        [7, "Fußball für Jugendliche", "Training für Mädchen und Jungen, auch ohne Vorkenntnisse.",
         "Sport, Freizeit", "ab 12", "Mo-Do 17-18:30 Uhr, Fr 16-17 Uhr", "Sportplatzweg 3",
         37588, "Am Hafen", "069 / 90009-351", "info@blau-weiss.example.org", "20 € im Monat",
         "Deutsch", "ja", None, "-", ""],
        [8, "Schwimmkurs Seepferdchen", "Schwimmen lernen in kleinen Gruppen.", "Sport",
         "Schulkinder", "2. Di 15-17 Uhr", "Badweg 2", 37589, "Talwiesen", "069 / 90009-352",
         "", "frei", "Deutsch", "ja", dt.date(2027, 6, 30), "ja", ""],
    ]),
    ("Hebammen im Quartier", [
        [9, "Hebammensprechstunde Südstadt", "Hebammen beraten Schwangere und junge Eltern, "
         "ohne Termin.", "Gesundheit", "Schwangerschaft", "Mi 14-16 Uhr", "Marktgasse 7",
         37585, "Südstadt", "069 / 90009-361", "", "kostenlos", "Deutsch, Russisch, Ukrainisch",
         "nein", None, "ja", ""],
        [10, "Babymassage", "Babymassage für Eltern und Babys: Nähe, Ruhe und Tipps für den "
         "Alltag.", "Gesundheit", "6-18 Monate", "Fr 10-11 Uhr", "Marktgasse 7", 37585,
         "Südstadt", "069 / 90009-361", "", "30 € für 5 Termine", "Deutsch", "ja",
         dt.date(2027, 3, 31), "ja", ""],
    ]),
    ("Kinder- und Jugendtreff Kirchdorf", [
        [11, "Offener Treff Kirchdorf", "Kicker, Musik, Hausaufgabenhilfe und jemand zum Reden.",
         "Freizeit", "bis 10", "Mo-Fr 14-18 Uhr", "Kirchweg 4", 37590, "Kirchdorf",
         "069 / 90009-371", "treff@kirchdorf.example.org", "kostenlos", "Deutsch", "nein", None,
         "nein", ""],
        [12, "Ferienspiele Kirchdorf", "Eine Woche Spiel, Ausflüge und Basteln in den "
         "Sommerferien.", "Freizeit", "Ü3", "27.07.2026 9-15 Uhr", "Kirchweg 4", 37590,
         "Kirchdorf", "069 / 90009-371", "treff@kirchdorf.example.org", "35 € pro Woche",
         "Deutsch", "ja", "31.07.2027", "nein", ""],
    ]),
]
EMPTY_AFTER = 8
"""An empty row follows this offer (before the next provider's)."""
REPEATED = 11
"""This offer's row is copied below itself, cell for cell."""
FOOTER = ["Summe: 12 Angebote", "Quelle: Jugendamt Wiesbrück, Netzwerk Frühe Hilfen"]


def rows() -> list[tuple[str, list, bool]]:
    """(provider, the row's cells without the provider, first row of its provider) in order,
    with the repeated row and the empty row in place (the empty row as None)."""
    result = []
    for provider, offers in LIST:
        for index, cells in enumerate(offers):
            result.append((provider, cells, index == 0))
            if cells[0] == REPEATED:
                result.append((provider, cells, False))
            if cells[0] == EMPTY_AFTER:
                result.append((provider, None, False))
    return result


def write_xlsx(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    cover = book.active
    cover.title = "Übersicht 2026"
    cover.append(["Übersicht der Angebote 2026"])
    cover.append(["Bitte Änderungen an das Netzwerkbüro melden."])
    sheet = book.create_sheet("Angebote")
    width = len(HEADERS)
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append([STAND])
    sheet.append(HEADERS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    provider_rows: dict[str, list[int]] = {}
    for provider, cells, _ in rows():
        if cells is None:
            sheet.append([])
            continue
        sheet.append([cells[0], provider, *cells[1:]])
        provider_rows.setdefault(provider, []).append(sheet.max_row)
    for numbers in provider_rows.values():
        top, bottom = numbers[0], numbers[-1]
        if bottom > top:
            for row in range(top + 1, bottom + 1):
                sheet.cell(row=row, column=2).value = None
            sheet.merge_cells(start_row=top, start_column=2, end_row=bottom, end_column=2)
    sheet.append([])
    for line in FOOTER:
        sheet.append([line])
    for row in sheet.iter_rows(min_row=4, min_col=16, max_col=16):
        if isinstance(row[0].value, dt.date):
            row[0].number_format = "DD.MM.YYYY"
    book.save(path)


def write_csv(path: Path) -> None:
    """The twin as Excel saves it: the merged provider only in its first row, the dates as
    shown (31.07.2027), Windows-1252, semicolons, CRLF."""
    width = len(HEADERS)

    def line(cells: list) -> bytes:
        texts = []
        for cell in cells + [""] * (width - len(cells)):
            text = cell.strftime("%d.%m.%Y") if isinstance(cell, dt.date) else \
                "" if cell is None else str(cell)
            if any(c in text for c in ';"\n'):
                text = '"' + text.replace('"', '""') + '"'
            texts.append(text)
        return ";".join(texts).encode("cp1252")

    lines = [line([TITLE]), line([STAND]), line(HEADERS)]
    current = None
    for provider, cells, _ in rows():
        if cells is None:
            lines.append(line([]))
            current = None
            continue
        lines.append(line([cells[0], provider if provider != current else "", *cells[1:]]))
        current = provider
    lines.append(line([]))
    lines += [line([text]) for text in FOOTER]
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")


def write(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    xlsx, csv_file = folder / "angebote-jugendamt.xlsx", folder / "angebote-jugendamt.csv"
    write_xlsx(xlsx)
    write_csv(csv_file)
    return xlsx, csv_file


OFFERS = sum(len(offers) for _, offers in LIST)

if __name__ == "__main__":
    for written in write(Path(sys.argv[1] if len(sys.argv) > 1 else ".")):
        print(written)
