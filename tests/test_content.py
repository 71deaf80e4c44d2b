"""The catalogue's content files: validation with file and line, and the bundled catalogue."""

from __future__ import annotations

import re

import pytest

from finder.content import ContentError, load
from tests.conftest import BUNDLED, OFFER, PROVIDER, run_finder


def problems_of(content) -> list[str]:
    with pytest.raises(ContentError) as error:
        load(content.root)
    return [str(p) for p in error.value.problems]


def test_bundled_catalogue_passes_check():
    result = run_finder("check", "--content", str(BUNDLED))
    assert result.returncode == 0, result.stderr
    counts = re.search(r"ok: (\d+) offers from (\d+) providers in (\d+) districts", result.stdout)
    assert counts, result.stdout
    offers, providers, districts = map(int, counts.groups())
    assert offers >= 200 and providers >= 60 and 8 <= districts <= 12


def test_bundled_catalogue_has_the_promised_variety():
    loaded = load(BUNDLED)
    offers = loaded.offers
    assert sum(1 for o in offers if o["valid_to"] and o["valid_to"] < "2026-11-01") >= 3
    assert sum(1 for o in offers if o["assured_date"] < "2025-11-01") >= 3
    assert sum(1 for o in offers if o["attending_type"] == "online") >= 3
    assert sum(1 for o in offers if "citywide" in o["service_areas"]) >= 10
    newcomer_topics = {"migration_language", "pregnancy_birth", "money_benefits"}
    translated = [o for o in offers if newcomer_topics & set(o["topics"])
                  and all(lang in o["translations"] for lang in ("en", "tr", "ar", "uk"))]
    assert len(translated) >= 10
    # Every life phase and every topic has offers.
    for key in ("phases", "topics"):
        used = {value for o in offers for value in o[key]}
        assert used == set(loaded.vocabulary[key]), key
    # No two offers share a description: the texts are written, not templated.
    descriptions = [o["description"] for o in offers]
    assert len(set(descriptions)) == len(descriptions)


def test_contact_data_comes_from_reserved_ranges():
    for offer in load(BUNDLED).offers:
        for phone in offer["phones"]:
            assert phone.startswith("+49 69 90009 "), phone
        if offer["email"]:
            assert offer["email"].endswith((".example.org", "@example.org")), offer["email"]
        if offer["url"]:
            assert ".example.org" in offer["url"], offer["url"]


def test_opening_hours_stay_text_not_sexagesimal_numbers(content):
    content.provider(PROVIDER + OFFER.format(id="a", name="Treff") + """\
    schedules:
      - {byday: [MO], opens_at: 9:30, closes_at: 14:30}
""")
    offer = load(content.root).offers[0]
    assert offer["schedules"][0]["opens_at"] == "09:30"
    assert offer["schedules"][0]["closes_at"] == "14:30"


BROKEN = [
    # (what is wrong, the offer's extra YAML lines, expected message, line within the file)
    ("unknown topic", "    topics: [meeting_places, astrology]\n", "unknown topic 'astrology'", 18),
    ("unknown district", "    locations:\n      - {address_1: Weg 1, district: atlantis, "
     "latitude: 51.7, longitude: 9.8}\n", "unknown district 'atlantis'", 19),
    ("impossible ages", "    min_age_months: 60\n    max_age_months: 12\n",
     "impossible age range", 18),
    ("age out of range", "    max_age_months: 900\n", "must be a whole number of months", 18),
    ("bad phone", "    phones: [\"call me maybe\"]\n", "malformed phone number", 18),
    ("bad e-mail", "    email: someone-at-example\n", "malformed e-mail address", 18),
    ("bad URL", "    url: www.example.org\n", "malformed URL", 18),
    ("bad weekday", "    schedules:\n      - {byday: [XX], opens_at: \"09:00\", closes_at: \"10:00\"}\n",
     "byday", 19),
    ("closing before opening", "    schedules:\n      - {byday: [MO], opens_at: \"11:00\", "
     "closes_at: \"10:00\"}\n", "before it opens", 19),
    ("bad time", "    schedules:\n      - {byday: [MO], opens_at: \"25:00\", closes_at: \"26:00\"}\n",
     "must be a time like 09:30", 19),
    ("unsupported translation", "    translations:\n      xx: {name: Foo}\n",
     "unsupported language 'xx'", 19),
    ("unknown field", "    colour: blue\n", "unknown field 'colour'", 18),
]


@pytest.mark.parametrize("what,extra,message,line", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_problem_names_file_and_line(content, what, extra, message, line):
    # The offer block starts at line 11 of the file; OFFER has 7 lines, so extra
    # lines start at 18. Keys given twice are replaced by the later one.
    offer = OFFER.format(id="broken", name="Kaputt")
    if extra.lstrip().startswith("topics:"):
        offer = offer.replace("    topics: [meeting_places]\n", "")
        line -= 1
    content.provider(PROVIDER + offer + extra)
    found = problems_of(content)
    assert any(f"providers/test-provider.yaml:{line}:" in p and message in p for p in found), found


def test_missing_german_text_is_reported(content):
    content.provider(PROVIDER + """\
  - id: no-summary
    name: Ohne Zusammenfassung
    description: Text.
    topics: [health]
    free: true
""")
    assert any("test-provider.yaml:11:" in p and "no German 'summary'" in p
               for p in problems_of(content))


def test_duplicate_ids_across_files(content):
    content.offers("Erstes")
    content.provider(PROVIDER.replace("test-provider", "other-provider")
                     + OFFER.format(id="offer-0", name="Doppelt"), name="other.yaml")
    found = problems_of(content)
    assert any("duplicate offer id 'offer-0'" in p and "providers/test-provider.yaml" in p
               for p in found), found


def test_unknown_provider_reference_in_district_neighbours(content):
    text = (content.root / "districts.yaml").read_text()
    (content.root / "districts.yaml").write_text(
        text.replace("neighbours: [nordstadt, bergfeld]", "neighbours: [nordstadt, mars]"))
    content.offers("Treff")
    assert any("districts.yaml" in p and "unknown neighbour 'mars'" in p
               for p in problems_of(content))


def test_yaml_syntax_error_names_its_line(content):
    content.provider(PROVIDER + OFFER.format(id="a", name="Treff") + "    topics: [oops\n")
    found = problems_of(content)
    assert any(re.search(r"test-provider\.yaml:1[89]: not valid YAML", p) for p in found), found


def test_every_problem_is_reported_at_once(content):
    content.provider(PROVIDER + OFFER.format(id="a", name="Treff")
                     + "    email: nope\n    url: nope\n    phones: [\"x\"]\n")
    found = problems_of(content)
    assert len(found) == 3, found


def test_check_command_exits_non_zero_with_messages(content):
    content.provider(PROVIDER + OFFER.format(id="a", name="Treff") + "    email: nope\n")
    result = run_finder("check", "--content", str(content.root))
    assert result.returncode == 1
    assert "providers/test-provider.yaml:18: malformed e-mail address 'nope'" in result.stderr


NEWCOMER_TOPICS = {"pregnancy_birth", "early_help", "money_benefits", "migration_language",
                   "crisis_protection", "childcare", "health"}


def test_the_catalogue_is_translated_into_every_language():
    """Issue 9's floor: titles, summaries, costs, registration and accessibility texts in
    every language; full descriptions for the topics newcomers need first and for at least
    60 % of all offers; every translation file says who translated it."""
    from finder.content import coverage, load
    from finder.model import LANGUAGES as UI_LANGUAGES

    content = load(BUNDLED)
    table = dict(coverage(content))
    for lang in UI_LANGUAGES[1:]:
        for field in ("offer.name", "offer.summary", "offer.fees_description",
                      "offer.application_process", "provider.accessibility"):
            done, total = table[lang][field]
            assert done == total, (lang, field, done, total)
        done, total = table[lang]["offer.description"]
        assert done >= 0.6 * total, (lang, done, total)
        for offer in content.offers:
            if NEWCOMER_TOPICS & set(offer["topics"]):
                assert offer["translations"].get(lang, {}).get("description"), (lang, offer["id"])
        assert all(o["translated_by"].get(lang) for o in content.offers), lang


def test_a_translation_file_with_an_unknown_offer_names_its_line(tmp_path):
    import shutil

    from finder.content import ContentError, load

    content = tmp_path / "content"
    shutil.copytree(BUNDLED, content)
    path = content / "translations" / "en.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "\noffers:\n", "\noffers:\n  no-such-offer:\n    name: Nothing\n", 1), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load(content)
    assert any(p.file.endswith("translations/en.yaml") and "no-such-offer" in p.message
               for p in error.value.problems), error.value.problems


def test_a_duplicate_key_is_reported_with_its_line(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(BUNDLED, content)
    path = content / "providers" / "vhs.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("district:"))
    lines.insert(at + 1, "district: nordstadt")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load(content)
    problem = error.value.problems[0]
    assert problem.file.endswith("providers/vhs.yaml") and problem.line == at + 2
    assert "duplicate key 'district'" in problem.message


# --- places without coordinates (issue 21) ------------------------------------------------

UNLOCATED = """\
id: test-provider
name: Testträger
phones: ["+49 69 90009 999"]
address_1: Kaistraße 9
postal_code: "{code}"
offers:
"""


def test_a_place_without_coordinates_takes_its_district_from_its_postal_code(content, tmp_path):
    content.provider(UNLOCATED.format(code="37588") + OFFER.format(id="treff", name="Treff"))
    loaded = load(content.root)
    provider = loaded.providers[0]
    assert provider["location"]["district"] == "hafen"
    assert provider["location"]["latitude"] is None and provider["location"]["longitude"] is None
    assert loaded.offers[0]["service_areas"] == ["hafen"]
    result = run_finder("check", "--content", str(content.root))
    assert result.returncode == 0, result.stderr
    assert "1 place(s) without coordinates, shown without a map pin" in result.stdout
    assert "providers/test-provider.yaml: provider 'test-provider': Kaistraße 9, 37588 (hafen) " \
           "(place of 1 offers)" in result.stdout

    from finder.catalogue.build import build
    from finder.web import create_app

    data = tmp_path / "data"
    build(content.root, data)
    client = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()
    html = client.get("/de/offer/treff").get_data(as_text=True)
    assert "Kaistraße 9" in html and "Hafen" in html
    assert "geo:" not in html and "openstreetmap" not in html.casefold()
    page = client.get("/de/provider/test-provider").get_data(as_text=True)
    assert "Kaistraße 9" in page and "geo:" not in page


def test_a_place_whose_district_cannot_be_found_says_what_to_write(content):
    text = (content.root / "districts.yaml").read_text()
    (content.root / "districts.yaml").write_text(
        text.replace('postal_codes: ["37581"]', 'postal_codes: ["37581", "37588"]'))
    content.provider(UNLOCATED.format(code="37588") + OFFER.format(id="treff", name="Treff"))
    found = problems_of(content)
    assert any("postal code '37588' lies in altstadt and hafen: write district:" in p
               for p in found), found
    content.provider(UNLOCATED.format(code="99999") + OFFER.format(id="treff", name="Treff"))
    found = problems_of(content)
    assert any("no district lists its postal code '99999' in districts.yaml" in p for p in found)
    assert not any("None" in p for p in found), found


def test_postal_codes_in_districts_yaml_are_checked(content):
    text = (content.root / "districts.yaml").read_text()
    (content.root / "districts.yaml").write_text(
        text.replace('postal_codes: ["37581"]', 'postal_codes: [3758, "3758x", "37581", "37581"]'))
    content.offers("Treff")
    found = problems_of(content)
    for message in ("postal code 3758 of district 'altstadt' must be five digits",
                    "postal code '3758x' of district 'altstadt' must be five digits",
                    "postal code '37581' is listed twice for district 'altstadt'"):
        assert any("districts.yaml" in p and message in p for p in found), (message, found)


def test_half_a_coordinate_is_a_problem(content):
    content.provider(UNLOCATED.format(code="37588").replace("offers:", "latitude: 51.7\noffers:")
                     + OFFER.format(id="treff", name="Treff"))
    assert any("latitude and longitude go together" in p for p in problems_of(content))


def test_a_place_at_its_providers_address_takes_the_providers_coordinates(content):
    content.provider(PROVIDER + OFFER.format(id="treff", name="Treff") + """\
    locations:
      - {address_1: Teststraße  1, postal_code: "37581"}
""" + OFFER.format(id="anderswo", name="Anderswo") + """\
    locations:
      - {address_1: Kaistraße 9, postal_code: "37588"}
""")
    offers = {o["id"]: o for o in load(content.root).offers}
    assert (offers["treff"]["locations"][0]["latitude"], offers["treff"]["locations"][0]["longitude"]) \
        == (51.7, 9.8)
    assert offers["treff"]["locations"][0]["district"] == "altstadt"
    assert offers["anderswo"]["locations"][0]["latitude"] is None
    assert offers["anderswo"]["locations"][0]["district"] == "hafen"
