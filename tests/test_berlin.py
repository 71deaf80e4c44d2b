"""Real data nobody here wrote: the Berlin Kita list as a second town.

The list (2,893 Kitas, CC BY 4.0 / CC BY 3.0 DE, see examples/berlin/SOURCE.md) goes in
through the CSV path with the example's mapping file, into a temporary content folder
with the 12 Bezirke from the GeoJSON; then `finder check`, `finder build`, searches,
and the Kitas and places per Bezirk counted in the built catalogue against the figures
published with the data; the 520 Planungsräume (LOR) with Kitas are a second level under
the Bezirke, and `finder coverage --level` reproduces the published figures on both
levels."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from collections import Counter

import pytest
import yaml

from finder import content as content_module
from finder.catalogue import live
from finder.search import Query
from finder.web import create_app
from tests.conftest import BUNDLED, ROOT, TODAY, run_finder

EXAMPLE = ROOT / "examples" / "berlin"
KITAS = EXAMPLE / "data" / "berlin-daycare-centers-2026-07-details.csv"
PUBLISHED = EXAMPLE / "data" / "berlin-daycare-centers-2026-07-districts.csv"
PUBLISHED_AREAS = EXAMPLE / "data" / "berlin-daycare-centers-2026-07-planning-areas.csv"
BEZIRKE = {"01": "mitte", "02": "friedrichshain-kreuzberg", "03": "pankow",
           "04": "charlottenburg-wilmersdorf", "05": "spandau", "06": "steglitz-zehlendorf",
           "07": "tempelhof-schoeneberg", "08": "neukoelln", "09": "treptow-koepenick",
           "10": "marzahn-hellersdorf", "11": "lichtenberg", "12": "reinickendorf"}


def berlin_content(root):
    """A new town: the example's town setup and the vocabulary every town keeps."""
    root.mkdir(parents=True)
    for name in ("vocabulary.yaml", "needs.yaml", "helplines.yaml"):
        shutil.copy(BUNDLED / name, root / name)
    for path in (EXAMPLE / "content").iterdir():
        shutil.copy(path, root / path.name)
    (root / "providers").mkdir()
    return root


@pytest.fixture(scope="module")
def berlin(tmp_path_factory):
    base = tmp_path_factory.mktemp("berlin")
    content = berlin_content(base / "content")
    data = base / "data"
    imported = run_finder("import", str(KITAS), "--mapping", str(EXAMPLE / "mapping.yaml"),
                          "--content", str(content))
    assert imported.returncode == 0, imported.stderr
    assert "Imported 2893 offers of 1176 providers into 1176 files." in imported.stdout
    checked = run_finder("check", "--content", str(content))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == "ok: 2893 offers from 1176 providers in 532 districts"
    built = run_finder("build", "--content", str(content), "--data-dir", str(data))
    assert built.returncode == 0, built.stderr
    return content, data


def published(path=PUBLISHED, ids=BEZIRKE.get) -> dict[str, tuple[int, int]]:
    """Kitas and places per Bezirk (or, with PUBLISHED_AREAS and str, per Planungsraum)."""
    with open(path, encoding="utf-8") as handle:
        return {ids(r["id"]): (int(r["daycare_centers"]), int(r["places"]))
                for r in csv.DictReader(handle)}


def coverage(data, level: str, out) -> dict[str, tuple[int, int]]:
    """`finder coverage --level LEVEL --csv FILE`: offers and capacity per place."""
    done = run_finder("coverage", "--level", level, "--csv", str(out), "--data-dir", str(data))
    assert done.returncode == 0, done.stderr
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:4] == ["place", "name", "offers", "capacity"]
    return {r["place"]: (int(r["offers"]), int(r["capacity"])) for r in rows}


def test_coverage_per_planungsraum_and_bezirk_reproduces_the_published_figures(berlin, tmp_path):
    _, data = berlin
    areas = published(PUBLISHED_AREAS, str)
    assert len(areas) == 520
    assert coverage(data, "Planungsraum", tmp_path / "areas.csv") == areas
    assert coverage(data, "bezirk", tmp_path / "bezirke.csv") == published()
    # The labels are honest: the data name no planning area, so neither does the finder.
    with open(tmp_path / "areas.csv", encoding="utf-8") as handle:
        names = {r["place"]: r["name"] for r in csv.DictReader(handle)}
    bezirke = {p.id: p.name for p in live(data).places.at_level(1)}
    assert names["01100101"] == "Planungsraum 01100101 (Mitte)"
    assert all(name == f"Planungsraum {place} ({bezirke[BEZIRKE[place[:2]]]})"
               for place, name in names.items())
    # Printed as a table, the figures stand in line under their headings.
    table = run_finder("coverage", "--level", "2", "--data-dir", str(data))
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert len(lines) == 521 and lines[1].split()[0] == "04100101"
    end = lines[0].index("capacity") + len("capacity")
    assert all(line[:end].endswith(str(areas[line.split()[0]][1])) for line in lines[1:])


def test_each_kita_lies_in_its_planungsraum_and_that_in_its_bezirk(berlin):
    _, data = berlin
    catalogue = live(data)
    with open(KITAS, encoding="utf-8") as handle:
        planned = {f"kita-{r['id']}": r["geojson_feature_id"] for r in csv.DictReader(handle)}
    tree = catalogue.places
    assert [lv.name for lv in tree.levels] == ["Bezirk", "Planungsraum"]
    assert len(tree.at_level(1)) == 12 and len(tree.at_level(2)) == 520
    offers = catalogue.offers_by_ids(list(planned))
    assert {o.id: o.districts for o in offers.values()} == {k: (v,) for k, v in planned.items()}
    assert all(tree[area].parent == BEZIRKE[area[:2]] for area in set(planned.values()))
    # Each planning area's point (the middle of its Kitas) lies in its Bezirk: one lies
    # 75 m outside, its Kitas along the border, within the check's 100 m.
    from finder.content.shapes import TOLERANCE_METRES, DistrictShapes

    bezirke = [{"id": p.id, "name": p.name} for p in tree.at_level(1)]
    shapes, _ = DistrictShapes.load(EXAMPLE / "content" / "districts.geojson", bezirke)
    outside = {p.id: shapes.metres_outside(p.parent, p.latitude, p.longitude)
               for p in tree.at_level(2)}
    assert max(outside.values()) < TOLERANCE_METRES
    assert sum(1 for metres in outside.values() if metres > 0) == 1


def test_a_search_by_planungsraum_finds_its_kitas_first(berlin):
    _, data = berlin
    catalogue = live(data)
    area = "08100209"  # a Planungsraum of Neukölln with several Kitas
    count = published(PUBLISHED_AREAS, str)[area][0]
    assert count >= 5
    hits = catalogue.search(Query(district=area, page_size=100), TODAY).hits
    assert all(h.districts == (area,) and h.why == "district" for h in hits[:count])
    assert area not in hits[count].districts and hits[count].why != "district"
    # Then the nearest first (by whole kilometres, from the middle of the area's Kitas):
    # the Kitas of the rest of Neukölln and of its neighbours.
    km = [round(h.distance_km) for h in hits[count:]]
    assert km == sorted(km) and km[0] == 0 and km[-1] >= 2


def test_kitas_and_places_per_bezirk_reproduce_the_published_figures(berlin):
    _, data = berlin
    catalogue = live(data)
    # Kitas per Bezirk as the search counts them ...
    facets = catalogue.search(Query(topics=("childcare",)), TODAY).facets["district"]
    # ... and places per Bezirk from the built database.
    db = sqlite3.connect(f"file:{catalogue.path / 'catalogue.db'}?mode=ro", uri=True)
    places, kitas = Counter(), Counter()
    for capacity, districts in db.execute("SELECT capacity, districts FROM offers"):
        (area,) = json.loads(districts)
        district = catalogue.places.ancestor_at(area, 1)
        places[district] += capacity
        kitas[district] += 1
    db.close()
    expected = published()
    assert {d: (kitas[d], places[d]) for d in expected} == expected
    assert {d: facets[d] for d in expected} == {d: n for d, (n, _) in expected.items()}
    assert sum(kitas.values()) == 2893


def test_a_search_by_bezirk_shows_that_bezirk_first(berlin):
    _, data = berlin
    catalogue = live(data)
    count = published()["spandau"][0]
    hits = []
    for page in (1, 2):
        hits += catalogue.search(Query(district="spandau", page=page, page_size=100), TODAY).hits
    bezirk = {h.id: catalogue.places.ancestor_at(h.districts[0], 1) for h in hits}
    assert all(bezirk[h.id] == "spandau" and h.why == "district" for h in hits[:count])
    assert hits[count].why != "district" and bezirk[hits[count].id] != "spandau"


def test_a_search_by_text_finds_the_kita(berlin):
    _, data = berlin
    catalogue = live(data)
    found = catalogue.search(Query(text="Casa Fantasia"), TODAY)
    assert found.hits[0].id == "kita-01010030"  # FRÖBEL Kindergarten Casa Fantasia, Mitte
    # Eight Kitas are called Sonnenschein; Lichtenberg's come first in Lichtenberg.
    sonnenschein = catalogue.search(Query(text="Kita Sonnenschein", district="lichtenberg"), TODAY)
    first = catalogue.offer(sonnenschein.hits[0].id)
    assert first.name == "Kita Sonnenschein"
    assert catalogue.places.ancestor_at(first.districts[0], 1) == "lichtenberg"
    # A child of four in Neukölln who needs a Kita with language support:
    found = catalogue.search(Query(text="Sprachförderung", district="neukoelln", ages_months=(48,)), TODAY)
    assert found.hits and all("migration_language" in h.topics for h in found.hits[:3])
    assert catalogue.places.ancestor_at(found.hits[0].districts[0], 1) == "neukoelln"


def test_the_website_of_the_second_town(berlin):
    _, data = berlin
    client = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()
    page = client.get("/de/search?q=Casa+Fantasia&district=mitte")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "FRÖBEL Kindergarten <mark>Casa</mark> <mark>Fantasia</mark>" in text
    assert "Familienwegweiser Berlin" in text
    offer = client.get("/de/offer/kita-01010030").get_data(as_text=True)
    assert "Anklamer Str. 38" in offer and "bis 6 Jahre" in offer
    imprint = client.get("/de/imprint").get_data(as_text=True)
    assert "Kitaliste der Senatsverwaltung" in imprint and "CC BY 3.0 DE" in imprint


def test_a_family_picks_a_planungsraum_on_the_website_in_the_api_and_the_cli(berlin):
    _, data = berlin
    area = "08100209"
    client = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()
    page = client.get(f"/de/search?district={area}").get_data(as_text=True)
    # The choice list: each Bezirk followed by its Planungsräume, indented.
    assert '<option value="neukoelln"' in page
    assert f'<option value="{area}" selected' in page and "\u2003Planungsraum 08100209" in page
    first_kita = live(data).search(Query(district=area), TODAY).hits[0].id
    assert page.index(f"/de/offer/{first_kita}") > 0
    api = client.get(f"/api/v1/services?district={area}&per_page=5").get_json()
    assert api["contents"][0]["display"]["offer_id"] == first_kita
    assert api["contents"][0]["display"]["where"] == ["in Planungsraum 08100209 (Neukölln)"]
    unknown = client.get("/api/v1/services?district=08100999")
    assert unknown.status_code == 400
    cli = run_finder("search", "--data-dir", str(data), "--district", area)
    assert cli.returncode == 0, cli.stderr
    assert first_kita in cli.stdout.splitlines()[1]


def test_without_the_planning_area_the_bezirk_comes_from_the_coordinates(tmp_path):
    """The mapping takes each Kita's Bezirk from its planning area. Left to point in
    polygon alone, all but four Kitas land in the same Bezirk; those four lie within
    three metres of a Bezirk border (the planning areas' and the Bezirke's shapes differ
    by that much there)."""
    content = berlin_content(tmp_path / "content")
    mapping = yaml.safe_load((EXAMPLE / "mapping.yaml").read_text(encoding="utf-8"))
    del mapping["offers"]["templates"]["Stadtteil"]
    (tmp_path / "mapping.yaml").write_text(yaml.safe_dump(mapping, allow_unicode=True),
                                           encoding="utf-8")
    imported = run_finder("import", str(KITAS), "--mapping", str(tmp_path / "mapping.yaml"),
                          "--content", str(content))
    assert imported.returncode == 0, imported.stderr
    assert "district:" not in (content / "providers" / "traeger-1227.yaml").read_text()
    loaded = content_module.load(content)
    with open(KITAS, encoding="utf-8") as handle:
        planned = {f"kita-{r['id']}": BEZIRKE[r["geojson_feature_id"][:2]]
                   for r in csv.DictReader(handle)}
    differ = {o["id"]: o["locations"][0]["district"] for o in loaded.offers
              if o["locations"][0]["district"] != planned[o["id"]]}
    assert differ == {"kita-03040200": "pankow", "kita-03040220": "pankow",
                      "kita-03041650": "pankow", "kita-03042290": "pankow"}
    from finder.content.shapes import DistrictShapes

    shapes, _ = DistrictShapes.load(content / "districts.geojson", loaded.districts)
    for offer in loaded.offers:
        if offer["id"] in differ:
            location = offer["locations"][0]
            assert shapes.metres_outside(planned[offer["id"]], location["latitude"],
                                         location["longitude"]) < 3


def test_the_coordinator_chooses_the_planungsraum_level(berlin, tmp_path):
    """The coordinator's coverage page and its CSV, per Planungsraum: the Kitas per
    planning area are the published ones."""
    from tests.test_coordinator import Session, excel_rows, with_user

    data = tmp_path / "data"
    shutil.copytree(berlin[1], data, symlinks=True)
    browser = Session(with_user(data))
    browser.login()
    page = browser.get("/coordinator/coverage?level=2&matrix=district_topic")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<option value="2" selected>Planungsraum</option>' in text
    assert "Planungsraum 08100209 (Neukölln)" in text
    rows = excel_rows(browser.get("/coordinator/coverage.csv?level=2&matrix=district_topic").data)
    kitas = {r["Zeile-ID"]: int(r["Angebote"]) for r in rows if r["Spalten-ID"] == "childcare"}
    areas = published(PUBLISHED_AREAS, str)
    assert {area: kitas[area] for area in areas} == {area: n for area, (n, _) in areas.items()}
    assert set(kitas) == set(areas) | {"citywide", "online", "at_home"}


def test_the_bot_offers_each_bezirk_then_its_planungsraeume(berlin):
    """The bot asks the Bezirk, then offers the whole Bezirk or one of its Planungsräume:
    Pankow's 57 and the rest stay within what Telegram is reported to take in one inline
    keyboard (100 buttons, about 10 kB of JSON; the Bot API documents no figure)."""
    from bot.render import district_question

    catalogue = live(berlin[1])
    _, first = district_question(catalogue, "de")
    assert {b.callback_data for row in first.inline_keyboard for b in row} == \
        {"d:all"} | {f"d:+{b}" for b in BEZIRKE.values()}
    sizes = {}
    for bezirk in BEZIRKE.values():
        _, parts = district_question(catalogue, "de", bezirk)
        buttons = [b for row in parts.inline_keyboard for b in row]
        assert buttons[0].callback_data == f"d:{bezirk}"
        assert all(b.callback_data == f"d:{p}" for b, p in
                   zip(buttons[1:], catalogue.places.parts(bezirk)))
        sizes[bezirk] = len(buttons)
        assert len(json.dumps(parts.to_dict()).encode()) < 8_000
    assert sizes["pankow"] == 58 and max(sizes.values()) <= 100
    assert sum(sizes.values()) == 520 + 12
