"""Reading a family's free text with the need vocabulary of a build.

A query is read as a list of units, one per thing it says: a need recognised from
the words and phrases families use in any supported language ("spricht kaum",
"my husband hits me", "логопед"), a topic or life phase named, or a plain word to
look for in the offers' texts. Each unit carries a weight (how much it says) and
its alternatives (German search words, topics, phases, translated texts). Stop
words and everyday words weigh little; a child's age and a district named in the
text are taken out as hints. Misspellings are corrected only towards words of the
catalogue or the vocabulary, and never when the word is a real word of any
supported language. The grammar of ages (finder.search.ages), typo tolerance
(finder.search.typos) and Latin spellings of other scripts
(finder.search.transliteration) live beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from finder.search import qualifiers
from finder.search.ages import age_at
from finder.search.analysis import LANGUAGES, fold, key, languages_of, script, stem, tokens
from finder.search.qualifiers import Qualifier
from finder.search.transliteration import (
    ARABIZI,
    MIN_CONSONANTS,
    arabic_sounds,
    consonants,
    cyrillic_spellings,
    latin_sounds,
    sounds_match,
)
from finder.search.typos import edit_distance, fuzzy_index, near_words, typo_limit
from finder.search.wordlists import commonest_language, is_real_word, is_stop_word, zipf

MAX_TOKENS = 24
MAX_ENTRY_GAP = 4
"""How many other words may stand between the words of a vocabulary phrase."""
NEED_WEIGHT, TOPIC_WEIGHT, PHASE_WEIGHT, WORD_WEIGHT = 1.0, 0.8, 0.5, 0.6
SCENE_NEEDS = ("childcare_place",)
"""Needs read from the name of a place a child attends (Kita, nursery, kreş, садик)."""
SCENE_WEIGHT, SCENE_WORDS, SCENE_AGE_MONTHS = 0.2, 5, 48
"""What such a place weighs when a sentence of at least SCENE_WORDS words names it as
where the child already is (finder.search.qualifiers.at_place), and the age it hints at
when the text gives none (a Kita child, four years old)."""
WESTERN_ZIPF = 3.0
"""From this Zipf value on, a Latin word is German or English, not Arabic in Latin letters."""
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
    text: str = ""
    """The words of the query this unit was read from (as read: corrected, joined)."""
    telling: int = 0
    """Which of a phrase's words says most (the rarest): "karate" in "karate club"."""


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
    qualifiers: list[tuple[Qualifier, Unit | None]] = field(default_factory=list)
    """What an answer must be besides being about the need (finder.search.qualifiers), each
    with the unit of its word (None for a language the family speaks: no word to find)."""
    who: str | None = None
    """Who is typing, when the text says so: staff, grandparent, foster or teen."""

    @property
    def speaks(self) -> tuple[str, ...]:
        """The languages the family speaks, named in the text ("spricht nur Arabisch")."""
        return tuple(sorted({q.value for q, _ in self.qualifiers
                             if q.kind == "language" and q.spoken}))

    @property
    def needs(self) -> set[str]:
        return {m.id for u in self.units for m in u.meanings if m.kind == "need"}

    @property
    def has_text(self) -> bool:
        return any(u.weight > 0 for u in self.units)


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
        self._skeletons: dict[str, set[tuple[str, str, str, str]]] = {}
        """The consonants of the vocabulary's Arabic and Persian words → (language, key,
        sounds, the word folded): finder.search.transliteration."""
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
            for name in (district_id, district["name"], *(district.get("names") or {}).values()):
                self.districts[fold(name)] = district_id
        self._fuzzy: dict[str, set[str]] | None = None
        self._keys: dict[str, frozenset[str]] | None = None

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
                    if lang in ("ar", "fa") and script(t) == "arabic":
                        self._add_skeleton(fold(t), lang, key(t, lang))

    def _add_skeleton(self, folded: str, lang: str, found: str) -> None:
        """An Arabic or Persian word under its consonants, with and without the article."""
        for form in {folded, folded[2:] if folded.startswith("ال") else folded}:
            sounds = arabic_sounds(form)
            if len(consonants(sounds)) >= 2:
                self._skeletons.setdefault(consonants(sounds), set()).add(
                    (lang, found, sounds, folded))

    def arabic_spellings(self, folded: str) -> set[tuple[str, str, str]]:
        """The vocabulary's Arabic and Persian words a Latin spelling may stand for
        (7adane → حضانة, kors almani → کورس الماني), by their sounds: (language, key, the
        word folded)."""
        sounds = latin_sounds(folded)
        skeleton = consonants(sounds)
        if len(skeleton) < MIN_CONSONANTS:
            return set()
        candidates = set(self._skeletons.get(skeleton, ()))
        if skeleton.startswith("l") and len(skeleton) > MIN_CONSONANTS:
            candidates |= self._skeletons.get(skeleton[1:], set())  # el-, al-: the article
        bare = sounds.lstrip("AEIU")[1:] if skeleton.startswith("l") else ""
        return {(language, found, word) for language, found, arabic, word in candidates
                if sounds_match(sounds, arabic) or (bare and sounds_match(bare, arabic))}

    def language_of_word(self, token: str, candidates, latin: bool = False) -> str | None:
        """The one language among candidates whose families' words for a need, topic or
        phase include this word (with latin: the vocabulary's Latin spellings of Russian,
        Ukrainian, Arabic and Persian words); None when none or several do. Evidence for
        finder.search.language."""
        if self._keys is None:
            self._keys = {lang: frozenset(k for bucket in entries.values() for entry in bucket
                                          for k in entry.keys)
                          for lang, entries in self._entries.items()}
        found = [lang for lang in candidates
                 if (fold(token) if latin else key(token, lang)) in self._keys.get(lang, ())]
        return found[0] if len(found) == 1 else None

    # --- typos ----------------------------------------------------------------

    def _fuzzy_index(self) -> dict[str, set[str]]:
        if self._fuzzy is None:
            candidates = {w for w in self.lexicon if len(w) >= 4} | set(self.known_words)
            self._fuzzy = fuzzy_index(candidates)
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
        found = near_words(word, limit, self._fuzzy_index())
        kind = script(word)
        scored = [(distance, c not in self.known_words, -self.lexicon.get(c, 0), c)
                  for c in found
                  if c != word and script(c) == kind
                  and (distance := edit_distance(word, c, limit)) <= limit]
        return min(scored)[3] if scored else None

    # --- reading a query --------------------------------------------------------

    def read(self, text: str, lang: str = "de") -> Reading:
        typed = [t for t in tokens(text) if len(t) <= 60][:MAX_TOKENS]
        reading = Reading(units=[], words=tuple(typed))
        typed = self._take_hints(typed, reading)
        typed = self._join_split_compounds(typed)
        # Words the vocabulary recognises as typed are never corrected; the others
        # are, when they are no word of any supported language.
        translit = self._transliterated(list(reading.words), lang)  # ages too: "3 goda"
        recognised = {p for spots in self._find(typed, lang, frozenset(), parts=False, skip=set())
                      for p in spots}
        # Arabic typed in Latin letters and digits (7ada, ma3i) is no misspelt German.
        arabizi = any(ARABIZI.match(fold(t)) for t in typed)
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
        self._qualify(reading, words, lang, translit)
        for unit in reading.units:
            unit.text = " ".join(words[i] for i in unit.positions)
            for i in unit.positions:
                if typed[i] in reading.corrections:
                    unit.corrected = reading.corrections[typed[i]]
        reading.units.sort(key=lambda u: u.positions)
        return reading

    def _qualify(self, reading: Reading, words: list[str], lang: str,
                 translit: frozenset[str]) -> None:
        """Qualifiers and who is asking, read from the words no need was recognised in:
        a language the family speaks and the words for who is typing are taken out of what
        an offer must contain; the other qualifiers stay words to find and are kept for the
        fit (finder.search.qualifiers)."""
        folded = [fold(w) for w in words]
        free = {u.positions[0]: u for u in reading.units if not u.meanings
                and len(u.positions) == 1}
        dropped: set[int] = set()
        for qualifier in qualifiers.read(folded, lang):
            if qualifier.kind == "language" and qualifier.spoken:
                reading.qualifiers.append((qualifier, None))
                # Neither the language's name nor the words for speaking are to be found.
                for position in qualifiers.speaking_words(folded, qualifier.position):
                    if position in free:
                        dropped.add(id(free[position]))
                continue
            own = self._literal(Unit(0.0, (qualifier.position,)), words,
                                (qualifier.position,), lang, translit)
            reading.qualifiers.append((qualifier, own))
        for position, unit in free.items():
            who = qualifiers.who_of(folded[position])
            if who is not None:
                reading.who = reading.who or who
                dropped.add(id(unit))
        reading.units = [u for u in reading.units if id(u) not in dropped]
        self._place_as_scene(reading, folded, lang)

    def _place_as_scene(self, reading: Reading, folded: list[str], lang: str) -> None:
        """A place the child already attends, named as the scene of a worry in a sentence
        ("mein Sohn weint in der Kita und spielt mit keinem"), is no place wanted: it says
        where, and the worry says what. It then weighs as a hint, not as the need."""
        if len(folded) < SCENE_WORDS:
            return
        for unit in reading.units:
            if not any(m.kind == "need" and m.id in SCENE_NEEDS for m in unit.meanings):
                continue
            if qualifiers.at_place(folded, unit.positions[0], lang):
                unit.weight = min(unit.weight, SCENE_WEIGHT)
                # A child at the Kita is of Kita age, when the text gives no age.
                reading.ages_months = reading.ages_months or (SCENE_AGE_MONTHS,)

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
            if i in used:
                continue  # a word of an age read before ("2,5 Jahre")
            if word in self.districts and reading.district is None:
                reading.district = self.districts[word]
                used.add(i)
                continue
            age = age_at(folded, i)
            if age is not None:
                months, spots = age
                if qualifiers.own_age(folded, i) and qualifiers.is_teen(months // 12):
                    reading.who = "teen"  # "ich bin 15": a young person asking for themselves
                ages.append(months)
                used |= spots
        reading.ages_months = tuple(sorted(set(ages)))[:4]
        for i, token in enumerate(typed):
            if i not in used:
                kept.append(token)
        return kept

    def _token_keys(self, word: str, lang: str, parts: bool = False,
                    translit: frozenset[str] = frozenset()) -> dict[str, set[str]]:
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
            if "cyrillic" in translit:
                for language in ("ru", "uk"):
                    result[language].update(key(cyrillic, language)
                                            for cyrillic in cyrillic_spellings(folded, language))
            if "arabic" in translit and not self._western(folded):
                for language, found, _word in self.arabic_spellings(folded):
                    result[language].add(found)
        elif "cyrillic" in translit and script(folded) == "latin" and len(folded) == 2:
            # The little words of a Latin-typed Russian phrase: ne govorit → не говорит.
            for language in ("ru", "uk"):
                result[language] = {key(cyrillic, language)
                                    for cyrillic in cyrillic_spellings(folded, language)}
        for language in languages_of(folded):
            keys = result.setdefault(language, set())
            keys.add(key(word, language))
            if language in ("ar", "fa") and len(word) >= 3 and word[0] in "وف":
                keys.add(key(word[1:], language))  # و "and", ف "so" written onto the word
        return result

    def _western(self, folded: str) -> bool:
        """A German word of the catalogue or an everyday German or English word (Kita,
        Jobcenter, baby): never Arabic or Persian in Latin letters."""
        return folded in self.lexicon or max(zipf(folded, "de"), zipf(folded, "en")) >= WESTERN_ZIPF

    def _transliterated(self, words: list[str], lang: str) -> frozenset[str]:
        """The scripts the query's Latin words may stand for: cyrillic, when one of its
        unknown Latin words is a vocabulary word once written in Cyrillic (Russian or
        Ukrainian typed in Latin letters); arabic, when the reader reads Arabic or Persian
        or two words are Arabizi (7ada, ma3i; one may be "3er"), so that Latin words are
        also looked up by their sounds."""
        found: set[str] = set()
        if lang in ("ar", "fa") or sum(1 for w in words if ARABIZI.match(fold(w))) >= 2:
            found.add("arabic")
        for word in words:
            folded = fold(word)
            if script(folded) != "latin" or len(folded) < 3 or self.is_known(folded):
                continue
            for language in ("ru", "uk"):
                for cyrillic in cyrillic_spellings(folded, language):
                    if key(cyrillic, language) in self._entries[language] \
                            or fold(cyrillic) in self.known_words:
                        found.add("cyrillic")
        return frozenset(found)

    def _recognise(self, words: list[str], lang: str,
                   translit: frozenset[str]) -> list[tuple[tuple[int, ...], list[Meaning]]]:
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

    def _find(self, words: list[str], lang: str, translit: frozenset[str], parts: bool,
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
                 translit: frozenset[str]) -> Unit:
        """Add the words' own terms, so that an offer naming them matches too."""
        german, foreign, per_word = [], [], []
        # In a phrase, stop words say nothing an offer's text must contain ("hits me").
        content = [i for i in positions if not self._is_stop(fold(words[i]), lang)] \
            if len(positions) > 1 else list(positions)
        for i in content or positions:
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
        kept = content or list(positions)
        if len(kept) > 1:
            unit.telling = max(range(len(kept)), key=lambda n: self._specificity(
                fold(words[kept[n]]), commonest_language(fold(words[kept[n]]))[0]))
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

    def _free_word(self, word: str, position: int, lang: str,
                   translit: frozenset[str]) -> Unit | None:
        folded = fold(word)
        if not folded or (folded.isdigit()):
            return None
        languages = languages_of(folded)
        likely, _value = commonest_language(folded)
        if lang in languages and zipf(folded, lang) >= 2.0:
            likely = lang
        stop_langs = [likely] if likely else languages
        # Arabic and Persian write "and", "so", "for", "with" and the article onto the next
        # word (ومعنا = و + معنا, لابني = ل + ابني): the word itself decides whether it is a
        # stop word and how common it is.
        forms = {folded, *arabic_bases(folded, languages)}
        if "arabic" in translit and script(folded) == "latin" and not self._western(folded):
            # Arabic or Persian in Latin letters: a word of one or two consonants is a little
            # word (ma3, 3al, fi); a longer one weighs as the word it stands for.
            if len(consonants(latin_sounds(folded))) < MIN_CONSONANTS:
                return None
            spelt = self.arabic_spellings(folded)
            if spelt:
                weight = WORD_WEIGHT * min(self._specificity(word, language)
                                           for language, _key, word in spelt)
                return self._word_unit(word, position, weight, lang, translit)
        if "cyrillic" in translit and script(folded) == "latin" and not self._western(folded):
            # Russian or Ukrainian in Latin letters (mne, dlya, hochu): the word as written
            # back in Cyrillic decides whether it is a stop word and how common it is.
            spelt = {(language, fold(cyrillic)) for language in ("ru", "uk")
                     for cyrillic in cyrillic_spellings(folded, language)}
            known = [(language, w) for language, w in spelt if zipf(w, language) > 0]
            if any(is_stop_word(w, language) for language, w in spelt):
                return None
            if known:
                weight = WORD_WEIGHT * min(self._specificity(w, language) for language, w in known)
                return self._word_unit(word, position, weight, lang, translit)
        if any(is_stop_word(form, language) for form in forms
               for language in stop_langs if language) or len(folded) < 2:
            return None
        weight = WORD_WEIGHT * min(self._specificity(form, likely) for form in forms)
        return self._word_unit(word, position, weight, lang, translit)

    def _word_unit(self, word: str, position: int, weight: float, lang: str,
                   translit: frozenset[str]) -> Unit:
        """A free word of the query as a unit of its own, found literally, weighing as much
        as the word says."""
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


ARABIC_CONJUNCTIONS = "وف"
ARABIC_PREPOSITIONS = ("ب", "ل")
ARABIC_ARTICLES = ("ال", "ل")
"""What Arabic (and, for و and ب, Persian) writes onto the front of a word: "and"/"so",
then "with"/"for", then the article (لل is ل + ال)."""


def arabic_bases(word: str, languages) -> list[str]:
    """The word without the little words written onto its front, where what remains is a
    word of a language it may belong to (لابني → ابني, وبالمستشفى → مستشفی, بعرف → عرف);
    the forms to judge how much the word says, never to search for."""
    if script(word) != "arabic":
        return []
    found = []
    for rest in _strip_front(word):
        if rest != word and len(rest) >= 3 and rest not in found and \
                any(zipf(rest, x) > max(zipf(word, x), 0.0) for x in languages):
            found.append(rest)
    return found


def _strip_front(word: str) -> list[str]:
    forms = [word]
    if word[0] in ARABIC_CONJUNCTIONS:
        forms.append(word[1:])
    for form in list(forms):
        for front in ARABIC_PREPOSITIONS:
            if form.startswith(front):
                forms.append(form[len(front):])
    for form in list(forms):
        for front in ARABIC_ARTICLES:
            if form.startswith(front):
                forms.append(form[len(front):])
    return forms


def _folded_words(text: str) -> list[str]:
    return [fold(t) for t in tokens(text)]
