"""What each supported language's kept word lists say about a word.

Two kept sources, never lists typed by hand: the stop words of each language
(the stop-words package) and how common a word is in everyday writing (wordfreq's
Zipf scale: 7 for "the", 3 for a word read once in a million, 0 for unknown).
The search uses them to tell meaningful words from everyday ones, to see which
language a Latin word belongs to, and never to "correct" a real word.
"""

from __future__ import annotations

import hashlib
import math
import pickle  # nosec B403: only files this code wrote into a build are read back
import threading
from functools import lru_cache
from importlib import metadata
from pathlib import Path

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


SAVED_NAME = "wordlists.pickle"
"""The folded word lists as a build keeps them: folding some 300,000 words takes a
second at every start of a process; reading them back, a tenth of that."""


def _fingerprint() -> str:
    """What the folded lists depend on: the two packages' versions and the code that
    folds. A saved copy made under anything else is not used."""
    from finder.search import analysis

    parts = [metadata.version("wordfreq"), metadata.version("stop-words"),
             Path(analysis.__file__).read_text(encoding="utf-8"),
             Path(__file__).read_text(encoding="utf-8")]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def save(path: Path, earlier: Path | None = None) -> None:
    """Write the folded word lists to a file of a build: those loaded, else an earlier
    build's where it fits, else folded now."""
    if earlier is None or not load_saved(earlier):
        _load()
    with _lock:
        data = {"fingerprint": _fingerprint(), "frequencies": _frequencies, "stop": _stop}
        path.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def load_saved(path: Path) -> bool:
    """Take the word lists from a file save() wrote, when none are loaded yet and the file
    was made by this code with these packages; whether they are loaded now."""
    with _lock:
        if _frequencies:
            return True
        try:
            data = pickle.loads(path.read_bytes())  # nosec B301: written by save()
        except Exception:  # noqa: BLE001 - missing, damaged or foreign: fold them anew
            return False
        if not isinstance(data, dict) or data.get("fingerprint") != _fingerprint():
            return False
        _frequencies.update(data["frequencies"])
        _stop.update(data["stop"])
        return True


def preload(saved: Path | None = None) -> None:
    """Load the word lists (from a build's saved copy where it fits) and the Ukrainian
    dictionary now: a server calls this before it forks its workers, so that they share
    these pages instead of each loading its own copy (they do not change with a build)."""
    from finder.search.analysis import key

    if saved is None or not load_saved(saved):
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
