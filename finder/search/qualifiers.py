"""Who is asking, and what an answer must be besides being about the need: the grammar of
qualifiers in every supported language.

- A language named beside a word for speaking ("spricht nur Arabisch", "Arabic speaking",
  "بتحكي عربي") says which language the family speaks: a wish for an offer where it is
  spoken, never words to find in the offers' texts (a client who speaks only Arabic needs
  debt advice, not the Arabic homework club). A language named on its own ("русская
  школа") is what the family asks for: the answer must be in or about it.
- Words for who an offer is for ("für Erwachsene", "for women", "برای خانم‌ها", "for men")
  and for the night ("nachts", "бالليل") are qualifiers an answer must meet.
- Words for who is typing are no need: staff for a client ("Klientin", "my client"), a
  grandparent ("Oma", "my grandson") or a foster parent ("Pflegemutter") raising a child,
  and a teenager giving their own age ("ich bin 15", "15 yaşındayım", "мне 15").

Words are compared folded (finder.search.analysis.fold); forms of four letters or more
also match as the start of a word ("арабск" finds арабский, арабская)."""

from __future__ import annotations

from dataclasses import dataclass

from finder.search.analysis import fold

_LANGUAGES = {
    "ar": ("arabisch", "arabic", "arapca", "عربی", "العربی", "بالعربی", "العربیه", "арабськ",
           "арабск"),
    "tr": ("turkisch", "turkish", "turkce", "ترکی", "الترکی", "الترکیه", "بالترکی", "турецьк",
           "турецк"),
    "ru": ("russisch", "russian", "rusca", "روسی", "الروسی", "بالروسی", "російськ", "русск",
           "русски"),
    "uk": ("ukrainisch", "ukrainian", "ukraynaca", "اوکرانی", "اوکراینی", "українськ",
           "украинск"),
    "fa": ("persisch", "persian", "farsi", "dari", "farsca", "فارسی", "بالفارسی", "دری",
           "перськ", "персидск", "фарси"),
    "en": ("englisch", "english", "ingilizce", "انجلیزی", "الانجلیزی", "انگلیسی", "англійськ",
           "английск"),
    "ku": ("kurdisch", "kurdish", "kurtce", "کردی", "الکردی", "курдськ", "курдск"),
    "pl": ("polnisch", "polish", "lehce", "польськ", "польск"),
    "ro": ("rumanisch", "romanian", "rumence", "румунськ", "румынск"),
}
"""Names of languages families ask for, other than German (a German course is a need)."""
_SPEAKING = ("sprich", "spreche", "sprechen", "sprachig", "versteh", "nur", "speak", "speaks",
             "speaking", "only", "understand", "konus", "bilen", "biliyor", "anliyor",
             "sadece", "یحکی", "بیحکی", "بتحکی", "تحکی", "یتکلم", "بیتکلم", "بتتکلم", "تتکلم",
             "یتحدث", "تتحدث", "فقط", "بس", "говор", "розмовля", "розумі", "понима",
             "разговарива", "тільки", "лише", "только", "صحبت", "بلد", "میفهمد", "حرف")
"""Words beside a language name that make it the language the family speaks."""
SPEAKING_REACH = 3
"""How many words away a word for speaking may stand from the language's name."""

_AUDIENCE = {
    "adults": ("erwachsene", "erwachsenen", "adult", "adults", "grownups", "yetiskin",
               "yetiskinler", "yetiskinlere", "للکبار", "کبار", "بالغین", "للبالغین",
               "дорослих", "дорослі", "взрослых", "взрослые", "взрослым", "بزرگسال",
               "بزرگسالان", "بزرگسالا"),
    "women": ("frauen", "women", "woman", "ladies", "kadinlar", "kadinlara", "bayanlar",
              "bayanlara", "نساء", "للنساء", "ستات", "للستات", "سیدات", "жінок", "жінки",
              "женщин", "женщины", "زنان", "خانمها", "بانوان"),
    "men": ("manner", "men", "erkekler", "erkeklere", "رجال", "للرجال", "чоловіків",
            "мужчин", "мужчины", "مردان", "اقایان"),
}
"""Who an offer is for, said in the text: an answer must be for them."""
_ONLY_IN = {"man": "en", "خانم": "fa"}
"""Short words that are qualifiers only in one language ("man" is German for "one")."""
_AUDIENCE_EXTRA = {"man": "men", "خانم": "women"}
_NIGHT = ("nachts", "night", "nights", "overnight", "midnight", "gece", "geceleyin", "gece yarisi",
          "ночью", "вночі", "уночі", "بالليل", "باللیل", "لیلا", "نیمه‌شب", "نیمه‌شب", "نیمهشب")
"""The night: an answer must be reachable then."""

_WHO = {
    "staff": ("klient", "klientin", "klienten", "klientinnen", "client", "clients", "mandant",
              "mandantin", "danisan", "danisanim", "danisanimiz", "клиент", "клиентка",
              "клієнт", "клієнтка", "موکل", "موکلتی", "موکلی", "عمیل", "عمیله", "عمیلتی",
              "مددجو", "مددجوی"),
    "grandparent": ("oma", "opa", "omi", "grossmutter", "grossvater", "enkel", "enkelin",
                    "enkelkind", "enkelsohn", "enkeltochter", "grandma", "grandpa", "granny",
                    "grandmother", "grandfather", "grandson", "granddaughter", "grandchild",
                    "grandkid", "grandkids", "babaanne", "anneanne", "torun", "torunum",
                    "torunumu", "torunuma", "تیتا", "ستی", "جدته", "حفید", "حفیدی", "حفیدتی",
                    "бабуся", "дідусь", "онук", "онука", "онуку", "онуком", "бабушка",
                    "дедушка", "внук", "внучка", "внука", "внуком", "внучку", "مادربزرگ",
                    "پدربزرگ", "نوه", "نوهام", "نوه‌ام"),
    "foster": ("pflegemutter", "pflegevater", "pflegeeltern", "pflegetochter", "pflegesohn",
               "pflegefamilie", "foster", "koruyucu", "приемн", "прийомн", "حاضنه"),
}
"""Words for who is typing; they say nothing an offer must contain."""
_PREFIX = 4
"""Forms at least this long also match as the start of a word (arabisch → arabische)."""

_SELF_BEFORE = ("ich bin", "bin", "i am", "im", "мне", "мені", "عمری", "ana", "انا")
"""Words before a number that make it the asker's own age ("ich bin 15", "мне 15")."""
_SELF_AFTER = ("yasindayim", "yasimdayim", "سالمه", "سالم")
"""Words after a number that make it the asker's own age ("15 yaşındayım", "۱۵ سالمه")."""
TEEN_YEARS = (12, 21)
"""Own ages read as a young person asking for themselves."""


_AT_BEFORE = ("in der", "in die", "im", "in", "at", "at the", "at his", "at her", "in the",
              "from", "from the", "в", "у", "на", "تو", "در", "توی", "في", "فی", "بال", "بـ")
"""Words before a place that make it where the child already is ("weint in der Kita", "at
nursery", "в садике", "تو مهدکودک")."""
_AT_SUFFIXES = ("te", "de", "ta", "da", "teki", "deki")
"""Turkish locative endings (kreşte, okulda): the child is there."""
_AT_PREFIXES = ("بال", "في")
"""Arabic words fused with "in the" (بالروضة, فيالحضانة)."""
_WANTING = ("platz", "place", "spot", "yer", "место", "місце", "جا", "مكان", "مکان", "suche",
            "looking", "need")
"""Words that make a place named after them the place wanted ("Platz in der Kita")."""


def at_place(words: list[str], i: int, lang: str) -> bool:
    """Whether the place named at i is where the child already is, told as the scene of a
    worry ("weint jeden Morgen in der Kita", "kreşte ağlıyor"), not a place wanted."""
    before = words[max(0, i - 4):i]
    if any(_is(w, _WANTING) for w in before):
        return False
    one = words[i - 1] if i else ""
    two = " ".join(words[max(0, i - 2):i])
    word = words[i]
    return (one in _AT_BEFORE or two in _AT_BEFORE
            or (lang == "tr" and any(word.endswith(s) for s in _AT_SUFFIXES))
            or (lang == "ar" and any(word.startswith(p) for p in _AT_PREFIXES)))


@dataclass(frozen=True)
class Qualifier:
    """Something an answer must be: kind is language (value a language code; spoken when
    it is the language the family speaks), audience (adults, women, men) or time (night)."""

    kind: str
    value: str
    position: int
    spoken: bool = False


def _is(word: str, forms) -> bool:
    return any(word == f or (len(f) >= _PREFIX and word.startswith(f)) for f in forms)


def language_of(word: str) -> str | None:
    """The language a folded word names, or None."""
    for code, forms in _LANGUAGES.items():
        if _is(word, forms):
            return code
    return None


def who_of(word: str) -> str | None:
    """Who is typing, if the folded word says it (staff, grandparent, foster)."""
    for who, forms in _WHO.items():
        if _is(word, forms):
            return who
    return None


def read(words: list[str], lang: str) -> list[Qualifier]:
    """The qualifiers in a query's folded words, with their positions."""
    found: list[Qualifier] = []
    for i, word in enumerate(words):
        code = language_of(word)
        if code is not None:
            near = words[max(0, i - SPEAKING_REACH):i] + words[i + 1:i + 1 + SPEAKING_REACH]
            spoken = "sprach" in word or any(_is(w, _SPEAKING) for w in near)
            found.append(Qualifier("language", code, i, spoken))
            continue
        for audience, forms in _AUDIENCE.items():
            if _is(word, forms):
                found.append(Qualifier("audience", audience, i))
                break
        else:
            if word in _ONLY_IN and lang == _ONLY_IN[word] and not (
                    word == "خانم" and (i + 1 >= len(words) or words[i + 1] != "ها")):
                found.append(Qualifier("audience", _AUDIENCE_EXTRA[word], i))
            elif word in _NIGHT or (word == "شب" and lang == "fa"):
                found.append(Qualifier("time", "night", i))
    return found


def speaking_words(words: list[str], i: int) -> list[int]:
    """The positions of a spoken language's name at i and of the words for speaking
    beside it."""
    near = range(max(0, i - SPEAKING_REACH), min(len(words), i + 1 + SPEAKING_REACH))
    return [i] + [n for n in near if n != i and _is(words[n], _SPEAKING)]


def own_age(words: list[str], i: int) -> bool:
    """Whether the number at i is the asker's own age ("ich bin 15", "мне 15")."""
    before = " ".join(words[max(0, i - 2):i])
    one_before = words[i - 1] if i else ""
    after = words[i + 1] if i + 1 < len(words) else ""
    return (one_before in _SELF_BEFORE or before in _SELF_BEFORE
            or any(after.startswith(f) for f in _SELF_AFTER))


def is_teen(years: int) -> bool:
    return TEEN_YEARS[0] <= years <= TEEN_YEARS[1]


def fold_all(words) -> list[str]:
    return [fold(w) for w in words]
