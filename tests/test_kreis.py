"""The Kreis example (examples/kreis, made up): twelve Gemeinden with their Ortsteile and
a few hundred offers, built as a town of its own with `finder check` and `finder build`.

A family in a village sees what is in its village or comes to it first, then the nearest
offers with their distance; a radius keeps what is within reach; a family may pick a
Gemeinde as well as an Ortsteil; the coordinator counts offers and places per Gemeinde
and per Ortsteil (`finder coverage --level`)."""

from __future__ import annotations

import csv
import io
import shutil
from collections import Counter

import pytest
import yaml

from finder.catalogue import live
from finder.model.places import km_between
from finder.search import Query
from finder.web import create_app
from tests.conftest import BUNDLED, ROOT, TODAY, run_finder

EXAMPLE = ROOT / "examples" / "kreis"
VILLAGE = "kolkwiese"
"""An Ortsteil of Sassenburg, at the Kreis's western edge."""


@pytest.fixture(scope="module")
def kreis(tmp_path_factory):
    base = tmp_path_factory.mktemp("kreis")
    content = base / "content"
    content.mkdir()
    for name in ("vocabulary.yaml", "needs.yaml", "helplines.yaml"):
        shutil.copy(BUNDLED / name, content / name)
    shutil.copytree(EXAMPLE / "content", content, dirs_exist_ok=True)
    checked = run_finder("check", "--content", str(content))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("ok: ") and "in 47 districts" in checked.stdout
    data = base / "data"
    built = run_finder("build", "--content", str(content), "--data-dir", str(data))
    assert built.returncode == 0, built.stderr
    return content, data


@pytest.fixture(scope="module")
def catalogue(kreis):
    return live(kreis[1])


def offers_in_files(content) -> list[dict]:
    """The offers as the provider files write them, each with where it is held."""
    found = []
    for path in sorted((content / "providers").glob("*.yaml")):
        provider = yaml.safe_load(path.read_text(encoding="utf-8"))
        for offer in provider["offers"]:
            held = [loc["district"] for loc in offer.get("locations", [])] or [provider["district"]]
            found.append({**offer, "held": held})
    return found


def test_a_village_family_sees_its_village_then_the_nearest_with_distances(catalogue):
    results = catalogue.search(Query(district=VILLAGE, topics=("meeting_places",),
                                     page_size=100), TODAY)
    hits = list(results.hits)
    assert hits, "the Kreis has meeting places"
    # What needs no journey first (in the village, coming to the family, online) ...
    first_travel = next(i for i, h in enumerate(hits) if h.why not in ("district", "at_home",
                                                                       "online"))
    assert all(h.why in ("district", "at_home", "online") for h in hits[:first_travel])
    # ... then by distance, in whole kilometres, nearest first.
    travel = [round(h.distance_km) for h in hits[first_travel:]]
    assert travel == sorted(travel) and len(travel) > 10
    assert travel[0] < travel[-1]
    # The distance is the straight line from the village to where the offer is held.
    village = catalogue.places[VILLAGE]
    nearest = hits[first_travel]
    location = nearest.offer.locations[0]
    assert nearest.distance_km == pytest.approx(km_between(
        village.latitude, village.longitude, location.latitude, location.longitude), abs=0.05)


def test_a_radius_keeps_what_is_within_reach(catalogue):
    wide = catalogue.search(Query(district=VILLAGE, page_size=100), TODAY)
    near = catalogue.search(Query(district=VILLAGE, radius_km=5, page_size=100), TODAY)
    assert not near.relaxed
    assert 0 < near.total < wide.total
    for hit in near.hits:
        assert hit.offer.remote or hit.offer.comes_to_family or hit.distance_km <= 5, hit.id
    far = {h.id for h in wide.hits if h.distance_km and h.distance_km > 5 and not
           (h.offer.remote or h.offer.comes_to_family)}
    assert far and not far & {h.id for h in near.hits}


def test_a_family_may_pick_a_gemeinde_or_an_ortsteil(catalogue):
    gemeinde = catalogue.search(Query(district="sassenburg", topics=("childcare",),
                                      page_size=100), TODAY)
    ortsteile = {"sassenburg", *catalogue.places.descendants("sassenburg")}
    local = [h for h in gemeinde.hits if h.why == "district"]
    assert local and all(set(h.offer.districts) & ortsteile for h in local)
    # Every Kita in one of Sassenburg's Ortsteile is "in your place" for the Gemeinde.
    kitas = {h.id for h in local if h.id.startswith("kita-")}
    assert kitas == {h.id for h in gemeinde.hits if h.id.startswith("kita-")
                     and set(h.offer.districts) & ortsteile}
    assert len(kitas) >= 2


def test_the_website_shows_places_in_levels_and_distances(kreis):
    client = create_app({"DATA_DIR": str(kreis[1]), "TESTING": True}).test_client()
    page = client.get(f"/de/search?district={VILLAGE}&topic=leisure_sport").get_data(as_text=True)
    assert '<option value="sassenburg"' in page and "\u2003Kolkwiese" in page
    assert " km</li>" in page
    desk = client.get(f"/de/desk?district={VILLAGE}&topic=leisure_sport&radius_km=10")
    assert desk.status_code in (200, 302)


def test_coverage_per_gemeinde_and_ortsteil(kreis, tmp_path):
    content, data = kreis
    offers = offers_in_files(content)
    tree = yaml.safe_load((content / "districts.yaml").read_text(encoding="utf-8"))["districts"]
    parent = {p["id"]: p.get("parent") for p in tree}
    in_person = [o for o in offers if o.get("attending_type", "in_person") == "in_person"
                 and o.get("service_areas") != "citywide"]
    per_ortsteil, places_per_ortsteil = Counter(), Counter()
    for offer in in_person:
        for place in set(offer["held"]):
            per_ortsteil[place] += 1
            places_per_ortsteil[place] += offer.get("capacity") or 0
    for level, expected in (("Ortsteil", per_ortsteil), ("gemeinde", None)):
        out = tmp_path / f"{level}.csv"
        done = run_finder("coverage", "--level", level, "--csv", str(out), "--data-dir", str(data))
        assert done.returncode == 0, done.stderr
        rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
        assert {"place", "name", "offers", "capacity"} <= set(rows[0])
        if expected is not None:
            assert len(rows) == sum(1 for p in tree if p.get("parent"))
            assert {r["place"]: int(r["offers"]) for r in rows} == \
                {p: expected.get(p, 0) for p in (r["place"] for r in rows)}
            assert {r["place"]: int(r["capacity"]) for r in rows} == \
                {p: places_per_ortsteil.get(p, 0) for p in (r["place"] for r in rows)}
        else:
            assert len(rows) == 12
            by_gemeinde = Counter()
            for offer in in_person:
                for gemeinde in {parent[p] for p in offer["held"]}:
                    by_gemeinde[gemeinde] += 1
            assert {r["place"]: int(r["offers"]) for r in rows} == dict(by_gemeinde)
            assert all(r["offers_per_1000_children"] for r in rows)
    refused = run_finder("coverage", "--level", "Planungsraum", "--data-dir", str(data))
    assert refused.returncode != 0 and "Gemeinde, Ortsteil" in refused.stderr


def test_the_bot_asks_the_gemeinde_then_the_ortsteil_and_says_how_far(kreis, tmp_path):
    from tests.test_bot import Running, buttons, press, say

    bot = Running(kreis[1], tmp_path / "chats.db")
    try:
        chat = 2201
        greeting = say(bot, chat, "/start")
        bot.standin.reply_to(chat, bot.standin.sent.index(greeting) + 1)   # the age question
        places = press(bot, chat, "a:3")
        assert places["params"]["text"] == "Wo wohnen Sie?"
        assert "d:+sassenburg" in {b["callback_data"] for b in buttons(places)}
        parts = press(bot, chat, "d:+sassenburg")
        assert {b["callback_data"] for b in buttons(parts)} >= {"d:sassenburg", f"d:{VILLAGE}"}
        press(bot, chat, f"d:{VILLAGE}")
        shown = press(bot, chat, "t:leisure_sport")["params"]["text"]
        assert "Angebote gefunden" in shown and " km" in shown
        press(bot, chat, "c:radius")
        within = press(bot, chat, "u:5")["params"]["text"]
        found = live(kreis[1]).search(Query(district=VILLAGE, ages_months=(36, 48, 60),
                                            topics=("leisure_sport",), radius_km=5,
                                            page_size=5), TODAY)
        assert f"{found.total} Angebot" in within and found.total > 0
    finally:
        bot.stop()


def test_a_shared_point_is_rounded_and_never_kept_with_unmet_demand():
    from finder.coordinator.demand import filters_of

    query = Query.from_params({"near": "52.08551234,9.11849876", "radius_km": "5",
                               "district": VILLAGE})
    assert query.near == (52.09, 9.12)
    kept = repr(filters_of(query))
    assert "52.0" not in kept and "9.1" not in kept and "near" not in kept
