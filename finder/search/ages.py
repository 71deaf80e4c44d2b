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
               "годик", "годика", "سال", "ساله", "سالمه", "سالشه",
               # the same typed in Latin letters (Russian, Ukrainian, Arabic, Persian)
               "goda", "godik", "godika", "let", "rik", "roky", "rokiv", "snin", "sneen", "sne",
               "salesh", "salashe", "saleh", "sale")
_MONTH_WORDS = ("monat", "monate", "monaten", "monatig", "monatige", "month", "months", "mo",
                "ay", "aylik", "ayli", "aylık", "شهر", "اشهر", "شهور", "месяц", "месяца",
                "месяцев", "місяць", "місяці", "місяців", "ماه", "ماهه",
                "mesyac", "mesyaca", "mesyacev", "mesyats", "mesyatsa", "mesyatsev",
                "misyats", "misyatsi", "misyatsiv", "ashhur", "shohur", "mahe", "mah")
_GRADE_BEFORE = frozenset(fold(w) for w in (
    "klasse", "kl", "jahrgang", "jahrgangsstufe", "grade", "class", "year", "sinif", "клас",
    "класс", "класі", "классе", "الصف", "صف", "کلاس", "پایه"))
"""A school year named before its number: "Klasse 7", "year 7" (British), "الصف 7"."""
_GRADE_AFTER = frozenset(fold(w) for w in (
    "klasse", "kl", "klässler", "klassler", "grade", "grader", "class", "sinif", "sinifta",
    "sinifa", "sinifinda", "sinifindaki", "клас", "класс", "класі", "классе", "класу",
    "класса", "классе", "کلاس"))
"""A school year named after its number: "7. Klasse", "7th grade", "7. sınıfta". Whole
words only: "Klassenfahrt 10 Jahre" is a class trip of a ten-year-old."""
_WEEK_WORDS = ("woche", "wochen", "week", "weeks", "wk", "hafta", "haftalik", "тиждень",
               "тижні", "тижнів", "неделя", "недели", "недель", "неделе", "اسبوع", "اسابیع",
               "هفته", "هفتگی")
"""Weeks count a pregnancy or a premature birth, never a child's age."""
_SINCE_WORDS = frozenset(fold(w) for w in (
    "seit", "since", "vor", "ago", "beri", "önce", "уже", "вже", "протягом", "منذ", "من",
    "الان", "پیش", "است"))
"""Before a number ("seit 3 Monaten") or after its unit ("2 years ago"): how long, not how old."""
_ORDINALS = {fold(w): n for n, words in enumerate((
    ("erste", "first", "الاول", "الأول", "اول"),
    ("zweite", "second", "الثانی", "الثاني", "دوم"),
    ("dritte", "third", "الثالث", "سوم"),
    ("vierte", "fourth", "الرابع", "چهارم"),
    ("fünfte", "fifth", "الخامس", "پنجم"),
    ("sechste", "sixth", "السادس", "ششم"),
    ("siebte", "seventh", "السابع", "هفتم"),
    ("achte", "eighth", "الثامن", "هشتم"),
    ("neunte", "ninth", "التاسع", "نهم"),
    ("zehnte", "tenth", "العاشر", "دهم")), start=1) for w in words}
"""School years as ordinal words after a grade word: "الصف السابع", "die dritte Klasse"."""
_DUALS = {fold(w): months for w, months in (
    ("سنتين", 24), ("سنتان", 24), ("عامين", 24), ("عامان", 24), ("شهرين", 2), ("شهران", 2))}
"""Arabic says "two years" in one word (عمره سنتين): an age without a number."""
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
_FUSED_HALVES = {fold(w): months for w, months in (
    ("anderthalb", 18), ("eineinhalb", 18), ("zweieinhalb", 30), ("dreieinhalb", 42),
    ("viereinhalb", 54), ("fünfeinhalb", 66), ("sechseinhalb", 78), ("siebeneinhalb", 90),
    ("полтора", 18), ("полгода", 6), ("півтора", 18), ("півроку", 6))}
"""A number and a half in one word: "zweieinhalb", "полтора года", "півтора року"."""
_HALF_AFTER = (("and", "a", "half"), ("and", "half"), ("bucuk",), ("с", "половиной"),
               ("з", "половиною"), ("و", "نیم"), ("ونیم",), ("و", "نص"), ("ونص",), ("و", "نصف"),
               ("ونصف",))
""""And a half" after a number or after its unit: "two and a half", "iki buçuk", "три с
половиной", "دو سال و نیم", "سنتين ونص"."""
_NUMBER = re.compile(r"^(\d{1,2})(j|jahre?|jahrig\w*|m|mo|monate?|yo|y|yr|yrs|st|nd|rd|th)?$")


def _half_after(folded: list[str], start: int) -> list[int]:
    """The positions of "and a half" starting at start, or []."""
    for words in _HALF_AFTER:
        if tuple(folded[start:start + len(words)]) == tuple(fold(w) for w in words):
            return list(range(start, start + len(words)))
    return []


def _unit_word(word: str, forms: tuple[str, ...]) -> bool:
    return any(word == f or (len(f) >= 3 and word.startswith(f)) for f in forms)


def _number(word: str) -> tuple[int, str] | None:
    match = _NUMBER.match(word)
    if match:
        return int(match.group(1)), match.group(2) or ""
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word], ""
    return None


def age_at(folded: list[str], i: int) -> tuple[int, set[int]] | None:
    """The age in months that the folded word at i names, read with the words beside
    it, and the positions of the words that say it; None when it names no age."""
    word = folded[i]
    before = folded[i - 1] if i else ""
    after = folded[i + 1] if i + 1 < len(folded) else ""
    if word in _FUSED_HALVES:
        used = {i} | ({i + 1} if _unit_word(after, _YEAR_WORDS + _MONTH_WORDS) else set())
        return _FUSED_HALVES[word], used
    if word in _DUALS:
        extra = _half_after(folded, i + 1)
        return _DUALS[word] + (6 if extra and _DUALS[word] >= 12 else 0), \
            {i, *extra} | ({i - 1} if _unit_word(before, _AGE_WORDS) else set())
    if before in _GRADE_BEFORE and word in _ORDINALS:
        return (_ORDINALS[word] + 5) * 12, {i - 1, i}
    found = _number(word)
    if found is None:
        return None
    number, suffix = found
    if before in _SINCE_WORDS or _unit_word(after, _WEEK_WORDS):
        return None  # "seit 3 Monaten", "10. Woche": how long, not how old
    half = 0
    halves = _half_after(folded, i + 1)
    if number <= 4 and after == "5" and i + 2 < len(folded) and \
            _unit_word(folded[i + 2], _YEAR_WORDS):
        half, after = 6, folded[i + 2]  # "2,5 Jahre", split into 2 and 5 by the tokens
    elif halves and number <= MAX_CHILD_AGE_YEARS:
        # "two and a half (years)", "iki buçuk yaşında": a number and a half, in years
        end = max(halves) + 1
        unit = folded[end] if end < len(folded) else ""
        if not _unit_word(unit, _MONTH_WORDS):
            used = {i, *halves} | ({end} if _unit_word(unit, _YEAR_WORDS) else set())
            return number * 12 + 6, used | ({i - 1} if _unit_word(before, _AGE_WORDS) else set())
    unit_at = i + (2 if half else 1)
    after_unit = folded[unit_at + 1] if unit_at + 1 < len(folded) else ""
    if after_unit in _SINCE_WORDS and after_unit != "vor":
        return None  # "2 years ago"
    if suffix.startswith("m") and suffix != "mo" or _unit_word(after, _MONTH_WORDS):
        months = number
    elif suffix in ("j", "y", "yo", "yr", "yrs") or suffix.startswith("jahr") or \
            _unit_word(after, _YEAR_WORDS):
        months = number * 12 + half
    elif suffix in ("st", "nd", "rd", "th") or before in _GRADE_BEFORE or after in _GRADE_AFTER:
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
    later = _half_after(folded, i + 2) if months >= 12 and \
        _unit_word(after, _YEAR_WORDS) and not half else []
    if later:  # "دو سال و نیم", "3 years and a half": the half after the unit
        months += 6
        used |= {i + 1, *later}
    if half:
        used |= {i + 1, i + 2}
    elif _unit_word(after, _MONTH_WORDS + _YEAR_WORDS) or after in _GRADE_AFTER:
        used.add(i + 1)
    if _unit_word(before, _AGE_WORDS) or before in _GRADE_BEFORE:
        used.add(i - 1)
    return months, used
