"""A youth office's own list (tests/town_sheet.py) imported the way its IT person would:
`finder import --draft-mapping`, then only the value tables that cannot be guessed filled
in, then `finder import --mapping`, through the `finder` command. Its CSV twin, saved
by Excel in Windows-1252, gives the same content."""

from __future__ import annotations

import shutil

import yaml

from finder import content as content_module
from tests import town_sheet
from tests.conftest import BUNDLED, run_finder, snapshot

FILLED_IN = {"Am Hafen": "hafen", "Innenstadt": "altstadt"}
"""What a person must write into the draft: the two district names the list has of its own."""


def draft(path, target, content_dir) -> str:
    result = run_finder("import", str(path), "--draft-mapping", str(target), "--content",
                        str(content_dir))
    assert result.returncode == 0, result.stderr
    return result.stdout


def fill_in(path) -> None:
    text = path.read_text(encoding="utf-8")
    for theirs, ours in FILLED_IN.items():
        assert f'      {theirs}: ""' in text
        text = text.replace(f'      {theirs}: ""', f"      {theirs}: {ours}")
    path.write_text(text, encoding="utf-8")


def test_the_draft_matches_the_columns_and_leaves_only_what_a_person_must_decide(copy, tmp_path):
    xlsx, _ = town_sheet.write(tmp_path)
    before = snapshot(copy)
    said = draft(xlsx, tmp_path / "mapping.yaml", copy)
    assert snapshot(copy) == before, "a draft imports nothing"
    assert "fill in: values.Stadtteil (2 empty)" in said
    text = (tmp_path / "mapping.yaml").read_text(encoding="utf-8")
    mapping = yaml.safe_load(text)
    offers = mapping["offers"]
    assert offers["sheet"] == "Angebote"  # not the cover sheet before it
    assert offers["columns"]["Anmeldung nötig"] == "Anmeldung"  # their yes/no column …
    assert offers["columns"]["Anmeldung"] is None  # … does not fill our free text
    assert offers["columns"]["Alter"] == "Altersgruppe" and offers["columns"]["Telefon"] == "Tel."
    assert offers["templates"]["ID"] == "angebote-jugendamt-{Nr.}"
    assert offers["values"]["Themen"]["Gesundheit"] == "health"
    assert offers["values"]["Themen"]["Sport"] == "leisure_sport"
    # a district name of the list's own: its rows' postal code says where to look
    hint = next(line for line in text.splitlines() if line.startswith('      Am Hafen: ""'))
    assert hint.endswith("# its rows' postal code 37588 lies in hafen (Hafenviertel)")
    assert offers["values"]["Stadtteil"] == {"Am Hafen": "", "Innenstadt": "", "Kirchdorf": "kirchdorf",
                                             "Nordstadt": "nordstadt", "Südstadt": "suedstadt",
                                             "Talwiesen": "talwiesen"}
    # the provider in the catalogue under a longer name keeps its id; the others get new ones
    assert offers["values"]["Anbieter-ID"]["Jugendamt"] == "jugendamt"
    assert offers["values"]["Anbieter-ID"]["Familienzentrum Nordstadt"] == "fz-nordstadt"
    assert offers["values"]["Anbieter-ID"]["Hebammen im Quartier"] == "hebammen-im-quartier"
    assert offers["constants"]["Zuletzt geprüft"].isoformat() == "2026-03-01"  # "Stand:" line
    assert mapping["providers"] == {"from_offers": True, "columns": {"Name": "Träger"}}
    assert "# 100 %: name 'Tel.', 12 of 12 values are phone numbers" in text
    # Unfilled, the import names each empty entry and writes nothing.
    result = run_finder("import", str(xlsx), "--mapping", str(tmp_path / "mapping.yaml"),
                        "--content", str(copy))
    assert result.returncode == 1 and snapshot(copy) == before
    assert "value 'Am Hafen' is still empty in the mapping's values for Stadtteil: fill it in" \
        in result.stderr
    assert result.stderr.rstrip().endswith(
        "Summary: 13 rows read (5 lines set aside); nothing written; 3 warnings; "
        "4 errors (4 value table)")


def test_the_towns_list_gets_in_on_the_first_try_and_its_csv_twin_alike(tmp_path):
    xlsx, csv_file = town_sheet.write(tmp_path / "list")
    written = {}
    for path in (xlsx, csv_file):
        content_dir = tmp_path / path.suffix[1:] / "content"
        content_dir.parent.mkdir()
        shutil.copytree(BUNDLED, content_dir)
        mapping = tmp_path / f"mapping-{path.suffix[1:]}.yaml"
        said = draft(path, mapping, content_dir)
        assert "fill in: values.Stadtteil (2 empty)" in said
        drafted = mapping.read_text(encoding="utf-8").splitlines()
        fill_in(mapping)
        filled = mapping.read_text(encoding="utf-8").splitlines()
        # The figure of the issue (157 lines written by hand, 8 attempts): a draft of under
        # 60 lines, 2 of them edited by hand, and the first import succeeds.
        assert len(drafted) == len(filled) < 60
        assert sum(a != b for a, b in zip(drafted, filled, strict=True)) == len(FILLED_IN)
        result = run_finder("import", str(path), "--mapping", str(mapping), "--content",
                            str(content_dir))
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == [
            f"Imported {town_sheet.OFFERS} offers of 5 providers into 5 files.",
            "Summary: 13 rows read (5 lines set aside); 12 offers added, 0 replaced; "
            "3 warnings; 0 errors"]
        for said in ("2 title line(s) above the header (row 3) skipped",
                     "row 19 skipped, a sum line at the foot: 'Summe: 12 Angebote'",
                     "row 20 skipped, below the sum line",
                     "empty row(s) 12 skipped",
                     "row 16 repeats row 15 cell for cell: imported once",
                     "'nach Vereinbarung' names no day and time",
                     "id 'jugendamt' is in the catalogue as 'Jugendamt der Stadt Wiesbrück'"):
            assert said in result.stderr, said
        check = run_finder("check", "--content", str(content_dir))
        assert check.returncode == 0, check.stderr
        assert "place(s) without coordinates" in check.stdout
        written[path.suffix] = {p.name: p.read_text(encoding="utf-8")
                                for p in (content_dir / "providers").glob("*.yaml")}
    assert written[".xlsx"] == written[".csv"]

    loaded = content_module.load(tmp_path / "xlsx" / "content")
    before = content_module.load(BUNDLED)
    offers = {o["id"]: o for o in loaded.offers}
    providers = {p["id"]: p for p in loaded.providers}
    assert len(loaded.offers) == len(before.offers) + town_sheet.OFFERS
    # The providers already in the catalogue keep their address, description and name.
    old = {p["id"]: p for p in before.providers}
    for pid in ("jugendamt", "fz-nordstadt"):
        assert {k: providers[pid][k] for k in ("name", "description", "location", "phones")} == \
            {k: old[pid][k] for k in ("name", "description", "location", "phones")}
    krabbeln = offers["angebote-jugendamt-1"]
    assert (krabbeln["min_age_months"], krabbeln["max_age_months"]) == (0, 35)  # U3
    assert krabbeln["languages"] == ["de", "tr"] and krabbeln["registration_required"] is False
    assert krabbeln["application_process"] is None  # "nein" is no way to register
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in krabbeln["schedules"]] == \
        [(["TU"], "09:30", "11:00")]  # "dienstags 9:30-11 Uhr"
    # at its provider's address: the provider's coordinates; elsewhere none, no pin
    assert krabbeln["locations"][0]["latitude"] == providers["fz-nordstadt"]["location"]["latitude"]
    sport = offers["angebote-jugendamt-7"]
    assert sport["min_age_months"] == 144 and sport["max_age_months"] is None  # ab 12
    assert sport["locations"][0]["district"] == "hafen" and sport["locations"][0]["latitude"] is None
    assert sport["free"] is False and sport["fees_description"] == "20 € im Monat"
    assert [s["byday"] for s in sport["schedules"]] == [["MO", "TU", "WE", "TH"], ["FR"]]
    assert offers["angebote-jugendamt-2"]["min_age_months"] is None  # 0-99: every age
    assert offers["angebote-jugendamt-3"]["locations"][0]["district"] == "nordstadt"  # its PLZ
    assert offers["angebote-jugendamt-3"]["valid_to"] == "2027-07-31"
    assert offers["angebote-jugendamt-4"]["phones"] == ["069/90009-343"]  # "Tel. 069/90009-343"
    assert offers["angebote-jugendamt-4"]["languages"] == ["de", "en"]  # "deutsch/englisch"
    assert offers["angebote-jugendamt-5"]["schedule_description"] == "nach Vereinbarung"
    assert offers["angebote-jugendamt-8"]["schedules"][0]["week_of_month"] == [2]
    assert (offers["angebote-jugendamt-8"]["min_age_months"],
            offers["angebote-jugendamt-8"]["max_age_months"]) == (72, 191)  # Schulkinder
    assert offers["angebote-jugendamt-9"]["min_age_months"] == -9  # Schwangerschaft
    assert offers["angebote-jugendamt-12"]["valid_to"] == "2027-07-31"  # a date typed as text
    assert "angebote-jugendamt-13" not in offers  # the repeated row, once


def test_a_draft_asks_for_what_no_column_gives(tmp_path):
    """A list with titles, phones and a topic only: the draft asks for the provider and
    the cost of every row, and sets German as the language."""
    import datetime as dt

    from finder.interop.sheet_draft import draft_mapping

    path = tmp_path / "kurz.csv"
    path.write_text("Bezeichnung;Art;Tel\nKrabbelgruppe;Spielgruppe;069 90009 1\n"
                    "Lesestunde;Bibliothek;069 90009 2\n", encoding="utf-8")
    made = draft_mapping(path, BUNDLED, dt.date(2026, 12, 5))
    mapping = yaml.safe_load(made.text)["offers"]
    assert mapping["columns"] == {"Titel": "Bezeichnung", "Themen": "Art", "Telefon": "Tel"}
    assert mapping["constants"] == {"Kostenlos": "", "Anbieter-ID": "", "Sprachen": "de"}
    assert mapping["values"]["Themen"] == {"Spielgruppe": "meeting_places", "Bibliothek": "education"}
    assert made.to_fill == {"constants.Kostenlos": 1, "constants.Anbieter-ID": 1}


def test_the_readme_walk_through_says_what_the_finder_says(tmp_path):
    """The README's steps for a town's IT person, run as written in a folder with the list
    and a content folder (FINDER_CONTENT_DIR, as "Your own town" sets it): each command's
    shown output is what the finder prints (a line shortened with … is compared up to it)."""
    import os
    import re
    import subprocess
    import sys

    from tests.conftest import ROOT

    bundled = snapshot(BUNDLED)

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### A town's own list, step by step")[1].split("\n### ")[0]
    steps = re.findall(r"```\n\$ (finder import [^\n]+)\n(.*?)```", section, re.S)
    assert [command.split()[-2] for command, _ in steps] == ["--draft-mapping", "--mapping"]
    town_sheet.write(tmp_path)
    shutil.copytree(BUNDLED, tmp_path / "content")
    for command, shown in steps:
        result = subprocess.run([sys.executable, "-m", "finder.cli", *command.split()[1:]],
                                cwd=tmp_path, capture_output=True, text=True, timeout=300,
                                env={**os.environ, "FINDER_CONTENT_DIR": str(tmp_path / "content"),
                                     "PYTHONPATH": str(ROOT)})
        assert result.returncode == 0, result.stderr
        said = (result.stderr + result.stdout).splitlines()
        for line in shown.strip().splitlines():
            start = line.split("…")[0].rstrip()
            assert any(s == line or ("…" in line and s.startswith(start)) for s in said), \
                (line, said)
        if "--draft-mapping" in command:
            fill_in(tmp_path / "mapping.yaml")  # step 2, as the README says it
    assert len(list((tmp_path / "content" / "providers").glob("*.yaml"))) == \
        len(list(BUNDLED.glob("providers/*.yaml"))) + 3  # the three new providers
    assert snapshot(BUNDLED) == bundled
