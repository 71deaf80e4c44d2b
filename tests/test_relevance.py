"""What families judge the search by: the first results answer the need.

One test per kind of failure the search had (issue 8): everyday words pushing the
need aside, needs told in sentences, inflected forms, the district outranking
relevance, alphabetical order, parents' offers hidden by the child's age, crisis
searches without the emergency numbers, and suggestions that turn a right word
into a wrong one. The relevance benchmark (bench/relevance.py) measures the same
on hundreds of queries; its floor is held in test_relevance_floor below.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from finder.search import Query
from finder.web import create_app
from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parent.parent
MIDWIFE = {"hebammenvermittlung", "hebammensprechstunde-kleine-fuesse", "familienhebammen",
           "hebammensprechstunde-hafen", "wochenbettbetreuung-weststadt", "babylotsin"}
SPEECH = {"sprachtherapie-kinder", "fruehfoerderung", "offene-entwicklungsberatung",
          "sprechstunde-entwicklung", "spz-entwicklungsdiagnostik"}
VIOLENCE = {"frauenhaus-schutz", "frauenberatung-gewalt"}
CHILDCARE = {"kita-anmeldung-servicestelle", "kita-pusteblume", "kita-hafenkinder-plaetze",
             "kita-arche", "kita-sonnenblume-krippe", "kita-bergfeld-kindergarten",
             "tagespflege-vermittlung", "kita-schillerpark"}


@pytest.fixture(scope="module")
def client(bundled_data):
    return create_app({"DATA_DIR": str(bundled_data), "TESTING": True}).test_client()


def top(catalogue, text: str, lang: str = "de", n: int = 3, **filters) -> list[str]:
    results = catalogue.search(Query(text=text, lang=lang, page_size=n, **filters), TODAY)
    return [h.id for h in results.hits]


@pytest.mark.parametrize("text,lang", [
    ("hebamme für die zeit nach der geburt", "de"),
    ("ich suche dringend eine hebamme für die zeit nach der geburt", "de"),
    ("Hebamme am Vormittag bitte dringend", "de"),
    ("looking for a midwife for my kids please", "en"),
])
def test_everyday_words_do_not_push_the_need_aside(catalogue, text, lang):
    found = top(catalogue, text, lang)
    assert found and set(found) <= MIDWIFE, found


@pytest.mark.parametrize("text,lang", [
    ("mein sohn ist drei und spricht noch kaum", "de"),
    pytest.param("my son is three and hardly talks", "en", marks=pytest.mark.xfail(
        strict=True, reason="the parents' evening on speech development comes first (issue 18)")),
    ("oğlum üç yaşında ve hâlâ konuşmuyor", "tr"),
    ("ابني عمره ثلاث سنوات ولا يتكلم", "ar"),
    ("моему сыну три года и он почти не говорит", "ru"),
    ("мій син має три роки і майже не розмовляє", "uk"),
    ("پسرم سه سالش است و هنوز حرف نمی‌زند", "fa"),
])
def test_a_need_told_in_a_sentence_without_its_name(catalogue, text, lang):
    found = top(catalogue, text, lang)
    assert found and found[0] in SPEECH, found


@pytest.mark.parametrize("text,lang", [
    ("mein Mann schlägt mich und ich habe Angst", "de"),
    ("my husband hits me", "en"),
    ("kocam beni dövüyor", "tr"),
    ("زوجي يضربني", "ar"),
    ("муж меня бьёт", "ru"),
    ("чоловік мене б'є", "uk"),
    ("شوهرم مرا کتک می‌زند", "fa"),
])
def test_violence_told_in_a_sentence_finds_the_shelter_and_the_emergency_numbers(
        catalogue, text, lang):
    results = catalogue.search(Query(text=text, lang=lang, page_size=3), TODAY)
    assert results.emergency
    assert set(h.id for h in results.hits[:2]) & VIOLENCE, [h.id for h in results.hits]


@pytest.mark.parametrize("text,lang,expected", [
    # Forms that are not in the vocabulary as written: cases, plurals, suffixes.
    ("kreşler", "tr", CHILDCARE),
    ("kreşe kayıt", "tr", CHILDCARE),
    ("ebeler", "tr", MIDWIFE),
    ("логопеду", "ru", SPEECH),
    ("в детском саду", "ru", CHILDCARE),
    ("логопеда для дитини", "uk", SPEECH),
    ("дитячого садка", "uk", CHILDCARE),
    ("بالحضانات", "ar", CHILDCARE),
    ("للقابلات", "ar", MIDWIFE),
])
def test_inflected_forms_reach_the_offers(catalogue, text, lang, expected):
    found = top(catalogue, text, lang)
    assert found and found[0] in expected, found


def test_the_own_district_does_not_outrank_a_better_answer(catalogue):
    # A language course from Ostend: the integration course and the literacy course
    # (next door in the Altstadt) come before weaker matches in Ostend itself.
    results = catalogue.search(Query(text="Deutschkurs", district="ostend", page_size=4), TODAY)
    found = [h.id for h in results.hits]
    assert "computerkurs-eltern-ostend" not in found[:3], found
    assert {"integrationskurs-kinderbetreuung", "alphabetisierungskurs"} & set(found[:3]), found


OWN_KITA_WORDS = [("Kita", "de"), ("Kindergarten", "de"), ("kindergarten", "en"),
                  ("daycare place", "en"), ("حضانة", "ar"), ("روضة", "ar"), ("kreş", "tr"),
                  ("مهدکودک", "fa"), ("детский сад", "ru")]


@pytest.mark.parametrize("district", ["altstadt", "nordstadt", "suedstadt", "weststadt",
                                      "lindenhof", "bergfeld", "hafen", "talwiesen", "kirchdorf"])
def test_the_own_districts_kita_is_not_buried_under_other_districts_kitas(catalogue, district):
    # The Kita in the family's district answers "Kita" a little less well than one
    # across town (its texts say less): it still comes before every Kita elsewhere.
    def kita_in(offer, where: bool) -> bool:
        return (offer.topics[0] == "childcare" and "citywide" not in offer.service_areas
                and (district in offer.districts) == where)

    buried = []
    for text, lang in OWN_KITA_WORDS:
        results = catalogue.search(Query(text=text, lang=lang, district=district,
                                         page_size=20), TODAY)
        offers = [h.offer for h in results.hits]
        own = [i for i, o in enumerate(offers) if kita_in(o, True)]
        other = [i for i, o in enumerate(offers) if kita_in(o, False)]
        assert own, (text, [o.id for o in offers])
        if other and other[0] < own[0]:
            buried.append((text, lang, [o.id for o in offers[:own[0] + 1]]))
    assert not buried, buried


def test_without_words_the_order_is_fit_not_the_alphabet(catalogue):
    results = catalogue.search(Query(topics=("crisis_protection",), page_size=10), TODAY)
    ids = [h.id for h in results.hits]
    assert ids != sorted(ids)
    # Offers whose main topic is the one asked for come first.
    main = [h.topics[0] == "crisis_protection" for h in results.hits]
    assert main == sorted(main, reverse=True), ids
    assert "frauenhaus-schutz" in ids[:5], ids


def test_a_money_question_in_arabic_lists_housing_benefit_on_the_first_page(catalogue):
    found = top(catalogue, "مساعدة في دفع الإيجار", "ar", n=5)
    assert "wohngeld-beratung" in found, found


def test_offers_for_parents_are_not_hidden_by_the_childs_age(catalogue):
    # A newly arrived mother of a 7-year-old: the German courses for adults fit.
    found = top(catalogue, "Deutschkurs", n=6, ages_months=(7 * 12,))
    assert {"alphabetisierungskurs", "sprachcafe-bibliothek"} & set(found), found
    offer = catalogue.offer("sprachcafe-bibliothek")
    assert offer.audience == "parents"
    # An offer for children still respects the child's age.
    assert "babyschwimmen" not in top(catalogue, "Schwimmkurs", n=10, ages_months=(7 * 12,))


@pytest.mark.parametrize("text", [
    "gift for a newborn", "Kinderkleider", "kreş", "Schule", "fruhforderung", "nursery",
    "homework help", "Elterncafe", "Ausbildung", "Hebammen",
])
def test_right_words_get_no_suggestion(catalogue, text):
    lang = "en" if text in ("gift for a newborn", "nursery", "homework help") else "de"
    assert catalogue.search(Query(text=text, lang=lang), TODAY).suggestion is None


def test_an_english_word_does_not_match_a_german_false_friend(catalogue):
    reading = catalogue.engine.read("gift for a newborn", "en")
    assert all("gift" not in unit.german for unit in reading.units)


@pytest.mark.parametrize("text,suggestion", [
    ("Kinderartz", "kinderarzt"),
    ("Hebamne", "hebamme"),
])
def test_a_typo_gets_a_suggestion_that_helps(catalogue, text, suggestion):
    results = catalogue.search(Query(text=text, page_size=3), TODAY)
    assert results.suggestion == suggestion
    assert results.hits


CRISIS_WORDS = {
    "de": "Gewalt", "en": "violence", "tr": "şiddet", "ar": "عنف", "uk": "насильство",
    "ru": "насилие", "fa": "خشونت",
}


@pytest.mark.parametrize("lang,word", sorted(CRISIS_WORDS.items()))
def test_crisis_words_show_the_emergency_numbers_on_the_website(client, lang, word):
    html = client.get(f"/{lang}/search", query_string={"q": word}).get_data(as_text=True)
    assert 'class="emergency"' in html
    for number in ("110", "112", "116 016", "116 111", "0800 111 0 550", "0800 111 0 111"):
        assert number in html
    # Suicidal thoughts too, and every page links to the numbers.
    assert f'href="/{lang}/emergency"' in client.get(f"/{lang}/").get_data(as_text=True)


def test_the_emergency_page_lists_every_number_in_the_readers_language(client):
    html = client.get("/uk/emergency").get_data(as_text=True)
    assert "Поліція" in html and "116 016" in html and 'href="tel:08001110111"' in html


def test_no_emergency_box_for_an_ordinary_search(client):
    assert 'class="emergency"' not in client.get("/de/search?q=Kita").get_data(as_text=True)


@pytest.mark.parametrize("text,lang", [
    ("ich will nicht mehr leben", "de"), ("I want to kill myself", "en"),
    ("kendimi öldürmek istiyorum", "tr"), ("أريد أن أنتحر", "ar"),
])
def test_suicidal_thoughts_are_an_emergency(catalogue, text, lang):
    assert catalogue.search(Query(text=text, lang=lang), TODAY).emergency


# What the relevance benchmark measured when these floors were set (success@3 %,
# precision@1 %, nDCG@5), each floor a little under it: a real step back fails the suite,
# noise does not. The holdout is never tuned on; its floor predicts queries nobody saw.
FLOORS = {
    "set main": (95, 83, 0.75),
    "set holdout": (75, 58, 0.56),
    "set new": (85, 68, 0.67),
    "set blind-holdout": (83, 65, 0.63),
    "set c": (89, 71, 0.70),
    "set d-holdout": (80, 63, 0.64),
    "kind sentence": (84, 65, 0.59),
    "kind other language": (87, 70, 0.67),
    "lang de": (90, 79, 0.72),
    "lang en": (77, 66, 0.65),
    "lang tr": (89, 73, 0.70),
    "lang ar": (80, 61, 0.58),
    "lang uk": (91, 73, 0.68),
    "lang ru": (88, 63, 0.65),
    "lang fa": (91, 75, 0.66),
}
"""Per group: success@3 and precision@1 (per cent) and nDCG@5 of answered needs, as measured
on main after the search-fit work (bench/relevance.py, 2026-12-05, all sets including the
blind holdout) less about one query's worth, so that a change that loses answers fails
here; set c (writer C's, issue 18) as measured on fit-general, set d-holdout (writer D's,
written beside C and never tuned on) as measured on main after merging fit-general. The holdouts' floors only
guard against losing ground: nobody tunes on them."""
FIT_FLOORS = {"all": (73, 70), "set main": (82, None), "set new": (65, 73),
              "set blind-holdout": (64, 63), "set c": (75, 61), "set d-holdout": (74, 71)}
"""Per group: fit strong for answered needs, and not strong for needs the catalogue does not
answer (per cent), measured the same way. The issue's targets (85 % and 90 %) are not reached."""


LATER_SETS = ("c", "d-holdout")
"""Sets added after the floors above were measured: their own floors only, so that the
groups over all sets (all, lang de …) keep meaning what they were measured on."""


@pytest.fixture(scope="module")
def figures(catalogue):
    """The relevance benchmark's figures (bench/relevance.py), on every set."""
    sys.path.insert(0, str(ROOT))
    from bench.relevance import evaluate, summary

    _, groups = evaluate(catalogue, "all", TODAY, leave_out=LATER_SETS)
    found = summary(groups)
    for name in LATER_SETS:
        _, later = evaluate(catalogue, name, TODAY)
        found[f"set {name}"] = summary(later)[f"set {name}"]
    return found


@pytest.mark.parametrize("group", sorted(FLOORS))
def test_relevance_floor(figures, group):
    found = figures[group]
    success, precision, ndcg = FLOORS[group]
    assert found["success3"] >= success, found
    assert found["precision1"] >= precision, found
    assert found["ndcg5"] >= ndcg, found


@pytest.mark.parametrize("group", sorted(FIT_FLOORS))
def test_fit_floor(figures, group):
    found = figures[group]
    strong, not_strong = FIT_FLOORS[group]
    assert found["strong"] >= strong, found
    if not_strong is not None:
        assert found["not_strong"] >= not_strong, found
