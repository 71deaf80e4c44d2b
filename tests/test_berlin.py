"""Real data nobody here wrote: the Berlin Kita list as a second town.

The list (2,893 Kitas, CC BY 4.0 / CC BY 3.0 DE, see examples/berlin/SOURCE.md) goes in
through the CSV path with the example's mapping file, into a temporary content folder
with the 12 Bezirke from the GeoJSON; then `finder check`, `finder build`, searches,
and the Kitas and places per Bezirk counted in the built catalogue against the figures
published with the data."""

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
    assert checked.stdout.strip() == "ok: 2893 offers from 1176 providers in 12 districts"
    built = run_finder("build", "--content", str(content), "--data-dir", str(data))
    assert built.returncode == 0, built.stderr
    return content, data


def published() -> dict[str, tuple[int, int]]:
    with open(PUBLISHED, encoding="utf-8") as handle:
        return {BEZIRKE[r["id"]]: (int(r["daycare_centers"]), int(r["places"]))
                for r in csv.DictReader(handle)}


def test_kitas_and_places_per_bezirk_reproduce_the_published_figures(berlin):
    _, data = berlin
    catalogue = live(data)
    # Kitas per Bezirk as the search counts them ...
    facets = catalogue.search(Query(topics=("childcare",)), TODAY).facets["district"]
    # ... and places per Bezirk from the built database.
    db = sqlite3.connect(f"file:{catalogue.path / 'catalogue.db'}?mode=ro", uri=True)
    places, kitas = Counter(), Counter()
    for capacity, districts in db.execute("SELECT capacity, districts FROM offers"):
        (district,) = json.loads(districts)
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
    assert all(h.districts == ("spandau",) and h.why == "district" for h in hits[:count])
    assert hits[count].why != "district" and "spandau" not in hits[count].districts


def test_a_search_by_text_finds_the_kita(berlin):
    _, data = berlin
    catalogue = live(data)
    found = catalogue.search(Query(text="Casa Fantasia"), TODAY)
    assert found.hits[0].id == "kita-01010030"  # FRÖBEL Kindergarten Casa Fantasia, Mitte
    # Eight Kitas are called Sonnenschein; Lichtenberg's come first in Lichtenberg.
    sonnenschein = catalogue.search(Query(text="Kita Sonnenschein", district="lichtenberg"), TODAY)
    first = catalogue.offer(sonnenschein.hits[0].id)
    assert first.name == "Kita Sonnenschein" and first.districts == ("lichtenberg",)
    # A child of four in Neukölln who needs a Kita with language support:
    found = catalogue.search(Query(text="Sprachförderung", district="neukoelln", ages_months=(48,)), TODAY)
    assert found.hits and all("migration_language" in h.topics for h in found.hits[:3])
    assert found.hits[0].districts == ("neukoelln",)


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


def test_without_the_planning_area_the_bezirk_comes_from_the_coordinates(tmp_path):
    """The mapping takes each Kita's Bezirk from its planning area. Left to point in
    polygon alone, all but four Kitas land in the same Bezirk; those four lie within
    three metres of a Bezirk border (the planning areas' and the Bezirke's shapes differ
    by that much there)."""
    content = berlin_content(tmp_path / "content")
    mapping = yaml.safe_load((EXAMPLE / "mapping.yaml").read_text(encoding="utf-8"))
    del mapping["offers"]["templates"]["Stadtteil"], mapping["offers"]["values"]["Stadtteil"]
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
