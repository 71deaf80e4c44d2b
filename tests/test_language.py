"""Which language a family writes in (finder.search.language): script and letters first,
then how common the words are in each language, the need vocabulary, and Latin spellings
of Russian and Arabic. Short and ambiguous texts give no answer."""

from __future__ import annotations

import pytest

from finder.search.language import detect

TOWN = ("de", "en", "tr", "ar", "uk", "ru", "fa")


@pytest.mark.parametrize("text,lang", [
    ("زوجي يضربني", "ar"),
    ("أبحث عن روضة أطفال لابني", "ar"),
    ("قابلة", "ar"),
    ("شوهرم مرا کتک می‌زند", "fa"),
    ("دنبال مهدکودک برای پسرم هستم", "fa"),
    ("پزشک کودک", "fa"),
    ("чоловік мене б'є", "uk"),
    ("Мені потрібен дитячий садок для сина", "uk"),
    ("дитячий садок", "uk"),
    ("муж меня бьёт", "ru"),
    ("Мне нужен детский сад для сына", "ru"),
    ("мне нужна Kita", "ru"),
    ("Ich suche eine Hebamme", "de"),
    ("Mein Kind spricht kaum", "de"),
    ("I need a chess club for my 10 year old", "en"),
    ("my child does not talk", "en"),
    ("kocam beni dövüyor", "tr"),
    ("çocuğum konuşmuyor", "tr"),
    ("mne nuzhen logoped dlya syna", "ru"),
])
def test_the_language_written(text, lang, catalogue):
    assert detect(text, TOWN) == lang
    assert catalogue.language_of(text) == lang


@pytest.mark.parametrize("text", [
    "Kita", "Hebamme", "midwife", "ok", "110", "", "   ", "акушерка", "логопед", "سلام",
    "Kita Nordstadt", "Kinderarzt", "🙂", "hallo",
])
def test_short_or_ambiguous_texts_give_no_answer(text, catalogue):
    assert detect(text, TOWN) is None
    assert catalogue.language_of(text) is None


def test_only_the_towns_languages_are_answered():
    assert detect("زوجي يضربني", ("de", "en")) is None
    assert detect("شوهرم مرا کتک می‌زند", ("de", "ar")) is None
    assert detect("муж меня бьёт", ("de", "uk")) is None


def test_leaving_the_readers_language_for_one_of_the_same_script_takes_more():
    # "спасибо" is Russian, but Ukrainians say it too: a Ukrainian chat stays Ukrainian.
    assert detect("спасибо", TOWN, current="de") == "ru"
    assert detect("спасибо", TOWN, current="uk") is None
    assert detect("муж меня бьёт", TOWN, current="uk") == "ru"
    assert detect("مرحبا", TOWN, current="fa") is None


def test_a_district_name_is_no_evidence(catalogue):
    assert catalogue.language_of("Hafen Nordstadt") is None
