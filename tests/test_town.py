"""Any town can run the finder: a second town's content, and nothing of Wiesbrück leaks.

Lindenau has its own name, two districts, one provider, three languages and its own
imprint; the website and the bot are asked everything a family would ask."""

from __future__ import annotations

import re
import shutil

import pytest

from finder.catalogue.build import build
from finder.content import ContentError, load
from finder.web import create_app
from tests.conftest import BUNDLED

LEAK = re.compile(r"wiesbr|rathausplatz 1|37581", re.IGNORECASE)

TOWN = """\
name: Lindenau
region: Sachsen
languages: [de, en, tr]
accent_colour: "#6a1b4d"
imprint:
  body: Gemeinde Lindenau – Familienbüro
  address: |
    Marktstraße 3
    01234 Lindenau
  email: familie@lindenau.example.org
privacy:
  contact: Gemeinde Lindenau, Marktstraße 3, 01234 Lindenau
  officer: Datenschutzbeauftragter der Gemeinde Lindenau
  email: datenschutz@lindenau.example.org
corrections_email: familie@lindenau.example.org
notice:
  de: Lindenau ist ein Beispiel für die Tests.
"""

DISTRICTS = """\
districts:
  - {id: oberdorf, name: Oberdorf, latitude: 51.1, longitude: 13.1, population: 900,
     neighbours: [unterdorf]}
  - {id: unterdorf, name: Unterdorf, latitude: 51.09, longitude: 13.11, population: 700,
     neighbours: [oberdorf]}
"""

PROVIDER = """\
id: familienbuero
name: Familienbüro Lindenau
address_1: Marktstraße 3
postal_code: "01234"
district: oberdorf
latitude: 51.1
longitude: 13.1
phones: ["+49 69 90009 900"]
email: familie@lindenau.example.org
offers:
  - id: hebammen-lindenau
    name: Hebammensprechstunde im Familienbüro
    summary: Fragen rund um Schwangerschaft und die erste Zeit mit dem Baby.
    description: Eine Hebamme berät Schwangere und junge Eltern, ohne Termin.
    topics: [pregnancy_birth]
    min_age_months: -9
    max_age_months: 12
    free: true
    assured_date: 2026-10-01
  - id: gewaltschutz-lindenau
    name: Beratung bei Gewalt in der Familie
    summary: Vertraulich und kostenlos, auch anonym am Telefon.
    description: >
      Wir helfen Frauen und Kindern, die zu Hause Gewalt erleben,
      und finden mit Ihnen einen sicheren Ort.
    topics: [crisis_protection]
    free: true
    assured_date: 2026-10-01
"""


@pytest.fixture(scope="module")
def lindenau(tmp_path_factory):
    content = tmp_path_factory.mktemp("lindenau") / "content"
    (content / "providers").mkdir(parents=True)
    for name in ("vocabulary.yaml", "needs.yaml", "helplines.yaml"):
        shutil.copy(BUNDLED / name, content / name)
    (content / "town.yaml").write_text(TOWN, encoding="utf-8")
    (content / "districts.yaml").write_text(DISTRICTS, encoding="utf-8")
    (content / "providers" / "familienbuero.yaml").write_text(PROVIDER, encoding="utf-8")
    data = tmp_path_factory.mktemp("lindenau-data")
    build(content, data)
    return data


def test_no_page_of_another_town_mentions_wiesbrueck(lindenau):
    client = create_app({"DATA_DIR": str(lindenau), "TESTING": True}).test_client()
    pages = ["/de/", "/en/", "/tr/", "/de/search?q=Hebamme", "/en/search?q=midwife",
             "/de/search?q=Gewalt", "/de/search?district=unterdorf",
             "/de/offer/hebammen-lindenau", "/en/offer/gewaltschutz-lindenau",
             "/de/provider/familienbuero", "/de/imprint", "/de/privacy", "/de/accessibility",
             "/de/emergency", "/de/nothing-here", "/de/search?age=99", "/town.css"]
    for path in pages:
        response = client.get(path)
        body = response.get_data(as_text=True)
        assert not LEAK.search(body), (path, LEAK.search(body).group(0))
    start = client.get("/de/").get_data(as_text=True)
    assert "Familienwegweiser Lindenau" in start and "Familien in Lindenau" in start
    assert "Gemeinde Lindenau – Familienbüro" in client.get("/de/imprint").get_data(as_text=True)
    assert "Datenschutzbeauftragter der Gemeinde Lindenau" in \
        client.get("/de/privacy").get_data(as_text=True)
    assert "#6a1b4d" in client.get("/town.css").get_data(as_text=True)
    # Only the town's languages: Arabic is not offered in Lindenau.
    assert client.get("/ar/").status_code == 404
    assert 'hreflang="ar"' not in start and 'hreflang="tr"' in start
    assert client.get("/", headers={"Accept-Language": "ar"}).location.endswith("/de/")


def test_the_bot_of_another_town_greets_with_its_name(lindenau, tmp_path):
    from tests.test_bot import Running, say

    bot = Running(lindenau, tmp_path / "chats.db")
    try:
        greeting = say(bot, 5001, "/start")["params"]["text"]
        assert "Lindenau" in greeting and not LEAK.search(greeting)
        reply = say(bot, 5002, "Hebamme")["params"]["text"]
        assert "Hebammensprechstunde im Familienbüro" in reply and not LEAK.search(reply)
        crisis = say(bot, 5003, "mein Mann schlägt mich")["params"]["text"]
        assert "116 016" in crisis and not LEAK.search(crisis)
    finally:
        bot.stop()


def test_a_town_colour_without_contrast_is_refused(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(BUNDLED, content)
    town = content / "town.yaml"
    town.write_text(town.read_text(encoding="utf-8").replace('"#0b5c6b"', '"#ffdd00"'),
                    encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load(content)
    assert any(p.file.endswith("town.yaml") and "contrast" in p.message
               for p in error.value.problems)


def test_the_bundled_town_is_wiesbrueck(catalogue):
    assert catalogue.town["name"] == "Wiesbrück"
    assert catalogue.town["names"]["uk"] == "Вісбрюк"


@pytest.mark.parametrize("change,message", [
    (("time_zone: Europe/Berlin", "time_zone: Mitteleuropa"), "time_zone must be a time zone"),
    (("time_zone: Europe/Berlin", "time_zone: Europe/Wiesbrueck"), "time_zone must be a time zone"),
    (('opens_at: "09:00", closes_at: "16:00"', 'opens_at: "16:00", closes_at: "09:00"'),
     "closes at 09:00, before it opens at 16:00"),
    (("byday: [FR]", "byday: [FRI]"), "byday ['FRI'] must use"),
    (("    de: Familienbüro der Stadt Wiesbrück\n", ""), "staff name must be a mapping of texts"),
    (('  phones: ["+49 69 90009 100"]', '  phones: ["ruf an"]'), "malformed phone number"),
    (("  schedules:", "  hours:"), "unknown field 'hours' in staff"),
])
def test_the_staff_hours_and_time_zone_are_checked(tmp_path, change, message):
    content = tmp_path / "content"
    shutil.copytree(BUNDLED, content)
    town = content / "town.yaml"
    text = town.read_text(encoding="utf-8")
    assert change[0] in text
    town.write_text(text.replace(change[0], change[1]), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load(content)
    assert any(p.file.endswith("town.yaml") and message in p.message for p in error.value.problems), \
        error.value.problems


def test_the_bundled_town_has_staff_hours_and_a_time_zone(catalogue):
    assert catalogue.town["time_zone"] == "Europe/Berlin"
    assert catalogue.town["staff"]["phones"] == ["+49 69 90009 100"]
    assert set(catalogue.town["staff"]["name"]) == set(catalogue.town["languages"])
    assert [s["byday"] for s in catalogue.town["staff"]["schedules"]] == [["MO", "TU", "WE", "TH"],
                                                                          ["FR"]]
