"""The need vocabulary, and reading a family's free text with it.

A query is read as a list of units, one per thing it says: a need recognised from
the words and phrases families use in any supported language ("spricht kaum",
"my husband hits me", "логопед"), a topic or life phase named, or a plain word to
look for in the offers' texts. Each unit carries a weight (how much it says) and
its alternatives (German search words, topics, phases, translated texts). Stop
words and everyday words weigh little; a child's age and a district named in the
text are taken out as hints. Misspellings are corrected only towards words of the
catalogue or the vocabulary, and never when the word is a real word of any
supported language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from finder.search.analysis import LANGUAGES, fold, key, languages_of, script, stem, tokens
from finder.search.wordlists import commonest_language, is_real_word, is_stop_word, zipf

MAX_TOKENS = 24
MAX_ENTRY_GAP = 4
"""How many other words may stand between the words of a vocabulary phrase."""
NEED_WEIGHT, TOPIC_WEIGHT, PHASE_WEIGHT, WORD_WEIGHT = 1.0, 0.8, 0.5, 0.6
MIN_PREFIX = 4
"""Turkish suffixes pile up (kreşlerde, doktorları): a vocabulary word of at least
this many letters also matches as the start of a Turkish word."""


@dataclass(frozen=True)
class Need:
    id: str
    topics: tuple[str, ...]
    search: tuple[tuple[str, ...], ...]
    """German search words, each as its stemmed words (a phrase needs all of them)."""
    emergency: bool


@dataclass(frozen=True)
class Meaning:
    kind: str
    """need, topic or phase"""
    id: str


@dataclass(frozen=True)
class _Entry:
    keys: tuple[str, ...]
    meaning: Meaning


@dataclass
class Unit:
    """One thing a query says, with what it may match in an offer."""

    weight: float
    positions: tuple[int, ...]
    meanings: tuple[Meaning, ...] = ()
    german: tuple[str, ...] = ()
    """German stems to look for in the offers' German texts."""
    compound: tuple[str, ...] = ()
    """The stems of a German compound's parts, all of which an offer should have."""
    foreign: tuple[str, ...] = ()
    """Keys to look for in the offers' translated texts."""
    words: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    """Per word of a phrase: its German stems and its translated-text keys (a phrase
    counts literally only where all its words are found)."""
    corrected: str | None = None
    """The word this unit was read as when the typed word was misspelt."""


@dataclass
class Reading:
    """What a query's text says."""

    units: list[Unit]
    corrections: dict[str, str] = field(default_factory=dict)
    """Typed word → the word it was read as."""
    district: str | None = None
    ages_months: tuple[int, ...] = ()
    """Ages named in the text ("für meine 2-jährige"): a hint, never a filter."""
    emergency: bool = False
    words: tuple[str, ...] = ()
    """The typed words, lower-case, as the suggestion is built from them."""

    @property
    def needs(self) -> set[str]:
        return {m.id for u in self.units for m in u.meanings if m.kind == "need"}

    @property
    def has_text(self) -> bool:
        return any(u.weight > 0 for u in self.units)


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
_ARABIZI = re.compile(r"^[a-z]*[235789][a-z]+[a-z0-9]*$")
_NUMBER = re.compile(r"^(\d{1,2})(j|jahre?|jahrig\w*|m|mo|monate?|yo|y)?$")


def _unit_word(word: str, forms: tuple[str, ...]) -> bool:
    return any(word == f or (len(f) >= 3 and word.startswith(f)) for f in forms)


_LATIN_TO_CYRILLIC = [
    ("shch", "щ"), ("sch", "ш"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"),
    ("sh", "ш"), ("ya", "я"), ("ia", "я"), ("yu", "ю"), ("iu", "ю"), ("yo", "ё"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("w", "в"), ("g", "г"), ("h", "х"), ("d", "д"),
    ("e", "е"), ("z", "з"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
    ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"),
    ("c", "к"), ("x", "кс"), ("q", "к"),
]
_RUSSIAN_LETTERS = [("ye", "е"), ("iy", "ий"), ("yy", "ый"), ("ij", "ий"), ("i", "и"),
                    ("y", "ы")]
_UKRAINIAN_LETTERS = [("yi", "ї"), ("ye", "є"), ("iy", "ій"), ("yy", "ий"), ("i", "і"),
                      ("y", "и")]


@lru_cache(maxsize=20_000)
def to_cyrillic(word: str, lang: str, ts: bool = True) -> str:
    """A Latin spelling of a Russian or Ukrainian word written back in Cyrillic
    (detskiy → детский, dytyny → дитини); the analysers take it from there.
    ts is ц (tsentr) or т and с (detskiy): both are tried."""
    rules = sorted((_RUSSIAN_LETTERS if lang == "ru" else _UKRAINIAN_LETTERS)
                   + [r for r in _LATIN_TO_CYRILLIC if ts or r[0] != "ts"],
                   key=lambda rule: -len(rule[0]))
    out, i = [], 0
    while i < len(word):
        for latin, cyrillic in rules:
            if word.startswith(latin, i):
                out.append(cyrillic)
                i += len(latin)
                break
        else:
            out.append(word[i])
            i += 1
    return "".join(out)


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, giving up above limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def typo_limit(word: str) -> int:
    """Typos forgiven by word length: none under 5 letters, one up to 8, two beyond."""
    return 0 if len(word) < 5 else 1 if len(word) <= 8 else 2


class NeedVocabulary:
    """The vocabulary of one build, compiled for reading queries."""

    def __init__(self, vocabulary: dict, lexicon: dict[str, int], districts: dict,
                 compound_split, doc_count: int, spellings: dict[str, str] | None = None):
        self.needs: dict[str, Need] = {}
        self.spellings: dict[str, str] = dict(spellings or {})
        self.split = compound_split
        self.lexicon = lexicon
        self.doc_count = max(doc_count, 1)
        self._entries: dict[str, dict[str, list[_Entry]]] = {lang: {} for lang in LANGUAGES}
        known: set[str] = set()
        for need_id, need in vocabulary.get("need", {}).items():
            search = tuple(t for t in (tuple(stem(w) for w in _folded_words(text)
                                             if not is_stop_word(w, "de"))
                                       for text in need["search"]) if t)
            self.needs[need_id] = Need(need_id, tuple(need["topics"]), search,
                                       need["emergency"])
            self._add_words(need["words"], Meaning("need", need_id), known)
        for kind in ("topic", "phase"):
            for item_id, item in vocabulary.get(kind, {}).items():
                self._add_words(item["words"], Meaning(kind, item_id), known)
                self._add_words({lang: [label] for lang, label in item["labels"].items()},
                                Meaning(kind, item_id), known)
        self.known_words = frozenset(known)
        self.districts: dict[str, str] = {}
        for district_id, district in districts.items():
            for name in (district_id, district["name"]):
                self.districts[fold(name)] = district_id
        self._fuzzy: dict[str, set[str]] | None = None

    def _add_words(self, words: dict[str, list[str]], meaning: Meaning, known: set[str]) -> None:
        for lang, items in words.items():
            for text in items:
                typed = tokens(text)
                if not typed:
                    continue
                keys = tuple(key(t, lang) for t in typed)
                entry = _Entry(keys, meaning)
                bucket = self._entries[lang].setdefault(keys[0], [])
                if entry not in bucket:
                    bucket.append(entry)
                for t in typed:
                    if len(t) >= 4:
                        known.add(fold(t))
                        self.spellings.setdefault(fold(t), t)

    # --- typos ----------------------------------------------------------------

    def _fuzzy_index(self) -> dict[str, set[str]]:
        if self._fuzzy is None:
            fuzzy: dict[str, set[str]] = {}
            candidates = {w for w in self.lexicon if len(w) >= 4} | set(self.known_words)
            for word in candidates:
                fuzzy.setdefault(word, set()).add(word)
                for variant in _deletes(word):
                    fuzzy.setdefault(variant, set()).add(word)
            self._fuzzy = fuzzy
        return self._fuzzy

    def is_known(self, word: str) -> bool:
        """A folded word of the catalogue, the vocabulary or any supported language."""
        return (word in self.lexicon or word in self.known_words or stem(word) in self.lexicon
                or is_real_word(word))

    def correct(self, word: str) -> str | None:
        """The catalogue or vocabulary word a misspelt folded word stands for, or None.

        Only unknown words are corrected, only within the typo limit of their length,
        only towards a word of the same script, the vocabulary's words first. Words in
        Arabic script are left alone: their many forms (يساعدونا, آمده‌ایم) are mostly
        missing from the word lists, so "unknown" does not mean misspelt there."""
        limit = typo_limit(word)
        if not limit or word.isdigit() or script(word) == "arabic" or self.is_known(word):
            return None
        fuzzy = self._fuzzy_index()
        variants = {word} | _deletes(word)
        if limit == 2:
            variants |= {v2 for v in list(variants) for v2 in _deletes(v)}
        found: set[str] = set()
        for variant in variants:
            found |= fuzzy.get(variant, set())
        kind = script(word)
        scored = [(distance, c not in self.known_words, -self.lexicon.get(c, 0), c)
                  for c in found
                  if c != word and script(c) == kind
                  and (distance := _edit_distance(word, c, limit)) <= limit]
        return min(scored)[3] if scored else None

    # --- reading a query --------------------------------------------------------

    def read(self, text: str, lang: str = "de") -> Reading:
        typed = [t for t in tokens(text) if len(t) <= 60][:MAX_TOKENS]
        reading = Reading(units=[], words=tuple(typed))
        typed = self._take_hints(typed, reading)
        typed = self._join_split_compounds(typed)
        # Words the vocabulary recognises as typed are never corrected; the others
        # are, when they are no word of any supported language.
        translit = self._transliterated(typed)
        recognised = {p for spots in self._find(typed, lang, False, parts=False, skip=set())
                      for p in spots}
        # Arabic typed in Latin letters and digits (7ada, ma3i) is no misspelt German.
        arabizi = any(_ARABIZI.match(fold(t)) for t in typed)
        words: list[str] = []
        for i, token in enumerate(typed):
            corrected = None if i in recognised or arabizi else self.correct(fold(token))
            # Russian or Ukrainian in Latin letters (dytyachyi sadok) is no misspelling
            # either, unless the word it is near is a German word of the catalogue.
            if corrected and translit and script(token) == "latin" \
                    and corrected not in self.lexicon:
                corrected = None
            if corrected:
                reading.corrections[token] = self.spellings.get(corrected, corrected)
                words.append(corrected)
            else:
                words.append(token)
        found = self._recognise(words, lang, translit) if reading.corrections else \
            self._recognise(typed, lang, translit)
        covered: set[int] = set()
        for positions, meanings in found:
            covered.update(positions)
            kinds = {m.kind for m in meanings}
            weight = NEED_WEIGHT if "need" in kinds else TOPIC_WEIGHT if "topic" in kinds \
                else PHASE_WEIGHT
            unit = self._literal(Unit(weight, positions, tuple(meanings)), words, positions, lang,
                                 translit)
            reading.units.append(unit)
            if any(m.kind == "need" and self.needs[m.id].emergency for m in meanings):
                reading.emergency = True
        for i, word in enumerate(words):
            if i in covered:
                continue
            unit = self._free_word(word, i, lang, translit)
            if unit is not None:
                reading.units.append(unit)
        for unit in reading.units:
            for i in unit.positions:
                if typed[i] in reading.corrections:
                    unit.corrected = reading.corrections[typed[i]]
        reading.units.sort(key=lambda u: u.positions)
        return reading

    def _join_split_compounds(self, typed: list[str]) -> list[str]:
        """German compounds typed apart ("kinder geld", "frauen haus") joined again
        when the joined word is one of the catalogue's or the vocabulary's."""
        joined: list[str] = []
        i = 0
        while i < len(typed):
            if i + 1 < len(typed) and script(typed[i]) == script(typed[i + 1]) == "latin":
                word = fold(typed[i] + typed[i + 1])
                if len(word) >= 8 and (word in self.known_words or word in self.lexicon):
                    joined.append(typed[i] + typed[i + 1])
                    i += 2
                    continue
            joined.append(typed[i])
            i += 1
        return joined

    def _take_hints(self, typed: list[str], reading: Reading) -> list[str]:
        """Take districts and ages out of the words; they become hints."""
        ages: list[int] = []
        kept: list[str] = []
        folded = [fold(t) for t in typed]
        used: set[int] = set()
        for i, word in enumerate(folded):
            if word in self.districts and reading.district is None:
                reading.district = self.districts[word]
                used.add(i)
                continue
            match = _NUMBER.match(word)
            if match:
                number, suffix = int(match.group(1)), match.group(2) or ""
            elif word in NUMBER_WORDS:
                number, suffix = NUMBER_WORDS[word], ""
            else:
                continue
            after = folded[i + 1] if i + 1 < len(folded) else ""
            before = folded[i - 1] if i else ""
            if suffix.startswith("m") and suffix != "mo" or _unit_word(after, _MONTH_WORDS):
                months = number
            elif _unit_word(before, _GRADE_WORDS) or _unit_word(after, _GRADE_WORDS):
                months = (number + 5) * 12 if 1 <= number <= 13 else None
            elif after in _CHILDREN_WORDS:
                months = None  # "drei Kinder", "ثلاثة أطفال": how many, not how old
            elif number <= 26:
                months = number * 12
            else:
                months = None
            if months is not None and months < 27 * 12:
                ages.append(months)
                used.add(i)
                if _unit_word(after, _MONTH_WORDS + _YEAR_WORDS):
                    used.add(i + 1)
                if _unit_word(before, _AGE_WORDS):
                    used.add(i - 1)
        reading.ages_months = tuple(sorted(set(ages)))[:4]
        for i, token in enumerate(typed):
            if i not in used:
                kept.append(token)
        return kept

    def _token_keys(self, word: str, lang: str, parts: bool = False,
                    translit: bool = False) -> dict[str, set[str]]:
        """The keys of one word in each language it could belong to; with parts, the
        keys of a German compound's parts and of the starts of a Turkish word instead."""
        result: dict[str, set[str]] = {}
        folded = fold(word)
        if parts:
            if script(folded) == "latin":
                result["de"] = {stem(p) for p in self.split(folded)}
                result["tr"] = {folded[:n] for n in range(MIN_PREFIX, len(folded))}
            return result
        if script(folded) == "latin" and len(folded) >= 3 and not folded.isdigit():
            # Russian, Ukrainian, Arabic and Persian typed in Latin letters: as typed for
            # the vocabulary's own Latin spellings, and, when the query looks like it,
            # written back in Cyrillic (detskiy sad → детский сад).
            for language in ("ru", "uk", "ar", "fa"):
                result[language] = {folded}
            if translit:
                for language in ("ru", "uk"):
                    result[language].update(key(cyrillic, language)
                                            for cyrillic in self._cyrillic(folded, language))
        for language in languages_of(folded):
            keys = result.setdefault(language, set())
            keys.add(key(word, language))
            if language in ("ar", "fa") and len(word) >= 3 and word[0] in "وف":
                keys.add(key(word[1:], language))  # و "and", ف "so" written onto the word
        return result

    @staticmethod
    def _cyrillic(word: str, lang: str) -> set[str]:
        return {to_cyrillic(word, lang, ts) for ts in (True, False)}

    def _transliterated(self, words: list[str]) -> bool:
        """Whether the query is Russian or Ukrainian typed in Latin letters: one of
        its unknown Latin words is a vocabulary word once written in Cyrillic."""
        for word in words:
            folded = fold(word)
            if script(folded) != "latin" or len(folded) < 3 or self.is_known(folded):
                continue
            for language in ("ru", "uk"):
                for cyrillic in self._cyrillic(folded, language):
                    if key(cyrillic, language) in self._entries[language] \
                            or fold(cyrillic) in self.known_words:
                        return True
        return False

    def _recognise(self, words: list[str], lang: str,
                   translit: bool) -> list[tuple[tuple[int, ...], list[Meaning]]]:
        """Vocabulary entries found in the words, as (positions, meanings).

        Whole words are looked up first; the parts of compounds and the starts of
        Turkish words only where no whole word was recognised."""
        found = self._find(words, lang, translit, parts=False, skip=set())
        covered = {p for spots in found for p in spots}
        for spots, meanings in self._find(words, lang, translit, parts=True, skip=covered).items():
            found.setdefault(spots, set()).update(meanings)
        # A phrase found inside a longer one says less than the longer one.
        kept: list[tuple[tuple[int, ...], list[Meaning]]] = []
        for spots in sorted(found, key=len, reverse=True):
            if any(set(spots) < set(longer) for longer, _ in kept):
                continue
            kept.append((spots, sorted(found[spots], key=lambda m: (m.kind, m.id))))
        # Overlapping findings become one unit, so that no word counts twice.
        merged: list[tuple[set[int], list[Meaning]]] = []
        for spots, meanings in kept:
            joined = (set(spots), list(meanings))
            # A finding may bridge two groups found before it: join them all.
            for group in [g for g in merged if g[0] & joined[0]]:
                merged.remove(group)
                joined[0].update(group[0])
                joined[1].extend(m for m in group[1] if m not in joined[1])
            merged.append(joined)
        merged.sort(key=lambda group: min(group[0]))
        return [(tuple(sorted(spots)), meanings) for spots, meanings in merged]

    def _find(self, words: list[str], lang: str, translit: bool, parts: bool,
              skip: set[int]) -> dict[tuple[int, ...], set[Meaning]]:
        positions_by_key: dict[str, dict[str, list[int]]] = {}
        for i, word in enumerate(words):
            whole = self._token_keys(word, lang, translit=translit)
            if parts:
                if i in skip:
                    continue
                extra = self._token_keys(word, lang, parts=True)
                for language, keys in extra.items():
                    whole.setdefault(language, set()).update(keys)
            for language, keys in whole.items():
                by_key = positions_by_key.setdefault(language, {})
                for k in keys:
                    by_key.setdefault(k, []).append(i)
        found: dict[tuple[int, ...], set[Meaning]] = {}
        stops = {i for i, word in enumerate(words) if self._is_stop(fold(word), lang)}
        for language, by_key in positions_by_key.items():
            entries = self._entries[language]
            for k in by_key:
                for entry in entries.get(k, ()):
                    spots = self._place(entry.keys, by_key)
                    if spots is None or (parts and not set(spots) - skip):
                        continue
                    if len(spots) == 1 and spots[0] in stops:
                        continue  # "is" is English here, not Turkish iş
                    found.setdefault(spots, set()).add(entry.meaning)
        return found

    @staticmethod
    def _is_stop(word: str, lang: str) -> bool:
        """A stop word of the reader's language or of the language the word is most
        common in: it does not name a need on its own."""
        likely, _value = commonest_language(word)
        return any(is_stop_word(word, x) for x in {lang, likely} if x in LANGUAGES)

    @staticmethod
    def _place(keys: tuple[str, ...], by_key: dict[str, list[int]]) -> tuple[int, ...] | None:
        spots: list[int] = []
        for k in keys:
            options = [p for p in by_key.get(k, ()) if p not in spots]
            if not options:
                return None
            spots.append(options[0])
        if max(spots) - min(spots) > len(keys) - 1 + MAX_ENTRY_GAP:
            return None
        return tuple(sorted(spots))

    def _literal(self, unit: Unit, words: list[str], positions, lang: str,
                 translit: bool) -> Unit:
        """Add the words' own terms, so that an offer naming them matches too."""
        german, foreign, per_word = [], [], []
        for i in positions:
            word = words[i]
            word_german, word_foreign = [], []
            for language, keys in self._token_keys(word, lang, translit=translit).items():
                if language == "de":
                    if self._german_eligible(fold(word), lang):
                        word_german.append(key(word, "de"))
                    word_foreign.append(f"de:{key(word, 'de')}")
                else:
                    # Translations are written in their own script, never in Latin
                    # letters for Russian, Ukrainian, Arabic or Persian.
                    word_foreign.extend(f"{language}:{k}" for k in keys
                                        if language in ("en", "tr") or script(k) != "latin")
            german += word_german
            foreign += word_foreign
            per_word.append((tuple(dict.fromkeys(word_german)), tuple(dict.fromkeys(word_foreign))))
        unit.words = tuple(per_word)
        unit.german, unit.foreign = tuple(dict.fromkeys(german)), tuple(dict.fromkeys(foreign))
        if len(positions) == 1 and unit.german and script(fold(words[positions[0]])) == "latin":
            parts = self.split(fold(words[positions[0]]))
            if parts:
                unit.compound = tuple(stem(p) for p in parts[-2:])
        return unit

    def _german_eligible(self, word: str, lang: str) -> bool:
        """Whether a Latin word may match the offers' German texts: not when it is
        an everyday word of the reader's other language (gift is not Gift)."""
        if lang in ("en", "tr") and zipf(word, lang) >= 2.5 and zipf(word, lang) > zipf(word, "de"):
            return word in self.lexicon and zipf(word, "de") >= zipf(word, lang) - 0.5
        best, value = commonest_language(word)
        if best in ("en", "tr") and value >= 3.0 and zipf(word, "de") < 1.0:
            return False
        return True

    def _free_word(self, word: str, position: int, lang: str, translit: bool) -> Unit | None:
        folded = fold(word)
        if not folded or (folded.isdigit()):
            return None
        languages = languages_of(folded)
        likely, _value = commonest_language(folded)
        if lang in languages and zipf(folded, lang) >= 2.0:
            likely = lang
        stop_langs = [likely] if likely else languages
        # Arabic and Persian write "and"/"so" onto the next word (ومعنا = و + معنا): the
        # word itself decides whether it is a stop word and how common it is.
        base = folded[1:] if script(folded) == "arabic" and len(folded) > 3 \
            and folded[0] in "وف" else folded
        if any(is_stop_word(form, language) for form in {folded, base}
               for language in stop_langs if language) or len(folded) < 2:
            return None
        weight = WORD_WEIGHT * min(self._specificity(folded, likely),
                                   self._specificity(base, likely))
        unit = self._literal(Unit(weight, (position,)), [word], (0,), lang, translit)
        unit.positions = (position,)
        return unit

    def _specificity(self, word: str, lang: str | None) -> float:
        """How much a word says: rare in the catalogue and rare in everyday language
        count fully; words found in many offers or common in speech count little."""
        count = self.lexicon.get(word, 0)
        catalogue = 1.0 if count == 0 else min(1.0, max(0.15, 1 - count / (self.doc_count * 0.6)))
        common = zipf(word, lang) if lang else max((zipf(word, x) for x in languages_of(word)),
                                                     default=0.0)
        everyday = min(1.0, max(0.15, (6.0 - common) / 3.0))
        return min(catalogue, everyday)


def _folded_words(text: str) -> list[str]:
    return [fold(t) for t in tokens(text)]
