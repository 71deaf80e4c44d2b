"""Ages named in a query's text ("für meine 2-jährige", "aged 4", "عمره ثلاث سنوات"):
the grammar of a child's age in every supported language, taken out of the text as a hint.
"""

from __future__ import annotations

import re

from finder.model import MAX_CHILD_AGE_YEARS
from finder.search.analysis import fold

# Ages named in the text. Unit words are matched by their folded start; this is
# grammar of the query, not vocabulary of the catalogue.
_YEAR_WORDS = ("jahr", "jahrig", "jahrige", "jahrigen", "jahriger", "j", "year", "years", "yr",
               "yrs", "yo", "yas", "yasinda", "yasindaki", "sene", "senelik", "سنه", "سنوات",
               "سنین", "سنتین", "عمر", "рок", "рік", "роки", "років", "год", "года", "лет",
               "годик", "годика", "سال", "ساله", "سالمه", "سالشه")
_MONTH_WORDS = ("monat", "monate", "monaten", "monatig", "monatige", "month", "months", "mo",
                "ay", "aylik", "ayli", "aylık", "شهر", "اشهر", "شهور", "месяц", "месяца",
                "месяцев", "місяць", "місяці", "місяців", "ماه", "ماهه")
_GRADE_WORDS = ("klasse", "kl", "grade", "class", "year", "sinif", "sinifta", "клас", "класс",
                "класі", "классе", "الصف", "صف", "کلاس")
_NUMBER_WORDS = {
    "de": "zwei drei vier funf sechs sieben acht neun zehn elf zwolf dreizehn vierzehn "
          "funfzehn sechzehn siebzehn achtzehn",
    "en": "two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen",
    "tr": "iki uc dort bes alti yedi sekiz dokuz",
    "ar": "اثنین ثلاث اربع خمس ست سبع ثمان تسع عشر",
    "uk": "два три чотири пять шість сім вісім девять десять",
    "ru": "два три четыре пять шесть семь восемь девять десять одиннадцать двенадцать "
          "тринадцать четырнадцать пятнадцать шестнадцать семнадцать",
    "fa": "دو سه چهار پنج شش هفت هشت",
}
NUMBER_WORDS = {fold(word): number for words in _NUMBER_WORDS.values()
                for number, word in enumerate(words.split(), start=2)}
"""Numbers written as words, 2 upwards (one is left out: it is also an article)."""
_ARABIC_NUMBER_FORMS = {"ثلاثه": 3, "اربعه": 4, "خمسه": 5, "سته": 6, "سبعه": 7, "ثمانیه": 8,
                        "تسعه": 9, "عشره": 10, "اثنان": 2, "ثنتین": 2, "دوازده": 12}
NUMBER_WORDS.update(_ARABIC_NUMBER_FORMS)
_AGE_WORDS = ("alt", "alter", "age", "aged", "yas", "yasinda", "عمر", "عمره", "عمرها", "سن",
              "سنش", "возраст", "вік", "віком")
"""Words for "age" next to a number ("عمره ثلاث سنوات", "aged 4"): grammar of the age."""
_CHILDREN_WORDS = frozenset(fold(w) for w in (
    "kinder", "kindern", "kids", "children", "sons", "daughters", "söhne", "töchter",
    "çocuk", "çocuğum", "çocuklar", "çocuğu", "اطفال", "أطفال", "ولاد", "اولاد", "أولاد",
    "بچه", "بچه‌ها", "فرزند", "کودک", "детей", "дети", "ребенка", "ребёнка", "детьми",
    "дітей", "дитини", "дітьми", "діти"))
"""Plural child nouns after a number: the number counts the children."""
_NUMBER = re.compile(r"^(\d{1,2})(j|jahre?|jahrig\w*|m|mo|monate?|yo|y)?$")


def _unit_word(word: str, forms: tuple[str, ...]) -> bool:
    return any(word == f or (len(f) >= 3 and word.startswith(f)) for f in forms)


def age_at(folded: list[str], i: int) -> tuple[int, set[int]] | None:
    """The age in months that the folded word at i names, read with the words beside
    it, and the positions of the words that say it; None when it names no age."""
    word = folded[i]
    match = _NUMBER.match(word)
    if match:
        number, suffix = int(match.group(1)), match.group(2) or ""
    elif word in NUMBER_WORDS:
        number, suffix = NUMBER_WORDS[word], ""
    else:
        return None
    after = folded[i + 1] if i + 1 < len(folded) else ""
    before = folded[i - 1] if i else ""
    if suffix.startswith("m") and suffix != "mo" or _unit_word(after, _MONTH_WORDS):
        months = number
    elif _unit_word(before, _GRADE_WORDS) or _unit_word(after, _GRADE_WORDS):
        months = (number + 5) * 12 if 1 <= number <= 13 else None
    elif after in _CHILDREN_WORDS:
        months = None  # "drei Kinder", "ثلاثة أطفال": how many, not how old
    elif number <= MAX_CHILD_AGE_YEARS:
        months = number * 12
    else:
        months = None
    if months is None or months > MAX_CHILD_AGE_YEARS * 12 + 11:
        return None
    used = {i}
    if _unit_word(after, _MONTH_WORDS + _YEAR_WORDS):
        used.add(i + 1)
    if _unit_word(before, _AGE_WORDS):
        used.add(i - 1)
    return months, used
