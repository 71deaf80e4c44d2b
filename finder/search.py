"""The one search every reader uses: a Query goes in, Results come out.

The stages, each in its own module: finder.analysis (each language's analyser),
finder.needs (reading the free text with the need vocabulary), finder.ranking
(how well each offer answers it, and the order). This module holds the filters
(age, phase, district, topic, free, language, access, weekend, online), answered
from sets of document numbers computed once per build, and the relaxation: when
nothing matches, filters are relaxed step by step and the Results say which.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import lru_cache

from finder import ranking
from finder.analysis import fold, is_latin, stem
from finder.content import UI_LANGUAGES
from finder.model import PHASE_IDS, TOPIC_IDS
from finder.needs import NeedVocabulary, Reading

MAX_TEXT = 500
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000
STALE_DAYS = 365
CACHE_SIZE = 512
# Relaxation steps, in the order they are tried, and the filter each loosens.
RELAXATIONS = (
    ("nearby_districts", "district"),
    ("whole_town", "district"),
    ("any_topic", "topics"),
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
        """What decides the matching set and its order: everything except paging."""
        return (fold(self.text), self.lang, self.ages_months, self.expecting, self.phase, self.district,
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
    """The share of the query the offer answers, 0 to 1 (0 without text)."""
    stale: bool
    """Not verified for over a year."""
    assured_date: str | None
    highlights: dict = field(default_factory=dict)
    """title and summary as lists of (text, matched) pieces."""
    audience: str = "child"
    """child, parents or family: who the offer is for."""

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
    emergency: bool = False
    """The query is about violence, abuse, self-harm or an acute crisis: show the
    emergency numbers on top."""
    needs: tuple[str, ...] = ()
    """The needs read from the text (ids of the need vocabulary)."""

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
                "score": round(h.score, 4), "stale": h.stale, "audience": h.audience,
            } for h in self.hits],
            "facets": self.facets,
            "relaxed": list(self.relaxed),
            "suggestion": self.suggestion,
            "district": self.district,
            "emergency": self.emergency,
            "needs": list(self.needs),
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
    emergency: bool
    needs: tuple[str, ...]


class Engine:
    """Search over one build; everything here is computed once when the build opens."""

    def __init__(self, catalogue):
        self.catalogue = catalogue
        db = catalogue.db
        rows = db.execute(
            "SELECT id, name, provider_id, topics, phases, service_areas, districts, "
            "attending_type, free, languages, wheelchair_accessible, open_weekends, "
            "min_age_months, max_age_months, valid_to, assured_date, audience, "
            "translations FROM offers").fetchall()
        by_id = {r["id"]: r for r in rows}
        reader = catalogue.searcher().reader()
        self.ids: list[str] = [fields["id"] for fields in reader.all_stored_fields()]
        if sorted(self.ids) != sorted(by_id):
            raise RuntimeError(f"index and database of {catalogue.path} disagree")
        self.n = len(self.ids)
        self.docnum = {offer_id: i for i, offer_id in enumerate(self.ids)}
        self.all = frozenset(range(self.n))

        self.topic_sets = {t: set() for t in TOPIC_IDS}
        self.phase_sets = {p: set() for p in PHASE_IDS}
        self.local = {d: set() for d in catalogue.districts}
        self.citywide, self.online_set, self.at_home = set(), set(), set()
        self.free_set, self.wheelchair_set, self.weekend_set = set(), set(), set()
        self.lang_sets: dict[str, set[int]] = {}
        self.translated: dict[str, set[int]] = {lang: set() for lang in UI_LANGUAGES}
        self.age_years: dict[int, set[int]] = {y: set() for y in range(-1, 30)}
        self.valid_to: list[str | None] = []
        self.assured: list[str | None] = []
        self.ages: list[tuple[int | None, int | None]] = []
        self.topics_of: list[tuple[str, ...]] = []
        for doc, offer_id in enumerate(self.ids):
            r = by_id[offer_id]
            topics = tuple(json.loads(r["topics"]))
            self.topics_of.append(topics)
            for t in topics:
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
            for lang, texts in json.loads(r["translations"]).items():
                if texts.get("name") and lang in self.translated:
                    self.translated[lang].add(doc)
            self.translated["de"].add(doc)
            self.ages.append((r["min_age_months"], r["max_age_months"]))
            low = 0 if r["min_age_months"] is None else r["min_age_months"]
            high = 359 if r["max_age_months"] is None else r["max_age_months"]
            for year in self.age_years:
                first, last = (-9, -1) if year < 0 else (year * 12, year * 12 + 11)
                if low <= last and first <= high:
                    self.age_years[year].add(doc)
            self.valid_to.append(r["valid_to"])
            self.assured.append(r["assured_date"])
        self.neighbours = {d: set(v["neighbours"]) for d, v in catalogue.districts.items()}
        self.second_ring = {
            d: set().union(*(self.neighbours[n] for n in ns)) - ns - {d} if ns else set()
            for d, ns in self.neighbours.items()
        }
        self.vocabulary = NeedVocabulary(catalogue.vocabulary, catalogue.lexicon_counts,
                                         catalogue.districts, catalogue.lexicon.split, self.n)
        self.scorer = ranking.Scorer(catalogue, self.topic_sets, self.phase_sets, self.n)
        self._cache: OrderedDict = OrderedDict()
        self._cache_lock = threading.Lock()
        self._expired: tuple[str, frozenset[int]] | None = None
        self._tiers: dict[tuple, tuple] = {}

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

    def read(self, text: str, lang: str = "de") -> Reading:
        """What the free text says, as the search reads it (see finder.needs)."""
        return self.vocabulary.read(text, lang)

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
        reading = self.read(q.text, q.lang) if q.text else Reading([])
        if q.district is None and reading.district:
            q = replace(q, district=reading.district)
        applicable = []
        for step, name in RELAXATIONS:
            if name == "district" and q.district and not reading.has_text:
                applicable.append(step)
            elif name == "topics" and q.topics:
                applicable.append(step)
            elif step == "no_words" and reading.has_text:
                applicable.append(step)
            elif name == "ages" and (q.ages_months or q.expecting):
                applicable.append(step)
            elif name not in ("district", "topics", "text", "ages") and getattr(q, name):
                applicable.append(step)
        taken: list[str] = []
        while True:
            order, scores, why, matched = self._attempt(q, reading, set(taken), today)
            if order or len(taken) == len(applicable):
                break
            taken.append(applicable[len(taken)])
        matched_set = set(order)
        facets = {
            "topic": {t: len(matched_set & s) for t, s in self.topic_sets.items()},
            "phase": {p: len(matched_set & s) for p, s in self.phase_sets.items()},
            "district": {d: len(matched_set & s) for d, s in self.local.items()},
        }
        emergency = reading.emergency or "crisis_protection" in q.topics
        return _Match(order, scores, why, tuple(taken), self._suggestion(reading, order, matched),
                      facets, self._highlight_terms(reading), q.district, emergency,
                      tuple(sorted(reading.needs)))

    def _suggestion(self, reading: Reading, order: list[int],
                    matched: dict[int, set[int]]) -> str | None:
        """The query as corrected, when a correction is what found the first results."""
        if not reading.corrections:
            return None
        helped = {i for i, u in enumerate(reading.units) if u.corrected}
        if not any(matched.get(doc, set()) & helped for doc in order[:3]):
            return None
        return " ".join(reading.corrections.get(w, w) for w in reading.words)

    def _highlight_terms(self, reading: Reading) -> frozenset[str]:
        terms: set[str] = set()
        for unit in reading.units:
            if unit.weight <= 0:
                continue
            terms.update(unit.german)
            terms.update(unit.foreign)
            for meaning in unit.meanings:
                if meaning.kind == "need":
                    for stems in self.vocabulary.needs[meaning.id].search:
                        terms.update(stems)
        return frozenset(terms)

    def _attempt(self, q: Query, reading: Reading, steps: set[str], today: str):
        skip = {name for step, name in RELAXATIONS if step in steps and name != "text"}
        skip.discard("district")
        if "whole_town" in steps:
            skip.add("district")
        docs = self._filtered(q, skip, today)
        by_text = reading.has_text and "no_words" not in steps
        if q.district and by_text:
            # With words, the district orders offers that answer the need about
            # equally well; it never hides a better answer elsewhere in town.
            tiers = self._district_tiers(q.district, frozenset({"nearby_districts",
                                                                "whole_town"}))
        elif q.district and "whole_town" not in steps:
            tiers = self._district_tiers(q.district, frozenset(steps))
        elif q.district:
            tiers = self._district_tiers(q.district, frozenset(steps | {"nearby_districts"}))
        else:
            tiers = ()
        if tiers:
            docs = docs & tiers[-1][2]
        scores: dict[int, float] = {}
        matched: dict[int, set[int]] = {}
        if by_text:
            scores, matched = self.scorer.relevance(reading, self.vocabulary.needs, docs)
            if reading.ages_months:
                for doc in scores:
                    if not ranking.age_fits(*self.ages[doc], reading.ages_months):
                        scores[doc] *= ranking.AGE_MISFIT
            best = max(scores.values(), default=0.0)
            floor = max(best * ranking.KEEP_SHARE, ranking.MIN_RELEVANCE)
            scores = {d: s for d, s in scores.items() if s >= floor}
            docs = set(scores)
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
        order = sorted(docs, key=self._order_key(q, reading, scores, rank))
        return order, scores, why, matched

    def _order_key(self, q: Query, reading: Reading, scores: dict[int, float],
                   rank: dict[int, int]):
        """The ranking rules of finder.ranking, as one sort key."""
        best = max(scores.values(), default=0.0)
        crisis = self.topic_sets["crisis_protection"] if reading.emergency else set()
        translated = self.translated.get(q.lang, set())
        ages = q.ages_months or reading.ages_months
        wanted_topics = set(q.topics)
        stale_before = (dt.date.today() - dt.timedelta(days=STALE_DAYS)).isoformat()

        def key(doc: int):
            score = scores.get(doc, 0.0)
            relevance_band = ranking.band(score, best) if best else 0
            topics = self.topics_of[doc]
            if wanted_topics:
                topic_fit = (0 if topics[0] in wanted_topics else 1, len(topics))
            else:
                topic_fit = (0, 0)
            low, high = self.ages[doc]
            if ages and (low is not None or high is not None):
                span = (359 if high is None else high) - (0 if low is None else low)
            else:
                span = 400 if ages else 0
            assured = self.assured[doc] or ""
            return (relevance_band,
                    0 if doc in crisis and relevance_band <= 1 else 1,
                    rank.get(doc, 0),
                    -round(score, 3),
                    topic_fit,
                    span,
                    0 if doc in translated else 1,
                    0 if assured >= stale_before else 1,
                    self.ids[doc])
        return key

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
                audience=offer["audience"],
            ))
        return Results(q, tuple(hits), len(match.order), match.facets, match.suggestion,
                       match.relaxed, match.district, match.emergency, match.needs)


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
