"""Districts from coordinates: districts.geojson beside districts.yaml."""

from __future__ import annotations

import json

import pytest

from finder.catalogue import live
from finder.catalogue.build import build
from finder.content import ContentError, load
from finder.search import Query
from tests.conftest import TODAY, run_finder


def box(lat: float, lon: float, half: float = 0.005) -> dict:
    ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
            [lon - half, lat + half], [lon - half, lat - half]]
    return {"type": "Polygon", "coordinates": [ring]}


def geojson(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": properties, "geometry": geometry}
        for properties, geometry in features]})


# Altstadt around 51.700/9.800, found by id; Nordstadt around 51.712/9.800, by its name.
SHAPES = geojson(({"id": "altstadt"}, box(51.700, 9.800)),
                 ({"name": "Nordstadt", "id": "07"}, box(51.712, 9.800, 0.0055)))

PROVIDER = """\
id: ohne-stadtteil
name: Träger ohne Stadtteil
phones: ["+49 69 90009 999"]
address_1: Lerchenweg 20
postal_code: "37583"
latitude: {lat}
longitude: {lon}
offers:
  - id: treff
    name: Offener Treff
    summary: Ein Treff für alle Familien.
    description: Eltern und Kinder treffen sich.
    topics: [meeting_places]
    free: true
  - id: kurs
    name: Kurs im Gemeindehaus
    summary: Ein Kurs an einem anderen Ort.
    description: Der Kurs findet im Gemeindehaus statt.
    topics: [education]
    free: true
    locations:
      - {{address_1: Kirchgasse 1, latitude: {lat2}, longitude: {lon2}{district}}}
"""


def test_a_place_without_district_gets_the_one_it_lies_in(content, tmp_path):
    (content.root / "districts.geojson").write_text(SHAPES, encoding="utf-8")
    content.provider(PROVIDER.format(lat=51.713, lon=9.801, lat2=51.699, lon2=9.799, district=""))
    loaded = load(content.root)
    provider = next(p for p in loaded.providers if p["id"] == "ohne-stadtteil")
    assert provider["location"]["district"] == "nordstadt"
    offers = {o["id"]: o for o in loaded.offers}
    assert offers["treff"]["locations"][0]["district"] == "nordstadt"
    assert offers["kurs"]["locations"][0]["district"] == "altstadt"
    data = tmp_path / "data"
    build(content.root, data)
    found = live(data).search(Query(district="altstadt", topics=("education",)), TODAY)
    assert found.hits[0].id == "kurs" and found.hits[0].why == "district"


def test_check_reports_coordinates_in_no_district(content):
    (content.root / "districts.geojson").write_text(SHAPES, encoding="utf-8")
    path = content.provider(PROVIDER.format(lat=51.713, lon=9.801, lat2=51.600, lon2=9.700,
                                            district=""))
    result = run_finder("check", "--content", str(content.root))
    assert result.returncode == 1
    line = path.read_text().splitlines().index(
        "      - {address_1: Kirchgasse 1, latitude: 51.6, longitude: 9.7}") + 1
    assert (f"content/providers/test-provider.yaml:{line}: coordinates 51.6, 9.7 of offer 'kurs' "
            "lie in no district of districts.geojson") in result.stderr
    assert "1 problem(s) found" in result.stderr


def test_coordinates_far_outside_their_named_district_are_reported(content):
    (content.root / "districts.geojson").write_text(SHAPES, encoding="utf-8")
    content.provider(PROVIDER.format(lat=51.713, lon=9.801, lat2=51.699, lon2=9.799,
                                     district=", district: nordstadt"))
    with pytest.raises(ContentError) as error:
        load(content.root)
    assert any("coordinates 51.699, 9.799 of offer 'kurs' lie in district 'altstadt'" in str(p)
               and "m outside 'nordstadt'" in str(p) for p in error.value.problems)


def test_a_feature_that_names_no_district_is_reported(content):
    (content.root / "districts.geojson").write_text(
        geojson(({"id": "mond", "name": "Mondstadt"}, box(0, 0))), encoding="utf-8")
    content.offers("Elterncafé")
    with pytest.raises(ContentError) as error:
        load(content.root)
    assert ("content/districts.geojson:1: feature 1 ('Mondstadt') names no district of "
            "districts.yaml (its id or name property must be a district's id or name)") in \
        [str(p) for p in error.value.problems]


def test_without_geojson_a_district_is_still_required(content):
    content.provider(PROVIDER.format(lat=51.713, lon=9.801, lat2=51.699, lon2=9.799, district=""))
    with pytest.raises(ContentError) as error:
        load(content.root)
    # said as what to write, no longer as "unknown district None"
    assert any("names no district" in str(p) and "write district:" in str(p)
               for p in error.value.problems)
    assert not any("unknown district None" in str(p) for p in error.value.problems)


def test_a_point_picks_the_district_of_the_shape_it_lies_in(content, tmp_path):
    """A family's shared location: with the town's shapes, the district it lies in (the
    shapes go into the build); outside every shape, none."""
    (content.root / "districts.geojson").write_text(SHAPES, encoding="utf-8")
    content.provider(PROVIDER.format(lat=51.713, lon=9.801, lat2=51.699, lon2=9.799, district=""))
    build(content.root, tmp_path / "data")
    catalogue = live(tmp_path / "data")
    assert (catalogue.path / "districts.geojson").is_file()
    assert catalogue.district_at(51.7003, 9.8004) == "altstadt"
    assert catalogue.district_at(51.7150, 9.7970) == "nordstadt"
    # Nearer to Altstadt's centre than to any other, but in no shape: no district.
    assert catalogue.district_at(51.7060, 9.8000) is None
    assert catalogue.district_at(91.0, 9.8) is None


def test_without_shapes_a_point_picks_the_nearest_district_within_the_town(catalogue):
    """The bundled town has no shapes: the nearest district centre, if the point is no
    farther from it than the districts lie apart."""
    assert not (catalogue.path / "districts.geojson").exists()
    assert catalogue.district_at(51.6865, 9.8235) == "hafen"
    assert catalogue.district_at(51.7121, 9.7999) == "nordstadt"
    assert catalogue.district_at(52.5200, 13.4050) is None  # Berlin
    assert catalogue.district_at(51.80, 9.80) is None  # 10 km north of the town
