"""Spreadsheets both ways, through the `finder` command as staff would use it.

The files are made here: openpyxl writes the xlsx files, the CSV files are written
byte by byte the way Excel and LibreOffice save them (BOM or none, Windows-1252,
semicolons or commas)."""

from __future__ import annotations

import codecs
import shutil

import pytest
from openpyxl import Workbook, load_workbook

from finder import content as content_module
from finder.interop import sheets
from finder.interop.sheet_import import ImportError_, import_sheet
from tests.conftest import BUNDLED, run_finder, snapshot

HEADERS = [c.header for c in sheets.OFFER_COLUMNS]
PROVIDER_HEADERS = [c.header for c in sheets.PROVIDER_COLUMNS]




def offer(**cells) -> dict[str, str]:
    row = {h: "" for h in HEADERS}
    row.update({"ID": "spielgruppe-hafen", "Anbieter-ID": "fz-hafen", "Titel": "Spielgruppe am Hafen",
                "Kurzbeschreibung": "Spielen, singen und Eltern kennenlernen.",
                "Beschreibung": "Jeden Montag treffen sich Eltern mit Kleinkindern.",
                "Themen": "Treffpunkte & Familienzentren, early_help", "Alter von (Monate)": "12",
                "Alter bis (Monate)": "36", "Zeiten": "Mo, Mi 09:30–11:00; Fr 15–16:00",
                "Kostenlos": "ja", "Sprachen": "de, tr", "E-Mail": "spiel@fz-hafen.example.org",
                "Zuletzt geprüft": "01.10.2026"})
    row.update(cells)
    return row


def good_rows() -> list[dict[str, str]]:
    return [
        offer(),
        offer(**{"ID": "", "Titel": "Väterfrühstück Hafen", "Themen": "meeting_places",
                 "Alter von (Monate)": "", "Alter bis (Monate)": "", "Zeiten": "Sa 10:00–12:00",
                 "Kostenlos": "nein", "Kosten": "2 Euro für das Frühstück",
                 "Straße und Hausnummer": "Kaistraße 9", "PLZ": "37588", "Stadtteil": "Hafen",
                 "Breitengrad": "51,6860", "Längengrad": "9,8250", "Rollstuhlgerecht": "WAHR"}),
    ]


def bad_rows() -> list[dict[str, str]]:
    """One error of each kind, each in its own row (rows 3 to 7); row 2 is good."""
    return [
        offer(),
        offer(**{"ID": "alter", "Alter von (Monate)": "drei"}),
        offer(**{"ID": "thema", "Themen": "Kinderbetreuung, Zauberei"}),
        offer(**{"ID": "post", "E-Mail": "spiel(at)fz-hafen"}),
        offer(**{"ID": "ohne-titel", "Titel": ""}),
        offer(**{"ID": "umlaut", "Kurzbeschreibung": "Für Kinder aus der Südstadt."}),
    ]


BAD_PLACES = {
    (3, "Alter von (Monate) (H)"), (4, "Themen (F)"), (5, "E-Mail (AC)"), (6, "Titel (C)"),
    (7, "Kurzbeschreibung (D)"),
}


def write_xlsx(path, rows, garble_row: int | None = None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Angebote"
    sheet.append(HEADERS)
    for number, row in enumerate(rows, start=2):
        values = [row[h] for h in HEADERS]
        if number == garble_row:
            # A text that went through Windows-1252 once: what a copy from a wrongly read
            # CSV puts into Excel.
            i = HEADERS.index("Kurzbeschreibung")
            values[i] = values[i].encode("utf-8").decode("cp1252")
        sheet.append(values)
    workbook.save(path)


def write_csv(path, rows, *, encoding="utf-8", bom=True, delimiter=";", cp1252_row=None):
    """As LibreOffice writes it; cp1252_row: that row's Kurzbeschreibung in Windows-1252
    bytes, as when one text was pasted from an old file."""
    def quote(text):
        return f'"{text}"' if any(c in text for c in f'{delimiter}"\n') else text

    lines = [delimiter.join(HEADERS).encode(encoding)]
    for number, row in enumerate(rows, start=2):
        cells = [quote(row[h]).encode("cp1252" if number == cp1252_row and h == "Kurzbeschreibung"
                                      else encoding) for h in HEADERS]
        lines.append(delimiter.encode().join(cells))
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + b"\r\n".join(lines) + b"\r\n")


def problems_of(path, content_dir):
    with pytest.raises(ImportError_) as error:
        import_sheet(path, content_dir)
    return error.value.problems


def test_the_error_spreadsheet_changes_nothing_and_names_sheet_row_and_column(copy, tmp_path):
    before = snapshot(copy)
    xlsx, csv_file = tmp_path / "fehler.xlsx", tmp_path / "fehler.csv"
    write_xlsx(xlsx, bad_rows(), garble_row=7)
    write_csv(csv_file, bad_rows(), cp1252_row=7)
    found = {}
    for path in (xlsx, csv_file):
        result = run_finder("import", str(path), "--content", str(copy))
        assert result.returncode == 1, result.stdout
        assert "nothing imported: 5 problem(s)" in result.stderr
        assert snapshot(copy) == before
        problems = problems_of(path, copy)
        assert {(p.sheet, p.row, p.column) for p in problems} == \
            {("Angebote", row, column) for row, column in BAD_PLACES}
        for p in problems:
            assert f"Angebote, row {p.row}, column {p.column}: " in result.stderr
        found[path.suffix] = problems
    assert found[".xlsx"] == found[".csv"]
    messages = {p.row: p.message for p in found[".csv"]}
    assert "'drei' is not an age in months" in messages[3]
    assert messages[4] == "unknown topic 'Zauberei'"
    assert messages[5] == "malformed e-mail address 'spiel(at)fz-hafen'"
    assert messages[6] == "no German title"
    assert "Windows-1252" in messages[7] and "'Für Kinder aus der Südstadt.'" in messages[7]


def test_skip_bad_writes_the_good_rows_and_a_report(copy, tmp_path):
    path = tmp_path / "fehler.xlsx"
    write_xlsx(path, bad_rows(), garble_row=7)
    result = run_finder("import", str(path), "--skip-bad", "--content", str(copy))
    assert result.returncode == 0, result.stderr
    report = (tmp_path / "fehler.xlsx.report.txt").read_text(encoding="utf-8")
    assert report.startswith("Imported 1 offers of 1 providers into 1 files.")
    assert "Left out 5 rows with problems:" in report
    assert "Angebote, row 4, column Themen (F): unknown topic 'Zauberei'" in report
    loaded = content_module.load(copy)
    before = content_module.load(BUNDLED)
    ids = {o["id"] for o in loaded.offers if o["provider_id"] == "fz-hafen"}
    assert ids == {"spielgruppe-hafen"} | {o["id"] for o in before.offers
                                           if o["provider_id"] == "fz-hafen"}
    assert not {"alter", "thema", "post", "ohne-titel", "umlaut"} & {o["id"] for o in loaded.offers}


def test_excel_and_libreoffice_files_import_identically(tmp_path):
    results = {}
    variants = {
        "excel.xlsx": lambda p: write_xlsx(p, good_rows()),
        "libreoffice.csv": lambda p: write_csv(p, good_rows()),
        "ohne-bom.csv": lambda p: write_csv(p, good_rows(), bom=False, delimiter=","),
        "windows.csv": lambda p: write_csv(p, good_rows(), encoding="cp1252", bom=False),
    }
    for name, make in variants.items():
        target = tmp_path / name.split(".")[0] / "content"
        shutil.copytree(BUNDLED, target)
        make(tmp_path / name)
        result = run_finder("import", str(tmp_path / name), "--content", str(target))
        assert result.returncode == 0, result.stderr
        assert "Imported 2 offers of 1 providers" in result.stdout
        results[name] = (target / "providers" / "fz-hafen.yaml").read_text(encoding="utf-8")
    assert len(set(results.values())) == 1
    text = results["windows.csv"]
    assert "name: Väterfrühstück Hafen" in text and "id: vaeterfruehstueck-hafen" in text
    assert "      - {byday: [MO, WE], opens_at: \"09:30\", closes_at: \"11:00\"}" in text
    assert "      - {byday: [FR], opens_at: \"15:00\", closes_at: \"16:00\"}" in text
    assert "topics: [meeting_places, early_help]" in text
    assert "district: hafen, latitude: 51.686, longitude: 9.825, wheelchair_accessible: true" in text
    assert "assured_date: 2026-10-01" in text


@pytest.mark.parametrize("name", ["katalog.xlsx", "katalog", "katalog.csv"])
def test_the_catalogue_goes_out_and_comes_back_the_same(copy, tmp_path, name):
    before = content_module.load(copy)
    target = tmp_path / name
    kind = "xlsx" if name.endswith("xlsx") else "csv"
    result = run_finder("export", kind, str(target), "--content", str(copy))
    assert result.returncode == 0, result.stderr
    for path in (copy / "providers").glob("*.yaml"):
        path.unlink()
    imported = run_finder("import", str(target), "--content", str(copy))
    assert imported.returncode == 0, imported.stderr
    assert f"Imported {len(before.offers)} offers of {len(before.providers)} providers" \
        in imported.stdout
    after = content_module.load(copy)

    def plain(offers):
        return sorted(({k: v for k, v in o.items() if k != "source"} for o in offers),
                      key=lambda o: o["id"])
    assert plain(after.offers) == plain(before.offers)
    # The sheet has no columns for translations (translations/<lang>.yaml holds them); the
    # one provider with its name translated inside its own file loses that here, where
    # the files were deleted, and keeps it when its file is replaced.
    def providers(loaded):
        return sorted(({k: v for k, v in p.items() if k not in ("translations", "translated_by")}
                       for p in loaded.providers), key=lambda p: p["id"])
    assert providers(after) == providers(before)
    lost = {p["id"] for p in before.providers if p["translations"]} - \
        {p["id"] for p in after.providers if p["translations"]}
    assert lost <= {"jugendamt"}


def test_the_empty_template_has_german_headers_and_notes(tmp_path):
    path = tmp_path / "vorlage.xlsx"
    assert run_finder("export", "xlsx", "--template", str(path)).returncode == 0
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Angebote", "Anbieter", "Hinweise"]
    assert [c.value for c in workbook["Angebote"][1]] == HEADERS
    assert [c.value for c in workbook["Anbieter"][1]] == PROVIDER_HEADERS
    assert workbook["Angebote"].max_row == 1
    notes = {(r[0].value, r[1].value): r[2].value for r in workbook["Hinweise"].iter_rows(min_row=2)}
    assert "Pflicht" in notes[("Angebote", "Kostenlos")]


def test_a_new_provider_from_the_provider_sheet(copy, tmp_path):
    path = tmp_path / "neu.xlsx"
    workbook = Workbook()
    offers = workbook.active
    offers.title = "Angebote"
    offers.append(HEADERS)
    offers.append([offer(**{"Anbieter-ID": "lesepaten", "ID": "vorlesen"})[h] for h in HEADERS])
    providers = workbook.create_sheet("Anbieter")
    providers.append(PROVIDER_HEADERS)
    row = {h: "" for h in PROVIDER_HEADERS}
    row.update({"ID": "lesepaten", "Name": "Lesepaten Wiesbrück", "Telefon": "+49 69 90009 777",
                "Straße und Hausnummer": "Schlossgasse 4", "PLZ": 1067,  # 01067 as a number
                "Breitengrad": "51.7001", "Längengrad": "9.8001", "Stadtteil": "altstadt"})
    providers.append([row[h] for h in PROVIDER_HEADERS])
    workbook.save(path)
    result = run_finder("import", str(path), "--content", str(copy))
    assert result.returncode == 0, result.stderr
    loaded = content_module.load(copy)
    vorlesen = next(o for o in loaded.offers if o["id"] == "vorlesen")
    assert vorlesen["provider_id"] == "lesepaten"
    assert vorlesen["locations"][0]["address_1"] == "Schlossgasse 4"
    assert vorlesen["locations"][0]["postal_code"] == "01067"
    assert vorlesen["phones"] == ["+49 69 90009 777"]


def test_replace_removes_the_offers_the_sheet_does_not_list(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(BUNDLED, content)
    shutil.rmtree(content / "translations")  # they name the offers that go,
    (content / "situations.yaml").unlink()  # as do the situations
    path = tmp_path / "hafen.csv"
    write_csv(path, [offer()])
    result = run_finder("import", str(path), "--replace", "--content", str(content))
    assert result.returncode == 0, result.stderr
    loaded = content_module.load(content)
    assert [o["id"] for o in loaded.offers if o["provider_id"] == "fz-hafen"] == \
        ["spielgruppe-hafen"]


def test_a_row_whose_provider_is_nowhere_is_named(copy, tmp_path):
    path = tmp_path / "x.csv"
    write_csv(path, [offer(**{"Anbieter-ID": "gibt-es-nicht"})])
    problems = problems_of(path, copy)
    assert [(p.row, p.column) for p in problems] == [(2, "Anbieter-ID (B)")]
    assert "unknown provider 'gibt-es-nicht'" in problems[0].message


FOREIGN = """\
Nr;Bezeichnung;Art;Tel;Träger
7;Krabbelgruppe Hafen;Spielgruppe;069 90009 1;fz-hafen
8;Lesestunde;Bibliothek;nicht erreichbar;fz-hafen
9;Schachclub;Verein;;fz-hafen
"""

MAPPING = """\
offers:
  columns: {Titel: Bezeichnung, Themen: Art, Telefon: Tel, Anbieter-ID: Träger}
  templates: {ID: "hafen-{Nr}", Kurzbeschreibung: "{Bezeichnung} am Hafen."}
  values:
    Themen: {Spielgruppe: meeting_places, Bibliothek: "education, leisure_sport"}
  constants: {Beschreibung: Ein Angebot des Familienzentrums., Kostenlos: ja}
  drop_bad: [Telefon]
"""


def test_a_foreign_list_through_a_mapping(copy, tmp_path):
    (tmp_path / "liste.csv").write_text(FOREIGN, encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text(MAPPING, encoding="utf-8")
    before = snapshot(copy)
    result = run_finder("import", str(tmp_path / "liste.csv"), "--mapping",
                        str(tmp_path / "mapping.yaml"), "--content", str(copy))
    assert result.returncode == 1 and snapshot(copy) == before
    assert ("Angebote, row 4, column Art (C): value 'Verein' has no entry in the mapping's "
            "values for Themen") in result.stderr
    assert "nothing imported: 1 problem(s)" in result.stderr
    # Mapped, the club goes in; the phone number nobody can dial is left out and reported.
    (tmp_path / "mapping.yaml").write_text(
        MAPPING.replace("Bibliothek:", "Verein: leisure_sport, Bibliothek:"), encoding="utf-8")
    result = run_finder("import", str(tmp_path / "liste.csv"), "--mapping",
                        str(tmp_path / "mapping.yaml"), "--content", str(copy))
    assert result.returncode == 0, result.stderr
    assert "Angebote, row 3, column Tel (D): malformed phone number 'nicht erreichbar'" \
        in result.stderr
    offers = {o["id"]: o for o in content_module.load(copy).offers}
    assert offers["hafen-8"]["topics"] == ["education", "leisure_sport"]
    assert offers["hafen-7"]["phones"] == ["069 90009 1"]
    assert offers["hafen-8"]["phones"] == offers["hafen-9"]["phones"]  # the provider's
    assert offers["hafen-7"]["summary"] == "Krabbelgruppe Hafen am Hafen."


def test_a_mapping_that_names_unknown_columns_is_refused(copy, tmp_path):
    (tmp_path / "liste.csv").write_text(FOREIGN, encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text(
        MAPPING.replace("Titel: Bezeichnung", "Titel: Name, Titelbild: Foto"), encoding="utf-8")
    result = run_finder("import", str(tmp_path / "liste.csv"), "--mapping",
                        str(tmp_path / "mapping.yaml"), "--content", str(copy))
    assert result.returncode == 1
    assert "mapping.yaml:2: offers.columns: 'Titelbild' is no column of our sheet Angebote" \
        in result.stderr
    (tmp_path / "mapping.yaml").write_text(MAPPING.replace("Titel: Bezeichnung", "Titel: Name"),
                                           encoding="utf-8")
    result = run_finder("import", str(tmp_path / "liste.csv"), "--mapping",
                        str(tmp_path / "mapping.yaml"), "--content", str(copy))
    assert "Angebote, row 1, column Name: the mapping names column 'Name', which this sheet " \
        "does not have" in result.stderr


# --- quirks found after the split (each failed before its fix) ----------------------------


def test_a_topic_cell_of_only_separators_is_a_row_problem(copy, tmp_path):
    path = tmp_path / "x.csv"
    write_csv(path, [offer(**{"Themen": ", ,"})])
    problems = problems_of(path, copy)
    assert [(p.row, p.column, p.message) for p in problems] == [(2, "Themen (F)", "no topic")]


def test_a_value_the_mapping_does_not_know_is_dropped_in_a_drop_bad_column(copy, tmp_path):
    (tmp_path / "liste.csv").write_text(FOREIGN, encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text(
        MAPPING.replace("Bibliothek:", "Verein: leisure_sport, Bibliothek:")
        .replace("drop_bad: [Telefon]", "drop_bad: [Telefon, Zielgruppe]")
        .replace("  values:\n", "  values:\n    Zielgruppe: {Spielgruppe: Eltern}\n")
        .replace("Themen: Art,", "Themen: Art, Zielgruppe: Art,"), encoding="utf-8")
    result = run_finder("import", str(tmp_path / "liste.csv"), "--mapping",
                        str(tmp_path / "mapping.yaml"), "--content", str(copy))
    assert result.returncode == 0, result.stderr
    assert ("Angebote, row 3, column Art (C): value 'Bibliothek' has no entry in the mapping's "
            "values for Zielgruppe") in result.stderr
    offers = {o["id"]: o for o in content_module.load(copy).offers}
    assert offers["hafen-7"]["audience"] == "parents" and offers["hafen-8"]["audience"] != "parents"


def test_a_provider_row_without_a_district_is_named_or_takes_it_from_its_postal_code(copy, tmp_path):
    def workbook(postal_code: str):
        path = tmp_path / f"neu-{postal_code}.xlsx"
        book = Workbook()
        offers = book.active
        offers.title = "Angebote"
        offers.append(HEADERS)
        offers.append([offer(**{"Anbieter-ID": "lesepaten", "ID": "vorlesen"})[h] for h in HEADERS])
        providers = book.create_sheet("Anbieter")
        providers.append(PROVIDER_HEADERS)
        row = {h: "" for h in PROVIDER_HEADERS}
        row.update({"ID": "lesepaten", "Name": "Lesepaten Wiesbrück", "Telefon": "069 90009 777",
                    "Straße und Hausnummer": "Schlossgasse 4", "PLZ": postal_code,
                    "Breitengrad": "51.7001", "Längengrad": "9.8001"})
        providers.append([row[h] for h in PROVIDER_HEADERS])
        book.save(path)
        return path

    problems = problems_of(workbook("99999"), copy)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("Anbieter", 2, "Stadtteil (K)")]
    assert "None" not in problems[0].message
    assert "postal code '99999'" in problems[0].message and "districts.yaml" in problems[0].message
    result = import_sheet(workbook("37581"), copy)
    assert result.offers == 1
    provider = next(p for p in content_module.load(copy).providers if p["id"] == "lesepaten")
    assert provider["location"]["district"] == "altstadt"


# --- a town's list as it is kept (issue 21): one test for each trap --------------------------

THEIRS = ["Nr", "Träger", "Angebot", "Text", "Thema", "Tel", "Kosten"]
ROWS = [
    ["1", "Familienzentrum am Hafen", "Krabbelgruppe", "Spielen und singen.", "Treffpunkt",
     "069 90009 1", "kostenlos"],
    ["2", "Familienzentrum am Hafen", "Elterncafé", "Kaffee und Gespräche.", "Treffpunkt",
     "069 90009 2", "kostenlos"],
    ["3", "Lesepaten Wiesbrück", "Vorlesen", "Geschichten für Kinder.", "Bildung", "069 90009 3",
     "1 € pro Termin"],
]
THEIR_MAPPING = {
    "offers": {
        "columns": {"Titel": "Angebot", "Beschreibung": "Text", "Themen": "Thema", "Telefon": "Tel",
                    "Kosten": "Kosten", "Anbieter-ID": "Träger"},
        "templates": {"ID": "liste-{Nr}"},
        "values": {"Themen": {"Treffpunkt": "meeting_places", "Bildung": "education"},
                   "Anbieter-ID": {"Familienzentrum am Hafen": "fz-hafen",
                                   "Lesepaten Wiesbrück": "lesepaten"}},
        "constants": {"Stadtteil": "altstadt", "Straße und Hausnummer": "Marktplatz 3",
                      "PLZ": "37581"},
    },
    "providers": {"from_offers": True, "columns": {"Name": "Träger"}},
}


def their_book(path, rows=ROWS, headers=THEIRS, titles=("Angebote 2026", "Stand: 01.03.2026"),
               foot=(), sheets=("Angebote",), merge=None):
    book = Workbook()
    book.remove(book.active)
    for name in sheets:
        sheet = book.create_sheet(name)
        if name != sheets[-1]:
            sheet.append(["Deckblatt"])
            continue
        for title in titles:
            sheet.append([title])
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        for line in foot:
            sheet.append(line)
        if merge:
            sheet.merge_cells(merge)
    book.save(path)
    return path


def their_mapping(tmp_path, change=None):
    import copy as copying

    import yaml

    from finder.interop.sheet_mapping import load_mapping

    mapping = copying.deepcopy(THEIR_MAPPING)
    if change:
        change(mapping)
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return load_mapping(path)


def test_the_header_is_found_below_title_lines_and_they_are_said(copy, tmp_path):
    result = import_sheet(their_book(tmp_path / "l.xlsx"), copy, their_mapping(tmp_path))
    assert result.offers == 3
    assert [str(p) for p in result.layout] == [
        "Angebote, row 1: 2 title line(s) above the header (row 3) skipped: 'Angebote 2026'; "
        "'Stand: 01.03.2026'"]
    assert result.summary.set_aside == 2
    # Our own template with a title line above it too.
    path = tmp_path / "vorlage.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "Angebote"
    sheet.append(["Angebote des Familienzentrums"])
    sheet.append(HEADERS)
    sheet.append([offer()[h] for h in HEADERS])
    book.save(path)
    assert import_sheet(path, copy).offers == 1
    # A column the mapping names that the sheet lacks: the message says which row was taken
    # as the header.
    with pytest.raises(ImportError_) as error:
        import_sheet(their_book(tmp_path / "l.xlsx"), copy, their_mapping(
            tmp_path, lambda m: m["offers"]["columns"].update(Titel="Bezeichnung")))
    assert "the mapping names column 'Bezeichnung', which this sheet does not have (its header " \
           "row is row 3: 'Nr', 'Träger', 'Angebot'" in str(error.value)
    # The providers' side of the offers' sheet too.
    with pytest.raises(ImportError_) as error:
        import_sheet(their_book(tmp_path / "l.xlsx"), copy, their_mapping(
            tmp_path, lambda m: m["providers"]["columns"].update(Name="Trägerin")))
    assert [p.message.split(" (")[0] for p in error.value.problems] == [
        "the mapping names column 'Trägerin', which this sheet does not have"]


def test_merged_cells_are_filled_down(copy, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][1] = None  # merged with the cell above, as Excel keeps it
    path = their_book(tmp_path / "l.xlsx", rows=rows, merge="B4:B5")
    result = import_sheet(path, copy, their_mapping(tmp_path))
    assert result.offers == 3
    assert "merged cells B4:B5: 'Familienzentrum am Hafen' taken for each of rows 4–5" in \
        [p.message for p in result.layout]
    loaded = {o["id"]: o for o in content_module.load(copy).offers}
    assert loaded["liste-2"]["provider_id"] == "fz-hafen"
    # Saved as CSV, the merged value stands in the first row only: fill_down says so.
    csv_path = tmp_path / "l.csv"
    csv_path.write_text("Nr;Träger;Angebot;Text;Thema;Tel;Kosten\n" + "\n".join(
        ";".join("" if c is None else c for c in r) for r in rows), encoding="cp1252")
    with pytest.raises(ImportError_) as error:
        import_sheet(csv_path, copy, their_mapping(tmp_path))
    assert "no provider id" in str(error.value)
    result = import_sheet(csv_path, copy, their_mapping(
        tmp_path, lambda m: m["offers"].update(fill_down=["Träger"])))
    assert result.offers == 3


def test_the_mapping_chooses_the_sheet_by_name_or_place(copy, tmp_path):
    path = their_book(tmp_path / "l.xlsx", sheets=("Übersicht 2026", "Liste"))
    for sheet in ("Liste", 2):
        result = import_sheet(path, copy, their_mapping(
            tmp_path, lambda m, sheet=sheet: m["offers"].update(sheet=sheet)))
        assert result.offers == 3
    with pytest.raises(ImportError_) as error:
        import_sheet(path, copy, their_mapping(tmp_path, lambda m: m["offers"].update(sheet="Angebote")))
    assert "the mapping's offers sheet 'Angebote' is not in the file (its sheets: 1: Übersicht 2026, " \
           "2: Liste)" in str(error.value)


def test_sum_lines_and_empty_rows_are_set_aside_and_said(copy, tmp_path):
    rows = [ROWS[0], [], ROWS[1], ROWS[2]]
    path = their_book(tmp_path / "l.xlsx", rows=rows, foot=[[], ["Summe: 3 Angebote", None, None, None,
                                                                 None, None, "1 €"],
                                                            ["Quelle: Jugendamt"]])
    result = import_sheet(path, copy, their_mapping(tmp_path))
    assert result.offers == 3
    said = [p.message for p in result.layout]
    assert "empty row(s) 5 skipped" in said
    assert "row 9 skipped, a sum line at the foot: 'Summe: 3 Angebote 1 €'" in said
    assert "row 10 skipped, below the sum line: 'Quelle: Jugendamt'" in said
    assert result.summary.line().startswith("Summary: 3 rows read (5 lines set aside)")


def test_an_identical_row_is_imported_once_a_different_one_with_its_id_is_an_error(copy, tmp_path):
    path = their_book(tmp_path / "l.xlsx", rows=[*ROWS, ROWS[2]])
    result = import_sheet(path, copy, their_mapping(tmp_path))
    assert result.offers == 3
    assert [str(p) for p in result.notes] == ["Angebote, row 7: row 7 repeats row 6 cell for cell: "
                                              "imported once"]
    changed = [*ROWS[2][:3], "Andere Geschichten.", *ROWS[2][4:]]
    with pytest.raises(ImportError_) as error:
        import_sheet(their_book(tmp_path / "l.xlsx", rows=[*ROWS, changed]), copy, their_mapping(tmp_path))
    assert [str(p) for p in error.value.problems] == [
        "Angebote, row 7, column Nr (A): offer id 'liste-3' is given twice (first in row 6), "
        "in rows that differ"]
    # Without ids, two rows of the same title get two ids, and a warning says so.
    result = import_sheet(their_book(tmp_path / "l.xlsx", rows=[*ROWS, changed]), copy,
                          their_mapping(tmp_path, lambda m: m["offers"].pop("templates")))
    assert result.offers == 4
    assert any("the title is also in row 6: this offer gets the id vorlesen-2" in p.message
               for p in result.notes)


def test_same_named_columns_are_refused_unless_the_mapping_says_which(copy, tmp_path):
    headers = [*THEIRS, "Anmeldung", "Anmeldung"]
    rows = [[*r, "ja", "Telefonisch anmelden"] for r in ROWS]
    path = their_book(tmp_path / "l.xlsx", rows=rows, headers=headers)
    with pytest.raises(ImportError_) as error:
        import_sheet(path, copy, their_mapping(
            tmp_path, lambda m: m["offers"]["columns"].update({"Anmeldung nötig": "Anmeldung"})))
    assert "2 columns are named 'Anmeldung' (H, I), and the mapping names it: name the one meant " \
           "with its letter, as 'Anmeldung (H)' or 'Anmeldung (I)'" in str(error.value)
    result = import_sheet(path, copy, their_mapping(
        tmp_path, lambda m: m["offers"]["columns"].update(
            {"Anmeldung nötig": "Anmeldung (H)", "Anmeldung": "Anmeldung (I)"})))
    offers = {o["id"]: o for o in content_module.load(copy).offers}
    assert result.offers == 3 and offers["liste-1"]["registration_required"] is True
    assert offers["liste-1"]["application_process"] == "Telefonisch anmelden"
    # Their yes/no "Anmeldung" mapped to ours, and by its name it would fill our free text too.
    path = their_book(tmp_path / "l.xlsx", rows=[[*r, "nein"] for r in ROWS],
                      headers=[*THEIRS, "Anmeldung"])
    with pytest.raises(ImportError_) as error:
        import_sheet(path, copy, their_mapping(
            tmp_path, lambda m: m["offers"]["columns"].update({"Anmeldung nötig": "Anmeldung"})))
    assert "their column 'Anmeldung' is mapped to our 'Anmeldung nötig', and by its name it would " \
           "also fill our column 'Anmeldung': say which is meant" in str(error.value)
    import_sheet(path, copy, their_mapping(
        tmp_path, lambda m: m["offers"]["columns"].update({"Anmeldung nötig": "Anmeldung",
                                                           "Anmeldung": None})))
    offers = {o["id"]: o for o in content_module.load(copy).offers}
    assert offers["liste-1"]["registration_required"] is False
    assert offers["liste-1"]["application_process"] is None


def test_a_provider_in_the_catalogue_keeps_what_the_sheet_does_not_say(copy, tmp_path):
    before = {p["id"]: p for p in content_module.load(copy).providers}["fz-hafen"]
    import_sheet(their_book(tmp_path / "l.xlsx"), copy, their_mapping(tmp_path))
    after = {p["id"]: p for p in content_module.load(copy).providers}["fz-hafen"]
    assert {k: after[k] for k in ("name", "description", "location", "phones", "email")} == \
        {k: before[k] for k in ("name", "description", "location", "phones", "email")}
    # Another name under an id that is taken: one message, the rows named, nothing written.
    snap = snapshot(copy)
    with pytest.raises(ImportError_) as error:
        import_sheet(their_book(tmp_path / "l.xlsx"), copy, their_mapping(
            tmp_path, lambda m: m["offers"]["values"]["Anbieter-ID"].update(
                {"Lesepaten Wiesbrück": "jugendamt"})))
    assert [str(p) for p in error.value.problems] == [
        "Angebote, row 6, column Träger (B): provider: id 'jugendamt' is already in the "
        "catalogue as 'Jugendamt der Stadt Wiesbrück' (providers/jugendamt.yaml), and the sheet "
        "names 'Lesepaten Wiesbrück' (row 6): give the sheet's provider its own id, or write the "
        "catalogue's name to add the offers to it"]
    assert error.value.summary.line().endswith("1 errors (1 provider exists)")
    assert snapshot(copy) == snap


def test_drop_bad_holds_for_the_provider_side_and_is_said_once(copy, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[2][5] = "nicht erreichbar"

    def change(m):
        m["offers"]["drop_bad"] = ["Telefon"]
        m["providers"]["columns"]["Telefon"] = "Tel"
    result = import_sheet(their_book(tmp_path / "l.xlsx", rows=rows), copy, their_mapping(tmp_path, change))
    assert result.offers == 3
    assert [str(p) for p in result.notes] == [
        "Angebote, row 6, column Tel (F): malformed phone number 'nicht erreichbar'"]
    provider = {p["id"]: p for p in content_module.load(copy).providers}["lesepaten"]
    assert provider["phones"] == []
    # Without drop_bad, the provider side's problem says it is about the provider.
    rows[2][5] = "069 90009 3"
    rows[2][1] = "Lesepaten Wiesbrück"

    def no_name(m):
        m["providers"]["columns"]["E-Mail"] = "Text"
    with pytest.raises(ImportError_) as error:
        import_sheet(their_book(tmp_path / "l.xlsx", rows=rows), copy, their_mapping(tmp_path, no_name))
    assert any(str(p).startswith("Angebote, row 4, column Text (D): provider: malformed e-mail")
               for p in error.value.problems)


def test_the_summary_line_counts_what_was_done(copy, tmp_path):
    result = import_sheet(their_book(tmp_path / "l.xlsx"), copy, their_mapping(tmp_path))
    assert result.summary.line() == ("Summary: 3 rows read (2 lines set aside); 3 offers added, "
                                     "0 replaced; 0 warnings; 0 errors")
    result = import_sheet(their_book(tmp_path / "l.xlsx"), copy, their_mapping(tmp_path))
    assert result.summary.line() == ("Summary: 3 rows read (2 lines set aside); 0 offers added, "
                                     "3 replaced; 0 warnings; 0 errors")
    rows = [list(r) for r in ROWS]
    rows[0][4], rows[1][5], rows[2][4] = "Zauberei", "keins", "Zauberei"
    result = run_finder("import", str(their_book(tmp_path / "l.xlsx", rows=rows)), "--mapping",
                        str(tmp_path / "mapping.yaml"), "--content", str(copy))
    assert result.returncode == 1
    assert result.stderr.rstrip().endswith(
        "nothing imported: 3 problem(s)\nSummary: 3 rows read (2 lines set aside); nothing "
        "written; 0 warnings; 3 errors (2 value table, 1 phones)")
