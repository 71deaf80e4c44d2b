"""The provider's form of an offer: every bundled offer reads back unchanged from its own
form, a changed field is seen with its old and new value, and a value the content would
refuse is refused here first, in plain German."""

from __future__ import annotations

import pytest

from finder.coordinator import offer_form
from finder.coordinator.offer_form import age_text, read, show


def test_every_bundled_offer_reads_back_unchanged_from_its_own_form(catalogue):
    for offer in catalogue.offers_by_ids([o["id"] for o in catalogue.all_offers()]).values():
        reading = read(offer, offer_form.form_values(offer), catalogue.town["name"])
        assert reading.errors == {}, (offer.id, reading.errors)
        assert reading.changes == {}, (offer.id, reading.changes)


@pytest.mark.parametrize("months, upper, text", [
    (36, False, "3"), (83, True, "6"), (0, False, "0"), (11, True, "0"), (12, True, "12 Monate"),
    (6, False, "6 Monate"), (-9, False, "Schwangerschaft"), (-1, True, "Schwangerschaft"),
    (-3, False, "3 Monate vor der Geburt"), (None, False, ""),
])
def test_ages_as_a_provider_says_them_and_back(months, upper, text):
    assert age_text(months, upper) == text
    form = {"age_from": text, "age_to": ""} if not upper else {"age_from": "", "age_to": text}
    values = offer_form.BY_NAME["ages"].read(form, {})
    assert values["max_age_months" if upper else "min_age_months"] == months


def offer(catalogue, offer_id="elterncafe-nordstadt"):
    found = catalogue.offer(offer_id)
    assert found is not None
    return found


def test_a_new_phone_number_is_a_change_with_its_old_value(catalogue):
    found = offer(catalogue)
    form = offer_form.form_values(found) | {"phones": "069 90009 777"}
    reading = read(found, form, "Wiesbrück")
    assert reading.errors == {}
    assert reading.changes == {"phones": {"old": {"phones": list(found.phones)},
                                          "new": {"phones": ["069 90009 777"]}}}
    assert show("phones", reading.changes["phones"]["new"]) == "069 90009 777"


def test_times_ages_cost_and_languages_change_as_the_content_says_them(catalogue):
    found = offer(catalogue)
    form = offer_form.form_values(found) | {
        "schedules": "Di 09:00–11:30\n2. Sa 10:00-13:00\n2027-01-21 19:00–20:30",
        "age_from": "1", "age_to": "5", "free": "no", "fees_description": "2 Euro",
        "languages": ["de", "uk"], "valid_to": "31.12.2027", "url": "www.example.org/cafe"}
    reading = read(found, form, "Wiesbrück")
    assert reading.errors == {}
    new = {k: v["new"] for k, v in reading.changes.items()}
    assert new["schedules"] == {"schedules": [
        {"byday": ["TU"], "opens_at": "09:00", "closes_at": "11:30"},
        {"byday": ["SA"], "week_of_month": [2], "opens_at": "10:00", "closes_at": "13:00"},
        {"date": "2027-01-21", "opens_at": "19:00", "closes_at": "20:30"}]}
    assert new["ages"] == {"min_age_months": 12, "max_age_months": 71}
    assert new["cost"] == {"free": False, "fees_description": "2 Euro"}
    assert new["valid_to"] == {"valid_to": "2027-12-31"}
    assert new["url"] == {"url": "https://www.example.org/cafe"}
    assert show("ages", new["ages"]) == "1–5 Jahre"
    assert show("cost", new["cost"]) == "kostet etwas: 2 Euro"
    assert show("valid_to", new["valid_to"]) == "31.12.2027"
    assert "Ukrainisch" in show("languages", new["languages"])
    assert show("schedules", new["schedules"]).splitlines()[1] == "2. Sa 10:00–13:00"


@pytest.mark.parametrize("changes, field, words", [
    ({"phones": "bitte anrufen"}, "phones", "keine Telefonnummer"),
    ({"email": "kein at"}, "email", "keine E-Mail-Adresse"),
    ({"schedules": "dienstags vormittags"}, "schedules", "Zeile 1 verstehen wir nicht"),
    ({"schedules": "Di 11:00–09:00"}, "schedules", "Zeile 1"),
    ({"age_from": "drei"}, "ages", "verstehen wir nicht als Alter"),
    ({"age_from": "8", "age_to": "3"}, "ages", "größer als"),
    ({"free": "no", "fees_description": ""}, "cost", "was es kostet"),
    ({"name": "  "}, "name", "Bitte ausfüllen"),
    ({"valid_to": "31.02.2027"}, "valid_to", "kein Datum"),
    ({"summary": "x" * 400}, "summary", "höchstens 300"),
    ({"languages": []}, "languages", "mindestens eine Sprache"),
])
def test_a_value_the_content_would_refuse_is_refused_in_plain_german(catalogue, changes, field,
                                                                      words):
    found = offer(catalogue)
    reading = read(found, offer_form.form_values(found) | changes, "Wiesbrück")
    assert list(reading.errors) == [field] and words in reading.errors[field]
    assert field not in reading.changes


def test_a_place_keeps_its_coordinates_and_district(catalogue):
    found = next(o for o in catalogue.offers_by_ids([x["id"] for x in catalogue.all_offers()])
                 .values() if o.locations and o.locations[0].name)
    form = offer_form.form_values(found) | {"place0_address_1": "Neue Straße 5"}
    reading = read(found, form, catalogue.town["name"])
    place = reading.changes["places"]["new"]["locations"][0]
    old = found.locations[0]
    assert place["address_1"] == "Neue Straße 5"
    assert (place["latitude"], place["longitude"], place["district"]) == \
        (old.latitude, old.longitude, old.district)
    assert "city" not in place
