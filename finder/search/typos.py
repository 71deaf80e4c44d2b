"""Typo tolerance for the free text: how many typos a word's length forgives, and the
words within that many edits of a typed one.

Candidates come from an index of every word under each form with one letter deleted
(the symmetric delete method); which candidate a misspelt word stands for is decided
by the need vocabulary (finder.search.needs).
"""

from __future__ import annotations

from collections.abc import Iterable


def typo_limit(word: str) -> int:
    """Typos forgiven by word length: none under 5 letters, one up to 8, two beyond."""
    return 0 if len(word) < 5 else 1 if len(word) <= 8 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
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


def fuzzy_index(words: Iterable[str]) -> dict[str, set[str]]:
    """Each word under itself and under each of its forms with one letter deleted."""
    fuzzy: dict[str, set[str]] = {}
    for word in words:
        fuzzy.setdefault(word, set()).add(word)
        for variant in _deletes(word):
            fuzzy.setdefault(variant, set()).add(word)
    return fuzzy


def near_words(word: str, limit: int, fuzzy: dict[str, set[str]]) -> set[str]:
    """The indexed words that may lie within limit (1 or 2) edits of word; the caller
    measures the distance."""
    variants = {word} | _deletes(word)
    if limit == 2:
        variants |= {v2 for v in list(variants) for v2 in _deletes(v)}
    found: set[str] = set()
    for variant in variants:
        found |= fuzzy.get(variant, set())
    return found
