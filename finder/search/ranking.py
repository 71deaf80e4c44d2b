"""How well each offer answers a query, and the order of the results.

Relevance: every unit of the query (finder.needs) gives each offer a match
strength from 0 to 1 (the best of its alternatives: the need's German search
words, its topics, the words themselves in the German or translated texts, scored
with Whoosh's BM25F postings); the offer's relevance is the weighted share of the
query it answers. So extra everyday words never shrink the list to chance hits,
and an offer that answers the meaningful part comes first.

Order: RULES below, each breaking the ties of the one before (the search applies them
in this order with one stable sort; the README lists them from here).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

import numpy as np

from finder.search import postings
from finder.search.needs import Need, Reading, Unit

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
OPEN_TO_ALL = 0.5
"""An offer for every age counts half for a life phase named in the text."""
COMPOUND_STRENGTH = 0.8
LITERAL_BESIDE_MEANING, LITERAL_BONUS = 0.75, 0.25
"""A unit's words found literally count less than what the unit means, and add a
little to an offer that has both."""
SITUATION_STRENGTH = 0.9
"""A word found in the situations an offer helps with, against one in its own texts."""
AGE_MISFIT = 0.6
"""Relevance kept by an offer whose ages do not fit an age named in the text."""
KEEP_SHARE = 0.3
MIN_RELEVANCE = 0.08
"""Below this share of the query, an offer matched only by chance."""
"""Offers below this share of the best offer's relevance are not results."""
BANDS = (0.85, 0.6)
POSTINGS_BUDGET = 4_000_000
"""How many (document, score) pairs of postings a build keeps in memory (a dense
array of a need's strengths counts an eighth of its length)."""
TITLE_WEIGHT, PROVIDER_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 1.0
"""What an offer is called says most, who offers it (Kinderarztpraxis, Frauenhaus) more
than a mention in its description."""


RULES = (
    ("band", "relevance band: offers answering the need about as well as the best one (at "
             "least 85 % of its relevance), then 60 %, then the rest; nothing below can lift a "
             "weaker match above a stronger one; with words and a district, an offer of the "
             "family's district of the kind that answers best (the main topic of an offer in the first "
             "band) joins the first band from the second"),
    ("crisis", "in a crisis, the offers that answer the crisis"),
    ("district", "where: in the family's place (or the place it lies in) or coming to the "
                 "family, then online or by phone, then the nearest first, in whole kilometres "
                 "of straight line from the family's place or shared point (with words, only "
                 "within a band)"),
    ("relevance", "relevance itself"),
    ("main_topic", "with a topic chosen or named: the offer's main topic is that topic"),
    ("focus", "with a topic chosen or named: fewer topics (made for this need, not for all)"),
    ("age_fit", "with a child's age: an age range made for it before one open to all"),
    ("translated", "translated into the reader's language"),
    ("fresh", "confirmed within the last year"),
    ("id", "the offer's id, so that the order never depends on chance"),
)
"""The ranking rules, most important first."""


class Scorer:
    """Match strengths over one build's index, as arrays with one value per offer.

    Term postings (from Whoosh, BM25F) are kept sparse and cached per build; a unit's
    strengths are dense arrays, summed per query with NumPy."""

    def __init__(self, catalogue, topic_masks: dict, phase_masks: dict, size: int,
                 bounded: np.ndarray):
        self.catalogue = catalogue
        self.topic_masks = topic_masks
        self.phase_masks = phase_masks
        self.bounded = bounded
        """Offers with an age range: only they are made for a phase of life."""
        self.size = size
        self._cache: OrderedDict = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()

    def _remember(self, key, value, cost: int):
        with self._lock:
            self._cache[key] = (value, cost)
            self._used += cost
            while self._used > POSTINGS_BUDGET and len(self._cache) > 1:
                _, (_, dropped_cost) = self._cache.popitem(last=False)
                self._used -= dropped_cost
        return value

    def _cached(self, key):
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found[0]
        return None

    # --- strengths of one alternative ------------------------------------------

    def term(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Offers having one term and their strength: 0.5 for any match up to 1 for
        the best-scored offer. field is "de" (title, provider, body), "foreign"
        (translations) or "situation" (situations.yaml). Sparse: (document numbers,
        strengths)."""
        key = (field, text)
        found = self._cached(key)
        if found is not None:
            return found
        fields = (("title", TITLE_WEIGHT), ("provider", PROVIDER_WEIGHT), ("body", BODY_WEIGHT)) \
            if field == "de" else ((field, 1.0),)
        docs, values = term_postings(self.catalogue.searcher(), fields, text)
        if len(values):
            values = 0.5 + 0.5 * values / values.max()
        return self._remember(key, (docs, values), len(docs) + 1)

    def _dense(self, sparse: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        dense = np.zeros(self.size, dtype=np.float32)
        dense[sparse[0]] = sparse[1]
        return dense

    def phrase(self, stems: tuple[str, ...]) -> np.ndarray:
        """Offers that have every word of a German phrase, with the mean strength."""
        if not stems:
            return np.zeros(self.size, dtype=np.float32)
        parts = [self._dense(self.term("de", s)) for s in stems]
        if len(parts) == 1:
            return parts[0]
        total = np.sum(parts, axis=0) / len(parts)
        total[np.min(parts, axis=0) == 0] = 0.0
        return total

    def rarity(self, found: int) -> float:
        """How much a search word found in this many offers says (1 for rare words)."""
        total = max(self.size, 1)
        rare = max(total * RARE_SHARE, 1.0)
        if found <= rare:
            return 1.0
        return max(COMMON_WEIGHT, 1.0 - (1.0 - COMMON_WEIGHT) * math.log(found / rare)
                   / math.log(max(total / rare, 2.0)))

    def need(self, need: Need) -> np.ndarray:
        key = ("need", need.id)
        found = self._cached(key)
        if found is not None:
            return found
        # A search word found in many offers (sprechen, Betreuung) says less about the
        # need than a rare one (Logopädie): each counts by its rarity. The best word
        # counts most; an offer using several of them, a little more.
        best = np.zeros(self.size, dtype=np.float32)
        total = np.zeros(self.size, dtype=np.float32)
        for stems in need.search:
            strengths = self.phrase(stems)
            strengths *= self.rarity(int(np.count_nonzero(strengths)))
            np.maximum(best, strengths, out=best)
            total += strengths
        count = max(len(need.search), 1)
        result = (1 - SEVERAL_SEARCH_WORDS) * best + SEVERAL_SEARCH_WORDS * total / count
        result *= 1 - NEED_TOPIC_BONUS
        if need.topics:
            in_topics = np.logical_or.reduce([self.topic_masks[t] for t in need.topics])
            result[in_topics] += NEED_TOPIC_BONUS
            result[in_topics & (result < NEED_TOPIC_STRENGTH)] = NEED_TOPIC_STRENGTH
        return self._remember(key, result, self.size // 8 + 1)

    # --- a unit, and the whole query ------------------------------------------

    def unit(self, unit: Unit, needs: dict[str, Need]) -> np.ndarray:
        """Each offer's match strength for one unit: the best of what the unit means
        (needs, topics, phases) and, a little less, of its words found literally."""
        strengths = np.zeros(self.size, dtype=np.float32)
        has_need = any(m.kind == "need" for m in unit.meanings)
        for meaning in unit.meanings:
            if meaning.kind == "need":
                np.maximum(strengths, self.need(needs[meaning.id]), out=strengths)
            elif meaning.kind in ("topic", "phase"):
                if meaning.kind == "topic":
                    mask = self.topic_masks[meaning.id]
                    value = TOPIC_BESIDE_NEED if has_need else TOPIC_STRENGTH
                else:
                    # Offers for every age belong to every phase; those made for the
                    # phase named ("Teenager", "Baby") answer it better.
                    mask = self.phase_masks[meaning.id]
                    value = PHASE_BESIDE_NEED if has_need else PHASE_STRENGTH
                    open_to_all = mask & ~self.bounded & (strengths < value * OPEN_TO_ALL)
                    mask = mask & self.bounded
                    strengths[open_to_all] = value * OPEN_TO_ALL
                strengths[mask & (strengths < value)] = value
        if len(unit.words) > 1:
            # A recognised phrase says what it means through the need; its words found
            # in a text are no evidence ("spricht nicht" is not "spricht kein Deutsch").
            if any(m.kind == "need" for m in unit.meanings):
                return strengths
            literal = np.min([self._literal(german, foreign) for german, foreign in unit.words],
                             axis=0)
        else:
            literal = self._literal(unit.german, unit.foreign)
            if unit.compound:
                np.maximum(literal, self.phrase(unit.compound) * COMPOUND_STRENGTH, out=literal)
        if not unit.meanings:
            return literal
        literal *= LITERAL_BESIDE_MEANING
        bonus = np.where(strengths > 0, LITERAL_BONUS * literal, 0.0)
        return np.maximum(strengths, literal) + bonus

    def own_words(self, unit: Unit) -> np.ndarray:
        """Each offer's strength for the unit's own words as typed, not for what they
        mean; for a phrase, its word that says most ("ebe arıyorum" is found where "ebe"
        is, "karate club" only where "karate" is)."""
        if len(unit.words) > 1:
            german, foreign = unit.words[min(unit.telling, len(unit.words) - 1)]
            return self._literal(german, foreign)
        literal = self._literal(unit.german, unit.foreign)
        if unit.compound:
            np.maximum(literal, self.phrase(unit.compound) * COMPOUND_STRENGTH, out=literal)
        return literal

    def _literal(self, german: tuple[str, ...], foreign: tuple[str, ...]) -> np.ndarray:
        """The best strength of any of these terms in the German or translated texts, or,
        a little less, in the situations families describe."""
        literal = np.zeros(self.size, dtype=np.float32)
        # German situations only for the words that may match German texts (gift is no Gift).
        situation = [k for k in foreign if not k.startswith("de:")] + [f"de:{g}" for g in german]
        for field, texts, weight in (("de", german, 1.0), ("foreign", foreign, 1.0),
                                     ("situation", situation, SITUATION_STRENGTH)):
            for text in texts:
                docs, values = self.term(field, text)
                literal[docs] = np.maximum(literal[docs], values * weight)
        return literal

    def relevance(self, reading: Reading, needs: dict[str, Need],
                  allowed: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each allowed offer's share of the query it answers (0 to 1; 0 elsewhere),
        and each unit's strengths."""
        total = sum(u.weight for u in reading.units) or 1.0
        scores = np.zeros(self.size, dtype=np.float32)
        per_unit = []
        for unit in reading.units:
            strengths = self.unit(unit, needs) if unit.weight > 0 else \
                np.zeros(self.size, dtype=np.float32)
            per_unit.append(strengths)
            scores += (unit.weight / total) * strengths
        scores[~allowed] = 0.0
        return scores, per_unit


def term_postings(searcher, fields, text: str) -> tuple[np.ndarray, np.ndarray]:
    """The offers having a term in any of these (field, weight) pairs, and the weighted
    sum of its BM25F scores there, field by field in this order (float32 sums)."""
    docs, parts = [], []
    for fieldname, weight in fields:
        found = postings.scored(searcher, fieldname, text)
        if found is None:
            found = _matched(searcher, fieldname, text)
        docs.append(found[0])
        parts.append(weight * found[1])
    every = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
    unique, at = np.unique(every, return_inverse=True)
    total = np.zeros(len(unique), dtype=np.float64)
    # Unbuffered: each offer's sum is taken field by field, as the matchers' loop did.
    np.add.at(total, at, np.concatenate(parts) if parts else np.zeros(0))
    return unique, total.astype(np.float32)


def _matched(searcher, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """A term's postings and scores through Whoosh's matchers, one by one."""
    if (fieldname, text) not in searcher.reader():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    matcher = searcher.postings(fieldname, text)
    docs, scores = [], []
    while matcher.is_active():
        docs.append(matcher.id())
        scores.append(matcher.score())
        matcher.next()
    return np.array(docs, dtype=np.int64), np.array(scores, dtype=np.float64)


def order_by(keys: list[np.ndarray]) -> np.ndarray:
    """The order of positions by integer keys, the first key first (np.lexsort's order with
    the keys reversed). Where the keys' ranges fit into 64 bits together, they are packed
    into one number per position and sorted once: with ten keys and 30,000 candidates
    that is a third of the time ten stable passes take."""
    if not keys or not len(keys[0]):
        return np.zeros(0, dtype=np.int64)
    shifted, bits = [], 0
    for key in keys:
        key = key.astype(np.int64)
        key -= key.min()
        width = int(key.max()).bit_length()
        shifted.append((key, width))
        bits += width
    if bits > 64:
        return np.lexsort(tuple(k for k, _ in reversed(shifted)))
    packed = np.zeros(len(keys[0]), dtype=np.uint64)
    for key, width in shifted:
        if width:
            packed <<= np.uint64(width)
            packed |= key.astype(np.uint64)
    return np.argsort(packed, kind="stable")


def bands(scores: np.ndarray, best: float) -> np.ndarray:
    """Each score's relevance band: 0 for offers answering about as well as the best
    one (BANDS[0] of its score), then 1, 2 … below each further floor."""
    if best <= 0:
        return np.zeros(len(scores), dtype=np.int8)
    share = scores / best
    result = np.full(len(scores), len(BANDS), dtype=np.int8)
    for position in range(len(BANDS) - 1, -1, -1):
        result[share >= BANDS[position]] = position
    return result
