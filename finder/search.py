"""The one search every reader uses: a Query goes in, Results come out.

Filters (age, phase, district, topic, free, language, access, weekend, online)
are answered from sets of document numbers that are computed once per build;
free text goes through finder.analysis and the catalogue's vocabulary and is
matched and scored by Whoosh. When nothing matches, filters are relaxed step by
step and the Results say which steps were taken.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import lru_cache

from finder.analysis import fold, is_latin, stem, words
from finder.content import UI_LANGUAGES
from finder.model import PHASE_IDS, TOPIC_IDS

MAX_TEXT = 500
MAX_WORDS = 24
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000
STALE_DAYS = 365
CACHE_SIZE = 512
POSTINGS_BUDGET = 2_000_000
"""How many (document, score) pairs of term postings a build keeps in memory."""
TITLE_WEIGHT, FOREIGN_WEIGHT = 3.0, 1.5
TOPIC_WEIGHT, PHASE_WEIGHT = 0.5, 0.3

Node = tuple
"""A query node: ("term", stem, word), ("topic", id), ("phase", id),
("and", [nodes]) or ("or", [nodes])."""

STOPWORDS = frozenset(fold(w) for w in """
und oder für fur mit in im am an auf der die das den dem des ein eine einen einem einer
ich wir mein meine meinen meinem unser unsere kind kinder kindes sohn tochter wo was wie
gibt es suche suchen brauche brauchen hilfe bitte zu zum zur von bei nach ist sind hat
and or for with in on at the a an my our i we need looking where what how is are of to
child children kid kids son daughter please help
ve ile için icin bir benim çocuk cocuk çocuğum cocugum yardım yardim lütfen lutfen nerede
و في من على إلى الى مع عن طفل طفلي أطفال اطفال أريد اريد ابحث مساعدة
і й в у на з до для мій моя мої дитина дитини діти дітей допомога де
и в у на с со до для мой моя мои ребенок ребёнок ребенка ребёнка дети детей помощь где
و در به با از برای من کودک بچه فرزند کمک کجا
""".split())
"""Words that say nothing about which offer is meant ("Hilfe für mein Kind")."""

# Relaxation steps, in the order they are tried, and the filter each loosens.
RELAXATIONS = (
    ("nearby_districts", "district"),
    ("whole_town", "district"),
    ("any_topic", "topics"),
    ("any_word", "text"),
    ("no_words", "text"),
    ("weekend", "weekend"),
    ("online", "online"),
    ("free", "free"),
    ("lang_spoken", "lang_spoken"),
    ("wheelchair", "wheelchair"),
    ("phase", "phase"),
    ("ages", "ages"),
)

# Why a hit is shown when a district was chosen, best first.
WHY_ORDER = ("district", "citywide", "online", "at_home", "neighbour", "nearby", "elsewhere")


class QueryError(ValueError):
    """A query parameter that cannot be searched for; names the parameter."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(f"{parameter}: {message}")


@dataclass(frozen=True)
class Query:
    """What a family asks for. Ages are in months; "expecting" is its own flag."""

    text: str = ""
    ages_months: tuple[int, ...] = ()
    expecting: bool = False
    phase: str | None = None
    district: str | None = None
    topics: tuple[str, ...] = ()
    lang: str = "de"
    free: bool = False
    lang_spoken: str | None = None
    wheelchair: bool = False
    weekend: bool = False
    online: bool = False
    page: int = 1
    page_size: int = 10

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise QueryError("text", "must be text")
        # Control characters and overlong input are cut here, once for every reader.
        text = "".join(" " if ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 else ch
                       for ch in self.text[: MAX_TEXT * 4])
        object.__setattr__(self, "text", " ".join(text.split())[:MAX_TEXT])
        ages = tuple(self.ages_months)
        for age in ages:
            if not isinstance(age, int) or isinstance(age, bool) or not 0 <= age < 30 * 12:
                raise QueryError("age", f"{age!r} is not an age from 0 to 29 years")
        if len(ages) > 10:
            raise QueryError("age", "at most ten children at once")
        object.__setattr__(self, "ages_months", tuple(sorted(set(ages))))
        object.__setattr__(self, "topics", tuple(sorted(set(self.topics))))
        if self.lang not in UI_LANGUAGES:
            raise QueryError("lang", f"{self.lang!r} is not one of {', '.join(UI_LANGUAGES)}")
        if self.phase is not None and self.phase not in PHASE_IDS:
            raise QueryError("phase", f"unknown life phase {self.phase!r}")
        for topic in self.topics:
            if topic not in TOPIC_IDS:
                raise QueryError("topic", f"unknown topic {topic!r}")
        if self.lang_spoken is not None and not re.fullmatch(r"[a-z]{2,3}", self.lang_spoken):
            raise QueryError("lang_spoken", f"{self.lang_spoken!r} is not a language code")
        if not isinstance(self.page, int) or not 1 <= self.page <= MAX_PAGE:
            raise QueryError("page", f"must be a whole number from 1 to {MAX_PAGE}")
        if not isinstance(self.page_size, int) or not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise QueryError("page_size", f"must be from 1 to {MAX_PAGE_SIZE}")

    def cache_key(self) -> tuple:
        """What decides the matching set: everything except paging and language."""
        return (fold(self.text), self.ages_months, self.expecting, self.phase, self.district,
                self.topics, self.free, self.lang_spoken, self.wheelchair, self.weekend,
                self.online)


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    summary: str
    fallback: bool
    """True when title and summary are German because the reader's language is missing."""
    provider_id: str
    topics: tuple[str, ...]
    phases: tuple[str, ...]
    districts: tuple[str, ...]
    min_age_months: int | None
    max_age_months: int | None
    attending_type: str
    free: bool
    why: str
    """Why the hit is there when a district was chosen: see WHY_ORDER; "" otherwise."""
    score: float
    stale: bool
    """Not verified for over a year."""
    assured_date: str | None
    highlights: dict = field(default_factory=dict)
    """title and summary as lists of (text, matched) pieces."""

    def age_label(self) -> str:
        low, high = self.min_age_months, self.max_age_months
        if low is None and high is None:
            return "alle"
        def years(m):
            return "Schw." if m < 0 else f"{m // 12}J" if m % 12 == 0 else f"{m}M"
        return f"{years(low if low is not None else 0)}–{years(high) if high is not None else ''}"


@dataclass(frozen=True)
class Results:
    query: Query
    hits: tuple[Hit, ...]
    total: int
    facets: dict
    suggestion: str | None
    relaxed: tuple[str, ...]
    """Relaxation steps taken, in order (see RELAXATIONS); empty when the query matched."""
    district: str | None = None
    """The district searched in: the query's, or one named in its text."""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.page_size))

    @property
    def relaxed_filters(self) -> frozenset[str]:
        names = dict(RELAXATIONS)
        return frozenset(names[step] for step in self.relaxed)

    def as_json(self) -> dict:
        return {
            "total": self.total,
            "page": self.query.page,
            "pages": self.pages,
            "hits": [{
                "id": h.id, "title": h.title, "summary": h.summary, "fallback": h.fallback,
                "topics": list(h.topics), "phases": list(h.phases),
                "districts": list(h.districts), "min_age_months": h.min_age_months,
                "max_age_months": h.max_age_months, "why": h.why,
                "score": round(h.score, 4), "stale": h.stale,
            } for h in self.hits],
            "facets": self.facets,
            "relaxed": list(self.relaxed),
            "suggestion": self.suggestion,
            "district": self.district,
        }


@dataclass
class _Match:
    order: list[int]
    scores: dict[int, float]
    why: dict[int, str]
    relaxed: tuple[str, ...]
    suggestion: str | None
    facets: dict
    terms: frozenset[str]
    district: str | None


@dataclass
class _Words:
    """The analysed free text: one group of alternatives per word or phrase."""

    groups: list[Node]
    terms: frozenset[str]
    corrections: dict[str, str]
    """Misspelt word → the catalogue word it was read as."""
    district: str | None = None
    """A district named in the text ("Hebamme Nordstadt")."""


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


class Engine:
    """Search over one build; everything here is computed once when the build opens."""

    def __init__(self, catalogue):
        self.catalogue = catalogue
        db = catalogue.db
        rows = db.execute(
            "SELECT id, name, provider_id, topics, phases, service_areas, districts, "
            "attending_type, free, languages, wheelchair_accessible, open_weekends, "
            "min_age_months, max_age_months, valid_to, assured_date FROM offers").fetchall()
        by_id = {r["id"]: r for r in rows}
        reader = catalogue.searcher().reader()
        self.ids: list[str] = [fields["id"] for fields in reader.all_stored_fields()]
        if sorted(self.ids) != sorted(by_id):
            raise RuntimeError(f"index and database of {catalogue.path} disagree")
        self.n = len(self.ids)
        self.docnum = {offer_id: i for i, offer_id in enumerate(self.ids)}
        self.all = frozenset(range(self.n))
        import json

        self.topic_sets = {t: set() for t in TOPIC_IDS}
        self.phase_sets = {p: set() for p in PHASE_IDS}
        self.local = {d: set() for d in catalogue.districts}
        self.citywide, self.online_set, self.at_home = set(), set(), set()
        self.free_set, self.wheelchair_set, self.weekend_set = set(), set(), set()
        self.lang_sets: dict[str, set[int]] = {}
        self.age_years: dict[int, set[int]] = {y: set() for y in range(-1, 30)}
        self.valid_to: list[str | None] = []
        self.assured: list[str | None] = []
        self.names: list[str] = []
        self.rows: list = []
        for doc, offer_id in enumerate(self.ids):
            r = by_id[offer_id]
            self.rows.append(r)
            self.names.append(fold(r["name"]))
            for t in json.loads(r["topics"]):
                self.topic_sets[t].add(doc)
            for p in json.loads(r["phases"]):
                self.phase_sets[p].add(doc)
            areas = json.loads(r["service_areas"])
            for d in set(json.loads(r["districts"])) | set(areas):
                if d in self.local:
                    self.local[d].add(doc)
            if "citywide" in areas:
                self.citywide.add(doc)
            if r["attending_type"] == "online":
                self.online_set.add(doc)
            elif r["attending_type"] == "at_home":
                self.at_home.add(doc)
            if r["free"]:
                self.free_set.add(doc)
            if r["wheelchair_accessible"]:
                self.wheelchair_set.add(doc)
            if r["open_weekends"]:
                self.weekend_set.add(doc)
            for lang in json.loads(r["languages"]):
                self.lang_sets.setdefault(lang, set()).add(doc)
            low = 0 if r["min_age_months"] is None else r["min_age_months"]
            high = 359 if r["max_age_months"] is None else r["max_age_months"]
            for year in self.age_years:
                first, last = (-9, -1) if year < 0 else (year * 12, year * 12 + 11)
                if low <= last and first <= high:
                    self.age_years[year].add(doc)
            self.valid_to.append(r["valid_to"])
            self.assured.append(r["assured_date"])
        # Alphabetical position of each offer's name: ties in ranking sort by name.
        self.name_rank = [0] * self.n
        for position, doc in enumerate(sorted(range(self.n), key=self.names.__getitem__)):
            self.name_rank[doc] = position
        self.neighbours = {d: set(v["neighbours"]) for d, v in catalogue.districts.items()}
        self.second_ring = {
            d: set().union(*(self.neighbours[n] for n in ns)) - ns - {d} if ns else set()
            for d, ns in self.neighbours.items()
        }
        self.index_terms = frozenset(
            term.decode() if isinstance(term, bytes) else term
            for fieldname in ("title", "body", "foreign")
            for term in reader.lexicon(fieldname)
        )
        self.phrases = self._phrase_table(catalogue.vocabulary)
        self.district_words = {}
        for district_id, district in catalogue.districts.items():
            self.district_words[fold(district_id)] = district_id
            self.district_words[fold(district["name"])] = district_id
        self._fuzzy: dict[str, set[str]] | None = None
        self._fuzzy_lock = threading.Lock()
        self._cache: OrderedDict = OrderedDict()
        self._postings: OrderedDict = OrderedDict()
        self._postings_lock = threading.Lock()
        self._postings_size = 0
        self._cache_lock = threading.Lock()
        self._expired: tuple[str, frozenset[int]] | None = None
        self._tiers: dict[tuple, tuple] = {}

    # --- vocabulary ---------------------------------------------------------

    @staticmethod
    def _key(text: str) -> tuple[str, ...]:
        return tuple(stem(w) for w in words(text))

    def _phrase_table(self, vocabulary: dict) -> dict[tuple[str, ...], dict]:
        """Every word families type, in any language, to what it stands for."""
        table: dict[tuple[str, ...], dict] = {}

        def add(word: str, kind: str, value) -> None:
            key = self._key(word)
            if key:
                entry = table.setdefault(key, {"topic": set(), "phase": set(), "terms": set()})
                if kind == "terms":
                    entry["terms"].update(value)
                else:
                    entry[kind].add(value)

        for kind in ("topic", "phase"):
            for key, entry in vocabulary[kind].items():
                for items in entry["words"].values():
                    for word in items:
                        add(word, kind, key)
                for label in entry["labels"].values():
                    add(label, kind, key)
        for concept in vocabulary["concept"].values():
            german = {self._key(w) for w in concept["words"].get("de", [])}
            for items in concept["words"].values():
                for word in items:
                    add(word, "terms", german)
        return table

    # --- text ---------------------------------------------------------------

    def _fuzzy_index(self) -> dict[str, set[str]]:
        with self._fuzzy_lock:
            if self._fuzzy is None:
                fuzzy: dict[str, set[str]] = {}
                vocab_words = {k[0] for k in self.phrases if len(k) == 1}
                candidates = {w for w in self.catalogue.lexicon_counts if len(w) >= 4}
                for word in candidates | {w for w in vocab_words if len(w) >= 4}:
                    fuzzy.setdefault(word, set()).add(word)
                    for variant in _deletes(word):
                        fuzzy.setdefault(variant, set()).add(word)
                self._fuzzy = fuzzy
            return self._fuzzy

    def _correct(self, word: str) -> str | None:
        """The catalogue word a misspelt word most likely means, or None."""
        limit = 1 if len(word) < 8 else 2
        if len(word) < 4:
            return None
        fuzzy = self._fuzzy_index()
        variants = {word} | _deletes(word)
        if limit == 2:
            variants |= {v2 for v in list(variants) for v2 in _deletes(v)}
        found: set[str] = set()
        for variant in variants:
            found |= fuzzy.get(variant, set())
        counts = self.catalogue.lexicon_counts
        scored = [(d, -counts.get(c, 0), c) for c in found
                  if c != word and (d := _edit_distance(word, c, limit)) <= limit]
        return min(scored)[2] if scored else None

    def _correction(self, word: str, entry: dict | None) -> str | None:
        """A correction for a word the catalogue does not know.

        A word the vocabulary knows (midwife, kreş) is only corrected towards a
        word that means the same thing there: Schwimen → schwimmen, not kreş → kreis.
        """
        if stem(word) in self.index_terms or word in self.index_terms or not is_latin(word):
            return None
        corrected = self._correct(word)
        if corrected is None or entry is None:
            return corrected
        other = self.phrases.get((stem(corrected),))
        if other and any(entry[k] & other[k] for k in ("topic", "phase", "terms")):
            return corrected
        return None

    def analyse(self, text: str) -> _Words:
        """Turn free text into groups of alternatives, one group per word or phrase."""
        tokens = words(text)[:MAX_WORDS]
        district = next((self.district_words[t] for t in tokens if t in self.district_words), None)
        if district:
            tokens = [t for t in tokens if t not in self.district_words]
        only_stopwords = all(t in STOPWORDS for t in tokens)
        keys = [stem(t) for t in tokens]
        groups: list[Node] = []
        terms: set[str] = set()
        corrections: dict[str, str] = {}
        i = 0
        while i < len(tokens):
            for size in range(min(4, len(tokens) - i), 0, -1):
                entry = self.phrases.get(tuple(keys[i:i + size]))
                if entry:
                    break
            else:
                size, entry = 1, None
            if size == 1 and tokens[i] in STOPWORDS and not only_stopwords:
                i += 1
                continue
            word = tokens[i]
            alternatives: list[Node] = []
            if size == 1:
                alternatives += self._word_queries(word, terms)
                corrected = self._correction(word, entry)
                if corrected:
                    corrections[word] = corrected
                    alternatives += self._word_queries(corrected, terms)
                    entry = _merge(entry, self.phrases.get((stem(corrected),)))
            else:
                phrase = tokens[i:i + size]
                alternatives.append(("and", [self._term_query(stem(w), w, terms) for w in phrase]))
            if entry:
                for topic in sorted(entry["topic"]):
                    alternatives.append(("topic", topic))
                for phase in sorted(entry["phase"]):
                    alternatives.append(("phase", phase))
                for german in sorted(entry["terms"]):
                    parts = [self._term_query(t, t, terms) for t in german]
                    alternatives.append(parts[0] if len(parts) == 1 else ("and", parts))
            groups.append(("or", alternatives))
            i += size
        return _Words(groups, frozenset(terms), corrections, district)

    def _term_query(self, term: str, word: str, terms: set[str]) -> Node:
        terms.update((term, word))
        return ("term", term, word)

    def _word_queries(self, word: str, terms: set[str]) -> list[Node]:
        queries = [self._term_query(stem(word), word, terms)]
        parts = self.catalogue.lexicon.split(word)
        if parts:
            queries.append(("and", [self._term_query(stem(p), p, terms) for p in parts[-2:]]))
        return queries

    def _text_scores(self, groups: list[Node], allowed: set[int],
                     any_word: bool) -> dict[int, float]:
        if not allowed:
            return {}
        scores = self._evaluate(("or" if any_word else "and", groups))
        if len(scores) <= len(allowed):
            return {d: s for d, s in scores.items() if d in allowed}
        return {d: scores[d] for d in allowed if d in scores}

    def _evaluate(self, node: Node) -> dict[int, float]:
        """Scores of the documents matching a node: sums over Or, all parts for And."""
        kind = node[0]
        if kind == "term":
            return self._term_scores(node[1], node[2])
        if kind in ("topic", "phase"):
            members = (self.topic_sets if kind == "topic" else self.phase_sets)[node[1]]
            weight = TOPIC_WEIGHT if kind == "topic" else PHASE_WEIGHT
            return dict.fromkeys(members, weight)
        parts = [self._evaluate(child) for child in node[1]]
        if kind == "or":
            merged: dict[int, float] = {}
            for part in sorted(parts, key=len, reverse=True):
                if not merged:
                    merged = dict(part)
                    continue
                for doc, score in part.items():
                    merged[doc] = merged.get(doc, 0.0) + score
            return merged
        parts.sort(key=len)
        result = parts[0]
        for part in parts[1:]:
            result = {d: s + part[d] for d, s in result.items() if d in part}
            if not result:
                break
        return result

    def _term_scores(self, term: str, word: str) -> dict[int, float]:
        """BM25F scores of one term over title, body and translations, from Whoosh's
        postings; cached per build, within a budget of postings held."""
        key = (term, word)
        with self._postings_lock:
            cached = self._postings.get(key)
            if cached is not None:
                self._postings.move_to_end(key)
                return cached
        searcher = self.catalogue.searcher()
        reader = searcher.reader()
        scores: dict[int, float] = {}
        for fieldname, text, weight in (("title", term, TITLE_WEIGHT), ("body", term, 1.0),
                                        ("foreign", word, FOREIGN_WEIGHT)):
            if (fieldname, text) not in reader:
                continue
            matcher = searcher.postings(fieldname, text)
            while matcher.is_active():
                doc = matcher.id()
                scores[doc] = scores.get(doc, 0.0) + weight * matcher.score()
                matcher.next()
        with self._postings_lock:
            self._postings[key] = scores
            self._postings_size += len(scores) + 1
            while self._postings_size > POSTINGS_BUDGET and len(self._postings) > 1:
                _, dropped = self._postings.popitem(last=False)
                self._postings_size -= len(dropped) + 1
        return scores

    # --- filters ------------------------------------------------------------

    def _live_docs(self, today: str) -> frozenset[int]:
        cached = self._expired
        if cached is None or cached[0] != today:
            alive = frozenset(d for d in range(self.n)
                              if self.valid_to[d] is None or self.valid_to[d] >= today)
            self._expired = cached = (today, alive)
        return cached[1]

    def _filtered(self, q: Query, skip: set[str], today: str) -> set[int]:
        docs = self._live_docs(today)
        if "ages" not in skip and (q.ages_months or q.expecting):
            wanted = set()
            for months in q.ages_months:
                wanted |= self.age_years[months // 12]
            if q.expecting:
                wanted |= self.age_years[-1]
            docs &= wanted
        if q.phase and "phase" not in skip:
            docs &= self.phase_sets[q.phase]
        if q.topics and "topics" not in skip:
            docs &= set().union(*(self.topic_sets[t] for t in q.topics))
        if q.free and "free" not in skip:
            docs &= self.free_set
        if q.lang_spoken and "lang_spoken" not in skip:
            docs &= self.lang_sets.get(q.lang_spoken, set())
        if q.wheelchair and "wheelchair" not in skip:
            docs &= self.wheelchair_set
        if q.weekend and "weekend" not in skip:
            docs &= self.weekend_set
        if q.online and "online" not in skip:
            docs &= self.online_set
        return docs

    def _district_tiers(self, district: str, steps: frozenset[str]) -> tuple:
        """(label, members, everything up to here) for each tier, best first."""
        key = (district, steps)
        if key not in self._tiers:
            self._tiers[key] = self._make_tiers(district, steps)
        return self._tiers[key]

    def _make_tiers(self, district: str, steps: frozenset[str]) -> tuple:
        tiers = [("district", self.local[district]), ("citywide", self.citywide),
                 ("online", self.online_set), ("at_home", self.at_home - self.citywide),
                 ("neighbour", set().union(*(self.local[n] for n in self.neighbours[district])))]
        if "nearby_districts" in steps:
            tiers.append(("nearby", set().union(*(self.local[n] for n in
                                                  self.second_ring[district]))))
        if "whole_town" in steps:
            tiers.append(("elsewhere", set(self.all)))
        result, reached = [], frozenset()
        for label, members in tiers:
            reached = reached | members
            result.append((label, frozenset(members), reached))
        return tuple(result)

    # --- the search ---------------------------------------------------------

    def search(self, q: Query) -> Results:
        if q.district is not None and q.district not in self.local:
            raise QueryError("district", f"unknown district {q.district!r}")
        today = dt.date.today().isoformat()
        key = (q.cache_key(), today)
        with self._cache_lock:
            match = self._cache.get(key)
            if match is not None:
                self._cache.move_to_end(key)
        if match is None:
            match = self._match(q, today)
            with self._cache_lock:
                self._cache[key] = match
                if len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return self._page(q, match, today)

    def _match(self, q: Query, today: str) -> _Match:
        analysed = self.analyse(q.text) if q.text else _Words([], frozenset(), {})
        if q.district is None and analysed.district:
            q = replace(q, district=analysed.district)
        applicable = []
        for step, name in RELAXATIONS:
            if name == "district" and q.district:
                applicable.append(step)
            elif name == "topics" and q.topics:
                applicable.append(step)
            elif step == "any_word" and len(analysed.groups) > 1:
                applicable.append(step)
            elif step == "no_words" and analysed.groups:
                applicable.append(step)
            elif name == "ages" and (q.ages_months or q.expecting):
                applicable.append(step)
            elif name not in ("district", "topics", "text", "ages") and getattr(q, name):
                applicable.append(step)
        taken: list[str] = []
        while True:
            order, scores, why = self._attempt(q, analysed, set(taken), today)
            if order or len(taken) == len(applicable):
                break
            taken.append(applicable[len(taken)])
        suggestion = None
        if analysed.corrections:
            suggestion = " ".join(analysed.corrections.get(w, w) for w in words(q.text))
        matched = set(order)
        facets = {
            "topic": {t: len(matched & s) for t, s in self.topic_sets.items()},
            "phase": {p: len(matched & s) for p, s in self.phase_sets.items()},
            "district": {d: len(matched & s) for d, s in self.local.items()},
        }
        return _Match(order, scores, why, tuple(taken), suggestion, facets, analysed.terms,
                      q.district)

    def _attempt(self, q: Query, analysed: _Words, steps: set[str], today: str):
        skip = {name for step, name in RELAXATIONS if step in steps and name != "text"}
        skip.discard("district")
        if "whole_town" in steps:
            skip.add("district")
        docs = self._filtered(q, skip, today)
        if q.district and "whole_town" not in steps:
            tiers = self._district_tiers(q.district, frozenset(steps))
        elif q.district:
            tiers = self._district_tiers(q.district, frozenset(steps | {"nearby_districts"}))
        else:
            tiers = ()
        if tiers:
            docs = docs & tiers[-1][2]
        if analysed.groups and "no_words" not in steps:
            scores = self._text_scores(analysed.groups, docs, "any_word" in steps)
            docs = set(scores)
        else:
            scores = {}
        # Label only what matched, best tier first.
        why: dict[int, str] = {}
        rank: dict[int, int] = {}
        remaining = set(docs)
        for position, (label, members, _) in enumerate(tiers):
            found = remaining & members
            if found:
                why.update(dict.fromkeys(found, label))
                rank.update(dict.fromkeys(found, position))
                remaining -= found
        name_rank = self.name_rank
        order = sorted(docs, key=lambda d: (rank.get(d, 0), -scores.get(d, 0.0), name_rank[d]))
        return order, scores, why

    def _page(self, q: Query, match: _Match, today: str) -> Results:
        start = (q.page - 1) * q.page_size
        docs = match.order[start:start + q.page_size]
        offers = self.catalogue.offers_by_ids([self.ids[d] for d in docs])
        stale_before = (dt.date.fromisoformat(today) - dt.timedelta(days=STALE_DAYS)).isoformat()
        hits = []
        for doc in docs:
            offer = offers[self.ids[doc]]
            texts = offer["translations"].get(q.lang, {}) if q.lang != "de" else {}
            title = texts.get("name") or offer["name"]
            summary = texts.get("summary") or offer["summary"]
            hits.append(Hit(
                id=offer["id"], title=title, summary=summary,
                fallback=q.lang != "de" and "name" not in texts,
                provider_id=offer["provider_id"], topics=tuple(offer["topics"]),
                phases=tuple(offer["phases"]), districts=tuple(offer["districts"]),
                min_age_months=offer["min_age_months"], max_age_months=offer["max_age_months"],
                attending_type=offer["attending_type"], free=offer["free"],
                why=match.why.get(doc, ""), score=match.scores.get(doc, 0.0),
                stale=offer["assured_date"] is None or offer["assured_date"] < stale_before,
                assured_date=offer["assured_date"],
                highlights={"title": highlight(title, match.terms),
                            "summary": highlight(summary, match.terms)},
            ))
        return Results(q, tuple(hits), len(match.order), match.facets, match.suggestion,
                       match.relaxed, match.district)


def _merge(entry: dict | None, other: dict | None) -> dict | None:
    if entry is None or other is None:
        return entry or other
    return {k: entry[k] | other[k] for k in ("topic", "phase", "terms")}


_PIECES = re.compile(r"(\w+)")


def highlight(text: str, terms: frozenset[str]) -> list[tuple[str, bool]]:
    """The text as pieces, each marked True where a word matched the query."""
    if not terms:
        return [(text, False)]
    inside = _inside_pattern(terms)
    pieces: list[tuple[str, bool]] = []
    for i, piece in enumerate(_PIECES.split(text)):
        if not piece:
            continue
        matched = False
        if i % 2:
            folded = fold(piece)
            matched = (folded in terms or (is_latin(folded) and stem(folded) in terms)
                       or bool(inside and inside.search(folded)))
        if pieces and pieces[-1][1] == matched:
            pieces[-1] = (pieces[-1][0] + piece, matched)
        else:
            pieces.append((piece, matched))
    return pieces


@lru_cache(maxsize=1024)
def _inside_pattern(terms: frozenset[str]) -> re.Pattern | None:
    """Matches a query term inside a compound word (Hebamme in Familienhebammen)."""
    inner = sorted(t for t in terms if len(t) >= 4 and is_latin(t))
    return re.compile("|".join(map(re.escape, inner))) if inner else None
