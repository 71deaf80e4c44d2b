"""The search knows when it knows: every result says how well it answers (strong, partial,
none), and when nothing fits exactly the website, the desk, the bot and the API say so,
show the town's places that help with any question first and the rest as related offers.
Unmet demand is counted from that fit, in every language."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest

from finder.coordinator import demand, records
from finder.search import Query
from finder.web import create_app
from tests.conftest import TODAY, run_finder, serving

ANSWERED = [
    ("Hebamme", "de"), ("midwife", "en"), ("kreş", "tr"), ("قابلة", "ar"), ("логопед", "ru"),
    ("дитячий садок", "uk"), ("ماما", "fa"), ("Schuldnerberatung", "de"),
    ("homework help", "en"), ("ebe arıyorum", "tr"),
]
"""Needs the catalogue answers, in every language."""
KNOWN_STRONG = pytest.mark.xfail(strict=True, reason=(
    "misjudged as strong since every offer has situations in all languages: the sports "
    "clubs hold 'club', the music offers 'piano' (issue 18, not finished)"))
UNANSWERABLE = [
    ("Reitstunden für meine Tochter", "de"), ("Kinderreisepass beantragen", "de"),
    ("karate club for my son", "en"), ("tax return help", "en"),
    pytest.param("ehliyet almak istiyorum", "tr", marks=KNOWN_STRONG), ("دروس كاراتيه لابني", "ar"),
    ("кружок фигурного катания", "ru"),
    pytest.param("зимовий табір у горах", "uk", marks=KNOWN_STRONG),
    pytest.param("کلاس پیانو برای پسرم", "fa", marks=KNOWN_STRONG),
]
"""Needs the catalogue does not answer: riding, a passport, karate, a tax return, a
driving licence, figure skating, a mountain camp in winter, piano lessons."""


def search(catalogue, text: str, lang: str = "de", **filters):
    return catalogue.search(Query(text=text, lang=lang, **filters), TODAY)


@pytest.mark.parametrize("text,lang", ANSWERED)
def test_an_answered_need_is_strong(catalogue, text, lang):
    results = search(catalogue, text, lang)
    assert results.fit == "strong", [h.id for h in results.hits[:3]]
    assert results.first_contact == ()


@pytest.mark.parametrize("text,lang", UNANSWERABLE)
def test_a_need_the_catalogue_does_not_answer_is_not_strong(catalogue, text, lang):
    results = search(catalogue, text, lang)
    assert results.fit in ("partial", "none"), [h.id for h in results.hits[:3]]
    # The places that help with any question come first, and never twice.
    assert results.first_contact
    assert all(h.offer.first_contact for h in results.first_contact)
    assert not {h.id for h in results.first_contact} & {h.id for h in results.hits}


@pytest.mark.parametrize("text,lang", [
    ("fencing club for my daughter", "en"), ("oğlum için tenis kulübü", "tr"),
    ("نادي تنس لبنتي", "ar"),
])
def test_a_kind_of_activity_no_offer_holds_is_not_strong(catalogue, text, lang):
    # Fencing and tennis are sport, and the sports clubs answer "sport" and "club" well;
    # none of them says fencing or tennis, so none answers the family's word.
    results = search(catalogue, text, lang)
    assert results.fit != "strong", [h.id for h in results.hits[:3]]


@pytest.mark.parametrize("text,lang", [
    ("Hebamme die Farsi spricht", "de"), ("midwife who speaks farsi", "en"),
    ("акушерка которая говорит на фарси", "ru"),
])
def test_a_language_the_family_speaks_and_no_answer_speaks_is_not_strong(catalogue, text, lang):
    # The midwives are the related offers; the exact answer would speak Persian.
    results = search(catalogue, text, lang)
    assert results.hits and results.hits[0].id.startswith(("hebamme", "wochenbett")), \
        [h.id for h in results.hits[:3]]
    assert "fa" not in results.hits[0].offer.languages
    assert results.fit == "partial"


@pytest.mark.parametrize("text,lang", [
    ("wir haben schulden und außerdem braucht mein sohn hilfe bei den hausaufgaben", "de"),
    ("çok borcumuz var ayrıca oğlumun ödevlerine yardım lazım", "tr"),
    ("у нас большие долги и ещё сыну нужна помощь с домашним заданием", "ru"),
    ("we have a lot of debts and also my son needs help with homework", "en"),
])
def test_needs_told_apart_are_answered_by_the_first_offers_together(catalogue, text, lang):
    # Debts and homework are two needs; no one offer answers both, the first ones do.
    results = search(catalogue, text, lang)
    assert results.fit == "strong", [h.id for h in results.hits[:3]]


def test_without_words_a_search_is_strong_when_its_filters_matched(catalogue):
    assert catalogue.search(Query(topics=("childcare",)), TODAY).fit == "strong"
    # Nothing for the exact filters: what is shown came from relaxing them.
    relaxed = catalogue.search(Query(district="bergfeld", topics=("pregnancy_birth",),
                                     ages_months=(36,), wheelchair=True), TODAY)
    assert relaxed.relaxed and relaxed.fit == "partial"


def test_words_that_find_nothing_are_none(catalogue):
    results = search(catalogue, "Hausboot Zeppelinrundflug")
    assert results.relaxed[0] == "no_words" and results.fit == "none"


def test_the_family_office_comes_first_where_nothing_relates(catalogue):
    results = search(catalogue, "tax return help", "en")
    ids = [h.id for h in results.first_contact]
    assert "familienbuero" in ids and len(ids) <= 3


def test_first_contact_places_in_the_familys_district_first(catalogue):
    # The Weststadt's own open social advice before the places of other districts.
    results = search(catalogue, "Reitstunden für meine Tochter", district="weststadt")
    first = results.first_contact
    assert first[0].why in ("district", "citywide"), [(h.id, h.why) for h in first]
    assert "sozialberatung-weststadt" in [h.id for h in first]


def test_the_cli_prints_the_fit(bundled_data):
    result = run_finder("search", "Reitstunden", "--json", "--data-dir", str(bundled_data))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["fit"] in ("partial", "none") and data["first_contact"]
    assert json.loads(run_finder("search", "Hebamme", "--json", "--data-dir",
                                 str(bundled_data)).stdout)["fit"] == "strong"


# --- the honest page -------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(bundled_data):
    return create_app({"DATA_DIR": str(bundled_data), "TESTING": True}).test_client()


NO_FIT = {"de": "Kein Angebot passt genau", "en": "No offer matches exactly",
          "tr": "Tam olarak uyan bir hizmet yok", "ar": "لا يوجد عرض يطابق طلبكم تماماً",
          "uk": "Немає пропозиції, яка точно підходить",
          "ru": "Нет предложения, которое точно подходит", "fa": "هیچ خدمتی دقیقاً جور نیست"}


@pytest.mark.parametrize("text,lang", UNANSWERABLE)
def test_the_website_says_that_nothing_fits_exactly(client, catalogue, text, lang):
    html = client.get(f"/{lang}/search", query_string={"q": text}).get_data(as_text=True)
    results = search(catalogue, text, lang)
    assert NO_FIT[lang] in html
    # The places that help with any question, with their phone, before the related offers.
    first = html.index('class="first-contact"')
    for hit in results.first_contact:
        assert html.index(f'id="first-{hit.id}"') > first
        assert f'href="tel:{hit.offer.phones[0].replace(" ", "")}"' in html
    if results.hits:
        assert html.index('class="related-heading"') > html.index(f'id="first-{hit.id}"')
        assert html.index('class="hits related"') > html.index('class="related-heading"')
    # Never a count of offers "found" as if they were answers.
    assert "Angebote gefunden" not in html


def test_the_htmx_fragment_is_as_honest_as_the_page(client):
    fragment = client.get("/de/search?q=Reitstunden", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and "Kein Angebot passt genau" in html
    assert 'class="first-contact"' in html and "familienbuero" in html


def test_an_answered_search_shows_no_no_fit_note(client):
    html = client.get("/en/search?q=midwife").get_data(as_text=True)
    assert "No offer matches exactly" not in html and 'class="first-contact"' not in html
    assert re.search(r"\d+ offers? found", html)


def test_the_desk_says_so_and_lists_first_contacts_to_put_on_the_list(client):
    html = client.get("/de/desk?q=Reitstunden").get_data(as_text=True)
    assert "Kein Angebot passt genau" in html and "Erste Anlaufstellen" in html
    first = html.index('class="desk-hits first-contact"')
    assert html.index('id="hit-familienbuero"') > first
    assert 'id="pick-familienbuero"' in html
    # Each offer once: first contacts are not repeated among the related offers.
    assert len(re.findall(r'id="hit-([a-z0-9-]+)"', html)) == \
        len(set(re.findall(r'id="hit-([a-z0-9-]+)"', html)))


def test_the_api_returns_the_fit_and_the_first_contacts(bundled_data):
    with serving(bundled_data, "--workers", "1") as base:
        with urlopen(f"{base}/api/v1/services?q=tax+return+help&lang=en", timeout=30) as answer:
            body = json.loads(answer.read())
        with urlopen(f"{base}/api/v1/services?q=midwife&lang=en", timeout=30) as answer:
            answered = json.loads(answer.read())
        with urlopen(f"{base}/api/v1/openapi.json", timeout=30) as answer:
            document = json.loads(answer.read())
    assert body["fit"] in ("partial", "none")
    assert [s["name"] for s in body["first_contact"]]
    assert not {s["id"] for s in body["first_contact"]} & {s["id"] for s in body["contents"]}
    assert answered["fit"] == "strong" and answered["first_contact"] == []
    listed = document["paths"]["/services"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]["properties"]
    assert listed["fit"]["enum"] == ["strong", "partial", "none"]
    assert listed["first_contact"]["items"] == {"$ref": "#/components/schemas/ServiceListItem"}


# --- the bot ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bot(bundled_data, tmp_path_factory):
    from tests.test_bot import Running

    running = Running(bundled_data, tmp_path_factory.mktemp("chats") / "chats.db")
    yield running
    running.stop()


def test_the_bot_says_that_nothing_fits_and_gives_the_family_office_as_buttons(bot):
    from tests.test_bot import buttons, press, say

    bot.standin.message(5101, "/language")
    reply = say(bot, 5102, "tax return help", lang="en")
    text = reply["params"]["text"]
    assert "No offer matches exactly" in text
    assert "+49 69 90009 106" in text          # the family office's phone, in the message too
    data = [b["callback_data"] for b in buttons(reply)]
    assert "n:familienbuero" in data and "z:familienbuero" in data
    # The phone as a contact card: one tap calls.
    card = press(bot, 5102, "n:familienbuero", lang="en", method="sendContact")
    assert card["params"]["phone_number"] == "+49 69 90009 106"
    assert card["params"]["first_name"]
    # The hours at once, over the chat.
    hours = press(bot, 5102, "z:familienbuero", lang="en", method="answerCallbackQuery")
    assert hours["params"]["show_alert"] in (True, "true", "True")
    assert "08:30" in hours["params"]["text"]


def test_the_bot_shows_no_such_note_when_the_need_is_answered(bot):
    from tests.test_bot import buttons, say

    reply = say(bot, 5103, "Hebamme")
    assert "Kein Angebot passt genau" not in reply["params"]["text"]
    assert not [b for b in buttons(reply) if b["callback_data"].startswith(("n:", "z:"))]


# --- unmet demand from the fit -----------------------------------------------------------

def demand_rows(data_dir):
    conn = sqlite3.connect(records.path(data_dir))
    try:
        return [(text, json.loads(filters), count) for text, filters, count in conn.execute(
            "SELECT text, filters, count FROM demand ORDER BY text")]
    finally:
        conn.close()


@pytest.fixture
def fresh_data(bundled_data, tmp_path):
    """The bundled build in a data folder of its own: its own coordinator records."""
    target = tmp_path / "data"
    shutil.copytree(bundled_data, target, symlinks=True)
    records.path(target).unlink(missing_ok=True)
    return target


PARTIAL_AR = "دروس كاراتيه لابني"
"""Karate lessons for my son, in Arabic: sports clubs are related, none teaches karate."""


def test_a_non_german_partial_search_on_the_real_website_is_counted(fresh_data, catalogue):
    assert search(catalogue, PARTIAL_AR, "ar").fit == "partial"
    assert search(catalogue, "kreş", "tr").fit == "strong"
    with serving(fresh_data, "--workers", "1") as base:
        for _ in range(2):
            urlopen(f"{base}/ar/search?{urlencode({'q': PARTIAL_AR})}", timeout=30).read()
        urlopen(f"{base}/tr/search?{urlencode({'q': 'kreş'})}", timeout=30).read()
    rows = demand_rows(fresh_data)
    assert rows == [(demand.normalise(PARTIAL_AR), {"fit": "partial", "lang": "ar",
                                                    "needs": ["sport"]}, 2)]


def test_a_non_german_partial_search_in_the_real_bot_is_counted(fresh_data, tmp_path):
    from tests.test_bot import Running, say

    running = Running(fresh_data, tmp_path / "chats.db")
    try:
        say(running, 5201, PARTIAL_AR, lang="ar")
        say(running, 5202, "kreş", lang="tr")
    finally:
        running.stop()
    rows = demand_rows(fresh_data)
    assert [(text, kept["fit"], kept["lang"]) for text, kept, _ in rows] == [
        (demand.normalise(PARTIAL_AR), "partial", "ar")]
    assert not any(str(chat) in json.dumps(rows) for chat in (5201, 5202))


def test_the_coordinator_sees_unmet_demand_by_language_and_by_need(fresh_data, catalogue):
    for _ in range(5):
        query = Query(text=PARTIAL_AR, lang="ar")
        demand.record(query, catalogue.search(query, TODAY), TODAY, fresh_data)
    query = Query(text="tax return help", lang="en")
    demand.record(query, catalogue.search(query, TODAY), TODAY, fresh_data)
    found = demand.summary(fresh_data)
    assert [(n.text, n.fit, n.needs_read, n.lang) for n in found.needs] == [
        (demand.normalise(PARTIAL_AR), "partial", ("sport",), "ar")]
    assert found.by_language["ar"]["partial"] == 5
    assert found.by_language["en"][search(catalogue, "tax return help", "en").fit] == 1
