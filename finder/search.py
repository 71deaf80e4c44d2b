"""The one search every reader uses: a Query goes in, Results come out.

The stages, each in its own module: finder.analysis (each language's analyser),
finder.needs (reading the free text with the need vocabulary), finder.ranking
(how well each offer answers it, and the order). This module holds the filters
(age, phase, district, topic, free, language, access, weekend, evening, online), answered
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

import numpy as np

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
    ("evening", "evening"),
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
    evening: bool = False
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
                self.evening, self.online)


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
    order: np.ndarray
    scores: np.ndarray
    labels: list[str]
    """The district tiers' labels (see WHY_ORDER), when a district was searched."""
    tier: np.ndarray
    """Each offer's district tier: an index into labels."""
    relaxed: tuple[str, ...]
    suggestion: str | None
    facets: dict
    terms: frozenset[str]
    district: str | None
    emergency: bool
    needs: tuple[str, ...]


class Engine:
    """Search over one build; everything here is computed once when the build opens.

    Each filter is a boolean array with one place per offer, so that a query's
    filters, relevance and ranking rules are a few NumPy operations over the whole
    catalogue."""

    def __init__(self, catalogue):
        self.catalogue = catalogue
        db = catalogue.db
        rows = db.execute(
            "SELECT id, name, provider_id, topics, phases, service_areas, districts, "
            "attending_type, free, languages, wheelchair_accessible, open_weekends, "
            "open_evenings, "
            "min_age_months, max_age_months, valid_to, assured_date, audience, "
            "translations FROM offers").fetchall()
        by_id = {r["id"]: r for r in rows}
        reader = catalogue.searcher().reader()
        self.ids: list[str] = [fields["id"] for fields in reader.all_stored_fields()]
        if sorted(self.ids) != sorted(by_id):
            raise RuntimeError(f"index and database of {catalogue.path} disagree")
        n = self.n = len(self.ids)
        self.docnum = {offer_id: i for i, offer_id in enumerate(self.ids)}

        def mask() -> np.ndarray:
            return np.zeros(n, dtype=bool)

        self.topic_masks = {t: mask() for t in TOPIC_IDS}
        self.phase_masks = {p: mask() for p in PHASE_IDS}
        self.local = {d: mask() for d in catalogue.districts}
        self.citywide, self.online_mask, self.at_home = mask(), mask(), mask()
        self.free_mask, self.wheelchair_mask, self.weekend_mask = mask(), mask(), mask()
        self.evening_mask = mask()
        self.lang_masks: dict[str, np.ndarray] = {}
        self.translated = {lang: mask() for lang in UI_LANGUAGES}
        self.low = np.zeros(n, dtype=np.int16)
        self.high = np.full(n, 359, dtype=np.int16)
        self.bounded = mask()
        self.first_topic = np.zeros(n, dtype=np.int8)
        self.topic_count = np.zeros(n, dtype=np.int8)
        self.valid_to: list[str | None] = []
        self.assured: list[str] = []
        for doc, offer_id in enumerate(self.ids):
            r = by_id[offer_id]
            topics = json.loads(r["topics"])
            self.first_topic[doc] = TOPIC_IDS.index(topics[0])
            self.topic_count[doc] = len(topics)
            for t in topics:
                self.topic_masks[t][doc] = True
            for p in json.loads(r["phases"]):
                self.phase_masks[p][doc] = True
            areas = json.loads(r["service_areas"])
            for d in set(json.loads(r["districts"])) | set(areas):
                if d in self.local:
                    self.local[d][doc] = True
            self.citywide[doc] = "citywide" in areas
            self.online_mask[doc] = r["attending_type"] == "online"
            self.at_home[doc] = r["attending_type"] == "at_home"
            self.free_mask[doc] = bool(r["free"])
            self.wheelchair_mask[doc] = bool(r["wheelchair_accessible"])
            self.weekend_mask[doc] = bool(r["open_weekends"])
            self.evening_mask[doc] = bool(r["open_evenings"])
            for lang in json.loads(r["languages"]):
                self.lang_masks.setdefault(lang, mask())[doc] = True
            for lang, texts in json.loads(r["translations"]).items():
                if texts.get("name") and lang in self.translated:
                    self.translated[lang][doc] = True
            self.translated["de"][doc] = True
            if r["min_age_months"] is not None:
                self.low[doc] = r["min_age_months"]
            if r["max_age_months"] is not None:
                self.high[doc] = r["max_age_months"]
            self.bounded[doc] = r["min_age_months"] is not None or r["max_age_months"] is not None
            self.valid_to.append(r["valid_to"])
            self.assured.append(r["assured_date"] or "")
        self.id_rank = np.argsort(np.argsort(np.array(self.ids, dtype=object))).astype(np.int32)
        self.topic_matrix = np.array([self.topic_masks[t] for t in TOPIC_IDS])
        self.phase_matrix = np.array([self.phase_masks[p] for p in PHASE_IDS])
        self.district_ids = list(self.local)
        self.district_matrix = np.array([self.local[d] for d in self.district_ids]) \
            if self.district_ids else np.zeros((0, n), dtype=bool)
        self.neighbours = {d: set(v["neighbours"]) for d, v in catalogue.districts.items()}
        self.second_ring = {
            d: set().union(*(self.neighbours[x] for x in ns)) - ns - {d} if ns else set()
            for d, ns in self.neighbours.items()
        }
        self.vocabulary = NeedVocabulary(catalogue.vocabulary, catalogue.lexicon_counts,
                                         catalogue.districts, catalogue.lexicon.split, self.n,
                                         catalogue.spellings)
        self.scorer = ranking.Scorer(catalogue, self.topic_masks, self.phase_masks, self.n,
                                     self.bounded)
        self._cache: OrderedDict = OrderedDict()
        self._cache_lock = threading.Lock()
        self._daily: tuple[str, np.ndarray, np.ndarray] | None = None
        self._tiers: dict[tuple, tuple] = {}

    # --- filters ------------------------------------------------------------

    def _today(self, today: str) -> tuple[np.ndarray, np.ndarray]:
        """The offers still valid today, and those not verified for over a year."""
        daily = self._daily
        if daily is None or daily[0] != today:
            alive = np.array([v is None or v >= today for v in self.valid_to], dtype=bool)
            stale_before = (dt.date.fromisoformat(today)
                            - dt.timedelta(days=STALE_DAYS)).isoformat()
            stale = np.array([a < stale_before for a in self.assured], dtype=bool)
            self._daily = daily = (today, alive, stale)
        return daily[1], daily[2]

    def _fits_ages(self, months: tuple[int, ...], expecting: bool) -> np.ndarray:
        """Offers whose age range overlaps the children's years (or pregnancy)."""
        wanted = np.zeros(self.n, dtype=bool)
        for m in months:
            first, last = m // 12 * 12, m // 12 * 12 + 11
            wanted |= (self.low <= last) & (self.high >= first)
        if expecting:
            wanted |= (self.low <= -1) & (self.high >= -9)
        return wanted

    def _filtered(self, q: Query, skip: set[str], today: str) -> np.ndarray:
        docs = self._today(today)[0].copy()
        if "ages" not in skip and (q.ages_months or q.expecting):
            docs &= self._fits_ages(q.ages_months, q.expecting)
        if q.phase and "phase" not in skip:
            docs &= self.phase_masks[q.phase]
        if q.topics and "topics" not in skip:
            docs &= np.logical_or.reduce([self.topic_masks[t] for t in q.topics])
        if q.free and "free" not in skip:
            docs &= self.free_mask
        if q.lang_spoken and "lang_spoken" not in skip:
            docs &= self.lang_masks.get(q.lang_spoken, np.zeros(self.n, dtype=bool))
        if q.wheelchair and "wheelchair" not in skip:
            docs &= self.wheelchair_mask
        if q.weekend and "weekend" not in skip:
            docs &= self.weekend_mask
        if q.evening and "evening" not in skip:
            docs &= self.evening_mask
        if q.online and "online" not in skip:
            docs &= self.online_mask
        return docs

    def _district_tiers(self, district: str, steps: frozenset[str]) -> tuple[list, np.ndarray]:
        """The tiers' labels, best first, and each offer's tier (len(labels) if none)."""
        key = (district, steps)
        if key not in self._tiers:
            self._tiers[key] = self._make_tiers(district, steps)
        return self._tiers[key]

    def _make_tiers(self, district: str, steps: frozenset[str]) -> tuple[list, np.ndarray]:
        def union(ids) -> np.ndarray:
            return np.logical_or.reduce([self.local[x] for x in ids] or
                                        [np.zeros(self.n, dtype=bool)])

        # Offers that come to the family's home count where they serve, not where
        # their office is: an at-home offer for the Weststadt is no help in Ostend.
        home = self.at_home & (self.local[district] | self.citywide)
        tiers = [("district", self.local[district] & ~self.at_home),
                 ("citywide", self.citywide & ~self.at_home),
                 ("online", self.online_mask), ("at_home", home),
                 ("neighbour", union(self.neighbours[district]) & ~self.at_home)]
        if "nearby_districts" in steps:
            tiers.append(("nearby", union(self.second_ring[district])))
        if "whole_town" in steps:
            tiers.append(("elsewhere", np.ones(self.n, dtype=bool)))
        rank = np.full(self.n, len(tiers), dtype=np.int8)
        for position in range(len(tiers) - 1, -1, -1):
            rank[tiers[position][1]] = position
        return [label for label, _ in tiers], rank

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
            order, scores, why, per_unit = self._attempt(q, reading, set(taken), today)
            if len(order) or len(taken) == len(applicable):
                break
            taken.append(applicable[len(taken)])
        found = np.zeros(self.n, dtype=bool)
        found[order] = True
        facets = {
            "topic": dict(zip(TOPIC_IDS, self.topic_matrix[:, found].sum(axis=1).tolist())),
            "phase": dict(zip(PHASE_IDS, self.phase_matrix[:, found].sum(axis=1).tolist())),
            "district": dict(zip(self.district_ids,
                                 self.district_matrix[:, found].sum(axis=1).tolist())),
        }
        emergency = reading.emergency or "crisis_protection" in q.topics
        # Kept as a compact array: 512 cached matches of 10,000 offers as Python lists
        # of ints would hold some 180 MB per worker.
        return _Match(order.astype(np.int32), scores, why[0], why[1], tuple(taken),
                      self._suggestion(reading, order, per_unit), facets,
                      self._highlight_terms(reading), q.district, emergency,
                      tuple(sorted(reading.needs)))

    def _suggestion(self, reading: Reading, order: np.ndarray,
                    per_unit: list[np.ndarray]) -> str | None:
        """The query as corrected, when a correction is what found the first results."""
        if not reading.corrections or not per_unit:
            return None
        first = order[:3]
        helped = any(u.corrected and (strengths[first] > 0).any()
                     for u, strengths in zip(reading.units, per_unit))
        if not helped:
            return None
        return " ".join(reading.corrections.get(w, w) for w in reading.words)

    def _highlight_terms(self, reading: Reading) -> frozenset[str]:
        terms: set[str] = set()
        for unit in reading.units:
            if unit.weight <= 0:
                continue
            terms.update(unit.german)
            terms.update(k.split(":", 1)[-1] for k in unit.foreign)
            for meaning in unit.meanings:
                if meaning.kind == "need":
                    for stems in self.vocabulary.needs[meaning.id].search:
                        terms.update(stems)
        return frozenset(terms)

    def _attempt(self, q: Query, reading: Reading, steps: set[str], today: str):
        skip = {name for step, name in RELAXATIONS if step in steps and name != "text"}
        skip.discard("district")
        docs = self._filtered(q, skip, today)
        by_text = reading.has_text and "no_words" not in steps
        if q.district and by_text:
            # With words, the district orders offers that answer the need about
            # equally well; it never hides a better answer elsewhere in town.
            labels, tier = self._district_tiers(q.district, frozenset({"nearby_districts",
                                                                       "whole_town"}))
        elif q.district and "whole_town" not in steps:
            labels, tier = self._district_tiers(q.district, frozenset(steps))
        elif q.district:
            labels, tier = self._district_tiers(q.district,
                                                frozenset(steps | {"nearby_districts"}))
        else:
            labels, tier = [], np.zeros(self.n, dtype=np.int8)
        if labels:
            docs &= tier < len(labels)
        scores = np.zeros(self.n, dtype=np.float32)
        per_unit: list[np.ndarray] = []
        if by_text:
            scores, per_unit = self.scorer.relevance(reading, self.vocabulary.needs, docs)
            if reading.ages_months:
                misfit = ~self._fits_ages(reading.ages_months, False)
                scores[misfit] *= ranking.AGE_MISFIT
            best = float(scores.max()) if self.n else 0.0
            floor = max(best * ranking.KEEP_SHARE, ranking.MIN_RELEVANCE)
            docs &= scores >= floor
        candidates = np.flatnonzero(docs)
        order = candidates[self._order(q, reading, scores, tier, candidates, today)]
        return order, scores, (labels, tier), per_unit

    def _order(self, q: Query, reading: Reading, scores: np.ndarray, tier: np.ndarray,
               candidates: np.ndarray, today: str) -> np.ndarray:
        """The ranking rules of finder.ranking, applied with one stable multi-key sort."""
        score = scores[candidates]
        best = float(score.max()) if len(score) else 0.0
        band = ranking.bands(score, best)
        if reading.emergency:
            crisis = ~(self.topic_masks["crisis_protection"][candidates] & (band <= 1))
        else:
            crisis = np.zeros(len(candidates), dtype=bool)
        # With a child's age, a range made for that age comes before one open to all.
        if q.ages_months or reading.ages_months:
            span = np.where(self.bounded[candidates],
                            self.high[candidates].astype(np.int32) - self.low[candidates], 400)
        else:
            span = np.zeros(len(candidates), dtype=np.int32)
        # The family's topics: chosen, or named in the text ("Familienberatung").
        topics = q.topics or tuple(sorted({m.id for u in reading.units for m in u.meanings
                                           if m.kind == "topic"}))
        if topics:
            wanted = [TOPIC_IDS.index(t) for t in topics]
            main_topic = ~np.isin(self.first_topic[candidates], wanted)
            topic_count = self.topic_count[candidates]
        else:
            main_topic = topic_count = np.zeros(len(candidates), dtype=np.int8)
        untranslated = ~self.translated.get(q.lang, self.translated["de"])[candidates]
        stale = self._today(today)[1][candidates]
        # np.lexsort sorts by the last key first.
        return np.lexsort((self.id_rank[candidates], stale, untranslated, span, topic_count,
                           main_topic, -np.round(score, 3), tier[candidates], crisis, band))

    def _page(self, q: Query, match: _Match, today: str) -> Results:
        start = (q.page - 1) * q.page_size
        docs = match.order[start:start + q.page_size]
        docs = [int(d) for d in docs]
        offers = self.catalogue.offers_by_ids([self.ids[d] for d in docs])
        stale = self._today(today)[1]
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
                why=match.labels[match.tier[doc]] if match.labels else "",
                score=float(match.scores[doc]),
                stale=bool(stale[doc]),
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
