"""What each supported language's kept word lists say about a word.

Two kept sources, never lists typed by hand: the stop words of each language
(the stop-words package) and how common a word is in everyday writing (wordfreq's
Zipf scale: 7 for "the", 3 for a word read once in a million, 0 for unknown).
The search uses them to tell meaningful words from everyday ones, to see which
language a Latin word belongs to, and never to "correct" a real word.
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache

from finder.search.analysis import LANGUAGES, fold, languages_of

_STOP_NAMES = {"de": "german", "en": "english", "tr": "turkish", "ar": "arabic",
               "uk": "ukrainian", "ru": "russian", "fa": "persian"}
REAL_WORD_ZIPF = 1.5
"""A word at least this common in a language is a real word of that language."""

_lock = threading.Lock()
_frequencies: dict[str, dict[str, float]] = {}
_stop: dict[str, frozenset[str]] = {}


def _load() -> None:
    with _lock:
        if _frequencies:
            return
        import stop_words
        import wordfreq

        for lang in LANGUAGES:
            folded: dict[str, float] = {}
            for word, freq in wordfreq.get_frequency_dict(lang, "small").items():
                word = fold(word)
                if freq > folded.get(word, 0.0):
                    folded[word] = freq
            _frequencies[lang] = folded
            _stop[lang] = frozenset(fold(w) for w in stop_words.get_stop_words(_STOP_NAMES[lang]))
        # wordfreq keeps its own copies of the lists; ours are folded, theirs are not needed.
        wordfreq.get_frequency_dict.cache_clear()
        wordfreq.get_frequency_list.cache_clear()


def preload() -> None:
    """Load the word lists and the Ukrainian dictionary now: a server calls this before it
    forks its workers, so that they share these pages instead of each loading its own
    copy (they do not change with a build)."""
    from finder.search.analysis import key

    _load()
    key("мамам", "uk")


@lru_cache(maxsize=100_000)
def zipf(word: str, lang: str) -> float:
    """How common a folded word is in a language, on the Zipf scale (0 = unknown)."""
    if not _frequencies:
        _load()
    freq = _frequencies[lang].get(word, 0.0)
    return round(math.log10(freq) + 9, 2) if freq > 0 else 0.0


def is_stop_word(word: str, lang: str) -> bool:
    """A folded word that is a stop word of lang."""
    if not _stop:
        _load()
    return word in _stop[lang]


def is_real_word(word: str) -> bool:
    """A folded word that is a real word of any supported language written in its script."""
    return any(zipf(word, lang) >= REAL_WORD_ZIPF for lang in languages_of(word) or LANGUAGES)


def commonest_language(word: str) -> tuple[str | None, float]:
    """The supported language in which a folded word is most common, with its Zipf value."""
    best, value = None, 0.0
    for lang in languages_of(word):
        z = zipf(word, lang)
        if z > value:
            best, value = lang, z
    return best, value
