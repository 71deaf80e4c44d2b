"""The one search every reader uses: a Query goes in, Results come out.

The stages, each in its own module of finder.search: analysis (each language's
analyser), needs (reading the free text with the need vocabulary), ranking (how well
each offer answers it, and the order). This module holds the filters
(age, phase, district, topic, free, language, access, weekend, evening, online), answered
from sets of document numbers computed once per build, and the relaxation: when
nothing matches, filters are relaxed step by step and the Results say which.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

import numpy as np

from finder.model import LANGUAGES, PHASE_IDS, TOPIC_IDS, ages, is_current, is_stale
from finder.model.places import EARTH_RADIUS_KM
from finder.search import ranking
from finder.search.fit import judge
from finder.search.highlight import highlight
from finder.search.needs import NeedVocabulary, Reading
from finder.search.query import RELAXATIONS, Hit, Query, QueryError, Results

CACHE_BYTES = 48_000_000
"""What a worker keeps of recent searches (their order, scores and distances), for paging
and repeated searches: about 500 searches of 10,000 offers, 50 to 500 of 100,000."""
TIERS_CACHE_SIZE = 64
DISTANCES_CACHE_SIZE = 64
"""The district tiers and the distances of the places (and points) searched lately."""
FAR_KM = 100_000
"""The distance key of an offer without a place of its own or of its service areas."""
TEEN_PARENTS = 0.75
"""Relevance kept by an offer for parents when a young person asks for themselves
("ich bin 15 und meine Eltern streiten nur"): offers for them come first."""
ACTIVITY_TOPICS = ("leisure_sport",)
"""Topics of needs that come in kinds (finder.search.fit): only the family's own word
says the offer answers it."""
FIRST_CONTACTS = 3
"""How many places that help with any question a search shows when nothing fits exactly."""


@dataclass
class _Match:
    order: np.ndarray
    """The matching offers' document numbers, in the ranking's order."""
    scores: np.ndarray
    """Each ordered offer's relevance (scores[i] belongs to order[i])."""
    labels: list[str]
    """The district tiers' labels (see WHY_ORDER), when a district was searched."""
    tier: np.ndarray
    """Each ordered offer's district tier: an index into labels."""
    distance: np.ndarray | None
    """Each ordered offer's distance in km (NaN where it has no place), when distances
    were measured (a place or a point was given)."""
    relaxed: tuple[str, ...]
    suggestion: str | None
    facets: dict
    terms: frozenset[str]
    district: str | None
    emergency: bool
    needs: tuple[str, ...]
    fit: str
    first_contact: list[int]
    """When the fit is not strong: places that help with any question (not in order)."""
    first_scores: np.ndarray
    first_tier: np.ndarray
    first_distance: np.ndarray | None
    """The first-contact offers' relevance, district tier and distance (one per offer)."""

    @property
    def size(self) -> int:
        """Bytes held, for the cache's budget."""
        arrays = (self.order, self.scores, self.tier, self.first_scores, self.first_tier,
                  self.distance, self.first_distance)
        return sum(a.nbytes for a in arrays if a is not None)


class Engine:
    """Search over one build; everything here is computed once when the build opens.

    Each filter is a boolean array with one place per offer, so that a query's
    filters, relevance and ranking rules are a few NumPy operations over the whole
    catalogue."""

    def __init__(self, catalogue):
        self.catalogue = catalogue
        columns = catalogue.columns()
        self.ids = columns.ids
        """Each document's offer id (a memory-mapped array when the build has its columns)."""
        self.n = columns.n
        self.places = catalogue.places
        if columns.place_ids != list(self.places.ids):
            raise RuntimeError(f"the places of {catalogue.path} and its columns disagree")
        self.place_index = {p: i for i, p in enumerate(self.places.ids)}
        self.topic_matrix, self.phase_matrix = columns.topics, columns.phases
        self.topic_bits, self.phase_bits = _bits(columns.topics), _bits(columns.phases)
        """The same matrices as bits, 64 offers a number: the facets count offers found per
        topic and phase with one AND and a bit count (a tenth of counting booleans)."""
        self.topic_masks = dict(zip(TOPIC_IDS, columns.topics))
        self.phase_masks = dict(zip(PHASE_IDS, columns.phases))
        self.citywide, self.online_mask = columns.flag("citywide"), columns.flag("online")
        self.at_home = columns.flag("at_home")
        """at_home: every offer that comes to the family (home, Kita or school, along to
        appointments); online: every offer from afar (online, by phone)."""
        self.free_mask, self.wheelchair_mask = columns.flag("free"), columns.flag("wheelchair")
        self.weekend_mask, self.evening_mask = columns.flag("weekend"), columns.flag("evening")
        self.first_contact = columns.flag("first_contact")
        """Places that help with any question: shown first when nothing fits exactly."""
        self.for_parents, self.for_adults = columns.flag("for_parents"), columns.flag("for_adults")
        self.always_reachable = columns.flag("always_reachable")
        """Offers for the parents (not the child); offers an adult may use for themselves
        (for parents or families, or with no upper age under 18); lines open day and night."""
        self.lang_masks: dict[str, np.ndarray] = dict(zip(columns.spoken_languages,
                                                          columns.spoken))
        self.translated = dict(zip(LANGUAGES, columns.translated))
        self.low, self.high, self.bounded = columns.low, columns.high, columns.flag("bounded")
        self.first_topic, self.topic_count = columns.first_topic, columns.topic_count
        self.id_rank = columns.id_rank
        self._columns = columns
        self.named_docs, self.named_area = columns.named_docs, columns.named_area
        """named_area: whether the offer only serves the place (a service area) rather
        than being held there."""
        self.named_start = columns.named_start
        self.facet_docs, self.facet_places = columns.facet_docs, columns.facet_places
        self.point_lat, self.point_lon = columns.point_lat, columns.point_lon
        self.point_cos = columns.point_cos
        self.point_docs, self.point_start = columns.point_docs, columns.point_start
        self.vocabulary = NeedVocabulary(catalogue.vocabulary, catalogue.lexicon_counts,
                                         catalogue.districts, catalogue.lexicon.split, self.n,
                                         catalogue.spellings)
        self.scorer = ranking.Scorer(catalogue, self.topic_masks, self.phase_masks, self.n,
                                     self.bounded)
        self._cache: OrderedDict = OrderedDict()
        self._cache_bytes = 0
        self._cache_lock = threading.Lock()
        self._daily: tuple[str, np.ndarray, np.ndarray] | None = None
        self._tiers: OrderedDict = OrderedDict()
        self._distances: OrderedDict = OrderedDict()

    # --- filters ------------------------------------------------------------

    def _today(self, today: dt.date) -> tuple[np.ndarray, np.ndarray]:
        """The offers current on the day, and those not verified for over a year, by the
        model's rules (computed once a day)."""
        daily = self._daily
        if daily is None or daily[0] != today:
            # The model's rules, once per distinct pair of dates (a catalogue of 100,000
            # offers has a few hundred), then spread over the offers.
            columns = self._columns
            alive = np.array([is_current(first, last, today)
                              for first, last in columns.validity_values], dtype=bool)[columns.validity]
            stale = np.array([is_stale(a, today) for a in columns.assured_values],
                             dtype=bool)[columns.assured]
            self._daily = daily = (today, alive, stale)
        return daily[1], daily[2]

    def _fits_ages(self, months: tuple[int, ...], expecting: bool) -> np.ndarray:
        """Offers whose age range overlaps the children's years (or pregnancy)."""
        wanted = np.zeros(self.n, dtype=bool)
        for m in months:
            # finder.model.ages.fits, for every offer at once.
            first, last = ages.year_months(m // 12)
            wanted |= (self.low <= last) & (self.high >= first)
        if expecting:
            wanted |= (self.low <= -1) & (self.high >= -9)
        return wanted

    def _filtered(self, q: Query, skip: set[str], today: dt.date) -> np.ndarray:
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

    # --- places and distances -------------------------------------------------

    def _named_at(self, places, areas_only: bool = False) -> np.ndarray:
        """The offers held in or serving any of these places (only serving, with
        areas_only)."""
        found = np.zeros(self.n, dtype=bool)
        for place in places:
            i = self.place_index[place]
            start, end = self.named_start[i], self.named_start[i + 1]
            docs = self.named_docs[start:end]
            found[docs[self.named_area[start:end]] if areas_only else docs] = True
        return found

    def _local(self, district: str) -> np.ndarray:
        """The offers in the family's place: held in it or in a place inside it, serving
        it, or serving a place it lies in (an offer for the whole Gemeinde is an offer for
        each of its Ortsteile)."""
        inside = [district, *self.places.descendants(district)]
        return self._named_at(inside) | self._named_at(self.places.ancestors(district), True)

    def _district_tiers(self, district: str, steps: frozenset[str]) -> tuple[list, np.ndarray]:
        """The tiers' labels, best first, and each offer's tier (len(labels) if none)."""
        key = (district, steps)
        with self._cache_lock:
            found = self._tiers.get(key)
        if found is None:
            found = self._make_tiers(district, steps)
            with self._cache_lock:
                self._tiers[key] = found
                while len(self._tiers) > TIERS_CACHE_SIZE:
                    self._tiers.popitem(last=False)
        return found

    def _make_tiers(self, district: str, steps: frozenset[str]) -> tuple[list, np.ndarray]:
        # Offers that come to the family's home count where they serve, not where
        # their office is: an at-home offer for the Weststadt is no help in Ostend.
        local = self._local(district)
        near = self.places.near(district)
        home = self.at_home & (local | self.citywide)
        tiers = [("district", local & ~self.at_home), ("at_home", home),
                 ("online", self.online_mask),
                 ("citywide", self.citywide & ~self.at_home),
                 ("neighbour", self._named_at(near) & ~self.at_home)]
        if "nearby_districts" in steps:
            ring = set().union(*(self.places.near(x) for x in near)) if near else set()
            ring -= near | {district} | set(self.places.ancestors(district))
            tiers.append(("nearby", self._named_at(ring)))
        if "whole_town" in steps:
            tiers.append(("elsewhere", np.ones(self.n, dtype=bool)))
        rank = np.full(self.n, len(tiers), dtype=np.int8)
        for position in range(len(tiers) - 1, -1, -1):
            rank[tiers[position][1]] = position
        return [label for label, _ in tiers], rank

    def _origin(self, q: Query) -> tuple[float, float] | None:
        """Where distances are measured from: the point the family shared, else their
        place's coordinates."""
        if q.near is not None:
            return q.near
        return self.places.point(q.district) if q.district else None

    def distances(self, origin: tuple[float, float]) -> np.ndarray:
        """Each offer's straight-line distance in km from the origin to the nearest place
        where it is held (finder.model.km_between for every offer at once; NaN for offers
        without a place)."""
        with self._cache_lock:
            found = self._distances.get(origin)
        if found is not None:
            return found
        lat, lon = np.radians(origin[0]), np.radians(origin[1])
        a = np.sin((self.point_lat - lat) / 2) ** 2 + \
            np.cos(lat) * self.point_cos * np.sin((self.point_lon - lon) / 2) ** 2
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        found = np.full(self.n, np.nan, dtype=np.float32)
        if len(km):
            found[self.point_docs] = np.minimum.reduceat(km, self.point_start)
        with self._cache_lock:
            self._distances[origin] = found
            while len(self._distances) > DISTANCES_CACHE_SIZE:
                self._distances.popitem(last=False)
        return found

    def _within(self, q: Query, labels: list, tier: np.ndarray, km: np.ndarray) -> np.ndarray:
        """The radius filter: offers held at most radius_km away, and those that need no
        journey (online, by phone, coming to the family's place)."""
        ok = self.online_mask | (km <= q.radius_km)
        if labels:
            ok |= tier == labels.index("at_home")
        else:
            ok |= self.at_home & self.citywide
        return ok

    def _where(self, labels: list, tier: np.ndarray, km: np.ndarray | None,
               docs: np.ndarray) -> np.ndarray:
        """The key of the ranking's `district` rule for these offers: with a distance,
        offers in the family's place and those that come to them first, then online and
        by phone, then the rest by whole kilometres; without one, the district tiers."""
        if km is None:
            return tier[docs]
        key = np.rint(np.nan_to_num(km[docs], nan=FAR_KM)).astype(np.int32) + 2
        key[self.online_mask[docs]] = 1
        if labels:
            here = tier[docs]
            key[(here == labels.index("district")) | (here == labels.index("at_home"))] = 0
        else:
            key[(self.at_home & self.citywide)[docs]] = 0
        return key

    # --- the search ---------------------------------------------------------

    def read(self, text: str, lang: str = "de") -> Reading:
        """What the free text says, as the search reads it (see finder.needs)."""
        return self.vocabulary.read(text, lang)

    def warm(self) -> None:
        """Read what every need's search words find now (their postings, kept within the
        scorer's budget), so that a need's first search does not wait for it: at 100,000
        offers in 64 segments, a few seconds once per worker instead of up to 0.1 s on
        a family's first searches."""
        for need in self.vocabulary.needs.values():
            self.scorer.need(need)

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._cache.clear()
            self._cache_bytes = 0

    def search(self, q: Query, today: dt.date) -> Results:
        """The one search; `today` decides which offers are current and stale."""
        if q.district is not None and q.district not in self.place_index:
            raise QueryError("district", f"unknown district {q.district!r}")
        key = (q.cache_key(), today)
        with self._cache_lock:
            match = self._cache.get(key)
            if match is not None:
                self._cache.move_to_end(key)
        if match is None:
            match = self._match(q, today)
            with self._cache_lock:
                if key not in self._cache:
                    self._cache[key] = match
                    self._cache_bytes += match.size
                while self._cache_bytes > CACHE_BYTES and len(self._cache) > 1:
                    _, dropped = self._cache.popitem(last=False)
                    self._cache_bytes -= dropped.size
        return self._page(q, match, today)

    def _match(self, q: Query, today: dt.date) -> _Match:
        reading = self.read(q.text, q.lang) if q.text else Reading([])
        if q.district is None and reading.district:
            q = replace(q, district=reading.district)
        applicable = []
        for step, name in RELAXATIONS:
            if name == "district" and q.district and not reading.has_text:
                applicable.append(step)
            elif name == "radius_km" and q.radius_km and self._origin(q) is not None:
                applicable.append(step)
            elif name == "topics" and q.topics:
                applicable.append(step)
            elif step == "no_words" and reading.has_text:
                applicable.append(step)
            elif name == "ages" and (q.ages_months or q.expecting):
                applicable.append(step)
            elif name not in ("district", "radius_km", "topics", "text", "ages") and \
                    getattr(q, name):
                applicable.append(step)
        taken: list[str] = []
        while True:
            order, scores, why, per_unit, km = self._attempt(q, reading, set(taken), today)
            if len(order) or len(taken) == len(applicable):
                break
            taken.append(applicable[len(taken)])
        misfit = ~self._fits_ages(reading.ages_months, False) if reading.ages_months \
            else np.zeros(self.n, dtype=bool)
        translated = np.ones(self.n, dtype=bool) if q.lang == "de" else self.translated[q.lang]
        fit = judge(reading, per_unit, scores, order, taken, misfit, ranking.BANDS[0],
                    self.scorer.own_words, q.lang, translated, self._meets,
                    self._in_kinds)
        first = self._first_contact(q, scores, today) if fit != "strong" else []
        if first:
            # Shown first, apart from the related offers: never twice.
            order = order[~np.isin(order, first)]
        found = np.zeros(self.n, dtype=bool)
        found[order] = True
        found_bits = _bits(found)
        facets = {
            "topic": dict(zip(TOPIC_IDS, np.bitwise_count(self.topic_bits & found_bits)
                              .sum(axis=1, dtype=np.int64).tolist())),
            "phase": dict(zip(PHASE_IDS, np.bitwise_count(self.phase_bits & found_bits)
                              .sum(axis=1, dtype=np.int64).tolist())),
            "district": dict(zip(self.places.ids, np.bincount(
                self.facet_places[found[self.facet_docs]], minlength=len(self.place_index))
                .tolist())),
        }
        emergency = reading.emergency or "crisis_protection" in q.topics
        # Kept compact, for the ordered offers only: 512 cached matches of 100,000 offers as
        # whole-catalogue arrays would hold some 700 MB per worker.
        return _Match(order.astype(np.int32), scores[order], why[0], why[1][order],
                      None if km is None else km[order], tuple(taken),
                      self._suggestion(reading, order, per_unit), facets,
                      self._highlight_terms(reading), q.district, emergency,
                      tuple(sorted(reading.needs)), fit, first, scores[first], why[1][first],
                      None if km is None else km[first])

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

    def _attempt(self, q: Query, reading: Reading, steps: set[str], today: dt.date):
        skip = {name for step, name in RELAXATIONS if step in steps and name != "text"}
        skip.discard("district")
        docs = self._filtered(q, skip, today)
        by_text = reading.has_text and "no_words" not in steps
        origin = self._origin(q)
        radius = q.radius_km if origin is not None and "radius_km" not in skip else None
        if q.district and (by_text or radius):
            # With words, the district orders offers that answer the need about
            # equally well; it never hides a better answer elsewhere in town. With a
            # radius, the radius says how far.
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
        km = self.distances(origin) if origin is not None else None
        if radius:
            docs &= self._within(replace(q, radius_km=radius), labels, tier, km)
        scores = np.zeros(self.n, dtype=np.float32)
        per_unit: list[np.ndarray] = []
        if by_text:
            scores, per_unit = self.scorer.relevance(reading, self.vocabulary.needs, docs)
            if reading.ages_months:
                misfit = ~self._fits_ages(reading.ages_months, False)
                scores[misfit] *= ranking.AGE_MISFIT
            if reading.who == "teen":
                scores[self.for_parents] *= TEEN_PARENTS
            best = float(scores.max()) if self.n else 0.0
            floor = max(best * ranking.KEEP_SHARE, ranking.MIN_RELEVANCE)
            docs &= scores >= floor
        candidates = np.flatnonzero(docs)
        where = self._where(labels, tier, km, candidates)
        order = candidates[self._order(q, reading, scores, where, tier, candidates, today)]
        return order, scores, (labels, tier), per_unit, km

    def _order(self, q: Query, reading: Reading, scores: np.ndarray, where: np.ndarray,
               tier: np.ndarray, candidates: np.ndarray, today: dt.date) -> np.ndarray:
        """The ranking rules of finder.ranking, applied with one stable multi-key sort:
        `where` is the `district` rule's key of each candidate (tiers or kilometres), `tier`
        the district tiers themselves (tier 0 is the family's own place, which
        _lift_own_district needs)."""
        score = scores[candidates]
        best = float(score.max()) if len(score) else 0.0
        band = ranking.bands(score, best)
        if q.district and reading.has_text:
            band = self._lift_own_district(band, tier[candidates], candidates)
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
        # Relevance to three decimals (np.round's own arithmetic), as whole thousandths.
        keys = {"band": band, "crisis": crisis, "district": where,
                "relevance": -np.rint(score * 1000), "main_topic": main_topic,
                "focus": topic_count, "age_fit": span, "translated": untranslated,
                "fresh": stale, "id": self.id_rank[candidates]}
        return ranking.order_by([keys[name] for name, _ in ranking.RULES])

    def _lift_own_district(self, band: np.ndarray, tier: np.ndarray,
                           candidates: np.ndarray) -> np.ndarray:
        """Bands in which an offer of the family's own district (tier 0) of a kind that
        answers the need best (the main topic of an offer in the first band) counts as
        answering as well as the best when it is in the second band: the Kita next door
        says a little less about itself than one across town, and is no worse a Kita.
        A weaker match of another kind stays below (a computer course for "Deutschkurs")."""
        kinds = np.unique(self.first_topic[candidates][band == 0])
        lift = (tier == 0) & (band == 1) & np.isin(self.first_topic[candidates], kinds)
        if not lift.any():
            return band
        band = band.copy()
        band[lift] = 0
        return band

    def _in_kinds(self, need_id: str) -> bool:
        """Whether a need comes in kinds of activity (finder.search.fit): karate, ballet and
        riding are all sport, and a club of another kind is no answer to the family's word."""
        return bool(set(self.vocabulary.needs[need_id].topics) & set(ACTIVITY_TOPICS))

    def _meets(self, qualifier, unit) -> np.ndarray:
        """Per offer: whether it meets a qualifier of the text (finder.search.qualifiers):
        a language asked for is spoken there or named in it, an audience is its own, it is
        reachable at night."""
        named = self.scorer.own_words(unit) > 0 if unit is not None \
            else np.zeros(self.n, dtype=bool)
        if qualifier.kind == "language":
            return named | self.lang_masks.get(qualifier.value, np.zeros(self.n, dtype=bool))
        if qualifier.kind == "audience" and qualifier.value == "adults":
            return named | self.for_adults
        if qualifier.kind == "time":
            return named | self.always_reachable
        return named

    def _first_contact(self, q: Query, scores: np.ndarray, today: dt.date) -> list[int]:
        """The town's places that help with any question, best first: in the family's
        district or for the whole town before those further away, those speaking the
        reader's language, then those nearer to what was asked; at most FIRST_CONTACTS."""
        docs = np.flatnonzero(self.first_contact & self._today(today)[0])
        if not len(docs):
            return []
        if q.district:
            _labels, tier = self._district_tiers(q.district, frozenset({"nearby_districts",
                                                                        "whole_town"}))
            where = tier[docs]
        else:
            where = np.where(self.citywide[docs], 0, 1)
        speaks = self.lang_masks.get(q.lang, np.zeros(self.n, dtype=bool))[docs]
        order = np.lexsort((self.id_rank[docs], -np.round(scores[docs], 2), ~speaks, where))
        return [int(d) for d in docs[order][:FIRST_CONTACTS]]

    def _hits(self, q: Query, match: _Match, docs: list[int], scores: np.ndarray, tier: np.ndarray,
              distance: np.ndarray | None, today: dt.date) -> tuple[Hit, ...]:
        """The hits of `docs`; scores, tier and distance hold one value per doc, in order."""
        ids = [str(self.ids[d]) for d in docs]
        offers = self.catalogue.offers_by_ids(ids)
        stale = self._today(today)[1]
        hits = []
        for i, doc in enumerate(docs):
            offer = offers[ids[i]]
            title, fallback = offer.text_in("name", q.lang)
            # A card is in one language: the German summary beside a German title.
            summary = offer.summary if fallback else offer.text("summary", q.lang)
            km = float(distance[i]) if distance is not None else math.nan
            hits.append(Hit(
                offer=offer, title=title, summary=summary, fallback=fallback,
                why=match.labels[tier[i]] if tier[i] < len(match.labels) else "",
                score=float(scores[i]), stale=bool(stale[doc]),
                highlights={"title": highlight(title, match.terms),
                            "summary": highlight(summary, match.terms)},
                distance_km=None if math.isnan(km) else km,
            ))
        return tuple(hits)

    def _page(self, q: Query, match: _Match, today: dt.date) -> Results:
        page = slice((q.page - 1) * q.page_size, q.page * q.page_size)
        docs = [int(d) for d in match.order[page]]
        hits = self._hits(q, match, docs, match.scores[page], match.tier[page],
                          None if match.distance is None else match.distance[page], today)
        first = self._hits(q, match, match.first_contact, match.first_scores, match.first_tier,
                           match.first_distance, today)
        return Results(q, hits, len(match.order), match.facets, match.suggestion, match.relaxed,
                       match.district, match.emergency, match.needs, match.fit, first)


def _bits(masks: np.ndarray) -> np.ndarray:
    """Boolean masks (one row each, or a single one) packed into 64-bit numbers along the
    offers, the last number padded with zeros."""
    pad = -masks.shape[-1] % 64
    widths = [(0, 0)] * (masks.ndim - 1) + [(0, pad)]
    packed = np.packbits(np.pad(masks, widths), axis=-1, bitorder="little")
    return packed.view(np.uint64)
