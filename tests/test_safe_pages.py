"""Pages that read right in every script and lead out of a crisis, through the test
client on the bundled catalogue: district names as the town writes them in other
scripts, checked in districts.yaml; the map link; the quick exit and the town's own
crisis lines. (The browser's side is tests/test_safe_browser.py.)"""

from __future__ import annotations

import re

import pytest

from bot import render
from finder import wording
from finder.web import create_app
from tests.test_content import problems_of


@pytest.fixture(scope="module")
def client(bundled_data):
    app = create_app({"DATA_DIR": str(bundled_data), "TESTING": True})
    return app.test_client()


@pytest.mark.parametrize("lang, name", [("ar", "نوردشتات"), ("fa", "نورداشتات"),
                                        ("ru", "Нордштадт"), ("uk", "Нордштадт"),
                                        ("de", "Nordstadt"), ("tr", "Nordstadt")])
def test_a_district_is_named_in_the_script_of_the_page(client, catalogue, lang, name):
    """One function names districts for the website, the desk, the slip and the bot."""
    assert wording.district_name(catalogue.districts, "nordstadt", lang) == name
    page = client.get(f"/{lang}/search?q=Kita&district=nordstadt").get_data(as_text=True)
    assert f'<option value="nordstadt" selected>{name}</option>' in page
    slip = client.get(f"/de/slip?list=kita-sonnenblume-krippe&family={lang}").get_data(as_text=True)
    assert name in slip and "Nordstadt" in slip  # the German beside it
    _, keyboard = render.district_question(catalogue, lang)
    assert name in [b.text for row in keyboard.inline_keyboard for b in row]


def test_a_district_name_typed_in_another_script_is_understood(catalogue):
    from finder.search import Query
    from tests.conftest import TODAY

    found = catalogue.search(Query(text="روضة نوردشتات", lang="ar"), TODAY)
    assert found.district == "nordstadt"


def test_district_names_in_other_scripts_are_checked(content):
    text = (content.root / "districts.yaml").read_text()
    text = text.replace("    names: {ar: ألتشتات, fa: آلت‌اشتات, ru: Альтштадт, uk: Альтштадт}\n",
                        "    names: {xx: Foo, ar: ''}\n", 1)
    (content.root / "districts.yaml").write_text(text)
    content.offers("Treff")
    found = problems_of(content)
    assert any("districts.yaml" in p and "unsupported language 'xx'" in p for p in found), found
    assert any("districts.yaml" in p and "the ar name of district 'altstadt'" in p
               for p in found), found


def test_the_map_link_is_https_openstreetmap_with_geo_as_the_extra(client):
    page = client.get("/de/offer/hebammensprechstunde-kleine-fuesse").get_data(as_text=True)
    links = re.findall(r'href="((?:geo:|https://www\.openstreetmap\.org/)[^"]*)"', page)
    assert links[0].startswith("https://www.openstreetmap.org/?mlat=")
    assert any(link.startswith("geo:") for link in links)


def test_a_crisis_search_has_the_quick_exit_and_the_town_s_own_lines(client):
    page = client.get("/de/search?q=mein+Mann+schlägt+mich").get_data(as_text=True)
    assert 'data-exit' in page and 'href="https://de.wikipedia.org/"' in page
    assert 'rel="nofollow noreferrer"' in page
    assert 'data-forget-search="/de/search?topic=crisis_protection"' in page
    numbers = re.findall(r'class="call" href="tel:([0-9+]+)"', page)
    assert numbers[:2] == ["110", "112"]
    assert set(numbers[2:4]) == {"+496990009261", "+496990009104"}  # shelter, child protection
    fa = client.get("/fa/emergency").get_data(as_text=True)
    assert 'href="https://fa.wikipedia.org/"' in fa and fa.count("emergency-heading") == 2
    desk = client.get("/de/desk?q=mein+Mann+schlägt+mich").get_data(as_text=True)
    assert "data-exit" not in desk and "data-forget-search" not in desk


def test_the_town_may_choose_the_exit_page_and_it_must_be_https(copy):
    from finder.content import ContentError, load

    town = copy / "town.yaml"
    town.write_text(town.read_text() + "exit_url: https://www.dwd.de/\n")
    assert load(copy).town["exit_url"] == "https://www.dwd.de/"
    town.write_text(town.read_text().replace("https://www.dwd.de/", "javascript:alert(1)"))
    with pytest.raises(ContentError, match="exit_url must be the https address"):
        load(copy)


@pytest.mark.parametrize("lang, shown", [("de", "110"), ("fa", "۱۱۰"), ("ar", "110")])
def test_110_and_112_are_callable_in_the_first_sentence(client, lang, shown):
    """The first sentence of the emergency box names 110 and 112 as links, in the digits
    the translation wrote them in; the emergency page says it once."""
    page = client.get(f"/{lang}/emergency").get_data(as_text=True)
    danger = re.search(r'<p class="danger">(.*?)</p>', page, re.S).group(1)
    assert f'<a class="call-inline" href="tel:110" dir="ltr">{shown}</a>' in danger
    assert 'href="tel:112"' in danger
    assert page.count('class="danger"') == 1
    crisis = client.get(f"/{lang}/search?q=Gewalt").get_data(as_text=True)
    assert crisis.index('class="danger"') < crisis.index('class="helplines"')
