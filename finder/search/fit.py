"""How well the results answer the query: strong, partial or none, from the ranking's own
evidence.

A family's text is read as units (finder.search.needs), and every offer gets a strength
for each unit (finder.search.ranking). The fit asks of the first few offers how much of
the meaningful query each of them answers:

- a unit is answered by an offer as far as its strength reaches ANSWERED;
- a need or topic recognised from the family's words counts fully only where the offer
  itself holds those words (in its texts, translations or the situations it helps with,
  situations.yaml); elsewhere it counts INEXACT. "Karate" is read as the need for sport
  and every sports club answers sport, but none of them says karate. Where the offer
  could not hold them (it is not translated into the reader's language, or the family
  typed Arabic, Persian, Russian or Ukrainian in Latin letters), their absence says
  nothing;
- a plain word no offer holds (an inflected verb, a typo, "Kinderreisepass") cannot be
  answered by any offer: beside a recognised need it is left out, alone it counts;
- an offer whose ages do not fit an age named in the text counts less, as in the ranking;
- so does one that does not meet a qualifier of the text (finder.search.qualifiers): a
  language asked for ("русская школа"), who it is for ("for adults", "for women"), the
  night;
- plain words only, and many offers about as good as the best: everyday words matched.

The best of the first offers decides: strong (its share of the query reaches
STRONG_FROM: the results answer the need), partial (related offers, no exact answer),
none (nothing relevant). A search without words is strong when its filters matched
without relaxing them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from finder.search.analysis import fold, script
from finder.search.needs import Reading, Unit
from finder.search.ranking import AGE_MISFIT

FITS = ("strong", "partial", "none")
TOP = 3
"""How many of the first offers are asked."""
ANSWERED = 0.5
"""A unit's strength from which an offer answers it fully (0.5 is any literal match)."""
INEXACT = 0.6
"""What an answer to a recognised need counts when the offer does not hold the family's
own words for it."""
STRONG_FROM = 0.7
PARTIAL_FROM = 0.35
"""Shares of the meaningful query the best offer must answer for each fit."""
QUALIFIER_MISSED = 0.6
"""What an offer's share keeps for each qualifier it does not meet (a Russian school asked
for, and it is Ukrainian; swimming for adults, and it is for children)."""
LATIN_TYPED = ("ar", "fa", "ru", "uk")
"""Languages whose translations are never written in Latin letters."""
FLAT = 8
"""Plain words only, and at least this many offers about as good as the best: chance."""


def judge(reading: Reading, per_unit: Sequence[np.ndarray], scores: np.ndarray,
          order: np.ndarray, relaxed: Sequence[str], misfit: np.ndarray, band: float,
          own_words: Callable[[Unit], np.ndarray], lang: str,
          translated: np.ndarray, meets: Callable | None = None) -> str:
    """The fit of one search (see the module's docstring). `misfit` marks offers whose
    ages do not fit an age named in the text, `own_words` gives each offer's strength for
    a unit's own words, `band` is the share of the best relevance an offer needs to count
    as about as good, `translated` marks the offers translated into the reader's
    language `lang`, `meets` says per offer whether it meets a qualifier."""
    if not len(order):
        return "none"
    if not reading.has_text:
        return "partial" if relaxed else "strong"
    if "no_words" in relaxed:
        return "none"
    units = [(u, s) for u, s in zip(reading.units, per_unit) if u.weight > 0]
    recognised = [(u, s) for u, s in units if u.meanings]
    plain = [(u, s) for u, s in units if not u.meanings]
    counted = recognised + [(u, s) for u, s in plain if not recognised or float(s.max()) > 0]
    total = sum(u.weight for u, _ in counted) or 1.0
    exact = {id(u): (own_words(u) > 0) | ~_could_hold(u, lang, translated)
             for u, _ in recognised}
    wanted = [meets(q, unit) for q, unit in reading.qualifiers if not q.spoken] \
        if meets is not None else []
    best = 0.0
    for doc in (int(d) for d in order[:TOP]):
        share = 0.0
        for unit, strengths in counted:
            answered = min(1.0, float(strengths[doc]) / ANSWERED)
            if unit.meanings and not exact[id(unit)][doc]:
                answered *= INEXACT
            share += unit.weight * answered
        share /= total
        if misfit[doc]:
            share *= AGE_MISFIT
        share *= QUALIFIER_MISSED ** sum(1 for met in wanted if not met[doc])
        best = max(best, share)
    if not recognised:
        first = float(scores[int(order[0])])
        if np.count_nonzero(scores[order] >= first * band) >= FLAT:
            best = min(best, PARTIAL_FROM)
    if best >= STRONG_FROM:
        return "strong"
    return "partial" if best >= PARTIAL_FROM else "none"


def _could_hold(unit: Unit, lang: str, translated: np.ndarray) -> np.ndarray:
    """Per offer: whether it could hold the unit's words as the family typed them."""
    if lang in LATIN_TYPED and script(fold(unit.text)) == "latin":
        return np.zeros(len(translated), dtype=bool)
    return translated
