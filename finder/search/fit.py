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
- so does one that does not speak a language the family speaks ("a midwife who speaks
  Ukrainian"): the offer is related, the exact answer would speak it;
- plain words only, and many offers about as good as the best: everyday words matched;
- a need of a kind of activity (sport, music and art: karate, ballet, piano) is answered
  only where an offer holds the family's own word for it: a football club is no karate
  club, however well it answers "sport", so the fit stays below strong (KIND_MISSED);
- a text that tells separate needs far apart ("the baby cries all night … and I am
  exhausted") is answered when the first offers together answer them, each need by one of
  them; needs next to each other ("a group for parents of autistic children") must be
  answered by one offer.

The best of the first offers (or of them together) decides: strong (its share of the query reaches
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
KIND_MISSED = 0.6
"""The share at most, when a need of a kind of activity is answered by no offer holding the
family's word for it."""
CLAUSE_GAP = 2
"""Needs at least this many words apart are told as separate needs."""


def judge(reading: Reading, per_unit: Sequence[np.ndarray], scores: np.ndarray,
          order: np.ndarray, relaxed: Sequence[str], misfit: np.ndarray, band: float,
          own_words: Callable[[Unit], np.ndarray], lang: str,
          translated: np.ndarray, meets: Callable | None = None,
          in_kinds: Callable[[str], bool] | None = None) -> str:
    """The fit of one search (see the module's docstring). `misfit` marks offers whose
    ages do not fit an age named in the text, `own_words` gives each offer's strength for
    a unit's own words, `band` is the share of the best relevance an offer needs to count
    as about as good, `translated` marks the offers translated into the reader's
    language `lang`, `meets` says per offer whether it meets a qualifier, `in_kinds`
    whether a need comes in kinds of activity."""
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
    kinds = [u for u, _ in recognised if _in_kinds(u, in_kinds)]
    wanted = [meets(q, unit) for q, unit in reading.qualifiers] if meets is not None else []
    first = [int(d) for d in order[:TOP]]
    answers = np.zeros((len(counted), len(first)))
    best = 0.0
    for column, doc in enumerate(first):
        keep = (AGE_MISFIT if misfit[doc] else 1.0) * \
            QUALIFIER_MISSED ** sum(1 for met in wanted if not met[doc])
        for row, (unit, strengths) in enumerate(counted):
            answered = min(1.0, float(strengths[doc]) / ANSWERED)
            if unit.meanings and not exact[id(unit)][doc]:
                answered *= INEXACT
            answers[row, column] = keep * answered
        share = float(answers[:, column] @ [u.weight for u, _ in counted]) / total
        if any(not exact[id(u)][doc] for u in kinds):
            share = min(share, KIND_MISSED)
        best = max(best, share)
    needs = [u for u, _ in recognised if any(m.kind == "need" for m in u.meanings)]
    if _told_apart(needs) > 1:
        together = float(answers.max(axis=1) @ [u.weight for u, _ in counted]) / total
        if any(not exact[id(u)][first].any() for u in kinds):
            together = min(together, KIND_MISSED)
        best = max(best, together)
    if not recognised:
        top = float(scores[first[0]])
        if np.count_nonzero(scores[order] >= top * band) >= FLAT:
            best = min(best, PARTIAL_FROM)
    if best >= STRONG_FROM:
        return "strong"
    return "partial" if best >= PARTIAL_FROM else "none"


def _in_kinds(unit: Unit, in_kinds: Callable[[str], bool] | None) -> bool:
    """Whether the unit was read as a need that comes in kinds of activity."""
    return in_kinds is not None and any(m.kind == "need" and in_kinds(m.id)
                                        for m in unit.meanings)


def _told_apart(needs: list[Unit]) -> int:
    """How many separate things the needs tell: needs next to each other ("support group
    for parents of autistic children") are one, needs at least CLAUSE_GAP words apart ("the
    baby cries all night … and I am exhausted") are two."""
    count, end = 0, None
    for start, last in sorted((min(u.positions), max(u.positions)) for u in needs):
        if end is None or start - end - 1 >= CLAUSE_GAP:
            count += 1
        end = last if end is None else max(end, last)
    return count


def _could_hold(unit: Unit, lang: str, translated: np.ndarray) -> np.ndarray:
    """Per offer: whether it could hold the unit's words as the family typed them."""
    if lang in LATIN_TYPED and script(fold(unit.text)) == "latin":
        return np.zeros(len(translated), dtype=bool)
    return translated
