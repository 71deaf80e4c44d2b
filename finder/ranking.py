"""How well each offer answers a query, and the order of the results.

Relevance: every unit of the query (finder.needs) gives each offer a match
strength from 0 to 1 (the best of its alternatives: the need's German search
words, its topics, the words themselves in the German or translated texts, scored
with Whoosh's BM25F postings); the offer's relevance is the weighted share of the
query it answers. So extra everyday words never shrink the list to chance hits,
and an offer that answers the meaningful part comes first.

Order, as a list of rules where each breaks the ties of the one before:
1. relevance band: offers answering the need about as well as the best one come
   first; nothing below can lift a weaker match above a stronger one;
2. in a crisis, the offers that answer the crisis;
3. district: in the family's district, then city-wide, online, at home, neighbours;
4. relevance itself;
5. fit: the family's topic as the offer's main topic, an age range made for the
   child's age rather than open to all;
6. translated into the reader's language; 7. recently verified.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

from finder.needs import Need, Reading, Unit

NEED_TOPIC_STRENGTH = 0.4
"""An offer in a need's topic that does not use any of its search words."""
NEED_TOPIC_BONUS = 0.1
SEVERAL_SEARCH_WORDS = 0.2
RARE_SHARE, COMMON_WEIGHT = 0.02, 0.5
"""A search word found in at most this share of all offers counts fully; the more
common, the less, down to COMMON_WEIGHT."""
"""Part of a need's strength kept for offers in the need's topics."""
TOPIC_STRENGTH, TOPIC_BESIDE_NEED = 0.8, 0.45
PHASE_STRENGTH, PHASE_BESIDE_NEED = 0.6, 0.35
COMPOUND_STRENGTH = 0.8
LITERAL_BESIDE_MEANING, LITERAL_BONUS = 0.75, 0.25
"""A unit's words found literally count less than what the unit means, and add a
little to an offer that has both."""
AGE_MISFIT = 0.6
"""Relevance kept by an offer whose ages do not fit an age named in the text."""
KEEP_SHARE = 0.3
MIN_RELEVANCE = 0.08
"""Below this share of the query, an offer matched only by chance."""
"""Offers below this share of the best offer's relevance are not results."""
BANDS = (0.85, 0.6)
POSTINGS_BUDGET = 2_000_000
"""How many (document, score) pairs of term postings a build keeps in memory."""
TITLE_WEIGHT, PROVIDER_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 1.0
"""What an offer is called says most, who offers it (Kinderarztpraxis, Frauenhaus) more
than a mention in its description."""


class Scorer:
    """Match strengths over one build's index; postings are cached per build."""

    def __init__(self, catalogue, topic_sets: dict, phase_sets: dict, size: int):
        self.catalogue = catalogue
        self.size = size
        self.topic_sets = topic_sets
        self.phase_sets = phase_sets
        self._cache: OrderedDict = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    # --- strengths of one alternative ------------------------------------------

    def term(self, field: str, text: str) -> dict[int, float]:
        """Strength of one term: 0.5 for any match up to 1 for the best-scored offer.
        field is "de" (title and body) or "foreign" (translations)."""
        key = (field, text)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        searcher = self.catalogue.searcher()
        reader = searcher.reader()
        raw: dict[int, float] = {}
        fields = (("title", TITLE_WEIGHT), ("provider", PROVIDER_WEIGHT), ("body", BODY_WEIGHT)) \
            if field == "de" \
            else (("foreign", 1.0),)
        for fieldname, weight in fields:
            if (fieldname, text) not in reader:
                continue
            matcher = searcher.postings(fieldname, text)
            while matcher.is_active():
                doc = matcher.id()
                raw[doc] = raw.get(doc, 0.0) + weight * matcher.score()
                matcher.next()
        top = max(raw.values(), default=0.0) or 1.0
        strengths = {doc: 0.5 + 0.5 * score / top for doc, score in raw.items()}
        with self._lock:
            self._cache[key] = strengths
            self._size += len(strengths) + 1
            while self._size > POSTINGS_BUDGET and len(self._cache) > 1:
                _, dropped = self._cache.popitem(last=False)
                self._size -= len(dropped) + 1
        return strengths

    def phrase(self, stems: tuple[str, ...]) -> dict[int, float]:
        """Offers that have every word of a German phrase, with the mean strength."""
        parts = sorted((self.term("de", s) for s in stems), key=len)
        if not parts:
            return {}
        if len(parts) == 1:
            return parts[0]
        result = {}
        for doc, value in parts[0].items():
            total = value
            for part in parts[1:]:
                other = part.get(doc)
                if other is None:
                    break
                total += other
            else:
                result[doc] = total / len(parts)
        return result

    def rarity(self, found: int) -> float:
        """How much a search word found in this many offers says (1 for rare words)."""
        total = max(self.size, 1)
        rare = max(total * RARE_SHARE, 1.0)
        if found <= rare:
            return 1.0
        return max(COMMON_WEIGHT, 1.0 - (1.0 - COMMON_WEIGHT) * math.log(found / rare)
                   / math.log(max(total / rare, 2.0)))

    def need(self, need: Need) -> dict[int, float]:
        key = ("need", need.id)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        # A search word found in many offers (sprechen, Betreuung) says less about the
        # need than a rare one (Logopädie): each counts by its rarity. The best word
        # counts most; an offer using several of them, a little more.
        strengths: dict[int, float] = {}
        for stems in need.search:
            found = self.phrase(stems)
            weight = self.rarity(len(found))
            for doc, value in found.items():
                best, total = strengths.get(doc, (0.0, 0.0))
                strengths[doc] = (max(best, weight * value), total + weight * value)
        count = max(len(need.search), 1)
        strengths = {doc: (1 - SEVERAL_SEARCH_WORDS) * best
                     + SEVERAL_SEARCH_WORDS * total / count
                     for doc, (best, total) in strengths.items()}
        in_topics = set().union(*(self.topic_sets[t] for t in need.topics)) if need.topics else set()
        for doc, value in strengths.items():
            strengths[doc] = value * (1 - NEED_TOPIC_BONUS)
        for doc in in_topics:
            value = strengths.get(doc)
            strengths[doc] = NEED_TOPIC_STRENGTH if value is None else value + NEED_TOPIC_BONUS
        with self._lock:
            self._cache[key] = strengths
            self._size += len(strengths) + 1
        return strengths

    # --- a unit, and the whole query ------------------------------------------

    def unit(self, unit: Unit, needs: dict[str, Need]) -> dict[int, float]:
        """Each offer's match strength for one unit: the best of what the unit means
        (needs, topics, phases) and, a little less, of its words found literally."""
        strengths: dict[int, float] = {}
        has_need = any(m.kind == "need" for m in unit.meanings)
        for meaning in unit.meanings:
            if meaning.kind == "need":
                _merge_max(strengths, self.need(needs[meaning.id]))
            elif meaning.kind == "topic":
                value = TOPIC_BESIDE_NEED if has_need else TOPIC_STRENGTH
                _merge_max(strengths, dict.fromkeys(self.topic_sets[meaning.id], value))
            elif meaning.kind == "phase":
                value = PHASE_BESIDE_NEED if has_need else PHASE_STRENGTH
                _merge_max(strengths, dict.fromkeys(self.phase_sets[meaning.id], value))
        if unit.meanings and len(unit.positions) > 1:
            # A phrase's words one by one are no evidence for what the phrase means
            # ("spricht nicht" is not "wir sprechen Arabisch").
            return strengths
        literal: dict[int, float] = {}
        for stem in unit.german:
            _merge_max(literal, self.term("de", stem))
        if unit.compound:
            whole = self.phrase(unit.compound)
            _merge_max(literal, {d: v * COMPOUND_STRENGTH for d, v in whole.items()})
        for text in unit.foreign:
            _merge_max(literal, self.term("foreign", text))
        if not unit.meanings:
            return literal
        for doc, value in literal.items():
            meant = strengths.get(doc, 0.0)
            value *= LITERAL_BESIDE_MEANING
            strengths[doc] = max(meant, value) + (LITERAL_BONUS * value if meant else 0.0)
        return strengths

    def relevance(self, reading: Reading, needs: dict[str, Need],
                  allowed: set[int] | frozenset[int]) -> tuple[dict[int, float], dict[int, set[int]]]:
        """Each allowed offer's share of the query it answers (0 to 1), and which units
        each matched (by index), for offers that match anything."""
        total = sum(u.weight for u in reading.units) or 1.0
        scores: dict[int, float] = {}
        matched: dict[int, set[int]] = {}
        for index, unit in enumerate(reading.units):
            if unit.weight <= 0:
                continue
            for doc, strength in self.unit(unit, needs).items():
                if doc in allowed:
                    scores[doc] = scores.get(doc, 0.0) + unit.weight * strength / total
                    matched.setdefault(doc, set()).add(index)
        return scores, matched


def _merge_max(into: dict[int, float], other: dict[int, float]) -> None:
    for doc, value in other.items():
        if value > into.get(doc, 0.0):
            into[doc] = value


def band(score: float, best: float) -> int:
    """0 for offers answering about as well as the best one, then 1 and 2."""
    share = score / best if best > 0 else 0.0
    for position, floor in enumerate(BANDS):
        if share >= floor:
            return position
    return len(BANDS)


def age_fits(low: int | None, high: int | None, ages_months: tuple[int, ...]) -> bool:
    low = 0 if low is None else low
    high = 359 if high is None else high
    return any(low <= months <= high for months in ages_months)
