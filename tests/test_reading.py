"""How the search reads a family's text: ages and districts as hints in every language, and
who is asking. Unit tests of the reading (finder.search.needs, finder.search.ages), through
the reading of a real build, as the search does it."""

from __future__ import annotations

import pytest


def ages(catalogue, text: str, lang: str = "de") -> tuple[int, ...]:
    return catalogue.engine.read(text, lang).ages_months


@pytest.mark.parametrize("text,lang,months", [
    # English ages were read as school years ("year" is also the British school year).
    ("my 2 year old", "en", (24,)),
    ("my 2-year-old does not talk", "en", (24,)),
    ("2yo", "en", (24,)),
    ("4 years old", "en", (48,)),
    ("13 year old son", "en", (156,)),
    ("kids aged 4 and 7", "en", (48, 84)),
    ("my son is 8", "en", (96,)),
    ("18 months old", "en", (18,)),
    # A school year is still a school year: year 7 and the 7th grade are 12 years old.
    ("year 7", "en", (144,)),
    ("7th grade", "en", (144,)),
    ("grade 3", "en", (96,)),
    # German: a class trip is no class ("Klassenfahrt 10 Jahre" is ten years old).
    ("Klassenfahrt 10 Jahre", "de", (120,)),
    ("Klasse 7", "de", (144,)),
    ("in der 10. Klasse", "de", (180,)),
    ("meine 2-jährige", "de", (24,)),
    ("3 jahre alt", "de", (36,)),
    ("1,5 jahre", "de", (18,)),
    ("sohn 14", "de", (168,)),
    # Other languages.
    ("два года", "ru", (24,)),
    ("сыну 5 лет", "ru", (60,)),
    ("доньці 2 роки", "uk", (24,)),
    ("7 класс", "ru", (144,)),
    ("kızım 2,5 yaşında", "tr", (30,)),
    ("oğlum 7. sınıfta", "tr", (144,)),
    ("عمره سنتين", "ar", (24,)),
    ("٨ سنين", "ar", (96,)),
    ("ابني في الصف السابع", "ar", (144,)),
    ("۱۰ سالشه", "fa", (120,)),
    ("دخترم دو سالشه", "fa", (24,)),
])
def test_a_childs_age_in_the_text(catalogue, text, lang, months):
    assert ages(catalogue, text, lang) == months


@pytest.mark.parametrize("text,lang", [
    # Weeks of a pregnancy, a stay, a wish: no child's age.
    ("bin in der 10. woche schwanger", "de"),
    ("seit 3 Monaten hier", "de"),
    ("wir wünschen uns seit 3 jahren ein kind", "de"),
    ("we arrived 2 years ago", "en"),
    ("drei Kinder", "de"),
    ("ثلاثة أطفال", "ar"),
])
def test_no_age_where_the_number_says_something_else(catalogue, text, lang):
    assert ages(catalogue, text, lang) == ()


@pytest.mark.parametrize("text,lang,district", [
    ("Kita in der Nordstadt", "de", "nordstadt"),
    ("kita nordstadt", "en", "nordstadt"),
    ("kreş hafenviertel", "tr", "hafen"),
])
def test_a_district_in_the_text(catalogue, text, lang, district):
    assert catalogue.engine.read(text, lang).district == district


def kita_weight(catalogue, text: str, lang: str) -> float:
    reading = catalogue.engine.read(text, lang)
    return max(u.weight for u in reading.units
               if any(m.id == "childcare_place" for m in u.meanings))


@pytest.mark.parametrize("text,lang", [
    ("mein sohn weint jeden morgen in der kita und spielt mit keinem", "de"),
    ("she cries every morning at nursery and has no friends", "en"),
    ("oğlum kreşte hep ağlıyor ve kimseyle oynamıyor", "tr"),
    ("сын каждый день плачет в садике и ни с кем не играет", "ru"),
])
def test_a_kita_named_as_where_a_worry_happens_is_no_place_wanted(catalogue, text, lang):
    assert kita_weight(catalogue, text, lang) < 0.5
    assert catalogue.engine.read(text, lang).ages_months      # a Kita child's age, as a hint


@pytest.mark.parametrize("text,lang", [
    ("wir suchen einen platz in der kita für unseren sohn", "de"),
    ("looking for a place at nursery for my son", "en"),
    ("Kita in der Nordstadt", "de"),
    ("oğlum için kreş arıyorum", "tr"),
])
def test_a_kita_wanted_stays_the_need(catalogue, text, lang):
    assert kita_weight(catalogue, text, lang) == 1.0


@pytest.mark.parametrize("fused,plain", [
    ("لابني", "ابني"),          # "for my son": the preposition written onto the word
    ("بعرف", "عرف"),            # Levantine "I know": the present-tense b-
    ("للبنات", "بنات"),         # "for the girls": l- and the article
    ("وبالمستشفى", "مستشفى"),  # "and in the hospital": and, in, the
])
def test_little_words_written_onto_an_arabic_word_do_not_make_it_rare(catalogue, fused, plain):
    # The weight of a plain word says how much it tells; "for my son" tells no more than
    # "my son", however rare the fused form is in the word lists.
    def weight(text):
        units = catalogue.engine.read(text, "ar").units
        assert len(units) == 1, units
        return units[0].weight
    assert weight(fused) <= weight(plain) + 0.01


@pytest.mark.parametrize("latin,arabic,same", [
    ("7adane", "حضانة", True), ("wlad", "ولاد", True), ("nemizane", "نمیزنه", True),
    ("snin", "سنين", True),
    ("snin", "أسنان", False),   # "years" is no "teeth": the long vowel is where it stands
    ("wlad", "والد", False),    # "children" is no "father"
])
def test_a_latin_spelling_and_an_arabic_word_sound_alike(latin, arabic, same):
    from finder.search.analysis import fold
    from finder.search.transliteration import arabic_sounds, latin_sounds, sounds_match

    assert sounds_match(latin_sounds(latin), arabic_sounds(fold(arabic))) is same


@pytest.mark.parametrize("text,lang,months", [
    ("meine tochter ist zweieinhalb", "de", (30,)),
    ("sohn anderthalb jahre", "de", (18,)),
    ("my son is two and a half", "en", (30,)),
    ("3 and a half year old", "en", (42,)),
    ("kızım iki buçuk yaşında", "tr", (30,)),
    ("сыну полтора года", "ru", (18,)),
    ("доньці три з половиною роки", "uk", (42,)),
    ("دخترم دو سال و نیم دارد", "fa", (30,)),
    ("بنتي عمرها سنتين ونص", "ar", (30,)),
])
def test_a_number_and_a_half_is_read_as_an_age(catalogue, text, lang, months):
    assert ages(catalogue, text, lang) == months


@pytest.mark.parametrize("text,lang,months", [
    ("rebenku 8 mesyacev", "ru", (8,)), ("donci 10 misyatsiv", "uk", (10,)),
    ("pesaram 9 mahe", "fa", (9,)),
    ("malyshu 2 goda", "ru", (24,)), ("ibni 3omro 3 snin", "ar", (36,)),
])
def test_an_age_typed_in_latin_letters(catalogue, text, lang, months):
    # Months in Latin letters are months, not years (a bare number is read as years).
    assert ages(catalogue, text, lang) == months


@pytest.mark.parametrize("text,lang,little", [
    ("hochu na plavanie, mne 9 let", "ru", {"mne"}),
    ("shukayu sadochok dlya donky", "uk", {"dlya"}),
])
def test_little_words_of_latin_typed_russian_and_ukrainian_say_nothing(
        catalogue, text, lang, little):
    # "mne", "dlya" are мне, для: stop words once written back in Cyrillic.
    units = catalogue.engine.read(text, lang).units
    assert not little & {u.text for u in units}, [(u.text, u.weight) for u in units]
